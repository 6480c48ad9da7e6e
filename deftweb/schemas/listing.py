"""The list endpoints' query arguments and pages, derived from the tables' filter specs."""

import marshmallow as ma

from deftweb.schemas.fields import ColumnInteger
from deftweb.schemas.requests import RequestSchema
from deftweb.schemas.tasks import TaskSchema
from deftweb.services.listing import PAGE_SIZE, PAGE_SIZES, Table
from deftweb.services.request_list import TABLE as REQUEST_TABLE
from deftweb.services.task_list import TABLE as TASK_TABLE


def list_arguments(table: Table) -> type[ma.Schema]:
    """Query arguments: every filter of the table, plus sort, cursor and page size."""
    fields: dict[str, ma.fields.Field] = {}
    for spec in table.filters:
        help_text = spec.label + (f", e.g. {spec.hint}" if spec.hint else "")
        if spec.choices:
            help_text += f"; one of {', '.join(spec.choices)}"
        metadata = {"description": help_text}
        if spec.many:
            fields[spec.key] = ma.fields.List(ma.fields.String(), metadata=metadata)
        else:
            fields[spec.key] = ma.fields.String(metadata=metadata)
    sorts = ", ".join(f"{key} / -{key}" for key in table.sorts)
    fields["sort"] = ma.fields.String(metadata={"description": f"{sorts} (- is descending)"})
    fields["after"] = ma.fields.String(metadata={"description": "`next_cursor` of the last page"})
    fields["size"] = ColumnInteger(
        load_default=PAGE_SIZE,
        validate=ma.validate.OneOf(PAGE_SIZES),
        metadata={"description": f"Rows per page: {', '.join(map(str, PAGE_SIZES))}"},
    )
    name = f"{table.noun.capitalize()}ListArgs"
    return ma.Schema.from_dict(fields, name=name)


class RequestRowSchema(RequestSchema):
    """A request as a table row: without its slices (get one request for those)."""

    class Meta:
        exclude = ("slices",)


class _PageSchema(ma.Schema):
    count = ma.fields.Integer(metadata={"description": "Matching rows, counted up to the cap"})
    count_capped = ma.fields.Boolean(metadata={"description": "True: more than `count` match"})
    next_cursor = ma.fields.String(
        allow_none=True, metadata={"description": "Pass as `after` for the next page; null: last"}
    )


class TaskListPageSchema(_PageSchema):
    items = ma.fields.List(ma.fields.Nested(TaskSchema))


class RequestListPageSchema(_PageSchema):
    items = ma.fields.List(ma.fields.Nested(RequestRowSchema))


TaskListArgs = list_arguments(TASK_TABLE)
RequestListArgs = list_arguments(REQUEST_TABLE)
