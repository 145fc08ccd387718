"""Every "now" comes from ``weakties.store.clock``, so that tests and ``--as-of`` can
pin time: no module reads the system clock as a date by itself.

Every module of the package is parsed; a call of ``datetime.now()``,
``datetime.utcnow()``, ``datetime.today()``, ``date.today()`` or ``time.time()``
(however ``datetime``, ``date`` or ``time`` were imported) outside the clock module
is a finding, unless it is in the allow-list below with its reason.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from tests.support import parsed_modules

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "weakties"
CLOCK = "store/clock.py"

# (module, the call as written): why it reads the system clock itself
ALLOWED: dict[tuple[str, str], str] = {
    ("model/tables.py", "dt.datetime.now"): (
        "utcnow(), the tables' column defaults: the model cannot import the store "
        "(the clock reads the setting table it declares), and the defaults stay as they are"
    ),
    ("store/engine.py", "time.time"): (
        "how long another process has held the write lock: a wall-clock interval "
        "between processes, compared with the time that process wrote; no date of the data"
    ),
    ("scale/runs.py", "dt.datetime.now"): (
        "the age of a batch run's folder against its file system modification time: "
        "only the real clock can be compared with the file system's"
    ),
}

NOW = {"now", "utcnow", "today"}
CLOCK_TYPES = {"datetime", "date"}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _clock_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, call as written) of every direct read of the system clock as a date."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None or "." not in name:
            continue
        owner, method = name.rsplit(".", 1)
        last = owner.rsplit(".", 1)[-1]
        if (method in NOW and last in CLOCK_TYPES) or name == "time.time":
            found.append((node.lineno, name))
    return found


def _findings() -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for rel, tree in parsed_modules(PACKAGE):  # parsed once per process
        if rel == CLOCK:
            continue
        for line, name in _clock_calls(tree):
            out.setdefault((rel, name), []).append(line)
    return out


def test_no_module_reads_the_system_clock_but_the_clock_module():
    found = _findings()
    unexpected = {f"{rel} line {lines}: {name}()" for (rel, name), lines in found.items()}
    unexpected -= {
        f"{rel} line {lines}: {name}()"
        for (rel, name), lines in found.items()
        if (rel, name) in ALLOWED
    }
    assert sorted(unexpected) == [], "use weakties.store.clock (utcnow, data_now)"


def test_every_allowed_call_still_exists():
    """An allow-list entry whose call is gone is removed, not kept as a blank cheque."""
    assert sorted(set(ALLOWED) - set(_findings())) == []


def test_the_check_sees_every_spelling():
    source = (
        "import datetime as dt\nimport datetime\nimport time\n"
        "from datetime import date, datetime as D\n"
        "a = dt.datetime.now(dt.UTC)\nb = dt.date.today()\nc = datetime.datetime.utcnow()\n"
        "d = date.today()\ne = time.time()\nf = dt.datetime.today()\n"
        "g = time.perf_counter()\nh = dt.datetime.fromisoformat('2020-01-01')\n"
    )
    names = [name for _line, name in _clock_calls(ast.parse(source))]
    assert names == [
        "dt.datetime.now",
        "dt.date.today",
        "datetime.datetime.utcnow",
        "date.today",
        "time.time",
        "dt.datetime.today",
    ]


def test_a_pinned_clock_holds_where_the_calls_were(monkeypatch):
    """Routed through the clock module, "now" is pinned by one patch: here the
    plausible-date bound of the importers follows a clock set in 2030."""
    from weakties.ingest.dates import check_plausible
    from weakties.store import clock

    later = dt.date(2030, 6, 1)
    with pytest.raises(ValueError, match="between 1900 and"):
        check_plausible(later, "2030-06-01")
    monkeypatch.setattr(clock, "utcnow", lambda: dt.datetime(2030, 1, 1, 12, 0))
    check_plausible(later, "2030-06-01")  # within a year of the pinned day
    assert clock.data_now() == dt.datetime(2030, 1, 1, 12, 0)
