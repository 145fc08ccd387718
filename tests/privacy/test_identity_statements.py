"""An address is shown to every member whose own data states it, whichever member's
import stated it first, and stays with them when that member leaves.

Nina (who shares nothing) and Yara signed up; Nina's LinkedIn export lists Zed with
an address, then Yara's lists him with the same one; both list Ann, with an
address in Nina's only. Yara sees it on Zed's record
and finds him by it; importing her export again states nothing new; when Nina
deletes her account the address stays Yara's. An address only Nina's data states
(Ann's) is never Yara's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support import connections, profile, url, write_files
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Identity, IdentityStatement
from weakties.service import accounts, admin, memberdata, people
from weakties.service.context import viewer
from weakties.store.engine import open_store

ZED = ["Zed", "Contact", url("zed-contact"), "zed@shared.example", "Acme", "CTO", "01 Jan 2020"]
ANN = ["Ann", "Other", url("ann-other"), "ann@nina-only.example", "Acme", "CFO", "01 Jan 2020"]
PASSWORD = "a long enough password"


def _export(tmp, first: str, rows):
    return write_files(
        tmp / first / "Complete_LinkedInDataExport_06-01-2024",
        {"Profile.csv": profile(first, "Member"), "Connections.csv": connections(rows)},
    )


@pytest.fixture
def world(tmp_path, monkeypatch):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)
    store = open_store(tmp_path / "stated.sqlite")
    signed = {}
    with store.engine.begin() as conn:
        for first in ("Yara", "Nina"):
            signed[first] = accounts.sign_up(
                conn,
                email=f"{first.lower()}@example.org",
                password=PASSWORD,
                name=f"{first} Member",
                handle=first.lower(),
            )
        admin.set_sharing(conn, viewer(conn, "nina"), "nothing")
    import_linkedin(store, [_export(tmp_path, "Nina", [ZED, ANN])], "nina")
    yours = _export(tmp_path, "Yara", [ZED, [*ANN[:3], "", *ANN[4:]]])
    import_linkedin(store, [yours], "yara")
    yield store, signed, yours
    store.close()


def _as(store, handle, fn, *args):
    with store.engine.begin() as conn:
        return fn(conn, viewer(conn, handle), *args)


def _statements(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(IdentityStatement)).scalar_one()


def test_an_address_a_members_own_data_states_second_is_theirs(world):
    store, _signed, _yours = world
    for handle in ("yara", "nina"):
        assert _as(store, handle, people.person, "Zed").identities["email"] == [ZED[3]]
        assert _as(store, handle, people.find_person, ZED[3]) == _as(
            store, handle, people.find_person, "Zed"
        )
    # what only Nina's data states stays hers
    assert "email" not in _as(store, "yara", people.person, "Ann Other").identities
    with pytest.raises(NotFoundError):
        _as(store, "yara", people.find_person, ANN[3])


def test_importing_again_states_nothing_new(world, tmp_path):
    store, _signed, yours = world
    before = _statements(store)
    import_linkedin(store, [yours], "yara")
    # the same rows read as another export (another file's hash): stated once still
    again = _export(tmp_path / "again", "Yara", [ZED, [*ANN[:3], "", *ANN[4:]]])
    import_linkedin(store, [again], "yara")
    assert _statements(store) == before


def test_the_address_stays_with_yara_when_nina_leaves(world):
    store, signed, _yours = world
    with store.engine.begin() as conn:
        memberdata.delete_account(conn, signed["Nina"], PASSWORD)
    assert _as(store, "yara", people.person, "Zed").identities["email"] == [ZED[3]]
    with store.engine.connect() as conn:
        values = set(conn.execute(select(Identity.value)).scalars())
    assert ZED[3] in values and ANN[3] not in values
