"""The smaller import items, each with its test: the recommender's company,
a progress bar with a total, the member by default, mbox's year 0001."""

from __future__ import annotations

import sqlite3

import pytest

from tests.support import connections, csv_text, url, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.mbox import import_mbox
from weakties.store.errors import InputError

RECOMMENDATIONS = [
    "First Name",
    "Last Name",
    "Company",
    "Job Title",
    "Text",
    "Creation Date",
    "Status",
]


def test_the_recommenders_company_is_kept_as_a_past_job(store, tmp_path, db_path):
    files = {
        "Connections.csv": connections(
            [["Ann", "Lee", url("ann"), "", "Globex", "CEO", "01 Jan 2024"]]
        ),
        "Recommendations_Received.csv": csv_text(
            RECOMMENDATIONS,
            [["Ann", "Lee", "Acme Corp", "CTO", "Great", "12/24/23, 05:28 AM", "VISIBLE"]],
        ),
    }
    import_linkedin(store, write_files(tmp_path / "e", files), "me")
    with sqlite3.connect(db_path) as conn:
        jobs = conn.execute(
            "select o.name, p.title, p.is_current, p.seen_on from position p "
            "join organization o on o.id = p.organization_id join person x on x.id = p.person_id "
            "where x.display_name = 'Ann Lee' order by o.name"
        ).fetchall()
    assert jobs == [("Acme Corp", "CTO", 0, "2023-12-24"), ("Globex", "CEO", 1, "2024-01-01")]


def test_progress_has_a_total_and_reaches_it(store, tmp_path):
    rows = [[f"P{i}", "Q", url(f"p{i}"), "", "Acme", "Dev", "01 Jan 2024"] for i in range(5000)]
    folder = write_files(tmp_path / "e", {"Connections.csv": connections(rows)})
    calls = []
    import_linkedin(store, folder, "me", progress=lambda *args: calls.append(args))
    size = (folder / "Connections.csv").stat().st_size
    assert calls and {c[3] for c in calls} == {size}
    assert calls[-1][2] == size
    assert sum(c[1] for c in calls) == 5000
    assert [c[2] for c in calls] == sorted(c[2] for c in calls)


def test_the_only_member_is_the_default_and_none_or_several_need_a_name(store, tmp_path):
    first = write_files(
        tmp_path / "a",
        {"Connections.csv": connections([["C", "D", url("cd"), "", "", "", "01 Jan 2024"]])},
    )
    with pytest.raises(InputError, match=r"no member yet.*--as NAME"):
        import_linkedin(store, first, None)
    import_linkedin(store, first, "me")
    again = write_files(
        tmp_path / "b",
        {"Connections.csv": connections([["A", "B", url("ab"), "", "", "", "02 Jan 2024"]])},
    )
    assert import_linkedin(store, again, None).member == "me"
    import_linkedin(store, write_files(tmp_path / "c", {"Skills.csv": "Name\nSQL\n"}), "you")
    with pytest.raises(InputError, match=r"2 members \(me, you\).*--as NAME"):
        import_linkedin(store, again, None)


def test_mbox_year_0001_is_not_2001(store, tmp_path, db_path):
    mbox = tmp_path / "in.mbox"
    mbox.write_text(
        "From a@x Mon Jan  1 10:00:00 2024\n"
        "From: Ann <ann@example.org>\nTo: Me <me@example.org>\n"
        "Date: Mon, 1 Jan 0001 10:00:00 +0000\nMessage-ID: <1@x>\n\nbody\n"
        "From a@x Mon Jan  1 10:00:00 2024\n"
        "From: Ann <ann@example.org>\nTo: Me <me@example.org>\n"
        "Date: Sun, 31 Dec 2023 23:30:00 -0500\nMessage-ID: <2@x>\n\nbody\n"
    )
    summary = import_mbox(store, mbox, "me", me=["me@example.org"])
    (report,) = summary.files
    assert report.skipped == {"implausible date": 1}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select occurred_at from interaction").fetchall() == [
            ("2024-01-01 04:30:00.000000",)
        ]
