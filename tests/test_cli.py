"""The command line: summaries, JSON, saving, converting, and exit codes for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chargescope.cli import app
from chargescope.readers import all_readers
from tests.conftest import REFERENCE, stream_csv

runner = CliRunner()


@pytest.fixture()
def log(tmp_path: Path) -> Path:
    path = tmp_path / "cp.csv"
    path.write_bytes(stream_csv(REFERENCE))
    return path


def test_ingest_json_summary(log: Path) -> None:
    res = runner.invoke(app, ["ingest", str(log), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    for key in (
        "files",
        "frames",
        "calls",
        "answered",
        "unanswered",
        "orphans",
        "chargers",
        "versions",
        "start",
        "end",
    ):
        assert key in summary
    assert summary["frames"] == len(REFERENCE)
    assert summary["unanswered"] == 2 and summary["orphans"] == 0
    assert summary["versions"] == {"1.6": 1, "2.0.1": 1}
    assert summary["files"][0]["layout"] == "stream"
    assert summary["start"] == "2025-03-03T08:00:00.000Z"


def test_ingest_text_summary_and_explain(log: Path) -> None:
    res = runner.invoke(app, ["ingest", str(log), "--explain"])
    assert res.exit_code == 0
    assert "chose stream" in res.stderr
    assert f"{len(REFERENCE)} frames from 2 chargers" in res.stdout


def test_explain_says_an_empty_file_is_empty(log: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.log").write_bytes(b"\n \n")
    res = runner.invoke(app, ["ingest", str(tmp_path / "empty.log"), str(log), "--explain"])
    assert res.exit_code == 0
    assert "empty.log: empty file\n" in res.stderr
    assert "no known OCPP log layout" not in res.stderr


def test_save_and_reload(log: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert runner.invoke(app, ["ingest", str(log), "--save", str(store), "-q"]).exit_code == 0
    again = runner.invoke(app, ["ingest", str(store), "--json"])
    first = json.loads(runner.invoke(app, ["ingest", str(log), "--json"]).stdout)
    assert json.loads(again.stdout) == first


def test_convert_round_trips(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.csv"
    assert (
        runner.invoke(app, ["convert", str(log), "--to", "stream", "-o", str(out)]).exit_code == 0
    )
    a = json.loads(runner.invoke(app, ["ingest", str(log), "--json"]).stdout)
    b = json.loads(runner.invoke(app, ["ingest", str(out), "--json"]).stdout)
    assert {k: v for k, v in a.items() if k != "files"} == {
        k: v for k, v in b.items() if k != "files"
    }


def test_formats_lists_every_layout() -> None:
    res = runner.invoke(app, ["formats"])
    assert res.exit_code == 0
    for name in all_readers():
        assert name in res.stdout


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"hello\nworld\n", [], "no known OCPP log layout matched"),
        (b"", [], "empty input"),
        (None, [], "no such file"),
        (b"x", ["--tz", "Nowhere/Land"], "unknown time zone"),
        (b"x", ["--columns", "time"], "expected KEY=COLUMN"),
        (b"x", ["--format", "nope"], "unknown layout"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, content: bytes | None, args: list[str], message: str
) -> None:
    path = tmp_path / "in.log"
    if content is not None:
        path.write_bytes(content)
    res = runner.invoke(app, ["ingest", str(path), *args])
    assert res.exit_code == 2
    assert message in " ".join(res.stderr.split())


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert names
    missing = [n for n in names if f"chargescope {n}" not in readme]
    assert not missing, f"commands not in README.md: {missing}"


def test_untrusted_text_is_printed_literally(tmp_path: Path) -> None:
    path = tmp_path / "[red]odd[bold].csv"
    path.write_bytes(
        b"timestamp,type,message,charger\n"
        b'2025-03-03T08:00:00Z,incoming,"[/bold][red]x[2,""1"",""Heartbeat"",{}]",CP-1\n'
    )
    res = runner.invoke(app, ["ingest", str(path)])
    assert res.exit_code == 0, res.output
    assert "[/bold][red]x[2" in res.stdout
    assert "[red]odd[bold].csv" in res.stdout


def test_a_log_of_only_broken_frames_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cp.log"
    path.write_bytes(b'2025-03-03T00:00:01Z CP1 << [2\n2025-03-03T00:00:02Z CP1 >> [3,1,{"a":1}]\n')
    res = runner.invoke(app, ["ingest", str(path)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "0 frames from 0 chargers (OCPP -), no time range" in text
    assert "None" not in text
    assert "no call with a one-way action to check it against" in text
    assert "cp.log:1: malformed frame: not valid JSON" in text
    assert "cp.log:2: malformed frame: message id is not a string" in text


def test_a_folder_with_a_file_no_layout_fits_is_read_and_says_so(tmp_path: Path, log: Path) -> None:
    (tmp_path / "README.txt").write_text("The logs of site 12. Ask Bob.\n")
    res = runner.invoke(app, ["ingest", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["skipped_files"] == 1
    assert summary["frames"] == len(REFERENCE)
    layouts = {Path(f["path"]).name: f["layout"] for f in summary["files"]}
    assert layouts == {"README.txt": "unknown", "cp.csv": "stream"}
    warning = " ".join(res.stderr.split())
    assert "1 file skipped, no known OCPP log layout matched" in warning
    assert "README.txt" in warning
    alone = runner.invoke(app, ["ingest", str(tmp_path / "README.txt")])
    assert alone.exit_code == 2
