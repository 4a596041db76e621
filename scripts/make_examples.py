"""Regenerate the bundled demo logs: one simulated fleet, each charger's traffic in a different layout.

Usage: python scripts/make_examples.py [--out examples] [--truth tests/data/examples_truth.json]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
from pathlib import Path

import polars as pl

from chargescope.simulate import normalized, simulate_fleet
from chargescope.writers import EXTENSIONS, all_writers

CHARGERS, DAYS, SEED = 16, 1.0, 7


def main() -> None:
    """Write examples/<layout>.<ext>.gz, one or more chargers per layout, and the fleet truth."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("examples"))
    ap.add_argument("--truth", type=Path, default=Path("tests/data/examples_truth.json"))
    args = ap.parse_args()
    fleet = simulate_fleet(CHARGERS, DAYS, SEED, v201_share=0.35)
    frames = normalized(fleet)
    chargers = sorted(frames["charger_id"].unique().to_list())
    layouts = sorted(all_writers())
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for i, layout in enumerate(layouts):
        mine = [c for j, c in enumerate(chargers) if j % len(layouts) == i]
        part = frames.filter(pl.col("charger_id").is_in(mine))
        conns = fleet.connections.filter(pl.col("charger_id").is_in(mine))
        buf = io.BytesIO()
        all_writers()[layout](part, conns, buf)
        name = args.out / f"{layout}.{EXTENSIONS.get(layout, 'log')}.gz"
        name.write_bytes(gzip.compress(buf.getvalue(), mtime=0))
    args.truth.parent.mkdir(parents=True, exist_ok=True)
    args.truth.write_text(json.dumps(fleet.truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{frames.height} frames, {len(chargers)} chargers, {len(layouts)} layouts, {total // 1024} KB")


if __name__ == "__main__":
    main()
