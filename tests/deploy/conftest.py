"""Deployment tests need Debian's nginx; `make test` runs them as their own step (`-m proxy`)."""

import os
from pathlib import Path

import pytest

from tests.deploy.proxy_rig import NGINX


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.proxy)


@pytest.fixture(scope="session", autouse=True)
def _nginx_installed():
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} is missing: apt-get install nginx")
