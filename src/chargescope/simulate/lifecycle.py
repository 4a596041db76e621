"""Boots, disconnects, reconnects and reboots: how a charger comes and goes on the CSMS link."""

from __future__ import annotations

from chargescope.simulate.dialect import Dialect
from chargescope.simulate.engine import Process, Sim


def boot_sequence(
    sim: Sim, d: Dialect, reason: str, answers: tuple[str, ...] = ("Accepted",)
) -> Process:
    """Boot until accepted (one answer per attempt); returns the boot call times."""
    rng = sim.rng
    boots: list[int] = []
    retry = rng.choice((30, 60, 120, 300))
    for status in answers:
        interval = sim.spec.heartbeat_interval if status == "Accepted" else retry
        lat = d.boot(status, interval, reason)
        boots.append(sim.now)
        if status == "Accepted":
            yield lat + rng.randint(200, 2_000)
        else:
            yield interval * 1000 + rng.randint(0, 3_000)
    sim.registered = True
    yield from d.report_all()
    return boots


def go_down(sim: Sim, detail: str | None, logged_after: int = 0) -> Process:
    """Wait until nothing is in flight, then drop the link."""
    yield from sim.wait_quiet()
    sim.link_down(detail, logged_after)


def come_back(sim: Sim, d: Dialect) -> Process:
    """Reconnect without a boot: re-report the connectors and send what was kept."""
    sim.link_up()
    yield sim.rng.randint(300, 3_000)
    yield from d.report_all()
    yield from sim.flush_queue()


def restart(
    sim: Sim, d: Dialect, gap_ms: int, reason: str, answers: tuple[str, ...] = ("Accepted",)
) -> Process:
    """Power back after ``gap_ms`` down: connect, boot, re-report; returns the boot times."""
    sim.registered = False
    yield gap_ms
    sim.uids.reset()
    for c, status in sim.status.items():
        if status != "Faulted":
            sim.status[c] = "Available"
    sim.link_up()
    yield sim.rng.randint(200, 2_000)
    boots = yield from boot_sequence(sim, d, reason, answers)
    yield from sim.flush_queue()
    return boots


def reboot(
    sim: Sim,
    d: Dialect,
    gap_ms: int,
    reason: str,
    detail: str = "1006 abnormal closure",
    answers: tuple[str, ...] = ("Accepted",),
) -> Process:
    """Drop the link, stay down ``gap_ms`` and boot again; returns the boot times."""
    yield from go_down(sim, detail)
    sim.registered = False
    boots = yield from restart(sim, d, gap_ms, reason, answers)
    return boots
