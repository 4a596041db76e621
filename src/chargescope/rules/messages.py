"""Message rules: CALLERRORs, rejected answers (OCPP 2.1), unanswered and slow calls, refused
commands, schema violations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chargescope.model.schema import CALLERROR, CALLRESULTERROR, TO_CHARGER
from chargescope.rules.base import (
    ChargerContext,
    Finding,
    RuleConfig,
    Threshold,
    duration,
    rule,
    when,
)


def _side(direction: str) -> tuple[str, str]:
    """(caller, answerer) of a call travelling in ``direction``."""
    return ("CSMS", "charger") if direction == TO_CHARGER else ("charger", "CSMS")


@rule("call_error", "minor", "CALLERROR answer")
def call_error(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Every CALLERROR, from either side, with its error code and the call it answers."""
    out = []
    for e in ctx.events.errors:
        if e.message_type != CALLERROR:
            continue
        # the error travels opposite to its call: the answerer sent it
        answerer = "charger" if e.direction != TO_CHARGER else "CSMS"
        caller = "CSMS" if answerer == "charger" else "charger"
        action = e.action or "an unknown call"
        start = e.ts
        out.append(
            Finding(
                "call_error",
                "minor",
                ctx.charger_id,
                e.connector_id,
                start,
                e.ts,
                tuple(f for f in (e.peer_id, e.frame_id) if f is not None),
                {
                    "error_code": e.error_code,
                    "error_description": e.error_description,
                    "action": e.action,
                    "from": answerer,
                },
                f"The {answerer} answered the {caller}'s {action} with CALLERROR "
                f"{e.error_code}{': ' + e.error_description if e.error_description else ''} at "
                f"{when(e.ts)}.",
                _error_advice(e.error_code, answerer, action),
            )
        )
    return out


@rule("answer_rejected", "minor", "CALLRESULTERROR: an answer rejected (OCPP 2.1)")
def answer_rejected(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Every CALLRESULTERROR (OCPP 2.1): the side that made a call could not accept the answer
    it got, with the error code and the answer it rejects."""
    out = []
    for e in ctx.events.errors:
        if e.message_type != CALLRESULTERROR:
            continue
        # it travels like the call: its sender made the call and rejects the answer
        rejecter = "CSMS" if e.direction == TO_CHARGER else "charger"
        answerer = "charger" if rejecter == "CSMS" else "CSMS"
        action = e.action or "a call"
        detail = f"{e.error_code}{': ' + e.error_description if e.error_description else ''}"
        out.append(
            Finding(
                "answer_rejected",
                "minor",
                ctx.charger_id,
                e.connector_id,
                e.ts,
                e.ts,
                tuple(f for f in (e.peer_id, e.frame_id) if f is not None),
                {
                    "error_code": e.error_code,
                    "error_description": e.error_description,
                    "action": e.action,
                    "from": rejecter,
                },
                f"The {rejecter} rejected the {answerer}'s answer to {action} with "
                f"CALLRESULTERROR {detail} at {when(e.ts)}.",
                f"Compare the {answerer}'s {action} answer with the OCPP 2.1 schema and fix its "
                f"sender; the {rejecter} acted as if the call had failed.",
            )
        )
    return out


def _error_advice(code: str | None, answerer: str, action: str) -> str:
    if code in ("NotImplemented", "NotSupported"):
        return f"The {answerer} does not support {action}: stop sending it or upgrade its software."
    if code in (
        "FormationViolation",
        "PropertyConstraintViolation",
        "TypeConstraintViolation",
        "OccurenceConstraintViolation",
        "OccurrenceConstraintViolation",
        "ProtocolError",
    ):
        return f"The {action} message was malformed for the {answerer}: compare the payload with the OCPP schema and fix the sender."
    return f"Check the {answerer}'s logs around this time for the cause of the error."


@rule(
    "no_response",
    "minor",
    "Call never answered",
    (
        Threshold(
            "timeout_s",
            30,
            "s",
            "a call unanswered after this long has failed (OCPP message timeout)",
        ),
    ),
)
def no_response(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A call never answered within timeout_s (OCPP's usual message timeout). Calls in the last
    timeout_s of the log are not judged."""
    timeout = timedelta(seconds=config.get("no_response", "timeout_s"))
    end = ctx.log_end
    out = []
    for c in ctx.events.unanswered:
        if c.ts + timeout > end:
            continue
        caller, answerer = _side(c.direction)
        out.append(
            Finding(
                "no_response",
                "minor",
                ctx.charger_id,
                c.connector_id,
                c.ts,
                c.ts,
                (c.frame_id,),
                {"action": c.action, "from": caller},
                f"The {caller}'s {c.action} at {when(c.ts)} was never answered by the {answerer}.",
                f"Check the {answerer}'s connectivity and logs at that time; the {caller} may "
                "have acted on a timeout.",
            )
        )
    return out


@rule(
    "command_rejected",
    "minor",
    "Command refused by the charger",
)
def command_rejected(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A CSMS command refused by the charger: RemoteStart/Stop, RequestStart/Stop, Reset,
    ChangeAvailability, UnlockConnector, ChangeConfiguration/SetVariables, TriggerMessage, ...
    answered Rejected, NotSupported, UnlockFailed, NotImplemented and the like."""
    proto = ctx.events.proto
    out = []
    for c in ctx.events.commands:
        if c.a_type != "CALLRESULT" or c.a_status not in proto.COMMAND_REFUSED:
            continue
        extra = f" for {c.key}" if c.key else ""
        out.append(
            Finding(
                "command_rejected",
                "minor",
                ctx.charger_id,
                c.connector_id,
                c.ts,
                c.a_ts,
                (c.frame_id, c.a_frame),
                {
                    "action": c.action,
                    "status": c.a_status,
                    "reason_code": c.a_reason_code,
                    "key": c.key,
                },
                f"The charger answered the CSMS's {c.action}{extra} with {c.a_status} at "
                f"{when(c.a_ts)}.",
                _command_advice(c),
            )
        )
    return out


def _command_advice(c: Any) -> str:
    if c.a_status in ("NotSupported", "NotImplemented"):
        return f"The charger does not support this {c.action}: adjust the CSMS's configuration for this model."
    if c.action in ("RemoteStartTransaction", "RequestStartTransaction"):
        return "The app start failed: check the connector was free and plugged in, and the charger Available."
    if c.action == "UnlockConnector":
        return "The cable could not be unlocked: the driver may be stuck; send a technician if it repeats."
    return (
        "Check the command's parameters and the charger's state at that time; retry if appropriate."
    )


@rule(
    "slow_response",
    "info",
    "Slow answers",
    (
        Threshold("min_latency_s", 10, "s", "an answer slower than this is slow"),
        Threshold("window_s", 3600, "s", "slow answers closer than this form one finding"),
    ),
)
def slow_response(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Calls answered slower than min_latency_s (but answered); slow answers less than window_s
    apart form one finding. Slow CSMS answers delay charging starts and can trip the charger's
    message timeout."""
    limit = config.get("slow_response", "min_latency_s") * 1000
    window = timedelta(seconds=config.get("slow_response", "window_s"))
    groups: list[list[Any]] = []
    for c in ctx.events.slow:
        if c.latency_ms <= limit:
            continue
        if groups and c.ts - groups[-1][-1].ts <= window:
            groups[-1].append(c)
        else:
            groups.append([c])
    out = []
    for g in groups:
        worst = max(g, key=lambda c: c.latency_ms)
        _, answerer = _side(worst.direction)
        out.append(
            Finding(
                "slow_response",
                "info",
                ctx.charger_id,
                None,
                g[0].ts,
                g[-1].ts,
                tuple(f for c in g for f in (c.frame_id, c.peer_id) if f is not None),
                {
                    "calls": len(g),
                    "max_latency_ms": worst.latency_ms,
                    "actions": sorted({c.action for c in g}),
                },
                f"{len(g)} call(s) took longer than {duration(limit / 1000)} to be answered between "
                f"{when(g[0].ts)} and {when(g[-1].ts)} (slowest: {worst.action}, "
                f"{worst.latency_ms / 1000:.1f} s, answered by the {answerer}).",
                f"Check the {answerer}'s load and network latency at that time.",
            )
        )
    return out


@rule("invalid_payload", "info", "Payloads that violate the OCPP schema")
def invalid_payload(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """Payloads that do not match the official OCPP JSON schema for their action; one finding per
    action and message type, with the first violation."""
    out = []
    for v in ctx.events.invalid:
        out.append(
            Finding(
                "invalid_payload",
                "info",
                ctx.charger_id,
                None,
                v.first_ts,
                v.last_ts,
                tuple(v.sample_frames),
                {
                    "action": v.action,
                    "message_type": v.message_type,
                    "count": v.count,
                    "schema_error": v.schema_error,
                },
                f"{v.count} {v.action} {v.message_type} payload(s) violate the OCPP "
                f"{ctx.events.version} schema between {when(v.first_ts)} and {when(v.last_ts)}; "
                f"first problem: {v.schema_error}.",
                "Report the violation to whoever sends it (charger manufacturer or CSMS vendor); "
                "strict peers may reject these messages.",
            )
        )
    return out
