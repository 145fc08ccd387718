"""An address or identifier that another member's data states stays theirs: it
finds nobody when typed (every command that looks a person up), and it does not
name anyone in machine output (the labels of ``ties``, ``ties --all``, ``ties
--explain``).

The world of ``tests/service/test_contact_privacy.py``: Ana's LinkedIn export lists
Zed with her address for him, Eve's with another one (Eve shares names).
"""

from __future__ import annotations

import pytest

from tests.service.test_contact_privacy import ZED_BY_ANA, ZED_BY_EVE, world  # noqa: F401
from tests.support import write_files
from weakties.errors import NotFoundError
from weakties.ingest.generic import import_interactions
from weakties.service import network, opportunities, outreach, people, ties

LOOKUPS = {
    "person": lambda c, v, q: people.person(c, v, q),
    "find_person": lambda c, v, q: people.find_person(c, v, q),
    "note add": lambda c, v, q: people.add_note(c, v, q, "met at the fair"),
    "note list": lambda c, v, q: people.notes(c, v, q),
    "ties --explain": lambda c, v, q: ties.explain(c, v, q),
    "degree": lambda c, v, q: network.degree(c, v, q),
    "mutual": lambda c, v, q: network.mutual(c, v, q),
    "paths": lambda c, v, q: network.paths(c, v, q),
    "draft": lambda c, v, q: opportunities.draft(c, v, q, "Bob Member"),
    "ask": lambda c, v, q: outreach.ask(c, v, q, target="Bob Member"),
}


@pytest.mark.parametrize("command", sorted(LOOKUPS))
def test_an_address_only_another_members_data_states_finds_nobody(world, command):  # noqa: F811
    _store, _db, as_, _signed = world
    look = LOOKUPS[command]
    with pytest.raises(NotFoundError):
        as_("ana", look, ZED_BY_EVE)
    # the address Ana's own data states finds Zed, as his name does
    assert as_("ana", people.find_person, ZED_BY_ANA) == as_("ana", people.find_person, "Zed")
    assert as_("eve", people.find_person, ZED_BY_EVE) == as_("eve", people.find_person, "Zed")


def test_another_members_log_does_not_name_a_shared_contact(world, tmp_path):  # noqa: F811
    """Eve imports a log that names Zed by her address for him (it finds him by that
    address): her tie list names him by it, Ana's keeps his name."""
    store, _db, as_, _signed = world
    log = write_files(
        tmp_path,
        {
            "log.csv": "sender,recipient,when\n"
            f"{ZED_BY_EVE},eve@example.org,2024-01-05\n"
            f"eve@example.org,{ZED_BY_EVE},2024-01-06\n"
        },
    )
    import_interactions(
        store,
        log / "log.csv",
        sender="sender",
        recipient="recipient",
        timestamp="when",
        member="eve",
    )
    zed = as_("ana", people.find_person, "Zed")
    for handle, name in (("ana", "Zed Contact"), ("eve", ZED_BY_EVE)):
        listed = {t.id: t.name for t in as_(handle, ties.ties).ties}
        assert listed[zed] == name, handle
        assert as_(handle, ties.explain, "Zed").name == name
        pairs = as_(handle, ties.all_pairs).pairs
        named = {p.a for p in pairs if p.a_id == zed} | {p.b for p in pairs if p.b_id == zed}
        assert named == {name}, handle
