"""Inferred ties and calibration on the user's labels."""

import sqlite3

import pytest

from tests.support import (
    MESSAGES_2024,
    connections,
    csv_text,
    profile,
    url,
    viewer_of,
    write_files,
)
from weakties.errors import InputError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.context import reader
from weakties.service.ties import calibrate, infer, label
from weakties.ties.calibrate import MIN_LABELS
from weakties.ties.infer import MAX_PLACE
from weakties.ties.strength import score_ties


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# Ann writes to me and Cy at once (one row, two recipients)
GROUP_MESSAGE = [
    "g",
    "",
    "Ann Lee",
    url("ann"),
    "Me Myself,Cy Tran",
    f"{url('me')},{url('cy')}",
    "2024-02-01 10:00:00 UTC",
    "",
    "hi all",
    "INBOX",
    "No",
    "No",
]


def test_inferred_colleagues_and_corecipients(store, tmp_path, db_path):
    contacts = [
        ["Ann", "Lee", url("ann"), "", "Tiny Co", "CTO", "01 Jan 2024"],
        ["Bob", "Stone", url("bob"), "", "Tiny Co", "Dev", "01 Jan 2024"],
        ["Cy", "Tran", url("cy"), "", "Other", "Ops", "01 Jan 2024"],
    ]
    big = [
        [f"P{i}", "X", url(f"p{i}"), "", "Huge Corp", "", "01 Jan 2024"]
        for i in range(MAX_PLACE + 1)
    ]
    group = GROUP_MESSAGE
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections(contacts + big),
        "messages.csv": csv_text(MESSAGES_2024, [group]),
    }
    import_linkedin(store, write_files(tmp_path / "x", files), "me")
    with store.engine.begin() as conn:
        report = infer(conn, viewer_of(conn, "me"))
    assert report.ties == {"inferred_colleague": 1, "inferred_corecipient": 1}
    assert report.skipped_large_organisations == 1  # Huge Corp: too many people to say anything
    got = rows(
        db_path,
        "select pa.display_name, pb.display_name, t.source, t.confidence "
        "from tie t join person pa on pa.id=t.person_a_id join person pb on "
        "pb.id=t.person_b_id where t.source like 'inferred%' order by t.source",
    )
    assert got == [
        ("Ann Lee", "Bob Stone", "inferred_colleague", 0.7),
        ("Ann Lee", "Cy Tran", "inferred_corecipient", 0.4),
    ]
    with store.engine.begin() as conn:
        infer(conn, viewer_of(conn, "me"), enabled=False)
    assert rows(db_path, "select count(*) from tie where source like 'inferred%'") == [(0,)]
    with store.engine.begin() as conn:
        again = infer(conn, viewer_of(conn, "me"))  # still off
    assert not again.ties and not again.enabled


def test_calibration_on_labels(store, tmp_path):
    from weakties.synth import generate, pick_members, write_linkedin_export

    world = generate(600, seed=5)
    member = pick_members(world, k=1, seed=5, min_degree=40)[0]
    import_linkedin(store, write_linkedin_export(world, member, tmp_path, as_of=world.end), "me")
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        scores = score_ties(reader(conn, me))
        with pytest.raises(InputError, match="at least"):
            calibrate(conn, me)
        slugs = dict(
            conn.exec_driver_sql(
                "select person_id, value from identity where kind='linkedin'"
            ).all()
        )
        by_slug = {p.slug: p.id for p in world.people}
        labelled = 0
        for i in range(len(scores)):
            wid = by_slug.get(slugs.get(scores.other(i)))
            truth = world.true_class(member, wid) if wid is not None else None
            if truth:
                label(conn, me, f"#{scores.other(i)}", klass=truth)
                labelled += 1
        assert labelled >= MIN_LABELS
        result = calibrate(conn, me)
        assert result.quality["labels"] >= MIN_LABELS
        assert "calibrated_cross_validated" in result.quality
        assert score_ties(reader(conn, me)).model.name == "calibrated for me"


def test_corecipients_of_a_conversation_another_member_imported_first(store, tmp_path, db_path):
    group = GROUP_MESSAGE
    messages = {"messages.csv": csv_text(MESSAGES_2024, [group])}
    ann_files = {"Profile.csv": profile("Ann", "Lee"), **messages}
    import_linkedin(store, write_files(tmp_path / "ann", ann_files), "ann")
    mine = [
        ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"],
        ["Cy", "Tran", url("cy"), "", "Other", "Ops", "01 Jan 2024"],
    ]
    my_files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections(mine),
        **messages,
    }
    import_linkedin(store, write_files(tmp_path / "me", my_files), "me")
    # the message is stored once, as Ann's import brought it; and I am the person
    # her export named (found by my name among a group message's recipients)
    assert rows(db_path, "select count(*) from interaction") == [(2,)]
    assert rows(db_path, "select count(*) from person where display_name = 'Me Myself'") == [(1,)]
    with store.engine.begin() as conn:
        report = infer(conn, viewer_of(conn, "me"))
    assert report.ties == {"inferred_corecipient": 1}
