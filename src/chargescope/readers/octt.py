"""OCTT (OCA Compliance Test Tool) logs: a test-case header, then ``[TIME] [msg-out] FRAME`` lines.

``[2024-05-17T09:20:43:732] [msg-out] [2, "...", "GetVariables", {...}]`` (milliseconds after a
colon, no zone), ending ``[verdict] PASS``. When OCTT tests a charging station it plays the
CSMS, so ``msg-out`` = ``to_charger`` and ``msg-in`` = ``to_csms``; when it tests a CSMS it
plays the charger, and the one-sided CALLs (BootNotification, GetVariables, ...) flip the
reading (noted). The charger id comes from a header line (``Charging station: CS001``), else
from the file name.
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

LAYOUT = LineLayout(
    marker=r"\[(?P<dir>msg-in|msg-out)\]\s*",
    directions={"msg-in": TO_CSMS, "msg-out": TO_CHARGER},
    infer_direction=True,
    direction_note="OCTT testing a charging station (msg-out = OCTT as CSMS to the charger)",
    charger_banner=(
        r"(?i)^\s*(?:charging station|charge ?point|charger|station|sut)"
        r"(?:[ _-]?id(?:entity)?)?\s*[:=]\s*(\S.*\S|\S)\s*$"
    ),
    # ``[2024-05-17T09:20:43:732] [msg-out] [...]``: the head pins the time and holds no
    # ``[msg-``; the key is the next 11 bytes, which hold the whole marker and the frame's first
    # character when the line is a frame line.
    fast=FastPath(
        head=r"^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{3}\] ",
        ts_at=1,
        ts_width=23,
        ts_format="%Y-%m-%dT%H:%M:%S:%3f",
        ts_utc=False,
        key_from=26,
        key_width=11,
    ),
)


class OcttReader(LayoutReader):
    """Reads OCTT test-case logs: ``[msg-in]``/``[msg-out]`` frame lines under a header."""

    name = "octt"
    layout = LAYOUT
    title = "OCTT compliance test log ([TIME] [msg-in|msg-out] FRAME, [verdict])"
    sample = (
        "Test case: TC_B_01_CS Cold Boot Charging Station\n"
        "OCPP version: 2.0.1\n"
        "Charging station: CS-1\n"
        "Time zone: UTC\n"
        '[2025-03-03T08:00:01:120] [msg-in] [2, "1", "Heartbeat", {}]\n'
        '[2025-03-03T08:00:01:125] [msg-out] [3, "1", {"currentTime": "2025-03-03T08:00:01Z"}]\n'
        "[2025-03-03T08:00:02:000] [verdict] PASS"
    )

    def sniff(self, head: str) -> Sniff:
        """Bracketed timestamps followed by ``[msg-in]``/``[msg-out]``."""
        return sniff_layout(
            head,
            self.name,
            r"^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[:.,]?\d*\]\s*\[msg-(?:in|out)\]",
            0.95,
            "OCTT [TIME] [msg-in]/[msg-out] lines",
            needles=("[msg-",),
        )


register(OcttReader())
