"""Cold first ``/network``: how long a member waits for their first network page
after a server process starts.

    flock /work/.bench.lock .venv/bin/python benchmarks/cold_network_bench.py   # ~2 min

A generated store (SQLite; the member and their contacts of
``network_pages_bench.build_store``, ``--contacts`` of them, 500 by default) and,
for each run, a fresh Python process that is the server's worker: it builds the
app, starts it (its lifespan, as uvicorn does before it answers), waits
``--wait`` seconds (a member rarely asks in the very first second; 0 is also
measured: the first request arrives at once), signs the member in and times
``GET /network`` (its first answer, then a second one, warm) through the app
(TestClient).

Each run is done with the kernels warmed at start (``WEAKTIES_WARM_KERNELS=true``,
the default) and without (``false``: what every process did before). Figures:
the seconds from the process's start until the app was ready, and the first and
second ``/network``; median of ``--runs`` processes each. numba's on-disk cache
is filled by a first process that is not counted. ``os.getloadavg()`` at the
start and the end is recorded: figures from a busy machine are to be rerun.
Results go to benchmarks/results/cold_network.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START = time.perf_counter()  # the child's clock starts before weakties is imported
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PASSWORD = "x" * 12


def _child(db: str, wait: float) -> dict[str, float]:
    """One server process: ready, wait, sign in, the first and second /network."""
    import re

    from fastapi.testclient import TestClient

    from weakties.web.app import create_app
    from weakties.web.settings import Settings

    app = create_app(Settings(environment="test", secret_key="b" * 48, db=db))
    out: dict[str, float] = {}
    with TestClient(app) as client:  # runs the lifespan, as the server does
        out["ready_s"] = time.perf_counter() - START
        time.sleep(wait)
        page = client.get("/signin").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = {"csrf_token": token.group(1), "email": "ego@example.org", "password": PASSWORD}
        signed = client.post("/signin", data=form, follow_redirects=False)
        assert signed.status_code == 303, signed.text
        for name in ("first_s", "second_s"):
            start = time.perf_counter()
            answer = client.get("/network")
            out[name] = time.perf_counter() - start
            assert answer.status_code == 200, answer.status_code
    return out


def _database(folder: Path, contacts: int) -> Path:
    from argon2 import PasswordHasher
    from sqlalchemy import insert

    sys.path.insert(0, str(HERE))
    from network_pages_bench import build_store

    from weakties.model.tables import Account

    db = folder / "cold.sqlite"
    store, _, _ = build_store(db, contacts)
    hashed = PasswordHasher().hash(PASSWORD)
    with store.engine.begin() as conn:
        conn.execute(
            insert(Account),
            [{"member_id": 1, "email": "ego@example.org", "password_hash": hashed}],
        )
    store.engine.dispose()
    return db


def _run_child(db: Path, warm: bool, wait: float) -> dict[str, float]:
    env = {**os.environ, "WEAKTIES_WARM_KERNELS": "true" if warm else "false"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db), "--wait", str(wait)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the server process failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(contacts: int, runs: int, wait: float) -> dict[str, Any]:
    out: dict[str, Any] = {"contacts": contacts, "runs": runs, "load_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        db = _database(Path(tmp), contacts)
        _run_child(db, True, 0)  # fills numba's on-disk cache (not counted)
        cases: dict[str, Any] = {}
        for delay in sorted({0.0, wait}):
            for warm in (False, True):
                found = [_run_child(db, warm, delay) for _ in range(runs)]
                cases[f"{'warmed' if warm else 'not warmed'}, first request after {delay:g} s"] = {
                    key: round(statistics.median(r[key] for r in found), 3)
                    for key in ("ready_s", "first_s", "second_s")
                } | {"first_s_all": [round(r["first_s"], 3) for r in found]}
        out["cases"] = cases
    out["load_end"] = os.getloadavg()
    return out


def _markdown(result: dict[str, Any], command: str) -> str:
    lines = [
        "# Cold first /network: the first network page of a fresh server process",
        "",
        f"`{command}` ({result['runs']} processes per line, median; a member with "
        f"{result['contacts']} contacts).",
        "",
        f"Python {platform.python_version()}, {os.cpu_count()} cores. Load average at the "
        f"start {result['load_start'][0]:.2f}, at the end {result['load_end'][0]:.2f}.",
        "",
        "| case | ready | first /network | second /network |",
        "|---|---:|---:|---:|",
    ]
    for case, f in result["cases"].items():
        lines.append(
            f"| {case} | {f['ready_s']:.2f} s | {f['first_s']:.2f} s | {f['second_s']:.3f} s |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--wait", type=float, default=5.0, help="seconds between ready and the first page"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print, write no result file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.wait)))
        return
    result = run(args.contacts, args.runs, args.wait)
    command = "python benchmarks/cold_network_bench.py " + " ".join(sys.argv[1:])
    text = _markdown(result, command.strip())
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "cold_network.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "cold_network.md").write_text(text)


if __name__ == "__main__":
    main()
