"""Scoring a member's ties before the fitted model existed, and now, on the same data.

    flock /work/.bench.lock python benchmarks/scoring_before_after.py \\
        [--before 69bd8c8] [--sizes 1250 2500 5000] [--runs 5] [--threads 1]
    # writes results/scoring_before_after.md and .json

What ``weakties ties`` computes for every tie of one member — scores, classes,
Dunbar layers and the reasons of each — for a member with no kept fit (the
default hand-set model scores), in two versions of the code:

- ``before``: commit ``--before``, by default 69bd8c8, the parent of the commit
  that brought the models fitted on the member's history (2a55756), extracted
  with ``git archive`` into a temporary folder;
- ``now``: this working tree.

The same data for both: one synthetic LinkedIn export per size (N contacts, 60 N
messages: ``weakties.synth.generate_big_ego``, seed 3) is written once, by the
current code; each version imports it with its own importer into a database of
its own (not timed). Each version runs in a process of its own, with the same
thread count for every library that starts threads (``--threads``), and the two
alternate run by run (before, now, before, now, ...) so that a change in the
machine's load falls on both. Wall and CPU time per run; medians, and the load
average at the start and the end (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
THREAD_VARS = (
    "NUMBA_NUM_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "POLARS_MAX_THREADS",
)


def child(export: Path, db: Path, runs: int) -> None:
    """In the version's own process: import (once per database), then score ``runs``
    times; one JSON line per run on stdout."""
    import weakties
    from weakties import service
    from weakties.service.context import reader
    from weakties.store.engine import open_store
    from weakties.ties.strength import score_ties

    fresh = not db.exists()
    store = open_store(db)
    if fresh:
        from weakties.ingest.linkedin.importer import import_linkedin

        import_linkedin(store, export, "me")

    def scored() -> tuple[int, str]:
        with store.engine.connect() as conn:
            who = service.viewer(conn, "me")
            scores = score_ties(reader(conn, who), as_of=who.as_of)
            for i in range(len(scores)):
                scores.reasons(i)
            return len(scores), str(getattr(scores, "model_name", "default (the only model then)"))

    scored()  # warm: imports, compiled kernels
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        n, model = scored()
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        print(
            json.dumps(
                {"wall_s": wall, "cpu_s": cpu, "ties": n, "model": model, "code": weakties.__file__}
            ),
            flush=True,
        )
    store.close()


def run_child(src: Path, export: Path, db: Path, runs: int, threads: int) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.update({v: str(threads) for v in THREAD_VARS})
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(export), str(db), str(runs)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{src}: the scoring process failed\n{done.stderr[-3000:]}")
    out = done.stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def size(n: int, args: argparse.Namespace, before_src: Path, tmp: Path) -> dict:
    from weakties.synth import generate_big_ego, write_linkedin_export

    world = generate_big_ego(n_connections=n, n_messages=60 * n, seed=3)
    export = write_linkedin_export(world, 0, tmp / f"export{n}", as_of=world.end)
    versions = {"before": before_src, "now": ROOT / "src"}
    runs: dict[str, list[dict]] = {v: [] for v in versions}
    for v, src in versions.items():  # import, not timed
        run_child(src, export, tmp / f"{v}{n}.sqlite", 0, args.threads)
    for _ in range(args.runs):
        for v, src in versions.items():
            runs[v] += run_child(src, export, tmp / f"{v}{n}.sqlite", 1, args.threads)
    row: dict = {"contacts": n, "messages": 60 * n}
    for v, got in runs.items():
        expected = Path(versions[v]).resolve()
        assert all(Path(r["code"]).resolve().is_relative_to(expected) for r in got), got
        row[v] = {
            "wall_s": round(statistics.median(r["wall_s"] for r in got), 3),
            "cpu_s": round(statistics.median(r["cpu_s"] for r in got), 3),
            "wall_runs_s": [round(r["wall_s"], 3) for r in got],
            "ties": got[0]["ties"],
            "model": got[0]["model"],
        }
    row["now_over_before_cpu"] = round(row["now"]["cpu_s"] / row["before"]["cpu_s"], 3)
    row["now_over_before_wall"] = round(row["now"]["wall_s"] / row["before"]["wall_s"], 3)
    print(json.dumps(row), flush=True)
    return row


def commit_of(rev: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="69bd8c8")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1250, 2500, 5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "scoring_before_after")
    parser.add_argument("--render", action="store_true", help="OUT.md again from OUT.json")
    args = parser.parse_args()
    if args.render:
        args.out.with_suffix(".md").write_text(
            markdown(json.loads(args.out.with_suffix(".json").read_text()))
        )
        return
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", args.before, "src"],
            check=True,
            capture_output=True,
        ).stdout
        (tmp / "before.tar").write_bytes(archive)
        with tarfile.open(tmp / "before.tar") as tar:
            tar.extractall(tmp / "before", filter="data")
        rows = [size(n, args, tmp / "before" / "src", tmp) for n in args.sizes]
    load_end = os.getloadavg()
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    result = {
        "command": "flock /work/.bench.lock python benchmarks/scoring_before_after.py "
        f"--before {args.before} --sizes {' '.join(map(str, args.sizes))} "
        f"--runs {args.runs} --threads {args.threads}",
        "before": commit_of(args.before),
        "now": head,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "threads": args.threads,
        "date": dt.date.today().isoformat(),
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in load_end],
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2))
    args.out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


def markdown(r: dict) -> str:
    cpu = [x["now_over_before_cpu"] for x in r["rows"]]
    wall = [x["now_over_before_wall"] for x in r["rows"]]
    spread = max(
        max(x[v]["wall_runs_s"]) / min(x[v]["wall_runs_s"])
        for x in r["rows"]
        for v in ("before", "now")
    )
    lines = [
        "# Scoring a member's ties: before the fitted model existed, and now",
        "",
        f"`{r['command']}` — {r['machine']}, {r['date']}; before = {r['before']}, now = "
        f"{r['now']} (working tree). {r['threads']} thread(s) for every library in both "
        f"versions. Load average (1, 5, 15 min) at the start {r['loadavg_start']}, at the "
        f"end {r['loadavg_end']}: the machine is shared, so CPU time (what the run itself "
        "used) is given beside wall time. Medians of the runs, the two versions alternating "
        "run by run on the same export; the import is not timed.",
        "",
        "| contacts | messages | ties scored | before: wall | CPU | now: wall | CPU | "
        "now / before (CPU) | now / before (wall) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {x['contacts']:,} | {x['messages']:,} | {x['now']['ties']:,} | "
            f"{x['before']['wall_s']:.2f} s | {x['before']['cpu_s']:.2f} s | "
            f"{x['now']['wall_s']:.2f} s | {x['now']['cpu_s']:.2f} s | "
            f"{x['now_over_before_cpu']:.2f} | {x['now_over_before_wall']:.2f} |"
            for x in r["rows"]
        ],
        "",
        f"CPU time now / before: {min(cpu):.2f} to {max(cpu):.2f} across the sizes "
        f"(wall: {min(wall):.2f} to {max(wall):.2f}). Under a load average of "
        f"{min(r['loadavg_start'][0], r['loadavg_end'][0]):.0f} or more on "
        f"{r['machine'].split(', ')[1]}, the wall times of one version spread by up to "
        f"{spread:.1f}x from run to run (`wall_runs_s` in the JSON) and CPU time too is "
        "inflated by the other work (shared caches): this run shows no large change, but "
        "it can neither show nor rule out a difference of the size between the two "
        "versions' medians; a rerun on a quiet machine can.",
        "",
        "Scored: every tie of the member (scores, classes, layers, the reasons of each), "
        "as `weakties ties` computes them for a member with no kept fit, with the default "
        f"hand-set model in both ({r['rows'][0]['now']['model']} now). Scoring with a "
        "kept fit is measured in [fit.md](fit.md).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
