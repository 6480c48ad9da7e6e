"""The review page (timeline, buttons, edit, comments, watch) and the reviewer queue."""

import re

import pytest
import sqlalchemy as sa

from deftweb.models import GlobalRole, RequestHistory, RequestStatus, RequestType, db
from deftweb.requests import workflow

S = RequestStatus
HTMX = {"HX-Request": "true"}


@pytest.fixture
def waiting(make):
    requester = make.user(groups={"HIGG": "member"})
    return make.request(
        requester=requester,
        request_type=RequestType.GROUP,
        status=S.WAITING,
        description="HIGG derivations",
    )


@pytest.fixture
def convener(make):
    return make.user(groups={"HIGG": "convener"})


def page(client, request_id) -> str:
    answer = client.get(f"/requests/{request_id}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="to" value="(\w+)"', html)


def test_buttons_show_only_my_moves(client, login_as, waiting, convener, make):
    login_as(convener)
    assert buttons(page(client, waiting.id)) == ["registered", "rejected", "hold"]
    login_as(waiting.requester)
    assert buttons(page(client, waiting.id)) == ["cancelled"]
    login_as(make.user())
    html = page(client, waiting.id)
    assert buttons(html) == []
    assert 'aria-current="step">waiting</li>' in html


def test_move_by_plain_form_redirects_and_writes_history(client, login_as, waiting, convener):
    login_as(convener)
    answer = client.post(
        f"/requests/{waiting.id}/transition", data={"to": "registered", "version": "1"}
    )
    assert answer.status_code == 302
    html = page(client, waiting.id)
    assert "Request " + str(waiting.id) + " is now registered." in html
    assert re.search(r"moved it <span[^>]*>waiting</span> → <span[^>]*>registered</span>", html)


def test_move_by_htmx_swaps_the_review_and_history_in_place(client, login_as, waiting, convener):
    login_as(convener)
    answer = client.post(
        f"/requests/{waiting.id}/transition",
        data={"to": "registered", "version": "1"},
        headers=HTMX,
    )
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="review"')
    assert 'id="history-section" hx-swap-oob="true"' in html
    assert 'id="fields" hx-swap-oob="true"' in html
    assert 'aria-current="step">registered</li>' in html
    assert "flash" in answer.headers["HX-Trigger"]


def test_stale_click_gets_409_and_a_message(client, login_as, waiting, convener):
    login_as(convener)
    data = {"to": "registered", "version": "1"}
    client.post(f"/requests/{waiting.id}/transition", data=data)
    again = client.post(f"/requests/{waiting.id}/transition", data=data, headers=HTMX)
    assert again.status_code == 409
    assert "already registered" in again.headers["HX-Trigger"]
    count = db.session.scalar(
        sa.select(sa.func.count()).where(RequestHistory.request_id == waiting.id)
    )
    assert count == 1


def test_reject_without_comment_comes_back_with_the_message_at_the_field(
    client, login_as, waiting, convener
):
    login_as(convener)
    answer = client.post(
        f"/requests/{waiting.id}/transition", data={"to": "rejected", "version": "1"}
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert re.search(r'id="move-comment-error">Write a comment', html)
    assert '<textarea id="move-comment" name="comment" rows="2" maxlength="5000"\n' in html
    assert 'aria-invalid="true"' in html


def test_comments_are_escaped_with_links(client, login_as, waiting, make):
    login_as(make.user())
    text = "<script>alert(1)</script> see https://its.cern.ch/jira/browse/ATLMCPROD-1."
    answer = client.post(f"/requests/{waiting.id}/comments", data={"comment": text})
    assert answer.status_code == 302
    html = page(client, waiting.id)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        '<a href="https://its.cern.ch/jira/browse/ATLMCPROD-1" rel="nofollow noopener noreferrer">'
        in html
    )


def test_empty_comment_is_refused_at_the_field(client, login_as, waiting):
    login_as(waiting.requester)
    answer = client.post(f"/requests/{waiting.id}/comments", data={"comment": "  "})
    assert answer.status_code == 422
    assert 'id="new-comment-error">Write a comment' in answer.get_data(as_text=True)


def test_watch_button_toggles(client, login_as, waiting, make):
    login_as(make.user())
    assert ">Watch</button>" in page(client, waiting.id)
    answer = client.post(f"/requests/{waiting.id}/watch", headers=HTMX)
    assert ">Watching ✓</button>" in answer.get_data(as_text=True)
    client.post(f"/requests/{waiting.id}/watch", data={"watch": "off"})
    assert ">Watch</button>" in page(client, waiting.id)


def test_edit_form_offers_and_enforces_the_editable_fields(client, login_as, waiting, convener):
    login_as(waiting.requester)
    html = page(client, waiting.id)
    assert 'name="description"' in html
    assert 'id="edit-priority"' not in html
    refused = client.post(f"/requests/{waiting.id}/fields", data={"version": "1", "priority": "5"})
    assert refused.status_code == 403
    login_as(convener)
    bad = client.post(f"/requests/{waiting.id}/fields", data={"version": "1", "priority": "high"})
    assert bad.status_code == 422
    refusal = bad.get_data(as_text=True)
    assert 'id="edit-priority-error">&#39;high&#39; is not a whole number.' in refusal
    assert 'value="high"' in refusal
    ok = client.post(f"/requests/{waiting.id}/fields", data={"version": "1", "priority": "900"})
    assert ok.status_code == 302
    html = page(client, waiting.id)
    assert '<dd id="priority">900</dd>' in html
    assert re.search(r'<th>priority</th><td class="old">0</td><td class="new">900</td>', html)


@pytest.fixture
def queue_cast(make):
    higg = make.user(groups={"HIGG": "member"})
    susy = make.user(groups={"SUSY": "member"})
    return {
        "higg_group": make.request(
            requester=higg, request_type=RequestType.GROUP, status=S.WAITING
        ),
        "higg_mc": make.request(requester=higg, request_type=RequestType.MC, status=S.WAITING),
        "susy_group": make.request(
            requester=susy,
            request_type=RequestType.GROUP,
            status=S.WAITING,
            working_group=make.group("SUSY"),
        ),
        "registered": make.request(requester=higg, status=S.REGISTERED),
    }


def queue_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'id="queue-row-(\d+)"', html)}


def test_queue_shows_what_waits_for_my_roles(client, login_as, make, queue_cast, convener):
    c = queue_cast
    login_as(convener)
    assert c["higg_group"].id in queue_ids(client.get("/review").get_data(as_text=True))
    mine = queue_ids(client.get("/review").get_data(as_text=True)) & {r.id for r in c.values()}
    assert mine == {c["higg_group"].id}
    login_as(make.user(roles=(GlobalRole.MC_COORDINATOR,)))
    mine = queue_ids(client.get("/review?type=MC").get_data(as_text=True))
    assert c["higg_mc"].id in mine
    assert c["higg_group"].id not in mine
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    mine = queue_ids(client.get("/review?group=HIGG", headers=HTMX).get_data(as_text=True))
    assert c["registered"].id in mine
    assert c["susy_group"].id not in mine
    login_as(make.user(groups={"HIGG": "member"}))
    assert client.get("/review").status_code == 403


def test_bulk_approve_reports_per_request_and_updates_rows(client, login_as, queue_cast, convener):
    c = queue_cast
    login_as(convener)
    items = [
        f"{c['higg_group'].id}:1",
        f"{c['susy_group'].id}:1",  # not my group
    ]
    answer = client.post("/review/bulk", data={"action": "approve", "item": items}, headers=HTMX)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "1 of 2 requests approved; 1 refused" in html
    assert f'id="queue-row-{c["higg_group"].id}" hx-swap-oob="true" class="result-ok"' in html
    assert f"✓ Request {c['higg_group'].id} is now registered." in html
    assert f'id="queue-row-{c["susy_group"].id}" hx-swap-oob="true" class="result-refused"' in html
    assert "✗ You may not approve for the group" in html
    assert c["higg_group"].status == S.REGISTERED
    assert c["susy_group"].status == S.WAITING


def test_bulk_refuses_a_request_changed_since_the_queue_showed_it(
    client, login_as, make, queue_cast, convener
):
    c = queue_cast
    login_as(convener)
    html = client.get("/review").get_data(as_text=True)
    item = re.search(rf'name="item" value="({c["higg_group"].id}:\d+)"', html).group(1)
    other = make.user(groups={"HIGG": "convener"}, display_name="Other Convener")
    workflow.edit_request(c["higg_group"], other, {"priority": 4}, c["higg_group"].version)
    answer = client.post("/review/bulk", data={"action": "approve", "item": item}, headers=HTMX)
    html = answer.get_data(as_text=True)
    assert "0 of 1 request approved; 1 refused" in html
    assert "changed after you loaded it: Other Convener changed it" in html
    assert c["higg_group"].status == S.WAITING


def test_bulk_with_an_unknown_action_is_a_clear_422(client, login_as, queue_cast, convener):
    login_as(convener)
    item = f"{queue_cast['higg_group'].id}:1"
    answer = client.post("/review/bulk", data={"action": "explode", "item": item}, headers=HTMX)
    assert answer.status_code == 422
    assert "Choose approve, hold or reject." in answer.headers["HX-Trigger"]
    assert queue_cast["higg_group"].status == S.WAITING


def test_bulk_reject_needs_a_comment_per_request(client, login_as, queue_cast, convener):
    c = queue_cast
    login_as(convener)
    item = f"{c['higg_group'].id}:1"
    answer = client.post("/review/bulk", data={"action": "reject", "item": item}, headers=HTMX)
    assert "✗ Write a comment" in answer.get_data(as_text=True)
    workflow_done = client.post(
        "/review/bulk", data={"action": "reject", "item": item, "comment": "no"}
    )
    assert workflow_done.status_code == 302
    assert c["higg_group"].status == S.REJECTED


def test_navigation_offers_the_queue_to_reviewers_only(client, login_as, waiting, convener):
    login_as(convener)
    assert ">Review queue</a>" in page(client, waiting.id)
    login_as(waiting.requester)
    assert ">Review queue</a>" not in page(client, waiting.id)


def test_the_requester_always_watches(client, login_as, waiting):
    login_as(waiting.requester)
    html = page(client, waiting.id)
    assert "Watching ✓ (requester)</button>" in html
    assert 'aria-pressed="true" disabled' in html
