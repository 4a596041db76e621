"""A straightforward pure-Python OCPP log reader: csv/json per line and dict pairing (the yardstick)."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

_FRAME = re.compile(r"(\[\s*[234]\s*,.*\])\s*$")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?")


def frames_from_csv(path: Path) -> list[tuple[str, str, list]]:
    """(time, charger, frame) from any CSV whose cells hold a raw frame."""
    out = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delim = ";" if sample.count(";") > sample.count(",") else ","
        for row in csv.reader(fh, delimiter=delim):
            cells = [c for c in row if c.startswith("[")]
            if not cells:
                continue
            try:
                frame = json.loads(cells[0])
            except ValueError:
                continue
            out.append((row[0], row[-1], frame))
    return out


def frames_from_lines(path: Path) -> list[tuple[str, str, list]]:
    """(time, charger, frame) from JSON lines or text logs, one json.loads per line."""
    out = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("{"):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                out.append(
                    (
                        str(rec.get("timestamp", "")),
                        str(rec.get("charger_id", "")),
                        rec.get("frame"),
                    )
                )
                continue
            m = _FRAME.search(line)
            if not m:
                continue
            try:
                frame = json.loads(m.group(1))
            except ValueError:
                continue
            t = _TIME.search(line)
            out.append((t.group(0) if t else "", line[:40], frame))
    return out


def pair(frames: list[tuple[str, str, list]]) -> tuple[int, int]:
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


def main(path: str) -> None:
    """Read and pair one file; print frames and answered calls."""
    p = Path(path)
    head = p.open("rb").read(2048)
    is_csv = b"," in head.split(b"\n", 1)[0] and not head.lstrip().startswith((b"{", b"["))
    frames = frames_from_csv(p) if is_csv else frames_from_lines(p)
    frames.sort(key=lambda r: (r[1], r[0]))  # by charger, then time (exports may be newest first)
    n, answered = pair(frames)
    print(json.dumps({"frames": n, "answered": answered}))


if __name__ == "__main__":
    main(sys.argv[1])
