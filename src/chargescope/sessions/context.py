"""One charger's sparse events as Python records, plus what several rules share (sessions, states)."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from types import ModuleType
from typing import Any

import polars as pl

from chargescope.protocol import v16, v201
from chargescope.sessions.events import Extract

#: Version string -> protocol knowledge module (versions differ in data, not code).
PROTOCOLS: dict[str, ModuleType] = {"1.6": v16, "2.0.1": v201, "2.1": v201}

_TABLES = (
    "status",
    "tx",
    "boots",
    "auth",
    "commands",
    "progress",
    "problems",
    "errors",
    "unanswered",
    "slow",
    "invalid",
    "readings",
    "gaps",
    "connections",
    "anomalies",
    "tx_readings",
)

#: The columns the per-charger code (sessions, states, inventory, rules) reads of each table;
#: tables not listed keep every column. Converting only these to Python is most of the split's
#: saving: the call tables carry ~45 decoded columns of which each reads a handful.
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "status": (
        "frame_id",
        "ts",
        "connector_id",
        "status",
        "err",
        "vendor_err",
        "info",
        "cts",
        "prev_sent_id",
        "prev_sent_ts",
    ),
    "tx": (
        "frame_id",
        "ts",
        "action",
        "connector_id",
        "cts",
        "id_tag",
        "meter_start",
        "meter_stop",
        "reason",
        "tx_id",
        "event_type",
        "offline",
        "a_frame",
        "a_ts",
        "a_auth",
        "a_tx_id",
    ),
    "boots": (
        "frame_id",
        "ts",
        "reason",
        "vendor",
        "model",
        "firmware",
        "serial",
        "a_frame",
        "a_ts",
        "a_status",
    ),
    "auth": ("frame_id", "ts", "action", "id_tag", "a_frame", "a_ts", "a_auth"),
    "commands": (
        "frame_id",
        "ts",
        "action",
        "connector_id",
        "key",
        "a_frame",
        "a_ts",
        "a_type",
        "a_status",
        "a_reason_code",
    ),
    "progress": ("frame_id", "ts", "action", "status"),
    "problems": ("frame_id", "ts", "connector_id", "actual", "tech_code"),
}


@cache
def _record_type(columns: tuple[str, ...]) -> Any:
    """A namedtuple class for a table's columns (cached: same columns, same class)."""
    return namedtuple("Record", columns)  # noqa: PYI024


def records(df: pl.DataFrame) -> list[Any]:
    """The rows of ``df`` as namedtuples (attribute access by column name)."""
    cls = _record_type(tuple(df.columns))
    new = partial(tuple.__new__, cls)  # one tuple per row, built straight from the columns
    return list(map(new, zip(*(_pylist(col) for col in df.get_columns()), strict=True)))


def _pylist(col: pl.Series) -> list[Any]:
    """A column as a Python list; UTC times as datetimes in ``timezone.utc`` (2x faster)."""
    if col.dtype != pl.Datetime("ms", "UTC"):
        return col.to_list()
    at = datetime.fromtimestamp
    return [None if ms is None else at(ms / 1000, UTC) for ms in col.dt.epoch("ms").to_list()]


@dataclass
class ChargerEvents:
    """The sparse events of one charger, as lists of records in frame order."""

    charger_id: str
    stats: dict[str, Any]
    actions: dict[str, int]
    tables: dict[str, list[Any]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> list[Any]:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def version(self) -> str:
        """The charger's OCPP version."""
        return str(self.stats.get("ocpp_version") or "unknown")

    @property
    def proto(self) -> ModuleType:
        """The protocol knowledge for the charger's version (1.6 when unknown)."""
        return PROTOCOLS.get(self.version, v16)

    @property
    def first_ts(self) -> datetime:
        """Time of the charger's first frame."""
        return self.stats["first_ts"]

    @property
    def last_ts(self) -> datetime:
        """Time of the charger's last frame."""
        return self.stats["last_ts"]


def split_by_charger(x: Extract, tables: dict[str, pl.DataFrame]) -> dict[str, ChargerEvents]:
    """Split every sparse table by charger into records (one conversion per table).

    Tables missing from ``tables`` start empty; ``attach`` adds them later.
    """
    out: dict[str, ChargerEvents] = {}
    for row in x.stats.iter_rows(named=True):
        out[row["charger_id"]] = ChargerEvents(
            row["charger_id"], row, {}, {name: [] for name in _TABLES}
        )
    for cid, action, n in x.actions.iter_rows():
        if cid in out:
            out[cid].actions[action if action is not None else "-"] = n
    attach(out, tables)
    return out


def attach(out: dict[str, ChargerEvents], tables: dict[str, pl.DataFrame]) -> None:
    """Add each table's rows to its charger's events, as records in frame order."""
    for name in _TABLES:
        df = tables.get(name)
        if df is None or df.height == 0:
            continue
        cols = RECORD_COLUMNS.get(name)
        df = df.select("charger_id", *cols) if cols else df
        if "frame_id" not in df.columns:
            df = df.sort("charger_id", maintain_order=True)
        elif not df["frame_id"].is_sorted():  # frame ids follow charger, then time
            df = df.sort("frame_id", maintain_order=True)
        ids = df["charger_id"].to_list()
        rows = records(df.drop("charger_id") if cols else df)
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                found = out.get(ids[start])
                if found is not None:
                    found.tables[name] = rows[start:i]
                start = i
