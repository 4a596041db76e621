"""Tabular sheet CSV (hackathon sheet, seed 000): Timestamp, Charger ID, Direction, Message Type, Payload."""

from __future__ import annotations

from functools import partial

from chargescope.readers import register
from chargescope.readers.base import Match, NoMatch, ReadOptions, ReadResult, Sniff, Source
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

#: Normalized header spellings of each column (see custom.norm).
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("timestamp", "time", "datetime", "date", "ts", "timestamputc", "timeutc", "eventtime"),
    "charger": (
        "chargerid",
        "charger",
        "chargepointid",
        "chargepoint",
        "cpid",
        "chargeboxid",
        "chargingstationid",
        "stationid",
        "station",
        "identity",
    ),
    "direction": ("direction", "dir", "flow", "messagedirection"),
    "message_type": ("messagetype", "type", "msgtype", "messagename", "ocppmessagetype"),
    "action": ("action", "ocppaction"),
    "payload": ("payload", "data", "body", "json", "payloadjson", "content"),
    "unique_id": ("uniqueid", "messageid", "msgid", "callid", "ocppmessageid"),
    "connector": ("connectorid", "connector"),
}


def _columns(names: list[str]) -> dict[str, int]:
    """Which header index carries each key, for the keys present."""
    found = {key: pick(names, *spellings) for key, spellings in ALIASES.items()}
    return {k: i for k, i in found.items() if i is not None}


def _is_sheet(names: list[str]) -> bool:
    """A time column, a payload column and a message type (or action) column."""
    cols = _columns(names)
    return "time" in cols and "payload" in cols and bool({"message_type", "action"} & set(cols))


class SheetReader:
    """Reads the tabular sheet: one request or answer per row, the payload as JSON."""

    name = "sheet"
    title = "Tabular sheet CSV (Timestamp, Charger ID, Direction, Message Type, Payload)"
    sample = (
        "Timestamp,Charger ID,Direction,Message Type,Payload\n"
        '2025-03-03T08:00:00.000Z,CP-1,Charger to Server,BootNotification,"{""chargePointVendor"":'
        '""ACME"",""chargePointModel"":""X1""}"\n'
        "2025-03-03T08:00:00.120Z,CP-1,Server to Charger,BootNotification.conf,"
        '"{""status"":""Accepted"",""currentTime"":""2025-03-03T08:00:00Z"",""interval"":300}"'
    )

    def sniff(self, head: str) -> Sniff:
        """A header with time, payload and message-type columns (charger and direction add)."""
        hdr = find_header(head, _is_sheet)
        if hdr is None:
            return NoMatch("no header with timestamp, message type and payload columns")
        cols = _columns([norm(n) for n in hdr.names])
        if {"charger", "direction", "message_type"} <= set(cols):
            return Match(
                self.name, 0.9, "header has timestamp, charger, direction, message type, payload"
            )
        return Match(self.name, 0.7, "header has timestamp, message type and payload columns")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Map the sheet's columns and read them."""
        plan = _plan(source)
        if plan is None:
            return all_rejected(source, "no sheet header (Timestamp, Message Type, Payload)")
        return read_mapped(source, *plan, options)

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several sheets, each as if read alone (those with one header parsed as one)."""
        plans = [_plan(s) for s in sources]
        return read_mapped_many(sources, plans, options, partial(self.read, options=options))


def _plan(source: Source) -> Plan:
    """The sheet's header and column mapping."""
    hdr = find_header(source.data, _is_sheet)
    if hdr is None:
        return None
    cols = _columns([norm(n) for n in hdr.names])
    return hdr, ColumnMap({key: f"c{i}" for key, i in cols.items()})


register(SheetReader())
