"""Who the page and API tests sign in as."""

import pytest

from deftweb.models import GlobalRole


@pytest.fixture
def member(make, login_as):
    """A HIGG member: may file requests for HIGG and browse everything."""
    return login_as(make.user(groups={"HIGG": "member"}))


@pytest.fixture
def manager(make, login_as):
    """A production manager: task actions, task definition, dataset registration."""
    return login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
