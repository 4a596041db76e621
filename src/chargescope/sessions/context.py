"""One charger's sparse events as Python records, plus what several rules share (sessions, states)."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
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


@cache
def _record_type(columns: tuple[str, ...]) -> Any:
    """A namedtuple class for a table's columns (cached: same columns, same class)."""
    return namedtuple("Record", columns)  # noqa: PYI024


def records(df: pl.DataFrame) -> list[Any]:
    """The rows of ``df`` as namedtuples (attribute access by column name)."""
    cls = _record_type(tuple(df.columns))
    make = cls._make
    return [make(r) for r in df.rows()]


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
    """Split every sparse table by charger into records (one conversion per table)."""
    out: dict[str, ChargerEvents] = {}
    for row in x.stats.iter_rows(named=True):
        out[row["charger_id"]] = ChargerEvents(row["charger_id"], row, {})
    for cid, action, n in x.actions.iter_rows():
        if cid in out:
            out[cid].actions[action if action is not None else "-"] = n
    for name in _TABLES:
        for ev in out.values():
            ev.tables[name] = []
        df = tables[name]
        if df.height == 0:
            continue
        order = ["charger_id", "frame_id"] if "frame_id" in df.columns else ["charger_id"]
        df = df.sort(order, maintain_order=True)
        ids = df["charger_id"].to_list()
        rows = records(df)
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                found = out.get(ids[start])
                if found is not None:
                    found.tables[name] = rows[start:i]
                start = i
    return out
