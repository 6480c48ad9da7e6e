"""Requests as the API shows them."""

import marshmallow as ma

from deftweb.listing.schemas import ListPageSchema, list_arguments
from deftweb.requests.table import TABLE as REQUEST_TABLE


class StepSchema(ma.Schema):
    id = ma.fields.Integer()
    ordinal = ma.fields.Integer()
    step_name = ma.fields.String()
    ami_tag = ma.fields.String()
    output_formats = ma.fields.String()
    status = ma.fields.String()
    parent_step_id = ma.fields.Integer(allow_none=True)
    task_config = ma.fields.Dict()


class SliceSchema(ma.Schema):
    id = ma.fields.Integer()
    ordinal = ma.fields.Integer()
    input_dataset = ma.fields.String()
    dsid = ma.fields.String()
    brief = ma.fields.String()
    events = ma.fields.Integer(allow_none=True)
    priority = ma.fields.Integer(allow_none=True)
    comment = ma.fields.String()
    is_hidden = ma.fields.Boolean()
    cloned_from_id = ma.fields.Integer(allow_none=True)
    steps = ma.fields.List(ma.fields.Nested(StepSchema))


class RequestSchema(ma.Schema):
    id = ma.fields.Integer()
    request_type = ma.fields.String()
    working_group = ma.fields.Function(lambda r: r.working_group.code)
    provenance = ma.fields.String()
    project = ma.fields.Function(lambda r: r.project.name if r.project else None)
    campaign = ma.fields.Function(lambda r: r.campaign.name if r.campaign else None)
    subcampaign = ma.fields.Function(lambda r: r.subcampaign.name if r.subcampaign else None)
    energy_gev = ma.fields.Integer(allow_none=True)
    description = ma.fields.String()
    long_description = ma.fields.String()
    reference_link = ma.fields.String()
    cc = ma.fields.String()
    priority = ma.fields.Integer()
    status = ma.fields.String()
    requester = ma.fields.Function(lambda r: r.requester.username)
    manager = ma.fields.Function(lambda r: r.manager.username if r.manager else None)
    version = ma.fields.Integer()
    template_id = ma.fields.Integer(allow_none=True)
    cloned_from_id = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    slices = ma.fields.List(ma.fields.Nested(SliceSchema))


class RequestRowSchema(RequestSchema):
    """A request as a table row: without its slices (get one request for those)."""

    class Meta:
        exclude = ("slices",)


class RequestListPageSchema(ListPageSchema):
    items = ma.fields.List(ma.fields.Nested(RequestRowSchema))


RequestListArgs = list_arguments(REQUEST_TABLE)
