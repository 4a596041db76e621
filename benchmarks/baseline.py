"""A straightforward pure-Python OCPP log reader: csv/json per line and dict pairing (the yardstick).

Takes one file or a directory of them."""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"(\[\s*[234]\s*,.*\])\s*$")
_TIME = re.compile(r"\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,:]\d+)?")
_MARKS = re.compile(
    r"<<|>>|->|<-|=>|<=|\b(?:in|out|recv|send|receive message|Received|Sending|INFO|DEBUG|TRACE)\b"
    r"|\[msg-(?:in|out)\]|[\[\]:]"
)
_EVEREST_HEAD = re.compile(r"^(\S+): (\w+)>(\w+) ")

Row = tuple[str, str, Any]


def _column(header: list[str], *words: str) -> int:
    """Index of the first column whose name contains one of ``words``."""
    for i, name in enumerate(header):
        if any(w in name.lower() for w in words):
            return i
    return 0


def frames_from_csv(path: Path) -> list[Row]:
    """(time, charger, frame) from a CSV whose cells hold a raw frame or a payload."""
    out: list[Row] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        rows = csv.reader(fh, delimiter=";" if sample.count(";") > sample.count(",") else ",")
        header = next(rows, [])
        t = _column(header, "time", "date")
        c = _column(header, "charg", "station", "connection") or _column(header, "id")
        kind = _column(header, "message type", "action")
        for row in rows:
            cell = next((x for x in row if x.startswith(("[", "{"))), None)
            if cell is None:
                continue
            try:
                data = json.loads(cell)
            except ValueError:
                continue
            if isinstance(data, dict):  # a payload: the kind column says call or answer
                action = row[kind].split(".")[0]
                answer = row[kind].endswith((".conf", "Response", ".error"))
                data = [3, action, data] if answer else [2, action, action, data]
            out.append((row[t], row[c], data))
    return out


def frames_from_record(rec: dict[str, Any]) -> list[Row]:
    """Frames of one JSON record: a frame record, an exchange record, or a search hit."""
    rec = rec.get("_source", rec)
    ts = str(rec.get("timestamp") or rec.get("datetime") or "")
    charger = str(rec.get("charger_id") or rec.get("chargerId") or "")
    frame = rec.get("frame") or rec.get("message")
    if frame is not None:
        return [(ts, charger, json.loads(frame) if isinstance(frame, str) else frame)]
    if "request" in rec:
        uid = str(id(rec))
        rows: list[Row] = [(ts, charger, [2, uid, rec.get("action"), rec["request"]])]
        if rec.get("response") is not None:
            rows.append((ts, charger, [3, uid, rec["response"]]))
        return rows
    return []


def frames_from_document(path: Path) -> list[Row]:
    """A whole JSON document: a list of records or an object holding one."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(doc, dict):
        doc = next((v for v in doc.values() if isinstance(v, list)), [])
    return [row for rec in doc if isinstance(rec, dict) for row in frames_from_record(rec)]


def frames_from_lines(path: Path) -> list[Row]:
    """(time, charger, frame) from JSON lines or text logs, one json.loads per line."""
    out: list[Row] = []
    pending: list[str] = []
    head = ("", "")
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            h = _EVEREST_HEAD.match(line)
            if h or (pending and not line.strip()):
                if pending:
                    with contextlib.suppress(ValueError):
                        out.append((head[0], head[1], json.loads("".join(pending))))
                    pending = []
                if h:
                    head = (h.group(1), "")
                continue
            if head[0] and line.strip() and not _TIME.match(line):
                pending.append(line)
                continue
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    out.extend(frames_from_record(json.loads(line.rstrip().rstrip(","))))
                continue
            m = _FRAME.search(line)
            if not m:
                continue
            try:
                frame = json.loads(m.group(1))
            except ValueError:
                continue
            t = _TIME.search(line)
            prefix = line[t.end() if t else 0 : m.start()]
            out.append((t.group(0) if t else "", _MARKS.sub("", prefix).strip(), frame))
    return out


def pair(frames: list[Row]) -> tuple[int, int]:
    """Pair calls and answers by (charger, message id) with a dict."""
    open_calls: dict[tuple[str, str], int] = {}
    answered = 0
    for i, (_, charger, frame) in enumerate(frames):
        if not isinstance(frame, list) or len(frame) < 3:
            continue
        key = (charger, str(frame[1]))
        if frame[0] == 2:
            open_calls[key] = i
        elif open_calls.pop(key, None) is not None:
            answered += 1
    return len(frames), answered


def frames_of(p: Path) -> list[Row]:
    """Frames of one file, by a look at its first line."""
    first = p.open("rb").readline()
    is_csv = first[:1].isalpha() and (b"," in first or b";" in first) and b"{" not in first
    if is_csv:
        return frames_from_csv(p)
    if first.strip() in (b"{", b"[") or (
        first.startswith(b"{") and not first.rstrip().endswith(b"}")
    ):
        return frames_from_document(p)
    return frames_from_lines(p)


def main(path: str) -> None:
    """Read and pair one file, or every file of a directory; print frames and answered calls."""
    p = Path(path)
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    frames = [row for f in files for row in frames_of(f)]
    frames.sort(key=lambda r: (r[1], r[0]))  # by charger, then time (exports may be newest first)
    n, answered = pair(frames)
    print(json.dumps({"frames": n, "answered": answered}))


if __name__ == "__main__":
    main(sys.argv[1])
