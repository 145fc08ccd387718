"""French and English: Babel catalogues, the member's choice, else the browser's.

The catalogues live in ``locale/<lang>/LC_MESSAGES/messages.po``; the compiled
``.mo`` files are committed next to them (the wheel needs no build step), and
``tests/web/test_i18n.py`` checks that they are compiled from the current
``.po`` files and that every message of the templates and the code is
translated. To update after changing a text::

    pybabel extract -F src/weakties/web/babel.cfg -k N_ -o /tmp/messages.pot src/weakties
    pybabel update -i /tmp/messages.pot -d src/weakties/web/locale
    pybabel compile -d src/weakties/web/locale
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

__all__ = ["LOCALES", "Language", "language", "negotiate"]

LOCALES = ("en", "fr")
LOCALE_DIR = Path(__file__).with_name("locale")


@cache
def _translations(code: str) -> NullTranslations:
    mo = LOCALE_DIR / code / "LC_MESSAGES" / "messages.mo"
    if code == "en" or not mo.exists():
        return NullTranslations()
    with mo.open("rb") as handle:
        return GNUTranslations(handle)


@dataclass(frozen=True)
class Language:
    """One locale's translations and formats, handed to the templates."""

    code: str

    def gettext(self, message: str) -> str:
        return _translations(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _translations(self.code).ngettext(singular, plural, n)

    def date(self, value: dt.date | dt.datetime | str | None, form: str = "medium") -> str:
        """A day in this locale's words; ``value`` may be an ISO date or date-time
        (what the services give as their dates' text)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        elif isinstance(value, dt.datetime):
            value = value.date()
        return format_date(value, format=form, locale=self.code)

    def datetime(self, value: dt.datetime | None, form: str = "medium") -> str:
        return "" if value is None else format_datetime(value, format=form, locale=self.code)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.code)

    @property
    def name(self) -> str:
        return Locale.parse(self.code).get_display_name(self.code) or self.code


@cache
def language(code: str) -> Language:
    return Language(code if code in LOCALES else "en")


def negotiate(accept_language: str | None, default: str = "en") -> str:
    """The best of our locales for an ``Accept-Language`` header."""
    if not accept_language:
        return default
    wanted: list[tuple[float, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            wanted.append((quality - i * 1e-6, tag.strip()))
    for _quality, tag in sorted(wanted, reverse=True):
        if tag == "*":
            return default
        if _quality <= 0:
            continue
        found = Locale.negotiate([tag.replace("-", "_")], list(LOCALES), sep="_")
        if found is not None:
            return str(found.language)
    return default
