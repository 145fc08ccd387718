"""Terminal safety: text that came from data never drives the terminal.

A database is seeded with escape sequences through every import route — a
LinkedIn CSV, an e-mail display name hidden in an RFC 2047 encoded word, a
vCard, a calendar invitation — then every command runs over it, as text and as
JSON. Nothing in stdout or stderr may hold a C0 or C1 control character other
than the newline (nor a bidirectional override): run without a terminal, Rich
sends no styling, so any escape would be one that came from the data.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import click
import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from tests.support import connections, copy_sqlite, url, write_files
from weakties.cli.main import app
from weakties.cli.output import _Console, print_json, shown, visible

CLEAR = "\x1b[2J\x1b[H"
COLOUR = "\x1b[31;1mred\x1b[0m"
TITLE = "\x1b]0;pwned\x07"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"  # the one-byte CSI of the C1 set
REORDER = "\u202etxt.exe"  # right-to-left override
# everything at once: a screen clear, a colour, a window title, a hyperlink,
# a C1 sequence, a backspace (a carriage return ends a record in some formats:
# notes and reasons, typed on the command line, carry it)
PAYLOAD = CLEAR + COLOUR + TITLE + HYPERLINK + C1_CSI + "\b" + REORDER

# C0 but the newline, DEL, C1, and the characters that reorder a line
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

runner = CliRunner()


def encoded_word(text: str) -> str:
    """``text`` as mail headers carry it: ``=?utf-8?q?=1B[2J...?=``."""
    return "=?utf-8?q?" + quote(text.encode(), safe="").replace("%", "=") + "?="


def build_exports(folder: Path) -> dict[str, Path]:
    """One file per import route, each with PAYLOAD in names, organisations, titles."""
    p = PAYLOAD
    mine = [
        [f"Eve{p}", f"Lee{p}", url("eve"), "", f"Acme{p}", f"CTO{p}", "01 Jan 2024"],
        ["Ann", "Roe", url("ann"), "", f"Acme{p}", "Dev", "02 Jan 2024"],
        [f"Eve{p}", "Lee", url("eve-two"), "", "Globex", "Ops", "03 Jan 2024"],
    ]
    hers = [
        [f"Eve{p}", f"Lee{p}", url("eve"), "", f"Acme{p}", f"CTO{p}", "01 Jan 2024"],
        [f"Zed{p}", "Roe", url("zed"), "", f"Initech{p}", f"Boss{p}", "05 Jan 2024"],
    ]
    mail = folder / "in.mbox"
    mail.write_text(
        "From sender@example.org Mon Jan  1 10:00:00 2024\n"
        f"From: {encoded_word('Mae ' + p + ' Poe')} <mae@example.org>\n"
        "To: Me <me@example.org>\n"
        "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Message-ID: <1@example.org>\n"
        f"Subject: {encoded_word('hello ' + p)}\n"
        "\n"
        "body\n"
    )
    vtext = p.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    card = folder / "a.vcf"
    card.write_bytes(
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"N:Lee{vtext};Eve{vtext};;;\r\nFN:Eve{vtext} Lee{vtext}\r\n"
            f"ORG:Hooli{vtext}\r\nTITLE:Chief{vtext}\r\nNOTE:{vtext}\r\n"
            "EMAIL:eve.home@example.org\r\nEND:VCARD\r\n"
        ).encode()
    )
    calendar = folder / "c.ics"
    calendar.write_bytes(
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            "BEGIN:VEVENT\r\nUID:1@example.org\r\nDTSTAMP:20240101T090000Z\r\n"
            "DTSTART:20240101T100000Z\r\nDTEND:20240101T110000Z\r\n"
            f"SUMMARY:{vtext}\r\n"
            "ORGANIZER;CN=Me:mailto:me@example.org\r\n"
            f'ATTENDEE;CN="Cal{p} Fox";PARTSTAT=ACCEPTED:mailto:cal@example.org\r\n'
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()
    )
    return {
        "mine": write_files(folder / "mine", {"Connections.csv": connections(mine)}),
        "hers": write_files(folder / "hers", {"Connections.csv": connections(hers)}),
        "mbox": mail,
        "vcard": card,
        "ics": calendar,
    }


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_clean(args: tuple[str, ...], out: str, err: str) -> None:
    for stream, text in (("stdout", out), ("stderr", err)):
        found = FORBIDDEN.search(text)
        where = text[max(0, found.start() - 60) : found.end() + 20] if found else ""
        assert found is None, (args, stream, repr(where))


def ids(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        # the first record of a name (the LinkedIn one before the vCard's)
        people = dict(conn.execute("select display_name, min(id) from person group by 1"))
        orgs = dict(conn.execute("select name, min(id) from organization group by 1"))
    p = PAYLOAD
    return {
        "eve": people[f"Eve{p} Lee{p}"],
        "zed": people[f"Zed{p} Roe"],
        "ann": people["Ann Roe"],
        "acme": orgs[f"Acme{p}"],
    }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("terminal")
    files = build_exports(folder)
    db = folder / "w.sqlite"
    me = ("--as", "me")
    for args in (
        ("import", "linkedin", str(files["mine"]), *me),
        ("import", "linkedin", str(files["hers"]), "--as", "her"),
        ("import", "mbox", str(files["mbox"]), *me, "--me", "me@example.org", "--keep-content"),
        ("import", "vcard", str(files["vcard"]), *me),
        ("import", "ics", str(files["ics"]), *me, "--me", "me@example.org", "--keep-content"),
    ):
        code, out, err = cli(db, *args)
        assert code == 0, (args, out, err)
        assert_clean(args, out, err)
    return db


def invocations(n: dict[str, int]) -> dict[str, list[tuple[str, ...]]]:
    """Every command with arguments that reach the payload (the same member:
    ``--as me``); write commands come last, in this order."""
    eve, zed, ann, acme = f"#{n['eve']}", f"#{n['zed']}", f"#{n['ann']}", f"#{n['acme']}"
    return {
        "people": [("people",), ("people", "--search", "Eve"), ("people", "--degree", "2")],
        "person": [("person", eve), ("person", zed), ("person", "Eve")],
        "events": [("events",)],
        "imports": [("imports",)],
        "report": [("report",)],
        "degree": [("degree", zed), ("degree", eve)],
        "mutual": [("mutual", zed), ("mutual", eve, zed)],
        "paths": [("paths", "me", zed)],
        "intro": [("intro", "--to", f"org:{acme}"), ("intro", "--to", f"person:{zed}")],
        "draft": [("draft", eve, "--for", zed)],
        "reach": [("reach",), ("reach", "--org", acme)],
        "suggest": [("suggest",)],
        "opportunities": [("opportunities",)],
        "note add": [("note", "add", eve, f"met {PAYLOAD}\r there")],
        "note list": [("note", "list")],
        "orgs": [("orgs",)],
        "orgs suggest-merges": [("orgs", "suggest-merges", "--threshold", "50")],
        "members": [("members",)],
        "matches": [("matches",)],
        "db info": [("db", "info")],
        "graph stats": [("graph", "stats")],
        "ties": [("ties",), ("ties", "--explain", eve), ("ties", "--all")],
        "ties calibrate": [("ties", "calibrate")],
        "ties infer": [("ties", "infer")],
        "model fit": [("model", "fit")],
        "model show": [("model", "show")],
        "asks": [("asks",)],
        "target": [("target",)],
        "etiquette": [("etiquette",)],
        "target add": [("target", "add", f"org:{acme}"), ("target", "add", f"person:{zed}")],
        "ask": [("ask", eve, "--for", zed), ("ask", eve, "--for", zed)],
        "asks outcome": [("asks", "outcome", "1", "declined")],
        "do-not-ask": [
            ("do-not-ask", ann, "--reason", f"said\r{PAYLOAD}"),
            ("ask", ann, "--for", zed),
        ],
        "ties label": [("ties", "label", eve, "strong")],
        "etiquette set": [("etiquette", "set", "asks_per_week", "3")],
        "target remove": [("target", "remove", f"person:{zed}")],
        "orgs merge": [("orgs", "merge", acme, "--into", "Globex")],
        "matches accept": [("matches", "accept", "1")],
        "matches reject": [("matches", "reject", "2")],
        "members sharing": [("members", "sharing", "her", "counts")],
        "db upgrade": [("db", "upgrade")],
        "import linkedin": [],  # the imports run in the fixture
        "import mbox": [],
        "import vcard": [],
        "import ics": [],
        "import google-csv": [("import", "google-csv", "__google__")],
        "import outlook-csv": [("import", "outlook-csv", "__outlook__")],
        "import contacts": [("import", "contacts", "__vcard__")],
        "import interactions": [("import", "interactions", "__log__")],
        "import ties": [("import", "ties", "__ties__")],
    }


# Commands not run here, and why.
NOT_RUN = {
    "serve": "runs until stopped; pages escape through Jinja2 (tests/web)",
    "demo": "writes its own generated world, which holds no hostile text",
    "export": "writes files; prints the viewer, the destination and row counts (tests/scale)",
    "batch": "reads an export folder and runs Spark, not this database (tests/scale)",
}


def leaf_commands() -> set[str]:
    found: set[str] = set()

    def walk(cmd: click.Command, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs is None:
            found.add(" ".join(path))
            return
        if path and getattr(cmd, "invoke_without_command", False):
            found.add(" ".join(path))
        for name, sub in subs.items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_is_run_over_the_payload():
    """A new command must join the table (or say why it cannot)."""
    table = invocations(dict.fromkeys(("eve", "zed", "ann", "acme"), 0))
    assert leaf_commands() == set(table) | set(NOT_RUN)


def delimited(folder: Path) -> dict[str, Path]:
    p = PAYLOAD
    google = folder / "google.csv"
    google.write_text(
        "Name,Given Name,Family Name,Organization 1 - Name,E-mail 1 - Value\n"
        f'"Gia{p} Lu",Gia{p},Lu,Umbrella{p},gia@example.org\n'
    )
    outlook = folder / "outlook.csv"
    outlook.write_text(
        f'First Name,Last Name,Company,E-mail Address\n"Oli{p}",Vu,Stark{p},oli@example.org\n'
    )
    log = folder / "log.csv"
    log.write_text(f'sender,recipient,timestamp\n"Lou{p}","Eve{p} Lee{p}",2024-01-03T10:00:00\n')
    ties = folder / "ties.csv"
    ties.write_text(f'a,b\n"Lou{p}","Kim{p}"\n')
    return {"__google__": google, "__outlook__": outlook, "__log__": log, "__ties__": ties}


@pytest.mark.slow
def test_no_escape_from_the_data_reaches_the_terminal(seeded, tmp_path):
    db = copy_sqlite(seeded, tmp_path / "w.sqlite")  # the write commands change it
    n = ids(db)
    files = delimited(tmp_path)
    ran = 0
    for runs in invocations(n).values():
        for args in runs:
            args = tuple(str(files.get(a, a)) for a in args)
            for mode in ((), ("--json",)):
                full = (*args, "--as", "me", *mode)
                code, out, err = cli(db, *full)
                if code == 2 and "No such option" in err:
                    continue  # a command without --as or --json
                assert "Traceback" not in out + err, (full, err)
                assert_clean(full, out, err)
                if mode and code == 0 and out.strip():
                    json.loads(out)
                ran += 1
    assert ran > 80


def test_the_payload_is_shown_not_lost(seeded):
    """The escapes are written out as text: what the data holds stays readable."""
    n = ids(seeded)
    code, out, err = cli(seeded, "person", f"#{n['eve']}", "--as", "me")
    assert code == 0, err
    assert "Eve\\x1b[2J\\x1b[H\\x1b[31;1mred" in out
    assert "\\x9b2J\\x08\\u202etxt.exe" in out
    code, out, _ = cli(seeded, "person", f"#{n['eve']}", "--as", "me", "--json")
    assert code == 0
    assert json.loads(out)["name"] == f"Eve{PAYLOAD} Lee{PAYLOAD}"  # JSON stays exact


def test_an_error_naming_a_record_shows_it_visibly(seeded):
    """Two records named Eve: the candidates of an ambiguous name are data too."""
    code, out, err = cli(seeded, "degree", f"Eve{PAYLOAD} Lee{PAYLOAD}", "--as", "me")
    assert code == 4, err
    assert_clean(("degree",), out, err)
    assert err.startswith("error: ")
    assert "Eve\\x1b[2J" in err


def test_an_import_error_quoting_a_cell_shows_it_visibly(tmp_path):
    bad = [["Eve", "Lee", url("eve"), "", "Acme", "CTO", f"soon{CLEAR}"]]
    export = write_files(tmp_path / "e", {"Connections.csv": connections(bad)})
    code, out, err = cli(tmp_path / "w.sqlite", "import", "linkedin", str(export), "--as", "me")
    assert code == 2, err
    assert_clean(("import",), out, err)
    assert "Traceback" not in err


@pytest.mark.parametrize("handle", ["eve\x1b[2J", "a\rb", "x\u202ey", "\x9b1m"])
def test_a_member_name_with_control_characters_is_refused(tmp_path, handle):
    export = write_files(tmp_path / "e", {"Connections.csv": connections([])})
    db = tmp_path / "w.sqlite"
    code, out, err = cli(db, "import", "linkedin", str(export), "--as", handle)
    assert code == 2, err
    assert_clean(("import",), out, err)
    assert "--as" in err
    assert not db.exists() or not sqlite3.connect(db).execute("select * from member").fetchall()
    code, out, err = cli(db, "people", "--as", handle)
    assert code == 2, err
    assert_clean(("people",), out, err)
    assert "--as" in err and len(err.strip().splitlines()) == 1


def test_visible_keeps_newlines_and_text():
    assert visible("a\nb") == "a\nb"
    assert visible("Zoë 李 — ok") == "Zoë 李 — ok"
    assert shown(None) == ""
    assert visible("\x00\x7f\x85\u2028") == "\\x00\\x7f\\x85\\u2028"


def test_a_string_that_skips_shown_is_still_made_visible(capsys):
    """The consoles make control characters visible in any text they are given;
    on a terminal, only Rich's own styles send escape sequences."""
    out = _Console(force_terminal=True, color_system="standard", width=80, highlight=False)
    with out.capture() as captured:
        out.print(f"[bold]name:[/] {CLEAR}Eve", markup=True)
    text = captured.get()
    assert "\\x1b[2J\\x1b[HEve" in text
    assert set(re.findall("\x1b\\[[0-9;]*m", text)) and not re.search("\x1b(?!\\[[0-9;]*m)", text)
    plain = Console(force_terminal=True, highlight=False)
    with plain.capture() as raw:
        plain.print(f"{CLEAR}Eve", markup=False)
    assert CLEAR in raw.get()  # what a plain console would have let through


def test_json_output_is_exact_and_escapes_c1_and_reordering(capsys):
    print_json({"name": PAYLOAD})
    out = capsys.readouterr().out
    assert FORBIDDEN.search(out) is None
    assert json.loads(out) == {"name": PAYLOAD}
