"""Log-index exports: Elasticsearch search hits whose ``_source`` is an exchange or frame record.

ChargePilot's OCPP messages live in an Elasticsearch index fed by logstash (which adds
``@timestamp``, ``@version``, ``host``, ``tags``). An export is NDJSON of hits
(``{"_index": ..., "_id": ..., "_source": {...}}``), a JSON array of hits, or a whole search
response (``{"hits": {"hits": [...]}}``). Each hit's ``_source`` goes through the same record
conversion as the ``exchange`` and ``framerec`` layouts; the record's own time (``datetime``,
``timestamp``...) wins over logstash's ``@timestamp``.
"""

from __future__ import annotations

from chargescope.readers import register
from chargescope.readers.base import Match, NoMatch, ReadOptions, ReadResult, Sniff, Source
from chargescope.readers.jsonshape import is_exchange, is_frame_record, read_records, sniff_peek

_HELD = {"lines": "JSON lines", "array-lines": "a JSON array", "document": "a JSON array"}


class LogIndexReader:
    """Reads Elasticsearch hits (NDJSON, array or search response) of OCPP records."""

    name = "logindex"
    title = "Log-index export: Elasticsearch hits whose _source is an exchange or frame record"
    sample = (
        '{"_index":"tmh_sc_ocpp-2025.03.03","_id":"a1B2c3","_score":null,"_source":'
        '{"action":"Heartbeat","connector_id":null,"request":{},"response":'
        '{"currentTime":"2025-03-03T08:00:00.000Z"},"site_id":"site-7","charger_id":"CP-1",'
        '"datetime":"2025-03-03T08:00:00.000Z","source":"cp",'
        '"@timestamp":"2025-03-03T08:00:00.412Z","@version":"1","host":"logstash-0","tags":[]}}'
    )

    def sniff(self, head: str) -> Sniff:
        """Records with a ``_source`` object that is an exchange or frame record."""
        p = sniff_peek(head)
        sources = [r["_source"] for r in p.records if isinstance(r.get("_source"), dict)]
        if not sources:
            return NoMatch("no Elasticsearch hits (records with a _source object)")
        ours = [s for s in sources if is_exchange(s) or is_frame_record(s)]
        if len(ours) * 2 < len(sources):
            return NoMatch("the hits' _source is neither an exchange nor a frame record")
        held = "a search response" if p.wrapper == "hits" else _HELD.get(p.container, "JSON")
        return Match(self.name, 0.95, f"{held} whose _source holds OCPP records")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read each hit's ``_source`` as an exchange or frame record."""
        return read_records(source, options, nested="_source")


register(LogIndexReader())
