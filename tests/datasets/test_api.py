"""API: parse a name, look a dataset up, register one or a list."""

import pytest

from deftweb.models import DatasetStatus

CONTAINER = (
    "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r14622"
)
DATASET = CONTAINER + "_tid00001001_00"
PROBLEM = "application/problem+json"


def test_parse_gives_every_field(client, manager):
    response = client.get(
        "/api/v1/datasets/parse", query_string={"name": f"mc23_13p6TeV:{DATASET}"}
    )
    assert response.status_code == 200
    fields = response.get_json()
    assert fields["kind"] == "mc"
    assert fields["project"] == "mc23_13p6TeV"
    assert fields["energy_gev"] == 13600
    assert fields["number"] == "601229"
    assert fields["data_type"] == "AOD"
    assert fields["tags"] == ["e8514", "s4162", "r14622"]
    assert fields["tid"] == 1001
    assert fields["is_container"] is False
    assert fields["container_name"] == CONTAINER


@pytest.mark.parametrize(
    ("name", "pointer", "position", "detail"),
    [
        (CONTAINER.replace(".AOD.", ".aod."), "/data_type", 5, "field 5 (data type) 'aod'"),
        (CONTAINER.replace("e8514_s4162", "s4162_e8514"), "/tags", 6, "AMI tags go in order"),
        (CONTAINER.replace("mc23_13p6TeV", "mc23_99TeV"), "/project", 1, "neither a known energy"),
        ("mc23_13p6TeV.601229.x", "/name", None, "dot-separated fields"),
    ],
)
def test_a_bad_name_gets_a_problem_pointing_at_the_field(
    client, manager, name, pointer, position, detail
):
    response = client.get("/api/v1/datasets/parse", query_string={"name": name})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    problem = response.get_json()
    assert detail in problem["detail"]
    [error] = problem["errors"]
    assert error["pointer"] == pointer
    assert error["position"] == position
    assert error["detail"] == problem["detail"]


def test_parse_needs_a_name_and_a_signed_in_caller(client, make, login_as):
    assert client.get("/api/v1/datasets/parse", query_string={"name": CONTAINER}).status_code == 401
    login_as(make.user())
    missing = client.get("/api/v1/datasets/parse")
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["pointer"] == "#query/name"


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    parse = paths["/api/v1/datasets/parse"]["get"]
    assert {p["name"] for p in parse["parameters"]} >= {"name"}
    assert {"200", "422"} <= set(parse["responses"])
    assert {"201", "403", "409", "422"} <= set(paths["/api/v1/datasets"]["post"]["responses"])
    assert "/api/v1/datasets/bulk" in paths
    assert "/api/v1/datasets/{dataset_id}" in paths


def test_a_manager_registers_a_container_with_its_datasets(client, manager):
    dataset = client.post("/api/v1/datasets", json={"name": DATASET})
    assert dataset.status_code == 201
    created = client.post("/api/v1/datasets", json={"name": CONTAINER, "datasets": [DATASET]})
    assert created.status_code == 201
    body = created.get_json()
    assert body["is_container"] is True
    assert body["created_by"] == manager.username
    assert body["datasets"] == [DATASET]
    shown = client.get(f"/api/v1/datasets/{dataset.get_json()['id']}").get_json()
    assert shown["containers"] == [CONTAINER]
    assert shown["status"] == DatasetStatus.REGISTERED


@pytest.mark.parametrize(
    ("body", "status", "pointer"),
    [
        ({"name": CONTAINER}, 409, "/name"),
        ({"name": CONTAINER.replace("601229", "601230"), "datasets": [DATASET]}, 422, "/datasets"),
        ({"name": "user.someone.x.v1"}, 403, "/owner"),
        ({"name": CONTAINER.replace(".recon.", ".rec0n.")}, 422, "/prod_step"),
        ({"name": ""}, 422, "/name"),
    ],
)
def test_registration_refusals_are_problem_details(client, manager, body, status, pointer):
    client.post("/api/v1/datasets", json={"name": DATASET})
    client.post("/api/v1/datasets", json={"name": CONTAINER})
    response = client.post("/api/v1/datasets", json=body)
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.get_json()["errors"][0]["pointer"] == pointer


def test_a_list_is_registered_whole_or_not_at_all(client, manager):
    refused = client.post("/api/v1/datasets/bulk", json={"names": [DATASET, "nonsense", DATASET]})
    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["detail"] == "Nothing registered: 2 of 3 names refused."
    assert [e["pointer"] for e in problem["errors"]] == ["/names/1", "/names/2"]
    assert problem["errors"][1]["detail"] == "repeats line 1"
    assert client.get("/api/v1/datasets/parse", query_string={"name": DATASET}).status_code == 200
    done = client.post("/api/v1/datasets/bulk", json={"names": [DATASET, CONTAINER]})
    assert done.status_code == 201
    body = done.get_json()
    assert body["registered"] == 2
    assert [r["dataset"]["name"] for r in body["results"]] == [DATASET, CONTAINER]
    again = client.post("/api/v1/datasets/bulk", json={"names": [DATASET]})
    assert again.status_code == 409


def test_registration_needs_a_signed_in_caller(client):
    assert client.post("/api/v1/datasets", json={"name": CONTAINER}).status_code == 401


def test_delete_marks_deleted_and_the_name_stays_taken(client, manager):
    created = client.post("/api/v1/datasets", json={"name": CONTAINER}).get_json()
    deleted = client.delete(f"/api/v1/datasets/{created['id']}")
    assert deleted.status_code == 200
    assert deleted.get_json()["status"] == "deleted"
    again = client.delete(f"/api/v1/datasets/{created['id']}")
    assert again.status_code == 409
    assert again.get_json()["errors"] == [
        {"pointer": "/status", "detail": f"{CONTAINER} is already deleted"}
    ]
    reused = client.post("/api/v1/datasets", json={"name": CONTAINER})
    assert reused.status_code == 409
    assert "never reused" in reused.get_json()["detail"]
    assert client.delete("/api/v1/datasets/999999").status_code == 404
