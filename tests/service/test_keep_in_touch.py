"""Keep in touch on a small export whose answers are worked out by hand.

The export is of 1 June 2024, so the data's present is 2 June 2024. Ann and Eve
wrote every 30 days for two years (strong ties: the closest layer, every 14 days):
Ann three days before (not due), Eve on 13 May (20 days: due). Bob wrote twice,
last on 28 February (95 days), and Fay twice, last on 23 April (40 days): weak
ties, so in the 50 (quarterly) however few strong ties there are — Bob is past
its 91 days, Fay is not, though both would be past the closest layer's 14. Cy
never wrote (a nominal tie: in no layer), Dee regularly in 2019 and never since
(dormant) and works at Globex, which the member targets.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from tests.support import MESSAGES_2024, connections, csv_text, profile, url, write_files
from weakties import service
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Event, Member, Person
from weakties.service import keep_in_touch as kit
from weakties.service import outreach
from weakties.service.forms import FormError
from weakties.store.engine import open_store

ME = ("Yan Member", "yan")
ANN = ("Ann Close", "ann-close")
BOB = ("Bob Far", "bob-far")
CY = ("Cy Never", "cy-never")
DEE = ("Dee Dormant", "dee-dormant")
EVE = ("Eve Often", "eve-often")
FAY = ("Fay Twice", "fay-twice")


def _monthly(conversation, other, last):
    """A message each way every 30 days for two years, the last on the day
    ``last`` and its answer the day before."""
    rows = []
    for back in range(24):
        day = last - dt.timedelta(days=30 * back)
        rows.append(_message(conversation, other, ME, day.isoformat()))
        rows.append(_message(conversation, ME, other, (day - dt.timedelta(days=1)).isoformat()))
    return rows


def _message(conversation, sender, to, when):
    return [
        conversation,
        "",
        sender[0],
        url(sender[1]),
        to[0],
        url(to[1]),
        f"{when} 10:00:00 UTC",
        "",
        "",
        "INBOX",
        "No",
        "No",
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("touch")
    folder = write_files(
        tmp / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Yan", "Member"),
            "Connections.csv": connections(
                [
                    ["Ann", "Close", url(ANN[1]), "", "Acme", "CTO", "01 Jan 2020"],
                    ["Bob", "Far", url(BOB[1]), "", "Initech", "Engineer", "01 Jan 2020"],
                    ["Cy", "Never", url(CY[1]), "", "Hooli", "Analyst", "01 Jan 2021"],
                    ["Dee", "Dormant", url(DEE[1]), "", "Globex", "Director", "01 Jan 2015"],
                    ["Eve", "Often", url(EVE[1]), "", "Acme", "CFO", "01 Jan 2020"],
                    ["Fay", "Twice", url(FAY[1]), "", "Hooli", "Designer", "01 Jan 2020"],
                ]
            ),
            "messages.csv": csv_text(
                MESSAGES_2024,
                [
                    *_monthly("a1", ANN, dt.date(2024, 5, 30)),
                    *_monthly("e1", EVE, dt.date(2024, 5, 13)),
                    _message("f1", ME, FAY, "2024-04-22"),
                    _message("f1", FAY, ME, "2024-04-23"),
                    _message("b1", ME, BOB, "2024-02-27"),
                    _message("b1", BOB, ME, "2024-02-28"),
                    _message("d1", ME, DEE, "2019-03-01"),
                    _message("d1", DEE, ME, "2019-04-01"),
                    _message("d1", ME, DEE, "2019-05-01"),
                ],
            ),
        },
    )
    store = open_store(tmp / "touch.sqlite")
    import_linkedin(store, [folder], "yan")
    with store.engine.begin() as conn:
        who = service.viewer(conn, "yan")
        outreach.add_target(conn, who, "Globex")
        ids = dict(
            conn.execute(
                Person.__table__.select().with_only_columns(Person.display_name, Person.id)
            ).all()
        )
        member = conn.execute(Member.__table__.select().with_only_columns(Member.id)).scalar()
        conn.execute(
            insert(Event).values(
                member_id=member,
                person_id=ids[BOB[0]],
                kind="career_move",
                occurred_on=dt.date(2024, 3, 15),
                detail=json.dumps(
                    {"from": {"org": "Initech"}, "to": {"org": "Umbrella", "title": "CTO"}}
                ),
            )
        )
    yield store, ids
    store.close()


def _run(store, fn, *args, **kwargs):
    """Run one service call in a transaction that is rolled back: every test sees
    the same database."""
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            who = service.viewer(conn, "yan")
            return fn(conn, who, *args, **kwargs)
        finally:
            trans.rollback()


def _then(store, steps):
    """Several calls in one rolled-back transaction; returns the last one's result."""
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            who = service.viewer(conn, "yan")
            out = None
            for fn, *args in steps:
                out = fn(conn, who, *args)
            return out
        finally:
            trans.rollback()


def test_the_dormant_tie_at_a_target_first_then_the_overdue_layer_ties(world):
    store, _ids = world
    found = _run(store, kit.reminders)
    assert found.as_of == "2024-06-02"
    assert [r.name for r in found.due] == [DEE[0], EVE[0], BOB[0]]
    dee, eve, bob = found.due
    assert dee.at_target and dee.klass == "dormant" and dee.layer is None
    assert [r.kind for r in dee.reasons] == ["at_target", "dormant", "last_contact"]
    assert dee.reasons[0].org == "Globex" and dee.reasons[0].why == "target"
    assert dee.last_contact == dt.date(2019, 5, 1) and dee.reasons[1].contacts == 3
    # Eve, a strong tie: 13 May 10:00 to 2 June 00:00 is 19.6 days, past the closest 5's 14
    assert (eve.klass, eve.layer, eve.cadence_days) == ("strong", 5, 14)
    assert eve.overdue == pytest.approx(19.58 / 14, abs=0.01)
    assert [r.kind for r in eve.reasons] == ["last_contact", "cadence"]
    # Bob, a weak tie, is in the 50 though only two ties are strong: 94.6 days, past 91
    assert (bob.klass, bob.layer, bob.cadence_days) == ("weak", 50, 91)
    assert bob.days_since_contact == pytest.approx(94.6, abs=0.05)
    assert bob.overdue == pytest.approx(94.58 / 91, abs=0.01)
    kinds = [r.kind for r in bob.reasons]
    assert kinds == ["last_contact", "cadence", "career_move"]
    assert bob.reasons[0].text == "last contact 3 months ago (2024-02-28)"
    assert bob.reasons[1].text == "you keep in touch with your closest 50 every 91 days"
    assert bob.reasons[2].text == "moved to Umbrella in March 2024"
    # Ann wrote three days before; Fay, weak, 40 days ago: within the 50's 91, though past
    # the 14 days a rank among all ties (fourth) would have given her; Cy was never in touch
    due = {r.name for r in found.due}
    assert not due & {ANN[0], FAY[0], CY[0]}


def test_a_strong_tie_that_silence_made_weak_keeps_its_cadence(world):
    """On 20 June Eve's 38 days of silence have made her a weak tie (in the 50
    now); she was in the closest 5 a quarter before, so the 5's 14 days still
    apply, and the reminder says so. Fay, weak all along, is still not due."""
    store, _ = world
    with store.engine.connect() as conn:
        who = service.viewer(conn, "yan", as_of=dt.datetime(2024, 6, 20))
        found = kit.reminders(conn, who)
    by_name = {r.name: r for r in found.due}
    assert [r.name for r in found.due] == [DEE[0], EVE[0], ANN[0], BOB[0]]
    eve = by_name[EVE[0]]
    assert (eve.klass, eve.layer, eve.cadence_days) == ("weak", 50, 14)
    assert [r.kind for r in eve.reasons] == ["last_contact", "closer_before", "cadence"]
    assert eve.reasons[1].text == "in your closest 5 on 2024-03-21"
    assert eve.reasons[2].layer == 5
    ann = by_name[ANN[0]]
    assert (ann.klass, ann.layer, ann.cadence_days) == ("strong", 5, 14)
    assert [r.kind for r in ann.reasons] == ["last_contact", "cadence"]
    # no reminder puts a weak tie in the closest 5 or 15
    assert all(r.klass == "strong" for r in found.due if r.layer in (5, 15))


def test_a_longer_cadence_lifts_the_reminder(world):
    store, _ = world
    found = _then(store, [(kit.set_cadences, {"cadence_5": "120"}), (kit.reminders,)])
    assert [r.name for r in found.due] == [DEE[0], BOB[0]]
    assert found.cadences[0] == kit.Cadence(5, 120, 14)
    # no reminders for the closest layer at all
    off = _then(store, [(kit.set_cadences, {"cadence_5": ""}), (kit.reminders,)])
    assert [r.name for r in off.due] == [DEE[0], BOB[0]] and off.cadences[0].days is None
    # nor for the 50, where the weak ties are
    off = _then(store, [(kit.set_cadences, {"cadence_50": ""}), (kit.reminders,)])
    assert [r.name for r in off.due] == [DEE[0], EVE[0]]


def test_bad_cadences_name_their_field_and_save_nothing(world):
    store, _ = world
    for value in ("abc", "0", "3651", "1.5"):
        with pytest.raises(FormError) as err:
            _run(store, kit.set_cadences, {"cadence_15": "45", "cadence_5": value})
        assert list(err.value.fields) == ["cadence_5"]
    assert _run(store, kit.cadences)[1] == kit.Cadence(15, 30, 30)


def test_snooze_and_dismiss(world):
    store, ids = world
    bob, dee, eve = ids[BOB[0]], ids[DEE[0]], ids[EVE[0]]
    found = _then(
        store,
        [(kit.snooze, dee, "2024-07-01"), (kit.dismiss, bob), (kit.dismiss, eve), (kit.reminders,)],
    )
    assert found.due == []
    assert [(r.name, r.snoozed_until) for r in found.snoozed] == [(DEE[0], dt.date(2024, 7, 1))]
    # a dismissal counts as a contact: Eve is due again after one cadence (14 days),
    # Bob not before his 91
    later = dt.datetime(2024, 6, 20)
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            kit.dismiss(conn, service.viewer(conn, "yan"), bob)
            kit.dismiss(conn, service.viewer(conn, "yan"), eve)
            again = kit.reminders(conn, service.viewer(conn, "yan", as_of=later))
        finally:
            trans.rollback()
    # by then Ann's last contact is 21 days old (20.6/14 overdue), Eve's dismissal 18 (18/14)
    assert [r.name for r in again.due] == [DEE[0], ANN[0], EVE[0]]
    assert again.due[2].dismissed_on == dt.date(2024, 6, 2)
    assert again.due[2].overdue == pytest.approx(18 / 14, abs=0.01)
    assert again.due[2].days_since_contact > 30
    # restored, the snooze is gone
    back = _then(store, [(kit.snooze, dee, "2024-07-01"), (kit.restore, dee), (kit.reminders,)])
    assert [r.name for r in back.due] == [DEE[0], EVE[0], BOB[0]]


def test_bad_answers(world):
    store, ids = world
    for day in ("2024-06-02", "2027-01-01", "next week", ""):
        with pytest.raises(FormError) as err:
            _run(store, kit.snooze, ids[BOB[0]], day)
        assert list(err.value.fields) == ["until"]
    with pytest.raises(NotFoundError):
        _run(store, kit.dismiss, 10**6)
    with pytest.raises(NotFoundError):
        _run(store, kit.dismiss, ids[ME[0]])


def test_only_a_strong_ties_earlier_layer_is_kept():
    """A tie is reminded at the closer of its layer now and a quarter before only
    when that earlier layer was the 5 or the 15 (strong ties only)."""
    assert [kit.kept_layer(now, then) for now, then in ((50, 5), (150, 15), (50, 15))] == [
        5,
        15,
        15,
    ]
    # a weak tie moved by others' ranks, a tie closer now, one in no layer now
    assert [kit.kept_layer(now, then) for now, then in ((150, 50), (5, 15), (0, 5))] == [150, 5, 0]
