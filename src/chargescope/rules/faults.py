"""Fault rule: connectors (or the whole station) reporting Faulted."""

from __future__ import annotations

from chargescope.rules.base import ChargerContext, Finding, RuleConfig, duration, rule, when
from chargescope.states import StateInterval


@rule("fault", "major", "Connector or station faulted")
def fault(ctx: ChargerContext, config: RuleConfig) -> list[Finding]:
    """A Faulted status (with its error code and vendor code), until the connector's next
    non-Faulted status, or open at the end of the log. Connector 0 means the whole station;
    its connectors then reporting Unavailable is a consequence, not another fault."""
    faulted = ctx.events.proto.FAULTED
    out = []
    states = ctx.states
    for i, st in enumerate(states):
        if st.status != faulted:
            continue
        if i and _continues(states, i):
            continue
        end_state = st
        j = i
        while True:  # merge Faulted -> Faulted (other error code) on the same connector
            nxt = next((s for s in states[j + 1 :] if s.connector_id == st.connector_id), None)
            if nxt is None or nxt.status != faulted:
                break
            end_state = nxt
            j = states.index(nxt)
        codes = sorted(
            {
                s.error_code
                for s in states[i : j + 1]
                if s.connector_id == st.connector_id and s.status == faulted and s.error_code
            }
        )
        vendor = sorted(
            {
                s.vendor_error
                for s in states[i : j + 1]
                if s.connector_id == st.connector_id and s.status == faulted and s.vendor_error
            }
        )
        if not codes:  # 2.0.1: the technical code comes in a NotifyEvent Problem report
            codes = _tech_codes(ctx, st)
        station = st.connector_id == 0
        where = "The whole station" if station else f"Connector {st.connector_id}"
        code = f" with {', '.join(codes)}" if codes else ""
        vcode = f" (vendor code {', '.join(vendor)})" if vendor else ""
        if end_state.end is not None:
            end, end_frame = end_state.end, end_state.end_frame
            span = f"stayed faulted for {duration((end - st.start).total_seconds())}, until {when(end)}"
            open_ = False
        else:
            end, end_frame = ctx.events.last_ts, None
            span = "was still faulted at the end of the log"
            open_ = True
        out.append(
            Finding(
                "fault",
                "critical" if station or open_ else "major",
                ctx.charger_id,
                None if station else st.connector_id,
                st.start,
                end,
                tuple(f for f in (st.start_frame, end_frame) if f is not None),
                {
                    "error_codes": codes,
                    "vendor_error_codes": vendor,
                    "info": st.info,
                    "open": open_,
                },
                f"{where} reported Faulted{code}{vcode} at {when(st.start)} and {span}.",
                _advice(codes),
            )
        )
    return out


def _tech_codes(ctx: ChargerContext, st: StateInterval, within_s: float = 120) -> list[str]:
    """Technical codes of Problem events raised near the start of a Faulted state."""
    out = set()
    for p in ctx.events.problems:
        if str(p.actual).lower() != "true" or not p.tech_code:
            continue
        same = p.connector_id is None or st.connector_id == 0 or p.connector_id == st.connector_id
        if same and abs((p.ts - st.start).total_seconds()) <= within_s:
            out.add(p.tech_code)
    return sorted(out)


def _continues(states: list[StateInterval], i: int) -> bool:
    """The previous state of this connector was Faulted too (already part of a finding)."""
    st = states[i]
    prev = next((s for s in reversed(states[:i]) if s.connector_id == st.connector_id), None)
    return prev is not None and prev.status == st.status


_ADVICE = {
    "GroundFailure": "Ground fault: send a technician to check the RCD, cable and vehicle inlet.",
    "HighTemperature": "Over-temperature: check cooling, fans and filters, and the site's ambient temperature.",
    "OverCurrentFailure": "Over-current: check the cable and contactor; the vehicle may draw beyond its limit.",
    "PowerMeterFailure": "Meter failure: sessions cannot be billed; replace or reset the meter.",
    "ConnectorLockFailure": "Cable lock failure: inspect the socket's locking actuator.",
    "EVCommunicationError": "Vehicle communication error: check the CP/PP contacts and the cable.",
    "ReaderFailure": "RFID reader failure: inspect or replace the reader.",
    "InternalError": "Internal error: remote reset the charger; if it persists, contact the manufacturer.",
    "UnderVoltage": "Supply under-voltage: check the site's electrical supply.",
    "OverVoltage": "Supply over-voltage: check the site's electrical supply.",
}


def _advice(codes: list[str]) -> str:
    for c in codes:
        if c in _ADVICE:
            return _ADVICE[c]
    return "Try a remote reset; if the fault persists, send a technician with the error and vendor codes."
