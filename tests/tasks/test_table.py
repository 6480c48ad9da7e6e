"""The task table against a plain reference: every filter and sort, walked page by page."""

import base64
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.listing import table as listing_module
from deftweb.models import ENDED_TASK_STATUSES, Task, db
from deftweb.tasks.table import TABLE
from tests.listing.paging import walk

BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)
NAMES = ("PhPy8EG_ttbar", "Sh_2211_Zee", "MGPy8EG_SlepSlep", "PowhegHerwig7_ggH125")
STEPS = (
    ("Evgen", "e8514", "EVNT"),
    ("Reco", "r14622", "AOD"),
    ("Deriv", "p5855", "DAOD_PHYS.DAOD_PHYSLITE"),
)


@pytest.fixture
def tasks(make):
    """70 tasks spread over every filtered attribute, with ties in `updated_at`."""
    rng = random.Random(8)
    requests = [make.request() for _ in range(3)]
    made = []
    for n in range(70):
        step, ami, formats = rng.choice(STEPS)
        made.append(
            make.task(
                request=rng.choice([*requests, None]),
                name=f"mc23_13p6TeV.{600000 + n}.{rng.choice(NAMES)}.{step.lower()}.{ami}",
                status=rng.choice(("done", "running", "failed", "waiting", "aborted")),
                working_group=rng.choice(("AP_HIGG", "GP_HIGG", "GP_SUSY", "AP_TOPQ")),
                project=rng.choice(("mc23_13p6TeV", "mc20_13TeV")),
                campaign=rng.choice(("MC23:MC23a", "MC20:MC20a")),
                step_name=step,
                ami_tag=ami,
                output_formats=formats,
                username=rng.choice(("prodmgr1", "prodmgr2")),
                updated_at=BASE_TIME + timedelta(hours=rng.randint(0, 12)),
            )
        )
    return made


def reference(keep, sort: str) -> list[int]:
    """The ids a plain query gives: every task, filtered in Python, sorted by (sort key, id)."""
    every = db.session.scalars(sa.select(Task)).all()
    key = sort.lstrip("-")
    chosen = [t for t in every if keep(t)]
    chosen.sort(key=lambda t: (getattr(t, key), t.id), reverse=sort.startswith("-"))
    return [t.id for t in chosen]


def _member(formats: str, wanted: str) -> bool:
    return wanted in formats.split(".")


ENDED = {s.value for s in ENDED_TASK_STATUSES}
CASES = {
    "nothing": ({}, lambda t: True),
    "status": ({"status": "running"}, lambda t: t.status == "running"),
    "status group": ({"status": "ended"}, lambda t: t.status in ENDED),
    "active group": ({"status": "active"}, lambda t: t.status not in ENDED),
    "group code": ({"group": "HIGG"}, lambda t: t.working_group.endswith("_HIGG")),
    "exact group": ({"group": "GP_HIGG"}, lambda t: t.working_group == "GP_HIGG"),
    "project": ({"project": "mc20_13TeV"}, lambda t: t.project == "mc20_13TeV"),
    "campaign": ({"campaign": "MC23:MC23a"}, lambda t: t.campaign == "MC23:MC23a"),
    "step": ({"step": "Reco"}, lambda t: t.step_name == "Reco"),
    "ami": ({"ami": "p5855"}, lambda t: t.ami_tag == "p5855"),
    "format in a list": (
        {"format": "DAOD_PHYSLITE"},
        lambda t: _member(t.output_formats, "DAOD_PHYSLITE"),
    ),
    "format prefix only": ({"format": "DAOD"}, lambda t: _member(t.output_formats, "DAOD")),
    "user": ({"user": "prodmgr2"}, lambda t: t.username == "prodmgr2"),
    "name, any case": ({"name": "ZEE"}, lambda t: "zee" in t.name.lower()),
    "short name term": ({"name": "gH"}, lambda t: "gh" in t.name.lower()),
    "long term with digits": ({"name": "13P6TEV.60001"}, lambda t: ".60001" in t.name),
    "long term, letters beside its digits": (
        {"name": "POWHEGHERWIG7_GGH125"},
        lambda t: "powhegherwig7_ggh125" in t.name.lower(),
    ),
    "long term, lone digits": (
        {"name": "HERWIG7_GGH1"},
        lambda t: "herwig7_ggh1" in t.name.lower(),
    ),
    "digits only": ({"name": "600012"}, lambda t: "600012" in t.name),
    "name with LIKE wildcards": ({"name": "8EG_%"}, lambda t: "8eg_%" in t.name.lower()),
    "updated window": (
        {"updated_from": "2026-11-01T03:00", "updated_to": "2026-11-01T08:00"},
        lambda t: BASE_TIME + timedelta(hours=3) <= t.updated_at <= BASE_TIME + timedelta(hours=8),
    ),
    "two filters": (
        {"group": "HIGG", "status": "done"},
        lambda t: t.working_group.endswith("_HIGG") and t.status == "done",
    ),
}


@pytest.mark.parametrize("sort", ["-id", "id", "-updated_at", "updated_at"])
@pytest.mark.parametrize("case", CASES)
def test_filters_and_sorts_match_the_reference(tasks, case, sort):
    args, keep = CASES[case]
    assert walk(TABLE, {**args, "sort": sort}) == reference(keep, sort)


def test_id_ranges_request_and_chain(tasks):
    ids = sorted(t.id for t in tasks)
    low, high = ids[10], ids[30]
    assert walk(TABLE, {"id": f"{low}-{high}", "sort": "id"}) == ids[10:31]
    assert walk(TABLE, {"id": f"{high}-", "sort": "id"}) == ids[30:]
    assert walk(TABLE, {"id": f"-{low}", "sort": "id"}) == ids[:11]
    assert walk(TABLE, {"id": str(low)}) == [low]
    request_id = next(t.request_id for t in tasks if t.request_id)
    expected = reference(lambda t: t.request_id == request_id, "-id")
    assert walk(TABLE, {"request": str(request_id)}) == expected
    assert walk(TABLE, {"chain": str(ids[5])}) == [ids[5]]  # the factory makes one-task chains


def test_backwards_pages_mirror_forwards(tasks):
    forward = MultiDict({"size": "20", "status": "ended"})
    first = TABLE.page(TABLE.read(forward))
    second_args = MultiDict({"size": "20", "status": "ended", "after": first.next_cursor})
    second = TABLE.page(TABLE.read(second_args))
    back_args = MultiDict({"size": "20", "status": "ended", "before": second.previous_cursor})
    back = TABLE.page(TABLE.read(back_args))
    assert [t.id for t in back.rows] == [t.id for t in first.rows]


def _cursor(sort_value, row_id) -> str:
    """A page link as a hand-edited URL could carry it."""
    text = json.dumps([sort_value, row_id]).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"id": "12-x"}, "id", "range"),
        ({"id": "30-10"}, "id", "starts after it ends"),
        ({"status": "sleeping"}, "status", "Unknown status"),
        ({"updated_from": "yesterday"}, "updated_from", "2026-11-01"),
        ({"sort": "priority"}, "sort", "Sort by one of"),
        ({"after": "not-a-cursor"}, "after", "damaged"),
        ({"id": "9223372036854775808"}, "id", "go up to 9223372036854775807"),
        ({"chain": f"1-{10**20}"}, "chain", "go up to 9223372036854775807"),
        ({"request": "2147483648"}, "request", "go up to 2147483647"),
        ({"after": _cursor(1, 2**63)}, "after", "damaged"),
        ({"sort": "updated_at", "before": _cursor("2026-11-01T00:00", 1)}, "before", "damaged"),
    ],
)
def test_bad_values_say_what_to_write(args, field, message):
    listing = TABLE.read(MultiDict(args))
    assert message in listing.errors[field]


def test_count_is_capped(tasks, monkeypatch):
    monkeypatch.setattr(listing_module, "COUNT_CAP", 25)
    page = TABLE.page(TABLE.read(MultiDict()))
    assert (page.count, page.count_capped) == (25, True)
    small = TABLE.page(TABLE.read(MultiDict({"status": "running"})))
    expected = len(reference(lambda t: t.status == "running", "-id"))
    assert (small.count, small.count_capped) == (expected, False)


def test_search_looks_up_the_trigrams_most_likely_rare():
    from deftweb.listing.search_index import likely_rare_trigrams

    assert likely_rare_trigrams("PowhegHerwig7EG_SingleLep_454") == ["454", "_45"]
    assert likely_rare_trigrams("mc23_601229") == ["229", "122"]
    assert likely_rare_trigrams("ttbar") == ["bar", "tba"]
