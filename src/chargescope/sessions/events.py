"""Vectorised extraction of the sparse events the analysis reads from a frame table.

Works on a table of one charger or of a whole fleet (every step is keyed by ``charger_id``):
filter first, decode only the payload fields needed with one DuckDB JSON pass per kind of
message (the meter readings, the largest, on a worker thread while the rest runs), and return
small tables (status reports, transaction messages, boots, commands, errors, meter readings,
silences) that the Python state machines then walk per charger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb
import polars as pl
import pyarrow as pa

from chargescope.duck import cursor, to_duckdb
from chargescope.model.schema import (
    CALL,
    CALLERROR,
    CALLRESULT,
    CALLRESULTERROR,
    FRAME_SCHEMA,
    TO_CHARGER,
    TO_CSMS,
)
from chargescope.protocol import v16, v201

T = TypeVar("T")

_BOTH = (v16, v201)
AUTH_ACTIONS = frozenset().union(*(p.AUTH_ACTIONS for p in _BOTH))
TX_ACTIONS = frozenset().union(*(p.TX_ACTIONS for p in _BOTH))
FIRMWARE_ACTIONS = frozenset().union(*(p.FIRMWARE_ACTIONS for p in _BOTH))
DIAGNOSTICS_ACTIONS = frozenset().union(*(p.DIAGNOSTICS_ACTIONS for p in _BOTH))
PROGRESS_ACTIONS = FIRMWARE_ACTIONS | DIAGNOSTICS_ACTIONS
ENERGY_MEASURANDS = frozenset(p.ENERGY_MEASURAND for p in _BOTH)
POWER_MEASURANDS = frozenset(p.POWER_MEASURAND for p in _BOTH)
SOC_MEASURANDS = frozenset(p.SOC_MEASURAND for p in _BOTH)

#: Charger calls whose payload the analysis reads.
CHARGER_EVENTS = frozenset(
    {"BootNotification", "StatusNotification", "Authorize", "NotifyEvent"}
    | TX_ACTIONS
    | PROGRESS_ACTIONS
)
#: Calls whose answer payload the analysis reads (charger calls plus every CSMS command).
ANSWERED = frozenset({"BootNotification"}) | AUTH_ACTIONS | TX_ACTIONS

#: Output column -> JSON paths tried in order (first non-null wins).
FIELDS: dict[str, tuple[str, ...]] = {
    "status": (
        "$.status",
        "$.connectorStatus",
        "$.setVariableResult[0].attributeStatus",
        "$.setVariableResult[0].status",
    ),
    "err": ("$.errorCode",),
    "vendor_err": ("$.vendorErrorCode",),
    "info": ("$.info",),
    "cts": ("$.timestamp",),
    "id_tag": ("$.idTag", "$.idToken.idToken"),
    "meter_start": ("$.meterStart",),
    "meter_stop": ("$.meterStop",),
    "reason": ("$.reason", "$.transactionInfo.stoppedReason"),
    "tx_id": ("$.transactionId", "$.transactionInfo.transactionId"),
    "auth": ("$.idTagInfo.status", "$.idTokenInfo.status"),
    "interval": ("$.interval",),
    "event_type": ("$.eventType",),
    "trigger": ("$.triggerReason",),
    "offline": ("$.offline",),
    "charging_state": ("$.transactionInfo.chargingState",),
    "vendor": ("$.chargePointVendor", "$.chargingStation.vendorName"),
    "model": ("$.chargePointModel", "$.chargingStation.model"),
    "firmware": ("$.firmwareVersion", "$.chargingStation.firmwareVersion"),
    "serial": (
        "$.chargePointSerialNumber",
        "$.chargeBoxSerialNumber",
        "$.chargingStation.serialNumber",
    ),
    "reason_code": ("$.statusInfo.reasonCode",),
    "key": ("$.key", "$.requestedMessage", "$.type"),
    "value": ("$.value",),
    # NotifyEvent (2.0.1): the first event's variable, value and technical code
    "variable": ("$.eventData[0].variable.name",),
    "actual": ("$.eventData[0].actualValue",),
    "tech_code": ("$.eventData[0].techCode",),
    "tech_info": ("$.eventData[0].techInfo",),
}

_SV = (
    '[{"value":"VARCHAR","measurand":"VARCHAR","unit":"VARCHAR","unitOfMeasure":{"unit":"VARCHAR",'
    '"multiplier":"INTEGER"},"phase":"VARCHAR","context":"VARCHAR"}]'
)
_MV = f'[{{"timestamp":"VARCHAR","sampledValue":{_SV}}}]'
#: What the readings need of MeterValues / StopTransaction payloads.
_READINGS_STRUCT = f'{{"transactionId":"VARCHAR","meterValue":{_MV},"transactionData":{_MV}}}'
#: What the analysis reads of a TransactionEvent, its meter values included.
_TXEVENT_STRUCT = (
    '{"eventType":"VARCHAR","timestamp":"VARCHAR","triggerReason":"VARCHAR","offline":"VARCHAR",'
    '"transactionInfo":{"transactionId":"VARCHAR","stoppedReason":"VARCHAR",'
    f'"chargingState":"VARCHAR"}},"idToken":{{"idToken":"VARCHAR"}},"meterValue":{_MV}}}'
)
_VAL = (
    "TRY_CAST(x.value AS DOUBLE) * CASE WHEN lower(coalesce(x.unit, x.unitOfMeasure.unit, '')) "
    "IN ('kwh', 'kw') THEN 1000 ELSE 1 END * pow(10, coalesce(x.unitOfMeasure.multiplier, 0))"
)


def _pick(measurands: frozenset[str], value: str = _VAL, energy: bool = False) -> str:
    """SQL: the largest value among a meterValue's samples of ``measurands`` (no phase)."""
    names = ", ".join(f"'{m}'" for m in sorted(measurands))
    measurand = (
        "coalesce(x.measurand, 'Energy.Active.Import.Register')" if energy else "x.measurand"
    )
    phase = "" if "SoC" in measurands else " AND x.phase IS NULL"
    return (
        f"list_max(list_transform(m.sampledValue, lambda x: CASE WHEN {measurand} IN ({names})"
        f"{phase} THEN {value} END))"
    )


#: What a meterValue ``m`` gives: the largest energy register, power and SoC sample, the largest
#: context, and the sampled time.
_READING_COLS = f"""
       {_pick(ENERGY_MEASURANDS, energy=True)} AS wh,
       {_pick(POWER_MEASURANDS)} AS power_w,
       {_pick(SOC_MEASURANDS, "TRY_CAST(x.value AS DOUBLE)")} AS soc,
       list_max(list_transform(m.sampledValue, lambda x: x.context)) AS context,
       TRY_CAST(m.timestamp AS TIMESTAMPTZ) AS mtime"""

#: One row per meterValue of MeterValues and StopTransaction calls (one JSON pass).
_READINGS_SQL = f"""
SELECT frame_id, tx_id, {_READING_COLS}
FROM (SELECT frame_id, p.transactionId AS tx_id,
             unnest(CASE WHEN action = 'MeterValues' THEN p.meterValue
                         ELSE coalesce(p.meterValue, p.transactionData) END) AS m
      FROM (SELECT frame_id, action, TRY(json_transform(payload, '{_READINGS_STRUCT}')) AS p
            FROM arrow))
"""

#: One row per meterValue of each TransactionEvent (one row with null readings when it has
#: none), with the event's fields (one JSON pass).
_TXEVENT_SQL = f"""
SELECT frame_id, tx_id, event_type, cts, trigger, offline, id_tag, reason, charging_state,
       has_mv, {_READING_COLS}
FROM (SELECT frame_id, p.transactionInfo.transactionId AS tx_id, p.eventType AS event_type,
             p.timestamp AS cts, p.triggerReason AS trigger, p.offline AS offline,
             p.idToken.idToken AS id_tag, p.transactionInfo.stoppedReason AS reason,
             p.transactionInfo.chargingState AS charging_state,
             coalesce(len(p.meterValue), 0) > 0 AS has_mv,
             unnest(CASE WHEN len(p.meterValue) > 0 THEN p.meterValue ELSE [NULL] END) AS m
      FROM (SELECT frame_id, TRY(json_transform(payload, '{_TXEVENT_STRUCT}')) AS p
            FROM arrow))
"""

#: The event columns of the result above.
_TXEVENT_COLS = (
    "frame_id",
    "tx_id",
    "event_type",
    "cts",
    "trigger",
    "offline",
    "id_tag",
    "reason",
    "charging_state",
)
#: The reading columns of both results above.
_READING_NAMES = ("frame_id", "tx_id", "wh", "power_w", "soc", "context", "mtime")


@dataclass(frozen=True)
class Extract:
    """The sparse tables of one or many chargers (each has ``charger_id``)."""

    stats: pl.DataFrame  # one row per charger: first/last frame, counts, version, site, interval
    actions: pl.DataFrame  # charger_id, action, frames
    status: pl.DataFrame  # StatusNotification calls
    tx: pl.DataFrame  # Start/StopTransaction and TransactionEvent calls with their answers
    boots: pl.DataFrame  # BootNotification calls with their answers
    auth: pl.DataFrame  # Authorize calls with their answers
    commands: pl.DataFrame  # CSMS calls with their answers
    progress: pl.DataFrame  # firmware / diagnostics status notifications
    problems: pl.DataFrame  # 2.0.1 NotifyEvent reports of a Problem (raised or cleared)
    # CALLERROR frames with the call they answer; CALLRESULTERROR ones with the answer
    errors: pl.DataFrame
    unanswered: pl.DataFrame  # calls without an answer
    slow: pl.DataFrame  # calls answered later than the slow threshold
    invalid: pl.DataFrame  # schema violations per charger, action and message type
    readings: pl.DataFrame  # meter readings (energy Wh, power W, SoC %) per sampled time
    gaps: pl.DataFrame  # silences of the charger longer than the keep threshold
    connections: pl.DataFrame  # websocket connection events


def as_polars(frames: pl.DataFrame | pa.Table) -> pl.DataFrame:
    """A Polars frame table from a Polars DataFrame or a pyarrow Table."""
    if isinstance(frames, pa.Table):
        got = pl.from_arrow(frames)
        assert isinstance(got, pl.DataFrame)
        frames = got
    missing = [c for c in FRAME_SCHEMA if c not in frames.columns]
    if missing:
        frames = frames.with_columns(pl.lit(None, dtype=FRAME_SCHEMA[c]).alias(c) for c in missing)
    if not frames["frame_id"].is_sorted():  # e.g. a Spark group: restore charger/time order
        frames = frames.sort("frame_id")
    return frames


#: Fields read from answers.
ANSWER_FIELDS = {k: FIELDS[k] for k in ("status", "auth", "tx_id", "interval", "reason_code")}


def _decode(
    df: pl.DataFrame,
    fields: dict[str, tuple[str, ...]] = FIELDS,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pl.DataFrame:
    """Add one column per ``fields`` entry, decoded from ``payload`` in one JSON pass."""
    paths: list[str] = [p for ps in fields.values() for p in ps]
    if df.height == 0:
        return df.with_columns(pl.lit(None, dtype=pl.String).alias(k) for k in fields)
    quoted = ", ".join(f"'{p}'" for p in paths)
    cols, i = [], 1
    for name, ps in fields.items():  # first non-null path of each field
        cols.append(f'coalesce({", ".join(f"v[{i + k}]" for k in range(len(ps)))}) AS "{name}"')
        i += len(ps)
    with _connection(con) as c:
        c.register("arrow", to_duckdb(df.select("payload")))
        got = (
            c.sql(
                f"SELECT {', '.join(cols)} FROM (SELECT CASE WHEN json_valid(payload) THEN "
                f"json_extract_string(payload, [{quoted}]) END AS v FROM arrow)"
            )
            .pl()
            .rechunk()
        )
        c.unregister("arrow")
    return pl.concat([df, got], how="horizontal")


def in_background(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Run ``fn(*args)`` on a worker thread; the future gives its result (or raises its error)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends after the job


@contextmanager
def _connection(con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """``con``, or a cursor of the shared database closed on exit."""
    if con is not None:
        yield con
        return
    with cursor() as own:  # payload times without a zone are read as UTC
        yield own


def _with_answers(calls: pl.DataFrame, answers: pl.DataFrame, keep: list[str]) -> pl.DataFrame:
    """Join answer columns (prefixed ``a_``) onto their calls."""
    a = answers.select(
        pl.col("frame_id").alias("a_frame"),
        pl.col("peer_id").alias("frame_id"),
        pl.col("ts").alias("a_ts"),
        pl.col("message_type").alias("a_type"),
        *[pl.col(k).alias(f"a_{k}") for k in keep],
    )
    return calls.join(a, on="frame_id", how="left", maintain_order="left")


def _payloads(
    frames: pl.DataFrame, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Meter readings and TransactionEvent fields, each payload parsed once.

    Readings: one row per meterValue of the charger's MeterValues, TransactionEvent and
    StopTransaction (transactionData) calls: energy register Wh, power W, SoC %, context, time.
    DuckDB types only the fields read, and reduces each meterValue to numbers in the same pass.
    """
    mv = frames.select("frame_id", "charger_id", "ts", "connector_id", "action", "payload").filter(
        (frames["message_type"] == CALL)
        & (frames["direction"] == TO_CSMS)
        & frames["action"].is_in(["MeterValues", "TransactionEvent", "StopTransaction"])
    )
    mv = mv.filter(
        (pl.col("action") != "StopTransaction")
        | pl.col("payload").str.contains("sampledValue", literal=True)
    )
    is_te = pl.col("action") == "TransactionEvent"
    with _connection(con) as c:
        c.register("arrow", to_duckdb(mv.filter(~is_te).select("frame_id", "action", "payload")))
        got = c.sql(_READINGS_SQL).pl().rechunk()
        c.register("arrow", to_duckdb(mv.filter(is_te).select("frame_id", "payload")))
        te = c.sql(_TXEVENT_SQL).pl().rechunk()
        c.unregister("arrow")
    first = (pl.col("frame_id") != pl.col("frame_id").shift()).fill_null(True)
    txe = te.filter(first & pl.col("event_type").is_not_null()).select(_TXEVENT_COLS)
    got = pl.concat([got, te.filter("has_mv").select(_READING_NAMES)]).sort(
        "frame_id", maintain_order=True
    )
    meta = mv.select("frame_id", "charger_id", "ts", "connector_id", "action")
    readings = meta.join(got, on="frame_id", how="inner", maintain_order="right").with_columns(
        pl.col("mtime").cast(pl.Datetime("ms", "UTC")),
        pl.col("wh").cast(pl.Float64),
        pl.col("power_w").cast(pl.Float64),
        pl.col("soc").cast(pl.Float64),
    )
    return readings, txe


def _readings(got: pl.DataFrame, tx: pl.DataFrame) -> pl.DataFrame:
    """Meter readings plus meterStart/meterStop of 1.6 transactions, in frame order."""
    # 1.6 StopTransaction readings carry the transaction id of the stop message.
    stop_ids = tx.filter(pl.col("action") == "StopTransaction").select(
        "frame_id", pl.col("tx_id").alias("stop_tx")
    )
    got = (
        got.join(stop_ids, on="frame_id", how="left")
        .with_columns(pl.coalesce("tx_id", "stop_tx").alias("tx_id"))
        .drop("stop_tx")
    )
    edges = tx.filter(pl.col("action").is_in(["StartTransaction", "StopTransaction"])).select(
        "frame_id",
        "charger_id",
        "ts",
        "connector_id",
        "action",
        pl.coalesce("tx_id", "a_tx_id").alias("tx_id"),
        pl.coalesce("meter_start", "meter_stop").cast(pl.Float64, strict=False).alias("wh"),
        pl.lit(None, dtype=pl.Float64).alias("power_w"),
        pl.lit(None, dtype=pl.Float64).alias("soc"),
        pl.when(pl.col("action") == "StartTransaction")
        .then(pl.lit("Transaction.Begin"))
        .otherwise(pl.lit("Transaction.End"))
        .alias("context"),
        pl.col("cts").str.to_datetime(time_zone="UTC", strict=False, time_unit="ms").alias("mtime"),
    )
    out = pl.concat([edges, got], how="vertical_relaxed")
    return out.with_columns(pl.coalesce("mtime", "ts").alias("mtime")).sort(
        "charger_id", "frame_id", "action", descending=[False, False, True], maintain_order=True
    )


def _slim_tx(tx: pl.DataFrame) -> pl.DataFrame:
    """Drop 2.0.1 Updated events that tell nothing new (most of them only carry meter values)."""
    cts = pl.col("cts").str.to_datetime(time_zone="UTC", strict=False, time_unit="ms")
    first = pl.col("frame_id") == pl.col("frame_id").min().over("charger_id", "tx_id")
    keep = (
        (pl.col("event_type") != "Updated")
        | pl.col("event_type").is_null()
        | pl.col("id_tag").is_not_null()
        | (pl.col("a_auth").is_not_null() & (pl.col("a_auth") != "Accepted"))
        | (pl.col("offline") == "true")
        | ((pl.col("ts") - cts).dt.total_seconds() > 60).fill_null(False)
        | first
    )
    return tx.filter(keep)


def _sent_pass(f: pl.DataFrame) -> pl.DataFrame:
    """Charger-sent frames with the previous sent frame of the same charger and the silence."""
    same = pl.col("charger_id") == pl.col("charger_id").shift()
    return (
        f.select("charger_id", "frame_id", "ts", "action", "message_type")
        .filter(f["direction"] == TO_CSMS)
        .with_columns(
            pl.when(same).then(pl.col("frame_id").shift()).alias("prev_sent_id"),
            pl.when(same).then(pl.col("ts").shift()).alias("prev_sent_ts"),
        )
        .with_columns(
            ((pl.col("ts") - pl.col("prev_sent_ts")).dt.total_milliseconds() / 1000).alias("gap_s")
        )
    )


def _interval(
    sent: pl.DataFrame, chargers: pl.DataFrame, boots: pl.DataFrame, commands: pl.DataFrame
) -> pl.DataFrame:
    """Heartbeat interval per charger: configured (boot answer / ChangeConfiguration), observed."""
    # observed: chargers that heartbeat on a fixed beat have regular heartbeat-to-heartbeat gaps
    # (their median is the interval); chargers that skip heartbeats while other traffic flows
    # send one an interval after their last frame (the usual silence before a heartbeat)
    hb = sent.filter((pl.col("message_type") == CALL) & (pl.col("action") == "Heartbeat"))
    beat = (pl.col("ts").diff().dt.total_milliseconds() / 1000).over("charger_id")
    observed = (
        hb.with_columns(beat.alias("beat"))
        .group_by("charger_id")
        .agg(
            pl.col("beat").median().alias("beat_median"),
            (pl.col("beat").quantile(0.75) / pl.col("beat").quantile(0.25)).alias("beat_spread"),
            pl.col("gap_s").quantile(0.9, "nearest").alias("silence"),
        )
        .select(
            "charger_id",
            pl.when(pl.col("beat_spread") < 1.2)
            .then(pl.col("beat_median"))
            .otherwise(pl.col("silence"))
            .alias("hb_observed_s"),
        )
    )
    booted = (
        boots.filter(pl.col("a_interval").is_not_null())
        .group_by("charger_id")
        .agg(pl.col("a_interval").cast(pl.Float64, strict=False).last().alias("hb_boot_s"))
    )
    configured = (
        commands.filter(
            (pl.col("action") == "ChangeConfiguration")
            & (pl.col("key") == "HeartbeatInterval")
            & (pl.col("a_status") == "Accepted")
        )
        .group_by("charger_id")
        .agg(pl.col("value").cast(pl.Float64, strict=False).last().alias("hb_config_s"))
    )
    out = chargers
    for part in (observed, booted, configured):
        out = out.join(part, on="charger_id", how="left")
    return out


def _firsts(df: pl.DataFrame) -> pl.Expr:
    """Rows that open a charger's block in a table sorted by charger."""
    return (pl.col("charger_id") != pl.col("charger_id").shift()).fill_null(True)


def _stats(
    f: pl.DataFrame, sent: pl.DataFrame, sparse_calls: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per charger: first/last frame, counts, version, site, connectors; and frames per action.

    ``f`` is sorted by charger, then time (frame id order).
    """
    cols = f.select("charger_id", "ts", "frame_id", "ocpp_version", "site_id")
    last = (pl.col("charger_id") != pl.col("charger_id").shift(-1)).fill_null(True)
    firsts = cols.filter(_firsts(f)).select(
        "charger_id",
        pl.col("ts").alias("first_ts"),
        pl.col("frame_id").alias("first_frame"),
        "ocpp_version",
        pl.col("site_id").alias("first_site"),
    )
    lasts = cols.filter(last).select(
        "charger_id", pl.col("ts").alias("last_ts"), pl.col("frame_id").alias("last_frame")
    )
    actions = f.group_by("charger_id", "action").len("frames")
    counts = actions.group_by("charger_id").agg(pl.col("frames").sum())
    first_sent = sent.filter(_firsts(sent)).select(
        "charger_id", pl.col("frame_id").alias("first_sent_frame")
    )
    per_call = sparse_calls.group_by("charger_id").agg(
        pl.col("connector_id").drop_nulls().unique().sort().alias("connectors"),
        pl.col("site_id").drop_nulls().first().alias("call_site"),
    )
    stats = (
        firsts.join(lasts, on="charger_id", how="left")
        .join(counts, on="charger_id", how="left")
        .join(first_sent, on="charger_id", how="left")
        .join(per_call, on="charger_id", how="left")
        .with_columns(pl.coalesce("first_site", "call_site").alias("site_id"))
        .drop("first_site", "call_site")
    )
    return stats, actions


def _rejected_answers(f: pl.DataFrame, errs: pl.DataFrame) -> pl.DataFrame:
    """``errs`` with each CALLRESULTERROR (OCPP 2.1) given the CALLRESULT it rejects: the last
    answer before it with its message id on its charger, sent the other way (``peer_id``), and
    that answer's action."""
    late = errs["message_type"] == CALLRESULTERROR
    if not late.any():
        return errs
    results = f.filter(pl.col("message_type") == CALLRESULT).select(
        "charger_id",
        "unique_id",
        "ts",
        pl.col("frame_id").alias("r_frame"),
        pl.col("action").alias("r_action"),
        pl.col("direction").alias("r_dir"),
    )
    found = (
        errs.filter(late)
        .sort("ts")
        .join_asof(
            results.sort("ts"),
            on="ts",
            by=["charger_id", "unique_id"],
            strategy="backward",
            check_sortedness=False,  # both sorted by time just above
        )
        .with_columns(
            ok=pl.col("r_dir").ne_missing(pl.col("direction")) & pl.col("r_frame").is_not_null()
        )
        .select(
            "frame_id",
            pl.when("ok").then("r_frame").alias("r_frame"),
            pl.when("ok").then("r_action").alias("r_action"),
        )
    )
    out = errs.join(found, on="frame_id", how="left", maintain_order="left")
    return out.with_columns(
        pl.coalesce("peer_id", "r_frame").alias("peer_id"),
        pl.coalesce("action", "r_action").alias("action"),
    ).drop("r_frame", "r_action")


def extract(
    frames: pl.DataFrame | pa.Table,
    connections: pl.DataFrame | None = None,
    *,
    slow_ms: float = 10_000,
    keep_gap_s: float = 90,
) -> Extract:
    """Every sparse table the analysis needs, from a paired frame table (any chargers)."""
    f = as_polars(frames)
    # The meter and transaction payloads are the biggest JSON passes: parse them on a worker
    # thread (DuckDB and Polars release the GIL) while the tables that do not need them are made.
    payload_job = in_background(_payloads, f)
    mt, act, direction = pl.col("message_type"), pl.col("action"), pl.col("direction")
    is_call = mt == CALL
    base = [
        "frame_id",
        "ts",
        "charger_id",
        "direction",
        "message_type",
        "action",
        "connector_id",
        "peer_id",
        "latency_ms",
        "site_id",
        "payload",
    ]
    charger_call = is_call & (direction == TO_CSMS) & act.is_in(list(CHARGER_EVENTS))
    answer = (
        (mt == CALLRESULT)
        & pl.col("peer_id").is_not_null()
        & ((act.is_in(list(ANSWERED)) & (direction == TO_CHARGER)) | (direction == TO_CSMS))
    )
    odd = (
        mt.is_in([CALLERROR, CALLRESULTERROR])
        | (is_call & pl.col("peer_id").is_null())
        | (is_call & (pl.col("latency_ms") > slow_ms))
        | pl.col("valid").eq(False)
    )
    sparse = f.filter(charger_call | (is_call & (direction == TO_CHARGER)) | answer | odd)
    calls = sparse.filter(charger_call | (is_call & (direction == TO_CHARGER))).select(base)
    is_te = act == "TransactionEvent"
    with _connection(None) as con:  # one DuckDB connection for the other JSON passes
        calls_d = _decode(calls.filter(~is_te), con=con)
        answers = sparse.filter(answer).select(base)
        empty = pl.col("payload") == "{}"
        answers_d = pl.concat(
            [_decode(answers.filter(~empty), ANSWER_FIELDS, con), answers.filter(empty)],
            how="diagonal_relaxed",
        )
    sent = _sent_pass(f)
    errs = _rejected_answers(
        f,
        sparse.filter(mt.is_in([CALLERROR, CALLRESULTERROR])).select(
            "frame_id",
            "ts",
            "charger_id",
            "direction",
            "message_type",
            "unique_id",
            "action",
            "connector_id",
            "peer_id",
            "error_code",
            "error_description",
        ),
    )
    unanswered = sparse.filter(is_call & pl.col("peer_id").is_null()).select(
        "frame_id", "ts", "charger_id", "direction", "action", "connector_id"
    )
    slow = sparse.filter(is_call & (pl.col("latency_ms") > slow_ms)).select(
        "frame_id",
        "ts",
        "charger_id",
        "direction",
        "action",
        "connector_id",
        "peer_id",
        "latency_ms",
    )
    invalid = (
        sparse.filter(pl.col("valid").eq(False))
        .group_by("charger_id", "action", "message_type", maintain_order=True)
        .agg(
            pl.len().alias("count"),
            pl.col("frame_id").first().alias("first_frame"),
            pl.col("ts").first().alias("first_ts"),
            pl.col("frame_id").last().alias("last_frame"),
            pl.col("ts").last().alias("last_ts"),
            pl.col("schema_error").first().alias("schema_error"),
            pl.col("frame_id").head(5).alias("sample_frames"),
        )
    )
    stats, actions = _stats(f, sent, calls)
    readings, txe = payload_job.result()
    te = calls.filter(is_te).join(txe, on="frame_id", how="left")
    calls_d = pl.concat([calls_d, te], how="diagonal_relaxed")
    ans_keep = list(ANSWER_FIELDS)
    joined = _with_answers(calls_d, answers_d, ans_keep).drop("payload")
    prev = sent.filter(
        (pl.col("action") == "StatusNotification") & (pl.col("message_type") == CALL)
    ).select("frame_id", "prev_sent_id", "prev_sent_ts")
    on = lambda *names: joined.filter(act.is_in(list(names)))  # noqa: E731
    status = (
        on("StatusNotification")
        .filter(direction == TO_CSMS)
        .join(prev, on="frame_id", how="left", maintain_order="left")
    )
    tx = _slim_tx(on(*TX_ACTIONS).filter(direction == TO_CSMS))
    boots = on("BootNotification").filter(direction == TO_CSMS)
    auth = on("Authorize").filter(direction == TO_CSMS)
    progress = on(*PROGRESS_ACTIONS).filter(direction == TO_CSMS)
    problems = on("NotifyEvent").filter((direction == TO_CSMS) & (pl.col("variable") == "Problem"))
    commands = joined.filter(direction == TO_CHARGER)
    stats = stats.join(
        _interval(sent, stats.select("charger_id"), boots, commands), on="charger_id", how="left"
    ).with_columns(pl.coalesce("hb_config_s", "hb_boot_s", "hb_observed_s").alias("hb_s"))
    hb = stats.select("charger_id", "hb_s")
    gaps = (
        sent.filter(pl.col("gap_s") > keep_gap_s)
        .join(hb, on="charger_id", how="left")
        .filter(pl.col("gap_s") > pl.col("hb_s").fill_null(0) * 1.5)
        .select(
            "charger_id",
            pl.col("prev_sent_id").alias("before_id"),
            pl.col("prev_sent_ts").alias("before_ts"),
            pl.col("frame_id").alias("after_id"),
            pl.col("ts").alias("after_ts"),
            pl.col("action").alias("after_action"),
            "gap_s",
        )
    )
    conns = (
        connections
        if connections is not None
        else pl.DataFrame(
            schema={
                "ts": pl.Datetime("ms", "UTC"),
                "charger_id": pl.String(),
                "event": pl.String(),
                "detail": pl.String(),
                "line": pl.Int64(),
            }
        )
    )
    return Extract(
        stats=stats,
        actions=actions,
        status=status,
        tx=tx,
        boots=boots,
        auth=auth,
        commands=commands,
        progress=progress,
        problems=problems,
        errors=errs,
        unanswered=unanswered,
        slow=slow,
        invalid=invalid,
        readings=_readings(readings, tx),
        gaps=gaps,
        connections=conns,
    )


def _runs(*keys: str) -> pl.Expr:
    """Run number of each row's ``keys`` in a table sorted by them (an integer group id)."""
    new = pl.lit(False)
    for k in keys:
        new = new | pl.col(k).ne_missing(pl.col(k).shift())
    return new.cum_sum()


def _in_run(expr: pl.Expr) -> pl.Expr:
    """``expr`` (computed over the table in order) where the row continues the previous run."""
    return pl.when(pl.col("run") == pl.col("run").shift()).then(expr)


def tx_readings(readings: pl.DataFrame) -> pl.DataFrame:
    """Per charger and transaction id: first/last register, peak power and rate, SoC."""
    key = ["charger_id", "tx_id"]
    r = (
        readings.filter(pl.col("tx_id").is_not_null())
        .sort(*key, "mtime", "frame_id")
        .with_columns(_runs(*key).alias("run"))
    )
    energy = r.filter(pl.col("wh").is_not_null()).with_columns(
        _in_run(
            pl.col("wh").diff() / (pl.col("mtime").diff().dt.total_milliseconds() / 3.6e6)
        ).alias("rate_w")
    )
    e = energy.group_by("run").agg(
        pl.col("wh").first().alias("first_wh"),
        pl.col("wh").last().alias("last_wh"),
        pl.col("frame_id").first().alias("first_wh_frame"),
        pl.col("frame_id").last().alias("last_wh_frame"),
        pl.col("rate_w").filter(pl.col("rate_w").is_finite()).max().alias("max_rate_w"),
        pl.len().alias("energy_readings"),
    )
    o = r.group_by("run").agg(
        *[pl.col(k).first() for k in key],
        pl.col("power_w").max().alias("max_power_w"),
        pl.col("soc").drop_nulls().first().alias("first_soc"),
        pl.col("soc").drop_nulls().last().alias("last_soc"),
        pl.col("connector_id").drop_nulls().first().alias("connector_id"),
        pl.col("frame_id")
        .filter(
            (pl.col("action") == "MeterValues")
            | (
                (pl.col("action") == "TransactionEvent")
                & ~pl.col("context").fill_null("").is_in(["Transaction.Begin", "Transaction.End"])
            )
        )
        .len()
        .alias("readings"),
    )
    return o.join(e, on="run", how="left").drop("run")


def meter_anomalies(
    readings: pl.DataFrame, default_max_w: float, factor: float, slack_wh: float, tol_wh: float
) -> pl.DataFrame:
    """Register readings that go backwards, reset, or rise faster than the charger can deliver."""
    r = readings.filter(pl.col("wh").is_not_null()).with_columns(
        pl.col("connector_id")
        .fill_null(pl.col("connector_id").drop_nulls().first().over("charger_id", "tx_id"))
        .alias("connector_id")
    )
    peak = r.group_by("charger_id").agg(
        pl.col("power_w").max().alias("peak_w"),
        pl.col("connector_id").filter(pl.col("connector_id") > 0).n_unique().alias("n_conn"),
    )
    key = ["charger_id", "connector_id"]
    r = (
        r.sort(*key, "mtime", "frame_id", nulls_last=True)
        .with_columns(_runs(*key).alias("run"))
        .with_columns(
            _in_run(pl.col("wh").shift()).alias("prev_wh"),
            _in_run(pl.col("mtime").shift()).alias("prev_mtime"),
            _in_run(pl.col("frame_id").shift()).alias("prev_frame"),
            _in_run(pl.col("ts").shift()).alias("prev_ts"),
        )
        .join(peak, on="charger_id", how="left", maintain_order="left")
        .with_columns(
            (pl.col("wh") - pl.col("prev_wh")).alias("delta_wh"),
            ((pl.col("mtime") - pl.col("prev_mtime")).dt.total_milliseconds() / 1000).alias("dt_s"),
            (
                pl.col("peak_w").fill_null(0)
                * pl.when(pl.col("connector_id").fill_null(0) == 0)
                .then(pl.max_horizontal(pl.col("n_conn"), pl.lit(1)))
                .otherwise(pl.lit(1))
            ).alias("limit_w"),
        )
        .with_columns(
            pl.when(pl.col("limit_w") > 0)
            .then(pl.col("limit_w"))
            .otherwise(pl.lit(default_max_w))
            .alias("limit_w")
        )
    )
    allowed = pl.col("limit_w") * factor * pl.col("dt_s").clip(lower_bound=0) / 3600 + slack_wh
    kind = (
        pl.when(pl.col("delta_wh") < -tol_wh)
        .then(
            pl.when(pl.col("wh") <= pl.col("prev_wh") * 0.05)
            .then(pl.lit("reset"))
            .otherwise(pl.lit("backwards"))
        )
        .when(pl.col("delta_wh") > allowed)
        .then(pl.lit("jump"))
    )
    return (
        r.with_columns(kind.alias("anomaly"), allowed.alias("allowed_wh"))
        .filter(pl.col("anomaly").is_not_null())
        .select(
            "charger_id",
            "connector_id",
            "frame_id",
            "ts",
            "mtime",
            "tx_id",
            "wh",
            "prev_wh",
            "prev_frame",
            "prev_ts",
            "delta_wh",
            "dt_s",
            "limit_w",
            "allowed_wh",
            "anomaly",
        )
    )
