"""A member's contact details are seen as that member chose, wherever they are shown:
the people list, a person's record (service, ``--json`` and text), the profile page
and the member's data export agree.

Five members signed up. Ana and Bo are connected. Bo shows his sign-up e-mail to
his connections, Cy shows hers to every member, Dee shows nothing (the default).
Ana's LinkedIn export lists Zed with the address she has for him, Eve's lists Zed
with another address, and Eve's data has an address of Ana's: Eve shares names,
and what her data holds of how to reach someone stays hers.
"""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from tests.support import connections, profile, url, write_files
from weakties.cli.main import app
from weakties.errors import NotFoundError
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Identity, Member
from weakties.service import accounts, contact, people, profiles
from weakties.service import connections as links
from weakties.service.context import viewer
from weakties.store.engine import open_store

HANDLES = ("ana", "bob", "cyd", "dee", "eve")
ZED_BY_ANA = "zed.known@ana-side.example"
ZED_BY_EVE = "zed.private@eve-side.example"
ANA_BY_EVE = "ana.old@eve-side.example"


def _export(tmp, handle: str, rows: list[list[str]]):
    return write_files(
        tmp / handle / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile(handle.title(), "Member"),
            "Connections.csv": connections(rows),
        },
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from argon2 import PasswordHasher

    tmp = tmp_path_factory.mktemp("contact")
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_hasher", lambda: cheap)
        db = tmp / "contact.sqlite"
        store = open_store(db)
        signed = {}
        with store.engine.begin() as conn:
            for handle in HANDLES:
                signed[handle] = accounts.sign_up(
                    conn,
                    email=f"{handle}@example.org",
                    password="a long enough password",
                    name=f"{handle.title()} Member",
                    handle=handle,
                )
        zed = ["Zed", "Contact", url("zed-contact"), ZED_BY_ANA, "Acme", "CTO", "01 Jan 2020"]
        import_linkedin(store, [_export(tmp, "ana", [zed])], "ana")
        theirs = [["Zed", "Contact", url("zed-contact"), ZED_BY_EVE, "Acme", "CTO", "01 Jan 2020"]]
        import_linkedin(store, [_export(tmp, "eve", theirs)], "eve")
        with store.engine.begin() as conn:  # Eve's data has an address of Ana's too
            ana, eve = (
                conn.execute(select(Member.person_id, Member.id).where(Member.handle == h)).one()
                for h in ("ana", "eve")
            )
            conn.execute(
                insert(Identity).values(
                    person_id=ana[0], kind="email", value=ANA_BY_EVE, asserted_by=eve[1]
                )
            )

        def as_(handle, fn, *args, **kwargs):
            with store.engine.begin() as conn:
                return fn(conn, viewer(conn, handle), *args, **kwargs)

        sent = as_("ana", links.send_invitation, "bob", "Hello")
        as_("bob", links.answer_invitation, sent.id, accept=True)
        for handle, chosen in (("bob", "connections"), ("cyd", "everyone")):
            (mail,) = as_(handle, profiles.member_profile, handle).contact
            as_(handle, contact.set_visibility, mail.id, chosen)
        yield store, db, as_, signed
        store.close()


def _emails_listed(as_, handle: str) -> dict[str, list[str]]:
    return {row.name: row.emails for row in as_(handle, people.list_people) if row.emails}


def _cli_json(db, *args: str, member: str):
    result = CliRunner().invoke(
        app, ["--db", str(db), *args, "--json"], env={"WEAKTIES_MEMBER": member}
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


EXPECTED = {
    # Bo's for connections, Cy's for everyone, Zed's as Ana's own export has it
    "ana": {
        "Bob Member": ["bob@example.org"],
        "Cyd Member": ["cyd@example.org"],
        "Zed Contact": [ZED_BY_ANA],
    },
    # only Cy's: Bo's is for his connections, Dee shows nothing
    "dee": {"Cyd Member": ["cyd@example.org"]},
    # Eve's own export's addresses; Bo's is not for her
    "eve": {
        "Ana Member": [ANA_BY_EVE],
        "Cyd Member": ["cyd@example.org"],
        "Zed Contact": [ZED_BY_EVE],
    },
}


@pytest.mark.parametrize("handle", sorted(EXPECTED))
def test_the_people_list_shows_contact_details_as_their_member_chose(world, handle):
    _store, db, as_, _signed = world
    assert _emails_listed(as_, handle) == EXPECTED[handle]
    listed = {p["name"]: p["emails"] for p in _cli_json(db, "people", member=handle) if p["emails"]}
    assert listed == EXPECTED[handle]


@pytest.mark.parametrize("handle", sorted(EXPECTED))
def test_a_persons_record_and_the_profile_agree_with_the_list(world, handle):
    _store, db, as_, _signed = world
    names = {row.name for row in as_(handle, people.list_people)}
    assert names >= {"Ana Member", "Bob Member", "Cyd Member", "Dee Member", "Eve Member"} - {
        f"{handle.title()} Member"
    }
    for name in sorted(names):
        wanted = EXPECTED[handle].get(name, [])
        record = as_(handle, people.person, name)
        assert record.identities.get("email", []) == wanted, name
        if record.member:  # the profile page's contact info: the member's own details
            seen = as_(handle, profiles.member_profile, record.member).contact
            published = [m for m in wanted if m not in (ZED_BY_ANA, ZED_BY_EVE, ANA_BY_EVE)]
            assert [d.value for d in seen if d.kind == "email"] == published, name
    # the command line's, for two (each is a run): its JSON, its text
    hidden = {ZED_BY_ANA, ZED_BY_EVE, ANA_BY_EVE} | {f"{h}@example.org" for h in HANDLES}
    bob = _cli_json(db, "person", "Bob Member", member=handle)["identities"]
    assert bob.get("email", []) == EXPECTED[handle].get("Bob Member", [])
    text = CliRunner().invoke(
        app, ["--db", str(db), "person", "Cyd Member"], env={"WEAKTIES_MEMBER": handle}
    )
    assert text.exit_code == 0, text.output
    assert {m for m in hidden if m in text.output} == {"cyd@example.org"}


def test_an_address_the_viewer_is_not_shown_finds_nobody(world):
    """Asking for someone by an address one may not see must not say whose it is."""
    _store, _db, as_, _signed = world
    for handle, address in (
        ("dee", "bob@example.org"),
        ("ana", ZED_BY_EVE),
        ("ana", "dee@example.org"),
    ):
        with pytest.raises(NotFoundError):
            as_(handle, people.person, address)
    assert as_("ana", people.person, ZED_BY_ANA).name == "Zed Contact"
    assert as_("dee", people.person, "cyd@example.org").name == "Cyd Member"


def test_a_member_sees_their_own_details_and_their_export_holds_them(world):
    store, _db, as_, signed = world
    own = as_("dee", people.person, "dee@example.org")
    assert own.identities.get("email") == ["dee@example.org"]
    # Eve's address for Ana is Eve's data: not Ana's own detail, not in her export
    assert ANA_BY_EVE not in json.dumps(as_("ana", people.person, "ana").identities)
    with store.engine.connect() as conn:
        archive = zipfile.ZipFile(BytesIO(_export_zip(conn, signed["ana"])))
        held = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert "ana@example.org" in held and ANA_BY_EVE not in held and ZED_BY_EVE not in held


def _export_zip(conn, account) -> bytes:
    from weakties.service.memberdata import export_member_data

    return export_member_data(conn, account)
