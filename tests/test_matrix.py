"""Every layout: readers claim their own samples only, and written traffic reads back the same."""

from __future__ import annotations

import io

import polars as pl
import pytest

from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers, detect
from chargescope.readers.base import Match, NoMatch, Source
from chargescope.writers import all_writers
from tests.roundtrip import COMPARED as ALL_COMPARED

READERS = {n: r for n, r in all_readers().items() if n != "custom"}
WRITERS = all_writers()

#: What a layout cannot carry, so the round trip compares without it.
LIMITS: dict[str, set[str]] = {
    "sheet": {"unique_id", "error_text"},
    "portal": {"seconds"},
    "exchange": {"exchange_time", "unique_id"},
    "logindex": {"exchange_time", "unique_id"},
    "evcc": {"seconds"},
    "kwwhat": set(),
}
#: What every layout must carry: pairs and latencies follow from times, sites from the layout.
COMPARED = [
    c for c in ALL_COMPARED if c not in ("site_id", "peer_id", "latency_ms", "schema_error")
]


@pytest.mark.parametrize("name", sorted(READERS))
def test_reader_claims_its_own_sample(name: str) -> None:
    sample = READERS[name].sample
    assert isinstance(READERS[name].sniff(sample), Match)
    assert detect(Source("sample", sample.encode())).reader.name == name


@pytest.mark.parametrize("name", sorted(READERS))
def test_other_readers_decline_the_sample(name: str) -> None:
    sample = READERS[name].sample
    claims = {o: r.sniff(sample) for o, r in READERS.items() if o != name}
    wrong = {o: a.reason for o, a in claims.items() if isinstance(a, Match)}
    assert not wrong, f"{name}'s sample also claimed by {wrong}"
    assert all(isinstance(a, NoMatch) and a.reason for a in claims.values())


def _comparable(frames: pl.DataFrame, limits: set[str]) -> pl.DataFrame:
    """The columns a layout carries, in a canonical order."""
    df = frames
    if "exchange_time" in limits:  # one timestamp per exchange: answers carry their call's time
        call_ts = pl.col("ts").gather(pl.col("peer_id").fill_null(0))
        is_answer = (pl.col("message_type") != "CALL") & pl.col("peer_id").is_not_null()
        df = df.with_columns(pl.when(is_answer).then(call_ts).otherwise(pl.col("ts")).alias("ts"))
    if "seconds" in limits:
        df = df.with_columns(pl.col("ts").dt.truncate("1s"))
    cols = [c for c in COMPARED if not (c == "unique_id" and "unique_id" in limits)]
    if "error_text" in limits:
        cols = [c for c in cols if c != "error_description"]
    return df.select(cols).sort(["charger_id", "ts", "message_type", "action"], nulls_last=True)


@pytest.mark.parametrize("layout", sorted(WRITERS))
def test_round_trip_through_every_layout(layout: str, reference: pl.DataFrame) -> None:
    buf = io.BytesIO()
    WRITERS[layout](reference, None, buf)
    result = ingest_sources([Source(f"rt.{layout}", buf.getvalue())])
    assert result.files[0].layout == layout
    assert not result.rejects, result.rejects[:3]
    limits = LIMITS.get(layout, set())
    got, want = _comparable(result.frames, limits), _comparable(reference, limits)
    assert got.to_dicts() == want.to_dicts()
