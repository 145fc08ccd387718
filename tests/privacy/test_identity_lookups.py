"""An address that another member's data states stays theirs: it finds nobody when
typed, in every command that looks a person up.

The world of ``tests/service/test_contact_privacy.py``: Ana's LinkedIn export lists
Zed with her address for him, Eve's with another one (Eve shares names).
"""

from __future__ import annotations

import pytest

from tests.service.test_contact_privacy import ZED_BY_ANA, ZED_BY_EVE, world  # noqa: F401
from weakties.errors import NotFoundError
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
