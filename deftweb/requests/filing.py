"""Filing requests: new drafts, draft edits with a field diff, clones, and submission for review.

Every change checks the policy, is a compare-and-set on the request's version (the review
workflow's) and writes a `RequestHistory` row in the caller's transaction. Drafts tell no
watchers: nobody but the requester sees a draft change until it is submitted.
"""

from deftweb.auth import policy
from deftweb.errors import InvalidFields, NotAllowed
from deftweb.models import (
    HistoryKind,
    Request,
    RequestHistory,
    RequestStatus,
    Slice,
    User,
    db,
)
from deftweb.requests import slice_store, workflow
from deftweb.requests.documents import clean_to_document, document_of, slice_document
from deftweb.requests.validation import Problems, check_submittable, validate_request

#: Slice changes listed one by one in an edit's diff; beyond this, a count.
DIFF_SLICES_LISTED = 20
_COLUMNS = ("request_type", "provenance", "energy_gev", "priority", "description")
_COLUMNS += ("long_description", "reference_link", "cc")
_ROWS = {"working_group": "working_group_id", "project": "project_id"}
_ROWS |= {"campaign": "campaign_id", "subcampaign": "subcampaign_id", "template": "template_id"}


def checked(doc: dict, request_id: int | None = None) -> dict:
    """Validate a document; the clean document, or InvalidFields with every problem."""
    clean, problems = validate_request(doc, request_id=request_id)
    if problems:
        raise InvalidFields(problems)
    return clean


def _require_submittable(clean: dict) -> None:
    """A validated document complete enough for review, or InvalidFields saying what it lacks."""
    problems = Problems()
    check_submittable(clean, problems)
    if problems:
        raise InvalidFields(problems)


def file_request(clean: dict, actor: User, *, submit: bool = False) -> Request:
    """A new draft request from a validated document; `actor` becomes its requester. With
    `submit`, it goes on to review at once (the document is validated and read only once)."""
    _require_group(actor, clean)
    if submit:
        _require_submittable(clean)
    request = Request(requester=actor, status=RequestStatus.DRAFT)
    _set_fields(request, clean)
    db.session.add(request)
    db.session.flush()
    slice_store.insert_slices(request.id, clean["slices"])
    template = clean.get("template")
    note = f"Filed from template {template.name} v{template.version}." if template else ""
    _history(request, actor, HistoryKind.CREATED, note)
    if submit:
        workflow.transition(request, RequestStatus.WAITING, actor, request.version)
    return request


def save_draft(
    request: Request, actor: User, clean: dict, expected_version: int, *, submit: bool = False
):
    """Save a validated document over a draft; the history row holds the field diff. With
    `submit`, the saved draft goes on to review: a 5,000-slice draft is validated and its stored
    slices read once, not again for the submission."""
    if not policy.can_edit_request(actor, request):
        raise NotAllowed(f"Only the requester edits request {request.id}, and only as a draft.")
    workflow.check_version(request, expected_version, None)
    _require_group(actor, clean)
    if submit:
        _require_submittable(clean)
    entry = _save_changes(request, actor, clean, expected_version)
    if submit:
        workflow.transition(request, RequestStatus.WAITING, actor, request.version)
    return entry


def _save_changes(request: Request, actor: User, clean: dict, expected_version: int):
    stored = slice_store.stored_slices(request.id)
    old = document_of(request, stored)
    diff = document_diff(old, clean_to_document(clean))
    if not diff:
        return None
    workflow.compare_and_set(request, expected_version, None, **_column_values(clean))
    slice_store.sync_slices(request.id, stored, clean["slices"])
    return _history(request, actor, HistoryKind.EDIT, "", diff)


def clone_request(source: Request, actor: User) -> Request:
    """A new draft of `actor` with the source's fields, slices and steps; no status or history."""
    if not policy.can_clone_request(actor, source):
        raise NotAllowed(f"Only members of {source.working_group.code} file requests for it.")
    clone = Request(requester=actor, status=RequestStatus.DRAFT, cloned_from_id=source.id)
    for name in _COLUMNS + tuple(_ROWS.values()):
        setattr(clone, name, getattr(source, name))
    db.session.add(clone)
    db.session.flush()
    copies = [
        slice_document(piece) | {"cloned_from_id": piece["id"]}
        for piece in slice_store.stored_slices(source.id)
        if not piece["is_hidden"]  # hidden slices were set aside: a clone leaves them behind
    ]
    slice_store.insert_slices(clone.id, copies)
    _history(clone, actor, HistoryKind.CREATED, f"Cloned from request {source.id}.")
    return clone


def clone_slice(request: Request, piece: Slice, actor: User, expected_version: int):
    """Put a copy of `piece` right after it in the same draft (it records where it came from)."""
    doc = document_of(request)
    position = [s["id"] for s in doc["slices"]].index(piece.id)
    copy = doc["slices"][position] | {"id": None, "cloned_from_id": piece.id}
    doc["slices"].insert(position + 1, copy)
    return save_draft(request, actor, checked(doc, request.id), expected_version)


def document_diff(old: dict, new: dict) -> dict:
    """{field: [old, new]} for request fields, and the slices that differ (listed or counted)."""
    diff = {
        name: [old.get(name), new.get(name)]
        for name in old
        if name != "slices" and old.get(name) != new.get(name)
    }
    old_slices, new_slices = old["slices"], new["slices"]
    changed = [
        n
        for n in range(max(len(old_slices), len(new_slices)))
        if _slice_at(old_slices, n) != _slice_at(new_slices, n)
    ]
    if len(old_slices) != len(new_slices):
        diff["slices"] = [len(old_slices), len(new_slices)]
    for n in changed[:DIFF_SLICES_LISTED]:
        diff[f"slice {n + 1}"] = [_summary(old_slices, n), _summary(new_slices, n)]
    if len(changed) > DIFF_SLICES_LISTED:
        diff["slices changed"] = [None, len(changed)]
    return diff


def _slice_at(slices: list, n: int) -> dict | None:
    if n >= len(slices):
        return None
    return {k: v for k, v in slices[n].items() if k != "id"}


def _summary(slices: list, n: int) -> str | None:
    piece = _slice_at(slices, n)
    if piece is None:
        return None
    chain = " ".join(f"{s['step_name']}:{s['ami_tag']}" for s in piece["steps"])
    name = piece["input_dataset"] or f"{piece['dsid']} {piece['brief']}"
    return f"{name} events={piece['events']} priority={piece['priority']} [{chain}]"


def _require_group(actor: User, clean: dict) -> None:
    group = clean["working_group"]
    if not policy.can_file_request_for(actor, group):
        raise NotAllowed(f"Only members of {group.code} file requests for it.", "/working_group")


def _set_fields(request: Request, clean: dict) -> None:
    for name in _COLUMNS:
        setattr(request, name, clean[name])
    for name in _ROWS:
        setattr(request, name, clean[name])


def _column_values(clean: dict) -> dict:
    values = {name: clean[name] for name in _COLUMNS}
    values.update({column: getattr(clean[name], "id", None) for name, column in _ROWS.items()})
    return values


def _history(request, actor, kind, comment, diff=None) -> RequestHistory:
    entry = RequestHistory(request=request, actor=actor, kind=kind, comment=comment, diff=diff)
    db.session.add(entry)
    db.session.flush()
    return entry
