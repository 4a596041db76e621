"""Validate payloads against the official OCPP JSON schemas shipped by the ``ocpp`` package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson
import polars as pl

_PKG = {"1.6": "v16", "2.0.1": "v201", "2.1": "v21"}


def _strip_multiple_of(node: Any) -> Any:
    """Drop ``multipleOf``: binary floats such as 0.3 fail ``multipleOf: 0.1`` in 1.6 schemas."""
    if isinstance(node, dict):
        return {k: _strip_multiple_of(v) for k, v in node.items() if k != "multipleOf"}
    if isinstance(node, list):
        return [_strip_multiple_of(v) for v in node]
    return node


def schema_name(version: str, action: str, is_call: bool, send: bool = False) -> str:
    """The schema file name for an action's request or response in ``version`` (``send``: an
    OCPP 2.1 SEND message, whose schema has no suffix)."""
    if version == "1.6" or send:
        return f"{action}.json" if is_call else f"{action}Response.json"
    return f"{action}{'Request' if is_call else 'Response'}.json"


@cache
def validator(version: str, action: str, is_call: bool, send: bool = False) -> Any | None:
    """A compiled validator, or None when the version has no schema for the action."""
    pkg = _PKG.get(version)
    if pkg is None:
        return None
    name = schema_name(version, action, is_call, send)
    path = resources.files("ocpp").joinpath(pkg, "schemas", name)
    if not path.is_file():
        return None
    schema = _strip_multiple_of(json.loads(path.read_text(encoding="utf-8-sig")))
    schema.pop("$id", None)
    return jsonschema_rs.validator_for(schema)


def check(version: str, action: str, is_call: bool, payload: str) -> tuple[bool | None, str | None]:
    """Validate one payload text: (valid, first error) or (None, None) when no schema applies."""
    v = validator(version, action, is_call)
    if v is None:
        return None, None
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        return False, f"payload is not JSON: {exc}"
    if v.is_valid(obj):
        return True, None
    err = next(iter(v.iter_errors(obj)))
    where = "/".join(str(p) for p in err.instance_path) or "payload"
    return False, f"{where}: {err.message}"


def _check_group(validator_: Any, payloads: list[str]) -> tuple[list[bool], dict[str, str]]:
    """Validity of each payload of one schema; each distinct text decoded and checked once."""
    memo: dict[str, bool] = {}
    errors: dict[str, str] = {}
    loads, is_valid = orjson.loads, validator_.is_valid
    out: list[bool] = []
    for text in payloads:
        ok = memo.get(text)
        if ok is None:
            try:
                ok = is_valid(loads(text))
            except orjson.JSONDecodeError:
                ok = False
            memo[text] = ok
            if not ok:
                errors[text] = _first_error(validator_, text)
        out.append(ok)
    return out, errors


def _first_error(validator_: Any, text: str) -> str:
    """The first schema violation of an invalid payload, with where it is."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return f"payload is not JSON: {exc}"
    err = next(iter(validator_.iter_errors(obj)), None)
    if err is None:
        return "invalid"
    where = "/".join(str(p) for p in err.instance_path) or "payload"
    return f"{where}: {err.message}"


def validate(frames: pl.DataFrame) -> pl.DataFrame:
    """Add ``valid`` and ``schema_error`` (null where no official schema applies)."""
    n = frames.height
    valid = pl.repeat(None, n, dtype=pl.Boolean, eager=True).alias("valid")
    errors = pl.repeat(None, n, dtype=pl.String, eager=True).alias("schema_error")
    todo = frames.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
        "ocpp_version",
        "action",
        "message_type",
        "payload",
    ).filter(
        pl.col("message_type").is_in(["CALL", "CALLRESULT", "SEND"])
        & pl.col("action").is_not_null()
    )
    for (version, action, mtype), group in todo.group_by(
        ["ocpp_version", "action", "message_type"]
    ):
        v = validator(str(version), str(action), mtype != "CALLRESULT", mtype == "SEND")
        if v is None:
            continue
        payloads = group["payload"].to_list()
        ok, bad = _check_group(v, payloads)
        rows = group["row"]
        valid = valid.scatter(rows, pl.Series(ok, dtype=pl.Boolean))
        if bad:
            msgs = pl.Series([bad.get(p) for p in payloads], dtype=pl.String)
            errors = errors.scatter(rows, msgs)
    return frames.with_columns(valid, errors)
