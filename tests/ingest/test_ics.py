"""iCalendar meetings: attendees, cancellations, recurrences, all-day events, time zones."""

import datetime as dt
import sqlite3

import pytest

from tests.support import table_snapshot
from weakties.ingest.ics import MAX_OCCURRENCES, import_ics
from weakties.store.errors import InputError

TODAY = dt.date(2024, 6, 1)
ANN = "ORGANIZER;CN=Ann Lee:mailto:ann@acme.io"
BOB = "ATTENDEE;CN=Bob Stone;PARTSTAT=ACCEPTED:mailto:bob@x.io"
CARL = 'ATTENDEE;CN="Lee, Carl";PARTSTAT=NEEDS-ACTION:MAILTO:Carl@X.io'
PARIS = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def event(uid: str, *lines: str) -> str:
    return "BEGIN:VEVENT\nUID:" + uid + "\n" + "\n".join(lines) + "\nEND:VEVENT\n"


def calendar(*events: str, zones: str = "") -> str:
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + zones + "".join(events)
    return (body + "END:VCALENDAR\n").replace("\n", "\r\n")


def write(tmp_path, text: str, name: str = "cal.ics"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def meetings(db):
    with sqlite3.connect(db) as conn:
        return sorted(
            conn.execute(
                "select s.display_name, r.display_name, i.occurred_at, i.group_size, i.kind, "
                "i.channel from interaction i join person s on s.id = i.sender_id "
                "join person r on r.id = i.recipient_id"
            ).fetchall()
        )


def test_single_event_attendees_declined_rooms_and_skips(store, db_path, tmp_path):
    path = write(
        tmp_path,
        calendar(
            event(
                "one",
                "DTSTART:20240110T140000Z",
                "SUMMARY:Secret project",
                "DESCRIPTION:long notes that are never read",
                ANN,
                "ATTENDEE;CN=Ann Lee;PARTSTAT=ACCEPTED:mailto:ann@acme.io",
                BOB,
                CARL,
                "ATTENDEE;CN=Dan;PARTSTAT=DECLINED:mailto:dan@x.io",
                "ATTENDEE;CN=Room 4;CUTYPE=ROOM:mailto:room4@acme.io",
                "BEGIN:VALARM",
                "TRIGGER:-PT15M",
                "ACTION:DISPLAY",
                "END:VALARM",
            ),
            event("gone", "DTSTART:20240111T140000Z", "STATUS:CANCELLED", ANN, BOB),
            event("solo", "DTSTART:20240112T140000Z", ANN, "SUMMARY:Dentist"),
            event("nobody", "DTSTART:20240113T140000Z", ANN, BOB.replace("ACCEPTED", "DECLINED")),
        ),
    )
    summary = import_ics(store, path, "ann", today=TODAY)
    (report,) = summary.files
    assert (report.rows, report.traces) == (4, 2)
    assert report.skipped == {
        "cancelled": 1,
        "personal entry": 1,
        "declined attendee": 2,
        "room or resource": 1,
        "no attendee left": 1,
    }
    assert meetings(db_path) == [
        ("Ann Lee", "Bob Stone", "2024-01-10 14:00:00.000000", 2, "meeting", "calendar"),
        ("Ann Lee", "Carl Lee", "2024-01-10 14:00:00.000000", 2, "meeting", "calendar"),
    ]
    dump = repr(table_snapshot(db_path))
    assert "Secret project" not in dump and "never read" not in dump


def test_time_zones_to_utc_and_all_day_at_midnight(store, db_path, tmp_path):
    path = write(
        tmp_path,
        calendar(
            event("paris", "DTSTART;TZID=Europe/Paris:20240115T090000", ANN, BOB),
            event("outlook", "DTSTART;TZID=W. Europe Standard Time:20240116T090000", ANN, BOB),
            event("summer", "DTSTART;TZID=Europe/Paris:20240715T090000", ANN, BOB),
            event("floating", "DTSTART:20240117T090000", ANN, BOB),
            event("unknown zone", "DTSTART;TZID=Mars/Olympus:20240117T100000", ANN, BOB),
            event("allday", "DTSTART;VALUE=DATE:20240118", "DTEND;VALUE=DATE:20240119", ANN, BOB),
            zones=PARIS,
        ),
    )
    import_ics(store, path, "ann", today=TODAY)
    assert [m[2] for m in meetings(db_path)] == [
        "2024-01-15 08:00:00.000000",  # 09:00 Paris in winter
        "2024-01-16 08:00:00.000000",  # the same through an Outlook VTIMEZONE
        "2024-01-17 09:00:00.000000",  # floating: taken as UTC
        "2024-01-17 10:00:00.000000",  # an unknown zone too
        "2024-01-18 00:00:00.000000",  # all day: midnight UTC
        "2024-07-15 07:00:00.000000",  # 09:00 Paris in summer
    ]


def test_recurring_series_with_exceptions_and_dst(store, db_path, tmp_path):
    path = write(
        tmp_path,
        calendar(
            event(
                "weekly",
                "DTSTART;TZID=Europe/Paris:20240318T090000",
                "RRULE:FREQ=WEEKLY;COUNT=6",
                "EXDATE;TZID=Europe/Paris:20240401T090000",
                ANN,
                BOB,
            ),
            # the 8 April instance moved to 10:00, the 15 April one cancelled
            event(
                "weekly",
                "RECURRENCE-ID;TZID=Europe/Paris:20240408T090000",
                "DTSTART;TZID=Europe/Paris:20240408T100000",
                ANN,
                BOB,
            ),
            event(
                "weekly",
                "RECURRENCE-ID;TZID=Europe/Paris:20240415T090000",
                "DTSTART;TZID=Europe/Paris:20240415T090000",
                "STATUS:CANCELLED",
                ANN,
                BOB,
            ),
            # a series that goes on after the import date
            event("daily", "DTSTART:20240529T080000Z", "RRULE:FREQ=DAILY", ANN, CARL),
        ),
    )
    summary = import_ics(store, path, "ann", today=TODAY)
    assert summary.files[0].skipped == {"cancelled": 1}
    bob = [m[2] for m in meetings(db_path) if m[1] == "Bob Stone"]
    assert bob == [
        "2024-03-18 08:00:00.000000",  # 09:00 CET
        "2024-03-25 08:00:00.000000",
        "2024-04-08 08:00:00.000000",  # moved to 10:00 CEST
        "2024-04-22 07:00:00.000000",  # 09:00 CEST (summer time since 31 March)
    ]
    carl = [m[2] for m in meetings(db_path) if m[1] == "Carl Lee"]
    assert carl == [f"2024-05-{d} 08:00:00.000000" for d in (29, 30, 31)] + [
        "2024-06-01 08:00:00.000000"
    ]


def test_long_series_capped_to_recent_occurrences(store, db_path, tmp_path):
    path = write(
        tmp_path,
        calendar(event("standup", "DTSTART:20100104T090000Z", "RRULE:FREQ=WEEKLY", ANN, BOB)),
    )
    summary = import_ics(store, path, "ann", today=TODAY)
    # Mondays in the 10 years before the import date, of which the 500 most recent are kept
    first = dt.date(2014, 6, 2)  # the window opens on 2 June 2014, a Monday
    in_window = (dt.date(2024, 5, 27) - first).days // 7 + 1
    assert summary.files[0].traces == MAX_OCCURRENCES
    assert summary.files[0].skipped == {"occurrences over the cap": in_window - MAX_OCCURRENCES}
    dates = [m[2] for m in meetings(db_path)]
    assert dates[-1] == "2024-05-27 09:00:00.000000"
    assert (
        dates[0]
        == f"{dt.date(2024, 5, 27) - dt.timedelta(weeks=MAX_OCCURRENCES - 1)} 09:00:00.000000"
    )


def test_reimport_changes_nothing(store, db_path, tmp_path):
    path = write(
        tmp_path,
        calendar(event("weekly", "DTSTART:20240101T090000Z", "RRULE:FREQ=WEEKLY", ANN, BOB, CARL)),
    )
    first = import_ics(store, path, "ann", today=TODAY)
    assert first.files[0].traces == 2 * 22
    snapshot = table_snapshot(db_path)
    assert import_ics(store, path, "ann", today=TODAY).unchanged
    assert table_snapshot(db_path) == snapshot


def test_not_icalendar_or_broken_event_is_refused(store, db_path, tmp_path):
    with pytest.raises(InputError) as info:
        import_ics(store, write(tmp_path, "BEGIN:VCARD\r\nEND:VCARD\r\n", "x.ics"), "ann")
    assert "x.ics" in str(info.value)
    broken = calendar(event("ok", "DTSTART:20240110T140000Z", ANN, BOB)).replace(
        "END:VEVENT", "END:VTODO"
    )
    with pytest.raises(InputError) as info:
        import_ics(store, write(tmp_path, broken, "y.ics"), "ann")
    assert str(info.value.file).endswith("y.ics") and info.value.line == 9
    bad_date = calendar(event("bad", "DTSTART:2024-13-45", ANN, BOB))
    with pytest.raises(InputError) as info:
        import_ics(store, write(tmp_path, bad_date, "z.ics"), "ann")
    assert str(info.value.file).endswith("z.ics")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from member").fetchone() == (0,)


def test_a_moved_meeting_exported_again_is_one_meeting(store, db_path, tmp_path):
    first = write(tmp_path, calendar(event("lunch-1", "DTSTART:20240301T120000Z", ANN, BOB)))
    import_ics(store, first, "ann", today=TODAY)
    # the same event (same UID), moved to the next day, in a later export
    moved = write(
        tmp_path,
        calendar(event("lunch-1", "DTSTART:20240302T120000Z", "SEQUENCE:1", ANN, BOB)),
        name="later.ics",
    )
    import_ics(store, moved, "ann", today=TODAY)
    rows = meetings(db_path)
    assert len(rows) == 1
    assert rows[0][:2] == ("Ann Lee", "Bob Stone")
    # two events with their own UIDs at the same time are two meetings
    other = write(
        tmp_path, calendar(event("lunch-2", "DTSTART:20240301T120000Z", ANN, BOB)), name="o.ics"
    )
    import_ics(store, other, "ann", today=TODAY)
    assert len(meetings(db_path)) == 2
