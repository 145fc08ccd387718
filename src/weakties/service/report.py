"""The network value report and the first look at a network, for one member."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from weakties.records import build, to_json
from weakties.report.model import NetworkReport
from weakties.service.context import Viewer, person_of, reader
from weakties.store import write
from weakties.store.reader import Reader

__all__ = ["NetworkReport", "Overview", "network_report", "overview"]


def network_report(
    conn: Connection, who: Viewer, *, remember: bool = True, reader: Reader | None = None
) -> NetworkReport:
    """The member's network value report at ``who.when`` (classes, layers, reach,
    diversity, brokerage, circles, dormant and decaying ties, reciprocity), with
    what changed since the last remembered report of an earlier date.

    With ``remember``, its headline numbers are kept for the next report; a
    report never replaces a remembered report of a later date.

    The people the viewer is not shown (a block either way, a suspended member:
    :func:`weakties.service.social.hidden_people`) are not in it, in no list and
    no count, even where the viewer's own imported data holds them: the report
    is read through :func:`weakties.service.social.shown_reader`. The rule is the
    same for every face (page, API, command line), so that the figures of one
    member and date are the same everywhere.

    ``reader`` is that reader when the caller reads more through it (the
    dashboard: the headline of a month before), so that what both read is read
    once.
    """
    from weakties.report.value import network_report as compute
    from weakties.service.social import shown_reader

    person_of(who)
    r = shown_reader(conn, who) if reader is None else reader
    stored = r.member_setting("report")
    previous = _previous(stored, f"report:{who.member_id}") if stored else None
    report = compute(r, who.label, as_of=who.as_of, previous=previous)
    if who.note:
        report = dataclasses.replace(report, note=who.note)
    if remember and (previous is None or previous["as_of"] <= report.as_of):
        payload = {"as_of": report.as_of, "headline": to_json(report.headline)}
        write.save_member_setting(r, "report", json.dumps(payload))
    return report


def _previous(stored: str, key: str) -> dict[str, Any] | None:
    """The remembered report (``{"as_of": "YYYY-MM-DD", "headline": {name: number}}``),
    or None, with one warning, when the setting does not read as one."""
    from weakties.store.damaged import finite, ignored_setting

    try:
        previous = json.loads(stored)
        headline = previous["headline"]
        dt.date.fromisoformat(previous["as_of"])
        sound = isinstance(headline, dict) and all(
            v is None or finite(v) for v in headline.values()
        )
    except (ValueError, KeyError, TypeError):
        sound = False
    if sound:
        return dict(previous)
    ignored_setting(
        key,
        stored,
        "the remembered report",
        "this report shows no change since it, and is remembered in its place",
    )
    return None


@dataclass(frozen=True, slots=True)
class TopContact:
    id: int
    name: str | None
    messages: int
    company: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class TopOrganisation:
    org: str
    first_degree: int
    second_degree: int


@dataclass(frozen=True, slots=True)
class CareerMove:
    id: int
    kind: str
    date: str | None
    person_id: int
    person: str | None
    found_in: str | None
    detail: dict[str, Any]
    text: str


@dataclass(frozen=True, slots=True)
class Overview:
    """The first look at a network: who, where, through whom, what changed."""

    viewer: str
    members: list[str]
    counts: dict[str, int]
    explain: dict[str, str]
    top_contacts: list[TopContact]
    top_organisations: list[TopOrganisation]
    recent_career_moves: list[CareerMove]


def overview(conn: Connection, who: Viewer, *, top: int = 8) -> Overview:
    """Counts, most-contacted people, reachable organisations, recent career moves."""
    from weakties.report.overview import network_overview
    from weakties.service.social import cards, hidden_members

    person_of(who)
    r = reader(conn, who)
    # a block hides each one from the other, though their own data holds them
    hidden = cards(conn, hidden_members(conn, who)).values()
    gone = {card.handle for card in hidden}
    members = [m["handle"] for m in r.members() if m["handle"] not in gone]
    found = network_overview(
        r, who.label, members, top=top, hidden={card.person_id for card in hidden}
    )
    return build(Overview, found)
