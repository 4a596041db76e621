"""Tell each charger's OCPP version from the actions and payload shapes it uses."""

from __future__ import annotations

import polars as pl

from chargescope.model.schema import CALLRESULTERROR, SEND
from chargescope.protocol.actions import ONLY_V2, ONLY_V16, ONLY_V21

V16 = "1.6"
V201 = "2.0.1"
V21 = "2.1"
UNKNOWN = "unknown"

# Payload keys that exist in one family only (BootNotification, StatusNotification, ...).
_V16_KEYS = r'"(?:chargePointVendor|idTag|meterStart|errorCode)"'
_V2_KEYS = r'"(?:chargingStation|connectorStatus|idToken|evseId|eventType)"'


#: Actions spelled alike in every version whose payload keys still tell the version apart;
#: MeterValues, the most frequent, is read only for chargers the others leave undecided.
_SHAPED = ["BootNotification", "StatusNotification", "Authorize"]
#: Message types only OCPP 2.1 has (SEND, CALLRESULTERROR).
_V21_TYPES = [SEND, CALLRESULTERROR]
_SHAPED_LAST = "MeterValues"


def _shapes(calls: pl.DataFrame) -> pl.DataFrame:
    """Per charger of ``calls``: whether any payload has 2.x-only or 1.6-only keys."""
    return calls.group_by("charger_id").agg(
        pl.col("payload").str.contains(_V2_KEYS).any().alias("v2p"),
        pl.col("payload").str.contains(_V16_KEYS).any().alias("v16p"),
    )


def detect_versions(frames: pl.DataFrame) -> pl.DataFrame:
    """One row per charger: ``charger_id`` and ``ocpp_version``."""
    calls = frames.select("charger_id", "action", "payload", "message_type").filter(
        frames["message_type"].is_in(["CALL", *_V21_TYPES])
    )
    actions = calls.group_by("charger_id", "action", "message_type").len()
    by_action = actions.group_by("charger_id").agg(
        (pl.col("action").is_in(list(ONLY_V21)) | pl.col("message_type").is_in(_V21_TYPES))
        .any()
        .alias("v21"),
        pl.col("action").is_in(list(ONLY_V2)).any().alias("v2a"),
        pl.col("action").is_in(list(ONLY_V16)).any().alias("v16a"),
    )
    by_shape = _shapes(calls.filter(pl.col("action").is_in(_SHAPED)))
    decided = by_action.filter(pl.col("v21") | pl.col("v2a") | pl.col("v16a")).select("charger_id")
    decided = pl.concat(
        [decided, by_shape.filter(pl.col("v2p") | pl.col("v16p")).select("charger_id")]
    )
    meter = calls.filter(pl.col("action") == _SHAPED_LAST).join(
        decided, on="charger_id", how="anti"
    )
    by_shape = (
        pl.concat([by_shape, _shapes(meter)])
        .group_by("charger_id")
        .agg(pl.col("v2p").any(), pl.col("v16p").any())
    )
    version = (
        pl.when(pl.col("v21"))
        .then(pl.lit(V21))
        .when(pl.col("v2a") | pl.col("v2p"))
        .then(pl.lit(V201))
        .when(pl.col("v16a") | pl.col("v16p"))
        .then(pl.lit(V16))
        .otherwise(pl.lit(UNKNOWN))
    )
    ids = frames.select("charger_id").unique(maintain_order=True)
    per = ids.join(by_action, on="charger_id", how="left").join(
        by_shape, on="charger_id", how="left"
    )
    per = per.with_columns(pl.exclude("charger_id").fill_null(False))
    return per.select("charger_id", version.alias("ocpp_version"))
