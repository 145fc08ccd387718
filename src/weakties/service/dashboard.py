"""The "My network" dashboard: the value report, its change over a month, and the
organisations the member reaches — what the ``/network`` page and
``/api/v1/network`` show.

The report is :func:`weakties.service.report.network_report` unchanged (the page's
figures are the figures of ``weakties report --json`` for the same member and
date). The month's change compares it with the report of the network as it stood
thirty days earlier; when the member had no tie then, there is no history to
compare with and :attr:`Dashboard.month` is None with the reason in
:attr:`Dashboard.month_note` (in English, for the API; a page writes it in the
member's language from :attr:`Dashboard.month_before`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

from weakties.records import build_list, to_json
from weakties.report.model import NetworkReport
from weakties.service.context import Viewer, person_of, reader
from weakties.store.reader import Reader

__all__ = ["MONTH", "Dashboard", "MonthChange", "OrgReachRow", "dashboard"]

#: how far back "since last month" looks
MONTH = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class MonthChange:
    """The headline numbers' change since the network as it stood on ``since``."""

    since: str
    then: dict[str, float | None]
    deltas: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class OrgReachRow:
    """An organisation where the member's first and second degree work now."""

    org: str
    first_degree: int
    second_degree: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the "My network" page shows about the value of the network.

    ``month_before`` is the day the month's change starts from (ISO date), with
    or without a change to show."""

    report: NetworkReport
    month: MonthChange | None
    month_note: str | None
    organisations: list[OrgReachRow]
    month_before: str


def _month_change(
    who: Viewer, report: NetworkReport, r: Reader
) -> tuple[MonthChange | None, str | None]:
    """The change of the report's headline since a month before, read through
    the report's own reader ``r`` (the report's rule: the hidden are not in it)."""
    from weakties.report.value import network_headline
    from weakties.ties.strength import choose_model

    since = _month_before(report.as_of)
    # the month before is scored with the model that scored the report: the
    # change is the network's, not a change of model
    same = choose_model(r, when=who.as_of or r.now)
    # its headline only: the month's change shows none of its lists
    then = network_headline(r, as_of=since, model=same)
    if then["ties"] == 0:
        return None, (
            f"no change to show: you had no tie on {since.date().isoformat()}, "
            "a month before this report"
        )
    now = to_json(report.headline)
    deltas = {
        k: None if v is None or then.get(k) is None else round(v - then[k], 4)
        for k, v in now.items()
    }
    return MonthChange(since.date().isoformat(), then, deltas), None


def dashboard(conn: Connection, who: Viewer, *, organisations: int = 12) -> Dashboard:
    """The member's value report, its change since a month before, and the
    organisations where their first and second degree work now (ranked as the
    network overview ranks them: one first-degree person weighs as three
    second-degree ones).

    The report is not remembered (reading a page changes nothing); the
    report's own ``change`` still compares with the last report remembered by
    ``weakties report``.
    """
    from weakties.service.live import memo

    person_of(who)
    key = ("dashboard", organisations)
    return memo(conn, who, key, lambda: _dashboard(conn, who, organisations))


def _month_before(as_of: str) -> dt.datetime:
    """The date the month's change starts from, for a report of ``as_of`` (ISO)."""
    return dt.datetime.fromisoformat(as_of) - MONTH


def _dashboard(conn: Connection, who: Viewer, organisations: int) -> Dashboard:
    from weakties.report.overview import network_overview
    from weakties.report.value import read_ties
    from weakties.service.report import network_report
    from weakties.service.social import hidden_people, shown_reader

    shown = shown_reader(conn, who)
    # the report and the month before's headline read the network at two dates:
    # one read of the ties serves both
    day = (who.as_of or shown.now).date().isoformat()
    read_ties(shown, report=who.as_of, headlines=[_month_before(day)])
    report = network_report(conn, who, remember=False, reader=shown)
    month, note = _month_change(who, report, shown)
    r = reader(conn, who)
    hidden = hidden_people(conn, who)  # a block hides each one from the other
    found = network_overview(r, who.label, [], top=organisations, hidden=hidden)
    orgs = build_list(OrgReachRow, found["top_organisations"])
    if who.note and report.note is None:
        report = dataclasses.replace(report, note=who.note)
    since = (dt.datetime.fromisoformat(report.as_of) - MONTH).date().isoformat()
    return Dashboard(report, month, note, orgs, since)
