"""Browse journey: filter tasks by group and status, page on three times, change the columns,
export the view as CSV and read the file."""

import csv
import re

from playwright.sync_api import expect


def _column(page, key: str) -> list[str]:
    return page.locator(f"#tasks-table tbody td.col-{key}").all_inner_texts()


def test_filter_page_on_choose_columns_and_export(page, dev_login):
    dev_login("demo-member", "/tasks/")
    expect(page.get_by_role("heading", name="Tasks")).to_be_visible()

    page.select_option("#filter-group", "HIGG")
    expect(page).to_have_url(re.compile(r"group=HIGG"))
    page.select_option("#filter-status", "done")
    expect(page).to_have_url(re.compile(r"group=HIGG&status=done|status=done.*group=HIGG"))
    expect(page.locator("#tasks-table tbody td.col-status").first).to_have_text("done")
    expect(page.locator("#listing-count")).to_have_text(re.compile(r"^[\d,]+\+? tasks$"))
    count = int(page.locator("#listing-count").inner_text().split()[0].replace(",", ""))
    assert count > 150, "the demo data has a few hundred done HIGG tasks"

    first_ids = _column(page, "id")
    for number in (2, 3, 4):
        page.get_by_role("link", name="Next ›").click()
        expect(page.locator(".pager")).to_contain_text(f"Page {number}")
        expect(page).to_have_url(re.compile(rf"page={number}"))
    ids = _column(page, "id")
    assert len(ids) == 50
    assert int(ids[0]) < int(first_ids[-1]), "page 4 lists older tasks than page 1"
    assert set(_column(page, "status")) == {"done"}
    assert all(group.endswith("_HIGG") for group in _column(page, "group"))

    page.locator(".columns-chooser summary").click()
    page.get_by_role("checkbox", name="Project").check()
    expect(page.locator("#tasks-table thead")).to_contain_text("Project")
    page.get_by_role("checkbox", name="Step", exact=True).uncheck()
    expect(page.locator("#tasks-table thead")).not_to_contain_text("Step")
    expect(page).to_have_url(re.compile(r"cols=project"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    path = download_info.value.path()
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert "project" in header
    assert "step" not in header
    assert len(body) == count
    status, group = header.index("status"), header.index("group")
    assert {row[status] for row in body} == {"done"}
    assert all(row[group].endswith("_HIGG") for row in body)
