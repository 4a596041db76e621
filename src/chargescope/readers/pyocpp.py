"""Logs of the Python ``ocpp`` library's logger (e.g. Home Assistant's OCPP integration).

``2024-12-10 12:19:59.054 INFO (MainThread) [ocpp] CP_ID: receive message [2,...]`` and
``CP_ID: send [3,...]``. Other loggers interleave; an ``Error while handling request`` line names
no charger and is followed by an untimestamped Python traceback: all of that is counted noise,
one per line. The library runs on both sides of the socket: read as a CSMS log (receive =
``to_csms``) unless most one-sided CALLs say the log is the charger's, which flips it (noted).
``Charger CP_ID connected to ...`` / ``disconnected from ...`` lines (the Home Assistant
integration's) become connection events.
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
    marker=r"\[ocpp[^\]]*\] (?P<charger>[^:]+): (?P<dir>receive message|send) ",
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
    title = "Python ocpp library log ([ocpp] CP: receive message FRAME / send FRAME)"
    sample = (
        "2025-03-03 08:00:00.000 INFO (MainThread) [homeassistant.setup] Time zone: UTC\n"
        "2025-03-03 08:00:01.120 INFO (MainThread) [ocpp] CP-1: receive message "
        '[2,"1","Heartbeat",{}]\n'
        "2025-03-03 08:00:01.125 INFO (MainThread) [ocpp] CP-1: send "
        '[3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """Timestamped ``[ocpp] CP: receive message [`` or ``: send [`` lines."""
        return sniff_layout(
            head,
            self.name,
            TS + r".*\[ocpp[^\]]*\] .+: (?:receive message|send) \[",
            0.95,
            "[ocpp] CP: receive message/send lines",
            needles=("[ocpp",),
        )


register(PyOcppReader())
