"""Shared fixtures: a fresh database per test, tiny export builders, the real samples."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from weakties.store.engine import Store, open_store

# ../shared/data next to the repository (set WEAKTIES_SHARED_DATA to look elsewhere)
SHARED = Path(
    os.environ.get("WEAKTIES_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
SAMPLES = SHARED / "linkedin-samples"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own database or member setting."""
    monkeypatch.delenv("WEAKTIES_DB", raising=False)
    monkeypatch.delenv("WEAKTIES_MEMBER", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "weakties.sqlite"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = open_store(db_path)
    yield opened
    opened.close()


@pytest.fixture
def samples() -> Path:
    """The pseudonymised real LinkedIn exports of ../shared/data (skipped if absent)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"real LinkedIn samples not available at {SAMPLES} (a clone without ../shared)")
    return SAMPLES


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data not available at {SHARED}")
    return SHARED
