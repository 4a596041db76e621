"""Delimited layouts read through a column mapping: several files read together read as each
alone."""

from __future__ import annotations

import io
import random

import polars as pl
import pytest

from chargescope.readers import get_reader
from chargescope.readers.base import Source
from chargescope.writers import get_writer
from tests.conftest import REFERENCE
from tests.readkit import assert_reads_alike


def _lines(layout: str, reference: pl.DataFrame) -> list[str]:
    """The reference traffic in ``layout``, as lines (header first)."""
    if layout == "kwwhat":
        rows = ["timestamp,id,action,msg"]
        for ts, charger, _, frame in REFERENCE:
            action = frame.split('"')[3] if frame.startswith("[2") else ""
            rows.append(f'{ts},{charger},{action},"{frame.replace(chr(34), chr(34) * 2)}"')
        return rows
    buf = io.BytesIO()
    get_writer(layout)(reference, None, buf)
    return buf.getvalue().decode().splitlines()


def _twist(rng: random.Random, rows: list[str]) -> list[str]:
    """Rows reversed, broken, padded, made multi-line, or left."""
    what = rng.randrange(7)
    if what == 0:
        return list(reversed(rows))
    if what == 1 and rows:
        at = rng.randrange(len(rows))
        return rows[:at] + ["not a time" + rows[at][rows[at].find(",") :]] + rows[at + 1 :]
    if what == 2:
        return [*rows, ",,,,"]
    if what == 3 and rows:
        return [rows[0].replace('{"', '{\n"', 1), *rows[1:]]
    if what == 4:
        return []
    if what == 5:
        return [*rows, ""]
    return rows


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("layout", ["sheet", "portal", "citrine", "kwwhat"])
def test_mapped_files_read_together_read_as_each_alone(
    reference: pl.DataFrame, layout: str, seed: int
) -> None:
    rng = random.Random(f"{layout}-{seed}")
    reader = get_reader(layout)
    head, *body = _lines(layout, reference)
    sources = []
    for i in range(rng.randint(2, 6)):
        start = rng.randrange(len(body))
        rows = _twist(rng, body[start : start + rng.randint(1, 6)])
        text = "\n".join([head, *rows]) + ("\n" if rng.random() < 0.8 else "")
        if rng.random() < 0.15:
            text = "sep=,\n" + text  # a preamble line: another group
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        data = (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + text.encode()
        sources.append(Source(f"exports/CP-{i}.csv", data))
    assert_reads_alike(reader, sources)
