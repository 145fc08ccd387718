"""What one command loads: its own command and the libraries it uses, nothing
more (how long it takes is measured by ``benchmarks/startup_bench.py``)."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from tests.support import connections, url, write_files
from weakties.cli.main import app, app_for

runner = CliRunner()

#: heavy libraries no listing or pair question needs
HEAVY = ("numba", "scipy", "sklearn", "igraph", "faker", "alembic", "networkx")

PROBE = """
import json, sys
from weakties.cli.main import main
args, watched = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["weakties", *args]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps(sorted(m for m in watched if m in sys.modules)))
"""


def _names(typer_app):
    return [c.name for c in typer_app.registered_commands] + [
        g.name for g in typer_app.registered_groups
    ]


def test_a_call_builds_only_the_command_it_names():
    assert _names(app_for(["--db", "x.sqlite", "-vv", "people", "--limit", "5"])) == ["people"]
    assert _names(app_for(["--db=x.sqlite", "--verbose", "import", "linkedin"])) == ["import"]
    for args in ([], ["--help"], ["--version"], ["peple"], ["--db", "x.sqlite", "--help"]):
        assert app_for(args) is app


def test_the_command_alone_answers_as_the_whole_app(tmp_path):
    db = str(tmp_path / "none.sqlite")
    for args in (
        ["people", "--help"],
        ["note", "add", "--help"],
        ["--db", db, "people", "--degree", "7"],  # refused before anything is read
    ):
        alone, whole = runner.invoke(app_for(args), args), runner.invoke(app, args)
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)


def test_a_listing_and_a_pair_question_load_no_compiled_kernels(tmp_path):
    export = write_files(
        tmp_path / "export",
        {
            "Connections.csv": connections(
                [["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"]]
            )
        },
    )
    db = str(tmp_path / "w.sqlite")
    assert (
        runner.invoke(app, ["--db", db, "import", "linkedin", str(export), "--as", "me"]).exit_code
        == 0
    )
    # numpy.ma: numpy loads it for np.unique, which a pair question does without;
    # PostgreSQL's dialect: on SQLite (the tables name its options only on PostgreSQL);
    # the web platform's own tables: declared only when named
    watched = [
        *HEAVY,
        "numpy",
        "numpy.ma",
        "sqlalchemy.dialects.postgresql",
        "weakties.model.site_tables",
    ]
    loaded = {
        command[0]: _loaded(["--db", db, *command], watched)
        for command in (["people", "--limit", "5"], ["degree", "Ann Lee"])
    }
    assert loaded == {"people": [], "degree": ["numpy"]}


def test_the_help_loads_neither_the_database_nor_the_renderer():
    watched = ["sqlalchemy", "rich", "pydantic", "logging", "numpy"]
    assert _loaded(["--help"], watched) == []


def _loaded(args, watched):
    """Which of the ``watched`` modules ``weakties ARGS`` loaded, run in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(watched)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_command_collects_young_objects_less_often_the_server_as_python_does(monkeypatch):
    import gc

    from weakties.cli import main as cli_main

    default = gc.get_threshold()
    seen = {}
    # the command itself is not run: only what main() sets before it
    monkeypatch.setattr(
        cli_main, "app_for", lambda args: lambda: seen.setdefault(args[0], gc.get_threshold())
    )
    try:
        for command in ("people", "serve"):
            gc.set_threshold(*default)
            monkeypatch.setattr(sys, "argv", ["weakties", command])
            cli_main.main()
    finally:
        gc.set_threshold(*default)
    assert seen["people"][0] == max(default[0], cli_main.YOUNG_THRESHOLD) > 700
    assert seen["serve"] == default
