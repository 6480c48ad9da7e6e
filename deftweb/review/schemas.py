"""The review workflow as the API shows it: moves, history entries, comments, watchers, edits."""

import marshmallow as ma
from marshmallow.validate import Length, OneOf

from deftweb.models import Request, RequestStatus
from deftweb.requests.workflow import COMMENT_MAX_LENGTH
from deftweb.schema_fields import ColumnInteger


class TransitionArgsSchema(ma.Schema):
    to = ma.fields.String(required=True, validate=OneOf([s.value for s in RequestStatus]))
    #: The version the caller last saw; a newer one in the database means 409.
    version = ColumnInteger(Request.version, required=True, strict=True)
    comment = ma.fields.String(load_default="", validate=Length(max=COMMENT_MAX_LENGTH))


class HistoryEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    kind = ma.fields.String()
    actor = ma.fields.Function(lambda h: h.actor.username if h.actor else None)
    actor_name = ma.fields.Function(lambda h: h.actor.display_name if h.actor else None)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    comment = ma.fields.String()
    #: For edits: {field: [old, new]}.
    diff = ma.fields.Dict(allow_none=True)


class TransitionResultSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    version = ma.fields.Integer()
    entry = ma.fields.Nested(HistoryEntrySchema)
    #: The statuses the caller may move the request to next.
    moves = ma.fields.List(ma.fields.String())


class CommentArgsSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=Length(min=1, max=COMMENT_MAX_LENGTH))


class WatcherSchema(ma.Schema):
    username = ma.fields.Function(lambda r: r.user.username if r.user else None)
    address = ma.fields.Function(lambda r: None if r.user else r.address)
    reason = ma.fields.String()


class WatchSchema(ma.Schema):
    watching = ma.fields.Boolean()
    watchers = ma.fields.List(ma.fields.Nested(WatcherSchema))
