"""Bulk actions from the tables: ticked rows or every row of the view, one result per row."""

import pytest
from werkzeug.datastructures import MultiDict

from deftweb.models import GlobalRole, JediCommand, db
from deftweb.services import list_actions
from deftweb.services.listing import BadFilter
from deftweb.services.task_list import TABLE as TASKS


@pytest.fixture
def prodmgr(make):
    return make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))


def test_ticked_ids_keep_their_order_once(make):
    form = MultiDict([("id", "7"), ("id", "3"), ("id", "7"), ("id", "x")])
    assert list_actions.selected_ids(TASKS, form) == [7, 3]


def test_every_row_of_the_view(make):
    running = [make.task(status="running", working_group="AP_SUSY") for _ in range(3)]
    make.task(status="done", working_group="AP_SUSY")
    form = MultiDict({"all_matching": "1", "view": "status=running&group=SUSY&sort=id"})
    assert list_actions.selected_ids(TASKS, form) == [t.id for t in running]


def test_too_many_rows_are_refused(make):
    for _ in range(4):
        make.task(status="running")
    form = MultiDict({"all_matching": "1", "view": "status=running"})
    with pytest.raises(list_actions.TooManyRows, match="at most 3"):
        list_actions.selected_ids(TASKS, form, limit=3)


def test_a_bad_view_is_refused():
    with pytest.raises(BadFilter, match="Fix the filters"):
        list_actions.selected_ids(TASKS, MultiDict({"all_matching": "1", "view": "id=x"}))


def test_task_action_gives_a_result_per_task(make, prodmgr):
    running, done = make.task(status="running"), make.task(status="done")
    results = list_actions.act_on_tasks(prodmgr, "abort", [running.id, done.id, 1], None)
    assert [(r.row_id, r.ok) for r in results] == [(running.id, True), (done.id, False), (1, False)]
    assert "is done" in results[1].message
    assert db.session.query(JediCommand).filter_by(task_id=running.id).count() == 1


def test_request_moves_through_the_workflow_row_by_row(make, prodmgr):
    registered = make.request(status="registered")
    done = make.request(status="done")
    results = list_actions.act_on_requests(prodmgr, "hold", [registered.id, done.id], "")
    assert [r.ok for r in results] == [True, False]
    assert registered.status == "hold"
    assert done.status == "done"


def test_a_member_cannot_move_requests(make):
    member = make.user(groups={"HIGG": "member"})
    waiting = make.request(status="waiting")
    (result,) = list_actions.act_on_requests(member, "reject", [waiting.id], "no")
    assert not result.ok
    assert waiting.status == "waiting"
