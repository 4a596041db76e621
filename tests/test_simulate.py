"""The fleet simulator: coverage of every problem kind, determinism, schema validity, and a truth
auditor that re-derives sessions and findings from the frames by simple rules."""

from __future__ import annotations

import hashlib
import json
import sys
import types
from collections import Counter, defaultdict
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import polars as pl
import pytest

from chargescope.simulate import simulate_command, simulate_fleet, write_fleet
from chargescope.simulate.plan import RECIPES

KINDS = sorted({r.kind for r in RECIPES})
V16_ONLY = {"empty_id_tag"}


@pytest.fixture(scope="module")
def big():
    """The acceptance fleet: 150 chargers for a week (about a million frames)."""
    return simulate_fleet(150, 7, seed=42)


@pytest.fixture(scope="module")
def small():
    """A fleet small enough to validate frame by frame."""
    return simulate_fleet(30, 2, seed=7)


# ---- shape -----------------------------------------------------------------------------------
def test_frame_table_shape(small):
    f = small.frames
    assert f.columns == [
        "ts",
        "charger_id",
        "direction",
        "message_type",
        "unique_id",
        "action",
        "payload",
        "error_code",
        "error_description",
        "site_id",
    ]
    assert f.schema["ts"] == pl.Datetime("ms", "UTC")
    assert f.equals(f.sort("charger_id", "ts", maintain_order=True))
    assert set(f["direction"].unique()) == {"to_csms", "to_charger"}
    assert set(f["message_type"].unique()) == {"CALL", "CALLRESULT", "CALLERROR"}
    errors = f.filter(pl.col("message_type") == "CALLERROR")
    assert errors["error_code"].null_count() == 0
    assert f.filter(pl.col("message_type") != "CALLERROR")["error_code"].null_count() == (
        f.height - errors.height
    )
    assert small.connections.columns == ["ts", "charger_id", "event", "detail"]
    assert set(small.connections["event"].unique()) <= {"connected", "disconnected"}


def test_payloads_are_compact_json(small):
    sample = small.frames.filter(pl.col("message_type") != "CALLERROR").sample(2000, seed=1)
    for text in sample["payload"]:
        assert json.dumps(json.loads(text), separators=(",", ":")) == text


# ---- coverage --------------------------------------------------------------------------------
def test_every_kind_twice_on_both_versions(big):
    version = {c["id"]: c["version"] for c in big.truth["chargers"]}
    counts = Counter((f["kind"], version[f["charger_id"]]) for f in big.truth["findings"])
    for kind in KINDS:
        assert counts[(kind, "1.6")] >= 2, kind
        if kind not in V16_ONLY:
            assert counts[(kind, "2.0.1")] >= 2, kind


def test_variants_and_combinations(big):
    variants = Counter((f["kind"], f["detail"].get("variant")) for f in big.truth["findings"])
    per_kind = Counter(kind for kind, _ in variants)
    assert all(per_kind[k] >= 2 for k in KINDS), per_kind
    kinds_per_charger = defaultdict(set)
    for f in big.truth["findings"]:
        kinds_per_charger[f["charger_id"]].add(f["kind"])
    assert sum(len(k) >= 3 for k in kinds_per_charger.values()) >= 10


def test_healthy_chargers(big):
    chargers = big.truth["chargers"]
    healthy = {c["id"] for c in chargers if c["healthy"]}
    assert len(healthy) >= 0.2 * len(chargers)
    assert not [f for f in big.truth["findings"] if f["charger_id"] in healthy]
    active = set(big.frames.filter(pl.col("charger_id").is_in(list(healthy)))["charger_id"])
    assert active == healthy


def test_normal_behaviour_is_present(big):
    f = big.frames
    payload = pl.col("payload")
    assert f.filter(payload.str.contains('"SuspendedEV"')).height > 0
    assert f.filter(payload.str.contains('"SuspendedEVSE"')).height > 0
    assert f.filter(payload.str.contains('"offline":true')).height > 0
    assert f.filter(payload.str.contains('"unit":"kWh"')).height > 0
    assert f.filter(payload.str.contains("Sample.Clock")).height > 0
    assert (
        f.filter(
            pl.col("action").is_in(["RemoteStartTransaction", "RequestStartTransaction"])
        ).height
        > 0
    )
    assert f.filter(pl.col("action") == "RequestStopTransaction").height > 0
    assert f.filter(pl.col("action").is_in(["ChangeConfiguration", "SetVariables"])).height > 0
    assert f.filter(pl.col("action") == "TriggerMessage").height > 0
    ts_styles = {c["quirks"]["ts_style"] for c in big.truth["chargers"]}
    assert ts_styles == {"ms_z", "s_z", "ms_offset", "s_offset"}
    assert {c["quirks"]["uid_style"] for c in big.truth["chargers"]} == {"uuid", "counter", "hex"}
    assert {c["version"] for c in big.truth["chargers"]} == {"1.6", "2.0.1"}
    assert len({c["site_id"] for c in big.truth["chargers"]}) >= 10


def test_finding_times_are_frame_times(big):
    times = defaultdict(set)
    for cid, ts in big.frames.select("charger_id", "ts").iter_rows():
        times[cid].add(ts)
    for f in big.truth["findings"]:
        for key in ("start", "end"):
            assert _dt(f[key]) in times[f["charger_id"]], f
        assert f["start"] <= f["end"]


# ---- determinism -----------------------------------------------------------------------------
def _digest(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    a, b = simulate_fleet(8, 1, seed=3), simulate_fleet(8, 1, seed=3)
    assert a.frames.equals(b.frames)
    assert a.connections.equals(b.connections)
    assert a.truth == b.truth
    write_fleet(a, tmp_path / "a")
    write_fleet(b, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert {"truth.json", "frames.parquet"} <= set(_digest(tmp_path / "a"))


def test_different_seed_differs():
    a, b = simulate_fleet(8, 1, seed=3), simulate_fleet(8, 1, seed=4)
    assert not a.frames.equals(b.frames)
    assert a.truth != b.truth


# ---- writing ---------------------------------------------------------------------------------
def test_write_fleet_uses_writer_table(tmp_path, monkeypatch):
    seen = []

    def fake(frames, connections, out):
        seen.append((frames.height, connections.height))
        out.write(b"x")

    module = types.SimpleNamespace(WRITERS={"fake": fake}, EXTENSIONS={"fake": "txt"})
    monkeypatch.setitem(sys.modules, "chargescope.writers", module)
    fleet = simulate_fleet(3, 0.5, seed=1)
    write_fleet(fleet, tmp_path, layouts=["fake", "missing"])
    assert (tmp_path / "fake.txt").read_bytes() == b"x"
    assert seen == [(fleet.frames.height, fleet.connections.height)]
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth == json.loads(json.dumps(fleet.truth))
    assert pl.read_parquet(tmp_path / "frames.parquet").equals(fleet.frames)


def test_simulate_command(tmp_path, monkeypatch):
    monkeypatch.setitem(
        sys.modules, "chargescope.writers", types.SimpleNamespace(WRITERS={}, EXTENSIONS={})
    )
    result = simulate_command(4, 1, 5, 0.5, tmp_path)
    assert result["chargers"] == 4
    assert result["frames"] == pl.read_parquet(tmp_path / "frames.parquet").height
    assert set(result) >= {"frames", "chargers", "sessions", "findings"}


# ---- schema validity -------------------------------------------------------------------------
@cache
def _validator(version: str, action: str, answer: bool) -> Any:
    if version == "1.6":
        name = f"{action}Response.json" if answer else f"{action}.json"
        files = resources.files("ocpp") / "v16" / "schemas" / name
    else:
        name = f"{action}{'Response' if answer else 'Request'}.json"
        files = resources.files("ocpp") / "v201" / "schemas" / name
    schema = json.loads(files.read_text(encoding="utf-8-sig"))
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _invalid(fleet) -> list[tuple[Any, ...]]:
    version = {c["id"]: c["version"] for c in fleet.truth["chargers"]}
    bad = []
    rows = (
        fleet.frames.filter(pl.col("message_type") != "CALLERROR")
        .select("charger_id", "message_type", "unique_id", "action", "payload")
        .iter_rows()
    )
    for cid, mtype, uid, action, payload in rows:
        v = _validator(version[cid], action, mtype == "CALLRESULT")
        if not v.is_valid(json.loads(payload)):
            bad.append((cid, mtype, uid, action, payload))
    return bad


def test_every_frame_matches_the_official_schema(small):
    bad = _invalid(small)
    marked = {(m["charger_id"], m["unique_id"]) for m in small.truth["malformed_frames"]}
    unexpected = [b for b in bad if (b[0], b[2]) not in marked or b[1] != "CALL"]
    assert not unexpected, unexpected[:5]
    assert {(b[0], b[2]) for b in bad} == marked


def test_malformed_frames_are_answered_with_format_violation(big):
    marked = {(m["charger_id"], m["unique_id"]) for m in big.truth["malformed_frames"]}
    assert len(marked) >= 4
    assert all(m["malformed"] is True for m in big.truth["malformed_frames"])
    errors = big.frames.filter(pl.col("message_type") == "CALLERROR")
    codes = {
        (c, u): e for c, u, e in errors.select("charger_id", "unique_id", "error_code").iter_rows()
    }
    assert {codes[k] for k in marked} <= {"FormatViolation", "FormationViolation"}


# ---- the truth auditor -----------------------------------------------------------------------
def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _charger_time(text: str) -> str:
    return _iso(datetime.fromisoformat(text))


def _energy(sampled: list[dict[str, Any]]) -> float | None:
    for s in sampled:
        if s.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register":
            unit = s.get("unit") or s.get("unitOfMeasure", {}).get("unit", "Wh")
            return float(s["value"]) * (1000 if unit == "kWh" else 1)
    return None


class Audit:
    """Sessions and findings re-derived from the frames with simple, independent rules."""

    REJECTING = {
        "Rejected",
        "NotSupported",
        "NotImplemented",
        "UnlockFailed",
        "UnknownConnector",
        "UnknownComponent",
        "UnknownVariable",
    }
    COMMANDS = {
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "RequestStartTransaction",
        "RequestStopTransaction",
        "Reset",
        "ChangeAvailability",
        "UnlockConnector",
        "ChangeConfiguration",
        "SetVariables",
        "TriggerMessage",
    }
    FW_FAIL = {
        "DownloadFailed",
        "InstallationFailed",
        "InstallVerificationFailed",
        "InvalidSignature",
    }

    def __init__(self, fleet) -> None:
        self.truth = fleet.truth
        self.chargers = {c["id"]: c for c in fleet.truth["chargers"]}
        self.malformed = {
            (m["charger_id"], m["unique_id"]) for m in fleet.truth["malformed_frames"]
        }
        self.found: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self.sessions: set[tuple[Any, ...]] = set()
        by_charger = fleet.frames.partition_by("charger_id", as_dict=True, maintain_order=True)
        for (cid,), df in by_charger.items():
            self._charger(cid, df)

    def add(self, kind: str, cid: str, start: datetime, end: datetime | None = None) -> None:
        self.found[kind].add((cid, _iso(start), _iso(end or start)))

    def _charger(self, cid: str, df: pl.DataFrame) -> None:
        spec = self.chargers[cid]
        rows = list(
            df.select(
                "ts", "direction", "message_type", "unique_id", "action", "payload"
            ).iter_rows()
        )
        answers = self._pair(cid, rows)
        self._gaps(cid, spec, rows)
        self._boots(cid, rows, answers)
        self._statuses(cid, spec, rows)
        self._transactions(cid, spec, rows, answers)
        self._answers(cid, rows, answers)
        self._uploads(cid, rows)

    def _pair(self, cid: str, rows: list[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
        """Call row index -> answer row; unanswered calls and CALLERRORs become findings."""
        pending: dict[tuple[str, str], int] = {}
        answers: dict[int, tuple[Any, ...]] = {}
        for i, (ts, direction, mtype, uid, _, _) in enumerate(rows):
            if mtype == "CALL":
                old = pending.pop((direction, uid), None)
                if old is not None:
                    self.add("no_response", cid, rows[old][0])
                pending[(direction, uid)] = i
                continue
            if mtype == "CALLERROR":
                self.add("call_error", cid, ts)
            other = "to_csms" if direction == "to_charger" else "to_charger"
            call = pending.pop((other, uid), None)
            assert call is not None, (cid, rows[i])
            answers[call] = rows[i]
        for i in pending.values():
            self.add("no_response", cid, rows[i][0])
        return answers

    def _gaps(self, cid: str, spec: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
        limit = max(1800, 3 * spec["heartbeat_interval"])
        for a, b in zip(rows, rows[1:], strict=False):
            if (b[0] - a[0]).total_seconds() > limit:
                self.add("offline", cid, a[0], b[0])

    def _boots(self, cid: str, rows: list[tuple[Any, ...]], answers) -> None:
        previous: str | None = None
        episode: list[datetime] = []
        refused: datetime | None = None
        for i, (ts, direction, mtype, _, action, _) in enumerate(rows):
            if action != "BootNotification" or mtype != "CALL" or direction != "to_csms":
                continue
            status = json.loads(answers[i][5])["status"]
            if i > 0 and previous in (None, "Accepted"):
                if episode and (ts - episode[-1]).total_seconds() > 1800:
                    self.add("reboot", cid, episode[0], episode[-1])
                    episode = []
                episode.append(ts)
            if status != "Accepted" and refused is None:
                refused = ts
            if status == "Accepted" and refused is not None:
                self.add("boot_rejected", cid, refused, ts)
                refused = None
            previous = status
        if episode:
            self.add("reboot", cid, episode[0], episode[-1])

    def _statuses(self, cid: str, spec: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
        open_faults: dict[int | None, datetime] = {}
        for ts, _, mtype, uid, action, payload in rows:
            if action != "StatusNotification" or mtype != "CALL" or (cid, uid) in self.malformed:
                continue
            p = json.loads(payload)
            if spec["version"] == "1.6":
                conn, status = p["connectorId"] or None, p["status"]
            else:
                conn, status = p["evseId"], p["connectorStatus"]
            if status == "Faulted":
                open_faults.setdefault(conn, ts)
            elif conn in open_faults:
                self.found["fault"].add((cid, conn, _iso(open_faults.pop(conn)), _iso(ts)))
        for conn, start in open_faults.items():
            self.found["fault"].add((cid, conn, _iso(start), _iso(rows[-1][0])))

    def _transactions(self, cid: str, spec: dict[str, Any], rows, answers) -> None:
        txs: dict[str, dict[str, Any]] = {}
        events: list[tuple[datetime, str, Any]] = []  # (ts, what, data) for stuck detection
        limit = spec["max_power_w"] * 1.05 / 3600
        for i, (ts, direction, mtype, uid, action, payload) in enumerate(rows):
            if mtype != "CALL" or direction != "to_csms" or (cid, uid) in self.malformed:
                continue
            if action == "BootNotification":
                events.append((ts, "boot", None))
                continue
            p = json.loads(payload)
            if action == "StatusNotification":
                conn = p.get("connectorId") if spec["version"] == "1.6" else p["evseId"]
                status = p.get("status") or p.get("connectorStatus")
                if status == "Available":
                    events.append((ts, "available", conn))
            elif action == "StartTransaction":
                answer = json.loads(answers[i][5])
                tid = str(answer["transactionId"])
                txs[tid] = {
                    "conn": p["connectorId"],
                    "tag": p["idTag"],
                    "start_ts": ts,
                    "start": _charger_time(p["timestamp"]),
                    "wh": p["meterStart"],
                    "t": _dt(p["timestamp"]),
                    "first": float(p["meterStart"]),
                }
                if p["idTag"] == "":
                    self.add("empty_id_tag", cid, ts)
            elif action == "StopTransaction":
                tx = txs[str(p["transactionId"])]
                tx.update(
                    end=_charger_time(p["timestamp"]),
                    stop_ts=ts,
                    energy=float(p["meterStop"] - tx["first"]),
                    reason=p.get("reason", "Local"),
                )
            elif action == "MeterValues" and "transactionId" in p:
                tx = txs[str(p["transactionId"])]
                self._meter(cid, tx, ts, p["meterValue"], limit)
            elif action == "TransactionEvent":
                self._event(cid, txs, ts, p, answers.get(i), limit)
        for tid, tx in txs.items():
            self.sessions.add(
                (
                    cid,
                    tx["conn"],
                    tid,
                    tx["start"],
                    tx.get("end"),
                    tx.get("energy"),
                    tx.get("reason"),
                    tx["tag"],
                )
            )
            if "end" in tx:
                if tx["energy"] == 0:
                    self.add("no_energy", cid, tx["start_ts"], tx["stop_ts"])
                continue
            for ts, what, conn in events:
                if ts > tx["start_ts"] and (what == "boot" or conn == tx["conn"]):
                    self.add("stuck_transaction", cid, tx["start_ts"], ts)
                    break

    def _event(self, cid, txs, ts, p, answer, limit) -> None:
        info = p["transactionInfo"]
        tid = info["transactionId"]
        if p["eventType"] == "Started":
            wh = _energy(p["meterValue"][0]["sampledValue"])
            txs[tid] = {
                "conn": p["evse"]["id"],
                "tag": p["idToken"]["idToken"],
                "start_ts": ts,
                "start": _charger_time(p["timestamp"]),
                "first": wh,
                "wh": wh,
                "t": _dt(p["timestamp"]),
            }
            return
        tx = txs[tid]
        if p["eventType"] == "Ended":
            wh = _energy(p["meterValue"][0]["sampledValue"])
            tx.update(
                end=_charger_time(p["timestamp"]),
                stop_ts=ts,
                energy=round(wh - tx["first"], 3),
                reason=info.get("stoppedReason", "Local"),
            )
        elif "meterValue" in p:
            self._meter(cid, tx, ts, p["meterValue"], limit)

    def _meter(self, cid, tx, ts, meter_values, limit) -> None:
        for mv in meter_values:
            wh = _energy(mv["sampledValue"])
            t = _dt(mv["timestamp"])
            dt = (t - tx["t"]).total_seconds() + 2
            if wh < tx["wh"] or wh - tx["wh"] > limit * dt + 2:
                self.add("meter_anomaly", cid, ts)
            tx["wh"], tx["t"] = wh, t

    def _answers(self, cid: str, rows, answers) -> None:
        for i, call in enumerate(rows):
            answer = answers.get(i)
            if call[2] != "CALL" or answer is None or answer[2] != "CALLRESULT":
                continue
            action, p = call[4], json.loads(answer[5])
            info = p.get("idTagInfo") or p.get("idTokenInfo")
            tokens = action in ("Authorize", "StartTransaction", "TransactionEvent")
            if tokens and info and info["status"] != "Accepted":
                self.add("auth_rejected", cid, answer[0])
            if action in self.COMMANDS:
                status = p.get("status") or p["setVariableResult"][0]["attributeStatus"]
                if status in self.REJECTING:
                    self.add("command_rejected", cid, answer[0])

    def _uploads(self, cid: str, rows) -> None:
        started: dict[str, datetime] = {}
        for ts, direction, mtype, uid, action, payload in rows:
            if mtype != "CALL" or direction != "to_csms" or (cid, uid) in self.malformed:
                continue
            if action not in (
                "FirmwareStatusNotification",
                "DiagnosticsStatusNotification",
                "LogStatusNotification",
            ):
                continue
            status = json.loads(payload)["status"]
            kind = (
                "firmware_failure"
                if action == "FirmwareStatusNotification"
                else "diagnostics_failure"
            )
            if status in ("Downloading", "Uploading"):
                started.setdefault(kind, ts)
            elif status in self.FW_FAIL or status in ("UploadFailed", "UploadFailure"):
                self.add(kind, cid, started.pop(kind), ts)
            elif status in ("Installed", "Uploaded"):
                started.pop(kind, None)


def _truth_findings(truth, kind: str) -> set[tuple[Any, ...]]:
    out = set()
    for f in truth["findings"]:
        if f["kind"] != kind:
            continue
        if kind == "fault":
            out.add((f["charger_id"], f["connector_id"], f["start"], f["end"]))
        else:
            out.add((f["charger_id"], f["start"], f["end"]))
    return out


def _truth_sessions(truth) -> set[tuple[Any, ...]]:
    return {
        (
            s["charger_id"],
            s["connector_id"],
            s["transaction_id"],
            s["start"],
            s["end"],
            s["energy_wh"],
            s["stop_reason"],
            s["id_tag"],
        )
        for s in truth["sessions"]
    }


AUDITED = [
    "offline",
    "reboot",
    "boot_rejected",
    "fault",
    "call_error",
    "no_response",
    "auth_rejected",
    "empty_id_tag",
    "no_energy",
    "command_rejected",
    "firmware_failure",
    "diagnostics_failure",
    "stuck_transaction",
    "meter_anomaly",
]


@pytest.fixture(scope="module")
def audit_big(big):
    return Audit(big)


@pytest.mark.parametrize("kind", AUDITED)
def test_auditor_agrees_on(kind, big, audit_big):
    derived = audit_big.found[kind]
    truth = _truth_findings(big.truth, kind)
    assert derived == truth, (sorted(derived - truth)[:5], sorted(truth - derived)[:5])


def test_auditor_agrees_on_sessions(big, audit_big):
    truth = _truth_sessions(big.truth)
    assert audit_big.sessions == truth, (
        sorted(audit_big.sessions - truth)[:3],
        sorted(truth - audit_big.sessions)[:3],
    )


def test_auditor_agrees_on_small_fleet(small):
    audit = Audit(small)
    for kind in AUDITED:
        assert audit.found[kind] == _truth_findings(small.truth, kind), kind
    assert audit.sessions == _truth_sessions(small.truth)


def test_disconnects_are_explained(big):
    """Every websocket drop lies in an unstable window, an offline gap or just before a boot."""
    spans = defaultdict(list)
    for f in big.truth["findings"]:
        if f["kind"] in ("unstable_connection", "offline", "reboot"):
            start = _dt(f["start"]).timestamp() - (600 if f["kind"] == "reboot" else 0)
            spans[f["charger_id"]].append((f["kind"], start, _dt(f["end"]).timestamp()))
    unstable = Counter()
    for cid, ts, event in big.connections.select("charger_id", "ts", "event").iter_rows():
        if event != "disconnected":
            continue
        t = ts.timestamp()
        hits = [s for s in spans[cid] if s[1] <= t <= s[2] + 600]
        assert hits, (cid, ts)
        for kind, start, _ in hits:
            if kind == "unstable_connection":
                unstable[(cid, start)] += 1
    windows = [f for f in big.truth["findings"] if f["kind"] == "unstable_connection"]
    assert len(unstable) == len(windows)
    assert all(n >= 3 for n in unstable.values())


@pytest.mark.parametrize("args", [(-1, 1, 0.3), (2, 0, 0.3), (2, 1, 1.5), (2, 1, -0.1)], ids=str)
def test_bad_arguments_raise_config_error(args):
    from chargescope.errors import ConfigError

    chargers, days, share = args
    with pytest.raises(ConfigError):
        simulate_fleet(chargers, days, seed=1, v201_share=share)


def test_start_moves_the_window():
    fleet = simulate_fleet(2, 0.25, seed=9, start=datetime.fromisoformat("2024-12-31T22:00:00Z"))
    assert fleet.truth["generator"]["start"] == "2024-12-31T22:00:00.000Z"
    first = fleet.frames["ts"].min()
    assert first >= datetime.fromisoformat("2024-12-31T22:00:00+00:00")
