"""ChargePilot exchange records: one JSON record per request/response exchange, CALL and answer.

A record (JSON lines, a JSON array, or a document listing them) reads
``{action, connector_id, request, response, site_id, charger_id, datetime, source}``: ``source``
``cp`` means the charger sent the request (to the CSMS), ``csms`` the controller did. A record
becomes its CALL and, unless ``response`` is null (never answered), its CALLRESULT — or a
CALLERROR when the response is an error object (``errorCode``/``error_code``...). Both frames get
the record's one timestamp and share its ``unique_id``/``message_id``/``id``, or, when it has
none, a synthetic id made of the record's line number.
"""

from __future__ import annotations

from chargescope.readers import register
from chargescope.readers.base import Match, NoMatch, ReadOptions, ReadResult, Sniff, Source
from chargescope.readers.jsonshape import (
    is_exchange,
    read_records,
    read_records_many,
    roles_of,
    sniff_peek,
)


class ExchangeReader:
    """Reads ChargePilot-style exchange records (one record per request and its response)."""

    name = "exchange"
    title = (
        "Exchange records JSON (action, request, response, source cp|csms, datetime; ChargePilot)"
    )
    sample = (
        '{"action":"BootNotification","connector_id":0,"request":{"chargePointVendor":"ABB",'
        '"chargePointModel":"Terra AC"},"response":{"status":"Accepted",'
        '"currentTime":"2025-03-03T08:00:00.000Z","interval":300},"site_id":"site-7",'
        '"charger_id":"CP-1","datetime":"2025-03-03T08:00:00.000Z","source":"cp"}\n'
        '{"action":"Heartbeat","connector_id":null,"request":{},"response":null,'
        '"site_id":"site-7","charger_id":"CP-1","datetime":"2025-03-03T08:05:00.000Z","source":"cp"}'
    )

    def sniff(self, head: str) -> Sniff:
        """JSON records with an action and a request or response object."""
        p = sniff_peek(head)
        records = [r for r in p.records if "_source" not in r]
        if not records:
            return NoMatch("no JSON records (lines, array or document) at the start")
        hits = [r for r in records if is_exchange(r)]
        if len(hits) * 2 < len(records):
            return NoMatch("JSON records lack an action with a request/response object")
        roles = roles_of(hits[0])
        full = {"action", "request", "response", "source", "charger_id", "ts"} <= set(roles)
        conf = 0.95 if full else 0.85
        held = {"lines": "JSON lines", "array-lines": "a JSON array"}.get(
            p.container, "a JSON document"
        )
        return Match(
            self.name, conf, f"{held} of exchange records (action, request, response, source)"
        )

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Expand every record into its CALL and answer frames."""
        return read_records(source, options)

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several exports, each as if read alone (JSON lines decoded together)."""
        return read_records_many(sources, options)


register(ExchangeReader())
