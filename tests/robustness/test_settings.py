"""Settings kept in the database are checked when read.

A damaged clock (the demo's fixed "now") is refused in one line naming the
setting and how to remove it: it decides what every answer means. A damaged
kept fit, calibration or remembered report is ignored with one warning naming
the setting and what is used instead: each has a sound default.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.robustness.conftest import dump, refused, run


def _set(db, key: str, value: str) -> None:
    with sqlite3.connect(db) as conn:
        (member,) = conn.execute("select id from member where handle = 'me'").fetchone()
        conn.execute(
            "insert or replace into setting (key, value) values (?, ?)",
            (key.replace("ME", str(member)), value),
        )


@pytest.mark.parametrize("value", ["garbage", "0001-01-01T00:00:00", "9999-12-31T00:00:00"])
def test_a_damaged_clock_is_refused_in_one_line(seeded, value):
    db, _ = seeded
    _set(db, "clock", value)
    before = dump(db)
    for command in (["people", "--as", "me"], ["report", "--as", "me"]):
        ran = run(db, *command)
        refused(ran, 3, "setting 'clock'", value, "delete from setting where key = 'clock'")
    assert dump(db) == before


@pytest.mark.parametrize(
    ("key", "value", "command", "said"),
    [
        ("fitted_models:ME", "garbage", "ties", "the kept model fit"),
        ("fitted_models:ME", '{"as_of": 1e400, "horizon_days": 30}', "ties", "kept model fit"),
        ("tie_model:ME", "garbage", "ties", "the calibrated tie model"),
        ("tie_model:ME", '{"weights": {"recency": "x"}, "intercept": 0}', "ties", "calibrated"),
        ("report:ME", "garbage", "report", "the remembered report"),
        ("report:ME", '{"as_of": "2024-01-01", "headline": {"ties": "x"}}', "report", "report"),
    ],
)
def test_a_damaged_kept_setting_is_ignored_with_one_warning(seeded, key, value, command, said):
    db, _ = seeded
    _set(db, key, value)
    ran = run(db, command, "--as", "me")
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.err
    warned = [line for line in ran.err.splitlines() if "damaged" in line]
    assert len(warned) == 1, ran.err
    assert said in warned[0] and "setting '" + key.split(":")[0] + ":" in warned[0]
    assert "ignored" in warned[0]
