"""The request table against a plain reference: filters on the request and on its steps."""

import random

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from deftweb.models import ACTIVE_STATUSES, Request, RequestType, db
from deftweb.requests.table import TABLE
from tests.listing.paging import walk

ACTIVE = {s.value for s in ACTIVE_STATUSES}


@pytest.fixture
def requests(make):
    rng = random.Random(6)
    people = [make.user(username=f"req{n}") for n in range(3)]
    groups = [make.group(code) for code in ("HIGG", "SUSY", "TOPQ")]
    made = []
    for n in range(40):
        made.append(
            make.request(
                requester=rng.choice(people),
                manager=rng.choice([*people, None]),
                working_group=rng.choice(groups),
                request_type=rng.choice((RequestType.MC, RequestType.GROUP)),
                status=rng.choice(("draft", "waiting", "approved", "done", "cancelled")),
                description=f"{rng.choice(('ttbar', 'Zee', 'slepton grid'))} sample {n}",
                slices=rng.choice((0, 1)),
            )
        )
    return made


def reference(keep) -> list[int]:
    every = db.session.scalars(sa.select(Request).order_by(Request.id.desc())).all()
    return [r.id for r in every if keep(r)]


def _has_step(r, **fields) -> bool:
    steps = [step for piece in r.slices for step in piece.steps]
    return any(all(getattr(step, k) == v for k, v in fields.items()) for step in steps)


def _manager(r) -> str | None:
    return r.manager.username if r.manager else None


CASES = {
    "group": ({"group": "SUSY"}, lambda r: r.working_group.code == "SUSY"),
    "type": ({"type": "GROUP"}, lambda r: r.request_type == "GROUP"),
    "status": ({"status": "waiting"}, lambda r: r.status == "waiting"),
    "active": ({"status": "active"}, lambda r: r.status in ACTIVE),
    "requester": ({"requester": "req1"}, lambda r: r.requester.username == "req1"),
    "manager": ({"manager": "req2"}, lambda r: _manager(r) == "req2"),
    "description": ({"description": "SLEPTON"}, lambda r: "slepton" in r.description.lower()),
    "project": ({"project": "mc23_13p6TeV"}, lambda r: r.project.name == "mc23_13p6TeV"),
    "step": ({"step": "Simul"}, lambda r: _has_step(r, step_name="Simul")),
    "ami": ({"ami": "e8514"}, lambda r: _has_step(r, ami_tag="e8514")),
    "unknown user": ({"requester": "nobody"}, lambda r: False),
    "two filters": (
        {"group": "HIGG", "status": "done"},
        lambda r: (r.working_group.code, r.status) == ("HIGG", "done"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_filters_match_the_reference(requests, case):
    args, keep = CASES[case]
    assert walk(TABLE, args) == reference(keep)


def test_unknown_type_is_refused_with_the_choices():
    listing = TABLE.read(MultiDict({"type": "BOGUS"}))
    assert "choose one of MC, GROUP" in listing.errors["type"]
