"""The privacy matrix: every service function and every command with ``--json``, run
as one member, must not show what only another member's private data knows.

Used by ``tests/service/test_privacy_matrix.py`` on a database built in the test,
and on any two real exports named by ``WEAKTIES_PRIVACY_EXPORTS`` (see
docs/service.md, "Checking privacy on your own exports").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import text
from typer.testing import CliRunner

from weakties.cli.main import app
from weakties.cli.reference import command_paths
from weakties.errors import WeaktiesError
from weakties.records import to_json
from weakties.store.engine import Store

# Commands left out of the matrix, each with why: they write the importing
# member's own data (their summaries are that member's), create another
# database, or serve pages (the web app has its own tests over these services).
NOT_QUERIES = {
    ("import",): "imports write the importing member's own data",
    ("demo",): "creates a new database of generated people",
    ("serve",): "serves the web app, built on the service functions checked here",
    ("export",): "writes files: tests/scale/test_export.py checks what they hold",
    ("batch",): "reads an export, not the database (tests/scale)",
}
# Keys whose values are person ids wherever they appear in a result.
PERSON_KEYS = {"person_id", "a_id", "b_id", "with_id", "broker_id", "target_id"}
# Result types whose ``id`` is not a person's (an organisation, an import, an ask,
# a note...). Every other result type's ``id`` is taken for a person's record, so a
# new type is checked until it is named here.
NOT_PERSONS = {
    "AskOutcome",
    "BriefEvent",
    "BriefNote",
    "BriefPost",
    "AskRecorded",
    "AskRow",
    "CareerMove",
    "ContactDetail",
    "Event",
    "GroupCard",
    "GroupView",
    "ImportRow",
    "InvitationView",
    "Match",
    "Note",
    "NoteShort",
    "OrgHit",
    "OrgPage",
    "OrgRef",
    "OrgRow",
    "ProfilePosition",
    "Recommendation",
    "TargetChange",
    "TargetRow",
    "TokenInfo",
    "WarmOrg",
}


@dataclass
class Secrets:
    """What only the other member's data knows: it must not appear anywhere."""

    names: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)
    person_ids: set[int] = field(default_factory=set)

    def found_in(self, output: str, data: Any = None) -> list[str]:
        """Every secret that ``output`` (text) or ``data`` shows: a result as the
        service returns it (typed, where a record's ``id`` is told from an
        organisation's by its type) or as JSON (where only the keys that always
        hold a person's id are read: ``{"id": 2, "name": ...}`` may be either)."""
        shown = output.casefold()
        hits = [s for s in self.names | self.notes | self.contacts if s and s.casefold() in shown]
        hits += [d for d in self.dates if re.search(rf"(?<!\d){re.escape(d)}(?!\d)", output)]
        hits += [f"person #{pid}" for pid in _ids(data) if pid in self.person_ids]
        return hits


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ids(data: Any) -> Iterator[int]:
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        kind = type(data).__name__
        # what a member follows is an organisation, a group or a member
        person = kind not in NOT_PERSONS and (kind != "Followed" or data.kind == "member")
        for f in dataclasses.fields(data):
            value = getattr(data, f.name)
            if _is_id(value) and (f.name in PERSON_KEYS or (f.name == "id" and person)):
                yield value
            else:
                yield from _ids(value)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key in PERSON_KEYS and _is_id(value):
                yield value
            else:
                yield from _ids(value)
    elif isinstance(data, list | tuple | set | frozenset):
        for value in data:
            yield from _ids(value)


def secrets_of(store: Store, private: str, viewer: str) -> Secrets:
    """What only member ``private``'s data knows, as seen from the data of ``viewer``:
    the people only their data mentions, the dates of their traces with them that
    no other data has, and every note ``private`` wrote — and the reason of every
    "do not ask" mark the viewer may not read (another member's mark on someone
    else, or a member's own mark when no tie joins them to the viewer)."""
    found = Secrets()
    with store.engine.connect() as conn:

        def rows(sql: str, **params: Any) -> list[Any]:
            return list(conn.execute(text(sql), params))

        members = dict(rows("select handle, id from member"))
        mine = {r[0] for r in rows("select person_id from member")}
        theirs = {
            r[0]
            for r in rows(
                "select person_id from known_person where member_id=:m", m=members[private]
            )
        }
        others = {
            r[0]
            for r in rows(
                "select person_id from known_person where member_id<>:m", m=members[private]
            )
        }
        only = theirs - others - mine
        found.person_ids = only
        names = dict(rows("select id, display_name from person"))
        # a namesake of someone else is not a secret, matched as the output is
        # searched (whatever the case, and inside a longer name: "Xen Zeller" is in
        # "XEN Zeller Çelik", whom the viewer's own messages name)
        elsewhere = "\n".join(n.casefold() for pid, n in names.items() if pid not in only and n)
        found.names = {
            names[p] for p in only if names.get(p) and names[p].casefold() not in elsewhere
        }
        when = rows(
            "select sender_id, recipient_id, occurred_at from interaction "
            "where occurred_at is not null"
        )

        def day(value: Any) -> str:
            return str(value)[:10]

        private_days = {day(w) for s, r, w in when if s in only or r in only}
        other_days = {day(w) for s, r, w in when if s not in only and r not in only}
        for table, column in (
            ("tie", "since"),
            ("position", "start_date"),
            ("position", "end_date"),
            ("position", "seen_on"),
            ("event", "occurred_on"),
            ("import_run", "export_date"),
            ("note", "noted_on"),
        ):
            other_days |= {day(r[0]) for r in rows(f"select {column} from {table}") if r[0]}
        found.dates = private_days - other_days
        found.notes = {
            r[0] for r in rows("select text from note where author_id=:m", m=members[private])
        }
        # the reasons of the "do not ask" marks the viewer may not read: a member's
        # mark on someone else is their own note, and the reason of a member's mark
        # on themself is for their contacts (someone no tie joins to the viewer is not)
        me = rows("select person_id from member where id=:m", m=members[viewer])[0][0]
        tied = {
            a if b == me else b
            for a, b in rows(
                "select person_a_id, person_b_id from tie where person_a_id=:p or person_b_id=:p",
                p=me,
            )
        }
        found.notes |= {
            reason
            for marked, setter, reason in rows(
                "select d.person_id, m.person_id, d.reason from do_not_ask d "
                "join member m on m.id = d.set_by where d.reason is not null and d.set_by <> :v",
                v=members[viewer],
            )
            if marked != setter or setter not in tied
        }
        # how to reach someone, as the other member's data has it: the addresses and
        # numbers it lists (their own included: nobody chose to show them here)
        # (what the viewer's own data states too is the viewer's as well)
        stated = (
            "(i.asserted_by = {m} or exists (select 1 from identity_statement s "
            "where s.kind = i.kind and s.value = i.value and s.member_id = {m}))"
        )
        found.contacts = {
            value
            for (value,) in rows(
                "select i.value from identity i where i.kind in ('email', 'phone') and "
                f"{stated.format(m=':m')} and not {stated.format(m=':v')}",
                m=members[private],
                v=members[viewer],
            )
        }
        # jobs that only the private member's data states, of people the viewer may
        # see too (a member's own career, on their own profile, is theirs to show):
        # the title, and the organisation when no other data names it
        theirs_only = rows(
            "select p.person_id, p.title, o.name from position p "
            "left join organization o on o.id = p.organization_id "
            "where p.asserted_by = :m and p.person_id not in "
            "(select person_id from member where id = :m)",
            m=members[private],
        )
        stated = rows(
            "select p.person_id, p.title, o.name from position p "
            "left join organization o on o.id = p.organization_id "
            "where p.asserted_by is null or p.asserted_by <> :m",
            m=members[private],
        )
        said = (
            "\n".join(str(x).casefold() for row in stated for x in row[1:] if x)
            + "\n"
            + "\n".join(n.casefold() for n in names.values() if n)
        )
        for pid, title, org in theirs_only:
            if pid in only:
                continue  # the person is a secret already
            for value in (title, org):
                if value and len(value) > 3 and value.casefold() not in said:
                    found.notes.add(value)
    assert viewer in members
    return found


@dataclass
class Case:
    """One call: what it is, and how to make it."""

    label: str
    run: Callable[[], Any]


def _cli(db: Path, viewer: str, args: list[str]) -> tuple[str, Any]:
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), *args], env={"WEAKTIES_MEMBER": viewer})
    output = result.stdout + (result.stderr or "")
    try:
        data = json.loads(result.stdout)
    except ValueError:
        data = None
    return output, data


def cli_cases(db: Path, viewer: str, ask: dict[str, str]) -> list[tuple[list[str], list[str]]]:
    """(command path, arguments) of every command with ``--json`` to run as
    ``viewer``; ``ask`` names the queries to use (a contact, a broker and a target,
    an organisation, a date)."""
    person, broker, target, org, day = (
        ask["person"],
        ask["broker"],
        ask["target"],
        ask["org"],
        ask["date"],
    )
    table: dict[tuple[str, ...], list[list[str]]] = {
        ("people",): [[], ["--degree", "1"], ["--degree", "2"], ["--limit", "2"], ["--org", org]],
        ("person",): [[person], [f"--as={viewer}", broker]],
        ("events",): [[]],
        ("note", "list"): [[]],
        ("orgs",): [[], [f"--as={viewer}"]],
        ("orgs", "suggest-merges"): [[], ["--threshold", "50"]],
        ("members",): [[], [f"--as={viewer}"]],
        ("matches",): [[], [f"--as={viewer}"]],
        ("imports",): [[], [f"--as={viewer}"]],
        ("db", "info"): [[]],
        ("graph", "stats"): [[]],
        ("ties",): [
            [],
            ["--all"],
            [f"--as={viewer}", "--all"],
            ["--explain", person],
            ["--as-of", day],
            [f"--as={viewer}", "--all", "--as-of", day],
        ],
        ("ties", "calibrate"): [[]],
        ("ties", "infer"): [[]],
        ("model", "fit"): [[], ["--as-of", day]],
        ("model", "show"): [[], ["--as-of", day]],
        ("report",): [[], ["--as-of", day, "--no-remember"]],
        ("degree",): [[target]],
        ("mutual",): [[broker]],
        ("paths",): [[target]],
        ("intro",): [["--to", org], ["--to", target], ["--to", org, "--as-of", day]],
        ("draft",): [[broker, "--for", target]],
        ("reach",): [[], ["--org", org]],
        ("suggest",): [[], ["--all"], [f"--as={viewer}", "--all"], ["--as-of", day]],
        ("opportunities",): [[], ["--as-of", day]],
        ("ask",): [[broker, "--for", target]],
        ("asks",): [[]],
        ("target",): [[]],
        ("etiquette",): [[]],
    }
    root = typer.main.get_command(app)
    cases: list[tuple[list[str], list[str]]] = []
    for path in command_paths():
        if not path or any(tuple(path[: len(k)]) == k for k in NOT_QUERIES):
            continue
        if not _has_json(root, path):
            continue
        key = tuple(path)
        if key not in table:
            raise AssertionError(f"the privacy matrix does not run `weakties {' '.join(path)}`")
        for args in table[key]:
            # an explicit --as=... replaces the environment's member (same viewer)
            cases.append((list(path), [*args, "--json"]))
    return cases


def _has_json(root: Any, path: list[str]) -> bool:
    """Whether ``weakties PATH`` takes ``--json`` (read from the command's options,
    as its help lists them)."""
    command = root
    for name in path:
        command = command.commands[name]
    return any("--json" in getattr(param, "opts", ()) for param in command.params)


def run_cli(db: Path, viewer: str, ask: dict[str, str], secrets: Secrets) -> list[str]:
    """Every leak the commands show (``command: secret``)."""
    leaks = []
    for path, args in cli_cases(db, viewer, ask):
        output, data = _cli(db, viewer, [*path, *args])
        leaks += [f"weakties {' '.join(path + args)}: {s}" for s in secrets.found_in(output, data)]
    return leaks


def run_service(store: Store, viewer: str, ask: dict[str, str], secrets: Secrets) -> list[str]:
    """Every leak the service functions show (``function: secret``)."""
    from weakties import service
    from weakties.service import (
        admin,
        brief,
        dashboard,
        discover,
        ego,
        keep_in_touch,
        leaders,
        models,
        network,
        opportunities,
        orgs,
        outreach,
        people,
        profiles,
        report,
        tie_review,
        ties,
    )

    person, broker, target, org = ask["person"], ask["broker"], ask["target"], ask["org"]
    past = dt.datetime.fromisoformat(ask["date"])
    calls: dict[Any, list[Callable[[Any, Any], Any]]] = {
        people.find_person: [lambda c, v: people.find_person(c, v, person)],
        people.list_people: [
            lambda c, v: people.list_people(c, v),
            lambda c, v: people.list_people(c, v, limit=2),
            lambda c, v: people.list_people(c, v, degree=1),
        ],
        people.people_counts: [lambda c, v: people.people_counts(c, v)],
        people.person: [lambda c, v: people.person(c, v, person)],
        people.events: [lambda c, v: people.events(c, v)],
        people.notes: [lambda c, v: people.notes(c, v)],
        people.add_note: [lambda c, v: people.add_note(c, v, person, "met for coffee")],
        network.graph_stats: [lambda c, v: network.graph_stats(c, v)],
        network.degree: [lambda c, v: network.degree(c, v, target)],
        network.mutual: [lambda c, v: network.mutual(c, v, broker)],
        network.paths: [lambda c, v: network.paths(c, v, target)],
        network.people_behind: [
            lambda c, v: network.people_behind(c, v, "second_degree"),
            lambda c, v: network.people_behind(c, v, "third_degree", inferred=True),
            lambda c, v: network.people_behind(c, v, "only_way_in"),
            lambda c, v: network.people_behind(c, v, "circle", circle=1),
        ],
        ties.ties: [lambda c, v: ties.ties(c, v)],
        ties.explain: [lambda c, v: ties.explain(c, v, person)],
        ties.all_pairs: [lambda c, v: ties.all_pairs(c, v)],
        ties.label: [lambda c, v: ties.label(c, v, person, klass="strong")],
        ties.calibrate: [lambda c, v: ties.calibrate(c, v)],
        ties.forget_calibration: [lambda c, v: ties.forget_calibration(c, v)],
        ties.infer: [lambda c, v: ties.infer(c, v)],
        opportunities.introductions: [
            lambda c, v: opportunities.introductions(c, v, org),
            lambda c, v: opportunities.introductions(c, v, target),
        ],
        opportunities.draft: [lambda c, v: opportunities.draft(c, v, broker, target)],
        opportunities.org_reach: [lambda c, v: opportunities.org_reach(c, v, org)],
        opportunities.warm_reach: [lambda c, v: opportunities.warm_reach(c, v)],
        opportunities.suggest: [lambda c, v: opportunities.suggest(c, v)],
        opportunities.suggest_all: [lambda c, v: opportunities.suggest_all(c, v)],
        opportunities.suggestions: [lambda c, v: opportunities.suggestions(c, v)],
        opportunities.feed: [lambda c, v: opportunities.feed(c, v)],
        outreach.ask: [lambda c, v: outreach.ask(c, v, broker, target=target)],
        outreach.asks: [lambda c, v: outreach.asks(c, v)],
        outreach.outcome: [lambda c, v: outreach.outcome(c, v, 1, "declined")],
        outreach.do_not_ask: [lambda c, v: outreach.do_not_ask(c, v, target)],
        outreach.not_to_be_asked: [lambda c, v: outreach.not_to_be_asked(c, v)],
        outreach.set_do_not_ask_me: [
            lambda c, v: outreach.set_do_not_ask_me(c, v, True, "busy"),
            lambda c, v: outreach.set_do_not_ask_me(c, v, False),
        ],
        outreach.targets: [lambda c, v: outreach.targets(c, v)],
        outreach.add_target: [lambda c, v: outreach.add_target(c, v, org)],
        outreach.remove_target: [lambda c, v: outreach.remove_target(c, v, org)],
        outreach.etiquette: [lambda c, v: outreach.etiquette(c, v)],
        outreach.set_rule: [lambda c, v: outreach.set_rule(c, v, "asks_per_week", "6")],
        report.network_report: [lambda c, v: report.network_report(c, v, remember=False)],
        report.overview: [lambda c, v: report.overview(c, v)],
        orgs.orgs: [lambda c, v: orgs.orgs(c, v)],
        orgs.suggest_merges: [lambda c, v: orgs.suggest_merges(c, v, threshold=50)],
        orgs.merge: [lambda c, v: orgs.merge(c, v, [org], org)],
        admin.members: [lambda c, v: admin.members(c, v)],
        admin.set_sharing: [lambda c, v: admin.set_sharing(c, v, "counts")],
        admin.matches: [lambda c, v: admin.matches(c, v)],
        admin.accept_match: [lambda c, v: admin.accept_match(c, v, 1)],
        admin.reject_match: [lambda c, v: admin.reject_match(c, v, 1)],
        admin.imports: [lambda c, v: admin.imports(c, v)],
        profiles.member_profile: [lambda c, v: profiles.member_profile(c, v, v.handle)],
        dashboard.dashboard: [lambda c, v: dashboard.dashboard(c, v)],
        ego.ego_graph: [lambda c, v: ego.ego_graph(c, v)],
        tie_review.tie_table: [lambda c, v: tie_review.tie_table(c, v, limit=1000)],
        tie_review.tie_detail: [
            lambda c, v: tie_review.tie_detail(c, v, people.find_person(c, v, person))
        ],
        tie_review.correct: [
            lambda c, v: tie_review.correct(c, v, people.find_person(c, v, person), "close")
        ],
        models.fit: [lambda c, v: models.fit(c, v)],
        models.show: [lambda c, v: models.show(c, v)],
    }
    calls.update(_platform_reads(ask, secrets))
    calls.update(_care(ask))
    expected = set()
    modules = (admin, dashboard, ego, models, network, opportunities, orgs, outreach, people)
    for module in (*modules, report, ties, tie_review, keep_in_touch, brief, discover, leaders):
        for name in module.__all__:
            fn = getattr(module, name)
            if callable(fn) and not isinstance(fn, type) and fn.__module__ == module.__name__:
                expected.add(fn)
    expected.discard(admin.db_info)  # the database's URL and schema revision, no data
    expected.discard(admin.holds_people)  # whether anyone is stored at all: no viewer, no data
    expected.discard(opportunities.target_spec)  # a helper that parses what was typed
    expected.discard(models.fitted_for)  # arrays read through ties and suggest, run above
    missing = [f"{f.__module__}.{f.__name__}" for f in expected if f not in calls]
    assert not missing, f"the privacy matrix does not call {missing}"
    leaks = []
    for fn, variants in calls.items():
        for k, call in enumerate(variants):
            for as_of in (None, past):
                with store.engine.connect() as conn:
                    trans = conn.begin()
                    try:
                        who = service.viewer(conn, viewer, as_of=as_of)
                        try:
                            data = call(conn, who)
                            out = json.dumps(to_json(data), default=str)
                        except WeaktiesError as exc:
                            out, data = str(exc), None
                    finally:
                        trans.rollback()  # each call sees the same database
                label = f"{fn.__module__}.{fn.__name__}#{k}{' as of' if as_of else ''}"
                leaks += [f"{label}: {s}" for s in secrets.found_in(out, data)]
    return leaks


def _care(ask: dict[str, str]) -> dict[Any, list[Callable[..., Any]]]:
    """Keep in touch (every layer due at once: every reminder and its reasons) and
    the person brief (about the other members, and about the person asked), people
    you may know and opportunities (and their notifications), opinion leaders."""
    from weakties.service import discover, leaders, people
    from weakties.service import keep_in_touch as kit
    from weakties.service.brief import person_brief
    from weakties.service.notifications import list_notifications

    person = ask["person"]
    every_day = {f"cadence_{layer}": "1" for layer in kit.LAYERS}

    def pid(c: Any, v: Any) -> int:
        return people.find_person(c, v, person)

    def due(c: Any, v: Any) -> Any:
        kit.set_cadences(c, v, every_day)
        return kit.reminders(c, v)

    def later(v: Any) -> dt.date:
        return v.when.date() + dt.timedelta(days=3)

    def _members(c: Any) -> list[int]:
        from sqlalchemy import select

        from weakties.model.tables import Member

        return list(c.execute(select(Member.id)).scalars())

    def _notes(c: Any, v: Any) -> Any:
        return list_notifications(c, v)

    def others(c: Any, v: Any) -> list[str]:
        from sqlalchemy import select

        from weakties.model.tables import Member

        return [h for h in c.execute(select(Member.handle)).scalars() if h != v.handle]

    return {
        discover.people_you_may_know: [lambda c, v: discover.people_you_may_know(c, v)],
        discover.opportunities_page: [lambda c, v: discover.opportunities_page(c, v)],
        # every member's feed notified, then the viewer's notifications read back
        discover.notify_opportunities: [
            lambda c, v: (discover.notify_opportunities(c, _members(c)), _notes(c, v))[1]
        ],
        discover.scan_opportunities: [
            lambda c, v: (discover.scan_opportunities(c), _notes(c, v))[1]
        ],
        leaders.opinion_leaders: [lambda c, v: leaders.opinion_leaders(c, v)],
        person_brief: [
            lambda c, v: [person_brief(c, v, h) for h in others(c, v)],
            lambda c, v: person_brief(c, v, person_id=pid(c, v)),
        ],
        kit.reminders: [lambda c, v: kit.reminders(c, v), due],
        kit.cadences: [lambda c, v: kit.cadences(c, v)],
        kit.set_cadences: [lambda c, v: kit.set_cadences(c, v, every_day)],
        kit.snooze: [lambda c, v: (kit.snooze(c, v, pid(c, v), later(v)), kit.reminders(c, v))],
        kit.dismiss: [lambda c, v: (kit.dismiss(c, v, pid(c, v)), kit.reminders(c, v))],
        kit.restore: [lambda c, v: kit.restore(c, v, pid(c, v))],
    }


def _platform_reads(ask: dict[str, str], secrets: Secrets) -> dict[Any, list[Callable[..., Any]]]:
    """The platform's pages read through these too: search (for the query and for
    some of the secret names themselves: a namesake may be found, the secret
    person never), an organisation's page, followers, groups, a contact's skills
    and recommendations, degree badges of the secret people."""
    from weakties.service import (
        follows,
        groups,
        introductions,
        orgpages,
        people,
        recommendations,
        search,
        skills,
    )
    from weakties.service.context import reader

    person, org = ask["person"], ask["org"]

    def pid(c: Any, v: Any) -> int:
        return people.find_person(c, v, person)

    def org_id(c: Any, v: Any) -> int:
        return reader(c, v).find_org(org)

    def degrees(c: Any, v: Any) -> list[dict[str, int]]:
        found = orgpages.degrees_of(c, v, set(secrets.person_ids))
        return [{"person_id": k, "degree": d} for k, d in found.items()]

    def found(c: Any, v: Any, query: str) -> Any:
        got = search.search(c, v, query)  # less the query, which the viewer typed
        return got.people, got.organizations, got.groups, got.posts, got.jobs

    def requests(c: Any, v: Any) -> list[Any]:
        # the request form through every other member for every other one: a
        # refusal gives a broker's own "do not ask" reason to their contacts only
        from sqlalchemy import select

        from weakties.model.tables import Member

        handles = [h for h in c.execute(select(Member.handle)).scalars() if h != v.handle]
        out: list[Any] = []
        for b in handles:
            for t in handles:
                if b != t:
                    try:
                        out.append(introductions.request_form(c, v, b, t))
                    except WeaktiesError as exc:
                        out.append(str(exc))
        return out

    names = sorted(secrets.names)[:5]
    return {
        search.search: [
            lambda c, v: found(c, v, person),
            lambda c, v: found(c, v, org),
            *[lambda c, v, n=n: found(c, v, n) for n in names],
        ],
        orgpages.org_page: [lambda c, v: orgpages.org_page(c, v, org_id(c, v))],
        introductions.who_can_introduce: [
            lambda c, v: introductions.who_can_introduce(c, v, org_id=org_id(c, v)),
            lambda c, v: introductions.who_can_introduce(c, v, org_id=org_id(c, v), limit=50),
        ],
        introductions.introduction_ledger: [lambda c, v: introductions.introduction_ledger(c, v)],
        introductions.request_form: [requests],
        orgpages.degrees_of: [degrees],
        follows.followers: [lambda c, v: follows.followers(c, v, org_id=org_id(c, v))],
        follows.following: [lambda c, v: follows.following(c, v)],
        groups.groups: [lambda c, v: groups.groups(c, v)],
        skills.skills_of: [lambda c, v: skills.skills_of(c, v, pid(c, v))],
        recommendations.recommendations: [
            lambda c, v: recommendations.recommendations(c, v, pid(c, v))
        ],
    }
