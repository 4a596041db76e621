"""Sessions and the sparse events they are built from: extraction, per-charger records, sessions."""

from chargescope.sessions.context import PROTOCOLS, ChargerEvents, split_by_charger
from chargescope.sessions.events import Extract, extract
from chargescope.sessions.transactions import Session, build_sessions, parse_time

__all__ = [
    "PROTOCOLS",
    "ChargerEvents",
    "Extract",
    "Session",
    "build_sessions",
    "extract",
    "parse_time",
    "split_by_charger",
]
