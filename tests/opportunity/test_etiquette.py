"""Etiquette is enforced: each rule refuses with its reason and the day the ask
becomes possible; limits are configurable; outcomes are recorded."""

import dataclasses
import datetime as dt

import pytest

from tests.support import connections, url, viewer_of, write_files
from weakties.errors import InputError, RefusedError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.opportunity.etiquette import check_ask, list_asks, load_limits, text_fingerprint
from weakties.records import to_json
from weakties.service import outreach
from weakties.service.context import reader


def find_person(conn, who, query):
    return reader(conn, who).find_person(query)


def at(who, now):
    """The viewer with the database's clock at ``now``."""
    return dataclasses.replace(who, clock=now, now=now)


def record_ask(conn, me, broker, *, target, text=None, now):
    """An ask names whom it is for: ``target`` is required (an ask for nobody is refused)."""
    found = outreach.ask(conn, at(me, now), f"#{broker}", target=f"#{target}", text=text)
    return to_json(found)


def close_ask(conn, me, ask_id, outcome, *, now):
    return to_json(outreach.outcome(conn, at(me, now), ask_id, outcome))


def mark_do_not_ask(conn, who, pid, *, reason=None, lift=False):
    query = "me" if pid == who.person_id else f"#{pid}"
    return outreach.do_not_ask(conn, who, query, reason=reason, lift=lift)


def save_limits(conn, who, rule, value):
    return outreach.set_rule(conn, who, rule, value)


NOW = dt.datetime(2026, 3, 2, 10, 0)
DAY = dt.timedelta(days=1)
CONTACTS = ["ann", "bob", "cy", "dee", "eve", "fay", "gus"]
# people an ask is for, one per broker: no two asks of a test share a target
# unless the test is about that
TARGETS = ["ivy", "jon", "kim", "liv", "max", "ned", "oli"]
FOR = dict(zip(CONTACTS, TARGETS, strict=True))


@pytest.fixture
def world(store, tmp_path):
    rows = [[s.title(), "Lee", url(s), "", "Acme", "Dev", "01 Jan 2024"] for s in CONTACTS]
    rows += [[s.title(), "Ray", url(s), "", "Initech", "Lead", "01 Jan 2024"] for s in TARGETS]
    import_linkedin(
        store, write_files(tmp_path / "me", {"Connections.csv": connections(rows)}), "me"
    )
    other = [["Zed", "Roe", url("zed"), "", "Globex", "CTO", "01 Jan 2024"]]
    import_linkedin(
        store, write_files(tmp_path / "her", {"Connections.csv": connections(other)}), "her"
    )
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        people = {s: find_person(conn, me, url(s)) for s in CONTACTS + TARGETS}
        her = viewer_of(conn, "her")
        people["zed"] = find_person(conn, her, url("zed"))
    return store, people


def rules_of(decision):
    return {r["rule"] for r in decision.reasons}


def test_one_open_ask_per_broker_refused_with_reason_and_date(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        first = record_ask(conn, me, p["ann"], target=p["bob"], text="Hi Ann, about Bob", now=NOW)
        with pytest.raises(RefusedError) as refused:
            record_ask(
                conn,
                me,
                p["ann"],
                target=p["cy"],
                text="Hi Ann, about Cy",
                now=NOW + dt.timedelta(hours=2),
            )
    message = str(refused.value)
    assert "already asked Ann Lee on 2026-03-02" in message
    assert f"ask #{first['id']}" in message
    # unanswered after 21 days, then 30 days of cool-down
    assert "possible on 2026-04-22" in message
    assert refused.value.reasons[0]["rule"] == "open_per_broker"
    assert refused.value.exit_code == 5


def test_cooldowns_after_each_outcome(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        cases = {"declined": ("ann", 90), "introduced": ("bob", 14), "no_answer": ("cy", 30)}
        for outcome, (who, days) in cases.items():
            ask = record_ask(
                conn, me, p[who], target=p[FOR[who]], text=f"about the {outcome} case", now=NOW
            )
            close_ask(conn, me, ask["id"], outcome.replace("_", "-"), now=NOW + DAY)
            during = check_ask(reader(conn, me), p[who], now=NOW + DAY * days)
            assert rules_of(during) == {f"cooldown_{outcome}"}
            assert during.possible_on == (NOW + DAY * (days + 1)).date()
            after = check_ask(reader(conn, me), p[who], now=NOW + DAY * (days + 1))
            assert after.allowed, after.reasons


def test_an_open_ask_counts_as_unanswered_after_three_weeks(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=NOW)
        assert [a["status"] for a in list_asks(reader(conn, me), now=NOW + DAY * 20)] == ["open"]
        assert [a["status"] for a in list_asks(reader(conn, me), now=NOW + DAY * 21)] == [
            "no_answer"
        ]
        assert rules_of(check_ask(reader(conn, me), p["ann"], now=NOW + DAY * 22)) == {
            "cooldown_no_answer"
        }
        assert check_ask(reader(conn, me), p["ann"], now=NOW + DAY * 51).allowed


def test_asks_per_week(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        for k, who in enumerate(CONTACTS[:5]):
            record_ask(
                conn,
                me,
                p[who],
                target=p[FOR[who]],
                text=f"note {k}",
                now=NOW + dt.timedelta(hours=k),
            )
        sixth = check_ask(reader(conn, me), p["fay"], now=NOW + DAY)
        assert rules_of(sixth) == {"asks_per_week"}
        assert sixth.possible_on == (NOW + DAY * 7).date()
        assert check_ask(
            reader(conn, me), p["fay"], now=NOW + DAY * 7 + dt.timedelta(hours=1)
        ).allowed


def test_the_same_words_to_two_people_are_refused(world):
    store, p = world
    text = "Hello! Could you introduce me to someone at Acme?"
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        record_ask(conn, me, p["ann"], target=p[FOR["ann"]], text=text, now=NOW)
        # case, spacing and punctuation do not make it personal
        copy = "hello   could you introduce me to SOMEONE at acme"
        assert text_fingerprint(copy) == text_fingerprint(text)
        refused = check_ask(reader(conn, me), p["bob"], text=copy, now=NOW + DAY)
        assert rules_of(refused) == {"same_text_recipients"}
        assert refused.possible_on is None
        assert check_ask(
            reader(conn, me), p["bob"], text="Bob, since our Acme days...", now=NOW
        ).allowed


def test_one_open_ask_per_target(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        record_ask(conn, me, p["ann"], target=p["gus"], now=NOW)
        assert rules_of(check_ask(reader(conn, me), p["bob"], target=p["gus"], now=NOW + DAY)) == {
            "open_per_target"
        }


def test_do_not_ask_by_the_person_or_on_their_behalf(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        her = viewer_of(conn, "her")
        mark_do_not_ask(conn, me, p["ann"], reason="between jobs")
        refused = check_ask(reader(conn, me), p["ann"], now=NOW)
        assert rules_of(refused) == {"do_not_ask"}
        assert "you noted that they asked" in refused.reasons[0]["message"]
        assert refused.possible_on is None and "will not become possible" in refused.message()
        # a member marking themself: holds for everyone, as broker and as target
        mark_do_not_ask(conn, her, her.person_id)
        assert "do_not_ask" in rules_of(check_ask(reader(conn, me), p["bob"], target=her.person_id))
        mark_do_not_ask(conn, me, p["ann"], lift=True)
        assert check_ask(reader(conn, me), p["ann"], now=NOW).allowed


def test_only_contacts_can_be_asked(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        assert rules_of(check_ask(reader(conn, me), p["zed"], now=NOW)) == {"contacts_only"}
        with pytest.raises(InputError):
            check_ask(reader(conn, me), me.person_id)


def test_limits_are_configurable(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        assert load_limits(reader(conn, me)).open_per_broker == 1
        save_limits(conn, me, "open_per_broker", "2")
        save_limits(conn, me, "contacts_only", "off")
        record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=NOW)
        assert check_ask(reader(conn, me), p["ann"], now=NOW + DAY).allowed
        assert check_ask(reader(conn, me), p["zed"], now=NOW).allowed
        save_limits(conn, me, "asks_per_week", "off")
        assert load_limits(reader(conn, me)).asks_per_week is None
        with pytest.raises(InputError, match="no etiquette rule"):
            save_limits(conn, me, "asks_per_day", "3")
        with pytest.raises(InputError, match="whole number"):
            save_limits(conn, me, "open_per_broker", "many")


def test_the_ledger_keeps_no_text(world, db_path):
    import sqlite3

    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        record_ask(
            conn, me, p["ann"], target=p[FOR["ann"]], text="a private sentence about Bob", now=NOW
        )
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute("select * from ask").fetchall()
    assert rows and "private sentence" not in repr(rows)


def test_a_wait_ends_at_the_start_of_the_day_it_names(world):
    store, p = world
    late = dt.datetime(2026, 3, 2, 15, 0)
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask = record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=late - DAY)
        close_ask(conn, me, ask["id"], "declined", now=late)
        refused = check_ask(reader(conn, me), p["ann"], now=late + DAY)
        day = refused.possible_on
        assert day == dt.date(2026, 5, 31)  # 90 days after 2 March
        assert f"possible on {day.isoformat()}" in refused.message()
        first_minute = dt.datetime.combine(day, dt.time(0, 1))
        assert check_ask(reader(conn, me), p["ann"], now=first_minute).allowed
        assert not check_ask(
            reader(conn, me), p["ann"], now=first_minute - dt.timedelta(hours=1)
        ).allowed


def test_an_outcome_is_final(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask = record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=NOW)
        close_ask(conn, me, ask["id"], "declined", now=NOW + DAY)
        # "withdrawn" (or any other outcome) cannot erase the 90 days of a no
        with pytest.raises(InputError, match="already closed as declined"):
            close_ask(conn, me, ask["id"], "withdrawn", now=NOW + DAY * 2)
        assert rules_of(check_ask(reader(conn, me), p["ann"], now=NOW + DAY * 3)) == {
            "cooldown_declined"
        }


def test_a_withdrawn_ask_still_rests_the_broker(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        # withdrawn the next day: the broker read it; the short rest applies
        early = record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=NOW)
        close_ask(conn, me, early["id"], "withdrawn", now=NOW + DAY)
        refused = check_ask(reader(conn, me), p["ann"], now=NOW + DAY * 2)
        assert rules_of(refused) == {"cooldown_withdrawn"}
        assert refused.possible_on == (NOW + DAY * 15).date()
        # withdrawn after it had lapsed unanswered: the no-answer wait applies
        late = record_ask(conn, me, p["bob"], target=p[FOR["bob"]], now=NOW)
        assert (
            next(a["status"] for a in list_asks(reader(conn, me), now=NOW + DAY * 25))
            == "no_answer"
        )
        close_ask(conn, me, late["id"], "withdrawn", now=NOW + DAY * 25)
        assert (
            check_ask(reader(conn, me), p["bob"], now=NOW + DAY * 25).possible_on
            == (NOW + DAY * 55).date()
        )


def test_the_same_words_with_other_names_are_the_same_words(world):
    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        record_ask(
            conn,
            me,
            p["ann"],
            target=p["gus"],
            text="Hi Ann, could you introduce me to Gus Lee? I admire his work.",
            now=NOW,
        )
        close_ask(conn, me, 1, "introduced", now=NOW + DAY)
        template = "Hi Bob, could you introduce me to Fay Lee? I admire his work."
        refused = check_ask(
            reader(conn, me), p["bob"], target=p["fay"], text=template, now=NOW + DAY * 2
        )
        assert rules_of(refused) == {"same_text_recipients"}
        assert "own words" in refused.message()
        assert "could go out again on 2027-03-02" in refused.reasons[0]["message"]
        personal = "Bob, you and Fay built the Acme search together; could you introduce us?"
        assert check_ask(
            reader(conn, me), p["bob"], target=p["fay"], text=personal, now=NOW
        ).allowed


def test_merging_two_records_of_the_broker_keeps_the_ledger(world):
    from weakties.store.merge import merge_persons

    store, p = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask = record_ask(conn, me, p["ann"], target=p[FOR["ann"]], now=NOW)
        close_ask(conn, me, ask["id"], "declined", now=NOW)
        mark_do_not_ask(conn, me, p["bob"])
        # the user says Ann's and Bob's records are one human, keeping Bob's
        merge_persons(conn, p["bob"], p["ann"])
        refused = check_ask(reader(conn, me), p["bob"], now=NOW + DAY)
        assert rules_of(refused) == {"do_not_ask", "cooldown_declined"}
        assert [a["broker_id"] for a in list_asks(reader(conn, me), now=NOW)] == [p["bob"]]
