"""Clock rule: a charger whose own clock is far from the log's time."""

from __future__ import annotations

from statistics import median

from chargescope.rules.base import (
    ChargerContext,
    Finding,
    RuleConfig,
    Threshold,
    duration,
    rule,
    when,
)
from chargescope.sessions.transactions import parse_time


@rule(
    "clock_skew",
    "minor",
    "Charger clock is off",
    (
        Threshold(
            "min_offset_s",
            300,
            "s",
            "median offset of the charger's timestamps that counts as skew",
        ),
        Threshold("min_samples", 5, "count", "status reports with a timestamp needed to judge"),
    ),
)
def clock_skew(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """The timestamps the charger writes into its StatusNotifications differ from the log's
    receive times by more than min_offset_s (median over all its status reports): session
    times, billing and meter data from it are shifted."""
    samples = []
    for e in ctx.events.status:
        cts = parse_time(e.cts)
        if cts is not None:
            samples.append(((cts - e.ts).total_seconds(), e))
    if len(samples) < config.get("clock_skew", "min_samples"):
        return []
    offset = median(s for s, _ in samples)
    if abs(offset) < config.get("clock_skew", "min_offset_s"):
        return []
    first, last = samples[0][1], samples[-1][1]
    side = "ahead of" if offset > 0 else "behind"
    return [
        Finding(
            "clock_skew",
            "minor",
            ctx.charger_id,
            None,
            first.ts,
            last.ts,
            (first.frame_id, last.frame_id),
            {"median_offset_s": round(offset, 3), "samples": len(samples)},
            f"The charger's clock runs {duration(abs(offset))} {side} the log's time "
            f"(median over {len(samples)} status reports from {when(first.ts)} to "
            f"{when(last.ts)}).",
            "Configure NTP on the charger, or have the CSMS set its time (BootNotification "
            "currentTime, or a time-sync configuration key).",
        )
    ]
