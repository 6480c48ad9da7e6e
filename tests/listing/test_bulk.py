"""Bulk actions from the tables: ticked rows or every row of the view, one result per row."""

import pytest
from werkzeug.datastructures import MultiDict

from deftweb.errors import InvalidInput
from deftweb.listing import bulk as listing_bulk
from deftweb.models import GlobalRole, JediCommand, db
from deftweb.requests import workflow
from deftweb.requests.table import TABLE as REQUESTS
from deftweb.review import moves as review_moves
from deftweb.tasks import actions as task_actions
from deftweb.tasks.table import TABLE as TASKS


@pytest.fixture
def prodmgr(make):
    return make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))


def test_ticked_ids_keep_their_order_once(make):
    form = MultiDict([("id", "7"), ("id", "3"), ("id", "7"), ("id", "x")])
    assert list(listing_bulk.selected_rows(TASKS, form)) == [7, 3]


def test_ticked_rows_carry_the_version_they_were_shown_with():
    posted = [("id", "7:2"), ("id", "3"), ("id", "7:5"), ("id", "4:x"), ("id", ":1")]
    assert listing_bulk.selected_rows(REQUESTS, MultiDict(posted)) == {7: 2, 3: None}


def test_every_row_of_the_view(make):
    running = [make.task(status="running", working_group="AP_SUSY") for _ in range(3)]
    make.task(status="done", working_group="AP_SUSY")
    form = MultiDict({"all_matching": "1", "view": "status=running&group=SUSY&sort=id"})
    assert list(listing_bulk.selected_rows(TASKS, form)) == [t.id for t in running]


def test_every_request_of_the_view_at_the_version_it_has_now(make, prodmgr):
    """Nobody saw the rows of a whole view: they are taken as they are when the user confirms."""
    edited, plain = make.request(description="view me"), make.request(description="view me")
    workflow.edit_request(edited, edited.requester, {"priority": 3}, edited.version)
    form = MultiDict({"all_matching": "1", "view": "description=view+me&sort=id"})
    assert listing_bulk.selected_rows(REQUESTS, form) == {edited.id: 2, plain.id: 1}


def test_too_many_rows_are_refused(make):
    for _ in range(4):
        make.task(status="running")
    form = MultiDict({"all_matching": "1", "view": "status=running"})
    with pytest.raises(listing_bulk.TooManyRows, match="at most 3"):
        listing_bulk.selected_rows(TASKS, form, limit=3)


def test_a_bad_view_is_refused():
    with pytest.raises(InvalidInput, match="Fix the filters"):
        listing_bulk.selected_rows(TASKS, MultiDict({"all_matching": "1", "view": "id=x"}))


def test_task_action_gives_a_result_per_task(make, prodmgr):
    running, done = make.task(status="running"), make.task(status="done")
    results = task_actions.act_on_table_rows(prodmgr, "abort", [running.id, done.id, 1], None)
    assert [(r.row_id, r.ok) for r in results] == [(running.id, True), (done.id, False), (1, False)]
    assert "is done" in results[1].message
    assert db.session.query(JediCommand).filter_by(task_id=running.id).count() == 1


def shown(*requests) -> dict[int, int]:
    """The requests as a page shows them now: id -> version."""
    return {r.id: r.version for r in requests}


def test_request_moves_through_the_workflow_row_by_row(make, prodmgr):
    registered = make.request(status="registered")
    done = make.request(status="done")
    results = review_moves.bulk_review(prodmgr, "hold", shown(registered, done), "")
    assert [r.ok for r in results] == [True, False]
    assert registered.status == "hold"
    assert done.status == "done"


def test_a_request_changed_since_it_was_shown_is_refused(make, prodmgr):
    edited, moved, untouched = (make.request(status="registered") for _ in range(3))
    as_shown = shown(edited, moved, untouched)
    other = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,), display_name="Other Manager")
    workflow.edit_request(edited, other, {"priority": 9}, edited.version)
    workflow.transition(moved, "hold", other, moved.version)
    results = review_moves.bulk_review(prodmgr, "reject", as_shown, "not now")
    assert [r.ok for r in results] == [False, False, True]
    for result in results[:2]:
        assert "changed after you loaded it: Other Manager changed it" in result.message
    assert [edited.status, moved.status, untouched.status] == ["registered", "hold", "rejected"]
    assert edited.version == 2


def test_approving_never_resumes_a_held_request(make, prodmgr):
    """Held while approved, a request's "Resume" goes to approved: still not an approval."""
    held = make.request(status="approved")
    workflow.transition(held, "hold", prodmgr, held.version)
    (result,) = review_moves.bulk_review(prodmgr, "approve", shown(held), "")
    assert not result.ok
    assert result.message == f"Request {held.id} is hold: there is nothing to approve."
    assert held.status == "hold"


def test_a_member_cannot_move_requests(make):
    member = make.user(groups={"HIGG": "member"})
    waiting = make.request(status="waiting")
    (result,) = review_moves.bulk_review(member, "reject", shown(waiting), "no")
    assert not result.ok
    assert waiting.status == "waiting"
