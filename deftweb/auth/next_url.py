"""Where to go after sign-in: only a path on this site, never another host.

The cases refused are those of flask-multipass's `validate_next_url` and more: another scheme or
host, `//host` and `///host`, backslashes (browsers read them as slashes), and control characters
(browsers drop tabs and newlines, which turns `/\\t/host` into `//host`).
"""

from urllib.parse import urlsplit

MAX_LENGTH = 1000


def _has_control_characters(value: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def safe_next_url(value: str | None, default: str = "/") -> str:
    """Return `value` if it is a same-site relative path, else `default`."""
    if not value or len(value) > MAX_LENGTH or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or _has_control_characters(value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
