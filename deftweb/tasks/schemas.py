"""Tasks as the API shows them."""

import marshmallow as ma
from marshmallow.validate import Length, OneOf, Range

from deftweb.listing.bulk import BULK_LIMIT
from deftweb.listing.schemas import ListPageSchema, list_arguments
from deftweb.models import JediTask, Task
from deftweb.schema_fields import ColumnInteger
from deftweb.tasks.actions import TaskAction
from deftweb.tasks.jedi_sync import REPORTABLE_STATUSES
from deftweb.tasks.table import TABLE as TASK_TABLE


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


class DatasetBriefSchema(ma.Schema):
    name = ma.fields.String()
    data_type = ma.fields.String()
    status = ma.fields.String()
    is_container = ma.fields.Boolean()


class TaskDetailSchema(TaskSchema):
    """A task with what DEFT handed JEDI and the datasets it writes."""

    handoff_status = ma.fields.String(allow_none=True)
    parameters = ma.fields.Dict(allow_none=True)
    datasets = ma.fields.List(ma.fields.Nested(DatasetBriefSchema))
    monitor_url = ma.fields.String()
    #: The actions the caller may take now.
    actions = ma.fields.List(ma.fields.String())


class PageArgsSchema(ma.Schema):
    page = ColumnInteger(load_default=1, validate=Range(min=1))
    per_page = ColumnInteger(load_default=100, validate=Range(min=1, max=1000))


class TaskPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TaskSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()


class TaskActionArgsSchema(ma.Schema):
    action = ma.fields.String(required=True, validate=OneOf([a.value for a in TaskAction]))
    #: Only for change_priority.
    priority = ColumnInteger(Task.priority, load_default=None, allow_none=True, strict=True)


class BulkTaskActionArgsSchema(TaskActionArgsSchema):
    task_ids = ma.fields.List(
        ColumnInteger(Task.id, strict=True),
        required=True,
        validate=Length(min=1, max=BULK_LIMIT),
    )


class ActionResultSchema(ma.Schema):
    task_id = ma.fields.Integer()
    ok = ma.fields.Boolean()
    message = ma.fields.String()
    command_id = ma.fields.Integer(allow_none=True)
    #: What a single-task call would have answered: 200, 403, 404 or 409.
    status_code = ma.fields.Integer()


class BulkActionResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(ActionResultSchema))
    succeeded = ma.fields.Integer()
    refused = ma.fields.Integer()


class TaskReportSchema(ma.Schema):
    """What JEDI reports about one task."""

    task_id = ColumnInteger(JediTask.task_id, required=True, strict=True)
    status = ma.fields.String(required=True, validate=OneOf(REPORTABLE_STATUSES))
    total_events = ColumnInteger(JediTask.total_events, validate=Range(min=0))
    processed_events = ColumnInteger(JediTask.processed_events, validate=Range(min=0))
    total_jobs = ColumnInteger(JediTask.total_jobs, validate=Range(min=0))
    done_jobs = ColumnInteger(JediTask.done_jobs, validate=Range(min=0))
    failed_jobs = ColumnInteger(JediTask.failed_jobs, validate=Range(min=0))


class StatusReportArgsSchema(ma.Schema):
    #: Reports to write into the hand-off table first; empty: sync what JEDI already wrote.
    tasks = ma.fields.List(
        ma.fields.Nested(TaskReportSchema), load_default=list, validate=Length(max=10_000)
    )


class SyncResultSchema(ma.Schema):
    synced = ma.fields.Integer()
    #: Request id -> the status the sync moved it to.
    requests = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    unknown_task_ids = ma.fields.List(ma.fields.Integer())


class DefineResultSchema(ma.Schema):
    task_ids = ma.fields.List(ma.fields.Integer())
    error = ma.fields.String(allow_none=True)


class TaskListPageSchema(ListPageSchema):
    items = ma.fields.List(ma.fields.Nested(TaskSchema))


TaskListArgs = list_arguments(TASK_TABLE)
