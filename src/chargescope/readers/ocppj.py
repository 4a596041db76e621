"""The OCPP-J envelope as SQL (an array's first five elements to the envelope columns), and
the compiled split of frame texts that SQL need not see.

Shared by the envelope split of raw frame text and, where the compiled split is not built, by
readers whose records hold frames, which then split them in the same DuckDB pass that decodes
the records.
"""

from __future__ import annotations

import mmap
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pyarrow as pa

try:  # the compiled split; without it (no C compiler at install) SQL splits every frame
    from chargescope.readers import _envelope

    COMPILED = True
except ImportError:  # pragma: no cover - depends on the installation
    COMPILED = False

#: ``e0`` is a message type number, 2 to 6. Not an ``in`` list of five: DuckDB turns a long
#: ``in`` list into a join, and a join's rows need not come back in their input order,
#: which every pass here relies on (each result lines up with its input row by row).
_A_TYPE = "length(e0) = 1 and e0 between '2' and '6'"


def envelope_columns(frame: str) -> str:
    """The envelope columns of one frame, over ``j`` (its elements as compact JSON texts; null
    when it is not valid JSON) and ``e0``..``e4`` (the first five, null beyond its end).
    ``frame`` is SQL for its text, evaluated only to tell why a frame without a first element
    fails. Elements are compact JSON, so the first character tells their type (a missing one
    is no type: the frame fails); only a valid type is cast."""
    return f"""
    case when j is null then 'not valid JSON'
         when e0 is null and json_type({frame}) <> 'ARRAY' then 'not a JSON array'
         when e0 is null or not ({_A_TYPE})
              then 'first element is not an OCPP-J message type (2, 3, 4; 5, 6 in OCPP 2.1)'
         when not coalesce(starts_with(e1, '"'), false) then 'message id is not a string'
         when e0 = '2' and not coalesce(starts_with(e2, '"') and starts_with(e3, '{{'), false)
              then 'CALL needs [2, id, action, {{payload}}]'
         when e0 = '3' and not coalesce(starts_with(e2, '{{') or starts_with(e2, '['), false)
              then 'CALLRESULT needs [3, id, {{payload}}]'
         when e0 = '4' and not coalesce(starts_with(e2, '"'), false)
              then 'CALLERROR needs [4, id, errorCode, errorDescription, {{details}}]'
         when e0 = '5' and not coalesce(starts_with(e2, '"'), false)
              then 'CALLRESULTERROR needs [5, id, errorCode, errorDescription, {{details}}]'
         when e0 = '6' and not coalesce(starts_with(e2, '"') and starts_with(e3, '{{'), false)
              then 'SEND needs [6, id, action, {{payload}}]'
    end as reason,
    cast(case when {_A_TYPE} then e0 end as TINYINT) as message_type,
    e1 ->> '$' as unique_id,
    case when e0 in ('2', '6') then e2 ->> '$' end as frame_action,
    case when e0 in ('2', '6') then e3 when e0 = '3' then e2 else coalesce(e4, '{{}}') end
        as payload,
    case when e0 in ('4', '5') then e2 ->> '$' end as error_code,
    case when e0 in ('4', '5') then e3 ->> '$' end as error_description
"""


#: The columns :func:`envelope_columns` gives, ``reason`` first.
ENVELOPE_NAMES = (
    "reason",
    "message_type",
    "unique_id",
    "frame_action",
    "payload",
    "error_code",
    "error_description",
)


#: JSONPaths of a frame's first five elements.
FIRST_FIVE = "['$[0]', '$[1]', '$[2]', '$[3]', '$[4]']"


def elements(j: str) -> str:
    """SQL naming the first five elements of the list ``j`` as ``e0``..``e4``."""
    return ", ".join(f"{j}[{i + 1}] as e{i}" for i in range(5))


#: The connector id a call's payload names (see :func:`payload_connector`), by the splits.
CALL_CONNECTOR = "call_connector"

# A payload's connector: 2.x ``evse.id``, else ``evseId``, else 1.6 ``connectorId``. The
# compiled split reads these patterns byte for byte as the regex engine does.
_EVSE_ID = r'"evse"\s*:\s*\{[^{}]*?"id"\s*:\s*(\d+)'
_EVSE_ID_FLAT = r'"evseId"\s*:\s*(\d+)'
_CONNECTOR_ID = r'"connectorId"\s*:\s*(\d+)'


def payload_connector(payload: pl.Expr) -> pl.Expr:
    """The connector id a payload names (null if none, or too large), read as text."""
    return pl.coalesce(
        payload.str.extract(_EVSE_ID, 1),
        payload.str.extract(_EVSE_ID_FLAT, 1),
        payload.str.extract(_CONNECTOR_ID, 1),
    ).cast(pl.Int32, strict=False)


#: The text columns the compiled split gives, in its order.
VIEW_COLUMNS = ("unique_id", "frame_action", "payload", "error_code", "error_description")


def compiled_split(frames: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """The envelope columns of each frame the compiled split takes (views into the frame
    texts), and the rows it leaves to SQL (message type 0). Two threads split half each."""
    return _compiled(frames, VIEW_COLUMNS, payloads=False)


def compiled_payloads(payloads: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """Payloads given apart from their frames, checked and made compact by the compiled split
    (a null one is ``{}``), with the connector each names; and the rows it leaves to SQL."""
    got, left = _compiled(payloads, ("payload",), payloads=True)
    return got.drop("message_type"), left


def _compiled(
    texts: pl.Series, names: tuple[str, ...], payloads: bool
) -> tuple[pl.DataFrame, pl.Series]:
    """The compiled split's columns ``names`` of ``texts`` (frames, or payloads given apart),
    with message type (0 where a row is left to SQL) and connector id; and the rows left."""
    arr = texts.to_arrow(compat_level=pl.CompatLevel.newest())
    validity, views, *data = arr.buffers()
    n, cols, bits = len(arr), len(names), (len(arr) + 7) // 8
    types, connectors = pa.allocate_buffer(n), pa.allocate_buffer(4 * n)
    # zeroed (null) by the kernel as first touched: only the views of values are written
    out_views, out_valid, connected = (
        pa.py_buffer(mmap.mmap(-1, max(size, 1))) for size in (16 * cols * n, cols * bits, bits)
    )
    room = sum(b.size for b in data) + 16  # no payload, compacted, is longer than its text
    mid = n // 2 & ~7  # the threads write whole bytes of the validity bitmaps
    halves = [(0, mid), (mid, n)]
    copies = [pa.allocate_buffer(room) for _ in halves]
    with ThreadPoolExecutor(len(halves)) as pool:
        done = [
            pool.submit(
                _envelope.split,
                views,
                validity,
                arr.offset,
                data,
                start,
                stop,
                types,
                connectors,
                connected,
                out_views,
                out_valid,
                copy,
                len(data) + k,
                payloads,
            )
            for k, ((start, stop), copy) in enumerate(zip(halves, copies, strict=True))
        ]
        copied = [f.result()[1] for f in done]
    buffers = [*data, *(c.slice(0, max(used, 1)) for c, used in zip(copies, copied, strict=True))]
    columns = {
        name: pa.Array.from_buffers(
            pa.string_view(),
            n,
            [out_valid.slice(k * bits, bits), out_views.slice(16 * n * k, 16 * n), *buffers],
        )
        for k, name in enumerate(names)
    }
    message_type = pl.Series("message_type", pa.Array.from_buffers(pa.int8(), n, [None, types]))
    connector = pa.Array.from_buffers(pa.int32(), n, [connected, connectors])
    got = pl.DataFrame(
        [
            message_type,
            *(pl.Series(k, v) for k, v in columns.items()),
            pl.Series(CALL_CONNECTOR, connector),
        ]
    )
    return got, message_type.eq(0).arg_true()
