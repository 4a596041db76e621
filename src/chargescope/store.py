"""A saved, columnar copy of an ingest (Parquet) that later commands read instead of the logs."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from chargescope.errors import InputError
from chargescope.ingest import FileSummary, Ingest
from chargescope.readers.base import Reject

FRAMES = "frames.parquet"
CONNECTIONS = "connections.parquet"
META = "ingest.json"


def is_store(path: str) -> bool:
    """True when ``path`` is a directory written by :func:`save`."""
    p = Path(path)
    return p.is_dir() and (p / FRAMES).is_file() and (p / META).is_file()


def save(result: Ingest, directory: Path) -> None:
    """Write the frame table, connection events and ingest facts to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    result.frames.write_parquet(directory / FRAMES, compression="zstd", statistics=True)
    result.connections.write_parquet(directory / CONNECTIONS, compression="zstd")
    meta = {
        "files": [f.as_dict() for f in result.files],
        "rejects": [r.__dict__ for r in result.rejects],
        "duplicates": result.duplicates,
    }
    (directory / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def load(directory: str | Path) -> Ingest:
    """Read a directory written by :func:`save` back into an Ingest."""
    d = Path(directory)
    try:
        meta = json.loads((d / META).read_text(encoding="utf-8"))
        frames = pl.read_parquet(d / FRAMES)
        conns = pl.read_parquet(d / CONNECTIONS)
    except (OSError, ValueError) as exc:
        raise InputError(f"{d}: not a readable chargescope table ({exc})") from exc
    files = [
        FileSummary(
            f["path"],
            f["layout"],
            f["detected_because"],
            f["lines"],
            f["frames"],
            f["noise"],
            f["rejects"],
            f["notes"],
        )
        for f in meta["files"]
    ]
    rejects = [Reject(**r) for r in meta["rejects"]]
    return Ingest(frames, conns, files, rejects, meta.get("duplicates", 0))
