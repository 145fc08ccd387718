"""A member who shares nothing leaks nothing, anywhere.

Two members pool their LinkedIn exports: "you" shares counts, "nina" shares
nothing. Every service function and every command with ``--json`` (the whole
network with ``--all``, past dates with ``--as-of``, explanations, drafts, the
feed, reports, suggestions, the organisations, members, imports and match
proposals) runs as each of them, and no name, message date, note or e-mail address
that only the other one's data knows may appear — nor a tie of those people (a
tie shows its people). A third member, who joined on the platform and is nobody's contact,
asked not to be asked for introductions: their reason is for their contacts only,
and a mark Nina set on someone else is her own note. Run on two real exports too:
WEAKTIES_PRIVACY_EXPORTS (docs/service.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.service.privacy import Secrets, run_cli, run_service, secrets_of
from tests.support import (
    MESSAGES_2024,
    connections,
    copy_sqlite,
    csv_text,
    profile,
    url,
    write_files,
)
from weakties.cli.main import app
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.store.engine import open_store

runner = CliRunner()


def _message(conversation, sender, to, when, *, title=""):
    """A message row: ``sender`` and ``to`` are (name, slug) pairs."""
    return [
        conversation,
        title,
        sender[0],
        url(sender[1]),
        ", ".join(n for n, _ in to),
        ", ".join(url(s) for _, s in to),
        f"{when} 10:00:00 UTC",
        "",
        "",
        "INBOX",
        "No",
        "No",
    ]


YARA = ("Yara Viewer", "yara")
NINA = ("Nina Member", "nina")
ANN = ("Ann Shared", "ann-shared")
ZEPH = ("Zephyrine Quillfeather", "zephyrine")
OCTAVIO = ("Octavio Brightwater", "octavio")
URSULA = ("Ursula Onlyyours", "ursula")
# someone both know, whose employer and title only Nina's data states
PIA = ("Pia Bothknown", "pia")
QUASAR = "Quasar Secretworks"
ALCHEMIST = "Chief Alchemist"
UMBRA = "Umbra Institute of Syracuse"
ANN_BY_NINA = "ann.shared@nina-side.example"
NOTE = "Zephyrine confided the Umbra merger plans"
# a member who is nobody's contact asked not to be asked, with a reason for their
# contacts only; Nina noted that Zephyrine does not want to be asked, with her own reason
QUINN = "quinn"
QUINN_REASON = "Quinn is on sabbatical in Patagonia"
NINA_MARK = "Zephyrine is negotiating a buyout"


def _exports(tmp: Path) -> tuple[Path, Path]:
    you = write_files(
        tmp / "you" / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Yara", "Viewer"),
            "Connections.csv": connections(
                [
                    ["Ann", "Shared", url(ANN[1]), "", "Acme", "CTO", "01 Jan 2020"],
                    ["Nina", "Member", url(NINA[1]), "", "Acme", "Analyst", "01 Jan 2021"],
                    ["Ursula", "Onlyyours", url(URSULA[1]), "", "Vivid Corp", "CFO", "01 Jan 2022"],
                ]
            ),
            "messages.csv": csv_text(
                MESSAGES_2024,
                [
                    _message("y1", YARA, [ANN], "2024-03-05"),
                    _message("y1", ANN, [YARA], "2024-03-06"),
                    _message("y2", YARA, [NINA], "2024-03-07"),
                    _message("y3", YARA, [URSULA], "2023-11-17"),
                    _message("y4", YARA, [PIA], "2024-02-02"),
                ],
            ),
        },
    )
    nina = write_files(
        tmp / "nina" / "Complete_LinkedInDataExport_06-01-2024",
        {
            "Profile.csv": profile("Nina", "Member"),
            "Connections.csv": connections(
                [
                    # the address Nina has for Ann is Nina's (Yara's export has none)
                    ["Ann", "Shared", url(ANN[1]), ANN_BY_NINA, "Acme", "CTO", "01 Jan 2020"],
                    ["Yara", "Viewer", url(YARA[1]), "", "Acme", "Advisor", "01 Jan 2021"],
                    [
                        "Zephyrine",
                        "Quillfeather",
                        url(ZEPH[1]),
                        "",
                        UMBRA,
                        "Director",
                        "01 Jan 2019",
                    ],
                    ["Octavio", "Brightwater", url(OCTAVIO[1]), "", UMBRA, "Fellow", "01 Jan 2019"],
                    ["Pia", "Bothknown", url(PIA[1]), "", QUASAR, ALCHEMIST, "01 Jan 2018"],
                ]
            ),
            "messages.csv": csv_text(
                MESSAGES_2024,
                [
                    _message("n1", NINA, [ZEPH], "2019-07-13"),
                    _message("n1", ZEPH, [NINA], "2019-07-14"),
                    # Zephyrine wrote to Nina and Yara together: only Nina's data has it
                    _message("n2", ZEPH, [NINA, YARA], "2019-08-21", title="Umbra"),
                    _message("n3", NINA, [OCTAVIO], "2020-02-29"),
                ],
            ),
        },
    )
    return you, nina


def cli(db, *args, member=None):
    env = {"WEAKTIES_MEMBER": member} if member else {}
    return runner.invoke(app, ["--db", str(db), *args], env=env)


def _pool(tmp: Path, exports: list[Path] | None):
    """The database of the two members, built as they would: import, infer,
    write notes, choose what they share. ``exports``: two real exports (the first
    is ``you``'s, the second ``nina``'s), else the hand-made pair of this module."""
    db = tmp / "pooled.sqlite"
    store = open_store(db)
    if exports:
        first, second = exports
        import_linkedin(store, [first], "you")
        import_linkedin(store, [second], "nina")
    else:
        you, nina = _exports(tmp)
        import_linkedin(store, [you], "you")
        import_linkedin(store, [nina], "nina")
        assert cli(db, "note", "add", ZEPH[0], NOTE, member="nina").exit_code == 0
        assert cli(db, "note", "add", ANN[0], "Ann likes jazz", member="nina").exit_code == 0
        marked = cli(db, "do-not-ask", ZEPH[0], "--reason", NINA_MARK, member="nina")
        assert marked.exit_code == 0, marked.output
    _unasked(store)
    for member in ("you", "nina"):
        done = cli(db, "ties", "infer", member=member)
        assert done.exit_code == 0, done.output
    assert cli(db, "members", "sharing", "you", "counts").exit_code == 0
    assert cli(db, "members", "sharing", "nina", "nothing").exit_code == 0
    return store, db


def _unasked(store) -> None:
    """A third member, joined on the platform and a contact of neither, who asked
    not to be asked for introductions, with a reason."""
    from weakties.service import accounts, outreach
    from weakties.service.context import viewer

    with store.engine.begin() as conn:
        accounts.sign_up(
            conn,
            email="quinn@example.org",
            password="a long enough password",
            name="Quinn Unasked",
            handle=QUINN,
        )
        outreach.set_do_not_ask_me(conn, viewer(conn, QUINN), True, QUINN_REASON)


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    real = os.environ.get("WEAKTIES_PRIVACY_EXPORTS")
    exports = [Path(p) for p in real.split(os.pathsep)] if real else None
    store, db = _pool(tmp_path_factory.mktemp("privacy"), exports)
    yield store, db, bool(real)
    store.close()


QUERIES = {
    "you": {
        "person": "Ann Shared",
        "broker": "Nina Member",
        "target": "Ann Shared",
        "org": "Acme",
        "date": "2024-04-01",
    },
    "nina": {
        "person": "Ann Shared",
        "broker": "Ann Shared",
        "target": "Yara Viewer",
        "org": "Acme",
        "date": "2024-04-01",
    },
}


@pytest.mark.parametrize(("viewer", "private"), [("you", "nina"), ("nina", "you")])
def test_no_command_shows_what_only_the_other_members_data_knows(pooled, viewer, private):
    store, db, real = pooled
    secrets = secrets_of(store, private, viewer)
    if not real:
        # the test is not vacuous: the other member's data does hold secrets
        if private == "nina":
            assert {ZEPH[0], OCTAVIO[0]} <= secrets.names and "2019-07-13" in secrets.dates
            assert NOTE in secrets.notes
            # Pia is the viewer's contact too: her job, stated by Nina's data alone, is not
            assert PIA[0] not in secrets.names and {QUASAR, ALCHEMIST} <= secrets.notes
        else:
            assert URSULA[0] in secrets.names and "2023-11-17" in secrets.dates
        assert QUINN_REASON in secrets.notes and (NINA_MARK in secrets.notes) == (private == "nina")
    queries = QUERIES[viewer] if not real else _real_queries(store, viewer)
    leaks = run_cli(db, viewer, queries, secrets)
    assert leaks == []


@pytest.mark.parametrize(("viewer", "private"), [("you", "nina"), ("nina", "you")])
def test_no_service_function_shows_what_only_the_other_members_data_knows(pooled, viewer, private):
    store, _db, real = pooled
    secrets = secrets_of(store, private, viewer)
    queries = QUERIES[viewer] if not real else _real_queries(store, viewer)
    assert run_service(store, viewer, queries, secrets) == []


def test_the_other_members_organisations_and_figures_stay_theirs(pooled):
    _store, db, real = pooled
    if real:
        pytest.skip("names a synthetic organisation")
    # an organisation known only from Nina's data does not exist for you
    for args in (["reach", "--org", UMBRA], ["intro", "--to", UMBRA]):
        done = cli(db, *args, "--json", member="you")
        assert done.exit_code == 4 and not done.stdout, args
    members = {m["handle"]: m for m in _json(cli(db, "members", "--json", member="you"))}
    assert members["nina"]["people"] is None and members["you"]["people"] > 0
    assert {r["member"] for r in _json(cli(db, "imports", "--json", member="you"))} == {"you"}
    # Nina's own view is hers in full
    assert UMBRA in cli(db, "orgs", "--json", member="nina").stdout


def _json(result):
    import json

    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _real_queries(store, viewer):
    """Queries for real exports: the viewer's contact with the most messages, an
    organisation of theirs, the day after their export."""
    from weakties import service
    from weakties.service import people, report

    with store.engine.connect() as conn:
        who = service.viewer(conn, viewer)
        look = report.overview(conn, who)
        contacts = [c.name for c in look.top_contacts if c.name] or [
            p.name for p in people.list_people(conn, who, degree=1)[:1]
        ]
        orgs = [o.org for o in look.top_organisations] or ["-"]
        day = who.now.date().isoformat()
    first = contacts[0]
    return {"person": first, "broker": first, "target": first, "org": orgs[0], "date": day}


def test_the_detector_tells_a_persons_record_from_an_organisations():
    """Record numbers are checked where the result's type says they are a person's:
    an organisation's number may equal a secret person's (both count from 1)."""
    from weakties.service.network import PersonRef
    from weakties.service.orgs import OrgRef

    secret = Secrets(person_ids={5})
    assert secret.found_in("", [PersonRef(5, "someone")]) == ["person #5"]
    assert secret.found_in("", {"a": PersonRef(5, "someone")}) == ["person #5"]
    assert secret.found_in("", [OrgRef(5, "Acme")]) == []
    assert secret.found_in("", {"person_id": 5}) == ["person #5"]
    assert secret.found_in("", {"id": 5, "name": "Acme"}) == []  # JSON: either
    assert secret.found_in("", [PersonRef(6, "someone")]) == []


@pytest.fixture(scope="module")
def real_pool(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """The two real sample exports pooled once per module, by the first test
    that asks (``real_pool(shared_data)``): each test reads a copy."""
    built: dict[str, Path] = {}

    def pool(shared_data: Path) -> Path:
        if "db" not in built:
            samples = shared_data / "linkedin-samples"
            exports = [samples / "export-2024-12", samples / "export-2022-09"]
            store, db = _pool(tmp_path_factory.mktemp("real-pool"), exports)
            store.close()
            built["db"] = db
        return built["db"]

    return pool


@pytest.mark.shared_data
@pytest.mark.parametrize(("viewer", "private"), [("you", "nina"), ("nina", "you")])
def test_the_repositorys_real_exports_pooled_leak_nothing(
    real_pool, shared_data, tmp_path, viewer, private
):
    """The two real sample exports (two people, 2024 and 2022 formats) pooled:
    every service function and every command, as each member in turn (each on a
    database of its own: a copy of the pool, which what one runs cannot change
    for the other)."""
    db = copy_sqlite(real_pool(shared_data), tmp_path / "pooled.sqlite")
    store = open_store(db)
    try:
        secrets = secrets_of(store, private, viewer)
        assert len(secrets.names) > 20  # the other member's data does hold secrets
        queries = _real_queries(store, viewer)
        assert run_service(store, viewer, queries, secrets) == []
        assert run_cli(db, viewer, queries, secrets) == []
    finally:
        store.close()
