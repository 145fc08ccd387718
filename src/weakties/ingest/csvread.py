"""Reading export CSVs: encodings, preambles, headers, line numbers, bounded memory.

Real exports mix UTF-8 (no BOM, comma, minimal quoting) with UTF-16LE + BOM,
TAB-separated, fully quoted files; ``Connections.csv`` starts with a ``Notes:``
preamble (which Excel turns into ``Notes:,,,,,``). This module finds the header,
yields rows as dicts keyed by the header's normalised names together with the
physical line number, and turns every decoding or parsing problem into an
:class:`InputError` that names the file, the line and the field.

Memory is bounded whatever the file: lines are read with a length cap, so a
2 GB file without a newline is refused instead of loaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, cast

from weakties.store.errors import InputError

__all__ = ["CsvFile", "Row", "norm_header", "sniff_encoding"]

MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_FIELD_CHARS = 4 * 1024 * 1024
MAX_PREAMBLE_LINES = 8
csv.field_size_limit(MAX_FIELD_CHARS)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# bytes that did not decode, kept by the "surrogateescape" error handler
_UNDECODED = re.compile("[\udc80-\udcff]")


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _delimiter(line: str) -> str:
    """The delimiter of a header line: the one of comma, semicolon and tab that
    splits it most (Excel writes semicolons in locales whose decimal mark is a
    comma); comma when none does."""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def norm_header(name: str) -> str:
    """``"Endorser Public Url"`` → ``"endorser_public_url"``; ``"FirstName"`` → ``"firstname"``."""
    return _NON_ALNUM.sub("_", name.strip().strip('"').lower()).strip("_")


def sniff_encoding(head: bytes, override: str | None = None) -> str:
    """The codec for a file starting with ``head`` (a BOM decides, else UTF-8)."""
    if override:
        return override
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-16 without BOM: every other byte of ASCII text is NUL
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    return "utf-8"


@dataclass(frozen=True)
class Row:
    line: int  # physical line number where the row starts (1-based)
    values: dict[str, str]

    def get(self, key: str) -> str:
        """The stripped cell, or ``""`` when absent."""
        return (self.values.get(key) or "").strip()


def _limited_lines(text: io.TextIOBase, origin: str, counter: list[int]) -> Iterator[str]:
    while True:
        line = text.readline(MAX_LINE_CHARS)
        if not line:
            return
        counter[0] += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise InputError(
                f"line longer than {MAX_LINE_CHARS // (1024 * 1024)} MiB characters; "
                "this is not an export CSV",
                file=origin,
                line=counter[0],
            )
        yield line


class CsvFile:
    """A CSV stream with its header located and its dialect known."""

    def __init__(
        self,
        stream: IO[bytes],
        origin: str,
        *,
        encoding: str | None = None,
        header_test: Callable[[list[str]], bool] | None = None,
    ):
        self.origin = origin
        buffered = cast(
            io.BufferedReader,
            stream if hasattr(stream, "peek") else io.BufferedReader(cast(io.RawIOBase, stream)),
        )
        head = buffered.peek(4)[:4]
        self.encoding = sniff_encoding(head, encoding)
        # surrogateescape keeps undecodable bytes visible, so that the error can
        # name the line and the field instead of failing somewhere in a buffer.
        self._escapes = self.encoding.startswith("utf-8")
        errors = "surrogateescape" if self._escapes else "strict"
        self._text = io.TextIOWrapper(buffered, encoding=self.encoding, errors=errors, newline="")
        self._lines = [0]
        self._source = _limited_lines(self._text, origin, self._lines)
        self.delimiter = ","
        self.header: list[str] = []
        self.raw_header: list[str] = []
        self.header_line = 0
        self._pending: list[str] = []
        self._find_header(header_test)

    def _decode_guard(self, cells: list[str], line: int) -> None:
        if not self._escapes or not _UNDECODED.search("".join(cells)):
            return
        for i, cell in enumerate(cells):
            if found := _UNDECODED.search(cell):
                bad = found.group()
                column = self.raw_header[i] if i < len(self.raw_header) else f"column {i + 1}"
                raise InputError(
                    f"not valid {self.encoding.upper()} (byte 0x{ord(bad) - 0xDC00:02X}); "
                    "if the file was saved by Excel, import it with --encoding cp1252",
                    file=self.origin,
                    line=line,
                    field=column,
                )

    def _read_line(self) -> str | None:
        try:
            return next(self._source)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {self.encoding.upper()}: {exc.reason}",
                file=self.origin,
                line=self._lines[0] + 1,
            ) from exc

    def _find_header(self, header_test: Callable[[list[str]], bool] | None) -> None:
        after_notes = False
        for _ in range(MAX_PREAMBLE_LINES):
            line = self._read_line()
            if line is None:
                break
            stripped = line.strip("\r\n")
            if not stripped.strip(",; \t"):
                continue  # blank preamble line, or Excel's ",,,,," / ";;;;;"
            delimiter = _delimiter(stripped)
            cells = next(csv.reader([stripped], delimiter=delimiter))
            names = [norm_header(c) for c in cells]
            if names and names[0] == "notes" and not any(names[1:]):
                # the Notes: preamble; its sentence follows on the next line
                after_notes = True
                continue
            if after_notes:
                after_notes = False
                if not any(names[1:]):
                    continue
            if header_test is None or header_test(names):
                self.delimiter = delimiter
                self.raw_header = [c.strip().strip('"') for c in cells]
                self.header = names
                self.header_line = self._lines[0]
                self._decode_guard(cells, self.header_line)
                self._refuse_repeated_columns()
                return
        raise InputError(
            "no header line found where expected (is this the right file?)",
            file=self.origin,
            line=1,
        )

    @property
    def detected(self) -> list[str]:
        """What was found rather than assumed (shown in the import summary)."""
        notes = []
        if self.delimiter != ",":
            notes.append(_DELIMITER_NAMES[self.delimiter])
        if self.encoding not in ("utf-8", "utf-8-sig"):
            notes.append(self.encoding.upper().replace("UTF-16-LE", "UTF-16"))
        return notes

    def _refuse_repeated_columns(self) -> None:
        first: dict[str, int] = {}
        for i, name in enumerate(self.header):
            if not name:
                continue
            if name in first:
                raise InputError(
                    f"the header names the column {self.raw_header[i]!r} twice "
                    f"(columns {first[name] + 1} and {i + 1}): which one holds the data?",
                    file=self.origin,
                    line=self.header_line,
                    field=self.raw_header[i],
                )
            first[name] = i

    def _checked_lines(self) -> Iterator[str]:
        """Physical lines, each refused whole when over the cap or holding NUL:
        a long line is never cut into two records."""
        for line in _limited_lines(self._text, self.origin, self._lines):
            if "\x00" in line:
                raise InputError(
                    "a NUL character: this is not a text CSV (corrupt or binary data); refused",
                    file=self.origin,
                    line=self._lines[0],
                    field=self._column_at(line, line.index("\x00")),
                )
            yield line

    def _column_at(self, line: str, offset: int) -> str | None:
        index = len(next(csv.reader([line[:offset]], delimiter=self.delimiter), [""])) - 1
        if 0 <= index < len(self.raw_header):
            return self.raw_header[index]
        return None

    def rows(self) -> Iterator[Row]:
        """The data rows after the header, skipping lines that are entirely empty."""
        # Lines are read with a cap: a 2 GB "line" is refused at its first 4 MiB,
        # never loaded, and never split into records either.
        reader = csv.reader(self._checked_lines(), delimiter=self.delimiter, strict=True)
        width = len(self.header)
        base = self.header_line
        consumed = 0
        try:
            for cells in reader:
                line = base + consumed + 1
                consumed = reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                self._decode_guard(cells, line)
                if len(cells) != width:
                    self._check_width(cells, width, line)
                yield Row(line, dict(zip(self.header, cells, strict=False)))
        except csv.Error as exc:
            start = base + consumed + 1
            reason = str(exc)
            if "unexpected end of data" in reason or (
                "field larger than field limit" in reason and self._lines[0] > start
            ):
                reason = (
                    "a quoted field opens here and never closes (an unterminated quote): "
                    "the rest of the file would be read as one cell"
                )
            elif "field larger than field limit" in reason:
                reason = f"a field over {MAX_FIELD_CHARS // 2**20} MiB: this is not an export CSV"
            elif "expected after" in reason:
                reason = f"malformed CSV: a quote inside a field must be doubled ({reason})"
            else:
                reason = f"malformed CSV: {reason}"
            raise InputError(reason, file=self.origin, line=start) from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {self.encoding.upper()}: {exc.reason}",
                file=self.origin,
                line=base + consumed + 1,
            ) from exc

    def _check_width(self, cells: list[str], width: int, line: int) -> None:
        if any(len(c) >= MAX_LINE_CHARS - 1 for c in cells):
            raise InputError(
                f"line longer than {MAX_LINE_CHARS // 2**20} MiB characters; "
                "this is not an export CSV",
                file=self.origin,
                line=line,
            )
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise InputError(
                f"{len(cells)} fields where the header has {width}", file=self.origin, line=line
            )

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
