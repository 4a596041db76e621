"""Column-mapped CSV reading: the ``--columns`` layout, and the engine the fixed CSV layouts share.

A delimited file is read in three steps: find the header line (banner lines before it are
noise), load every column as text with its 1-based source line, then map named columns to the
raw frame columns (``KEYS``). The fixed layouts (sheet, portal, citrine, kwwhat) are such a
mapping found from their header; ``custom`` takes the mapping from ``--columns``.
"""

from __future__ import annotations

import csv as _csv
import functools
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

import polars as pl

from chargescope import columnar
from chargescope.errors import ConfigError
from chargescope.readers import CUSTOM_NO, register
from chargescope.readers.base import (
    NoMatch,
    ReadOptions,
    ReadResult,
    Reject,
    Sniff,
    Source,
    direction_word,
    each_part,
    empty_frames,
    in_groups,
    join_bodies,
    own_line,
    per_value,
)
from chargescope.readers.tabular import (
    newest_first_parts,
    read_csv_text,
    reverse_parts,
    row_lines,
)
from chargescope.readers.times import parse_times

#: What a mapped column can be; the keys ``--columns`` accepts.
KEYS = (
    "time",
    "charger",
    "direction",
    "frame",
    "message_type",
    "unique_id",
    "action",
    "payload",
    "connector",
    "site",
)
DELIMITERS = (",", ";", "\t", "|")
#: How many non-blank lines may precede the header (titles, ``sep=;``, export notes).
HEADER_SEARCH_LINES = 30
_BOM = b"\xef\xbb\xbf"
_ZONED = r"(?i)(?:z|utc|gmt|[+-]\d{2}:?\d{2})\]?$|^\d{9,13}(?:\.\d+)?$"

# Message-type cells: "BootNotification", "BootNotification.req", "Authorize.conf",
# "HeartbeatResponse", "StartTransaction Response", "Reset.error", or a bare "CALLERROR".
_TYPE_WORDS = {
    "2": 2,
    "call": 2,
    "req": 2,
    "request": 2,
    "3": 3,
    "callresult": 3,
    "result": 3,
    "response": 3,
    "resp": 3,
    "res": 3,
    "conf": 3,
    "confirmation": 3,
    "answer": 3,
    "4": 4,
    "callerror": 4,
    "error": 4,
    "err": 4,
    "5": 5,  # OCPP 2.1
    "callresulterror": 5,
    "6": 6,
    "send": 6,
}
_TYPE_CELL = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9_]*?)"
    r"(?:\s*[.:/_\- ]\s*([A-Za-z]+)|(Request|Response|Confirmation|Error))?\s*$"
)


def norm(name: str) -> str:
    """A column name reduced for matching: lower case, no spaces, dashes, dots or underscores."""
    return re.sub(r"[\s_\-.]+", "", name.strip().strip('"').strip().lower())


@dataclass(frozen=True)
class Header:
    """Where a delimited file's header line is and how it splits."""

    line: int  # 1-based line of the header
    offset: int  # byte offset of the header line in the (BOM-less) data
    delim: str
    names: list[str]  # column names as written, trimmed


def split_line(line: str) -> tuple[str, list[str]]:
    """The delimiter giving the most fields, and the trimmed fields of ``line``."""
    best: tuple[str, list[str]] = (",", [line.strip()])
    for delim in DELIMITERS:
        if delim not in line:
            continue
        try:
            fields = next(_csv.reader([line], delimiter=delim), [])
        except _csv.Error:  # a stray carriage return inside the line
            fields = line.split(delim)
        if len(fields) > len(best[1]):
            best = (delim, [f.strip().strip('"').strip() for f in fields])
    return best


@functools.lru_cache(maxsize=256)
def _header_fields(text: str) -> tuple[str, list[str], tuple[str, ...]]:
    """:func:`split_line` of a candidate header line, with the names normalized (cached: every
    CSV layout's sniff looks at the same leading lines)."""
    delim, names = split_line(text)
    return delim, names, tuple(norm(n) for n in names)


#: A candidate header line: its number, the byte offset it starts at, and its text.
_Candidate = tuple[int, int, str]


def _candidates(data: bytes, limit: int) -> list[_Candidate]:
    """The first ``limit`` non-blank lines of the first 256 KiB of ``data`` (BOM dropped), cut
    one at a time (a file's lines after its header are never looked at)."""
    out: list[_Candidate] = []
    start = len(_BOM) if data.startswith(_BOM) else 0
    stop = start + _CANDIDATE_BYTES
    offset, number = start, 1
    while offset <= min(len(data), stop) and len(out) < limit:
        end = data.find(b"\n", offset, stop)
        end = min(len(data), stop) if end < 0 else end
        text = data[offset:end].decode("utf-8", errors="replace").strip()
        if text:
            out.append((number, offset - start, text))
        offset, number = end + 1, number + 1
    return out


#: How far into a file header lines are looked for.
_CANDIDATE_BYTES = 256 * 1024


@functools.lru_cache(maxsize=8)
def _head_candidates(head: str, limit: int) -> tuple[_Candidate, ...]:
    """:func:`_candidates` of a detection head (once for all the CSV layouts' sniffs)."""
    return tuple(_candidates(head.encode("utf-8"), limit))


def find_header(
    data: bytes | str, accept: Callable[[list[str]], bool], limit: int = HEADER_SEARCH_LINES
) -> Header | None:
    """The first of the leading non-blank lines whose normalized names ``accept`` takes."""
    found = _head_candidates(data, limit) if isinstance(data, str) else _candidates(data, limit)
    for number, offset, text in found:
        if "{" not in text:  # else a JSON cell: a data row, not a header
            delim, names, normed = _header_fields(text)
            if accept(list(normed)):
                return Header(number, offset, delim, list(names))
    return None


def pick(names: list[str], *candidates: str) -> int | None:
    """Index of the first candidate (normalized spelling) present in normalized ``names``."""
    for c in candidates:
        if c in names:
            return names.index(c)
    return None


def _python_rows(body: bytes, delim: str, width: int) -> pl.DataFrame:
    """Lenient fallback for CSV that Polars refuses (stray quotes): Python's csv module."""
    text = body.decode("utf-8", errors="replace")
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    next(reader, None)  # the header
    cols: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    start = reader.line_num + 1
    for fields in reader:
        padded = (fields + [""] * width)[:width]
        for col, value in zip(cols, padded, strict=True):
            col.append(value or None)
        lines.append(start)
        start = reader.line_num + 1
    data: dict[str, list[str | None] | list[int]] = {f"c{i}": c for i, c in enumerate(cols)}
    data["line"] = lines
    return pl.DataFrame(
        data, schema={**{f"c{i}": pl.String for i in range(width)}, "line": pl.Int64}
    )


def load_rows(source: Source, hdr: Header) -> pl.DataFrame:
    """Every column as text named ``c0``, ``c1``, ... plus the 1-based ``line`` of each row."""
    body = source.data.removeprefix(_BOM)[hdr.offset :]
    width = len(hdr.names)
    try:
        df = read_csv_text(body, hdr.delim)
    except pl.exceptions.PolarsError:
        out = _python_rows(body, hdr.delim, width)
        return out.with_columns(pl.col("line") + (hdr.line - 1))
    df = df.select(df.columns[:width])
    df.columns = [f"c{i}" for i in range(df.width)]
    for i in range(df.width, width):  # a header polars split shorter than ours
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias(f"c{i}"))
    return df.with_columns(row_lines(df, hdr.line + 1).alias("line"))


def _type_of(cell: str) -> tuple[int | None, str | None]:
    """Message type and action named by one message-type cell (None when it names neither)."""
    squashed = re.sub(r"[\s_\-]+", "", cell.strip().lower())
    if squashed in _TYPE_WORDS:
        return _TYPE_WORDS[squashed], None
    m = _TYPE_CELL.match(cell)
    if not m:
        return None, None
    suffix = (m.group(2) or m.group(3) or "").lower()
    if not suffix:
        return 2, m.group(1)
    kind = _TYPE_WORDS.get(suffix)
    if kind is None:  # "Foo Bar": not a suffix we know, so not an action either
        return None, None
    return kind, m.group(1)


def message_type_exprs(values: pl.Series) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for the message type (Int8) and action named by a message-type column."""
    distinct = [v for v in values.unique().to_list() if v is not None]
    kinds: dict[str, int | None] = {}
    actions: dict[str, str | None] = {}
    for v in distinct:
        kinds[v], actions[v] = _type_of(v)
    col = pl.col(values.name)
    kind = col.replace_strict(kinds, default=None, return_dtype=pl.Int8)
    action = col.replace_strict(actions, default=None, return_dtype=pl.String)
    return kind, action


def _blank(expr: pl.Expr) -> pl.Expr:
    """Cells trimmed, null when empty or only whitespace. Only cells with whitespace at an
    end are rewritten; the others (nearly all) keep their bytes where they are."""
    padded = expr.str.head(1).str.contains(r"^\s") | expr.str.tail(1).str.contains(r"\s$")
    s = pl.when(padded).then(expr.str.strip_chars()).otherwise(expr)
    return pl.when(s == "").then(None).otherwise(s)


@dataclass(frozen=True)
class ColumnMap:
    """Which loaded column (``c0``, ``c1``, ...) carries each key, plus layout words."""

    cols: dict[str, str]
    direction_words: Mapping[str, str] | None = None


def _direction(m: ColumnMap, rows: pl.DataFrame) -> pl.Expr:
    """Direction from the mapped column: layout words first, then the shared words (worked
    out once per distinct word)."""
    col = m.cols.get("direction")
    if col is None:
        return pl.lit(None, dtype=pl.String)
    own = m.direction_words

    def word(e: pl.Expr) -> pl.Expr:
        shared = direction_word(e)
        return pl.coalesce(direction_word(e, own), shared) if own else shared

    return per_value(col, word, rows)


#: Zone-less spellings tried as one strptime pass before the general parser (portal, sheet).
_FAST_FORMATS = ("%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f")


def times(values: pl.Series, tz: str | None) -> pl.Series:
    """``parse_times``, with one strptime pass first when a common zone-less spelling fits."""
    if tz is None:
        sample = values.drop_nulls().head(50).str.strip_chars()
        for fmt in _FAST_FORMATS:
            if sample.len() and sample.str.to_datetime(fmt, strict=False).is_not_null().all():
                fast = values.str.strip_chars().str.to_datetime(
                    fmt, time_unit="ms", time_zone="UTC", strict=False
                )
                todo = (fast.is_null() & values.is_not_null()).arg_true()
                if todo.len():
                    fast = fast.scatter(todo, parse_times(values.gather(todo), tz))
                return fast.alias("ts")
    return parse_times(values, tz)


def _columns(rows: pl.DataFrame, m: ColumnMap, stem: pl.Expr, ts: pl.Series | None) -> pl.DataFrame:
    """Map loaded text columns to raw frame columns (frame/payload not yet split); ``stem``
    is the charger id where no column gives one, ``ts`` the parsed time column if any."""
    c = m.cols

    def text(key: str) -> pl.Expr:
        return _blank(pl.col(c[key])) if key in c else pl.lit(None, dtype=pl.String)

    kind, type_action = (
        message_type_exprs(rows[c["message_type"]])
        if "message_type" in c
        else (pl.lit(None, dtype=pl.Int8), pl.lit(None, dtype=pl.String))
    )
    charger = text("charger") if "charger" in c else stem
    if ts is None:
        ts = pl.repeat(None, rows.height, dtype=pl.Datetime("ms", "UTC"), eager=True)
    # every row's cells trimmed: the rows spread over every core
    mapped = columnar.select(
        rows,
        charger.alias("charger_id"),
        _direction(m, rows).alias("direction"),
        text("frame").alias("_f"),
        text("payload").alias("_p"),
        kind.alias("message_type"),
        text("unique_id").alias("unique_id"),
        pl.coalesce(text("action"), type_action).alias("action"),
        text("connector").cast(pl.Int32, strict=False).alias("connector_id"),
        text("site").alias("site_id"),
        "line",
        pl.all_horizontal([pl.col(x).is_null() for x in c.values()]).alias("_blank"),
    )
    return mapped.insert_column(0, ts.cast(pl.Datetime("ms", "UTC")).alias("ts"))


def _frame_or_payload(df: pl.DataFrame) -> pl.DataFrame:
    """A whole OCPP-J array goes to ``frame``; a JSON object to ``payload`` (any column)."""
    f, p = pl.col("_f"), pl.col("_p")
    frame = (
        pl.when(f.str.starts_with("["))
        .then(f)
        .when(p.str.starts_with("["))
        .then(p)
        .when(f.is_not_null() & ~f.str.starts_with("{") & pl.col("message_type").is_null())
        .then(f)  # garbage where a frame belongs: the envelope split rejects it with a reason
    )
    df = df.with_columns(frame.alias("frame"))
    payload = pl.when(pl.col("frame").is_null()).then(pl.coalesce(p, f))
    df = df.with_columns(payload.alias("payload"))
    kind = pl.col("message_type")  # unknown kinds are inferred in ingest from the action
    return df.with_columns(
        pl.when(pl.col("frame").is_null()).then(kind).alias("message_type")
    ).drop("_f", "_p")


def _errors(df: pl.DataFrame) -> pl.DataFrame:
    """Split CALLERROR (and CALLRESULTERROR) rows given as parts: code and description out of
    the payload object."""
    is_err = pl.col("message_type").is_in([4, 5]) & pl.col("frame").is_null()
    idx = df.select(is_err.fill_null(False).arg_true()).to_series()
    none = pl.repeat(None, df.height, dtype=pl.String, eager=True)
    if idx.len() == 0:
        return df.with_columns(none.alias("error_code"), none.alias("error_description"))
    p = pl.col("payload")
    errs = df[idx].select(
        pl.coalesce(p.str.json_path_match("$.errorCode"), p.str.json_path_match("$.code"))
        .fill_null("GenericError")
        .alias("error_code"),
        pl.coalesce(
            p.str.json_path_match("$.errorDescription"),
            p.str.json_path_match("$.description"),
            p.str.json_path_match("$.message"),
        )
        .fill_null("")
        .alias("error_description"),
        pl.coalesce(p.str.json_path_match("$.errorDetails"), p).alias("payload"),
    )
    # ``scatter`` writes into its series: each column starts from a copy of its own
    return df.with_columns(
        none.clone().scatter(idx, errs["error_code"]).alias("error_code"),
        none.clone().scatter(idx, errs["error_description"]).alias("error_description"),
        df["payload"].clone().scatter(idx, errs["payload"]).alias("payload"),
    )


def _reasons(df: pl.DataFrame) -> pl.DataFrame:
    """Classify rows: blank, noise, a reject reason, or null for a frame."""
    has_msg = pl.col("frame").is_not_null() | pl.col("payload").is_not_null()
    reason = (
        pl.when(pl.col("_blank"))
        .then(pl.lit("blank"))
        .when(pl.col("ts").is_null() & ~has_msg)
        .then(pl.lit("noise"))
        .when(pl.col("ts").is_null())
        .then(pl.lit("no readable timestamp"))
        .when(~has_msg)
        .then(pl.lit("no OCPP message in the row"))
        .when(
            pl.col("frame").is_null()
            & pl.col("message_type").is_null()
            & (pl.col("action").is_null() | pl.col("direction").is_null())
        )
        .then(pl.lit("no message type, and no action and direction to tell a call from an answer"))
    )
    return df.with_columns(reason.alias("_why"))


def _raw_text(rows: pl.DataFrame, lines: pl.Series, delim: str) -> list[str]:
    """The cells of the given lines joined back with the delimiter (for rejects)."""
    picked = rows.filter(pl.col("line").is_in(lines.implode()))
    cells = [pl.col(c).fill_null("") for c in picked.columns if c != "line"]
    return picked.select(pl.concat_str(cells, separator=delim))[:, 0].to_list()


def zone_note(tz: str | None) -> str:
    """The note saying how zone-less times were read."""
    if tz:
        return f"times without a zone read as {tz} (--tz)"
    return "times without a zone read as UTC"


def read_mapped(
    source: Source, hdr: Header, mapping: ColumnMap, options: ReadOptions
) -> ReadResult:
    """Read a delimited source whose header is ``hdr`` with columns mapped by ``mapping``."""
    rows = load_rows(source, hdr)
    time_col = mapping.cols.get("time")
    ts = times(rows[time_col], options.tz) if time_col else None
    stem = pl.lit(PurePath(source.name).stem)
    df = _reasons(_errors(_frame_or_payload(_columns(rows, mapping, stem, ts))))
    return _mapped_result(source, hdr, mapping, options, rows, df)


def _mapped_result(
    source: Source,
    hdr: Header,
    mapping: ColumnMap,
    options: ReadOptions,
    rows: pl.DataFrame,
    df: pl.DataFrame,
) -> ReadResult:
    """One source's result from its loaded ``rows`` and their classified frame rows ``df``."""
    part = pl.lit(0, dtype=pl.UInt32).alias("part__")
    return _mapped_results(
        [source], hdr, mapping, options, rows.with_columns(part), df.with_columns(part)
    )[0]


_REVERSED = "rows were newest first: read in reverse"


def _mapped_results(
    sources: list[Source],
    hdr: Header,
    mapping: ColumnMap,
    options: ReadOptions,
    rows: pl.DataFrame,
    df: pl.DataFrame,
) -> list[ReadResult]:
    """Each source's result from the loaded ``rows`` and their classified frame rows ``df``
    of several sources read as one (``part__`` says whose a row is; ``line`` is numbered in
    each source): each as if read alone, worked out over the whole table at once."""
    n = len(sources)
    why = pl.col("_why")
    rejects = _mapped_rejects(
        sources, hdr, rows, df.filter(why.is_not_null() & ~why.is_in(["blank", "noise"]))
    )
    noise = _per_part(df.filter(why == "noise"), n)
    df = df.filter(why.is_null()).drop("_why", "_blank")
    notes: list[list[str]] = [[] for _ in sources]
    if "charger" not in mapping.cols:
        for k, source in enumerate(sources):
            stem = PurePath(source.name).stem
            notes[k].append(f"no charger column: charger id taken from the file name ({stem})")
    if "time" in mapping.cols:
        for k in _zoneless_parts(rows[mapping.cols["time"]], rows["part__"], n):
            notes[k].append(zone_note(options.tz))
    newest = newest_first_parts(df, "part__", n)
    for k in newest:
        notes[k].append(_REVERSED)
    df = df.reverse() if newest and n == 1 else reverse_parts(df, "part__", newest)
    lines = _per_part(rows, n)
    frames = (
        [df.drop("part__")] if n == 1 else each_part(df, "part__", n, df.clear().drop("part__"))
    )
    return [
        ReadResult(
            frames[k],
            noise=banner_noise(source, hdr) + noise.get(k, 0),
            rejects=rejects[k],
            notes=notes[k],
            lines=hdr.line + lines.get(k, 0),
        )
        for k, source in enumerate(sources)
    ]


def _mapped_rejects(
    sources: list[Source], hdr: Header, rows: pl.DataFrame, bad: pl.DataFrame
) -> list[list[Reject]]:
    """Each source's rejects: its ``bad`` rows, with their cells joined back as the text."""
    out: list[list[Reject]] = [[] for _ in sources]
    if not bad.height:
        return out
    own_rows = rows.partition_by("part__", as_dict=True, include_key=False)
    for (part,), mine in bad.partition_by("part__", as_dict=True, include_key=False).items():
        k = int(part)
        texts = _raw_text(own_rows[(part,)], mine["line"], hdr.delim)
        out[k] = [
            Reject(sources[k].name, int(line), raw[:2000], reason)
            for line, raw, reason in zip(
                mine["line"].to_list(), texts, mine["_why"].to_list(), strict=True
            )
        ]
    return out


def _per_part(df: pl.DataFrame, n: int) -> dict[int, int]:
    """How many rows of ``df`` each part has (one part: no grouping)."""
    if n == 1:
        return {0: df.height}
    return dict(df.group_by("part__").len().iter_rows())


def _zoneless_parts(values: pl.Series, part: pl.Series, n: int) -> list[int]:
    """The parts holding a time value that states no zone (values ending in the usual ``Z``
    are passed over before the pattern is tried on the rest; one part stops at the first)."""
    zoneless = values.is_not_null() & ~values.str.ends_with("Z")
    rest = zoneless.arg_true()
    if not rest.len():
        return []
    if n == 1 and not values.gather(rest[:64]).str.strip_chars().str.contains(_ZONED).all():
        return [0]
    stated = values.gather(rest).str.strip_chars().str.contains(_ZONED)
    zoneless = zoneless.scatter(rest, ~stated)
    if n == 1:
        return [0] if zoneless.any() else []
    return pl.DataFrame({"part": part, "z": zoneless}).filter("z")["part"].unique().sort().to_list()


#: A delimited source's header and column mapping, None when it has no header a reader takes.
Plan = tuple[Header, ColumnMap] | None


def read_mapped_many(
    sources: list[Source],
    plans: list[Plan],
    options: ReadOptions,
    one: Callable[[Source], ReadResult],
    finish: Callable[[ReadResult], ReadResult] = lambda r: r,
) -> list[ReadResult]:
    """Several delimited sources, each as if read alone (``one`` reads those without a
    plan). Those with the same lines up to and including their header are parsed as one
    (rows numbered on), mapped and classified together, then handed back file by file; each
    planned source's result goes through ``finish``."""
    keys = [_preamble(s, p[0]) if p else None for s, p in zip(sources, plans, strict=True)]

    def alone(i: int) -> ReadResult:
        plan = plans[i]
        return finish(read_mapped(sources[i], *plan, options)) if plan else one(sources[i])

    def read(key: bytes | None, idx: list[int]) -> list[ReadResult]:
        plan = plans[idx[0]]
        got = None
        if key and plan and len(idx) > 1:
            got = _read_mapped_joint([sources[i] for i in idx], key, *plan, options)
        return [alone(i) for i in idx] if got is None else [finish(r) for r in got]

    return in_groups(keys, read)


def _preamble(source: Source, hdr: Header) -> bytes | None:
    """A source's bytes up to and including its header line (None if nothing follows)."""
    data = source.data.removeprefix(_BOM)
    end = data.find(b"\n", hdr.offset)
    return None if end < 0 else data[: end + 1]


def _read_mapped_joint(
    sources: list[Source], preamble: bytes, hdr: Header, mapping: ColumnMap, options: ReadOptions
) -> list[ReadResult] | None:
    """Sources sharing ``preamble`` read as one; None when that could differ from reading
    each alone (a row over several lines, a blank line, a lone carriage return)."""
    joined = join_bodies([s.data.removeprefix(_BOM)[len(preamble) :] for s in sources], preamble)
    if joined is None:
        return None
    rows = load_rows(Source("joint", joined.data), hdr)
    if rows.height != sum(joined.counts) or not rows["line"].is_sorted():
        return None
    starts = joined.starts
    rows = rows.with_columns(joined.part_of(pl.col("line") - hdr.line - 1))
    stems = dict(enumerate(PurePath(s.name).stem for s in sources))
    stem = pl.col("part__").replace_strict(stems, return_dtype=pl.String)
    time_col = mapping.cols.get("time")
    ts = times_by_part(rows[time_col], rows["part__"], options.tz) if time_col else None
    df = _columns(rows, mapping, stem, ts).with_columns(rows["part__"])
    df = _reasons(_errors(_frame_or_payload(df)))
    line = own_line(pl.col("part__"), starts)
    rows, df = rows.with_columns(line), df.with_columns(line)
    return _mapped_results(sources, hdr, mapping, options, rows, df)


def times_by_part(values: pl.Series, part: pl.Series, tz: str | None) -> pl.Series:
    """:func:`times` of each part's values, as if each part were parsed alone (the fast
    spelling is chosen per part from its own first values)."""
    if tz is not None:
        return parse_times(values, tz)
    df = pl.DataFrame({"v": values, "part": part})
    heads = (
        df.filter(pl.col("v").is_not_null())
        .group_by("part", maintain_order=True)
        .head(50)
        .with_columns(pl.col("v").str.strip_chars())
    )
    chosen: dict[int, str] = {}
    for fmt in _FAST_FORMATS:
        fits = heads.group_by("part").agg(
            pl.col("v").str.to_datetime(fmt, strict=False).is_not_null().all().alias("ok")
        )
        for k, ok in fits.iter_rows():
            if ok and k not in chosen:
                chosen[k] = fmt
    out = pl.repeat(None, values.len(), dtype=pl.Datetime("ms", "UTC"), eager=True)
    for fmt in dict.fromkeys(chosen.values()):
        mine = part.is_in([k for k, f in chosen.items() if f == fmt])
        fast = values.str.strip_chars().str.to_datetime(
            fmt, time_unit="ms", time_zone="UTC", strict=False
        )
        out = pl.select(pl.when(mine).then(fast).otherwise(out).alias("ts"))["ts"]
    todo = (out.is_null() & values.is_not_null()).arg_true()
    if todo.len():
        out = out.scatter(todo, parse_times(values.gather(todo), tz))
    return out.alias("ts")


def all_rejected(source: Source, reason: str) -> ReadResult:
    """A forced read of content without the layout's header: every non-blank line is a reject."""
    lines = source.text().splitlines()
    rejects = [
        Reject(source.name, n, line[:2000], reason)
        for n, line in enumerate(lines, start=1)
        if line.strip()
    ]
    return ReadResult(empty_frames(), rejects=rejects, lines=len(lines))


def _match_column(wanted: str, names: list[str]) -> int | None:
    """Index of the header column named ``wanted``: exact, then case-insensitive, then loose."""
    for probe in (
        lambda n: n == wanted,
        lambda n: n.strip().lower() == wanted.strip().lower(),
        lambda n: norm(n) == norm(wanted),
    ):
        for i, n in enumerate(names):
            if probe(n):
                return i
    return None


def custom_mapping(columns: dict[str, str], names: list[str]) -> ColumnMap:
    """Check ``--columns`` against a header; ConfigError naming the file's columns if wrong."""
    unknown = sorted(set(columns) - set(KEYS))
    listed = ", ".join(repr(n) for n in names) or "none"
    if unknown:
        raise ConfigError(
            f"--columns: unknown key(s) {', '.join(unknown)}; use {', '.join(KEYS)} "
            f"(the file's columns are {listed})"
        )
    cols: dict[str, str] = {}
    missing = []
    for key, name in columns.items():
        idx = _match_column(name, names)
        if idx is None:
            missing.append(f"{key}={name}")
        else:
            cols[key] = f"c{idx}"
    if missing:
        raise ConfigError(
            f"--columns: no column for {', '.join(missing)}; the file's columns are {listed}"
        )
    if "time" not in cols or not ({"frame", "payload"} & set(cols)):
        raise ConfigError(
            "--columns needs time=COL and frame=COL (or payload=COL with message_type=COL "
            f"or action=COL); the file's columns are {listed}"
        )
    return ColumnMap(cols)


class CustomReader:
    """Reads any delimited file whose columns the user maps with ``--columns``."""

    name = "custom"
    title = "Any CSV with a --columns mapping (time, charger, direction, frame or payload, ...)"
    sample = (
        "Date;Station;Dir;Msg\n"
        '2025-03-03 08:00:00;CP-1;in;"[2,""1"",""Heartbeat"",{}]"\n'
        '2025-03-03 08:00:00;CP-1;out;"[3,""1"",{""currentTime"":""2025-03-03T08:00:00Z""}]"'
    )

    def sniff(self, head: str) -> Sniff:
        """Never by content: chosen only when --columns is given."""
        return NoMatch(CUSTOM_NO)

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Find the header holding every mapped column, then read it through the mapping."""
        columns = options.columns or {}
        if not columns:
            raise ConfigError("the custom layout needs --columns time=COL,frame=COL,...")
        wanted = list(columns.values())

        def has_all(normed: list[str]) -> bool:
            return all(norm(w) in normed for w in wanted)

        hdr = find_header(source.data, has_all)
        if hdr is None:
            first = find_header(source.data, lambda n: True)
            names = first.names if first else []
            custom_mapping(columns, names)  # raises, naming the columns the file has
            raise ConfigError("--columns: no header line with the mapped columns")
        return read_mapped(source, hdr, custom_mapping(columns, hdr.names), options)


def banner_noise(source: Source, hdr: Header) -> int:
    """Non-blank lines before the header (titles, ``sep=;``): counted as noise."""
    before = source.data.removeprefix(_BOM)[: hdr.offset]
    return sum(1 for line in before.split(b"\n") if line.strip())


register(CustomReader())
