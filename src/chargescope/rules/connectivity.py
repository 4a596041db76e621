"""Connectivity rules: offline periods, unstable connections, reboots and rejected registrations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chargescope.rules.base import (
    ChargerContext,
    Finding,
    RuleConfig,
    Severity,
    Threshold,
    duration,
    rule,
    when,
)


def offline_threshold(ctx: ChargerContext, config: RuleConfig) -> float:
    """Silence (s) that counts as offline for this charger."""
    hb = ctx.inventory.heartbeat_s
    return max(
        config.get("offline", "min_silence_s"), config.get("offline", "interval_factor") * hb
    )


@rule(
    "offline",
    "major",
    "Charger offline",
    (
        Threshold("min_silence_s", 1800, "s", "shortest silence that counts as offline"),
        Threshold(
            "interval_factor", 3, "x", "silence must also exceed this many heartbeat intervals"
        ),
    ),
)
def offline(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """The charger sent nothing for far longer than its heartbeat interval: silence longer than
    max(min_silence_s, interval_factor x heartbeat interval). Spans the last frame before the
    silence to the first frame after it."""
    limit = offline_threshold(ctx, config)
    out = []
    for g in ctx.events.gaps:
        if g.gap_s <= limit:
            continue
        boot = g.after_action == "BootNotification"
        back = "came back with a BootNotification (it had rebooted)" if boot else "came back"
        out.append(
            Finding(
                "offline",
                "critical" if g.gap_s >= 86400 else "major",
                ctx.charger_id,
                None,
                g.before_ts,
                g.after_ts,
                (g.before_id, g.after_id),
                {
                    "silence_s": round(g.gap_s, 3),
                    "heartbeat_s": ctx.inventory.heartbeat_s,
                    "threshold_s": limit,
                    "returned_with": g.after_action,
                },
                f"The charger sent nothing for {duration(g.gap_s)}, from {when(g.before_ts)} to "
                f"{when(g.after_ts)} (heartbeat interval {duration(ctx.inventory.heartbeat_s)}), "
                f"then {back}.",
                "Check the charger's power and network link (SIM/modem signal, router, "
                "firewall); if it recurs, ask the site about power cuts.",
            )
        )
    return out


def _rereports(ctx: ChargerContext, burst_s: float = 10) -> list[tuple[Any, ...]]:
    """Reconnects without a boot: bursts of status reports that repeat unchanged statuses.

    A charger re-reports its connectors after its websocket comes back; outside boots and
    TriggerMessage / ChangeAvailability / Reset requests a StatusNotification carries a change.
    Returns (last frame time before the burst, first frame of the burst, evidence, what).
    """
    skip_after = [(b.ts, 180.0) for b in ctx.events.boots] + [
        (c.ts, 120.0)
        for c in ctx.events.commands
        if c.action in ("TriggerMessage", "ExtendedTriggerMessage", "ChangeAvailability", "Reset")
    ]
    last: dict[int, tuple[Any, Any]] = {}
    bursts: list[list[tuple[Any, bool]]] = []
    within = timedelta(seconds=burst_s)
    for e in ctx.events.status:
        conn = int(e.connector_id) if e.connector_id is not None else 0
        key = (e.status, e.err if e.err != "NoError" else None)
        repeat = last.get(conn) == key
        last[conn] = key
        if bursts and e.ts - bursts[-1][-1][0].ts <= within:
            bursts[-1].append((e, repeat))
        else:
            bursts.append([(e, repeat)])
    out: list[tuple[Any, ...]] = []
    for burst in bursts:
        first = burst[0][0]
        if first.prev_sent_ts is None or not any(rep for _, rep in burst):
            continue
        if any(0 <= (first.ts - t).total_seconds() <= w for t, w in skip_after):
            continue
        out.append(
            (first.prev_sent_ts, first.ts, (first.prev_sent_id, first.frame_id), "re-report")
        )
    return out


def _closed_connections(ctx: ChargerContext) -> list[tuple[Any, ...]]:
    """Websocket closes the log records, each until the next connect (if any)."""
    out: list[tuple[Any, ...]] = []
    down = None
    for c in ctx.events.connections:
        if c.event == "disconnected":
            down = c.ts
        elif c.event == "connected" and down is not None:
            out.append((down, c.ts, (), "connection closed"))
            down = None
    if down is not None:
        out.append((down, down, (), "connection closed"))
    return out


def _disconnections(ctx: ChargerContext, config: RuleConfig) -> list[tuple[Any, ...]]:
    """(start, end, evidence, what) of short disconnections that are not offline or reboots.

    Signals of one disconnection (a silence, a re-report, a closed connection) end at about the
    same reconnect time and are merged.
    """
    hb = ctx.inventory.heartbeat_s
    lo = max(
        config.get("unstable_connection", "min_gap_s"),
        config.get("unstable_connection", "gap_factor") * hb,
    )
    hi = offline_threshold(ctx, config)
    boots = [b.ts for b in ctx.events.boots]
    signals: list[tuple[Any, ...]] = []
    for g in ctx.events.gaps:
        if lo < g.gap_s <= hi and g.after_action != "BootNotification":
            signals.append((g.before_ts, g.after_ts, (g.before_id, g.after_id), "silence"))
    for r in _rereports(ctx):
        if (r[1] - r[0]).total_seconds() <= hi:
            signals.append(r)
    long_gaps = [(g.before_ts, g.after_ts) for g in ctx.events.gaps if g.gap_s > hi]
    for c in _closed_connections(ctx):
        if any(a <= c[0] <= b for a, b in long_gaps):
            continue
        if any(0 <= (b - c[0]).total_seconds() <= 900 for b in boots):
            continue
        signals.append(c)
    signals.sort(key=lambda x: x[1])
    merged: list[tuple[Any, ...]] = []
    same = timedelta(seconds=90)
    for d in signals:
        if merged and d[1] - merged[-1][1] <= same:
            p = merged[-1]
            merged[-1] = (min(p[0], d[0]), max(p[1], d[1]), p[2] + d[2], p[3])
        else:
            merged.append(d)
    return sorted(merged, key=lambda x: x[0])


@rule(
    "unstable_connection",
    "minor",
    "Unstable connection",
    (
        Threshold(
            "gap_factor",
            1.5,
            "x",
            "a silence longer than this many heartbeat intervals is a short disconnection",
        ),
        Threshold("min_gap_s", 120, "s", "shortest silence counted as a short disconnection"),
        Threshold("window_s", 3600, "s", "disconnections closer than this belong to one window"),
        Threshold("min_events", 3, "count", "disconnections in a window needed for a finding"),
    ),
)
def unstable_connection(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Repeated short disconnections that do not amount to offline: silences longer than
    gap_factor heartbeat intervals (but shorter than offline), or closed connections where the
    log records them, without a reboot; at least min_events of them with less than window_s
    between neighbours make one finding spanning the window."""
    window = timedelta(seconds=config.get("unstable_connection", "window_s"))
    need = int(config.get("unstable_connection", "min_events"))
    events = _disconnections(ctx, config)
    clusters: list[list[tuple[Any, ...]]] = []
    for d in events:
        if clusters and d[0] - clusters[-1][-1][1] <= window:
            clusters[-1].append(d)
        else:
            clusters.append([d])
    out = []
    for c in clusters:
        if len(c) < need:
            continue
        start, end = c[0][0], c[-1][1]
        evidence = tuple(f for d in c for f in d[2])
        gaps = [round((d[1] - d[0]).total_seconds(), 3) for d in c]
        out.append(
            Finding(
                "unstable_connection",
                "minor",
                ctx.charger_id,
                None,
                start,
                end,
                evidence,
                {"disconnections": len(c), "silences_s": gaps},
                f"The connection dropped {len(c)} times between {when(start)} and {when(end)} "
                f"(silences of {', '.join(duration(g) for g in gaps[:6])}) without the charger "
                "rebooting.",
                "Check the network link: mobile signal strength, SIM data plan, router or "
                "firewall idle timeouts, and the websocket ping interval.",
            )
        )
    return out


def _boots(ctx: ChargerContext) -> list[tuple[Any, str]]:
    """Each BootNotification with its role: first, retry or reboot."""
    ev = ctx.events
    first_sent = ev.stats.get("first_sent_frame")
    out = []
    prev_status: str | None = None
    for i, b in enumerate(ev.boots):
        if i == 0 and (first_sent is None or b.frame_id <= first_sent):
            role = "first"
        elif prev_status is not None and prev_status in ev.proto.BOOT_NOT_ACCEPTED:
            role = "retry"
        else:
            role = "reboot"
        out.append((b, role))
        if b.a_status is not None:
            prev_status = b.a_status
    return out


def _reset_before(ctx: ChargerContext, ts: datetime, within: float) -> Any:
    """The accepted Reset / firmware update the CSMS sent shortly before ``ts``, if any."""
    found = None
    for c in ctx.events.commands:
        if c.ts > ts:
            break
        if c.action in ("Reset", "UpdateFirmware") and (ts - c.ts).total_seconds() <= within:
            found = c
    return found


@rule(
    "reboot",
    "major",
    "Charger rebooted",
    (Threshold("episode_s", 1800, "s", "boots closer than this form one episode (a boot loop)"),),
)
def reboot(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A BootNotification from a charger that was already online and registered (it had sent
    other frames before in the log). Not a reboot: the first contact when the log opens with
    the boot, and registration retries after Pending/Rejected. Boots closer than episode_s are
    one episode (a boot loop is one finding from its first to its last boot)."""
    gap = timedelta(seconds=config.get("reboot", "episode_s"))
    episodes: list[list[Any]] = []
    for b, role in _boots(ctx):
        if role != "reboot":
            continue
        if episodes and b.ts - episodes[-1][-1].ts <= gap:
            episodes[-1].append(b)
        else:
            episodes.append([b])
    out = []
    for ep in episodes:
        first, last = ep[0], ep[-1]
        reasons = sorted({b.reason for b in ep if b.reason})
        asked = _reset_before(ctx, first.ts, 600)
        n = len(ep)
        what = (
            f"rebooted {n} times in {duration((last.ts - first.ts).total_seconds())}"
            if n > 1
            else "rebooted"
        )
        why = f" (reported reason: {', '.join(reasons)})" if reasons else ""
        cause = (
            f"; the CSMS had sent {asked.action} at {when(asked.ts)}" if asked is not None else ""
        )
        sev: Severity = "critical" if n >= 3 else ("info" if asked is not None else "major")
        out.append(
            Finding(
                "reboot",
                sev,
                ctx.charger_id,
                None,
                first.ts,
                last.ts,
                tuple(b.frame_id for b in ep),
                {"boots": n, "reasons": reasons, "requested": asked is not None},
                f"The charger {what} at {when(first.ts)}{why}{cause}.",
                "A requested reset needs no action."
                if asked is not None
                else "Look for power cuts, watchdog resets or crashing firmware; a boot loop "
                "usually needs a firmware update or an on-site visit.",
            )
        )
    return out


@rule("boot_rejected", "major", "Registration not accepted")
def boot_rejected(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A BootNotification answered Pending or Rejected; the finding lasts until a boot is
    accepted (or the last unaccepted boot)."""
    proto = ctx.events.proto
    out = []
    run: list[Any] = []
    for b in ctx.events.boots:
        if b.a_status in proto.BOOT_NOT_ACCEPTED:
            run.append(b)
        elif run:
            end = b.a_ts if b.a_status == proto.BOOT_ACCEPTED and b.a_ts else b.ts
            out.append(_rejected(ctx, run, end, b.a_frame or b.frame_id, True))
            run = []
    if run:
        out.append(_rejected(ctx, run, run[-1].a_ts or run[-1].ts, run[-1].a_frame, False))
    return out


def _rejected(
    ctx: ChargerContext, run: list[Any], end: datetime, end_frame: Any, ok: bool
) -> Finding:
    statuses = sorted({b.a_status for b in run})
    start = run[0].ts
    tail = (
        f"and was accepted at {when(end)}, {duration((end - start).total_seconds())} later"
        if ok
        else "and was never accepted in this log"
    )
    frames = tuple(f for b in run for f in (b.frame_id, b.a_frame) if f is not None)
    if end_frame is not None and end_frame not in frames:
        frames += (end_frame,)
    return Finding(
        "boot_rejected",
        "major" if ok else "critical",
        ctx.charger_id,
        None,
        start,
        end,
        frames,
        {"statuses": statuses, "attempts": len(run), "accepted": ok},
        f"The CSMS answered the charger's registration (BootNotification) with "
        f"{'/'.join(statuses)} {len(run)} time(s) from {when(start)} {tail}.",
        "Check that the charger is registered in the CSMS with exactly this id and that its "
        "serial/vendor match; Pending usually means it awaits approval or configuration.",
    )
