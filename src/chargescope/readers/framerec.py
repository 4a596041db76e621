"""Frame records: one JSON record per OCPP-J frame, a trace document of them, or bare frame lines.

Three layouts, three readers, one decoding path (:mod:`chargescope.readers.jsonshape`):

* ``framerec`` — JSON lines (or a JSON array) of ``{timestamp, charger id, direction, frame}``
  in any common key spelling (``ts``/``@timestamp``..., ``chargerId``/``chargeBoxId``/
  ``identity``..., ``direction``/``dir``/``origin``/``type``, ``frame``/``message``/``msg``/
  ``data``/``payload``) with the frame as OCPP-J text or as a JSON array value;
* ``trace`` — the "Open OCPP Trace" style: one JSON document holding such records under
  ``messages``/``trace``/``events``, the charger id possibly given once at the top (no public
  specification was found; this is the shape tools commonly write);
* ``bare`` — one frame per line after a timestamp, maybe with a charger id (double-quoted when
  it holds spaces) and/or a direction word between:
  ``2025-03-03T08:00:00.123Z CP-1 in [2,"1","Heartbeat",{}]``.

Where a record names no charger the document's top-level id, else the file name, is used (and a
note says so). Where it names no direction, calls get it from their action (ingest) and answers
get their call's action so that ingest can do the same.
"""

from __future__ import annotations

import itertools
import re

import polars as pl

from chargescope import columnar
from chargescope.readers import register
from chargescope.readers.base import (
    Match,
    NoMatch,
    ReadOptions,
    ReadResult,
    Sniff,
    Source,
    head_lines,
    rejects_from,
    split_by,
)
from chargescope.readers.jsonshape import (
    DIRECTIONS,
    Peek,
    file_stem,
    is_exchange,
    is_frame_record,
    read_records,
    read_records_many,
    roles_of,
    sniff_peek,
    split_lines,
    zone_note,
)
from chargescope.readers.times import parse_times


def _frame_records(p: Peek) -> tuple[list[dict[str, object]], int]:
    """The sampled records that are frame records, and how many records were sampled."""
    records = [r for r in p.records if "_source" not in r and not is_exchange(r)]
    return [r for r in records if is_frame_record(r)], len(p.records)


class FrameRecordReader:
    """Reads JSON lines (or a JSON array) of frame records."""

    name = "framerec"
    title = "Frame records JSON lines (timestamp, charger id, direction, raw OCPP-J frame)"
    sample = (
        '{"timestamp":"2025-03-03T08:00:00.123Z","charger_id":"CP-1","direction":"to_csms",'
        '"frame":"[2,\\"1\\",\\"Heartbeat\\",{}]"}\n'
        '{"timestamp":"2025-03-03T08:00:00.130Z","charger_id":"CP-1","direction":"to_charger",'
        '"frame":[3,"1",{"currentTime":"2025-03-03T08:00:00.130Z"}]}'
    )

    def sniff(self, head: str) -> Sniff:
        """JSON lines or an array whose records hold a time and an OCPP-J array."""
        p = sniff_peek(head)
        if p.container == "document" and p.wrapper:
            return NoMatch(f"a JSON document with a {p.wrapper!r} list (that is a trace)")
        hits, n = _frame_records(p)
        if not n:
            return NoMatch("no JSON records (lines or array) at the start")
        if len(hits) * 2 < n:
            return NoMatch("JSON records lack a time and an OCPP-J frame (array or text)")
        roles = roles_of(hits[0])
        conf = 0.9 if {"direction", "charger_id"} & set(roles) else 0.8
        return Match(self.name, conf, "JSON records with a time and a raw OCPP-J frame")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read every record as one frame."""
        return read_records(source, options)

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several files, each as if read alone (JSON lines decoded together)."""
        return read_records_many(sources, options)


class TraceReader:
    """Reads trace documents: frame records listed under ``messages``/``trace``/``events``."""

    name = "trace"
    title = "OCPP trace JSON document (records with timestamp, direction, message)"
    sample = (
        '{"chargerId": "CP-1",\n "messages": [\n'
        '  {"timestamp": "2025-03-03T08:00:00.123Z", "direction": "cs2csms", '
        '"message": [2, "1", "Heartbeat", {}]},\n'
        '  {"timestamp": "2025-03-03T08:00:00.130Z", "direction": "csms2cs", '
        '"message": [3, "1", {"currentTime": "2025-03-03T08:00:00.130Z"}]}\n ]\n}'
    )

    def sniff(self, head: str) -> Sniff:
        """A JSON document with a messages/trace/events list of frame records."""
        p = sniff_peek(head)
        if p.container != "document" or not p.wrapper or p.wrapper == "hits":
            return NoMatch("not a JSON document with a messages/trace/events list")
        hits, n = _frame_records(p)
        if not hits or len(hits) * 2 < n:
            return NoMatch(f"the {p.wrapper!r} list does not hold frame records")
        return Match(self.name, 0.9, f"JSON document listing frame records under {p.wrapper!r}")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read every listed record as one frame."""
        return read_records(source, options)


# --------------------------------------------------------------------------- bare frame lines

_TS = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,:]\d{1,9})?(?:\s?(?:Z|z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
    r"|\d{10}(?:\d{3})?(?:\.\d+)?"
)
#: timestamp, up to two tokens (charger id, direction word), the frame to the end of the line
#: a token: a word, or a double-quoted charger id (which may hold spaces)
_TOKEN = r'("(?:[^"\\]|\\.)*"|[^\s\["]+)'
_BARE = rf"^\s*({_TS})\s+(?:{_TOKEN}\s+)?(?:{_TOKEN}\s+)?(\[\s*[2-6]\s*,.*)$"
_BARE_RX = re.compile(_BARE)
_ARROW_RX = re.compile(r"\s(?:->|<-|=>|<=|>>|<<)\s*\[")
#: what comes before the frame (matched alone: capturing the frame too is 5x slower)
_PREFIX = rf"^(\s*({_TS})\s+(?:{_TOKEN}\s+)?(?:{_TOKEN}\s+)?)"
_FRAME_START = r"^\[\s*[2-6]\s*,"
#: A whole field that is a timestamp; a field the timestamp's optional zone could be.
_TS_FIELD = rf"^(?:{_TS})$"
_ZONE_FIELD = r"^(?:Z|z|UTC|GMT|[+-]\d{2}:?\d{2})$"
_PREFIX_COLS = ("prefix", "ts_text", "t1", "t2")
_LOOKS_LIKE = rf"^\s*(?:{_TS})\s.*\[\s*[2-6]\s*,"
_ARROWS = ("->", "<-", "=>", "<=", ">>", "<<", ">", "<", "→", "←")


def _word(col: str) -> pl.Expr:
    """The direction a token names (null when it is not a direction word)."""
    return pl.col(col).str.to_lowercase().replace_strict(DIRECTIONS, default=None)


def _is_dir_token(col: str) -> pl.Expr:
    """The token is a direction word or an arrow."""
    return _word(col).is_not_null() | pl.col(col).is_in(_ARROWS)


class BareReader:
    """Reads bare frame lines: ``TIMESTAMP [CHARGER] [DIRECTION] [type,id,...]``."""

    name = "bare"
    title = "Bare frame lines (timestamp, optional charger id and direction word, OCPP-J frame)"
    sample = (
        '2025-03-03T08:00:00.123Z CP-1 in [2,"1","Heartbeat",{}]\n'
        '2025-03-03T08:00:00.130Z CP-1 out [3,"1",{"currentTime":"2025-03-03T08:00:00.130Z"}]'
    )

    def sniff(self, head: str) -> Sniff:
        """Most lines are a timestamp, at most two tokens and an OCPP-J array."""
        lines = list(itertools.islice((ln for ln in head_lines(head) if ln.strip()), 100))
        if not lines:
            return NoMatch("no lines")
        # a hundred lines at most: Python's regex, compiled once, beats a column pass here
        hits = sum(1 for ln in lines if _BARE_RX.search(ln))
        if hits == 0 or hits * 2 < len(lines):
            return NoMatch("lines are not TIMESTAMP [CHARGER] [DIRECTION] [OCPP-J frame]")
        arrows = sum(1 for ln in lines if _ARROW_RX.search(ln))
        if arrows * 2 >= hits:  # the `arrows` text-log layout owns ``CP >> [..]`` lines
            return Match(self.name, 0.5, "timestamped frame lines with arrow markers")
        return Match(self.name, 0.75, "lines of a timestamp, optional charger/direction, a frame")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Every matching line is a frame; frame-looking lines that do not fit are rejects."""
        lines = split_lines(source.data.removeprefix(b"\xef\xbb\xbf"))
        parts = prefix_parts(lines["text"])
        df = columnar.with_columns(
            pl.concat([lines, parts], how="horizontal"),
            pl.col("text").str.slice(pl.col("prefix").str.len_chars()).alias("frame"),
        )
        is_frame = columnar.column(df, pl.col("frame").str.contains(_FRAME_START).fill_null(False))
        ok, rest = split_by(df, is_frame)
        suspicious = rest.filter(pl.col("text").str.contains(_LOOKS_LIKE))
        rejects = rejects_from(
            source.name,
            suspicious["line"].to_list(),
            suspicious["text"].to_list(),
            "frame line with more than a charger id and a direction between time and frame",
        )
        ok = ok.join(
            _token_pairs(ok), on=["t1", "t2"], how="left", nulls_equal=True, maintain_order="left"
        )
        two_words = ok.filter(pl.col("two_words"))
        rejects += rejects_from(
            source.name,
            two_words["line"].to_list(),
            two_words["text"].to_list(),
            "two words between time and frame, neither of them a direction",
        )
        if two_words.height:
            ok = ok.filter(~pl.col("two_words"))
        frames, notes = self._frames(ok, source, options)
        bad = frames.filter(pl.col("ts").is_null())
        rejects += rejects_from(
            source.name, bad["line"].to_list(), bad["text"].to_list(), "no readable timestamp"
        )
        if bad.height:
            frames = frames.filter(pl.col("ts").is_not_null())
        return ReadResult(
            frames.drop("text"),
            noise=rest.height - suspicious.height,
            rejects=sorted(rejects, key=lambda r: r.line),
            notes=notes,
            lines=lines.height,
        )

    def _frames(
        self, ok: pl.DataFrame, source: Source, options: ReadOptions
    ) -> tuple[pl.DataFrame, list[str]]:
        """Time, charger and direction of the matched lines (their token pairs named)."""
        ok = ok.with_columns(parse_times(ok["ts_text"], options.tz).alias("ts"))
        notes: list[str] = []
        if ok["charger_id"].null_count():
            stem = file_stem(source)
            notes.append(
                f"lines without a charger id: charger id taken from the file name ({stem})"
            )
            ok = ok.with_columns(pl.col("charger_id").fill_null(stem))
        notes += zone_note(ok["ts_text"], options.tz)
        if ok["direction"].null_count():
            notes.append("lines without a direction word: direction taken from the action")
        return ok.select("ts", "charger_id", "direction", "frame", "line", "text"), notes


def _token_pairs(ok: pl.DataFrame) -> pl.DataFrame:
    """Each distinct pair of tokens before the frames (few: chargers and direction words):
    its ``charger_id``, its ``direction``, and whether it is ``two_words`` neither of which
    names a direction."""
    t1_dir, t2_dir = _is_dir_token("t1").fill_null(False), _is_dir_token("t2").fill_null(False)
    charger = (  # the token that is not a direction word
        pl.when(pl.col("t2").is_not_null() & t2_dir)
        .then(pl.col("t1"))
        .when(pl.col("t2").is_not_null() & t1_dir)
        .then(pl.col("t2"))
        .when(pl.col("t2").is_null() & ~t1_dir)
        .then(pl.col("t1"))
    )
    unquoted = (
        pl.when(charger.str.starts_with('"'))
        .then(charger.str.slice(1, charger.str.len_chars() - 2).str.replace_all(r"\\(.)", "$1"))
        .otherwise(charger.str.strip_chars_end(":"))
    )
    two_words = pl.col("t2").is_not_null() & ~_is_dir_token("t1") & ~_is_dir_token("t2")
    return (
        ok.select("t1", "t2")
        .unique()
        .with_columns(
            unquoted.alias("charger_id"),
            pl.coalesce(_word("t2"), _word("t1")).alias("direction"),
            two_words.fill_null(False).alias("two_words"),
        )
    )


def prefix_parts(text: pl.Series) -> pl.DataFrame:
    """What comes before each line's frame: the prefix, its time and up to two tokens.

    The ``_PREFIX`` regex gives the answer, but captures cost ~0.6 us a line: lines of the
    common shape (time, single spaces, plain tokens, then the first ``[``) are split on spaces
    instead, and only the others go through the regex. Both give the same columns.
    """
    t = pl.col("text")
    head = t.str.slice(0, t.str.find("[", literal=True)).alias("head")
    split = pl.col("head").str.splitn(" ", 4).struct.rename_fields(["f0", "f1", "f2", "f3"])
    sp = columnar.select(pl.DataFrame([text.alias("text")]), head)
    sp = columnar.with_columns(sp, split.alias("f")).unnest("f")
    plain = lambda c: (  # noqa: E731
        (pl.col(c).str.len_bytes() > 0)
        & ~pl.col(c).str.contains(r'[\s"]')
        & ~pl.col(c).str.contains(_ZONE_FIELD)
    )
    two = (pl.col("f3") == "") & plain("f1") & plain("f2")
    one = pl.col("f3").is_null() & (pl.col("f2") == "") & plain("f1")
    none = pl.col("f2").is_null() & (pl.col("f1") == "")
    shape = pl.when(two).then(2).when(one).then(1).when(none).then(0)
    sp = columnar.with_columns(
        sp, pl.when(pl.col("f0").str.contains(_TS_FIELD)).then(shape).alias("tokens")
    )
    fast = pl.col("tokens").is_not_null()
    got = columnar.select(
        sp,
        pl.when(fast).then("head").alias("prefix"),
        pl.when(fast).then("f0").alias("ts_text"),
        pl.when(pl.col("tokens") > 0).then("f1").alias("t1"),
        pl.when(pl.col("tokens") > 1).then("f2").alias("t2"),
        fast.alias("fast"),
    )
    slow = got["fast"].not_().arg_true()
    if slow.len():
        regex = text.gather(slow).str.extract_groups(_PREFIX).struct.unnest()
        got = got.with_columns(
            got[c].scatter(slow, regex[regex.columns[i]]) for i, c in enumerate(_PREFIX_COLS)
        )
    return got.select(_PREFIX_COLS)


register(FrameRecordReader())
register(TraceReader())
register(BareReader())
