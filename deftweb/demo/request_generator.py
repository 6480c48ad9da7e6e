"""Synthetic requests (and the people filing them) for scale work, inserted in bulk through Core."""

import random
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from deftweb.models import (
    Campaign,
    Project,
    Request,
    RequestStatus,
    RequestType,
    Subcampaign,
    User,
    WorkingGroup,
    db,
    new_session_token,
    utcnow,
)

BATCH_SIZE = 10_000
PEOPLE = 200
TOPICS = (
    "ttbar",
    "Z+jets",
    "W+jets",
    "H->yy signal",
    "slepton grid",
    "dijet",
    "ggF HH",
    "tau fakes",
)
#: Most requests are old and done, as in the ATLAS request table.
STATUS_WEIGHTS = {
    RequestStatus.DONE: 45,
    RequestStatus.FINISHED: 10,
    RequestStatus.WORKING: 15,
    RequestStatus.APPROVED: 4,
    RequestStatus.REGISTERED: 4,
    RequestStatus.WAITING: 5,
    RequestStatus.DRAFT: 5,
    RequestStatus.HOLD: 2,
    RequestStatus.CANCELLED: 6,
    RequestStatus.REJECTED: 4,
}


def ensure_people(count: int = PEOPLE) -> list[int]:
    """Ids of `count` synthetic requesters (`scaleuserN`), inserting the missing ones."""
    names = [f"scaleuser{n}" for n in range(1, count + 1)]
    have = set(db.session.scalars(sa.select(User.username).where(User.username.in_(names))))
    missing = [
        {
            "username": name,
            "display_name": name.title(),
            "email": f"{name}@example.cern",
            "session_token": new_session_token(),
        }
        for name in names
        if name not in have
    ]
    if missing:
        db.session.execute(sa.insert(User), missing)
    return list(db.session.scalars(sa.select(User.id).where(User.username.in_(names))))


def generate_requests(count: int, seed: int = 1) -> Iterator[int]:
    """Insert `count` requests; yield the number inserted after each batch (the caller commits)."""
    rng = random.Random(seed)
    catalog = _catalog()
    people = ensure_people()
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    done = 0
    while done < count:
        size = min(BATCH_SIZE, count - done)
        rows = [_row(rng, catalog, people, statuses, weights) for _ in range(size)]
        db.session.execute(sa.insert(Request), rows)
        done += size
        yield size


def _catalog() -> dict:
    subcampaigns: dict[int, list[tuple[int, str]]] = {}
    for sub in db.session.scalars(sa.select(Subcampaign)):
        subcampaigns.setdefault(sub.campaign_id, []).append((sub.id, sub.name))
    return {
        "groups": list(db.session.execute(sa.select(WorkingGroup.id, WorkingGroup.code))),
        "projects": [p for p in db.session.scalars(sa.select(Project)) if p.name.startswith("mc")],
        "campaigns": [
            c for c in db.session.scalars(sa.select(Campaign)) if c.name.startswith("MC")
        ],
        "subcampaigns": subcampaigns,
    }


def _row(rng, catalog, people, statuses, weights) -> dict:
    group_id, group_code = rng.choice(catalog["groups"])
    campaign = rng.choice(catalog["campaigns"])
    subcampaign_id, subcampaign = rng.choice(catalog["subcampaigns"][campaign.id])
    project = rng.choice(catalog["projects"])
    kind = rng.choice((RequestType.MC, RequestType.MC, RequestType.GROUP))
    created = utcnow() - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 5))
    dsid = rng.randint(500000, 999999)
    return {
        "request_type": kind,
        "working_group_id": group_id,
        "provenance": "GP" if kind == RequestType.GROUP else "AP",
        "project_id": project.id,
        "campaign_id": campaign.id,
        "subcampaign_id": subcampaign_id,
        "energy_gev": project.energy_gev,
        "description": f"{subcampaign} {group_code} {rng.choice(TOPICS)} {dsid}",
        "status": rng.choices(statuses, weights)[0],
        "requester_id": rng.choice(people),
        "manager_id": rng.choice(people) if rng.random() < 0.7 else None,
        "priority": rng.choice((560, 570, 580, 900)),
        "created_at": created,
        "updated_at": created + timedelta(hours=rng.randint(0, 2000)),
    }
