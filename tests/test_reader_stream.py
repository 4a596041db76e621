"""Message stream CSV: several exports read together read as each alone."""

from __future__ import annotations

import random

import pytest

from chargescope.readers import get_reader
from chargescope.readers.base import Source
from tests.conftest import REFERENCE, stream_csv
from tests.readkit import assert_reads_alike

_TWISTS = [
    lambda rows: rows,
    lambda rows: list(reversed(rows)),  # newest first
    lambda rows: rows[:1] + ['not-a-time,incoming,"[2,""9"",""Heartbeat"",{}]",CP'] + rows[1:],
    lambda rows: rows[:1] + ['2025-03-03T08:00:00Z,incoming,"[2,""9"",""Heart\nbeat"",{}]",CP'],
    lambda rows: rows + [""],  # a blank line
    lambda rows: [],  # header only
]


def _export(rng: random.Random, with_charger: bool) -> bytes:
    """A small export: some reference rows, maybe twisted, maybe without a charger column."""
    start = rng.randint(0, len(REFERENCE) - 1)
    text = stream_csv(REFERENCE[start : start + rng.randint(1, 8)]).decode()
    head, *rows = text.rstrip("\n").split("\n")
    rows = rng.choice(_TWISTS)(rows)
    if not with_charger:
        head = head.rsplit(",", 1)[0]
        rows = [r.rsplit(",", 1)[0] if r.count(",") >= 3 else r for r in rows]
    body = "\n".join([head, *rows]) + ("\n" if rng.random() < 0.8 else "")
    if rng.random() < 0.2:
        body = body.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + body.encode()


@pytest.mark.parametrize("seed", range(40))
def test_exports_read_together_read_as_each_alone(seed: int) -> None:
    rng = random.Random(seed)
    reader = get_reader("stream")
    with_charger = rng.random() < 0.7
    sources = [
        Source(f"exports/CP-{i}.csv", _export(rng, with_charger)) for i in range(rng.randint(2, 7))
    ]
    assert_reads_alike(reader, sources)
