"""Opportunities on the command line: intro, draft, reach, suggest, opportunities,
ask / asks, target, do-not-ask, etiquette."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from weakties.cli.context import connection, viewer
from weakties.cli.output import console, esc, print_json, table
from weakties.cli.ties import AsOf, AsViewer, Json
from weakties.store.errors import InputError, NotFoundError, RefusedError

Purpose = Annotated[
    str,
    typer.Option(
        metavar="job|client|info",
        help="What the introduction is for; it changes the ranking (see docs/opportunities.md).",
    ),
]
Lang = Annotated[str, typer.Option(metavar="en|fr", help="Language of the draft.")]

target_app = typer.Typer(
    help="Organisations and people you are looking at (the feed watches them)."
)
asks_app = typer.Typer(help="Your asks for introductions: the ledger and its outcomes.")
etiquette_app = typer.Typer(help="The etiquette rules that refuse an ask too many.")


def _spec(conn: Any, me: Any, to: str | None, **filters: Any) -> Any:
    from weakties.opportunity.targets import TargetSpec, resolve_to
    from weakties.store.orgs import find_org

    spec = resolve_to(conn, me, to) if to else TargetSpec()
    group = filters.pop("group")
    group_id = find_org(conn, group) if group else None
    return TargetSpec(
        org_ids=spec.org_ids,
        person_id=spec.person_id,
        group_id=group_id,
        **filters,
    )


def intro(
    ctx: typer.Context,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="ORG|PERSON",
            help="An organisation or a person (prefix org: or person: to be explicit).",
        ),
    ] = None,
    industry: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Targets in this industry.")
    ] = None,
    skill: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Targets with this skill.")
    ] = None,
    location: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Targets in this place.")
    ] = None,
    group: Annotated[
        str | None, typer.Option(metavar="GROUP", help="Targets in this group.")
    ] = None,
    former: Annotated[bool, typer.Option("--former", help="Former employees too.")] = False,
    purpose: Purpose = "job",
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="At most N paths.")] = 10,
    per_broker: Annotated[
        int, typer.Option(metavar="N", min=0, help="At most N paths per broker (0: no limit).")
    ] = 1,
    no_inferred: Annotated[
        bool, typer.Option("--no-inferred", help="Declared ties only (no inferred ones).")
    ] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Who can introduce you to an organisation or a person, ranked and explained."""
    from weakties.opportunity.intro import introductions

    with connection(ctx) as conn:
        me = viewer(conn, member)
        spec = _spec(
            conn,
            me,
            to,
            industry=industry,
            skill=skill,
            location=location,
            group=group,
            former=former,
        )
        result = introductions(
            conn,
            me,
            spec,
            purpose=purpose,
            limit=limit,
            per_broker=per_broker or None,
            as_of=as_of,
            inferred=not no_inferred,
        )
    if as_json:
        print_json(result)
        return
    s = result["summary"]
    console.print(
        f"[bold]{esc(result['target'])}[/] — {s['targets']:,} people; "
        f"{s['targets_in_network']:,} in the network you can see; you know "
        f"{s['targets_known_directly']:,} yourself; {s['second_degree']:,} more through one of "
        f"your contacts, {s['third_degree']:,} through two ({s['brokers']:,} people can "
        f"introduce you; {s['paths']:,} paths of at most three steps)."
    )
    if result["direct"]:
        console.print("\nYou know directly:")
        for d in result["direct"]:
            console.print(
                f"  {d['target']['name']} — {d['target']['role'] or ''}".rstrip(" —"),
                markup=False,
            )
    if not result["paths"]:
        console.print("\nNo introduction path: nobody you know knows someone there (yet).")
        return
    console.print(f"\nBest introductions (purpose: {result['purpose']}):")
    for p in result["paths"]:
        flag = "" if p["status"] == "ok" else f" [yellow]({p['status']})[/]"
        console.print(f"  {p['rank']:>2}. [{p['score']:.2f}] {esc(p['why'])}{flag}", soft_wrap=True)
        role = p["target"]["role"]
        if role:
            console.print(f"      → {p['target']['name']}: {role}", soft_wrap=True, markup=False)
    first = result["paths"][0]
    console.print(
        "\nDraft a request: weakties draft "
        f'"#{first["broker"]["id"]}" --for "#{first["target"]["id"]}" --purpose {purpose}'
    )


def draft(
    ctx: typer.Context,
    broker: Annotated[str, typer.Argument(metavar="BROKER", help="The contact you would ask.")],
    target: Annotated[str, typer.Option("--for", metavar="PERSON", help="Whom to reach.")],
    purpose: Purpose = "job",
    lang: Lang = "en",
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Your own sentence: why this person.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """The context of a request and a short, personal draft (nothing is sent or recorded)."""
    from weakties.opportunity.intro import draft_for
    from weakties.store.people import find_person

    with connection(ctx) as conn:
        me = viewer(conn, member)
        b = find_person(conn, me, broker)
        t = find_person(conn, me, target)
        result = draft_for(conn, me, b, t, purpose=purpose, lang=lang, reason=reason)
    if as_json:
        print_json(result)
        return
    c = result["context"]
    console.print(
        f"[bold]How you know {esc(c['broker']['name'])}:[/] "
        f"{esc(c['how_you_know_the_broker']['text'])}"
    )
    nxt = c["via"] or c["target"]
    console.print(
        f"[bold]How they know {esc(nxt['name'])}:[/] {esc(c['how_the_broker_knows_them']['text'])}"
    )
    for key, label in (
        ("you_and_broker", "you and the broker"),
        ("broker_and_target", "the broker and them"),
        ("you_and_target", f"you and {c['target']['name']}"),
    ):
        if c["shared"][key]:
            console.print(f"[bold]Shared by {esc(label)}:[/] {esc(', '.join(c['shared'][key]))}")
    console.print()
    console.print(result["draft"], markup=False, highlight=False)
    console.print(
        "Record it when you send it: weakties ask "
        f'"#{c["broker"]["id"]}" --for "#{c["target"]["id"]}" --text FILE'
    )


def reach(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", metavar="ORG", help="One organisation in detail.")
    ] = None,
    top: Annotated[int, typer.Option(metavar="N", min=1, help="Rows per ranking.")] = 15,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Whom you can reach warmly: one organisation, or the ranked organisations,
    industries and locations."""
    from weakties.opportunity.reach import org_reach, warm_reach
    from weakties.store.orgs import find_org

    with connection(ctx) as conn:
        me = viewer(conn, member)
        if org:
            result = org_reach(conn, me, find_org(conn, org))
        else:
            result = warm_reach(conn, me, top=top)
    if as_json:
        print_json(result)
        return
    if org:
        console.print(result["text"], markup=False)
        table(
            f"Who can introduce you at {result['org']}",
            ["contact", "your tie", "people there they know"],
            [(b["name"], b["tie"], b["knows_there"]) for b in result["top_brokers"]],
        )
        return
    console.print(
        f"{result['people_within_two_steps']:,} people within two steps; "
        f"{result['warm_people']:,} reached warmly (warmth ≥ {result['warm_at']})."
    )
    for key, title in (
        ("organisations", "Organisations"),
        ("industries", "Industries"),
        ("locations", "Locations"),
    ):
        table(
            f"{title} you reach warmly",
            ["name", "warm", "reachable", "warmth"],
            [(r["name"], r["warm"], r["reachable"], r["warmth"]) for r in result[key]],
        )
    console.print(f"[dim]{result['computed_from']}[/]")


def suggest(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(metavar="K", min=1, help="Suggestions per person.")] = 10,
    method: Annotated[
        str, typer.Option(metavar="METHOD", help="weakties, ra, aa, cn or katz.")
    ] = "weakties",
    all_people: Annotated[
        bool, typer.Option("--all", help="Everyone's suggestions (a JSON object).")
    ] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """People you may know, from mutual contacts and shared places."""
    from weakties.opportunity.suggest import suggest_all, suggest_for
    from weakties.ties.strength import labels_for

    with connection(ctx) as conn:
        if all_people:
            # everyone with a tie or a trace before the date (people who appear
            # later are not known yet, and listing them would leak the future)
            found = suggest_all(conn, as_of=as_of, top=top, method=method)
            everyone = sorted(set(found) | {p for s in found.values() for p, _ in s})
            names = labels_for(conn, everyone)
            print_json({names[p]: [names[q] for q, _ in s] for p, s in found.items()})
            return
        me = viewer(conn, member)
        rows = suggest_for(conn, me, top=top, method=method, as_of=as_of)
    if as_json:
        print_json(rows)
        return
    table(
        "People you may know",
        ["#id", "name", "score", "why"],
        [(r["id"], r["name"], f"{r['score']:.3f}", r["why"]) for r in rows],
    )


def opportunities(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(metavar="N", min=1, help="Look back N days.")] = 90,
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="At most N items.")] = 30,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Your opportunity feed: moves, dormant ties at your targets, new ways in."""
    from weakties.opportunity.feed import opportunity_feed

    with connection(ctx) as conn:
        me = viewer(conn, member)
        feed = opportunity_feed(conn, me, as_of=as_of, days=days, limit=limit)
    if as_json:
        print_json(feed)
        return
    watched = ", ".join(feed["watched"]) or "nothing yet (weakties target add ORG)"
    console.print(f"Watching: {watched}", soft_wrap=True, markup=False)
    if not feed["items"]:
        console.print(f"Nothing new in the last {days} days.")
        return
    for item in feed["items"]:
        when = f"{item['date']} " if item["date"] else ""
        console.print(f"• {when}{item['text']}", soft_wrap=True, markup=False)
        console.print(f"  [dim]→ {esc(item['action'])}[/]", soft_wrap=True)
    if feed["total"] > len(feed["items"]):
        console.print(f"({feed['total'] - len(feed['items'])} more: --limit)")


def ask(
    ctx: typer.Context,
    broker: Annotated[str, typer.Argument(metavar="BROKER", help="The contact you ask.")],
    target: Annotated[
        str | None, typer.Option("--for", metavar="PERSON", help="Whom you want to meet.")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", metavar="ORG", help="Where.")] = None,
    purpose: Purpose = "job",
    text: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="The request you send (its words are fingerprinted, not stored); "
            "default: the draft.",
        ),
    ] = None,
    lang: Lang = "en",
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Record an ask for an introduction — if etiquette allows it; otherwise say why
    and from when it is possible."""
    from weakties.opportunity.etiquette import record_ask
    from weakties.opportunity.intro import draft_for
    from weakties.store.orgs import find_org
    from weakties.store.people import find_person

    with connection(ctx) as conn:
        me = viewer(conn, member)
        b = find_person(conn, me, broker)
        t = find_person(conn, me, target) if target else None
        org_id = find_org(conn, org) if org else None
        words = None
        drafted = None
        if text is not None:
            try:
                words = text.read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError(
                    f"cannot read the request: {exc.strerror}", file=str(text)
                ) from None
        elif t is not None:
            try:
                drafted = draft_for(conn, me, b, t, purpose=purpose, lang=lang)["draft"]
            except NotFoundError:
                # no visible path through this broker: they may still know the
                # target; the ask is recorded (and checked) without a draft
                drafted = None
            words = drafted
        try:
            recorded = record_ask(
                conn, me, b, target=t, target_org=org_id, purpose=purpose, text=words
            )
        except RefusedError as exc:
            if as_json:
                print_json({"refused": True, "reasons": exc.reasons, "message": str(exc)})
                raise typer.Exit(exc.exit_code) from exc
            raise
    if as_json:
        print_json({"refused": False, **recorded, "draft": drafted})
        return
    console.print(f"Ask #{recorded['id']} to {recorded['broker']} recorded.", markup=False)
    if drafted:
        console.print("\nThe request (a draft — make it yours before sending):\n")
        console.print(drafted, markup=False, highlight=False)
    console.print(
        f"When you know the outcome: weakties asks outcome {recorded['id']} "
        "introduced|declined|no-answer"
    )


@asks_app.callback(invoke_without_command=True)
def asks(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Your asks, newest first (an open ask with no answer for three weeks counts as
    unanswered)."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.opportunity.etiquette import list_asks

    with connection(ctx) as conn:
        rows = list_asks(conn, viewer(conn, member))
    if as_json:
        print_json(rows)
        return
    table(
        "Your asks",
        ["#", "asked on", "broker", "for", "at", "purpose", "status"],
        [
            (
                r["id"],
                r["asked_on"],
                r["broker"],
                r["target"] or "",
                r["org"] or "",
                r["purpose"],
                r["status"],
            )
            for r in rows
        ],
    )


@asks_app.command("outcome")
def asks_outcome(
    ctx: typer.Context,
    ask_id: Annotated[int, typer.Argument(metavar="ID")],
    outcome: Annotated[
        str, typer.Argument(metavar="OUTCOME", help="introduced, declined, no-answer or withdrawn.")
    ],
    member: AsViewer = None,
) -> None:
    """Record how an ask ended; outcomes move future path scores."""
    from weakties.opportunity.etiquette import close_ask

    with connection(ctx) as conn:
        result = close_ask(conn, viewer(conn, member), ask_id, outcome)
    console.print(f"Ask #{result['id']}: {result['status']}")


def do_not_ask(
    ctx: typer.Context,
    person: Annotated[
        str, typer.Argument(metavar="PERSON", help="Who does not want to be asked (you: yourself).")
    ],
    reason: Annotated[str | None, typer.Option(metavar="TEXT")] = None,
    lift: Annotated[bool, typer.Option("--lift", help="Lift the mark.")] = False,
    member: AsViewer = None,
) -> None:
    """Mark a person as not to be asked for introductions (yourself: for everyone)."""
    from weakties.opportunity.etiquette import mark_do_not_ask
    from weakties.store.people import find_person

    with connection(ctx) as conn:
        me = viewer(conn, member)
        pid = me.person_id if person in ("me", "myself") else find_person(conn, me, person)
        result = mark_do_not_ask(conn, me, pid, reason=reason, lift=lift)
    if lift:
        console.print("lifted" if result["lifted"] else "there was no such mark")
    else:
        console.print(f"Marked: not to be asked (holds for {result['scope']}).")


@etiquette_app.callback(invoke_without_command=True)
def etiquette(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Show your etiquette rules."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.opportunity.etiquette import load_limits

    with connection(ctx) as conn:
        limits = load_limits(conn, viewer(conn, member).member_id)
    if as_json:
        print_json(limits.as_dict())
        return
    table(
        "Etiquette",
        ["rule", "value"],
        [(k, "off" if v is None else v) for k, v in limits.as_dict().items()],
    )


@etiquette_app.command("set")
def etiquette_set(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(metavar="RULE")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="A number, off, or on/off.")],
    member: AsViewer = None,
) -> None:
    """Change one rule (e.g. ``asks_per_week 3``, ``cooldown_declined_days off``)."""
    from weakties.opportunity.etiquette import save_limits

    with connection(ctx) as conn:
        limits = save_limits(conn, viewer(conn, member).member_id, rule, value)
    new = limits.as_dict()[rule]
    console.print(f"{rule} = {'off' if new is None else new}")


@target_app.callback(invoke_without_command=True)
def targets(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """The organisations and people you target."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.opportunity.targets import list_targets

    with connection(ctx) as conn:
        rows = list_targets(conn, viewer(conn, member))
    if as_json:
        print_json(rows)
        return
    table(
        "Your targets",
        ["#", "organisation", "person", "purpose", "since"],
        [(r["id"], r["org"] or "", r["person"] or "", r["purpose"], r["since"]) for r in rows],
    )


@target_app.command("add")
def target_add(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="ORG|PERSON")],
    purpose: Purpose = "job",
    member: AsViewer = None,
) -> None:
    """Target an organisation or a person (prefix org: or person: to be explicit)."""
    from weakties.opportunity.targets import add_target, resolve_to

    with connection(ctx) as conn:
        me = viewer(conn, member)
        spec = resolve_to(conn, me, what)
        result = add_target(
            conn,
            me,
            org_id=spec.org_ids[0] if spec.org_ids else None,
            person_id=spec.person_id,
            purpose=purpose,
        )
    console.print(("Added" if result["added"] else "Updated") + f" target #{result['id']}.")


@target_app.command("remove")
def target_remove(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="ORG|PERSON")],
    member: AsViewer = None,
) -> None:
    """Stop targeting an organisation or a person."""
    from weakties.opportunity.targets import remove_target, resolve_to

    with connection(ctx) as conn:
        me = viewer(conn, member)
        spec = resolve_to(conn, me, what)
        gone = remove_target(
            conn, me, org_id=spec.org_ids[0] if spec.org_ids else None, person_id=spec.person_id
        )
    console.print("Removed." if gone else "It was not a target.")
