"""JSON layouts' shared decoding: documents to string columns, then records to raw frame rows.

Three readers (``exchange``, ``framerec``/``trace``, ``logindex``) share this module, so a record
means the same whatever wraps it:

* **containers** — JSON lines, a JSON array (one element per line, or pretty-printed), or one
  document holding the records under ``messages``/``trace``/``events``/``frames``/``records`` or
  an Elasticsearch ``hits.hits`` list; :func:`load` turns any of them into one string column per
  JSON key (nested values as JSON text) plus the 1-based ``line`` of each record;
* **records** — an *exchange record* (``action`` + ``request``/``response``, ChargePilot) becomes
  its CALL and its answer; a *frame record* (a time and a raw OCPP-J array under ``frame``,
  ``message``...) becomes one frame; :func:`to_frames` does both, row-wise vectorised.

Keys are matched by role, ignoring case, ``_``, ``-``, ``.`` and spaces (``chargerId``,
``charger_id`` and ``Charger ID`` are one key). JSON lines are decoded by ``polars.read_ndjson``
in one pass with every needed key typed as text; only when that fails (a broken line) are the
lines checked one by one (DuckDB ``json_valid``, then ``orjson`` for the error message).

Line numbers: JSON lines, and arrays or documents written one record per line (the usual way
exporters write them), give each record its exact line. Other documents are parsed whole and
each record gets the line where it starts when that can be told cheaply (see
:func:`element_lines`), else line 1.
"""

from __future__ import annotations

import functools
import gc
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import duckdb
import orjson
import polars as pl

from chargescope import columnar
from chargescope.duck import cursor, to_duckdb, to_polars
from chargescope.readers.base import (
    DIRECTION_WORDS,
    TO_CHARGER,
    TO_CSMS,
    ReadOptions,
    ReadResult,
    Reject,
    Source,
    direction_word,
    each_part,
    empty_frames,
    head_rows,
    in_groups,
    join_bodies,
    own_line,
    per_value,
    rejects_from,
)
from chargescope.readers.ocppj import (
    COMPILED,
    ENVELOPE_NAMES,
    FIRST_FIVE,
    elements,
    envelope_columns,
)
from chargescope.readers.tabular import newest_first, newest_first_parts
from chargescope.readers.times import parse_times

#: How many records of the head are decoded to learn a file's keys.
SAMPLE_RECORDS = 500

#: JSON keys of each role (compared through :func:`norm_key`), most preferred first.
ROLES: dict[str, tuple[str, ...]] = {
    "ts": ("timestamp", "datetime", "time", "ts", "date", "eventtime", "loggedat", "@timestamp"),
    "charger_id": (
        "chargerid",
        "chargepointid",
        "chargeboxid",
        "chargingstationid",
        "stationid",
        "cpid",
        "identity",
        "station",
        "charger",
        "chargepoint",
    ),
    "direction": ("direction", "dir", "origin", "type", "flow"),
    "frame": ("frame", "message", "msg", "data", "payload", "raw", "ocppmessage"),
    "action": ("action",),
    "request": ("request", "req"),
    "response": ("response", "resp"),
    "source": ("source",),
    "connector_id": ("connectorid", "connector"),
    "site_id": ("siteid", "site"),
    "unique_id": ("uniqueid", "messageid", "msgid", "id"),
}

#: Keys under which a document holds its records.
WRAPPERS = ("messages", "trace", "events", "frames", "records", "hits")

#: Direction words trace tools use beyond the shared table.
_MORE_DIRECTIONS = {
    "cs2csms": TO_CSMS,
    "cp2cs": TO_CSMS,
    "cp2csms": TO_CSMS,
    "fromchargepoint": TO_CSMS,
    "from_charger": TO_CSMS,
    "csms2cs": TO_CHARGER,
    "cs2cp": TO_CHARGER,
    "csms2cp": TO_CHARGER,
    "tochargepoint": TO_CHARGER,
    "from_csms": TO_CHARGER,
    "cs": TO_CSMS,
    "charger": TO_CSMS,
    "chargepoint": TO_CSMS,
    "station": TO_CSMS,
    "server": TO_CHARGER,
    "centralsystem": TO_CHARGER,
}
DIRECTIONS = {**DIRECTION_WORDS, **_MORE_DIRECTIONS}

_ZONE = r"(?:[Zz]|UTC|GMT|[+-]\d{2}:?\d{2})\]?$"
_EPOCH = r"^\d+(?:\.\d+)?$"
_ERROR_KEY = r'"(?:errorCode|error_code|ErrorCode)"\s*:'
_WRAPPER_START = re.compile(r'"(?:' + "|".join(WRAPPERS) + r')"\s*:\s*\[')
_TOP_SCALAR = re.compile(r'"([^"\\]{1,64})"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d+)')


@functools.lru_cache(maxsize=4096)
def norm_key(key: str) -> str:
    """A JSON key as compared against :data:`ROLES` (lower case, no ``_ - .`` or spaces)."""
    return re.sub(r"[\s_.\-]", "", key).lower()


_ROLE_OF: dict[str, str] = {}
for _role, _aliases in ROLES.items():
    for _alias in _aliases:
        _ROLE_OF.setdefault(_alias, _role)


@functools.lru_cache(maxsize=4096)
def role_of(key: str) -> str | None:
    """The role a JSON key plays, or None."""
    return _ROLE_OF.get(norm_key(key))


def roles_of(keys: Iterable[str]) -> dict[str, list[str]]:
    """Role -> the keys present that play it, most preferred spelling first."""
    out: dict[str, list[str]] = {}
    for key in keys:
        role = role_of(key)
        if role:
            out.setdefault(role, []).append(key)
    for role, found in out.items():
        found.sort(key=lambda k, r=role: ROLES[r].index(norm_key(k)))  # type: ignore[misc]
    return out


@functools.lru_cache(maxsize=1024)
def _key_roles(keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """:func:`roles_of` for one record's keys (records of a file mostly share their keys)."""
    return {role: tuple(found) for role, found in roles_of(keys).items()}


def record_roles(record: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Role -> the keys of ``record`` that play it (do not modify: shared between records)."""
    return _key_roles(tuple(record))


# --------------------------------------------------------------------------- record shapes


def is_exchange(record: dict[str, Any]) -> bool:
    """An exchange record: an action and a request or response object."""
    roles = record_roles(record)
    return "action" in roles and ("request" in roles or "response" in roles)


def frame_value(record: dict[str, Any]) -> Any:
    """The first value under a frame key that looks like an OCPP-J array (list or text)."""
    for key in record_roles(record).get("frame", ()):
        value = record[key]
        if isinstance(value, list) or (isinstance(value, str) and value.lstrip().startswith("[")):
            return value
    return None


def is_frame_record(record: dict[str, Any]) -> bool:
    """A frame record: a time and an OCPP-J array (as a JSON array or as text)."""
    return "ts" in record_roles(record) and frame_value(record) is not None


# --------------------------------------------------------------------------- peeking (sniff)


@dataclass
class Peek:
    """What the head of a JSON source looks like."""

    container: str  # "lines" | "array-lines" | "document" | "none"
    records: list[dict[str, Any]] = field(default_factory=list)
    top: dict[str, Any] = field(default_factory=dict)
    wrapper: str | None = None  # the key holding the records of a document


def _first_line(text: str) -> tuple[int, str]:
    """Index and text of the first non-blank line."""
    for i, line in enumerate(text.split("\n", 50)):
        if line.strip():
            return i, line.strip()
    return 0, ""


def _loads(text: str | bytes) -> Any:
    """orjson.loads, None when the text is not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _decode_run(text: str, start: int, limit: int) -> list[Any]:
    """Decode up to ``limit`` comma-separated JSON values from ``start`` (stops when cut off)."""
    dec = json.JSONDecoder()
    out: list[Any] = []
    pos, n = start, len(text)
    while len(out) < limit:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            break
        try:
            value, pos = dec.raw_decode(text, pos)
        except ValueError:
            break
        out.append(value)
    return out


def unwrap(doc: Any) -> tuple[list[Any] | None, dict[str, Any], str | None]:
    """The record list of a document, its top-level scalars, and the key that held the list."""
    if isinstance(doc, list):
        return doc, {}, None
    if not isinstance(doc, dict):
        return None, {}, None
    top = {
        k: v for k, v in doc.items() if isinstance(v, str | int | float) and not isinstance(v, bool)
    }
    for key in WRAPPERS:
        value = doc.get(key)
        if key == "hits" and isinstance(value, dict):
            value = value.get("hits")
        if isinstance(value, list):
            return value, top, key
    return None, top, None


def peek(head: str, limit: int = SAMPLE_RECORDS) -> Peek:
    """Decode the first records of ``head`` (a bounded prefix) and say how they are held."""
    head = head.lstrip("\ufeff")
    idx, first = _first_line(head)
    if not first or first[0] not in "[{":
        return Peek("none")
    value = _loads(first)
    if isinstance(value, dict):
        records, top, key = unwrap(value)
        if records is not None and key is not None:
            return Peek("document", _dicts(records)[:limit], top, key)
        return Peek("lines", _dicts([value, *_line_values(head, idx + 1, limit)])[:limit])
    if isinstance(value, list):
        return Peek("document", _dicts(value)[:limit])
    if first[0] == "[":
        as_lines = _array_line_values(head, limit)
        if as_lines:
            return Peek("array-lines", _dicts(as_lines))
        return Peek("document", _dicts(_decode_run(head, head.index("[") + 1, limit)))
    return _peek_document(head, limit)


def _peek_document(head: str, limit: int) -> Peek:
    """A pretty-printed object: find its record list and decode what the head holds of it."""
    m = _WRAPPER_START.search(head)
    if not m:
        doc = _loads(head)
        records, top, key = unwrap(doc)
        if records is not None:
            return Peek("document", _dicts(records)[:limit], top, key)
        lines = _line_values(head, 0, limit)
        return Peek("lines", _dicts(lines)) if lines else Peek("none")
    top = {k: _loads(v) for k, v in _TOP_SCALAR.findall(head[: m.start()])}
    key = m.group(0).split('"')[1]
    return Peek("document", _dicts(_decode_run(head, m.end(), limit)), top, key)


@functools.lru_cache(maxsize=4)
def sniff_peek(head: str) -> Peek:
    """:func:`peek` at 20 records of a detection head, decoded once for every JSON layout's
    sniff (shared: read it, do not change it)."""
    return peek(head, limit=20)


def _dicts(values: Iterable[Any]) -> list[dict[str, Any]]:
    """The JSON objects among ``values``."""
    return [v for v in values if isinstance(v, dict)]


def _line_values(head: str, start: int, limit: int) -> list[Any]:
    """JSON values of the complete lines after line ``start`` (the last may be cut off)."""
    rows = head_rows(head)[start:]
    together = _values_together(rows, limit)
    if together is not None:
        return together
    out: list[Any] = []
    for line in rows:
        value = _loads(line) if line.strip() else None
        if value is not None:
            out.append(value)
        if len(out) >= limit:
            break
    return out


def _values_together(rows: Sequence[str], limit: int) -> list[Any] | None:
    """The first ``limit`` non-blank ``rows`` decoded in one call, as one JSON array (a
    thousand calls cost ten times as much); None when that does not give each row's value
    on its own: some row is not one JSON value, or is null while more rows follow."""
    lines = list(itertools.islice((r for r in rows if r.strip()), limit))
    if not lines:
        return None
    try:
        values = orjson.loads("[" + ",".join(lines) + "]")
    except orjson.JSONDecodeError:
        return None
    if len(values) != len(lines) or (None in values and len(lines) == limit):
        return None
    return [v for v in values if v is not None]


_ARRAY_OPEN = re.compile(r"^\s*\[\s*(?=\{)")
_ARRAY_TAIL = re.compile(r"\}\s*(?:,|\])\s*(?:\]\s*)?$")


def _array_line_values(head: str, limit: int) -> list[Any]:
    """Elements of an array written one element per line (empty if it is not written so)."""
    out: list[Any] = []
    for line in head_rows(head):
        text = _strip_array_line(line)
        if not text:
            continue
        value = _loads(text)
        if not isinstance(value, dict):
            break
        out.append(value)
        if len(out) >= limit:
            break
    return out


def _strip_array_line(line: str) -> str:
    """One line of a one-element-per-line array without the ``[``, ``,`` or ``]`` around it."""
    text = _ARRAY_TAIL.sub("}", _ARRAY_OPEN.sub("", line)).strip()
    return "" if text in ("[", "]", "],", "") else text


# --------------------------------------------------------------------------- loading


@dataclass
class Loaded:
    """A JSON source as one text column per needed key, plus ``line`` and ``rec``."""

    rows: pl.DataFrame
    roles: dict[str, list[str]]
    top: dict[str, Any]
    rejects: list[Reject]
    records: int
    #: ``line`` is the exact line of each record (JSON lines, one-per-line arrays)
    exact_lines: bool = True


@dataclass(frozen=True)
class Split:
    """A frame key whose frames are split in the pass that decodes the records (one JSON
    parse for both), and whether it holds them as text (else as JSON arrays)."""

    key: str
    as_text: bool


@dataclass
class _Plan:
    """How a JSON source is held and which keys are read from it."""

    data: bytes  # without a byte-order mark
    peek: Peek
    keys: list[str]
    schema: dict[str, pl.DataType]
    #: the frame key split as the records are decoded (see :func:`_split_key`)
    split: Split | None = None


def _plan(source: Source, nested: str | None) -> _Plan:
    """Look at a source's head: its container and the keys its records need."""
    data = source.data.removeprefix(b"\xef\xbb\xbf")
    p = peek(data[: 1 << 20].decode("utf-8", errors="replace"))
    sample = _dicts([r.get(nested) if nested else r for r in p.records])
    keys = _needed_keys(sample)
    split = None if nested else _split_key(sample, keys)
    return _Plan(data, p, keys, _schema(keys, nested), split)


def _split_key(sample: list[dict[str, Any]], keys: list[str]) -> Split | None:
    """The frame key to split as the records are decoded, where the compiled split is not
    built: in a file of frame records, the only frame key, holding an array in every sampled
    record that has it, or text in every one."""
    frames = [k for k in keys if role_of(k) == "frame"]
    if COMPILED or len(frames) != 1 or any(is_exchange(r) for r in sample):
        return None  # the compiled split takes frames once decoded, faster than SQL in it
    held = [r[frames[0]] for r in sample if frames[0] in r]
    for kind, as_text in ((list, False), (str, True)):
        if held and all(isinstance(v, kind) for v in held):
            return Split(frames[0], as_text)
    return None


def load(source: Source, nested: str | None = None) -> Loaded:
    """Decode a JSON-lines, JSON-array or wrapped-document source into text columns.

    ``nested`` names an object each record wraps its fields in (Elasticsearch's ``_source``).
    """
    plan = _plan(source, nested)
    data, p, keys, schema = plan.data, plan.peek, plan.keys, plan.schema
    exact = True
    if p.container == "document":
        got = _document_lines(data, source.name, schema, p, plan.split)
        if got is None:
            got, exact = _load_document(data, source.name, schema, p), False
    elif p.container == "array-lines":
        got = _load_lines(_array_lines(data), source.name, schema, plan.split)
    else:
        got = _load_lines(split_lines(data), source.name, schema, plan.split)
    rows, rejects, records = got
    if nested:
        rows, more = _unnest(rows, nested, source.name)
        rejects += more
    rows = rows.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("rec"))
    return Loaded(rows, roles_of(keys), p.top, rejects, records, exact)


#: Roles a record shape may carry only further down a file, by their usual key.
_LATE_KEYS = {
    "exchange": {
        "request": "request",
        "response": "response",
        "source": "source",
        "connector_id": "connector_id",
        "site_id": "site_id",
        "unique_id": "unique_id",
    },
    "frame": {"charger_id": "charger_id", "direction": "direction"},
}


def _needed_keys(sample: list[dict[str, Any]]) -> list[str]:
    """Every key of the sampled records that plays a role, in first-seen order.

    Roles the sample's record shapes may carry but the sample lacks (a file whose first
    records are all unanswered may omit ``response``) are added under their usual key.
    """
    shapes_of = {tuple(r): r for r in sample}  # a record's keys tell all but its frame's type
    seen: dict[str, None] = {}
    for keys in shapes_of:
        for key in keys:
            if key not in seen and role_of(key):
                seen[key] = None
    roles = roles_of(seen)
    shapes = {"exchange"} if any(is_exchange(r) for r in shapes_of.values()) else set()
    if any(is_frame_record(r) for r in sample):
        shapes.add("frame")
    for shape in sorted(shapes):
        for role, key in _LATE_KEYS[shape].items():
            if role not in roles:
                seen.setdefault(key, None)
    return list(seen)


def _schema(keys: list[str], nested: str | None) -> dict[str, pl.DataType]:
    """Read every needed key as text (nested values come back as JSON text)."""
    fields: dict[str, pl.DataType] = {k: pl.String() for k in keys} or {"__none": pl.String()}
    if nested:
        return {"_id": pl.String(), nested: pl.Struct(fields)}
    return fields


def _unnest(rows: pl.DataFrame, nested: str, file: str) -> tuple[pl.DataFrame, list[Reject]]:
    """Lift the fields of ``nested`` to columns; records without it become rejects."""
    bad = rows.filter(pl.col(nested).is_null())
    raws = [orjson.dumps({"_id": i}).decode() for i in bad["_id"].to_list()]
    rejects = rejects_from(file, bad["line"].to_list(), raws, f"record has no {nested} object")
    good = rows.filter(pl.col(nested).is_not_null())
    inner = good[nested].struct.unnest()
    return pl.concat(
        [good.drop(nested), inner.drop(good.columns, strict=False)], how="horizontal"
    ), rejects


def _read_ndjson(data: bytes, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """polars.read_ndjson with every key typed (raises PolarsError on any bad line)."""
    if not data or data.isspace():
        return pl.DataFrame(schema=schema)
    return pl.read_ndjson(io.BytesIO(data), schema=schema)


def _json_path(*keys: str) -> str | None:
    """The JSONPath of nested ``keys`` (None for a key DuckDB's path syntax cannot quote)."""
    if any('"' in k or "\\" in k or "'" in k for k in keys):
        return None
    return "$" + "".join(f'."{k}"' for k in keys)


#: Roles whose values are OCPP payloads: read as JSON, so that an object comes back as the
#: compact text DuckDB writes (already checked and canonical) and is flagged so.
_PAYLOAD_ROLES = ("request", "response")
#: Suffix of the column flagging a payload key whose value is a JSON object or array.
OBJ = "__obj"


def _field_name(key: str, sub: str | None) -> str:
    """The field a value lands in (a nested one's own name)."""
    return key if sub is None else sub


#: Infix of the envelope columns of a frame key split as it is decoded (``message__env_payload``).
ENV = "__env_"
#: The envelope columns a split frame key comes with (named ``<key>__env_<column>``).
_ENV_COLUMNS = tuple(c for c in ENVELOPE_NAMES if c != "reason")
#: Suffix of a split frame key's message type: set wherever its frame split cleanly.
_CLEAN = ENV + _ENV_COLUMNS[0]


def _extract_sql(
    fields: list[tuple[str, str | None]], paths: list[str | None], split: Split | None = None
) -> str:
    """One DuckDB pass reading every field as text (``c0``, ``c1``, ...). Payload fields are
    read as JSON: a string is unquoted, and ``o<i>`` says whether the value is an object or
    array (DuckDB's compact writing of it). The ``split`` field is split into the envelope
    columns (``s<i>_<column>``) in the same pass (an array read as its elements, text parsed
    in place); its text is kept only where it does not split cleanly (not a frame, a null
    element, a malformed frame), for the envelope split to reject or repair as any frame."""
    payload = [role_of(_field_name(k, f)) in _PAYLOAD_ROLES for k, f in fields]
    splits = [split is not None and (k, f) == (split.key, None) for k, f in fields]
    if not any(payload) and not any(splits):
        quoted = ", ".join(f"'{p}'" for p in paths)
        flat = ", ".join(f"v[{i + 1}] as c{i}" for i in range(len(fields)))
        return f"select {flat} from (select json_extract_string(text, [{quoted}]) as v from lines)"
    # json_transform reads each field with its own type in the one parse
    shape: dict[str, Any] = {}
    cols: list[str] = []
    out: list[str] = []
    as_text = split is not None and split.as_text
    # the split frame's text: read as a field, or (an array) the record parsed again for it,
    # only where it is needed
    frame = "frame"
    if split is not None and not as_text:
        frame = f"json_extract_string(text, '{paths[splits.index(True)]}')"
    for i, ((key, sub), is_payload, is_split) in enumerate(
        zip(fields, payload, splits, strict=True)
    ):
        kind: Any = "JSON" if is_payload else "VARCHAR"
        if is_split and not as_text:
            kind = ["JSON"]
        if sub is None:
            shape[key] = kind
        else:
            shape.setdefault(key, {})[sub] = kind
        x = f's."{key}"' if sub is None else f's."{key}"."{sub}"'
        if is_split:
            out += _split_out(i, x, frame, as_text, cols)
        elif is_payload:
            cols.append(
                f"case when starts_with({x}, '\"') then {x} ->> '$' else {x}::varchar end as c{i}"
            )
            cols.append(f"starts_with({x}, '{{') or starts_with({x}, '[') as o{i}")
            out += [f"c{i}", f"o{i}"]
        else:
            cols.append(f"{x} as c{i}")
            out.append(f"c{i}")
    structure = json.dumps(shape, separators=(",", ":"))
    decoded = (
        f"select {', '.join(cols)}, text"
        f" from (select text, json_transform(text, '{structure}') as s from lines)"
    )
    if split is None:
        return f"select {', '.join(out)} from ({decoded})"
    # text is parsed in place (``try``: text that is not JSON fails); an array is read already
    parsed = "select *" + (f", try(json_extract(frame, {FIRST_FIVE})) as j" if as_text else "")
    return f"""
with q as ({decoded}),
r as (select *, {elements("j")} from ({parsed} from q)),
e as (select *, {envelope_columns(frame)} from r)
select {", ".join(out)} from e
"""


def _split_out(i: int, x: str, frame: str, as_text: bool, cols: list[str]) -> list[str]:
    """For the split field ``i`` (``x`` in the decoded struct; ``frame``: SQL for its text):
    adds what the decoding pass reads of it to ``cols`` and gives the output columns (the
    text where it does not split cleanly, the envelope columns where it does)."""
    if as_text:
        cols.append(f"{x} as frame")
        clean = "j is not null and reason is null"
    else:
        cols.append(f"{x} as j")
        # a JSON null element comes back as NULL: such a frame is left to the text split
        clean = "j is not null and reason is null and list_count(j) = len(j)"
    return [f"case when not ({clean}) then {frame} end as c{i}"] + [
        f"case when {clean} then {c} end as s{i}_{c}" for c in _ENV_COLUMNS
    ]


def _split_names(cols: pl.DataFrame) -> list[str]:
    """The message-type columns of split frame fields (set wherever a frame split)."""
    return [c for c in cols.columns if c.startswith("s") and c.endswith("_" + _ENV_COLUMNS[0])]


def _duck_rows(
    lines: pl.DataFrame, schema: dict[str, pl.DataType], split: Split | None = None
) -> pl.DataFrame | None:
    """Every line read with ``schema`` in one DuckDB pass (as text, nested values as JSON text,
    like ``_read_ndjson``); None when some line is not a JSON object of that shape. A payload
    key ``k`` (request, response) comes with ``k__obj``: whether its value is a JSON object or
    array, whose text is then compact and checked. The ``split`` key comes with its envelope
    columns (``<key>__env_<column>``) where its frame splits cleanly, its text elsewhere.

    Rows whose fields (or a nested object's fields) all come back empty are checked again:
    a line that is not an object, or a nested key holding something else, reads so too.
    """
    # one (column, nested field or None) per extracted value
    fields: list[tuple[str, str | None]] = []
    for key, dtype in schema.items():
        subs: list[str | None] = (
            [f.name for f in dtype.fields] if isinstance(dtype, pl.Struct) else [None]
        )
        fields += [(key, sub) for sub in subs]
    paths = [_json_path(k) if f is None else _json_path(k, f) for k, f in fields]
    structs = {k: _json_path(k) for k, d in schema.items() if isinstance(d, pl.Struct)}
    if not lines.height or None in paths or None in structs.values():
        return None
    names = [f"c{i}" for i in range(len(fields))]
    try:
        with cursor() as con:
            con.register("lines", to_duckdb(lines.select("text")))
            got = con.sql(_extract_sql(fields, paths, split)).to_arrow_table()
    except (
        duckdb.Error,
        UnicodeDecodeError,
    ):  # a line that is not JSON (its message may not decode)
        return None
    cols = to_polars(got)
    empty = pl.all_horizontal(pl.col(c).is_null() for c in names + _split_names(cols))
    for key in structs:
        empty = empty | pl.all_horizontal(
            pl.col(c).is_null() for c, (k, _) in zip(names, fields, strict=True) if k == key
        )
    suspect = cols.select(empty.alias("e"))["e"].arg_true()
    objects = _objects(lines["text"].gather(suspect), list(structs.values()))
    if objects is None:
        return None

    def values(i: int, name: str) -> list[pl.Series]:
        """Field ``i`` as column ``name``, with its object flag or envelope columns if any."""
        got = [cols[names[i]].alias(name)]
        if f"o{i}" in cols.columns:
            got.append(cols[f"o{i}"].alias(name + OBJ))
        if f"s{i}_{_ENV_COLUMNS[0]}" in cols.columns:
            got += [cols[f"s{i}_{c}"].alias(name + ENV + c) for c in _ENV_COLUMNS]
        return got

    out: list[pl.Series] = []
    for key in schema:
        if key not in structs:
            out += values(fields.index((key, None)), key)
            continue
        inner = pl.DataFrame(
            [v for i, (k, f) in enumerate(fields) if k == key for v in values(i, str(f))]
        ).to_struct()
        there = pl.repeat(True, lines.height, eager=True).scatter(suspect, objects[structs[key]])
        out.append(pl.select(pl.when(there).then(inner)).to_series().alias(key))
    return pl.DataFrame(out)


def kinds_sql(paths: list[str | None]) -> str:
    """The JSON type of table ``t``'s ``text`` and of each of ``paths`` in it, row for row."""
    kinds = "".join(f", json_type(text, '{p}') as k{i}" for i, p in enumerate(paths))
    return f"select json_type(text) as kind{kinds} from t"


def _objects(texts: pl.Series, paths: list[str | None]) -> dict[str | None, pl.Series] | None:
    """For a few lines: whether each nested key holds an object (None when a line is not an
    object, or a nested key holds anything but an object or null)."""
    if not texts.len():
        return {p: pl.Series([], dtype=pl.Boolean) for p in paths}
    with cursor() as con:
        con.register("t", to_duckdb(pl.DataFrame({"text": texts})))
        got = con.sql(kinds_sql(paths)).pl()
    if not (got["kind"] == "OBJECT").all():
        return None
    out: dict[str | None, pl.Series] = {}
    for i, p in enumerate(paths):
        kind = got[f"k{i}"]
        if not (kind.is_null() | kind.is_in(["OBJECT", "NULL"])).all():
            return None
        out[p] = (kind == "OBJECT").fill_null(False)
    return out


def split_lines(data: bytes) -> pl.DataFrame:
    """Non-blank lines of ``data`` with their 1-based ``line`` numbers (CR dropped)."""
    empty = pl.DataFrame(schema={"text": pl.String(), "line": pl.Int64()})
    if not data or data.isspace():
        return empty
    if b"\x1f" in data:  # the split's separator: never valid inside a JSON or frame line
        data = data.replace(b"\x1f", b"\x1e")
    try:
        text = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            separator="\x1f",
            quote_char=None,
            new_columns=["text"],
            infer_schema=False,
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
            columns=[0],
        )
    except pl.exceptions.NoDataError:  # nothing but a byte-order mark
        return empty
    text = text.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("line"))
    blank = columnar.column(text, pl.col("text").str.contains(r"^\s*$").fill_null(True))
    return text.filter(~blank) if blank.any() else text


def _array_lines(data: bytes) -> pl.DataFrame:
    """Lines of a one-element-per-line JSON array, without the array's brackets and commas."""
    lines = split_lines(data).with_columns(
        pl.col("text")
        .str.replace(r"^\s*\[\s*(\{)", "$1")
        .str.replace(r"\}\s*(?:,|\])\s*(?:\]\s*)?$", "}")
        .str.strip_chars()
    )
    return lines.filter(~pl.col("text").is_in(["[", "]", "],", ""]))


_VALID_SQL = """
select line, case when json_valid(text) then json_type(text) end as kind from lines
"""


def _load_lines(
    lines: pl.DataFrame, file: str, schema: dict[str, pl.DataType], split: Split | None = None
) -> tuple[pl.DataFrame, list[Reject], int]:
    """Decode the lines (``split``: see :func:`_duck_rows`); when some are broken, check each
    (DuckDB) and reject those (orjson)."""
    rows = _duck_rows(lines, schema, split)
    if rows is not None:
        return rows.with_columns(lines["line"]), [], lines.height
    with cursor() as con:
        con.register("lines", to_duckdb(lines))
        kinds = pl.from_arrow(con.sql(_VALID_SQL).to_arrow_table())
    assert isinstance(kinds, pl.DataFrame)
    lines = lines.join(kinds, on="line", how="left", maintain_order="left")
    bad = lines.filter(pl.col("kind").fill_null("") != "OBJECT")
    rejects = [
        Reject(file, n, t[:2000], _json_reason(t))
        for n, t in bad.select("line", "text").iter_rows()
    ]
    good = lines.filter(pl.col("kind") == "OBJECT")
    try:
        rows = _read_ndjson(good["text"].str.join("\n")[0].encode(), schema)
    except pl.exceptions.PolarsError:  # DuckDB accepted what polars does not: line by line
        good, more = _reencode(good, file, schema)
        rejects += more
        rows = _read_ndjson(b"\n".join(good["text"].to_list()), schema)
    return rows.with_columns(good["line"]), sorted(rejects, key=lambda r: r.line), lines.height


def _misfit(record: Any, schema: dict[str, pl.DataType]) -> str | None:
    """Why ``record`` cannot be read with ``schema`` (an object field that is not one), or None."""
    if not isinstance(record, dict):
        return "record is not a JSON object"
    for key, dtype in schema.items():
        if isinstance(dtype, pl.Struct) and not isinstance(record.get(key), dict | None):
            return f"{key} is not a JSON object"
    return None


def _reencode(
    good: pl.DataFrame, file: str, schema: dict[str, pl.DataType]
) -> tuple[pl.DataFrame, list[Reject]]:
    """Lines re-encoded by orjson (as bytes); those it refuses or that misfit become rejects."""
    keep: list[tuple[int, bytes]] = []
    rejects: list[Reject] = []
    for n, text in good.select("line", "text").iter_rows():
        try:
            record = orjson.loads(text)
            why = _misfit(record, schema)
            if why is None:
                keep.append((n, orjson.dumps(record)))
            else:
                rejects.append(Reject(file, n, text[:2000], why))
        except (orjson.JSONDecodeError, orjson.JSONEncodeError) as exc:
            rejects.append(Reject(file, n, text[:2000], f"not valid JSON: {exc}"))
    frame = pl.DataFrame(keep, schema={"line": pl.Int64, "text": pl.Binary}, orient="row")
    return frame, rejects


def _json_reason(text: str) -> str:
    """Why a line is not a JSON object."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return f"not valid JSON: {exc}"
    kind = {list: "an array", str: "a string", type(None): "null"}.get(type(value), "a scalar")
    return f"not a JSON object ({kind})"


def _document_lines(
    data: bytes, file: str, schema: dict[str, pl.DataType], p: Peek, split: Split | None = None
) -> tuple[pl.DataFrame, list[Reject], int] | None:
    """A document written one record per line, read as JSON lines (None if it is not so written).

    Every line holding one whole object (and maybe a comma) is replaced by ``0``; when what
    remains (the document's skeleton) is valid JSON whose record list is exactly those zeros,
    the lines are the records.
    """
    lines = _marked(split_lines(data))
    if lines["blank_end"].any():  # rare: trailing blanks
        lines = _marked(lines.select("line", pl.col("text").str.strip_chars_end()))
    records = lines.filter("is_record")
    if records.height < 2 or records.height == lines.height:
        return None
    try:
        doc = orjson.loads(_skeleton(lines))
    except orjson.JSONDecodeError:
        return None
    found, top, _ = unwrap(doc)
    if found is None or len(found) != records.height or found.count(0) != len(found):
        return None
    p.top.update(top)
    # dropping the comma by shortening each string keeps its bytes where they are (no copy)
    text = pl.col("text")
    uncomma = pl.when(pl.col("comma")).then(text.str.head(-1)).otherwise(text)
    records = columnar.select(records, "line", uncomma.alias("text"))
    return _load_lines(records, file, schema, split)


def _marked(lines: pl.DataFrame) -> pl.DataFrame:
    """``lines`` with whether each ends with a comma, holds one whole object (maybe followed by
    a comma) and ends with a blank, in one pass over every core. Leading blanks stay: DuckDB
    reads JSON with them, and copying 100s of MB costs more. The ends are read from each
    line's last two characters (short enough to sit in their views: one read of each line's
    end instead of four)."""
    text = pl.col("text")
    tail = text.str.tail(2)
    opens = text.str.contains(r"^\s*\{")
    return columnar.with_columns(
        lines,
        tail.str.ends_with(",").alias("comma"),
        (opens & (tail.str.ends_with("}") | (tail == "},"))).alias("is_record"),
        (tail.str.ends_with(" ") | tail.str.ends_with("\t")).alias("blank_end"),
    )


def _skeleton(lines: pl.DataFrame) -> str:
    """The document with every record line as ``0`` (``0,`` when a comma ends it), built from
    the few lines that are not records: the records between two of them are all ``0,`` but
    perhaps the last, which is marked too."""
    marked = lines.with_row_index("i").filter(~pl.col("is_record") | ~pl.col("comma"))
    parts: list[str] = []
    start = 0
    for i, is_record, text in marked.select("i", "is_record", "text").iter_rows():
        parts += ["0,\n" * (i - start), "0" if is_record else text, "\n"]
        start = i + 1
    parts.append("0,\n" * (lines.height - start))
    return "".join(parts)


def _load_document(
    data: bytes, file: str, schema: dict[str, pl.DataType], p: Peek
) -> tuple[pl.DataFrame, list[Reject], int]:
    """A whole document: its record list, each record at the line where it starts."""
    try:
        with _gc_paused():
            doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if p.records and not p.wrapper and data.lstrip()[:1] == b"{":
            return _load_lines(split_lines(data), file, schema)  # JSON lines, first line broken
        line = _error_line(data, str(exc))
        raw = data[:2000].decode("utf-8", errors="replace")
        return _empty(schema), [Reject(file, line, raw, f"not a valid JSON document: {exc}")], 1
    records, top, _ = unwrap(doc)
    p.top.update(top)
    if records is None:
        raw = data[:2000].decode("utf-8", errors="replace")
        return _empty(schema), [Reject(file, 1, raw, "JSON document holds no record list")], 1
    starts = element_lines(data, len(records))
    why = [_misfit(r, schema) for r in records]
    good = [i for i, w in enumerate(why) if w is None]
    rejects = [
        Reject(file, starts[i], orjson.dumps(records[i]).decode()[:2000], w)
        for i, w in enumerate(why)
        if w is not None
    ]
    with _gc_paused():
        body = b"\n".join([orjson.dumps(records[i]) for i in good])
    rows = _read_ndjson(body, schema) if good else _empty(schema)
    return (
        rows.with_columns(pl.Series("line", [starts[i] for i in good], pl.Int64)),
        rejects,
        len(records),
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while millions of decoded objects are built (it rescans them all)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """No records, with the expected columns."""
    return pl.DataFrame(schema={**schema, "line": pl.Int64()})


def _error_line(data: bytes, message: str) -> int:
    """The line orjson's message points at (``line N column M``), else 1."""
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


def element_lines(data: bytes, n: int) -> list[int]:
    """Line where each of the ``n`` records of a document starts.

    Pretty-printed and one-per-line documents start every record on its own line at one
    indentation: when exactly ``n`` lines open an object at some indentation, those are the
    records' lines. Otherwise (a document on one line, or records mixed with other objects at
    that indentation) every record is given line 1: exact lines cannot be told cheaply.
    """
    lines = split_lines(data)
    opens = lines.with_columns(
        pl.col("text").str.extract(r"^(\s*)(?:\[\s*)?\{", 1).str.len_chars().alias("indent")
    ).filter(pl.col("indent").is_not_null())
    counts = opens.group_by("indent").len().filter(pl.col("len") == n).sort("indent")
    if n == 0 or counts.height == 0:
        return [1] * n
    indent = counts["indent"][0]
    return opens.filter(pl.col("indent") == indent)["line"].to_list()


# --------------------------------------------------------------------------- records to frames


@dataclass
class Converted:
    """Raw frame rows of a set of records, with rejects and notes."""

    frames: pl.DataFrame
    rejects: list[Reject]
    notes: list[str]


def _first(loaded: Loaded, role: str) -> pl.Expr:
    """The first non-null value among the keys playing ``role`` (null when none is present)."""
    keys = [k for k in loaded.roles.get(role, []) if k in loaded.rows.columns]
    if not keys:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce([pl.col(k) for k in keys])


def _is_object(loaded: Loaded, role: str) -> pl.Expr:
    """Whether the value :func:`_first` takes for ``role`` is a JSON object or array read as
    JSON (its text compact and checked); false when the layout's reading cannot tell."""
    keys = [k for k in loaded.roles.get(role, []) if k + OBJ in loaded.rows.columns]
    if not keys:
        return pl.lit(False)
    return pl.coalesce(
        [pl.when(pl.col(k).is_not_null()).then(pl.col(k + OBJ)) for k in keys] + [pl.lit(False)]
    )


def _direction(loaded: Loaded, *roles: str) -> pl.Expr:
    """The first of the ``roles`` keys whose value is a known direction word (each distinct
    value looked up once)."""
    exprs = [
        per_value(k, lambda e: direction_word(e, DIRECTIONS), loaded.rows)
        for role in roles
        for k in loaded.roles.get(role, [])
        if k in loaded.rows.columns
    ]
    return pl.coalesce(exprs) if exprs else pl.lit(None, dtype=pl.String)


def _frame_text(loaded: Loaded) -> pl.Expr:
    """The first frame key holding an OCPP-J array (as text; a broken one is rejected later)."""
    keys = [k for k in loaded.roles.get("frame", []) if k in loaded.rows.columns]
    if not keys:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce([pl.when(pl.col(k).str.starts_with("[")).then(pl.col(k)) for k in keys])


def _split_key_of(loaded: Loaded) -> str | None:
    """The frame key that came split into envelope columns, if any."""
    keys = loaded.roles.get("frame", [])
    return next((k for k in keys if k + _CLEAN in loaded.rows.columns), None)


def _split_clean(loaded: Loaded) -> pl.Expr:
    """Whether a record's frame came split into envelope columns."""
    key = _split_key_of(loaded)
    if key is None:
        return pl.lit(False)
    return pl.col(key + _CLEAN).is_not_null()


def _envelope(loaded: Loaded) -> list[pl.Expr]:
    """The envelope columns of frames split as they were decoded (null for the others, whose
    text is split later); their payloads are compact JSON already."""
    key = _split_key_of(loaded)
    if key is None:
        return []
    col = {c: pl.col(key + ENV + c) for c in _ENV_COLUMNS}
    return [
        col["message_type"].alias("message_type"),
        col["unique_id"].alias("unique_id"),
        col["frame_action"].alias("action"),
        col["payload"].alias("payload"),
        col["error_code"].alias("error_code"),
        col["error_description"].alias("error_description"),
        _split_clean(loaded).alias("canonical"),
    ]


def charger_default(loaded: Loaded, source: Source) -> tuple[str, str | None]:
    """A document's top-level charger id, else the file stem (with a note saying so)."""
    for key, value in loaded.top.items():
        if role_of(key) == "charger_id" and value is not None:
            return str(value), None
    stem = file_stem(source)
    return stem, f"records without a charger id: charger id taken from the file name ({stem})"


def to_frames(loaded: Loaded, source: Source, tz: str | None) -> Converted:
    """Exchange records and frame records to raw frame rows, in the file's time order."""
    return to_frames_of(loaded, [source], tz)[0]


def _by_part(n: int) -> list[list[Any]]:
    """One empty list per source."""
    return [[] for _ in range(n)]


def _part_keys(df: pl.DataFrame, *cols: str) -> list[str]:
    """``cols``, after ``part`` when ``df`` holds the records of several sources."""
    return ["part", *cols] if "part" in df.columns else list(cols)


def to_frames_of(loaded: Loaded, sources: list[Source], tz: str | None) -> list[Converted]:
    """:func:`to_frames` of each source, from their records read as one: ``part`` (the
    source's index; absent for one source) and ``rec``/``line`` (numbered in each source)
    tell them apart. Each source's rows, rejects and notes come back as if read alone."""
    n = len(sources)
    if not loaded.rows.height:
        return [Converted(empty_frames(), [], []) for _ in sources]
    ex_mask = _first(loaded, "action").is_not_null() & (
        _first(loaded, "request").is_not_null() | _first(loaded, "response").is_not_null()
    )
    fr_mask = ~ex_mask & (_frame_text(loaded).is_not_null() | _split_clean(loaded))
    rows = loaded.rows.with_columns(ex_mask.alias("__ex"), fr_mask.alias("__fr"))
    other = rows.filter(~pl.col("__ex") & ~pl.col("__fr"))
    reason = "record is neither an exchange (action + request/response) nor a frame record"
    rejects = _rejects_of(sources, other, loaded, reason)
    rows, more, notes = _timed(
        _sub(loaded, rows.filter(pl.col("__ex") | pl.col("__fr"))), sources, tz
    )
    flags = rows.select(pl.col("__ex").alias("ex"), pl.col("__fr").alias("fr"))
    rows = rows.drop("__ex", "__fr")
    parts = []
    if flags["ex"].any():
        parts.append(_exchange_frames(_sub(loaded, rows.filter(flags["ex"]))))
    if flags["fr"].any():
        part, charger_notes = _frame_records(_sub(loaded, rows.filter(flags["fr"])), sources)
        parts.append(part)
        notes = [a + b for a, b in zip(notes, charger_notes, strict=True)]
    if not parts:
        frames = empty_frames()
        order_notes: list[list[str]] = _by_part(n)
    else:
        frames = (
            parts[0]
            if len(parts) == 1
            else pl.concat(parts, how="diagonal_relaxed").sort(
                _part_keys(rows, "rec"), maintain_order=True
            )
        )
        frames, order_notes = _order(frames, n)
    mine = _split_parts(frames, n)
    return [
        Converted(
            mine[k], sorted(rejects[k] + more[k], key=lambda r: r.line), notes[k] + order_notes[k]
        )
        for k in range(n)
    ]


def _split_parts(frames: pl.DataFrame, n: int) -> list[pl.DataFrame]:
    """Each source's rows (without ``part``; a source without any gets no columns either,
    as when read alone)."""
    if "part" not in frames.columns:
        return [frames] if n == 1 else [empty_frames() for _ in range(n)]
    return each_part(frames, "part", n, empty_frames())


def _rejects_of(
    sources: list[Source], rows: pl.DataFrame, loaded: Loaded, reason: str
) -> list[list[Reject]]:
    """:func:`_rejects` of each source's ``rows``."""
    if "part" not in rows.columns:
        return [_rejects(sources[0], rows, loaded, reason)]
    out = _by_part(len(sources))
    if rows.height:
        for (k,), mine in rows.partition_by("part", as_dict=True).items():
            out[int(k)] = _rejects(sources[int(k)], mine, loaded, reason)
    return out


def _timed(
    loaded: Loaded, sources: list[Source], tz: str | None
) -> tuple[pl.DataFrame, list[list[Reject]], list[list[str]]]:
    """Records with their parsed time in ``ts``; those without a readable one become rejects
    (each source's), and each source's note on zone-less times."""
    text = loaded.rows.with_columns(_first(loaded, "ts").alias("__t"))["__t"]  # parse_times trims
    rows = loaded.rows.with_columns(parse_times(text, tz).alias("ts"))
    bad = rows.filter(pl.col("ts").is_null())
    rejects = _rejects_of(sources, bad, loaded, "no readable timestamp")
    good = rows.filter(pl.col("ts").is_not_null())
    if "part" not in rows.columns:
        return good, rejects, [zone_note(text, tz)]
    notes = _by_part(len(sources))
    if tz is None:
        flagged = pl.DataFrame({"part": rows["part"], "zl": _zoneless(text)}).filter("zl")
        for k in flagged["part"].unique().to_list():
            notes[k] = [_ZONE_NOTE]
    return good, rejects, notes


_ZONE_NOTE = "times without a zone read as UTC"


def _zoneless(text: pl.Series) -> pl.Series:
    """Per value: a time that states no zone (values ending in the usual ``Z`` are passed
    over before the patterns are tried on the rest)."""
    zoneless = text.is_not_null() & ~text.str.ends_with("Z")
    rest = zoneless.arg_true()
    if not rest.len():
        return zoneless
    trimmed = text.gather(rest).str.strip_chars()
    stated = trimmed.str.contains(_ZONE) | trimmed.str.contains(_EPOCH)
    return zoneless.scatter(rest, ~stated)


def zone_note(text: pl.Series, tz: str | None) -> list[str]:
    """The note for times read as UTC for want of a zone (none when ``--tz`` was given)."""
    return [_ZONE_NOTE] if tz is None and _zoneless(text).any() else []


def file_stem(source: Source) -> str:
    """The file name without folders and extensions (``logs/CP-7.jsonl.gz`` -> ``CP-7``)."""
    return PurePath(source.name.split("!")[-1]).name.split(".")[0]


def _sub(loaded: Loaded, rows: pl.DataFrame) -> Loaded:
    """``loaded`` restricted to ``rows``."""
    return Loaded(rows, loaded.roles, loaded.top, [], rows.height, loaded.exact_lines)


def _rejects(source: Source, rows: pl.DataFrame, loaded: Loaded, reason: str) -> list[Reject]:
    """Rejects for ``rows``, each with its record's text."""
    if not rows.height:
        return []
    raws = record_texts(source, rows, loaded)
    return rejects_from(source.name, rows["line"].to_list(), raws, reason)


def record_texts(source: Source, rows: pl.DataFrame, loaded: Loaded) -> list[str]:
    """The input text of each row's record: its line, or its fields re-encoded."""
    if loaded.exact_lines:
        lines = source.data.split(b"\n")
        return [
            lines[n - 1].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
            for n in rows["line"].to_list()
        ]
    skip = ("line", "rec", "_id", "part")
    cols = [
        c
        for c in loaded.rows.columns
        if c in rows.columns and c not in skip and not c.endswith(OBJ) and ENV not in c
    ]
    if not cols:
        return [""] * rows.height
    return rows.select(pl.struct(cols).struct.json_encode())[:, 0].to_list()


def _lines_unique(rows: pl.DataFrame) -> bool:
    """Whether no two records share a line (in any one source)."""
    if "part" not in rows.columns:
        return bool(rows["line"].is_unique().all())
    return bool(rows.select(pl.struct("part", "line").is_unique().all()).item())


def _exchange_frames(loaded: Loaded) -> pl.DataFrame:
    """Each exchange record as its CALL and, when answered, its CALLRESULT or CALLERROR.

    The record's rows are exploded in place (call, then answer), so file order needs no sort;
    an error's columns are read from the record before (no join after).
    """
    rows = loaded.rows
    synthetic = (
        pl.col("line").cast(pl.String)
        if _lines_unique(rows)
        else pl.format("{}.{}", pl.col("line"), pl.col("rec") + 1)
    )
    response = _first(loaded, "response")
    answered = response.is_not_null() & (response != "null")
    base = rows.select(
        *_part_keys(rows, "line", "rec"),
        "ts",
        _first(loaded, "charger_id").alias("charger_id"),
        _first(loaded, "action").alias("action"),
        _first(loaded, "request").alias("request"),
        response.alias("response"),
        _direction(loaded, "source", "direction").alias("call_dir"),
        _first(loaded, "connector_id").cast(pl.Int32, strict=False).alias("connector_id"),
        _first(loaded, "site_id").alias("site_id"),
        pl.coalesce(_first(loaded, "unique_id"), synthetic).alias("unique_id"),
        _is_object(loaded, "request").alias("request_obj"),
        _is_object(loaded, "response").alias("response_obj"),
        pl.when(answered).then(pl.lit([0, 1])).otherwise(pl.lit([0])).alias("sub"),
    )
    base = _with_errors(base).explode("sub")
    is_call = pl.col("sub") == 0
    flip = pl.col("call_dir").replace_strict(
        {TO_CSMS: TO_CHARGER, TO_CHARGER: TO_CSMS}, default=None, return_dtype=pl.String
    )
    return columnar.select(
        base,
        *_part_keys(base, "line", "rec"),
        "ts",
        "charger_id",
        "action",
        "connector_id",
        "site_id",
        "unique_id",
        *(pl.when(~is_call).then(pl.col(c)).alias(c) for c in ("error_code", "error_description")),
        pl.when(is_call).then(pl.col("call_dir")).otherwise(flip).alias("direction"),
        pl.when(is_call)
        .then(pl.lit(2, pl.Int8))
        .when(pl.col("error_code").is_not_null())
        .then(pl.lit(4, pl.Int8))
        .otherwise(pl.lit(3, pl.Int8))
        .alias("message_type"),
        pl.when(is_call)
        .then(pl.col("request"))
        .when(pl.col("error_code").is_not_null())
        .then(pl.col("details"))
        .otherwise(pl.col("response"))
        .alias("payload"),
        # an error's details are cut out of the response: those are checked again
        pl.when(is_call)
        .then(pl.col("request_obj"))
        .when(pl.col("error_code").is_not_null())
        .then(pl.lit(False))
        .otherwise(pl.col("response_obj"))
        .alias("canonical"),
    )


#: The columns :func:`_with_errors` adds.
_ERROR_COLUMNS = ("error_code", "error_description", "details")


def _with_errors(base: pl.DataFrame) -> pl.DataFrame:
    """Each record with the error code, description and details of its response when that is
    an error object (null otherwise); only the few that name an error code are parsed."""
    r = pl.col("response")
    hit = base.select(r.str.contains(_ERROR_KEY).fill_null(False)).to_series().arg_true()
    none = pl.repeat(None, base.height, dtype=pl.String, eager=True)
    if not hit.len():
        return base.with_columns(none.alias(c) for c in _ERROR_COLUMNS)
    code = pl.coalesce(
        r.str.json_path_match("$.errorCode"),
        r.str.json_path_match("$.error_code"),
        r.str.json_path_match("$.ErrorCode"),
    )
    description = pl.coalesce(
        r.str.json_path_match("$.errorDescription"),
        r.str.json_path_match("$.error_description"),
        r.str.json_path_match("$.description"),
        pl.lit(""),
    )
    details = pl.coalesce(
        r.str.json_path_match("$.errorDetails"), r.str.json_path_match("$.error_details")
    )
    found = base[hit].select(
        code.alias("error_code"),
        description.alias("error_description"),
        pl.when(details.str.starts_with("{"))
        .then(details)
        .otherwise(pl.lit("{}"))
        .alias("details"),
    )
    found = found.select(pl.when(pl.col("error_code").is_not_null()).then(pl.col(_ERROR_COLUMNS)))
    return base.with_columns(none.scatter(hit, found[c]).alias(c) for c in _ERROR_COLUMNS)


def _frame_records(loaded: Loaded, sources: list[Source]) -> tuple[pl.DataFrame, list[list[str]]]:
    """Frame records as raw frame rows (the frame text as given; split later), and each
    source's note when its records lack a charger id."""
    frames = columnar.select(
        loaded.rows,
        *_part_keys(loaded.rows, "line", "rec"),
        "ts",
        _first(loaded, "charger_id").alias("charger_id"),
        _direction(loaded, "direction").alias("direction"),
        _frame_text(loaded).alias("frame"),
        *_envelope(loaded),
        _first(loaded, "connector_id").cast(pl.Int32, strict=False).alias("connector_id"),
        _first(loaded, "site_id").alias("site_id"),
    )
    notes = _by_part(len(sources))
    if not frames["charger_id"].null_count():
        return frames, notes
    if "part" not in frames.columns:
        default, note = charger_default(loaded, sources[0])
        return frames.with_columns(pl.col("charger_id").fill_null(default)), [
            [note] if note else []
        ]
    lacking = frames.filter(pl.col("charger_id").is_null())["part"].unique().to_list()
    defaults = {}
    for k in lacking:
        defaults[k], note = charger_default(loaded, sources[k])
        notes[k] = [note] if note else []
    default_of = pl.col("part").replace_strict(defaults, default=None, return_dtype=pl.String)
    return frames.with_columns(pl.col("charger_id").fill_null(default_of)), notes


_REVERSED = "records were newest first: read in reverse"


def _order(frames: pl.DataFrame, n: int) -> tuple[pl.DataFrame, list[list[str]]]:
    """Records in file order, each source's reversed when it lists newest first (call before
    answer), and each source's note saying so."""
    sub = pl.col("sub") if "sub" in frames.columns else pl.lit(0)
    if "part" not in frames.columns:
        if not newest_first(frames["ts"]):
            return frames.drop("rec", "sub", strict=False), [[]]
        flipped = frames.with_columns(sub.alias("sub")).sort(
            ["rec", "sub"], descending=[True, False], maintain_order=True
        )
        return flipped.drop("rec", "sub"), [[_REVERSED]]
    newest = newest_first_parts(frames, "part", n)
    notes = _by_part(n)
    if not newest:
        return frames.drop("rec", "sub", strict=False), notes
    for k in newest:
        notes[k] = [_REVERSED]
    rec = pl.when(pl.col("part").is_in(newest)).then(-pl.col("rec")).otherwise(pl.col("rec"))
    flipped = frames.with_columns(sub.alias("sub")).sort(
        [pl.col("part"), rec, pl.col("sub")], maintain_order=True
    )
    return flipped.drop("rec", "sub"), notes


def read_records(source: Source, options: ReadOptions, nested: str | None = None) -> ReadResult:
    """Load a JSON source and turn its records into frames: the whole ``read`` of a JSON layout."""
    return _records_result(load(source, nested), source, options)


def read_records_many(sources: list[Source], options: ReadOptions) -> list[ReadResult]:
    """:func:`read_records` of each source. JSON-lines sources whose records need the same
    keys are decoded in one pass (their lines numbered on), then handed back file by file."""
    plans = [_plan(s, None) for s in sources]

    def read(keys: tuple[str | Split | None, ...] | None, idx: list[int]) -> list[ReadResult]:
        joint = _load_lines_many([plans[i] for i in idx]) if keys and len(idx) > 1 else None
        if joint is None:
            return [_records_result(load(sources[i]), sources[i], options) for i in idx]
        loaded, counts = joint
        converted = to_frames_of(loaded, [sources[i] for i in idx], options.tz)
        return [
            ReadResult(conv.frames, rejects=conv.rejects, notes=conv.notes, lines=n)
            for conv, n in zip(converted, counts, strict=True)
        ]

    # sources read together share their keys and the frame key split as decoded
    shapes = [(*p.keys, p.split) if p.peek.container == "lines" and p.keys else None for p in plans]
    return in_groups(shapes, read)


def _load_lines_many(plans: list[_Plan]) -> tuple[Loaded, list[int]] | None:
    """JSON-lines sources with one schema decoded together (``part`` says whose a row is;
    ``line`` and ``rec`` are numbered in each source), and each one's record count; None
    when a line is broken (each source is then loaded alone, which says which lines and
    why)."""
    joined = join_bodies([p.data for p in plans])
    if joined is None:
        return None
    starts = joined.starts
    lines = split_lines(joined.data)
    rows = _duck_rows(lines, plans[0].schema, plans[0].split)
    if rows is None:
        return None
    part = joined.part_of(pl.col("line") - 1)
    rows = rows.with_columns(lines["line"]).with_columns(part.cast(pl.Int32).alias("part"))
    rows = rows.with_columns(
        own_line(pl.col("part"), starts),
        pl.int_range(pl.len(), dtype=pl.Int64).over("part").alias("rec"),
    )
    records = dict(rows.group_by("part").len().iter_rows())
    top = plans[0].peek.top  # JSON lines have no top level: empty for each
    loaded = Loaded(rows, roles_of(plans[0].keys), top, [], rows.height)
    return loaded, [records.get(k, 0) for k in range(len(plans))]


def _records_result(loaded: Loaded, source: Source, options: ReadOptions) -> ReadResult:
    """A loaded JSON source's records as frames."""
    conv = to_frames(loaded, source, options.tz)
    rejects = sorted(loaded.rejects + conv.rejects, key=lambda r: r.line)
    return ReadResult(conv.frames, rejects=rejects, notes=conv.notes, lines=loaded.records)
