"""Normalised identity keys: who is who across exports, address books and mail.

People are matched, in order of trust, by LinkedIn profile slug, by e-mail, by
phone, then by name (and company). These functions turn the spellings found in
real files into the keys stored in the ``identity`` table.

>>> linkedin_slug("https://www.linkedin.com/in/Jane-Doe-123/")
'jane-doe-123'
>>> linkedin_slug("www.linkedin.com/in/jos%C3%A9-garc%C3%ADa")
'josé-garcía'
>>> linkedin_slug("https://www.linkedin.com/in/jane-doe-123/fr") == linkedin_slug(
...     "https://www.linkedin.com/in/Jane-Doe-123/details/experience/"
... ) == "jane-doe-123"
True
>>> email_key(" Jane.Doe@Example.ORG ")
'jane.doe@example.org'
>>> name_key("Lee", "Smith, MBA, SHRM-SCP")
'lee smith'
>>> name_key("Zoé", "Dvořák")
'zoe dvorak'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

__all__ = [
    "display_name",
    "email_key",
    "fold",
    "linkedin_slug",
    "linkedin_urn",
    "name_key",
    "phone_key",
    "split_credentials",
]

_PROFILE_PATH = re.compile(r"^/in/([^/]+)", re.IGNORECASE)
_PUB_PATH = re.compile(r"^/pub/(.+?)/?$", re.IGNORECASE)
_URN = re.compile(r"^urn:li:(member|person|fsd_profile):([A-Za-z0-9_-]+)$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACES = re.compile(r"\s+")
# Post-nominal letters and credentials seen after a comma in LinkedIn last names.
_KNOWN_CREDENTIALS = frozenset(
    "phd msc mba md esq jr sr dr bsc ma ba meng mph pmp cpa cfa ii iii iv pe rn dba llm"
    " mphil bcom beng bs ms".split()
)


def _is_credential(token: str) -> bool:
    bare = token.replace(".", "").replace(" ", "")
    if bare.casefold() in _KNOWN_CREDENTIALS:
        return True
    # SHRM-SCP, CISSP, PMP-ACP, FCCA: mostly capitals, short, no spaces
    upper = sum(c.isupper() for c in bare)
    return 2 <= len(bare) <= 12 and " " not in token.strip() and upper >= max(2, len(bare) - 2)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Casefold, strip accents and collapse whitespace (a matching key, not for display)."""
    if text.isascii():
        # nothing to decompose or strip: the same key without a pass per character
        # (most names; a list sorted by name folds every one of them)
        return _SPACES.sub(" ", text.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


@lru_cache(maxsize=1 << 16)
def linkedin_slug(url: str | None) -> str | None:
    """The profile slug of a LinkedIn member URL: one key per member, however linked.

    For ``/in/`` URLs the slug is the first path segment after ``/in/``,
    percent-decoded, lower-cased and in Unicode NFC, so that a locale suffix
    (``/in/jane/fr``), a sub-page (``/in/jane/details/experience``), a query or
    a decomposed accent (``e%CC%81``) give the same key as ``/in/jane``. Old
    ``/pub/`` URLs keep their whole path (``pub/john-doe/12/345/678``). Accepts
    the scheme-less form of endorsement files (``www.linkedin.com/in/x``) and
    country sub-domains. Returns ``None`` for anything else.

    >>> linkedin_slug("https://www.linkedin.com/in/jose%CC%81") == linkedin_slug(
    ...     "https://www.linkedin.com/in/jos%C3%A9"
    ... )
    True
    """
    if not url:
        return None
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:  # "[/]", "[bold]": brackets read as an IPv6 host
        return None
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return None
    if profile := _PROFILE_PATH.match(parts.path):
        return _slug_text(profile.group(1)) or None
    if pub := _PUB_PATH.match(parts.path):
        slug = _slug_text(pub.group(1))
        return "pub/" + slug if slug else None
    return None


def _slug_text(raw: str) -> str:
    """Percent-decoded, stripped, lower-cased, NFC (one spelling per accented slug)."""
    return unicodedata.normalize("NFC", unquote(raw).strip().lower())


def linkedin_urn(value: str | None) -> str | None:
    """``urn:li:member:123`` → ``member:123`` (the stable numeric member id)."""
    if not value:
        return None
    match = _URN.match(value.strip())
    if not match:
        return None
    return f"{match.group(1).lower()}:{match.group(2)}"


def email_key(value: str | None) -> str | None:
    """A lower-cased e-mail address, or ``None`` when the text is not one."""
    if not value:
        return None
    text = value.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.lower()
    return text if _EMAIL.match(text) else None


def phone_key(value: str | None) -> str | None:
    """Digits of a phone number, with a leading ``+`` kept; ``None`` if under 6 digits.

    Country codes are not guessed: ``+33 6 12 34 56 78`` and ``06 12 34 56 78``
    stay different keys rather than risk merging two people.
    """
    if not value:
        return None
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < 6:
        return None
    if text.startswith("00"):
        return "+" + digits[2:]
    return ("+" if text.startswith("+") else "") + digits


def split_credentials(last_name: str) -> tuple[str, list[str]]:
    """Split ``"Smith, PhD"`` into ``("Smith", ["PhD"])``.

    Only trailing comma-separated parts that look like credentials are split off,
    so a last name that genuinely contains a comma stays whole.
    """
    parts = [p.strip() for p in last_name.split(",")]
    if len(parts) == 1:
        return last_name.strip(), []
    creds: list[str] = []
    while len(parts) > 1 and parts[-1] and _is_credential(parts[-1]):
        creds.insert(0, parts.pop())
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    return ", ".join(parts), creds


def display_name(first: str | None, last: str | None) -> str:
    """The name as shown: ``first last`` with stray spaces removed."""
    return _SPACES.sub(" ", f"{(first or '').strip()} {(last or '').strip()}").strip()


@lru_cache(maxsize=1 << 16)
def name_key(first: str | None, last: str | None = None) -> str:
    """The name-match key: accent-free, casefolded, credentials removed.

    With one argument, the argument is a full name (``"Jane Doe, PhD"``).
    """
    if last is None:
        full = (first or "").strip()
        base, _ = split_credentials(full)
        return fold(base)
    base, _ = split_credentials(last or "")
    return fold(f"{first or ''} {base}")
