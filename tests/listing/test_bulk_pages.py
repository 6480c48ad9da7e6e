"""The bulk bar of the tables: offered to those who may act, a result per row after acting."""

import re

import pytest

from deftweb.models import RequestStatus, RequestType
from deftweb.requests import workflow

S = RequestStatus
#: What htmx sends with the bulk form (`hx-post`, `hx-target="#bulk-results"`).
BULK_FRAGMENT = {"HX-Request": "true", "HX-Target": "bulk-results"}


def test_members_get_no_bulk_bar(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    make.task()
    assert 'id="bulk-form"' not in client.get("/tasks/").get_data(as_text=True)
    assert client.post("/tasks/bulk", data={"action": "abort", "id": "1"}).status_code == 403


def test_production_manager_aborts_the_ticked_tasks(client, make, manager):
    running, done = make.task(status="running"), make.task(status="done")
    page = client.get("/tasks/").get_data(as_text=True)
    assert 'id="bulk-form"' in page
    assert f'name="id" value="{running.id}" form="bulk-form"' in page
    form = {"action": "abort", "id": [str(running.id), str(done.id)], "view": "status=active"}
    fragment = client.post("/tasks/bulk", data=form, headers=BULK_FRAGMENT)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html
    assert "Abort: 1 of 2 tasks done" in html
    assert running.status == "toabort"
    assert 'href="/tasks/?status=active"' in html


def test_every_request_of_the_view_is_held(client, make, manager):
    held = [make.request(status="registered", description="bulk hold me") for _ in range(2)]
    make.request(status="registered", description="leave me")
    form = {"action": "hold", "all_matching": "1", "view": "description=bulk+hold"}
    page = client.post("/requests/bulk", data=form).get_data(as_text=True)
    assert "<html" in page
    assert "Hold: 2 of 2 requests done" in page
    assert [r.status for r in held] == ["hold", "hold"]


def test_unknown_action_is_a_clear_400(client, manager):
    response = client.post("/tasks/bulk", data={"action": "explode", "id": "1"})
    assert response.status_code == 400
    assert "Choose one of" in response.get_data(as_text=True)


def ticked_as_shown(page: str, rows) -> list[str]:
    """What the table's checkboxes of `rows` post, as the page showed them."""
    posted = re.findall(r'name="id" value="([^"]+)" form="bulk-form"', page)
    return [value for value in posted if int(value.partition(":")[0]) in {r.id for r in rows}]


@pytest.fixture
def higg_waiting(make):
    """Three waiting HIGG derivation requests, and a HIGG convener signed in to approve them."""
    requester = make.user(groups={"HIGG": "member"})
    return [
        make.request(requester=requester, request_type=RequestType.GROUP, status=S.WAITING)
        for _ in range(3)
    ]


def test_a_request_changed_since_the_table_showed_it_is_refused(
    client, make, login_as, higg_waiting
):
    edited, moved, untouched = higg_waiting
    login_as(make.user(groups={"HIGG": "convener"}))
    shown = ticked_as_shown(client.get("/requests/").get_data(as_text=True), higg_waiting)
    other = make.user(groups={"HIGG": "convener"}, display_name="Other Convener")
    workflow.edit_request(edited, other, {"priority": 7}, edited.version)
    workflow.transition(moved, S.HOLD, other, moved.version)
    form = {"action": "approve", "id": shown, "view": ""}
    html = client.post("/requests/bulk", data=form, headers=BULK_FRAGMENT).get_data(as_text=True)
    assert "Approve (next step): 1 of 3 requests done" in html
    for request in (edited, moved):
        assert f"Request {request.id} changed after you loaded it: Other Convener" in html
    assert f"it is now hold (version {moved.version})" in html
    assert [r.status for r in higg_waiting] == [S.WAITING, S.HOLD, S.REGISTERED]
    assert edited.priority == 7


def test_a_ticked_request_without_its_version_is_refused(client, make, login_as, higg_waiting):
    login_as(make.user(groups={"HIGG": "convener"}))
    request = higg_waiting[0]
    form = {"action": "approve", "id": str(request.id)}
    html = client.post("/requests/bulk", data=form, headers=BULK_FRAGMENT).get_data(as_text=True)
    assert "Approve (next step): 0 of 1 requests done" in html
    assert f"The form lost the version request {request.id} was shown with" in html
    assert request.status == S.WAITING
