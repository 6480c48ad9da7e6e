"""Ids beyond what their column holds: an unknown row (404) or a message, never a 500.

PostgreSQL's integer holds up to 2**31 - 1 and its bigint (task ids) up to 2**63 - 1, SQLite's
integers are 64-bit: a bigger number sent to the database is an error there, not "no such row".
"""

import base64
import json

import pytest
from werkzeug.routing import IntegerConverter

from deftweb.models import GlobalRole

#: Beyond every column on both databases.
HUGE = 10**20
#: One beyond the column: 32-bit ids, 64-bit task ids.
JUST_BEYOND = {"task_id": 2**63}
ID_JUST_BEYOND = 2**31

#: Every route with an id in its path; the first test keeps the list complete.
PATH_ID_ENDPOINTS = [
    "admin.link_dn",
    "admin.revoke_role",
    "admin.grant_role",
    "admin.set_active",
    "admin.set_membership",
    "admin.unlink",
    "admin.user",
    "api_datasets.delete_dataset",
    "api_datasets.get_dataset",
    "api_filing.patch_request",
    "api_metatasks.request_metatask",
    "api_metatasks.request_metatask_graphml",
    "api_metatasks.task_metatask",
    "api_metatasks.task_metatask_graphml",
    "api_requests.get_request",
    "api_review.delete_watch",
    "api_review.get_comments",
    "api_review.get_history",
    "api_review.get_watch",
    "api_review.post_comment",
    "api_review.post_transition",
    "api_review.put_watch",
    "api_tasks.get_request_tasks",
    "api_tasks.get_task",
    "api_tasks.post_define_tasks",
    "api_tasks.post_task_action",
    "datasets.delete",
    "datasets.detail",
    "datasets.fill",
    "filing.clone",
    "filing.clone_slice",
    "filing.edit",
    "filing.save",
    "metatasks.request_chains",
    "metatasks.request_graphml",
    "metatasks.task_chain",
    "metatasks.task_graphml",
    "profile.revoke_token",
    "request_templates.edit",
    "request_templates.from_request",
    "request_templates.retire",
    "requests.detail",
    "review.comment",
    "review.edit",
    "review.transition",
    "review.watch",
    "task_actions.act",
    "task_actions.define",
    "tasks.detail",
]


@pytest.fixture
def superuser(make, login_as):
    """Every role, so that no refusal comes before the id is looked at."""
    roles = tuple(GlobalRole)
    return login_as(make.user(roles=roles, groups={"HIGG": "convener"}))


def _path_ids(rule) -> list[str]:
    return [name for name, c in rule._converters.items() if isinstance(c, IntegerConverter)]


def test_every_path_id_is_bounded_by_its_column(app):
    with_ids = {r.endpoint: r for r in app.url_map.iter_rules() if _path_ids(r)}
    assert sorted(with_ids) == sorted(PATH_ID_ENDPOINTS)
    unbounded = [
        f"{rule.rule} ({name})"
        for rule in with_ids.values()
        for name in _path_ids(rule)
        if rule._converters[name].max is None
    ]
    assert unbounded == []


def _open(app, client, endpoint: str, number_for):
    """Call the route of `endpoint` with `number_for(argument)` as each id of its path."""
    (rule,) = app.url_map.iter_rules(endpoint)
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    values = {name: number_for(name) for name in _path_ids(rule)}
    values.update({name: "admin" for name in rule.arguments if name not in values})
    url = app.url_map.bind("deftweb.test").build(endpoint, values, method=method)
    body = {"json": {}} if url.startswith("/api/") and method != "GET" else {"data": {}}
    if method in ("GET", "DELETE"):
        body = {}
    return client.open(url, method=method, **body)


@pytest.mark.parametrize("endpoint", PATH_ID_ENDPOINTS)
@pytest.mark.parametrize("beyond", ["huge", "just beyond"])
def test_a_path_id_beyond_its_column_is_not_found(app, client, superuser, endpoint, beyond):
    def number_for(name: str) -> int:
        return HUGE if beyond == "huge" else JUST_BEYOND.get(name, ID_JUST_BEYOND)

    response = _open(app, client, endpoint, number_for)
    assert response.status_code == 404
    if endpoint.startswith("api_"):
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 404
    else:
        assert "404" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "number"),
    [("/requests/{}", 2**31 - 1), ("/tasks/{}", 2**63 - 1), ("/api/v1/tasks/{}", 2**63 - 1)],
)
def test_the_largest_id_a_column_holds_is_still_looked_up(client, superuser, url, number):
    response = client.get(url.format(number))
    assert response.status_code == 404
    assert f"There is no {url.split('/')[-2][:-1]} {number}." in response.get_data(as_text=True)


# --- The tables' id filters and page links ---------------------------------------------------

ID_FILTERS = [
    ("/requests/", "id", ID_JUST_BEYOND),
    ("/tasks/", "id", 2**63),
    ("/tasks/", "request", ID_JUST_BEYOND),
    ("/tasks/", "chain", 2**63),
    ("/datasets/", "task", 2**63),
]


def _filter_values(beyond: int) -> list[str]:
    return [str(HUGE), f"1-{HUGE}", f"-{HUGE}", f"{beyond}-", str(beyond)]


@pytest.mark.parametrize(("page", "field", "beyond"), ID_FILTERS)
def test_an_id_filter_beyond_its_column_is_a_message_under_the_field(
    client, superuser, page, field, beyond
):
    for value in _filter_values(beyond):
        response = client.get(page, query_string={field: value})
        assert response.status_code == 200, value
        html = response.get_data(as_text=True)
        error = html.split(f'id="error-{field}">')[1].split("</small>")[0]
        assert f"go up to {beyond - 1}" in error, value


@pytest.mark.parametrize("suffix", ["count", "export.csv"])
@pytest.mark.parametrize(("page", "field", "beyond"), ID_FILTERS[:4])
def test_count_and_export_refuse_an_id_filter_beyond_its_column(
    client, superuser, page, field, beyond, suffix
):
    response = client.get(page + suffix, query_string={field: f"1-{HUGE}"})
    assert response.status_code == 400
    assert f"go up to {beyond - 1}" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("table", "field", "beyond"), [(p[1:-1], f, b) for p, f, b in ID_FILTERS[:4]]
)
def test_the_list_api_points_at_an_id_filter_beyond_its_column(
    client, superuser, table, field, beyond
):
    response = client.get(f"/api/v1/{table}", query_string={field: str(beyond)})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    (error,) = response.get_json()["errors"]
    assert error["pointer"] == f"#query/{field}"
    assert f"go up to {beyond - 1}" in error["detail"]


def cursor(sort_value, row_id) -> str:
    """A page link as a hand-edited URL could carry it."""
    text = json.dumps([sort_value, row_id]).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


CURSORS = [
    ("/requests/", {"after": cursor(ID_JUST_BEYOND, ID_JUST_BEYOND)}),
    ("/requests/", {"before": cursor(HUGE, HUGE)}),
    ("/requests/", {"sort": "updated_at", "after": cursor("2026-01-01T00:00:00+00:00", HUGE)}),
    ("/tasks/", {"after": cursor(2**63, 2**63)}),
    ("/tasks/", {"sort": "-updated_at", "before": cursor("2026-01-01T00:00:00", HUGE)}),
    ("/datasets/", {"after": cursor(ID_JUST_BEYOND, ID_JUST_BEYOND)}),
    ("/datasets/", {"sort": "name", "after": cursor(HUGE, 1)}),
]


@pytest.mark.parametrize(("page", "args"), CURSORS)
def test_a_page_link_beyond_the_columns_is_a_bad_request(client, superuser, page, args):
    response = client.get(page, query_string=args)
    assert response.status_code == 400
    assert "This page link is damaged" in response.get_data(as_text=True)


@pytest.mark.parametrize("table", ["tasks", "requests"])
def test_the_list_api_points_at_a_cursor_beyond_the_columns(client, superuser, table):
    response = client.get(f"/api/v1/{table}", query_string={"after": cursor(HUGE, HUGE)})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["pointer"] == "#query/after"
    assert "damaged" in error["detail"]


# --- Bulk id lists -------------------------------------------------------------------------


BULK_FORMS = [
    ("/tasks/bulk", "abort", "id", "task", 2**63),
    ("/requests/bulk", "hold", "id", "request", ID_JUST_BEYOND),
    ("/tasks/actions", "abort", "task_id", "task", 2**63),
]


@pytest.mark.parametrize("huge", [True, False])
@pytest.mark.parametrize(("url", "action", "field", "noun", "beyond"), BULK_FORMS)
def test_a_ticked_id_beyond_its_column_is_refused(
    client, superuser, make, url, action, field, noun, beyond, huge
):
    ticked = make.task(status="running") if noun == "task" else make.request(status="waiting")
    number = HUGE if huge else beyond
    response = client.post(url, data={"action": action, field: [str(ticked.id), str(number)]})
    assert response.status_code == 404  # as the review queue: an id no row can have
    assert f"There is no {noun} {number}." in response.get_data(as_text=True)
    assert ticked.status in ("running", "waiting")  # nothing was done


@pytest.mark.parametrize("number", [HUGE, ID_JUST_BEYOND])
def test_the_review_queue_refuses_a_request_beyond_the_column(client, superuser, make, number):
    waiting = make.request(status="waiting")
    items = [f"{waiting.id}:{waiting.version}", f"{number}:1"]
    response = client.post("/review/bulk", data={"action": "hold", "item": items})
    assert response.status_code == 404
    assert f"There is no request {number}." in response.get_data(as_text=True)
    assert waiting.status == "waiting"
