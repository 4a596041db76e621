"""What a simulated fleet is made of: sites, charger models, protocol quirks, planned incidents."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from chargescope.simulate.catalog import (
    HEARTBEAT_INTERVALS,
    MODELS,
    SITE_TYPES,
    Model,
    SiteType,
)
from chargescope.simulate.clock import TS_STYLES, UID_STYLES
from chargescope.simulate.plan import Recipe, recipes_for

HEALTHY_SHARE = 0.28
_HOUR = 3_600_000


@dataclass
class ChargerSpec:
    """Everything fixed about one simulated charger before its traffic is generated."""

    index: int
    charger_id: str
    version: str
    model: Model
    firmware: str
    serial: str
    heartbeat_interval: int
    site_id: str
    site: SiteType
    load_managed: bool
    meter_interval: int  # seconds between meter samples during a session
    uid_style: str
    ts_style: str
    skip_heartbeats: bool  # no heartbeat while other calls flow
    clock_aligned: bool  # clock-aligned meter values outside transactions
    omit_local_reason: bool  # StopTransaction/Ended without a reason for local stops
    status_timestamp: bool  # 1.6 StatusNotification carries a timestamp
    authorize_remote: bool  # Authorize before a remote start (1.6 AuthorizeRemoteTxRequests)
    boot_at_start: bool
    healthy: bool
    incidents: list[tuple[int, Recipe]] = field(default_factory=list)

    @property
    def connectors(self) -> int:
        """Number of connectors (1.6) or EVSEs (2.0.1)."""
        return self.model.connectors

    @property
    def max_power_w(self) -> int:
        """Rated power per connector."""
        return self.model.max_power_w


def _weighted(rng: random.Random, pairs: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _sites(rng: random.Random, chargers: int) -> list[tuple[str, SiteType, bool]]:
    """One (site id, site type, load managed) per charger, sites filled in order."""
    out: list[tuple[str, SiteType, bool]] = []
    n = 0
    while len(out) < chargers:
        n += 1
        site = rng.choices(SITE_TYPES, weights=(3, 2, 3, 3))[0]
        size = min(rng.randint(*site.size), chargers - len(out))
        managed = site.dc_share < 1.0 and rng.random() < 0.5
        out.extend([(f"SITE-{n:03d}", site, managed)] * size)
    return out


def _model(rng: random.Random, site: SiteType) -> Model:
    kind = "DC" if rng.random() < site.dc_share else "AC"
    return rng.choice([m for m in MODELS if m.kind == kind])


def _spec(
    rng: random.Random, index: int, site: tuple[str, SiteType, bool], version: str, healthy: bool
) -> ChargerSpec:
    site_id, site_type, managed = site
    model = _model(rng, site_type)
    return ChargerSpec(
        index=index,
        charger_id=f"CP-{site_id[5:]}-{index + 1:04d}",
        version=version,
        model=model,
        firmware=rng.choice(model.firmware),
        serial=f"{model.serial_prefix}{rng.randint(10**7, 10**8 - 1)}",
        heartbeat_interval=_weighted(rng, HEARTBEAT_INTERVALS),
        site_id=site_id,
        site=site_type,
        load_managed=managed and model.kind == "AC",
        meter_interval=rng.choice((60, 60, 120, 180, 300, 300)),
        uid_style=rng.choice(UID_STYLES),
        ts_style=rng.choice(tuple(TS_STYLES)),
        skip_heartbeats=rng.random() < 0.4,
        clock_aligned=rng.random() < 0.35,
        omit_local_reason=rng.random() < 0.3,
        status_timestamp=rng.random() < 0.7,
        authorize_remote=rng.random() < 0.3,
        boot_at_start=rng.random() < 0.5,
        healthy=healthy,
    )


def _plan(
    rng: random.Random, spec: ChargerSpec, recipes: list[Recipe], t0: int, t1: int
) -> list[tuple[int, Recipe]]:
    """Spread the charger's incidents over the window, each in its own slot."""
    order = {"start": 0, "any": 1, "last": 2}
    recipes = sorted(recipes, key=lambda r: order[r.position])
    lo, hi = t0 + 2 * _HOUR, t1 - _HOUR
    anywhere = [r for r in recipes if r.position != "start"]
    slot = (hi - lo) // max(len(anywhere), 1)
    planned: list[tuple[int, Recipe]] = []
    k = 0
    for r in recipes:
        if r.position == "start":
            spec.boot_at_start = True
            planned.append((t0, r))
            continue
        start = lo + k * slot
        room = slot - int(r.hours * _HOUR)
        if r.position == "last":
            room = max(slot - 2 * _HOUR, 0)
        if room >= 0:
            planned.append((start + rng.randint(0, room), r))
        k += 1
    return planned


def build_fleet(chargers: int, seed: int, v201_share: float, t0: int, t1: int) -> list[ChargerSpec]:
    """Draw the fleet: sites, models and quirks, then give unhealthy chargers their incidents."""
    rng = random.Random(seed)
    sites = _sites(rng, chargers)
    n201 = round(chargers * v201_share)
    v201 = set(rng.sample(range(chargers), n201))
    healthy = set(rng.sample(range(chargers), math.ceil(chargers * HEALTHY_SHARE)))
    specs = [
        _spec(rng, i, sites[i], "2.0.1" if i in v201 else "1.6", i in healthy)
        for i in range(chargers)
    ]
    _assign(rng, specs, t0, t1)
    return specs


def _deck(rng: random.Random, version: str) -> list[Recipe]:
    """Rounds of every problem kind once, each round with the kinds' next variants."""
    by_kind: dict[str, list[Recipe]] = {}
    for r in recipes_for(version):
        by_kind.setdefault(r.kind, []).append(r)
    for variants in by_kind.values():
        rng.shuffle(variants)
    deck: list[Recipe] = []
    for i in range(max(len(v) for v in by_kind.values())):
        kinds = sorted(by_kind)
        rng.shuffle(kinds)
        deck += [by_kind[k][i % len(by_kind[k])] for k in kinds]
    return deck


def _assign(rng: random.Random, specs: list[ChargerSpec], t0: int, t1: int) -> None:
    """Deal recipes kind by kind so every kind shows up before any kind repeats."""
    days = (t1 - t0) / 86_400_000
    for version in ("1.6", "2.0.1"):
        deck: list[Recipe] = []
        for spec in specs:
            if spec.version != version or spec.healthy:
                continue
            count = rng.choices((1, 2, 3, 4), weights=(3, 4, 3, 1))[0]
            count = max(1, min(count, int(days * 1.5) or 1))
            mine: list[Recipe] = []
            skipped: list[Recipe] = []
            while len(mine) < count:
                if not deck:
                    deck = _deck(rng, version)
                r = deck.pop(0)
                if any(r.kind == m.kind for m in mine):
                    skipped.append(r)
                else:
                    mine.append(r)
            deck = skipped + deck
            prng = random.Random(rng.getrandbits(64))
            spec.incidents = _plan(prng, spec, mine, t0, t1)
