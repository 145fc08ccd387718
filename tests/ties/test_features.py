"""Features from a hand-made history, exactly; nothing after --as-of counts."""

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert

from tests.support import MESSAGES_2024, connections, csv_text, profile, url, write_files
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Interaction, Note
from weakties.store.visibility import resolve_viewer
from weakties.ties.strength import score_ties

D = dt.datetime


def msg(frm, to, when, conv="c1", to_more=()):
    slugs = {"Me Myself": "me", "Ann Lee": "ann", "Bob Stone": "bob", "Cy Tran": "cy"}
    names = [to, *to_more]
    return [
        conv,
        "",
        frm,
        url(slugs[frm]),
        ",".join(names),
        ",".join(url(slugs[n]) for n in names),
        f"{when:%Y-%m-%d %H:%M:%S} UTC",
        "",
        "x",
        "INBOX",
        "No",
        "No",
    ]


@pytest.fixture
def history(store, tmp_path):
    rows = [
        msg("Me Myself", "Ann Lee", D(2024, 1, 10, 9)),
        msg("Ann Lee", "Me Myself", D(2024, 1, 10, 10)),
        msg("Me Myself", "Ann Lee", D(2024, 3, 5, 9)),
        msg("Me Myself", "Ann Lee", D(2024, 3, 6, 9)),
        msg("Ann Lee", "Me Myself", D(2024, 6, 1, 9)),  # after the as-of date below
        msg("Me Myself", "Bob Stone", D(2024, 2, 1, 9), conv="g", to_more=("Cy Tran",)),
    ]
    files = {
        "Profile.csv": profile("Me", "Myself"),
        "Connections.csv": connections(
            [
                ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2023"],
                ["Bob", "Stone", url("bob"), "", "Acme", "Dev", "01 Jan 2024"],
                ["Cy", "Tran", url("cy"), "", "Initech", "Ops", "01 Jan 2024"],
                ["Dee", "Vo", url("dee"), "", "Hooli", "PM", "01 Jan 2024"],
            ]
        ),
        "messages.csv": csv_text(MESSAGES_2024, rows),
    }
    import_linkedin(store, write_files(tmp_path / "x", files), "me")
    with store.engine.begin() as conn:
        me = resolve_viewer(conn, "me")
        ann = conn.exec_driver_sql("select person_id from identity where value='ann'").scalar()
        conn.execute(
            insert(Interaction).values(
                kind="endorsement",
                channel="linkedin",
                sender_id=ann,
                recipient_id=me.person_id,
                occurred_at=D(2024, 2, 2),
                group_size=1,
                asserted_by=me.member_id,
                natural_key="test-endorsement",
            )
        )
        conn.execute(
            insert(Note).values(
                author_id=me.member_id,
                person_id=ann,
                kind="meeting",
                text="lunch",
                noted_on=dt.date(2024, 3, 1),
            )
        )
    return store


def test_features_of_a_history(history):
    with history.engine.connect() as conn:
        me = resolve_viewer(conn, "me")
        scores = score_ties(conn, viewer=me, as_of=D(2024, 4, 1))
        names = dict(
            conn.exec_driver_sql(
                "select p.id, i.value from person p join identity i on i.person_id=p.id "
                "where i.kind='linkedin'"
            ).all()
        )
    rows = {names[scores.other(i)]: scores.table.row(i) for i in range(len(scores))}
    assert set(rows) == {"ann", "bob", "cy", "dee"}  # Cy: tied, and in the group message
    ann = rows["ann"]
    assert ann["contacts"] == 4  # the June reply is after the date
    assert ann["balance"] == pytest.approx(1 / 3)
    assert ann["turns"] == 2  # me, Ann, me, me: two changes of direction
    assert ann["active_months"] == 2
    assert ann["days_since_contact"] == pytest.approx(
        (D(2024, 4, 1) - D(2024, 3, 6, 9)).days + 15 / 24, abs=1e-6
    )
    assert ann["days_known"] == pytest.approx(456)  # connected 2023-01-01
    assert ann["services"] == 1
    assert ann["notes"] == 1
    assert ann["one_to_one_share"] == 1.0
    assert ann["shared_employer"] == 0.0  # my own employer is unknown here
    bob = rows["bob"]
    assert (bob["contacts"], bob["one_to_one_share"], bob["balance"]) == (1, 0.0, 0.0)
    assert rows["dee"]["never_in_touch"] == 1.0
    classes = {names[scores.other(i)]: scores.classes[i] for i in range(len(scores))}
    assert classes["dee"] == "nominal"
    assert rows["ann"]["mutual_contacts"] == 0


def test_as_of_ignores_the_future(history):
    with history.engine.connect() as conn:
        me = resolve_viewer(conn, "me")
        before = score_ties(conn, viewer=me, as_of=D(2024, 1, 1))
        after = score_ties(conn, viewer=me, as_of=D(2024, 7, 1))
    assert np.all(before.table.values["contacts"] == 0)
    assert after.table.values["contacts"].sum() == 5 + 2  # 5 with Ann, the group message x2
