"""mbox e-mail metadata: headers only, one trace per recipient, people matched by address."""

import datetime as dt
import mailbox
import sqlite3
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from tests.support import connections, reader_of, table_snapshot, url, write_files
from weakties.ingest.contacts import import_contacts
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.mbox import import_mbox, read_mbox
from weakties.model import tables as t
from weakties.store.errors import InputError

SECRET_BODY = "BODY-SECRET the plan is on"
SECRET_SUBJECT = "Subject-secret quarterly plan"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Martin;Chloé;;;\r\nFN:Chloé Martin\r\n"
    "EMAIL:chloe@x.io\r\nEND:VCARD\r\n"
)


def _message(headers: dict[str, str], body: str = SECRET_BODY) -> mailbox.mboxMessage:
    msg = EmailMessage()
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(body)
    return mailbox.mboxMessage(msg)


def _raw(headers: list[tuple[str, str]], body: str = SECRET_BODY) -> mailbox.mboxMessage:
    """A message with headers exactly as written (RFC 2047 words left encoded)."""
    text = "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + body + "\n"
    return mailbox.mboxMessage(text.encode())


def write_mbox(path, messages) -> None:
    box = mailbox.mbox(str(path))
    box.lock()
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.unlock()
        box.close()


@pytest.fixture
def mbox_file(tmp_path):
    path = tmp_path / "Inbox.mbox"
    write_mbox(
        path,
        [
            _raw(
                [
                    ("From", "Ann Lee <Ann@Acme.io>"),
                    ("To", "Bob <bob@x.io>, =?utf-8?q?Chlo=C3=A9_Martin?= <chloe@x.io>"),
                    ("Cc", '"=?utf-8?q?Stone=2C_Dan?=" <dan@x.io>, Ann Lee <ann@acme.io>'),
                    ("Bcc", "=?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@x.io>"),
                    ("Date", "Mon, 15 Jan 2024 10:00:00 +0100"),
                    ("Message-ID", "<m1@acme.io>"),
                    ("Subject", SECRET_SUBJECT),
                ]
            ),
            _raw(
                [
                    ("From", "Bob Stone <bob@x.io>"),
                    ("To", "Ann Lee <ann@acme.io>"),
                    ("Date", "Tue, 16 Jan 2024 08:30:00 -0500"),
                    ("Message-ID", "<m2@x.io>"),
                    ("In-Reply-To", "<m1@acme.io>"),
                    ("References", "<m1@acme.io>"),
                    ("Subject", "Re: " + SECRET_SUBJECT),
                ],
                body="From the desk of Bob: a body line that starts like a separator\n",
            ),
            _message({"From": "Dan <dan@x.io>", "To": "ann@acme.io", "Subject": "no date"}),
            _message(
                {
                    "From": "News <news@lists.example>",
                    "To": "ann@acme.io",
                    "Date": "Wed, 17 Jan 2024 09:00:00 +0000",
                    "List-Id": "<weekly.lists.example>",
                }
            ),
        ],
    )
    return path


@pytest.fixture
def known(store, tmp_path):
    """Bob from LinkedIn connections (with his e-mail), Chloé from a vCard."""
    rows = [["Bob", "Stone", url("bob"), "bob@x.io", "Globex", "Dev", "02 Jan 2024"]]
    import_linkedin(
        store, write_files(tmp_path / "li", {"Connections.csv": connections(rows)}), "ann"
    )
    import_contacts(store, write_files(tmp_path / "ab", {"c.vcf": VCARD}) / "c.vcf", "ann")


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _traces(db):
    return sorted(
        _rows(
            db,
            "select i.kind, s.display_name, r.display_name, i.group_size, i.channel, "
            "i.occurred_at, i.conversation from interaction i join person s on s.id = i.sender_id "
            "join person r on r.id = i.recipient_id",
        )
    )


def test_headers_become_one_trace_per_recipient(store, db_path, known, mbox_file):
    people_before = _rows(db_path, "select count(*) from person")[0][0]
    summary = import_mbox(store, mbox_file, "ann", me=["ann@acme.io"])
    (report,) = summary.files
    assert (report.rows, report.traces) == (4, 5)
    assert report.skipped == {"no date": 1, "mailing list": 1}
    traces = _traces(db_path)
    assert [t[:5] for t in traces] == [
        ("email", "Bob Stone", "ann", 1, "email"),
        ("email", "ann", "Bob Stone", 4, "email"),
        ("email", "ann", "Chloé Martin", 4, "email"),
        ("email", "ann", "Dan Stone", 4, "email"),
        ("email", "ann", "Renée Dupré", 4, "email"),
    ]
    assert traces[0][5] == "2024-01-16 13:30:00.000000"  # -0500 -> UTC
    assert traces[1][5] == "2024-01-15 09:00:00.000000"  # +0100 -> UTC
    assert len({t[6] for t in traces}) == 1  # the reply is in the thread of its root
    # Bob (LinkedIn) and Chloé (vCard) are the same persons: only Dan and Renée are new
    assert _rows(db_path, "select count(*) from person")[0][0] == people_before + 2
    assert sorted(_rows(db_path, "select value from identity where kind = 'email'")) == [
        ("ann@acme.io",),
        ("bob@x.io",),
        ("chloe@x.io",),
        ("dan@x.io",),
        ("renee@x.io",),
    ]


def test_no_body_or_subject_stored_and_reimport_changes_nothing(store, db_path, mbox_file):
    import_mbox(store, mbox_file, "ann", me=["ann@acme.io"])
    snapshot = table_snapshot(db_path)
    dump = repr(snapshot)
    assert "BODY-SECRET" not in dump and "Subject-secret" not in dump
    assert _rows(db_path, "select count(*) from interaction where subject is not null") == [(0,)]
    again = import_mbox(store, mbox_file, "ann", me=["ann@acme.io"])
    assert again.unchanged
    assert table_snapshot(db_path) == snapshot


def test_keep_content_keeps_subjects_never_bodies(store, db_path, mbox_file):
    import_mbox(store, mbox_file, "ann", keep_content=True)
    subjects = {s for (s,) in _rows(db_path, "select subject from interaction")}
    assert subjects == {SECRET_SUBJECT, "Re: " + SECRET_SUBJECT}
    assert "BODY-SECRET" not in repr(table_snapshot(db_path))


def test_messages_between_others_are_imported(store, db_path, mbox_file):
    # Without --me, Ann is just another correspondent: the traces are still there.
    summary = import_mbox(store, mbox_file, "zoe")
    assert summary.files[0].traces == 5
    # each address is named as first seen: "Bob <bob@x.io>" in the first message
    assert {t[1] for t in _traces(db_path)} == {"Ann Lee", "Bob"}


def test_not_an_mbox_is_refused_with_the_file_name(store, db_path, tmp_path):
    for name, content in (
        ("contacts.csv", b"First Name,Last Name\nAnn,Lee\n"),
        ("binary.mbox", b"\x00\x01\x02garbage\xff\n"),
    ):
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(InputError) as info:
            import_mbox(store, bad, "ann")
        assert name in str(info.value)
        assert "mbox" in info.value.reason
    assert _rows(db_path, "select count(*) from member") == [(0,)]


def test_reader_skips_bodies_and_reads_headers_only(tmp_path):
    path = tmp_path / "m.mbox"
    path.write_bytes(
        b"From a@x Mon Jan 15 10:00:00 2024\nFrom: a@x.io\nTo: b@x.io\n"
        b"Date: Mon, 15 Jan 2024 10:00:00 +0000\n\n"
        + b"x"
        * 100_000
        + b"\n>From quoted\n\nFrom b@x Mon Jan 15 11:00:00 2024\r\nFrom: b@x.io\r\n"
        b"To: a@x.io\r\nSubject: =?utf-8?b?w6l0w6k=?=\r\n\r\nbody\r\n"
    )
    with path.open("rb") as raw:
        mails = list(read_mbox(raw, str(path)))
    assert [(m.line, m.sender, m.recipients) for m in mails] == [
        (1, ("", "a@x.io"), [("", "b@x.io")]),
        (9, ("", "b@x.io"), [("", "a@x.io")]),
    ]
    assert mails[1].subject == "été" and mails[1].when is None


def test_the_same_message_in_two_mailboxes_is_one_trace(store, db_path, mbox_file, tmp_path):
    """A message filed in two folders (Inbox and an archive) is one piece of contact:
    the second file adds nothing, although its bytes differ from the first's."""
    import_mbox(store, mbox_file, "ann", me=["ann@acme.io"])
    before = _rows(db_path, "select count(*) from interaction")
    archive = tmp_path / "Archive.mbox"
    write_mbox(
        archive,
        [
            _raw(
                [
                    ("From", "Bob Stone <bob@x.io>"),
                    ("To", "Ann Lee <ann@acme.io>"),
                    ("Date", "Tue, 16 Jan 2024 08:30:00 -0500"),
                    ("Message-ID", "<m2@x.io>"),
                    ("X-Folder", "Archive"),
                ],
                body="filed again",
            )
        ],
    )
    again = import_mbox(store, archive, "ann", me=["ann@acme.io"])
    assert not again.unchanged  # a different file
    assert _rows(db_path, "select count(*) from interaction") == before


def test_an_old_mailbox_is_dated_by_its_newest_message_not_today(store, tmp_path, mbox_file):
    """An mbox of January 2024 imported after a LinkedIn export of July 2024 leaves the
    data's date at July (it used to become today's, rescoring every tie to today); the
    import is dated by its newest message (16 January: the list mail of the 17th is not
    a trace), and an address book, which has no dates, is undated."""
    rows = [["Bob", "Stone", url("bob"), "bob@x.io", "Globex", "Dev", "02 Jan 2024"]]
    linkedin = write_files(tmp_path / "li", {"Connections.csv": connections(rows)})
    july = dt.date(2024, 7, 1)
    import_linkedin(store, linkedin, "ann", export_date=july)
    mail = import_mbox(store, [mbox_file], "ann")
    assert (mail.export_date, mail.export_date_how) == (dt.date(2024, 1, 16), "records")
    book = import_contacts(store, write_files(tmp_path / "ab", {"c.vcf": VCARD}) / "c.vcf", "ann")
    assert (book.export_date, book.export_date_how) == (None, "undated")
    with store.engine.connect() as conn:
        assert reader_of(conn, "ann").data_date() == july
        dates = conn.execute(
            select(t.ImportRun.source_kind, t.ImportRun.export_date).order_by(t.ImportRun.id)
        ).all()
    assert [tuple(d) for d in dates][1:] == [
        ("mbox", dt.date(2024, 1, 16)),
        ("contacts:auto", None),
    ]
