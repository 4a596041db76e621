"""Maintenance rules: failed firmware updates and failed diagnostics/log uploads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chargescope.rules.base import (
    ChargerContext,
    Finding,
    RuleConfig,
    Threshold,
    duration,
    rule,
    when,
)


def _failed_runs(
    events: list[Any],
    start: frozenset[str],
    failed: frozenset[str],
    done: frozenset[str],
    retry: timedelta,
) -> list[list[Any]]:
    """Runs of progress reports that end in a failure not followed by a retry."""
    runs: list[list[Any]] = []
    run: list[Any] = []
    for i, e in enumerate(events):
        if e.status in ("Idle",) and not run:
            continue
        run.append(e)
        if e.status in done:
            run = []
        elif e.status in failed:
            nxt = events[i + 1] if i + 1 < len(events) else None
            retried = nxt is not None and nxt.status in start and nxt.ts - e.ts <= retry
            if not retried:
                runs.append(run)
                run = []
    return runs


def _progress_rule(ctx: ChargerContext, config: RuleConfig, kind: str) -> list[Finding]:
    p = ctx.events.proto
    fw = kind == "firmware_failure"
    actions = p.FIRMWARE_ACTIONS if fw else p.DIAGNOSTICS_ACTIONS
    events = [e for e in ctx.events.progress if e.action in actions and e.status]
    retry = timedelta(seconds=config.get(kind, "retry_window_s"))
    runs = _failed_runs(
        events,
        p.FIRMWARE_START if fw else p.DIAGNOSTICS_START,
        p.FIRMWARE_FAILED if fw else p.DIAGNOSTICS_FAILED,
        p.FIRMWARE_DONE if fw else p.DIAGNOSTICS_DONE,
        retry,
    )
    out = []
    what = "firmware update" if fw else "diagnostics upload"
    for run in runs:
        first, last = run[0], run[-1]
        tries = sum(
            1 for e in run if e.status in (p.FIRMWARE_FAILED if fw else p.DIAGNOSTICS_FAILED)
        )
        out.append(
            Finding(
                kind,
                "major" if fw else "minor",
                ctx.charger_id,
                None,
                first.ts,
                last.ts,
                tuple(e.frame_id for e in run),
                {"status": last.status, "statuses": [e.status for e in run], "attempts": tries},
                f"A {what} that began at {when(first.ts)} ended in {last.status} at "
                f"{when(last.ts)} after {tries} failed attempt(s) over "
                f"{duration((last.ts - first.ts).total_seconds())}.",
                "Check the download URL, credentials and certificate, the file's signature and "
                "the charger's free storage; retry the update."
                if fw
                else "Check the upload location, its credentials and reachability from the charger.",
            )
        )
    return out


@rule(
    "firmware_failure",
    "major",
    "Firmware update failed",
    (
        Threshold(
            "retry_window_s", 3600, "s", "a new download this soon after a failure is a retry"
        ),
    ),
)
def firmware_failure(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A firmware update that ends in DownloadFailed, InstallationFailed,
    InstallVerificationFailed or InvalidSignature (after retries); spans the first Downloading
    to the failure."""
    return _progress_rule(ctx, config, "firmware_failure")


@rule(
    "diagnostics_failure",
    "minor",
    "Diagnostics or log upload failed",
    (Threshold("retry_window_s", 3600, "s", "a new upload this soon after a failure is a retry"),),
)
def diagnostics_failure(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A diagnostics or log upload that ends in UploadFailed (or BadMessage, PermissionDenied,
    ...) after retries; spans the first Uploading to the failure."""
    return _progress_rule(ctx, config, "diagnostics_failure")
