"""Review journey: a convener approves from the queue, the requester's e-mail arrives over SMTP,
and the request page shows the new status and the history row."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from deftweb.models import RequestType, User, db
from tests.factories import Factories


def waiting_request_of_demo_member(live_app) -> int:
    """A HIGG derivation request by demo-member, waiting for the HIGG convener."""
    with live_app.app_context():
        member = db.session.scalar(sa.select(User).where(User.username == "demo-member"))
        request = Factories().request(
            requester=member,
            request_type=RequestType.GROUP,
            status="waiting",
            description="HIGG1D1 derivations for the review journey",
        )
        db.session.commit()
        request_id = request.id
        db.session.remove()
    return request_id


def test_convener_approves_from_the_queue_and_the_requester_is_mailed(
    page, dev_login, live_app, live_mail
):
    request_id = waiting_request_of_demo_member(live_app)
    dev_login("demo-convener", "/review")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_label("Type").select_option("GROUP")
    row = page.locator(f"#queue-row-{request_id}")
    expect(row).to_contain_text("HIGG1D1 derivations for the review journey")

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator("#bulk-result")).to_contain_text("1 of 1 request approved")
    expect(row.locator("td.result")).to_have_text(f"✓ Request {request_id} is now registered.")
    expect(row.locator(".status")).to_have_text("registered")

    result = live_app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    (mail,) = [m for m in live_mail.wait_for(1) if m["To"] == "demo-member@example.cern"]
    assert re.match(rf"\[deftweb\] Request {request_id} waiting → registered", mail["Subject"])
    assert f"Carlos Convener moved request {request_id} from waiting to registered" in (
        mail.get_content()
    )

    row.get_by_role("link", name=str(request_id)).click()
    expect(page.get_by_role("heading", name=f"Request {request_id}")).to_contain_text("registered")
    expect(page.locator(".timeline [aria-current='step']")).to_have_text("registered")
    latest = page.locator("#history li").last
    expect(latest).to_contain_text("Carlos Convener")
    expect(latest).to_contain_text("moved it waiting → registered")
