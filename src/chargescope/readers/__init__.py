"""The reader registry (one entry per input layout) and content-based layout detection."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from chargescope.errors import ConfigError, UnknownLayoutError
from chargescope.readers.base import Match, NoMatch, Reader, ReadOptions, ReadResult, Source

#: Why the custom layout says no to a head (it reads by a mapping, given or told by content).
CUSTOM_NO = "only with --columns, or a CSV whose frame and time columns stand out by content"

#: How many characters of a source detection looks at.
HEAD_CHARS = 64 * 1024

#: Every layout chargescope reads, by name. Order breaks ties between equally sure readers.
REGISTRY: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Add a reader to the registry under its name."""
    REGISTRY[reader.name] = reader
    return reader


#: Built-in layout modules, in tie-break order; each registers its reader on import.
BUILTIN = (
    "stream",
    "sheet",
    "portal",
    "citrine",
    "custom",
    "steve",
    "pyocpp",
    "evcc",
    "octt",
    "everest",
    "arrows",
    "exchange",
    "framerec",
    "logindex",
)


_loaded: list[bool] = []


def _load_builtin() -> None:
    """Import the built-in layout modules once; each registers its reader (asking the import
    system again for every file detected costs more than the rest of detection)."""
    if _loaded:
        return
    for module in BUILTIN:
        importlib.import_module(f"chargescope.readers.{module}")
    _loaded.append(True)


@dataclass(frozen=True)
class Detection:
    """The layout chosen for a source, and every reader's answer."""

    reader: Reader
    match: Match
    answers: list[tuple[str, Match | NoMatch]]

    def explain(self) -> str:
        """A few lines saying what was chosen and why the others said no."""
        lines = [f"chose {self.reader.name}: {self.match.reason}"]
        for name, ans in self.answers:
            if name == self.reader.name:
                continue
            if isinstance(ans, Match):
                lines.append(f"  {name}: also matched ({ans.confidence:.2f}): {ans.reason}")
            else:
                lines.append(f"  {name}: no: {ans.reason}")
        return "\n".join(lines)


def head_of(source: Source) -> str:
    """The bounded prefix detection reads."""
    return source.data[: HEAD_CHARS * 2].decode("utf-8-sig", errors="replace")[:HEAD_CHARS]


def detect(source: Source, options: ReadOptions | None = None) -> Detection:
    """Pick the reader whose sniff is most confident; raise UnknownLayoutError if none is."""
    _load_builtin()
    if options and options.columns and "custom" in REGISTRY:
        forced = Match("custom", 1.0, "columns mapped with --columns")
        return Detection(REGISTRY["custom"], forced, [("custom", forced)])
    head = head_of(source)
    answers: list[tuple[str, Match | NoMatch]] = []
    for name, reader in REGISTRY.items():
        if name == "custom":
            answers.append((name, NoMatch(CUSTOM_NO)))
            continue
        try:
            answers.append((name, reader.sniff(head)))
        except Exception as exc:  # a sniff must never stop detection; report it instead
            answers.append((name, NoMatch(f"sniff failed: {exc}")))
    matches = [(n, a) for n, a in answers if isinstance(a, Match)]
    if not matches:
        told = _columns_by_content(head, answers)
        if told is not None:
            return told
        reasons = [(n, a.reason) for n, a in answers if isinstance(a, NoMatch)]
        raise UnknownLayoutError(source.name, reasons)
    best_name, best = max(matches, key=lambda na: na[1].confidence)  # first wins ties
    return Detection(REGISTRY[best_name], best, answers)


def _columns_by_content(head: str, answers: list[tuple[str, Match | NoMatch]]) -> Detection | None:
    """For a CSV no layout claims: the custom layout with its columns told by their content
    (None unless a frame and a time column are told apart)."""
    from chargescope.readers.guess import GuessedReader, guess_columns  # noqa: PLC0415

    guess = guess_columns(head, truncated=len(head) >= HEAD_CHARS)
    if guess is None:
        return None
    reader = GuessedReader(guess)
    match = reader.match()
    told = [(n, match if n == "custom" else a) for n, a in answers]
    return Detection(reader, match, told)


def get_reader(name: str) -> Reader:
    """The reader registered as ``name``, or a ConfigError listing the known ones."""
    _load_builtin()
    if name not in REGISTRY:
        raise ConfigError(f"unknown layout {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def all_readers() -> dict[str, Reader]:
    """Every registered reader."""
    _load_builtin()
    return dict(REGISTRY)


__all__ = [
    "REGISTRY",
    "Detection",
    "Match",
    "NoMatch",
    "ReadOptions",
    "ReadResult",
    "Reader",
    "Source",
    "all_readers",
    "detect",
    "get_reader",
    "register",
]
