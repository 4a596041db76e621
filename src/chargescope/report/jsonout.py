"""The documented, stable JSON document of an analysis (``chargescope analyze --json``).

Top level: ``format``, ``chargers``, ``sessions``, ``findings``, ``summary``, ``ingest``.
Times are ISO-8601 UTC with milliseconds and ``Z``; energy in Wh, power in W, durations in s.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import IO, Any

import polars as pl

from chargescope.analysis import ChargerAnalysis, Report
from chargescope.rules import Finding
from chargescope.sessions.transactions import Session

FORMAT = "chargescope.analysis/1"


def iso(ts: datetime | None) -> str | None:
    """ISO-8601 UTC with milliseconds and Z."""
    if ts is None:
        return None
    if ts.tzinfo is not None:
        from datetime import UTC

        ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _r(v: float | None, nd: int = 3) -> float | None:
    return None if v is None else round(float(v), nd)


def session_dict(s: Session) -> dict[str, Any]:
    """One session."""
    return {
        "charger_id": s.charger_id,
        "connector_id": s.connector_id,
        "transaction_id": s.transaction_id,
        "start": iso(s.start),
        "end": iso(s.end),
        "energy_wh": _r(s.energy_wh),
        "stop_reason": s.stop_reason,
        "id_tag": s.id_tag,
        "ended": s.ended,
        "duration_s": _r(s.duration_s),
        "peak_power_w": _r(s.peak_power_w, 1),
        "mean_power_w": _r(s.mean_power_w, 1),
        "soc_start": s.soc_start,
        "soc_end": s.soc_end,
        "auth_status": s.auth_status,
        "meter_start_wh": _r(s.meter_start_wh),
        "meter_stop_wh": _r(s.meter_stop_wh),
        "queued": s.queued,
        "start_frame": s.start_frame,
        "end_frame": s.end_frame,
    }


def finding_dict(f: Finding, refs: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One finding; evidence as frame references when ``refs`` resolves them."""
    evidence: list[Any] = [
        refs.get(i, {"frame_id": i}) if refs is not None else {"frame_id": i} for i in f.evidence
    ]
    return {
        "charger_id": f.charger_id,
        "connector_id": f.connector_id,
        "kind": f.kind,
        "severity": f.severity,
        "start": iso(f.start),
        "end": iso(f.end),
        "detail": f.detail,
        "explanation": f.explanation,
        "action": f.action,
        "evidence": evidence,
    }


def charger_dict(c: ChargerAnalysis) -> dict[str, Any]:
    """One charger: verdict, inventory, counts."""
    inv = c.inventory
    kinds: dict[str, int] = {}
    for f in c.findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return {
        "charger_id": c.charger_id,
        "verdict": c.health.verdict,
        "reasons": list(c.health.reasons),
        "vendor": inv.vendor,
        "model": inv.model,
        "firmware": inv.firmware,
        "serial": inv.serial,
        "ocpp_version": inv.ocpp_version,
        "connectors": list(inv.connectors),
        "heartbeat_s": inv.heartbeat_s,
        "heartbeat_source": inv.heartbeat_source,
        "site_id": inv.site_id,
        "first_frame": iso(inv.first_ts),
        "last_frame": iso(inv.last_ts),
        "frames": inv.frames,
        "frames_by_action": inv.frames_by_action,
        "findings_by_kind": kinds,
        **c.counts,
        "energy_wh": round(sum(s.energy_wh or 0 for s in c.sessions if s.ended), 3),
    }


def evidence_refs(report: Report, frames: pl.DataFrame | None) -> dict[int, dict[str, Any]] | None:
    """frame_id -> {frame_id, file, line, ts} for every frame a finding cites."""
    if frames is None:
        return None
    ids = sorted({i for f in report.findings for i in f.evidence if i is not None})
    if not ids:
        return {}
    got = frames.filter(pl.col("frame_id").is_in(ids)).select("frame_id", "file", "line", "ts")
    return {
        fid: {"frame_id": fid, "file": file, "line": line, "ts": iso(ts)}
        for fid, file, line, ts in got.iter_rows()
    }


def report_dict(report: Report, frames: pl.DataFrame | None = None) -> dict[str, Any]:
    """The whole JSON document."""
    refs = evidence_refs(report, frames)
    return {
        "format": FORMAT,
        "chargers": [charger_dict(c) for c in report.chargers],
        "sessions": [session_dict(s) for s in report.sessions],
        "findings": [finding_dict(f, refs) for f in report.findings],
        "summary": report.summary,
        "ingest": report.ingest,
    }


def write_json(report: Report, out: IO[str], frames: pl.DataFrame | None = None) -> None:
    """Write the JSON document to a text stream."""
    json.dump(report_dict(report, frames), out, indent=1, ensure_ascii=False, default=str)
    out.write("\n")
