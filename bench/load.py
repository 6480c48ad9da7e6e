"""Pages per second through gunicorn (2 sync workers) with wrk on loopback."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

WRK_ARGS = ("-t1", "-c4", "--latency")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict):
    """gunicorn serving bench.wsgi on a free loopback port; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "bench.wsgi:app"]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_up(base: str, server) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 20 s")


def settle(base: str) -> None:
    """Wait until both workers are free: a slow page leaves requests queued after wrk stops."""
    for _ in range(4):
        urllib.request.urlopen(base + "/healthz", timeout=300).read()


def wrk(url: str, cookie: tuple[str, str], seconds: int) -> dict:
    """Requests/s and latency percentiles of `url` under 4 concurrent connections."""
    header = f"Cookie: {cookie[0]}={cookie[1]}"
    command = ["wrk", *WRK_ARGS, f"-d{seconds}s", "-H", header, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error answers under load")
    return {
        "pages_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _latency(out, "50%"),
        "p99_ms": _latency(out, "99%"),
    }


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)
