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
side. Session start-up is reported apart from the run. The Spark run's parts
are its steps (reading the export, each job computing and writing its tables,
the switch to the new run), which cover its whole wall time: what they leave
out is reported too.

Spark on N machines is modelled as its local[2] time divided by N (perfect
scaling, an optimistic bound for Spark): at each size it matches one machine
when N is Spark's time over the embedded time. How each side's time grows
between sizes (``T ~ ties ** b``) says whether that number falls with size,
i.e. whether a crossover in size exists. (A linear fit ``F + c * ties`` was
tried first: over sizes where the two-hop work grows faster than the ties its
intercepts come out negative, and the crossover it gives is meaningless.)

    flock /work/.bench.lock .venv/bin/python benchmarks/batch_bench.py --sizes 500 1000 2000
    .venv/bin/python benchmarks/batch_bench.py --render     # the .md again from the .json

``--platform sparse`` draws instead a platform in the issue's proportions (10
ties and 30 traces a person, as 1 M people / 10 M ties / 30 M traces) with
numpy (:func:`build_sparse_platform`), which reaches larger sizes in bounded
time; its results go to their own file:

    flock /work/.bench.lock .venv/bin/python benchmarks/batch_bench.py --platform sparse
        --sizes 3000 10000 30000 --out benchmarks/results/batch_sparse.json   # one line

Besides the row counts, the benchmark compares every person's top-10 list on
both sides (``same_suggestions``: the share of lists equal) and reports how
many people and places the suggestions' hub caps left out (0: the lists are
the uncapped definition's).

``--event-log DIR`` also writes Spark's event log there (the web UI is off):
every job, stage and task with its times, for finding where a step's time goes
(the log is zstd-compressed JSON lines, one event a line).

Time: about 12 minutes on two cores for 500 / 1,000 / 2,000 people of the dense
world before the suggestions stopped counting three-step walks for every pair
(Spark 5 min at 2,000 people), less since. ``--platform sparse --sizes 2000
6000 20000`` took 22 minutes on a machine at a load of 5-10 (Spark 4.5 to 6
minutes a size, most of it fixed costs at that load; the embedded side 10 s to
3.5 minutes, its suggestions growing fastest).
Memory: under 4 GiB at these sizes (Spark's driver is given 2 GiB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shlex
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
PLATFORMS = ("synth", "sparse")


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


INDUSTRIES = (
    "Software",
    "Banking",
    "Retail",
    "Health Care",
    "Education",
    "Consulting",
    "Energy",
    "Media",
    "Logistics",
    "Public Administration",
)
TITLES = (
    "Intern",
    "Engineer",
    "Analyst",
    "Senior Engineer",
    "Consultant",
    "Manager",
    "Senior Manager",
    "Director",
    "Vice President",
    "Chief Executive Officer",
)


def build_sparse_platform(
    folder: Path,
    n_people: int,
    seed: int = 7,
    *,
    ties_per_person: int = 10,
    traces_per_person: int = 30,
) -> tuple[Any, dict[str, int]]:
    """A platform in the proportions of the issue's 1 M people / 10 M ties / 30 M
    traces, written straight into SQLite with numpy (``weakties.synth`` draws
    careers and conversations person by person, which takes minutes past a few
    thousand people, and its worlds are denser: ~57 ties, ~500 traces a person).

    Everyone is a member sharing by name, with a current job (organisations of
    lognormal sizes, ~40 people on average, each in an industry), half a past
    job, a school for most; ``ties_per_person`` declared ties a person, half
    with colleagues of the current employer, half between people drawn by a
    heavy-tailed activity (Pareto 2.5: a few people with hundreds of ties);
    ``traces_per_person`` traces a person over two years: messages on ties
    (a tenth between people not tied), one in ten an endorsement.
    """
    from weakties.store.clock import set_clock
    from weakties.store.engine import open_store

    rng = np.random.default_rng(seed)
    n = n_people
    now = dt.datetime(2026, 12, 1)
    day0 = now.date()
    store = open_store(folder / "platform.sqlite")

    def stamp(seconds_ago: np.ndarray) -> list[str]:
        # the store's text form of a naive UTC datetime
        when = np.datetime64(now, "us") - seconds_ago.astype("timedelta64[s]")
        return [t.replace("T", " ") for t in when.astype(str).tolist()]

    def days_ago(days: np.ndarray) -> list[str]:
        return [(day0 - dt.timedelta(days=int(d))).isoformat() for d in days]

    n_orgs = max(2, n // 40)
    n_schools = max(2, n // 400)
    org_weight = rng.lognormal(0.0, 1.0, n_orgs)
    employer = rng.choice(n_orgs, size=n, p=org_weight / org_weight.sum())
    industry_of_org = rng.integers(0, len(INDUSTRIES), n_orgs + n_schools)
    created = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    with store.engine.begin() as conn:
        run = conn.exec_driver_sql
        people = [
            (
                i + 1,
                f"Person {i + 1}",
                f"person {i + 1}",
                created,
                created,
                INDUSTRIES[industry_of_org[employer[i]]] if rng.random() < 0.6 else None,
            )
            for i in range(n)
        ]
        conn.exec_driver_sql(
            "INSERT INTO person (id, display_name, name_key, created_at, updated_at, industry) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            people,
        )
        conn.exec_driver_sql(
            "INSERT INTO member (id, handle, person_id, sharing, created_at) VALUES (?, ?, ?, ?, ?)",
            [(i + 1, f"m{i + 1}", i + 1, "names", created) for i in range(n)],
        )
        orgs = [
            (
                k + 1,
                f"Company {k + 1}",
                f"company {k + 1}",
                "organization",
                INDUSTRIES[industry_of_org[k]],
                created,
            )
            for k in range(n_orgs)
        ] + [
            (
                n_orgs + k + 1,
                f"School {k + 1}",
                f"school {k + 1}",
                "school",
                INDUSTRIES[industry_of_org[n_orgs + k]],
                created,
            )
            for k in range(n_schools)
        ]
        conn.exec_driver_sql(
            "INSERT INTO organization (id, name, norm_name, kind, industry, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            orgs,
        )
        position_sql = (
            "INSERT INTO position (person_id, organization_id, kind, title, start_date, end_date, "
            "is_current, source, asserted_by, natural_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        started = rng.integers(30, 3000, n)
        title = rng.integers(0, len(TITLES), n)
        rows = [
            (
                i + 1,
                int(employer[i]) + 1,
                "job",
                TITLES[title[i]],
                d,
                None,
                1,
                "platform",
                i + 1,
                f"j{i}",
            )
            for i, d in enumerate(days_ago(started))
        ]
        past = np.flatnonzero(rng.random(n) < 0.5)
        past_org = rng.integers(0, n_orgs, past.size)
        past_end = started[past] + rng.integers(0, 60, past.size)
        past_start = past_end + rng.integers(200, 2500, past.size)
        rows += [
            (
                int(i) + 1,
                int(o) + 1,
                "job",
                TITLES[max(0, title[i] - 1)],
                s,
                e,
                0,
                "platform",
                int(i) + 1,
                f"p{i}",
            )
            for i, o, s, e in zip(
                past, past_org, days_ago(past_start), days_ago(past_end), strict=True
            )
        ]
        study = np.flatnonzero(rng.random(n) < 0.7)
        school = n_orgs + rng.integers(0, n_schools, study.size)
        study_end = 3000 + rng.integers(0, 5000, study.size)
        rows += [
            (int(i) + 1, int(o) + 1, "study", "Student", s, e, 0, "platform", int(i) + 1, f"s{i}")
            for i, o, s, e in zip(
                study, school, days_ago(study_end + 1100), days_ago(study_end), strict=True
            )
        ]
        run(position_sql, rows)
        # ties: half among colleagues, half between people drawn by activity
        half = ties_per_person * n // 2
        order = np.argsort(employer, kind="stable")
        bounds = np.searchsorted(employer[order], np.arange(n_orgs + 1))
        a = rng.integers(0, n, half)
        lo, hi = bounds[employer[a]], bounds[employer[a] + 1]
        b = order[lo + (rng.random(half) * (hi - lo)).astype(np.int64)]
        activity = rng.pareto(2.5, n) + 1.0
        p = activity / activity.sum()
        c, d = rng.choice(n, size=half, p=p), rng.choice(n, size=half, p=p)
        u, v = np.concatenate([a, c]), np.concatenate([b, d])
        keep = u != v
        pairs = np.unique(np.sort(np.stack([u[keep], v[keep]], axis=1), axis=1), axis=0)
        since = stamp(rng.integers(86_400, 6 * 365 * 86_400, len(pairs)))
        run(
            "INSERT INTO tie (person_a_id, person_b_id, source, asserted_by, since, confidence, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (int(x) + 1, int(y) + 1, "connection", int(x) + 1, s, 1.0, created)
                for (x, y), s in zip(pairs.tolist(), since, strict=True)
            ],
        )
        # traces: on ties (weighted: a few ties carry most), a tenth between strangers
        m = traces_per_person * n
        on_ties = int(m * 0.9)
        weight = rng.lognormal(0.0, 1.5, len(pairs))
        pick = rng.choice(len(pairs), size=on_ties, p=weight / weight.sum())
        ends = np.concatenate([pairs[pick], rng.integers(0, n, (m - on_ties, 2))])
        ends = ends[ends[:, 0] != ends[:, 1]]
        flip = rng.random(len(ends)) < 0.5
        sender = np.where(flip, ends[:, 0], ends[:, 1])
        recipient = np.where(flip, ends[:, 1], ends[:, 0])
        ago = (rng.random(len(ends)) ** 1.5 * 730 * 86_400).astype(np.int64) + 60
        endorse = rng.random(len(ends)) < 0.1
        sql = (
            "INSERT INTO interaction (kind, channel, sender_id, recipient_id, occurred_at, "
            "group_size, conversation, asserted_by, natural_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for start in range(0, len(ends), 200_000):
            part = slice(start, start + 200_000)
            run(
                sql,
                [
                    (
                        "endorsement" if e else "message",
                        "linkedin",
                        int(s) + 1,
                        int(r) + 1,
                        when,
                        1,
                        None if e else f"c{min(s, r)}-{max(s, r)}",
                        int(s) + 1,
                        f"t{start + k}",
                    )
                    for k, (s, r, e, when) in enumerate(
                        zip(
                            sender[part].tolist(),
                            recipient[part].tolist(),
                            endorse[part].tolist(),
                            stamp(ago[part]),
                            strict=True,
                        )
                    )
                ],
            )
        set_clock(conn, now)
    counts = {"people": n, "ties": len(pairs), "traces": len(ends)}
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
    out["suggestions"] = suggestions
    out["rows"] = {
        "ties": len(ties.table),
        "suggest": sum(len(v) for v in suggestions.values()),
        "reach": len(by_org),
        "reach_totals": len(totals),
    }
    return out


def same_suggestions(
    embedded_lists: dict[int, list[tuple[int, float, int]]], folder: Path
) -> float:
    """The share of people whose Spark list names the embedded list's candidates
    in the same order (1.0: every list equal)."""
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "suggest", columns=["person", "rank", "candidate"])
    spark_lists: dict[int, list[tuple[int, int]]] = {}
    for p, r, c in zip(*(table.column(k).to_pylist() for k in table.column_names), strict=True):
        spark_lists.setdefault(p, []).append((r, c))
    people = set(embedded_lists) | set(spark_lists)
    same = sum(
        [c for c, _s, _m in embedded_lists.get(p, [])]
        == [c for _r, c in sorted(spark_lists.get(p, []))]
        for p in people
    )
    return same / max(len(people), 1)


def spark_side(spark: Any, export: Path, output: Path) -> dict[str, Any]:
    from weakties.scale.batch import run_batch
    from weakties.scale.runs import run_folder

    wall = time.perf_counter()
    result = run_batch("all", str(export), str(output), spark=spark)
    wall = time.perf_counter() - wall
    return {
        "folder": str(run_folder(output, result.run_id)),
        "wall_s": wall,
        "parts_s": result.seconds,
        "outside_parts_s": wall - sum(result.seconds.values()),
        "rows": result.rows,
        "capped": result.capped,
    }


def growth(sizes: list[dict[str, Any]], side: str) -> list[float]:
    """How time grows with ties between consecutive sizes: the exponent ``b`` of
    ``T ~ ties ** b`` (1 linear, above 1 faster than the data)."""
    out = []
    for a, b in itertools.pairwise(sizes):
        out.append(
            float(np.log(b[side]["wall_s"] / a[side]["wall_s"]) / np.log(b["ties"] / a["ties"]))
        )
    return out


#: the issue's target platform: 1 M people, 10 M ties, 30 M traces
TARGET_TIES = 10_000_000


def summarise(report: dict[str, Any]) -> None:
    """Add the comparison drawn from the measured sizes: at each size, how many
    machines Spark would need to match one machine under perfect scaling (its
    time over the embedded time), how each side's time grows with size, and
    what the last measured growth says past the largest size.

    ``crossover``: with the ratio falling between the last two sizes (Spark's
    time growing more slowly than the embedded engine's), the number of ties at
    which it reaches 1 (Spark local[2] on this machine as fast as the embedded
    engine) and 4 (four such machines), extrapolated with the last two sizes'
    exponents — an extrapolation past what was measured, not a measurement;
    None when the ratio does not fall. ``target``: both sides' time at
    :data:`TARGET_TIES` extrapolated the same way."""
    sizes = report["sizes"]
    report["machines_to_match"] = [s["spark"]["wall_s"] / s["embedded"]["wall_s"] for s in sizes]
    report["growth"] = {"embedded": growth(sizes, "embedded"), "spark": growth(sizes, "spark")}
    report.pop("fit", None)
    report.pop("crossover_ties", None)
    report["crossover"] = None
    report["target"] = None
    if len(sizes) < 2:
        return
    last = sizes[-1]
    ge, gs = report["growth"]["embedded"][-1], report["growth"]["spark"][-1]
    ratio = report["machines_to_match"][-1]
    # below 1, Spark's time is still mostly fixed costs: once its work dominates
    # it grows at least as the data, so the linear case bounds it from below
    spark_b = {"measured": gs, "linear": max(gs, 1.0)}
    scale = TARGET_TIES / last["ties"]
    report["target"] = {
        "ties": TARGET_TIES,
        "embedded_s": last["embedded"]["wall_s"] * scale**ge,
        "spark_s": {k: last["spark"]["wall_s"] * scale**b for k, b in spark_b.items()},
    }
    report["crossover"] = {
        str(n): {
            k: (last["ties"] * (n / ratio) ** (1.0 / (b - ge)) if b < ge else None)
            for k, b in spark_b.items()
        }
        for n in (1, 4)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[500, 1000, 2000])
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default="synth",
        help="synth: weakties.synth's world (dense: ~57 ties and ~500 traces a person); "
        "sparse: the issue's proportions (10 ties, 30 traces a person), for larger sizes",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS / "batch.json")
    parser.add_argument(
        "--render", action="store_true", help="rewrite the .md from the --out JSON, no run"
    )
    parser.add_argument(
        "--event-log", type=Path, default=None, help="write Spark's event log into this folder"
    )
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads(args.out.read_text())
        summarise(report)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        write_markdown(report, args.out.with_suffix(".md"))
        return 0

    from weakties.scale.session import spark_session

    if args.event_log is not None:
        # read when the JVM starts, before any session exists
        args.event_log.mkdir(parents=True, exist_ok=True)
        folder = shlex.quote(f"spark.eventLog.dir=file://{args.event_log.resolve()}")
        os.environ["PYSPARK_SUBMIT_ARGS"] = (
            f"--conf spark.eventLog.enabled=true --conf {folder} pyspark-shell"
        )
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
            if args.platform == "sparse":
                store, counts = build_sparse_platform(folder, n)
            else:
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
            same_lists = same_suggestions(emb.pop("suggestions"), Path(sp.pop("folder")))
            store.close()
            row = {
                "people": n,
                **counts,
                "build_s": build_s,
                "export_s": export_s,
                "embedded": emb,
                "spark": sp,
                "same_rows": emb["rows"] == sp["rows"],
                "same_suggestions": same_lists,
                "loadavg_after": os.getloadavg(),
            }
            sizes.append(row)
            print(json.dumps(row), flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    load_end = os.getloadavg()
    report = {
        "command": "flock /work/.bench.lock .venv/bin/python benchmarks/batch_bench.py "
        + ("--platform sparse " if args.platform == "sparse" else "")
        + "--sizes "
        + " ".join(str(n) for n in args.sizes)
        + ("" if args.out == RESULTS / "batch.json" else f" --out {args.out}"),
        "platform": args.platform,
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
    }
    summarise(report)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report, args.out.with_suffix(".md"))
    spark.stop()
    return 0


PLATFORM_TEXT = {
    "synth": "The platform: `weakties.synth`'s world (careers, conversations, endorsements; "
    "about 57 ties and 500 traces a person), every person a member sharing by name.",
    "sparse": "The platform: the issue's proportions (10 ties and 30 traces a person, "
    "as 1 M people / 10 M ties / 30 M traces), written with numpy "
    "(`build_sparse_platform`): organisations of lognormal sizes, half the ties among "
    "colleagues and half between people drawn by a heavy-tailed activity, every person "
    "a member sharing by name.",
}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


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
        PLATFORM_TEXT[report.get("platform", "synth")],
        "",
        "Same rows: the same number of rows in every table; same lists: the share of "
        "people whose top 10 names the same candidates in the same order on both sides "
        "(the suggestions' hub caps left out "
        + ", ".join(
            f"{s.get('spark', {}).get('capped', {}).get('people', '?')} people"
            for s in report["sizes"]
        )
        + " at these sizes).",
        "",
        "| people | ties | traces | embedded | (CPU) | Spark local[2] | Spark / embedded "
        "| export to Parquet | same rows | same lists |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|",
    ]
    for s in report["sizes"]:
        e, sp = s["embedded"], s["spark"]
        lines.append(
            f"| {s['people']:,} | {s['ties']:,} | {s['traces']:,} | {e['wall_s']:.1f} s "
            f"| {e['cpu_s']:.1f} s | {sp['wall_s']:.1f} s | {sp['wall_s'] / e['wall_s']:.1f}x "
            f"| {s['export_s']:.1f} s | {'yes' if s['same_rows'] else 'NO'} "
            f"| {_share(s.get('same_suggestions'))} |"
        )
    lines += [
        "",
        "Parts (embedded: ties / suggest / reach; Spark: the steps of the run — reading "
        "the export, computing and writing each job's tables, switching to the run — and "
        "the time they leave out):",
        "",
    ]
    for s in report["sizes"]:
        e, sp = s["embedded"], s["spark"]
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in sp["parts_s"].items())
        outside = sp["wall_s"] - sum(sp["parts_s"].values())
        lines.append(
            f"- {s['people']:,} people: embedded {e['ties_s']:.1f} / {e['suggest_s']:.1f} / "
            f"{e['reach_s']:.1f} s; Spark {parts}; outside them {outside:.1f} s"
        )
    ratios, grow = report["machines_to_match"], report["growth"]
    lines += [
        "",
        "## Where Spark would pay",
        "",
        "Spark on N machines (2 cores each) is modelled as the local[2] time divided by N "
        "(perfect scaling: optimistic for Spark, no shuffle over a network). It matches "
        "one machine when N equals Spark's time over the embedded time at that size:",
        "",
        "| people | ties | machines for Spark to match one machine |",
        "|---:|---:|---:|",
    ]
    for s, r in zip(report["sizes"], ratios, strict=True):
        lines.append(f"| {s['people']:,} | {s['ties']:,} | {r:.1f} |")
    steps = ", ".join(
        f"{a['people']:,} → {b['people']:,} people: embedded {ge:.2f}, Spark {gs:.2f}"
        for a, b, ge, gs in zip(
            report["sizes"], report["sizes"][1:], grow["embedded"], grow["spark"], strict=False
        )
    )
    if len(report["sizes"]) > 1:
        lines += [
            "",
            f"Growth exponent `b` of `T ~ ties^b` between sizes: {steps} (below 1: fixed "
            "costs still dominate; above 1: the two-hop work of the suggestions grows "
            "faster than the ties).",
        ]
    lines += ["", *crossover_words(report)]
    path.write_text("\n".join(lines) + "\n")


def crossover_words(report: dict[str, Any]) -> list[str]:
    """What the measured ratios say, in words that follow them (see :func:`summarise`)."""
    sizes, ratios = report["sizes"], report["machines_to_match"]
    first, last = sizes[0], sizes[-1]
    if len(ratios) < 2:
        return [
            f"One size: the machines Spark needs to match one machine at {last['ties']:,} "
            f"ties are {ratios[-1]:.1f}; growth and a crossover need two sizes or more "
            "(run them together, or compare with another run's file)."
        ]
    head = (
        f"The machines Spark needs to match one machine went from {ratios[0]:.1f} at "
        f"{first['ties']:,} ties to {ratios[-1]:.1f} at {last['ties']:,} ties."
    )
    ge, gs = report["growth"]["embedded"][-1], report["growth"]["spark"][-1]
    cross, target = report["crossover"], report["target"]
    words = [
        head,
        f"Between the last two sizes Spark's time grew as ties^{gs:.2f} and the embedded "
        f"engine's as ties^{ge:.2f}.",
    ]
    if gs < 1:
        words.append(
            "An exponent below 1 says Spark's time there is still mostly fixed costs "
            "(planning, compiling and scheduling each stage, on a loaded machine more "
            "so); once its work dominates it grows at least as the data, so the "
            "extrapolations below give Spark's exponent as measured and, as the "
            "conservative case, 1."
        )
    for n, what in (
        (1, "Spark local[2] matches the embedded engine on this machine"),
        (4, "four such machines match one"),
    ):
        crossed = [
            (a, b)
            for a, b, ra, rb in zip(sizes, sizes[1:], ratios, ratios[1:], strict=False)
            if ra > n >= rb
        ]
        if crossed:
            a, b = crossed[0]
            words.append(
                f"The ratio fell below {n} ({what}) between {a['ties']:,} and "
                f"{b['ties']:,} ties: measured."
            )
            continue
        found = cross[str(n)]
        if found["measured"] is None:
            words.append(
                f"The ratio does not fall towards {n}: no size at which {what} follows "
                "from these figures."
            )
            continue
        at = f"about {found['measured']:,.0f} ties"
        if gs < 1:
            at += (
                f" with Spark's exponent as measured, about {found['linear']:,.0f} with 1"
                if found["linear"] is not None
                else ", and never with 1"
            )
        words.append(
            f"If the exponents held, the ratio would reach {n} ({what}) at {at}: "
            "extrapolated, not measured."
        )
    if target is not None:
        spark = target["spark_s"]
        spark_words = f"{spark['measured'] / 60:,.0f} min"
        if gs < 1:
            spark_words = f"{spark['measured'] / 60:,.0f} to {spark['linear'] / 60:,.0f} min"
        longest = max(target["embedded_s"], *spark.values()) / 60
        words.append("")
        words.append(
            f"The issue's platform ({target['ties']:,} ties, 1 M people, 30 M traces) was "
            f"not run here: extrapolated the same way, the embedded engine would take about "
            f"{target['embedded_s'] / 60:,.0f} min and Spark local[2] {spark_words} on this "
            "machine"
            + (
                f" — up to {longest:,.0f} min, past the ten minutes a benchmark may take "
                "beside the other work on two shared cores."
                if longest > 10
                else ": within the ten minutes a benchmark may take here; run it."
            )
        )
    return words


if __name__ == "__main__":
    raise SystemExit(main())
