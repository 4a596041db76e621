"""Ingest benchmark: frames/s and peak memory per layout, beside the pure-Python baseline reader.

Builds a large fleet log (the simulator when available), writes it in every layout, then times
`ingest` (read, split, pair; with and without schema validation) and the baseline on each file,
each in its own process so peak memory is that run's own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN_INGEST = """
import json, resource, sys, time
from chargescope.ingest import ingest
t = time.perf_counter()
r = ingest([sys.argv[1]], check_schemas=sys.argv[2] == "1")
s = r.summary()
print(json.dumps({"seconds": time.perf_counter() - t, "frames": s["frames"], "answered": s["answered"],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
RUN_ANALYZE = """
import json, resource, sys, time
from chargescope.analysis import analyze
from chargescope.ingest import ingest
r = ingest([sys.argv[1]])
t = time.perf_counter()
report = analyze(r)
print(json.dumps({"seconds": time.perf_counter() - t, "findings": len(report.findings),
                  "sessions": len(report.sessions),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
RUN_BASELINE = """
import json, resource, runpy, sys, time, io, contextlib
t = time.perf_counter()
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    sys.argv = ["baseline", sys.argv[1]]
    runpy.run_path(sys.argv[0] if False else %r, run_name="__main__")
res = json.loads(buf.getvalue())
res.update(seconds=time.perf_counter() - t, rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(res))
"""


def build_data(out: Path, chargers: int, days: float, seed: int) -> Path:
    """Write the fleet in every layout under ``out`` (reused when already there).

    The simulator runs in a child process: Linux carries a process's peak memory over into
    the programs it starts, so this process must stay small for the figures below to be true.
    """
    if (out / "frames.parquet").exists():
        return out
    t = time.perf_counter()
    cmd = [
        "-m",
        "chargescope",
        "simulate",
        "--chargers",
        str(chargers),
        "--days",
        str(days),
        "--seed",
        str(seed),
        "--out",
        str(out),
    ]
    subprocess.run([sys.executable, *cmd], check=True)
    print(f"simulated in {time.perf_counter() - t:.1f} s -> {out}")
    return out


def run(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter and return its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best(code: str, repeat: int, *args: str) -> dict:
    """The fastest of ``repeat`` runs (peak memory of that run)."""
    runs = [run(code, *args) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def best_in_turn(jobs: list[tuple[str, tuple[str, ...]]], repeat: int) -> list[dict]:
    """The fastest of ``repeat`` runs of each job, the jobs run in turn (each round runs
    every job once): on a shared machine whose speed drifts, each job then meets the same
    slow and fast spells, and their ratio holds."""
    rounds = [[run(code, *args) for code, args in jobs] for _ in range(repeat)]
    return [min(runs, key=lambda r: r["seconds"]) for runs in zip(*rounds, strict=True)]


def main() -> None:
    """Benchmark every layout file in the data directory."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chargers", type=int, default=150)
    ap.add_argument("--days", type=float, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=HERE.parent / "bench-data")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--layouts", default="", help="comma-separated subset")
    ap.add_argument(
        "--ingest-only", action="store_true", help="time ingest alone (no validation, baseline)"
    )
    args = ap.parse_args()
    data = build_data(
        args.data / f"fleet-{args.chargers}x{args.days:g}-s{args.seed}",
        args.chargers,
        args.days,
        args.seed,
    )
    wanted = set(filter(None, args.layouts.split(",")))
    files = sorted(
        p for p in data.iterdir() if p.is_file() and p.name not in ("truth.json", "frames.parquet")
    )
    if args.ingest_only:
        ingest_only([f for f in files if not wanted or f.stem in wanted], args.repeat)
        return
    print(
        f"{'layout file':<18}{'frames':>9}{'paired':>8}{'ingest s':>10}{'frames/s':>11}{'MB':>6}"
        f"{'+valid s':>9}{'base s':>8}{'paired':>8}{'MB':>6}{'speedup':>9}"
    )
    baseline_code = RUN_BASELINE % str(HERE / "baseline.py")
    for f in files:
        if wanted and f.stem not in wanted:
            continue
        fast, full, base = best_in_turn(
            [(RUN_INGEST, (str(f), "0")), (RUN_INGEST, (str(f), "1")), (baseline_code, (str(f),))],
            args.repeat,
        )
        rate = fast["frames"] / fast["seconds"]
        print(
            f"{f.name:<18}{fast['frames']:>9}{fast['answered']:>8}{fast['seconds']:>10.2f}"
            f"{rate:>11,.0f}{fast['rss_mb']:>6.0f}{full['seconds']:>9.2f}{base['seconds']:>8.2f}"
            f"{base['answered']:>8}{base['rss_mb']:>6.0f}{base['seconds'] / fast['seconds']:>8.1f}x",
            flush=True,
        )
    bench_analysis(data, args.repeat)
    bench_many_files(data, args.repeat, baseline_code)


def ingest_only(files: list[Path], repeat: int) -> None:
    """Time ``ingest`` (no validation) on each file: frames/s and peak memory."""
    print(f"{'layout file':<18}{'frames':>10}{'ingest s':>10}{'frames/s':>11}{'MB':>7}")
    for f in files:
        res = best(RUN_INGEST, repeat, str(f), "0")
        rate = res["frames"] / res["seconds"]
        print(
            f"{f.name:<18}{res['frames']:>10}{res['seconds']:>10.2f}{rate:>11,.0f}"
            f"{res['rss_mb']:>7.0f}",
            flush=True,
        )


def bench_analysis(data: Path, repeat: int) -> None:
    """Time the analysis of the whole fleet on top of its ingest (stream layout)."""
    stream = next(p for p in data.iterdir() if p.stem == "stream")
    res = best(RUN_ANALYZE, repeat, str(stream))
    print(
        f"analysis of {stream.name}: {res['seconds']:.2f} s on top of ingest "
        f"({res['sessions']} sessions, {res['findings']} findings, peak {res['rss_mb']:.0f} MB)"
    )


#: Layouts the fleet is also written in as one file per charger and day.
MANY_LAYOUTS = ("stream", "portal", "steve", "framerec")


RUN_SPLIT = """
import sys
from pathlib import Path
import polars as pl
from chargescope.ingest import ingest
from chargescope.writers import EXTENSIONS, write_layout
source, layout, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
frames = ingest([source], check_schemas=False).frames
day = pl.col("ts").dt.strftime("%Y-%m-%d").alias("day")
for (charger, date), part in frames.group_by("charger_id", day):
    with (out / f"{charger}_{date}.{EXTENSIONS[layout]}").open("wb") as fh:
        write_layout(part, layout, fh)
"""


def split_per_charger_day(data: Path, layout: str) -> Path:
    """The fleet's frames in ``layout``, one file per charger and day (reused when there;
    written by a child process, like the fleet itself)."""
    out = data / f"many-{layout}"
    if out.exists():
        return out
    tmp = data / f".many-{layout}.tmp"
    tmp.mkdir(exist_ok=True)
    stream = next(p for p in data.iterdir() if p.stem == "stream")
    subprocess.run([sys.executable, "-c", RUN_SPLIT, str(stream), layout, str(tmp)], check=True)
    tmp.rename(out)
    return out


def bench_many_files(data: Path, repeat: int, baseline_code: str) -> None:
    """The same week as one file per charger and day: ingest of the directory beside the
    baseline reading it file by file."""
    print(
        f"\n{'one file per charger and day':<30}{'files':>7}{'frames':>9}{'ingest s':>10}"
        f"{'frames/s':>11}{'MB':>6}{'base s':>8}{'speedup':>9}"
    )
    for layout in MANY_LAYOUTS:
        folder = split_per_charger_day(data, layout)
        fast, base = best_in_turn(
            [(RUN_INGEST, (str(folder), "0")), (baseline_code, (str(folder),))], repeat
        )
        n = sum(1 for _ in folder.iterdir())
        print(
            f"{folder.name:<30}{n:>7}{fast['frames']:>9}{fast['seconds']:>10.2f}"
            f"{fast['frames'] / fast['seconds']:>11,.0f}{fast['rss_mb']:>6.0f}"
            f"{base['seconds']:>8.2f}{base['seconds'] / fast['seconds']:>8.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
