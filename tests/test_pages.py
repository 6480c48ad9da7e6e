"""The read-only pages: dashboard, request and task detail, sign-in redirects, htmx answers."""

from deftweb.dashboard import queries as dashboard_queries
from deftweb.models import Dataset, JediTask, RequestStatus, TaskStatus, db


def test_pages_need_sign_in(client, make):
    request = make.request()
    for path in ("/", f"/requests/{request.id}", "/tasks/1"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/auth/login?next=")


def test_dashboard_draws_counts_and_lists_recent_work(client, make, member):
    make.request(requester=member, status=RequestStatus.WAITING, description="waiting one")
    make.request(requester=member, status=RequestStatus.WAITING)
    task = make.task(status=TaskStatus.RUNNING, name="mc23_13p6TeV.601229.Ph_ttbar.evgen.e8514")
    page = client.get("/").text
    assert 'aria-label="Requests by status"' in page
    assert "<title>waiting: 2</title>" in page
    assert "<title>running: " in page
    assert "waiting one" in page
    assert f'href="/tasks/{task.id}"' in page


def test_request_page_shows_fields_slices_steps_and_tasks(client, make, member):
    request = make.request(requester=member, slices=2, description="ttbar for HIGG")
    task = make.task(request=request)
    page = client.get(f"/requests/{request.id}").text
    assert f"Request {request.id}" in page
    assert "ttbar for HIGG" in page
    assert "mc23_13p6TeV" in page
    assert page.count("<code>e8514</code>") == 2
    assert f'href="/tasks/{task.id}"' in page


def test_request_text_is_escaped(client, make, member):
    request = make.request(requester=member, description="<script>alert(1)</script>")
    page = client.get(f"/requests/{request.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_task_page_shows_parameters_datasets_chain_and_monitoring(app, client, make, member):
    parent = make.task()
    task = make.task(parent_id=parent.id, chain_id=parent.id, status=TaskStatus.DONE)
    child = make.task(parent_id=task.id, chain_id=parent.id)
    db.session.add(JediTask(task=task, name=task.name, username="u", parameters={"taskName": "x"}))
    dataset_name = f"{task.name}.EVNT.e1_tid{task.id:08d}_00"
    db.session.add(Dataset(name=dataset_name, scope="mc", kind="mc", task_id=task.id))
    db.session.flush()
    page = client.get(f"/tasks/{task.id}").text
    assert f"https://bigpanda.cern.ch/task/{task.id}/" in page
    assert "&#34;taskName&#34;" in page or '"taskName"' in page
    assert f"_tid{task.id:08d}_00" in page
    assert f'href="/tasks/{parent.id}"' in page
    assert f'href="/tasks/{child.id}"' in page


def test_unknown_request_gets_a_friendly_404(client, member):
    response = client.get("/requests/999999")
    assert response.status_code == 404
    assert "There is no request 999999." in response.text
    assert "dashboard" in response.text


def test_unknown_task_answers_json_to_json_clients(client, member):
    response = client.get("/tasks/1", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == "There is no task 1."


def test_every_page_varies_on_hx_request(client, member):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_htmx_error_answers_carry_a_flash_trigger(client, member):
    response = client.get("/requests/424242", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert '"flash"' in response.headers["HX-Trigger"]
    assert "There is no request 424242." in response.headers["HX-Trigger"]


def test_history_restore_gets_the_full_page(client, member):
    response = client.get(
        "/requests/424242", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "HX-Trigger" not in response.headers
    assert "<html" in response.text


def test_server_error_rolls_back_and_shows_a_page(app, client, member, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard_queries, "recent_tasks", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert "Nothing you entered was saved" in response.text
    assert "boom" not in response.text
