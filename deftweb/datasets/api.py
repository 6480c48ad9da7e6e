"""API: dataset names (parse) and the dataset registry (look up, register one or a list)."""

from flask_login import current_user, login_required
from flask_smorest import abort

from deftweb.api import api_blueprint, documented_refusals
from deftweb.datasets import queries as dataset_queries
from deftweb.datasets import registry as dataset_registry
from deftweb.datasets.nomenclature import parse
from deftweb.datasets.schemas import (
    BulkRegisterArgsSchema,
    BulkResultSchema,
    DatasetNameSchema,
    DatasetSchema,
    ParseArgsSchema,
    RegisterArgsSchema,
)
from deftweb.models import db

blp = api_blueprint("api_datasets", __name__, "Dataset names and the dataset registry")
REFUSALS = (
    (403, "You may not register names of this project, group or user"),
    (409, "The name is already registered (names are never reused)"),
    (422, "The name breaks the nomenclature, or a container and dataset disagree"),
)

_documented_refusals = documented_refusals(blp, REFUSALS)


@blp.get("/datasets/parse")
@blp.arguments(ParseArgsSchema, location="query")
@blp.response(200, DatasetNameSchema)
@blp.alt_response(422, description="Not a valid name; `errors[0].pointer` names the bad field")
@login_required
def parse_name(args):
    """Split a dataset or container name into its fields, or say which field is wrong.

    A refused name gets a 422 problem detail whose `errors[0]` has the `pointer` of the bad field
    among this endpoint's fields (`/data_type`, `/tags`, `/project`, `/name` for the whole name)
    and its dot-separated `position` in the name (1 = first field) when there is one.
    """
    return parse(args["name"]).as_dict()


@blp.get("/datasets/<id:dataset_id>")
@blp.response(200, DatasetSchema)
@blp.alt_response(404, description="No such dataset")
@login_required
def get_dataset(dataset_id: int):
    """One registered dataset or container, with its datasets or containers."""
    return dataset_queries.get_dataset(dataset_id)


@blp.delete("/datasets/<id:dataset_id>")
@blp.response(200, DatasetSchema)
@blp.alt_response(404, description="No such dataset")
@_documented_refusals
@login_required
def delete_dataset(dataset_id: int):
    """Mark a dataset or container deleted (409 if deleted already); its name stays taken."""
    dataset = dataset_registry.delete_dataset(current_user, dataset_queries.get_dataset(dataset_id))
    db.session.commit()
    return dataset


@blp.post("/datasets")
@blp.arguments(RegisterArgsSchema)
@blp.response(201, DatasetSchema)
@_documented_refusals
@login_required
def post_dataset(args):
    """Register a dataset or container; a container may list its (registered) datasets."""
    dataset = dataset_registry.register(current_user, args["name"], args["datasets"])
    db.session.commit()
    return dataset


@blp.post("/datasets/bulk")
@blp.arguments(BulkRegisterArgsSchema)
@blp.response(201, BulkResultSchema)
@_documented_refusals
@login_required
def post_datasets(args):
    """Register a list of names, all or none; a refusal points at each failing `/names/<i>`."""
    results = dataset_registry.register_list(current_user, args["names"])
    failed = [r for r in results if not r.ok]
    if failed:
        errors = [{"pointer": f"/names/{r.number - 1}", "detail": r.error.message} for r in failed]
        statuses = {r.error.status for r in failed}
        status = statuses.pop() if len(statuses) == 1 else 422
        message = f"Nothing registered: {len(failed)} of {len(results)} names refused."
        abort(status, message=message, errors=errors)
    db.session.commit()
    return {"registered": len(results), "results": results}
