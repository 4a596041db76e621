"""The chargescope command line: the only place that prints and chooses exit codes.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from chargescope import __version__
from chargescope.errors import ChargescopeError, ConfigError
from chargescope.readers.base import ReadOptions
from chargescope.readers.times import check_tz

app = typer.Typer(
    name="chargescope",
    help="Read OCPP logs in any common layout, rebuild what happened, and explain what went wrong.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)

Paths = Annotated[
    list[str], typer.Argument(help="Log files, directories, .gz/.zip archives, or - for stdin.")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="Force a layout (see `chargescope formats`).")
]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="Zone for times logged without one: +02:00 or Europe/Zurich."),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Map CSV columns: time=COL,charger=COL,direction=COL,frame=COL (or action=COL,payload=COL).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]


def parse_columns(spec: str | None) -> dict[str, str] | None:
    """``time=Date,charger=Station`` -> {"time": "Date", "charger": "Station"}."""
    if not spec:
        return None
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, col = part.partition("=")
        if not sep or not key.strip() or not col.strip():
            raise ConfigError(f"--columns: expected KEY=COLUMN, got {part!r}")
        mapping[key.strip().lower()] = col.strip()
    return mapping


def read_options(tz: str | None, columns: str | None) -> ReadOptions:
    """Validated reading options from the command line."""
    check_tz(tz)
    return ReadOptions(tz=tz, columns=parse_columns(columns))


def fail(exc: ChargescopeError) -> typer.Exit:
    """Print a library error and return the exit for it (2: usage or input error)."""
    err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
    return typer.Exit(2)


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Any]:
    """A per-file progress bar on stderr (only on a terminal, and not with --quiet)."""
    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("[dim]reading[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def show(name: str, i: int, n: int) -> None:
            bar.update(task, total=n, completed=i, description=name)

        yield show


def load_frames(
    paths: list[str],
    fmt: str | None,
    tz: str | None,
    columns: str | None,
    quiet: bool,
    check_schemas: bool = True,
) -> Any:
    """Ingest paths (or load a saved table directory) for a command."""
    from chargescope.ingest import UNKNOWN, ingest
    from chargescope.store import is_store, load

    if len(paths) == 1 and is_store(paths[0]):
        return load(paths[0])
    options = read_options(tz, columns)
    with progress_bar(quiet) as show:
        got = ingest(paths, layout=fmt, options=options, check_schemas=check_schemas, progress=show)
    warn_skipped([f.path for f in got.files if f.layout == UNKNOWN])
    return got


def warn_skipped(paths: list[str]) -> None:
    """Say on stderr which files were skipped because no layout fits them."""
    if not paths:
        return
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    err.print(
        f"warning: {len(paths)} file{'s' if len(paths) > 1 else ''} skipped, no known OCPP log "
        f"layout matched: {shown} (`chargescope ingest --explain` says why)",
        style="yellow",
        highlight=False,
        markup=False,
    )


def _noun(n: int, word: str) -> str:
    """``word`` for one, its plural for any other count."""
    return word if n == 1 else word + "s"


def print_ingest(summary: dict[str, Any]) -> None:
    """The readable ingest summary."""
    table = Table(title="Inputs", title_justify="left")
    for col in ("file", "layout", "frames", "noise", "rejects"):
        table.add_column(col, justify="right" if col in ("frames", "noise", "rejects") else "left")
    for f in summary["files"]:
        table.add_row(
            escape(f["path"]), f["layout"], str(f["frames"]), str(f["noise"]), str(f["rejects"])
        )
    out.print(table)
    for f in summary["files"]:
        for note in f["notes"]:
            out.print(f"  note ({f['path']}): {note}", highlight=False, markup=False)
    versions = ", ".join(f"{v}: {n}" for v, n in summary["versions"].items()) or "-"
    span = f"{summary['start']} .. {summary['end']}" if summary["frames"] else "no time range"
    frames, chargers = summary["frames"], summary["chargers"]
    out.print(
        f"[bold]{frames}[/] {_noun(frames, 'frame')} from [bold]{chargers}[/] "
        f"{_noun(chargers, 'charger')} (OCPP {versions}), {span}",
        highlight=False,
    )
    out.print(
        f"calls {summary['calls']}: answered {summary['answered']}, unanswered "
        f"{summary['unanswered']}; orphan answers {summary['orphans']}; invalid payloads "
        f"{summary['invalid_payloads']}; duplicates dropped {summary['duplicates_dropped']}; "
        f"connection events {summary['connection_events']}",
        highlight=False,
    )
    if summary["rejects"]:
        n = summary["rejects"]
        out.print(f"[yellow]{n} {_noun(n, 'line')} could not be read[/]:")
        for r in summary["reject_samples"]:
            out.print(
                f"  {r['file']}:{r['line']}: {r['reason']}: {r['raw'][:120]}",
                highlight=False,
                markup=False,
            )


@app.command()
def ingest(
    paths: Paths,
    fmt: FormatOpt = None,
    tz: TzOpt = None,
    columns: ColumnsOpt = None,
    save: Annotated[
        Path | None, typer.Option("--save", help="Save the normalized table (Parquet) to DIR.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Say why each file's layout was chosen.")
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip schema validation of payloads.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Read OCPP logs into one normalized, paired frame table and summarise it."""
    try:
        if explain:
            explain_detection(paths, read_options(tz, columns))
        result = load_frames(paths, fmt, tz, columns, quiet, not no_validate)
        if save:
            from chargescope.store import save as save_store

            save_store(result, save)
    except ChargescopeError as exc:
        raise fail(exc) from None
    summary = result.summary()
    if as_json:
        out.print_json(json.dumps(summary)) if sys.stdout.isatty() else print(
            json.dumps(summary, indent=1)
        )
    else:
        print_ingest(summary)
        if save:
            out.print(f"saved to {save}/", highlight=False)


def explain_detection(paths: list[str], options: ReadOptions) -> None:
    """Print each source's detection decision."""
    from chargescope.readers import detect
    from chargescope.readers.source import input_files, is_blank, read_sources

    for source in read_sources(input_files(paths)):
        if is_blank(source.data):
            err.print(
                f"{source.name}: {source.note or 'empty file'}", highlight=False, markup=False
            )
            continue
        try:
            det = detect(source, options)
            err.print(f"{source.name}: {det.explain()}", highlight=False, markup=False)
        except ChargescopeError as exc:
            err.print(f"{source.name}: {exc}", highlight=False, markup=False)


@app.command()
def formats() -> None:
    """List every layout chargescope reads and writes, with a sample of each."""
    from chargescope.readers import all_readers
    from chargescope.writers import all_writers

    writers = all_writers()
    for name, reader in all_readers().items():
        mark = " (read, write)" if name in writers else " (read)"
        out.print(f"[bold]{name}[/]{mark}: {escape(reader.title)}", highlight=False)
        for line in reader.sample.splitlines()[:4]:
            out.print(f"    {line}", highlight=False, markup=False)


@app.command()
def convert(
    paths: Paths,
    to: Annotated[str, typer.Option("--to", help="Layout to write (see `chargescope formats`).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    fmt: FormatOpt = None,
    tz: TzOpt = None,
    columns: ColumnsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the frames of any readable log in another layout."""
    from chargescope.writers import write_layout

    try:
        result = load_frames(paths, fmt, tz, columns, quiet, check_schemas=False)
        if output:
            with output.open("wb") as fh:
                write_layout(result.frames, to, fh, result.connections)
        else:
            write_layout(result.frames, to, sys.stdout.buffer, result.connections)
    except ChargescopeError as exc:
        raise fail(exc) from None


@app.command()
def simulate(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to write the fleet to.")],
    chargers: Annotated[int, typer.Option("--chargers", help="How many charge points.")] = 20,
    days: Annotated[float, typer.Option("--days", help="Days of virtual time.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")] = 1,
    v201_share: Annotated[
        float, typer.Option("--v201-share", help="Share of OCPP 2.0.1 chargers (0..1).")
    ] = 0.3,
) -> None:
    """Simulate a fleet talking OCPP and write its traffic in every layout, with truth.json."""
    from chargescope.simulate import simulate_command

    try:
        summary = simulate_command(chargers, days, seed, v201_share, out_dir)
    except ChargescopeError as exc:
        raise fail(exc) from None
    out.print(
        f"{summary['frames']} frames from {summary['chargers']} chargers "
        f"({summary['healthy']} healthy), {summary['sessions']} sessions -> {out_dir}/",
        highlight=False,
    )
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(summary["findings"].items()))
    out.print(f"problems in truth.json: {kinds}", highlight=False)


@app.command()
def version() -> None:
    """Print the chargescope version."""
    out.print(__version__)


def _register_commands() -> None:
    """Add the analysis commands (analyze, explain, rules)."""
    from chargescope.commands.analysis import register

    register(app)


_register_commands()


def main() -> None:
    """Entry point of the `chargescope` command."""
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
