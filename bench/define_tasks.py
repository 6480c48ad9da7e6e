"""`make bench-define-tasks`: define the tasks of a 2,000-slice x 5-step request (10,000 tasks).

    python -m bench.define_tasks [--slices 2000] [--backends sqlite,postgresql] [--runs 3]

Each run builds the request in a fresh database (not timed), then times `define_tasks` and its
commit: ids from the sequence, 10,000 tasks, 10,000 hand-off rows, 10,000 output datasets with
their containers. Target (issue 7): under 10 s per backend.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from deftweb import create_app
from deftweb.models import (
    Campaign,
    GlobalRole,
    Project,
    Request,
    Slice,
    Step,
    StepStatus,
    User,
    UserRole,
    WorkingGroup,
    db,
)
from deftweb.reference_data import ensure_reference_data
from deftweb.tasks.definition import define_tasks
from tests.databases import reset_database

TARGET_SECONDS = 10.0
PG_URL = os.environ.get(
    "DEFTWEB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/deftweb_bench_define"
)
#: The five steps of a Run-3 MC chain with a merge: (step name, AMI tag, output formats).
CHAIN = (
    ("Evgen", "e8514", "EVNT"),
    ("Simul", "s4162", "HITS"),
    ("Merge", "s4159", "HITS"),
    ("Reco", "r14622", "AOD"),
    ("Deriv", "p5855", "DAOD_PHYS"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    failed = False
    for backend in options.backends.split(","):
        times = [_run(backend, options.slices) for _ in range(options.runs)]
        best, median = min(times), statistics.median(times)
        verdict = "ok" if median < TARGET_SECONDS else "OVER TARGET"
        failed |= median >= TARGET_SECONDS
        print(
            f"{backend}: {options.slices * len(CHAIN):,} tasks defined in "
            f"median {median:.2f} s, best {best:.2f} s over {options.runs} runs "
            f"(target {TARGET_SECONDS:.0f} s: {verdict})"
        )
    raise SystemExit(1 if failed else 0)


def _run(backend: str, slices: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}" if backend == "sqlite" else PG_URL
        if backend != "sqlite":
            _ensure_pg_database(url)
        reset_database(url)
        app = create_app(
            test_config={"ENVIRONMENT": "testing", "SECRET_KEY": "bench", "DATABASE_URL": url}
        )
        with app.app_context():
            upgrade()
            ensure_reference_data()
            request, manager = _big_request(slices)
            db.session.commit()
            started = time.perf_counter()
            ids = define_tasks(request, manager)
            db.session.commit()
            elapsed = time.perf_counter() - started
            if len(ids) != slices * len(CHAIN):
                raise SystemExit(f"definition failed: {request.error}")
            db.session.remove()
            db.engine.dispose()
    return elapsed


def _ensure_pg_database(url: str) -> None:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def _big_request(slices: int) -> tuple[Request, User]:
    manager = User(username="bench-prodmgr", display_name="Bench Manager")
    manager.roles = [UserRole(role=GlobalRole.PRODUCTION_MANAGER)]
    campaign = db.session.scalars(sa.select(Campaign).where(Campaign.name == "MC23")).one()
    request = Request(
        request_type="MC",
        working_group=db.session.scalars(sa.select(WorkingGroup).filter_by(code="SUSY")).one(),
        provenance="AP",
        project=db.session.scalars(sa.select(Project).filter_by(name="mc23_13p6TeV")).one(),
        campaign=campaign,
        subcampaign=campaign.subcampaigns[0],
        description="bench: slepton grid, 2,000 points",
        requester=manager,
        manager=manager,
        priority=570,
        status="approved",
    )
    request.slices = [_slice(n) for n in range(slices)]
    db.session.add(request)
    db.session.flush()
    return request, manager


def _slice(ordinal: int) -> Slice:
    piece = Slice(
        ordinal=ordinal,
        dsid=str(512000 + ordinal),
        brief=f"MGPy8EG_A14N23LO_SlepSlep_direct_{100 + ordinal}p0_1p0_2L8",
        events=10_000,
    )
    piece.steps = [
        Step(
            ordinal=n,
            step_name=name,
            ami_tag=tag,
            output_formats=formats,
            status=StepStatus.APPROVED,
            task_config={"nEventsPerJob": 1000},
        )
        for n, (name, tag, formats) in enumerate(CHAIN)
    ]
    return piece


if __name__ == "__main__":
    main()
