"""Start-up benchmark: how long one ``weakties`` command takes, from outside.

    flock /work/.bench.lock python benchmarks/startup_bench.py   # writes results/startup.md

Each figure is a whole process, start-up included, timed from outside (the
median of its runs, after two warm-up runs that also fill numba's on-disk cache,
Python's bytecode cache (``__pycache__``; the runs never inherit
``PYTHONDONTWRITEBYTECODE``) and the disk cache): what a user waits for. Wall time is a monotonic clock read
just before the start and just after the child is reaped; CPU time is the
operating system's own accounting of the finished child (user + system, from
``os.wait4``), as ``/usr/bin/time`` reports them.

1. ``weakties --help``;
2. ``weakties people --limit 5`` on a database with one member (the command
   needs no ``--as``);
3. ``weakties degree PERSON``: a graph query (the whole visible network read
   into a snapshot, the distance and the mutual contacts) for a member with
   5,000 contacts and 300,000 messages.

Goals: 1 and 2 in <= 0.3 s, 3 in <= 1 s. The load average is recorded at the
start and the end: figures taken on a busy machine are marked and rerun. Beside
each median wall time, the median CPU time (user + system) of the same runs: on
a busy machine it moves much less than the wall time.

The floor: the same timing of Python importing only what a command must import
before its own work, in layers, each row adding to the one above: Python alone;
the command line's libraries (Typer, which coerces every option through a
pydantic TypeAdapter, so pydantic comes with any command that takes one, and
Rich, which draws the table); SQLAlchemy's engine with the SQLite dialect (what
a read through SQLAlchemy Core needs); its ORM with weakties' mapped tables,
mapped as the first query maps them (what today's store needs, since its
queries name the mapped classes). The last row is the floor of ``people`` as the
store is written; the one above, the floor of any store that reads through
SQLAlchemy.

Where the time goes: each command runs once more under ``python -X importtime``,
and the report gives the time spent importing (all of it, and the heaviest
libraries' share, each counted where it is first imported) beside the wall time
of that run; the rest is the command's own work (the database, numba's cached
kernels, the answer). ``-X importtime`` itself adds a little to every import.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOALS = {"help": 0.3, "people": 0.3, "degree": 1.0}


def _weakties() -> str:
    found = Path(sys.executable).with_name("weakties")
    return str(found) if found.exists() else "weakties"


# A user's Python writes each module's bytecode on its first import and reads it
# afterwards; an environment with PYTHONDONTWRITEBYTECODE set (some containers and
# CI images) would compile weakties' own modules from source on every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_once(args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one run of ``args``, its output thrown away."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=CHILD_ENV)  # fmt: skip
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"exit {child.returncode}: {' '.join(args)}")
    return wall, usage.ru_utime + usage.ru_stime


def _bench(args: list[str], runs: int, warmup: int = 2) -> tuple[float, float, str]:
    """(median wall s, median CPU s, min/median/max in words) of ``args`` run
    ``runs`` times after ``warmup`` runs that are not counted."""
    for _ in range(warmup):
        _run_once(args)
    walls, cpus = zip(*(_run_once(args) for _ in range(runs)), strict=True)

    def spread(values: tuple[float, ...]) -> str:
        return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"

    summary = f"wall s min / median / max {spread(walls)}; CPU s {spread(cpus)}"
    return statistics.median(walls), statistics.median(cpus), summary


_CLI = "import typer, pydantic, rich.console, rich.table"
_CORE = _CLI + "; import sqlalchemy, sqlalchemy.dialects.sqlite"
_ORM = _CORE + "; import sqlalchemy.orm, weakties.model.tables; sqlalchemy.orm.configure_mappers()"

#: what a command imports before its own work, in layers (each adds to the one above)
FLOOR = {
    "Python alone": "pass",
    "+ the command line: typer, pydantic, rich": _CLI,
    "+ SQLAlchemy Core, SQLite dialect": _CORE,
    "+ SQLAlchemy ORM, the mapped tables, configured": _ORM,
}


def _database(folder: Path, contacts: int) -> tuple[Path, int]:
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.store.engine import open_store
    from weakties.synth import generate_big_ego, write_linkedin_export

    world = generate_big_ego(n_connections=contacts, n_messages=60 * contacts, seed=3)
    db = folder / f"ego-{contacts}.sqlite"
    store = open_store(db)
    import_linkedin(
        store, write_linkedin_export(world, 0, folder / "export", as_of=world.end), "me"
    )
    with store.engine.connect() as conn:
        # the contact with the most messages: a typical degree query
        person = conn.exec_driver_sql(
            "select recipient_id from interaction where recipient_id is not null "
            "group by recipient_id order by count(*) desc limit 1 offset 1"
        ).scalar()
    store.close()
    return db, int(person)


#: libraries whose import time the report shows (cumulative, where first imported)
HEAVY = ("sqlalchemy", "numpy", "numba", "scipy", "typer", "rich", "pydantic", "igraph")


def _imports(command: list[str]) -> dict[str, float]:
    """Seconds spent importing in one run of ``command`` (a weakties command):
    ``total``, each package of :data:`HEAVY` and ``weakties`` (the modules' own
    times summed, so that nothing counts twice), ``tables`` (of which SQLAlchemy
    declaring the mapped tables) and ``wall`` (that run, start to exit)."""
    import time

    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        capture_output=True,
        text=True,
        check=True,
        env=CHILD_ENV,
    )
    found: dict[str, float] = {"total": 0.0, "wall": time.perf_counter() - start}
    for line in run.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| +(\S+)$", line)
        if not match:
            continue
        own, name = int(match.group(1)) / 1e6, match.group(2)
        found["total"] += own
        package = name.split(".")[0]
        if package in (*HEAVY, "weakties"):
            found[package] = found.get(package, 0.0) + own
        if name == "weakties.model.tables":
            found["tables"] = own
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "startup.md")
    args = parser.parse_args()
    load_start = os.getloadavg()
    exe = _weakties()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db, person = _database(Path(tmp), args.contacts)
        env_db = ["--db", str(db)]
        cases = {
            "help": [exe, "--help"],
            "people": [exe, *env_db, "people", "--limit", "5"],
            "degree": [exe, *env_db, "degree", f"#{person}"],
        }
        spent = {}
        for name, command in cases.items():
            seconds, cpu, report = _bench(command, args.runs)
            shown = " ".join(command[1:]).replace(str(db), "DB")
            rows.append((name, shown, seconds, cpu, report))
            spent[name] = _imports(command)
            print(f"{name}: {seconds:.3f} s, CPU {cpu:.3f} s (goal {GOALS[name]} s)", flush=True)
    floor = []
    for label, code in FLOOR.items():
        seconds, cpu, _report = _bench([sys.executable, "-c", code], args.runs)
        floor.append((label, seconds, cpu))
        print(f"floor, {label}: {seconds:.3f} s, CPU {cpu:.3f} s", flush=True)
    load_end = os.getloadavg()
    busy = max(load_start[0], load_end[0]) > 1.0
    lines = [
        "# Start-up: one command, start to exit",
        "",
        "`flock /work/.bench.lock python benchmarks/startup_bench.py` "
        f"({args.runs} runs each after 2 warm-up runs, median wall time; "
        f"a member with {args.contacts:,} contacts and {60 * args.contacts:,} messages).",
        "",
        f"Python {platform.python_version()}, {os.cpu_count()} cores. Load average at the "
        f"start {load_start[0]:.2f}, at the end {load_end[0]:.2f}"
        + (" — **a busy machine: rerun before quoting**." if busy else "."),
        "",
        "| command | median wall | median CPU | goal |",
        "|---|---:|---:|---:|",
    ]
    for name, shown, seconds, cpu, _report in rows:
        lines.append(f"| `weakties {shown}` | {seconds:.3f} s | {cpu:.3f} s | ≤ {GOALS[name]} s |")
    lines += [
        "",
        "The floor: Python importing only what a command must import before its own "
        "work, in layers, each row adding to the one above (the same timing, "
        "`python -c CODE`). Typer coerces every option through a pydantic TypeAdapter "
        "(pydantic comes with any command that takes an option) and Rich draws the "
        "table: `--help` needs neither Rich nor pydantic. The third row is what any "
        "read through SQLAlchemy needs (Core and the SQLite dialect); the last, what "
        "today's store needs before its first query, since its queries name the "
        "mapped classes (the ORM, the mapped tables and the mappers configured; the "
        "PostgreSQL dialect is loaded only for a PostgreSQL database). `people` "
        "cannot answer faster than the last row plus its reads, nor, through "
        "SQLAlchemy at all, faster than the third.",
        "",
        "| imports | median wall | median CPU | the layer alone (CPU) |",
        "|---|---:|---:|---:|",
    ]
    below = 0.0
    for label, seconds, cpu in floor:
        layer = f"{cpu - below:+.3f} s" if below else "–"
        lines.append(f"| {label} | {seconds:.3f} s | {cpu:.3f} s | {layer} |")
        below = cpu
    lines += [
        "",
        "## Where the time goes",
        "",
        "One more run of each under `python -X importtime` (which adds a little to every "
        "import): its wall time in seconds, the time spent importing, and the heaviest "
        "packages' share of it (the own times of their modules, summed; `tables` is the "
        "tables module of weakties, where SQLAlchemy declares the mapped tables).",
        "",
        "| command | wall | imports | "
        + " | ".join(HEAVY)
        + " | weakties | of which tables | the rest |",
        "|---|" + "---:|" * (len(HEAVY) + 5),
    ]
    for name, *_ in rows:
        got = spent[name]
        cells = [f"{got[k]:.3f}" if k in got else "–" for k in HEAVY]
        lines.append(
            f"| {name} | {got['wall']:.3f} | {got['total']:.3f} | "
            + " | ".join(cells)
            + f" | {got.get('weakties', 0):.3f} | {got.get('tables', 0):.3f}"
            + f" | {got['wall'] - got['total']:.3f} |"
        )
    lines += ["", "## Spread of the runs", ""]
    for name, _shown, _seconds, _cpu, report in rows:
        lines.append(f"- {name}: {report}")
    lines.append("")
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
