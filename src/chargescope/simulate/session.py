"""Charging sessions: an EV plugs in, is authorised, draws energy by simple physics and leaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chargescope.simulate.catalog import CARS, LOAD_WINDOW
from chargescope.simulate.dialect import Dialect
from chargescope.simulate.engine import Process, Sim, Tx

_MIN = 60_000


@dataclass
class Flavor:
    """How a session departs from the ordinary; the defaults are an ordinary session."""

    auth: str = "rfid"  # rfid | app | plug_only | empty_tag
    start_status: str = "Accepted"  # the answer to StartTransaction / TransactionEvent Started
    authorize_reject: str | None = None  # the first card is refused with this status
    give_up: bool = False  # after a refused card the driver leaves
    remote_start_reject: bool = False
    remote_stop_reject: bool = False
    no_energy: bool = False  # the EV never draws
    no_meter: bool = False  # no meter values during the session
    anomaly: str | None = None  # backwards | reset | jump
    cut_after: int | None = None  # ms after the start at which the session is cut short
    stuck: bool = False  # when cut: the connector goes Available without a stop
    dwell_ms: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Car:
    """The EV of one session."""

    max_w: float
    capacity_wh: float
    soc: float
    target: float

    @property
    def needed_wh(self) -> float:
        """Energy the EV wants."""
        return self.capacity_wh * max(self.target - self.soc, 0) / 100


def _car(sim: Sim, dc: bool) -> Car:
    ac_w, dc_w, cap = sim.rng.choice(CARS)
    rng = sim.rng
    if dc:
        return Car(dc_w, cap, rng.uniform(8, 50), rng.uniform(75, 90))
    return Car(ac_w, cap, rng.uniform(15, 70), rng.choice((80, 90, 100)))


def _dwell(sim: Sim, dc: bool) -> int:
    if dc:
        return 90 * _MIN
    lo, hi = sim.spec.site.dwell_min
    return sim.rng.randint(lo, hi) * _MIN


def _token(sim: Sim, d: Dialect, fl: Flavor) -> tuple[str, str]:
    if fl.auth == "empty_tag":
        return "", "ISO14443"
    if fl.auth == "app":
        if d.version == "1.6":
            return f"APP{sim.rng.randint(10**8, 10**9 - 1)}", "Central"
        return f"app-{sim.rng.getrandbits(48):012x}", "Central"
    return sim.rng.choice(sim.tags), "ISO14443"


def session(sim: Sim, d: Dialect, c: int, fl: Flavor | None = None) -> Process:
    """One visit at connector ``c``; returns the transaction (None without one)."""
    sim.busy[c] = True
    try:
        tx = yield from _visit(sim, d, c, fl or Flavor())
    finally:
        sim.busy[c] = False
    return tx


def _visit(sim: Sim, d: Dialect, c: int, fl: Flavor) -> Process:
    rng = sim.rng
    d.status(c, "Preparing")
    yield rng.randint(5_000, 40_000)
    if fl.auth == "plug_only":
        yield rng.randint(1 * _MIN, 15 * _MIN)
        d.status(c, "Available")
        return None
    token = yield from _authorise(sim, d, c, fl)
    if token is None:
        return None
    tx = Tx(c, token[0], token[1])
    lat = d.tx_start(tx, fl.start_status)
    if fl.auth == "empty_tag":
        sim.finding(
            "empty_id_tag",
            sim.now,
            connector=c,
            transaction_id=tx.id,
            answer=fl.start_status,
            **fl.detail,
        )
    if fl.start_status != "Accepted":
        yield from _deauthorised(sim, d, tx, fl, lat)
        return tx
    yield lat + rng.randint(300, 2_000)
    how = yield from _charge(sim, d, tx, fl)
    if how == "cut":
        if fl.stuck:
            yield rng.randint(30_000, 600_000)
            d.status(c, "Available")
            sim.finding(
                "stuck_transaction",
                tx.start_frame_ts,
                sim.now,
                connector=c,
                transaction_id=tx.id,
                seen="connector Available without a stop",
                **fl.detail,
            )
        return tx
    yield from _finish(sim, d, tx, fl, how)
    return tx


def _authorise(sim: Sim, d: Dialect, c: int, fl: Flavor) -> Process:
    """The driver's authorisation; returns (id tag, token type) or None when they leave."""
    rng = sim.rng
    token = _token(sim, d, fl)
    if fl.authorize_reject:
        bad = f"{rng.getrandbits(32):08X}"
        lat = d.authorize(bad, fl.authorize_reject)
        sim.finding(
            "auth_rejected",
            sim.now + lat,
            action="Authorize",
            status=fl.authorize_reject,
            id_tag=bad,
            **fl.detail,
        )
        yield lat + rng.randint(5_000, 40_000)
        if fl.give_up:
            yield rng.randint(30_000, 300_000)
            d.status(c, "Available")
            return None
    if fl.auth == "app":
        yield rng.randint(10_000, 90_000)
        status = "Rejected" if fl.remote_start_reject else "Accepted"
        lat = d.remote_start(c, token[0], status)
        if fl.remote_start_reject:
            sim.finding(
                "command_rejected",
                sim.now + lat,
                connector=c,
                action=sim.cols.action[-1],
                status=status,
                **fl.detail,
            )
        yield lat + rng.randint(1_000, 6_000)
        if fl.remote_start_reject:
            yield rng.randint(20_000, 120_000)
            token = (rng.choice(sim.tags), "ISO14443")
        elif not (d.version == "1.6" and sim.spec.authorize_remote):
            return token
    if fl.auth in ("rfid", "app"):
        lat = d.authorize(token[0], "Accepted")
        yield lat + rng.randint(500, 3_000)
    return token


def _deauthorised(sim: Sim, d: Dialect, tx: Tx, fl: Flavor, lat: int) -> Process:
    """The CSMS refused the token at transaction start: the charger, which had already begun
    charging on its local authorisation, stops at once (a few Wh flowed meanwhile)."""
    rng = sim.rng
    action = "StartTransaction" if d.version == "1.6" else "TransactionEvent"
    sim.finding(
        "auth_rejected",
        sim.now + lat,
        connector=tx.connector,
        action=action,
        status=fl.start_status,
        id_tag=tx.id_tag,
        transaction_id=tx.id,
        **fl.detail,
    )
    pause = lat + rng.randint(500, 3_000)
    yield pause
    wh = max(sim.spec.max_power_w * rng.uniform(0.3, 0.9) * pause / 3_600_000, 1.5)
    sim.meter[tx.connector] += wh
    sim.main_meter += wh
    lat = d.tx_stop(tx, "DeAuthorized")
    yield lat + rng.randint(500, 3_000)
    d.status(tx.connector, "Finishing")
    yield rng.randint(20_000, 120_000)
    d.status(tx.connector, "Available")


def _in_window(ms: int) -> bool:
    hour = (ms // 3_600_000) % 24
    return LOAD_WINDOW[0] <= hour < LOAD_WINDOW[1]


class _Charging:
    """The physics of one session: power by state and state of charge, energy integration."""

    def __init__(self, sim: Sim, fl: Flavor) -> None:
        sp = sim.spec
        self.dc = sp.model.kind == "DC"
        self.car = _car(sim, self.dc)
        self.base = min(sp.max_power_w, self.car.max_w) * sim.rng.uniform(0.9, 0.97)
        self.needed = 0.0 if fl.no_energy else self.car.needed_wh
        self.delivered = 0.0
        self.state = "SuspendedEV" if fl.no_energy else "Charging"
        self.resume_at = 0
        self.lm_day = -1

    def power(self) -> float:
        """Power drawn now (W)."""
        if self.state != "Charging":
            return 0.0
        if not self.dc:
            return self.base
        soc = self.soc()
        taper = 1.0 if soc < 55 else max(0.15, 1 - (soc - 55) / 45 * 0.9)
        return self.base * taper

    def soc(self) -> float:
        """State of charge (%)."""
        return min(self.car.soc + self.delivered / self.car.capacity_wh * 100, 100.0)

    def deliver(self, watts: float, ms: int) -> float:
        """Integrate ``watts`` over ``ms``; returns Wh delivered."""
        wh = min(watts * ms / 3_600_000, max(self.needed - self.delivered, 0.0))
        self.delivered += wh
        return wh

    def next_state(self, now: int, managed: bool) -> str:
        """The state after a step: full, load-managed pause, or resumed."""
        if self.state in ("Charging", "SuspendedEVSE") and self.delivered >= self.needed:
            return "SuspendedEV"
        day = now // 86_400_000
        if self.state == "Charging" and managed and _in_window(now) and self.lm_day != day:
            self.lm_day = day
            self.resume_at = now + (10 + (now // 1000) % 30) * _MIN
            return "SuspendedEVSE"
        if self.state == "SuspendedEVSE" and now >= self.resume_at:
            return "Charging"
        return self.state


def _charge(sim: Sim, d: Dialect, tx: Tx, fl: Flavor) -> Process:
    """Meter values until the EV is done or the driver leaves: returns "ev", "depart", "cut"."""
    rng, sp, c = sim.rng, sim.spec, tx.connector
    phys = _Charging(sim, fl)
    step = sp.meter_interval * 1000
    t_start = sim.now
    depart = t_start + (fl.dwell_ms or _dwell(sim, phys.dc))
    cut = t_start + fl.cut_after if fl.cut_after is not None else None
    managed = sp.load_managed
    yield d.begin_charging(tx) + rng.randint(200, 1_500)
    if phys.state != "Charging":
        yield d.tx_state(tx, phys.state) + rng.randint(200, 1_500)
    anomaly_step = rng.randint(3, 6) if fl.anomaly else -1
    k = 0
    while True:
        end = depart if cut is None else min(depart, cut)
        dt = min(step, end - sim.now)
        if dt <= 0:
            return "cut" if cut is not None and sim.now >= cut else "depart"
        watts = phys.power()
        yield dt
        wh = phys.deliver(watts, dt)
        sim.meter[c] += wh
        sim.main_meter += wh
        if dt < step:
            continue
        k += 1
        lat = 0
        if k >= anomaly_step > 0 and phys.delivered > 300:
            lat = _anomaly(sim, d, tx, fl, phys, watts)
            anomaly_step = -1
        elif not fl.no_meter:
            tx.last_wh = int(sim.meter[c])
            lat = d.tx_meter(
                tx,
                tx.last_wh,
                watts * rng.uniform(0.99, 1.01),
                phys.soc() if phys.dc else None,
            )
        ev_may_stop = cut is None and anomaly_step < 0 and not fl.remote_stop_reject
        if phys.dc and phys.delivered >= phys.needed and ev_may_stop:
            yield lat + rng.randint(1_000, 20_000)
            return "ev"
        new = phys.next_state(sim.now, managed)
        if new != phys.state:
            phys.state = new
            yield lat + rng.randint(200, 3_000)
            d.tx_state(tx, new)


def _anomaly(sim: Sim, d: Dialect, tx: Tx, fl: Flavor, phys: _Charging, watts: float) -> int:
    """Send the meter value where the energy register misbehaves; record the finding."""
    c, rng = tx.connector, sim.rng
    before = tx.last_wh
    if fl.anomaly == "backwards":
        sim.meter[c] = before - (before - tx.start_wh) * rng.uniform(0.2, 0.8) - 1
    elif fl.anomaly == "reset":
        sim.meter[c] = 0.0
    else:
        limit = sim.spec.max_power_w * sim.spec.meter_interval / 3600
        sim.meter[c] += limit * rng.uniform(4, 40) + 10_000
    after = tx.last_wh = int(sim.meter[c])
    lat = d.tx_meter(tx, after, watts, phys.soc() if phys.dc else None)
    sim.finding(
        "meter_anomaly",
        sim.now,
        connector=c,
        transaction_id=tx.id,
        variant=fl.anomaly,
        previous_wh=before,
        value_wh=after,
        **fl.detail,
    )
    return lat


def _finish(sim: Sim, d: Dialect, tx: Tx, fl: Flavor, how: str) -> Process:
    """The end of an ordinary session: the EV stops, the app or a card stops it, or an unplug."""
    rng, c = sim.rng, tx.connector
    if how == "ev":
        lat = d.tx_stop(tx, "EVStop")
        yield lat + rng.randint(500, 3_000)
        d.status(c, "Finishing")
        yield rng.randint(30_000, 300_000)
        d.status(c, "Available")
        return
    if fl.auth == "app":
        yield from _remote_stop(sim, d, tx, fl)
        return
    if rng.random() < 0.5:
        lat = d.tx_stop(tx, "Local", stop_tag=tx.id_tag)
        yield lat + rng.randint(500, 3_000)
        d.status(c, "Finishing")
        yield rng.randint(10_000, 180_000)
    else:
        lat = d.tx_stop(tx, "EVDisconnected")
        yield lat + rng.randint(300, 2_000)
    d.status(c, "Available")


def _remote_stop(sim: Sim, d: Dialect, tx: Tx, fl: Flavor) -> Process:
    rng, c = sim.rng, tx.connector
    if fl.remote_stop_reject:
        lat = d.remote_stop(tx, "Rejected")
        sim.finding(
            "command_rejected",
            sim.now + lat,
            connector=c,
            action=sim.cols.action[-1],
            status="Rejected",
            transaction_id=tx.id,
            **fl.detail,
        )
        yield lat + rng.randint(60_000, 300_000)
        lat = d.tx_stop(tx, "Local", stop_tag=tx.id_tag)
    else:
        lat = d.remote_stop(tx, "Accepted")
        yield lat + rng.randint(500, 4_000)
        lat = d.tx_stop(tx, "Remote")
    yield lat + rng.randint(500, 3_000)
    d.status(c, "Finishing")
    yield rng.randint(10_000, 180_000)
    d.status(c, "Available")
