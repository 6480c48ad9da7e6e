"""Task journey: a production manager approves a request; its tasks appear with ids and
datasets, and the chain picture shows them, each node a link to its task."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from deftweb.models import Request, RequestStatus, RequestType, db


def registered_mc_request(live_app) -> tuple[int, int]:
    """A demo request waiting for production approval, and how many steps each slice has."""
    with live_app.app_context():
        request = db.session.scalars(
            sa.select(Request)
            .where(
                Request.status == RequestStatus.REGISTERED,
                Request.request_type == RequestType.MC,
            )
            .order_by(Request.id)
        ).first()
        chain_length = len(request.slices[0].steps)
        db.session.remove()
    return request.id, chain_length


def test_approval_defines_tasks_shown_as_a_chain(page, dev_login, live_app):
    request_id, chain_length = registered_mc_request(live_app)
    dev_login("demo-prodmgr", f"/requests/{request_id}")
    expect(page.get_by_role("heading", name=f"Request {request_id}")).to_contain_text("registered")

    page.get_by_role("button", name="Approve for production").click()
    expect(page.locator("#review h1")).to_contain_text("working")  # approved, tasks defined
    first = page.locator("#request-tasks tbody tr a").first
    expect(first).to_have_text(re.compile(r"^\d{9}$"))
    expect(page.locator("#request-tasks tbody tr")).not_to_have_count(0)
    task_id = int(first.inner_text())

    first.click()
    expect(page.get_by_role("heading", name=f"Task {task_id}")).to_be_visible()
    expect(page.locator("#task-datasets")).to_contain_text(f"_tid{task_id:08d}_00")
    expect(page.locator("pre.json")).to_contain_text('"workingGroup": "AP_')

    picture = page.get_by_role("img", name=f"Chain of task {task_id}")
    expect(picture).to_be_visible()
    nodes = picture.locator("g.node")
    expect(nodes).to_have_count(chain_length)
    expect(picture.locator("g.node-current")).to_contain_text(str(task_id))
    expect(picture.locator("line.edge")).to_have_count(chain_length - 1)

    last = nodes.nth(chain_length - 1)
    child_id = int(last.get_attribute("data-node"))
    last.locator("a").click()
    expect(page.get_by_role("heading", name=f"Task {child_id}")).to_be_visible()
    expect(page.locator("dt:text-is('Chain') + dd a")).to_have_text(str(task_id))
