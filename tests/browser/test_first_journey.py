"""First journey: development login, the dashboard, a task, and the request it belongs to."""

import re

from playwright.sync_api import expect


def test_dev_login_dashboard_task_and_request(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=/"))
    page.get_by_role("link", name="Development login").click()
    page.locator("button[data-username='demo-member']").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".dev-banner")).to_contain_text("Development login is ON")
    expect(page.get_by_role("img", name="Requests by status")).to_be_visible()
    expect(page.locator(".whoami")).to_contain_text("demo-member")

    task_link = page.locator("#recent-tasks tbody tr a").first
    task_id = task_link.inner_text()
    task_link.click()
    expect(page.get_by_role("heading", name=f"Task {task_id}")).to_be_visible()
    expect(page.locator("pre.json")).to_contain_text('"taskName"')

    request_link = page.locator("dt:text-is('Request') + dd a")
    request_id = request_link.inner_text()
    request_link.click()
    expect(page.get_by_role("heading", name=f"Request {request_id}")).to_be_visible()
    expect(page.locator("#slices tbody tr").first).to_be_visible()
    expect(page.locator(f"#request-tasks a:text-is('{task_id}')")).to_be_visible()
    expect(page.locator("#history li", has_text="created it")).to_have_count(1)
