"""Turn the paths a user gives (files, directories, .gz, .zip, ``-``) into byte sources."""

from __future__ import annotations

import gzip
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

from chargescope.errors import InputError
from chargescope.readers.base import Source

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
#: A zip archive with no members at all is only its end record.
_EMPTY_ZIP = b"PK\x05\x06"


def is_blank(data: bytes) -> bool:
    """True for empty or whitespace-only content (stops at the first other byte)."""
    return not data or data.isspace() or data == b"\xef\xbb\xbf"


def _decompress(name: str, data: bytes) -> Iterator[Source]:
    """Unwrap gzip and zip content by magic bytes (never by file name), recursively. A plain
    file's bytes are not held here once handed on: a large file's memory goes as soon as its
    reader is done with it, not when the next file is asked for."""
    if data.startswith(_GZIP):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{name}: broken gzip data ({exc})") from exc
        yield from _decompress(name, inner)
    elif data.startswith((_ZIP, _EMPTY_ZIP)):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = sorted(
                    (i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename
                )
                if not members:  # named as an empty source, so that the summary lists it
                    yield Source(name, b"", "zip archive with no files in it")
                for info in members:
                    yield from _decompress(f"{name}!{info.filename}", zf.read(info))
        except zipfile.BadZipFile as exc:
            raise InputError(f"{name}: broken zip archive ({exc})") from exc
    else:
        handed = [_as_utf8(name, data)]
        del data
        yield handed.pop()


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: A UTF-8 lead byte and a continuation byte: text that holds any is taken as UTF-8.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
#: How much of a file tells its encoding.
_SNIFF_BYTES = 64 * 1024


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``head`` looks like UTF-16 text without a
    byte-order mark (a log's text is mostly ASCII, so one byte of every pair is zero, and
    the other almost never is); None otherwise."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd >= 0.9 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.9 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _as_utf8(name: str, data: bytes) -> Source:
    """A source in UTF-8. Files written by Windows tools come in two other encodings: UTF-16
    (Excel's "Unicode text", PowerShell's redirections; known by its byte-order mark, or
    without one by the zero byte in every pair of mostly-ASCII text) and Windows-1252
    (Excel's CSV in western locales), taken to be that when the start of the file is not
    UTF-8 and holds no UTF-8 sequence at all. Anything else is read as UTF-8, bad bytes
    replaced."""
    if data.startswith(_UTF16_BOMS):
        text = data.decode("utf-16", errors="replace")
        return Source(name, text.encode("utf-8"), "read as UTF-16 (byte-order mark)")
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head and (wide := _utf16_without_bom(head)):
        text = data.decode(wide, errors="replace")
        how = "little" if wide.endswith("le") else "big"
        return Source(
            name, text.encode("utf-8"), f"read as UTF-16 ({how}-endian, no byte-order mark)"
        )
    if head.isascii() or data.startswith(b"\xef\xbb\xbf"):
        return Source(name, data)
    try:
        head.decode("utf-8")
        return Source(name, data)
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 or _UTF8_PAIR.search(head):  # a character cut at the end
            return Source(name, data)
    text = data.decode("cp1252", errors="replace")
    return Source(name, text.encode("utf-8"), "not UTF-8: read as Windows-1252")


def _files(path: Path) -> Iterator[Path]:
    """A file, or every regular file below a directory (sorted, hidden files skipped)."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                yield child
    elif path.exists():
        yield path
    else:
        raise InputError(f"{path}: no such file or directory")


def input_files(paths: list[str]) -> list[str]:
    """Every file ``paths`` name, directories expanded (``-`` kept): all checked before any read."""
    files: list[str] = []
    for p in paths:
        files += [p] if p == "-" else [str(f) for f in _files(Path(p))]
    return files


def read_sources(files: list[str]) -> Iterator[Source]:
    """The sources of each file, read one file at a time (so a done file's bytes can go)."""
    for f in files:
        if f == "-":
            yield from _decompress("<stdin>", sys.stdin.buffer.read())
            continue
        try:
            data = [Path(f).read_bytes()]
        except OSError as exc:
            raise InputError(f"{f}: cannot read ({exc.strerror})") from exc
        yield from _decompress(f, data.pop())
