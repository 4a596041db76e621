"""The analysis entry points: per-charger purity, fleet equivalence, JSON shape, config."""

from __future__ import annotations

import re

import polars as pl
import pytest

from chargescope.analysis import analyze, analyze_charger
from chargescope.config import default_toml, load_config, parse_config
from chargescope.errors import ConfigError
from chargescope.report.jsonout import report_dict
from chargescope.rules import RULES, RuleConfig
from tests.framekit import Script, boot16, heartbeats, session16, sort_msgs, status16

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _fleet() -> Script:
    s = Script("CP1")
    boot16(s, "08:00:00")
    status16(s, "08:00:01", 1, "Available")
    heartbeats(s, "08:05:00", "10:00:00")
    session16(s, "08:30:00", "09:00:00", meter_start=0, meter_stop=0)
    status16(s, "09:10:00", 1, "Faulted", "HighTemperature")
    t = Script("CP2")
    boot16(t, "08:00:00")
    heartbeats(t, "08:05:00", "10:00:00")
    session16(t, "08:30:00", "09:00:00", meter_start=100, meter_stop=7100)
    s.msgs += t.msgs
    sort_msgs(s)
    return s


def test_fleet_equals_per_charger_analysis() -> None:
    ing = _fleet().ingest()
    report = analyze(ing)
    until = ing.frames["ts"].max()
    for c in report.chargers:
        mine = ing.frames.filter(pl.col("charger_id") == c.charger_id)
        alone = analyze_charger(mine, None, RuleConfig(), until)
        assert alone == c
        # a pyarrow Table gives the same answer
        assert analyze_charger(mine.to_arrow(), None, RuleConfig(), until) == c


def test_analyze_charger_rejects_several_chargers() -> None:
    with pytest.raises(ValueError, match="one charger"):
        analyze_charger(_fleet().ingest().frames)


def test_verdicts_summary_and_worst_first() -> None:
    report = analyze(_fleet().ingest())
    assert [c.charger_id for c in report.chargers] == ["CP1", "CP2"]
    cp1, cp2 = report.chargers
    assert cp1.health.verdict == "down"  # still faulted at the end of the log
    assert cp2.health.verdict == "healthy"
    s = report.summary
    assert s["verdicts"] == {"healthy": 1, "degraded": 0, "down": 1}
    assert s["sessions"] == 2 and s["energy_wh"] == 7000
    assert s["findings_by_kind"] == {"fault": 1, "no_energy": 1}


def test_json_document_is_stable() -> None:
    ing = _fleet().ingest()
    doc = report_dict(analyze(ing), ing.frames)
    assert list(doc) == ["format", "chargers", "sessions", "findings", "summary", "ingest"]
    f = doc["findings"][0]
    assert list(f) == [
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
    assert ISO.match(f["start"]) and ISO.match(f["end"])
    assert set(f["evidence"][0]) == {"frame_id", "file", "line", "ts"}
    sess = doc["sessions"][0]
    for key in (
        "charger_id",
        "connector_id",
        "transaction_id",
        "start",
        "end",
        "energy_wh",
        "stop_reason",
        "id_tag",
    ):
        assert key in sess
    assert ISO.match(sess["start"])


def test_config_overrides_disables_and_explains_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = parse_config({"rules": {"offline": {"min_silence_s": 60}, "fault": {"enabled": False}}})
    assert cfg.get("offline", "min_silence_s") == 60
    assert cfg.get("offline", "interval_factor") == 3
    assert not cfg.enabled("fault")
    with pytest.raises(ConfigError, match="unknown rule 'nope'"):
        parse_config({"rules": {"nope": {}}})
    with pytest.raises(ConfigError, match="no setting 'x'"):
        parse_config({"rules": {"offline": {"x": 1}}})
    path = tmp_path / "c.toml"
    path.write_text(default_toml())
    assert load_config(path).values.keys() == {k for k, r in RULES.items() if r.thresholds}
    report = analyze(_fleet().ingest(), cfg)
    assert "fault" not in report.summary["findings_by_kind"]


def test_arrow_tables_for_scale_out() -> None:
    from chargescope.analysis import FINDINGS_ARROW, SESSIONS_ARROW, findings_arrow, sessions_arrow

    report = analyze(_fleet().ingest())
    f = findings_arrow(report.chargers)
    assert f.schema == FINDINGS_ARROW and f.num_rows == len(report.findings)
    s = sessions_arrow(report.chargers)
    assert s.schema == SESSIONS_ARROW and s.num_rows == 2
