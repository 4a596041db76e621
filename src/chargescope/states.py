"""Connector state timeline from StatusNotification (connector 0 is the whole station)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any

from chargescope.sessions.context import ChargerEvents


@dataclass(frozen=True)
class StateInterval:
    """A connector in one status from ``start`` until the next report (``end`` None: still)."""

    charger_id: str
    connector_id: int
    status: str
    error_code: str | None
    vendor_error: str | None
    info: str | None
    start: datetime
    end: datetime | None
    start_frame: int
    end_frame: int | None  # frame of the next status report of the connector

    @property
    def duration_s(self) -> float | None:
        """Seconds in this state (None while open)."""
        return (self.end - self.start).total_seconds() if self.end else None


_ORDER = attrgetter("start_frame", "connector_id")


def build_states(events: ChargerEvents) -> list[StateInterval]:
    """Per connector, consecutive status reports merged while status and error code stay."""
    out: list[StateInterval] = []
    current: dict[int, tuple[Any, ...]] = {}
    cid = events.charger_id
    for e in events.status:
        if e.status is None:
            continue
        conn = int(e.connector_id) if e.connector_id is not None else 0
        err = None if e.err in (None, "NoError") else e.err
        prev = current.get(conn)
        if prev is not None and prev[0] == e.status and prev[1] == err:
            continue
        if prev is not None:
            st, perr, vendor, info, ts, frame = prev
            out.append(
                StateInterval(cid, conn, st, perr, vendor, info, ts, e.ts, frame, e.frame_id)
            )
        current[conn] = (e.status, err, e.vendor_err, e.info, e.ts, e.frame_id)
    for conn, (st, err, vendor, info, ts, frame) in current.items():
        out.append(StateInterval(cid, conn, st, err, vendor, info, ts, None, frame, None))
    return sorted(out, key=_ORDER)
