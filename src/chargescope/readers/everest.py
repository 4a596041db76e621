"""EVerest libocpp message logs (``.log``): a header line per frame, then pretty-printed JSON.

::

    2025-01-01T10:00:00.123Z: ChargePoint>CentralSystem BootNotification
    [
      2,
      "19226",
      ...
    ]

Records are separated by a blank line; answers are labelled ``<Action>Response``; ``SYS>``
records (session logging started, ...) are noise. ``ChargePoint>CentralSystem`` and
``ChargingStation>CSMS`` = ``to_csms``; ``CentralSystem>ChargePoint`` and
``CSMS>ChargingStation`` = ``to_charger``. The log is the charger's own and does not name it:
the charger id comes from a header line (``ChargePointId: CP-1``, also as a ``SYS>`` record),
else from the file name. Times are RFC 3339 with a zone. A record's ``line`` is its header line.
"""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from chargescope import columnar
from chargescope.readers import register
from chargescope.readers.base import TO_CHARGER, TO_CSMS, ReadOptions, ReadResult, Sniff, Source
from chargescope.readers.textlog import (
    TS,
    FastPath,
    LineLayout,
    patch_rows,
    read_lines,
    sniff_layout,
)

try:  # the compiled record cut; without it Arrow's pattern split cuts the log
    from chargescope.readers import _envelope

    COMPILED = True
except ImportError:  # pragma: no cover - depends on the installation
    COMPILED = False

_PEERS = r"(?:ChargePoint>CentralSystem|CentralSystem>ChargePoint|ChargingStation>CSMS|CSMS>ChargingStation)"

LAYOUT = LineLayout(
    marker=r"^\S+: (?P<dir>" + _PEERS + r")[^\n]*\n?",
    directions={
        "chargepoint>centralsystem": TO_CSMS,
        "chargingstation>csms": TO_CSMS,
        "centralsystem>chargepoint": TO_CHARGER,
        "csms>chargingstation": TO_CHARGER,
    },
    charger_banner=(
        r"(?i)(?:charge ?point ?id|charging ?station ?id|charger ?id|identity)\s*[:=]\s*([^\n]*[^\s])"
    ),
    # ``2025-01-01T10:00:00.123Z: ChargePoint>CentralSystem Action \n[...``: the head pins the
    # time, which ``^\S+`` takes whole; the key starts at its "Z" (so ``^\S+: `` still fits)
    # and runs to the end of the header line and the frame's first character.
    fast=FastPath(
        head=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z: ",
        ts_at=0,
        ts_width=23,
        ts_format="%Y-%m-%dT%H:%M:%S.%3f",
        ts_utc=True,
        key_from=23,
        key_to=("\n",),
    ),
)


def records(data: bytes) -> tuple[pl.DataFrame, int]:
    """One row per blank-line separated record (first non-blank ``line``, ``raw`` text), and
    the number of lines in ``data``.

    libocpp pretty-prints JSON, which never holds a blank line, so a blank line always ends a
    record. The split runs on the bytes (the compiled module, else Arrow): one pass.
    """
    data = data.removeprefix(b"\xef\xbb\xbf")
    data = data.replace(b"\r\n", b"\n") if b"\r" in data else data
    cut = _cut if COMPILED and len(data) < _VIEWS_BELOW else _cut_arrow
    try:
        body, line, newlines = cut(data)
    except pl.exceptions.ComputeError:  # not UTF-8: undecodable bytes replaced, as Source.text
        data = data.decode("utf-8", errors="replace").encode()
        body, line, newlines = cut(data)
    raw = patch_rows(body, ~body.str.ends_with("]"), lambda c: c.str.strip_chars_end())
    lines = newlines + (0 if data.endswith(b"\n") else 1)
    return pl.DataFrame({"line": line, "raw": raw}), lines if data else 0


#: Records are views into the log's bytes, at 32-bit offsets.
_VIEWS_BELOW = 1 << 31


def _cut(data: bytes) -> tuple[pl.Series, pl.Series, int]:
    """The records (without a leading line break), their first lines' numbers and how many
    line breaks ``data`` holds, cut by the compiled module (raises when not UTF-8)."""
    import pyarrow as pa  # noqa: PLC0415 - imported by the compiled split anyway

    views, lines, newlines = _envelope.records(data)
    n = len(lines) // 8
    arr = pa.Array.from_buffers(
        pa.binary_view(), n, [None, pa.py_buffer(views), pa.py_buffer(data)]
    )
    body = pl.Series("raw", arr, dtype=pl.Binary).cast(pl.String)
    line = pl.Series("line", pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(lines)]))
    return body, line, newlines


def _cut_arrow(data: bytes) -> tuple[pl.Series, pl.Series, int]:
    """:func:`_cut` with Arrow's pattern split (where the compiled module is not built)."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow.compute is slow to import: only when reading
    import pyarrow.compute as pc  # noqa: PLC0415

    chunks = _split(data, pa, pc)
    body = patch_rows(chunks, chunks.str.starts_with("\n"), lambda c: c.str.strip_chars_start("\n"))
    lead = chunks.str.len_bytes() - body.str.len_bytes()
    newlines = columnar.column(chunks.to_frame(), pl.first().str.count_matches("\n", literal=True))
    start = (newlines + 2).cum_sum().shift(1, fill_value=0) + 1
    total = int(newlines.sum()) + 2 * (len(chunks) - 1)
    return body, (start + lead).cast(pl.Int64).alias("line"), total


def _split(data: bytes, pa: Any, pc: Any) -> pl.Series:
    """The blank-line separated chunks of ``data`` as text (raises when not UTF-8); a large log
    is cut in two at a record boundary and both halves are split at once."""

    def chunks(part: memoryview) -> Any:
        offsets = pa.py_buffer(struct.pack("<qq", 0, len(part)))
        whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(part)])
        return pc.split_pattern(whole, b"\n\n").flatten()  # ``whole`` shares ``data``: no copy

    view = memoryview(data)
    cut = _boundary(data)
    if cut is None:
        parts = [chunks(view)]
    else:
        with ThreadPoolExecutor(1) as pool:  # one half on a worker, the other here
            second = pool.submit(chunks, view[cut + 2 :])
            parts = [chunks(view[:cut]), second.result()]
    return pl.Series("chunk", pa.chunked_array(parts), dtype=pl.Binary).cast(pl.String)


_HALVE_FROM = 1 << 24  # bytes: below this one pass is quick enough


def _boundary(data: bytes) -> int | None:
    """A ``\n\n`` near the middle with no other line break next to it (so splitting either
    side of it gives the chunks one pass over the whole gives), or None."""
    if len(data) < _HALVE_FROM:
        return None
    at = data.find(b"\n\n", len(data) // 2)
    while at > 0 and (data[at - 1] == 10 or data[at + 2 : at + 3] == b"\n"):
        at = data.find(b"\n\n", at + 1)
    return at if at > 0 else None


def _noise(recs: pl.DataFrame, result: ReadResult) -> int:
    """Non-blank lines of the records that became neither frames nor rejects."""
    used = pl.concat(
        [
            result.frames.select("line"),
            pl.DataFrame({"line": [r.line for r in result.rejects]}, schema={"line": pl.Int64}),
        ]
    )
    rest = recs.join(used, on="line", how="anti").filter(pl.col("raw").str.len_bytes() > 0)
    counts = rest.select(
        (pl.col("raw").str.count_matches("\n", literal=True) + 1).sum().cast(pl.Int64).alias("n"),
        pl.col("raw").str.count_matches(r"(?m)^[ \t]*$").sum().cast(pl.Int64).alias("blank"),
    )
    return int(counts["n"][0] or 0) - int(counts["blank"][0] or 0)


class EverestReader:
    """Reads EVerest libocpp ``.log`` message logs (multi-line records)."""

    name = "everest"
    title = "EVerest libocpp message log (TIME: ChargePoint>CentralSystem Action, then JSON)"
    sample = (
        "2025-03-03T08:00:00.000Z: SYS> Session logging started. \n"
        "\n"
        "\n"
        "2025-03-03T08:00:01.120Z: ChargePoint>CentralSystem Heartbeat \n"
        '[\n  2,\n  "1",\n  "Heartbeat",\n  {}\n]\n'
        "\n"
        "2025-03-03T08:00:01.125Z: CentralSystem>ChargePoint  HeartbeatResponse\n"
        '[\n  3,\n  "1",\n  {\n    "currentTime": "2025-03-03T08:00:01.000Z"\n  }\n]\n'
    )

    def sniff(self, head: str) -> Sniff:
        """Record headers ``TIME: ChargePoint>CentralSystem`` (or the 2.x names)."""
        return sniff_layout(
            head,
            self.name,
            r"^" + TS + r": " + _PEERS + r"\b",
            0.95,
            "EVerest TIME: ChargePoint>CentralSystem record headers",
            needles=("ChargePoint>", "CentralSystem>", "ChargingStation>", "CSMS>"),
        )

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Group lines into records, read those naming a direction, count the rest as noise."""
        recs, lines = records(source.data)
        result = read_lines(recs, LAYOUT, options, source)
        result.noise = _noise(recs, result)
        result.lines = lines
        return result


register(EverestReader())
