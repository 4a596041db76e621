"""The analyze, explain and rules commands: output, files, exit codes, generated docs."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from chargescope.commands.analysis import register, rules_markdown
from tests.framekit import Script, boot16, heartbeats, session16, status16, stream_csv

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _log(tmp_path: Path) -> Path:
    s = Script("CP-7")
    boot16(s, "08:00:00")
    status16(s, "08:00:01", 1, "Available")
    heartbeats(s, "08:05:00", "10:00:00")
    session16(s, "08:30:00", "09:00:00", meter_start=500, meter_stop=500)
    s.cmd("09:10:00", "UnlockConnector", {"connectorId": 1}, {"status": "UnlockFailed"})
    s.msgs.sort(key=lambda m: m[0])
    p = tmp_path / "log.csv"
    p.write_text(stream_csv(s.msgs))
    return p


def test_analyze_prints_summary_and_writes_json_and_csv(tmp_path: Path) -> None:
    log = _log(tmp_path)
    out = tmp_path / "r.json"
    res = runner.invoke(
        _app(), ["analyze", str(log), "--json", str(out), "--csv-dir", str(tmp_path / "csv"), "-q"]
    )
    assert res.exit_code == 0, res.output
    assert "1 chargers" in res.output and "no_energy" in res.output
    doc = json.loads(out.read_text())
    assert {f["kind"] for f in doc["findings"]} == {"no_energy", "command_rejected"}
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "chargers.csv",
        "findings.csv",
        "sessions.csv",
    ]
    assert "transaction_id" in (tmp_path / "csv" / "sessions.csv").read_text().splitlines()[0]


def test_analyze_json_to_stdout(tmp_path: Path) -> None:
    res = runner.invoke(_app(), ["analyze", str(_log(tmp_path)), "--json", "-", "-q"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["summary"]["chargers"] == 1


def test_fail_on_exit_codes(tmp_path: Path) -> None:
    log = str(_log(tmp_path))
    assert runner.invoke(_app(), ["analyze", log, "--fail-on", "major", "-q"]).exit_code == 1
    assert runner.invoke(_app(), ["analyze", log, "--fail-on", "critical", "-q"]).exit_code == 0
    bad = runner.invoke(_app(), ["analyze", log, "--fail-on", "severe", "-q"])
    assert bad.exit_code == 2


def test_bad_config_is_a_usage_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[rules.offline]\nmin_silense_s = 5\n")
    res = runner.invoke(_app(), ["analyze", str(_log(tmp_path)), "--config", str(cfg), "-q"])
    assert res.exit_code == 2


def test_explain_tells_the_story(tmp_path: Path) -> None:
    res = runner.invoke(_app(), ["explain", "CP-7", str(_log(tmp_path)), "-q"])
    assert res.exit_code == 0, res.output
    assert "transaction 1 started" in res.output and "UnlockFailed" in res.output
    missing = runner.invoke(_app(), ["explain", "NOPE", str(_log(tmp_path)), "-q"])
    assert missing.exit_code == 2


def test_rules_lists_every_rule() -> None:
    res = runner.invoke(_app(), ["rules"])
    assert res.exit_code == 0
    for kind in ("offline", "unstable_connection", "fault", "meter_anomaly", "no_response"):
        assert kind in res.output


def test_committed_rules_doc_is_generated_from_the_registry() -> None:
    """docs/RULES.md must equal `chargescope rules --markdown` (regenerate it when rules change)."""
    assert (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8") == rules_markdown()
    res = runner.invoke(_app(), ["rules", "--markdown"])
    assert res.stdout == rules_markdown()
