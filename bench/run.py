"""`make bench`: build the bench databases, time the list pages, load-test them, write results.

    python -m bench.run [--tasks 1000000] [--requests 100000] [--backends sqlite,postgresql]

Results: bench/results/bench-<tasks>.json and .md (deftweb beside the prodtask-style reference).
"""

import argparse
import json
import os
import platform
import secrets
import time
from pathlib import Path

from bench import data, load, measure
from bench.prodtask_style import with_reference
from bench.report import markdown
from deftweb import create_app
from deftweb.models import utcnow

RESULTS = Path(__file__).resolve().parent / "results"
#: Targets of issue 8, per backend: filtered page p95 (ms), search p95 (ms), statements, pages/s.
TARGETS = {"sqlite": 10.0, "postgresql": 15.0, "search": 50.0, "statements": 5, "pages_per_s": 300}


def main() -> None:
    options = _options()
    secret = "bench-" + secrets.token_hex(16)
    results = {
        "started": utcnow().isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus(), "python": platform.python_version()},
        "tasks": options.tasks,
        "requests": options.requests,
        "targets": TARGETS,
        "backends": {},
    }
    for backend, url in data.database_urls(options.backends.split(",")).items():
        results["backends"][backend] = _bench_backend(backend, url, secret, options)
        _write(results, options.tasks)
    print(f"results in {RESULTS}/bench-{options.tasks}.md")


def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per deftweb page")
    parser.add_argument("--reference-runs", type=int, default=30, help="per reference page")
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--rebuild", action="store_true", help="refill even if the data is there")
    return parser.parse_args()


def _bench_backend(backend: str, url: str, secret: str, options) -> dict:
    settings = {"ENVIRONMENT": "development", "DATABASE_URL": url, "SECRET_KEY": secret}
    log(f"== {backend}")
    outcome: dict = {"load": None}
    if options.rebuild or not data.holds(url, options.tasks, options.requests):
        data.reset(url)
        outcome["load"] = data.fill(_app(settings), options.tasks, options.requests, log)
    app = _app(settings)
    # The machine is shared: the load average says how busy it was while we measured.
    outcome["load_average_before"] = round(os.getloadavg()[0], 2)
    outcome["pages"] = _time_pages(app, options)
    outcome["load_test"] = _load_test(app, settings, options)
    outcome["load_average_after"] = round(os.getloadavg()[0], 2)
    return outcome


def _app(settings: dict):
    return with_reference(create_app(test_config={**settings, "SESSION_COOKIE_SECURE": False}))


def _time_pages(app, options) -> dict:
    pages = {}
    for scenario in measure.scenarios(app):
        log(f"  timing {scenario.label}")
        entry = {"label": scenario.label, "url": scenario.url}
        entry["deftweb"] = measure.time_page(app, scenario.url, options.runs)
        # The list page fetches its capped count in a second request once the rows show.
        entry["count"] = measure.time_page(app, measure.count_url(scenario.url), options.runs)
        if scenario.reference_url:
            runs = options.reference_runs
            reference = measure.time_page(app, scenario.reference_url, runs, 1, budget_s=30)
            entry["reference"] = reference
        pages[scenario.key] = entry
    return pages


def _load_test(app, settings: dict, options) -> dict:
    env = {f"DEFTWEB_{key}": value for key, value in settings.items()}
    env["DEFTWEB_SESSION_COOKIE_SECURE"] = "false"
    cookie = measure.session_cookie(app)
    figures = {}
    with load.gunicorn(env) as base:
        for scenario in measure.scenarios(app):
            if not scenario.load_test:
                continue
            log(f"  wrk {scenario.label}")
            figures[scenario.key] = {}
            for side, path in (("deftweb", scenario.url), ("reference", scenario.reference_url)):
                load.settle(base)
                figures[scenario.key][side] = load.wrk(base + path, cookie, options.wrk_seconds)
    return figures


def _write(results: dict, tasks: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"bench-{tasks}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(results))


def _cpus() -> int:
    return os.cpu_count() or 0


def log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


if __name__ == "__main__":
    main()
