"""The bench's reference pages (the prodtask way: OFFSET, exact counts, `%term%`) still render."""

import pytest

from bench.prodtask_style import with_reference
from deftweb.models import db
from tests.factories import Factories


@pytest.mark.no_transaction
def test_reference_pages_list_the_same_rows_as_deftweb(migrated_app):
    app = with_reference(migrated_app)  # before its first request, as `make bench` does
    make = Factories()
    with app.app_context():
        user = make.user(groups={"HIGG": "member"})
        done = [make.task(status="done").id for _ in range(3)]
        make.task(status="running")
        filed = make.request(requester=make.user(username="alice"), description="Reference ttbar")
        user_id, filed_id = user.id, filed.id
        db.session.commit()
    client = app.test_client()
    assert client.post("/auth/dev-login", data={"user_id": user_id}).status_code == 302
    page = client.get("/bench/prodtask/tasks?status=done&start=1").get_data(as_text=True)
    shown = sorted((i for i in done if f'href="/tasks/{i}"' in page), reverse=True)
    assert shown == sorted(done, reverse=True)[1:]  # OFFSET 1 of newest first
    page = client.get("/bench/prodtask/requests?search=TTBAR&cols=id&cols=requester")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'href="/requests/{filed_id}"' in text
    assert "alice" in text
