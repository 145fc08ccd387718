"""Field-level input errors shared by the platform's service functions.

A :class:`FormError` names every field that is wrong with a message a member can
act on; the web app shows it next to the field (pages) or returns it as HTTP 422
with ``fields`` (API). Messages are English source strings marked with
:func:`N_` so that the web layer can translate them; they carry no parameters.
"""

from __future__ import annotations

from weakties.store.errors import InputError

__all__ = ["N_", "FormError", "has_control_characters"]


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message


class FormError(InputError):
    """Invalid input, field by field; nothing was written."""

    def __init__(self, fields: dict[str, str], message: str = "invalid input"):
        self.fields = dict(fields)
        first = next(iter(self.fields), None)
        super().__init__(message, field=first)
        self.reason = message

    @classmethod
    def one(cls, field: str, message: str) -> FormError:
        return cls({field: message})


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a control character (NUL, escape, ...) that no name,
    address or note contains; ``multiline`` allows line breaks and tabs.

    PostgreSQL cannot even store a NUL: such input is refused at the door, with
    the field named, rather than failing in the database.
    """
    allowed = "\n\r\t" if multiline else ""
    return any((ord(ch) < 32 or 127 <= ord(ch) < 160) and ch not in allowed for ch in value)
