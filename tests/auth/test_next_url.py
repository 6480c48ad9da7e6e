"""`safe_next_url`: flask-multipass's refused cases, and a property over arbitrary strings."""

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deftweb.auth.next_url import safe_next_url


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/requests/12",
        "/requests/?status=waiting&q=a%20b",
        "/tasks/7#graph",
        "/a//b",
        "/%2F%2Fevil.example",  # a path: the browser does not decode it into a host
    ],
)
def test_same_site_paths_are_kept(value):
    assert safe_next_url(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "requests/12",
        "https://evil.example/",
        "http://evil.example",
        "//evil.example",
        "///evil.example",
        "////evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ok\x00",
        "/ok\x7f",
        "javascript:alert(1)",
        "data:text/html,x",
        " /leading-space",
        "/" + "a" * 1000,
    ],
)
def test_everything_else_becomes_the_default(value):
    assert safe_next_url(value) == "/"
    assert safe_next_url(value, default="/profile") == "/profile"


def _as_a_browser_reads_it(value: str) -> str:
    """WHATWG URL parsing drops tabs and newlines and treats backslashes as slashes."""
    return value.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")


@given(st.text(alphabet=st.sampled_from("/\\:.@?#%\t\n ahx"), max_size=12))
def test_no_accepted_value_leaves_the_site(value):
    result = safe_next_url(value)
    browser = urlsplit(_as_a_browser_reads_it(result))
    assert result.startswith("/")
    assert not browser.netloc
    assert not browser.scheme
    assert not _as_a_browser_reads_it(result).startswith("//")
