"""The request and task list pages: filters, fragments, links, columns, export, SQL per page."""

import csv
import io
import json

import pytest

from bench.measure import StatementCounter
from deftweb.models import Campaign, Subcampaign, db


def _tasks(make, count: int, **fields):
    return [make.task(**fields) for _ in range(count)]


def _requests(make, count: int, **fields):
    return [make.request(**fields) for _ in range(count)]


PAGES = [
    "/tasks/",
    "/tasks/?status=active&group=HIGG",
    "/tasks/?name=ttbar&sort=-updated_at",
    "/tasks/?cols=id&cols=name&cols=project&cols=campaign&cols=user&cols=request&cols=updated",
    "/requests/",
    "/requests/?status=active&group=HIGG&requester=someone",
    "/requests/?description=test&cols=id&cols=manager&cols=subcampaign&cols=campaign",
    "/api/v1/tasks?status=active&group=HIGG",
    "/api/v1/requests?status=active",
    "/tasks/count?status=active&group=HIGG",
    "/requests/count?status=active",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_costs_the_same_few_statements_for_60_or_120_rows(client, member, make, url):
    _tasks(make, 60)
    _requests(make, 60, requester=make.user(), manager=make.user())
    with StatementCounter(db.engine) as fewer:
        assert client.get(url).status_code == 200
    _tasks(make, 60)
    _requests(make, 60, requester=make.user(), manager=make.user())
    with StatementCounter(db.engine) as more:
        response = client.get(url + ("&" if "?" in url else "?") + "size=100")
        assert response.status_code == 200
    assert more.count <= 5, f"{url} sent {more.count} statements"
    assert more.count == fewer.count


def test_the_count_comes_after_the_rows(client, member, make):
    for _ in range(60):
        make.task(status="running", working_group="AP_HIGG")
    page = client.get("/tasks/?status=running&group=HIGG").get_data(as_text=True)
    assert 'hx-get="/tasks/count?status=running&amp;group=HIGG"' in page
    assert "counting tasks" in page
    count = client.get("/tasks/count?status=running&group=HIGG").get_data(as_text=True)
    assert '<span class="count" id="listing-count">60 tasks</span>' in count
    assert client.get("/requests/count?id=x").status_code == 400


def test_task_page_filters_and_links_every_cell(client, member, make):
    done = make.task(status="done", working_group="AP_HIGG", step_name="Reco")
    make.task(status="running", working_group="GP_SUSY")
    page = client.get("/tasks/?status=done").get_data(as_text=True)
    assert f'href="/tasks/{done.id}"' in page
    assert "/tasks/?status=done&amp;group=AP_HIGG" in page  # the group cell keeps the status filter
    assert "/tasks/?status=done&amp;step=Reco" in page
    assert "GP_SUSY" not in page.split("<tbody>")[1]
    assert '<span class="count" id="listing-count">1 task</span>' in page
    stamp = done.updated_at.isoformat()
    assert f'<time datetime="{stamp}">{done.updated_at:%Y-%m-%d %H:%M}</time>' in page
    status_filter = page.split('<select id="filter-status" name="status">')[1].split("</select>")[0]
    assert "<option selected>done</option>" in status_filter
    assert status_filter.count("selected") == 1


def test_htmx_gets_only_the_listing_with_field_errors(client, member, make):
    make.task()
    headers = {"HX-Request": "true", "HX-Target": "listing"}
    response = client.get("/tasks/?id=1-x", headers=headers)
    assert "HX-Target" in response.headers["Vary"]
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert 'id="error-id" hx-swap-oob="true">Write an id' in fragment
    assert "Nothing shown" in fragment
    full = client.get("/tasks/?id=1-x").get_data(as_text=True)
    assert "<html" in full
    assert 'value="1-x"' in full  # the form comes back filled in


def test_columns_are_chosen_in_the_url(client, member, make):
    make.task(project="mc20_13TeV")
    page = client.get("/tasks/?cols=id&cols=project").get_data(as_text=True)
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert "Project" in head
    assert "Name" not in head
    assert 'value="project" checked' in page


def test_csv_export_streams_the_current_view(client, member, make):
    kept = [make.task(status="failed", project="mc20_13TeV") for _ in range(3)]
    make.task(status="done")
    response = client.get("/tasks/export.csv?status=failed&cols=id&cols=status&cols=project")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "status", "project"]
    assert rows[1:] == [[str(t.id), "failed", "mc20_13TeV"] for t in reversed(kept)]


FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", FORMULAS)
def test_no_exported_csv_cell_starts_a_formula(client, member, make, text):
    """OWASP's CSV-injection rule on every export: text from users (a request's description, a
    login name on the task table) that a spreadsheet would run comes out quoted by a `'`."""
    make.request(status="waiting", description=text)
    make.task(status="failed", username=text)
    exports = {
        "/requests/export.csv?status=waiting&cols=id&cols=description": "description",
        "/tasks/export.csv?status=failed&cols=id&cols=user": "user",
    }
    for url, key in exports.items():
        text_read = io.StringIO(client.get(url).get_data(as_text=True), newline="")
        rows = list(csv.DictReader(text_read))
        assert [row[key] for row in rows] == ["'" + text]


def test_json_export_of_requests(client, member, make):
    made = make.request(status="waiting", description="JSON export sample")
    make.request(status="done")
    response = client.get("/requests/export.json?status=waiting")
    records = json.loads(response.get_data(as_text=True))
    assert [r["id"] for r in records] == [made.id]
    assert records[0]["description"] == "JSON export sample"
    assert records[0]["group"] == "HIGG"


def test_request_rows_name_their_group_project_campaign_and_people(client, member, make):
    campaign = Campaign(name="MC99", subcampaigns=[Subcampaign(name="MC99x")])
    made = make.request(
        requester=make.user(username="alice"),
        manager=make.user(username="bob"),
        campaign=campaign,
        subcampaign=campaign.subcampaigns[0],
    )
    unmanaged = make.request(requester=make.user(username="carol"))
    names = ("group", "project", "campaign", "subcampaign", "requester", "manager")
    query = "&".join(f"cols={name}" for name in ("id", *names))
    records = json.loads(client.get(f"/requests/export.json?{query}").get_data(as_text=True))
    assert [r["id"] for r in records] == [unmanaged.id, made.id]
    assert [records[1][n] for n in names] == [
        "HIGG",
        "mc23_13p6TeV",
        "MC99",
        "MC99x",
        "alice",
        "bob",
    ]
    assert [records[0][n] for n in names] == ["HIGG", "mc23_13p6TeV", None, None, "carol", None]


def test_export_refuses_bad_filters(client, member):
    response = client.get("/tasks/export.csv?updated_from=soon")
    assert response.status_code == 400
    assert "updated_from" in response.get_data(as_text=True)


def test_list_pages_need_a_login(client):
    assert client.get("/tasks/").status_code == 302
    assert client.get("/requests/export.csv").status_code == 302


def test_nav_links_to_both_tables(client, member):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/tasks/"' in page
    assert 'href="/requests/"' in page


def test_headings_switch_the_sort(client, member, make):
    make.task()
    head = client.get("/tasks/?status=active").get_data(as_text=True).split("</thead>")[0]
    assert 'href="/tasks/?status=active&amp;sort=-updated_at"' in head
    assert 'href="/tasks/?status=active&amp;sort=id"' in head  # the id sort is on: flip it


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),  # a boosted link: the page
        ({"HX-Request": "true", "HX-Target": "listing"}, True),  # the filter form: the table
        (
            {"HX-Request": "true", "HX-Target": "listing", "HX-History-Restore-Request": "true"},
            False,
        ),
    ],
)
def test_one_rule_tells_the_table_fragment_from_the_page(client, member, headers, fragment):
    response = client.get("/tasks/?status=running", headers=headers)
    assert ("<html" not in response.get_data(as_text=True)) is fragment
    assert {"HX-Request", "HX-Boosted", "HX-Target"} <= set(response.vary)


def test_a_query_string_of_repeats_is_not_echoed_into_every_link(client, member, make):
    """4 kB of repeated filter values and unknown keys made an 852 kB page: each link of the
    table carried them all. Links keep only the table's keys, each value once."""
    for _ in range(30):
        make.task(status="done")
    plain = client.get("/tasks/?status=done").get_data(as_text=True)
    flooded_url = "/tasks/?" + "status=done&" * 1000 + "junk=x&" * 500
    flooded = client.get(flooded_url).get_data(as_text=True)
    assert len(flooded) < len(plain) * 1.05
    assert "junk" not in flooded


def test_a_repeated_filter_takes_at_most_50_values(client, member):
    query = "&".join(f"status=s{n}" for n in range(60))
    page = client.get(f"/tasks/?{query}").get_data(as_text=True)
    assert "At most 50 values, not 60." in page
