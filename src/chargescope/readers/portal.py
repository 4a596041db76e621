"""eCarUp portal log export (seed 004): Date, Station, Type, Action, Message; newest first, UTC."""

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

#: Normalized header spellings (English and the German the portal also speaks).
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("date", "datum", "timestamp", "time", "zeit"),
    "charger": ("station", "ladestation", "chargingstation"),
    "direction": ("type", "typ"),
    "action": ("action", "aktion"),
    "frame": ("message", "nachricht", "msg"),
}


def _columns(names: list[str]) -> dict[str, int] | None:
    """Header index of each column, or None unless all five are there."""
    found = {key: pick(names, *spellings) for key, spellings in ALIASES.items()}
    if any(i is None for i in found.values()):
        return None
    return {k: i for k, i in found.items() if i is not None}


class PortalReader:
    """Reads portal exports: one raw frame per row, Request/Response In/Out, newest first."""

    name = "portal"
    title = "eCarUp portal CSV export (Date, Station, Type, Action, Message), UTC, newest first"
    sample = (
        "Date;Station;Type;Action;Message\n"
        '14.08.2025 11:40:45;Garage 1;Response Out;StartTransaction;"[3,""33736216"",'
        '{""transactionId"":41,""idTagInfo"":{""status"":""Accepted""}}]"\n'
        '14.08.2025 11:40:44;Garage 1;Request In;StartTransaction;"[2,""33736216"",'
        '""StartTransaction"",{""connectorId"":1,""meterStart"":9664049,""idTag"":""04A2"",'
        '""timestamp"":""2025-08-14T11:40:44Z""}]"'
    )

    def sniff(self, head: str) -> Sniff:
        """A header with Date, Station, Type, Action and Message columns."""
        if find_header(head, lambda names: _columns(names) is not None) is None:
            return NoMatch("no header with Date, Station, Type, Action and Message columns")
        return Match(self.name, 0.95, "header has Date, Station, Type, Action, Message columns")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Map the export's columns; times are UTC unless --tz says otherwise."""
        plan = _plan(source)
        if plan is None:
            return all_rejected(source, "no portal header (Date, Station, Type, Action, Message)")
        return _utc_note(read_mapped(source, *plan, options))

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several exports, each as if read alone (those with one header parsed as one)."""
        plans = [_plan(s) for s in sources]
        one = partial(self.read, options=options)
        return read_mapped_many(sources, plans, options, one, _utc_note)


def _plan(source: Source) -> Plan:
    """The export's header and column mapping."""
    hdr = find_header(source.data, lambda names: _columns(names) is not None)
    if hdr is None:
        return None
    cols = _columns([norm(n) for n in hdr.names]) or {}
    return hdr, ColumnMap({key: f"c{i}" for key, i in cols.items()})


def _utc_note(result: ReadResult) -> ReadResult:
    """Say that zone-less times are UTC because the portal exports UTC."""
    result.notes = [
        "times read as UTC (the portal exports UTC)"
        if n == "times without a zone read as UTC"
        else n
        for n in result.notes
    ]
    return result


register(PortalReader())
