"""People you may know on the synthetic world, on rolling temporal splits.

    python evaluation/pymk_eval.py        # writes evaluation/results/pymk.md and .json

Real data first: SNAP CollegeMsg is evaluated by ``rolling_eval.py``. This is the
synthetic world (weakties.synth, 3,000 people) — **generated from the model's own
assumptions**: its ties form between colleagues, classmates and group members,
exactly the shared places the ranker reads, so a method that reads places is
bound to do well here. It says that the code uses places as intended, not that
places predict ties among real people.

Protocol (the one ``rolling_eval.py`` uses for CollegeMsg): a tie of the world
is a first contact on its ``since`` date; places are the employers, schools and
groups each person holds at the date. At each cut (six months apart over the
last two years of the world) every method sees the ties and places before the
cut; positives are the pairs that form a tie within the next 30 days. The
fitted ranker is fitted on earlier cuts only (``weakties model fit --as-of``).
A random hold-out of edges would make every method look excellent (AUC near
0.99): only temporal splits are reported. The 95 % intervals resample the world's
people, not pairs, one draw for every cut (as ``rolling_eval.py`` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rolling_eval as rolling
import stats

from weakties.opportunity.pymk_model import PlaceSpans
from weakties.ties.history import DAY, Traces

HERE = Path(__file__).resolve().parent
CUTS_DAYS_BEFORE_END = (730, 548, 365, 183)


def seconds(day: dt.date | None) -> float:
    if day is None:
        return float("nan")
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=dt.UTC).timestamp()


def world_arrays(n_people: int, seed: int):  # type: ignore[no-untyped-def]
    from weakties.synth import generate

    world = generate(n_people=n_people, seed=seed)
    a = np.array([t.a for t in world.ties])
    b = np.array([t.b for t in world.ties])
    since = np.array([seconds(t.since) for t in world.ties])
    traces = Traces.of(a, b, since)
    n_orgs = len(world.orgs)
    person = [p.person for p in world.positions] + [m.person for m in world.memberships]
    place = [p.org for p in world.positions] + [n_orgs + m.group for m in world.memberships]
    start = [seconds(p.start) for p in world.positions] + [
        seconds(m.since) for m in world.memberships
    ]
    end = [seconds(p.end) for p in world.positions] + [float("nan")] * len(world.memberships)
    spans = PlaceSpans(
        np.array(person, dtype=np.int64),
        np.array(place, dtype=np.int64),
        np.array(start),
        np.array(end),
    )
    return world, traces, spans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "pymk")
    parser.add_argument(
        "--markdown-only", action="store_true", help="rewrite OUT.md from OUT.json, run nothing"
    )
    args = parser.parse_args()
    if args.markdown_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        args.out.with_suffix(".md").write_text(markdown(saved) + "\n")
        return
    world, traces, spans = world_arrays(args.people, args.seed)
    end = seconds(world.end)
    first = float(traces.t[0])
    results = []
    for days in CUTS_DAYS_BEFORE_END:
        cut = end - days * DAY
        r = rolling.pymk_cut(traces, first, cut, args.seed, spans=spans)
        results.append(r)
        print(
            f"cut {rolling._day(cut)}: {r['people']} people, {r['positives']} new ties", flush=True
        )
    # intervals: people resampled, one draw for every cut (rolling_eval.py's docstring)
    people = stats.People.draw(np.random.default_rng(args.seed), rolling.population(traces))
    summary = rolling.summarize_pymk(results, people)
    out = {
        "command": f"python evaluation/pymk_eval.py --seed {args.seed} --people {args.people}",
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
        "generated_world": True,
        "cuts_days_before_end": list(CUTS_DAYS_BEFORE_END),
        "pymk": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(out, indent=2))
    text = markdown(out)
    args.out.with_suffix(".md").write_text(text + "\n")
    print(text)


def markdown(out: dict) -> str:
    return "\n".join(
        [
            "# People you may know on the synthetic world (generated)",
            "",
            f"`{out['command']}` — Python {out['python']}, {out['date']}. Protocol in the "
            "script's docstring; real data: [rolling.md](rolling.md).",
            "",
            "**Generated from the model's own assumptions**: the world's ties form among "
            "people who share employers, schools and groups — what the ranker reads. These "
            "figures show the code uses places as intended; they are no evidence about real "
            "networks.",
            "",
            *rolling.pymk_table(out["pymk"], places=True),
        ]
    )


if __name__ == "__main__":
    main()
