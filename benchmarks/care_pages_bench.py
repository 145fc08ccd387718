"""Care pages benchmark: keep in touch, the person brief, people you may know,
opportunities and opinion leaders for a member with 5,000 contacts.

    flock /work/.bench.lock .venv/bin/python benchmarks/care_pages_bench.py   # ~3 min

The store is the one of ``network_pages_bench.py`` (one member, N contacts as
declared connections, a quarter with messages, ties among contacts in 20 circles),
with every tenth contact made a member too (so that opinion leaders has members to
rank). In-process and warm (one call first, then ``--repeat`` timed calls), the
service call behind each page, as the viewer ``ego``:

- ``reminders`` — ``/network/keep-in-touch`` (every tie scored, layers, reasons);
- ``person_brief`` — ``/in/<handle>/brief`` for the contact-member with the most
  ties among the viewer's contacts (shared places, conversations, mutual contacts
  with both sides scored);
- ``people_you_may_know`` — ``/network/people-you-may-know``, computed now (no
  batch results configured);
- ``opportunities_page`` — ``/network/opportunities`` (no career events in this
  store: the feed's scan of ties and traces only);
- ``opinion_leaders`` — ``/network/opinion-leaders`` (the viewer's graph, a
  two-step search, every member within it ranked).

Figures: median and p95 in milliseconds, with ``os.getloadavg()`` at the start and
the end: figures from a busy machine are to be rerun quiet. Results go to
benchmarks/results/care_pages.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from network_pages_bench import RESULTS, _timed, build_store


def run(contacts: int, repeat: int) -> dict[str, Any]:
    from sqlalchemy import func, insert, or_, select

    from weakties.model.tables import Member, Tie
    from weakties.service import brief, discover, keep_in_touch, leaders, transaction, viewer

    out: dict[str, Any] = {"contacts": contacts, "load_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store, among, traces = build_store(Path(tmp) / "bench.sqlite", contacts)
        members = list(range(2, contacts + 2, 10))
        with transaction(store) as conn:
            # after the members the store has (the viewer, and the peer of the
            # network pages' freshness figure)
            first = conn.execute(select(func.max(Member.id))).scalar_one() + 1
            conn.execute(
                insert(Member),
                [
                    {"id": first + k, "handle": f"m{pid}", "person_id": pid}
                    for k, pid in enumerate(members)
                ],
            )
            busiest = max(
                members[:200],
                key=lambda pid: conn.execute(
                    select(func.count())
                    .select_from(Tie)
                    .where(or_(Tie.person_a_id == pid, Tie.person_b_id == pid))
                ).scalar_one(),
            )
        out["store"] = {
            "ties_among_contacts": among,
            "messages": traces,
            "members": len(members) + 1,
            "build_s": round(time.perf_counter() - start, 1),
            "brief_about": f"m{busiest}",
        }

        def in_tx(fn: Any, *args: Any, **kw: Any) -> Any:
            def call() -> Any:
                with transaction(store) as conn:
                    return fn(conn, viewer(conn, "ego"), *args, **kw)

            return call

        service = {
            "reminders": _timed(in_tx(keep_in_touch.reminders), repeat),
            "person_brief": _timed(in_tx(brief.person_brief, f"m{busiest}"), repeat),
            "people_you_may_know": _timed(in_tx(discover.people_you_may_know), repeat),
            "opportunities_page": _timed(in_tx(discover.opportunities_page), repeat),
            "opinion_leaders": _timed(in_tx(leaders.opinion_leaders), repeat),
        }
        with transaction(store) as conn:
            who = viewer(conn, "ego")
            out["sizes"] = {
                "reminders_due": len(keep_in_touch.reminders(conn, who).due),
                "brief_mutual": brief.person_brief(conn, who, f"m{busiest}").mutual_total,
                "leaders_within_two_steps": leaders.opinion_leaders(conn, who).within_two_steps,
            }
        out["service"] = service
    out["load_end"] = os.getloadavg()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.contacts, args.repeat)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "care_pages.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# Care pages: a member with {result['contacts']:,} contacts "
        f"(load {result['load_start'][0]:.1f} → {result['load_end'][0]:.1f})",
        "",
        f"Store: {result['store']}",
        f"Sizes: {result['sizes']}",
        "",
        "| service call | median ms | p95 ms | runs |",
        "| --- | --- | --- | --- |",
    ]
    for name, t in result["service"].items():
        lines.append(f"| {name} | {t['median_ms']} | {t['p95_ms']} | {t['runs']} |")
    (RESULTS / "care_pages.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
