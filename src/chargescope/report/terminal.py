"""Readable terminal output with rich: fleet table (worst first), findings by kind, a charger's story."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chargescope.analysis import ChargerAnalysis, Report
from chargescope.rules import RULES, SEVERITY_RANK, Finding
from chargescope.rules.base import energy

VERDICT_STYLE = {"down": "bold red", "degraded": "yellow", "healthy": "green"}
SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow", "info": "dim"}


def _kwh(wh: float) -> str:
    return f"{wh / 1000:,.1f}"


def fleet_table(report: Report, limit: int | None = None) -> Table:
    """One row per charger, worst first."""
    t = Table(title="Chargers (worst first)", title_justify="left")
    for col, right in (
        ("charger", False),
        ("verdict", False),
        ("OCPP", False),
        ("sessions", True),
        ("kWh", True),
        ("findings", True),
        ("reasons", False),
    ):
        t.add_column(col, justify="right" if right else "left", overflow="fold")
    rows = report.chargers if limit is None else report.chargers[:limit]
    for c in rows:
        energy = sum(s.energy_wh or 0 for s in c.sessions if s.ended)
        t.add_row(  # charger ids and reasons come from the logs: never read them as markup
            Text(c.charger_id),
            Text(c.health.verdict, style=VERDICT_STYLE[c.health.verdict]),
            c.inventory.ocpp_version,
            str(len(c.sessions)),
            _kwh(energy),
            str(len(c.findings)),
            Text("; ".join(c.health.reasons)),
        )
    return t


def render_summary(console: Console, report: Report) -> None:
    """The fleet summary line(s)."""
    s = report.summary
    v = s["verdicts"]
    console.print(
        f"[bold]{s['chargers']}[/] chargers: [green]{v['healthy']} healthy[/], "
        f"[yellow]{v['degraded']} degraded[/], [bold red]{v['down']} down[/]; "
        f"{s['sessions']} sessions ({s['unended_sessions']} never ended), "
        f"{_kwh(s['energy_wh'])} kWh delivered; {s['findings']} findings",
        highlight=False,
    )


def render_findings(console: Console, findings: list[Finding], per_kind: int = 5) -> None:
    """Findings grouped by kind (worst kinds first), each with its explanation and action."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.kind].append(f)
    order = sorted(groups, key=lambda k: (min(SEVERITY_RANK[f.severity] for f in groups[k]), k))
    for kind in order:
        fs = sorted(groups[kind], key=lambda f: (SEVERITY_RANK[f.severity], f.start))
        title = RULES[kind].title if kind in RULES else kind
        console.print(Text(f"\n{title} ({kind}): {len(fs)}", style="bold"))
        for f in fs[:per_kind]:
            where = f.charger_id + (
                f" connector {f.connector_id}" if f.connector_id is not None else ""
            )
            line = Text("  ")
            line.append(f"[{f.severity}] ", style=SEVERITY_STYLE[f.severity])
            line.append(f"{where}: ", style="bold")
            line.append(f.explanation)
            console.print(line)
            console.print(Text(f"      -> {f.action}", style="dim"))
        if len(fs) > per_kind:
            console.print(Text(f"  ... and {len(fs) - per_kind} more (see --json)", style="dim"))


def render_report(
    console: Console, report: Report, per_kind: int = 5, limit: int | None = 50
) -> None:
    """The whole `chargescope analyze` terminal output."""
    render_summary(console, report)
    console.print(fleet_table(report, limit))
    if limit is not None and len(report.chargers) > limit:
        console.print(f"  ... {len(report.chargers) - limit} more chargers", style="dim")
    render_findings(console, report.findings, per_kind)


def timeline(c: ChargerAnalysis) -> list[tuple[datetime, str, str]]:
    """(time, style, text) entries telling one charger's story in time order."""
    items: list[tuple[datetime, str, str]] = []
    for st in c.states:
        where = "station" if st.connector_id == 0 else f"connector {st.connector_id}"
        err = f" ({st.error_code})" if st.error_code else ""
        items.append((st.start, "", f"{where}: {st.status}{err}"))
    for s in c.sessions:
        if s.start_ts is not None:
            items.append(
                (
                    s.start_ts,
                    "cyan",
                    f"connector {s.connector_id}: transaction {s.transaction_id} started (id tag {s.id_tag!r})",
                )
            )
        if s.end_ts is not None:
            e = energy(s.energy_wh) if s.energy_wh is not None else "energy unknown"
            items.append(
                (
                    s.end_ts,
                    "cyan",
                    f"connector {s.connector_id}: transaction {s.transaction_id} ended: {e}, reason {s.stop_reason}",
                )
            )
    for f in c.findings:
        items.append((f.start, SEVERITY_STYLE[f.severity], f"{f.kind.upper()}: {f.explanation}"))
    return sorted(items, key=lambda x: x[0])


def render_explain(console: Console, c: ChargerAnalysis, max_lines: int | None = None) -> None:
    """One charger's story: identity, verdict, then a timeline of what happened and went wrong."""
    inv = c.inventory
    ident = " ".join(x for x in (inv.vendor, inv.model) if x) or "unknown model"
    console.print(
        Text.assemble(
            (c.charger_id, "bold"),
            f": {ident}, firmware {inv.firmware or '?'}, OCPP {inv.ocpp_version}, connectors "
            f"{', '.join(map(str, inv.connectors)) or '-'}, heartbeat {inv.heartbeat_s:g} s "
            f"({inv.heartbeat_source})",
        )
    )
    verdict = Text(c.health.verdict, style=VERDICT_STYLE[c.health.verdict])
    console.print(
        Text.assemble(
            "verdict: ", verdict, ("; " + "; ".join(c.health.reasons)) if c.health.reasons else ""
        )
    )
    items = timeline(c)
    shown = items if max_lines is None else items[:max_lines]
    for ts, style, text in shown:
        console.print(Text.assemble((ts.strftime("%Y-%m-%d %H:%M:%S"), "dim"), "  ", (text, style)))
    if len(shown) < len(items):
        console.print(Text(f"... {len(items) - len(shown)} more entries", style="dim"))
    if c.findings:
        render_findings(console, list(c.findings), per_kind=10)
