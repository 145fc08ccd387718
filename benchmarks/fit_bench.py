"""Fitting on a member's own history, and scoring with and without the fit.

    flock /work/.bench.lock python benchmarks/fit_bench.py   # writes results/fit.md and .json

One member with N contacts and 60 N interactions (N = 1,250, 2,500, 5,000; the bar
is 5,000 contacts and 300,000 interactions, fitted in 10 s or less), imported
from a synthetic LinkedIn export (not timed):

- ``weakties model fit``: reading the history the member may see (traces, ties,
  places) and fitting both models — the tie model and the people-you-may-know
  ranker, each on up to twelve past cuts, with the penalty chosen on the
  latest — then keeping the fit;
- scoring as ``weakties ties`` does it: every tie of the member scored, classed,
  layered and explained with the default model, and the same read by the kept
  fit (its features computed from the history), to see what using the fit costs.

One export alone knows no tie between two of the member's contacts, so the
people-you-may-know ranker has nothing to learn from there. ``--among K`` (8 by
default; 0 leaves it out) adds a second row per size, the same member with pooled
data: about K ties per contact among their contacts (20 circles, most ties inside
a circle, made over the last ten years, as a colleague's shared export or the
platform's own connections would give them), so that both models are fitted.

Medians of the runs; wall time and the process's CPU time side by side, and the
load average at the start and the end: the machine is shared, and CPU time is
what the run itself used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(fn, runs: int):  # type: ignore[no-untyped-def]
    walls, cpus, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def member(n: int, runs: int, among: int = 0) -> dict:
    from weakties import service
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.service import models
    from weakties.store.engine import open_store
    from weakties.synth import generate_big_ego, write_linkedin_export

    world = generate_big_ego(n_connections=n, n_messages=60 * n, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        export = write_linkedin_export(world, 0, Path(tmp), as_of=world.end)
        store = open_store(Path(tmp) / "e.sqlite")
        import_linkedin(store, export, "me")
        pooled = _ties_among_contacts(store, among, seed=n) if among else 0
        with store.engine.begin() as conn:
            now = service.viewer(conn, "me")
            traces = conn.exec_driver_sql("select count(*) from interaction").scalar()
            fit_wall, fit_cpu, fitted = timed(lambda: models.fit(conn, now), runs)
            _scored(conn, now, learned=True)  # warm: compiled kernels
            learned_wall, learned_cpu, learned = timed(
                lambda: _scored(conn, now, learned=True), runs
            )
            prior_wall, prior_cpu, _ = timed(lambda: _scored(conn, now, learned=False), runs)
        store.close()
    row = {
        "contacts": n,
        "interactions": int(traces),
        "ties_among_contacts": pooled,
        "fit_wall_s": round(fit_wall, 3),
        "fit_cpu_s": round(fit_cpu, 3),
        "ties_model": fitted.ties.fitted,
        "ties_rows": fitted.ties.rows,
        "ranker_model": fitted.suggestions.fitted,
        "ranker_rows": fitted.suggestions.rows,
        "ranker_positives": fitted.suggestions.positives,
        "ranker_note": fitted.suggestions.note,
        "cuts": fitted.cuts,
        "scores_default_wall_s": round(prior_wall, 3),
        "scores_default_cpu_s": round(prior_cpu, 3),
        "scores_learned_wall_s": round(learned_wall, 3),
        "scores_learned_cpu_s": round(learned_cpu, 3),
        "ties_scored": len(learned),
        "model": learned.model_name,
    }
    print(json.dumps(row), flush=True)
    return row


def _ties_among_contacts(store, per_contact: int, seed: int) -> int:  # type: ignore[no-untyped-def]
    """About ``per_contact`` ties per contact among the member's contacts, dated
    over the ten years before the export (half started by each side, most inside
    one of 20 circles, one in four across), asserted by the member: what pooled
    data adds. Returns how many were added."""
    import random

    from sqlalchemy import insert, select

    from weakties.model.tables import KnownPerson, Member, Tie

    rng = random.Random(seed)
    with store.engine.begin() as conn:
        member_id = conn.execute(select(Member.id).where(Member.handle == "me")).scalar_one()
        contacts = sorted(
            conn.execute(
                select(KnownPerson.person_id).where(KnownPerson.member_id == member_id)
            ).scalars()
        )
        newest = conn.exec_driver_sql("select max(occurred_at) from interaction").scalar()
        end = dt.datetime.fromisoformat(str(newest)) if newest else dt.datetime(2024, 1, 1)
        circle: dict[int, list[int]] = {}
        for pid in contacts:
            circle.setdefault(rng.randrange(20), []).append(pid)
        of = {pid: c for c, pids in circle.items() for pid in pids}
        pairs: set[tuple[int, int]] = set()
        for pid in contacts:
            for _ in range(per_contact // 2):
                pool = circle[of[pid]] if rng.random() < 0.75 else contacts
                other = rng.choice(pool)
                if other != pid:
                    pairs.add((min(pid, other), max(pid, other)))
        conn.execute(
            insert(Tie),
            [
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": "manual",
                    "asserted_by": member_id,
                    "since": end - dt.timedelta(days=rng.randrange(1, 3650)),
                }
                for a, b in sorted(pairs)
            ],
        )
    return len(pairs)


def _scored(conn, who, *, learned: bool):  # type: ignore[no-untyped-def]
    """What ``weakties ties`` computes for every tie of the member: scores, classes,
    layers and reasons — with ``learned``, as it does once a fit is kept (the
    kept fit chosen, the history read for its features); without, with the
    default model given explicitly (the priors, nothing of the fit read)."""
    from weakties.service.context import reader
    from weakties.ties.strength import choose_model, score_ties

    r = reader(conn, who)
    if learned:
        scores = score_ties(r, as_of=who.as_of)
        assert scores.model_name.startswith("learned"), scores.model_name  # long enough to fit
    else:
        prior = choose_model(r, who.member_id, who.as_of).prior
        scores = score_ties(r, as_of=who.as_of, model=prior)
        assert not scores.model_name.startswith("learned"), scores.model_name
    for i in range(len(scores)):
        scores.reasons(i)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1250, 2500, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--among",
        type=int,
        default=8,
        help="ties per contact among the contacts for the pooled rows (0: none)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "fit")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite OUT.md from OUT.json, run nothing"
    )
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        args.out.with_suffix(".md").write_text(markdown(saved))
        return
    load_start = os.getloadavg()
    rows = [member(n, args.runs) for n in args.sizes]
    if args.among:
        rows += [member(n, args.runs, args.among) for n in args.sizes]
    load_end = os.getloadavg()
    result = {
        "command": "flock /work/.bench.lock python benchmarks/fit_bench.py "
        f"--sizes {' '.join(map(str, args.sizes))} --runs {args.runs} --among {args.among}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
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
    rows = r["rows"]
    alone = [x for x in rows if not x.get("ties_among_contacts")]
    pooled = [x for x in rows if x.get("ties_among_contacts")]

    def bar(x: dict, what: str) -> str:
        def met(seconds: float) -> str:
            return "yes" if seconds <= 10 else "no"

        return (
            f"{what}: fitting at {x['contacts']:,} contacts and {x['interactions']:,} "
            f"interactions in 10 s or less: {met(x['fit_wall_s'])} in wall time "
            f"({x['fit_wall_s']:.2f} s), {met(x['fit_cpu_s'])} in CPU time "
            f"({x['fit_cpu_s']:.2f} s; the tie model on {x['ties_rows']:,} rows, the "
            f"ranker on {x['ranker_rows']:,}, {x['cuts']} past cuts)."
        )

    lines = [
        "# Fitting on a member's history",
        "",
        f"`{r['command']}` — {r['machine']}, {r['date']}. Load average (1, 5, 15 min) "
        f"at the start {r['loadavg_start']}, at the end {r['loadavg_end']}: the machine is "
        "shared, so CPU time (what the run itself used) is given beside wall time. "
        "Medians of the runs; the set-up (generation, import) is not timed.",
        "",
        "| contacts | interactions | ties among contacts | `model fit` wall | CPU | "
        "tie model rows | ranker rows (ties formed) | ranker fitted | scores, default model: wall | CPU | "
        "scores with the fit: wall | CPU |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
        *[
            f"| {x['contacts']:,} | {x['interactions']:,} | "
            f"{x.get('ties_among_contacts', 0):,} | {x['fit_wall_s']:.2f} s | "
            f"{x['fit_cpu_s']:.2f} s | {x['ties_rows']:,} | "
            f"{x['ranker_rows']:,} ({x.get('ranker_positives', 0):,}) | "
            f"{'yes' if x['ranker_model'] else 'no: ' + str(x.get('ranker_note'))} | "
            f"{x['scores_default_wall_s']:.2f} s | {x['scores_default_cpu_s']:.2f} s | "
            f"{x['scores_learned_wall_s']:.2f} s | {x['scores_learned_cpu_s']:.2f} s |"
            for x in rows
        ],
        "",
    ]
    if alone:
        lines += [bar(alone[-1], "One export"), ""]
    if pooled:
        lines += [bar(pooled[-1], "With ties among the contacts"), ""]
    lines += [
        "`model fit` reads the history the member may see and fits both models on past "
        "cuts. Wall time is what a member waits; under a load average above the two cores "
        "it is inflated by the other work on the machine, and the CPU time is the run's own "
        "cost (the fit runs on one core: on a quiet machine wall time is about the CPU "
        "time). The bar counts as met only once a rerun on a quiet machine shows it in "
        "wall time.",
        "",
        "Rows without ties among contacts: one member's export holds no tie between two of "
        "their contacts, so no pair two steps apart exists to learn first contacts from and "
        "the ranker has 0 rows (`suggest` falls back to Katz's index). The rows with ties "
        "among contacts add them as pooled data would (a colleague's shared export, the "
        "platform's own connections): there the people-you-may-know ranker is fitted too "
        "when the past periods hold the 50 distinct new pairs it needs (the column says "
        "when they do not).",
        "",
        "Scores: every tie of the member scored, classed, layered and explained, as "
        "`weakties ties` does. With the fit, the member's visible history is read again for "
        "the fitted model's features (each side's activity, mutual contacts) besides the "
        "default features kept for nominal and dormant ties: the difference between the two "
        "columns is what using the fit costs.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
