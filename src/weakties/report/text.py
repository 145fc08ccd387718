"""The network value report for the terminal (Rich): the same sections, short."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from weakties.records import to_json
from weakties.report.model import NetworkReport
from weakties.words import (
    counted,
    first_degree_words,
    format_line,
    format_strength,
    score_sum,
)

__all__ = ["print_report"]

#: headline numbers that say nothing when the reach section has not enough data
_UNKNOWN_WITHOUT_REACH = ("second_degree", "third_degree")


def _n(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _basis(console: Console, text: str) -> None:
    console.print(f"  [dim]computed from: {escape(text)}[/]")


def _kinds_counted(counts: Mapping[str, int]) -> str:
    """Traces counted by kind, each kind in the number's words.

    >>> _kinds_counted({"endorsement": 30, "recommendation": 1}), _kinds_counted({})
    ('30 endorsements, 1 recommendation', 'nothing')
    """
    return ", ".join(counted(n, kind, f"{kind}s") for kind, n in counts.items()) or "nothing"


def _section(console: Console, title: str, section: Mapping[str, Any]) -> bool:
    """A section's heading and what it needs; False (and why) when the data falls
    short — its figures would say nothing, so they are not shown."""
    console.print(f"\n[bold]{escape(title)}[/]")
    if section.get("needs"):
        console.print(f"  [dim]needs: {escape(section['needs'])}[/]")
    if section.get("missing"):
        console.print(f"  [yellow]{escape(section['missing'])}[/]")
        return False
    return True


def _grid(title: str, headers: list[str], rows: list[list[Any]]) -> Table:
    grid = Table(title=Text(title) if title else None, title_justify="left", show_lines=False)
    for h in headers:
        grid.add_column(h)
    for row in rows:
        grid.add_row(*[Text(_n(v)) for v in row])  # names as written, never markup
    return grid


#: the parts of a listed tie's score the terminal names (the rest as one sum)
WHY_PARTS = 3


def _why(console: Console, entries: list[Mapping[str, Any]], *, then: bool = False) -> None:
    """How each listed tie's score adds up (``ties --explain``'s decomposition), one
    line each; with ``then``, also a year ago's, and the part that fell most."""
    if any(x.get("why") for x in entries):
        console.print("  [dim]how each score adds up (log-odds; strength = 1 / (1 + e^−total)):[/]")
    for x in entries:
        why = x.get("why")
        if not why:
            continue
        name = x.get("name") or f"#{x['id']}"
        console.print(f"  {name}: {score_sum(why, WHY_PARTS)}", markup=False, soft_wrap=True)
        before = x.get("why_a_year_ago") if then else None
        if before:
            console.print(
                f"    a year ago: {score_sum(before, WHY_PARTS)}", markup=False, soft_wrap=True
            )
            fell = _fell_most(before, why)
            if fell:
                console.print(f"    fell most: {fell}", markup=False, soft_wrap=True)


def _fell_most(before: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """The part of a score that fell most over the year, in words (now's)."""
    was = {p["feature"]: p["push"] for p in before.get("parts") or []}
    parts = {p["feature"]: p for p in now.get("parts") or []}
    changes = {f: parts.get(f, {}).get("push", 0.0) - was.get(f, 0.0) for f in {*was, *parts}}
    if not changes:
        return None
    feature = min(changes, key=lambda f: (changes[f], f))
    if changes[feature] >= 0:
        return None
    text = parts[feature]["text"] if feature in parts else feature
    return f"{text} ({changes[feature]:+.2f})".replace("-", "−")


def print_report(typed: NetworkReport | Mapping[str, Any], console: Console) -> None:
    """Print every section of :func:`weakties.report.value.network_report`."""
    report: Any = typed if isinstance(typed, Mapping) else to_json(typed)
    console.rule(
        f"[bold]Network value report — {escape(report['member'])}, as of {report['as_of']}"
    )
    head = report["headline"]
    change = (report.get("change") or {}).get("deltas") or {}
    people = report.get("people")
    lines: list[tuple[str, ...]] = [
        ("strong", "weak", "dormant", "nominal", "second_degree", "third_degree")
    ]
    if people:
        lines.insert(0, ("connections", "address_book", "only_messaged", "invitations", "others"))
    # one's own export holds no contact's ties: the degrees beyond the first are
    # not known (the Reach section says why), not zero
    unknown = set(_UNKNOWN_WITHOUT_REACH) if (report.get("reach") or {}).get("missing") else set()
    for n, keys in enumerate(lines):
        parts = []
        for key in keys:
            if key in unknown:
                parts.append(f"{key.replace('_', ' ')} [bold]not known[/]")
                continue
            delta = change.get(key)
            tail = f" ({delta:+,})" if isinstance(delta, int | float) and delta else ""
            parts.append(f"{key.replace('_', ' ')} [bold]{_n(head.get(key))}[/]{tail}")
        lead = f"{counted(people['total'], 'person', 'people')}: " if people and n == 0 else ""
        console.print("  " + lead + " · ".join(parts))
    if report.get("change"):
        console.print(f"  [dim](changes since the report of {report['change']['since']})[/]")

    classes = report["classes"]
    if _section(console, "Ties by strength", classes):
        counts = classes["counts"]
        total = max(sum(counts.values()), 1)
        for name in ("strong", "weak", "dormant", "nominal"):
            bar = "█" * round(40 * counts[name] / total)
            console.print(f"  {name:<8} {counts[name]:>6,} {bar}")
        if classes.get("strong_from"):
            console.print(
                "  "
                + ", ".join(
                    f"strong from {format_line(v)} ({k} model)"
                    for k, v in classes["strong_from"].items()
                ),
                markup=False,
            )
        _basis(console, classes["basis"])
        if classes["layers"]:
            console.print(
                _grid(
                    "Dunbar layers",
                    ["layer", "ties", "median contacts last year"],
                    [
                        [x["layer"], x["ties"], x["median_contacts_last_year"]]
                        for x in classes["layers"]
                    ],
                )
            )
            console.print(f"  [dim]{escape(classes['layers_caveat'])}[/]")
        elif classes.get("layers_missing"):
            console.print(f"  Dunbar layers: [yellow]{escape(classes['layers_missing'])}[/]")

    reach = report["reach"]
    if _section(console, "Reach", reach):
        for label, key in (("declared ties", "declared"), ("with inferred ties", "with_inferred")):
            r = reach[key]
            console.print(
                f"  {label:<19} {r['first_degree']:>6,} 1st  {r['second_degree']:>7,} 2nd  "
                f"{r['third_degree']:>8,} 3rd degree"
            )
        people = report.get("people")
        if people:
            first = reach["declared"]["first_degree"]
            words = first_degree_words(first, people["connections"], people["address_book"])
            console.print(f"  1st degree: {words}", markup=False)
        _basis(console, reach["basis"])

    div = report["diversity"]
    if _section(console, "Diversity", div):
        for key in ("organisations", "industries", "locations"):
            d = div[key]
            if d.get("missing"):
                console.print(f"  {key:<14} [yellow]{escape(d['missing'])}[/]")
                continue
            top = ", ".join(f"{t['name']} ({t['people']})" for t in d["top"][:4])
            console.print(
                f"  {key:<14} {d['distinct']:>5,} distinct, entropy {d['entropy_bits']:.2f} "
                f"bits, evenness {d['evenness']:.2f}  {escape(top)}"
            )
        _basis(console, div["basis"])

    b = report["brokerage"]
    if _section(console, "Brokerage (Burt)", b):
        console.print(
            f"  constraint {_n(b['constraint'], 3)}, effective size "
            f"{_n(b['effective_size'], 1)}, efficiency {_n(b['efficiency'], 3)}, "
            f"hierarchy {_n(b['hierarchy'], 3)}"
        )
        console.print(f"  [dim]{escape(b['reading'])}[/]")
        _basis(console, b["basis"])

    circles = report["circles"]
    if _section(console, "Your circles", circles):
        console.print(
            _grid(
                "",
                ["people", "organisations", "strongest tie", "strength"],
                [
                    [
                        c["size"],
                        ", ".join(c["organisations"]),
                        c["strongest_tie"]["name"],
                        format_strength(c["strongest_tie"]["score"]),
                    ]
                    for c in circles["circles"]
                ],
            )
        )
        _why(console, [c["strongest_tie"] for c in circles["circles"]])
        way = circles["only_way_in"]
        if way["brokers"]:
            console.print(
                _grid(
                    f"Your only way to {counted(way['people'], 'person', 'people')}",
                    ["through", "people only they connect you to", "your tie"],
                    [
                        [x["name"], x["people"], format_strength(x["strength"])]
                        for x in way["brokers"]
                    ],
                )
            )
            _why(console, way["brokers"])
        _basis(console, circles["basis"])

    dormant = report["dormant"]
    title = f"Dormant ties worth reconnecting ({dormant['count']:,} dormant)"
    if _section(console, title, dormant):
        if dormant["worth_reconnecting"]:
            console.print(
                _grid(
                    "",
                    ["name", "contacts", "years since", "months active"],
                    [
                        [x["name"], x["contacts"], x["years_since"], x["months_active"]]
                        for x in dormant["worth_reconnecting"]
                    ],
                )
            )
            _why(console, dormant["worth_reconnecting"])
        else:
            console.print("  none: no tie formerly regular is silent for three years")
        _basis(console, dormant["basis"])
    decaying = report["decaying"]
    if _section(console, f"Decaying ties ({decaying['count']:,})", decaying):
        if decaying["ties"]:
            console.print(
                _grid(
                    "",
                    ["name", "a year ago", "now"],
                    [
                        [x["name"], format_strength(x["a_year_ago"]), format_strength(x["now"])]
                        for x in decaying["ties"]
                    ],
                )
            )
            _why(console, decaying["ties"], then=True)
        else:
            console.print("  none: no tie strong a year ago lost much strength since")
        _basis(console, decaying["basis"])
    rec = report["reciprocity"]
    if _section(console, "Reciprocity", rec):
        given, received = _kinds_counted(rec["given"]), _kinds_counted(rec["received"])
        console.print(f"  given: {given}; received: {received}; balance {rec['balance']:+,}")
        if rec["you_owe"]:
            console.print(
                "  you owe: " + ", ".join(f"{x['name']} ({x['balance']})" for x in rec["you_owe"]),
                markup=False,
            )
        _basis(console, rec["basis"])
