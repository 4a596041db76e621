"""Tell a CSV's columns by their content, for an export whose header no layout knows.

Portals and log tools write CSV under headers of their own (``Zeitpunkt;Ladepunkt;Richtung;
Nachricht``, ``@timestamp,host,message``). When no layout claims a file, detection looks at the
first rows of such a table: a column of OCPP-J arrays is the frame, a column whose cells read as
timestamps is the time, a column of direction words is the direction, and a column named like a
charger and holding short ids is the charger. The file is then read as ``--columns`` would read
it with that mapping, and the summary says which columns were taken. Only a table with a frame
column and a time column, each told apart from every other column, is read so.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

import polars as pl

from chargescope.readers.base import (
    Match,
    ReadOptions,
    ReadResult,
    Source,
    direction_word,
    head_lines,
)
from chargescope.readers.times import parse_times

#: Rows of the head looked at.
SAMPLE_ROWS = 200
#: The share of a column's filled cells that must fit its role.
SURE = 0.9

#: An OCPP-J array (a pretty-printed one may span lines in its quoted cell).
_FRAME = r"(?s)^\[\s*[2-6]\s*,.*\]$"
#: Header names a charger column goes by.
_CHARGER_NAME = re.compile(
    r"(?i)charg|station|\bcp\b|cp[_ -]?id|point|box|device|identity|ladepunkt|ladestation|borne"
)
#: A charger id: short, no brackets or quotes (spaces inside are common: "Garage 1").
_ID = r"^[^\[\]{}\"]{1,64}$"


@dataclass(frozen=True)
class Guess:
    """Which header name carries each key (``time``, ``frame``, maybe ``direction`` and
    ``charger``)."""

    columns: dict[str, str]

    def describe(self) -> str:
        """The mapping as ``--columns`` would spell it."""
        return ",".join(f"{k}={v}" for k, v in self.columns.items())


def _table(head: str, truncated: bool) -> tuple[list[str], list[list[str]]] | None:
    """The header names and the first rows of a delimited head (None when it is not one)."""
    lines = list(head_lines(head))
    start = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if start is None:
        return None
    if lines[start].strip().lower().startswith("sep="):  # Excel's delimiter line
        start += 1
    first = lines[start] if start < len(lines) else ""
    delim = max((",", ";", "\t", "|"), key=first.count)
    if not first.count(delim):
        return None
    body = "\n".join(lines[start:])
    rows = list(csv.reader(io.StringIO(body), delimiter=delim))
    if truncated:  # the head may end inside the last row
        rows = rows[:-1]
    if len(rows) < 2:  # a header and a row at least
        return None
    names = [n.strip().strip('"').strip() for n in rows[0]]
    if not all(names) or len(set(names)) < len(names):
        return None
    width = len(names)
    return names, [r for r in rows[1 : SAMPLE_ROWS + 1] if len(r) == width]


def _share(cells: pl.Series, fits: pl.Series) -> float:
    """The share of filled ``cells`` for which ``fits`` holds."""
    filled = cells.str.len_chars() > 0  # cells come trimmed
    n = int(filled.sum())
    return int((fits & filled).sum()) / n if n else 0.0


def _only(scores: dict[str, float]) -> str | None:
    """The one column that fits surely (None when none or several do)."""
    sure = [name for name, s in scores.items() if s >= SURE]
    return sure[0] if len(sure) == 1 else None


def guess_columns(head: str, truncated: bool) -> Guess | None:
    """The columns of a CSV head told by their content (None unless a frame and a time column
    are each told apart). ``truncated``: the head is a prefix of the file."""
    table = _table(head, truncated)
    if table is None:
        return None
    names, rows = table
    if not rows:
        return None
    cols = {
        n: pl.Series([r[i].strip() for r in rows], dtype=pl.String) for i, n in enumerate(names)
    }
    frame = _only({n: _share(c, c.str.contains(_FRAME)) for n, c in cols.items()})
    if frame is None:
        return None
    rest = {n: c for n, c in cols.items() if n != frame}
    time = _only({n: _share(c, parse_times(c).is_not_null()) for n, c in rest.items()})
    if time is None:
        return None
    found = {"time": time, "frame": frame}
    rest.pop(time)
    words = pl.DataFrame(rest).select(direction_word(pl.col(n)).is_not_null() for n in rest)
    direction = _only({n: _share(rest[n], words[n]) for n in rest})
    if direction is not None:
        found["direction"] = direction
        rest.pop(direction)
    ids = {n: _share(c, c.str.contains(_ID)) for n, c in rest.items() if _CHARGER_NAME.search(n)}
    charger = _only(ids)
    if charger is not None:
        found["charger"] = charger
    return Guess(found)


class GuessedReader:
    """Reads a CSV with the columns :func:`guess_columns` told, as ``--columns`` would."""

    name = "custom"
    title = "CSV with columns told by their content"
    sample = ""

    def __init__(self, guess: Guess) -> None:
        self.guess = guess

    def sniff(self, head: str) -> Match:
        """What detection found."""
        return self.match()

    def match(self) -> Match:
        """The detection answer naming the columns taken."""
        return Match(
            self.name,
            0.3,
            f"no layout's header; columns told by their content: {self.guess.describe()} "
            "(--columns to map them otherwise)",
        )

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read through the custom layout with the told columns."""
        from chargescope.readers import get_reader  # noqa: PLC0415 - the registry imports us

        told = replace(options, columns=dict(self.guess.columns))
        result = get_reader("custom").read(source, told)
        result.notes.insert(0, f"columns told by their content: {self.guess.describe()}")
        return result
