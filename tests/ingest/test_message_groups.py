"""``import interactions --message COL``: rows sharing a message id (a sender, a
timestamp) are one message to several recipients wherever they are in the file, and
its group size counts (e-mail corpora come that way)."""

import sqlite3

from weakties.ingest.generic import import_interactions

LOG = """id,from,to,when
m1,ann,bob,2024-01-01T10:00:00Z
m1,ann,cy,2024-01-01T10:00:00Z
m1,ann,dee,2024-01-01T10:00:00Z
m2,ann,bob,2024-01-02T10:00:00Z
m3,bob,ann,2024-01-03T10:00:00Z
m3,bob,ann,2024-01-03T10:00:00Z
m1,ann,bob,2024-01-04T10:00:00Z
"""


def rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "select s.raw, r.raw, i.group_size, i.conversation from interaction i "
            "join identity s on s.person_id = i.sender_id and s.kind = 'external' "
            "join identity r on r.person_id = i.recipient_id and r.kind = 'external' "
            "order by i.occurred_at, r.raw"
        ).fetchall()


def load(store, path, **options):
    return import_interactions(
        store, path, sender="from", recipient="to", timestamp="when", **options
    )


def test_rows_of_one_message_make_a_group(store, tmp_path, db_path):
    path = tmp_path / "mail.csv"
    path.write_text(LOG)
    load(store, path, message="id")
    assert rows(db_path) == [
        ("ann", "bob", 3, "m1"),
        ("ann", "cy", 3, "m1"),
        ("ann", "dee", 3, "m1"),
        ("ann", "bob", 1, "m2"),
        # the same recipient twice in one message: one recipient, two traces
        ("bob", "ann", 1, "m3"),
        ("bob", "ann", 1, "m3"),
        # the id again at another time: another sending, on its own
        ("ann", "bob", 1, "m1"),
    ]
    again = load(store, path, message="id")
    assert again.added.get("interaction", 0) == 0
    assert len(rows(db_path)) == 7


def test_a_message_is_its_rows_wherever_they_are_in_the_file(store, tmp_path, db_path):
    """The rows of one message (its id, sender and timestamp) need not be next to
    each other: the file shuffled gives every row the same size and conversation as
    the file in order, and imports the same traces."""
    header, *lines = LOG.splitlines()
    shuffled = tmp_path / "shuffled.csv"
    # m1's three rows apart, m3's two apart, the later m1 between them
    order = [0, 3, 6, 1, 4, 2, 5]
    shuffled.write_text("\n".join([header, *(lines[i] for i in order)]) + "\n")
    load(store, shuffled, message="id")
    assert rows(db_path) == [
        ("ann", "bob", 3, "m1"),
        ("ann", "cy", 3, "m1"),
        ("ann", "dee", 3, "m1"),
        ("ann", "bob", 1, "m2"),
        ("bob", "ann", 1, "m3"),
        ("bob", "ann", 1, "m3"),
        ("ann", "bob", 1, "m1"),
    ]


def test_without_the_option_every_row_is_its_own_message(store, tmp_path, db_path):
    path = tmp_path / "mail.csv"
    path.write_text(LOG)
    load(store, path)
    assert {(size, conversation) for *_, size, conversation in rows(db_path)} == {(1, None)}
