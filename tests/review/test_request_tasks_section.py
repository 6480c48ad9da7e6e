"""The request page's tasks: the step-chain picture link, and "Define tasks again" for managers."""

import pytest

from deftweb.models import GlobalRole, RequestStatus


@pytest.fixture
def approved(make):
    return make.request(status=RequestStatus.APPROVED, version=4)


def test_production_managers_may_define_the_tasks_again(client, make, login_as, approved):
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    page = client.get(f"/requests/{approved.id}").text
    assert f'action="/requests/{approved.id}/define-tasks"' in page
    assert "Define tasks again" in page


def test_others_get_no_define_button(client, make, login_as, approved):
    login_as(make.user(groups={"HIGG": "convener"}))
    assert "Define tasks again" not in client.get(f"/requests/{approved.id}").text


def test_the_chain_picture_is_linked_once_tasks_exist(client, make, login_as, approved):
    login_as(make.user())
    assert "/metatasks/request/" not in client.get(f"/requests/{approved.id}").text
    make.task(request=approved)
    page = client.get(f"/requests/{approved.id}").text
    assert f'href="/metatasks/request/{approved.id}"' in page
