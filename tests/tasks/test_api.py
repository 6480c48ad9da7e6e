"""Task API: detail, tasks of a request, actions, JEDI status reports, definition, meta-tasks."""

import io

import networkx as nx

from deftweb.models import (
    GlobalRole,
    JediCommand,
    JediTask,
    Request,
    RequestStatus,
    StepStatus,
    db,
)


def test_task_detail_has_parameters_datasets_and_actions(client, make, manager):
    task = make.task(status="running", handoff=True)
    db.session.get(JediTask, task.id).parameters = {"taskName": task.name}
    body = client.get(f"/api/v1/tasks/{task.id}").json
    assert body["parameters"] == {"taskName": task.name}
    assert body["handoff_status"] == "waiting"
    assert body["datasets"] == []
    assert body["monitor_url"] == f"https://bigpanda.cern.ch/task/{task.id}/"
    assert body["actions"] == ["abort", "finish", "change_priority"]


def test_tasks_of_a_request_page_by_page(client, make, manager):
    request = make.request()
    tasks = [make.task(request=request) for _ in range(3)]
    body = client.get(f"/api/v1/requests/{request.id}/tasks?per_page=2&page=2").json
    assert (body["total"], body["page"], body["per_page"]) == (3, 2, 2)
    assert [t["id"] for t in body["items"]] == [tasks[2].id]


def test_single_action_answers_with_the_refusal_status(client, make, manager):
    running = make.task(status="running", handoff=True)
    done = make.task(status="done", handoff=True)
    ok = client.post(f"/api/v1/tasks/{running.id}/actions", json={"action": "abort"})
    assert ok.status_code == 200
    assert ok.json["ok"] is True
    assert db.session.get(JediCommand, ok.json["command_id"]).command == "abort"
    refused = client.post(f"/api/v1/tasks/{done.id}/actions", json={"action": "abort"})
    assert refused.status_code == 409
    assert "is done" in refused.json["detail"]


def test_priority_problems_point_at_the_field(client, make, manager):
    task = make.task(status="running", handoff=True)
    response = client.post(
        f"/api/v1/tasks/{task.id}/actions", json={"action": "change_priority", "priority": -5}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/priority"


def test_bulk_actions_report_per_task(client, make, login_as):
    convener = login_as(make.user(groups={"HIGG": "convener"}))
    higg = make.task(status="running", working_group="AP_HIGG", handoff=True)
    susy = make.task(status="running", working_group="AP_SUSY", handoff=True)
    body = client.post(
        "/api/v1/tasks/actions",
        json={"action": "change_priority", "priority": 560, "task_ids": [higg.id, susy.id]},
    ).json
    assert (body["succeeded"], body["refused"]) == (1, 1)
    assert [(r["task_id"], r["status_code"]) for r in body["results"]] == [
        (higg.id, 200),
        (susy.id, 403),
    ]
    assert (
        convener.id == db.session.get(JediCommand, body["results"][0]["command_id"]).requested_by_id
    )


def test_status_report_needs_a_service_account_signed_in_by_certificate(
    client, make, login_as, app, monkeypatch
):
    robot = login_as(make.user(username="jedi-robot"))
    monkeypatch.setitem(app.config, "JEDI_SERVICE_ACCOUNTS", ["jedi-robot"])
    request = make.request(status=RequestStatus.WORKING, requester=robot)
    task = make.task(request=request, status="running", handoff=True)
    report = {"tasks": [{"task_id": task.id, "status": "done", "processed_events": 500}]}
    assert client.post("/api/v1/tasks/status", json=report).status_code == 403  # dev login
    with client.session_transaction() as session:
        session["auth_method"] = "x509"
    body = client.post("/api/v1/tasks/status", json=report).json
    assert body == {"synced": 1, "requests": {str(request.id): "done"}, "unknown_task_ids": []}
    assert (task.status, task.processed_events) == ("done", 500)


def test_status_report_refuses_unknown_statuses(client, make, login_as):
    login_as(make.user(roles=(GlobalRole.ADMIN,)))
    response = client.post("/api/v1/tasks/status", json={"tasks": [{"task_id": 1, "status": "x"}]})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/tasks/0/status"


def test_define_tasks_again(client, make, manager):
    request = make.request(status=RequestStatus.APPROVED, manager=manager)
    for step in request.slices[0].steps:
        step.status = StepStatus.APPROVED
    db.session.flush()
    body = client.post(f"/api/v1/requests/{request.id}/define-tasks").json
    assert len(body["task_ids"]) == 2
    assert body["error"] is None
    again = client.post(f"/api/v1/requests/{request.id}/define-tasks").json
    assert again["task_ids"] == []
    assert "no approved step" in again["error"]


def test_define_tasks_is_for_production_managers(client, make, login_as):
    request = make.request(status=RequestStatus.APPROVED)
    login_as(request.requester)
    assert client.post(f"/api/v1/requests/{request.id}/define-tasks").status_code == 403


def test_metatask_as_json_and_graphml(client, make, manager):
    first = make.task()
    second = make.task(parent_id=first.id, chain_id=first.id)
    body = client.get(f"/api/v1/metatasks/{second.id}").json
    assert {n["id"] for n in body["nodes"]} == {first.id, second.id}
    assert body["edges"] == [{"source": first.id, "target": second.id}]
    response = client.get(f"/api/v1/metatasks/{first.id}/graphml")
    assert response.mimetype == "application/graphml+xml"
    graph = nx.read_graphml(io.BytesIO(response.data), node_type=int)
    assert list(graph.edges) == [(first.id, second.id)]


def test_request_metatask(client, make, manager):
    request = make.request(slices=2)
    body = client.get(f"/api/v1/requests/{request.id}/metatask").json
    assert body["kind"] == "steps"
    assert len(body["nodes"]) == 4
    assert len(body["edges"]) == 2
    graphml = client.get(f"/api/v1/requests/{request.id}/metatask/graphml")
    assert b"<graphml" in graphml.data


def test_task_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/tasks/{task_id}",
        "/api/v1/requests/{request_id}/tasks",
        "/api/v1/tasks/{task_id}/actions",
        "/api/v1/tasks/actions",
        "/api/v1/tasks/status",
        "/api/v1/requests/{request_id}/define-tasks",
        "/api/v1/metatasks/{task_id}",
        "/api/v1/metatasks/{task_id}/graphml",
        "/api/v1/requests/{request_id}/metatask",
        "/api/v1/requests/{request_id}/metatask/graphml",
        "/api/v1/metatasks/import",
    ):
        assert path in paths, path


def graphml_chain() -> bytes:
    graph = nx.DiGraph(project="mc23_13p6TeV", description="from a script")
    graph.add_node("a", step_name="Evgen", ami_tag="e8514", output_formats="EVNT", dsid="601229")
    graph.add_node("b", step_name="Simul", ami_tag="s4162", output_formats="HITS")
    graph.add_edge("a", "b")
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def test_import_a_metatask_through_the_api(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    response = client.post(
        "/api/v1/metatasks/import?group=HIGG",
        data=graphml_chain(),
        content_type="application/graphml+xml",
    )
    assert response.status_code == 201
    assert (response.json["slices"], response.json["steps"]) == (1, 2)
    request = db.session.get(Request, response.json["request_id"])
    assert (request.status, request.description) == ("draft", "from a script")


def test_api_import_refuses_entities_and_other_groups(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    hostile = b'<!DOCTYPE g [<!ENTITY a "b">]><graphml>&a;</graphml>'
    refused = client.post(
        "/api/v1/metatasks/import?group=HIGG", data=hostile, content_type="application/xml"
    )
    assert refused.status_code == 422
    assert "DTD" in refused.json["detail"]
    other = client.post(
        "/api/v1/metatasks/import?group=SUSY", data=graphml_chain(), content_type="application/xml"
    )
    assert other.status_code == 403
