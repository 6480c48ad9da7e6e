"""API: POST /requests, PATCH /requests/<id> (only the fields sent), GET /templates."""

from deftweb.models import RequestStatus
from tests.requests.filing_data import mc_document, mc_slice


def test_post_files_a_draft(client, member):
    response = client.post("/api/v1/requests", json=mc_document(count=2))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["requester"], body["project"]) == (
        "draft",
        member.username,
        "mc23_13p6TeV",
    )
    assert [s["dsid"] for s in body["slices"]] == ["601229", "601230"]
    assert [st["ami_tag"] for st in body["slices"][0]["steps"]] == ["e8514", "s4162", "r14622"]


def test_post_from_a_template_takes_its_defaults_and_chain(client, member, make):
    template = make.template()
    slices = [{"dsid": "601229", "brief": "PhPy8EG_A14_ttbar", "events": 1000}]
    sent = {
        "working_group": "HIGG",
        "template_id": template.id,
        "description": "d",
        "slices": slices,
    }
    body = client.post("/api/v1/requests", json=sent).get_json()
    assert (body["request_type"], body["subcampaign"], body["priority"]) == ("MC", "MC23a", 570)
    assert body["template_id"] == template.id
    assert [s["step_name"] for s in body["slices"][0]["steps"]] == ["Evgen", "Simul", "Reco"]


def test_post_and_submit(client, member):
    body = client.post("/api/v1/requests", json=mc_document() | {"submit": True}).get_json()
    assert body["status"] == RequestStatus.WAITING


def test_bad_fields_are_problem_details_with_pointers(client, member):
    doc = mc_document(count=2, project="data18_13TeV")
    doc["slices"][1]["steps"][1]["ami_tag"] = "x1"
    response = client.post("/api/v1/requests", json=doc)
    problem = response.get_json()
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    pointers = {e["pointer"]: e["detail"] for e in problem["errors"]}
    assert "cannot be filed on the data project" in pointers["/project"]
    assert "AMI tag" in pointers["/slices/1/steps/1/ami_tag"]


def test_wrong_types_are_pointed_at_too(client, member):
    doc = mc_document() | {"slices": [mc_slice(events="many")]}
    problem = client.post("/api/v1/requests", json=doc).get_json()
    assert problem["errors"] == [{"pointer": "/slices/0/events", "detail": "Not a valid integer."}]


def test_a_non_member_cannot_file_for_the_group(client, make, login_as):
    login_as(make.user(groups={"SUSY": "member"}))
    response = client.post("/api/v1/requests", json=mc_document())
    assert response.status_code == 403


def test_patch_changes_only_the_fields_sent(client, member):
    created = client.post("/api/v1/requests", json=mc_document(count=2)).get_json()
    url = f"/api/v1/requests/{created['id']}"
    body = client.patch(url, json={"priority": 880, "version": 1}).get_json()
    assert (body["priority"], body["version"], body["description"]) == (
        880,
        2,
        created["description"],
    )
    assert [s["id"] for s in body["slices"]] == [s["id"] for s in created["slices"]]
    keep = body["slices"][1] | {"events": 42}
    keep = {k: v for k, v in keep.items() if k not in ("ordinal", "is_hidden")}
    for step in keep["steps"]:
        for name in ("id", "ordinal", "status", "parent_step_id"):
            step.pop(name)
    body = client.patch(url, json={"slices": [keep]}).get_json()
    assert [(s["id"], s["events"]) for s in body["slices"]] == [(keep["id"], 42)]
    history = client.get(f"{url}/history").get_json()
    assert [h["kind"] for h in history][-2:] == ["edit", "edit"]


def test_patch_with_a_stale_version_is_a_conflict(client, member):
    created = client.post("/api/v1/requests", json=mc_document()).get_json()
    url = f"/api/v1/requests/{created['id']}"
    client.patch(url, json={"priority": 1, "version": 1})
    response = client.patch(url, json={"priority": 2, "version": 1})
    assert response.status_code == 409


def test_patch_validates_like_the_page(client, member):
    created = client.post("/api/v1/requests", json=mc_document()).get_json()
    response = client.patch(f"/api/v1/requests/{created['id']}", json={"energy_gev": 7000})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/energy_gev"


def test_after_submission_patch_follows_the_review_rules(client, member):
    created = client.post("/api/v1/requests", json=mc_document() | {"submit": True}).get_json()
    url = f"/api/v1/requests/{created['id']}"
    assert client.patch(url, json={"project": "mc20_13TeV"}).status_code == 403
    assert client.patch(url, json={"description": "clearer"}).status_code == 200


def test_get_templates_of_a_group(client, member, make):
    template = make.template(name="MC23 full chain")
    make.template(group="SUSY")
    body = client.get("/api/v1/templates?group=HIGG").get_json()
    assert [(t["id"], t["name"], t["version"]) for t in body] == [
        (template.id, "MC23 full chain", 1)
    ]
    assert body[0]["defaults"]["steps"][0]["ami_tag"] == "e8514"
    assert client.get("/api/v1/templates?group=NOPE").status_code == 422
    assert client.get("/api/v1/templates").status_code == 422


def test_the_endpoints_are_in_the_openapi_document(client, member):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/requests"]
    assert "patch" in spec["paths"]["/api/v1/requests/{request_id}"]
    assert "get" in spec["paths"]["/api/v1/templates"]


def test_after_submission_the_fields_sent_are_checked_too(client, member):
    created = client.post("/api/v1/requests", json=mc_document() | {"submit": True}).get_json()
    url = f"/api/v1/requests/{created['id']}"
    response = client.patch(url, json={"description": "x" * 300})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/description"
    body = client.patch(url, json={"description": "  trimmed  "}).get_json()
    assert body["description"] == "trimmed"
