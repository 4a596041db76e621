"""Generic text logs with arrow markers: ``TIMESTAMP [LEVEL] CHARGER >> FRAME`` (and ``<<``, ``->``...).

Direction convention (one, documented): the log belongs to the CSMS, as most server logs do, and
the arrow points the way the frame travelled from the log owner's view, as the Python
``websockets`` logs print ``> TEXT`` for sent and ``< TEXT`` for received frames:

* ``>>``, ``->``, ``=>`` = sent by the CSMS = ``to_charger``;
* ``<<``, ``<-``, ``<=`` = received from the charger = ``to_csms``.

Charger-side logs use the same markers the other way round; when most CALLs whose action only
one side sends (BootNotification, RemoteStartTransaction, ...) contradict the reading above,
the reader flips it for the whole file and says so in a note.

The charger is the token before the marker: ``CP1 >>``, ``CP1: >>`` or ``[CP 1] >>`` (brackets
allow spaces). The timestamp is the first date-time before the charger.
"""

from __future__ import annotations

from chargescope.readers import register
from chargescope.readers.base import TO_CHARGER, TO_CSMS, Sniff
from chargescope.readers.textlog import (
    TS,
    FastPath,
    LayoutReader,
    LineLayout,
    sniff_layout,
)

LAYOUT = LineLayout(
    marker=(
        r"(?:\[(?P<charger_b>[^\[\]]+)\]|(?P<charger>[^\s\[\]:]+)):?\s*"
        r"(?P<dir>>>|<<|->|<-|=>|<=)\s*"
    ),
    frame_prefix="[",
    directions={
        ">>": TO_CHARGER,
        "->": TO_CHARGER,
        "=>": TO_CHARGER,
        "<<": TO_CSMS,
        "<-": TO_CSMS,
        "<=": TO_CSMS,
    },
    infer_direction=True,
    direction_note="a CSMS log (>> sent to the charger, << received from it)",
    connect=(
        r"(?i)(?:\[(?P<charger>[^\[\]]+)\]|\b(?:charger|charge ?point|station|cp)\s+"
        r"(?P<charger_w>[^\s\[\]:]+)):?\s+"
        r"(?P<event>connected|disconnected|connection (?:opened|closed|established|lost))\b"
        r"(?P<detail>.*)$"
    ),
    events={
        "connected": "connected",
        "connection opened": "connected",
        "connection established": "connected",
        "disconnected": "disconnected",
        "connection closed": "disconnected",
        "connection lost": "disconnected",
    },
    # ``2025-03-03T10:00:00.123Z INFO  [CP-1] << [...]``: no marker match can start in the time
    # (it holds no bracket and no arrow, and a level word follows it). The key runs to the
    # bracket closing the charger and on past the arrow to the frame's "[", which no part of
    # the marker but its first can take: no match reaches across the key's end.
    fast=FastPath(
        head=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z [A-Z]+ +\[",
        ts_at=0,
        ts_width=23,
        ts_format="%Y-%m-%dT%H:%M:%S.%3f",
        ts_utc=True,
        key_from=24,
        key_to=("] ",),
        key_more=3,
        stop="[",
    ),
)

_SNIFF = TS + r"\]?\s.*?(?:\[[^\[\]]+\]|[^\s\[\]:]+):?\s*(?:>>|<<|->|<-|=>|<=)\s*\[\s*[234]\s*,"


class ArrowsReader(LayoutReader):
    """Reads generic server/charger text logs with ``>>``/``<<`` style direction arrows."""

    name = "arrows"
    layout = LAYOUT
    title = "Text log with arrows (TIMESTAMP [LEVEL] CHARGER >> FRAME / << FRAME)"
    sample = (
        "2025-03-03 08:00:00.000 INFO  server started, timezone: UTC\n"
        '2025-03-03 08:00:01.120 INFO  [CP-1] << [2,"1","Heartbeat",{}]\n'
        '2025-03-03 08:00:01.125 INFO  [CP-1] >> [3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """A timestamped line with a charger, an arrow marker and an OCPP-J array."""
        return sniff_layout(
            head,
            self.name,
            _SNIFF,
            0.6,
            "timestamped lines with a charger, >>/<< and an OCPP-J frame",
            needles=(">>", "<<", "->", "<-", "=>", "<="),
        )


register(ArrowsReader())
