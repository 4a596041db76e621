"""Timestamp spellings read to UTC milliseconds, with zones, offsets and --tz."""

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.errors import ConfigError
from chargescope.readers.times import SMALL, _duck_iso, _fast_iso, check_tz, parse_times


def ms(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-03T08:00:00.123Z", ms(2025, 3, 3, 8, 0, 0, 123000)),
        ("2025-03-03T08:00:00Z", ms(2025, 3, 3, 8)),
        ("2025-03-03 08:00:00", ms(2025, 3, 3, 8)),
        ("2025-03-03T10:00:00+02:00", ms(2025, 3, 3, 8)),
        ("2025-03-03T10:00:00.5+0200", ms(2025, 3, 3, 8, 0, 0, 500000)),
        ("14.08.2025 11:40:44", ms(2025, 8, 14, 11, 40, 44)),
        ("2024-05-17T09:20:43:732", ms(2024, 5, 17, 9, 20, 43, 732000)),
        ("2024/08/23 08:44:04", ms(2024, 8, 23, 8, 44, 4)),
        ("1741003200000", ms(2025, 3, 3, 12)),
        ("2025-03-03 08:00:00,250", ms(2025, 3, 3, 8, 0, 0, 250000)),
    ],
)
def test_spellings(text: str, expected: datetime) -> None:
    assert parse_times(pl.Series([text]))[0] == expected


def test_unreadable_is_null() -> None:
    out = parse_times(pl.Series(["yesterday", "", None, "2025-13-45T99:00:00Z"]))
    assert out.null_count() == 4


def test_zoneless_times_follow_tz_but_zoned_do_not() -> None:
    s = pl.Series(["2025-03-03 10:00:00", "2025-03-03T10:00:00Z"])
    assert parse_times(s, "+02:00").to_list() == [ms(2025, 3, 3, 8), ms(2025, 3, 3, 10)]
    assert parse_times(s, "Europe/Zurich").to_list() == [ms(2025, 3, 3, 9), ms(2025, 3, 3, 10)]


def test_bad_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown time zone"):
        check_tz("Mars/Olympus")
    check_tz("+05:30")


_iso_like = st.builds(
    lambda y, mo, d, h, mi, sec, frac, zone: f"{y}-{mo}-{d}T{h}:{mi}:{sec}{frac}{zone}",
    st.sampled_from(["1969", "1970", "2025", "2024", "9999"]),
    st.sampled_from(["01", "02", "12", "13", "00"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32"]),
    st.sampled_from(["00", "23", "24", "7"]),
    st.sampled_from(["00", "59", "60"]),
    st.sampled_from(["00", "59", "60", "7"]),
    st.one_of(st.just(""), st.text("0123456789", min_size=0, max_size=10).map(lambda f: "." + f)),
    st.sampled_from(["Z", "z", "", "+01:00", " Z"]),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(_iso_like, st.none()), max_size=20), zoned_only=st.booleans())
def test_small_inputs_read_as_duckdb_reads_them(values: list[str | None], zoned_only: bool) -> None:
    s = pl.Series(values, dtype=pl.String)
    assert s.len() <= SMALL
    assert _fast_iso(s, zoned_only).equals(_duck_iso(s, zoned_only))


# Europe/Zurich falls back on 2025-10-26: 02:00-03:00 local happens twice (CEST, then CET)
FALL_BACK = ["01:50", "02:30", "02:45", "02:15", "02:40", "03:05"]
FALL_BACK_UTC = ["23:50", "00:30", "00:45", "01:15", "01:40", "02:05"]


def _hm(series: pl.Series) -> list[str]:
    return series.dt.strftime("%H:%M").to_list()


@pytest.mark.parametrize("reverse", [False, True])
def test_the_hour_clocks_repeat_is_read_by_the_order_of_the_log(reverse: bool) -> None:
    times = ["2025-10-26 " + t for t in FALL_BACK]
    expected = FALL_BACK_UTC
    if reverse:  # an export listed newest first
        times, expected = times[::-1], expected[::-1]
    got = parse_times(pl.Series([f"{t}:00" for t in times]), "Europe/Zurich")
    assert _hm(got) == expected


def test_the_hour_clocks_repeat_without_a_step_back_is_the_first_pass() -> None:
    got = parse_times(pl.Series(["2025-10-26 02:10:00", "2025-10-26 02:50:00"]), "Europe/Zurich")
    assert _hm(got) == ["00:10", "00:50"]


def test_text_logs_read_the_repeated_hour_by_order_too() -> None:
    from chargescope.readers import get_reader
    from chargescope.readers.base import ReadOptions, Source

    lines = [
        f'2025-10-26 {t}:00.000 INFO (MainThread) [ocpp] CP-1: receive message [2,"{i}","Heartbeat",{{}}]'
        for i, t in enumerate(FALL_BACK)
    ]
    data = "\n".join(lines).encode()
    got = get_reader("pyocpp").read(Source("cp.log", data), ReadOptions(tz="Europe/Zurich"))
    assert _hm(got.frames["ts"]) == FALL_BACK_UTC


def test_a_local_time_the_spring_change_skips_is_unreadable() -> None:
    got = parse_times(pl.Series(["2025-03-30 02:30:00", "2025-03-30 03:30:00"]), "Europe/Zurich")
    assert got.to_list()[0] is None
    assert _hm(got)[1] == "01:30"


def test_a_line_in_the_skipped_hour_is_rejected_saying_so() -> None:
    from chargescope.ingest import ingest_sources
    from chargescope.readers.base import ReadOptions, Source

    lines = [
        f'2025-03-30 {t}.000 INFO (MainThread) [ocpp] CP-1: receive message [2,"{i}","Heartbeat",{{}}]'
        for i, t in enumerate(["01:59:00", "02:30:00", "03:00:00"])
    ]
    got = ingest_sources(
        [Source("cp.log", "\n".join(lines).encode())], options=ReadOptions(tz="Europe/Zurich")
    )
    assert got.frames.height == 2
    (reject,) = got.rejects
    assert reject.line == 2
    assert reject.reason.startswith(
        "local time 2025-03-30 02:30:00 does not exist in Europe/Zurich (clocks skip that hour"
    )


def test_only_a_zoneless_time_in_the_skipped_hour_is_named() -> None:
    from chargescope.readers.times import skipped_local_times

    texts = [
        "30.03.2025 02:30:00;CP-1;Request In",  # day first, in the gap
        "2025-03-30T02:30:00Z CP-1 in",  # it states its zone: it happened
        "2025-03-30 03:30:00 CP-1",  # after the change
        "2025-10-26 02:30:00 CP-1",  # in the autumn's repeated hour: it happened (twice)
        "no time here",
        "2025-02-30 02:30:00 CP-1",  # no such day
    ]
    got = skipped_local_times(texts, "Europe/Zurich")
    assert got == [datetime(2025, 3, 30, 2, 30), None, None, None, None, None]
    assert skipped_local_times(texts, "+02:00") == [None] * len(texts)
