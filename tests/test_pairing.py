"""Pairing: by message id, nearest following answer, reused ids, missing ids, orphans."""

import polars as pl

from chargescope.ingest import ingest_sources
from chargescope.readers.base import Source
from tests.conftest import stream_csv


def frames(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return ingest_sources([Source("t.csv", stream_csv(rows))]).frames


def test_reference_pairs(reference: pl.DataFrame) -> None:
    calls = reference.filter(pl.col("message_type") == "CALL")
    unanswered = calls.filter(pl.col("peer_id").is_null())
    assert sorted(unanswered["action"].to_list()) == ["Heartbeat", "Reset"]
    err = reference.filter(pl.col("message_type") == "CALLERROR").row(0, named=True)
    assert err["action"] == "ChangeConfiguration" and err["error_code"] == "NotSupported"
    assert err["latency_ms"] == 500
    # answers inherit the action and connector of their call
    tx = reference.filter(
        (pl.col("action") == "TransactionEvent") & (pl.col("message_type") == "CALLRESULT")
    )
    assert tx["connector_id"].to_list() == [2]


def test_reused_ids_pair_with_nearest_call(reference: pl.DataFrame) -> None:
    boots = reference.filter((pl.col("charger_id") == "CP-16/A 1") & (pl.col("unique_id") == "1"))
    assert boots["message_type"].to_list() == ["CALL", "CALLRESULT", "CALL", "CALLRESULT"]
    ids = boots["frame_id"].to_list()
    assert boots["peer_id"].to_list() == [ids[1], ids[0], ids[3], ids[2]]
    assert boots["latency_ms"].to_list() == [190, 190, 200, 200]


def test_same_id_in_both_directions_does_not_cross() -> None:
    out = frames(
        [
            ("2025-01-01T00:00:00Z", "C", "incoming", '[2,"7","Heartbeat",{}]'),
            ("2025-01-01T00:00:01Z", "C", "outgoing", '[2,"7","Reset",{"type":"Soft"}]'),
            ("2025-01-01T00:00:02Z", "C", "incoming", '[3,"7",{"status":"Accepted"}]'),
            (
                "2025-01-01T00:00:03Z",
                "C",
                "outgoing",
                '[3,"7",{"currentTime":"2025-01-01T00:00:03Z"}]',
            ),
        ]
    )
    by_action = {
        r["action"]: r for r in out.filter(pl.col("message_type") == "CALL").iter_rows(named=True)
    }
    assert by_action["Heartbeat"]["latency_ms"] == 3000
    assert by_action["Reset"]["latency_ms"] == 1000


def test_orphan_answer_and_duplicate_answer() -> None:
    out = frames(
        [
            ("2025-01-01T00:00:00Z", "C", "outgoing", '[3,"x",{}]'),
            ("2025-01-01T00:00:01Z", "C", "incoming", '[2,"y","Heartbeat",{}]'),
            (
                "2025-01-01T00:00:02Z",
                "C",
                "outgoing",
                '[3,"y",{"currentTime":"2025-01-01T00:00:02Z"}]',
            ),
            (
                "2025-01-01T00:00:03Z",
                "C",
                "outgoing",
                '[3,"y",{"currentTime":"2025-01-01T00:00:02Z"}]',
            ),
        ]
    )
    assert out["peer_id"].to_list() == [None, 2, 1, None]


def test_pairing_without_ids_uses_action_order() -> None:
    from chargescope.model.pairing import pair

    table = pl.DataFrame(
        {
            "frame_id": [0, 1, 2, 3],
            "ts": pl.Series([0, 1000, 2000, 3000]).cast(pl.Datetime("ms", "UTC")),
            "charger_id": ["C"] * 4,
            "direction": ["to_csms", "to_charger", "to_csms", "to_charger"],
            "message_type": ["CALL", "CALLRESULT", "CALL", "CALLRESULT"],
            "unique_id": [None, None, None, None],
            "action": ["Heartbeat", "Heartbeat", "Authorize", "Authorize"],
            "connector_id": pl.Series([None, None, None, None], dtype=pl.Int32),
        },
        schema_overrides={"unique_id": pl.String},
    )
    assert pair(table)["peer_id"].to_list() == [1, 0, 3, 2]
