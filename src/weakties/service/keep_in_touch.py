"""Keep in touch: reminders driven by the measured decay of each tie.

A member keeps in touch with each Dunbar layer at a cadence of their own
(defaults: the closest 5 every two weeks, the 15 monthly, the 50 quarterly, the
150 yearly; outer layers never). A tie is *due* when the time since the last
contact (the tie model's own ``days_since_contact``, from every trace the member
may see) is beyond its layer's cadence. Each reminder says why, from the real
traces: the last contact and its date, the cadence it is past, the person's
career events since then ("moved to Acme in March 2026"), and for a dormant tie
at an organisation the member follows or targets, that it is there.

Layers follow the classes (:func:`weakties.ties.strength.score_ties`): the
closest 5 and 15 are strong ties only, a weak tie is in the 50 or further out.
Silence is what makes a strong tie weak, so a tie is reminded at the cadence
of the closest layer it held now or a quarter before (``LOOKBACK_DAYS``, the
same model scoring both dates) when that was a strong tie's layer (the 5 or
the 15): a strong tie that went weak because nobody wrote is still due at its
former layer's cadence ("in your closest 5 on DATE"), not left to wait for the
50's quarter. After a quarter of weak silence it is past the 50's default
cadence anyway. A weak tie whose rank others' ties moved (from the 50 to the
150) keeps its layer of today: the change was not its own.

Dormant ties (no contact for three years after regular contact: Levin, Walter &
Murnighan 2011) are in no layer; those at the member's targets come first,
formerly closest first. Then the layer ties, the most overdue (time since
contact over cadence) first.

A connection made on the platform counts as a contact on the day it was made:
both members chose it. So a platform connection that never exchanged a message
is not left out as a nominal tie (in no layer) forever — it is kept at the
outermost layer's cadence (the 150: yearly by default; never if the member
switched that layer off), counted from the connection day, and its reminder says
"connected on DATE, no message since". A connection renewed on the platform after
older contact counts from the newer of the two days.

The member answers a reminder by snoozing it until a day, or dismissing it: a
dismissal counts as a contact ("we were in touch another way"), so the next
reminder about that person comes one cadence later. Cadences are the member's
setting ``keep_in_touch``; answers are rows of ``touch_reminder``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from weakties.errors import NotFoundError
from weakties.model.kinds import CAREER_KINDS
from weakties.model.tables import Tie, TouchReminder, utcnow
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of, reader
from weakties.service.forms import N_, FormError
from weakties.store.reader import Reader

if TYPE_CHECKING:
    from weakties.ties.strength import TieScores

__all__ = [
    "DEFAULT_CADENCES",
    "LAYERS",
    "Cadence",
    "KeepInTouch",
    "Reminder",
    "ReminderReason",
    "cadences",
    "dismiss",
    "reminders",
    "restore",
    "set_cadences",
    "snooze",
]

#: the layers a member keeps in touch with, and their default cadence in days
DEFAULT_CADENCES: dict[int, int] = {5: 14, 15: 30, 50: 91, 150: 365}
LAYERS = tuple(DEFAULT_CADENCES)
MAX_CADENCE = 3650
MAX_SNOOZE = 730
#: a tie is reminded at the cadence of the closest layer it held now or this long before
LOOKBACK_DAYS = 91
#: a dormant tie at a target is reminded again this long after a dismissal
DORMANT_CADENCE = 365
#: career events older than this are not news any more
NEWS_DAYS = 730
SETTING = "keep_in_touch"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often the member keeps in touch with one Dunbar layer (``days`` None: never)."""

    layer: int
    days: int | None
    default: int


@dataclass(frozen=True, slots=True)
class ReminderReason:
    """One reason for a reminder, in words (``text``) and as facts for other languages.

    Kinds: ``last_contact`` (``days``, ``date``), ``no_contact``, ``connected``
    (``date``: a platform connection, no message since), ``cadence``
    (``layer``, ``cadence_days``), ``closer_before`` (``layer``, ``date``: the
    closer layer the tie held a quarter before, whose cadence applies),
    ``career_move`` / ``started_job`` / ``title_change`` / ``left_company``
    (``org``, ``title``, ``date``),
    ``at_target`` (``org``, ``why``: follow or target), ``dormant`` (``days``,
    ``contacts``: exchanges before).
    """

    kind: str
    text: str
    date: dt.date | None = None
    days: float | None = None
    layer: int | None = None
    cadence_days: int | None = None
    org: str | None = None
    title: str | None = None
    why: str | None = None
    contacts: int | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """Someone to get back in touch with, and why."""

    id: int
    name: str | None
    handle: str | None
    klass: str = field(metadata={"json": "class"})
    layer: int | None
    days_since_contact: float | None
    last_contact: dt.date | None
    cadence_days: int | None
    overdue: float
    at_target: bool
    reasons: list[ReminderReason]
    snoozed_until: dt.date | None = None
    dismissed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class KeepInTouch:
    """The viewer's due reminders (first to answer first) and the snoozed ones."""

    viewer: str
    as_of: str
    cadences: list[Cadence]
    due: list[Reminder]
    snoozed: list[Reminder]
    note: str | None = None


# -- cadences ------------------------------------------------------------------------


def _stored(r: Reader) -> dict[int, int | None]:
    raw = r.member_setting(SETTING)
    found: dict[int, int | None] = dict(DEFAULT_CADENCES)
    if raw:
        for key, value in json.loads(raw).items():
            if int(key) in found:
                found[int(key)] = None if value is None else int(value)
    return found


def cadences(conn: Connection, who: Viewer) -> list[Cadence]:
    """The viewer's cadence for each layer (their own, else the default)."""
    person_of(who)
    stored = _stored(reader(conn, who))
    return [Cadence(layer, stored[layer], DEFAULT_CADENCES[layer]) for layer in LAYERS]


def set_cadences(conn: Connection, who: Viewer, values: dict[str, str | None]) -> list[Cadence]:
    """Save the viewer's cadences from a form: ``cadence_5`` ... ``cadence_150``, each
    a number of days (1 to 3650) or empty for no reminders about that layer. A
    field left out keeps its value.

    Raises
    ------
    FormError
        A value that is not a whole number of days in range (the field named);
        nothing is saved then.
    """
    person_of(who)
    r = reader(conn, who)
    current = _stored(r)
    errors: dict[str, str] = {}
    for layer in LAYERS:
        name = f"cadence_{layer}"
        if name not in values:
            continue
        text = (values[name] or "").strip()
        if not text:
            current[layer] = None
            continue
        try:
            days = int(text)
        except ValueError:
            errors[name] = N_("Give a whole number of days, or leave it empty for no reminders.")
            continue
        if not 1 <= days <= MAX_CADENCE:
            errors[name] = N_("A cadence is from 1 to 3650 days.")
            continue
        current[layer] = days
    if errors:
        raise FormError(errors)
    from weakties.store.write import save_member_setting

    save_member_setting(r, SETTING, json.dumps({str(k): v for k, v in current.items()}))
    return [Cadence(layer, current[layer], DEFAULT_CADENCES[layer]) for layer in LAYERS]


# -- reminders -----------------------------------------------------------------------


def _states(conn: Connection, member_id: int) -> dict[int, Any]:
    rows = conn.execute(
        select(
            TouchReminder.person_id, TouchReminder.snoozed_until, TouchReminder.dismissed_on
        ).where(TouchReminder.member_id == member_id)
    )
    return {int(row.person_id): row for row in rows}


def _career_reason(event: dict[str, Any]) -> ReminderReason:
    detail = event["detail"]
    to, before = detail.get("to") or {}, detail.get("from") or {}
    kind = event["kind"]
    when = dt.date.fromisoformat(event["date"]) if event["date"] else None
    month = f" in {MONTHS[when.month - 1]} {when.year}" if when else ""
    if kind == "left_company":
        org = before.get("org")
        return ReminderReason(kind, f"left {org}{month}", date=when, org=org)
    org, title = to.get("org"), to.get("title")
    if kind == "title_change":
        text = f"new title at {org}: {title}{month}"
    elif kind == "started_job":
        text = f"started at {org}{month}"
    else:
        text = f"moved to {org}{month}"
    return ReminderReason(kind, text, date=when, org=org, title=title)


def _ago(days: float) -> str:
    from weakties.ties.strength import ago

    return ago(days)


def _connected_on(conn: Connection, who: Viewer, today: dt.date) -> dict[int, dt.date]:
    """Person -> the day of the viewer's live platform connection with them (the
    tie the accepted invitation wrote in the viewer's own data), made on or
    before ``today`` (one made later did not exist yet on that date)."""
    me = person_of(who)
    if who.member_id is None:
        return {}
    rows = conn.execute(
        select(Tie.person_a_id, Tie.person_b_id, Tie.since).where(
            Tie.source == "platform",
            Tie.asserted_by == who.member_id,
            Tie.ended_at.is_(None),
            (Tie.person_a_id == me) | (Tie.person_b_id == me),
        )
    )
    return {
        (b if a == me else a): since.date()
        for a, b, since in rows
        if since is not None and since.date() <= today
    }


def kept_layer(now: int, then: int) -> int:
    """The layer whose cadence a tie in layer ``now`` (0: none) is reminded at,
    having been in ``then`` a quarter before: the closer of the two if ``then`` was
    a strong tie's (the 5 or the 15) — silence makes a tie weaker — else ``now``
    (a weak tie that others' ties moved from the 50 to the 150 is not reminded at
    the 50's cadence for it).

    >>> kept_layer(50, 5), kept_layer(150, 15), kept_layer(150, 50), kept_layer(0, 5)
    (5, 15, 150, 0)
    """
    from weakties.ties.strength import WEAK_INNERMOST

    return then if now and 0 < then < min(now, WEAK_INNERMOST) else now


def _layers_before(r: Reader, scores: TieScores, when: dt.datetime) -> dict[int, int]:
    """Person -> the Dunbar layer of the viewer's tie with them on an earlier day,
    scored by the same model as ``scores`` (so that a change of layer is the
    tie's, not the model's); empty when no tie is in a layer now."""
    from weakties.ties.strength import score_ties

    assert scores.layer is not None
    if not scores.layer.any():
        return {}
    then = score_ties(r, as_of=when, model=scores.model, fitted=scores.fit)
    assert then.layer is not None
    return {then.other(i): int(then.layer[i]) for i in range(len(then)) if then.layer[i]}


def reminders(conn: Connection, who: Viewer) -> KeepInTouch:
    """The viewer's keep-in-touch reminders as of ``who.when`` (see the module doc),
    never about a member with a block between them and the viewer, or suspended."""
    from weakties.service.social import hidden_people
    from weakties.ties.strength import score_ties

    me = person_of(who)
    hidden = hidden_people(conn, who)  # though the viewer's own data may hold them
    r = reader(conn, who)
    today = who.when.date()
    stored = _stored(r)
    scores = score_ties(r, as_of=who.as_of)
    layers = scores.layer
    assert layers is not None
    before = _layers_before(r, scores, who.when - dt.timedelta(days=LOOKBACK_DAYS))
    table = scores.table.values
    watched = r.watched()
    first = r.first_degree()
    at_watched = r.current_at(watched) if watched else {}
    org_names = r.org_names({oid for oid, _ in at_watched.values()})
    states = _states(conn, member_of(who))
    connected = _connected_on(conn, who, today)
    outermost = stored.get(LAYERS[-1])
    picked: list[tuple[int, int, float, bool, int | None, int, int]] = []
    for i in range(len(scores)):
        pid = scores.other(i)
        if pid == me or pid in hidden:
            continue
        layer = int(layers[i])
        kept = kept_layer(layer, before.get(pid, 0))
        klass = str(scores.classes[i])
        days = float(table["days_since_contact"][i])
        dormant_target = klass == "dormant" and pid in at_watched and pid in first
        cadence = DORMANT_CADENCE if dormant_target else stored.get(kept)
        on = connected.get(pid)
        if on is not None and not dormant_target and not layer:
            layer = kept = LAYERS[-1]  # chosen, then silent: the outer layer
            cadence = outermost
        if cadence is None:
            continue
        state = states.get(pid)
        since = days
        if on is not None:  # the connection's day counts as a contact
            joined = float((today - on).days)
            since = joined if math.isnan(since) else min(since, joined)
        # a dismissal counts as a contact on its day
        if state is not None and state.dismissed_on is not None:
            after = float((today - state.dismissed_on).days)
            since = after if math.isnan(since) else min(since, after)
        due = math.isnan(since) or since > cadence
        if not due:
            continue
        overdue = (since / cadence) if not math.isnan(since) else math.inf
        picked.append((i, pid, overdue, dormant_target, cadence if kept else None, kept, layer))
    ids = [p[1] for p in picked]
    names = r.names(ids)
    handles = r.member_handles()
    news: dict[int, list[dict[str, Any]]] = {}
    if ids:
        wanted = set(ids)
        for event in r.events(
            kinds=list(CAREER_KINDS),
            since=today - dt.timedelta(days=NEWS_DAYS),
            until=today,
            hide=hidden,  # nor a move found in a hidden member's data
        ):
            if event["person_id"] in wanted:
                news.setdefault(event["person_id"], []).append(event)
    due_list: list[tuple[tuple[Any, ...], Reminder]] = []
    snoozed: list[tuple[tuple[Any, ...], Reminder]] = []
    for i, pid, overdue, dormant_target, cadence, kept, layer in picked:
        days = float(table["days_since_contact"][i])
        contacts = int(table["contacts"][i])
        known = not math.isnan(days)
        last = (who.when - dt.timedelta(days=days)).date() if known else None
        reasons: list[ReminderReason] = []
        if dormant_target:
            oid, title = at_watched[pid]
            org = org_names.get(oid)
            why = "target" if watched[oid].startswith("you target") else "follow"
            reasons.append(
                ReminderReason(
                    "at_target",
                    f"works at {org}" + (f" ({title})" if title else "") + f" — {watched[oid]}",
                    org=org,
                    title=title,
                    why=why,
                )
            )
            reasons.append(
                ReminderReason(
                    "dormant",
                    f"dormant: no contact for {days / 365.25:.1f} years after {contacts} exchanges",
                    days=round(days, 1),
                    contacts=contacts,
                )
            )
        on = connected.get(pid)
        if on is not None and (last is None or on > last):
            reasons.append(
                ReminderReason(
                    "connected",
                    f"connected on {on.isoformat()}, no message since",
                    date=on,
                )
            )
        if known and last is not None:
            reasons.append(
                ReminderReason(
                    "last_contact",
                    f"last contact {_ago(days)} ({last.isoformat()})",
                    date=last,
                    days=round(days, 1),
                )
            )
        elif on is None:
            reasons.append(ReminderReason("no_contact", "no contact recorded yet"))
        if cadence is not None and not dormant_target and kept != layer:
            day = (who.when - dt.timedelta(days=LOOKBACK_DAYS)).date()
            reasons.append(
                ReminderReason(
                    "closer_before",
                    f"in your closest {kept} on {day.isoformat()}",
                    date=day,
                    layer=kept,
                )
            )
        if cadence is not None and not dormant_target:
            reasons.append(
                ReminderReason(
                    "cadence",
                    f"you keep in touch with your closest {kept} every {cadence} days",
                    layer=kept,
                    cadence_days=cadence,
                )
            )
        for event in news.get(pid, [])[:2]:
            if last is None or (event["date"] and event["date"] >= last.isoformat()):
                reasons.append(_career_reason(event))
        state = states.get(pid)
        until = state.snoozed_until if state is not None else None
        reminder = Reminder(
            id=pid,
            name=names.get(pid),
            handle=handles.get(pid),
            klass=str(scores.classes[i]),
            layer=layer or None,
            days_since_contact=round(days, 1) if known else None,
            last_contact=last,
            cadence_days=DORMANT_CADENCE if dormant_target else cadence,
            overdue=round(overdue, 2) if math.isfinite(overdue) else -1.0,
            at_target=dormant_target,
            reasons=reasons,
            snoozed_until=until if until and until > today else None,
            dismissed_on=state.dismissed_on if state is not None else None,
        )
        key = (0 if dormant_target else 1, -contacts if dormant_target else 0, -overdue, pid)
        (snoozed if reminder.snoozed_until else due_list).append((key, reminder))
    due_list.sort(key=lambda kv: kv[0])
    snoozed.sort(key=lambda kv: (kv[1].snoozed_until, kv[0]))
    return KeepInTouch(
        viewer=who.label,
        as_of=who.when.date().isoformat(),
        cadences=[Cadence(layer, stored[layer], DEFAULT_CADENCES[layer]) for layer in LAYERS],
        due=[rem for _, rem in due_list],
        snoozed=[rem for _, rem in snoozed],
        note=who.note,
    )


# -- answers -------------------------------------------------------------------------


def _tie_of(conn: Connection, who: Viewer, person_id: int) -> int:
    """``person_id`` if the viewer has a tie or a conversation with them (and no
    block stands between them)."""
    from weakties.service.social import hidden_people

    r = reader(conn, who)
    me = person_of(who)
    if person_id != me and r.may_show(person_id) and person_id not in hidden_people(conn, who):
        if person_id in r.first_degree():
            return person_id
        if any(person_id in pair for pair in r.ego_partners(me, who.when)):
            return person_id
    raise NotFoundError(f"no tie with person #{person_id}")


def _save(conn: Connection, member_id: int, person_id: int, **values: Any) -> None:
    done = conn.execute(
        update(TouchReminder)
        .where(TouchReminder.member_id == member_id, TouchReminder.person_id == person_id)
        .values(updated_at=utcnow(), **values)
    ).rowcount
    if not done:
        conn.execute(
            insert(TouchReminder).values(
                member_id=member_id, person_id=person_id, updated_at=utcnow(), **values
            )
        )


def snooze(conn: Connection, who: Viewer, person_id: int, until: str | dt.date) -> dt.date:
    """Hide the reminder about ``person_id`` until the day ``until`` (ISO date),
    after today and at most two years ahead.

    Raises
    ------
    NotFoundError
        No tie with this person.
    FormError
        ``until`` is not such a day (field ``until``).
    """
    _tie_of(conn, who, person_id)
    today = who.when.date()
    if isinstance(until, dt.date):
        day = until
    else:
        try:
            day = dt.date.fromisoformat((until or "").strip())
        except ValueError:
            raise FormError.one("until", N_("Give a day as YYYY-MM-DD.")) from None
    if not today < day <= today + dt.timedelta(days=MAX_SNOOZE):
        raise FormError.one("until", N_("Snooze until a day after today, at most two years ahead."))
    _save(conn, member_of(who), person_id, snoozed_until=day)
    return day


def dismiss(conn: Connection, who: Viewer, person_id: int) -> dt.date:
    """Dismiss the reminder about ``person_id``: counted as a contact today.

    Raises
    ------
    NotFoundError
        No tie with this person.
    """
    _tie_of(conn, who, person_id)
    today = who.when.date()
    _save(conn, member_of(who), person_id, dismissed_on=today, snoozed_until=None)
    return today


def restore(conn: Connection, who: Viewer, person_id: int) -> None:
    """Forget the viewer's snooze and dismissal about ``person_id``.

    Raises
    ------
    NotFoundError
        No tie with this person.
    """
    _tie_of(conn, who, person_id)
    conn.execute(
        delete(TouchReminder).where(
            TouchReminder.member_id == member_of(who),
            TouchReminder.person_id == person_id,
        )
    )
