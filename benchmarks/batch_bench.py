"""The nightly batch: the embedded engine against Spark local[2], the same work on both.

For each size, a synthetic platform (``weakties.synth``: every person a member
sharing by name, their ties, positions, messages and endorsements) is written
to SQLite and exported by the operator to Parquet; then

- **embedded**: :mod:`weakties.scale.embedded` from the SQLite store — every
  pair's tie features and score, everyone's top-10 suggestions, every member's
  warm reach per organisation (one process, the engine's own kernels);
- **Spark local[2]**: ``run_batch("all")`` on the Parquet export — the same
  three results, written as a run and switched in.

Both sides produce the same rows (the parity tests check it on smaller data;
here the row counts are compared). Times are wall-clock (Spark runs in a JVM
beside this process); the CPU time of this process is given for the embedded
side. Session start-up is reported apart from the run.

From the per-size figures, each side is fitted as ``T = F + c * ties``; Spark
on N machines is modelled as ``F_spark + c_spark * ties / N`` (perfect scaling,
an optimistic bound for Spark) and the crossover is where that meets the
embedded time.

    flock /work/.bench.lock .venv/bin/python benchmarks/batch_bench.py --sizes 2000 6000 12000

Memory: under 4 GiB at these sizes (Spark's driver is given 2 GiB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def build_platform(folder: Path, n_people: int, seed: int = 7) -> tuple[Any, dict[str, int]]:
    """A synthetic platform in SQLite: people, members, ties, positions, traces."""
    from weakties.model.tables import Interaction
    from weakties.store.clock import set_clock
    from weakties.store.engine import open_store
    from weakties.synth import generate
    from weakties.synth.load import load_world, person_id_of
    from weakties.synth.world import to_datetime

    world = generate(n_people=n_people, seed=seed)
    store = open_store(folder / "platform.sqlite")
    load_world(store, world, skills=False)
    m = world.messages
    recipients = np.bincount(m.msg) if len(m) else np.zeros(0, np.int64)
    rows = []
    for i in range(len(m)):
        s, r = int(m.sender[i]), int(m.recipient[i])
        rows.append(
            {
                "kind": "message",
                "sender_id": person_id_of(s),
                "recipient_id": person_id_of(r),
                "occurred_at": to_datetime(int(m.ts[i])).replace(tzinfo=None),
                "group_size": int(recipients[m.msg[i]]),
                "conversation": f"c{int(m.conversation[i])}",
                "asserted_by": person_id_of(s),
                "natural_key": f"m{i}",
            }
        )
    e = world.endorsements
    for i in range(len(e)):
        if e.pending[i]:
            continue
        rows.append(
            {
                "kind": "endorsement",
                "sender_id": person_id_of(int(e.endorser[i])),
                "recipient_id": person_id_of(int(e.endorsee[i])),
                "occurred_at": to_datetime(int(e.ts[i])).replace(tzinfo=None),
                "group_size": 1,
                "conversation": None,
                "asserted_by": person_id_of(int(e.endorser[i])),
                "natural_key": f"e{i}",
            }
        )
    with store.engine.begin() as conn:
        for start in range(0, len(rows), 50_000):
            conn.execute(insert(Interaction), rows[start : start + 50_000])
        set_clock(conn, dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1))
    counts = {"people": len(world.people), "ties": len(world.ties), "traces": len(rows)}
    return store, counts


def embedded_side(store: Any) -> dict[str, Any]:
    from weakties import service
    from weakties.scale import embedded
    from weakties.service.context import reader

    out: dict[str, Any] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    with service.transaction(store) as conn:
        r = reader(conn, service.operator(conn))
        t0 = time.perf_counter()
        ties = embedded.tie_scores(r)
        out["ties_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        suggestions = embedded.suggestions(r)
        out["suggest_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        by_org, totals = embedded.reach(r, ties)
        out["reach_s"] = time.perf_counter() - t0
    out["wall_s"] = time.perf_counter() - wall
    out["cpu_s"] = time.process_time() - cpu
    out["rows"] = {
        "ties": len(ties.table),
        "suggest": sum(len(v) for v in suggestions.values()),
        "reach": len(by_org),
        "reach_totals": len(totals),
    }
    return out


def spark_side(spark: Any, export: Path, output: Path) -> dict[str, Any]:
    from weakties.scale.batch import run_batch

    wall = time.perf_counter()
    result = run_batch("all", str(export), str(output), spark=spark)
    return {
        "wall_s": time.perf_counter() - wall,
        "parts_s": result.seconds,
        "rows": result.rows,
    }


def fit(ties: list[int], seconds: list[float]) -> tuple[float, float]:
    """Least-squares ``T = F + c * ties`` (F clipped at 0)."""
    slope, intercept = np.polyfit(np.asarray(ties, float), np.asarray(seconds, float), 1)
    return max(float(intercept), 0.0), float(slope)


def crossover(f_e: float, c_e: float, f_s: float, c_s: float, machines: int) -> float | None:
    """Ties above which Spark on ``machines`` machines (2 cores each, perfect scaling)
    beats one machine: ``f_e + c_e E = f_s + c_s E / N``."""
    gain = c_e - c_s / machines
    if gain <= 0:
        return None
    return max((f_s - f_e) / gain, 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[2000, 6000, 12000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS / "batch.json")
    args = parser.parse_args(argv)

    from weakties.scale.session import spark_session

    load_start = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    spark = spark_session("local[2]")
    session_s = time.perf_counter() - t0
    sizes = []
    for n in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"batch-{n}-", dir=args.workdir))
        try:
            t0 = time.perf_counter()
            store, counts = build_platform(folder, n)
            build_s = time.perf_counter() - t0
            from weakties import service
            from weakties.service.export import export

            t0 = time.perf_counter()
            with service.transaction(store) as conn:
                export(conn, service.operator(conn), "parquet", folder / "export")
            export_s = time.perf_counter() - t0
            emb = embedded_side(store)
            sp = spark_side(spark, folder / "export", folder / "out")
            store.close()
            row = {
                "people": n,
                **counts,
                "build_s": build_s,
                "export_s": export_s,
                "embedded": emb,
                "spark": sp,
                "same_rows": emb["rows"] == sp["rows"],
                "loadavg_after": os.getloadavg(),
            }
            sizes.append(row)
            print(json.dumps(row), flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    load_end = os.getloadavg()
    ties = [s["ties"] for s in sizes]
    f_e, c_e = fit(ties, [s["embedded"]["wall_s"] for s in sizes])
    f_s, c_s = fit(ties, [s["spark"]["wall_s"] for s in sizes])
    report = {
        "command": "flock /work/.bench.lock .venv/bin/python benchmarks/batch_bench.py --sizes "
        + " ".join(str(n) for n in args.sizes),
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "loadavg_start": load_start,
        "loadavg_end": load_end,
        "spark_session_s": session_s,
        "sizes": sizes,
        "fit": {"embedded": [f_e, c_e], "spark_local2": [f_s, c_s]},
        "crossover_ties": {str(n): crossover(f_e, c_e, f_s, c_s, n) for n in (1, 4, 16, 64, 256)},
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report, args.out.with_suffix(".md"))
    spark.stop()
    return 0


def _n(x: float | None) -> str:
    if x is None:
        return "never (Spark's cost per tie is higher)"
    if x >= 1e9:
        return f"{x / 1e9:.1f} B ties"
    if x >= 1e6:
        return f"{x / 1e6:.1f} M ties"
    return f"{x:,.0f} ties"


def write_markdown(report: dict[str, Any], path: Path) -> None:
    lines = [
        "# The nightly batch: embedded engine against Spark local[2]",
        "",
        f"`{report['command']}` — {report['machine']['platform']}, "
        f"{report['machine']['cpus']} cores, Python {report['machine']['python']}, "
        f"started {report['started']}.",
        "",
        "Load average (1, 5, 15 min) at the start "
        + " / ".join(f"{x:.2f}" for x in report["loadavg_start"])
        + ", at the end "
        + " / ".join(f"{x:.2f}" for x in report["loadavg_end"])
        + ". The machine is shared: with a load above 2 every wall time is an upper bound; "
        "rerun on a quiet machine with the command above before quoting.",
        "",
        "The same work on both sides: every pair's tie features and score, everyone's "
        "top-10 people-you-may-know, every member's warm reach per organisation; "
        "the embedded side from SQLite in this process, Spark from the operator's "
        "Parquet export, writing a run. Wall-clock seconds; the Spark session's start "
        f"({report['spark_session_s']:.1f} s) is not in the runs.",
        "",
        "| people | ties | traces | embedded | (CPU) | Spark local[2] | Spark / embedded "
        "| export to Parquet | same rows |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for s in report["sizes"]:
        e, sp = s["embedded"], s["spark"]
        lines.append(
            f"| {s['people']:,} | {s['ties']:,} | {s['traces']:,} | {e['wall_s']:.1f} s "
            f"| {e['cpu_s']:.1f} s | {sp['wall_s']:.1f} s | {sp['wall_s'] / e['wall_s']:.1f}x "
            f"| {s['export_s']:.1f} s | {'yes' if s['same_rows'] else 'NO'} |"
        )
    lines += [
        "",
        "Parts (embedded: ties / suggest / reach; Spark: each table written):",
        "",
    ]
    for s in report["sizes"]:
        e, sp = s["embedded"], s["spark"]
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in sp["parts_s"].items())
        lines.append(
            f"- {s['people']:,} people: embedded {e['ties_s']:.1f} / {e['suggest_s']:.1f} / "
            f"{e['reach_s']:.1f} s; Spark {parts}"
        )
    (f_e, c_e), (f_s, c_s) = report["fit"]["embedded"], report["fit"]["spark_local2"]
    lines += [
        "",
        "## Crossover",
        "",
        f"Fitted `T = F + c * ties`: embedded F = {f_e:.1f} s, c = {c_e * 1e6:.1f} µs/tie; "
        f"Spark local[2] F = {f_s:.1f} s, c = {c_s * 1e6:.1f} µs/tie. Spark on N machines "
        "modelled as `F + c * ties / N` (perfect scaling: optimistic for Spark).",
        "",
        "| machines (2 cores each) | Spark beats one machine above |",
        "|---:|---|",
    ]
    for n, x in report["crossover_ties"].items():
        lines.append(f"| {n} | {_n(x)} |")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
