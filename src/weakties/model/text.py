"""The characters no page and no API response carries: controls and bidi overrides.

A control character (``ESC``, ``BEL``, the C1 controls) in a name is a terminal
command, not text: ``\\x1b[2J`` clears a screen, ``\\x1b]0;...\\x07`` retitles a
window. A bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069)
shows the text after it reversed or moved: ``\\u202etxt.exe`` reads
``exe.txt``. Imports store names as written (the command line shows them
escaped, ``\\x1b[2J``); :func:`shown` is what the platform shows of any text:
each control character becomes U+FFFD (something unreadable was there, where
it was), each bidi override or isolate is dropped; tabs and line breaks stay
(a carriage return becomes a line feed).

>>> shown("Evil\\x1b[31m\\r\\nRED\\u202e")
'Evil\\ufffd[31m\\nRED'
>>> shown("Zoë 李\\tok") == "Zoë 李\\tok"
True
"""

from __future__ import annotations

import re

__all__ = ["UNSHOWN", "shown"]

_BIDI = "\u202a-\u202e\u2066-\u2069"
_C = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and line feed, DEL, C1
UNSHOWN = re.compile(f"[{_C}{_BIDI}]")
_CONTROL = re.compile(f"[{_C}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")


def shown(text: str) -> str:
    """``text`` as a page or a response shows it (see the module doc); ``text``
    itself when there is nothing to change."""
    if not UNSHOWN.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("\ufffd", _BIDI_RE.sub("", text))
