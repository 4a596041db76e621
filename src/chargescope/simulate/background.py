"""A charger's ordinary life: first boot, heartbeats, clock meter values, drivers, CSMS routines."""

from __future__ import annotations

from chargescope.simulate.dialect import Dialect
from chargescope.simulate.engine import Process, Sim
from chargescope.simulate.lifecycle import boot_sequence
from chargescope.simulate.session import Flavor, session

_DAY = 86_400_000


def first_boot(sim: Sim, d: Dialect, answers: tuple[str, ...] = ("Accepted",)) -> Process:
    """The charger powers up shortly after the log starts."""
    yield sim.rng.randint(1_000, 600_000)
    sim.link_up()
    yield sim.rng.randint(100, 1_500)
    boots = yield from boot_sequence(sim, d, "PowerUp", answers)
    return boots


def heartbeats(sim: Sim, d: Dialect) -> Process:
    """Heartbeat every interval; some firmware skips it while other calls flow."""
    rng = sim.rng
    hb = sim.spec.heartbeat_interval * 1000
    last = sim.now - rng.randint(0, hb)
    while True:
        if not (sim.online and sim.registered):
            yield hb // 4 + rng.randint(0, 5_000)
            continue
        ref = max(last, sim.last_out) if sim.spec.skip_heartbeats else last
        due = ref + hb
        if sim.now < due:
            yield due - sim.now + rng.randint(0, 400)
            continue
        d.heartbeat()
        last = sim.now


def clock_aligned(sim: Sim, d: Dialect) -> Process:
    """Station meter values every quarter hour, outside any transaction."""
    period = 900_000
    while True:
        nxt = (sim.now // period + 1) * period
        yield nxt - sim.now + sim.rng.randint(0, 800)
        if sim.online and sim.registered:
            d.clock_meter(int(sim.main_meter))


def _weight(sim: Sim, ms: int) -> float:
    site = sim.spec.site
    day = ms // _DAY
    w = site.hourly[(ms // 3_600_000) % 24]
    return w * site.weekend_factor if (day + 3) % 7 >= 5 else w


def _ordinary(sim: Sim) -> Flavor:
    r = sim.rng.random()
    if r < 0.07:
        return Flavor(auth="plug_only")
    if r < 0.32:
        return Flavor(auth="app")
    return Flavor()


def demand(sim: Sim, d: Dialect, c: int) -> Process:
    """Drivers arrive at connector ``c`` by the site's daily curve (thinned Poisson process)."""
    rng, site = sim.rng, sim.spec.site
    mean = sum(site.hourly) / 24
    peak = max(site.hourly) * max(1.0, site.weekend_factor)
    lam = site.sessions_per_day / _DAY * peak / mean
    while True:
        yield int(rng.expovariate(lam)) + 1
        if rng.random() * peak > _weight(sim, sim.now):
            continue
        if (
            sim.hold
            or sim.busy[c]
            or not sim.online
            or not sim.registered
            or sim.status[c] != "Available"
        ):
            continue
        yield from session(sim, d, c, _ordinary(sim))


def routines(sim: Sim, d: Dialect) -> Process:
    """Now and then the CSMS configures, triggers, reads config or fetches diagnostics."""
    rng = sim.rng
    while True:
        yield int(rng.expovariate(1 / (0.8 * _DAY))) + 1
        if sim.hold or not sim.online or not sim.registered:
            continue
        pick = rng.randrange(5)
        if pick == 0:
            key, value = rng.choice(d.config_ok)
            yield d.set_config(key, value, "Accepted") + rng.randint(500, 5_000)
        elif pick == 1:
            yield from _trigger(sim, d)
        elif pick == 2:
            yield d.get_config() + rng.randint(500, 5_000)
        elif pick == 3:
            yield from _diagnostics(sim, d)
        else:
            yield d.data_transfer({"status": "Accepted"}) + rng.randint(500, 5_000)


def _trigger(sim: Sim, d: Dialect) -> Process:
    rng = sim.rng
    message = rng.choice(d.triggers)
    c = rng.randint(1, sim.spec.connectors) if message == "StatusNotification" else None
    if c is not None and sim.status[c] == "Faulted":
        return
    yield d.trigger(message, c, "Accepted") + rng.randint(100, 2_000)
    if message == "Heartbeat":
        d.heartbeat()
    elif c is not None:
        d.status(c, sim.status[c], force=True)
    else:
        d.clock_meter(int(sim.main_meter), "Trigger")


def _diagnostics(sim: Sim, d: Dialect) -> Process:
    rng = sim.rng
    rid = sim.next_request_id()
    yield d.get_log(rid) + rng.randint(2_000, 30_000)
    yield d.log_status("Uploading", rid) + rng.randint(20_000, 120_000)
    d.log_status("Uploaded", rid)
