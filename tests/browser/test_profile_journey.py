"""Profile journey: sign in, open the profile, create an API token (shown once), use it from a
script, sign out; and no page breaks the Content-Security-Policy on the way."""

import json
import re
import urllib.request

from playwright.sync_api import expect


def watch_csp(page) -> list[str]:
    """Collect console messages about CSP violations (and page errors) while the test runs."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def call_api(base_url: str, path: str, token: str) -> tuple[int, dict]:
    """What a script does: no browser, no cookie, only the token."""
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_dev_login_profile_token_logout(page, dev_login, live_server):
    problems = watch_csp(page)
    dev_login("demo-member", "/")
    expect(page.get_by_role("img", name="Requests by status")).to_be_visible()  # inline SVG

    page.locator(".whoami a").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.locator("#identities")).to_be_visible()

    page.get_by_label("Name").fill("nightly report")
    page.get_by_label("Valid for (days)").fill("7")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"dft_[A-Za-z0-9_-]{40,}", secret)
    expect(page.locator("#api-tokens tbody")).to_contain_text("nightly report")

    status, me = call_api(live_server, "/api/v1/me", secret)
    assert (status, me["username"], me["authenticated_by"]) == (200, "demo-member", "token")

    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)  # shown once only

    page.locator("button[data-token='nightly report']").click()
    expect(page.locator("#api-tokens tbody")).to_contain_text("revoked")
    assert call_api(live_server, "/api/v1/me", secret)[0] == 401

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to deftweb")).to_be_visible()
    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=/profile"))
    assert problems == []


def test_admin_pages_render_under_the_csp(page, dev_login):
    problems = watch_csp(page)
    dev_login("demo-admin", "/admin/users")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    page.locator("#users a", has_text="demo-member").click()
    expect(page.get_by_role("heading", name="Identities")).to_be_visible()
    page.goto("/admin/groups")
    page.locator("#groups a", has_text="HIGG").click()
    expect(page.locator("#members")).to_contain_text("demo-convener")
    assert problems == []


def test_main_pages_render_under_the_csp(page, dev_login):
    """The dashboard's inline SVG bars, the tables and detail pages: no CSP violation anywhere."""
    problems = watch_csp(page)
    dev_login("demo-prodmgr", "/")
    expect(page.get_by_role("img", name="Requests by status")).to_be_visible()
    visited = ["/"]
    for link in page.locator("nav[aria-label='Main'] a").all():
        visited.append(link.get_attribute("href"))
    for path in visited[1:]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/")
    page.locator("#recent-tasks tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("dt:text-is('Request') + dd a").click()
    page.wait_for_load_state("networkidle")
    assert len(visited) >= 2
    assert problems == []
