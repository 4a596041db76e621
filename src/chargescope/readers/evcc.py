"""evcc logs: ``[ocpp  ] TRACE 2024/08/23 08:44:04 recv SN123: [2,...]`` / ``send SN123: ...``.

evcc is the CSMS: ``recv`` = ``to_csms``, ``send`` = ``to_charger``. Times are local, to the
second, without a zone. ``charge point connected: SN123`` / ``disconnected`` lines become
connection events.
"""

from __future__ import annotations

from chargescope.readers import register
from chargescope.readers.base import (
    TO_CHARGER,
    TO_CSMS,
    Match,
    Sniff,
)
from chargescope.readers.textlog import (
    TS,
    FastPath,
    LayoutReader,
    LineLayout,
    sniff_layout,
)

LAYOUT = LineLayout(
    marker=r"\b(?P<dir>recv|send) (?P<charger>[^:\s][^:]*): ",
    frame_prefix="[",
    directions={"recv": TO_CSMS, "send": TO_CHARGER},
    connect=r"\bcharge ?point (?P<event>connected|disconnected): (?P<charger>\S.*)$",
    events={"connected": "connected", "disconnected": "disconnected"},
    # ``[ocpp  ] TRACE 2024/08/23 08:44:04 recv SN123: [...]``: the head pins the time (no zone
    # follows) and leaves no "recv"/"send" before the key, which starts with the blank before
    # it (so ``\b`` sees the same). The key runs to the first ": "; a match ends at the first
    # ":" after its direction word, so a match in the key is the line's first.
    fast=FastPath(
        head=r"^\[ocpp  \] TRACE [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} (?:recv|send) ",
        ts_at=15,
        ts_width=19,
        ts_format="%Y/%m/%d %H:%M:%S",
        ts_utc=False,
        key_from=34,
        key_to=(": ",),
    ),
)


class EvccReader(LayoutReader):
    """Reads evcc's OCPP trace lines out of its log."""

    name = "evcc"
    layout = LAYOUT
    title = "evcc log ([ocpp  ] TRACE date recv|send ID: FRAME)"
    sample = (
        "[main  ] INFO 2025/03/03 08:00:00 evcc 0.131.0, timezone: UTC\n"
        '[ocpp  ] TRACE 2025/03/03 08:00:01 recv CP-1: [2,"1","Heartbeat",{}]\n'
        '[ocpp  ] TRACE 2025/03/03 08:00:01 send CP-1: [3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """``[ocpp ...] LEVEL date recv|send ID: [`` lines (surer with evcc's module prefix)."""
        evcc = sniff_layout(
            head,
            self.name,
            r"^\[ocpp\s*\]\s+\w+\s+" + TS + r"\s+(?:recv|send) [^:]+: \[",
            0.95,
            "evcc [ocpp] recv/send lines",
            needles=("[ocpp",),
        )
        if isinstance(evcc, Match):
            return evcc
        return sniff_layout(
            head,
            self.name,
            TS + r"\s+(?:recv|send) [^:\s][^:]*: \[\s*[234]\s*,",
            0.7,
            "timestamped recv/send ID: FRAME lines",
            needles=("recv ", "send "),
        )


register(EvccReader())
