"""A list endpoint's query arguments and page, derived from its table's filter specs."""

import marshmallow as ma

from deftweb.listing.table import PAGE_SIZE, PAGE_SIZES, Table
from deftweb.schema_fields import ColumnInteger


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


class ListPageSchema(ma.Schema):
    """A page of a table; a feature adds `items`, its rows."""

    count = ma.fields.Integer(metadata={"description": "Matching rows, counted up to the cap"})
    count_capped = ma.fields.Boolean(metadata={"description": "True: more than `count` match"})
    next_cursor = ma.fields.String(
        allow_none=True, metadata={"description": "Pass as `after` for the next page; null: last"}
    )
