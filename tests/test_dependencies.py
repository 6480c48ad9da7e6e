"""The pinned lxml/xmlsec pair imports together (other pairs fail: different bundled libxml2)."""

from pathlib import Path

import lxml.etree
import xmlsec
from onelogin.saml2.auth import OneLogin_Saml2_Auth

ROOT = Path(__file__).resolve().parent.parent


def test_lxml_and_xmlsec_share_one_libxml2():
    assert lxml.etree.LIBXML_VERSION == lxml.etree.LIBXML_COMPILED_VERSION
    assert xmlsec.constants.TransformEnveloped is not None
    assert OneLogin_Saml2_Auth.__name__ == "OneLogin_Saml2_Auth"


def test_requirements_pin_every_package():
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line!r} is not pinned"


def test_htmx_is_vendored_at_the_pinned_version():
    from deftweb import HTMX_VERSION

    assert HTMX_VERSION.startswith("2.0.")
    script = ROOT / "deftweb" / "static" / "vendor" / f"htmx-{HTMX_VERSION}.min.js"
    assert f'version:"{HTMX_VERSION}"' in script.read_text()
