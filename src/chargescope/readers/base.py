"""The Reader protocol, the raw frame columns every reader returns, and the shared result types."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

import polars as pl

TO_CSMS = "to_csms"
TO_CHARGER = "to_charger"

#: Columns a reader returns, one row per OCPP-J frame (or per split frame when the layout
#: carries the envelope fields in columns). ``frame`` holds the raw OCPP-J text when the layout
#: has it; otherwise ``message_type``/``unique_id``/``action``/``payload`` carry the parts, and
#: ``canonical`` is true where ``payload`` is already checked, compact JSON (as DuckDB writes it).
RAW_SCHEMA: dict[str, pl.DataType] = {
    "ts": pl.Datetime("ms", "UTC"),
    "charger_id": pl.String(),
    "direction": pl.String(),
    "frame": pl.String(),
    "message_type": pl.Int8(),
    "unique_id": pl.String(),
    "action": pl.String(),
    "payload": pl.String(),
    "error_code": pl.String(),
    "error_description": pl.String(),
    "connector_id": pl.Int32(),
    "site_id": pl.String(),
    "line": pl.Int64(),
    "canonical": pl.Boolean(),
}

#: Websocket connection events some logs record beside the frames.
CONN_SCHEMA: dict[str, pl.DataType] = {
    "ts": pl.Datetime("ms", "UTC"),
    "charger_id": pl.String(),
    "event": pl.String(),  # "connected" | "disconnected"
    "detail": pl.String(),
    "line": pl.Int64(),
}

#: Words logs use for the two directions, lower-cased.
DIRECTION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "charger to server",
            "charger to csms",
            "charger->server",
            "cp to csms",
            "cp->csms",
            "cp→csms",
            "charger→server",
            "charger → server",
            "cp → csms",
            "incoming",
            "in",
            "inbound",
            "received",
            "receive",
            "recv",
            "rx",
            "from charger",
            "from cp",
            "request in",
            "response in",
            "upstream",
            "cp",
            "chargepoint>centralsystem",
            "chargingstation>csms",
            "msg-in",
            "charge point to central system",
            "c2s",
            "to_csms",
            "to csms",
            "cs->csms",
            "station to csms",
            "charger → csms",
            "charger->csms",
            "charger→csms",
            "charge point → central system",
            "charge point to server",
            "chargepoint to server",
            # German and French exports (from the backend's side, as "incoming")
            "eingehend",
            "empfangen",
            "entrant",
            "reçu",
        ],
        TO_CSMS,
    ),
    **dict.fromkeys(
        [
            "server to charger",
            "csms to charger",
            "server->charger",
            "csms to cp",
            "csms->cp",
            "csms→cp",
            "server→charger",
            "server → charger",
            "csms → cp",
            "outgoing",
            "out",
            "outbound",
            "sent",
            "send",
            "sending",
            "tx",
            "to charger",
            "to cp",
            "request out",
            "response out",
            "downstream",
            "csms",
            "centralsystem>chargepoint",
            "csms>chargingstation",
            "msg-out",
            "central system to charge point",
            "s2c",
            "to_charger",
            "csms->cs",
            "csms to station",
            "csms → charger",
            "csms->charger",
            "csms→charger",
            "central system → charge point",
            "server to charge point",
            "server to chargepoint",
            "ausgehend",
            "gesendet",
            "sortant",
            "envoyé",
        ],
        TO_CHARGER,
    ),
}


def direction_word(e: pl.Expr, words: Mapping[str, str] = DIRECTION_WORDS) -> pl.Expr:
    """Direction words to ``to_csms``/``to_charger`` (null when unknown)."""
    return (
        e.str.strip_chars()
        .str.to_lowercase()
        .replace_strict(dict(words), default=None, return_dtype=pl.String)
    )


def direction_expr(col: str, df: pl.DataFrame) -> pl.Expr:
    """Map ``df``'s column of direction words (worked out once per distinct word)."""
    return per_value(col, direction_word, df)


_PER_VALUE_MAX = 10_000
#: Below this many rows ``fn`` runs row by row: finding the distinct values costs more.
_PER_VALUE_MIN = 5_000


def per_value(col: str, fn: Callable[[pl.Expr], pl.Expr], df: pl.DataFrame) -> pl.Expr:
    """``fn`` applied to the distinct values of ``col`` only, then mapped back (when they are
    few: a column of mostly distinct values, or a short one, gets ``fn`` row by row)."""
    if df.height < _PER_VALUE_MIN:
        return fn(pl.col(col)).cast(pl.String)
    values = df[col].drop_nulls().unique()
    if values.len() > _PER_VALUE_MAX:
        return fn(pl.col(col)).cast(pl.String)
    mapped = pl.select(fn(pl.lit(values))).to_series()
    mapping = dict(zip(values.to_list(), mapped.to_list(), strict=True))
    return pl.col(col).replace_strict(mapping, default=None, return_dtype=pl.String)


#: Detection heads and the like are split once for every sniff; longer text is not kept.
_CACHED_HEAD = 128 * 1024


@functools.lru_cache(maxsize=8)
def _head_lines(head: str) -> tuple[str, ...]:
    return tuple(head.lstrip("\ufeff").splitlines())


@functools.lru_cache(maxsize=8)
def _head_rows(head: str) -> tuple[str, ...]:
    return tuple(head.split("\n"))


def head_lines(head: str) -> tuple[str, ...] | list[str]:
    """The lines of a detection head, BOM stripped (split once, however many sniffs read it:
    a string's hash is kept with it, so the lookup is cheap)."""
    if len(head) > _CACHED_HEAD:
        return head.lstrip("\ufeff").splitlines()
    return _head_lines(head)


def head_rows(head: str) -> tuple[str, ...] | list[str]:
    """``head`` split at each ``\\n`` only (as JSON lines count), once however many ask."""
    if len(head) > _CACHED_HEAD:
        return head.split("\n")
    return _head_rows(head)


@dataclass(frozen=True)
class Source:
    """One input stream: a display name and its (decompressed) bytes, as UTF-8 (``note``:
    how they were made so, when the file was in another encoding)."""

    name: str
    data: bytes
    note: str | None = None

    def text(self) -> str:
        """The content as text (UTF-8, BOM dropped, undecodable bytes replaced)."""
        return self.data.decode("utf-8-sig", errors="replace")


@dataclass(frozen=True)
class Match:
    """A reader's claim on a source, with how sure it is and why."""

    reader: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class NoMatch:
    """A reader's refusal of a source, with the reason."""

    reason: str


Sniff = Match | NoMatch


@dataclass(frozen=True)
class ReadOptions:
    """User-given hints for reading: a time zone for local times and a column mapping."""

    tz: str | None = None
    columns: dict[str, str] | None = None


@dataclass(frozen=True)
class Reject:
    """An input line that could not be read, kept with where it was and why."""

    file: str
    line: int
    raw: str
    reason: str


@dataclass
class ReadResult:
    """What a reader got from one source."""

    frames: pl.DataFrame
    noise: int = 0
    rejects: list[Reject] = field(default_factory=list)
    connections: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    lines: int = 0
    #: set when the markers only say sent/received: the convention assumed, which ingest
    #: checks against the actions (and flips when most calls contradict it)
    verify_direction: str | None = None


class Reader(Protocol):
    """One input layout: it recognises its content and reads it into raw frame rows."""

    name: str
    title: str
    sample: str

    def sniff(self, head: str) -> Sniff:
        """Say whether ``head`` (a bounded prefix of the text) looks like this layout."""
        ...

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read the whole source into raw frame rows, noise count and rejects."""
        ...


@runtime_checkable
class ManyReader(Reader, Protocol):
    """A reader that also reads several sources at once, each as if alone (small files then
    share the fixed costs of each column pass)."""

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """:meth:`read` of each source, in order."""
        ...


@dataclass(frozen=True)
class Joined:
    """Several sources' bodies one after another (each ending a line), and where each starts
    and how many lines it has: what a reader reading them as one needs to hand rows back."""

    data: bytes  # the head (if any), then the bodies
    starts: list[int]
    counts: list[int]

    def part_of(self, index: pl.Expr) -> pl.Expr:
        """Which body (``part__``) a 0-based line index into ``data`` falls in."""
        return part_of(index, self.starts)


def join_bodies(bodies: list[bytes], head: bytes = b"") -> Joined | None:
    """``head``, then ``bodies`` each ending with a line break; None when a body holds a lone
    carriage return (a parser could count lines otherwise). Lines are counted in the bodies."""
    ended = [b if not b or b.endswith(b"\n") else b + b"\n" for b in bodies]
    if any(b"\r" in b and b.count(b"\r") != b.count(b"\r\n") for b in ended):
        return None
    counts = [b.count(b"\n") for b in ended]
    return Joined(b"".join([head, *ended]), [sum(counts[:k]) for k in range(len(counts))], counts)


def part_of(index: pl.Expr, starts: list[int]) -> pl.Expr:
    """Which part (``part__``) a 0-based line index of joined parts falls in, given the index
    each part starts at."""
    if len(starts) == 1:
        return pl.lit(0, dtype=pl.UInt32).alias("part__")
    bounds = pl.lit(pl.Series(starts, dtype=pl.Int64))
    return (bounds.search_sorted(index, side="right") - 1).cast(pl.UInt32).alias("part__")


def own_line(part: pl.Expr, starts: list[int]) -> pl.Expr:
    """``line``, numbered over joined parts, renumbered within its own ``part`` (each part's
    first line at ``starts``)."""
    return pl.col("line") - part.replace_strict(dict(enumerate(starts)), return_dtype=pl.Int64)


def each_part(df: pl.DataFrame, part: str, n: int, empty: pl.DataFrame) -> list[pl.DataFrame]:
    """The rows of each of ``n`` parts of ``df`` (by column ``part``, dropped), in their order;
    ``empty`` for a part without any."""
    got = df.partition_by(part, as_dict=True, include_key=False, maintain_order=True)
    return [got.get((k,), empty) for k in range(n)]


_K = TypeVar("_K", bound=Hashable)
_R = TypeVar("_R")


def in_groups(keys: Sequence[_K], read: Callable[[_K, list[int]], list[_R]]) -> list[_R]:
    """``read`` of the positions sharing each key (keys in first-seen order), the results put
    back in position order: how a reader reads several sources, alike ones together."""
    out: dict[int, _R] = {}
    for key in dict.fromkeys(keys):
        idx = [i for i, k in enumerate(keys) if k == key]
        out.update(zip(idx, read(key, idx), strict=True))
    return [out[i] for i in range(len(keys))]


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType] = RAW_SCHEMA) -> pl.DataFrame:
    """Add missing raw columns as nulls, cast the rest, and order them as ``schema``."""
    exprs = []
    for name, dtype in schema.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype, strict=False))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(exprs)


def split_by(df: pl.DataFrame, mask: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of ``df`` where ``mask`` holds, and the others (no copy when all hold)."""
    if mask.all():
        return df, df.clear()
    return df.filter(mask), df.filter(~mask)


def empty_frames() -> pl.DataFrame:
    """An empty raw frame table."""
    return pl.DataFrame(schema=RAW_SCHEMA)


def rejects_from(
    file: str, lines: Iterable[int], raws: Iterable[str | None], reason: str
) -> list[Reject]:
    """Build rejects for many lines that failed for the same reason."""
    return [
        Reject(file, int(n), (r or "")[:2000], reason) for n, r in zip(lines, raws, strict=True)
    ]


def split_rejects(
    df: pl.DataFrame, bad: pl.Expr, file: str, raw_col: str, reason: str
) -> tuple[pl.DataFrame, list[Reject]]:
    """Split rows where ``bad`` holds off ``df`` as rejects with one reason."""
    flagged = df.with_columns(bad.fill_null(True).alias("__bad"))
    if not flagged["__bad"].any():
        return df, []
    bad_rows = flagged.filter(pl.col("__bad"))
    rejects = rejects_from(
        file,
        bad_rows["line"].to_list(),
        bad_rows[raw_col].cast(pl.String).to_list(),
        reason,
    )
    return flagged.filter(~pl.col("__bad")).drop("__bad"), rejects
