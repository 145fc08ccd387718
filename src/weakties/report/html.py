"""The network value report as one self-contained, printable HTML page.

:func:`render_html` turns the dict of :func:`weakties.report.value.network_report`
into a single HTML5 document: inline CSS, inline SVG bar charts, no script and
no external resource of any kind, so the page displays offline and prints
cleanly. Every string taken from the report is escaped; missing sections, empty
lists and null numbers render as "—" or "None." rather than failing.

Examples
--------
>>> page = render_html({"member": "Ann & Bo", "as_of": "2024-12-02"})
>>> page.startswith("<!DOCTYPE html>")
True
>>> "Ann &amp; Bo" in page
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from html import escape
from typing import Any, TypeGuard

from weakties.records import to_json
from weakties.report.model import NetworkReport
from weakties.words import score_sum

__all__ = ["render_html"]

_HEADLINE = (
    ("connections", "Connections", 0),
    ("address_book", "Address book", 0),
    ("only_messaged", "Only messaged", 0),
    ("invitations", "Invitations", 0),
    ("others", "Others", 0),
    ("strong", "Strong", 0),
    ("weak", "Weak", 0),
    ("dormant", "Dormant", 0),
    ("nominal", "Nominal", 0),
    ("second_degree", "2nd degree", 0),
    ("third_degree", "3rd degree", 0),
    ("constraint", "Constraint", 4),
    ("organisations", "Organisations", 0),
)
_LOWER_IS_BETTER = frozenset({"constraint", "dormant", "nominal"})
_PEOPLE = frozenset({"connections", "address_book", "only_messaged", "invitations", "others"})
_CLASSES = ("strong", "weak", "dormant", "nominal")
#: headline numbers that say nothing when the reach section has not enough data
_UNKNOWN_WITHOUT_REACH = ("second_degree", "third_degree")
_DEGREES = (
    ("first_degree", "1st degree"),
    ("second_degree", "2nd degree"),
    ("third_degree", "3rd degree"),
)
_BROKERAGE = (
    ("constraint", "Constraint", 4, "how closely your contacts are tied to each other"),
    ("effective_size", "Effective size", 1, "contacts who are not redundant"),
    ("efficiency", "Efficiency", 3, "effective size per contact"),
    ("hierarchy", "Hierarchy", 3, "how much the constraint rests on one contact"),
)
_SERIES_FILL = ("#2f5d8a", "#9bb7d4")

_CSS = """
:root{--ink:#1d2330;--muted:#5b6473;--rule:#d9dde3}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:52rem;margin:0 auto;padding:2rem 1.25rem 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2.25rem 0 .25rem;padding-bottom:.2rem;border-bottom:2px solid}
h3{font-size:1rem;margin:1.25rem 0 .25rem}
p{margin:.4rem 0}
.meta,.basis,.empty{color:var(--muted)}
.basis,.needs{font-size:.8rem;margin:.1rem 0 .6rem}
.needs{color:var(--muted)}
.missing{border-left:3px solid #b7791f;padding-left:.75rem}
.empty{font-style:italic}
.caveat{font-size:.85rem;color:var(--muted);border-left:3px solid var(--rule);padding-left:.75rem}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0;padding:0}
.stats div{flex:1 1 8rem;border:1px solid var(--rule);border-radius:4px;padding:.45rem .7rem}
.stats dt{font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.stats dd{margin:0;font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums}
.stats small{display:block;font-size:.75rem;font-weight:400;color:var(--muted)}
.delta{font-size:.8rem;font-weight:500;margin-left:.3rem}
.good{color:#1a7f37}.bad{color:#b42318}.flat{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--rule);vertical-align:top}
th{font-size:.72rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
border-bottom:1px solid var(--ink)}
.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
svg{display:block;width:100%;height:auto;margin:.4rem 0 1rem}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
@media (max-width:40rem){.pair{grid-template-columns:1fr}}
@media print{body{font-size:10.5pt}main{max-width:none;padding:0}
h2,h3,.basis{break-after:avoid}svg,tr,.stats div{break-inside:avoid}}
"""


def _text(value: Any, missing: str = "—") -> str:
    """Escape any value for HTML text or attributes; ``None`` becomes ``missing``."""
    return escape(missing if value is None else str(value))


def _num(value: Any, places: int = 0, *, signed: bool = False) -> str:
    """Format a number with thousands separators, at most ``places`` decimals.

    Integers keep no decimals, floats exactly ``places`` (so columns line up);
    negatives use a true minus sign, a signed zero reads "±0". ``None`` and NaN
    come back as "—", anything else as its text. The result is plain text:
    escape it (:func:`_num_html`) before putting it in markup.

    >>> _num(12345), _num(0.01284, 4), _num(6.5, 1), _num(-3, signed=True), _num(None)
    ('12,345', '0.0128', '6.5', '−3', '—')
    >>> _num(-0.0004, 3, signed=True), _num(-0.0004, 3)
    ('±0.000', '0.000')
    """
    if not _finite(value):
        return "—" if isinstance(value, float | None) else str(value)
    if signed and value == 0:
        return "±0"
    out = f"{value:,.{places}f}" if isinstance(value, float) else f"{value:,}"
    zero = not out.strip("-0.,")  # rounds to zero at these places
    if zero:
        return ("±" if signed else "") + out.lstrip("-")
    if out.startswith("-"):
        return "−" + out[1:]
    return "+" + out if signed else out


def _num_html(value: Any, places: int = 0, *, signed: bool = False) -> str:
    """:func:`_num`, escaped for HTML."""
    return escape(_num(value, places, signed=signed))


def _basis(section: Mapping[str, Any]) -> str:
    """The small "computed from" note of a section (empty without a basis), and
    what the section needs when it says so."""
    basis = section.get("basis")
    needs = section.get("needs")
    return (f'<p class="basis">Computed from: {_text(basis)}</p>' if basis else "") + (
        f'<p class="needs">Needs: {_text(needs)}</p>' if needs else ""
    )


def _finite(value: Any) -> TypeGuard[float]:
    """Whether ``value`` is a real, finite number (not ``None``, NaN or a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fill(series: int) -> str:
    return _SERIES_FILL[series % len(_SERIES_FILL)]


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def _bar_chart(
    items: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    series: Sequence[str] = (),
    notes: Sequence[str] = (),
    places: int = 0,
) -> str:
    """A horizontal bar chart as inline, accessible SVG.

    Parameters
    ----------
    items
        ``(label, values)`` per row; one bar per value (several make a group).
    title
        The chart's accessible name (its ``<title>``).
    series
        Names of the values of a row, shown as a legend when there are two or more.
    notes
        Optional text per row, printed after the value of its last bar.
    places
        Decimals of the value labels.

    Returns
    -------
    str
        An ``<svg>`` element sized by its ``viewBox``; bar widths are proportional
        to the values (the longest bar is the largest value, null draws no bar).
    """
    if not items:
        return '<p class="empty">No data.</p>'
    values = [[v if _finite(v) else None for v in row] for _, row in items]
    top = max([float(v) for row in values for v in row if v is not None] + [0.0])
    captions = [[_num_html(v, places) for v in row] for row in values]
    for i, note in enumerate(notes[: len(items)]):
        if note and captions[i]:
            captions[i][-1] += f"  {_text(note)}"
    labels = [label if len(label) <= 30 else label[:29] + "…" for label, _ in items]
    label_w = min(230.0, 16 + 6.6 * max(len(label) for label in labels))
    tail_w = min(280.0, 16 + 6.2 * max((len(c) for row in captions for c in row), default=1))
    width, bar, gap = 640, 16, 4
    span = width - label_w - tail_w
    legend = len(series) > 1
    top_y = 24 if legend else 4
    row_h = max(len(row) for row in values) * (bar + gap) + 8
    height = top_y + len(items) * row_h
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_text(title)}" '
        'font-family="system-ui,sans-serif" font-size="12">'
        f"<title>{_text(title)}</title>"
    ]
    if legend:
        for j, name in enumerate(series):
            x = label_w + j * 150
            parts.append(
                f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{_fill(j)}"/>'
                f'<text x="{x + 18:.1f}" y="14" fill="#333">{_text(name)}</text>'
            )
    for i, (full, _) in enumerate(items):
        y0 = top_y + i * row_h
        mid = y0 + (len(values[i]) * (bar + gap) - gap) / 2 + 4
        parts.append(
            f'<text x="{label_w - 8:.1f}" y="{mid:.1f}" text-anchor="end" fill="#1d2330">'
            f"<title>{_text(full)}</title>{_text(labels[i])}</text>"
        )
        for j, value in enumerate(values[i]):
            y = y0 + j * (bar + gap)
            w = span * max(float(value), 0.0) / top if value is not None and top > 0 else 0.0
            if value is not None:
                parts.append(
                    f'<rect x="{label_w:.1f}" y="{y}" width="{w:.2f}" height="{bar}" '
                    f'fill="{_fill(j)}"/>'
                )
            parts.append(
                f'<text x="{label_w + w + 6:.2f}" y="{y + bar - 4}" fill="#333" '
                f'xml:space="preserve">{captions[i][j]}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    *,
    numeric: Collection[int] = (),
    empty: str = "None.",
) -> str:
    """An HTML table; every cell is escaped text (``None`` shows as "—").

    Parameters
    ----------
    rows
        Cell values per row, already formatted (see :func:`_num`) where needed.
    headers
        Column headings.
    numeric
        Indices of the columns to right-align.
    empty
        What to show instead of a table without rows.
    """
    if not rows:
        return f'<p class="empty">{_text(empty)}</p>'

    def cell(tag: str, i: int, value: Any) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<{tag}{cls}>{_text(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: the heading of a listed tie's score as it adds up (``ties --explain``'s parts)
_WHY = "How the score adds up (log-odds; strength = 1 / (1 + e^−total))"


def _sum(why: Any) -> str:
    """A listed tie's score as it adds up, every part in words (— without one)."""
    return score_sum(why) if isinstance(why, Mapping) and why.get("parts") is not None else "—"


def _name(entry: Mapping[str, Any]) -> str:
    name = entry.get("name")
    return str(name) if name else "(no name)"


def _headline(report: Mapping[str, Any]) -> str:
    head = _map(report.get("headline"))
    change = _map(report.get("change"))
    deltas = _map(change.get("deltas"))
    cards = []
    # one's own export holds no contact's ties: the degrees beyond the first are
    # not known (the Reach section says why), not zero
    reach_missing = bool(_map(report.get("reach")).get("missing"))
    for key, label, places in _HEADLINE:
        if key in _PEOPLE and head.get(key) is None:
            continue  # a report from before people were counted this way
        if reach_missing and key in _UNKNOWN_WITHOUT_REACH:
            cards.append(f'<div><dt>{label}</dt><dd class="unknown">not known</dd></div>')
            continue
        delta = ""
        if change:
            d = deltas.get(key)
            if _finite(d):
                good = (d < 0) if key in _LOWER_IS_BETTER else (d > 0)
                mood = "flat" if d == 0 else ("good" if good else "bad")
                delta = f'<span class="delta {mood}">{_num_html(d, places, signed=True)}</span>'
            else:
                delta = '<span class="delta flat">n/a</span>'
        cards.append(
            f"<div><dt>{label}</dt><dd>{_num_html(head.get(key), places)}{delta}</dd></div>"
        )
    since = (
        f'<p class="meta">Change since the report of {_text(change.get("since"))} shown next '
        "to each number.</p>"
        if change
        else ""
    )
    return f'<dl class="stats">{"".join(cards)}</dl>{since}'


def _classes(report: Mapping[str, Any]) -> str:
    section = _map(report.get("classes"))
    counts = _map(section.get("counts"))
    chart = _bar_chart(
        [(k.capitalize(), [counts.get(k)]) for k in _CLASSES], title="Ties per class"
    )
    layers = _list(section.get("layers"))
    layer_chart = (
        _bar_chart(
            [(f"Layer {_num(row.get('layer'))}", [row.get("ties")]) for row in layers],
            title="Ties per Dunbar layer",
            notes=[
                f"ties · median contacts last year: {_num(row.get('median_contacts_last_year'), 1)}"
                for row in layers
            ],
        )
        if layers or not section.get("layers_missing")
        else f'<p class="missing">{_text(section.get("layers_missing"))}</p>'
    )
    caveat = section.get("layers_caveat")
    lines = _map(section.get("strong_from"))
    line = (
        "<p>"
        + _text(", ".join(f"strong from {v:.4g} ({k})" for k, v in lines.items() if _finite(v)))
        + "</p>"
        if lines
        else ""
    )
    return (
        f'<section id="classes"><h2>Tie classes</h2>{_basis(section)}{chart}{line}</section>'
        f'<section id="layers"><h2>Dunbar layers</h2>{_basis(section)}{layer_chart}'
        + (f'<p class="caveat">{_text(caveat)}</p>' if caveat else "")
        + "</section>"
    )


def _reach(report: Mapping[str, Any]) -> str:
    section = _map(report.get("reach"))
    declared, inferred = _map(section.get("declared")), _map(section.get("with_inferred"))
    rows = [(label, _num(declared.get(k)), _num(inferred.get(k))) for k, label in _DEGREES]
    chart = _bar_chart(
        [(label, [declared.get(k), inferred.get(k)]) for k, label in _DEGREES],
        title="People reached per degree, declared and with inferred ties",
        series=("Declared", "With inferred ties"),
    )
    counted = section.get("second_degree_counted_only")
    note = (
        f"<p>{_num_html(counted)} second-degree people are visible to you as a count only, "
        "without names.</p>"
        if counted
        else ""
    )
    table = _table(rows, ["Degree", "Declared", "With inferred ties"], numeric=(1, 2))
    return f'<section id="reach"><h2>Reach</h2>{_basis(section)}{chart}{table}{note}</section>'


def _diversity(report: Mapping[str, Any]) -> str:
    section = _map(report.get("diversity"))
    known = _map(section.get("known"))
    orgs = _map(section.get("organisations"))
    chart = _bar_chart(
        [(str(t.get("name") or "(unknown)"), [t.get("people")]) for t in _list(orgs.get("top"))],
        title="People per organisation, most common organisations",
    )
    rows = []
    for key in ("organisations", "industries", "locations"):
        d = _map(section.get(key))
        top = ", ".join(
            f"{t.get('name')} ({_num(t.get('people'))})" for t in _list(d.get("top"))[:3]
        )
        short = d.get("missing")
        rows.append(
            (
                key.capitalize(),
                f"{_num(known.get(key))} of {_num(known.get('of'))}",
                _num(d.get("distinct")),
                "—" if short else _num(d.get("entropy_bits"), 2),
                "—" if short else _num(d.get("evenness"), 2),
                str(short) if short else (top or "—"),
            )
        )
    table = _table(
        rows,
        ["", "Known for", "Distinct", "Entropy (bits)", "Evenness", "Most common"],
        numeric=(1, 2, 3, 4),
    )
    return (
        f'<section id="diversity"><h2>Diversity</h2>{_basis(section)}'
        f"<h3>Top organisations</h3>{chart}{table}"
        '<p class="meta">Evenness is entropy divided by its maximum: 1 means contacts '
        "spread evenly over all values, 0 all in one.</p></section>"
    )


def _brokerage(report: Mapping[str, Any]) -> str:
    section = _map(report.get("brokerage"))
    cards = "".join(
        f"<div><dt>{label}</dt><dd>{_num_html(section.get(key), places)}"
        f"<small>{hint}</small></dd></div>"
        for key, label, places, hint in _BROKERAGE
    )
    reading = section.get("reading")
    return (
        f'<section id="brokerage"><h2>Brokerage</h2>{_basis(section)}'
        f'<dl class="stats">{cards}</dl>'
        + (f"<p>Reading: {_text(reading)}</p>" if reading else "")
        + "</section>"
    )


def _circles(report: Mapping[str, Any]) -> str:
    section = _map(report.get("circles"))
    rows = []
    for c in _list(section.get("circles")):
        tie = _map(c.get("strongest_tie"))
        names = c.get("organisations")
        orgs = ", ".join(str(o) for o in names if o) if isinstance(names, list) else ""
        rows.append(
            (
                _num(c.get("size")),
                orgs or "—",
                _name(tie) if tie else "—",
                _num(tie.get("score"), 2),
                _sum(tie.get("why")),
            )
        )
    circles = _table(
        rows, ["People", "Organisations", "Strongest tie", "Score", _WHY], numeric=(0, 3)
    )
    only = _map(section.get("only_way_in"))
    brokers = _table(
        [
            (_name(b), _num(b.get("people")), _num(b.get("strength"), 2), _sum(b.get("why")))
            for b in _list(only.get("brokers"))
        ],
        ["Contact", "People only they connect you to", "Tie strength", _WHY],
        numeric=(1, 2),
    )
    return (
        f'<section id="circles"><h2>Circles</h2>{_basis(section)}{circles}'
        f"<h3>Only way in</h3>{_basis(only)}"
        f"<p>{_num_html(only.get('people'))} second-degree people you reach through one "
        f"contact only.</p>{brokers}</section>"
    )


def _dormant(report: Mapping[str, Any]) -> str:
    section = _map(report.get("dormant"))
    rows = [
        (
            _name(t),
            _num(t.get("contacts")),
            _num(t.get("years_since"), 1),
            _num(t.get("months_active")),
            _sum(t.get("why")),
        )
        for t in _list(section.get("worth_reconnecting"))
    ]
    table = _table(
        rows,
        ["Name", "Contacts", "Years since last contact", "Months active", _WHY],
        numeric=(1, 2, 3),
    )
    return (
        f'<section id="dormant"><h2>Dormant ties worth reconnecting</h2>{_basis(section)}'
        f"<p>{_num_html(section.get('count'))} dormant ties; the formerly strongest first.</p>"
        f"{table}</section>"
    )


def _decaying(report: Mapping[str, Any]) -> str:
    section = _map(report.get("decaying"))
    rows = []
    for t in _list(section.get("ties")):
        was, now = t.get("a_year_ago"), t.get("now")
        drop = _num(now - was, 3, signed=True) if _finite(was) and _finite(now) else "—"
        rows.append(
            (
                _name(t),
                _num(was, 3),
                _num(now, 3),
                drop,
                _sum(t.get("why")),
                _sum(t.get("why_a_year_ago")),
            )
        )
    table = _table(
        rows,
        ["Name", "Strength a year ago", "Now", "Change", _WHY, "How it added up a year ago"],
        numeric=(1, 2, 3),
    )
    return (
        f'<section id="decaying"><h2>Decaying ties</h2>{_basis(section)}'
        f"<p>{_num_html(section.get('count'))} ties lost strength over the year.</p>"
        f"{table}</section>"
    )


def _reciprocity(report: Mapping[str, Any]) -> str:
    section = _map(report.get("reciprocity"))
    given, received = _map(section.get("given")), _map(section.get("received"))
    kinds = _table(
        [
            (str(k).capitalize(), _num(given.get(k, 0)), _num(received.get(k, 0)))
            for k in sorted(set(given) | set(received), key=str)
        ],
        ["Kind", "Given", "Received"],
        numeric=(1, 2),
    )
    owe, owed = (
        _table(
            [(_name(t), _num(t.get("balance"))) for t in _list(section.get(key))],
            ["Name", "Balance"],
            numeric=(1,),
        )
        for key in ("you_owe", "owe_you")
    )
    balance = section.get("balance")
    reading = ""
    if _finite(balance) and balance:
        more, less = ("given", "received") if balance > 0 else ("received", "given")
        reading = f" — you have {more} more than you have {less}"
    return (
        f'<section id="reciprocity"><h2>Reciprocity</h2>{_basis(section)}{kinds}'
        "<p>Balance, given minus received (weighted): "
        f"<strong>{_num_html(balance, signed=True)}</strong>{reading}.</p>"
        f'<div class="pair"><div><h3>You owe</h3>{owe}</div>'
        f"<div><h3>Owe you</h3>{owed}</div></div></section>"
    )


def _short(report: Mapping[str, Any], key: str, title: str) -> str:
    """A section whose data falls short: its heading, what it needs and what is
    missing (how to get it) instead of figures that would say nothing; empty
    when the section has what it needs."""
    section = _map(report.get(key))
    if not section.get("missing"):
        return ""
    return (
        f'<section id="{key}"><h2>{title}</h2>'
        f'<p class="needs">Needs: {_text(section.get("needs"))}</p>'
        f'<p class="missing">{_text(section.get("missing"))}</p></section>'
    )


_SECTIONS: tuple[tuple[str, str, Callable[[Mapping[str, Any]], str]], ...] = (
    ("classes", "Tie classes", _classes),
    ("reach", "Reach", _reach),
    ("diversity", "Diversity", _diversity),
    ("brokerage", "Brokerage", _brokerage),
    ("circles", "Circles", _circles),
    ("dormant", "Dormant ties worth reconnecting", _dormant),
    ("decaying", "Decaying ties", _decaying),
    ("reciprocity", "Reciprocity", _reciprocity),
)


def render_html(typed: NetworkReport | Mapping[str, Any]) -> str:
    """Render a network value report as one self-contained HTML page.

    Parameters
    ----------
    typed
        The report of :func:`weakties.report.value.network_report`, or its JSON
        form (sections may be missing, lists empty and numbers null).

    Returns
    -------
    str
        An HTML5 document with inline CSS and SVG charts: headline numbers (with
        the change since the previous report when present), tie classes, Dunbar
        layers, reach, diversity, brokerage, circles, dormant and decaying ties
        and reciprocity, each with the data it is computed from.
    """
    report: Mapping[str, Any] = typed if isinstance(typed, Mapping) else to_json(typed)
    title = (
        f"Network value report — {_text(report.get('member'))}, as of {_text(report.get('as_of'))}"
    )
    model = report.get("model")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>{title}</h1>"
        + (f'<p class="meta">Tie strength model: {_text(model)}</p>' if model else "")
        # how the date was chosen ("as of the day after your newest export"): the
        # page says it as the terminal does
        + (f'<p class="note">{_text(report.get("note"))}</p>' if report.get("note") else "")
        + _headline(report)
        + "</header>"
        + "".join(_short(report, key, title) or render(report) for key, title, render in _SECTIONS)
        + "</main></body></html>\n"
    )
