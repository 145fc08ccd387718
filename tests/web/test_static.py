"""The vendored front-end code is the recorded release, served locally."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

VENDOR = Path(__import__("weakties.web", fromlist=["x"]).__file__).parent / "static" / "vendor"


def test_vendored_files_match_their_recorded_hash():
    readme = (VENDOR / "README.md").read_text()
    rows = re.findall(r"\| `([^`]+)` \|[^\n]*\| `([0-9a-f]{64})` \|", readme)
    assert rows, "no file recorded"
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_pages_load_scripts_from_the_platform_itself(client):
    html = client.get("/").text
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == ["/static/vendor/htmx-2.0.11.min.js", "/static/app.js"]
    for source in sources:
        assert client.get(source).status_code == 200
