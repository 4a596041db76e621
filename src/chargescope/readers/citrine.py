"""CitrineOS message CSV export and kWwhat's input CSV: one OCPP-J message per row, by station."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from chargescope.readers import register
from chargescope.readers.base import (
    TO_CHARGER,
    TO_CSMS,
    Match,
    NoMatch,
    Reader,
    ReadOptions,
    ReadResult,
    Sniff,
    Source,
)
from chargescope.readers.custom import (
    ColumnMap,
    Plan,
    all_rejected,
    find_header,
    norm,
    pick,
    read_mapped,
    read_mapped_many,
)

#: CitrineOS ``origin`` values: who sent the message.
ORIGINS = {
    "cs": TO_CSMS,
    "chargingstation": TO_CSMS,
    "charging_station": TO_CSMS,
    "station": TO_CSMS,
    "csms": TO_CHARGER,
}

CITRINE_ALIASES: dict[str, tuple[str, ...]] = {
    "charger": ("ocppconnectionname", "stationid"),
    "unique_id": ("correlationid",),
    "time": ("timestamp",),
    "direction": ("origin",),
    "action": ("action",),
    "frame": ("message",),
}
KWWHAT_ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("timestamp",),
    "charger": ("id",),
    "action": ("action",),
    "frame": ("msg",),
}


def _columns(names: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int] | None:
    """Header index of every aliased column, or None unless all are there."""
    found = {key: pick(names, *spellings) for key, spellings in aliases.items()}
    if any(i is None for i in found.values()):
        return None
    return {k: i for k, i in found.items() if i is not None}


def _is_citrine(names: list[str]) -> bool:
    return _columns(names, CITRINE_ALIASES) is not None


def _is_kwwhat(names: list[str]) -> bool:
    return _columns(names, KWWHAT_ALIASES) is not None and "origin" not in names


def _plan(
    source: Source, aliases: dict[str, tuple[str, ...]], accept: Callable[[list[str]], bool]
) -> Plan:
    """The export's header and column mapping."""
    hdr = find_header(source.data, accept)
    if hdr is None:
        return None
    cols = _columns([norm(n) for n in hdr.names], aliases) or {}
    words = ORIGINS if "direction" in cols else None
    return hdr, ColumnMap({key: f"c{i}" for key, i in cols.items()}, words)


def _read(
    source: Source,
    options: ReadOptions,
    aliases: dict[str, tuple[str, ...]],
    accept: Callable[[list[str]], bool],
    missing: str,
) -> ReadResult:
    """Find the header, map its columns and read them."""
    plan = _plan(source, aliases, accept)
    if plan is None:
        return all_rejected(source, missing)
    return read_mapped(source, *plan, options)


def _read_many(
    reader: Reader,
    sources: list[Source],
    options: ReadOptions,
    aliases: dict[str, tuple[str, ...]],
    accept: Callable[[list[str]], bool],
) -> list[ReadResult]:
    """Several exports, each as if read alone (those with one header parsed as one)."""
    plans = [_plan(s, aliases, accept) for s in sources]
    return read_mapped_many(sources, plans, options, partial(reader.read, options=options))


class CitrineReader:
    """Reads CitrineOS message exports; ``message`` holds the frame (or just its payload)."""

    name = "citrine"
    title = "CitrineOS message CSV (ocppConnectionName, correlationId, timestamp, origin, ...)"
    sample = (
        "ocppConnectionName,correlationId,timestamp,origin,protocol,action,message\n"
        'CS-01,b1e5c1d2,2025-03-03T08:00:00.000Z,cs,ocpp2.0.1,Heartbeat,"[2,""b1e5c1d2"",'
        '""Heartbeat"",{}]"\n'
        "CS-01,b1e5c1d2,2025-03-03T08:00:00.041Z,csms,ocpp2.0.1,Heartbeat,"
        '"[3,""b1e5c1d2"",{""currentTime"":""2025-03-03T08:00:00.040Z""}]"'
    )

    def sniff(self, head: str) -> Sniff:
        """A header with ocppConnectionName (or stationId), correlationId, origin and message."""
        if find_header(head, _is_citrine) is None:
            return NoMatch("no header with ocppConnectionName, correlationId, origin, message")
        return Match(self.name, 0.95, "header has CitrineOS message columns")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read the export (rows may be newest first: order is restored)."""
        return _read(
            source, options, CITRINE_ALIASES, _is_citrine, "no CitrineOS header (origin, message)"
        )

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several exports, each as if read alone (those with one header parsed as one)."""
        return _read_many(self, sources, options, CITRINE_ALIASES, _is_citrine)


class KwwhatReader:
    """Reads kWwhat's input CSV: timestamp, charger id, action (calls only), raw frame."""

    name = "kwwhat"
    title = "kWwhat input CSV (timestamp, id, action, msg)"
    sample = (
        "timestamp,id,action,msg\n"
        '2025-08-18T12:00:05.000Z,CH-001,Heartbeat,"[2,""hb-e1c51"",""Heartbeat"",{}]"\n'
        '2025-08-18T12:00:05.030Z,CH-001,,"[3,""hb-e1c51"",'
        '{""currentTime"":""2025-08-18T12:00:05.000Z""}]"'
    )

    def sniff(self, head: str) -> Sniff:
        """A header with exactly the timestamp, id, action and msg columns."""
        if find_header(head, _is_kwwhat) is None:
            return NoMatch("no header with timestamp, id, action, msg columns")
        return Match(self.name, 0.9, "header has kWwhat's timestamp, id, action, msg columns")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read rows; answers take their call's action (the direction follows from it)."""
        return _read(
            source, options, KWWHAT_ALIASES, _is_kwwhat, "no kWwhat header (timestamp, id, msg)"
        )

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several files, each as if read alone (those with one header parsed as one)."""
        return _read_many(self, sources, options, KWWHAT_ALIASES, _is_kwwhat)


register(CitrineReader())
register(KwwhatReader())
