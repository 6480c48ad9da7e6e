"""Review pages: the request page's actions (move, edit, comment, watch) and the reviewer queue."""

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from deftweb.auth import policy
from deftweb.errors import InvalidInput, Refusal, error_page, show_refusals_in
from deftweb.htmx import render_page_or_fragment, wants_fragment
from deftweb.listing import bulk as listing_bulk
from deftweb.listing.pages import bulk_action
from deftweb.models import Request, RequestStatus, RequestType, db
from deftweb.models.transitions import BULK_ACTION_LABELS
from deftweb.notifications import watchers
from deftweb.requests import queries as request_queries
from deftweb.requests import table as request_table
from deftweb.requests import workflow
from deftweb.requests.pages import bp as request_pages
from deftweb.review import moves as review_moves
from deftweb.review import queries as review_queries

bp = Blueprint("review", __name__)
_URL = re.compile(r"https?://[^\s<>\"']+")

#: Request fields the page's edit form offers, in form order, with their labels.
EDIT_FORM_FIELDS = {
    "description": "Description",
    "long_description": "Long description",
    "reference_link": "Reference link",
    "cc": "CC (e-mail addresses)",
    "priority": "Priority",
}


@bp.app_context_processor
def _review_navigation():
    return {"show_review_queue": lambda: policy.can_use_review_queue(current_user)}


@bp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Plain text, escaped, with its http(s) links made clickable."""
    out, start = [], 0
    for match in _URL.finditer(text or ""):
        url = match.group().rstrip(".,;:!?)")
        out.append(escape(text[start : match.start()]))
        out.append(Markup('<a href="{0}" rel="nofollow noopener noreferrer">{0}</a>').format(url))
        start = match.start() + len(url)
    out.append(escape((text or "")[start:]))
    return Markup("").join(out)


#: Fields whose errors the page shows next to an input (the rest are error pages).
SHOWN_FIELDS = {"comment", *EDIT_FORM_FIELDS}


def page_context(production_request) -> dict:
    """Everything the request page and its fragments show."""
    user = current_user
    editable = policy.editable_fields(user, production_request)
    if production_request.status == RequestStatus.DRAFT:
        editable = frozenset()  # a draft is edited in full on the filing page ("Edit draft")
    return {
        "req": production_request,
        "tasks": request_queries.tasks_of_request(production_request.id),
        "moves": workflow.available_moves(production_request, user),
        "timeline": review_queries.timeline(production_request),
        "history": review_queries.history_of(production_request.id),
        "discussion": review_queries.discussion_of(production_request.id),
        "editable": [f for f in EDIT_FORM_FIELDS if f in editable],
        "field_labels": EDIT_FORM_FIELDS,
        "watch_reason": watchers.watch_reason(production_request, user),
        "watchers": watchers.watchers_of(production_request),
        "can_comment": policy.can_comment_on_request(user, production_request),
        "can_define_tasks": policy.can_define_tasks(user, production_request),
        "errors": {},
        "form": {},
    }


def render_request_page(production_request, status: int = 200, **overrides):
    """The request page, or for htmx the parts a change can affect (swapped in place)."""
    context = page_context(production_request) | overrides
    return render_page_or_fragment(
        "requests/detail.html", "requests/_changed.html", http_status=status, **context
    )


def _after_change(request_id: int, message: str):
    """Commit, then answer with the fresh page (htmx) or redirect to it (plain form)."""
    db.session.commit()
    flash(message, "success")
    if wants_fragment():
        return render_request_page(request_queries.get_request(request_id, content=True))
    return redirect(url_for("requests.detail", request_id=request_id))


def _show_refusals_in_page(production_request) -> None:
    """Bad input of this page's forms comes back next to its fields with the form filled in
    (nothing was written); other refusals are error pages (403, 409) with the service's message."""

    def render(refusal: Refusal):
        errors = {pointer.lstrip("/"): message for pointer, message in refusal.messages().items()}
        if not isinstance(refusal, InvalidInput) or errors.keys() - SHOWN_FIELDS:
            return error_page(refusal.status, refusal.message)
        form = request.form.to_dict()
        return render_request_page(production_request, 422, errors=errors, form=form)

    show_refusals_in(render)


def _form_version() -> int:
    version = request.form.get("version", type=int)
    if version is None:
        raise InvalidInput("The form lost its version; reload the page.", "/version")
    return version


# The request's own page and the request table's bulk bar are review pages; they hang on the
# request table's blueprint so their addresses and endpoints stay /requests/<id> (requests.detail)
# and /requests/bulk (requests.bulk).


@request_pages.get("/<id:request_id>")
@login_required
def detail(request_id: int):
    return render_request_page(request_queries.get_request(request_id, content=True))


@request_pages.post("/bulk", endpoint="bulk")
@login_required
def table_bulk():
    """One action on the ticked requests, or on every request of the view: a result per request."""
    policy.require(policy.can_bulk_move_requests(current_user))
    comment = request.form.get("comment", "")
    return bulk_action(
        request_table.TABLE,
        BULK_ACTION_LABELS,
        lambda action, rows: review_moves.bulk_review(current_user, action, rows, comment),
    )


@bp.post("/requests/<id:request_id>/transition")
@login_required
def transition(request_id: int):
    production_request = request_queries.get_request(request_id)
    _show_refusals_in_page(production_request)
    target = request.form.get("to", "")
    comment = request.form.get("comment", "")
    review_moves.move_request(production_request, target, current_user, _form_version(), comment)
    return _after_change(request_id, f"Request {request_id} is now {production_request.status}.")


@bp.post("/requests/<id:request_id>/fields")
@login_required
def edit(request_id: int):
    production_request = request_queries.get_request(request_id)
    _show_refusals_in_page(production_request)
    changes = {f: request.form[f] for f in EDIT_FORM_FIELDS if f in request.form}
    entry = workflow.edit_request(production_request, current_user, changes, _form_version())
    message = "Saved." if entry else "Nothing changed."
    return _after_change(request_id, message)


@bp.post("/requests/<id:request_id>/comments")
@login_required
def comment(request_id: int):
    production_request = request_queries.get_request(request_id)
    policy.require(policy.can_comment_on_request(current_user, production_request))
    _show_refusals_in_page(production_request)
    workflow.add_comment(production_request, current_user, request.form.get("comment", ""))
    return _after_change(request_id, "Comment added; the watchers are told.")


@bp.post("/requests/<id:request_id>/watch")
@login_required
def watch(request_id: int):
    production_request = request_queries.get_request(request_id)
    policy.require(policy.can_watch_request(current_user, production_request))
    if request.form.get("watch") == "off":
        watchers.unwatch(production_request, current_user)
        if watchers.is_watching(production_request, current_user):
            return _after_change(request_id, "You are named on this request: you are always told.")
        return _after_change(request_id, "You no longer watch this request.")
    watchers.watch(production_request, current_user)
    return _after_change(request_id, "You watch this request now.")


@bp.get("/review")
@login_required
def queue():
    """Requests waiting for my action, with group and type filters."""
    policy.require(policy.can_use_review_queue(current_user), "The queue is for reviewers.")
    group = request.args.get("group") or None
    request_type = request.args.get("type") or None
    context = {
        "rows": review_queries.review_queue(current_user, group, request_type),
        "groups": review_queries.queue_groups(),
        "types": list(RequestType),
        "group": group,
        "request_type": request_type,
        "results": {},
        "limit": review_queries.QUEUE_LIMIT,
    }
    return render_page_or_fragment("review/queue.html", "review/_rows.html", **context)


#: How the queue's summary names what a bulk action did.
BULK_DONE = {"approve": "approved", "hold": "put on hold", "reject": "rejected"}


@bp.post("/review/bulk")
@login_required
def bulk():
    """Approve, hold or reject the ticked requests as they were shown (each posted as
    id:version): each on its own, with a result per row."""
    policy.require(policy.can_use_review_queue(current_user), "The queue is for reviewers.")
    action = request.form.get("action", "")
    shown = listing_bulk.ticked_rows(request.form.getlist("item"), Request.id, "request")
    moved = review_moves.bulk_review(current_user, action, shown, request.form.get("comment", ""))
    db.session.commit()
    results = {r.row_id: (r.ok, r.message) for r in moved}
    done = sum(1 for r in moved if r.ok)
    if not wants_fragment():
        flash(
            f"{done} of {len(results)} requests {BULK_DONE[action]}.",
            "success" if done else "warning",
        )
        return redirect(url_for("review.queue"))
    rows = review_queries.queue_rows(list(results))
    return render_template(
        "review/_bulk_result.html",
        rows=rows,
        results=results,
        done=done,
        refused=len(results) - done,
        action_done=BULK_DONE[action],
    )
