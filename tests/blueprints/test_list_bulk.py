"""The bulk bar of the tables: offered to those who may act, a result per row after acting."""

#: What htmx sends with the bulk form (`hx-post`, `hx-target="#bulk-results"`).
BULK_FRAGMENT = {"HX-Request": "true", "HX-Target": "bulk-results"}


def test_members_get_no_bulk_bar(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    make.task()
    assert 'id="bulk-form"' not in client.get("/tasks/").get_data(as_text=True)
    assert client.post("/tasks/bulk", data={"action": "abort", "id": "1"}).status_code == 403


def test_production_manager_aborts_the_ticked_tasks(client, make, manager):
    running, done = make.task(status="running"), make.task(status="done")
    page = client.get("/tasks/").get_data(as_text=True)
    assert 'id="bulk-form"' in page
    assert f'name="id" value="{running.id}" form="bulk-form"' in page
    form = {"action": "abort", "id": [str(running.id), str(done.id)], "view": "status=active"}
    fragment = client.post("/tasks/bulk", data=form, headers=BULK_FRAGMENT)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html
    assert "Abort: 1 of 2 tasks done" in html
    assert running.status == "toabort"
    assert 'href="/tasks/?status=active"' in html


def test_every_request_of_the_view_is_held(client, make, manager):
    held = [make.request(status="registered", description="bulk hold me") for _ in range(2)]
    make.request(status="registered", description="leave me")
    form = {"action": "hold", "all_matching": "1", "view": "description=bulk+hold"}
    page = client.post("/requests/bulk", data=form).get_data(as_text=True)
    assert "<html" in page
    assert "Hold: 2 of 2 requests done" in page
    assert [r.status for r in held] == ["hold", "hold"]


def test_unknown_action_is_a_clear_400(client, manager):
    response = client.post("/tasks/bulk", data={"action": "explode", "id": "1"})
    assert response.status_code == 400
    assert "Choose one of" in response.get_data(as_text=True)
