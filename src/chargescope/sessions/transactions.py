"""Rebuild charging sessions from transaction messages (1.6 Start/Stop, 2.0.1 TransactionEvent)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chargescope.sessions.context import ChargerEvents

#: Charger time this far before the frame time means the message was queued while offline.
QUEUED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    """One charging session as the charger reported it."""

    charger_id: str
    connector_id: int | None
    transaction_id: str | None
    start: datetime | None  # charger-reported
    end: datetime | None  # charger-reported; None: never ended in the log
    energy_wh: float | None
    stop_reason: str | None
    id_tag: str | None
    auth_status: str | None
    meter_start_wh: float | None
    meter_stop_wh: float | None
    peak_power_w: float | None
    soc_start: float | None
    soc_end: float | None
    readings: int
    start_frame: int | None
    end_frame: int | None
    start_ts: datetime | None  # frame times of the start and end messages
    end_ts: datetime | None
    queued: bool  # some of its messages were sent late with their original times
    evidence: tuple[int, ...] = ()

    @property
    def ended(self) -> bool:
        """The session's end was reported."""
        return self.end_frame is not None

    @property
    def duration_s(self) -> float | None:
        """End minus start, charger-reported."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).total_seconds()

    @property
    def mean_power_w(self) -> float | None:
        """Energy over duration."""
        d = self.duration_s
        if not d or self.energy_wh is None or d <= 0:
            return None
        return self.energy_wh / (d / 3600)


def parse_time(text: str | None) -> datetime | None:
    """An ISO-8601 time from a payload (UTC when it has no zone), or None."""
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t


def _num(v: Any) -> float | None:
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class _Open:
    """A session being built."""

    connector_id: int | None = None
    tx_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    id_tag: str | None = None
    auth: str | None = None
    meter_start: float | None = None
    meter_stop: float | None = None
    reason: str | None = None
    start_frame: int | None = None
    end_frame: int | None = None
    start_ts: datetime | None = None
    end_ts: datetime | None = None
    queued: bool = False
    frames: list[int] = field(default_factory=list)


def _queued(e: Any, cts: datetime | None) -> bool:
    return bool((cts is not None and e.ts - cts > QUEUED_AFTER) or str(e.offline).lower() == "true")


def _v16(events: ChargerEvents) -> list[_Open]:
    """Pair StartTransaction with StopTransaction by the transaction id from the answer."""
    done: list[_Open] = []
    by_id: dict[str, _Open] = {}
    for e in events.tx:
        cts = parse_time(e.cts)
        if e.action == "StartTransaction":
            o = _Open(
                connector_id=e.connector_id,
                tx_id=e.a_tx_id,
                start=cts or e.ts,
                id_tag=e.id_tag,
                auth=e.a_auth,
                meter_start=_num(e.meter_start),
                start_frame=e.frame_id,
                start_ts=e.ts,
                queued=_queued(e, cts),
                frames=[e.frame_id],
            )
            done.append(o)
            if e.a_tx_id is not None:
                by_id[e.a_tx_id] = o
        elif e.action == "StopTransaction":
            got = by_id.pop(e.tx_id, None) if e.tx_id is not None else None
            if got is None:
                got = _Open(tx_id=e.tx_id)
                done.append(got)
            o = got
            o.end = cts or e.ts
            o.meter_stop = _num(e.meter_stop)
            o.reason = e.reason or events.proto.DEFAULT_STOP_REASON
            o.end_frame, o.end_ts = e.frame_id, e.ts
            o.queued = o.queued or _queued(e, cts)
            o.frames.append(e.frame_id)
            if o.id_tag is None:
                o.id_tag = e.id_tag
    return done


def _v201(events: ChargerEvents) -> list[_Open]:
    """Group TransactionEvents by transaction id: Started, Updated, Ended."""
    done: list[_Open] = []
    by_id: dict[str, _Open] = {}
    for e in events.tx:
        if e.action != "TransactionEvent":
            continue
        cts = parse_time(e.cts) or e.ts
        o = by_id.get(e.tx_id)
        if o is None or (o.end_frame is not None and e.event_type == "Started"):
            o = _Open(tx_id=e.tx_id, start=cts, start_frame=e.frame_id, start_ts=e.ts)
            by_id[e.tx_id] = o
            done.append(o)
        if e.event_type == "Started" and o.start_frame != e.frame_id:
            o.start, o.start_frame, o.start_ts = cts, e.frame_id, e.ts
        o.frames.append(e.frame_id)
        o.queued = o.queued or _queued(e, cts)
        if o.connector_id is None:
            o.connector_id = e.connector_id
        if o.id_tag is None and e.id_tag is not None:
            o.id_tag = e.id_tag
        if e.a_auth is not None and (o.auth is None or o.auth == "Accepted"):
            o.auth = e.a_auth
        if e.event_type == "Ended":
            o.end, o.end_frame, o.end_ts = cts, e.frame_id, e.ts
            o.reason = e.reason or events.proto.DEFAULT_STOP_REASON
    return done


def build_sessions(events: ChargerEvents) -> list[Session]:
    """Every session of one charger, in start order, with energy, power and SoC."""
    opened = _v201(events) if events.proto.TX_EVENT else _v16(events)
    meters = {r.tx_id: r for r in events.tx_readings}
    out = []
    for o in opened:
        m = meters.get(o.tx_id) if o.tx_id is not None else None
        out.append(_finish(events.charger_id, o, m))
    return sorted(out, key=lambda s: s.start_frame if s.start_frame is not None else -1)


def _finish(charger_id: str, o: _Open, m: Any) -> Session:
    """Energy: meter stop minus start (1.6), else the register's last minus first reading."""
    start_wh, stop_wh = o.meter_start, o.meter_stop
    if m is not None and m.first_wh is not None:
        if start_wh is None:
            start_wh = m.first_wh
        if stop_wh is None and o.end_frame is not None:
            stop_wh = m.last_wh
    energy = None
    if start_wh is not None and stop_wh is not None:
        energy = round(stop_wh - start_wh, 3)
    peak = None
    if m is not None:
        cands = [v for v in (m.max_power_w, m.max_rate_w) if v is not None]
        peak = m.max_power_w if m.max_power_w is not None else (max(cands) if cands else None)
    return Session(
        charger_id=charger_id,
        connector_id=o.connector_id
        if o.connector_id is not None
        else (m.connector_id if m else None),
        transaction_id=o.tx_id,
        start=o.start,
        end=o.end,
        energy_wh=energy,
        stop_reason=o.reason,
        id_tag=o.id_tag,
        auth_status=o.auth,
        meter_start_wh=start_wh,
        meter_stop_wh=stop_wh,
        peak_power_w=peak,
        soc_start=m.first_soc if m is not None else None,
        soc_end=m.last_soc if m is not None else None,
        readings=int(m.readings) if m is not None and m.readings is not None else 0,
        start_frame=o.start_frame,
        end_frame=o.end_frame,
        start_ts=o.start_ts,
        end_ts=o.end_ts,
        queued=o.queued,
        evidence=tuple(o.frames),
    )


__all__ = ["Session", "build_sessions", "parse_time"]
