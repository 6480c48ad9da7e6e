"""The review workflow service: compare-and-set, history, outbox rows, approval, edits, comments."""

import pytest
import sqlalchemy as sa

from deftweb.errors import InvalidInput, NotAllowed
from deftweb.models import (
    GlobalRole,
    HistoryKind,
    NotifyMode,
    OutboxMessage,
    RequestHistory,
    RequestStatus,
    RequestType,
    StepStatus,
    Task,
    db,
)
from deftweb.notifications import watchers
from deftweb.requests import workflow
from deftweb.requests.workflow import StaleRequest
from deftweb.review import moves as review_moves

S = RequestStatus


@pytest.fixture
def cast(make):
    """A GROUP request of HIGG waiting for its convener, and the people around it."""
    requester = make.user(groups={"HIGG": "member"})
    convener = make.user(groups={"HIGG": "convener"})
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    request = make.request(
        requester=requester,
        request_type=RequestType.GROUP,
        status=S.WAITING,
        cc="Physics-Conveners@example.cern, not-an-address",
    )
    return request, requester, convener, manager


def rows_of(model, request) -> list:
    """The request's history or outbox rows, oldest first."""
    query = sa.select(model).where(model.request_id == request.id).order_by(model.id)
    return list(db.session.scalars(query))


def history(request):
    return rows_of(RequestHistory, request)


def outbox(request):
    return rows_of(OutboxMessage, request)


def test_transition_moves_bumps_version_and_writes_history_and_outbox(cast):
    request, requester, convener, _ = cast
    entry = workflow.transition(request, S.REGISTERED, convener, 1, "  fine  ")
    assert (request.status, request.version) == (S.REGISTERED, 2)
    assert [(h.kind, h.from_status, h.to_status, h.comment) for h in history(request)] == [
        (HistoryKind.TRANSITION, S.WAITING, S.REGISTERED, "fine")
    ]
    assert entry.actor is convener
    mails = outbox(request)
    assert sorted(m.recipient for m in mails) == [
        "physics-conveners@example.cern",
        requester.email,
    ]
    mail = next(m for m in mails if m.recipient == requester.email)
    assert mail.subject.startswith(f"[deftweb] Request {request.id} waiting → registered")
    assert f"moved request {request.id} from waiting to registered" in mail.body
    assert "fine" in mail.body
    assert f"/requests/{request.id}" in mail.body
    assert "you filed this request" in mail.body
    assert not mail.digest
    assert mail.status == "pending"


def test_double_click_changes_nothing_twice(cast):
    request, _, convener, _ = cast
    workflow.transition(request, S.REGISTERED, convener, 1)
    with pytest.raises(StaleRequest) as caught:
        workflow.transition(request, S.REGISTERED, convener, 1)
    assert caught.value.status == 409
    assert f"already registered: {convener.display_name} changed it" in caught.value.message
    assert len(history(request)) == 1
    assert request.version == 2


def test_stale_version_says_what_happened(cast):
    request, _, convener, _ = cast
    workflow.transition(request, S.REGISTERED, convener, 1)
    with pytest.raises(StaleRequest) as caught:
        workflow.transition(request, S.REJECTED, convener, 1, "no")
    assert "changed after you loaded it" in caught.value.message
    assert "it is now registered (version 2)" in caught.value.message


def test_compare_and_set_loses_to_a_concurrent_writer(cast):
    """The row changed in the database behind the loaded object: the UPDATE matches nothing."""
    request, _, convener, _ = cast
    behind_its_back = sa.text("UPDATE requests SET version = 7 WHERE id = :id")
    db.session.execute(behind_its_back, {"id": request.id})
    with pytest.raises(StaleRequest):
        workflow.transition(request, S.REGISTERED, convener, 1)
    assert request.version == 7
    assert history(request) == []


def test_refusals(cast):
    request, requester, convener, _ = cast
    with pytest.raises(NotAllowed, match="may not approve for the group"):
        workflow.transition(request, S.REGISTERED, requester, 1)
    with pytest.raises(InvalidInput, match="cannot move to done; possible moves: registered"):
        workflow.transition(request, S.DONE, convener, 1)
    with pytest.raises(InvalidInput, match="Write a comment") as caught:
        workflow.transition(request, S.REJECTED, convener, 1, "   ")
    assert caught.value.pointer == "/comment"
    assert request.status == S.WAITING
    assert history(request) == []


def test_reject_revise_resubmit(cast):
    request, requester, convener, _ = cast
    workflow.transition(request, S.REJECTED, convener, 1, "Missing events per slice")
    workflow.transition(request, S.DRAFT, requester, 2)
    workflow.transition(request, S.WAITING, requester, 3)
    assert [h.to_status for h in history(request)] == [S.REJECTED, S.DRAFT, S.WAITING]


def test_resume_returns_to_the_held_status_only(cast):
    request, _, convener, manager = cast
    workflow.transition(request, S.REGISTERED, convener, 1)
    workflow.transition(request, S.HOLD, manager, 2, "waiting for the release")
    with pytest.raises(NotAllowed):
        workflow.transition(request, S.APPROVED, manager, 3)
    assert [m.target for m in workflow.available_moves(request, manager)] == [
        S.CANCELLED,
        S.REGISTERED,
    ]
    workflow.transition(request, S.REGISTERED, manager, 3)
    assert request.status == S.REGISTERED


def test_the_workflow_alone_defines_no_tasks(make):
    """Task definition is the approving code's step (review_moves), not a hook of the workflow."""
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    request = make.request(status=S.REGISTERED, slices=1)
    workflow.transition(request, S.APPROVED, manager, 1)
    count = db.session.scalar(sa.select(sa.func.count()).where(Task.request_id == request.id))
    assert (request.status, count) == (S.APPROVED, 0)


def test_actor_and_digest_readers(cast, make):
    request, requester, convener, _ = cast
    requester.notify_mode = NotifyMode.DIGEST
    watcher = make.user()
    watchers.watch(request, watcher)
    watchers.watch(request, watcher)
    watchers.watch(request, convener)
    workflow.transition(request, S.REGISTERED, convener, 1)
    mails = {m.recipient: m for m in outbox(request)}
    assert set(mails) == {requester.email, "physics-conveners@example.cern", watcher.email}
    assert mails[requester.email].digest
    assert not mails[watcher.email].digest
    assert "you watch this request" in mails[watcher.email].body
    watchers.unwatch(request, watcher)
    assert not watchers.is_watching(request, watcher)
    assert watchers.is_watching(request, requester)


def test_edit_respects_field_rules_and_records_the_diff(cast):
    request, requester, convener, _ = cast
    old_priority = request.priority
    with pytest.raises(NotAllowed, match="may not change priority while request") as caught:
        workflow.edit_request(request, requester, {"priority": 900}, 1)
    assert caught.value.pointer == "/priority"
    workflow.edit_request(request, requester, {"description": "better words"}, 1)
    entry = workflow.edit_request(request, convener, {"priority": 900, "cc": request.cc}, 2)
    assert entry.diff == {"priority": [old_priority, 900]}
    assert (request.priority, request.version, request.description) == (900, 3, "better words")
    assert workflow.edit_request(request, convener, {"priority": 900}, 3) is None
    with pytest.raises(StaleRequest):
        workflow.edit_request(request, convener, {"priority": 1}, 2)


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"priority": 5000}, "/priority"),
        ({"priority": "high"}, "/priority"),
        ({"reference_link": "the JIRA ticket"}, "/reference_link"),
        ({"cc": "a@cern.ch, nobody"}, "/cc"),
        ({"description": "x" * 100_000}, "/description"),
        ({"description": " "}, "/description"),
    ],
)
def test_edit_refuses_what_the_filing_rules_refuse_and_writes_nothing(cast, changes, pointer):
    request, _, convener, _ = cast
    with pytest.raises(InvalidInput) as refused:
        workflow.edit_request(request, convener, changes, 1)
    assert refused.value.pointer == pointer
    assert request.version == 1
    assert history(request) == []


def test_edit_cleans_what_it_saves(cast):
    request, _, convener, _ = cast
    changes = {"description": "  clearer  ", "cc": "a@cern.ch b@cern.ch", "priority": " 900 "}
    entry = workflow.edit_request(request, convener, changes, 1)
    assert (request.description, request.cc, request.priority) == (
        "clearer",
        "a@cern.ch, b@cern.ch",
        900,
    )
    assert entry.diff["priority"] == [0, 900]


def test_comment_needs_text_and_tells_watchers_without_bumping_version(cast):
    request, requester, convener, _ = cast
    with pytest.raises(InvalidInput):
        workflow.add_comment(request, convener, " ")
    workflow.add_comment(request, convener, "Why 10M events?")
    assert request.version == 1
    assert history(request)[-1].kind == HistoryKind.COMMENT
    assert requester.email in {m.recipient for m in outbox(request)}


def test_production_approval_defines_tasks_and_starts_work(make):
    """Approving to production (a person's move) produces the request's tasks, and work starts."""
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    request = make.request(status=S.REGISTERED, slices=2)
    for piece in request.slices:
        for step in piece.steps:
            step.status = StepStatus.APPROVED
    review_moves.move_request(request, S.APPROVED, manager, 1)
    count = db.session.scalar(sa.select(sa.func.count()).where(Task.request_id == request.id))
    assert count == 4
    assert [h.to_status for h in history(request)] == [S.APPROVED, S.WORKING]
    assert history(request)[-1].comment == "4 task(s) defined."
    assert (request.status, request.version) == (S.WORKING, 3)


def test_automatic_transition_follows_the_table_without_an_actor(cast):
    request, requester, _, _ = cast
    with pytest.raises(InvalidInput):
        workflow.automatic_transition(request, S.DONE, "all tasks done")
    request.status = S.WORKING
    db.session.flush()
    entry = workflow.automatic_transition(request, S.DONE, "all tasks done")
    assert (entry.actor, entry.from_status, entry.to_status) == (None, S.WORKING, S.DONE)
    assert request.version == 2
    assert "deftweb moved request" in outbox(request)[-1].body
