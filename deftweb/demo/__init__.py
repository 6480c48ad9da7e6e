"""Demo and scale data: the demo users, requests and tasks of `make run`, and synthetic tasks
for benchmarks (never imported by production code)."""
