"""Logs of the Python ``ocpp`` library's logger, in the formats applications give it.

The library logs ``CP_ID: receive message [2,...]`` and ``CP_ID: send [3,...]`` under the logger
name ``ocpp``; the application's logging format puts a time and the logger name around it:
Home Assistant's OCPP integration writes
``2024-12-10 12:19:59.054 INFO (MainThread) [ocpp] CP_ID: receive message [2,...]``, the standard
library's ``%(asctime)s %(levelname)s:%(name)s:%(message)s`` gives
``2024-05-01 10:00:00,120 INFO:ocpp:CP_ID: receive message [...]``, and the widespread
``%(asctime)s - %(name)s - %(levelname)s - %(message)s`` gives
``... - ocpp - INFO - CP_ID: send [...]``. A charger id holds no ``:``; one with blanks is read
only where the logger name marks where it starts. Other loggers interleave; an ``Error while
handling request`` line names no charger and is followed by an untimestamped Python traceback:
all of that is counted noise, one per line. The library runs on both sides of the socket: read
as a CSMS log (receive = ``to_csms``) unless most one-sided CALLs say the log is the charger's,
which flips it (noted). ``Charger CP_ID connected to ...`` / ``disconnected from ...`` lines (the
Home Assistant integration's) become connection events. Lines without a time (the standard
library's default format) cannot be placed in time: detection says so and how to add one.
"""

from __future__ import annotations

import re

from chargescope.readers import register
from chargescope.readers.base import TO_CHARGER, TO_CSMS, Match, NoMatch, Sniff
from chargescope.readers.textlog import (
    TS,
    FastPath,
    LayoutReader,
    LineLayout,
    sniff_layout,
)

LAYOUT = LineLayout(
    # where the logger name is printed it marks the charger id's start: ``[ocpp] ``,
    # ``:ocpp:`` or `` - ocpp - LEVEL - ``; else the id is the word before the colon
    marker=(
        r"(?:\[ocpp[^\]]*\] (?P<charger>[^:]+)"
        r"|\bocpp:(?P<charger_std>[^:\s][^:]*)"
        r"| - ocpp - [A-Z]+ - (?P<charger_dash>[^:]+)"
        r"|(?:^|\s)(?P<charger_word>[^\s:\[\]]+))"
        r": (?P<dir>receive message|send) "
    ),
    directions={"receive message": TO_CSMS, "send": TO_CHARGER},
    infer_direction=True,
    direction_note="a CSMS log (receive = from the charger, send = to it)",
    connect=(
        r"\] Charger (?P<charger>\S.*) (?P<event>connected|reconnected|disconnected)"
        r"(?P<detail> (?:to|from) .*)?$"
    ),
    events={"connected": "connected", "reconnected": "connected", "disconnected": "disconnected"},
    # ``2024-12-10 12:19:59.054 INFO (MainThread) [ocpp] CP: send [...]``: the head pins the
    # time (a level word follows, not a zone) and ``[ocpp`` cannot start before the key. The key
    # runs to the first "receive message " or ": send "; the marker matches at most once per
    # start and ends at the first ": " after its "] ", so a match in the key is the line's first.
    fast=FastPath(
        head=r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) ",
        ts_at=0,
        ts_width=23,
        ts_format="%Y-%m-%d %H:%M:%S.%3f",
        ts_utc=False,
        key_from=23,
        key_to=("receive message ", ": send "),
    ),
)


class PyOcppReader(LayoutReader):
    """Reads the ``ocpp`` Python library's log lines out of an application log."""

    name = "pyocpp"
    layout = LAYOUT
    title = "Python ocpp library log (CP: receive message FRAME / CP: send FRAME)"
    sample = (
        "2025-03-03 08:00:00.000 INFO (MainThread) [homeassistant.setup] Time zone: UTC\n"
        "2025-03-03 08:00:01.120 INFO (MainThread) [ocpp] CP-1: receive message "
        '[2,"1","Heartbeat",{}]\n'
        "2025-03-03 08:00:01.125 INFO (MainThread) [ocpp] CP-1: send "
        '[3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """Timestamped ``CP: receive message [`` or ``CP: send [`` lines (surest under the
        logger name ``[ocpp]``); the same lines without a time are named as such. Every file's
        head is sniffed, so a head without the library's words is turned down on a literal
        search alone."""
        what = "CP: receive message/send lines"
        if not (_RECEIVE in head or _SEND in head):
            return NoMatch(f"no {what}")
        if "[ocpp" in head:
            found = sniff_layout(head, self.name, _HA, 0.95, f"[ocpp] {what}")
            if isinstance(found, Match):
                return found
        found = sniff_layout(head, self.name, _ANY, 0.85, f"timestamped {what}")
        if isinstance(found, Match) or "ocpp:" not in head or not _UNTIMED.search(head):
            return found
        return NoMatch(
            f"ocpp library lines ({what}) without a time: they cannot be placed in time; log "
            "with a time in the format, e.g. %(asctime)s"
        )


_RECEIVE, _SEND = ": receive message [", ": send ["
_HA = TS + r".*\[ocpp[^\]]*\] .+: (?:receive message|send) \["
_ANY = TS + r".*[^\s:]: (?:receive message|send) \["
#: ``LEVEL:ocpp:CP: send [...]``: the standard library's default format, which has no time
_UNTIMED = re.compile(r"^(?:[A-Z]+:)?ocpp:[^:\s][^:]*: (?:receive message|send) \[", re.M)


register(PyOcppReader())
