"""Dataset pages: the registry list, a dataset's page, the name check, registration."""

import re

import sqlalchemy as sa

from deftweb.datasets import registry as dataset_registry
from deftweb.models import Dataset, DatasetStatus, db

CONTAINER = (
    "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r14622"
)
DATASET = CONTAINER + "_tid00001001_00"
BAD = "data18_13TeV.00349533.physics_Main.deriv.DAOD!.f937_m1972_p4150"
HTMX = {"HX-Request": "true", "HX-Target": "check-results"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def names_listed(page: str) -> list[str]:
    return re.findall(r'<td class="col-name"><span class="name">([^<]+)</span>', page)


def test_the_registry_lists_and_filters_datasets(client, manager, make):
    task = make.task(id=1001)
    make.dataset(CONTAINER)
    make.dataset(DATASET, task_id=task.id, status=DatasetStatus.COMPLETE)
    make.dataset("user.jdoe.mc16_13TeV.366019.SusyNt.e7033.v1")
    make.dataset("data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150")
    page = text_of(client.get("/datasets/"))
    assert '<a href="/datasets/" aria-current="page">Datasets</a>' in page
    assert set(names_listed(page)) >= {CONTAINER, DATASET}
    filtered = {
        "project=data18_13TeV": {
            "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150"
        },
        "data_type=AOD&project=mc23_13p6TeV": {CONTAINER, DATASET},
        "kind=user": {"user.jdoe.mc16_13TeV.366019.SusyNt.e7033.v1"},
        "status=complete": {DATASET},
        "task=1001": {DATASET},
        "name=HDAMP258p75_singlelep": {CONTAINER, DATASET},
        "name=ttbar&container=no": {DATASET},
    }
    for query, expected in filtered.items():
        listed = set(names_listed(text_of(client.get(f"/datasets/?{query}"))))
        assert listed & _made() == expected, query
    task_cell = f'<a href="/tasks/{task.id}">{task.id}</a>'
    assert task_cell in text_of(client.get("/datasets/?task=1001"))


def _made() -> set[str]:
    return set(db.session.scalars(sa.select(Dataset.name)))


def test_bad_filters_are_explained_next_to_the_field(client, manager):
    page = text_of(client.get("/datasets/?kind=personal&task=abc"))
    assert (
        "Unknown value &#39;personal&#39;: choose one of mc, data, physcont, user, group." in page
    )
    assert "Write an id (123) or a range" in page


def test_the_registry_pages_by_keyset(client, manager, make):
    made = [make.dataset(f"user.jdoe.paging.n{n:03d}") for n in range(25)]
    first = text_of(client.get("/datasets/?kind=user&size=20"))
    next_link = re.search(r'href="([^"]*after=[^"]*)"[^>]*rel="next"', first).group(1)
    second = text_of(client.get(next_link.replace("&amp;", "&")))
    page_one, page_two = names_listed(first), names_listed(second)
    assert len(page_one) == 20
    assert len(page_two) == 5
    assert set(page_one) | set(page_two) == {d.name for d in made}
    assert 'rel="next"' not in second
    by_name = names_listed(text_of(client.get("/datasets/?kind=user&sort=name&size=20")))
    assert by_name == sorted(d.name for d in made)[:20]


def test_a_dataset_page_shows_its_task_and_containers(client, manager, make):
    task = make.task(id=1001, status="running")
    container = make.dataset(CONTAINER)
    dataset = make.dataset(DATASET, task_id=task.id)
    container.contents.append(dataset)
    db.session.flush()
    page = text_of(client.get(f"/datasets/{dataset.id}"))
    assert f"Dataset {dataset.id}" in page
    assert f'<a href="/tasks/{task.id}">{task.id}</a>' in page
    assert f'href="/datasets/{container.id}">{CONTAINER}</a>' in page
    holder = text_of(client.get(f"/datasets/{container.id}"))
    assert f"Container {container.id}" in holder
    assert f'href="/datasets/{dataset.id}">{DATASET}</a>' in holder
    assert "Add to container" in holder


def test_a_dataset_is_found_by_name(client, manager, make):
    dataset = make.dataset(DATASET)
    found = client.get("/datasets/by-name", query_string={"name": f"mc23_13p6TeV:{DATASET}"})
    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"/datasets/{dataset.id}")
    missing = client.get("/datasets/by-name", query_string={"name": CONTAINER})
    assert missing.status_code == 404
    assert "No dataset or container named" in text_of(missing)
    assert client.get("/datasets/999999").status_code == 404


def test_the_check_page_validates_as_you_type_without_inline_code(client, manager):
    page = text_of(client.get("/datasets/check"))
    textarea = re.search(r"<textarea[^>]*>", page, re.S).group(0)
    assert 'hx-post="/datasets/check"' in textarea
    assert 'hx-trigger="input changed delay:300ms"' in textarea
    assert 'hx-target="#check-results"' in textarea
    assert "hx-on" not in page
    assert "style=" not in page
    assert "<script>" not in page


def test_the_check_fragment_shows_fields_and_marks_the_wrong_one(client, manager, make):
    make.dataset(CONTAINER)
    response = client.post(
        "/datasets/check", data={"names": f"{CONTAINER}\n\n{BAD}\n"}, headers=HTMX
    )
    fragment = text_of(response)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "1 of 2 name(s) invalid" in fragment
    valid, invalid = fragment.split('id="check-line-3"')
    assert "Valid mc container" in valid
    assert '<th scope="row">Physics short</th><td class="name">PhPy8EG_A14' in valid
    assert re.search(r'<a href="/datasets/\d+">Registered</a>', valid)
    assert "field 5 (data type) &#39;DAOD!&#39; has a character outside letters" in invalid
    wrong = re.findall(
        r'<tr class="field-wrong"><th scope="row">([^<]+)</th><td class="name">([^<]+)<', invalid
    )
    assert wrong == [("data type", "DAOD!")]
    full = text_of(client.post("/datasets/check", data={"names": BAD}))
    assert "<html" in full
    assert 'class="field-wrong"' in full
    assert BAD in full  # the text box comes back filled in


def test_missing_fields_and_scopes_are_marked_too(client, manager):
    names = "mc23_13p6TeV.601229.PhPy8EG.evgen.EVNT\nmc20_13TeV:" + CONTAINER
    fragment = text_of(client.post("/datasets/check", data={"names": names}, headers=HTMX))
    wrong = re.findall(
        r'<tr class="field-wrong"><th scope="row">([^<]+)</th><td class="name">([^<]+)<', fragment
    )
    assert wrong == [("version", "(missing)"), ("scope", "mc20_13TeV")]


def test_the_register_page_registers_a_pasted_list(client, manager):
    assert "Register datasets and containers" in text_of(client.get("/datasets/register"))
    response = client.post("/datasets/register", data={"names": f"{DATASET}\n\n{CONTAINER}\n"})
    page = text_of(response)
    assert response.status_code == 200
    assert "2 name(s) registered" in page
    assert _made() >= {DATASET, CONTAINER}


def test_one_bad_line_registers_nothing_and_keeps_the_text(client, manager, make):
    make.dataset(CONTAINER)
    pasted = f"{DATASET}\n{CONTAINER}\n{BAD}"
    response = client.post("/datasets/register", data={"names": pasted})
    page = text_of(response)
    assert response.status_code == 422
    assert "Nothing registered: 2 of 3 line(s) failed" in page
    assert f"{CONTAINER} is already registered" in page
    assert "field 5 (data type)" in page
    assert "valid; not registered because other lines failed" in page
    assert f">{pasted}</textarea>" in page
    assert DATASET not in _made()


def test_registration_refusals_say_who_may(client, make, login_as):
    login_as(make.user(username="jdoe", groups={"HIGG": "member"}))
    response = client.post("/datasets/register", data={"names": CONTAINER})
    assert response.status_code == 422
    assert "registered by production managers only" in text_of(response)
    ok = client.post(
        "/datasets/register", data={"names": "user.jdoe.mine.v1\ngroup.phys-higgs.x.v1"}
    )
    assert ok.status_code == 200
    assert client.post("/datasets/register", data={"names": " "}).status_code == 422


def test_registration_needs_the_csrf_token(app, client, manager, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/datasets/register", data={"names": CONTAINER})
    assert response.status_code == 400
    assert CONTAINER not in _made()


def test_a_container_is_filled_from_its_page(client, manager):
    container = dataset_registry.register(manager, CONTAINER)
    dataset_registry.register(manager, DATASET)
    other = CONTAINER.replace(".AOD.", ".ESD.") + "_tid00001002_00"
    dataset_registry.register(manager, other)
    refused = client.post(
        f"/datasets/{container.id}/datasets", data={"names": f"{DATASET}\n{other}"}
    )
    assert refused.status_code == 422
    page = text_of(refused)
    assert "has data type &#39;ESD&#39;, the container &#39;AOD&#39;" in page
    assert f"{DATASET}\n{other}</textarea>" in page
    added = client.post(f"/datasets/{container.id}/datasets", data={"names": DATASET})
    assert added.status_code == 302
    assert [d.name for d in db.session.get(Dataset, container.id).contents] == [DATASET]


def test_only_who_may_register_a_container_fills_it(client, make, login_as):
    container = make.dataset(CONTAINER)
    login_as(make.user(groups={"HIGG": "convener"}))
    assert "Add to container" not in text_of(client.get(f"/datasets/{container.id}"))
    response = client.post(f"/datasets/{container.id}/datasets", data={"names": DATASET})
    assert response.status_code == 403


def test_deleting_from_the_page_keeps_the_name_taken(client, manager):
    dataset = dataset_registry.register(manager, CONTAINER)
    assert "Delete this container" in text_of(client.get(f"/datasets/{dataset.id}"))
    assert client.post(f"/datasets/{dataset.id}/delete").status_code == 302
    page = text_of(client.get(f"/datasets/{dataset.id}"))
    assert '<span class="status status-deleted">deleted</span>' in page
    assert "Delete this container" not in page
    again = client.post(f"/datasets/{dataset.id}/delete")
    assert again.status_code == 409
    assert "is already deleted" in text_of(again)
    reused = client.post("/datasets/register", data={"names": CONTAINER})
    assert reused.status_code == 422
    assert "names are never reused" in text_of(reused)


def test_deleting_needs_the_right_to_the_name(client, make, login_as):
    dataset = make.dataset(CONTAINER)
    login_as(make.user(groups={"HIGG": "convener"}))
    assert "Delete this" not in text_of(client.get(f"/datasets/{dataset.id}"))
    assert client.post(f"/datasets/{dataset.id}/delete").status_code == 403


def test_the_check_sends_the_page_csrf_token(app, client, manager, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = text_of(client.get("/datasets/check"))
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    refused = client.post("/datasets/check", data={"names": BAD}, headers=HTMX)
    assert refused.status_code == 400
    checked = client.post(
        "/datasets/check", data={"names": BAD}, headers=HTMX | {"X-CSRFToken": token}
    )
    assert checked.status_code == 200
    assert 'class="field-wrong"' in text_of(checked)
