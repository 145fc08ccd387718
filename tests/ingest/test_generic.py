"""Generic logs and tie lists: persons named by the file's identifiers."""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import SHARED
from tests.support import env_with_db, table_snapshot
from weakties.cli.context import state
from weakties.cli.importing_more import register
from weakties.ingest.generic import import_interactions, import_ties
from weakties.store.errors import InputError

COLLEGE = SHARED / "CollegeMsg" / "CollegeMsg.txt"
# SRC DST UNIXTS, no header; a repeated row, a self-message, an unsorted tail
LOG = "1 2 1082040961\n3 4 1082155839\n1 2 1082040961\n5 5 1082414391\n2 1 1082414391\n"


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def traces(db):
    return sorted(
        rows(
            db,
            "select s.display_name, r.display_name, i.occurred_at, i.channel, i.kind "
            "from interaction i join person s on s.id = i.sender_id "
            "join person r on r.id = i.recipient_id",
        )
    )


def write(tmp_path, text, name="log.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("columns", [("1", "2", "3"), ("0", "1", "2")])
def test_space_separated_positional_1_and_0_based(store, db_path, tmp_path, columns):
    sender, recipient, stamp = columns
    summary = import_interactions(
        store, write(tmp_path, LOG), sender=sender, recipient=recipient, timestamp=stamp
    )
    (report,) = summary.files
    assert summary.member == "owner"
    assert (report.rows, report.traces) == (5, 4)
    assert report.skipped == {"self-message": 1}
    assert report.version == "whitespace, no header, 1 repeats"
    assert traces(db_path) == [
        ("1", "2", "2004-04-15 14:56:01.000000", "log", "message"),
        ("1", "2", "2004-04-15 14:56:01.000000", "log", "message"),  # the repeated row
        ("2", "1", "2004-04-19 22:39:51.000000", "log", "message"),
        ("3", "4", "2004-04-16 22:50:39.000000", "log", "message"),
    ]
    assert sorted(rows(db_path, "select kind, value, raw from identity")) == [
        ("external", v, v) for v in ("1", "2", "3", "4")
    ]
    # the member is the data's provenance, not the log people's contact
    assert rows(db_path, "select count(*) from tie") == [(0,)]


def test_reimport_changes_nothing_other_options_read_again(store, db_path, tmp_path):
    path = write(tmp_path, LOG)
    import_interactions(store, path, sender="1", recipient="2", timestamp="3")
    snapshot = table_snapshot(db_path)
    again = import_interactions(store, path, sender="1", recipient="2", timestamp="3")
    assert again.unchanged
    assert table_snapshot(db_path) == snapshot
    # the same bytes read with the columns swapped are another reading
    swapped = import_interactions(store, path, sender="2", recipient="1", timestamp="3")
    assert not swapped.unchanged and swapped.added["interaction"] == 4
    assert swapped.added["person"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "a b 100\na b 50\nb c 100\na b 100\na b 100\n",  # out of order
        "a b 100\na b 100\nb c 100\na b 50\na b 50\n",  # newest first
    ],
)
def test_repeated_rows_kept_whatever_the_order(store, db_path, tmp_path, text):
    summary = import_interactions(
        store, write(tmp_path, text), sender="1", recipient="2", timestamp="3"
    )
    assert summary.files[0].traces == 5
    assert summary.added["interaction"] == 5


def test_csv_with_header_iso_zones_channel_and_namespace(store, db_path, tmp_path):
    text = (
        "From,To,When,Via\n"
        "alice,bob,2024-03-01T09:30:00+01:00,slack\n"
        'bob,"carol, jr",2024-03-01T10:00:00Z,\n'
        "carol@x.io,alice,2024-03-02 08:00:00,mail\n"
        "alice,bob,1709285400000,slack\n"
    )
    summary = import_interactions(
        store,
        write(tmp_path, text, "log.csv"),
        sender="from",
        recipient="TO",
        timestamp="When",
        channel="via",
        member="ann",
        namespace="acme",
    )
    assert summary.files[0].version == "comma, header"
    assert traces(db_path) == [
        ("alice", "bob", "2024-03-01 08:30:00.000000", "slack", "message"),
        ("alice", "bob", "2024-03-01 09:30:00.000000", "slack", "message"),  # epoch ms
        ("bob", "carol, jr", "2024-03-01 10:00:00.000000", "log", "message"),
        ("carol@x.io", "alice", "2024-03-02 08:00:00.000000", "mail", "message"),
    ]
    assert sorted(rows(db_path, "select kind, value, raw from identity")) == [
        ("email", "carol@x.io", "carol@x.io"),
        ("external", "acme:alice", "alice"),
        ("external", "acme:bob", "bob"),
        ("external", "acme:carol, jr", "carol, jr"),
        ("external", "acme:carol@x.io", "carol@x.io"),
    ]


def test_bad_timestamp_names_line_and_column_and_writes_nothing(store, db_path, tmp_path):
    import_interactions(store, write(tmp_path, LOG), sender="1", recipient="2", timestamp="3")
    snapshot = table_snapshot(db_path)
    text = "src;dst;ts\nx;y;1700000000\nx;z;2024-02-30\n"
    with pytest.raises(InputError) as info:
        import_interactions(
            store, write(tmp_path, text, "bad.csv"), sender="src", recipient="dst", timestamp="ts"
        )
    assert str(info.value.file).endswith("bad.csv")
    assert (info.value.line, info.value.field) == (3, "ts")
    assert "2024-02-30" in str(info.value)
    with pytest.raises(InputError) as info:
        import_interactions(
            store, write(tmp_path, "1 2 3\n4 5\n", "short.txt"), sender="1", recipient="2",
            timestamp="3",
        )  # fmt: skip
    assert (info.value.line, info.value.field) == (2, "column 3")
    with pytest.raises(InputError) as info:
        import_interactions(
            store, write(tmp_path, LOG, "named.txt"), sender="src", recipient="2", timestamp="3"
        )
    assert info.value.field == "src"
    assert table_snapshot(db_path) == snapshot


def test_header_with_positions_tab_and_member_defaults(store, db_path, tmp_path, monkeypatch):
    text = "# exported\nSRC\tDST\tUNIXTS\n7\t8\t1082040961\n"
    summary = import_interactions(
        store, write(tmp_path, text), sender="1", recipient="2", timestamp="3", member="bob"
    )
    assert summary.files[0].version == "tab, header"
    assert summary.files[0].traces == 1
    # no --as: the first member ...
    later = import_interactions(
        store, write(tmp_path, "9 10 5\n", "b.txt"), sender="1", recipient="2", timestamp="3"
    )
    assert later.member == "bob"
    # ... unless $WEAKTIES_MEMBER names one
    monkeypatch.setenv("WEAKTIES_MEMBER", "carl")
    named = import_interactions(
        store, write(tmp_path, "9 11 5\n", "c.txt"), sender="1", recipient="2", timestamp="3"
    )
    assert named.member == "carl"
    with pytest.raises(InputError):
        import_interactions(
            store, write(tmp_path, "a,b\n", "d.txt"), sender="a", recipient="b", timestamp="3",
            no_header=True,
        )  # fmt: skip


def test_ties_from_a_csv(store, db_path, tmp_path):
    text = "a,b,since,w\nx,y,2020-01-01,0.7\ny,z,,1.5\nx,x,,1\nY,x,,0.2\ny,x,,0.9\n"
    summary = import_ties(
        store, write(tmp_path, text, "ties.csv"), a="a", b="b", since="since", weight="w"
    )
    assert summary.files[0].skipped == {
        "same person twice": 1,
        "pair already listed (kept once)": 1,
    }
    got = rows(
        db_path,
        "select pa.display_name, pb.display_name, t.source, t.confidence, t.since "
        "from tie t join person pa on pa.id = t.person_a_id "
        "join person pb on pb.id = t.person_b_id",
    )
    assert sorted(tuple(sorted(r[:2])) + r[2:] for r in got) == [
        ("Y", "x", "manual", 0.2, None),
        ("x", "y", "manual", 0.7, "2020-01-01 00:00:00.000000"),
        ("y", "z", "manual", 1.0, None),
    ]
    snapshot = table_snapshot(db_path)
    assert import_ties(
        store, write(tmp_path, text, "ties.csv"), a="a", b="b", since="since", weight="w"
    ).unchanged
    assert table_snapshot(db_path) == snapshot
    platform = import_ties(
        store, write(tmp_path, "p q\n", "p.txt"), a="1", b="2", source="platform"
    )
    assert platform.added["tie"] == 1
    with pytest.raises(InputError):
        import_ties(store, write(tmp_path, "p q\n", "p.txt"), a="1", b="2", source="gossip")


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context, db: str = typer.Option(...)) -> None:
        state(ctx).db = db

    sub = typer.Typer()
    register(sub)
    app.add_typer(sub, name="import")
    return app


def test_commands_run_and_document_the_column_rule(db_path, tmp_path):
    runner = CliRunner()
    app = _app()
    shown = runner.invoke(app, ["--db", str(db_path), "import", "interactions", "--help"])
    assert shown.exit_code == 0 and "0-based" in shown.output
    for command in ("mbox", "ics", "ties"):
        assert (
            runner.invoke(app, ["--db", str(db_path), "import", command, "--help"]).exit_code == 0
        )
    path = write(tmp_path, LOG)
    args = ["--db", str(db_path), "import", "interactions", str(path)]
    done = runner.invoke(
        app, [*args, "--sender", "1", "--recipient", "2", "--timestamp", "3", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["added"]["interaction"] == 4


def _weakties() -> list[str]:
    found = shutil.which("weakties", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "weakties.cli.main"]


@pytest.mark.shared_data
def test_college_msg_through_the_command_line(tmp_path):
    if not COLLEGE.is_file():
        pytest.skip(f"CollegeMsg.txt not available at {COLLEGE}")
    db = tmp_path / "college.sqlite"
    env = env_with_db(db)
    command = [*_weakties(), "import", "interactions", str(COLLEGE)]
    command += ["--sender", "1", "--recipient", "2", "--timestamp", "3"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # 59,835 lines, no self-message, 37 exactly repeated rows kept as messages
    assert rows(db, "select count(*) from interaction") == [(59_835,)]
    assert rows(db, "select count(*) from identity where kind = 'external'") == [(1_899,)]
    assert rows(
        db, "select count(*) from person where id not in (select person_id from member)"
    ) == [(1_899,)]
    assert rows(db, "select count(distinct sender_id || '-' || recipient_id) from interaction") == [
        (20_296,)
    ]
    before = table_snapshot(db)
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert table_snapshot(db) == before


def test_overlapping_logs_add_only_what_is_new(store, db_path, tmp_path):
    """Two extracts of one log, the second covering the first and more: the rows
    they share are the same traces (repeats counted once per extract)."""
    lines = LOG.splitlines(keepends=True)
    first = write(tmp_path, "".join(lines[:2]), name="jan.txt")  # the repeat comes later
    whole = write(tmp_path, LOG, name="all.txt")
    import_interactions(store, first, sender="1", recipient="2", timestamp="3")
    assert len(traces(db_path)) == 2
    import_interactions(store, whole, sender="1", recipient="2", timestamp="3")
    assert traces(db_path) == [
        ("1", "2", "2004-04-15 14:56:01.000000", "log", "message"),
        ("1", "2", "2004-04-15 14:56:01.000000", "log", "message"),
        ("2", "1", "2004-04-19 22:39:51.000000", "log", "message"),
        ("3", "4", "2004-04-16 22:50:39.000000", "log", "message"),
    ]
