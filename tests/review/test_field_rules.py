"""The request page's field edit and PATCH /api/v1/requests/<id> judge the reviewed fields alike:
the same bad values are refused with 422 and the same message, and nothing is written."""

import html
import re

import pytest
import sqlalchemy as sa

from deftweb.models import HistoryKind, Request, RequestHistory, RequestStatus, RequestType, db

S = RequestStatus

#: (field, value, what the refusal says): values the filing rules refuse. Some of them the
#: database refuses too (too long for the column, beyond a 32-bit integer): a 500, not a 422.
BAD_EDITS = [
    pytest.param("priority", 5000, "from 0 to 1,000", id="priority-out-of-range"),
    pytest.param("priority", 2**40, "from 0 to 1,000", id="priority-beyond-the-column"),
    pytest.param("reference_link", "see the JIRA ticket", "http(s) link", id="link-not-a-url"),
    pytest.param("cc", "a@cern.ch, not-an-address", "not an e-mail address", id="cc-bad-address"),
    pytest.param("description", "x" * 100_000, "At most 256 characters", id="description-100k"),
    # a line break in a description became a mail header (issue 20): one-line fields hold none
    pytest.param("description", "ttH\nBcc: all@example.cern", "on one line", id="description-line"),
    pytest.param("cc", "a@cern.ch\x07", "control character U+0007", id="cc-control-character"),
]

GOOD_EDIT = {
    "description": "clearer words",
    "reference_link": "https://its.cern.ch/jira/browse/ATLMCPROD-1",
    "cc": "a@cern.ch; b@cern.ch",
    "priority": 900,
}
SAVED = GOOD_EDIT | {"cc": "a@cern.ch, b@cern.ch"}


@pytest.fixture
def waiting(make, login_as):
    """A request waiting for its HIGG convener, who is signed in (and may edit every field)."""
    login_as(make.user(groups={"HIGG": "convener"}))
    requester = make.user(groups={"HIGG": "member"})
    return make.request(requester=requester, request_type=RequestType.GROUP, status=S.WAITING)


COLUMNS = (Request.version, Request.description, Request.reference_link, Request.cc)
COLUMNS += (Request.priority, Request.long_description)


def stored(request_id: int) -> dict:
    """The request's reviewed fields and version as the database holds them, and its edits."""
    row = db.session.execute(sa.select(*COLUMNS).where(Request.id == request_id)).one()
    edits = db.session.scalar(
        sa.select(sa.func.count()).where(
            RequestHistory.request_id == request_id, RequestHistory.kind == HistoryKind.EDIT
        )
    )
    return row._asdict() | {"edits": edits}


def page_edit(client, request_id: int, **fields):
    data = {"version": "1"} | {name: str(value) for name, value in fields.items()}
    return client.post(f"/requests/{request_id}/fields", data=data)


def api_edit(client, request_id: int, **fields):
    return client.patch(f"/api/v1/requests/{request_id}", json={"version": 1} | fields)


@pytest.mark.parametrize(("field", "value", "says"), BAD_EDITS)
def test_the_page_refuses_at_the_field_with_the_form_filled_in(client, waiting, field, value, says):
    before = stored(waiting.id)
    answer = page_edit(client, waiting.id, **{field: value})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    shown = re.search(rf'id="edit-{field}-error">([^<]+)</small>', page)
    assert shown
    assert says in html.unescape(shown.group(1))
    assert f'value="{html.escape(str(value))}"' in page
    assert stored(waiting.id) == before


@pytest.mark.parametrize(("field", "value", "says"), BAD_EDITS)
def test_the_api_refuses_with_a_pointer_to_the_field(client, waiting, field, value, says):
    before = stored(waiting.id)
    answer = api_edit(client, waiting.id, **{field: value})
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    [error] = answer.get_json()["errors"]
    assert error["pointer"] == f"/{field}"
    assert says in error["detail"]
    assert stored(waiting.id) == before


@pytest.mark.parametrize(("field", "value", "says"), BAD_EDITS)
def test_page_and_api_give_the_same_reason(client, waiting, field, value, says):
    page = page_edit(client, waiting.id, **{field: value}).get_data(as_text=True)
    shown = re.search(rf'id="edit-{field}-error">([^<]+)</small>', page).group(1)
    detail = api_edit(client, waiting.id, **{field: value}).get_json()["errors"][0]["detail"]
    assert html.unescape(shown) == detail


def test_a_good_edit_is_saved_by_the_page(client, waiting):
    answer = page_edit(client, waiting.id, **GOOD_EDIT)
    assert answer.status_code == 302
    after = stored(waiting.id)
    assert (after["version"], after["edits"]) == (2, 1)
    assert {name: after[name] for name in SAVED} == SAVED


def test_a_good_edit_is_saved_by_the_api(client, waiting):
    answer = api_edit(client, waiting.id, **GOOD_EDIT)
    assert answer.status_code == 200
    assert {name: answer.get_json()[name] for name in SAVED} == SAVED
    assert stored(waiting.id)["version"] == 2
