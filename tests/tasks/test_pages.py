"""Task pages: the task page, its actions, bulk actions, meta-task pictures and GraphML import."""

import io

import networkx as nx
import sqlalchemy as sa

from deftweb.models import (
    JediCommand,
    Request,
    RequestStatus,
    StepStatus,
    db,
)


def chain(make, **fields):
    first = make.task(status="running", handoff=True, **fields)
    second = make.task(parent_id=first.id, chain_id=first.id, handoff=True, **fields)
    return first, second


def test_task_page_shows_chain_picture_actions_and_history(client, make, manager):
    first, second = chain(make)
    client.post(f"/tasks/{first.id}/actions", data={"action": "abort"})
    page = client.get(f"/tasks/{second.id}").get_data(as_text=True)
    assert 'aria-label="Chain of task' in page
    assert f'href="/tasks/{first.id}"' in page
    assert 'class="node status-toabort' in page
    assert 'value="abort"' in page
    assert 'value="change_priority"' in page
    first_page = client.get(f"/tasks/{first.id}").get_data(as_text=True)
    assert "aborted" not in first_page
    assert f"{manager.display_name}</strong> abort" in first_page
    assert "Commands for JEDI" in first_page


def test_a_member_sees_no_action_buttons(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    first, _ = chain(make)
    page = client.get(f"/tasks/{first.id}").get_data(as_text=True)
    assert "No action is open to you" in page
    assert client.post(f"/tasks/{first.id}/actions", data={"action": "abort"}).status_code == 403


def test_priority_form_flashes_the_cap(client, make, login_as):
    login_as(make.user(groups={"HIGG": "convener"}))
    first, _ = chain(make)
    assert "at most 570" in client.get(f"/tasks/{first.id}").get_data(as_text=True)
    client.post(f"/tasks/{first.id}/actions", data={"action": "change_priority", "priority": "900"})
    page = client.get(f"/tasks/{first.id}").get_data(as_text=True)
    assert "may not raise a task above priority 570" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JediCommand)) == 0


def test_bulk_actions_page_reports_each_task(client, make, manager):
    first, second = chain(make)
    done = make.task(status="done")
    response = client.post(
        "/tasks/actions",
        data={"action": "finish", "task_id": [first.id, second.id, done.id], "next": "/"},
    )
    page = response.get_data(as_text=True)
    assert "2 of 3 tasks: command sent to JEDI" in page
    assert f"Task {done.id} is done" in page


def test_metatask_page_and_graphml_download(client, make, manager):
    first, second = chain(make)
    page = client.get(f"/metatasks/task/{second.id}").get_data(as_text=True)
    assert 'id="bulk-actions"' in page
    assert page.count('name="task_id"') == 2
    download = client.get(f"/metatasks/task/{second.id}.graphml")
    assert "attachment" in download.headers["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(download.data), node_type=int)
    assert list(graph.edges) == [(first.id, second.id)]


def test_request_chains_page(client, make, manager):
    request = make.request(slices=2)
    page = client.get(f"/metatasks/request/{request.id}").get_data(as_text=True)
    assert "2 slices, 4 steps" in page
    assert page.count('class="node status-NotChecked') == 4


def graphml_file() -> bytes:
    graph = nx.DiGraph(project="mc23_13p6TeV")
    graph.add_node(
        "a",
        step_name="Evgen",
        ami_tag="e8514",
        output_formats="EVNT",
        dsid="601229",
        brief="PhPy8EG_ttbar",
    )
    graph.add_node("b", step_name="Simul", ami_tag="s4162", output_formats="HITS")
    graph.add_edge("a", "b")
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def test_import_makes_a_draft_request(client, make, login_as):
    user = login_as(make.user(groups={"HIGG": "member"}))
    response = client.post(
        "/metatasks/import",
        data={
            "group": "HIGG",
            "description": "imported chain",
            "file": (io.BytesIO(graphml_file()), "chain.graphml"),
        },
    )
    assert response.status_code == 302
    request = db.session.scalars(sa.select(Request).where(Request.requester_id == user.id)).one()
    assert (request.status, request.description) == (RequestStatus.DRAFT, "imported chain")
    assert [s.step_name for s in request.slices[0].steps] == ["Evgen", "Simul"]


def test_import_refusal_comes_back_next_to_the_field(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    hostile = b'<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><graphml>&x;</graphml>'
    response = client.post(
        "/metatasks/import",
        data={
            "group": "HIGG",
            "description": "keep me",
            "file": (io.BytesIO(hostile), "x.graphml"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "declares a DTD" in page
    assert 'value="keep me"' in page


def test_import_is_for_group_members(client, make, login_as):
    login_as(make.user())
    assert client.get("/metatasks/import").status_code == 403


def test_define_tasks_button_route(client, make, manager):
    request = make.request(status=RequestStatus.APPROVED, manager=manager)
    for step in request.slices[0].steps:
        step.status = StepStatus.APPROVED
    db.session.flush()
    client.post(f"/requests/{request.id}/define-tasks")
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "2 tasks defined" in page
