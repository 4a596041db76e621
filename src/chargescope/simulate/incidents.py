"""Incident scripts: each operational problem kind in its variants, recording its ground truth."""

from __future__ import annotations

from collections.abc import Callable

from chargescope.simulate.background import first_boot
from chargescope.simulate.catalog import FAULT_CODES_16, TECH_CODES_201
from chargescope.simulate.dialect import Dialect
from chargescope.simulate.engine import NO_ANSWER, CallError, Process, Sim
from chargescope.simulate.lifecycle import boot_sequence, come_back, go_down, reboot, restart
from chargescope.simulate.plan import Recipe
from chargescope.simulate.session import Flavor, session

_S = 1_000
_MIN = 60_000
_HOUR = 3_600_000

Script = Callable[[Sim, Dialect, str], Process]


def _connector(sim: Sim) -> int:
    """A connector that is not Faulted (1 when all are)."""
    ok = [c for c in range(1, sim.spec.connectors + 1) if sim.status[c] != "Faulted"]
    return sim.rng.choice(ok) if ok else 1


def _threshold(sim: Sim) -> int:
    """Silence longer than this is offline."""
    return max(30 * _MIN, 3 * sim.spec.heartbeat_interval * _S)


def _room(sim: Sim, margin: int = 2 * _HOUR) -> int:
    return max(sim.t_end - sim.now - margin, 0)


# ---- connectivity ------------------------------------------------------------------------
def offline(sim: Sim, d: Dialect, variant: str) -> Process:
    """A silence far longer than the heartbeat: network loss, dead peer, power loss."""
    rng = sim.rng
    low = _threshold(sim) + 15 * _MIN
    gap = min(rng.randint(low, max(low + 20 * _MIN, 8 * _HOUR)), max(_room(sim), low))
    if variant == "during_session":
        fl = Flavor(dwell_ms=rng.randint(20, 40) * _MIN + gap // 2)
        sim.spawn(session(sim, d, _connector(sim), fl))
        yield rng.randint(8, 20) * _MIN
    detail, after = "1006 abnormal closure", 0
    if variant == "ping_timeout":
        detail, after = "ping timeout", rng.randint(60, 300) * _S
    yield from go_down(sim, detail, after)
    t_down = sim.now
    boots: list[int] = []
    if variant == "power_loss":
        boots = yield from restart(sim, d, gap, "PowerUp")
    else:
        yield gap
        yield from come_back(sim, d)
    sim.finding(
        "offline",
        ("before", t_down),
        ("after", t_down + gap),
        variant=variant,
        rebooted=bool(boots),
    )
    if boots:
        sim.finding(
            "reboot",
            boots[0],
            boots[-1],
            variant="power_loss",
            cause="power loss",
            boots=len(boots),
        )


def unstable(sim: Sim, d: Dialect, variant: str) -> Process:
    """Several short websocket drops within a couple of hours, no boot, no long silence."""
    rng = sim.rng
    if variant == "during_session":
        fl = Flavor(auth="rfid", dwell_ms=rng.randint(150, 300) * _MIN)
        sim.spawn(session(sim, d, _connector(sim), fl))
        yield rng.randint(5, 20) * _MIN
    count = rng.randint(3, 6)
    first_down = last_up = 0
    for i in range(count):
        yield rng.randint(4, 35) * _MIN
        yield from go_down(
            sim, rng.choice(("1006 abnormal closure", "1001 going away", "ping timeout"))
        )
        if i == 0:
            first_down = sim.now
        yield rng.randint(10, 240) * _S
        last_up = sim.now
        yield from come_back(sim, d)
    sim.finding(
        "unstable_connection",
        ("before", first_down),
        ("after", last_up),
        variant=variant,
        disconnects=count,
    )


# ---- boots -------------------------------------------------------------------------------
def reboots(sim: Sim, d: Dialect, variant: str) -> Process:
    """The charger boots again: reset, watchdog, boot loop, firmware update."""
    rng = sim.rng
    if variant == "reset":
        yield d.reset(rng.random() < 0.5, "Accepted") + rng.randint(1, 5) * _S
        boots = yield from reboot(
            sim, d, rng.randint(20, 180) * _S, "RemoteReset", "1000 normal closure"
        )
    elif variant == "watchdog":
        boots = yield from reboot(sim, d, rng.randint(30, 300) * _S, "Watchdog")
    elif variant == "boot_loop":
        boots = []
        for _ in range(rng.randint(3, 5)):
            boots += yield from reboot(sim, d, rng.randint(20, 120) * _S, "Watchdog")
            yield rng.randint(30, 600) * _S
    else:
        boots = yield from _firmware_ok(sim, d)
    sim.finding("reboot", boots[0], boots[-1], variant=variant, boots=len(boots))


def _firmware_ok(sim: Sim, d: Dialect) -> Process:
    rng = sim.rng
    rid = sim.next_request_id()
    yield d.update_firmware(rid) + rng.randint(30, 90) * _S
    for status, wait in (
        ("Downloading", (60, 400)),
        ("Downloaded", (5, 30)),
        ("Installing", (30, 120)),
    ):
        yield d.firmware_status(status, rid) + rng.randint(*wait) * _S
    if d.version == "2.0.1":
        yield d.firmware_status("InstallRebooting", rid) + rng.randint(2, 10) * _S
    sim.firmware = sim.firmware + "-p1"
    boots = yield from reboot(
        sim, d, rng.randint(60, 240) * _S, "FirmwareUpdate", "1000 normal closure"
    )
    yield rng.randint(2, 20) * _S
    d.firmware_status("Installed", rid)
    return boots


def _refusals(sim: Sim) -> tuple[str, ...]:
    status = sim.rng.choice(("Pending", "Rejected"))
    return (status,) * sim.rng.randint(1, 4) + ("Accepted",)


def boot_rejected(sim: Sim, d: Dialect, variant: str) -> Process:
    """BootNotification answered Pending or Rejected until, at last, Accepted."""
    rng = sim.rng
    if variant == "rejected_after_reboot":
        answers = _refusals(sim)
        boots = yield from reboot(sim, d, rng.randint(30, 300) * _S, "PowerUp", answers=answers)
        sim.finding("reboot", boots[0], boots[0], variant="power_cycle", boots=1)
    elif variant == "pending_at_start":
        answers = _refusals(sim)
        boots = yield from first_boot(sim, d, answers)
    else:
        boots = yield from _pending_configured(sim, d)
        answers = ("Pending", "Accepted")
    sim.finding("boot_rejected", boots[0], boots[-1], variant=variant, statuses=list(answers[:-1]))


def _pending_configured(sim: Sim, d: Dialect) -> Process:
    """Pending while the CSMS configures the charger, then it triggers the boot again."""
    rng = sim.rng
    yield rng.randint(1, 600) * _S
    sim.link_up()
    yield rng.randint(100, 1_500)
    boots = [sim.now]
    yield d.boot("Pending", 600, "PowerUp") + rng.randint(5, 30) * _S
    key, value = rng.choice(d.config_ok)
    yield d.set_config(key, value, "Accepted") + rng.randint(2, 20) * _S
    yield d.trigger("BootNotification", None, "Accepted") + rng.randint(100, 1_500)
    more = yield from boot_sequence(sim, d, "Triggered")
    return boots + more


# ---- sessions ----------------------------------------------------------------------------
def auth_rejected(sim: Sim, d: Dialect, variant: str) -> Process:
    """A token refused by Authorize or at transaction start."""
    status = sim.rng.choice(d.auth_rejects)
    if variant == "start_rejected":
        fl = Flavor(start_status=status)
    else:
        fl = Flavor(authorize_reject=status, give_up=variant == "authorize")
    fl.detail = {"variant": variant}
    yield from session(sim, d, _connector(sim), fl)


def empty_id_tag(sim: Sim, d: Dialect, variant: str) -> Process:
    """1.6 StartTransaction with idTag "" (accepted as free vend, or refused)."""
    fl = Flavor(
        auth="empty_tag",
        start_status="Accepted" if variant == "accepted" else "Invalid",
        detail={"variant": variant},
    )
    yield from session(sim, d, _connector(sim), fl)


def no_energy(sim: Sim, d: Dialect, variant: str) -> Process:
    """A transaction that ends having delivered nothing."""
    rng = sim.rng
    fl = Flavor(no_energy=True, dwell_ms=rng.randint(10, 60) * _MIN)
    if variant == "no_meter_values":
        fl.no_meter, fl.dwell_ms = True, rng.randint(2, 30) * _MIN
    elif variant == "remote":
        fl.auth = "app"
    c = _connector(sim)
    tx = yield from session(sim, d, c, fl)
    if tx is not None and tx.stop_frame_ts:
        sim.finding(
            "no_energy",
            tx.start_frame_ts,
            tx.stop_frame_ts,
            connector=c,
            transaction_id=tx.id,
            variant=variant,
        )


def stuck(sim: Sim, d: Dialect, variant: str) -> Process:
    """A transaction that never ends: the connector frees up, or the charger reboots."""
    rng = sim.rng
    cut = rng.randint(15, 90) * _MIN
    c = _connector(sim)
    if variant == "available":
        fl = Flavor(
            cut_after=cut, dwell_ms=cut + 60 * _MIN, stuck=True, detail={"variant": variant}
        )
        yield from session(sim, d, c, fl)
        return
    tx = yield from session(sim, d, c, Flavor(cut_after=cut, dwell_ms=cut + 60 * _MIN))
    boots = yield from reboot(sim, d, rng.randint(30, 180) * _S, "Watchdog")
    if tx is not None and not tx.stop_frame_ts:
        sim.finding(
            "stuck_transaction",
            tx.start_frame_ts,
            boots[0],
            connector=c,
            transaction_id=tx.id,
            seen="rebooted without a stop",
            variant=variant,
        )
    sim.finding("reboot", boots[0], boots[-1], variant="during_transaction", boots=len(boots))


def meter_anomaly(sim: Sim, d: Dialect, variant: str) -> Process:
    """The energy register runs backwards, resets to zero or jumps."""
    dwell = max(12 * sim.spec.meter_interval * _S, 60 * _MIN)
    fl = Flavor(anomaly=variant, dwell_ms=dwell + sim.rng.randint(0, 120) * _MIN)
    yield from session(sim, d, _connector(sim), fl)


# ---- faults ------------------------------------------------------------------------------
def _fault_on(sim: Sim, d: Dialect, c: int) -> Process:
    """Report connector ``c`` Faulted; returns the frame time and the finding detail."""
    rng = sim.rng
    t = sim.now
    if d.version == "1.6":
        code = rng.choice(FAULT_CODES_16)
        vendor = f"E{rng.randint(100, 999)}" if rng.random() < 0.5 else None
        info = "see vendor manual" if rng.random() < 0.2 else None
        yield d.status(c, "Faulted", code, vendor, info) + rng.randint(50, 500)
        return t, {"error_code": code, "vendor_error_code": vendor}
    tech = rng.choice(TECH_CODES_201)
    yield d.status(c, "Faulted") + rng.randint(50, 500)
    if rng.random() < 0.7:
        yield d.fault_event(c, True, tech) + rng.randint(50, 500)
    return t, {"tech_code": tech}


def _fault_off(sim: Sim, d: Dialect, c: int) -> Process:
    """Clear the fault on ``c``; returns the time of the Available status."""
    if d.version == "2.0.1":
        yield d.fault_event(c, False, "") + sim.rng.randint(50, 500)
    t = sim.now
    yield d.status(c, "Available") + sim.rng.randint(50, 500)
    return t


def fault(sim: Sim, d: Dialect, variant: str) -> Process:
    """A Faulted connector until its next non-Faulted status (or the end of the log)."""
    rng = sim.rng
    c = _connector(sim)
    if variant == "station":
        yield from _station_fault(sim, d)
        return
    if variant == "flapping":
        yield from _flapping(sim, d, c)
        return
    if variant == "session":
        cut = rng.randint(5, 15) * _MIN
        tx = yield from session(sim, d, c, Flavor(cut_after=cut, dwell_ms=cut + 30 * _MIN))
        t, detail = yield from _fault_on(sim, d, c)
        if tx is not None and not tx.stop_frame_ts:
            yield d.tx_stop(tx, "Fault") + rng.randint(300, 2_000)
            detail["transaction_id"] = tx.id
    else:
        t, detail = yield from _fault_on(sim, d, c)
    if variant == "open":
        sim.finding("fault", t, ("last",), connector=c, variant=variant, open=True, **detail)
        return
    yield min(rng.randint(5, 360) * _MIN, max(_room(sim, _HOUR), _MIN))
    end = yield from _fault_off(sim, d, c)
    sim.finding("fault", t, end, connector=c, variant=variant, **detail)


def _flapping(sim: Sim, d: Dialect, c: int) -> Process:
    rng = sim.rng
    for _ in range(rng.randint(3, 6)):
        t, detail = yield from _fault_on(sim, d, c)
        yield rng.randint(5, 90) * _S
        end = yield from _fault_off(sim, d, c)
        sim.finding("fault", t, end, connector=c, variant="flapping", **detail)
        yield rng.randint(1, 10) * _MIN


def _station_fault(sim: Sim, d: Dialect) -> Process:
    """1.6: connector 0 Faulted, its connectors Unavailable; 2.0.1: every EVSE Faulted."""
    rng = sim.rng
    conns = range(1, sim.spec.connectors + 1)
    if d.version == "1.6":
        t, detail = yield from _fault_on(sim, d, 0)
        for c in conns:
            yield rng.randint(50, 400)
            d.status(c, "Unavailable")
        yield rng.randint(10, 240) * _MIN
        end = yield from _fault_off(sim, d, 0)
        for c in conns:
            yield rng.randint(50, 400)
            d.status(c, "Available")
        sim.finding("fault", t, end, None, variant="station", **detail)
        return
    tech = rng.choice(TECH_CODES_201)
    yield d.fault_event(None, True, tech) + rng.randint(50, 400)
    starts = {}
    for c in conns:
        starts[c] = sim.now
        yield d.status(c, "Faulted") + rng.randint(50, 400)
    yield rng.randint(10, 240) * _MIN
    yield d.fault_event(None, False, tech) + rng.randint(50, 400)
    for c in conns:
        end = sim.now
        yield d.status(c, "Available") + rng.randint(50, 400)
        sim.finding("fault", starts[c], end, connector=c, variant="station", tech_code=tech)


# ---- protocol errors ---------------------------------------------------------------------
def call_error(sim: Sim, d: Dialect, variant: str) -> Process:
    """A CALLERROR from either side, including answers to malformed payloads."""
    rng = sim.rng
    for _ in range(rng.randint(1, 2)):
        if variant == "malformed":
            action, text, reason = d.malformed()
            code = "FormatViolation"
            if d.version == "1.6" and rng.random() < 0.5:
                code = "FormationViolation"
            lat = sim.call(action, text, CallError(code, f"Payload for {action} is not valid"))
            sim.mark_malformed(sim.last_uid(), action, reason)
            side = "csms"
        elif variant == "charger_not_implemented":
            action, req = d.unsupported_command()
            code = rng.choice(("NotImplemented", "NotSupported"))
            lat = sim.command(action, req, CallError(code, f"{action} is not supported"))
            side = "charger"
        elif variant == "csms_internal_error":
            action, code = "DataTransfer", rng.choice(("InternalError", "GenericError"))
            lat = d.data_transfer(CallError(code, "backend exception"))
            side = "csms"
        else:
            action, code = "SecurityEventNotification", "NotImplemented"
            req = {
                "type": rng.choice(
                    (
                        "StartupOfTheDevice",
                        "SettingSystemTime",
                        "ReconfigurationOfSecurityParameters",
                    )
                ),
                "timestamp": sim.ctime(),
            }
            lat = sim.call(action, req, CallError(code, "Unknown action"))
            side = "csms"
        sim.finding(
            "call_error",
            sim.now + lat,
            action=action,
            error_code=code,
            side=side,
            variant=variant,
            malformed=variant == "malformed",
        )
        yield lat + rng.randint(5, 120) * _S


def no_response(sim: Sim, d: Dialect, variant: str) -> Process:
    """A call that is never answered."""
    rng = sim.rng
    t = sim.now
    sim.override = NO_ANSWER
    if variant == "csms_silent":
        pick = rng.randrange(3)
        if pick == 0:
            d.heartbeat()
        elif pick == 1:
            c = _connector(sim)
            d.status(c, sim.status[c], force=True)
        else:
            d.data_transfer({"status": "Accepted"})
        side = "csms"
    else:
        if rng.random() < 0.5:
            d.get_config()
        else:
            d.trigger("Heartbeat", None, "Accepted")
        side = "charger"
    sim.finding("no_response", t, action=sim.cols.action[-1], unanswered_by=side, variant=variant)
    yield rng.randint(35, 90) * _S


def command_rejected(sim: Sim, d: Dialect, variant: str) -> Process:
    """A CSMS command the charger refuses."""
    rng = sim.rng
    c = _connector(sim)
    if variant in ("remote_start", "remote_stop"):
        fl = Flavor(auth="app", detail={"variant": variant}, dwell_ms=rng.randint(30, 120) * _MIN)
        fl.remote_start_reject = variant == "remote_start"
        fl.remote_stop_reject = variant == "remote_stop"
        yield from session(sim, d, c, fl)
        return
    connector: int | None = None
    if variant == "reset":
        status = "Rejected"
        lat = d.reset(rng.random() < 0.5, status)
    elif variant == "change_availability":
        status, connector = "Rejected", c
        lat = d.change_availability(c, False, status)
    elif variant == "unlock":
        status, connector = d.unlock_fail_status(), c
        lat = d.unlock(c, status)
    elif variant == "config":
        key, value, status = rng.choice(d.config_bad)
        lat = d.set_config(key, value, status)
    else:
        status = d.trigger_fail_status()
        lat = d.trigger(rng.choice(d.triggers), None, status)
    sim.finding(
        "command_rejected",
        sim.now + lat,
        connector=connector,
        action=sim.cols.action[-1],
        status=status,
        variant=variant,
    )
    yield lat + rng.randint(5, 60) * _S


# ---- firmware and diagnostics ------------------------------------------------------------
_FIRMWARE_STEPS: dict[str, tuple[str, ...]] = {
    "download_failed": ("Downloading", "DownloadFailed"),
    "install_failed": ("Downloading", "Downloaded", "Installing", "InstallationFailed"),
    "verification_failed": ("Downloading", "Downloaded", "InstallVerificationFailed"),
    "invalid_signature": ("Downloading", "Downloaded", "InvalidSignature"),
}


def firmware_failure(sim: Sim, d: Dialect, variant: str) -> Process:
    """UpdateFirmware whose download or installation fails."""
    rng = sim.rng
    rid = sim.next_request_id()
    yield d.update_firmware(rid) + rng.randint(30, 120) * _S
    times = []
    steps = _FIRMWARE_STEPS[variant]
    for status in steps:
        times.append(sim.now)
        yield d.firmware_status(status, rid) + rng.randint(20, 600) * _S
    sim.finding("firmware_failure", times[0], times[-1], variant=variant, status=steps[-1])


def diagnostics_failure(sim: Sim, d: Dialect, variant: str) -> Process:
    """A diagnostics/log upload that fails."""
    rng = sim.rng
    rid = sim.next_request_id()
    security = variant == "getlog"
    yield d.get_log(rid, security) + rng.randint(5, 60) * _S
    start = sim.now
    yield d.log_status("Uploading", rid, security) + rng.randint(30, 300) * _S
    end = sim.now
    d.log_status("UploadFailed", rid, security)
    sim.finding("diagnostics_failure", start, end, variant=variant, action=sim.cols.action[-1])


SCRIPTS: dict[str, Script] = {
    "offline": offline,
    "unstable_connection": unstable,
    "reboot": reboots,
    "boot_rejected": boot_rejected,
    "auth_rejected": auth_rejected,
    "empty_id_tag": empty_id_tag,
    "no_energy": no_energy,
    "fault": fault,
    "stuck_transaction": stuck,
    "meter_anomaly": meter_anomaly,
    "call_error": call_error,
    "no_response": no_response,
    "command_rejected": command_rejected,
    "firmware_failure": firmware_failure,
    "diagnostics_failure": diagnostics_failure,
}


def run_incident(sim: Sim, d: Dialect, recipe: Recipe) -> Process:
    """Take the charger when it is idle, play the recipe, give the charger back."""
    if recipe.position == "start":
        yield from SCRIPTS[recipe.kind](sim, d, recipe.variant)
        return
    while sim.incident or sim.now < sim.calm_until:
        yield 5 * _MIN
    sim.incident = sim.hold = True
    deadline = sim.t_end - int(recipe.hours * _HOUR) - _HOUR
    while any(sim.busy.values()) or not (sim.online and sim.registered):
        if sim.now > deadline:
            break
        yield _MIN
    if sim.now <= deadline:
        yield sim.rng.randint(1, 60) * _S
        yield from SCRIPTS[recipe.kind](sim, d, recipe.variant)
    sim.incident = sim.hold = False
    sim.calm_until = sim.now + _HOUR
