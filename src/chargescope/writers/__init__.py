"""Writers that put a normalized frame table back into any layout chargescope reads (convert)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import BinaryIO

import polars as pl

from chargescope.errors import ConfigError

Writer = Callable[[pl.DataFrame, pl.DataFrame | None, BinaryIO], None]

#: Layout name -> writer. Filled by the layout modules listed in BUILTIN.
WRITERS: dict[str, Writer] = {}
#: Layout name -> file extension used when writing a whole set of layouts.
EXTENSIONS: dict[str, str] = {}

BUILTIN = (
    "stream",
    "sheet",
    "portal",
    "citrine",
    "steve",
    "pyocpp",
    "evcc",
    "octt",
    "everest",
    "arrows",
    "exchange",
    "framerec",
    "logindex",
    "trace",
)


def register(name: str, ext: str) -> Callable[[Writer], Writer]:
    """Decorator: register a writer for layout ``name`` with file extension ``ext``."""

    def deco(fn: Writer) -> Writer:
        WRITERS[name] = fn
        EXTENSIONS[name] = ext
        return fn

    return deco


def _load() -> None:
    """Import the built-in writer modules."""
    for module in BUILTIN:
        importlib.import_module(f"chargescope.writers.{module}")


def get_writer(name: str) -> Writer:
    """The writer for ``name``, or a ConfigError naming the known layouts."""
    _load()
    if name not in WRITERS:
        raise ConfigError(f"cannot write layout {name!r}; known: {', '.join(sorted(WRITERS))}")
    return WRITERS[name]


def all_writers() -> dict[str, Writer]:
    """Every registered writer."""
    _load()
    return dict(WRITERS)


def write_layout(
    frames: pl.DataFrame, layout: str, out: BinaryIO, connections: pl.DataFrame | None = None
) -> None:
    """Write ``frames`` (normalized columns) in ``layout`` to ``out``."""
    get_writer(layout)(frames, connections, out)


_load()

__all__ = [
    "EXTENSIONS",
    "WRITERS",
    "Writer",
    "all_writers",
    "get_writer",
    "register",
    "write_layout",
]
