"""The external check: import a log, then every pair with a trace before a date."""

import json
import subprocess

from tests.cli.test_cli import weakties_exe
from tests.support import env_with_db

LOG = """sender,recipient,when
u1,u2,2024-01-01T10:00:00Z
u2,u1,2024-01-01T11:00:00Z
u1,u2,2024-02-01T10:00:00Z
u1,u3,2024-02-10T10:00:00Z
u3,u4,1709251200
u4,u5,2024-06-01T00:00:00+02:00
"""


def test_import_interactions_then_all_ties_as_of(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(LOG)
    env = env_with_db(tmp_path / "w.sqlite")
    done = subprocess.run(
        [
            *weakties_exe(),
            "import",
            "interactions",
            str(log),
            "--sender",
            "sender",
            "--recipient",
            "recipient",
            "--timestamp",
            "when",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = subprocess.run(
        [*weakties_exe(), "ties", "--all", "--as-of", "2024-03-15", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs = json.loads(out)
    # u3-u4 (2024-03-01 as Unix seconds) is before the date; u4-u5 (June) is not
    assert {frozenset((p["a"], p["b"])) for p in pairs} == {
        frozenset(("u1", "u2")),
        frozenset(("u1", "u3")),
        frozenset(("u3", "u4")),
    }
    assert all(
        0 <= p["score"] <= 1 and p["class"] in {"strong", "weak", "dormant", "nominal"}
        for p in pairs
    )
    by_pair = {frozenset((p["a"], p["b"])): p for p in pairs}
    assert by_pair[frozenset(("u1", "u2"))]["contacts"] == 3
    # strongest first
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)
    later = json.loads(
        subprocess.run(
            [*weakties_exe(), "ties", "--all", "--as-of", "2024-07-01", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert len(later) == 4
