"""The markdown table of a bench run, deftweb beside the prodtask-style reference."""

#: The issue's "filtered task page (50 rows, 1-2 filters), first page and page 1000+".
FILTERED_PAGES = (
    "tasks_1f_p1",
    "tasks_1f_p1001",
    "tasks_2f_p1",
    "tasks_2f_p1001",
    "tasks_group_status",
)


def markdown(results: dict) -> str:
    lines = [
        f"# deftweb list pages: {results['tasks']:,} tasks, {results['requests']:,} requests",
        "",
        f"Run {results['started']} on {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}. Server time in-process (Flask test client), p50 / p95 "
        "in ms; SQL = statements per page (SQLite: BEGIN; the user with its roles; the rows). The "
        "capped count is a second request the page makes once its rows show. Reference = the "
        "same page built the prodtask way: OFFSET paging, exact counts, `%term%` over every "
        "column.",
        "",
    ]
    for backend, outcome in results["backends"].items():
        lines += _backend(backend, outcome, results["targets"])
    return "\n".join(lines) + "\n"


def _backend(backend: str, outcome: dict, targets: dict) -> list[str]:
    lines = [f"## {backend}", ""]
    if outcome.get("load"):
        load = outcome["load"]
        lines += [
            f"Data load: requests {load['requests_s']} s, tasks {load['tasks_s']} s, "
            f"statistics {load['analyze_s']} s.",
            "",
        ]
    lines += [
        f"1-minute load average (2 cores shared with other work): "
        f"{outcome.get('load_average_before')} before, {outcome.get('load_average_after')} after.",
        "",
        "| page | deftweb p50 / p95 ms | CPU p50 / p95 ms | SQL | its count p50 / p95 ms "
        "| reference p50 / p95 ms | ref SQL |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in outcome["pages"].values():
        ours, ref, count = entry["deftweb"], entry.get("reference"), entry.get("count")
        ref_cells = f"{ref['p50_ms']} / {ref['p95_ms']} | {ref['statements']}" if ref else "— | —"
        cpu = f"{ours['cpu_p50_ms']} / {ours['cpu_p95_ms']}" if "cpu_p50_ms" in ours else "—"
        counted = f"{count['p50_ms']} / {count['p95_ms']}" if count else "—"
        lines.append(
            f"| {entry['label']} | **{ours['p50_ms']} / {ours['p95_ms']}** | {cpu} | "
            f"{ours['statements']} | {counted} | {ref_cells} |"
        )
    lines += ["", "Through gunicorn (2 sync workers), wrk -t1 -c4 on loopback:", ""]
    lines += ["| page | deftweb pages/s (p50 / p99 ms) | reference pages/s (p50 / p99 ms) |"]
    lines += ["|---|---|---|"]
    for key, figures in outcome["load_test"].items():
        ours, ref = figures["deftweb"], figures["reference"]
        lines.append(
            f"| {outcome['pages'][key]['label']} | **{ours['pages_per_s']:,.0f}** "
            f"({ours['p50_ms']} / {ours['p99_ms']}) | {ref['pages_per_s']:,.0f} "
            f"({ref['p50_ms']} / {ref['p99_ms']}) |"
        )
    lines += ["", _verdict(backend, outcome, targets), ""]
    return lines


def _verdict(backend: str, outcome: dict, targets: dict) -> str:
    pages = outcome["pages"]
    bound = targets[backend]
    filtered = [k for k in FILTERED_PAGES if k in pages]
    worst = max(pages[k]["deftweb"]["p95_ms"] for k in filtered)
    search = pages["tasks_search"]["deftweb"]["p95_ms"]
    statements = max(p["deftweb"]["statements"] for p in pages.values())
    rate = min(f["deftweb"]["pages_per_s"] for f in outcome["load_test"].values())
    checks = [
        (f"filtered task pages p95 ≤ {bound} ms (worst {worst})", worst <= bound),
        (f"selective search p95 ≤ {targets['search']} ms ({search})", search <= targets["search"]),
        (f"≤ {targets['statements']} SQL per page (max {statements})",
         statements <= targets["statements"]),
        (f"≥ {targets['pages_per_s']} pages/s (slowest {rate:,.0f})",
         rate >= targets["pages_per_s"]),
    ]  # fmt: skip
    return "Targets: " + "; ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in checks)
