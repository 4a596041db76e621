"""Vectorised parsing of the timestamp spellings OCPP logs use, to UTC milliseconds."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import polars as pl

from chargescope.duck import cursor, to_duckdb
from chargescope.errors import ConfigError

UTC_MS = pl.Datetime("ms", "UTC")

# year-first: 2024-01-02T03:04:05.678Z, 2024/08/23 08:44:04, 2024-05-17T09:20:43:732 (OCTT)
_YMD = (
    r"^\s*\[?(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2}):(\d{2})"
    r"(?:[.,:](\d{1,9}))?\s*(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?\]?\s*$"
)
# day-first: 14.08.2025 11:40:44 (portal exports), 14/08/2025 11:40:44
_DMY = (
    r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})[T ](\d{1,2}):(\d{2}):(\d{2})"
    r"(?:[.,](\d{1,9}))?\s*(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$"
)
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$")


def offset_minutes(tz: str) -> int | None:
    """Minutes east of UTC for a fixed offset spelling such as ``+02:00`` (None if not one)."""
    tz = tz.strip()
    if tz.upper() in ("Z", "UTC", "GMT"):
        return 0
    m = _OFFSET.match(tz)
    if not m:
        return None
    sign = -1 if m.group(1) == "-" else 1
    return sign * (int(m.group(2)) * 60 + int(m.group(3) or 0))


def check_tz(tz: str | None) -> None:
    """Raise ConfigError if ``tz`` is neither a fixed offset nor a known zone name."""
    if tz is None or offset_minutes(tz) is not None:
        return
    try:
        pl.Series([datetime(2024, 1, 1)]).dt.replace_time_zone(tz)
    except Exception as exc:  # polars raises ComputeError for unknown zones
        raise ConfigError(
            f"unknown time zone {tz!r}: use an offset like +02:00 or a name like Europe/Zurich"
        ) from exc


def localize(naive: pl.Series, tz: str) -> pl.Series:
    """Zone-less local times read in the zone named ``tz``, as UTC.

    When clocks fall back, an hour of local times happens twice. A log is written in time
    order, so its times step back once in that hour: those before the step are the first
    pass, those after it the second (a log listed newest first steps forward instead, and the
    passes swap). An hour with no step is read as the first pass. Times in the hour skipped
    when clocks spring forward never happen: they are null."""
    early = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    late = naive.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
    twice = early.ne_missing(late)
    if not twice.any():
        return early.dt.convert_time_zone("UTC")
    rows = twice.arg_true()
    local = pl.DataFrame({"t": naive.gather(rows)}).with_columns(day=pl.col("t").dt.date())
    step = pl.col("t").diff().over("day")
    newest_first = local.select((step < 0).sum() > (step > 0).sum()).item()
    turned = ((step > 0) if newest_first else (step < 0)).fill_null(False).cum_max().over("day")
    second = local.select(turned.not_() if newest_first else turned).to_series()
    both = pl.DataFrame({"early": early.gather(rows), "late": late.gather(rows), "second": second})
    picked = both.select(pl.when("second").then("late").otherwise("early")).to_series()
    return early.scatter(rows, picked).dt.convert_time_zone("UTC")


def _zone_expr(col: str) -> pl.Expr:
    """Offset in minutes given by a captured zone group (null when there is none)."""
    z = pl.col(col)
    sign = pl.when(z.str.starts_with("-")).then(-1).otherwise(1)
    digits = z.str.replace_all(r"[^0-9]", "")
    hours = digits.str.slice(0, 2).cast(pl.Int32, strict=False)
    mins = digits.str.slice(2, 2).cast(pl.Int32, strict=False).fill_null(0)
    return (
        pl.when(z.is_null())
        .then(None)
        .when(z.str.to_uppercase().is_in(["Z", "UTC", "GMT"]))
        .then(0)
        .otherwise(sign * (hours * 60 + mins))
    )


def _assemble(groups: pl.DataFrame, order: tuple[int, int, int], tz: str | None) -> pl.Series:
    """Build UTC datetimes from captured date/time/fraction/zone groups."""
    y, mo, d = (pl.col(str(i)).str.zfill(2) for i in order)
    frac = pl.col("7").fill_null("0").str.pad_end(3, "0").str.slice(0, 3).cast(pl.Int32)
    text = pl.concat_str(
        [y, mo, d, pl.col("4").str.zfill(2), pl.col("5"), pl.col("6")], separator=" "
    )
    naive = text.str.strptime(pl.Datetime("ms"), "%Y %m %d %H %M %S", strict=False) + pl.duration(
        milliseconds=frac
    )
    zone = _zone_expr("8")
    default_off = offset_minutes(tz) if tz else 0
    if tz is not None and default_off is None:
        in_zone = localize(groups.select(naive.alias("n"))["n"], tz)
        local = pl.lit(in_zone.dt.replace_time_zone(None))
    else:
        local = naive - pl.duration(minutes=pl.lit(default_off or 0))
    out = pl.when(zone.is_not_null()).then(naive - pl.duration(minutes=zone)).otherwise(local)
    return groups.select(out.dt.replace_time_zone("UTC").dt.cast_time_unit("ms").alias("ts"))["ts"]


def parse_times(values: pl.Series, tz: str | None = None) -> pl.Series:
    """Parse timestamp strings to UTC ms; strings without a zone are read in ``tz`` (default UTC).

    Unparseable values become null; callers turn those rows into rejects.
    """
    s = values.cast(pl.String)
    zoned_only = tz is not None and offset_minutes(tz) != 0
    # DuckDB's cast trims blanks itself; only the zone check and the slower paths need them gone
    out = _fast_iso(s.str.strip_chars() if zoned_only else s, zoned_only=zoned_only)
    orders: tuple[tuple[str, tuple[int, int, int] | None], ...] = (
        (_YMD, (1, 2, 3)),
        (_DMY, (3, 2, 1)),
        (_EPOCH, None),
    )
    for pattern, order in orders:
        todo = (out.is_null() & s.is_not_null()).arg_true()
        if todo.len() == 0:
            break
        part = s.gather(todo).str.strip_chars()
        if order is None:
            parsed = _parse_epoch(part)
        else:
            groups = part.str.extract_groups(pattern).struct.unnest()
            groups.columns = [str(i + 1) for i in range(groups.width)]
            parsed = _assemble(groups, order, tz)
        out = out.scatter(todo, parsed)
    return out


#: Up to this many values, the usual ``...T..:..:..(.fff)Z`` form is parsed by Polars first:
#: DuckDB is faster per value but costs milliseconds per call, which a small file feels.
SMALL = 5_000


def _fast_iso(s: pl.Series, zoned_only: bool) -> pl.Series:
    """ISO-8601 strings through DuckDB's timestamp cast (fast); others stay null.

    With ``zoned_only`` only strings that state their zone are taken: zone-less ones must be
    read in the user's zone by the slower path.
    """
    if s.len() > SMALL:
        return _duck_iso(s, zoned_only)
    out = _utc_z(s)
    todo = (out.is_null() & s.is_not_null()).arg_true()
    if todo.len():
        out = out.scatter(todo, _duck_iso(s.gather(todo), zoned_only))
    return out


def _utc_z(s: pl.Series) -> pl.Series:
    """Strings written exactly ``YYYY-MM-DDTHH:MM:SS[.fff]Z``, as UTC ms (a leap second is left
    to DuckDB, which refuses it where Polars would roll over)."""
    usual = s.str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:[0-5]\d(?:\.\d{1,9})?Z$")
    parsed = s.str.strptime(pl.Datetime("ms"), "%Y-%m-%dT%H:%M:%S%.fZ", strict=False, exact=True)
    return pl.select(pl.when(usual).then(parsed).dt.replace_time_zone("UTC").alias("ts"))["ts"]


def iso_sql(zoned_only: bool) -> str:
    """The timestamp cast over table ``t``'s text column ``v``, row for row."""
    cond = r"regexp_matches(v, '(Z|[+-]\d\d:?\d\d)$')" if zoned_only else "true"
    return f"select case when {cond} then try_cast(v as TIMESTAMPTZ) end as ts from t"


def _duck_iso(s: pl.Series, zoned_only: bool) -> pl.Series:
    """:func:`_fast_iso` by DuckDB alone."""
    with cursor() as con:
        con.register("t", to_duckdb(pl.DataFrame({"v": s})))
        got = pl.from_arrow(con.sql(iso_sql(zoned_only)).to_arrow_table())
    assert isinstance(got, pl.DataFrame)
    return got["ts"].dt.convert_time_zone("UTC").dt.cast_time_unit("ms").alias("ts")


_EPOCH = r"^\d{9,13}(\.\d+)?$"


def _parse_epoch(s: pl.Series) -> pl.Series:
    """Numbers as Unix epoch seconds (< 1e11) or milliseconds."""
    num = s.str.strip_chars().cast(pl.Float64, strict=False)
    num = pl.select(pl.when(s.str.contains(_EPOCH)).then(num).alias("n"))["n"]
    ms = pl.select(
        pl.when(num.is_null())
        .then(None)
        .when(num.abs() < 1e11)
        .then(num * 1000)
        .otherwise(num)
        .cast(pl.Int64)
        .alias("ms")
    )["ms"]
    return ms.cast(pl.Datetime("ms")).dt.replace_time_zone("UTC")


#: A year-first or day-first local time anywhere in a line (a zone right after it is caught
#: too, so that zoned times can be told apart).
_LOCAL_IN_TEXT = re.compile(
    r"(?:(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))[T ]"
    r"(\d{1,2}):(\d{2}):(\d{2})(?:[.,:]\d{1,9})?(\s*(?:Z|z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
)


def _first_local_time(text: str) -> datetime | None:
    """The first timestamp in ``text`` when it states no zone (None otherwise)."""
    m = _LOCAL_IN_TEXT.search(text)
    if m is None or m.group(10):
        return None
    g = m.groups()
    y, mo, d = (g[0], g[1], g[2]) if g[0] else (g[5], g[4], g[3])
    try:
        return datetime(int(y), int(mo), int(d), int(g[6]), int(g[7]), int(g[8]))
    except ValueError:
        return None


def skipped_local_times(texts: list[str], tz: str) -> list[datetime | None]:
    """For each text, its first (zone-less) timestamp when that local time never happens in
    the zone named ``tz``: the hour clocks skip when they spring forward. None otherwise."""
    if offset_minutes(tz) is not None:
        return [None] * len(texts)
    found = [_first_local_time(t) for t in texts]
    naive = pl.Series(found, dtype=pl.Datetime("us"))
    there = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    return [f if f is not None and t is None else None for f, t in zip(found, there, strict=True)]


def parse_one(value: str, tz: str | None = None) -> datetime | None:
    """Parse a single timestamp (for banner lines and sparse fields)."""
    res = parse_times(pl.Series([value]), tz)[0]
    return res if isinstance(res, datetime) else None


def format_ms(ts: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z."""
    return (
        ts.astimezone(tz=None if ts.tzinfo is None else ts.tzinfo).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{ts.microsecond // 1000:03d}Z"
    )


def shift(ts: datetime, minutes: int) -> datetime:
    """``ts`` moved by ``minutes``."""
    return ts + timedelta(minutes=minutes)
