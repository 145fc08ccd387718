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
    conn: Connection, who: Viewer, report: NetworkReport
) -> tuple[MonthChange | None, str | None]:
    from weakties.report.value import network_headline
    from weakties.service.social import shown_reader
    from weakties.ties.strength import choose_model

    r = shown_reader(conn, who)  # the report's own rule: the hidden are not in it
    since = dt.datetime.fromisoformat(report.as_of) - MONTH
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


def _dashboard(conn: Connection, who: Viewer, organisations: int) -> Dashboard:
    from weakties.report.overview import network_overview
    from weakties.service.report import network_report
    from weakties.service.social import hidden_people

    report = network_report(conn, who, remember=False)
    month, note = _month_change(conn, who, report)
    r = reader(conn, who)
    hidden = hidden_people(conn, who)  # a block hides each one from the other
    found = network_overview(r, who.label, [], top=organisations, hidden=hidden)
    orgs = build_list(OrgReachRow, found["top_organisations"])
    if who.note and report.note is None:
        report = dataclasses.replace(report, note=who.note)
    since = (dt.datetime.fromisoformat(report.as_of) - MONTH).date().isoformat()
    return Dashboard(report, month, note, orgs, since)
