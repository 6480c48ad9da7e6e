"""API: the review workflow of a request (moves, history, comments, watching).

Field edits go through PATCH /api/v1/requests/<id> (filing's API), which hands every edit of a
submitted request to `workflow.edit_request` and so to the review field rules.
"""

from flask_login import current_user, login_required

from deftweb.api import api_blueprint, documented_refusals
from deftweb.auth import policy
from deftweb.models import db
from deftweb.notifications import watchers
from deftweb.requests import workflow
from deftweb.requests.queries import get_request
from deftweb.review import moves as review_moves
from deftweb.review import queries as review_queries
from deftweb.review.schemas import (
    CommentArgsSchema,
    HistoryEntrySchema,
    TransitionArgsSchema,
    TransitionResultSchema,
    WatchSchema,
)

blp = api_blueprint("api_review", __name__, "Review workflow: status moves, history, comments")
REFUSALS = (
    (403, "Your roles do not allow this move or edit"),
    (409, "The request changed since you read its version"),
    (422, "Bad input, or a move the transition table does not have"),
)

_documented_refusals = documented_refusals(blp, REFUSALS)


@blp.post("/requests/<id:request_id>/transitions")
@blp.arguments(TransitionArgsSchema)
@blp.response(200, TransitionResultSchema)
@_documented_refusals
@login_required
def post_transition(args, request_id: int):
    """Move a request to another status (compare-and-set on `version`)."""
    production_request = get_request(request_id)
    entry = review_moves.move_request(
        production_request, args["to"], current_user, args["version"], args["comment"]
    )
    moves = [m.target for m in workflow.available_moves(production_request, current_user)]
    _commit_keeping_loaded_state()
    return {
        "id": production_request.id,
        "status": production_request.status,
        "version": production_request.version,
        "entry": entry,
        "moves": moves,
    }


def _commit_keeping_loaded_state() -> None:
    """Commit without expiring what is loaded: the answer needs no second read of the request."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@blp.get("/requests/<id:request_id>/history")
@blp.response(200, HistoryEntrySchema(many=True))
@login_required
def get_history(request_id: int):
    """Everything that happened to a request, oldest first: creation, moves, edits, comments."""
    return review_queries.history_of(get_request(request_id).id)


@blp.get("/requests/<id:request_id>/comments")
@blp.response(200, HistoryEntrySchema(many=True))
@login_required
def get_comments(request_id: int):
    """The comment thread (and the comments given with moves), oldest first."""
    return review_queries.discussion_of(get_request(request_id).id)


@blp.post("/requests/<id:request_id>/comments")
@blp.arguments(CommentArgsSchema)
@blp.response(201, HistoryEntrySchema)
@_documented_refusals
@login_required
def post_comment(args, request_id: int):
    """Comment on a request; its watchers are told."""
    production_request = get_request(request_id, policy.can_comment_on_request)
    entry = workflow.add_comment(production_request, current_user, args["text"])
    db.session.commit()
    return entry


@blp.get("/requests/<id:request_id>/watch")
@blp.response(200, WatchSchema)
@login_required
def get_watch(request_id: int):
    """Whether I watch the request, and who is told about it."""
    return _watch_state(get_request(request_id))


@blp.put("/requests/<id:request_id>/watch")
@blp.response(200, WatchSchema)
@login_required
def put_watch(request_id: int):
    """Watch a request: be told about every move, edit and comment."""
    return _set_watch(request_id, watchers.watch)


@blp.delete("/requests/<id:request_id>/watch")
@blp.response(200, WatchSchema)
@login_required
def delete_watch(request_id: int):
    """Stop watching (the requester and cc addresses are always told)."""
    return _set_watch(request_id, watchers.unwatch)


def _set_watch(request_id: int, change) -> dict:
    production_request = get_request(request_id, policy.can_watch_request)
    change(production_request, current_user)
    db.session.commit()
    return _watch_state(production_request)


def _watch_state(production_request) -> dict:
    return {
        "watching": watchers.is_watching(production_request, current_user),
        "watchers": watchers.watchers_of(production_request),
    }
