"""French and English: every message translated, the compiled catalogue current."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.web.conftest import csrf, sign_up
from weakties.web.i18n import language, negotiate

WEB = Path(__import__("weakties.web", fromlist=["x"]).__file__).parent
SRC = WEB.parent
PO = WEB / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    found: set[str] = set()
    for folder, method in (("web", "python"), ("service", "python"), ("web/templates", "jinja2")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for _file, _line, message, _comments, _context in extract_from_dir(
            SRC / folder,
            method_map=[(pattern, method)],
            keywords=KEYWORDS,
            options_map={pattern: {"extensions": "jinja2.ext.i18n"}} if method == "jinja2" else {},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_french_translation():
    catalog = read_po(PO.open("rb"))
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    messages = _source_messages()
    assert len(messages) > 50  # the extraction found the templates and the code
    missing = sorted(messages - translated)
    assert missing == [], "update locale/fr (see weakties/web/i18n.py)"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_is_the_current_one():
    catalog = read_po(PO.open("rb"))
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = {_key(m.id): _key(m.string) for m in read_mo(compiled) if m.id}
    committed = {_key(m.id): _key(m.string) for m in read_mo(MO.open("rb")) if m.id}
    assert committed == expected, "recompile: pybabel compile -d src/weakties/web/locale"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,fr;q=0.5", "fr"),
        ("en-GB", "en"),
        ("de", "en"),
        ("", "en"),
        ("fr;q=0, en", "en"),
    ],
)
def test_the_browser_language(header, expected):
    assert negotiate(header) == expected


def test_dates_and_numbers_in_the_locale():
    day = dt.date(2026, 3, 4)
    assert language("fr").date(day) == "4 mars 2026"
    assert language("en").date(day) == "Mar 4, 2026"
    assert language("fr").number(12345.5) == "12\u202f345,5"
    assert language("en").number(12345.5) == "12,345.5"


def test_pages_in_both_languages(client, other):
    sign_up(client, "Ana Lima", "ana@example.org")
    assert "My profile" in client.get("/in/ana-lima").text
    client.post(
        "/settings/language", data={"csrf_token": csrf(client, "/settings"), "locale": "fr"}
    )
    page = client.get("/in/ana-lima")
    assert 'lang="fr"' in page.text and "Mon profil" in page.text and "Expérience" in page.text
    # a visitor chooses with the switch (a cookie), the browser's language otherwise
    other.headers["Accept-Language"] = "fr"
    assert "Se connecter" in other.get("/signin").text
    other.post("/language", data={"csrf_token": csrf(other, "/"), "locale": "en", "next": "/"})
    assert "Sign in" in other.get("/signin").text
