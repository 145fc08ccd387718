"""Opportunities on the command line: intro, draft, reach, suggest, opportunities,
ask / asks, target, do-not-ask, etiquette."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weakties.cli.context import call
from weakties.cli.options import MAX_COUNT, MAX_DAYS, MAX_ID, AsOf, AsViewer, Json
from weakties.cli.output import console, err, esc, print_json, shown, table
from weakties.errors import RefusedError
from weakties.words import counted

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
    limit: Annotated[
        int, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="At most N paths.")
    ] = 10,
    per_broker: Annotated[
        int,
        typer.Option(
            metavar="N", min=0, max=MAX_COUNT, help="At most N paths per broker (0: no limit)."
        ),
    ] = 1,
    no_inferred: Annotated[
        bool, typer.Option("--no-inferred", help="Declared ties only (no inferred ones).")
    ] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Who can introduce you to an organisation or a person, ranked and explained."""
    from weakties.service.opportunities import introductions

    result = call(
        ctx,
        introductions,
        to,
        member=member,
        as_of=as_of,
        industry=industry,
        skill=skill,
        location=location,
        group=group,
        former=former,
        purpose=purpose,
        limit=limit,
        per_broker=per_broker or None,
        inferred=not no_inferred,
    )
    if as_json:
        print_json(result)
        return
    s = result.summary
    console.print(
        f"[bold]{esc(result.target)}[/] — {counted(s.targets, 'person', 'people')}; "
        f"{s.targets_in_network:,} in the network you can see; you know "
        f"{s.targets_known_directly:,} yourself; {s.second_degree:,} more through one of "
        f"your contacts, {s.third_degree:,} through two ("
        f"{counted(s.brokers, 'person', 'people')} can introduce you; "
        f"{counted(s.paths, 'path', 'paths')} of at most three steps)."
    )
    if result.direct:
        console.print("\nYou know directly:")
        for d in result.direct:
            console.print(
                f"  {shown(d.target.name)} — {shown(d.target.role)}".rstrip(" —"), markup=False
            )
    if not result.paths:
        console.print("\nNo introduction path: nobody you know knows someone there (yet).")
        return
    console.print(f"\nBest introductions (purpose: {result.purpose}):")
    for p in result.paths:
        flag = "" if p.status == "ok" else f" [yellow]({p.status})[/]"
        console.print(f"  {p.rank:>2}. [{p.score:.2f}] {esc(p.why)}{flag}", soft_wrap=True)
        if p.target.role:
            console.print(
                f"      → {shown(p.target.name)}: {shown(p.target.role)}",
                soft_wrap=True,
                markup=False,
            )
    first = result.paths[0]
    assert first.broker is not None
    console.print(
        "\nDraft a request: weakties draft "
        f'"#{first.broker.id}" --for "#{first.target.id}" --purpose {purpose}'
    )


def draft(
    ctx: typer.Context,
    broker: Annotated[str, typer.Argument(metavar="BROKER", help="The contact you would ask.")],
    target: Annotated[
        str,
        typer.Option(
            "--for",
            metavar="PERSON|ORG",
            help="Whom to reach: a person, or an organisation (the person there the "
            "best path through BROKER reaches; org:NAME to be explicit).",
        ),
    ],
    purpose: Purpose = "job",
    lang: Lang = "en",
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Your own sentence: why this person.")
    ] = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """The context of a request and a short, personal draft (nothing is sent or recorded)."""
    from weakties.service.opportunities import draft as draft_of

    result = call(
        ctx, draft_of, broker, target, member=member, purpose=purpose, lang=lang, reason=reason
    )
    if as_json:
        print_json(result)
        return
    c = result.context
    console.print(
        f"[bold]How you know {esc(c.broker.name)}:[/] {esc(c.how_you_know_the_broker.text)}"
    )
    nxt = c.via or c.target
    console.print(
        f"[bold]How they know {esc(nxt.name)}:[/] {esc(c.how_the_broker_knows_them.text)}"
    )
    for places, label in (
        (c.shared.you_and_broker, "you and the broker"),
        (c.shared.broker_and_target, "the broker and them"),
        (c.shared.you_and_target, f"you and {shown(c.target.name)}"),
    ):
        if places:
            console.print(f"[bold]Shared by {esc(label)}:[/] {esc(', '.join(places))}")
    console.print()
    console.print(shown(result.draft), markup=False, highlight=False)
    console.print(
        "Record it when you send it: weakties ask "
        f'"#{c.broker.id}" --for "#{c.target.id}" --text FILE'
    )


def reach(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", metavar="ORG", help="One organisation in detail.")
    ] = None,
    top: Annotated[
        int, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="Rows per ranking.")
    ] = 15,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Whom you can reach warmly: one organisation, or the ranked organisations,
    industries and locations."""
    from weakties.service.opportunities import org_reach, warm_reach

    if org:
        one = call(ctx, org_reach, org, member=member)
        if as_json:
            print_json(one)
            return
        console.print(shown(one.text), markup=False)
        table(
            f"Who can introduce you at {shown(one.org)}",
            ["contact", "your tie", "people there they know"],
            [(b.name, b.tie, b.knows_there) for b in one.top_brokers],
        )
        return
    warm = call(ctx, warm_reach, member=member, top=top)
    if as_json:
        print_json(warm)
        return
    console.print(
        f"{counted(warm.people_within_two_steps, 'person', 'people')} within two steps; "
        f"{warm.warm_people:,} reached warmly (warmth ≥ {warm.warm_at})."
    )
    for rows, title in (
        (warm.organisations, "Organisations"),
        (warm.industries, "Industries"),
        (warm.locations, "Locations"),
    ):
        table(
            f"{title} you reach warmly",
            ["name", "warm", "reachable", "warmth"],
            [(r.name, r.warm, r.reachable, r.warmth) for r in rows],
        )
    console.print(f"[dim]{esc(warm.computed_from)}[/]")


# the method that ranked the suggestions, as the text output names it
RANKED_BY = {
    "learned": "the ranker fitted on your history",
    "katz": "Katz's index",
    "weakties": "the former default (resource allocation, shared organisations, Katz)",
    "ra": "resource allocation",
    "aa": "Adamic-Adar",
    "cn": "common neighbours",
}


def suggest(
    ctx: typer.Context,
    top: Annotated[
        int, typer.Option(metavar="K", min=1, max=MAX_COUNT, help="Suggestions per person.")
    ] = 10,
    method: Annotated[
        str,
        typer.Option(
            metavar="METHOD",
            help="auto (the ranker fitted on your history when it allows one, else katz), "
            "learned, katz, weakties, ra, aa or cn.",
        ),
    ] = "auto",
    all_people: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Everyone's suggestions (a JSON object: viewer, as_of, the method that "
            "ranked, suggestions by name): with --as, among the people that member may "
            "see; without, the whole database (operator).",
        ),
    ] = False,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """People you may know: by default the ranker fitted on your network's history
    (who got in touch for the first time after past dates), else Katz's index."""
    from weakties.cli.ties import can_keep_fit
    from weakties.service.opportunities import suggest_all, suggestions

    if all_people:
        found = call(
            ctx,
            suggest_all,
            member=member,
            as_of=as_of,
            who="operator",
            top=top,
            method=method,
            fit=can_keep_fit(ctx),
        )
        if found.operator:
            err.print(
                "[dim]note: the whole database (no --as): every member's data, "
                "whatever they share[/]"
            )
        print_json(
            {
                "viewer": found.viewer,
                "as_of": found.as_of,
                "method": found.method,
                "suggestions": found.suggestions,
            }
        )
        return
    listed = call(
        ctx, suggestions, member=member, as_of=as_of, top=top, method=method, fit=can_keep_fit(ctx)
    )
    if as_json:
        print_json(listed)
        return
    if not listed.suggestions:
        console.print(
            f"Nobody to suggest: {shown(listed.none_because)}.", soft_wrap=True, markup=False
        )
        return
    table(
        f"People you may know, ranked by {RANKED_BY.get(listed.method, listed.method)}",
        ["#id", "name", "score", "why"],
        [(r.id, r.name, f"{r.score:.3f}", r.why) for r in listed.suggestions],
    )


def opportunities(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option(metavar="N", min=1, max=MAX_DAYS, help="Look back N days.")
    ] = 90,
    limit: Annotated[
        int, typer.Option(metavar="N", min=1, max=MAX_COUNT, help="At most N items.")
    ] = 30,
    as_of: AsOf = None,
    member: AsViewer = None,
    as_json: Json = False,
) -> None:
    """Your opportunity feed: moves, dormant ties at your targets, new ways in."""
    from weakties.service.opportunities import feed as feed_of

    feed = call(ctx, feed_of, member=member, as_of=as_of, days=days, limit=limit)
    if as_json:
        print_json(feed)
        return
    watched = ", ".join(shown(w) for w in feed.watched) or "nothing yet (weakties target add ORG)"
    console.print(f"Watching: {watched}", soft_wrap=True, markup=False)
    if not feed.items:
        console.print(f"Nothing new in the last {days} days.")
        return
    for item in feed.items:
        when = f"{item.date} " if item.date else ""
        console.print(f"• {when}{shown(item.text)}", soft_wrap=True, markup=False)
        console.print(f"  [dim]→ {esc(item.action)}[/]", soft_wrap=True)
    if feed.total > len(feed.items):
        console.print(f"({feed.total - len(feed.items)} more: --limit)")


def ask(
    ctx: typer.Context,
    broker: Annotated[str, typer.Argument(metavar="BROKER", help="The contact you ask.")],
    target: Annotated[
        str | None,
        typer.Option(
            "--for", metavar="PERSON", help="Whom you want to meet (this or --org is required)."
        ),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", metavar="ORG", help="Where you want to meet someone.")
    ] = None,
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
    """Record an ask for an introduction to someone (--for) or somewhere (--org) — if
    etiquette allows it; otherwise say why and from when it is possible."""
    from weakties.service.outreach import ask as record

    try:
        recorded = call(
            ctx,
            record,
            broker,
            member=member,
            target=target,
            org=org,
            purpose=purpose,
            text_file=text,
            lang=lang,
        )
    except RefusedError as exc:
        if as_json:
            print_json({"refused": True, "reasons": exc.reasons, "message": str(exc)})
            raise typer.Exit(exc.exit_code) from exc
        raise
    if as_json:
        print_json(recorded)
        return
    console.print(f"Ask #{recorded.id} to {shown(recorded.broker)} recorded.", markup=False)
    if recorded.draft:
        console.print("\nThe request (a draft — make it yours before sending):\n")
        console.print(shown(recorded.draft), markup=False, highlight=False)
    console.print(
        f"When you know the outcome: weakties asks outcome {recorded.id} "
        "introduced|declined|no-answer"
    )


@asks_app.callback(invoke_without_command=True)
def asks(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Your asks, newest first (an open ask with no answer for three weeks counts as
    unanswered)."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.outreach import asks as ledger

    rows = call(ctx, ledger, member=member)
    if as_json:
        print_json(rows)
        return
    table(
        "Your asks",
        ["#", "asked on", "broker", "for", "at", "purpose", "status"],
        [
            (r.id, r.asked_on, r.broker, r.target or "", r.org or "", r.purpose, r.status)
            for r in rows
        ],
    )


@asks_app.command("outcome")
def asks_outcome(
    ctx: typer.Context,
    ask_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=MAX_ID)],
    outcome: Annotated[
        str, typer.Argument(metavar="OUTCOME", help="introduced, declined, no-answer or withdrawn.")
    ],
    member: AsViewer = None,
) -> None:
    """Record how an ask ended; outcomes move future path scores."""
    from weakties.service.outreach import outcome as record_outcome

    result = call(ctx, record_outcome, ask_id, outcome, member=member)
    console.print(f"Ask #{result.id}: {result.status}")


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
    from weakties.service.outreach import DO_NOT_ASK_REASON_MAX
    from weakties.service.outreach import do_not_ask as mark

    if reason is not None and len(reason) > DO_NOT_ASK_REASON_MAX:
        # the same limit as the web form's, within the column's (PostgreSQL refuses more)
        raise typer.BadParameter(
            f"a reason is at most {DO_NOT_ASK_REASON_MAX} characters (this one has "
            f"{len(reason):,})",
            param_hint="'--reason'",
        )
    result = call(ctx, mark, person, member=member, reason=reason, lift=lift)
    if lift:
        console.print("lifted" if result.changed else "there was no such mark")
    else:
        console.print(
            f"Marked: not to be asked (holds for {shown(result.holds_for)}).", markup=False
        )


@etiquette_app.callback(invoke_without_command=True)
def etiquette(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """Show your etiquette rules."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.outreach import etiquette as rules

    limits = call(ctx, rules, member=member)
    if as_json:
        print_json(limits)
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
    from weakties.service.outreach import set_rule

    limits = call(ctx, set_rule, rule, value, member=member)
    new = limits.as_dict()[rule]
    console.print(f"{rule} = {'off' if new is None else new}")


@target_app.callback(invoke_without_command=True)
def targets(ctx: typer.Context, member: AsViewer = None, as_json: Json = False) -> None:
    """The organisations and people you target."""
    if ctx.invoked_subcommand is not None:
        return
    from weakties.service.outreach import targets as list_targets

    rows = call(ctx, list_targets, member=member)
    if as_json:
        print_json(rows)
        return
    table(
        "Your targets",
        ["#", "organisation", "person", "purpose", "since"],
        [(r.id, r.org or "", r.person or "", r.purpose, r.since) for r in rows],
    )


@target_app.command("add")
def target_add(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="ORG|PERSON")],
    purpose: Purpose = "job",
    member: AsViewer = None,
) -> None:
    """Target an organisation or a person (prefix org: or person: to be explicit)."""
    from weakties.service.outreach import add_target

    result = call(ctx, add_target, what, member=member, purpose=purpose)
    console.print(("Added" if result.added else "Updated") + f" target #{result.id}.")


@target_app.command("remove")
def target_remove(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="ORG|PERSON")],
    member: AsViewer = None,
) -> None:
    """Stop targeting an organisation or a person."""
    from weakties.service.outreach import remove_target

    gone = call(ctx, remove_target, what, member=member)
    console.print("Removed." if gone else "It was not a target.")
