"""One validation of a filed request, for the page and the API alike.

The input is a plain document (form text or JSON values): request fields and `slices`, each with
its `steps`. The answer is the cleaned document (typed values, catalog rows looked up) and the
problems, keyed by a JSON Pointer to the bad field (`/project`, `/slices/3/steps/1/ami_tag`), so a
page can show each message beside its field and the API can return it as a problem detail.
Request fields are checked here, slices and step chains in `slice_validation`.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from deftweb.datasets import nomenclature
from deftweb.datasets.nomenclature import NomenclatureError
from deftweb.field_checks import Problems, as_text, sentence, text_field, whole_number
from deftweb.models import (
    Campaign,
    Project,
    Provenance,
    RequestTemplate,
    RequestType,
    WorkingGroup,
    db,
)
from deftweb.models.base import integer_range
from deftweb.requests.slice_validation import (
    SLICE_FIELDS,
    STEP_FIELDS,
    STEP_NAMES,
    SliceContext,
    check_clone_sources,
    own_slice_ids,
    validate_chain,
    validate_slice,
)

__all__ = [
    "MAX_SLICES",
    "REQUEST_FIELDS",
    "SLICE_FIELDS",
    "STEP_FIELDS",
    "STEP_NAMES",
    "Problems",
    "SliceContext",
    "check_reviewed_fields",
    "check_submittable",
    "validate_chain",
    "validate_request",
    "validate_slice",
]

MAX_SLICES = 5000
PRIORITY_RANGE = (0, 1000)


REQUEST_FIELDS = (
    "request_type",
    "working_group",
    "provenance",
    "project",
    "campaign",
    "subcampaign",
    "energy_gev",
    "description",
    "long_description",
    "reference_link",
    "cc",
    "priority",
    "template_id",
)


_LINK = re.compile(r"https?://\S+")


_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


@dataclass
class Catalog:
    """The rows a request names, looked up once per validation."""

    groups: dict[str, WorkingGroup] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Catalog":
        return cls(
            groups={g.code: g for g in db.session.scalars(sa.select(WorkingGroup))},
            projects={p.name: p for p in db.session.scalars(sa.select(Project))},
            campaigns={c.name: c for c in db.session.scalars(sa.select(Campaign))},
        )


def validate_request(doc: dict, *, request_id: int | None = None) -> tuple[dict, Problems]:
    """Check a whole request document; return (clean document, problems by pointer)."""
    problems = Problems()
    catalog = Catalog.load()
    clean = _request_fields(doc, catalog, problems)
    slices = doc.get("slices") or []
    if not isinstance(slices, list):
        problems.add("/slices", "Slices must be a list.")
        slices = []
    if len(slices) > MAX_SLICES:
        problems.add(
            "/slices", f"A request has at most {MAX_SLICES:,} slices, not {len(slices):,}."
        )
        slices = slices[:MAX_SLICES]
    context = SliceContext(clean, own_slice_ids(request_id))
    clean["slices"] = [
        validate_slice(s, f"/slices/{n}", context, problems) for n, s in enumerate(slices)
    ]
    check_clone_sources(clean["slices"], problems)
    return clean, problems


def check_submittable(clean: dict, problems: Problems) -> None:
    """What a request needs before review, beyond what a draft needs: slices, each with steps."""
    if not clean.get("slices"):
        problems.add("/slices", "Add at least one slice before submitting for review.")
    for n, piece in enumerate(clean.get("slices") or []):
        if not piece["steps"]:
            problems.add(f"/slices/{n}/steps", "Give this slice at least one step.")


def _request_fields(doc: dict, catalog: Catalog, problems: Problems) -> dict:
    clean = {
        "request_type": _choice(doc, "request_type", list(RequestType), problems),
        "provenance": _choice(doc, "provenance", list(Provenance), problems),
    }
    clean |= {name: check(doc, problems) for name, check in REVIEWED_FIELD_CHECKS.items()}
    clean["working_group"] = _group(doc, catalog, problems)
    clean["project"] = _project(doc, catalog, clean["request_type"], problems)
    clean["energy_gev"] = _energy(doc, clean["project"], problems)
    clean["campaign"], clean["subcampaign"] = _campaign(doc, catalog, clean["project"], problems)
    clean["template"] = _template(doc, clean["working_group"], problems)
    return clean


def _choice(doc: dict, name: str, allowed: list[str], problems: Problems) -> str | None:
    value = as_text(doc.get(name))
    if value in allowed:
        return value
    problems.add(f"/{name}", f"Choose one of {', '.join(allowed)}.")
    return None


def _group(doc: dict, catalog: Catalog, problems: Problems) -> WorkingGroup | None:
    code = as_text(doc.get("working_group")).upper()
    group = catalog.groups.get(code)
    if group is None or not group.is_active:
        problems.add("/working_group", "Choose one of your working groups.")
        return None
    return group


def _project(doc: dict, catalog: Catalog, request_type, problems: Problems) -> Project | None:
    name = as_text(doc.get("project"))
    if not name:
        problems.add("/project", "Choose the project, e.g. mc23_13p6TeV.")
        return None
    try:
        nomenclature.check_project(name)
    except NomenclatureError as error:
        problems.add("/project", sentence(error))
        return None
    project = catalog.projects.get(name)
    if project is None:
        problems.add("/project", f"Project {name} is not known here; choose one from the list.")
    elif request_type == RequestType.MC and not project.is_mc:
        problems.add("/project", f"An MC request cannot be filed on the data project {name}.")
        return None
    return project


def _energy(doc: dict, project: Project | None, problems: Problems) -> int | None:
    raw = doc.get("energy_gev")
    if raw in (None, "") and project is not None:
        return nomenclature.energy_gev(project.name)  # the project names it: nothing to type
    gev = whole_number(raw, "/energy_gev", (1, 10**6), problems)
    if gev is not None and project is not None:
        try:
            nomenclature.check_project_energy(project.name, gev)
        except NomenclatureError:
            named = nomenclature.energy_gev(project.name)
            problems.add("/energy_gev", f"Project {project.name} is at {named} GeV, not {gev}.")
    return gev


def _campaign(doc: dict, catalog: Catalog, project: Project | None, problems: Problems):
    name, sub_name = as_text(doc.get("campaign")), as_text(doc.get("subcampaign"))
    if not name:
        if sub_name:
            problems.add("/campaign", "Choose the campaign of this subcampaign.")
        return None, None
    campaign = catalog.campaigns.get(name)
    if campaign is None:
        problems.add("/campaign", f"Campaign {name} is not known; choose one from the list.")
        return None, None
    if project is not None and project not in campaign.projects:
        allowed = ", ".join(p.name for p in campaign.projects)
        problems.add("/campaign", f"Campaign {name} runs on {allowed}, not {project.name}.")
    sub = next((s for s in campaign.subcampaigns if s.name == sub_name), None)
    if sub_name and sub is None:
        allowed = ", ".join(s.name for s in campaign.subcampaigns)
        problems.add("/subcampaign", f"Campaign {name} has subcampaigns {allowed}.")
    return campaign, sub


def _template(doc: dict, group: WorkingGroup | None, problems: Problems):
    raw = doc.get("template_id")
    if raw in (None, ""):
        return None
    highest = integer_range(RequestTemplate.id)[1]
    template_id = whole_number(raw, "/template_id", (1, highest), problems)
    template = db.session.get(RequestTemplate, template_id) if template_id else None
    if template_id and (template is None or (group and template.working_group_id != group.id)):
        problems.add("/template_id", "This template is not one of the group's templates.")
        return None
    return template


def check_reviewed_fields(changes: dict) -> tuple[dict, Problems]:
    """Check the fields review may change after submission (description, long description,
    reference link, cc, priority) by the filing rules; return (clean values, problems)."""
    problems = Problems()
    clean = {}
    for name in changes:
        check = REVIEWED_FIELD_CHECKS.get(name)
        if check is None:
            problems.add(f"/{name}", "This field does not change once a request is submitted.")
        else:
            clean[name] = check(changes, problems)
    return clean, problems


def _description(doc: dict, problems: Problems) -> str:
    return text_field(doc, "description", "/description", problems, required=True)


def _long_description(doc: dict, problems: Problems) -> str:
    return text_field(doc, "long_description", "/long_description", problems)


def _priority(doc: dict, problems: Problems) -> int:
    return whole_number(doc.get("priority"), "/priority", PRIORITY_RANGE, problems) or 0


def _link(doc: dict, problems: Problems) -> str:
    link = text_field(doc, "reference_link", "/reference_link", problems)
    if link and not _LINK.fullmatch(link):
        problems.add("/reference_link", "Give an http(s) link, e.g. to the JIRA ticket.")
    return link


def _cc(doc: dict, problems: Problems) -> str:
    cc = text_field(doc, "cc", "/cc", problems)
    for address in filter(None, re.split(r"[\s,;]+", cc)):
        if not _ADDRESS.fullmatch(address):
            problems.add("/cc", f"{address!r} is not an e-mail address; separate them by commas.")
    return ", ".join(filter(None, re.split(r"[\s,;]+", cc)))


#: The request's own fields that review may edit, each with its one rule: filing and the review
#: edit (page and API alike, through `workflow.edit_request`) check them here.
REVIEWED_FIELD_CHECKS = {
    "description": _description,
    "long_description": _long_description,
    "reference_link": _link,
    "cc": _cc,
    "priority": _priority,
}
