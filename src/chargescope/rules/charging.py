"""Charging rules: rejected and empty id tags, sessions without energy, stuck transactions, meters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chargescope.rules.base import (
    ChargerContext,
    Finding,
    RuleConfig,
    Threshold,
    duration,
    energy,
    rule,
    when,
)
from chargescope.sessions.transactions import Session

#: What an authorisation status means for the driver.
AUTH_MEANING: dict[str, str] = {
    "Invalid": "the card or app token is unknown to the CSMS, or its account may not charge "
    "here (restricted or private station, or no valid payment method)",
    "Blocked": "the token is blocked by its operator",
    "Expired": "the token has expired",
    "ConcurrentTx": "the token is already in use in another transaction",
    "NoCredit": "the account has no credit left",
    "NotAllowedTypeEVSE": "the token may not charge at this type of charger",
    "NotAtThisLocation": "the token may not charge at this location",
    "NotAtThisTime": "the token may not charge at this time",
    "Unknown": "the CSMS does not know the token",
}


def _auth_finding(ctx: ChargerContext, e: Any, status: str, conn: Any) -> Finding:
    meaning = AUTH_MEANING.get(status, "the CSMS refused it")
    return Finding(
        "auth_rejected",
        "minor",
        ctx.charger_id,
        conn,
        e.ts,
        e.a_ts or e.ts,
        tuple(f for f in (e.frame_id, e.a_frame) if f is not None),
        {"status": status, "id_tag": e.id_tag, "action": e.action},
        f"The CSMS answered {e.action} for id tag {e.id_tag!r} with {status} at {when(e.ts)}: "
        f"{meaning}. The driver could not charge with it.",
        "Check the token in the CSMS (known, active, not expired, tied to an account with a "
        "payment method and access to this site); tell the driver if the card is blocked.",
    )


@rule("auth_rejected", "minor", "Authorisation rejected")
def auth_rejected(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """An Authorize, StartTransaction or TransactionEvent answer whose idTagInfo/idTokenInfo
    status is not Accepted (Invalid, Blocked, Expired, ConcurrentTx, ...). One finding per
    rejected Authorize or transaction."""
    accepted = ctx.events.proto.AUTH_ACCEPTED
    out = []
    for e in ctx.events.auth:
        if e.a_auth is not None and e.a_auth != accepted:
            out.append(_auth_finding(ctx, e, e.a_auth, None))
    seen: set[Any] = set()
    for e in ctx.events.tx:
        if e.a_auth is None or e.a_auth == accepted:
            continue
        key = e.a_tx_id or e.tx_id or e.frame_id
        if key in seen:
            continue
        seen.add(key)
        out.append(_auth_finding(ctx, e, e.a_auth, e.connector_id))
    return sorted(out, key=lambda f: f.start)


@rule("empty_id_tag", "major", "Transaction started with an empty id tag")
def empty_id_tag(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A StartTransaction whose idTag is empty: usually a commissioning error (the charger is not
    set up for the CSMS's authorisation, e.g. free-vend or plug-and-charge without an id)."""
    out = []
    for e in ctx.events.tx:
        if e.action == "StartTransaction" and e.id_tag is not None and e.id_tag.strip() == "":
            out.append(
                Finding(
                    "empty_id_tag",
                    "major",
                    ctx.charger_id,
                    e.connector_id,
                    e.ts,
                    e.ts,
                    (e.frame_id,),
                    {"meter_start": e.meter_start},
                    f"Connector {e.connector_id} started a transaction at {when(e.ts)} with an "
                    "empty idTag, so the session cannot be tied to a driver or billed.",
                    "Check that the charger was commissioned for this CSMS (authorisation mode, "
                    "free-vend id tag); if it persists, raise it with the manufacturer.",
                )
            )
    return out


def _why_no_energy(s: Session) -> str:
    if s.readings == 0:
        return "no MeterValues were reported during it"
    if s.stop_reason in ("DeAuthorized", "Deauthorized"):
        return "it was stopped after the token was de-authorised"
    return "the meter did not move: the vehicle never drew power"


@rule(
    "no_energy",
    "major",
    "Session without energy",
    (Threshold("max_wh", 0.5, "Wh", "a finished session delivering at most this is empty"),),
)
def no_energy(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A finished transaction that delivered no energy (charging without power delivery),
    whatever the cause: the EV never drew, flat or missing MeterValues, stopped right after
    de-authorisation. Spans the start and stop messages."""
    limit = config.get("no_energy", "max_wh")
    out = []
    for s in ctx.sessions:
        if not s.ended or s.start_ts is None or s.end_ts is None:
            continue
        if s.energy_wh is None or s.energy_wh > limit or s.energy_wh < 0:
            continue
        dur = f" lasted {duration(s.duration_s)} but" if s.duration_s is not None else ""
        out.append(
            Finding(
                "no_energy",
                "major",
                ctx.charger_id,
                s.connector_id,
                s.start_ts,
                s.end_ts,
                (s.start_frame, s.end_frame) if s.start_frame is not None else (s.end_frame,),  # type: ignore[arg-type]
                {
                    "transaction_id": s.transaction_id,
                    "energy_wh": s.energy_wh,
                    "stop_reason": s.stop_reason,
                    "readings": s.readings,
                },
                f"Transaction {s.transaction_id} on connector {s.connector_id}{dur} delivered "
                f"{energy(s.energy_wh)} (stop reason {s.stop_reason}): {_why_no_energy(s)}.",
                "If this repeats on the connector, test it with a vehicle: check the cable, "
                "contactor and power module; otherwise ask the driver what happened.",
            )
        )
    return out


def _stuck_reason(ctx: ChargerContext, s: Session, max_open_s: float) -> tuple[str, Any] | None:
    """Why an unended session can no longer end normally, with the frame that shows it."""
    start = s.start_ts
    if start is None:
        return None
    for st in ctx.states:
        if st.start <= start or st.connector_id != s.connector_id:
            continue
        if st.status == ctx.events.proto.AVAILABLE:
            return f"connector {s.connector_id} went Available at {when(st.start)}", (
                st.start_frame,
                st.start,
            )
    for o in ctx.sessions:
        if o is not s and o.connector_id == s.connector_id and o.start_ts and o.start_ts > start:
            return (
                f"connector {s.connector_id} started transaction {o.transaction_id} at "
                f"{when(o.start_ts)}",
                (o.start_frame, o.start_ts),
            )
    for b in ctx.events.boots:
        if b.ts > start:
            return f"the charger rebooted at {when(b.ts)}", (b.frame_id, b.ts)
    open_s = (ctx.events.last_ts - start).total_seconds()
    if open_s > max_open_s:
        return (
            f"it has been open for {duration(open_s)}",
            (ctx.events.stats["last_frame"], ctx.events.last_ts),
        )
    return None


@rule(
    "stuck_transaction",
    "major",
    "Stuck transaction",
    (Threshold("max_open_s", 86400, "s", "an unended transaction open longer than this is stuck"),),
)
def stuck_transaction(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A transaction that never ended and can no longer end normally: its connector went
    Available or started another transaction, or the charger rebooted, without a stop; or it is
    open longer than max_open_s. Spans the start to the frame that shows it."""
    max_open = config.get("stuck_transaction", "max_open_s")
    out = []
    for s in ctx.sessions:
        if s.ended or s.start_frame is None or s.start_ts is None:
            continue
        got = _stuck_reason(ctx, s, max_open)
        if got is None:
            continue
        why, (frame, ts) = got
        out.append(
            Finding(
                "stuck_transaction",
                "major",
                ctx.charger_id,
                s.connector_id,
                s.start_ts,
                ts,
                (s.start_frame, frame),
                {"transaction_id": s.transaction_id, "id_tag": s.id_tag},
                f"Transaction {s.transaction_id} started on connector {s.connector_id} at "
                f"{when(s.start_ts)} was never stopped, but {why}.",
                "Close the transaction in the CSMS (billing stays open otherwise) and check why "
                "the charger lost it (reboot without recovery, firmware bug).",
            )
        )
    return out


@rule(
    "meter_anomaly",
    "minor",
    "Energy meter anomaly",
    (
        Threshold("max_power_kw", 350, "kW", "power assumed when the charger reports none"),
        Threshold(
            "power_factor",
            1.5,
            "x",
            "a rise above this many times the charger's peak power is a jump",
        ),
        Threshold("slack_wh", 100, "Wh", "rise always tolerated between two readings"),
        Threshold("tolerance_wh", 1, "Wh", "a drop larger than this is a backwards step"),
    ),
)
def meter_anomaly(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """The energy register goes backwards, resets (drops to about zero), or rises by more energy
    than the charger's peak power could deliver in the elapsed time. Point finding on the
    anomalous reading."""
    out = []
    for a in ctx.events.anomalies:
        ts: datetime = a.ts
        what = {
            "reset": f"dropped from {energy(a.prev_wh)} to {energy(a.wh)} (reset)",
            "backwards": f"went backwards from {energy(a.prev_wh)} to {energy(a.wh)}",
            "jump": f"jumped by {energy(a.delta_wh)} in {duration(a.dt_s)}, more than its "
            f"peak power of {a.limit_w / 1000:.1f} kW can deliver",
        }[a.anomaly]
        out.append(
            Finding(
                "meter_anomaly",
                "minor",
                ctx.charger_id,
                a.connector_id,
                ts,
                ts,
                tuple(f for f in (a.prev_frame, a.frame_id) if f is not None),
                {
                    "anomaly": a.anomaly,
                    "wh": a.wh,
                    "previous_wh": a.prev_wh,
                    "delta_wh": a.delta_wh,
                    "elapsed_s": a.dt_s,
                    "transaction_id": a.tx_id,
                },
                f"At {when(ts)} the energy register of connector {a.connector_id} {what}.",
                "Check the meter (and its calibration); bill the affected session from the "
                "start/stop readings only after verifying them.",
            )
        )
    return out
