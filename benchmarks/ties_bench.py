"""Tie strength benchmark: one big ego, and every tie of a pooled network.

    python benchmarks/ties_bench.py                 # writes results/ties.md and .json

1. One member with N contacts and 60 N interactions (N = 1,250, 2,500, 5,000; the
   bar is 5,000 contacts and 300,000 interactions): time to compute the features
   and scores of all their ties, and the whole network value report (which scores
   twice — now and a year ago — and runs reach, brokerage and circles). Goal: the
   report in <= 2 s at 5,000 / 300,000.
2. A pooled network of P people (P = 2,500, 5,000, 10,000), every message and tie of
   a synthetic world imported as a log and a tie list: time to score every pair
   with a trace (``weakties ties --all``). Goal: <= 30 s at 10,000.

Side by side, the same pairs' message counts and last-contact dates computed by
DuckDB from the same interaction table (a floor: a group-by, no features, no model).
Medians of the runs; the set-up (generation, import) is not timed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import math
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(fn, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ego(sizes: list[int], runs: int) -> list[dict]:
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.report.value import network_report
    from weakties.service import viewer as resolve_viewer
    from weakties.service.context import reader
    from weakties.store.engine import open_store
    from weakties.synth import generate_big_ego, write_linkedin_export
    from weakties.ties.strength import score_ties

    rows = []
    for n in sizes:
        world = generate_big_ego(n_connections=n, n_messages=60 * n, seed=3)
        with tempfile.TemporaryDirectory() as tmp:
            export = write_linkedin_export(world, 0, Path(tmp), as_of=world.end)
            store = open_store(Path(tmp) / "e.sqlite")
            import_linkedin(store, export, "me")
            as_of = dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1)
            with store.engine.connect() as conn:
                me = resolve_viewer(conn, "me")
                score_ties(reader(conn, me), as_of=as_of)  # warm: numba kernels, caches
                t_scores, scores = timed(lambda: score_ties(reader(conn, me), as_of=as_of), runs)
                t_report, _ = timed(
                    lambda: network_report(reader(conn, me), "me", as_of=as_of), runs
                )
                traces = conn.exec_driver_sql("select count(*) from interaction").scalar()
            store.close()
        rows.append(
            {
                "contacts": n,
                "interactions": int(traces),
                "ties_scored": len(scores),
                "features_and_scores_s": t_scores,
                "report_s": t_report,
            }
        )
        print(f"ego {n:>6,}: scores {t_scores:.2f} s, report {t_report:.2f} s", flush=True)
    return rows


def pooled(sizes: list[int], runs: int) -> list[dict]:
    import duckdb

    from weakties.ingest.generic import import_interactions, import_ties
    from weakties.service.context import operator, reader
    from weakties.store.engine import open_store
    from weakties.synth import generate
    from weakties.ties.strength import score_ties

    rows = []
    for people in sizes:
        world = generate(people, seed=5)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "log.csv"
            m = world.messages
            with log.open("w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["sender", "recipient", "ts"])
                writer.writerows(
                    zip(m.sender.tolist(), m.recipient.tolist(), m.ts.tolist(), strict=True)
                )
            ties = Path(tmp) / "ties.csv"
            with ties.open("w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["a", "b", "since"])
                writer.writerows((t.a, t.b, t.since.isoformat()) for t in world.ties)
            store = open_store(Path(tmp) / "p.sqlite")
            start = time.perf_counter()
            import_interactions(store, log, sender="sender", recipient="recipient", timestamp="ts")
            import_ties(store, ties, a="a", b="b", since="since")
            setup = time.perf_counter() - start
            as_of = dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1)
            with store.engine.connect() as conn:
                t_all, scores = timed(
                    lambda: score_ties(reader(conn, operator(conn)), all_pairs=True, as_of=as_of),
                    runs,
                )
                n_traces = conn.exec_driver_sql("select count(*) from interaction").scalar()
            store.close()
            con = duckdb.connect()
            con.execute(f"create table i as select * from read_csv('{log}', header=true)")
            query = (
                "select least(sender, recipient) a, greatest(sender, recipient) b, count(*), "
                f"max(ts) from i where ts < {int(as_of.replace(tzinfo=dt.UTC).timestamp())} "
                "group by 1, 2"
            )
            t_duck, result = timed(lambda: con.execute(query).fetchall(), runs)
            con.close()
        rows.append(
            {
                "people": people,
                "interactions": int(n_traces),
                "ties": len(world.ties),
                "pairs_scored": len(scores),
                "all_ties_s": t_all,
                "duckdb_groupby_s": t_duck,
                "duckdb_pairs": len(result),
                "setup_import_s": round(setup, 1),
            }
        )
        print(
            f"pooled {people:>6,}: all ties {t_all:.2f} s ({len(scores):,} pairs), "
            f"duckdb group-by {t_duck:.3f} s",
            flush=True,
        )
    return rows


def slope(rows: list[dict], x: str, y: str) -> list[str]:
    out = []
    for a, b in itertools.pairwise(rows):
        s = math.log(b[y] / a[y]) / math.log(b[x] / a[x])
        out.append(f"{a[x]:,} → {b[x]:,}: {b[y] / a[y]:.1f}x, slope {s:.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ego", type=int, nargs="+", default=[1250, 2500, 5000])
    parser.add_argument("--pooled", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "ties")
    args = parser.parse_args()
    ego_rows = ego(args.ego, args.runs)
    pooled_rows = pooled(args.pooled, args.runs)
    lines = [
        "# Tie strength benchmark",
        "",
        f"`python benchmarks/ties_bench.py --ego {' '.join(map(str, args.ego))} --pooled "
        f"{' '.join(map(str, args.pooled))} --runs {args.runs}` — {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.date.today().isoformat()}. Medians; set-up (generation, import) not timed.",
        "",
        "## One member's ties and report",
        "",
        "| contacts | interactions | ties scored | features + scores | full report | goal |",
        "|---:|---:|---:|---:|---:|---|",
        *[
            f"| {r['contacts']:,} | {r['interactions']:,} | {r['ties_scored']:,} | "
            f"{r['features_and_scores_s']:.2f} s | {r['report_s']:.2f} s | "
            f"{'report ≤ 2 s: ' + ('yes' if r['report_s'] <= 2 else '**no**') if r['contacts'] == 5000 else ''} |"
            for r in ego_rows
        ],
        "",
        "Growth of the report time: " + "; ".join(slope(ego_rows, "interactions", "report_s")),
        "",
        "## Every tie of a pooled network",
        "",
        "| people | interactions | ties | pairs scored | weakties ties --all | DuckDB group-by (floor) | ratio | goal |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
        *[
            f"| {r['people']:,} | {r['interactions']:,} | {r['ties']:,} | {r['pairs_scored']:,} | "
            f"{r['all_ties_s']:.2f} s | {r['duckdb_groupby_s']:.3f} s | "
            f"{r['all_ties_s'] / r['duckdb_groupby_s']:.0f}x | "
            f"{'≤ 30 s: ' + ('yes' if r['all_ties_s'] <= 30 else '**no**') if r['people'] == 10000 else ''} |"
            for r in pooled_rows
        ],
        "",
        "Growth: " + "; ".join(slope(pooled_rows, "interactions", "all_ties_s")),
        "",
        "The DuckDB floor only counts messages and takes the last date per pair; weakties "
        "also computes every feature (decayed counts, active months, turns, reciprocity, "
        "services, one-to-one share, mutual contacts through a graph of all ties and "
        "contacts, shared employers and schools) and the model's score and class.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text("\n".join(lines))
    args.out.with_suffix(".json").write_text(
        json.dumps({"ego": ego_rows, "pooled": pooled_rows}, indent=2)
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
