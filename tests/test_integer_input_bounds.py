"""Whole numbers typed into forms, query strings and API bodies beyond what their column holds:
a message at the field (or an unknown row), never a 500."""

import io

import networkx as nx
import pytest

from deftweb.models import GlobalRole
from tests.requests.filing_data import mc_document, mc_slice
from tests.requests.test_filing_pages import form_of

HUGE = 10**20
INTEGER_MAX = 2**31 - 1
BIG_INTEGER_MAX = 2**63 - 1
HTMX = {"HX-Request": "true"}


# --- Pages -----------------------------------------------------------------------------------


def test_a_template_beyond_the_column_starts_a_blank_request(client, member):
    response = client.get("/requests/new", query_string={"template": str(HUGE)})
    assert response.status_code == 200
    assert 'id="filing-form"' in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["template_id", "request_id"])
def test_the_slice_editor_ignores_ids_beyond_their_column(client, member, field):
    form = form_of(mc_document(count=1)) | {field: str(HUGE), "op": "apply_template"}
    response = client.post("/requests/editor", data=form, headers=HTMX)
    assert response.status_code == 200
    assert "601229" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "forged",
    [{f"slices-{'9' * 5000}-dsid": "601230"}, {"op": f"remove_slice:{'9' * 5000}"}],
)
def test_the_slice_editor_ignores_positions_no_form_has(client, member, forged):
    """Field and button positions beyond any form (a number Python will not even read) are
    ignored, as a stale button is."""
    form = form_of(mc_document(count=1)) | {"op": "add_slice"} | forged
    response = client.post("/requests/editor", data=form, headers=HTMX)
    assert response.status_code == 200
    assert "601229" in response.get_data(as_text=True)


@pytest.mark.parametrize("priority", [str(HUGE), str(INTEGER_MAX + 1), "1001", "-1"])
def test_a_priority_beyond_its_range_comes_back_at_the_field(client, make, login_as, priority):
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    request = make.request(status="waiting")
    form = {"priority": priority, "version": str(request.version)}
    response = client.post(f"/requests/{request.id}/fields", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="edit-priority-error">')[1].split("</small>")[0]
    assert error == "Give a number from 0 to 1,000."
    assert request.priority == 0


def test_dev_login_as_a_user_beyond_the_column_is_not_found(client):
    response = client.post("/auth/dev-login", data={"user_id": str(HUGE)})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("events", INTEGER_MAX + 1),
        ("cloned_from_id", INTEGER_MAX + 1),
        ("cloned_from_id", 2**62),
    ],
)
def test_a_slice_number_beyond_its_column_comes_back_at_the_field(client, member, field, value):
    doc = mc_document(slices=[mc_slice(**{field: value})])
    response = client.post("/requests/new", data=form_of(doc))
    assert response.status_code == 422
    assert f"at most {INTEGER_MAX:,}" in response.get_data(as_text=True)


def test_a_template_beyond_its_column_comes_back_at_the_field(client, member):
    doc = mc_document(template_id=INTEGER_MAX + 1)
    response = client.post("/requests/new", data=form_of(doc))
    assert response.status_code == 422
    assert f"at most {INTEGER_MAX:,}" in response.get_data(as_text=True)


def metatask(**root) -> bytes:
    """A one-step meta-task whose first node carries `root` (events, dsid...)."""
    graph = nx.DiGraph(project="mc23_13p6TeV", description="bounds")
    graph.add_node("a", step_name="Evgen", ami_tag="e8514", output_formats="EVNT", **root)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("events", [HUGE, INTEGER_MAX + 1, "many"])
def test_a_metatask_with_events_beyond_the_column_is_refused(client, member, events):
    upload = {"group": "HIGG", "file": (io.BytesIO(metatask(events=events)), "chain.graphml")}
    page = client.post("/metatasks/import", data=upload, content_type="multipart/form-data")
    assert page.status_code == 422
    assert "events" in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/metatasks/import?group=HIGG",
        data=metatask(events=events),
        content_type="application/graphml+xml",
    )
    assert api.status_code == 422
    assert "events" in api.get_json()["detail"]


TID_NAME = "mc23_13p6TeV.601229.PhPy8EG_ttbar.recon.AOD.e8514_s4162_r14622_tid{}_00"


@pytest.mark.parametrize("tid", [HUGE, BIG_INTEGER_MAX + 1, 10**12])
def test_a_dataset_name_with_a_task_id_beyond_any_task_is_refused(client, manager, tid):
    name = TID_NAME.format(tid)
    page = client.post("/datasets/register", data={"names": name})
    assert page.status_code == 422
    assert "task ID must be a whole number" in page.get_data(as_text=True)
    api = client.post("/api/v1/datasets", json={"name": name})
    assert api.status_code == 422
    assert api.get_json()["errors"][0]["pointer"] == "/tid"


# --- API bodies and query strings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "pointer"),
    [
        ({"template_id": HUGE}, "/template_id"),
        ({"template_id": INTEGER_MAX + 1}, "/template_id"),
        ({"slices": [mc_slice(events=INTEGER_MAX + 1)]}, "/slices/0/events"),
        ({"slices": [mc_slice(cloned_from_id=INTEGER_MAX + 1)]}, "/slices/0/cloned_from_id"),
    ],
)
def test_filing_api_points_at_a_number_beyond_its_column(client, member, sent, pointer):
    response = client.post("/api/v1/requests", json=mc_document() | sent)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    details = {e["pointer"]: e["detail"] for e in response.get_json()["errors"]}
    assert f"{INTEGER_MAX:,}" in details[pointer]


@pytest.mark.parametrize("task_id", [HUGE, BIG_INTEGER_MAX + 1])
def test_bulk_task_actions_point_at_a_task_id_beyond_the_column(client, manager, make, task_id):
    running = make.task(status="running", handoff=True)
    sent = {"action": "abort", "task_ids": [running.id, task_id]}
    response = client.post("/api/v1/tasks/actions", json=sent)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/task_ids/1"]
    assert running.status == "running"


@pytest.mark.parametrize(
    ("report", "pointer"),
    [
        ({"task_id": HUGE}, "/tasks/0/task_id"),
        ({"task_id": BIG_INTEGER_MAX + 1}, "/tasks/0/task_id"),
        ({"processed_events": BIG_INTEGER_MAX + 1}, "/tasks/0/processed_events"),
        ({"done_jobs": INTEGER_MAX + 1}, "/tasks/0/done_jobs"),
    ],
)
def test_status_reports_point_at_a_number_beyond_its_column(
    client, make, login_as, report, pointer
):
    login_as(make.user(roles=(GlobalRole.ADMIN,)))
    task = make.task(status="running", handoff=True)
    sent = {"tasks": [{"task_id": task.id, "status": "running"} | report]}
    response = client.post("/api/v1/tasks/status", json=sent)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == [pointer]


def test_a_page_number_beyond_the_range_is_refused(client, member, make):
    request = make.request()
    response = client.get(f"/api/v1/requests/{request.id}/tasks", query_string={"page": HUGE})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["#query/page"]
