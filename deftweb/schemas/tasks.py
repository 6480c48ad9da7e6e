"""Tasks as the API shows them."""

import marshmallow as ma


class TaskSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    request_id = ma.fields.Integer(allow_none=True)
    slice_id = ma.fields.Integer(allow_none=True)
    step_id = ma.fields.Integer(allow_none=True)
    parent_id = ma.fields.Integer(allow_none=True)
    chain_id = ma.fields.Integer(allow_none=True)
    project = ma.fields.String()
    username = ma.fields.String()
    working_group = ma.fields.String()
    campaign = ma.fields.String()
    step_name = ma.fields.String()
    ami_tag = ma.fields.String()
    output_formats = ma.fields.String()
    status = ma.fields.String()
    priority = ma.fields.Integer()
    total_events = ma.fields.Integer()
    processed_events = ma.fields.Integer()
    total_jobs = ma.fields.Integer()
    done_jobs = ma.fields.Integer()
    failed_jobs = ma.fields.Integer()
    submitted_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    updated_at = ma.fields.AwareDateTime()
