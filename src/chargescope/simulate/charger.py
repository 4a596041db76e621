"""Run one charger's simulation: start its processes, play its incidents, resolve its truth."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from chargescope.simulate.background import (
    clock_aligned,
    demand,
    first_boot,
    heartbeats,
    routines,
)
from chargescope.simulate.clock import iso
from chargescope.simulate.dialect import dialect_for
from chargescope.simulate.engine import Columns, Sim, When
from chargescope.simulate.fleet import ChargerSpec
from chargescope.simulate.incidents import run_incident


@dataclass
class ChargerRun:
    """One charger's frames (sorted by time), connection events, sessions and findings."""

    spec: ChargerSpec
    cols: Columns
    connections: list[tuple[int, str, str | None]]
    sessions: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    malformed: list[dict[str, Any]]


def simulate_charger(spec: ChargerSpec, t0: int, t1: int, seed: int) -> ChargerRun:
    """Generate every frame of one charger between ``t0`` and ``t1`` (epoch ms)."""
    sim = Sim(spec, t0, t1, seed)
    d = dialect_for(sim)
    starts = [r for _, r in spec.incidents if r.position == "start"]
    if starts:
        sim.spawn(run_incident(sim, d, starts[0]))
    elif spec.boot_at_start:
        sim.spawn(first_boot(sim, d))
    sim.spawn(heartbeats(sim, d))
    if spec.clock_aligned:
        sim.spawn(clock_aligned(sim, d))
    for c in range(1, spec.connectors + 1):
        sim.spawn(demand(sim, d, c))
    sim.spawn(routines(sim, d))
    for at, recipe in spec.incidents:
        if recipe.position != "start":
            sim.spawn(run_incident(sim, d, recipe), at=at)
    sim.run()
    return _finish(sim)


def _sorted(cols: Columns) -> Columns:
    """The columns in time order (stable), with peer rows renumbered to match."""
    order = sorted(range(len(cols.ts)), key=cols.ts.__getitem__)
    out = Columns()
    for name in vars(cols):
        src = getattr(cols, name)
        setattr(out, name, [src[i] for i in order])
    position = [0] * len(order)
    for new, old in enumerate(order):
        position[old] = new
    out.peer = [position[p] if p >= 0 else -1 for p in out.peer]
    return out


def _resolve(ts: list[int], when: When) -> int:
    if isinstance(when, int):
        return when
    if when[0] == "before":
        return ts[bisect_right(ts, when[1]) - 1]
    if when[0] == "after":
        return ts[bisect_left(ts, when[1])]
    return ts[-1]


def _finish(sim: Sim) -> ChargerRun:
    cols = _sorted(sim.cols)
    cid = sim.spec.charger_id
    findings = [
        {
            "charger_id": cid,
            "connector_id": f.connector_id,
            "kind": f.kind,
            "start": iso(_resolve(cols.ts, f.start)),
            "end": iso(_resolve(cols.ts, f.end)),
            "detail": f.detail,
        }
        for f in sim.findings
    ]
    sessions = [
        {**s, "start": iso(s["start"]), "end": None if s["end"] is None else iso(s["end"])}
        for s in sim.sessions
    ]
    connections = sorted(sim.connections, key=lambda e: e[0])
    return ChargerRun(sim.spec, cols, connections, sessions, findings, sim.malformed)
