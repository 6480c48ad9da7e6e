"""Where to go after sign-in: only a path on this site, never another host."""

from urllib.parse import urlsplit

FORBIDDEN_CHARACTERS = ("\\", "\r", "\n", "\t", "\x00")


def safe_next_url(value: str | None, default: str = "/") -> str:
    """Return `value` if it is a same-site relative path, else `default`."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if any(ch in value for ch in FORBIDDEN_CHARACTERS):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
