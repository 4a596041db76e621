"""Split raw OCPP-J frame text into the envelope columns, and check payloads given apart: the
compiled split where it can, DuckDB's JSON functions for the rest, in one vectorised pass each."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from chargescope import columnar
from chargescope.duck import cursor, to_duckdb, to_polars
from chargescope.readers.base import split_by
from chargescope.readers.ocppj import (
    CALL_CONNECTOR,
    COMPILED,
    FIRST_FIVE,
    VIEW_COLUMNS,
    compiled_payloads,
    compiled_split,
    elements,
    envelope_columns,
    payload_connector,
)

_SMART = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": '"', "\u2019": '"', "'": '"'})

# One JSON parse per frame: the first five array elements, then cheap unquoting of the small ones
# (``try`` gives NULL for text that is not JSON, and a non-array gives NULL elements; only those
# rare rows are parsed again to say why). Only the frame text goes through DuckDB; the result
# lines up with the input row by row.
_SPLIT_SQL = f"""
with p as (
    select frame, try(json_extract(frame, {FIRST_FIVE})) as j
    from raw
), q as (
    select frame, j, {elements("j")} from p
)
select {envelope_columns("frame")}
from q
"""

_SPLIT_COLS = ("message_type", "unique_id", "payload", "error_code", "error_description")

#: When the compiled split leaves more than this share of the frames, SQL splits them all.
SQL_SHARE = 0.5

_PAYLOAD_SQL = """
with p as (select payload, try(json(payload)) as j from raw)
select
    case when payload is null then '{}' else j end as payload,
    case when payload is not null and j is null then 'payload is not valid JSON' end as reason
from p
"""


def _run(sql: str, raw: pl.DataFrame) -> pl.DataFrame:
    """Run one SQL statement over ``raw`` (zero-copy through Arrow)."""
    with cursor() as con:
        con.register("raw", to_duckdb(raw))
        got = con.sql(sql).to_arrow_table()
    return to_polars(got)


def split_envelopes(frames: pl.Series) -> pl.DataFrame:
    """The envelope columns (``reason`` first, see :data:`ENVELOPE_NAMES`) of each frame text.
    The compiled split takes the frames it can; SQL splits the rest and says why one fails."""
    if not COMPILED or not frames.len():
        return _sql_split(frames)
    got, left = compiled_split(frames)
    if left.len() > SQL_SHARE * frames.len():
        return _sql_split(frames)
    reason = pl.repeat(None, frames.len(), dtype=pl.String, eager=True).alias("reason")
    got = got.select(reason, "message_type", *VIEW_COLUMNS, CALL_CONNECTOR)
    if not left.len():
        return got
    return _put(got, left, _sql_split(frames.gather(left)), got.columns)


def _sql_split(frames: pl.Series) -> pl.DataFrame:
    """The envelope columns of each frame text, split by SQL, with each call's connector."""
    got = _run(_SPLIT_SQL, frames.to_frame("frame"))
    of_call = pl.when(pl.col("message_type") == 2)  # a CALL
    connector = of_call.then(payload_connector(pl.col("payload"))).alias(CALL_CONNECTOR)
    return columnar.with_columns(got, connector)


def _split(whole: pl.DataFrame) -> pl.DataFrame:
    """Envelope columns for rows with frame text; reader-given action kept for answers."""
    parts = split_envelopes(whole["frame"])
    out = whole.drop(_SPLIT_COLS).hstack(parts)
    action = pl.coalesce("frame_action", "action")
    if out["action"].null_count() == out.height:  # the layout gives no actions of its own
        action = pl.col("frame_action")
    return out.with_columns(action.alias("action")).drop("frame_action")


def _repair_quotes(frames: pl.DataFrame) -> pl.DataFrame:
    """Retry frames whose JSON broke on typographic or single quotes (seen in portal exports)."""
    fixed = frames["frame"].map_elements(lambda s: s.translate(_SMART), return_dtype=pl.String)
    return frames.with_columns(fixed.alias("frame"))


def split_frames(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows with raw ``frame`` text; canonicalise ``payload`` of rows given in parts.

    Rows that fail come back apart, as ``src``, ``line``, ``text`` (the input) and ``reason``.
    """
    whole, parts = split_by(raw, raw["frame"].is_not_null())
    out: list[pl.DataFrame] = []
    bad: list[pl.DataFrame] = []
    if whole.height:
        split = _split(whole)
        broken = split.filter(pl.col("reason").is_not_null())
        if broken.height:
            retry = _split(_repair_quotes(raw_rows(whole, broken)))
            split = pl.concat([split.filter(pl.col("reason").is_null()), retry])
        ok, failed = _take(split, "frame")
        out.append(ok.drop("frame", "canonical", strict=False))
        bad.append(failed)
    if parts.height:
        ok, failed = _take(_checked_payloads(parts), "raw")
        out.append(ok.drop("frame", "canonical", strict=False))
        bad.append(failed)
    if not out:
        empty = raw.drop("frame", "canonical", strict=False)
        return empty.with_columns(pl.lit(None, pl.Int32).alias(CALL_CONNECTOR)), _no_rejects()
    return pl.concat(out, how="diagonal_relaxed"), pl.concat(bad)


def _checked_payloads(parts: pl.DataFrame) -> pl.DataFrame:
    """Rows given in parts with their payload checked and made compact (``reason`` when it is
    not JSON), and the connector it names (their message type may not be known yet). The
    compiled split takes the payloads it can, SQL the rest."""
    if not COMPILED or not parts.height:
        return _sql_checked_payloads(parts)
    got, left = compiled_payloads(parts["payload"])
    if left.len() > SQL_SHARE * parts.height:
        return _sql_checked_payloads(parts)
    reason = pl.repeat(None, parts.height, dtype=pl.String, eager=True).alias("reason")
    out = parts.with_columns(got["payload"], reason, got[CALL_CONNECTOR])
    if not left.len():
        return out
    return _put(
        out, left, _sql_checked_payloads(parts[left]), ("payload", "reason", CALL_CONNECTOR)
    )


def _put(
    into: pl.DataFrame, rows: pl.Series, rest: pl.DataFrame, cols: Sequence[str]
) -> pl.DataFrame:
    """``into`` with columns ``cols`` at ``rows`` taken from ``rest`` (what SQL gave for the
    rows the compiled split left)."""
    return into.with_columns(into[c].scatter(rows, rest[c]) for c in cols)


def _sql_checked_payloads(parts: pl.DataFrame) -> pl.DataFrame:
    """:func:`_checked_payloads` by SQL, and the connector by regex."""
    checked = _compact_payloads(parts)
    connector = payload_connector(pl.col("payload")).alias(CALL_CONNECTOR)
    return columnar.with_columns(checked, connector)


def _compact_payloads(parts: pl.DataFrame) -> pl.DataFrame:
    """Rows given in parts with their payload checked and made compact (``reason`` when it is
    not JSON); payloads a reader already read as JSON objects are taken as they are."""
    todo = parts["canonical"].fill_null(False).not_().arg_true()
    if todo.len() == parts.height:
        return parts.with_columns(_run(_PAYLOAD_SQL, parts.select("payload")))
    reason = pl.repeat(None, parts.height, dtype=pl.String, eager=True).alias("reason")
    if not todo.len():
        return parts.with_columns(reason)
    checked = _run(_PAYLOAD_SQL, parts.select(pl.col("payload").gather(todo)))
    payload = parts["payload"].scatter(todo, checked["payload"])
    return parts.with_columns(payload, reason.scatter(todo, checked["reason"]))


def raw_rows(whole: pl.DataFrame, bad: pl.DataFrame) -> pl.DataFrame:
    """The original rows of ``whole`` whose split failed (matched by source and place in it)."""
    return whole.join(bad.select("src", "seq"), on=["src", "seq"], how="semi")


#: The columns of rows that fail to split.
REJECT_SCHEMA: dict[str, pl.DataType] = {
    "src": pl.Int32(),
    "line": pl.Int64(),
    "text": pl.String(),
    "reason": pl.String(),
}


def _no_rejects() -> pl.DataFrame:
    """No failed rows."""
    return pl.DataFrame(schema=REJECT_SCHEMA)


def _take(split: pl.DataFrame, raw_col: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Separate split rows that failed (with their input text and reason)."""
    if split["reason"].null_count() == split.height:
        return split.drop("reason"), _no_rejects()
    failed = split.filter(pl.col("reason").is_not_null()).select(
        pl.col("src").cast(pl.Int32),
        pl.col("line").cast(pl.Int64),
        pl.col(raw_col).alias("text"),
        pl.format("malformed frame: {}", "reason").alias("reason"),
    )
    return split.filter(pl.col("reason").is_null()).drop("reason"), failed
