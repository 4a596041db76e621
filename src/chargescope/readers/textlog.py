"""Shared engine for server and charger text logs: line layouts declared as data, read vectorised.

A text-log family (``arrows``, ``steve``, ``pyocpp``, ``evcc``, ``octt``, ``everest``) declares a
:class:`LineLayout`: a *marker* regex whose first match in a line ends right where the frame
starts, with a named group ``dir`` (the direction word) and, when the line names the charger,
groups ``charger...``. The words ``dir`` takes, connection lines and charger banners are data
too. :func:`read_lines` does the rest over whole Polars columns:

* every line is a frame, a connection event, a reject (a frame line with no readable timestamp),
  or counted noise (non-blank lines that are none of those: banners, DEBUG noise, tracebacks);
* the frame is the text after the marker (bad JSON is left for the envelope split to reject);
* the timestamp is the first date-time in the line *before* the marker (never one inside the
  frame);
* zone-less times are read in ``options.tz``, else in the zone a banner line states
  (``Timezone: +02:00``, ``TZ=Europe/Berlin``, ``UTC offset +0200``, ``... time zone ...``),
  else in UTC, and a note says which and why;
* layouts whose markers only say "sent"/"received" (``infer_direction``) ask ingest to check
  the reading against the actions (``ReadResult.verify_direction``): when most CALLs with a
  one-sided action contradict it, ingest flips the file's directions (noted).

Speed: regexes never capture the frame (captures over long lines are slow); the frame is cut
off by byte offset from ``str.find``. A layout may also declare a :class:`FastPath` for its
common line shape: lines whose start matches an anchored ``head`` (pinning the timestamp at a
fixed offset, in an exact format) are cut into a short *key* (the text from after the timestamp
to just past the marker) by literal ``str.find``; the marker regex then runs once per distinct
key instead of once per line. Keys the marker does not fit exactly, and lines the head does not
fit, go through the general path, so the result is the same either way.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

import polars as pl

from chargescope import columnar
from chargescope.errors import ConfigError
from chargescope.readers.base import (
    Match,
    NoMatch,
    ReadOptions,
    ReadResult,
    Sniff,
    Source,
    each_part,
    head_lines,
    in_groups,
    join_bodies,
    own_line,
    part_of,
    per_value,
    rejects_from,
)
from chargescope.readers.times import UTC_MS, check_tz, localize, offset_minutes, parse_times

#: A log timestamp: date and time, optional fraction (``.`` ``,`` or OCTT's ``:``), maybe a zone.
TS = (
    r"[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,:][0-9]{1,9})?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2}| ?UTC| ?GMT)?"
)
_HAS_ZONE = r"(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})$"
#: Zone-less shapes parsed on a fast path before the general parser.
_FAST_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S,%3f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S:%3f",
)

#: Banner lines stating the zone of the log's local times.
_BANNER_TZ = re.compile(
    r"(?i)\b(?:time[\s_-]?zone|timezone|tz|utc[\s_-]?offset|user\.timezone)\b"
    r"[^\n=:]{0,40}?(?:[:=]|\bis(?: set to)?\b|\bto\b)?\s*"
    r"(?P<tz>(?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d{2})?|(?:UTC|GMT|Z)\b(?!\s*offset)"
    r"|[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)"
)
#: How many leading lines may hold a banner.
BANNER_LINES = 200

#: Log level words that a bracketed "charger" really is.
_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL", "NOTICE"]


@dataclass(frozen=True)
class FastPath:
    """The common line shape of a family, read with literal string operations (see the module).

    Correctness contract (each family states why its fast path holds): on lines matching
    ``head``, the timestamp regex's first match is exactly ``ts_width`` characters at ``ts_at``
    (ASCII, read with ``ts_format``), no marker match starts before ``key_from``, and the
    marker's first match in the whole line equals its first match in the key, shifted.
    """

    #: anchored regex without groups, ASCII up to ``key_from``
    head: str
    #: character offset and width of the timestamp, and its exact strptime format
    ts_at: int
    ts_width: int
    ts_format: str
    #: the format ends in a ``Z`` (UTC) rather than being zone-less
    ts_utc: bool
    #: byte offset where keys start
    key_from: int
    #: the key ends ``key_more`` bytes after the first of these literals (and the frame starts
    #: right after that) ...
    key_to: tuple[str, ...] = ()
    key_more: int = 0
    #: ... else the key is this many bytes long (and the frame starts inside it)
    key_width: int = 0
    #: the frame's first character must be one of these (None: any non-blank ASCII)
    stop: str | None = None


@dataclass(frozen=True)
class LineLayout:
    """One text-log family, declared as data (like lnav's formats)."""

    #: regex whose first match ends where the frame starts; named group ``dir``, maybe
    #: ``charger`` (several alternatives may be named ``charger_...``)
    marker: str
    #: lower-cased ``dir`` text -> ``to_csms``/``to_charger``
    directions: Mapping[str, str]
    #: frames must start with this (else the line is noise), e.g. ``[`` for generic arrows
    frame_prefix: str | None = None
    #: the markers only say sent/received: let the CALL actions confirm or flip the mapping
    infer_direction: bool = False
    #: how the note describes the direction convention
    direction_note: str = ""
    #: regex with named groups ``charger...`` and ``event`` (maybe ``detail``): connection lines
    #: (only lines containing "onnect" are tried)
    connect: str | None = None
    #: lower-cased ``event`` text -> ``connected``/``disconnected``
    events: Mapping[str, str] = field(default_factory=dict)
    #: regex with one group: header lines naming the charger of the frames below them
    charger_banner: str | None = None
    #: the common line shape, read fast (optional)
    fast: FastPath | None = None


@dataclass(frozen=True)
class Zone:
    """The zone chosen for zone-less times, and why."""

    tz: str | None
    why: str


def split_lines(data: bytes) -> pl.DataFrame:
    """One row per line: ``line`` (1-based) and ``raw`` (BOM, CR and bad UTF-8 repaired)."""
    if b"\x1f" in data:  # the field separator used below: split in Python instead
        text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
        text = text[:-1] if text.endswith("\n") else text
        raw = pl.Series("raw", text.split("\n") if text else [], dtype=pl.String)
    elif data in (b"", b"\xef\xbb\xbf"):
        raw = pl.Series("raw", [], dtype=pl.String)
    else:
        raw = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            separator="\x1f",
            quote_char=None,
            infer_schema=False,
            new_columns=["raw"],
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
        )["raw"].fill_null("")
    return pl.DataFrame(
        {"line": pl.int_range(1, raw.len() + 1, dtype=pl.Int64, eager=True), "raw": raw}
    )


def find_zone(lines: list[str], options: ReadOptions) -> Zone:
    """``options.tz`` wins; else the first banner line stating a zone; else UTC."""
    if options.tz:
        return Zone(options.tz, f"times without a zone read as {_show(options.tz)} (from --tz)")
    for n, line in enumerate(lines[:BANNER_LINES], start=1):
        m = _BANNER_TZ.search(line)
        if not m:
            continue
        tz = m.group("tz").replace(" ", "")
        try:
            check_tz(tz)
        except ConfigError:
            continue
        return Zone(tz, f"times without a zone read as {_show(tz)} (from banner line {n})")
    return Zone(None, "times without a zone read as UTC")


def _show(tz: str) -> str:
    """An offset as ``UTC+02:00``, a zone name as itself."""
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", tz.strip())
    if m:
        return f"UTC{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}"
    return tz


def stem(source: Source) -> str:
    """The file name without folders and extensions (``logs/CP-7.log.gz`` -> ``CP-7``)."""
    name = PurePath(source.name.split("!")[-1]).name
    return name.split(".")[0] or name


def _localize(naive: pl.Series, tz: str | None) -> pl.Series:
    """Zone-less datetimes read in ``tz`` (offset or zone name; None = UTC), as UTC ms."""
    off = offset_minutes(tz) if tz else 0
    if tz is None or off is not None:
        return (naive - timedelta(minutes=off or 0)).dt.replace_time_zone("UTC")
    return localize(naive, tz)


def parse_log_times(texts: pl.Series, tz: str | None) -> pl.Series:
    """UTC ms from log timestamp texts: one common zone-less shape fast, the rest generally."""
    sample = texts.drop_nulls().head(1)
    for fmt in _FAST_FORMATS:
        if sample.len() == 0 or sample.str.to_datetime(fmt, strict=False).is_null().any():
            continue
        out = _localize(texts.str.to_datetime(fmt, time_unit="ms", strict=False), tz)
        out = out.cast(UTC_MS).alias("ts")
        rest = (out.is_null() & texts.is_not_null()).arg_true()
        if rest.len():
            out = out.scatter(rest, parse_times(texts.gather(rest), tz))
        return out
    return parse_times(texts, tz).cast(UTC_MS).alias("ts")


def _times(df: pl.DataFrame, zone: Zone) -> tuple[pl.DataFrame, pl.Series]:
    """Add ``ts`` from the first date-time before ``start``; also the lines whose time lacked
    a zone."""
    before = pl.col("raw").cast(pl.Binary).bin.head(pl.col("start")).cast(pl.String)
    texts = df.select(before.str.extract(f"({TS})", 1))["raw"]
    no_zone = texts.is_not_null() & ~texts.str.contains(_HAS_ZONE)
    return df.with_columns(parse_log_times(texts, zone.tz).alias("ts")), df["line"].filter(no_zone)


def _directions(frames: pl.DataFrame, layout: LineLayout) -> pl.DataFrame:
    """Map the direction words of the markers to ``to_csms``/``to_charger``."""
    words = dict(layout.directions)

    def word(e: pl.Expr) -> pl.Expr:
        return e.str.strip_chars().str.to_lowercase().replace_strict(words, default=None)

    return frames.with_columns(per_value("dir", word, frames).alias("direction"))


def _clean_charger(e: pl.Expr) -> pl.Expr:
    """Trimmed, brackets dropped, empty and log-level words as null."""
    clean = e.str.strip_chars().str.strip_chars("[]").str.strip_chars()
    return pl.when((clean != "") & ~clean.str.to_uppercase().is_in(_LEVELS)).then(clean)


def charger_expr(df: pl.DataFrame) -> pl.Expr:
    """The first usable ``charger*`` group of each row (cleaned per distinct value)."""
    parts = [per_value(c, _clean_charger, df) for c in df.columns if c.startswith("charger")]
    if not parts:
        return pl.lit(None, dtype=pl.String).alias("charger")
    return pl.coalesce(parts).alias("charger")


def _chargers(
    lines: pl.DataFrame,
    rows: pl.DataFrame,
    layout: LineLayout,
    stems: list[str],
    starts: list[int],
) -> tuple[pl.DataFrame, dict[int, list[str]]]:
    """Fill ``charger_id`` from the line (``charger``), else the nearest banner above in the
    same file, else the file stem; and each file's notes on that (``starts``: where each
    file's lines start in the joined numbering). Banners are looked for only on lines that
    are not frames (a payload's text is never a banner)."""
    notes: dict[int, list[str]] = {k: [] for k in range(len(stems))}
    part = part_of(pl.col("line") - 1, starts)
    if layout.charger_banner is not None:
        others = lines.filter(~pl.col("line").is_in(rows["line"].implode()))
        banners = (
            others.filter(pl.col("raw").str.contains(layout.charger_banner))
            .select(
                "line",
                part,
                pl.col("raw")
                .str.extract(layout.charger_banner, 1)
                .str.strip_chars()
                .alias("banner"),
            )
            .filter(pl.col("banner").is_not_null() & (pl.col("banner") != ""))
        )
        rows = rows.with_columns(part).join_asof(
            banners, on="line", by="part__", strategy="backward", check_sortedness=False
        )
        for (k,), found in banners.group_by("part__", maintain_order=True):
            names = found["banner"].unique(maintain_order=True)
            shown = ", ".join(names.head(3).to_list()) + (", ..." if names.len() > 3 else "")
            notes[int(k)].append(f"charger id taken from the log header ({shown})")
        rows = rows.with_columns(pl.coalesce("charger", "banner").alias("charger")).drop("banner")
    if rows["charger"].null_count():
        rows = rows.with_columns(part)
        missing = rows.filter(pl.col("charger").is_null()).group_by("part__").len()
        for k, n in missing.sort("part__").iter_rows():
            notes[int(k)].append(
                f"no charger id in the log for {n} frame(s): "
                f"charger id taken from the file name ({stems[k]})"
            )
        fallback = pl.col("part__").replace_strict(dict(enumerate(stems)), return_dtype=pl.String)
        rows = rows.with_columns(pl.col("charger").fill_null(fallback))
    return rows.rename({"charger": "charger_id"}), notes


def _connections(
    lines: pl.DataFrame, frames: pl.DataFrame, layout: LineLayout, zone: Zone
) -> tuple[pl.DataFrame, pl.Series]:
    """Connection events (ts, charger, event, detail, line) from non-frame connection lines;
    also the lines of connection lines whose time lacked a zone."""
    assert layout.connect is not None
    is_frame = pl.repeat(False, lines.height, eager=True).scatter(frames["line"] - 1, True)
    hits = columnar.query(
        lines.lazy()
        .with_columns(is_frame.alias("frame__"))
        .filter(~pl.col("frame__") & pl.col("raw").str.contains("onnect", literal=True))
        .drop("frame__"),
        lines.height,
    )
    hits = hits.filter(pl.col("raw").str.contains(layout.connect))
    groups = hits["raw"].str.extract_groups(f"(?P<marker__>{layout.connect})").struct.unnest()
    df = pl.concat([hits, groups], how="horizontal").with_columns(
        (pl.col("raw").str.find(layout.connect) + pl.col("marker__").str.len_bytes()).alias("start")
    )
    if "detail" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("detail"))
    df, zoneless = _times(df, zone)
    df = df.select(
        "ts",
        charger_expr(df).alias("charger_id"),
        pl.col("event")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(dict(layout.events), default=None, return_dtype=pl.String)
        .alias("event"),
        pl.col("detail").cast(pl.String).str.strip_chars().alias("detail"),
        "line",
    ).filter(pl.col("ts").is_not_null() & pl.col("charger_id").is_not_null())
    return df, zoneless


def _frame_rows(lines: pl.DataFrame, layout: LineLayout) -> pl.DataFrame:
    """Lines where the marker matches: its groups, ``start`` (byte offset) and ``frame``."""
    groups = lines["raw"].str.extract_groups(f"(?P<marker__>{layout.marker})").struct.unnest()
    rows = pl.concat([lines, groups], how="horizontal").filter(pl.col("marker__").is_not_null())
    # the first occurrence of the matched text is where the (leftmost) match starts
    pos = pl.col("raw").str.find(pl.col("marker__"), literal=True)
    rows = rows.with_columns((pos + pl.col("marker__").str.len_bytes()).alias("start"))
    rows = rows.with_columns(
        pl.col("raw")
        .cast(pl.Binary)
        .bin.slice(pl.col("start"))
        .cast(pl.String)
        .str.strip_chars()
        .alias("frame")
    )
    if layout.frame_prefix is not None:
        rows = rows.filter(pl.col("frame").str.starts_with(layout.frame_prefix))
    return rows


#: The fast path gives up when distinct keys exceed this share of its lines (keys should repeat).
_MAX_KEY_SHARE = 0.05
_FAST_COLUMNS = ["ts", "charger", "direction", "frame", "line"]


def _fast_frames(
    lines: pl.DataFrame, layout: LineLayout, zone: Zone
) -> tuple[pl.DataFrame, pl.Series] | None:
    """Frame rows (``_FAST_COLUMNS``) of the lines ``layout.fast`` reads, and a mask of those lines.

    None when the fast path does not pay (no line fits, or the keys hardly repeat).
    """
    fp = layout.fast
    assert fp is not None
    raw = pl.col("raw")
    raw_bytes = raw.cast(pl.Binary)
    if fp.key_to:
        ends = [raw.str.find(lit, literal=True) + len(lit.encode()) for lit in fp.key_to]
        end = ends[0] if len(ends) == 1 else pl.min_horizontal(ends)
        # the key runs on one byte past its end: the frame's first character
        size = end + fp.key_more + 1 - fp.key_from
        key: pl.Expr = pl.when(size > 1).then(raw_bytes.bin.slice(fp.key_from, size))
    else:
        key = raw_bytes.bin.slice(fp.key_from, fp.key_width)
    naive = (
        raw.str.slice(fp.ts_at, fp.ts_width)
        .str.strptime(pl.Datetime("ms"), fp.ts_format, strict=False, cache=False)
        .alias("ts")
    )
    cand = columnar.query(
        lines.lazy()
        .with_row_index("idx__")
        .filter(raw.str.contains(fp.head))
        .select("idx__", "line", "raw", key.alias("key__"), naive)
        .filter(pl.col("key__").is_not_null() & pl.col("ts").is_not_null()),
        lines.height,
    )
    if cand.height == 0:
        return None
    keys = cand["key__"].unique()
    if keys.len() > max(64.0, _MAX_KEY_SHARE * cand.height):
        return None
    table = _key_table(keys, layout, fp)
    # each line's key looked up among the few distinct ones (cheaper than a join)
    place = pl.int_range(table.height, dtype=pl.UInt32, eager=True)
    at = cand["key__"].replace_strict(table["key__"], place, default=None)
    if at.null_count():  # keys the marker does not fit: not frame lines of this layout
        cand, at = cand.filter(at.is_not_null()), at.drop_nulls()
    rows = cand.hstack(table.drop("key__")[at])
    ts = rows["ts"]
    ts = ts.dt.replace_time_zone("UTC") if fp.ts_utc else _localize(ts, zone.tz)
    rows = rows.with_columns(ts.cast(UTC_MS).alias("ts")).filter(pl.col("ts").is_not_null())
    done = pl.repeat(False, lines.height, eager=True).scatter(rows["idx__"], True)
    # the prefix is ASCII up to ``key_from`` and ``off__`` counts characters: no byte slicing
    cut = columnar.select(
        rows.select("raw", "off__"),
        raw.str.slice(pl.col("off__") + fp.key_from).alias("frame"),
        raw.str.ends_with("]").alias("closed"),
    )
    # the frame starts non-blank; strip only frames that may end blank (most end with "]")
    frame = patch_rows(cut["frame"], ~cut["closed"], lambda f: f.str.strip_chars())
    frames = rows.select("ts", "charger", "direction", frame.alias("frame"), "line")
    if layout.frame_prefix is not None and len(layout.frame_prefix) > 1:
        frames = frames.filter(pl.col("frame").str.starts_with(layout.frame_prefix))
    return frames, done


def patch_rows(
    values: pl.Series, where: pl.Series, how: Callable[[pl.Series], pl.Series]
) -> pl.Series:
    """``values`` with ``how`` applied to the few rows ``where`` holds (no copy of the rest)."""
    idx = where.arg_true()
    return values.clone().scatter(idx, how(values.gather(idx))) if idx.len() else values


def _key_text(key: bytes, ends_at_frame: bool) -> str | None:
    """The text of a key: without its last byte (the frame's first) when the key ends at the
    frame, else without a character cut in two at its end; None when not valid UTF-8."""
    try:
        return key[:-1].decode() if ends_at_frame else key.decode("utf-8", "ignore")
    except UnicodeDecodeError:
        return None


def _key_table(keys: pl.Series, layout: LineLayout, fp: FastPath) -> pl.DataFrame:
    """Per distinct key: ``off__`` (frame start in the key, characters), ``charger``, ``direction``.

    Only keys the marker fits exactly are kept: its first match in the key must end right
    before the frame's first character (the key's last byte when the key ends at a literal),
    which must be printable ASCII (and in ``fp.stop``), so trailing blanks in the marker cannot reach on.
    """
    texts = [_key_text(k, bool(fp.key_to)) for k in keys.to_list()]
    t = pl.DataFrame({"key__": keys, "text__": pl.Series(texts, dtype=pl.String)})
    groups = t["text__"].str.extract_groups(f"(?P<marker__>{layout.marker})").struct.unnest()
    t = pl.concat([t, groups], how="horizontal").filter(pl.col("marker__").is_not_null())
    t = t.with_columns(
        (
            pl.col("text__").str.find(pl.col("marker__"), literal=True)
            + pl.col("marker__").str.len_bytes()
        ).alias("off__")
    )
    prefix = layout.frame_prefix if layout.frame_prefix and len(layout.frame_prefix) == 1 else None
    keep, chars = [], []
    columns = (t["key__"].to_list(), t["text__"].to_list(), t["off__"].to_list())
    for key, text, off in zip(*columns, strict=True):
        body = text.encode()
        # the frame's first character: the key's last byte, or the one after the match
        nxt = (key[-1:] if off == len(body) else b"") if fp.key_to else body[off : off + 1]
        ok = len(nxt) == 1 and b"!" <= nxt <= b"~"  # printable ASCII, not blank
        ok = ok and (fp.stop is None or nxt.decode() in fp.stop)
        ok = ok and (prefix is None or nxt.decode() == prefix)
        keep.append(ok)
        chars.append(len(body[:off].decode()) if ok else 0)
    t = t.with_columns(pl.Series("off__", chars, dtype=pl.Int64))
    t = t.filter(pl.Series(keep, dtype=pl.Boolean))
    words = dict(layout.directions)
    return t.select(
        "key__",
        pl.col("off__").cast(pl.Int64),
        charger_expr(t),
        pl.col("dir")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(words, default=None, return_dtype=pl.String)
        .alias("direction"),
    )


#: Logs shorter than this go through the general path alone: the fast path's extra passes
#: cost more than they save on a few thousand lines (measured crossover: ~7,000 lines).
FAST_FROM_LINES = 8_000


def read_layout(source: Source, layout: LineLayout, options: ReadOptions) -> ReadResult:
    """Read a single-line text log declared by ``layout`` into raw frame rows."""
    return read_lines(split_lines(source.data), layout, options, source)


def read_layout_many(
    sources: list[Source], layout: LineLayout, options: ReadOptions
) -> list[ReadResult]:
    """:func:`read_layout` of several logs, each read as if alone. Logs whose zone-less times
    are read in the same zone go through the engine together: a few column passes for all
    of them instead of a few for each (what a folder of small logs costs)."""
    parts = list(zip(sources, _lines_of_each(sources), strict=True))
    zones = [find_zone(lines["raw"].head(BANNER_LINES).to_list(), options) for _, lines in parts]
    return in_groups(zones, lambda zone, idx: _read_parts([parts[i] for i in idx], layout, zone))


def _lines_of_each(sources: list[Source]) -> list[pl.DataFrame]:
    """:func:`split_lines` of each source, split as one text where that splits alike (no
    lone carriage return, no field separator): one parse instead of one per file."""
    bodies = [s.data.removeprefix(b"\xef\xbb\xbf") for s in sources]
    joined = None if any(b"\x1f" in b for b in bodies) else join_bodies(bodies)
    if joined is not None:
        lines = split_lines(joined.data)
        if lines.height == sum(joined.counts):
            return [
                lines.slice(at, n).with_columns(pl.col("line") - at)
                for at, n in zip(joined.starts, joined.counts, strict=True)
            ]
    return [split_lines(s.data) for s in sources]


class LayoutReader:
    """Reading for a single-line text-log reader: its ``layout``, one log or several at once
    (subclasses add ``name``, ``title``, ``sample`` and ``sniff``)."""

    layout: LineLayout

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Frame and connection lines; the rest of the log is counted noise."""
        return read_layout(source, self.layout, options)

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several logs read together, each as if alone."""
        return read_layout_many(sources, self.layout, options)


def read_lines(
    lines: pl.DataFrame, layout: LineLayout, options: ReadOptions, source: Source
) -> ReadResult:
    """Read the (``line``, ``raw``) rows of a text log; ``raw`` may span several source lines."""
    zone = find_zone(lines["raw"].head(BANNER_LINES).to_list(), options)
    return _read_parts([(source, lines)], layout, zone)[0]


def _read_parts(
    parts: list[tuple[Source, pl.DataFrame]], layout: LineLayout, zone: Zone
) -> list[ReadResult]:
    """Read the lines of one or more logs whose zone-less times are read in ``zone``.

    Several logs' lines are numbered on from one another, so that every step runs once over
    all of them; ``part__`` (found from the line number) says whose a row is where it matters:
    banners, the file-name charger id, notes and counts, and the split of the results.
    """
    sizes = [lines.height for _, lines in parts]
    starts = [sum(sizes[:k]) for k in range(len(parts))]
    if len(parts) == 1:
        lines = parts[0][1]
    else:
        lines = pl.concat(
            [p.with_columns(pl.col("line") + at) for (_, p), at in zip(parts, starts, strict=True)]
        )
    use_fast = layout.fast is not None and lines.height >= FAST_FROM_LINES
    fast = _fast_frames(lines, layout, zone) if use_fast else None
    rest = lines if fast is None else lines.filter(~fast[1])
    rows = _frame_rows(rest, layout)
    rows, zoneless = _times(rows, zone)
    rows, no_ts = _split_no_ts(rows)
    rows = _directions(rows, layout)
    rows = rows.with_columns(charger_expr(rows)).select(_FAST_COLUMNS)
    if fast is not None and fast[0].height:
        assert layout.fast is not None
        if not layout.fast.ts_utc:
            zoneless = pl.concat([zoneless, fast[0]["line"]])
        rows = pl.concat([fast[0], rows]).sort("line") if rows.height else fast[0]
    rows, notes = _chargers(lines, rows, layout, [stem(src) for src, _ in parts], starts)
    conns, conn_zoneless = None, pl.Series("line", [], dtype=pl.Int64)
    if layout.connect is not None:
        conns, conn_zoneless = _connections(lines, rows, layout, zone)
    short = lines.filter(pl.col("raw").str.len_bytes() < 64)
    blank = short.filter(pl.col("raw").str.strip_chars() == "")
    split = _Split(starts)
    own_rows, own_no_ts = split.each(rows), split.each(no_ts)
    own_conns = [None] * len(parts) if conns is None else split.each(conns)
    blanks = [b.height for b in split.each(blank)]
    zoned = split.holding(zoneless)
    conn_zoned = split.holding(conn_zoneless)
    out = []
    for k, (source, _) in enumerate(parts):
        frames, untimed, conn = own_rows[k], own_no_ts[k], own_conns[k]
        rejects = rejects_from(
            source.name,
            untimed["line"].to_list(),
            untimed["raw"].to_list(),
            "frame line without a readable timestamp",
        )
        used = frames.height + len(rejects) + (0 if conn is None else conn.height)
        own_notes = notes[k]
        if k in zoned or (conn is not None and conn.height and k in conn_zoned):
            own_notes.append(zone.why)
        out.append(
            ReadResult(
                frames.select("ts", "charger_id", "direction", "frame", "line"),
                noise=sizes[k] - blanks[k] - used,
                rejects=rejects,
                connections=conn,
                notes=own_notes,
                lines=sizes[k],
                verify_direction=layout.direction_note if layout.infer_direction else None,
            )
        )
    return out


@dataclass(frozen=True)
class _Split:
    """The joined lines' offsets: results handed back to each log with its own line numbers."""

    starts: list[int]

    def each(self, df: pl.DataFrame) -> list[pl.DataFrame]:
        """The rows of each log (by ``line``), numbered as in that log, in one pass."""
        if len(self.starts) == 1:
            return [df]
        part = part_of(pl.col("line") - 1, self.starts)
        tagged = df.with_columns(part).with_columns(own_line(pl.col("part__"), self.starts))
        return each_part(tagged, "part__", len(self.starts), df.clear())

    def holding(self, lines: pl.Series) -> set[int]:
        """The logs that any of ``lines`` (joined numbering) falls in."""
        if len(self.starts) == 1:
            return {0} if lines.len() else set()
        found = pl.select(part_of(pl.lit(lines) - 1, self.starts)).to_series()
        return set(found.unique().to_list())


def _split_no_ts(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frame lines without a readable timestamp, set apart (``line``, ``raw``) as rejects."""
    bad = rows.filter(pl.col("ts").is_null()).select("line", "raw")
    return rows.filter(pl.col("ts").is_not_null()), bad


def _holds_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``needles``: a needle is looked for only when each of its
    characters occurs (a one-character search is a fast byte scan; a longer one is not)."""
    return any(all(c in text for c in chars) and n in text for n, chars in _by_chars(needles))


@functools.lru_cache(maxsize=64)
def _hint(needles: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of ``needles``."""
    return re.compile("|".join(re.escape(n) for n in needles))


@functools.lru_cache(maxsize=64)
def _by_chars(needles: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each needle with its distinct characters (a layout's needles are fixed)."""
    return tuple((n, frozenset(n)) for n in needles)


def sniff_layout(
    head: str,
    name: str,
    pattern: str,
    confidence: float,
    what: str,
    *,
    need: int = 1,
    needles: tuple[str, ...] = (),
) -> Sniff:
    """Match when ``pattern`` (searched per line) hits at least ``need`` lines of ``head``.

    ``needles``: literal text every line ``pattern`` matches holds at least one of; lines
    without any are passed over without running the pattern (detection reads every file's
    head with every layout's pattern, so this is most of its cost).
    """
    rx = re.compile(pattern)
    hint = _hint(needles) if needles else None
    hits = 0
    if needles and not _holds_any(head, needles):
        return NoMatch(f"no {what}")
    for line in head_lines(head):
        if hint and not hint.search(line):
            continue
        if rx.search(line):
            hits += 1
            if hits >= need:
                return Match(name, confidence, f"{what} ({hits} line{'s' if hits > 1 else ''})")
    return NoMatch(f"no {what}")


__all__ = [
    "TS",
    "FastPath",
    "LayoutReader",
    "LineLayout",
    "Zone",
    "charger_expr",
    "find_zone",
    "parse_log_times",
    "read_layout",
    "read_lines",
    "sniff_layout",
    "split_lines",
    "stem",
]
