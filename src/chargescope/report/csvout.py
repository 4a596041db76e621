"""CSV tables of an analysis: sessions.csv, findings.csv and chargers.csv in one directory."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl

from chargescope.analysis import Report
from chargescope.report.jsonout import report_dict

FILES = ("sessions.csv", "findings.csv", "chargers.csv")


def _flat(v: Any) -> Any:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return v


def _write(path: Path, rows: list[dict[str, Any]], header: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: _flat(r.get(k)) for k in header})


def write_csv_dir(
    report: Report, out_dir: str | Path, frames: pl.DataFrame | None = None
) -> list[Path]:
    """Write the three CSV files; returns their paths."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    doc = report_dict(report, frames)
    for f in doc["findings"]:
        f["evidence"] = [e["frame_id"] for e in f["evidence"]]
    tables = {
        "sessions.csv": doc["sessions"],
        "findings.csv": doc["findings"],
        "chargers.csv": doc["chargers"],
    }
    headers = {
        "sessions.csv": list(doc["sessions"][0]) if doc["sessions"] else _SESSION_COLS,
        "findings.csv": list(doc["findings"][0]) if doc["findings"] else _FINDING_COLS,
        "chargers.csv": list(doc["chargers"][0]) if doc["chargers"] else ["charger_id", "verdict"],
    }
    paths = []
    for name in FILES:
        p = d / name
        _write(p, tables[name], headers[name])
        paths.append(p)
    return paths


_SESSION_COLS = [
    "charger_id",
    "connector_id",
    "transaction_id",
    "start",
    "end",
    "energy_wh",
    "stop_reason",
    "id_tag",
    "ended",
    "duration_s",
]
_FINDING_COLS = [
    "charger_id",
    "connector_id",
    "kind",
    "severity",
    "start",
    "end",
    "detail",
    "explanation",
    "action",
    "evidence",
]
