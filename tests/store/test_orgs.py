import pytest

from tests.support import connections, reader_of, url, viewer_of, write_files
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.orgs import orgs as list_orgs
from weakties.service.orgs import suggest_merges
from weakties.store.orgs import merge_orgs


def find_org(conn, name):
    return reader_of(conn).find_org(name)


COMPANIES = [
    "Accenture",
    "Acenture",
    "Accenture Federal Services",
    "Procter & Gamble Co.",
    "PROCTER AND GAMBLE",
    "Globex",
    "Initech",
]


@pytest.fixture
def orgs_db(store, tmp_path):
    rows = [[f"P{i}", "X", url(f"p{i}"), "", c, "", "01 Jan 2024"] for i, c in enumerate(COMPANIES)]
    import_linkedin(store, write_files(tmp_path, {"Connections.csv": connections(rows)}), "me")
    return store


def test_normal_forms_merge_and_close_names_are_only_proposed(orgs_db):
    with orgs_db.engine.connect() as conn:
        listed = {o.name: o for o in list_orgs(conn, viewer_of(conn))}
        suggestions = suggest_merges(conn, viewer_of(conn))
    # "Procter & Gamble Co." and "PROCTER AND GAMBLE" are one organisation with two spellings
    assert listed["Procter & Gamble Co."].people_now == 2
    assert listed["Procter & Gamble Co."].aliases == ["PROCTER AND GAMBLE"]
    pairs = {(s.a.name, s.b.name): s.reason for s in suggestions}
    assert pairs[("Accenture", "Acenture")] == "similar spelling"
    assert pairs[("Accenture", "Accenture Federal Services")] == "contained"
    assert not any("Globex" in pair for pair in pairs)


def test_merge_and_find(orgs_db):
    with orgs_db.engine.begin() as conn:
        target = find_org(conn, "accenture")
        moved = merge_orgs(conn, [find_org(conn, "Acenture")], target)
        assert moved == {"positions": 1, "follows": 0, "aliases": 1}
        assert find_org(conn, "ACENTURE") == target  # the old spelling still finds it
        with pytest.raises(NotFoundError):
            find_org(conn, "Umbrella")
        with pytest.raises(NotFoundError):
            find_org(conn, "#999")
    with orgs_db.engine.connect() as conn:
        found = list_orgs(conn, viewer_of(conn), search="accenture")
        assert [o.people_now for o in found] == [2, 1]
