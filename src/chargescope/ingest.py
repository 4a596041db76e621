"""Read sources into one normalized, de-duplicated, paired and validated frame table."""

from __future__ import annotations

import dataclasses
import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from chargescope import duck
from chargescope.errors import EmptyInputError, InputError, UnknownLayoutError
from chargescope.model.envelope import REJECT_SCHEMA, split_frames
from chargescope.model.pairing import pair, pairing_counts
from chargescope.model.schema import (
    CALL,
    CONN_SCHEMA,
    FRAME_SCHEMA,
    MESSAGE_TYPES,
    TO_CHARGER,
    TO_CSMS,
)
from chargescope.protocol.actions import CHARGER_ACTIONS, CSMS_ACTIONS
from chargescope.protocol.schemas import validate
from chargescope.protocol.versions import detect_versions
from chargescope.readers import all_readers, detect, get_reader
from chargescope.readers.base import (
    RAW_SCHEMA,
    ManyReader,
    Reader,
    ReadOptions,
    ReadResult,
    Reject,
    Source,
    conform,
)
from chargescope.readers.ocppj import CALL_CONNECTOR
from chargescope.readers.source import input_files, is_blank, read_sources
from chargescope.readers.times import skipped_local_times

#: The reason a line whose time could not be read is rejected.
UNTIMED = "no readable timestamp"


@dataclass
class FileSummary:
    """What one input source gave."""

    path: str
    layout: str
    reason: str
    lines: int
    frames: int
    noise: int
    rejects: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "layout": self.layout,
            "detected_because": self.reason,
            "lines": self.lines,
            "frames": self.frames,
            "noise": self.noise,
            "rejects": self.rejects,
            "notes": self.notes,
        }


@dataclass
class Ingest:
    """The normalized frame table and what it took to build it."""

    frames: pl.DataFrame
    connections: pl.DataFrame
    files: list[FileSummary]
    rejects: list[Reject]
    duplicates: int = 0

    def summary(self) -> dict[str, Any]:
        """The ingest summary (the `--json` output of `chargescope ingest`)."""
        f = self.frames
        # the table is sorted by charger: its first row per charger carries the version
        heads = f.filter(pl.col("charger_id").ne_missing(pl.col("charger_id").shift()))
        versions = heads.group_by("ocpp_version").len().sort("ocpp_version")
        return {
            "files": [s.as_dict() for s in self.files],
            "frames": f.height,
            **pairing_counts(f),
            "chargers": heads.height,
            "versions": dict(versions.iter_rows()),
            "start": _iso(f["ts"].min()),
            "end": _iso(f["ts"].max()),
            "duplicates_dropped": self.duplicates,
            "connection_events": self.connections.height,
            "invalid_payloads": int(f["valid"].eq(False).sum()),
            "skipped_files": sum(1 for s in self.files if s.layout == UNKNOWN),
            "rejects": len(self.rejects),
            "reject_samples": [r.__dict__ for r in self.rejects[:20]],
        }


def _iso(ts: Any) -> str | None:
    """ISO-8601 UTC with milliseconds."""
    if ts is None:
        return None
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


Progress = Callable[[str, int, int], None]


def choose_reader(source: Source, layout: str | None, options: ReadOptions) -> tuple[Reader, str]:
    """The reader of one source (``layout`` forces it) and why it was chosen."""
    if layout:
        return get_reader(layout), "forced with --format"
    det = detect(source, options)
    return det.reader, det.match.reason


def _summary(source: Source, reader: Reader, reason: str, result: ReadResult) -> FileSummary:
    """What one source gave, before normalizing (the source's own note, on its encoding,
    joins the reader's, first)."""
    if source.note:
        result.notes.insert(0, source.note)
    return FileSummary(
        source.name,
        reader.name,
        reason,
        result.lines,
        0,
        result.noise,
        len(result.rejects),
        list(result.notes),
    )


def _answer_actions(df: pl.DataFrame) -> pl.DataFrame:
    """Answers without direction or action take the action of their call (same charger and
    message id, the nearest call before them in the source): their direction follows from it.
    Rows are in source order, so an as-of join finds each answer's call."""
    need = (
        pl.col("direction").is_null()
        & pl.col("action").is_null()
        & pl.col("message_type").is_in([3, 4])
    )
    rows = df.select(need.arg_true()).to_series()
    if not rows.len():
        return df
    place = pl.col("src").cast(pl.Int64) * (1 << 40) + pl.col("seq")
    if not df.select(place).to_series().is_sorted():  # the split groups rows by kind
        df = df.sort("src", "seq")
        rows = df.select(need.arg_true()).to_series()
    base = df.select(
        place.alias("place__"),
        # one integer key (a struct's hash costs twice as much as its columns' combined)
        (
            pl.col("src").hash(1)
            ^ pl.col("charger_id").hash(2)
            ^ (pl.col("unique_id").hash(3) * 31)
        ).alias("key__"),
        "message_type",
        "action",
    )
    answers = base[rows].select("place__", "key__").with_columns(rows.alias("row__"))
    calls = base.filter((pl.col("message_type") == 2) & pl.col("action").is_not_null())
    got = answers.join_asof(
        calls.select("place__", "key__", "action"),
        on="place__",
        by="key__",
        strategy="backward",
        check_sortedness=False,
    ).filter(pl.col("action").is_not_null())
    return df.with_columns(df["action"].scatter(got["row__"], got["action"]))


def _fill_direction(df: pl.DataFrame) -> pl.DataFrame:
    """Infer a missing direction from the action (who sends it), for calls and answers."""
    if not df["direction"].null_count():
        return df
    sender_is_charger = pl.col("action").is_in(list(CHARGER_ACTIONS))
    # a call travels the way its sender sends, an answer (or a row of unknown kind) back
    to_csms = (pl.col("message_type") == 2).fill_null(False) == sender_is_charger
    guess = (
        pl.when(pl.col("action").is_null())
        .then(None)
        .when(to_csms)
        .then(pl.lit(TO_CSMS))
        .otherwise(pl.lit(TO_CHARGER))
    )
    return df.with_columns(pl.coalesce("direction", guess).alias("direction"))


_FLIP = {TO_CSMS: TO_CHARGER, TO_CHARGER: TO_CSMS}


def _check_directions(
    df: pl.DataFrame, conventions: dict[int, tuple[str, list[str]]]
) -> pl.DataFrame:
    """Flip a source's directions when most calls travel against their action's sender
    (``conventions``: for each source that asks for the check, its convention and its notes)."""
    if not conventions:
        return df
    one_sided = pl.col("action").is_in(list(CHARGER_ACTIONS - CSMS_ACTIONS)) | pl.col(
        "action"
    ).is_in(list(CSMS_ACTIONS - CHARGER_ACTIONS))
    calls = df.filter(
        pl.col("src").is_in(list(conventions))
        & (pl.col("message_type") == 2)
        & one_sided
        & pl.col("direction").is_not_null()
    )
    by_charger = pl.col("action").is_in(list(CHARGER_ACTIONS))
    expected = pl.when(by_charger).then(pl.lit(TO_CSMS)).otherwise(pl.lit(TO_CHARGER))
    votes = calls.group_by("src").agg(
        (pl.col("direction") == expected).sum().alias("agree"), pl.len()
    )
    counts = {src: (int(agree), int(n)) for src, agree, n in votes.iter_rows()}
    flip = []
    for src, (convention, notes) in conventions.items():
        agree, n = counts.get(src, (0, 0))
        if n - agree > agree:
            flip.append(src)
            notes.append(
                f"direction markers read the other way round than {convention}: "
                f"{n - agree} of {n} calls say so by their action"
            )
        elif convention:
            checked = (
                f"{agree} of {n} calls agree by their action"
                if n
                else "no call with a one-way action to check it against"
            )
            notes.append(f"direction markers read as {convention} ({checked})")
    if not flip:
        return df
    flipped = pl.col("direction").replace_strict(_FLIP, default=None)
    return df.with_columns(
        pl.when(pl.col("src").is_in(flip))
        .then(flipped)
        .otherwise(pl.col("direction"))
        .alias("direction")
    )


def _fill_message_type(df: pl.DataFrame) -> pl.DataFrame:
    """For rows given as parts without a kind: a call when it travels the way its action is sent."""
    if not df["message_type"].null_count():
        return df
    sender = (
        pl.when(pl.col("action").is_in(list(CHARGER_ACTIONS)))
        .then(pl.lit(TO_CSMS))
        .otherwise(pl.lit(TO_CHARGER))
    )
    guess = (
        pl.when(pl.col("action").is_null() | pl.col("direction").is_null())
        .then(None)
        .when(pl.col("direction") == sender)
        .then(pl.lit(2, dtype=pl.Int8))
        .otherwise(pl.lit(3, dtype=pl.Int8))
    )
    return df.with_columns(pl.coalesce("message_type", guess).alias("message_type"))


def _required(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Set apart rows that lack a time, a charger or a direction (and drop the rows' raw text)."""
    checks = [
        ("message_type", "message type unknown (call or answer?)"),
        ("ts", UNTIMED),
        ("charger_id", "no charger id"),
        ("direction", "direction unknown (not given, and not inferable from the action)"),
    ]
    failed = [pl.DataFrame(schema=REJECT_SCHEMA)]
    if not df.select(pl.any_horizontal(pl.col(c).is_null() for c, _ in checks).any()).item():
        return df.drop("raw"), failed[0]
    for col, reason in checks:
        bad = df.filter(pl.col(col).is_null())
        failed.append(
            bad.select(
                pl.col("src").cast(pl.Int32),
                pl.col("line").fill_null(0).cast(pl.Int64),
                pl.col("raw").fill_null("").alias("text"),
                pl.lit(reason).alias("reason"),
            )
        )
        df = df.filter(pl.col(col).is_not_null())
    return df.drop("raw"), pl.concat(failed)


@dataclass
class _Read:
    """One source's reader output, waiting to be normalized."""

    result: ReadResult
    src: int
    name: str


#: Sources are normalized together until this many rows wait. Each pass costs milliseconds
#: however few its rows: a directory of a thousand small files pays that once per batch.
NORMALIZE_BATCH = 500_000


def _raw(reads: list[_Read]) -> pl.DataFrame:
    """The readers' rows in the raw schema, tagged with their source, place in it and file
    (one pass for all of them: a per-source pass costs as much for ten rows as for ten
    thousand)."""
    if len(reads) == 1:  # constant columns stay scalars: nothing repeated per row
        read = reads[0]
        return conform(read.result.frames, RAW_SCHEMA).with_columns(
            pl.lit(read.src, dtype=pl.Int32).alias("src"),
            pl.lit(read.name).alias("file"),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("seq"),
            pl.coalesce("frame", "payload").alias("raw"),
        )
    reads = [r for r in reads if r.result.frames.height]
    frames = [r.result.frames for r in reads]
    if not frames:
        rows = pl.DataFrame(schema=RAW_SCHEMA)
    else:
        rows = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")
    tags = pl.DataFrame(
        {
            "src": pl.Series([r.src for r in reads], dtype=pl.Int32),
            "file": pl.Series([r.name for r in reads], dtype=pl.String),
            "n": pl.Series([f.height for f in frames], dtype=pl.Int64),
        }
    ).select(pl.col("src", "file").repeat_by("n").explode())
    return (
        conform(rows, RAW_SCHEMA)
        .hstack(tags)
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).over("src").alias("seq"),
            pl.coalesce("frame", "payload").alias("raw"),
        )
    )


def normalize(reads: list[_Read]) -> tuple[pl.DataFrame, dict[int, list[Reject]]]:
    """Split the raw rows of several sources into normalized columns (not yet sorted or
    paired), and each source's rejects."""
    split, bad = split_frames(_raw(reads))
    split = _answer_actions(split)
    conventions = {
        r.src: (r.result.verify_direction, r.result.notes)
        for r in reads
        if r.result.verify_direction is not None
    }
    split = _fill_message_type(_fill_direction(_check_directions(split, conventions)))
    split, missing = _required(split)
    names = {r.src: r.name for r in reads}
    rejects: dict[int, list[Reject]] = {r.src: [] for r in reads}
    for src, line, text, reason in pl.concat([bad, missing]).iter_rows():
        rejects[src].append(Reject(names[src], int(line or 0), (text or "")[:2000], reason))
    return split, rejects


def normalize_source(result: ReadResult, src: int, file: str) -> tuple[pl.DataFrame, list[Reject]]:
    """Split one reader's raw rows into normalized columns (not yet sorted or paired)."""
    split, rejects = normalize([_Read(result, src, file)])
    return split, rejects[src]


def _connector_expr() -> pl.Expr:
    """connector id given by the layout, else the one a call's payload names (2.x evse id,
    else 1.6 connectorId; read as the frames were split)."""
    from_call = pl.when(pl.col("message_type") == CALL).then(pl.col(CALL_CONNECTOR))
    return pl.coalesce(pl.col("connector_id"), from_call).alias("connector_id")


def _dedupe(df: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Keep a frame seen in several sources only from the first of them. Only frames that
    share their time and message id with another are compared in full (a frame's columns
    are most of the table's bytes, and most folders hold no frame twice)."""
    if df["src"].n_unique() < 2:
        return df, 0
    key = ["charger_id", "ts", "direction", "message_type", "unique_id", "payload"]
    alike = df.select(pl.struct("ts", "unique_id").is_duplicated()).to_series().arg_true()
    if not alike.len():
        return df, 0
    some = df.select(*key, "src")[alike]
    first = pl.col("src").min().over(key, order_by=None)
    later = alike.filter(some.select(pl.col("src") != first).to_series())
    if not later.len():
        return df, 0
    drop = pl.repeat(False, df.height, dtype=pl.Boolean, eager=True).scatter(later, True)
    return df.filter(~drop), later.len()


def _by_charger_and_time(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` sorted by charger, time and source order (when a full sort is needed, charger
    ids are ranked first: sorting integers is faster than sorting strings). The rows are
    gathered from one chunk per column: a gather across chunks is several times slower."""
    df = df.rechunk()
    ids = df["charger_id"]
    if ids.null_count() or df.height < 2:
        return df.sort(["charger_id", "ts", "src", "seq"], nulls_last=False)
    order = _by_charger_only(df)
    if order is None:
        names = ids.unique().sort()
        rank = ids.replace_strict(
            names, pl.int_range(names.len(), eager=True, dtype=pl.UInt32), return_dtype=pl.UInt32
        )
        full = df.select(pl.arg_sort_by([rank, pl.col("ts"), pl.col("src"), pl.col("seq")]))
        return df[full.to_series()]
    return df[order]


def _by_charger_only(df: pl.DataFrame) -> pl.Series | None:
    """The order of a stable sort by charger alone, when that is enough: the rows come in
    source order and each charger's times then never go back (logs are mostly written in
    time order). None when it is not enough.

    Grouping keeps each group's rows in input order, so the groups' row lists, in charger
    order, are that stable sort (four times faster than sorting the rows)."""
    in_source_order = df.select(
        (pl.col("src").diff().fill_null(0) > 0)
        | ((pl.col("src").diff().fill_null(0) == 0) & (pl.col("seq").diff().fill_null(1) > 0))
    ).to_series()
    if not in_source_order.all():
        return None
    groups = (
        df.select("charger_id", "ts", pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"))
        .group_by("charger_id")
        .agg("row", pl.col("ts").diff().dt.total_milliseconds().min().alias("back"))
    )
    if (groups["back"] < 0).any():
        return None
    return groups.sort("charger_id")["row"].explode()


def build_table(parts: list[pl.DataFrame]) -> tuple[pl.DataFrame, int]:
    """Merge normalized parts into the sorted, paired, versioned frame table."""
    df = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame(schema=FRAME_SCHEMA)
    df = df.with_columns(
        pl.col("message_type").replace_strict(MESSAGE_TYPES, return_dtype=pl.String),
    )
    df = df.with_columns(_connector_expr()).drop(CALL_CONNECTOR)
    df, dropped = _dedupe(df)
    df = _by_charger_and_time(df).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("frame_id")
    )
    df = pair(df)
    versions = detect_versions(df)
    df = df.drop("ocpp_version", strict=False).join(
        versions, on="charger_id", how="left", maintain_order="left"
    )
    return df, dropped


def finish(df: pl.DataFrame, check_schemas: bool) -> pl.DataFrame:
    """Validate payloads (optional) and conform to FRAME_SCHEMA."""
    if check_schemas and df.height:
        df = validate(df)
    return conform(df, FRAME_SCHEMA)


def _normalize_waiting(
    waiting: list[tuple[_Read, FileSummary]], rejects: list[Reject]
) -> pl.DataFrame:
    """Normalize the waiting sources together; fill in their summaries and add their rejects
    (each source's reader rejects first, then those of normalizing)."""
    part, more = normalize([r for r, _ in waiting])
    frames = dict(part.group_by("src").len().iter_rows())
    for read, summary in waiting:
        summary.notes = list(read.result.notes)
        summary.frames = frames.get(read.src, 0)
        summary.rejects += len(more[read.src])
        rejects += read.result.rejects + more[read.src]
    return part


#: Sources smaller than this are read two at a time: a small file's read is mostly fixed
#: costs per call, half of them spent outside the interpreter lock. Larger ones are read one
#: by one, so that only one large file's bytes are held at a time.
PARALLEL_BELOW = 8 << 20
#: Consecutive small sources of a layout that reads several at once (``read_many``) are read
#: together up to this many bytes.
GROUP_BYTES = 8 << 20

#: What a source gave: its rows and summary, why no layout fits it, or (empty) its note
_Got = tuple[ReadResult, FileSummary] | UnknownLayoutError | str
_Job = Future[list[tuple[str, _Got]]]
_Chosen = tuple[Source, Reader, str]


def _read_group(group: list[_Chosen], options: ReadOptions) -> list[tuple[str, _Got]]:
    """Read small sources: together when their reader reads several at once, else one by one."""
    reader = group[0][1]
    if len(group) > 1 and isinstance(reader, ManyReader):
        results = reader.read_many([src for src, _, _ in group], options)
    else:
        results = [r.read(src, options) for src, r, _ in group]
    return [
        (src.name, (res, _summary(src, r, why, res)))
        for (src, r, why), res in zip(group, results, strict=True)
    ]


class _Reading:
    """Sources read in input order: small ones grouped or two at a time on a thread pool."""

    def __init__(self, pool: ThreadPoolExecutor, options: ReadOptions) -> None:
        self.pool, self.options = pool, options
        self.window: deque[_Job] = deque()
        self.group: list[_Chosen] = []
        self.bytes = 0

    def add(self, item: _Chosen) -> Iterator[tuple[str, _Got]]:
        """Queue one small source; yield what is done by now."""
        reader = item[1]
        many = isinstance(reader, ManyReader)
        if self.group and not (many and self.group[0][1] is reader):
            self._submit()
        self.group.append(item)
        self.bytes += len(item[0].data)
        if not many or self.bytes >= GROUP_BYTES:
            self._submit()
        while len(self.window) > 2:
            yield from self.window.popleft().result()

    def settled(self, name: str, got: UnknownLayoutError | str) -> None:
        """Queue a source there is nothing to read in (empty, or no layout fits it)."""
        self._submit()
        done: _Job = Future()
        done.set_result([(name, got)])
        self.window.append(done)

    def drain(self) -> Iterator[tuple[str, _Got]]:
        """Everything queued, read."""
        self._submit()
        while self.window:
            yield from self.window.popleft().result()

    def _submit(self) -> None:
        """Start reading the queued group."""
        if self.group:
            self.window.append(self.pool.submit(_read_group, self.group, self.options))
            self.group, self.bytes = [], 0


#: The note on an empty source.
EMPTY = "empty file"

#: The note on a source no layout fits.
SKIPPED = (
    "skipped: no known OCPP log layout matched (--explain says why each layout said no; "
    "--format NAME or --columns reads it as one)"
)


#: The layout named in the summary of a source no layout fits.
UNKNOWN = "unknown"


def _skipped(name: str) -> FileSummary:
    """The summary of a source no layout fits."""
    return FileSummary(name, UNKNOWN, "no layout matched", 0, 0, 0, 0, [SKIPPED])


def _warm_up() -> None:
    """Load the layout modules and open the SQL engine (one-time costs of ~50 ms), and
    Arrow's compute functions (as long again; the EVerest reader splits with them)."""
    all_readers()
    duck.database()
    importlib.import_module("pyarrow.compute")


def _read_each(
    sources: Iterable[Source], layout: str | None, options: ReadOptions
) -> Iterator[tuple[str, _Got]]:
    """Each source's name and what it gave, in input order.

    Small sources are read on two threads, consecutive ones of a layout that reads several
    at once together; a large one is read alone, once those before it are done. No source
    or result outlives its turn here: the next file is read only once the previous large
    one has been let go. A source no layout fits gives the reasons each layout said no."""
    with ThreadPoolExecutor(2) as pool:
        pool.submit(_warm_up)  # while the first file is read from disk
        reading = _Reading(pool, options)
        for source in sources:
            if is_blank(source.data):
                reading.settled(source.name, source.note or EMPTY)
                continue
            try:
                reader, reason = choose_reader(source, layout, options)
            except UnknownLayoutError as exc:
                reading.settled(source.name, exc)
                continue
            except InputError:
                yield from reading.drain()
                raise
            if len(source.data) < PARALLEL_BELOW:
                yield from reading.add((source, reader, reason))
                del source
                continue
            yield from reading.drain()
            name = source.name
            result = reader.read(source, options)
            got = (result, _summary(source, reader, reason, result))
            del source, result
            yield name, got
            del got
        yield from reading.drain()


def ingest_sources(
    sources: Iterable[Source],
    *,
    layout: str | None = None,
    options: ReadOptions | None = None,
    check_schemas: bool = True,
    progress: Progress | None = None,
    total: int = 0,
) -> Ingest:
    """Read, normalize, merge, pair and validate every source (``total``: how many are
    expected, for ``progress``). Each large source is let go once read, so only one large
    file's bytes are held at a time. A source no layout fits is skipped and listed as such
    (a folder of logs often holds a note or two), unless no other source gave anything:
    then it is the error."""
    options = options or ReadOptions()
    parts, files, conns, names = [], [], [], []
    rejects: list[Reject] = []
    waiting: list[tuple[_Read, FileSummary]] = []
    unknown: list[UnknownLayoutError] = []
    rows = 0
    for i, (name, got) in enumerate(_read_each(sources, layout, options)):
        if progress:
            progress(name, i, max(total, i + 1))
        names.append(name)
        if isinstance(got, str):
            files.append(FileSummary(name, "-", got, 0, 0, 0, 0, [got]))
            continue
        if isinstance(got, UnknownLayoutError):
            unknown.append(got)
            files.append(_skipped(name))
            continue
        result, summary = got
        waiting.append((_Read(result, i, summary.path), summary))
        files.append(summary)
        if result.connections is not None and result.connections.height:
            conns.append(
                conform(result.connections, CONN_SCHEMA).with_columns(
                    pl.lit(summary.path).alias("file")
                )
            )
        rows += result.frames.height
        del got, result  # once normalized, a source's raw rows can go before the next is read
        if rows >= NORMALIZE_BATCH:
            parts.append(_normalize_waiting(waiting, rejects))
            waiting, rows = [], 0
    if waiting:
        parts.append(_normalize_waiting(waiting, rejects))
    if not parts and unknown:
        raise unknown[0]
    if not parts:
        raise EmptyInputError(
            f"{', '.join(names) or 'the input'}: empty input, no log lines to read"
        )
    if options.tz:
        _explain_skipped_times(rejects, options.tz)
    table, dropped = build_table(parts)
    connections = (
        pl.concat(conns).sort(["charger_id", "ts"])
        if conns
        else pl.DataFrame(schema={**CONN_SCHEMA, "file": pl.String()})
    )
    return Ingest(finish(table, check_schemas), connections, files, rejects, dropped)


def _explain_skipped_times(rejects: list[Reject], tz: str) -> None:
    """Say so where a line's time was not read because it falls in the hour clocks skip in
    spring in zone ``tz`` (such a time never happens there: the log is likely in another)."""
    at = [i for i, r in enumerate(rejects) if "readable timestamp" in r.reason]
    if not at:
        return
    for i, when in zip(at, skipped_local_times([rejects[i].raw for i in at], tz), strict=True):
        if when is not None:
            rejects[i] = dataclasses.replace(
                rejects[i],
                reason=f"local time {when:%Y-%m-%d %H:%M:%S} does not exist in {tz} (clocks "
                "skip that hour in spring; the log may be in another zone than --tz)",
            )


def ingest(
    paths: list[str],
    *,
    layout: str | None = None,
    options: ReadOptions | None = None,
    check_schemas: bool = True,
    progress: Progress | None = None,
) -> Ingest:
    """Read every path (files, directories, archives, ``-``) into one frame table."""
    files = input_files(paths)
    if not files:
        raise EmptyInputError(f"{', '.join(paths)}: no files in it to read")
    return ingest_sources(
        read_sources(files),
        layout=layout,
        options=options,
        check_schemas=check_schemas,
        progress=progress,
        total=len(files),
    )
