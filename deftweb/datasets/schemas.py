"""Dataset names and registry entries as the API shows them."""

import marshmallow as ma
from marshmallow.validate import Length

from deftweb.datasets.nomenclature import DATASET_NAME_MAX
from deftweb.datasets.queries import registered_by
from deftweb.datasets.registry import MAX_LINES

#: Room for a `scope:` prefix (25 characters and the colon) in front of the longest name.
NAME_INPUT_MAX = DATASET_NAME_MAX + 26


class ParseArgsSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=Length(min=1, max=NAME_INPUT_MAX))


class DatasetNameSchema(ma.Schema):
    """The fields of a name that follows the ATLAS nomenclature."""

    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "mc, data, physcont, user or group"})
    scope = ma.fields.String()
    project = ma.fields.String()
    energy_gev = ma.fields.Integer(allow_none=True)
    number = ma.fields.String(metadata={"description": "DSID, 8-digit run number or period"})
    physics_short = ma.fields.String()
    prod_step = ma.fields.String()
    data_type = ma.fields.String()
    version = ma.fields.String()
    container_version = ma.fields.String()
    tags = ma.fields.List(ma.fields.String(), metadata={"description": "AMI tags in order"})
    tid = ma.fields.Integer(allow_none=True)
    sub = ma.fields.String()
    owner = ma.fields.String()
    extra = ma.fields.List(ma.fields.String())
    is_container = ma.fields.Boolean()
    container_name = ma.fields.String()


class DatasetSummarySchema(ma.Schema):
    """A registered dataset or container, without what it takes more queries to find."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    scope = ma.fields.String()
    kind = ma.fields.String()
    project = ma.fields.String()
    data_type = ma.fields.String()
    is_container = ma.fields.Boolean()
    status = ma.fields.String()
    task_id = ma.fields.Integer(allow_none=True)


class DatasetSchema(DatasetSummarySchema):
    """A registered dataset or container."""

    events = ma.fields.Integer()
    files = ma.fields.Integer()
    created_by = ma.fields.Function(lambda d: registered_by(d))
    created_at = ma.fields.AwareDateTime()
    #: Names of the datasets a container holds, and of the containers a dataset is in.
    datasets = ma.fields.Function(lambda d: [c.name for c in d.contents])
    containers = ma.fields.Function(lambda d: [c.name for c in d.containers])


class RegisterArgsSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=Length(min=1, max=NAME_INPUT_MAX))
    #: For a container: registered datasets to put in it at once.
    datasets = ma.fields.List(
        ma.fields.String(validate=Length(max=NAME_INPUT_MAX)),
        load_default=list,
        validate=Length(max=MAX_LINES),
    )


class BulkRegisterArgsSchema(ma.Schema):
    names = ma.fields.List(
        ma.fields.String(validate=Length(max=NAME_INPUT_MAX)),
        required=True,
        validate=Length(min=1, max=MAX_LINES),
    )


class LineResultSchema(ma.Schema):
    line = ma.fields.Integer(attribute="number")
    name = ma.fields.String()
    dataset = ma.fields.Nested(DatasetSummarySchema, allow_none=True)


class BulkResultSchema(ma.Schema):
    registered = ma.fields.Integer()
    results = ma.fields.List(ma.fields.Nested(LineResultSchema))
