"""Dataset pages: the registry list, a dataset's page, the name check, registration."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deftweb.auth import policy
from deftweb.datasets import name_check
from deftweb.datasets import queries as dataset_queries
from deftweb.datasets import registry as dataset_registry
from deftweb.datasets import table as dataset_table
from deftweb.errors import show_refusals_in
from deftweb.htmx import render_page_or_fragment
from deftweb.listing.pages import export_table, show_table
from deftweb.models import db

bp = Blueprint("datasets", __name__, url_prefix="/datasets")
CHECK_TARGET = "check-results"


@bp.get("/")
@login_required
def index():
    """The registry: filters, sort, chosen columns and the page, all in the URL."""
    return show_table(dataset_table.TABLE)


@bp.get("/export.<any(csv, json):file_format>")
@login_required
def export(file_format: str):
    """Every dataset of the current view, streamed as CSV or JSON."""
    return export_table(dataset_table.TABLE, file_format)


@bp.get("/<id:dataset_id>")
@login_required
def detail(dataset_id: int):
    dataset = dataset_queries.get_dataset(dataset_id)
    return _detail_page(dataset)


@bp.get("/by-name")
@login_required
def by_name():
    """A dataset's page found by its name (with or without `scope:`)."""
    name = request.args.get("name", "")
    dataset = dataset_registry.find_dataset(name)
    if dataset is None:
        abort(404, f"No dataset or container named {name.strip()!r} is registered.")
    return redirect(url_for(".detail", dataset_id=dataset.id))


@bp.post("/<id:dataset_id>/datasets")
@login_required
def fill(dataset_id: int):
    """Put registered datasets (pasted, one per line) into this container."""
    container = dataset_queries.get_dataset(dataset_id)
    names = [line.strip() for line in request.form.get("names", "").splitlines() if line.strip()]
    show_refusals_in(
        lambda refusal: (
            _detail_page(container, fill_error=refusal.message, fill_names="\n".join(names)),
            refusal.status,
        )
    )
    added = dataset_registry.fill_container(current_user, container, names)
    db.session.commit()
    flash(f"{len(added)} dataset(s) added to the container.", "success")
    return redirect(url_for(".detail", dataset_id=dataset_id))


@bp.post("/<id:dataset_id>/delete")
@login_required
def delete(dataset_id: int):
    """Mark a dataset or container deleted; its name can never be registered again."""
    dataset = dataset_queries.get_dataset(dataset_id)
    show_refusals_in(
        lambda refusal: (_detail_page(dataset, delete_error=refusal.message), refusal.status)
    )
    dataset_registry.delete_dataset(current_user, dataset)
    db.session.commit()
    flash(f"{dataset.name} is deleted; its name stays taken.", "success")
    return redirect(url_for(".detail", dataset_id=dataset_id))


@bp.route("/check", methods=["GET", "POST"])
@login_required
def check():
    """Check names as they are typed: the page, or (htmx) the results under the text box."""
    text = request.form.get("names", "") if request.method == "POST" else ""
    checks, left_out = name_check.check_names(text)
    context = {"names": text, "checks": checks, "left_out": left_out}
    return render_page_or_fragment(
        "datasets/check.html", "datasets/_check_results.html", target=CHECK_TARGET, **context
    )


@bp.get("/register")
@login_required
def register_form():
    return render_template("datasets/register.html", names="", results=None)


@bp.post("/register")
@login_required
def register():
    """Register a pasted list of names: all of them, or none with a message on each bad line."""
    names = request.form.get("names", "")
    show_refusals_in(
        lambda refusal: (
            render_template("datasets/register.html", names=names, error=refusal.message),
            refusal.status,
        )
    )
    results = dataset_registry.register_list(current_user, names.splitlines())
    if not all(r.ok for r in results):  # nothing was inserted
        return render_template("datasets/register.html", names=names, results=results), 422
    db.session.commit()
    flash(f"{len(results)} name(s) registered.", "success")
    return render_template("datasets/register.html", names="", results=results)


def _detail_page(dataset, fill_names: str = "", **errors):
    contents, contents_count = dataset_queries.contents_of(dataset.id)
    name = dataset_queries.parsed_name(dataset)
    return render_template(
        "datasets/detail.html",
        dataset=dataset,
        name=name,
        registered_by=dataset_queries.registered_by(dataset),
        contents=contents,
        contents_count=contents_count,
        can_fill=policy.can_fill_container(current_user, dataset, name),
        can_delete=policy.can_delete_dataset(current_user, dataset, name),
        fill_names=fill_names,
        **errors,
    )
