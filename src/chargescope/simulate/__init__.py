"""A fleet simulator: realistic OCPP 1.6J/2.0.1 traffic over days, with its ground truth."""

from chargescope.simulate.output import (
    Fleet,
    normalized,
    simulate_command,
    simulate_fleet,
    summary,
    write_fleet,
)

__all__ = ["Fleet", "normalized", "simulate_command", "simulate_fleet", "summary", "write_fleet"]
