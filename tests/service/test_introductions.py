"""Introductions with consent, at the service layer, on the demo platform (every
person a member): the request's states, etiquette's refusals with their rule and
the day they lift, who sees what, blocks, and two requests at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.intro_world import Way, find_way
from weakties.errors import NotFoundError, RefusedError
from weakties.model.tables import Ask, Interaction, Member, Notification, Participant
from weakties.service import introductions as intro
from weakties.service import messages
from weakties.service.context import viewer
from weakties.service.forms import FormError
from weakties.store.engine import Store, open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def store(demo_worlds: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A copy of the demo platform (tests.demo_worlds), this test's own."""
    with demo_worlds.copy("platform", request, tmp_path, "sqlite") as url:
        opened = open_store(url)
        yield opened
        opened.engine.dispose()


@pytest.fixture(scope="module")
def found_way(
    demo_worlds: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Way:
    folder = tmp_path_factory.mktemp("intro")
    with demo_worlds.copy("platform", request, folder, "sqlite") as url:
        opened = open_store(url)
        try:
            return find_way(opened)
        finally:
            opened.engine.dispose()


def _as(store: Store, handle: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with store.engine.begin() as conn:
        return fn(conn, viewer(conn, handle), *args, **kwargs)


def _send(
    store: Store, way: Way, body: str = "Could you introduce me? I am curious about it."
) -> Any:
    return _as(
        store, way.requester, intro.send_request, way.broker, way.target, body, org_id=way.org_id
    )


def _notifications(store: Store, handle: str) -> list[tuple[str, int | None]]:
    with store.engine.connect() as conn:
        member = conn.execute(select(Member.id).where(Member.handle == handle)).scalar_one()
        return [
            (k, c)
            for k, c in conn.execute(
                select(Notification.kind, Notification.conversation_id)
                .where(Notification.member_id == member)
                .order_by(Notification.id)
            )
        ]


def test_the_paths_are_ranked_explained_and_carry_etiquettes_verdict(store, found_way):
    way = found_way
    found = _as(store, way.requester, intro.who_can_introduce, org_id=way.org_id)
    assert [p.rank for p in found.paths] == list(range(1, len(found.paths) + 1))
    assert all(p.why for p in found.paths)
    scores = [p.score for p in found.paths]
    assert scores == sorted(scores, reverse=True)
    chosen = next(p for p in found.paths if p.broker and p.broker.handle == way.broker)
    assert chosen.askable and chosen.refusals == [] and chosen.possible_on is None


def test_forwarded_a_request_becomes_a_conversation_of_three(store, found_way):
    way = found_way
    sent = _send(store, way)
    # the broker has it first: a notification and a private thread with the request
    assert ("intro_request", None) in _notifications(store, way.broker)
    thread = _as(store, way.broker, messages.conversation, sent.thread_id)
    assert [m.body for m in thread.messages] == ["Could you introduce me? I am curious about it."]
    assert {c.handle for c in thread.others} == {way.requester}
    # the target knows nothing yet
    assert _notifications(store, way.target) == []
    with pytest.raises(NotFoundError):
        _as(store, way.target, intro.introduction, sent.id)
    with pytest.raises(NotFoundError):
        _as(store, way.target, messages.conversation, sent.thread_id)
    assert _as(store, way.target, intro.introduction_ledger).received == []
    mine = _as(store, way.requester, intro.introduction_ledger)
    assert [(r.id, r.state) for r in mine.sent] == [(sent.id, "waiting")]
    theirs = _as(store, way.broker, intro.introduction_ledger)
    assert [(r.id, r.state, r.sent_by_me) for r in theirs.received] == [(sent.id, "waiting", False)]
    assert theirs.waiting == 1

    group = _as(store, way.broker, intro.forward, sent.id, "Happy to: you two should talk.")
    seen = _as(store, way.target, messages.conversation, group)
    assert {c.handle for c in seen.others} == {way.requester, way.broker}
    assert [m.body for m in seen.messages] == [
        "Could you introduce me? I am curious about it.",
        "Happy to: you two should talk.",
    ]
    assert ("intro_made", group) in _notifications(store, way.target)
    assert ("intro_forwarded", group) in _notifications(store, way.requester)
    with store.engine.connect() as conn:
        members = conn.execute(
            select(Participant.state).where(Participant.conversation_id == group)
        ).all()
        assert [s for (s,) in members] == ["active"] * 3
        assert conn.execute(select(Ask.status).where(Ask.id == sent.ask_id)).scalar() == (
            "introduced"
        )
        traces = conn.execute(
            select(Interaction.kind).where(
                Interaction.natural_key.like(f"platform-introduction-{sent.id}-%")
            )
        ).all()
        assert len(traces) == 2
    assert _as(store, way.requester, intro.introduction_ledger).sent[0].state == "forwarded"
    assert _as(store, way.broker, intro.introduction_ledger).received[0].state == "forwarded"
    with pytest.raises(RefusedError, match="already answered"):
        _as(store, way.broker, intro.decline, sent.id)
    # the conversation of three discusses the request too: each of the three reads it
    # there, the person to meet only what that conversation already tells them
    on_group = {
        handle: _as(store, handle, intro.for_thread, group)
        for handle in (way.requester, way.broker, way.target)
    }
    assert {h: (v.id, v.role, v.state) for h, v in on_group.items() if v} == {
        way.requester: (sent.id, "requester", "forwarded"),
        way.broker: (sent.id, "broker", "forwarded"),
        way.target: (sent.id, "target", "forwarded"),
    }
    theirs = on_group[way.target]
    assert theirs is not None and theirs.thread_id is None and theirs.group_id == group
    assert (theirs.org, theirs.org_id, theirs.job_id) == (None, None, None)
    assert on_group[way.broker].thread_id == sent.thread_id
    assert _as(store, way.target, intro.for_thread, sent.thread_id) is None

    # a second request through the same broker the same day: the rest after an introduction
    with pytest.raises(RefusedError) as refused:
        _send(store, way, "Another favour, in other words entirely, please.")
    rules = {r["rule"]: r["possible_on"] for r in refused.value.reasons}
    with store.engine.connect() as conn:
        today = viewer(conn, way.requester).clock.date()
    assert rules == {"cooldown_introduced": (today + dt.timedelta(days=14)).isoformat()}


def test_declined_says_not_forwarded_and_nothing_reaches_the_target(store, found_way):
    way = found_way
    sent = _send(store, way)
    _as(store, way.broker, intro.decline, sent.id)
    mine = _as(store, way.requester, intro.introduction_ledger).sent[0]
    assert mine.state == "declined" and mine.group_id is None
    assert ("intro_declined", None) in _notifications(store, way.requester)
    assert _notifications(store, way.target) == []
    with store.engine.connect() as conn:
        assert conn.execute(select(Ask.status).where(Ask.id == sent.ask_id)).scalar() == "declined"
    with pytest.raises(RefusedError) as refused:
        _send(store, way, "Perhaps now, in a fresh way of putting it?")
    assert [r["rule"] for r in refused.value.reasons] == ["cooldown_declined"]
    with pytest.raises(RefusedError, match="already answered"):
        _as(store, way.broker, intro.forward, sent.id)


def test_a_second_open_request_through_the_same_broker_is_refused_with_its_day(store, found_way):
    way = found_way
    first = _send(store, way)
    with pytest.raises(RefusedError) as refused:
        _send(store, way, "Something else entirely, written again from scratch.")
    reason = next(r for r in refused.value.reasons if r["rule"] == "open_per_broker")
    with store.engine.connect() as conn:
        today = viewer(conn, way.requester).clock.date()
    # unanswered after 21 days, then 30 days' rest
    assert reason["possible_on"] == (today + dt.timedelta(days=51)).isoformat()
    # the page says so before the member writes anything
    again = _as(store, way.requester, intro.who_can_introduce, org_id=way.org_id)
    through = next(p for p in again.paths if p.broker and p.broker.handle == way.broker)
    assert not through.askable
    assert [r.rule for r in through.refusals] == ["open_per_broker"]
    assert through.possible_on == today + dt.timedelta(days=51)
    assert _as(store, way.requester, intro.introduction_ledger).sent[0].id == first.id


def test_an_unanswered_request_shows_as_unanswered_after_the_requesters_days(store, found_way):
    way = found_way
    sent = _send(store, way)
    with store.engine.begin() as conn:
        later = viewer(conn, way.requester)
        later = dataclasses.replace(later, clock=later.clock + dt.timedelta(days=21))
        row = intro.introduction(conn, later, sent.id)
        assert row.state == "unanswered"
        assert row.unanswered_on == (later.clock - dt.timedelta(days=21)).date() + dt.timedelta(
            days=21
        )
        earlier = dataclasses.replace(later, clock=later.clock - dt.timedelta(days=1))
        assert intro.introduction(conn, earlier, sent.id).state == "waiting"


def test_nobody_else_sees_or_answers_a_request(store, found_way):
    way = found_way
    sent = _send(store, way)
    assert "sam" not in {way.requester, way.broker, way.target}
    for handle in ("sam", way.target):
        with pytest.raises(NotFoundError):
            _as(store, handle, intro.introduction, sent.id)
        with pytest.raises(NotFoundError):
            _as(store, handle, intro.forward, sent.id)
        with pytest.raises(NotFoundError):
            _as(store, handle, intro.decline, sent.id)
    with pytest.raises(NotFoundError):  # the requester cannot answer their own
        _as(store, way.requester, intro.forward, sent.id)


def test_a_member_who_shares_nothing_is_never_a_way_in(store, found_way):
    from tests.support import set_sharing

    way = found_way
    with store.engine.begin() as conn:
        set_sharing(conn, way.broker, "nothing")
    try:
        found = _as(store, way.requester, intro.who_can_introduce, org_id=way.org_id)
    except NotFoundError:
        # the target's job there was known from the broker's data only: without
        # it, the organisation itself is not one the requester may see
        return
    assert way.broker not in {p.broker.handle for p in found.paths if p.broker}


def test_a_block_hides_the_way_in_and_stops_the_request(store, found_way):
    from weakties.service.moderation import block

    way = found_way
    _as(store, way.broker, block, way.requester)
    found = _as(store, way.requester, intro.who_can_introduce, org_id=way.org_id)
    assert way.broker not in {p.broker.handle for p in found.paths if p.broker}
    with pytest.raises(NotFoundError):
        _send(store, way)


def test_a_block_between_requester_and_target_closes_the_request(store, found_way):
    from weakties.service.moderation import block

    way = found_way
    sent = _send(store, way)
    _as(store, way.target, block, way.requester)
    with pytest.raises(RefusedError, match="already answered"):
        _as(store, way.broker, intro.forward, sent.id)
    assert _as(store, way.requester, intro.introduction, sent.id).state == "declined"


def test_two_requests_at_once_through_one_broker_make_one(store, found_way):
    way = found_way
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def one(body: str) -> None:
        barrier.wait()
        try:
            _send(store, way, body)
            outcomes.append("sent")
        except RefusedError as exc:
            outcomes.append(exc.reasons[0]["rule"])

    threads = [
        threading.Thread(target=one, args=(b,))
        for b in ("A first way of asking for this favour.", "Quite different words for a favour.")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["open_per_broker", "sent"]
    assert len(_as(store, way.requester, intro.introduction_ledger).sent) == 1


def test_a_broker_who_does_not_want_to_be_asked_is_never_asked(store, found_way):
    from weakties.service.outreach import not_to_be_asked, set_do_not_ask_me

    way = found_way

    def brokers() -> set[str]:
        found = _as(store, way.requester, intro.who_can_introduce, org_id=way.org_id)
        return {p.broker.handle for p in found.paths if p.broker}

    assert way.broker in brokers()
    assert _as(store, way.broker, not_to_be_asked) == (False, None)
    _as(store, way.broker, set_do_not_ask_me, True, "too busy this year")
    assert _as(store, way.broker, not_to_be_asked) == (True, "too busy this year")
    # never proposed as a way in ...
    assert way.broker not in brokers()
    # ... and a request through them is refused with the rule, which never lifts
    with pytest.raises(RefusedError) as refused:
        _send(store, way)
    assert [(r["rule"], r["possible_on"]) for r in refused.value.reasons] == [("do_not_ask", None)]
    (refusal,) = intro.refusals_of(refused.value)
    assert intro.possible_on([refusal]) is None
    assert refusal.params == {
        "name": refusal.params["name"],
        "role": "broker",
        "themself": 1,
        "reason": "too busy this year",
    }
    # the reason is for the broker's contacts: a member who is not one (whom
    # contacts_only refuses anyway) reaching the request form is told the rule only
    stranger = _stranger_of(store, way.broker, way.target)
    form = _as(store, stranger, intro.request_form, way.broker, way.target)
    rules = {r.rule: r for r in form.refusals}
    assert set(rules) >= {"do_not_ask", "contacts_only"}
    assert "reason" not in rules["do_not_ask"].params
    assert all("too busy" not in r.message for r in form.refusals)
    with pytest.raises(RefusedError) as refused:
        _as(store, stranger, intro.send_request, way.broker, way.target, "Would you introduce me?")
    assert "too busy" not in str(refused.value.reasons)
    assert _as(store, way.requester, intro.introduction_ledger).sent == []
    # a reason too long is refused, naming the field; switched off, they are asked again
    with pytest.raises(FormError) as wrong:
        _as(store, way.broker, set_do_not_ask_me, True, "x" * 201)
    assert set(wrong.value.fields) == {"reason"}
    _as(store, way.broker, set_do_not_ask_me, False)
    assert _as(store, way.broker, not_to_be_asked) == (False, None)
    assert way.broker in brokers()


def _stranger_of(store: Store, broker: str, *besides: str) -> str:
    """A member who is not one of ``broker``'s contacts."""
    from weakties.service.context import reader

    with store.engine.connect() as conn:
        person = conn.execute(select(Member.person_id).where(Member.handle == broker)).scalar()
        for handle in conn.execute(select(Member.handle).order_by(Member.id)).scalars():
            if handle in (broker, *besides):
                continue
            if person not in reader(conn, viewer(conn, handle)).first_degree():
                return str(handle)
    raise AssertionError(f"everyone knows {broker}")


def test_the_requester_withdraws_and_it_still_counts(store, found_way):
    way = found_way
    sent = _send(store, way)
    with pytest.raises(NotFoundError):  # only the requester withdraws
        _as(store, way.broker, intro.withdraw, sent.id)
    _as(store, way.requester, intro.withdraw, sent.id)
    assert _as(store, way.requester, intro.introduction, sent.id).state == "withdrawn"
    # the broker's thread says so; they can answer neither way any more
    on_thread = _as(store, way.broker, intro.for_thread, sent.thread_id)
    assert on_thread is not None and on_thread.id == sent.id and on_thread.state == "withdrawn"
    assert not on_thread.sent_by_me
    assert ("intro_withdrawn", sent.thread_id) in _notifications(store, way.broker)
    assert _as(store, way.broker, intro.introduction_ledger).waiting == 0
    for answer in (intro.forward, intro.decline):
        with pytest.raises(RefusedError, match="withdrawn"):
            _as(store, way.broker, answer, sent.id)
    with pytest.raises(RefusedError, match="withdrawn"):
        _as(store, way.requester, intro.withdraw, sent.id)
    # the target never heard of it; nobody else sees the thread's request
    assert _notifications(store, way.target) == []
    assert _as(store, way.target, intro.for_thread, sent.thread_id) is None
    with store.engine.connect() as conn:
        assert conn.execute(select(Ask.status).where(Ask.id == sent.ask_id)).scalar() == (
            "withdrawn"
        )
    # withdrawn, it still counts: the broker read it, so they rest as after an introduction
    with pytest.raises(RefusedError) as refused:
        _send(store, way, "Asking again at once, in other words.")
    (reason,) = refused.value.reasons
    with store.engine.connect() as conn:
        today = viewer(conn, way.requester).clock.date()
    assert reason["rule"] == "cooldown_withdrawn"
    assert reason["possible_on"] == (today + dt.timedelta(days=14)).isoformat()
    assert reason["params"]["asked_on"] == today.isoformat()
    assert reason["params"]["until"] == reason["possible_on"]


def test_a_refusal_carries_its_parts_for_the_pages(store, found_way):
    way = found_way
    _send(store, way)
    with pytest.raises(RefusedError) as refused:
        _send(store, way, "Something else entirely, written again from scratch.")
    (refusal,) = [r for r in intro.refusals_of(refused.value) if r.rule == "open_per_broker"]
    with store.engine.connect() as conn:
        today = viewer(conn, way.requester).clock.date()
        names = intro.cards(
            conn,
            [
                conn.execute(select(Member.id).where(Member.handle == h)).scalar_one()
                for h in (way.broker, way.target)
            ],
        )
    broker, target = sorted(names.values(), key=lambda c: c.handle != way.broker)
    assert refusal.params["broker"] == broker.name
    assert refusal.params["target"] == target.name
    assert refusal.params["asked_on"] == today  # a date, for the pages to format
    assert refusal.message.startswith(f"you already asked {broker.name} on {today}")


def test_the_same_words_to_a_second_broker_are_mass_solicitation(store, found_way):
    way = found_way
    words = "Dear friend, would you introduce me to someone at your company? Many thanks."
    _send(store, way, words)
    other = _another_broker(store, way)
    assert other.broker is not None and other.contact is not None
    with pytest.raises(RefusedError) as refused:
        _as(
            store,
            way.requester,
            intro.send_request,
            other.broker.handle,
            other.contact.handle,
            words,
        )
    assert "same_text_recipients" in {r["rule"] for r in refused.value.reasons}


def _another_broker(store: Store, way: Way) -> Any:
    """An askable path through someone else than the way's broker, at any organisation."""
    from weakties.model.tables import Organization

    with store.engine.begin() as conn:
        me = viewer(conn, way.requester)
        for (oid,) in conn.execute(select(Organization.id).order_by(Organization.id)):
            for p in intro.who_can_introduce(conn, me, org_id=oid).paths:
                if p.askable and p.broker and p.contact and p.broker.handle != way.broker:
                    return p
    raise AssertionError("no other broker")


def test_an_ask_closed_another_way_is_not_forwarded_nor_called_withdrawn(store, found_way):
    from weakties.service.outreach import outcome

    way = found_way
    sent = _send(store, way)
    # the requester records the outcome themself (as `weakties asks outcome` does)
    _as(store, way.requester, outcome, sent.ask_id, "no_answer")
    with pytest.raises(RefusedError) as refused:
        _as(store, way.broker, intro.forward, sent.id)
    assert [r["rule"] for r in refused.value.reasons] == ["closed"]
    assert "withdrawn" not in str(refused.value)
    assert _notifications(store, way.target) == []
