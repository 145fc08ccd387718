"""Address books: vCard 2.1/3.0/4.0, Google CSV (current and legacy), Outlook CSV."""

import sqlite3

import pytest

from tests.support import csv_text, table_snapshot, write_files
from weakties.ingest.contacts import import_contacts
from weakties.store.errors import InputError

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Martin;Chloé;;;\r\nFN:Chloé Martin\r\n"
    "EMAIL;TYPE=INTERNET:Chloe@Example.fr\r\nTEL;TYPE=CELL:+33 6 12 34 56 78\r\n"
    "ORG:Acme SAS;R&D\r\nTITLE:CTO\r\nURL:https://www.linkedin.com/in/chloe-martin\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob Stone\r\nN:Stone;Bob;;;\r\n"
    "EMAIL:bob@example.com\r\nTEL;VALUE=uri:tel:+1-415-555-0100\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:L=C3=A9a;Z=C3=B6e;;;\r\n"
    "EMAIL;INTERNET:zoe@lea.io\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\r\nEND:VCARD\r\n"
)
GOOGLE = csv_text(
    [
        "First Name",
        "Middle Name",
        "Last Name",
        "Organization Name",
        "Organization Title",
        "Labels",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Website 1 - Label",
        "Website 1 - Value",
    ],
    [
        [
            "Chloé",
            "",
            "Martin",
            "Acme",
            "CTO",
            "* myContacts",
            "* Home",
            "chloe@example.fr ::: chloe.m@gmail.com",
            "Mobile",
            "+33 6 12 34 56 78",
            "Profile",
            "https://fr.linkedin.com/in/chloe-martin/",
        ],
        ["Zed", "", "Alpha", "", "", "* myContacts", "", "", "", "", "", ""],
    ],
)
GOOGLE_LEGACY = csv_text(
    [
        "Name",
        "Given Name",
        "Additional Name",
        "Family Name",
        "Group Membership",
        "E-mail 1 - Type",
        "E-mail 1 - Value",
        "Phone 1 - Type",
        "Phone 1 - Value",
        "Organization 1 - Type",
        "Organization 1 - Name",
        "Organization 1 - Title",
    ],
    [
        [
            "Ann Lee",
            "Ann",
            "",
            "Lee",
            "* My Contacts",
            "* Work",
            "ann@lee.io",
            "Work",
            "+44 20 7946 0000",
            "",
            "Globex",
            "VP",
        ]
    ],
)
OUTLOOK = "\ufeff" + csv_text(
    [
        "First Name",
        "Middle Name",
        "Last Name",
        "Title",
        "E-mail Address",
        "E-mail 2 Address",
        "Mobile Phone",
        "Business Phone",
        "Job Title",
        "Company",
        "Web Page",
        "Notes",
    ],
    [
        [
            "Ann",
            "",
            "Lee",
            "Dr.",
            "ann@lee.io",
            "ann.lee@globex.com",
            "",
            "+44 20 7946 0000",
            "VP Sales",
            "Globex Inc.",
            "",
            "",
        ]
    ],
    newline="\r\n",
)


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_vcard_versions(store, tmp_path, db_path):
    path = write_files(tmp_path, {"book.vcf": VCARDS}) / "book.vcf"
    summary = import_contacts(store, path, "me", fmt="vcard")
    report = summary.files[0]
    assert (report.rows, report.traces, dict(report.skipped)) == (4, 3, {"empty contact": 1})
    assert rows(db_path, "select display_name from person order by id") == [
        ("me",),
        ("Chloé Martin",),
        ("Bob Stone",),
        ("Zöe Léa",),
    ]
    assert sorted(rows(db_path, "select kind, value from identity")) == [
        ("email", "bob@example.com"),
        ("email", "chloe@example.fr"),
        ("email", "zoe@lea.io"),
        ("linkedin", "chloe-martin"),
        ("phone", "+14155550100"),
        ("phone", "+33612345678"),
    ]
    assert rows(db_path, "select source, confidence from tie") == [("address_book", 0.5)] * 3
    # Address-book employers are not recorded as jobs.
    assert rows(db_path, "select count(*) from position") == [(0,)]


def test_google_current_and_legacy_and_outlook_merge_by_identities(store, tmp_path, db_path):
    files = write_files(
        tmp_path,
        {
            "google.csv": GOOGLE,
            "old.csv": GOOGLE_LEGACY,
            "outlook.csv": OUTLOOK,
            "book.vcf": VCARDS,
        },
    )
    summary = import_contacts(
        store,
        [files / "google.csv", files / "old.csv", files / "outlook.csv", files / "book.vcf"],
        "me",
    )
    versions = {f.name: f.version for f in summary.files}
    assert versions == {
        "google.csv": "google",
        "old.csv": "google-legacy",
        "outlook.csv": "outlook",
        "book.vcf": "vcard",
    }
    # Chloé (google + vcard) and Ann (legacy google + outlook) are one person each.
    names = sorted(r[0] for r in rows(db_path, "select display_name from person"))
    assert names == ["Ann Lee", "Bob Stone", "Chloé Martin", "Zed Alpha", "Zöe Léa", "me"]
    assert rows(
        db_path, "select count(*) from identity where kind='email' and value like 'ann%'"
    ) == [(2,)]
    again = import_contacts(store, [files / "google.csv", files / "outlook.csv"], "me")
    assert again.unchanged


def test_wrong_format_is_refused_with_nothing_written(store, tmp_path, db_path):
    files = write_files(
        tmp_path, {"google.csv": GOOGLE, "old.csv": GOOGLE_LEGACY, "notes.csv": "a,b,c\n1,2,3\n"}
    )
    import_contacts(store, files / "google.csv", "me")
    before = table_snapshot(db_path)
    with pytest.raises(InputError, match="not an Outlook CSV") as err:
        import_contacts(store, files / "old.csv", "me", fmt="outlook_csv")
    with pytest.raises(InputError, match="address-book CSV"):
        import_contacts(store, files / "notes.csv", "me")
    assert err.value.line == 1
    assert table_snapshot(db_path) == before
