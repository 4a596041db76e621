"""Timestamp text in the styles chargers use, and the message-id styles they number calls with."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_MS = 86_400_000
_dates: dict[int, str] = {}

#: Payload timestamp styles: (with milliseconds, zone suffix).
TS_STYLES: dict[str, tuple[bool, str]] = {
    "ms_z": (True, "Z"),
    "s_z": (False, "Z"),
    "ms_offset": (True, "+00:00"),
    "s_offset": (False, "+00:00"),
}

UID_STYLES: tuple[str, ...] = ("uuid", "counter", "hex")


def _date(day: int) -> str:
    """The YYYY-MM-DD text of a day number since the epoch (cached)."""
    text = _dates.get(day)
    if text is None:
        text = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
        _dates[day] = text
    return text


def fmt_ms(ms: int, with_ms: bool = True, suffix: str = "Z") -> str:
    """Format epoch milliseconds as ISO-8601 UTC text."""
    day, rem = divmod(ms, _DAY_MS)
    h, rem = divmod(rem, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    if with_ms:
        return f"{_date(day)}T{h:02d}:{m:02d}:{s:02d}.{milli:03d}{suffix}"
    return f"{_date(day)}T{h:02d}:{m:02d}:{s:02d}{suffix}"


def iso(ms: int) -> str:
    """The truth-file time format: ISO-8601 UTC with milliseconds and Z."""
    return fmt_ms(ms)


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware (or UTC-naive) datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int((moment - _EPOCH) / timedelta(milliseconds=1))


class ChargerClock:
    """Formats a charger's payload timestamps in its style and says what a reader will parse."""

    def __init__(self, style: str) -> None:
        self.with_ms, self.suffix = TS_STYLES[style]

    def text(self, ms: int) -> str:
        """The payload text of a charger time."""
        return fmt_ms(ms, self.with_ms, self.suffix)

    def parsed(self, ms: int) -> int:
        """The time a reader gets back from :meth:`text` (whole seconds when the style drops ms)."""
        return ms if self.with_ms else ms - ms % 1000


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID drawn from ``rng`` (deterministic, unlike :func:`uuid.uuid4`)."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


class UniqueIds:
    """Message ids in one of the styles chargers use; the counter style restarts at each boot."""

    def __init__(self, style: str, rng: random.Random) -> None:
        self.style = style
        self.rng = rng
        self.n = 0

    def next(self) -> str:
        """The id of the next call."""
        if self.style == "counter":
            self.n += 1
            return str(self.n)
        if self.style == "hex":
            return f"{self.rng.getrandbits(64):016x}"
        return uuid4(self.rng)

    def reset(self) -> None:
        """Forget the counter, as firmware does on reboot."""
        self.n = 0
