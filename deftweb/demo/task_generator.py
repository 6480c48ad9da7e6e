"""Synthetic tasks for scale work: chains of realistic tasks, inserted by `insert_task_rows`."""

import itertools
import random
from collections.abc import Iterator
from datetime import timedelta

from deftweb.models import TaskStatus, utcnow
from deftweb.reference_data import WORKING_GROUPS
from deftweb.tasks.ids import allocate_task_ids
from deftweb.tasks.insert import insert_task_rows

BATCH_SIZE = 20_000

#: (project, campaign) pairs and the chain of (step name, prod step, AMI tag, output) per task.
PROJECT_CAMPAIGNS = (
    ("mc16_13TeV", "MC16:MC16e"),
    ("mc20_13TeV", "MC20:MC20a"),
    ("mc23_13p6TeV", "MC23:MC23a"),
    ("mc23_13p6TeV", "MC23:MC23c"),
)
CHAIN = (
    ("Evgen", "evgen", "e8514", "EVNT"),
    ("Simul", "simul", "s4162", "HITS"),
    ("Reco", "recon", "r14622", "AOD"),
    ("Deriv", "deriv", "p5855", "DAOD_PHYS"),
)
GENERATORS = ("PhPy8EG_A14", "Sh_2211", "MGPy8EG_A14N23LO", "PowhegHerwig7EG_H7UE")
PROCESSES = ("ttbar_SingleLep", "Zee_maxHTpTV2", "Wmunu_BFilter", "ggH125_gammagamma", "SlepSlep")
#: Mostly finished work, as in a real task table.
STATUS_WEIGHTS = {
    TaskStatus.DONE: 60,
    TaskStatus.FINISHED: 8,
    TaskStatus.RUNNING: 12,
    TaskStatus.READY: 4,
    TaskStatus.FAILED: 4,
    TaskStatus.ABORTED: 4,
    TaskStatus.OBSOLETE: 4,
    TaskStatus.WAITING: 2,
    TaskStatus.PAUSED: 1,
    TaskStatus.BROKEN: 1,
}


def generate_tasks(
    count: int, seed: int = 1, request_ids: list[int] | None = None
) -> Iterator[int]:
    """Insert `count` tasks in chains of up to four; yield the number inserted after each batch.

    The caller commits between batches (one huge transaction would bloat SQLite's WAL).
    """
    rng = random.Random(seed)
    statuses = list(STATUS_WEIGHTS)
    weights = list(itertools.accumulate(STATUS_WEIGHTS.values()))
    groups = list(WORKING_GROUPS)
    now = utcnow()
    done = 0
    while done < count:
        size = min(BATCH_SIZE, count - done)
        ids = allocate_task_ids(size)
        rows = list(_rows(rng, ids, statuses, weights, groups, request_ids or [None], now))
        insert_task_rows(rows)
        done += size
        yield size


def _rows(rng, ids, statuses, weights, groups, request_ids, now) -> Iterator[dict]:
    position = len(CHAIN)
    chain_id = parent_id = None
    for task_id in ids:
        if position == len(CHAIN):
            position, parent_id, chain_id = 0, None, task_id
            sample = _sample(rng, groups, request_ids)
        step_name, prod_step, _, output = CHAIN[position]
        tags = "_".join(tag for _, _, tag, _ in CHAIN[: position + 1])
        status = rng.choices(statuses, cum_weights=weights)[0]
        events = sample["events"]
        yield {
            "id": task_id,
            "request_id": sample["request_id"],
            "parent_id": parent_id,
            "chain_id": chain_id,
            "name": f"{sample['project']}.{sample['dsid']}.{sample['brief']}.{prod_step}.{tags}",
            "project": sample["project"],
            "username": sample["username"],
            "working_group": sample["working_group"],
            "campaign": sample["campaign"],
            "step_name": step_name,
            "ami_tag": CHAIN[position][2],
            "output_formats": output,
            "status": status,
            "priority": sample["priority"],
            "total_events": events,
            "processed_events": events if status == TaskStatus.DONE else events // 2,
            "total_jobs": events // 1000,
            "done_jobs": events // 1000 if status == TaskStatus.DONE else events // 2000,
            "failed_jobs": 0,
            "submitted_at": sample["submitted_at"],
            "updated_at": sample["submitted_at"] + timedelta(hours=position),
        }
        parent_id = task_id
        position += 1


def _sample(rng: random.Random, groups: list[str], request_ids: list) -> dict:
    project, campaign = rng.choice(PROJECT_CAMPAIGNS)
    dsid = rng.randint(500000, 999999)
    return {
        "project": project,
        "campaign": campaign,
        "dsid": str(dsid),
        "brief": f"{rng.choice(GENERATORS)}_{rng.choice(PROCESSES)}_{dsid % 997}",
        "working_group": rng.choice(("AP_", "GP_")) + rng.choice(groups),
        "username": f"prodmgr{rng.randint(1, 12)}",
        "priority": rng.choice((560, 570, 580, 900, 1000)),
        "events": rng.choice((10_000, 50_000, 100_000, 500_000)),
        "request_id": rng.choice(request_ids),
        "submitted_at": utcnow() - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3)),
    }
