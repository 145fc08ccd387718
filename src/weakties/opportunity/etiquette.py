"""Outreach etiquette, enforced: the ledger of asks and the rules that refuse one too many.

A member's reputation is what an introduction spends. The rules below are on by
default; each can be changed per member (``weakties etiquette set``), and a
refusal always says which rule, why, and from which day the ask becomes
possible (or that it never will, for a "do not ask").

=========================  =======  ==================================================
rule                       default  meaning
=========================  =======  ==================================================
``contacts_only``          on       ask only your own contacts: asking a stranger for an
                                    introduction is solicitation
``open_per_broker``        1        open asks at a time through the same person
``open_per_target``        1        open asks at a time for the same target (asking
                                    several people for the same favour at once)
``no_answer_after_days``   21       an open ask this old (in days) counts as unanswered
``cooldown_no_answer_days`` 30      wait after an unanswered ask before asking again
``cooldown_declined_days`` 90       wait after a "no"
``rest_after_intro_days``  14       wait after an introduction before the next favour
``asks_per_week``          5        asks in any seven days, all brokers together
``same_text_recipients``   1        people who may receive the same words (a year)
=========================  =======  ==================================================

Platform messages have one rule of their own, not a member's to change: the
same words to more than 5 members in a sliding day are refused as a mass
mailing (``same_message_recipients``, :func:`check_message_burst`), with the
moment they could go to another member.

A person can also be marked "do not ask": by themselves (their own member
account; it holds for every member) or by a member on their behalf (it holds
for that member). Such a person is never asked, neither as a broker nor as a
target. The reason a person gives for their own mark is read by their
contacts only: anyone else is refused with the rule, not the reason.

The rules follow the human, not the record: every record that may be the same
person as the broker or the target (linked by an open match proposal) carries
its marks, waits and open asks. A rejected proposal says "two people" and links
nothing; an accepted one was merged. One open ask per target holds for a target
organisation too.

Waits are counted in calendar days of the database's clock (:func:`data_now`):
an ask refused "until 2027-01-12" is possible from the first minute of that day.
An outcome is recorded once, on an ask still open (a late answer to an ask
that lapsed as unanswered may still be recorded); withdrawing an ask does not
undo it — the broker read it — so a withdrawal rests the broker like an
introduction, or like no answer once the ask had lapsed.

The ledger keeps who was asked, for whom, when, and the outcome; of the text,
only a fingerprint and its length: a b-bit MinHash of its normalised words
(:func:`text_words`), enough to recognise the same request sent to several
people — with other names in the greeting, an extra word, invisible characters
or look-alike letters — without keeping its words (:func:`same_text`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from weakties.errors import InputError, NotFoundError
from weakties.model.identity import fold
from weakties.model.kinds import ASK_STATUSES

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = [
    "OUTCOMES",
    "AskFacts",
    "Decision",
    "Limits",
    "ask_facts",
    "ask_fingerprint",
    "check_ask",
    "closing",
    "effective_status",
    "list_asks",
    "load_limits",
    "rest_until",
    "same_text",
    "text_fingerprint",
    "text_similarity",
    "text_words",
    "with_rule",
]


@dataclass(frozen=True)
class Limits:
    """The etiquette rules of a member (``None`` switches a numeric rule off)."""

    contacts_only: bool = True
    open_per_broker: int | None = 1
    open_per_target: int | None = 1
    no_answer_after_days: int = 21
    cooldown_no_answer_days: int | None = 30
    cooldown_declined_days: int | None = 90
    rest_after_intro_days: int | None = 14
    asks_per_week: int | None = 5
    same_text_recipients: int | None = 1
    invitations_per_week: int | None = 100  # platform invitations to connect

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: the largest wait (in days) and the largest count a rule takes
MAX_DAYS = 36_500
MAX_COUNT = 1_000_000


def _checked(name: str, value: Any) -> Any:
    """``value`` if rule ``name`` may take it, else a ValueError saying what it takes."""
    if name == "contacts_only":
        if not isinstance(value, bool):
            raise ValueError("on or off")
        return value
    if value is None and name != "no_answer_after_days":
        return None
    days = name.endswith("_days")
    top = MAX_DAYS if days else MAX_COUNT
    low = 1 if name == "no_answer_after_days" else 0
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
        what = (
            f"a whole number of days from {low} to {top:,}"
            if days
            else (f"a whole number from {low} to {top:,}")
        )
        raise ValueError(what if name == "no_answer_after_days" else f"{what}, or off")
    return value


def load_limits(reader: Reader, *, lenient: bool = False) -> Limits:
    """The viewer's etiquette rules (the defaults where they changed none).

    The stored rules are checked as they are read: a hand-edited or damaged
    setting is refused in one line naming the rule and how to set it again
    (``lenient`` reads the defaults instead, to let ``etiquette set`` repair it).

    Raises
    ------
    InputError
        For a stored rule that is not valid.
    """
    text = reader.member_setting("etiquette")
    if not text:
        return Limits()
    defaults = Limits()
    try:
        stored = json.loads(text)
    except ValueError:
        stored = None
    if not isinstance(stored, dict):
        if lenient:
            return defaults
        raise InputError(
            "the stored etiquette rules are damaged (not a JSON object): set any rule again "
            "(weakties etiquette set RULE VALUE) to rewrite them from the defaults"
        )
    values: dict[str, Any] = {}
    for rule in dataclasses.fields(Limits):
        if rule.name not in stored:
            continue
        try:
            values[rule.name] = _checked(rule.name, stored[rule.name])
        except ValueError as exc:
            if lenient:
                continue
            default = getattr(defaults, rule.name)
            shown_default = "off" if default is None else ("on" if default is True else default)
            raise InputError(
                f"the stored etiquette rule {rule.name} holds {stored[rule.name]!r}, not {exc}: "
                f"set it again with weakties etiquette set {rule.name} VALUE "
                f"(default {shown_default})"
            ) from None
    return dataclasses.replace(defaults, **values)


def with_rule(current: Limits, name: str, value: str) -> Limits:
    """``current`` with one rule changed. ``value`` is a number, ``off``, or for
    ``contacts_only`` on/off.

    Raises
    ------
    InputError
        For an unknown rule or a value it cannot take.
    """
    fields = {f.name: f for f in dataclasses.fields(Limits)}
    if name not in fields:
        raise InputError(f"no etiquette rule {name!r} (rules: {', '.join(fields)})")
    text = value.strip().lower()
    new: Any
    if name == "contacts_only":
        if text not in ("on", "off", "true", "false", "yes", "no"):
            raise InputError(f"{name} is on or off, not {value!r}")
        new = text in ("on", "true", "yes")
    elif text in ("off", "none", "no"):
        new = None
    else:
        try:
            new = int(text)
        except ValueError:
            new = text
    try:
        _checked(name, new)
    except ValueError as exc:
        raise InputError(f"{name} takes {exc}, not {value!r}") from None
    return dataclasses.replace(current, **{name: new})


#: the share of words two texts must have in common (Jaccard) to count as the same
SAME_TEXT = 0.7
_PERMUTATIONS = 63  # b-bit MinHash: 63 hashes of 4 bits, 63 hex digits after "~"
_BITS = 4
_FINGERPRINT = "~"  # the mark of a similarity fingerprint (older ones are exact hashes)


@lru_cache(maxsize=1)
def _look_alikes() -> dict[int, str]:
    """Characters of other scripts that look like a Latin letter or digit (Unicode's
    confusables: Cyrillic ``а`` or Greek ``ο``), mapped to it."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[int, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        latin = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()]
        latin = [c for c in latin if c.isalpha()] or [c for c in latin if c.isdigit()]
        if latin:
            table[ord(char)] = latin[0].lower()
    return table


# Blanks that are not spaces: letters or symbols that show as a blank (the braille
# blank, the Hangul fillers, Khmer's inherent vowels), used to cut a word in two or
# to stand for the spaces of a text.
_BLANKS = frozenset("\u2800\u3164\u115f\u1160\uffa0\u17b4\u17b5")


def _removed(char: str) -> bool:
    """Whether a character is left out of a text's words: invisible (format
    characters) or punctuation (a word's hyphen or dots included, which would
    otherwise cut it in two)."""
    category = unicodedata.category(char)
    return category == "Cf" or category[0] == "P"


def text_words(text: str, names: Iterable[str] = ()) -> list[str]:
    """The words of a text as the same-text rule compares them: Unicode NFKC,
    case and accents folded, look-alike letters of other scripts read as the
    Latin ones, invisible characters (zero-width spaces, soft hyphens) and
    punctuation removed — inside a word too, so that "intro-duce" and
    "i.n.t.r.o" are "introduce" and "intro" —, blanks that are not spaces (the
    braille blank U+2800, the Hangul fillers) removed too in a text that has
    spaces (they are then cutting words), read as spaces in a text that has none
    (they then stand for its spaces), and the words of ``names`` left out.

    >>> text_words("Could you intro\u200bduce me to Аnn?", ["Ann"])
    ['could', 'you', 'introduce', 'me', 'to']
    >>> text_words("intro-duce in.tro\u2800duce"), text_words("intro-duce\u2800in.tro.duce")
    (['introduce', 'introduce'], ['introduce', 'introduce'])
    """

    def words(value: str) -> list[str]:
        value = unicodedata.normalize("NFKC", value)
        blank = "" if any(c.isspace() for c in value) else " "
        value = "".join(blank if c in _BLANKS else c for c in value if not _removed(c))
        value = fold(value).translate(_look_alikes())
        return re.findall(r"[^\W_]+", value)

    drop = {w for name in names for w in words(name)}
    return [w for w in words(text) if w not in drop]


def text_fingerprint(text: str, names: Iterable[str] = ()) -> str | None:
    """A similarity fingerprint of a text's words (see :func:`text_words`): a
    b-bit MinHash of its set of words, from which :func:`same_text` estimates
    how many words two texts share, without keeping the words. ``None`` for a
    text without words.

    The same request sent to several people is recognised even when the
    greeting, a word or two, the order or the spelling of letters changes.
    """
    import numpy as np

    words = sorted(set(text_words(text, names)))
    if not words:
        return None
    hashes = np.frombuffer(
        b"".join(hashlib.shake_128(w.encode()).digest(8 * _PERMUTATIONS) for w in words),
        dtype="<u8",
    ).reshape(len(words), _PERMUTATIONS)
    low = hashes.min(axis=0) & ((1 << _BITS) - 1)
    return _FINGERPRINT + "".join(f"{int(v):x}" for v in low)


def _legacy_fingerprint(text: str, names: Iterable[str] = ()) -> str:
    """The exact hash older versions kept (a SHA-256 of the folded words)."""
    drop = {w for name in names for w in re.findall(r"\w+", fold(name))}
    words = [w for w in re.findall(r"\w+", fold(text)) if w not in drop]
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def text_similarity(a: str | None, b: str | None) -> float:
    """The estimated share of words (Jaccard) two fingerprints' texts have in common."""
    if not a or not b or not a.startswith(_FINGERPRINT) or not b.startswith(_FINGERPRINT):
        return 1.0 if a is not None and a == b else 0.0
    agree = sum(x == y for x, y in zip(a[1:], b[1:], strict=True)) / _PERMUTATIONS
    chance = 1 / (1 << _BITS)  # two different words' hashes agree this often
    return max(0.0, (agree - chance) / (1 - chance))


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two fingerprints are of the same text, give or take a few words."""
    return text_similarity(a, b) >= SAME_TEXT


def _today(when: dt.datetime) -> dt.date:
    return when.date()


def lapse_day(asked_at: dt.datetime, limits: Limits) -> dt.date:
    """The day an open ask starts to count as unanswered."""
    return asked_at.date() + dt.timedelta(days=limits.no_answer_after_days)


def effective_status(status: str, asked_at: dt.datetime, now: dt.datetime, limits: Limits) -> str:
    """An open ask counts as unanswered from ``no_answer_after_days`` days after
    the day it was made."""
    if status == "open" and now.date() >= lapse_day(asked_at, limits):
        return "no_answer"
    return status


def rest_until(
    status: str,
    asked_at: dt.datetime,
    closed_at: dt.datetime | None,
    now: dt.datetime,
    limits: Limits,
) -> tuple[str, dt.date | None]:
    """``(effective status, first day the broker may be asked again)`` after one
    past ask (the day is None when the ask imposes no wait; an open ask is
    handled by ``open_per_broker``)."""
    current = effective_status(status, asked_at, now, limits)
    if current == "open":
        return current, None
    if closed_at is None:
        ended = lapse_day(asked_at, limits)
    else:
        ended = closed_at.date()
    rest = current
    if current == "withdrawn":
        lapsed = closed_at is not None and closed_at.date() >= lapse_day(asked_at, limits)
        rest = "no_answer" if lapsed else "introduced"
    wait = {
        "no_answer": limits.cooldown_no_answer_days,
        "declined": limits.cooldown_declined_days,
        "introduced": limits.rest_after_intro_days,
    }.get(rest)
    if wait is None:
        return current, None
    return current, ended + dt.timedelta(days=wait)


@dataclass
class Decision:
    """Whether an ask may be made now; if not, every rule it breaks."""

    allowed: bool
    reasons: list[dict[str, Any]]

    @property
    def possible_on(self) -> dt.date | None:
        """The first day every refusal is lifted (None if one never is). The
        same-text rule is left out: other words lift it at once."""
        dates = [r.get("possible_on") for r in self.reasons if r["rule"] != "same_text_recipients"]
        if any(d is None for d in dates):
            return None
        return max(dates) if dates else None  # type: ignore[type-var]

    def reasons_json(self) -> list[dict[str, Any]]:
        """The reasons with their dates as ISO text."""
        out = []
        for reason in self.reasons:
            item = dict(reason)
            if isinstance(item.get("possible_on"), dt.date):
                item["possible_on"] = item["possible_on"].isoformat()
            out.append(item)
        return out

    def message(self) -> str:
        lines = [r["message"] for r in self.reasons]
        timed = [r for r in self.reasons if r["rule"] != "same_text_recipients"]
        when = self.possible_on
        if timed:
            lines.append(
                f"The ask becomes possible on {when.isoformat()}."
                if when
                else "This ask will not become possible."
            )
        elif self.reasons:
            lines.append("With your own words, the ask is possible now.")
        return "\n".join(lines)


def _name(reader: Reader, pid: int | None) -> str:
    if pid is None:
        return ""
    return reader.names([pid]).get(pid) or f"#{pid}"


def _marks(reader: Reader, records: set[int]) -> list[tuple[int, bool, str | None]]:
    """The "do not ask" marks on ``records`` as the viewer may read them. The reason
    a person gave for their own mark is written for those who may ask them, their
    contacts: to anyone else the mark says no reason. A mark the viewer set keeps
    the viewer's own reason."""
    marks = reader.do_not_ask_marks(records)
    if not any(themself and reason for _p, themself, reason in marks):
        return marks
    contacts = reader.first_degree()
    return [
        (marked, themself, reason if not themself or marked in contacts else None)
        for marked, themself, reason in marks
    ]


def _do_not_ask(reader: Reader, pid: int, records: set[int]) -> str | None:
    """Why ``pid`` — or a record that may be the same human — may not be asked by
    the viewer (None if they may); a person's own reason only if they are the
    viewer's contact."""
    marks = sorted(_marks(reader, records), key=lambda mark: mark[0] != pid)
    for marked, themself, reason in marks:
        who = "they asked" if themself else "you noted that they asked"
        where = ""
        if marked != pid:
            shown = f" (#{marked})" if reader.may_show(marked) else ""
            where = f", on another record{shown} that may be the same person"
        because = f" ({reason})" if reason else ""
        return f"{who} not to be asked for introductions{because}{where}"
    return None


def _day(value: dt.datetime) -> dt.date:
    return value.date()


@dataclass(frozen=True)
class AskFacts:
    """What :func:`check_ask` reads of the viewer's own data, read once for the
    checks of several asks in one request (a page that shows a verdict beside
    each of its brokers read them again for each: a tenth of its time)."""

    limits: Limits
    asks: list[Any]  # the viewer's asks (:meth:`~weakties.store.read_own.OwnReads.asks`)
    marked: frozenset[int]  # people a "do not ask" mark holds for, for the viewer
    matched: frozenset[int]  # people in a match proposal, open or rejected
    # the brokers' names as the checks word them, read at once for the brokers
    # to be checked (``ask_facts``'s ``brokers``) rather than one read per check
    names: dict[int, str] = field(default_factory=dict)


def ask_facts(reader: Reader, brokers: Collection[int] = ()) -> AskFacts:
    """The viewer's :class:`AskFacts` as they stand (for checks made at once), with
    the names of ``brokers``, the people the checks will be about."""
    found = reader.names(brokers) if brokers else {}
    return AskFacts(
        load_limits(reader),
        reader.asks(),
        frozenset(reader.do_not_ask()),
        frozenset(reader.matched_people()),
        {pid: found.get(pid) or f"#{pid}" for pid in brokers},
    )


def check_ask(
    reader: Reader,
    broker: int,
    *,
    target: int | None = None,
    org: int | None = None,
    text: str | None = None,
    now: dt.datetime | None = None,
    limits: Limits | None = None,
    facts: AskFacts | None = None,
) -> Decision:
    """Every rule an ask to ``broker`` (for ``target``, at ``org``) would break now
    (the database's clock unless ``now`` is given).

    The rules follow the human, not the record: the broker's and the target's
    other records that may be the same person (open match proposals, see
    :meth:`~weakties.store.read_own.OwnReads.same_human`) count as them.

    ``facts`` (:func:`ask_facts`, read in the same transaction) saves reading the
    viewer's rules, asks and marks again for each of many checks.
    """
    when = now or reader.clock
    today = _today(when)
    rules = facts.limits if facts is not None else limits or load_limits(reader)
    reasons: list[dict[str, Any]] = []
    known = facts.names if facts is not None else {}
    broker_name = known[broker] if broker in known else _name(reader, broker)

    def human(pid: int) -> set[int]:
        if facts is not None and pid not in facts.matched:
            return {pid}  # in no match proposal: no other record of them
        return reader.same_human(pid)

    brokers = human(broker)
    targets = human(target) if target is not None else set()

    def refuse(
        rule: str, message: str, possible_on: dt.date | None, **params: str | int | None
    ) -> None:
        # ``params``: the parts of the message, for a face that words it in the
        # member's language (dates as ISO text)
        reasons.append(
            {
                "rule": rule,
                "message": message,
                "possible_on": possible_on,
                "params": {k: v for k, v in params.items() if v is not None},
            }
        )

    if broker == reader.scope.person_id:
        raise InputError("you cannot ask yourself for an introduction")
    if target is not None and target in brokers:
        raise InputError("the broker and the target are the same person: write to them directly")
    for pid, role, records in ((broker, "broker", brokers), (target, "target", targets)):
        if pid is None:
            continue
        if facts is not None and not facts.marked.intersection(records):
            continue  # no mark holds for any of their records
        why = _do_not_ask(reader, pid, records)
        if why:
            marks = _marks(reader, records)
            refuse(
                "do_not_ask",
                f"{_name(reader, pid)} ({role}): {why}.",
                None,
                name=_name(reader, pid),
                role=role,
                themself=int(any(themself for _p, themself, _r in marks)),
                reason=next((r for _p, _t, r in marks if r), None),
            )
    if rules.contacts_only and broker not in reader.first_degree():
        refuse(
            "contacts_only",
            f"{broker_name} is not one of your contacts: asking a stranger for an "
            "introduction is solicitation. Ask someone who knows you both.",
            None,
            broker=broker_name,
        )
    asks = facts.asks if facts is not None else reader.asks()
    open_here = []
    for row in asks:
        if row.broker_id not in brokers:
            continue
        status, until = rest_until(row.status, row.asked_at, row.closed_at, when, rules)
        if status == "open":
            open_here.append(row)
            continue
        if until is not None and today < until:
            closed = _day(row.closed_at) if row.closed_at else None
            also = "" if row.broker_id == broker else _also(reader, row.broker_id)
            what = {
                "no_answer": f"{broker_name}{also} did not answer your ask of {_day(row.asked_at)}",
                "declined": f"{broker_name}{also} declined your ask of {_day(row.asked_at)}",
                "introduced": f"{broker_name}{also} made an introduction for you on {closed}",
                "withdrawn": f"you withdrew your ask of {_day(row.asked_at)} to {broker_name}"
                f"{also} on {closed}, after they had read it",
            }[status]
            refuse(
                f"cooldown_{status}",
                f"{what}: let them rest until {until.isoformat()} before asking again.",
                until,
                broker=broker_name,
                asked_on=_day(row.asked_at).isoformat(),
                closed_on=closed.isoformat() if closed else None,
                until=until.isoformat(),
                other_record=1 if also else None,
            )
    if rules.open_per_broker is not None and len(open_here) >= rules.open_per_broker:
        first = min(open_here, key=lambda r: r.asked_at)
        after = lapse_day(first.asked_at, rules) + dt.timedelta(
            days=rules.cooldown_no_answer_days or 0
        )
        for_whom = (
            f" (for {_name(reader, first.target_person_id)})" if first.target_person_id else ""
        )
        also = "" if first.broker_id == broker else _also(reader, first.broker_id)
        refuse(
            "open_per_broker",
            f"you already asked {broker_name}{also} on {_day(first.asked_at)}{for_whom} and "
            "that ask "
            f"is still open (ask #{first.id}): one open ask per person. Record its outcome "
            f"(weakties asks outcome {first.id} introduced|declined|no-answer) or wait.",
            after,
            broker=broker_name,
            asked_on=_day(first.asked_at).isoformat(),
            target=_name(reader, first.target_person_id) if first.target_person_id else None,
            ask=first.id,
            other_record=1 if also else None,
        )
    if (target is not None or org is not None) and rules.open_per_target is not None:
        same_target = [
            r
            for r in asks
            if (
                (target is not None and r.target_person_id in targets)
                or (org is not None and r.target_org_id == org)
            )
            and r.broker_id not in brokers
            and effective_status(r.status, r.asked_at, when, rules) == "open"
        ]
        if len(same_target) >= rules.open_per_target:
            first = min(same_target, key=lambda r: r.asked_at)
            if target is not None and first.target_person_id in targets:
                whom = _name(reader, target)
                if first.target_person_id != target:
                    whom += _also(reader, first.target_person_id)
            else:
                oid = int(first.target_org_id)
                whom = f"someone at {reader.org_names([oid]).get(oid, f'#{oid}')}"
            refuse(
                "open_per_target",
                f"you already asked {_name(reader, first.broker_id)} on {_day(first.asked_at)} "
                f"for an introduction to {whom} (ask #{first.id}): asking "
                "several people for the same favour at once spends everyone's goodwill.",
                lapse_day(first.asked_at, rules),
                broker=_name(reader, first.broker_id),
                asked_on=_day(first.asked_at).isoformat(),
                whom=whom,
                ask=first.id,
            )
    if rules.asks_per_week is not None:
        # the last seven calendar days, today included
        week = sorted(
            r.asked_at.date() for r in asks if r.asked_at.date() > today - dt.timedelta(days=7)
        )
        if len(week) >= rules.asks_per_week:
            frees = week[len(week) - rules.asks_per_week] + dt.timedelta(days=7)
            refuse(
                "asks_per_week",
                f"{len(week)} asks in the last seven days (limit {rules.asks_per_week}): "
                "introductions are favours, not a campaign.",
                frees,
                count=len(week),
                limit=rules.asks_per_week,
            )
    digest = ask_fingerprint(reader, text, broker, target) if text else None
    if digest is not None and rules.same_text_recipients is not None:
        assert text is not None
        legacy = _legacy_fingerprint(text, _names(reader, broker, target))
        sent: dict[int, dt.date] = {}
        for r in asks:
            if r.broker_id in brokers:
                continue  # the same person again: the other rules decide
            if not (same_text(r.text_hash, digest) or r.text_hash == legacy):
                continue
            if r.asked_at.date() > today - dt.timedelta(days=365):
                sent[r.broker_id] = max(sent.get(r.broker_id, r.asked_at.date()), r.asked_at.date())
        if len(sent) >= rules.same_text_recipients:
            names = ", ".join(sorted(_name(reader, pid) for pid in sent))
            dates = sorted(sent.values())
            reusable = dates[len(dates) - rules.same_text_recipients] + dt.timedelta(days=365)
            refuse(
                "same_text_recipients",
                f"the same words (names aside) already went to {names}: write to each "
                "person in your own words (weakties draft writes from what you share "
                f"with them); these words could go out again on {reusable.isoformat()}.",
                reusable,
                names=names,
                reusable=reusable.isoformat(),
            )
    return Decision(not reasons, reasons)


def _names(reader: Reader, broker: int, target: int | None) -> list[str]:
    return [_name(reader, broker)] + ([_name(reader, target)] if target is not None else [])


def _also(reader: Reader, pid: int) -> str:
    """How a refusal names another record of the same human."""
    return (
        f" (as #{pid}, a record that may be the same person)"
        if reader.may_show(pid)
        else (" (as another record that may be the same person)")
    )


def ask_fingerprint(reader: Reader, text: str, broker: int, target: int | None) -> str | None:
    """The fingerprint of an ask's words, the broker's and target's names left out."""
    return text_fingerprint(text, _names(reader, broker, target))


OUTCOMES = set(ASK_STATUSES) - {"open"}


def closing(reader: Reader, ask_id: int, outcome: str) -> tuple[str, str]:
    """``(the outcome to record, the ask's status until now)``: an outcome is
    recorded once, on an ask still open (``no-answer`` is accepted for
    ``no_answer``). An outcome is final: recording another one would let a "no"
    or a withdrawal erase a wait.

    Raises
    ------
    InputError
        For an unknown outcome, or an ask whose outcome is already recorded.
    NotFoundError
        For an ask that is not the viewer's.
    """
    value = outcome.strip().lower().replace("-", "_").replace(" ", "_")
    if value not in OUTCOMES:
        raise InputError(f"outcome must be one of {', '.join(sorted(OUTCOMES))}")
    row = reader.ask(ask_id)
    if row is None:
        raise NotFoundError(f"no ask #{ask_id} of yours")
    if row.status != "open":
        closed = f" on {row.closed_at.date().isoformat()}" if row.closed_at else ""
        raise InputError(
            f"ask #{ask_id} is already closed as {row.status}{closed}: an outcome is final"
        )
    return value, str(row.status)


def list_asks(reader: Reader, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The viewer's ledger, newest first, with each ask's effective status."""
    when = now or reader.clock
    limits = load_limits(reader)
    rows = reader.ask_ledger()
    return [
        {
            "id": r.id,
            "status": effective_status(r.status, r.asked_at, when, limits),
            "recorded_status": r.status,
            "purpose": r.purpose,
            "asked_on": r.asked_at.date().isoformat(),
            "closed_on": r.closed_at.date().isoformat() if r.closed_at else None,
            "broker_id": r.broker_id,
            "broker": r.broker,
            "target_id": r.target_person_id,
            "target": r.target,
            "org": r.org,
        }
        for r in rows
    ]


#: members who may receive the same text from one sender in a day (platform messages)
MESSAGE_BURST_RECIPIENTS = 5
#: how long a message counts towards that limit: a sliding day
MESSAGE_BURST_WINDOW = dt.timedelta(hours=24)


def check_message_burst(
    text: str,
    recipients: list[int],
    earlier: Iterable[tuple[str, int] | tuple[str, int, dt.datetime]],
    *,
    names: Iterable[str] = (),
    limit: int = MESSAGE_BURST_RECIPIENTS,
) -> dict[str, Any] | None:
    """The refusal of sending ``text`` to ``recipients`` as a mass mailing, or None.

    ``earlier`` holds the sender's messages of the last day as (text, recipient,
    sent at). The same words (as :func:`same_text` sees them: the greeting, a
    word or two, the order and look-alike letters may change) sent to more than
    ``limit`` different members in :data:`MESSAGE_BURST_WINDOW` is refused: no
    mass solicitation through the platform's messages. ``names`` are the
    recipients' names and handles, left out of the comparison ("Hi Ana" and "Hi
    Bob" are the same text).

    The refusal is shaped as :func:`check_ask`'s reasons: its rule
    (``same_message_recipients``), its message, the first day it lifts
    (``possible_on``: the day from whose first minute enough of the earlier
    messages have left the window; None when the recipients of this one alone
    are too many, or a time is missing) and its parts (``params``: ``count``,
    ``limit`` and ``possible_at``, the moment it lifts, ISO text in UTC).
    """
    names = list(names)
    if len(set(text_words(text, names))) < 3:
        return None  # "thanks!" to many is not a mailing
    mark = text_fingerprint(text, names)
    prints: dict[str, str | None] = {}
    new = set(recipients)
    # each earlier recipient of the same text, with the last time they received it
    # (None: not known)
    last: dict[int, dt.datetime | None] = {}
    for item in earlier:
        body, member = item[0], item[1]
        at = item[2] if len(item) > 2 else None
        if member in new:
            continue
        if body not in prints:
            prints[body] = text_fingerprint(body, names)
        if same_text(prints[body], mark):
            before = last.get(member, at)
            last[member] = None if at is None or before is None else max(before, at)
    count = len(new) + len(last)
    if count <= limit:
        return None
    lifts: dt.datetime | None = None
    if len(new) <= limit:
        # enough of the earlier recipients must leave the window, oldest first
        times = sorted(last.values(), key=lambda t: (t is None, t or dt.datetime.min))
        leaving = times[count - limit - 1]
        lifts = leaving + MESSAGE_BURST_WINDOW if leaving is not None else None
    day = None
    if lifts is not None:
        day = lifts.date() if lifts.time() == dt.time() else lifts.date() + dt.timedelta(days=1)
    message = (
        f"the same message to {count} members in a day: write to each one "
        f"personally (at most {limit} receive the same text)"
    )
    if lifts is not None:
        message += f"; it could go to another member from {lifts:%Y-%m-%d %H:%M} UTC"
    params: dict[str, Any] = {"count": count, "limit": limit}
    if lifts is not None:
        params["possible_at"] = lifts.isoformat(timespec="seconds")
    return {
        "rule": "same_message_recipients",
        "message": message,
        "possible_on": day,
        "params": params,
    }
