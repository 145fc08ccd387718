"""Outreach as a member does it: asks for introductions (if etiquette allows),
their outcomes, targets, "do not ask" marks, the etiquette rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from weakties.errors import InputError, RefusedError
from weakties.model.kinds import ASK_PURPOSES
from weakties.records import build_list
from weakties.service.context import Viewer, person_of, reader
from weakties.service.social import shown_reader
from weakties.store import write

if TYPE_CHECKING:
    from weakties.opportunity.etiquette import Limits

__all__ = [
    "AskOutcome",
    "AskRecorded",
    "AskRow",
    "DoNotAskMark",
    "TargetChange",
    "TargetRow",
    "add_target",
    "ask",
    "asks",
    "do_not_ask",
    "etiquette",
    "not_to_be_asked",
    "outcome",
    "remove_target",
    "set_do_not_ask_me",
    "set_rule",
    "targets",
]


@dataclass(frozen=True, slots=True)
class AskRecorded:
    """An ask put in the ledger (the etiquette allowed it), with the draft sent."""

    id: int
    broker: str
    asked_at: str
    draft: str | None
    refused: bool = False


@dataclass(frozen=True, slots=True)
class AskRow:
    """One ask of the ledger, with its effective status (an open ask unanswered for
    three weeks counts as unanswered)."""

    id: int
    status: str
    recorded_status: str
    purpose: str
    asked_on: str
    closed_on: str | None
    broker_id: int
    broker: str | None
    target_id: int | None
    target: str | None
    org: str | None


@dataclass(frozen=True, slots=True)
class AskOutcome:
    id: int
    status: str
    was: str


@dataclass(frozen=True, slots=True)
class DoNotAskMark:
    """A "do not ask" mark: for the viewer themself it holds for every member."""

    person_id: int
    holds_for: str | None
    changed: bool


@dataclass(frozen=True, slots=True)
class TargetRow:
    id: int
    org: str | None
    person: str | None
    purpose: str
    since: str


@dataclass(frozen=True, slots=True)
class TargetChange:
    id: int | None
    added: bool
    purpose: str


def _purpose(purpose: str) -> None:
    if purpose not in ASK_PURPOSES:
        raise InputError(f"purpose must be one of {', '.join(ASK_PURPOSES)}")


def ask(
    conn: Connection,
    who: Viewer,
    broker: str,
    *,
    target: str | None = None,
    org: str | None = None,
    purpose: str = "job",
    text: str | None = None,
    text_file: Path | None = None,
    lang: str = "en",
) -> AskRecorded:
    """Record an ask for an introduction, if etiquette allows it; the request's
    words (``text``, a file, else the draft) are fingerprinted, never stored.

    Raises
    ------
    InputError
        The ask names nobody it is for (neither ``target`` nor ``org``).
    RefusedError
        With every rule the ask breaks and the day it becomes possible.
    """
    from weakties.opportunity.etiquette import ask_fingerprint, check_ask
    from weakties.service.opportunities import draft_text

    _purpose(purpose)
    person_of(who)
    r = shown_reader(conn, who)  # nobody the viewer is not shown is asked, or asked for
    b = r.find_person(broker)
    if not target and not org:
        # the per-target rules (one open ask per target) need one, and so does
        # the broker: an introduction is to someone
        name = r.names([b]).get(b) or f"#{b}"
        raise InputError(
            f"say whom you ask {name} to introduce you to: --for PERSON (the person you "
            "want to meet) or --org ORG (where you want to meet someone); an ask for "
            "nobody is not recorded"
        )
    t = r.find_person(target) if target else None
    org_id = r.find_org(org) if org else None
    drafted = None
    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot read the request: {exc.strerror}", file=str(text_file)
            ) from None
    elif text is None and t is not None:
        drafted = text = draft_text(conn, who, b, t, purpose=purpose, lang=lang)
    when = r.clock
    # From here to the insert, the ledger is held: twelve asks at once are
    # checked one after the other, each seeing the asks recorded before it.
    write.hold_ledger(r)
    decision = check_ask(r, b, target=t, org=org_id, text=text, now=when)
    name = r.names([b]).get(b) or f"#{b}"
    if not decision.allowed:
        raise RefusedError(f"not asking {name}:\n" + decision.message(), decision.reasons_json())
    ask_id = write.insert_ask(
        r,
        broker_id=b,
        target_person_id=t,
        target_org_id=org_id,
        purpose=purpose,
        text_hash=ask_fingerprint(r, text, b, t) if text else None,
        text_length=len(text or ""),
        asked_at=when,
    )
    return AskRecorded(ask_id, name, when.isoformat(), drafted)


def asks(conn: Connection, who: Viewer) -> list[AskRow]:
    """The viewer's asks, newest first."""
    from weakties.opportunity.etiquette import list_asks

    return build_list(AskRow, list_asks(reader(conn, who)))


def outcome(conn: Connection, who: Viewer, ask_id: int, result: str) -> AskOutcome:
    """Record how an ask ended (introduced, declined, no-answer, withdrawn); an
    outcome is final."""
    from weakties.opportunity.etiquette import closing

    r = reader(conn, who)
    write.hold_ledger(r)  # an outcome is recorded once, even by two commands at once
    value, was = closing(r, ask_id, result)
    write.close_ask(r, ask_id, value, r.clock)
    return AskOutcome(ask_id, value, was)


def do_not_ask(
    conn: Connection,
    who: Viewer,
    query: str,
    *,
    reason: str | None = None,
    lift: bool = False,
) -> DoNotAskMark:
    """Mark a person as not to be asked for introductions (``me``: the viewer, for
    every member), or lift the viewer's mark."""
    me = person_of(who)
    r = reader(conn, who)
    pid = me if query in ("me", "myself") else r.find_person(query)
    write.hold_ledger(r)
    changed = write.mark_do_not_ask(r, pid, reason=reason, lift=lift)
    holds = None if lift else ("every member" if pid == me else who.label)
    return DoNotAskMark(pid, holds, changed)


DO_NOT_ASK_REASON_MAX = 200


def not_to_be_asked(conn: Connection, who: Viewer) -> tuple[bool, str | None]:
    """Whether the viewer asked not to be asked for introductions (their own mark,
    which holds for every member), and the reason they gave."""
    me = person_of(who)
    for pid, themself, reason in reader(conn, who).do_not_ask_marks([me]):
        if pid == me and themself:
            return True, reason
    return False, None


def set_do_not_ask_me(conn: Connection, who: Viewer, on: bool, reason: str | None = None) -> None:
    """Switch the viewer's own "do not ask me to introduce" on (with an optional
    reason, which only the viewer's contacts read when they ask) or off: the mark
    :func:`do_not_ask` sets for ``me``. Switched on, "who can introduce" never
    proposes the viewer as a broker and a request through them is refused with the
    rule.

    Raises
    ------
    FormError
        A reason too long or with control characters (``reason``).
    """
    from weakties.service.forms import N_, FormError, has_control_characters

    reason = (reason or "").strip() or None
    if reason is not None and has_control_characters(reason):
        raise FormError.one("reason", N_("Remove the control characters."))
    if reason is not None and len(reason) > DO_NOT_ASK_REASON_MAX:
        raise FormError.one("reason", N_("The reason has at most 200 characters."))
    was_on, was_reason = not_to_be_asked(conn, who)
    if was_on and (not on or reason != was_reason):
        do_not_ask(conn, who, "me", lift=True)
    if on and not (was_on and reason == was_reason):
        do_not_ask(conn, who, "me", reason=reason)


def targets(conn: Connection, who: Viewer) -> list[TargetRow]:
    """The organisations and people the viewer targets."""
    return [
        TargetRow(t.id, t.org, t.person, t.purpose, t.created_at.date().isoformat())
        for t in reader(conn, who).targets()
    ]


def add_target(conn: Connection, who: Viewer, what: str, *, purpose: str = "job") -> TargetChange:
    """Target an organisation or a person (``org:`` or ``person:`` to be explicit);
    the feed watches it."""
    from weakties.opportunity.targets import resolve_to

    _purpose(purpose)
    r = reader(conn, who)
    spec = resolve_to(r, what)
    done = write.add_target(
        r,
        org_id=spec.org_ids[0] if spec.org_ids else None,
        person_id=spec.person_id,
        purpose=purpose,
    )
    return TargetChange(done["id"], done["added"], purpose)


def remove_target(conn: Connection, who: Viewer, what: str) -> bool:
    """Stop targeting an organisation or a person; False if it was not a target."""
    from weakties.opportunity.targets import resolve_to

    r = reader(conn, who)
    spec = resolve_to(r, what)
    return write.remove_target(
        r, org_id=spec.org_ids[0] if spec.org_ids else None, person_id=spec.person_id
    )


def etiquette(conn: Connection, who: Viewer) -> Limits:
    """The viewer's etiquette rules (:class:`weakties.opportunity.etiquette.Limits`)."""
    from weakties.opportunity.etiquette import load_limits

    return load_limits(reader(conn, who))


def set_rule(conn: Connection, who: Viewer, rule: str, value: str) -> Limits:
    """Change one etiquette rule (a number, ``off``, or on/off for
    ``contacts_only``); returns the rules as they now are."""
    from weakties.opportunity.etiquette import load_limits, with_rule

    r = reader(conn, who)
    write.hold_ledger(r)  # two changes at once both count
    limits = with_rule(load_limits(r, lenient=True), rule, value)
    write.save_member_setting(r, "etiquette", json.dumps(limits.as_dict()))
    return limits
