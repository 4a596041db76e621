"""SteVe (Java CSMS) logs: ``[chargeBoxId=CP1, sessionId=...] Received: FRAME`` / ``Sending: FRAME``.

SteVe's ``WebSocketLogger`` writes one line per frame and per connection change through
logback/log4j2 (``[INFO ] 2024-01-01 10:00:00,123 de.rwth...WebSocketLogger - [chargeBoxId=CP1,
sessionId=abc] Received: [2,...]``; other patterns put the level after the time). SteVe is the
CSMS: ``Received`` = ``to_csms``, ``Sending`` = ``to_charger``. ``Connection is established`` and
``Connection is closed, status: ...`` lines become connection events. Times carry no zone.
"""

from __future__ import annotations

from chargescope.readers import register
from chargescope.readers.base import TO_CHARGER, TO_CSMS, Sniff
from chargescope.readers.textlog import (
    FastPath,
    LayoutReader,
    LineLayout,
    sniff_layout,
)

_SESSION = r"\[chargeBoxId=(?P<charger>[^,\]]*), sessionId=[^\]]*\] "

LAYOUT = LineLayout(
    marker=_SESSION + r"(?P<dir>Received|Sending): ",
    directions={"received": TO_CSMS, "sending": TO_CHARGER},
    connect=_SESSION + r"Connection is (?P<event>established|closed)(?:,\s*(?P<detail>.*))?$",
    events={"established": "connected", "closed": "disconnected"},
    # ``[INFO ] 2025-03-03 10:00:00,123 de.rwth...WebSocketLogger - [chargeBoxId=...`` lines: the
    # head pins the time (no digit before it, a lower-case logger after it, so no zone follows)
    # and leaves no room for ``[chargeBoxId=`` before the key. The key runs to the first ": ";
    # the marker matches at most once per start and a match ends at the first ": " after its
    # session id, so a match in the key is the line's first match.
    fast=FastPath(
        head=r"^\[[A-Z ]{5}\] [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} [a-z]",
        ts_at=8,
        ts_width=23,
        ts_format="%Y-%m-%d %H:%M:%S,%3f",
        ts_utc=False,
        key_from=31,
        key_to=(": ",),
    ),
)


class SteveReader(LayoutReader):
    """Reads SteVe CSMS logs (WebSocketLogger lines among the rest of the application log)."""

    name = "steve"
    layout = LAYOUT
    title = "SteVe CSMS log ([chargeBoxId=..., sessionId=...] Received:/Sending: FRAME)"
    sample = (
        "[INFO ] 2025-03-03 08:00:00,000 de.rwth.idsg.steve.SteveAppContext - time zone: UTC\n"
        "[INFO ] 2025-03-03 08:00:01,120 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
        '[chargeBoxId=CP-1, sessionId=7f3a] Received: [2,"1","Heartbeat",{}]\n'
        "[INFO ] 2025-03-03 08:00:01,125 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
        '[chargeBoxId=CP-1, sessionId=7f3a] Sending: [3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """SteVe's ``[chargeBoxId=..., sessionId=...]`` prefix on frame or connection lines."""
        return sniff_layout(
            head,
            self.name,
            r"\[chargeBoxId=.*, sessionId=[^\]]*\]\s*(?:Received: |Sending: |Connection is )",
            0.95,
            "SteVe [chargeBoxId=..., sessionId=...] Received/Sending lines",
            needles=("[chargeBoxId=",),
        )


register(SteveReader())
