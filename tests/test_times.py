"""Timestamp spellings read to UTC milliseconds, with zones, offsets and --tz."""

from datetime import UTC, datetime

import polars as pl
import pytest

from chargescope.errors import ConfigError
from chargescope.readers.times import check_tz, parse_times


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
