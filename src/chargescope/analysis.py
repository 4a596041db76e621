"""The core analysis: per charger inventory, sessions, states, findings and a health verdict.

``analyze_charger`` is a pure function over one charger's frames (Polars or pyarrow): no I/O,
no clock, no global state, so it can run per group in Spark or incrementally on a live feed.
``analyze`` does the same for a whole ingest: the vectorised extraction runs once over the
fleet table and the per-charger state machines then loop over its partitions.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from chargescope.inventory import Inventory, build_inventory
from chargescope.rules import (
    SEVERITIES,
    SEVERITY_RANK,
    ChargerContext,
    Finding,
    RuleConfig,
    run_rules,
)
from chargescope.rules.connectivity import offline_threshold
from chargescope.sessions.context import ChargerEvents, attach, split_by_charger
from chargescope.sessions.events import extract, in_background, meter_anomalies, tx_readings
from chargescope.sessions.transactions import Session, build_sessions
from chargescope.states import StateInterval, build_states

if TYPE_CHECKING:
    from chargescope.ingest import Ingest

#: An Authorize accepted but not followed by a transaction with its id tag this soon is unused.
AUTH_TO_START = timedelta(minutes=10)

HEALTHY, DEGRADED, DOWN = "healthy", "degraded", "down"
VERDICT_RANK = {DOWN: 0, DEGRADED: 1, HEALTHY: 2}


@dataclass(frozen=True)
class Health:
    """A charger's verdict and why."""

    verdict: str  # healthy | degraded | down
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ChargerAnalysis:
    """Everything the analysis found about one charger."""

    charger_id: str
    inventory: Inventory
    sessions: tuple[Session, ...]
    states: tuple[StateInterval, ...]
    findings: tuple[Finding, ...]
    health: Health
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """The fleet analysis: chargers (worst first), summary, and the ingest summary."""

    chargers: tuple[ChargerAnalysis, ...]
    summary: dict[str, Any]
    ingest: dict[str, Any] | None = None

    @property
    def sessions(self) -> list[Session]:
        """Every session of every charger."""
        return [s for c in self.chargers for s in c.sessions]

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every charger."""
        return [f for c in self.chargers for f in c.findings]


def prepare(
    frames: pl.DataFrame | pa.Table, connections: pl.DataFrame | None, config: RuleConfig
) -> dict[str, ChargerEvents]:
    """Vectorised extraction over any number of chargers, split into per-charger records."""
    x = extract(
        frames,
        connections,
        slow_ms=config.get("slow_response", "min_latency_s") * 1000,
        keep_gap_s=min(
            config.get("unstable_connection", "min_gap_s"), config.get("offline", "min_silence_s")
        ),
    )
    # The reading aggregates are made on a worker thread while the other tables become records.
    derived = in_background(_reading_tables, x.readings, config)
    tables = {name: getattr(x, name) for name in x.__dataclass_fields__ if name != "readings"}
    out = split_by_charger(x, tables)
    attach(out, derived.result())
    return out


def _reading_tables(readings: pl.DataFrame, config: RuleConfig) -> dict[str, pl.DataFrame]:
    """Per-transaction meter aggregates and meter anomalies (the per-charger code reads these)."""
    return {
        "tx_readings": tx_readings(readings),
        "anomalies": meter_anomalies(
            readings,
            config.get("meter_anomaly", "max_power_kw") * 1000,
            config.get("meter_anomaly", "power_factor"),
            config.get("meter_anomaly", "slack_wh"),
            config.get("meter_anomaly", "tolerance_wh"),
        ),
    }


def analyze_events(
    events: ChargerEvents, config: RuleConfig, until: datetime | None = None
) -> ChargerAnalysis:
    """Sessions, states, findings and verdict from one charger's prepared events."""
    inventory = build_inventory(events)
    sessions = build_sessions(events)
    states = build_states(events)
    ctx = ChargerContext(events, sessions, states, inventory, until)
    findings = run_rules(ctx, config)
    return ChargerAnalysis(
        events.charger_id,
        inventory,
        tuple(sessions),
        tuple(states),
        tuple(findings),
        health(ctx, findings, config),
        counts(ctx),
    )


def analyze_charger(
    frames: pl.DataFrame | pa.Table,
    connections: pl.DataFrame | pa.Table | None = None,
    config: RuleConfig | None = None,
    until: datetime | None = None,
) -> ChargerAnalysis:
    """Analyse ONE charger's frames (pure: no I/O, no clock). ``until``: end of the whole log."""
    config = config or RuleConfig()
    conns = _polars(connections) if connections is not None else None
    prepared = prepare(frames, conns, config)
    if len(prepared) != 1:
        raise ValueError(f"analyze_charger needs the frames of one charger, got {len(prepared)}")
    return analyze_events(next(iter(prepared.values())), config, until)


def _polars(t: pl.DataFrame | pa.Table) -> pl.DataFrame:
    if isinstance(t, pa.Table):
        got = pl.from_arrow(t)
        assert isinstance(got, pl.DataFrame)
        return got
    return t


def analyze(ingest: Ingest, config: RuleConfig | None = None) -> Report:
    """Analyse every charger of an ingest and summarise the fleet (chargers worst first)."""
    config = config or RuleConfig()
    frames = ingest.frames
    until = frames["ts"].max() if frames.height else None
    prepared = prepare(frames, ingest.connections, config)
    results = [analyze_events(ev, config, until) for ev in prepared.values()]  # type: ignore[arg-type]
    results.sort(key=_worst_first)
    return Report(tuple(results), summarize(results), ingest.summary())


FINDINGS_ARROW = pa.schema(
    [
        ("charger_id", pa.string()),
        ("connector_id", pa.int32()),
        ("kind", pa.string()),
        ("severity", pa.string()),
        ("start", pa.timestamp("ms", "UTC")),
        ("end", pa.timestamp("ms", "UTC")),
        ("detail", pa.string()),  # JSON text
        ("explanation", pa.string()),
        ("action", pa.string()),
        ("evidence", pa.list_(pa.int64())),
    ]
)
SESSIONS_ARROW = pa.schema(
    [
        ("charger_id", pa.string()),
        ("connector_id", pa.int32()),
        ("transaction_id", pa.string()),
        ("start", pa.timestamp("ms", "UTC")),
        ("end", pa.timestamp("ms", "UTC")),
        ("energy_wh", pa.float64()),
        ("stop_reason", pa.string()),
        ("id_tag", pa.string()),
        ("ended", pa.bool_()),
        ("peak_power_w", pa.float64()),
        ("soc_start", pa.float64()),
        ("soc_end", pa.float64()),
    ]
)


def findings_arrow(results: Iterable[ChargerAnalysis]) -> pa.Table:
    """Every finding as an Arrow table (FINDINGS_ARROW), e.g. for Spark's applyInArrow."""
    rows = [f for r in results for f in r.findings]
    return pa.Table.from_pylist(
        [
            {
                "charger_id": f.charger_id,
                "connector_id": f.connector_id,
                "kind": f.kind,
                "severity": f.severity,
                "start": f.start,
                "end": f.end,
                "detail": json.dumps(f.detail, default=str, sort_keys=True),
                "explanation": f.explanation,
                "action": f.action,
                "evidence": [int(i) for i in f.evidence if i is not None],
            }
            for f in rows
        ],
        schema=FINDINGS_ARROW,
    )


def sessions_arrow(results: Iterable[ChargerAnalysis]) -> pa.Table:
    """Every session as an Arrow table (SESSIONS_ARROW)."""
    return pa.Table.from_pylist(
        [
            {
                name: (s.ended if name == "ended" else getattr(s, name))
                for name in SESSIONS_ARROW.names
            }
            for r in results
            for s in r.sessions
        ],
        schema=SESSIONS_ARROW,
    )


def _worst_first(c: ChargerAnalysis) -> tuple[Any, ...]:
    worst = min((SEVERITY_RANK[f.severity] for f in c.findings), default=9)
    return (VERDICT_RANK[c.health.verdict], worst, -len(c.findings), c.charger_id)


def health(ctx: ChargerContext, findings: list[Finding], config: RuleConfig) -> Health:
    """Down: out of service at the end of the log; degraded: problems found; else healthy."""
    down: list[str] = []
    silent = (ctx.log_end - ctx.events.last_ts).total_seconds()
    if silent > offline_threshold(ctx, config):
        down.append(f"silent for the last {int(silent // 60)} min of the log")
    for f in findings:
        if f.kind == "fault" and f.detail.get("open"):
            where = "station" if f.connector_id is None else f"connector {f.connector_id}"
            down.append(f"{where} still faulted at the end of the log")
        if f.kind == "boot_rejected" and not f.detail.get("accepted"):
            down.append("registration never accepted")
    if down:
        return Health(DOWN, tuple(down))
    problems = Counter(f.kind for f in findings if f.severity != "info")
    if problems:
        return Health(DEGRADED, tuple(f"{n} x {k}" for k, n in sorted(problems.items())))
    return Health(HEALTHY, ())


def counts(ctx: ChargerContext) -> dict[str, int]:
    """Authorisations and plug-ins that never became a transaction."""
    starts: dict[Any, list[datetime]] = {}  # id tag -> sorted frame times of session starts
    by_conn: dict[int, list[datetime]] = {}  # connector -> sorted frame times of session starts
    for s in ctx.sessions:
        if s.start_ts is not None:
            starts.setdefault(s.id_tag, []).append(s.start_ts)
            if s.connector_id is not None:
                by_conn.setdefault(s.connector_id, []).append(s.start_ts)
    for times in (*starts.values(), *by_conn.values()):
        times.sort()
    unused_auth = 0
    for a in ctx.events.auth:
        if a.a_auth != "Accepted":
            continue
        if not _any_within(starts.get(a.id_tag, []), a.ts, a.ts + AUTH_TO_START):
            unused_auth += 1
    occupied = ctx.events.proto.OCCUPIED
    available = ctx.events.proto.AVAILABLE
    plugins = 0
    plugged: dict[int, datetime] = {}
    for st in ctx.states:
        if st.status in occupied and st.connector_id not in plugged:
            plugged[st.connector_id] = st.start
        elif st.status == available and st.connector_id in plugged:
            since = plugged.pop(st.connector_id)
            if not _any_within(by_conn.get(st.connector_id, []), since, st.start):
                plugins += 1
    return {
        "sessions": len(ctx.sessions),
        "unended_sessions": sum(1 for s in ctx.sessions if not s.ended),
        "authorizations_without_transaction": unused_auth,
        "plugins_without_transaction": plugins,
    }


def _any_within(times: list[datetime], lo: datetime, hi: datetime) -> bool:
    """Whether the sorted ``times`` hold one in [lo, hi]."""
    i = bisect_left(times, lo)
    return i < len(times) and times[i] <= hi


def summarize(chargers: list[ChargerAnalysis]) -> dict[str, Any]:
    """Fleet summary: chargers per verdict, findings per kind and severity, energy, sessions."""
    verdicts = Counter(c.health.verdict for c in chargers)
    kinds = Counter(f.kind for c in chargers for f in c.findings)
    sev = Counter(f.severity for c in chargers for f in c.findings)
    energy = sum(s.energy_wh or 0 for c in chargers for s in c.sessions if s.ended)
    totals: Counter[str] = Counter()
    for c in chargers:
        totals.update(c.counts)
    return {
        "chargers": len(chargers),
        "verdicts": {v: verdicts.get(v, 0) for v in (HEALTHY, DEGRADED, DOWN)},
        "findings": sum(kinds.values()),
        "findings_by_kind": dict(sorted(kinds.items())),
        "findings_by_severity": {s: sev.get(s, 0) for s in SEVERITIES},
        "energy_wh": round(energy, 3),
        **{
            k: totals.get(k, 0)
            for k in (
                "sessions",
                "unended_sessions",
                "authorizations_without_transaction",
                "plugins_without_transaction",
            )
        },
    }
