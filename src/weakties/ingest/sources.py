"""Input files: a ZIP, a folder or single files, opened safely and streamed.

A ZIP is checked before anything is read: no absolute or ``..`` member names
(path traversal), no member whose declared size or compression ratio looks like
a zip bomb, and a cap on the total uncompressed size. While streaming, the bytes
actually produced are counted too, since declared sizes can lie.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from weakties.ingest.limits import GiB, Limits, MiB
from weakties.store.errors import InputError

__all__ = ["GiB", "Limits", "MiB", "SourceFile", "open_sources"]


@dataclass
class SourceFile:
    """One file of an input, readable as a byte stream any number of times."""

    name: str  # path inside the input, with "/" separators
    size: int
    origin: str  # what to call it in messages: "export.zip:Connections.csv"
    _opener: Callable[[], IO[bytes]] = field(repr=False)
    _sha256: str | None = field(default=None, repr=False)
    # after the hashing pass: None = valid UTF-8, else whether valid non-ASCII
    # text came before the first invalid byte (then it is damaged UTF-8)
    _utf8_error: bool | None = field(default=None, repr=False)
    _scanned: bool = field(default=False, repr=False)

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name

    def open(self) -> IO[bytes]:
        """A new byte stream of the file; :attr:`position` follows the last one opened."""
        self.position = 0
        return io.BufferedReader(_Counting(self._opener(), self), buffer_size=256 * 1024)

    position: int = field(default=0, repr=False)  # bytes read by the last stream opened

    def sha256(self) -> str:
        """Content hash, computed once by streaming."""
        if self._sha256 is None or not self._scanned:
            self._scan()
        assert self._sha256 is not None
        return self._sha256

    def _scan(self) -> None:
        """One streaming pass: the content hash, and whether the bytes are UTF-8."""
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        error: bool | None = None
        seen_non_ascii = False
        with self.open() as stream:
            while chunk := stream.read(1 * MiB):
                digest.update(chunk)
                if error is None:
                    if chunk.isascii() and not decoder.getstate()[0]:
                        # ASCII after a whole character is UTF-8: no need to
                        # decode it (a 1 MiB string made and dropped per chunk)
                        continue
                    try:
                        decoder.decode(chunk)
                        seen_non_ascii = seen_non_ascii or not chunk.isascii()
                    except UnicodeDecodeError as exc:
                        error = seen_non_ascii or not chunk[: exc.start].isascii()
        if error is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                error = seen_non_ascii
        if self._sha256 is None:
            self._sha256 = digest.hexdigest()
        self._utf8_error = error
        self._scanned = True

    def text_encoding(self, head: bytes) -> str:
        """The encoding of a text file starting with ``head``: a BOM decides
        (UTF-8, UTF-16), UTF-16 without BOM is seen by its NUL bytes; else UTF-8
        when every byte is, else Windows-1252 (what Excel writes in western
        locales) — unless valid UTF-8 text came first: a damaged UTF-8 file is
        refused where it breaks, never read as another encoding."""
        from weakties.ingest.csvread import sniff_encoding

        found = sniff_encoding(head)
        if found != "utf-8":
            return found
        if not self._scanned:
            self._scan()
        return "cp1252" if self._utf8_error is False else "utf-8"


class _Counting(io.RawIOBase):
    """A byte stream that tells its file how far it has read (for progress)."""

    def __init__(self, raw: IO[bytes], source: SourceFile):
        super().__init__()
        self._raw = raw
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        into = getattr(self._raw, "readinto", None)
        if into is not None:  # straight into the buffer: no copy of each read
            n = into(buffer) or 0
        else:
            data = self._raw.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self._source.position += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _CappedReader(io.RawIOBase):
    """A ZIP member stream that refuses to produce more than its declared size.

    The declared sizes are checked against the cap before reading, so together
    they bound what an input can make us decompress.
    """

    def __init__(self, raw: IO[bytes], origin: str, declared: int, budget: _Budget):
        super().__init__()
        self._raw = raw
        self._origin = origin
        self._declared = declared
        self._read = 0
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise InputError(f"corrupt ZIP member: {exc}", file=self._origin) from exc
        self._read += len(data)
        if self._read > self._declared:
            raise InputError(
                "member is larger than its ZIP header says (possible zip bomb); refused",
                file=self._origin,
            )
        self._budget.produced(self._origin, self._read)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Budget:
    """What the members of one ZIP have produced so far, each counted once
    however often it is read: the total may not pass the limit."""

    def __init__(self, limit: int, archive: str):
        self.limit = limit
        self.archive = archive
        self._high: dict[str, int] = {}
        self.total = 0

    def produced(self, member: str, read: int) -> None:
        before = self._high.get(member, 0)
        if read <= before:
            return
        self._high[member] = read
        self.total += read - before
        if self.total > self.limit:
            raise InputError(
                f"the ZIP unpacks to more than {self.limit // MiB} MiB (possible zip bomb); "
                "raise the limit with --max-unzipped if the export is genuine",
                file=self.archive,
            )


def _safe_member_name(name: str, origin: str) -> str:
    posix = name.replace("\\", "/")
    path = PurePosixPath(posix)
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":") or ".." in path.parts:
        raise InputError(f"unsafe path {name!r} in ZIP (absolute or '..'): refused", file=origin)
    return posix


def _zip_sources(path: Path, limits: Limits) -> list[SourceFile]:
    origin = str(path)
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputError(
            f"not a complete ZIP file ({exc}): an incomplete download? Download the export again",
            file=origin,
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read the ZIP file: {exc.strerror or exc}", file=origin) from exc
    total = 0
    packed = 0
    members = []
    for info in infos:
        name = _safe_member_name(info.filename, origin)
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise InputError("encrypted ZIP members are not supported", file=f"{origin}:{name}")
        total += info.file_size
        packed += info.compress_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_applies_above and ratio > limits.max_ratio:
            raise InputError(
                f"compression ratio {ratio:.0f}:1 over {info.file_size // MiB} MiB looks like a "
                f"zip bomb (limit {limits.max_ratio:.0f}:1); refused",
                file=f"{origin}:{name}",
            )
        members.append((info, name))
    if total > limits.max_unzipped_total:
        raise InputError(
            f"uncompressed size {total // MiB} MiB exceeds the limit of "
            f"{limits.max_unzipped_total // MiB} MiB (possible zip bomb); raise it with "
            "--max-unzipped if the export is genuine",
            file=origin,
        )
    # Many members each under the ratio can add up to a bomb: the archive as a
    # whole is held to the same ratio.
    ratio = total / max(packed, 1)
    if total > limits.ratio_applies_above and ratio > limits.max_ratio:
        raise InputError(
            f"the ZIP's members unpack to {total // MiB} MiB from {packed // 1024} KiB "
            f"(ratio {ratio:.0f}:1, limit {limits.max_ratio:.0f}:1): a possible zip bomb; refused",
            file=origin,
        )
    budget = _Budget(limits.max_unzipped_total, origin)
    sources = []
    for info, name in members:

        def opener(info: zipfile.ZipInfo = info, name: str = name) -> IO[bytes]:
            try:
                raw = archive.open(info)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise InputError(f"corrupt ZIP member: {exc}", file=f"{origin}:{name}") from exc
            return cast(IO[bytes], _CappedReader(raw, f"{origin}:{name}", info.file_size, budget))

        sources.append(SourceFile(name, info.file_size, f"{path.name}:{name}", opener))
    return sources


def _file_source(path: Path, name: str) -> SourceFile:
    def opener(path: Path = path) -> IO[bytes]:
        return path.open("rb", buffering=0)

    return SourceFile(name, path.stat().st_size, str(path), opener)


def open_sources(paths: list[Path] | Path, limits: Limits | None = None) -> list[SourceFile]:
    """All files of the given inputs: ZIPs are opened, folders walked, files taken as is.

    Raises
    ------
    InputError
        For a missing path, an unreadable or unsafe ZIP.
    """
    limits = limits or Limits()
    items = [paths] if isinstance(paths, Path) else list(paths)
    sources: list[SourceFile] = []
    for path in items:
        if not path.exists():
            raise InputError("no such file or folder", file=str(path))
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for fname in sorted(files):
                    full = Path(root) / fname
                    rel = full.relative_to(path).as_posix()
                    if full.suffix.lower() == ".zip":
                        sources.extend(_zip_sources(full, limits))
                    elif not fname.startswith("."):
                        sources.append(_file_source(full, rel))
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            sources.extend(_zip_sources(path, limits))
        else:
            sources.append(_file_source(path, path.name))
    return sources
