"""Assemble a simulated fleet into frame and connection tables plus truth, and write it out."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from chargescope.errors import ConfigError
from chargescope.simulate.charger import ChargerRun, simulate_charger
from chargescope.simulate.clock import iso, to_ms
from chargescope.simulate.fleet import ChargerSpec, build_fleet

DEFAULT_START = datetime.fromisoformat("2025-03-03T00:00:00+00:00")
_TS = pl.Datetime("ms", "UTC")


_CONNECTOR = r'"(?:evse":\{"id"|evseId"|connectorId"):(\d+)'


@dataclass
class Fleet:
    """A simulated fleet: its frame table, websocket events and ground truth.

    ``peer_id`` holds, per frame row, the row of its paired call or answer (null when none):
    the simulator knows the pairs exactly, so :func:`normalized` need not guess them.
    """

    frames: pl.DataFrame
    connections: pl.DataFrame
    truth: dict[str, Any]
    peer_id: pl.Series | None = None


def _charger_truth(spec: ChargerSpec) -> dict[str, Any]:
    return {
        "id": spec.charger_id,
        "version": spec.version,
        "vendor": spec.model.vendor,
        "model": spec.model.model,
        "firmware": spec.firmware,
        "serial": spec.serial,
        "connectors": spec.connectors,
        "max_power_w": spec.max_power_w,
        "heartbeat_interval": spec.heartbeat_interval,
        "site_id": spec.site_id,
        "healthy": spec.healthy,
        "kind": spec.model.kind,
        "quirks": {
            "uid_style": spec.uid_style,
            "ts_style": spec.ts_style,
            "energy_unit": spec.model.energy_unit,
            "omit_measurand": spec.model.omit_measurand,
            "skip_heartbeats": spec.skip_heartbeats,
            "clock_aligned": spec.clock_aligned,
            "meter_interval": spec.meter_interval,
            "load_managed": spec.load_managed,
        },
        "incidents": [r.name for _, r in spec.incidents],
    }


def _peers(runs: list[ChargerRun]) -> pl.Series:
    out: list[int | None] = []
    offset = 0
    for run in runs:
        out += [offset + p if p >= 0 else None for p in run.cols.peer]
        offset += len(run.cols.peer)
    return pl.Series("peer_id", out, dtype=pl.Int64)


def normalized(fleet: Fleet) -> pl.DataFrame:
    """The frames as the normalized frame table (``FRAME_SCHEMA``), pairs filled in exactly."""
    from chargescope.model.schema import FRAME_SCHEMA
    from chargescope.readers.base import conform

    versions = {c["id"]: c["version"] for c in fleet.truth["chargers"]}
    peer = (
        fleet.peer_id
        if fleet.peer_id is not None
        else pl.repeat(None, fleet.frames.height, dtype=pl.Int64, eager=True).alias("peer_id")
    )
    of_peer = pl.col("peer_id").fill_null(0)
    df = fleet.frames.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("frame_id"),
        peer,
        pl.col("charger_id").replace_strict(versions, default="unknown").alias("ocpp_version"),
        pl.when(pl.col("message_type") == "CALL")
        .then(pl.col("payload").str.extract(_CONNECTOR, 1).cast(pl.Int32))
        .alias("connector_id"),
    )
    return conform(
        df.with_columns(
            pl.when(pl.col("peer_id").is_not_null())
            .then((pl.col("ts") - pl.col("ts").gather(of_peer)).dt.total_milliseconds().abs())
            .alias("latency_ms"),
            pl.coalesce(
                "connector_id",
                pl.when(pl.col("peer_id").is_not_null()).then(
                    pl.col("connector_id").gather(of_peer)
                ),
            ).alias("connector_id"),
        ),
        FRAME_SCHEMA,
    )


#: Columns a charger's run records per frame, and the fleet table's columns in order.
_PER_FRAME = (
    "direction",
    "message_type",
    "unique_id",
    "action",
    "payload",
    "error_code",
    "error_description",
)
_FRAME_COLUMNS = ("ts", "charger_id", *_PER_FRAME, "site_id")


def _frames(runs: list[ChargerRun]) -> pl.DataFrame:
    """Every run's frames as one table, built from column lists."""
    cols: dict[str, list[Any]] = {k: [] for k in _FRAME_COLUMNS}
    for run in runs:
        c = run.cols
        n = len(c.ts)
        cols["ts"] += c.ts
        cols["charger_id"] += [run.spec.charger_id] * n
        cols["site_id"] += [run.spec.site_id] * n
        for name in _PER_FRAME:
            cols[name] += getattr(c, name)
    ts = pl.Series("ts", cols.pop("ts"), dtype=pl.Int64).cast(_TS)
    df = pl.DataFrame({name: pl.Series(name, vals, dtype=pl.String) for name, vals in cols.items()})
    return df.insert_column(0, ts).select(_FRAME_COLUMNS)


def _connections(runs: list[ChargerRun]) -> pl.DataFrame:
    rows = [
        (t, run.spec.charger_id, event, detail)
        for run in runs
        for t, event, detail in run.connections
    ]
    return pl.DataFrame(
        {
            "ts": pl.Series([r[0] for r in rows], dtype=pl.Int64).cast(_TS),
            "charger_id": pl.Series([r[1] for r in rows], dtype=pl.String),
            "event": pl.Series([r[2] for r in rows], dtype=pl.String),
            "detail": pl.Series([r[3] for r in rows], dtype=pl.String),
        }
    )


def _check(chargers: int, days: float, v201_share: float) -> None:
    """Refuse arguments that cannot describe a fleet."""
    if chargers < 0:
        raise ConfigError(f"--chargers must be 0 or more, not {chargers}")
    if not days > 0:
        raise ConfigError(f"--days must be more than 0, not {days}")
    if not 0 <= v201_share <= 1:
        raise ConfigError(f"--v201-share is a fraction between 0 and 1, not {v201_share}")


def simulate_fleet(
    chargers: int, days: float, seed: int, v201_share: float = 0.3, start: datetime | None = None
) -> Fleet:
    """Simulate ``chargers`` charge points talking to one CSMS for ``days`` of virtual time."""
    _check(chargers, days, v201_share)
    t0 = to_ms(start or DEFAULT_START)
    t1 = t0 + int(days * 86_400_000)
    specs = build_fleet(chargers, seed, v201_share, t0, t1)
    runs = [
        simulate_charger(s, t0, t1, seed * 1_000_003 + s.index)
        for s in sorted(specs, key=lambda s: s.charger_id)
    ]
    truth = {
        "generator": {
            "name": "chargescope.simulate",
            "seed": seed,
            "chargers": chargers,
            "days": days,
            "start": iso(t0),
            "end": iso(t1),
            "v201_share": v201_share,
        },
        "chargers": [_charger_truth(r.spec) for r in runs],
        "sessions": [s for r in runs for s in sorted(r.sessions, key=lambda s: s["start"])],
        "findings": [
            f for r in runs for f in sorted(r.findings, key=lambda f: (f["start"], f["kind"]))
        ],
        "malformed_frames": [m for r in runs for m in r.malformed],
    }
    return Fleet(_frames(runs), _connections(runs), truth, _peers(runs))


def write_fleet(fleet: Fleet, out_dir: Path, layouts: list[str] | None = None) -> None:
    """Write truth.json, frames.parquet and one file per log layout into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fleet.truth, indent=1, sort_keys=True)
    (out_dir / "truth.json").write_text(text + "\n", encoding="utf-8")
    fleet.frames.write_parquet(out_dir / "frames.parquet", statistics=False)
    try:
        writers = importlib.import_module("chargescope.writers")
    except ImportError:
        return
    table: dict[str, Any] = getattr(writers, "WRITERS", {})
    exts: dict[str, str] = getattr(writers, "EXTENSIONS", {})
    names = [n for n in (layouts if layouts is not None else sorted(table)) if n in table]
    if not names:
        return
    frames = normalized(fleet)

    def write(name: str) -> None:
        with open(out_dir / f"{name}.{exts.get(name, 'log')}", "wb") as out:
            table[name](frames, fleet.connections, out)

    # Two at a time: a Python-bound writer overlaps with the Polars-bound ones.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(write, name) for name in names]:
            done.result()


def summary(fleet: Fleet) -> dict[str, Any]:
    """Counts that describe a simulated fleet."""
    t = fleet.truth
    return {
        "frames": fleet.frames.height,
        "chargers": len(t["chargers"]),
        "healthy": sum(c["healthy"] for c in t["chargers"]),
        "sessions": len(t["sessions"]),
        "findings": dict(sorted(Counter(f["kind"] for f in t["findings"]).items())),
    }


def simulate_command(
    chargers: int, days: float, seed: int, v201_share: float, out: Path
) -> dict[str, Any]:
    """What ``chargescope simulate`` does: simulate, write every layout, return a summary."""
    fleet = simulate_fleet(chargers, days, seed, v201_share)
    write_fleet(fleet, out)
    return summary(fleet)
