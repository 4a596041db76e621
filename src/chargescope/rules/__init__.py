"""Rules: pure functions from one charger's events to findings, registered under stable kinds.

``RULES`` is filled by importing the rule modules below; ``run_rules`` applies every enabled rule.
"""

from __future__ import annotations

from chargescope.rules import (  # noqa: F401  (importing registers the rules)
    charging,
    clock,
    connectivity,
    faults,
    maintenance,
    messages,
)
from chargescope.rules.base import (
    RULES,
    SEVERITIES,
    SEVERITY_RANK,
    ChargerContext,
    Finding,
    Rule,
    RuleConfig,
    Severity,
    Threshold,
)


def run_rules(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Every enabled rule's findings for one charger, ordered by time then kind."""
    out: list[Finding] = []
    for kind, r in RULES.items():
        if config.enabled(kind):
            out.extend(r.fn(ctx, config))
    return sorted(out, key=lambda f: (f.start, f.kind, f.connector_id or 0))


__all__ = [
    "RULES",
    "SEVERITIES",
    "SEVERITY_RANK",
    "ChargerContext",
    "Finding",
    "Rule",
    "RuleConfig",
    "Severity",
    "Threshold",
    "run_rules",
]
