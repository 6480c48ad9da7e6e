"""`make bench-save-request`: file and save a 5,000-slice x 4-step request (20,000 steps).

    python -m bench.save_request [--slices 5000] [--backends sqlite,postgresql]

In a fresh database per backend, times: validation of the document; filing it as a new draft
(insert and commit); saving it unchanged (the diff finds nothing to write); saving it with every
slice's events changed; and the whole page path, a form POST of all slices with one change
(parse, validate, diff, save, redirect), and the edit page (a page of 100 slices as fields,
the others carried as JSON).
"""

import argparse
import copy
import os
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.define_tasks import _ensure_pg_database
from deftweb import create_app
from deftweb.models import Membership, User, WorkingGroup, db
from deftweb.reference_data import ensure_reference_data
from deftweb.requests import filing
from deftweb.requests.documents import document_of
from tests.databases import reset_database
from tests.requests.filing_data import form_fields, mc_document

PG_URL = os.environ.get(
    "DEFTWEB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/deftweb_bench_filing"
)
CHAIN = [
    {"step_name": "Evgen", "ami_tag": "e8514", "output_formats": "EVNT", "task_config": {}},
    {"step_name": "Simul", "ami_tag": "s4162", "output_formats": "HITS", "task_config": {}},
    {"step_name": "Reco", "ami_tag": "r14622", "output_formats": "AOD", "task_config": {}},
    {
        "step_name": "Deriv",
        "ami_tag": "p5855",
        "output_formats": "DAOD_PHYS.DAOD_PHYSLITE",
        "task_config": {"nEventsPerJob": 500},
    },
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    options = parser.parse_args()
    for backend in options.backends.split(","):
        timings = _run(backend, options.slices)
        print(f"{backend}, {options.slices:,} slices x {len(CHAIN)} steps:")
        for label, seconds in timings.items():
            print(f"  {label:<42} {seconds:7.2f} s")


def _run(backend: str, slices: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}" if backend == "sqlite" else PG_URL
        if backend != "sqlite":
            _ensure_pg_database(url)
        reset_database(url)
        settings = {"ENVIRONMENT": "testing", "SECRET_KEY": "bench", "DATABASE_URL": url}
        app = create_app(test_config=settings | {"WTF_CSRF_ENABLED": False, "DEV_LOGIN": True})
        with app.app_context():
            upgrade()
            ensure_reference_data()
            timings = _time_services(_member(), slices)
            db.session.remove()
            timings |= _time_pages(app, slices)
            db.session.remove()
            db.engine.dispose()
    return timings


def _time_services(user: User, slices: int) -> dict[str, float]:
    doc = _document(slices)
    timings, started = {}, time.perf_counter()
    clean = filing.checked(doc)
    timings["validate the document"] = _lap(started)
    started = time.perf_counter()
    request = filing.file_request(clean, user)
    db.session.commit()
    timings["file as a new draft (insert, commit)"] = _lap(started)
    started = time.perf_counter()
    unchanged = filing.checked(document_of(request), request.id)
    filing.save_draft(request, user, unchanged, request.version)
    db.session.commit()
    timings["save unchanged (validate, diff)"] = _lap(started)
    changed = document_of(request)
    for piece in changed["slices"]:
        piece["events"] += 1
    started = time.perf_counter()
    filing.save_draft(request, user, filing.checked(changed, request.id), request.version)
    db.session.commit()
    timings["save with every slice changed"] = _lap(started)
    return timings


def _time_pages(app, slices: int) -> dict[str, float]:
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bench-member"))
        with client.session_transaction() as session:
            now = int(time.time())
            session.update({"_user_id": user.get_id(), "_fresh": True, "auth_method": "dev"})
            session.update({"login_at": now, "seen_at": now})
        request_id = filing.file_request(filing.checked(_document(slices)), user).id
        db.session.commit()
    started = time.perf_counter()
    page = client.get(f"/requests/{request_id}/edit")
    timings = {"edit page (GET; 100 slices as fields)": _lap(started)}
    form = form_fields(page.get_data(as_text=True))
    form["description"] = "bench: one field changed"
    started = time.perf_counter()
    response = client.post(f"/requests/{request_id}/edit", data=form)
    timings["form POST of all slices, one change"] = _lap(started)
    if response.status_code != 303:
        raise SystemExit(f"the page save failed: {response.status_code}")
    return timings


def _member() -> User:
    higg = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.code == "HIGG"))
    user = User(username="bench-member", display_name="Bench Member")
    user.memberships = [Membership(working_group=higg, role="member")]
    db.session.add(user)
    db.session.commit()
    return user


def _document(slices: int) -> dict:
    doc = mc_document(count=slices, description=f"bench: {slices:,} slices")
    for piece in doc["slices"]:
        piece["steps"] = copy.deepcopy(CHAIN)
    return doc


def _lap(started: float) -> float:
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
