"""The review API: moves (200/403/409/422), history, comments, watching, field edits."""

import pytest

from deftweb.models import RequestStatus, RequestType, StepStatus, db
from deftweb.tasks.ids import allocate_task_ids

S = RequestStatus


@pytest.fixture
def waiting(make):
    requester = make.user(groups={"HIGG": "member"})
    return make.request(requester=requester, request_type=RequestType.GROUP, status=S.WAITING)


@pytest.fixture
def convener(make):
    return make.user(groups={"HIGG": "convener"})


def move(client, request_id, **body):
    return client.post(f"/api/v1/requests/{request_id}/transitions", json=body)


def test_move_answers_the_new_state(client, login_as, waiting, convener):
    login_as(convener)
    answer = move(client, waiting.id, to="registered", version=1, comment="ok")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["status"], body["version"]) == ("registered", 2)
    assert body["entry"]["from_status"] == "waiting"
    assert body["entry"]["actor"] == convener.username
    assert body["moves"] == ["hold"]  # production approval is not the convener's


def test_double_submit_gets_409_with_what_happened(client, login_as, waiting, convener):
    login_as(convener)
    assert move(client, waiting.id, to="registered", version=1).status_code == 200
    second = move(client, waiting.id, to="registered", version=1)
    assert second.status_code == 409
    assert second.mimetype == "application/problem+json"
    assert "already registered" in second.get_json()["detail"]
    history = client.get(f"/api/v1/requests/{waiting.id}/history").get_json()
    assert [h["to_status"] for h in history] == ["registered"]


def test_refusals_are_403_and_422(client, login_as, waiting, make):
    login_as(waiting.requester)
    assert move(client, waiting.id, to="registered", version=1).status_code == 403
    bad = move(client, waiting.id, to="approved", version=1)
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == [
        {"pointer": "/to", "detail": bad.get_json()["detail"]},
    ]
    unknown = move(client, waiting.id, to="flying", version=1)
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"][0]["pointer"] == "/to"
    no_version = move(client, waiting.id, to="cancelled")
    assert no_version.status_code == 422
    assert no_version.get_json()["errors"][0]["pointer"] == "/version"


def test_reject_needs_a_comment(client, login_as, waiting, convener):
    login_as(convener)
    answer = move(client, waiting.id, to="rejected", version=1, comment=" ")
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["pointer"] == "/comment"


def test_signed_out_gets_401(client, waiting):
    assert move(client, waiting.id, to="registered", version=1).status_code == 401


def test_comments_and_watch(client, login_as, waiting, make):
    reader = login_as(make.user())
    comments_url = f"/api/v1/requests/{waiting.id}/comments"
    posted = client.post(comments_url, json={"text": "See https://x.cern/a"})
    assert posted.status_code == 201
    assert posted.get_json()["kind"] == "comment"
    assert client.post(comments_url, json={"text": ""}).status_code == 422
    comments = client.get(comments_url).get_json()
    assert [c["comment"] for c in comments] == ["See https://x.cern/a"]

    assert client.get(f"/api/v1/requests/{waiting.id}/watch").get_json()["watching"] is False
    watched = client.put(f"/api/v1/requests/{waiting.id}/watch").get_json()
    assert watched["watching"] is True
    assert {"username": reader.username, "address": None, "reason": "manual"} in watched["watchers"]
    assert client.delete(f"/api/v1/requests/{waiting.id}/watch").get_json()["watching"] is False


def test_patch_of_a_submitted_request_follows_review_rules(client, login_as, waiting, convener):
    login_as(waiting.requester)
    refused = client.patch(f"/api/v1/requests/{waiting.id}", json={"version": 1, "priority": 9})
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["pointer"] == "/priority"
    ok = client.patch(f"/api/v1/requests/{waiting.id}", json={"version": 1, "cc": "a@b.cern"})
    assert ok.status_code == 200
    assert (ok.get_json()["cc"], ok.get_json()["version"]) == ("a@b.cern", 2)
    stale = client.patch(f"/api/v1/requests/{waiting.id}", json={"version": 1, "cc": "x@y.cern"})
    assert stale.status_code == 409
    history = client.get(f"/api/v1/requests/{waiting.id}/history").get_json()
    assert history[-1]["diff"] == {"cc": ["", "a@b.cern"]}
    login_as(convener)
    reprioritised = client.patch(
        f"/api/v1/requests/{waiting.id}", json={"version": 2, "priority": 9}
    )
    assert reprioritised.get_json()["priority"] == 9


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post"} <= set(paths["/api/v1/requests/{request_id}/transitions"])
    assert {"get"} <= set(paths["/api/v1/requests/{request_id}/history"])
    assert {"get", "post"} <= set(paths["/api/v1/requests/{request_id}/comments"])
    assert {"get", "put", "delete"} <= set(paths["/api/v1/requests/{request_id}/watch"])
    assert {"get", "patch"} <= set(paths["/api/v1/requests/{request_id}"])


def test_a_task_row_the_database_refuses_leaves_the_approval_standing(client, make, manager):
    """Its task id taken: the approval is answered and kept, the refusal is the request's error."""
    request = make.request(status=S.REGISTERED, manager=manager)
    for step in request.slices[0].steps:
        step.status = StepStatus.APPROVED
    make.task(id=allocate_task_ids(1)[0] + 1)
    answer = move(client, request.id, to="approved", version=1)
    assert answer.status_code == 200
    assert (answer.get_json()["status"], answer.get_json()["version"]) == ("approved", 2)
    error = client.get(f"/api/v1/requests/{request.id}").get_json()["error"]
    assert error.startswith("the database refused the new tasks: ")
    assert "tasks.id" in error or "pk_tasks" in error
    history = client.get(f"/api/v1/requests/{request.id}/history").get_json()
    assert [h["to_status"] for h in history] == ["approved"]
    db.session.expire_all()
    assert request.status == S.APPROVED
