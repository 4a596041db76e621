"""What a finding is, the rule registry, and the thresholds rules read (with documented defaults).

A rule is a pure function ``(ChargerContext, RuleConfig) -> list[Finding]``: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from chargescope.inventory import Inventory
from chargescope.sessions.context import ChargerEvents
from chargescope.sessions.transactions import Session
from chargescope.states import StateInterval

Severity = Literal["critical", "major", "minor", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "major", "minor", "info")
#: Lower rank = worse.
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One operational problem, where and when it was seen, and what to do about it."""

    kind: str
    severity: Severity
    charger_id: str
    connector_id: int | None  # None: the whole station
    start: datetime
    end: datetime
    evidence: tuple[int, ...]  # frame ids
    detail: dict[str, Any]
    explanation: str
    action: str


@dataclass(frozen=True)
class ChargerContext:
    """Everything rules read about one charger."""

    events: ChargerEvents
    sessions: list[Session]
    states: list[StateInterval]
    inventory: Inventory
    until: datetime | None = None  # end of the whole log (fleet), when known

    @property
    def charger_id(self) -> str:
        """The charger's id."""
        return self.events.charger_id

    @property
    def log_end(self) -> datetime:
        """End of the log: the fleet's end when given, else the charger's last frame."""
        return self.until or self.events.last_ts


@dataclass(frozen=True)
class Threshold:
    """A documented, configurable rule setting."""

    name: str
    default: float
    unit: str
    doc: str


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable kind id, default severity, documentation and the function."""

    kind: str
    severity: Severity
    title: str
    doc: str
    fn: Callable[[ChargerContext, RuleConfig], list[Finding]]
    thresholds: tuple[Threshold, ...] = ()


#: kind -> rule. Filled by the modules of this package (see ``rules/__init__.py``).
RULES: dict[str, Rule] = {}


def rule(
    kind: str, severity: Severity, title: str, thresholds: tuple[Threshold, ...] = ()
) -> Callable[[Callable[[ChargerContext, RuleConfig], list[Finding]]], Any]:
    """Register a rule function under ``kind``; its docstring is the documentation."""

    def deco(fn: Callable[[ChargerContext, RuleConfig], list[Finding]]) -> Any:
        doc = " ".join((fn.__doc__ or "").split())
        RULES[kind] = Rule(kind, severity, title, doc, fn, thresholds)
        return fn

    return deco


@dataclass(frozen=True)
class RuleConfig:
    """Thresholds of every rule: ``values[kind][name]``; unset names use the rule's default."""

    values: dict[str, dict[str, float]] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    def get(self, kind: str, name: str) -> float:
        """The configured value of threshold ``name`` of rule ``kind``, or its default."""
        got = self.values.get(kind, {}).get(name)
        if got is not None:
            return float(got)
        for t in RULES[kind].thresholds:
            if t.name == name:
                return t.default
        raise KeyError(f"rule {kind!r} has no threshold {name!r}")

    def enabled(self, kind: str) -> bool:
        """Whether rule ``kind`` runs."""
        return kind not in self.disabled


def threshold_names(kind: str) -> list[str]:
    """The threshold names a rule accepts."""
    return [t.name for t in RULES[kind].thresholds]


def when(ts: datetime) -> str:
    """A time for explanations: ``2025-03-03 08:14:05 UTC``."""
    return ts.strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float) -> str:
    """A human duration: ``45 s``, ``12 min``, ``3 h 12 min``, ``2 d 4 h``."""
    s = int(round(seconds))
    if s < 120:
        return f"{s} s"
    m = s // 60
    if m < 60:
        return f"{m} min"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(h, 24)
    return f"{d} d {h} h" if h else f"{d} d"


def energy(wh: float) -> str:
    """A human energy: ``850 Wh``, ``12.345 kWh``, ``1,493.140 kWh``."""
    if abs(wh) < 10_000:
        return f"{wh:,.0f} Wh" if float(wh).is_integer() else f"{wh:,.1f} Wh"
    return f"{wh / 1000:,.3f} kWh"


__all__ = [
    "RULES",
    "ChargerContext",
    "duration",
    "energy",
    "when",
    "SEVERITIES",
    "SEVERITY_RANK",
    "Finding",
    "Rule",
    "RuleConfig",
    "Severity",
    "Threshold",
    "rule",
    "threshold_names",
]
