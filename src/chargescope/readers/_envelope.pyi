"""The envelope split in C (see _envelope.c)."""

from collections.abc import Sequence

#: Anything with the buffer protocol (bytes-like; writable where it is written to)
Buffer = object

def split(
    views: Buffer,
    validity: Buffer | None,
    offset: int,
    data: Sequence[Buffer],
    start: int,
    stop: int,
    types: Buffer,
    connectors: Buffer,
    connector_valid: Buffer,
    out_views: Buffer,
    out_valid: Buffer,
    copy: Buffer,
    copy_buffer: int,
    payloads: bool,
) -> tuple[int, int]:
    """Split frames (or check ``payloads`` given apart) ``start``..``stop``: (how many it left
    to SQL, bytes copied)."""

def records(data: Buffer) -> tuple[bytes, bytes, int]:
    """``data`` cut at blank lines: each record's Arrow binary view into ``data`` (a leading
    line break dropped), its first line's number (int64), and how many line breaks it holds."""
