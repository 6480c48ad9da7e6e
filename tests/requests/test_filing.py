"""Filing: drafts, draft edits with their diff, submission, and clones (what they keep)."""

import pytest
import sqlalchemy as sa

from deftweb.errors import InvalidFields, NotAllowed
from deftweb.models import HistoryKind, RequestHistory, RequestStatus, StepStatus, db
from deftweb.requests import filing
from deftweb.requests.documents import document_of
from deftweb.requests.workflow import StaleRequest
from tests.requests.filing_data import mc_document, mc_slice


@pytest.fixture
def member(make):
    return make.user(groups={"HIGG": "member"})


def file(doc, actor):
    return filing.file_request(filing.checked(doc), actor)


def submit(request, actor):
    """Submit the stored draft as the filing page does: saved (unchanged), then handed to review."""
    clean = filing.checked(document_of(request), request.id)
    return filing.save_draft(request, actor, clean, request.version, submit=True)


def test_a_member_files_a_draft_with_slices_and_steps(member):
    request = file(mc_document(count=2), member)
    assert request.status == RequestStatus.DRAFT
    assert request.requester is member
    assert request.version == 1
    assert [s.dsid for s in request.slices] == ["601229", "601230"]
    assert [st.ami_tag for st in request.slices[0].steps] == ["e8514", "s4162", "r14622"]
    assert {st.status for st in request.slices[0].steps} == {StepStatus.NOT_CHECKED}
    assert [h.kind for h in request.history] == [HistoryKind.CREATED]


@pytest.mark.parametrize("groups", [{}, {"SUSY": "member"}, {"SUSY": "convener"}])
def test_a_non_member_cannot_file_for_the_group(make, groups):
    with pytest.raises(NotAllowed):
        file(mc_document(), make.user(groups=groups))


def test_saving_a_draft_records_the_field_diff_and_bumps_the_version(member):
    request = file(mc_document(count=2), member)
    doc = document_of(request) | {"description": "new words", "priority": 880}
    doc["slices"][1]["events"] = 5000
    entry = filing.save_draft(request, member, filing.checked(doc, request.id), 1)
    assert request.version == 2
    assert entry.kind == HistoryKind.EDIT
    assert entry.diff["description"] == ["ttbar for the Higgs background", "new words"]
    assert entry.diff["priority"] == [570, 880]
    assert "events=10000" in entry.diff["slice 2"][0]
    assert "events=5000" in entry.diff["slice 2"][1]
    assert "slice 1" not in entry.diff
    assert request.slices[1].events == 5000


def test_saving_unchanged_writes_nothing(member):
    request = file(mc_document(), member)
    clean = filing.checked(document_of(request), request.id)
    assert filing.save_draft(request, member, clean, 1) is None
    assert request.version == 1


def test_slices_keep_their_identity_when_reordered_and_removed(member):
    request = file(mc_document(count=3), member)
    first, second, third = (s.id for s in request.slices)
    doc = document_of(request)
    doc["slices"] = [doc["slices"][2], doc["slices"][0], mc_slice("700000")]
    filing.save_draft(request, member, filing.checked(doc, request.id), 1)
    db.session.expire_all()
    ids = [s.id for s in request.slices]
    assert ids[:2] == [third, first]
    assert ids[2] not in (first, second, third)
    assert [s.ordinal for s in request.slices] == [0, 1, 2]
    assert request.slices[2].dsid == "700000"


def test_a_stale_version_is_refused_and_nothing_changes(member):
    request = file(mc_document(), member)
    clean = filing.checked(document_of(request) | {"description": "first"}, request.id)
    filing.save_draft(request, member, clean, 1)
    late = filing.checked(document_of(request) | {"description": "second"}, request.id)
    with pytest.raises(StaleRequest, match="changed after you loaded it"):
        filing.save_draft(request, member, late, 1)
    assert request.description == "first"


def test_only_the_requester_edits_and_only_a_draft(member, make):
    request = file(mc_document(), member)
    other = make.user(groups={"HIGG": "convener"})
    clean = filing.checked(document_of(request) | {"description": "x"}, request.id)
    with pytest.raises(NotAllowed):
        filing.save_draft(request, other, clean, 1)
    submit(request, member)
    with pytest.raises(NotAllowed):
        filing.save_draft(request, member, clean, request.version)


def test_submission_hands_over_to_the_workflow(member):
    request = file(mc_document(), member)
    submit(request, member)
    assert request.status == RequestStatus.WAITING
    last = request.history[-1]
    assert (last.kind, last.from_status, last.to_status) == ("transition", "draft", "waiting")


def test_an_empty_draft_saves_but_cannot_be_submitted(member):
    request = file(mc_document(count=0), member)
    with pytest.raises(InvalidFields) as refused:
        submit(request, member)
    assert "/slices" in refused.value.problems
    assert request.status == RequestStatus.DRAFT


def test_clone_keeps_content_and_nothing_of_the_past(member, make):
    source = file(
        mc_document(count=2, long_description="why", reference_link="https://x.y/1"), member
    )
    source.slices[1].is_hidden = True
    submit(source, member)
    source.manager = make.user()
    source.error = "task definition failed"
    make.task(request=source)
    other = make.user(groups={"HIGG": "member"})

    clone = filing.clone_request(source, other)

    kept = ("request_type", "working_group", "provenance", "project", "campaign", "subcampaign")
    kept += ("energy_gev", "description", "long_description", "reference_link", "cc", "priority")
    assert all(getattr(clone, name) == getattr(source, name) for name in kept)
    assert clone.cloned_from_id == source.id
    assert clone.id != source.id
    assert clone.status == RequestStatus.DRAFT
    assert clone.version == 1
    assert clone.requester is other
    assert clone.manager is None
    assert clone.error is None
    assert [h.kind for h in clone.history] == [HistoryKind.CREATED]
    assert "Cloned from request" in clone.history[0].comment
    assert len(clone.slices) == 1  # the hidden slice stays behind
    piece, original = clone.slices[0], source.slices[0]
    assert piece.cloned_from_id == original.id
    assert piece.id != original.id
    assert (piece.dsid, piece.brief, piece.events) == (
        original.dsid,
        original.brief,
        original.events,
    )
    assert [(s.step_name, s.ami_tag, s.output_formats) for s in piece.steps] == [
        (s.step_name, s.ami_tag, s.output_formats) for s in original.steps
    ]
    assert {s.status for s in piece.steps} == {StepStatus.NOT_CHECKED}
    tasks = db.session.scalar(
        sa.text("select count(*) from tasks where request_id = :r"), {"r": clone.id}
    )
    assert tasks == 0
    source_history = db.session.scalars(
        sa.select(RequestHistory).where(RequestHistory.request_id == source.id)
    ).all()
    assert len(source_history) == 2  # the source's own history is untouched


def test_a_non_member_cannot_clone_into_the_group(member, make):
    source = file(mc_document(), member)
    with pytest.raises(NotAllowed):
        filing.clone_request(source, make.user(groups={"SUSY": "member"}))


def test_clone_one_slice_puts_the_copy_after_it(member):
    request = file(mc_document(count=2), member)
    original = request.slices[0]
    entry = filing.clone_slice(request, original, member, 1)
    assert entry.diff["slices"] == [2, 3]
    copy = request.slices[1]
    assert copy.cloned_from_id == original.id
    assert copy.dsid == original.dsid
    assert [s.ami_tag for s in copy.steps] == [s.ami_tag for s in original.steps]
    assert [s.dsid for s in request.slices] == ["601229", "601229", "601230"]


def test_steps_are_updated_in_place_added_and_dropped(member):
    request = file(mc_document(count=1), member)
    step_ids = [s.id for s in request.slices[0].steps]
    doc = document_of(request)
    doc["slices"][0]["steps"][1]["ami_tag"] = "s4159"
    del doc["slices"][0]["steps"][2]
    filing.save_draft(request, member, filing.checked(doc, request.id), 1)
    steps = request.slices[0].steps
    assert [s.id for s in steps] == step_ids[:2]
    assert [s.ami_tag for s in steps] == ["e8514", "s4159"]
    doc = document_of(request)
    doc["slices"][0]["steps"].append(
        {"step_name": "Atlfast", "ami_tag": "a899", "output_formats": "AOD"}
    )
    filing.save_draft(request, member, filing.checked(doc, request.id), 2)
    assert [s.ordinal for s in request.slices[0].steps] == [0, 1, 2]
    assert request.slices[0].steps[2].status == StepStatus.NOT_CHECKED
