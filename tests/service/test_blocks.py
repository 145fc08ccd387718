"""A block ends what binds two members, both ways, through the service layer: the
platform connection (the tie rows the accepted invitation wrote in both members'
data), the invitations still open between them and their follows of each other.
Lifting the block restores none of it.

Ana and Bo are connected and follow each other; Cy invited Ana, and Ana invited Dee
who ignored it. Ana blocks Bo, Cy blocks Ana, Dee blocks Ana.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support import copy_sqlite
from weakties.errors import NotFoundError
from weakties.model.tables import Follow, Invitation, Member, Tie
from weakties.service import accounts, connections, follows, moderation
from weakties.service.context import viewer
from weakties.store.engine import open_store

HANDLES = ("ana", "bob", "cyd", "dee", "eve")


@pytest.fixture
def store(tmp_path, monkeypatch, sqlite_template):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)
    # a copy of the session's migrated template rather than every migration again
    path = copy_sqlite(sqlite_template, tmp_path / "blocks.sqlite")
    opened = open_store(f"sqlite:///{path}")
    with opened.engine.begin() as conn:
        for handle in HANDLES:
            accounts.sign_up(
                conn,
                email=f"{handle}@example.org",
                password="a long enough password",
                name=handle.title(),
                handle=handle,
            )
    yield opened
    opened.close()


def _as(store, handle, fn, *args, **kwargs):
    with store.engine.begin() as conn:
        return fn(conn, viewer(conn, handle), *args, **kwargs)


def _connect(store, a: str, b: str) -> None:
    sent = _as(store, a, connections.send_invitation, b, "Hello")
    _as(store, b, connections.answer_invitation, sent.id, accept=True)


def _live_ties(store) -> list[tuple[int, int, int]]:
    with store.engine.connect() as conn:
        return sorted(
            conn.execute(
                select(Tie.person_a_id, Tie.person_b_id, Tie.asserted_by).where(
                    Tie.source == "platform", Tie.ended_at.is_(None)
                )
            ).all()
        )


def _handles(store) -> dict[int, str]:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(Member.id, Member.handle)).all())


def _invitations(store) -> list[tuple[str, str, str]]:
    names = _handles(store)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Invitation.sender_id, Invitation.recipient_id, Invitation.status).order_by(
                Invitation.id
            )
        ).all()
    return [(names[s], names[r], status) for s, r, status in rows]


def _follows(store) -> set[tuple[str, str]]:
    names = _handles(store)
    with store.engine.connect() as conn:
        person_to_member = {p: m for m, p in conn.execute(select(Member.id, Member.person_id))}
        rows = conn.execute(
            select(Follow.member_id, Follow.person_id).where(
                Follow.active.is_(True), Follow.person_id.is_not(None)
            )
        ).all()
    return {(names[m], names[person_to_member[p]]) for m, p in rows}


def _connected(store, handle: str) -> set[str]:
    return {c.handle for c in _as(store, handle, connections.list_connections)}


def test_a_block_ends_the_connection_invitations_and_follows_both_ways(store):
    _connect(store, "ana", "bob")
    _connect(store, "bob", "eve")
    _as(store, "ana", follows.follow, "member", "bob")
    _as(store, "bob", follows.follow, "member", "ana")
    _as(store, "ana", follows.follow, "member", "eve")
    cy_to_ana = _as(store, "cyd", connections.send_invitation, "ana", "Hello")
    ana_to_dee = _as(store, "ana", connections.send_invitation, "dee", "Hello")
    _as(store, "dee", connections.answer_invitation, ana_to_dee.id, accept=False)
    assert _connected(store, "ana") == {"bob"} and _connected(store, "bob") == {"ana", "eve"}
    assert len(_live_ties(store)) == 4  # each connection asserted by both members
    assert {v.id for v in _as(store, "ana", connections.list_invitations)[1]} == {ana_to_dee.id}

    _as(store, "ana", moderation.block, "bob")
    # the connection is gone from both members' data; Bo's other one stays
    assert _connected(store, "ana") == set() and _connected(store, "bob") == {"eve"}
    assert len(_live_ties(store)) == 2
    assert _follows(store) == {("ana", "eve")}  # neither follows the other any more
    # unfollowing across the block: there is nothing left to unfollow
    with pytest.raises(NotFoundError):
        _as(store, "bob", follows.unfollow, "member", "ana")

    # a block withdraws the invitations open between the two, whoever sent them
    _as(store, "ana", moderation.block, "cyd")
    _as(store, "dee", moderation.block, "ana")
    assert _invitations(store) == [
        ("ana", "bob", "accepted"),
        ("bob", "eve", "accepted"),
        ("cyd", "ana", "withdrawn"),
        ("ana", "dee", "withdrawn"),  # ignored by Dee: Ana saw it waiting
    ]
    received, sent = _as(store, "ana", connections.list_invitations)
    assert received == [] and sent == []
    with pytest.raises(NotFoundError):
        _as(store, "ana", connections.answer_invitation, cy_to_ana.id, accept=True)

    # lifted, the blocks restore nothing: connecting again is a new invitation
    for blocker, blocked in (("ana", "bob"), ("ana", "cyd"), ("dee", "ana")):
        _as(store, blocker, moderation.unblock, blocked)
    assert _connected(store, "ana") == set() and len(_live_ties(store)) == 2
    assert _follows(store) == {("ana", "eve")}
    assert _as(store, "ana", connections.list_invitations) == ([], [])
    _connect(store, "bob", "ana")
    assert _connected(store, "ana") == {"bob"} and len(_live_ties(store)) == 4


def test_blocking_a_stranger_changes_nothing_else(store):
    _connect(store, "ana", "bob")
    _as(store, "ana", follows.follow, "member", "bob")
    before = (_live_ties(store), _invitations(store), _follows(store))
    _as(store, "cyd", moderation.block, "ana")
    _as(store, "cyd", moderation.block, "ana")  # again: nothing changes
    assert (_live_ties(store), _invitations(store), _follows(store)) == before


def _suspend(store, handle: str) -> None:
    from weakties.model.tables import Suspension

    with store.engine.begin() as conn:
        member = conn.execute(select(Member.id).where(Member.handle == handle)).scalar_one()
        conn.execute(Suspension.__table__.insert().values(member_id=member, reason="spam"))


def test_followers_and_group_members_leave_out_blocked_and_suspended_members(store):
    """Everyone joins Ana's group and follows it and Ana; then Dee blocks Eve and Bo
    is suspended: Eve is shown neither of them among the group's members (its page
    and the list of groups) nor among the followers of the group, of its
    organisation page, or of Ana — by name or in the counts. Dee is not shown Eve."""
    from weakties.service import groups, orgpages

    gid = _as(store, "ana", groups.create_group, groups.GroupEdit("Chess club"))
    for handle in HANDLES:
        if handle != "ana":
            _as(store, handle, groups.join, gid)
            _as(store, handle, follows.follow, "member", "ana")
        _as(store, handle, follows.follow, "organization", gid)

    def seen(handle: str) -> dict[str, object]:
        page = _as(store, handle, groups.group, gid)
        org = _as(store, handle, orgpages.org_page, gid)
        ana = _as(store, handle, follows.followers, person_id=_person(store, "ana"))
        card = next(g for g in _as(store, handle, groups.groups) if g.id == gid)
        return {
            "members": {m.handle for m in page.members},
            "counts": (page.member_count, card.members),
            "group followers": ({f.handle for f in page.followers.named}, page.followers.count),
            "org followers": ({f.handle for f in org.followers.named}, org.followers.count),
            "ana's followers": ({f.handle for f in ana.named}, ana.count),
        }

    everyone = set(HANDLES)
    assert seen("eve") == {
        "members": everyone,
        "counts": (5, 5),
        "group followers": (everyone, 5),
        "org followers": (everyone, 5),
        "ana's followers": (everyone - {"ana"}, 4),
    }
    _as(store, "dee", moderation.block, "eve")
    _suspend(store, "bob")
    shown = everyone - {"bob", "dee"}
    assert seen("eve") == {
        "members": shown,
        "counts": (3, 3),
        "group followers": (shown, 3),
        "org followers": (shown, 3),
        "ana's followers": (shown - {"ana"}, 2),
    }
    # the block hides Eve from Dee too; Dee still sees themself
    assert seen("dee")["members"] == everyone - {"bob", "eve"}
    # nor is a moderator shown a request to join from a member behind a block
    go = _as(store, "eve", groups.create_group, groups.GroupEdit("Go club", access="request"))
    _as(store, "dee", groups.join, go)
    _as(store, "cyd", groups.join, go)
    assert {r.handle for r in _as(store, "eve", groups.group, go).requests} == {"cyd"}


def _person(store, handle: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(select(Member.person_id).where(Member.handle == handle)).scalar_one()
        )


def test_a_block_closes_the_introduction_requests_waiting_on_it(store):
    """Ana asks Bo to introduce her to Cy, Dee asks Bo to introduce her to Eve. Cy
    blocks Bo (the broker and the target), Dee blocks Bo (the requester and the
    broker): each request is closed as declined — Bo is offered to forward neither,
    the asks are closed in the requesters' ledgers, and Ana's one open ask for Cy no
    longer holds her back from asking someone else."""
    from weakties.errors import RefusedError
    from weakties.model.tables import Ask
    from weakties.service import introductions as intro

    for a, b in (("ana", "bob"), ("bob", "cyd"), ("dee", "bob"), ("ana", "eve"), ("eve", "cyd")):
        _connect(store, a, b)
    to_cy = _as(
        store, "ana", intro.send_request, "bob", "cyd", "Could you put me in touch with Cy?"
    )
    to_eve = _as(
        store, "dee", intro.send_request, "bob", "eve", "Eve runs the meetup I want to join."
    )
    with pytest.raises(RefusedError) as held:
        _as(store, "ana", intro.send_request, "eve", "cyd", "Would you tell Cy about my work?")
    assert "open_per_target" in {r["rule"] for r in held.value.reasons}

    def states() -> tuple[str, str]:
        return (
            _as(store, "ana", intro.introduction, to_cy.id).state,
            _as(store, "dee", intro.introduction, to_eve.id).state,
        )

    assert states() == ("waiting", "waiting")
    _as(store, "cyd", moderation.block, "bob")
    assert states() == ("declined", "waiting")
    _as(store, "dee", moderation.block, "bob")
    assert states() == ("declined", "declined")
    # the broker's conversation offers no answer any more; nor does the request
    on_thread = _as(store, "bob", intro.for_thread, to_cy.thread_id)
    assert on_thread is not None and on_thread.state == "declined"
    assert _as(store, "bob", intro.introduction_ledger).waiting == 0
    with pytest.raises(RefusedError):
        _as(store, "bob", intro.forward, to_cy.id)
    with store.engine.connect() as conn:
        asks = conn.execute(select(Ask.status).where(Ask.id.in_([to_cy.ask_id, to_eve.ask_id])))
        assert sorted(asks.scalars()) == ["declined", "declined"]
    # no open ask holds Ana's limits: she asks Eve for Cy
    _as(store, "ana", intro.send_request, "eve", "cyd", "Would you tell Cy about my work?")


def test_a_blocked_member_kept_by_imported_data_is_shown_nowhere(store):
    """Ana's and Bo's own LinkedIn exports list each other, and Bo is connected with
    Cy on the platform. Ana blocks Bo: the block ends their platform connection, not
    the exports — yet neither is shown the other among their connections, people or
    network overview (named or counted), and Bo leads Ana to nobody: Cy is no longer
    her second degree. The exports' rows stay as they were."""
    from weakties.service import people, report

    _connect(store, "ana", "bob")
    _connect(store, "bob", "cyd")
    ana, bo = _person(store, "ana"), _person(store, "bob")
    members = {h: m for m, h in _handles(store).items()}
    low, high = sorted((ana, bo))
    with store.engine.begin() as conn:
        for handle in ("ana", "bob"):
            conn.execute(
                Tie.__table__.insert().values(
                    person_a_id=low,
                    person_b_id=high,
                    source="connection",
                    asserted_by=members[handle],
                )
            )

    def seen(handle: str) -> dict[str, object]:
        with store.engine.connect() as conn:
            who = viewer(conn, handle)
            look = report.overview(conn, who)
            cyd = people.person(conn, who, "cyd") if handle != "cyd" else None
            return {
                "connections": _connected(store, handle),
                "people": {p.name: p.degree for p in people.list_people(conn, who)},
                "counts": (look.counts["connections"], look.counts["second_degree_named"]),
                "members": set(look.members),
                "cyd's ties": {t.with_ for t in cyd.ties} if cyd else None,
            }

    everyone = set(HANDLES)
    assert seen("ana") == {
        "connections": {"bob"},
        "people": {"Bob": 1, "Cyd": 2, "Dee": None, "Eve": None},
        "counts": (1, 1),
        "members": everyone,
        "cyd's ties": {"Bob"},
    }
    _as(store, "ana", moderation.block, "bob")
    assert seen("ana") == {
        "connections": set(),
        "people": {"Cyd": None, "Dee": None, "Eve": None},
        "counts": (0, 0),
        "members": everyone - {"bob"},
        "cyd's ties": set(),
    }
    assert seen("bob") == {
        "connections": {"cyd"},
        "people": {"Cyd": 1, "Dee": None, "Eve": None},
        "counts": (1, 0),
        "members": everyone - {"ana"},
        "cyd's ties": {"Bob"},
    }
    for who, other in (("ana", "bob"), ("bob", "ana"), ("ana", f"#{bo}")):
        with pytest.raises(NotFoundError):
            _as(store, who, people.person, other)
    # the exports are as they were
    with store.engine.connect() as conn:
        kept = conn.execute(
            select(Tie.asserted_by).where(Tie.source == "connection", Tie.ended_at.is_(None))
        ).scalars()
        assert sorted(kept) == sorted(members[h] for h in ("ana", "bob"))


def test_a_block_between_the_requester_and_the_target_closes_the_request(store):
    """Ana asks Bo to introduce her to Cy, Dee asks Bo to introduce her to Eve; then
    Cy blocks Ana (the target the requester), Dee blocks Eve (the requester the
    target). Each request is closed as declined — the requester reads 'not
    forwarded', as after any decline, and is notified of nothing — Bo is no longer
    offered to forward it, and the asks are closed in the requesters' ledgers."""
    from weakties.model.tables import Ask, Notification
    from weakties.service import introductions as intro

    for a, b in (("ana", "bob"), ("bob", "cyd"), ("dee", "bob"), ("bob", "eve")):
        _connect(store, a, b)
    to_cy = _as(store, "ana", intro.send_request, "bob", "cyd", "Could you put me in touch?")
    to_eve = _as(store, "dee", intro.send_request, "bob", "eve", "Eve runs the meetup.")

    def states() -> tuple[str, str]:
        return (
            _as(store, "ana", intro.introduction, to_cy.id).state,
            _as(store, "dee", intro.introduction, to_eve.id).state,
        )

    def notices() -> int:
        with store.engine.connect() as conn:
            return len(conn.execute(select(Notification.id)).all())

    assert states() == ("waiting", "waiting")
    before = notices()
    _as(store, "cyd", moderation.block, "ana")
    assert states() == ("declined", "waiting")
    _as(store, "dee", moderation.block, "eve")
    assert states() == ("declined", "declined")
    assert notices() == before  # nobody is told
    for request in (to_cy, to_eve):
        on_thread = _as(store, "bob", intro.for_thread, request.thread_id)
        assert on_thread is not None and on_thread.state == "declined"
    assert _as(store, "bob", intro.introduction_ledger).waiting == 0
    with store.engine.connect() as conn:
        asks = conn.execute(select(Ask.status).where(Ask.id.in_([to_cy.ask_id, to_eve.ask_id])))
        assert sorted(asks.scalars()) == ["declined", "declined"]


def test_a_conversation_says_it_is_closed_when_someone_in_it_is_suspended(store):
    """Ana, Bo and Eve write to each other; Bo is suspended: Ana's conversation says
    she can no longer write in it, as it refuses what she writes (and as after a
    block). Their conversation of two is not shown to her at all
    (tests/service/test_suspended_messages.py)."""
    from weakties.errors import RefusedError
    from weakties.service import messages

    _connect(store, "ana", "bob")
    _connect(store, "ana", "eve")
    thread = _as(store, "ana", messages.start_conversation, ["bob", "eve"], "Lunch on Friday?")
    assert _as(store, "ana", messages.conversation, thread).blocked is False
    _suspend(store, "bob")
    assert _as(store, "ana", messages.conversation, thread).blocked is True
    with pytest.raises(RefusedError):
        _as(store, "ana", messages.send, thread, "Still on?")


def _imported_tie_with_messages(store) -> int:
    """Ana's own data: her LinkedIn connection with Bo and the messages they
    exchanged more than a year ago. Returns Bo's person id."""
    import datetime as dt

    from weakties.model.tables import Interaction, utcnow

    ana, bo = _person(store, "ana"), _person(store, "bob")
    members = {h: m for m, h in _handles(store).items()}
    now = utcnow()
    low, high = sorted((ana, bo))
    with store.engine.begin() as conn:
        conn.execute(
            Tie.__table__.insert().values(
                person_a_id=low,
                person_b_id=high,
                source="connection",
                asserted_by=members["ana"],
                since=now - dt.timedelta(days=900),
            )
        )
        for k in range(8):
            conn.execute(
                Interaction.__table__.insert().values(
                    kind="message",
                    sender_id=ana if k % 2 else bo,
                    recipient_id=bo if k % 2 else ana,
                    occurred_at=now - dt.timedelta(days=400 + 20 * k),
                    asserted_by=members["ana"],
                    natural_key=f"ana-bo-{k}",
                )
            )
    return bo


def test_keep_in_touch_never_reminds_of_a_member_behind_a_block(store):
    """Ana's own data holds her LinkedIn connection with Bo and the messages they
    exchanged a year ago: a word to Bo is due. Bo blocks Ana: Ana is reminded of him
    no more, and cannot snooze or dismiss a reminder about him; her data stays."""
    from weakties.service import keep_in_touch

    bo = _imported_tie_with_messages(store)

    def reminded() -> set[int]:
        found = _as(store, "ana", keep_in_touch.reminders)
        return {r.id for r in found.due + found.snoozed}

    assert bo in reminded()
    _as(store, "bob", moderation.block, "ana")
    assert bo not in reminded()
    for answer, args in ((keep_in_touch.dismiss, ()), (keep_in_touch.snooze, ("2099-01-01",))):
        with pytest.raises(NotFoundError):
            _as(store, "ana", answer, bo, *args)
    with store.engine.connect() as conn:
        assert conn.execute(select(Tie.id).where(Tie.source == "connection")).all()


def test_the_tie_table_and_the_ego_graph_leave_out_a_member_behind_a_block(store):
    """Ana's own data holds her tie with Bo (and Cy is her connection on the
    platform). Ana blocks Bo: her tie table lists and counts Cy only, Bo's tie can be
    neither opened nor corrected, and her ego graph draws Cy only."""
    from weakties.service import ego, tie_review

    bo = _imported_tie_with_messages(store)
    _connect(store, "ana", "cyd")
    cy = _person(store, "cyd")

    def table() -> tuple[set[int], int, int]:
        found = _as(store, "ana", tie_review.tie_table)
        return {t.id for t in found.ties}, found.total, sum(found.counts.values())

    def drawn() -> set[int]:
        return {node.id for node in _as(store, "ana", ego.ego_graph).nodes}

    assert table() == ({bo, cy}, 2, 2) and drawn() == {bo, cy}
    _as(store, "ana", moderation.block, "bob")
    assert table() == ({cy}, 1, 1) and drawn() == {cy}
    with pytest.raises(NotFoundError):
        _as(store, "ana", tie_review.tie_detail, bo)
    with pytest.raises(NotFoundError):
        _as(store, "ana", tie_review.correct, bo, "close")


def test_a_suspended_member_is_found_by_no_search_and_named_on_no_profile(store):
    """Ana–Bo and Bo–Cyd are connected: Cyd finds Bo by name and Ana's profile
    names Bo as the contact she shares with Cyd. Bo is suspended: Cyd's search
    finds him no more and Ana's profile names nobody shared (search, profiles,
    organisation pages and job counts left out only members behind a block)."""
    from weakties.service import profiles, search

    _connect(store, "ana", "bob")
    _connect(store, "bob", "cyd")

    def seen() -> tuple[set[str | None], list[str]]:
        found = _as(store, "cyd", search.search, "bob", kinds=("people",))
        shared = _as(store, "cyd", profiles.member_profile, "ana").mutual
        return {p.handle for p in found.people}, [m.name for m in shared]

    assert seen() == ({"bob"}, ["Bob"])
    _suspend(store, "bob")
    assert seen() == (set(), [])


def test_the_events_leave_out_whom_a_block_or_a_suspension_hides(store):
    """Ana is connected with Cy and Dee. Her own data tells that Bo moved; Cy's
    data, shared by name, that Dee moved; Eve's, that Cy moved. Ana blocks Bo, then
    Eve is suspended: the events Ana is listed lose Bo's move (her own data still
    holds it), then the one found in Eve's data — and not the others. Eve's data
    also tells, later, of Dee's move: listed from Eve's data while she is shown,
    then from Cy's (a hidden copy never stands for a visible one)."""
    import datetime as dt
    import json

    from weakties.model.tables import Event, Suspension
    from weakties.service import people

    _connect(store, "ana", "cyd")
    _connect(store, "ana", "dee")
    members = {h: m for m, h in _handles(store).items()}
    moves = (
        ("ana", "bob", "Acme"),
        ("cyd", "dee", "Globex"),
        ("eve", "cyd", "Initech"),
        ("eve", "dee", "Globex"),
    )
    with store.engine.begin() as conn:
        for i, (found_in, about, org) in enumerate(moves):
            conn.execute(
                Event.__table__.insert().values(
                    member_id=members[found_in],
                    person_id=_person(store, about),
                    kind="career_move",
                    occurred_on=dt.date(2026, 1, 1 + i),
                    detail=json.dumps({"to": {"org": org}}),
                )
            )

    def listed(**kwargs: object) -> list[tuple[str, str]]:
        found = _as(store, "ana", people.events, kinds=["career_move"], **kwargs)
        return [(e.person, e.found_in) for e in found]

    assert listed() == [("Dee", "eve"), ("Cyd", "eve"), ("Bob", "ana")]
    _as(store, "ana", moderation.block, "bob")
    assert listed() == [("Dee", "eve"), ("Cyd", "eve")]
    with store.engine.begin() as conn:
        conn.execute(Suspension.__table__.insert().values(member_id=members["eve"], reason="spam"))
    assert listed() == [("Dee", "cyd")]
    assert listed(limit=1) == [("Dee", "cyd")]  # the limit counts what is shown
    assert _as(store, "ana", people.person, "cyd").events == []  # Eve's data, hidden


def test_no_output_tells_a_career_move_of_someone_hidden_or_found_in_their_data(store):
    """Ana is connected with Cy and Dee. Her own data tells that Bo moved to Acme;
    Cy's, shared by name, that Dee moved to Globex; Eve's, that Cy moved to
    Initech. The notifications are written while everyone is shown; then Ana
    blocks Bo and Eve is suspended. Every output that tells career moves — the
    events, the opportunities, the home feed, Cy's brief, the notifications and
    their badge, and a new scan — tells Dee's move only."""
    import datetime as dt
    import json

    from weakties.model.tables import Event, Notification, Suspension
    from weakties.service import brief, notifications, opportunities, people, tasks
    from weakties.service import feed as home_feed
    from weakties.store.clock import utcnow

    _connect(store, "ana", "cyd")
    _connect(store, "ana", "dee")
    members = {h: m for m, h in _handles(store).items()}
    today = utcnow().date()
    moves = (("ana", "bob", "Acme"), ("cyd", "dee", "Globex"), ("eve", "cyd", "Initech"))
    with store.engine.begin() as conn:
        for i, (found_in, about, org) in enumerate(moves):
            conn.execute(
                Event.__table__.insert().values(
                    member_id=members[found_in],
                    person_id=_person(store, about),
                    kind="career_move",
                    occurred_on=today - dt.timedelta(days=3 - i),
                    detected_at=utcnow(),
                    detail=json.dumps({"to": {"org": org}}),
                )
            )
        tasks._scan_events(conn, {})

    def told() -> dict[str, list[str]]:
        def orgs(texts: list[str]) -> list[str]:
            return sorted(o for o in ("Acme", "Globex", "Initech") if any(o in t for t in texts))

        news = _as(store, "ana", notifications.list_notifications)
        return {
            "events": orgs([str(e.detail) for e in _as(store, "ana", people.events)]),
            "opportunities": orgs([i.text for i in _as(store, "ana", opportunities.feed).items]),
            "feed": orgs(
                [str(i.career) for i in _as(store, "ana", home_feed.feed).items if i.career]
            ),
            "brief": orgs(
                [str(e.org) for e in _as(store, "ana", brief.person_brief, "cyd").events]
            ),
            "notifications": orgs([str(n.detail) for n in news if n.kind == "career_move"]),
        }

    everything = ["Acme", "Globex", "Initech"]
    assert told() == {
        "events": everything,
        "opportunities": everything,
        "feed": everything,
        "brief": ["Initech"],
        "notifications": everything,
    }
    assert _as(store, "ana", notifications.unread_count) == 3
    _as(store, "ana", moderation.block, "bob")
    with store.engine.begin() as conn:
        conn.execute(Suspension.__table__.insert().values(member_id=members["eve"], reason="spam"))
    assert told() == {
        "events": ["Globex"],
        "opportunities": ["Globex"],
        "feed": ["Globex"],
        "brief": [],
        "notifications": ["Globex"],
    }
    assert _as(store, "ana", notifications.unread_count) == 1
    with store.engine.begin() as conn:  # a scan after the block writes nothing hidden
        conn.execute(Notification.__table__.delete())
        tasks._set_watermark(conn, "events_id", "0")
        tasks._scan_events(conn, {})
    assert told()["notifications"] == ["Globex"]


def test_a_block_hides_each_members_messages_from_the_other_in_a_group(store):
    """Ana, Bo and Eve are in a group; Eve blocks Bo. Neither of them is shown the
    other's name or messages in it (nor counts them unread), neither can write in it
    any more; Ana still reads everyone. A conversation of two between them is shown
    to neither."""
    from weakties.errors import RefusedError
    from weakties.service import messages

    _connect(store, "ana", "bob")
    _connect(store, "ana", "eve")
    _connect(store, "bob", "eve")
    group = _as(store, "ana", messages.start_conversation, ["bob", "eve"], "Hello both")
    _as(store, "eve", messages.send, group, "EVE IN THE GROUP")
    _as(store, "bob", messages.send, group, "BO IN THE GROUP")
    pair = _as(store, "bob", messages.start_conversation, ["eve"], "BO TO EVE ALONE")
    _as(store, "ana", messages.send, group, "Ana again")
    _as(store, "eve", moderation.block, "bob")

    def seen(handle: str) -> tuple[set[str], list[str], int, list[int], tuple[int, int]]:
        view = _as(store, handle, messages.conversation, group, mark=False)
        (item,) = [i for i in _as(store, handle, messages.inbox) if i.id == group]
        return (
            {c.handle for c in view.others},
            [m.body for m in view.messages],
            item.unread,
            [i.id for i in _as(store, handle, messages.inbox)],
            _as(store, handle, messages.unread_total),
        )

    assert seen("eve") == (
        {"ana"},
        ["Hello both", "EVE IN THE GROUP", "Ana again"],
        1,  # Ana's, not Bo's
        [group],  # not the conversation of the two
        (1, 0),
    )
    assert seen("bob") == (
        {"ana"},
        ["Hello both", "BO IN THE GROUP", "Ana again"],
        1,
        [group],
        (1, 0),
    )
    ana = _as(store, "ana", messages.conversation, group)
    assert {c.handle for c in ana.others} == {"bob", "eve"} and len(ana.messages) == 4
    later = _as(store, "eve", messages.messages_after, group, 0)
    assert "BO IN THE GROUP" not in [m.body for m in later]
    for handle in ("bob", "eve"):
        assert _as(store, handle, messages.conversation, group).blocked is True
        with pytest.raises(RefusedError):
            _as(store, handle, messages.send, group, "Anyone?")
        with pytest.raises(NotFoundError):
            _as(store, handle, messages.conversation, pair)
        with pytest.raises(NotFoundError):
            _as(store, handle, messages.send, pair, "Still there?")
