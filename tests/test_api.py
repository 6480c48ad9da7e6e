"""The JSON API conventions: problem details, authentication, the OpenAPI document, health."""

import re

import pytest

from deftweb import create_app
from tests.conftest import app_settings


@pytest.fixture
def signed_in(make, login_as):
    return login_as(make.user())


def test_request_as_json_with_slices_and_steps(client, make, signed_in):
    request = make.request(requester=signed_in, slices=2, description="Zee for SM")
    response = client.get(f"/api/v1/requests/{request.id}")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == request.id
    assert body["description"] == "Zee for SM"
    assert body["working_group"] == "HIGG"
    assert body["project"] == "mc23_13p6TeV"
    assert body["requester"] == signed_in.username
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert [s["ordinal"] for s in body["slices"]] == [0, 1]
    assert [st["ami_tag"] for st in body["slices"][0]["steps"]] == ["e8514", "s4162"]
    assert body["created_at"].endswith("+00:00")


def test_task_as_json(client, make, signed_in):
    task = make.task(priority=570)
    body = client.get(f"/api/v1/tasks/{task.id}").json
    assert body["id"] == task.id
    assert body["name"] == task.name
    assert body["priority"] == 570
    assert body["chain_id"] == task.id


def test_missing_object_is_a_problem_detail(client, signed_in):
    response = client.get("/api/v1/requests/987654")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 404
    assert problem["title"] == "Not Found"
    assert problem["detail"] == "There is no request 987654."
    assert problem["instance"] == "/api/v1/requests/987654"


def test_api_without_sign_in_is_401_not_a_redirect(client, make):
    response = client.get(f"/api/v1/requests/{make.request().id}")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["title"] == "Not Found"


def test_openapi_document_lists_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "deftweb"
    documented = {path.replace("{", "<").replace("}", ">") for path in spec["paths"]}
    routes = {
        str(rule)
        for rule in app.url_map.iter_rules()
        if str(rule).startswith("/api/v1/") and not str(rule).endswith("openapi.json")
    }
    undocumented = {route for route in routes if _without_converters(route) not in documented}
    assert not undocumented, f"API routes missing from the OpenAPI document: {undocumented}"
    assert "/api/v1/requests/{request_id}" in spec["paths"]


def _without_converters(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"<\1>", rule)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.no_transaction
def test_healthz_reports_an_unreachable_database(tmp_path):
    missing = tmp_path / "no-such-dir" / "db.sqlite"
    app = create_app(test_config=app_settings(f"sqlite:///{missing}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
