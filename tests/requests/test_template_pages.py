"""Template pages: conveners create, revise and retire; "save this request as a template"."""

import pytest
import sqlalchemy as sa

from deftweb.models import RequestTemplate, db
from deftweb.requests import filing
from tests.requests.filing_data import mc_document


@pytest.fixture
def convener(make, login_as):
    return login_as(make.user(groups={"HIGG": "convener"}))


FORM = {
    "name": "Zee chain",
    "request_type": "MC",
    "description": "Z to ee",
    "project": "mc23_13p6TeV",
    "campaign": "MC23",
    "subcampaign": "MC23a",
    "priority": "570",
    "steps-0-step_name": "Evgen",
    "steps-0-ami_tag": "e8514",
    "steps-0-output_formats": "EVNT",
    "steps-0-task_config": '{"nEventsPerJob": 1000}',
    "steps-1-step_name": "",
    "steps-1-ami_tag": "",
}


def templates_named(name):
    query = sa.select(RequestTemplate).where(RequestTemplate.name == name)
    return db.session.scalars(query.order_by(RequestTemplate.version)).all()


def test_a_convener_creates_edits_and_retires_a_template(client, convener):
    assert client.get("/templates/new?group=HIGG").status_code == 200
    assert client.post("/templates/new?group=HIGG", data=FORM).status_code == 303
    [first] = templates_named("Zee chain")
    assert first.defaults["steps"] == [
        {
            "step_name": "Evgen",
            "ami_tag": "e8514",
            "output_formats": "EVNT",
            "task_config": {"nEventsPerJob": 1000},
        }
    ]
    assert 'value="e8514"' in client.get(f"/templates/{first.id}/edit").get_data(as_text=True)
    client.post(f"/templates/{first.id}/edit", data=FORM | {"description": "v2"})
    first_again, second = templates_named("Zee chain")
    assert (first_again.status, second.version, second.description) == ("superseded", 2, "v2")
    client.post(f"/templates/{second.id}/retire")
    assert second.status == "retired"
    listing = client.get("/templates/?group=HIGG").get_data(as_text=True)
    assert "Zee chain" in listing
    assert "retired" in listing


def test_a_bad_template_form_comes_back_filled_with_errors(client, convener):
    response = client.post("/templates/new?group=HIGG", data=FORM | {"steps-0-ami_tag": "s1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A Evgen step takes a e tag, not s1." in page
    assert 'value="Zee chain"' in page
    assert templates_named("Zee chain") == []


def test_members_do_not_manage_templates(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    template = make.template()
    assert client.get("/templates/new?group=HIGG").status_code == 403
    assert client.post(f"/templates/{template.id}/retire").status_code == 403
    assert "New template" not in client.get("/templates/?group=HIGG").get_data(as_text=True)


def test_save_this_request_as_a_template(client, convener):
    request = filing.file_request(filing.checked(mc_document()), convener)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Save as a HIGG template" in page
    assert "Edit draft" in page
    response = client.post(f"/templates/from-request/{request.id}", data={"name": "From mine"})
    [template] = templates_named("From mine")
    assert response.location.endswith(f"/templates/{template.id}/edit")
    assert template.defaults["campaign"] == "MC23"
