"""The opportunity feed: a move is told apart from a title edit and from a departure;
a departure gets a private "how can I help", never congratulations; dormant ties at
a target, new ways in and shared groups are found."""

import datetime as dt

import pytest
from sqlalchemy import insert, select

from tests.support import (
    MESSAGES_2024,
    connections,
    csv_text,
    url,
    viewer_of,
    write_files,
)
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Organization, Person, Position, Tie
from weakties.opportunity.feed import opportunity_feed
from weakties.service.context import reader
from weakties.store.write import add_target

OLD = [
    ["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"],
    ["Bob", "Stone", url("bob"), "", "Globex", "Engineer", "01 Jan 2020"],
    ["Cy", "Tran", url("cy"), "", "Initech", "Analyst", "01 Jan 2020"],
    ["Eve", "Wu", url("eve"), "", "", "", "01 Jan 2020"],
    ["Hal", "Ng", url("hal"), "", "Globex", "Director", "01 Jan 2015"],
]
NEW = [
    ["Ann", "Lee", url("ann"), "", "Globex", "CTO", "01 Jan 2020"],  # moved to a target
    ["Bob", "Stone", url("bob"), "", "Globex", "Senior Engineer", "01 Jan 2020"],  # title
    ["Cy", "Tran", url("cy"), "", "", "", "01 Jan 2020"],  # left, nothing new
    ["Eve", "Wu", url("eve"), "", "Stark", "Founder", "01 Jan 2020"],  # started a job
    ["Hal", "Ng", url("hal"), "", "Globex", "Director", "01 Jan 2015"],
    ["Gus", "Yi", url("gus"), "", "Hooli", "CFO", "03 Mar 2024"],
]
NOW = dt.datetime(2024, 6, 2)


def _messages() -> str:
    rows = []
    # Me and Hal wrote regularly in 2019, then never again: a dormant tie
    for k, month in enumerate((3, 4, 5, 6)):
        mine = k % 2 == 0
        rows.append(
            [
                "c1",
                "",
                "Me Myself" if mine else "Hal Ng",
                url("me") if mine else url("hal"),
                "Hal Ng" if mine else "Me Myself",
                url("hal") if mine else url("me"),
                f"2019-{month:02d}-10 10:00:00 UTC",
                "",
                "",
                "INBOX",
                "No",
                "No",
            ]
        )
    return csv_text(MESSAGES_2024, rows)


@pytest.fixture
def feed_world(store, tmp_path):
    for rows, date, extra in (
        (OLD, "01-01-2024", {}),
        (NEW, "06-01-2024", {"messages.csv": _messages()}),
    ):
        folder = write_files(
            tmp_path / f"Complete_LinkedInDataExport_{date}",
            {"Connections.csv": connections(rows), **extra},
        )
        import_linkedin(store, folder, "me")
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        globex = reader(conn, me).find_org("Globex")
        add_target(reader(conn, me), org_id=globex, person_id=None, purpose="job")
        gus = reader(conn, me).find_person(url("gus"))
        # Zed works at Globex; Gus (a contact) connected with Zed last month
        zed = conn.execute(
            insert(Person).values(display_name="Zed Roe", name_key="zed roe")
        ).inserted_primary_key[0]
        conn.execute(
            insert(Position).values(
                person_id=zed,
                organization_id=globex,
                kind="job",
                title="Recruiter",
                is_current=True,
                source="manual",
                asserted_by=me.member_id,
                natural_key="zed-globex",
            )
        )
        a, b = sorted((gus, zed))
        conn.execute(
            insert(Tie).values(
                person_a_id=a,
                person_b_id=b,
                source="manual",
                asserted_by=me.member_id,
                since=dt.datetime(2024, 5, 10),
            )
        )
        # and Zed is in a group with me
        group = conn.execute(
            insert(Organization).values(
                name="Paris Data Guild", norm_name="paris data guild", kind="group"
            )
        ).inserted_primary_key[0]
        for pid in (me.person_id, zed):
            conn.execute(
                insert(Position).values(
                    person_id=pid,
                    organization_id=group,
                    kind="group",
                    is_current=True,
                    source="manual",
                    asserted_by=me.member_id,
                    natural_key=f"guild-{pid}",
                )
            )
    return store


def test_the_feed_items_and_their_actions(feed_world):
    with feed_world.engine.begin() as conn:
        me = viewer_of(conn, "me")
        feed = opportunity_feed(reader(conn, me), as_of=NOW)
        names = dict(conn.execute(select(Person.id, Person.display_name)).all())
    by_person = {}
    for item in feed["items"]:
        by_person.setdefault(names[item["person_id"]], []).append(item)
    kinds = {who: sorted(i["kind"] for i in items) for who, items in by_person.items()}
    assert kinds == {
        "Ann Lee": ["moved_to_watched"],
        "Bob Stone": ["title_change"],
        "Cy Tran": ["departure"],
        "Eve Wu": ["started_job"],
        "Hal Ng": ["dormant_at_target"],
        "Zed Roe": ["new_path", "shared_group"],
    }
    assert feed["watched"] == {"Globex": "you target it (job)"}
    ann = by_person["Ann Lee"][0]
    assert "joined Globex as CTO" in ann["text"] and "privately" in ann["action"]
    bob = by_person["Bob Stone"][0]
    assert "not a move" in bob["text"]
    cy = by_person["Cy Tran"][0]
    assert "how are you, can I help?" in cy["action"]
    assert "never public congratulations" in cy["action"]
    assert "ongratulat" not in cy["action"].replace("never public congratulations", "")
    hal = by_person["Hal Ng"][0]
    assert "not been in touch for 5 years" in hal["text"] and "4 exchanges" in hal["text"]
    new_path = next(i for i in by_person["Zed Roe"] if i["kind"] == "new_path")
    assert new_path["broker"] == "Gus Yi" and "Recruiter" in new_path["text"]
    # ordered by priority: the move into a target first, the title edit last
    order = [i["kind"] for i in feed["items"]]
    assert order[0] == "moved_to_watched" and order[-1] == "title_change"


def test_the_window_and_the_watch_list_matter(feed_world):
    with feed_world.engine.begin() as conn:
        me = viewer_of(conn, "me")
        later = opportunity_feed(reader(conn, me), as_of=NOW + dt.timedelta(days=200))
    kinds = {i["kind"] for i in later["items"]}
    # events and the new tie are out of the 90-day window; standing facts remain
    assert kinds == {"dormant_at_target", "shared_group"}


def test_the_feed_at_a_past_date_shows_nothing_that_came_later(feed_world):
    with feed_world.engine.begin() as conn:
        me = viewer_of(conn, "me")
        before = opportunity_feed(reader(conn, me), as_of=dt.datetime(2024, 5, 20))
    kinds = {i["kind"] for i in before["items"]}
    # the moves were seen in the export of 1 June: not known on 20 May
    assert not kinds & {
        "moved_to_watched",
        "title_change",
        "departure",
        "career_move",
        "started_job",
    }
    # the tie of 10 May was
    assert "new_path" in kinds
