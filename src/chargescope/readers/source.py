"""Turn the paths a user gives (files, directories, .gz, .zip, ``-``) into byte sources."""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

from chargescope.errors import InputError
from chargescope.readers.base import Source

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"


def _decompress(name: str, data: bytes) -> Iterator[Source]:
    """Unwrap gzip and zip content by magic bytes (never by file name), recursively."""
    if data.startswith(_GZIP):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{name}: broken gzip data ({exc})") from exc
        yield from _decompress(name, inner)
    elif data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if not info.is_dir():
                        yield from _decompress(f"{name}!{info.filename}", zf.read(info))
        except zipfile.BadZipFile as exc:
            raise InputError(f"{name}: broken zip archive ({exc})") from exc
    else:
        yield Source(name, data)


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
            data = Path(f).read_bytes()
        except OSError as exc:
            raise InputError(f"{f}: cannot read ({exc.strerror})") from exc
        yield from _decompress(f, data)
