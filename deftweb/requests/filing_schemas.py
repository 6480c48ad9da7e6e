"""Filing through the API: a request document in, templates out."""

import marshmallow as ma

from deftweb.models import Request, Slice
from deftweb.schema_fields import ColumnInteger


class StepInputSchema(ma.Schema):
    step_name = ma.fields.String(required=True, metadata={"example": "Evgen"})
    ami_tag = ma.fields.String(required=True, metadata={"example": "e8514"})
    output_formats = ma.fields.String(required=True, metadata={"example": "EVNT"})
    task_config = ma.fields.Dict(metadata={"example": {"nEventsPerJob": 1000}})


class SliceInputSchema(ma.Schema):
    id = ColumnInteger(
        Slice.id,
        allow_none=True,
        metadata={"description": "Keep this existing slice (PATCH); omit: new"},
    )
    input_dataset = ma.fields.String(metadata={"description": "Input dataset or container"})
    dsid = ma.fields.String(metadata={"description": "MC dataset number, for event generation"})
    brief = ma.fields.String(metadata={"description": "Physics short name (job options)"})
    events = ColumnInteger(Slice.events, allow_none=True)
    priority = ColumnInteger(
        Slice.priority, allow_none=True, metadata={"description": "-2 means 0+"}
    )
    comment = ma.fields.String()
    cloned_from_id = ColumnInteger(Slice.cloned_from_id, allow_none=True)
    steps = ma.fields.List(ma.fields.Nested(StepInputSchema))


class RequestInputSchema(ma.Schema):
    """A request document. POST starts from the template (or the group's defaults) and applies
    what is sent; PATCH changes only the fields sent (`slices`, when sent, replaces the list)."""

    request_type = ma.fields.String(metadata={"example": "MC"})
    working_group = ma.fields.String(metadata={"example": "HIGG"})
    template_id = ColumnInteger(Request.template_id, allow_none=True)
    provenance = ma.fields.String(metadata={"example": "AP"})
    project = ma.fields.String(metadata={"example": "mc23_13p6TeV"})
    campaign = ma.fields.String()
    subcampaign = ma.fields.String()
    energy_gev = ColumnInteger(Request.energy_gev, allow_none=True, metadata={"example": 13600})
    description = ma.fields.String()
    long_description = ma.fields.String()
    reference_link = ma.fields.String()
    cc = ma.fields.String()
    # The service holds priority to 0-1000 (filing and review alike), well inside the column.
    priority = ma.fields.Integer()
    slices = ma.fields.List(ma.fields.Nested(SliceInputSchema))
    version = ColumnInteger(
        Request.version,
        metadata={"description": "PATCH: the version you read; a newer one answers 409"},
    )
    submit = ma.fields.Boolean(
        load_default=False, metadata={"description": "Then submit the draft for review"}
    )


class TemplateArgsSchema(ma.Schema):
    group = ma.fields.String(required=True, metadata={"example": "HIGG"})
    type = ma.fields.String(metadata={"example": "MC"})


class TemplateSchema(ma.Schema):
    id = ma.fields.Integer()
    working_group = ma.fields.Function(lambda t: t.working_group.code)
    name = ma.fields.String()
    version = ma.fields.Integer()
    request_type = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.String()
    defaults = ma.fields.Dict()
    created_at = ma.fields.AwareDateTime()
