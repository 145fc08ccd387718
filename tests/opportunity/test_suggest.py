"""People you may know: every score equals its reference, suggestions use only the
past, the external JSON form."""

import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.graph.conftest import graphs
from tests.support import operator_reader, viewer_of
from weakties.cli.main import app
from weakties.opportunity.suggest import KATZ_BETA, LinkData, score_rows, suggest_rows, top_k
from weakties.service.context import reader

runner = CliRunner()


def dense(scores, n):
    return scores.toarray() if hasattr(scores, "toarray") else np.asarray(scores)


@settings(max_examples=40, deadline=None)
@given(graphs(max_nodes=16), st.data())
def test_scores_equal_networkx(pair, data):
    g, reference = pair
    link = LinkData.from_graph(g)
    rows = np.arange(g.n_nodes)
    non_edges = [(u, v) for u, v in nx.non_edges(reference)]
    for method, fn in (
        (
            "cn",
            lambda pairs: (
                (u, v, len(list(nx.common_neighbors(reference, u, v)))) for u, v in pairs
            ),
        ),
        ("ra", lambda pairs: nx.resource_allocation_index(reference, pairs)),
        ("aa", lambda pairs: nx.adamic_adar_index(reference, pairs)),
    ):
        got = dense(score_rows(link, rows, method), g.n_nodes)
        for u, v, expected in fn(non_edges):
            assert got[u, v] == pytest.approx(expected), (method, u, v)
        # existing ties and self pairs are never suggested
        for u, v in reference.edges():
            assert got[u, v] == 0 and got[v, u] == 0
        assert np.all(np.diag(got) == 0)


def test_katz_is_the_truncated_walk_count():
    reference = nx.gnm_random_graph(25, 60, seed=3)
    u, v = np.array(list(reference.edges())).T
    link = LinkData.from_edges(u, v, 25)
    a = nx.to_numpy_array(reference, nodelist=range(25))
    expected = KATZ_BETA**2 * (a @ a) + KATZ_BETA**3 * (a @ a @ a)
    expected[a > 0] = 0
    np.fill_diagonal(expected, 0)
    got = dense(score_rows(link, np.arange(25), "katz"), 25)
    assert got == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(8, 60),
    st.floats(0.02, 0.3),
    st.integers(0, 6),
    st.integers(1, 12),
    st.integers(0, 2**31),
)
def test_the_lists_are_top_k_of_every_candidates_score_to_the_last_bit(n, density, hub, k, seed):
    """suggest_rows counts three-step walks only where they may change a list;
    the lists are those of scoring every candidate (top_k of score_rows): the
    same people, order and scores, bit for bit — with hubs, places of every
    size, rows with fewer candidates than k, and equal scores."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(n, density, seed=seed % 1000)
    g.add_edges_from((0, x) for x in rng.choice(n, size=min(n - 1, hub * 8), replace=False) if x)
    edges = np.array(list(g.edges()), dtype=np.int64).reshape(-1, 2)
    held = rng.integers(0, max(1, n // 5), size=(n, 2))
    places = sp.csr_array(
        (np.ones(2 * n), (np.repeat(np.arange(n), 2), held.ravel())), shape=(n, int(held.max()) + 1)
    )
    places.sum_duplicates()
    places.data[:] = 1.0
    link = LinkData.from_edges(edges[:, 0], edges[:, 1], n, places)
    rows = np.arange(n)
    for method in ("weakties", "katz"):
        full = [
            top
            for start in range(0, n, 7)
            for top in top_k(score_rows(link, rows[start : start + 7], method), k)
        ]
        for (want_cols, want), (cols, got) in zip(
            full, suggest_rows(link, rows, k, method), strict=True
        ):
            assert cols.tolist() == want_cols.tolist(), method
            assert got.tolist() == want.tolist(), method


@pytest.mark.parametrize("weighted", ["ties", "places"])
def test_weighted_matrices_take_the_general_path(weighted):
    """The kernel counts each walk and shared place as 1: a matrix holding other
    values (a weighted graph, or places counted twice) is scored as score_rows
    scores it, not as if its values were 1."""
    import scipy.sparse as sp

    # a path 0 - 1 - 2 - 3 and 0 - 4 - 5; 0 and 3 share a place
    u, v = np.array([0, 1, 2, 0, 4]), np.array([1, 2, 3, 4, 5])
    w = np.array([1, 1, 1, 2, 2.0]) if weighted == "ties" else np.ones(5)
    adjacency = sp.csr_array((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(6, 6))
    held = np.full(2, 2.0 if weighted == "places" else 1.0)
    places = sp.csr_array((held, ([0, 3], [0, 0])), shape=(6, 1))
    link = LinkData(adjacency, places, np.arange(6))
    for method in ("weakties", "katz"):
        want = top_k(score_rows(link, np.arange(6), method), 3)
        got = suggest_rows(link, np.arange(6), 3, method)
        for (want_cols, want_vals), (cols, vals) in zip(want, got, strict=True):
            assert cols.tolist() == want_cols.tolist(), method
            assert vals.tolist() == want_vals.tolist(), method


def test_shared_places_rank_a_former_colleague_without_mutual_contacts():
    import scipy.sparse as sp

    # 0 - 1 - 2 and 3 alone; 0 and 3 were at the same small firm (place 0)
    places = sp.csr_array((np.ones(2), ([0, 3], [0, 0])), shape=(4, 1))
    link = LinkData.from_edges(np.array([0, 1]), np.array([1, 2]), 4, places)
    ((cols, _vals),) = suggest_rows(link, np.array([0]), 5, "weakties")
    assert set(cols.tolist()) == {2, 3}
    ((cols, _),) = suggest_rows(link, np.array([0]), 5, "ra")
    assert cols.tolist() == [2]


def test_suggest_all_uses_only_the_past(tmp_path):
    log = tmp_path / "log.csv"
    rows = [
        ("a", "b", "2020-01-01"),
        ("b", "c", "2020-01-02"),
        ("c", "d", "2020-01-03"),
        ("a", "c", "2021-06-01"),  # after the date: a and c are not yet in touch
        ("d", "e", "2021-06-02"),
    ]
    log.write_text("from,to,when\n" + "\n".join(",".join(r) for r in rows) + "\n")
    db = tmp_path / "s.sqlite"
    done = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "import",
            "interactions",
            str(log),
            "--sender",
            "from",
            "--recipient",
            "to",
            "--timestamp",
            "when",
        ],
    )
    assert done.exit_code == 0, done.output
    shown = runner.invoke(
        app, ["--db", str(db), "suggest", "--all", "--as-of", "2021-01-01", "--top", "3", "--json"]
    )
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.stdout)
    # the history is far too short for the fitted ranker: Katz's index ranked
    assert (answer["method"], answer["as_of"]) == ("katz", "2021-01-01")
    found = answer["suggestions"]
    assert set(found) == {"a", "b", "c", "d"}  # e appears after the date
    assert found["a"][0] == "c"  # two steps: a-b-c
    assert "c" not in found["b"] and "a" not in found["b"]  # existing contacts
    assert found["a"] == ["c", "d"]  # d is three steps away: Katz ranks it after c
    later = json.loads(
        runner.invoke(
            app,
            ["--db", str(db), "suggest", "--all", "--as-of", "2022-01-01", "--top", "3", "--json"],
        ).stdout
    )["suggestions"]
    assert "c" not in later["a"]  # a and c are in touch by then


def test_people_sharing_a_name_stay_apart_in_machine_output(store):
    from weakties.model.tables import Identity, Person

    with store.engine.begin() as conn:
        ids = []
        for name in ("Ann Lee", "Ann Lee", "Bob Stone", "ann"):
            ids.append(
                conn.execute(
                    Person.__table__.insert().values(display_name=name, name_key=name.lower())
                ).inserted_primary_key[0]
            )
        # the fourth is named by an imported log as "Ann Lee" too
        conn.execute(
            Identity.__table__.insert().values(
                person_id=ids[3], kind="external", value="ann lee", raw="Ann Lee"
            )
        )
        labels = operator_reader(conn).labels(ids)
    assert labels[ids[3]] == "Ann Lee"  # a file's own identifier is kept as written
    assert labels[ids[0]] == f"Ann Lee #{ids[0]}" and labels[ids[1]] == f"Ann Lee #{ids[1]}"
    assert labels[ids[2]] == "Bob Stone"
    assert len(set(labels.values())) == 4


def test_a_members_suggestions_at_a_date_ignore_later_ties(store, tmp_path):
    import datetime as dt

    from sqlalchemy import insert

    from tests.support import connections, url, write_files
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.model.tables import Person, Tie
    from weakties.opportunity.suggest import suggest_for

    mine = [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"]]
    folder = write_files(tmp_path / "me", {"Connections.csv": connections(mine)})
    import_linkedin(store, folder, "me")
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ann = reader(conn, me).find_person(url("ann"))
        # Ann met Bob in 2019 and Zed in 2023
        for name, since in (("Bob Stone", 2019), ("Zed Roe", 2023)):
            pid = conn.execute(
                insert(Person).values(display_name=name, name_key=name.lower())
            ).inserted_primary_key[0]
            a, b = sorted((ann, pid))
            conn.execute(
                insert(Tie).values(
                    person_a_id=a,
                    person_b_id=b,
                    source="manual",
                    asserted_by=me.member_id,
                    since=dt.datetime(since, 3, 1),
                )
            )
        then = suggest_for(reader(conn, me), as_of=dt.datetime(2022, 1, 1))
        now = suggest_for(reader(conn, me))
    assert [r["name"] for r in then] == ["Bob Stone"]
    assert {r["name"] for r in now} == {"Bob Stone", "Zed Roe"}


def test_two_logs_identifiers_stay_apart(store):
    from weakties.model.tables import Identity, Person

    with store.engine.begin() as conn:
        ids = []
        for value in ("hr:17", "crm:17"):
            pid = conn.execute(
                Person.__table__.insert().values(display_name="17", name_key="17")
            ).inserted_primary_key[0]
            conn.execute(
                Identity.__table__.insert().values(
                    person_id=pid, kind="external", value=value, raw="17"
                )
            )
            ids.append(pid)
        assert operator_reader(conn).labels(ids) == {ids[0]: "hr:17", ids[1]: "crm:17"}
        assert operator_reader(conn).labels(ids[:1]) == {ids[0]: "17"}  # as written when alone


def test_a_place_the_method_did_not_read_is_context_after_its_reasons(store, tmp_path):
    """Katz's index reads the contacts' ties only: an organisation the two share
    is said after the reasons that raised the score, as not part of the ranking;
    the former default, which reads places, gives it as a reason."""
    import datetime as dt

    from sqlalchemy import insert, select

    from tests.support import connections, url, write_files
    from weakties.ingest.linkedin.importer import import_linkedin
    from weakties.model.tables import Organization, Person, Position, Tie
    from weakties.opportunity.suggest import suggest_for

    mine = [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2020"]]
    import_linkedin(
        store, write_files(tmp_path / "me", {"Connections.csv": connections(mine)}), "me"
    )
    with store.engine.begin() as conn:
        me = viewer_of(conn, "me")
        ann = reader(conn, me).find_person(url("ann"))
        acme = conn.execute(select(Organization.id).where(Organization.name == "Acme")).scalar()
        bob = conn.execute(
            insert(Person).values(display_name="Bob Stone", name_key="bob stone")
        ).inserted_primary_key[0]
        a, b = sorted((ann, bob))
        conn.execute(
            insert(Tie).values(
                person_a_id=a, person_b_id=b, source="manual",
                asserted_by=me.member_id, since=dt.datetime(2021, 3, 1),
            )
        )  # fmt: skip
        for pid in (me.person_id, bob):
            conn.execute(
                insert(Position).values(
                    person_id=pid,
                    organization_id=acme,
                    kind="job",
                    source="manual",
                    natural_key=f"test:{pid}",
                    asserted_by=me.member_id,
                )
            )
        katz = suggest_for(reader(conn, me), method="katz")
        former = suggest_for(reader(conn, me), method="weakties")
    assert [r["why"] for r in katz] == [
        "1 mutual contact (Ann Lee); also at Acme (not part of the ranking)"
    ]
    assert [r["why"] for r in former] == ["1 mutual contact (Ann Lee); also at Acme"]
