"""Etiquette follows the human, not the record.

A second record of the same person — a vCard with another e-mail and another
employer, linked to the LinkedIn record by an open match proposal — carries
the first record's "do not ask", its waits and its open ask; a rejected
proposal ("not the same person") keeps them apart for merging only. One open ask per target
organisation too, and the same words are recognised through invisible
characters, look-alike letters and an extra word.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.support import connections, url, viewer_of, write_files
from weakties.errors import InputError, RefusedError
from weakties.ingest.contacts import import_contacts
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.opportunity.etiquette import (
    SAME_TEXT,
    check_ask,
    same_text,
    text_fingerprint,
    text_similarity,
    text_words,
)
from weakties.records import to_json
from weakties.service import admin, outreach
from weakties.service.context import reader

NOW = dt.datetime(2026, 3, 2, 10, 0)
DAY = dt.timedelta(days=1)
CONTACTS = ["ann", "bob", "cy", "dee", "gus"]


def at(who, now):
    return dataclasses.replace(who, clock=now, now=now)


def rules_of(decision):
    return {r["rule"] for r in decision.reasons}


def vcard(name: str, email: str, org: str) -> str:
    first, last = name.split()
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{name}\r\n"
        f"ORG:{org}\r\nEMAIL:{email}\r\nEND:VCARD\r\n"
    )


@pytest.fixture
def world(store, tmp_path):
    rows = [
        [s.title(), "Lee", url(s), f"{s}@acme.com", "Acme", "Dev", "01 Jan 2024"] for s in CONTACTS
    ]
    rows.append(["Fay", "Roe", url("fay"), "", "Globex", "CTO", "01 Jan 2024"])
    import_linkedin(
        store, write_files(tmp_path / "me", {"Connections.csv": connections(rows)}), "me"
    )
    # Ann and Gus again, from an address book: another e-mail, another employer
    cards = tmp_path / "book.vcf"
    cards.write_text(
        vcard("Ann Lee", "ann.lee@home.example", "Initech")
        + vcard("Gus Lee", "gus@home.example", "Hooli")
    )
    import_contacts(store, cards, "me")
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        r = reader(conn, me)
        people = {s: r.find_person(url(s)) for s in [*CONTACTS, "fay"]}
        people["ann2"] = r.find_person("ann.lee@home.example")
        people["gus2"] = r.find_person("gus@home.example")
        proposals = {
            frozenset((p["a"]["id"], p["b"]["id"])): p["id"] for p in r.proposals(status="open")
        }
    assert frozenset((people["ann"], people["ann2"])) in proposals
    return store, people, proposals


def ask(conn, me, broker, *, now, target=None, org=None, text=None):
    found = outreach.ask(
        conn,
        at(me, now),
        f"#{broker}",
        target=f"#{target}" if target else None,
        org=org,
        text=text,
    )
    return to_json(found)


def test_do_not_ask_follows_every_record_of_the_person(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        outreach.do_not_ask(conn, me, f"#{p['ann']}", reason="on leave")
        refused = check_ask(reader(conn, me), p["ann2"], now=NOW)
        assert rules_of(refused) == {"do_not_ask"}
        message = refused.reasons[0]["message"]
        assert "on leave" in message and f"another record (#{p['ann']})" in message
        # and as a target
        refused = check_ask(reader(conn, me), p["bob"], target=p["ann2"], now=NOW)
        assert rules_of(refused) == {"do_not_ask"}


def test_a_wait_after_a_no_follows_every_record(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        first = ask(conn, me, p["ann"], target=p["fay"], now=NOW)
        outreach.outcome(conn, at(me, NOW + DAY), first["id"], "declined")
        refused = check_ask(reader(conn, me), p["ann2"], now=NOW + DAY * 30)
        assert rules_of(refused) == {"cooldown_declined"}
        assert refused.possible_on == (NOW + DAY * 91).date()
        assert "may be the same person" in refused.reasons[0]["message"]


def test_one_open_ask_per_person_across_their_records(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask(conn, me, p["ann"], target=p["fay"], now=NOW)
        assert rules_of(check_ask(reader(conn, me), p["ann2"], now=NOW + DAY)) == {
            "open_per_broker"
        }
        # the target too: Gus through Bob, then Gus's other record through Cy
        ask(conn, me, p["bob"], target=p["gus"], now=NOW)
        refused = check_ask(reader(conn, me), p["cy"], target=p["gus2"], now=NOW + DAY)
        assert rules_of(refused) == {"open_per_target"}


def test_a_rejected_proposal_still_links_for_refusals(world):
    """ "Not the same person" keeps the records apart for merging, but does not
    lift a refusal that came through the other record: rejecting the proposal is
    not a way around a "do not ask"."""
    store, p, proposals = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        outreach.do_not_ask(conn, me, f"#{p['ann']}")
        assert rules_of(check_ask(reader(conn, me), p["ann2"], now=NOW)) == {"do_not_ask"}
        admin.reject_match(conn, me, proposals[frozenset((p["ann"], p["ann2"]))])
        assert rules_of(check_ask(reader(conn, me), p["ann2"], now=NOW)) == {"do_not_ask"}
        assert reader(conn, me).find_person("ann.lee@home.example") == p["ann2"] != p["ann"]


def test_proposals_link_for_refusals_never_merge(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        outreach.do_not_ask(conn, me, f"#{p['ann']}")
        check_ask(reader(conn, me), p["ann2"], now=NOW)
        r = reader(conn, me)
        assert r.find_person("ann.lee@home.example") == p["ann2"] != p["ann"]
        assert len(r.proposals(status="open")) == 2


def test_one_open_ask_per_target_organisation(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask(conn, me, p["ann"], org="Globex", now=NOW)
        refused = check_ask(
            reader(conn, me), p["bob"], org=reader(conn, me).find_org("Globex"), now=NOW + DAY
        )
        assert rules_of(refused) == {"open_per_target"}
        assert "someone at Globex" in refused.reasons[0]["message"]
        assert refused.possible_on == (NOW + DAY * 21).date()
        with pytest.raises(RefusedError, match="already asked"):
            ask(conn, me, p["cy"], org="Globex", now=NOW + DAY)
        # another organisation is another favour
        assert ask(conn, me, p["dee"], org="Acme", now=NOW + DAY)["id"]


def test_the_broker_and_target_cannot_be_one_human(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        with pytest.raises(InputError, match="same person"):
            check_ask(reader(conn, me), p["ann"], target=p["ann2"], now=NOW)


REQUEST = (
    "Hello, I am moving into data engineering and I would be grateful for an "
    "introduction to someone in the platform team at Acme who could tell me how "
    "they work."
)


@pytest.mark.parametrize(
    "variant",
    [
        REQUEST.replace("introduction", "intro\u200bduction"),  # a zero-width space
        REQUEST.replace("a", "\u0430"),  # Cyrillic а for every Latin a
        REQUEST.replace("grateful", "really grateful"),  # one extra word
        REQUEST.replace("Hello,", "Dear friend,"),  # another greeting
        REQUEST.upper().replace(",", " ;; "),  # case and punctuation
        "ＨＥＬＬＯ " + REQUEST[6:],  # full-width letters (NFKC)
        REQUEST.replace("team", "te\u00adam"),  # a soft hyphen
    ],
)
def test_the_same_request_is_recognised_through_small_changes(variant):
    assert same_text(text_fingerprint(REQUEST), text_fingerprint(variant)), text_similarity(
        text_fingerprint(REQUEST), text_fingerprint(variant)
    )


@pytest.mark.parametrize(
    "other",
    [
        "Ann, you and Gus built the Acme search together; could you introduce us? "
        "I loved your talk on ranking.",
        "Could you tell me who runs hiring at Globex these days?",
        "Hello, I am looking for a flat in Lyon.",
    ],
)
def test_other_words_are_not_the_same(other):
    assert not same_text(text_fingerprint(REQUEST), text_fingerprint(other))


def test_the_similarity_estimates_the_share_of_words():
    words = [f"w{k}" for k in range(40)]
    base = text_fingerprint(" ".join(words))
    for shared in (10, 20, 30, 40):
        other = text_fingerprint(" ".join(words[:shared] + [f"x{k}" for k in range(40 - shared)]))
        exact = shared / (80 - shared)
        assert text_similarity(base, other) == pytest.approx(exact, abs=0.25)
    assert text_similarity(base, base) == 1.0
    assert SAME_TEXT > 0.5


def test_names_and_invisible_characters_are_not_words():
    assert text_words("Hi A\u200bnn, meet Zoë!", ["Ann Lee"]) == ["hi", "meet", "zoe"]
    assert text_fingerprint("Ann Lee", ["Ann Lee"]) is None


def test_the_same_text_with_an_extra_word_to_another_record_is_refused(world):
    store, p, _ = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ask(conn, me, p["bob"], target=p["fay"], text=REQUEST, now=NOW)
        again = REQUEST.replace("grateful", "very grateful").replace("a", "\u0430", 3)
        refused = check_ask(reader(conn, me), p["cy"], text=again, now=NOW + DAY)
        assert rules_of(refused) == {"same_text_recipients"}
        # the same person again (another record of Bob's is not needed): no
        # same-text refusal, the other rules decide
        assert "same_text_recipients" not in rules_of(
            check_ask(reader(conn, me), p["bob"], text=again, now=NOW + DAY * 60)
        )


def test_the_facts_read_once_give_the_verdicts_read_each_time(world):
    """A page checks an ask to each broker it shows with the viewer's rules, asks,
    marks and proposals read once (``ask_facts``): every verdict is the one a
    check reading them itself gives — marks and waits through another record,
    a rejected proposal, an open ask, none at all."""
    from weakties.opportunity.etiquette import ask_facts

    store, p, proposals = world
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        outreach.do_not_ask(conn, me, f"#{p['ann']}", reason="on leave")
        admin.reject_match(conn, me, proposals[frozenset((p["gus"], p["gus2"]))])
        first = ask(conn, me, p["bob"], target=p["fay"], now=NOW)
        outreach.outcome(conn, at(me, NOW + DAY), first["id"], "declined")
        ask(conn, me, p["cy"], target=p["gus"], now=NOW + DAY)
        r = reader(conn, me)
        facts = ask_facts(r)
        assert facts.marked and facts.matched
        compared = 0
        for broker in p.values():
            for target in [None, *p.values()]:
                try:
                    alone = check_ask(r, broker, target=target, now=NOW + DAY * 2)
                except InputError as exc:
                    with pytest.raises(InputError, match=str(exc)[:20]):
                        check_ask(r, broker, target=target, now=NOW + DAY * 2, facts=facts)
                    continue
                once = check_ask(r, broker, target=target, now=NOW + DAY * 2, facts=facts)
                assert once.reasons == alone.reasons and once.possible_on == alone.possible_on
                compared += bool(alone.reasons)
        assert compared >= 5
