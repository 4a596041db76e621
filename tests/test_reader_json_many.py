"""JSON-lines layouts: several files read together read as each alone."""

from __future__ import annotations

import io
import json
import random

import polars as pl
import pytest

from chargescope.readers import get_reader
from chargescope.readers.base import Source
from chargescope.writers import get_writer
from tests.readkit import assert_reads_alike


def _twist(rng: random.Random, lines: list[str]) -> list[str]:
    """Lines reversed, broken, stripped of a key, made zone-less, blank-padded, given another
    key, one given an unreadable time or made neither an exchange nor a frame record, or
    left."""
    what = rng.randrange(9)
    if what == 0:
        return list(reversed(lines))
    if what == 1 and lines:
        at = rng.randrange(len(lines))
        return lines[:at] + [lines[at][: len(lines[at]) // 2]] + lines[at + 1 :]
    if what == 2:
        return [
            json.dumps({k: v for k, v in json.loads(x).items() if "charger" not in k})
            for x in lines
        ]
    if what == 3:
        return [x.replace('Z"', '"', 1) for x in lines]
    if what == 4:
        return ["", *lines, "  "]
    if what == 5:
        return [json.dumps({**json.loads(x), "site": "S-1"}) for x in lines]  # another key set
    if what in (6, 7) and lines:
        at = rng.randrange(len(lines))
        record = json.loads(lines[at])
        for key in record:
            if what == 6 and ("time" in key or key == "datetime"):
                record[key] = "soon"
            if what == 7 and key in ("frame", "message", "request", "response"):
                record[key] = None
        return lines[:at] + [json.dumps(record)] + lines[at + 1 :]
    return lines


def _frames_as_arrays(line: str) -> str:
    """A frame record holding its frame as a JSON array, not as text (split as decoded)."""
    record = json.loads(line)
    return json.dumps({**record, "frame": json.loads(record["frame"])})


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("layout", ["framerec", "framerec-arrays", "exchange"])
def test_json_lines_read_together_read_as_each_alone(
    reference: pl.DataFrame, layout: str, seed: int
) -> None:
    rng = random.Random(f"{layout}-{seed}")
    name = layout.removesuffix("-arrays")
    reader = get_reader(name)
    buf = io.BytesIO()
    get_writer(name)(reference, None, buf)
    good = buf.getvalue().decode().splitlines()
    if layout.endswith("-arrays"):
        good = [_frames_as_arrays(x) for x in good]
    sources = []
    for i in range(rng.randint(2, 6)):
        start = rng.randrange(len(good))
        lines = _twist(rng, good[start : start + rng.randint(1, 8)])
        text = "\n".join(lines) + ("\n" if rng.random() < 0.8 else "")
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        data = (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + text.encode()
        sources.append(Source(f"logs/CP-{i}.jsonl", data))
    assert_reads_alike(reader, sources)
