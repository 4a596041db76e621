"""Check that reading several sources at once gives what reading each alone gives."""

from __future__ import annotations

from chargescope.readers.base import Reader, ReadOptions, ReadResult, Source


def assert_same_read(together: ReadResult, alone: ReadResult) -> None:
    """Frames, rejects, notes, counts and connection events all alike."""
    assert together.frames.equals(alone.frames)
    assert together.rejects == alone.rejects
    assert (together.notes, together.lines, together.noise) == (
        alone.notes,
        alone.lines,
        alone.noise,
    )
    assert (together.connections is None) == (alone.connections is None)
    if alone.connections is not None and together.connections is not None:
        assert together.connections.equals(alone.connections)


def assert_reads_alike(reader: Reader, sources: list[Source]) -> None:
    """``reader.read_many`` of ``sources`` equals ``reader.read`` of each."""
    together = reader.read_many(sources, ReadOptions())  # type: ignore[attr-defined]
    for got, source in zip(together, sources, strict=True):
        assert_same_read(got, reader.read(source, ReadOptions()))
