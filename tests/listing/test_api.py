"""API list endpoints: the tables' filters, cursor paging, problem details, OpenAPI."""

from deftweb.listing import table as listing_table


def test_tasks_page_by_cursor(client, member, make):
    made = [make.task(status="running", working_group="AP_HIGG") for _ in range(25)]
    make.task(status="done")
    first = client.get("/api/v1/tasks?status=running&group=HIGG&size=20").get_json()
    assert [t["id"] for t in first["items"]] == [t.id for t in reversed(made)][:20]
    assert (first["count"], first["count_capped"]) == (25, False)
    rest = client.get(f"/api/v1/tasks?status=running&size=20&after={first['next_cursor']}")
    body = rest.get_json()
    assert [t["id"] for t in body["items"]] == [t.id for t in reversed(made)][20:]
    assert body["next_cursor"] is None


def test_repeated_status_and_status_groups(client, member, make):
    failed, done = make.task(status="failed"), make.task(status="done")
    make.task(status="running")
    body = client.get("/api/v1/tasks?status=failed&status=done&sort=id").get_json()
    assert [t["id"] for t in body["items"]] == [failed.id, done.id]


def test_requests_list_names_what_they_point_at(client, member, make):
    made = make.request(status="waiting", description="API list sample")
    body = client.get("/api/v1/requests?description=list+sample").get_json()
    (item,) = body["items"]
    assert item["id"] == made.id
    assert item["working_group"] == "HIGG"
    assert item["requester"] == made.requester.username
    assert "slices" not in item


def test_bad_filters_are_problem_details(client, member):
    response = client.get("/api/v1/tasks?id=9-1&updated_from=later")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    pointers = {e["pointer"] for e in response.get_json()["errors"]}
    assert pointers == {"#query/id", "#query/updated_from"}


def test_page_size_is_checked(client, member):
    assert client.get("/api/v1/tasks?size=7").status_code == 422


def test_capped_count(client, member, make, monkeypatch):
    monkeypatch.setattr(listing_table, "COUNT_CAP", 3)
    for _ in range(25):
        make.task()
    body = client.get("/api/v1/tasks?size=20").get_json()
    assert (body["count"], body["count_capped"]) == (3, True)
    whole = client.get("/api/v1/tasks?size=50").get_json()  # one page holds them all: exact
    assert (whole["count"], whole["count_capped"]) == (25, False)


def test_needs_a_login(client):
    assert client.get("/api/v1/requests").status_code == 401


def test_openapi_documents_the_lists(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"status", "group", "name", "after", "size", "sort"} <= parameters
    assert "get" in spec["paths"]["/api/v1/requests"]
