"""Templates: conveners create, revise (a new version) and retire; requests keep their version."""

import pytest
import sqlalchemy as sa

from deftweb.errors import InvalidFields, InvalidInput, NotAllowed
from deftweb.models import AuditEvent, db
from deftweb.requests import filing, request_templates
from deftweb.requests.documents import starting_document
from tests.requests.filing_data import MC_CHAIN, mc_document


@pytest.fixture
def convener(make):
    return make.user(groups={"HIGG": "convener"})


def fields(**changes):
    defaults = {"project": "mc23_13p6TeV", "campaign": "MC23", "priority": "570", "steps": MC_CHAIN}
    return {
        "name": "MC23 chain",
        "request_type": "MC",
        "description": "d",
        "defaults": defaults,
    } | changes


def test_a_convener_creates_a_template_with_checked_defaults(make, convener):
    template = request_templates.create_template(make.group(), convener, fields())
    assert (template.version, template.status) == (1, "active")
    assert template.defaults["energy_gev"] == 13600  # from the project
    assert [s["ami_tag"] for s in template.defaults["steps"]] == ["e8514", "s4162", "r14622"]
    assert request_templates.offered_templates(make.group(), "MC") == [template]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.object_type == "requesttemplate")
    )
    assert event.action == "template_created"


@pytest.mark.parametrize("role", ["member", None])
def test_only_conveners_manage_templates(make, role):
    user = make.user(groups={"HIGG": role} if role else {})
    with pytest.raises(NotAllowed):
        request_templates.create_template(make.group(), user, fields())


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"name": ""}, "/name"),
        ({"request_type": "NOPE"}, "/request_type"),
        ({"defaults": {"project": "data18_13TeV"}}, "/project"),
        ({"defaults": {"project": "mc23_13p6TeV", "energy_gev": 13000}}, "/energy_gev"),
        (
            {
                "defaults": {
                    "steps": [{"step_name": "Evgen", "ami_tag": "s1", "output_formats": "EVNT"}]
                }
            },
            "/steps/0/ami_tag",
        ),
    ],
)
def test_bad_template_fields_are_pointed_at(make, convener, changes, pointer):
    with pytest.raises(InvalidFields) as refused:
        request_templates.create_template(make.group(), convener, fields(**changes))
    assert pointer in refused.value.problems


def test_editing_adds_a_version_and_requests_keep_theirs(make, convener):
    group = make.group()
    first = request_templates.create_template(group, convener, fields())
    member = make.user(groups={"HIGG": "member"})
    doc = starting_document(group, "MC", first) | mc_document()
    request = filing.file_request(filing.checked(doc | {"template_id": first.id}), member)

    second = request_templates.revise_template(first, convener, fields(description="v2"))

    assert (second.version, second.name, second.description) == (2, "MC23 chain", "v2")
    assert first.status == "superseded"
    assert request_templates.offered_templates(group) == [second]
    assert request.template_id == first.id
    with pytest.raises(InvalidInput):
        request_templates.revise_template(first, convener, fields())


def test_a_retired_template_is_no_longer_offered(make, convener):
    template = request_templates.create_template(make.group(), convener, fields())
    request_templates.retire_template(template, convener)
    assert request_templates.offered_templates(make.group()) == []
    again = request_templates.create_template(make.group(), convener, fields())
    assert again.version == 2  # the name is free again; versions keep counting


def test_two_active_templates_cannot_share_a_name(make, convener):
    request_templates.create_template(make.group(), convener, fields())
    with pytest.raises(InvalidInput, match="already has"):
        request_templates.create_template(make.group(), convener, fields())


def test_save_this_request_as_a_template(make, convener):
    request = filing.file_request(filing.checked(mc_document()), convener)
    template = request_templates.template_from_request(request, convener, "From my request")
    assert template.defaults["project"] == "mc23_13p6TeV"
    assert template.defaults["subcampaign"] == "MC23a"
    assert [s["step_name"] for s in template.defaults["steps"]] == ["Evgen", "Simul", "Reco"]


def test_group_settings_give_defaults_without_a_template(make):
    group = make.group("SUSY")
    group.settings = {"request_defaults": {"priority": 800, "MC": {"project": "mc23_13p6TeV"}}}
    doc = starting_document(group, "MC")
    assert (doc["priority"], doc["project"], doc["provenance"]) == (800, "mc23_13p6TeV", "GP")
    assert "project" not in starting_document(group, "GROUP")
