"""The bench's reference pages (the prodtask way: OFFSET, exact counts, `%term%`) still render."""

from bench.prodtask_style import with_reference


def test_reference_pages_list_the_same_rows_as_deftweb(app, client, login_as, make):
    with_reference(app)
    login_as(make.user(groups={"HIGG": "member"}))
    done = [make.task(status="done").id for _ in range(3)]
    make.task(status="running")
    filed = make.request(requester=make.user(username="alice"), description="Reference ttbar")
    page = client.get("/bench/prodtask/tasks?status=done&start=1").get_data(as_text=True)
    shown = sorted((i for i in done if f'href="/tasks/{i}"' in page), reverse=True)
    assert shown == sorted(done, reverse=True)[1:]  # OFFSET 1 of newest first
    page = client.get("/bench/prodtask/requests?search=TTBAR&cols=id&cols=requester")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'href="/requests/{filed.id}"' in text
    assert "alice" in text
