"""Features from a hand-made history, exactly; nothing after --as-of counts."""

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert

from tests.support import (
    MESSAGES_2024,
    connections,
    csv_text,
    profile,
    url,
    viewer_of,
    write_files,
)
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Interaction, Note
from weakties.service.context import reader
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


def slugs(conn) -> dict[int, str]:
    """Person id -> LinkedIn slug, to name the pairs in assertions."""
    return dict(
        conn.exec_driver_sql(
            "select p.id, i.value from person p join identity i on i.person_id=p.id "
            "where i.kind='linkedin'"
        ).all()
    )


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
        me = viewer_of(conn, "me")
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
        me = viewer_of(conn, "me")
        scores = score_ties(reader(conn, me), as_of=D(2024, 4, 1))
        names = slugs(conn)
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
        me = viewer_of(conn, "me")
        before = score_ties(reader(conn, me), as_of=D(2024, 1, 1))
        after = score_ties(reader(conn, me), as_of=D(2024, 7, 1))
    assert np.all(before.table.values["contacts"] == 0)
    assert after.table.values["contacts"].sum() == 5 + 2  # 5 with Ann, the group message x2


def test_the_as_of_day_itself_is_the_future(history):
    with history.engine.connect() as conn:
        me = viewer_of(conn, "me")
        names = slugs(conn)
        # Bob, Cy and Dee were connected on 1 January 2024: not yet at its first instant
        on = score_ties(reader(conn, me), as_of=D(2024, 1, 1))
        tied = {names[on.other(i)] for i in range(len(on)) if on.table.tied[i]}
        assert tied == {"ann"}
        # the note on Ann is dated 1 March: it counts from the next day
        notes = [
            score_ties(reader(conn, me), as_of=when).table
            for when in (D(2024, 3, 1, 23), D(2024, 3, 2))
        ]
    ann = [
        next(i for i in range(len(t)) if names.get(int(t.b[i]), names.get(int(t.a[i]))) == "ann")
        for t in notes
    ]
    assert [t.values["notes"][i] for t, i in zip(notes, ann, strict=True)] == [0, 1]


def test_shared_places_need_time_together_before_the_date(history):
    from weakties.model.tables import Organization, Position

    with history.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ann = conn.exec_driver_sql("select person_id from identity where value='ann'").scalar()
        bob = conn.exec_driver_sql("select person_id from identity where value='bob'").scalar()
        org, school = (
            conn.execute(
                insert(Organization).values(name=n, norm_name=n.lower(), kind="organization")
            ).inserted_primary_key[0]
            for n in ("Globex", "Sorbonne")
        )
        spans = [
            (me.person_id, org, "job", dt.date(2015, 1, 1), dt.date(2018, 1, 1)),
            (ann, org, "job", dt.date(2017, 6, 1), dt.date(2019, 1, 1)),  # overlaps me
            (bob, org, "job", dt.date(2019, 1, 1), None),  # arrived after I left
            (me.person_id, school, "study", dt.date(2010, 9, 1), dt.date(2013, 6, 30)),
            (ann, school, "study", dt.date(2025, 9, 1), dt.date(2026, 6, 30)),  # later
        ]
        for k, (pid, oid, kind, start, end) in enumerate(spans):
            conn.execute(
                insert(Position).values(
                    person_id=pid,
                    organization_id=oid,
                    kind=kind,
                    start_date=start,
                    end_date=end,
                    is_current=end is None,
                    source="manual",
                    asserted_by=me.member_id,
                    natural_key=f"span-{k}",
                )
            )
    with history.engine.connect() as conn:
        me = viewer_of(conn, "me")
        names = slugs(conn)
        rows = {}
        for when in (D(2017, 1, 1), D(2024, 4, 1)):
            scores = score_ties(reader(conn, me), as_of=when)
            rows[when.year] = {
                names[scores.other(i)]: scores.table.row(i) for i in range(len(scores))
            }
    # in 2017 Ann had not arrived yet; by 2024 our years there had overlapped
    assert rows[2017].get("ann", {}).get("shared_employer", 0.0) == 0.0
    assert rows[2024]["ann"]["shared_employer"] == 1.0
    assert rows[2024]["bob"]["shared_employer"] == 0.0  # same place, never together
    assert rows[2024]["ann"]["shared_school"] == 0.0  # her studies there come later


def test_group_contact_weighs_less(history):
    with history.engine.connect() as conn:
        me = viewer_of(conn, "me")
        scores = score_ties(reader(conn, me), as_of=D(2024, 4, 1))
        names = slugs(conn)
    rows = {names[scores.other(i)]: scores.table.row(i) for i in range(len(scores))}
    bob = rows["bob"]  # one message to Bob and Cy together
    age = (D(2024, 4, 1) - D(2024, 2, 1, 9)).total_seconds() / 86400
    from weakties.ties.features import DECAY_DAYS

    assert bob["contacts_decayed"] == pytest.approx(np.exp(-age / DECAY_DAYS) / np.sqrt(2))
    assert bob["days_since_personal"] == pytest.approx(bob["days_since_contact"])
    assert bob["personal_months"] == 1


def test_groups_industry_and_seniority_on_the_date(history):
    from sqlalchemy import update

    from weakties.model.tables import Organization, Person, Position

    with history.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ann = conn.exec_driver_sql("select person_id from identity where value='ann'").scalar()
        bob = conn.exec_driver_sql("select person_id from identity where value='bob'").scalar()
        guild = conn.execute(
            insert(Organization).values(name="Data Guild", norm_name="data guild", kind="group")
        ).inserted_primary_key[0]
        firm = conn.execute(
            insert(Organization).values(
                name="Stark", norm_name="stark", kind="organization", industry="Software"
            )
        ).inserted_primary_key[0]
        rows = [
            (me.person_id, guild, "group", None, dt.date(2020, 1, 1), None),
            (ann, guild, "group", None, dt.date(2020, 1, 1), None),
            (bob, guild, "group", None, dt.date(2024, 5, 1), None),  # joined later
            (me.person_id, firm, "job", "Junior Analyst", dt.date(2022, 1, 1), None),
            (ann, firm, "job", "VP Engineering", dt.date(2010, 1, 1), None),
        ]
        for k, (pid, oid, kind, title, start, end) in enumerate(rows):
            conn.execute(
                insert(Position).values(
                    person_id=pid,
                    organization_id=oid,
                    kind=kind,
                    title=title,
                    start_date=start,
                    end_date=end,
                    is_current=end is None,
                    source="manual",
                    asserted_by=me.member_id,
                    natural_key=f"g-{k}",
                )
            )
        conn.execute(update(Person).where(Person.id == bob).values(industry="Banking"))
    with history.engine.connect() as conn:
        me = viewer_of(conn, "me")
        scores = score_ties(reader(conn, me), as_of=D(2024, 4, 1))
        names = slugs(conn)
    rows_by = {names[scores.other(i)]: scores.table.row(i) for i in range(len(scores))}
    assert rows_by["ann"]["shared_groups"] == 1
    assert rows_by["bob"]["shared_groups"] == 0  # he joined after the date
    assert rows_by["ann"]["same_industry"] == 1  # both at a software firm
    assert rows_by["bob"]["same_industry"] == 0  # his own word: banking
    assert np.isnan(rows_by["cy"]["same_industry"])  # unknown
    # a junior analyst and a VP: five rungs apart (Acme titles are observed and
    # undated, so only the dated jobs count at a past date)
    assert rows_by["ann"]["seniority_gap"] == 5


def test_mutual_contacts_count_the_ties_between_the_egos_contacts_only(history):
    """Me and Ann share Dee; Zed, tied to Ann and Dee but not to me, is no
    mutual contact. Scoring Ann alone (``others``) counts the same as scoring
    every tie: Dee (no message with me) is read as my contact, not as a pair's."""
    from weakties.model.tables import Person, Tie

    with history.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ids = {v: k for k, v in slugs(conn).items()}
        zed = conn.execute(
            insert(Person).values(display_name="Zed Roe", name_key="zed roe")
        ).inserted_primary_key[0]
        for x, y in (("ann", "dee"), ("bob", "cy")):
            a, b = sorted((ids[x], ids[y]))
            conn.execute(
                insert(Tie).values(
                    person_a_id=a,
                    person_b_id=b,
                    source="manual",
                    asserted_by=me.member_id,
                    since=D(2023, 6, 1),
                )
            )
        for x in ("ann", "dee"):
            a, b = sorted((ids[x], zed))
            conn.execute(
                insert(Tie).values(
                    person_a_id=a,
                    person_b_id=b,
                    source="manual",
                    asserted_by=me.member_id,
                    since=D(2023, 6, 1),
                )
            )
        every = score_ties(reader(conn, me), as_of=D(2024, 4, 1))
        alone = score_ties(reader(conn, me), as_of=D(2024, 4, 1), others=[ids["ann"]])
    mutual = {every.other(i): every.table.values["mutual_contacts"][i] for i in range(len(every))}
    assert mutual == {ids["ann"]: 1, ids["bob"]: 1, ids["cy"]: 1, ids["dee"]: 1}
    assert [alone.other(i) for i in range(len(alone))] == [ids["ann"]]
    assert alone.table.values["mutual_contacts"].tolist() == [1.0]
