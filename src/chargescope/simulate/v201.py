"""OCPP 2.0.1 messages of a simulated charging station and its CSMS's answers."""

from __future__ import annotations

from typing import Any

from chargescope.simulate.clock import uuid4
from chargescope.simulate.engine import CallError, Process, Sim, Tx

VERSION = "2.0.1"

#: Internal connector states -> 2.0.1 connectorStatus.
CONNECTOR_STATUS: dict[str, str] = {
    "Available": "Available",
    "Preparing": "Occupied",
    "Charging": "Occupied",
    "SuspendedEV": "Occupied",
    "SuspendedEVSE": "Occupied",
    "Finishing": "Occupied",
    "Reserved": "Reserved",
    "Unavailable": "Unavailable",
    "Faulted": "Faulted",
}
CHARGING_STATE: dict[str, str] = {
    "Charging": "Charging",
    "SuspendedEV": "SuspendedEV",
    "SuspendedEVSE": "SuspendedEVSE",
    "Finishing": "EVConnected",
    "Preparing": "EVConnected",
}
#: Internal stop kinds -> (stoppedReason, triggerReason).
STOP_REASONS: dict[str, tuple[str, str]] = {
    "Local": ("Local", "StopAuthorized"),
    "EVDisconnected": ("EVDisconnected", "EVDeparted"),
    "Remote": ("Remote", "RemoteStop"),
    "DeAuthorized": ("DeAuthorized", "Deauthorized"),
    "EVStop": ("StoppedByEV", "ChargingStateChanged"),
    "Fault": ("GroundFault", "AbnormalCondition"),
    "Reboot": ("Reboot", "ResetCommand"),
    "PowerLoss": ("PowerLoss", "AbnormalCondition"),
}
CONFIG_OK: tuple[tuple[str, str], ...] = (
    ("TxCtrlr.EVConnectionTimeOut", "90"),
    ("AuthCtrlr.LocalAuthorizeOffline", "true"),
    ("AuthCacheCtrlr.Enabled", "true"),
    ("TxCtrlr.StopTxOnEVSideDisconnect", "true"),
    ("OCPPCommCtrlr.MessageTimeout", "30"),
)
CONFIG_BAD: tuple[tuple[str, str, str], ...] = (
    ("DisplayCtrlr.Brightness", "80", "UnknownComponent"),
    ("OCPPCommCtrlr.WebSocketPingInterval", "0", "Rejected"),
    ("SampledDataCtrlr.TxUpdatedMeasurands", "Voltage", "Rejected"),
    ("AuthCtrlr.FreeVendIdToken", "FREE", "UnknownVariable"),
)
TRIGGERS: tuple[str, ...] = ("StatusNotification", "Heartbeat", "MeterValues")
AUTH_REJECTS: tuple[str, ...] = (
    "Invalid",
    "Blocked",
    "Expired",
    "ConcurrentTx",
    "NoCredit",
    "NotAtThisTime",
    "Unknown",
    "NotAllowedTypeEVSE",
)


class Dialect:
    """Builds 2.0.1 payloads for a :class:`Sim` and sends them."""

    version = VERSION
    auth_rejects = AUTH_REJECTS
    config_ok = CONFIG_OK
    config_bad = CONFIG_BAD
    triggers = TRIGGERS

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.spec = sim.spec
        self.sent: dict[int, str] = {}
        self.tx_count = sim.rng.randint(1, 5000)
        self.event_id = sim.rng.randint(1, 500)
        self.pending_remote: int | None = None

    # ---- values ----------------------------------------------------------------------------
    def _energy(self, wh: int) -> tuple[float | int, str]:
        if self.spec.model.energy_unit == "kWh":
            return round(wh / 1000, 3), "kWh"
        return wh, "Wh"

    def _sample(
        self, value: float | int, ctx: str, measurand: str | None, unit: str | None, **extra: Any
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"value": value, "context": ctx}
        if measurand:
            out["measurand"] = measurand
        out.update(extra)
        if unit:
            out["unitOfMeasure"] = {"unit": unit}
        return out

    def _meter(
        self, wh: int, power_w: float | None, soc: float | None, ctx: str
    ) -> list[dict[str, Any]]:
        value, unit = self._energy(wh)
        omit = self.spec.model.omit_measurand
        samples = [
            self._sample(
                value,
                ctx,
                None if omit else "Energy.Active.Import.Register",
                None if omit and unit == "Wh" else unit,
            )
        ]
        if power_w is not None:
            if unit == "kWh":
                samples.append(
                    self._sample(round(power_w / 1000, 2), ctx, "Power.Active.Import", "kW")
                )
            else:
                samples.append(self._sample(int(power_w), ctx, "Power.Active.Import", "W"))
        if soc is not None:
            samples.append(self._sample(int(soc), ctx, "SoC", "Percent", location="EV"))
        return [{"timestamp": self.sim.ctime(), "sampledValue": samples}]

    def _evse(self, c: int) -> dict[str, int]:
        return {"id": c, "connectorId": 1}

    # ---- charger calls ---------------------------------------------------------------------
    def boot(self, status: str, interval: int, reason: str) -> int:
        """BootNotification with ``reason``."""
        s, m = self.sim, self.spec.model
        station = {
            "model": m.model,
            "vendorName": m.vendor,
            "serialNumber": self.spec.serial,
            "firmwareVersion": s.firmware,
        }
        self.sent.clear()
        return s.call(
            "BootNotification",
            {"chargingStation": station, "reason": reason},
            lambda ts: {"currentTime": s.csms_time(ts), "interval": interval, "status": status},
        )

    def status(
        self,
        c: int,
        status: str,
        error: str = "NoError",
        vendor_code: str | None = None,
        info: str | None = None,
        force: bool = False,
    ) -> int:
        """StatusNotification when the connector status (as 2.0.1 sees it) changes."""
        s = self.sim
        s.status[c] = status
        wire = CONNECTOR_STATUS[status]
        if c == 0 or (not force and self.sent.get(c) == wire):
            return 0
        self.sent[c] = wire
        req = {"timestamp": s.ctime(), "connectorStatus": wire, "evseId": c, "connectorId": 1}
        return s.call("StatusNotification", req, {})

    def report_all(self) -> Process:
        """Re-report every EVSE's connector status."""
        s = self.sim
        for c in range(1, self.spec.connectors + 1):
            lat = self.status(c, s.status[c], force=True)
            yield lat + s.rng.randint(20, 300)

    def heartbeat(self) -> int:
        """Heartbeat."""
        s = self.sim
        return s.call("Heartbeat", {}, lambda ts: {"currentTime": s.csms_time(ts)})

    def authorize(self, tag: str, status: str) -> int:
        """Authorize an RFID token; the CSMS answers ``status``."""
        return self.sim.call(
            "Authorize",
            {"idToken": {"idToken": tag, "type": "ISO14443"}},
            {"idTokenInfo": {"status": status}},
        )

    def _tx_event(
        self,
        tx: Tx,
        event: str,
        trigger: str,
        info: dict[str, Any],
        meter: list[dict[str, Any]] | None,
        **extra: Any,
    ) -> dict[str, Any]:
        s = self.sim
        req: dict[str, Any] = {
            "eventType": event,
            "timestamp": s.ctime(),
            "triggerReason": trigger,
            "seqNo": tx.seq,
            "transactionInfo": {"transactionId": tx.id, **info},
        }
        tx.seq += 1
        if not s.online:
            req["offline"] = True
        req.update(extra)
        if meter:
            req["meterValue"] = meter
        return req

    def _new_tx_id(self) -> str:
        if self.spec.index % 2:
            return uuid4(self.sim.rng)
        self.tx_count += 1
        return f"{self.spec.serial}-{self.tx_count:06d}"

    def tx_start(self, tx: Tx, status: str = "Accepted", trigger: str = "Authorized") -> int:
        """TransactionEvent Started; the CSMS answers the token with ``status``."""
        s = self.sim
        tx.id = self._new_tx_id()
        tx.start_wh = tx.last_wh = int(s.meter[tx.connector])
        tx.start_frame_ts = s.now
        info: dict[str, Any] = {"chargingState": "Charging"}
        if self.pending_remote is not None:
            info["remoteStartId"] = tx.remote_start_id = self.pending_remote
            trigger = "RemoteStart"
            self.pending_remote = None
        req = self._tx_event(
            tx,
            "Started",
            trigger,
            info,
            self._meter(tx.start_wh, None, None, "Transaction.Begin"),
            evse=self._evse(tx.connector),
            idToken={"idToken": tx.id_tag, "type": tx.token_type},
        )
        lat = s.call("TransactionEvent", req, {"idTokenInfo": {"status": status}})
        s.open_session(tx, s.clock.parsed(s.now))
        return lat

    def tx_meter(self, tx: Tx, wh: int, power_w: float | None, soc: float | None) -> int:
        """TransactionEvent Updated with periodic meter values."""
        req = self._tx_event(
            tx,
            "Updated",
            "MeterValuePeriodic",
            {},
            self._meter(wh, power_w, soc, "Sample.Periodic"),
        )
        return self.sim.call("TransactionEvent", req, {})

    def begin_charging(self, tx: Tx) -> int:
        """The EV starts drawing: already said by TransactionEvent Started."""
        self.sim.status[tx.connector] = "Charging"
        return 0

    def tx_state(self, tx: Tx, state: str) -> int:
        """TransactionEvent Updated for a charging-state change."""
        self.sim.status[tx.connector] = state
        req = self._tx_event(
            tx, "Updated", "ChargingStateChanged", {"chargingState": CHARGING_STATE[state]}, None
        )
        return self.sim.call("TransactionEvent", req, {})

    def tx_stop(self, tx: Tx, kind: str, stop_tag: str | None = None) -> int:
        """TransactionEvent Ended for stop ``kind``."""
        s = self.sim
        reason, trigger = STOP_REASONS[kind]
        if kind == "Fault":
            reason = s.rng.choice(("GroundFault", "OvercurrentFault", "EmergencyStop"))
        wh = int(s.meter[tx.connector])
        info: dict[str, Any] = {
            "chargingState": "EVConnected" if kind != "EVDisconnected" else "Idle"
        }
        if not (reason == "Local" and self.spec.omit_local_reason):
            info["stoppedReason"] = reason
        extra: dict[str, Any] = {}
        if stop_tag is not None:
            extra["idToken"] = {"idToken": stop_tag, "type": tx.token_type}
        req = self._tx_event(
            tx, "Ended", trigger, info, self._meter(wh, None, None, "Transaction.End"), **extra
        )
        answer = {"idTokenInfo": {"status": "Accepted"}} if stop_tag is not None else {}
        lat = s.call("TransactionEvent", req, answer)
        tx.stop_frame_ts = s.now
        s.close_session(tx, s.clock.parsed(s.now), wh, reason)
        return lat

    def clock_meter(self, wh: int, ctx: str = "Sample.Clock") -> int:
        """Station meter values outside any transaction (evseId 0)."""
        value, unit = self._energy(wh)
        sample = self._sample(value, ctx, "Energy.Active.Import.Register", unit)
        req = {
            "evseId": 0,
            "meterValue": [{"timestamp": self.sim.ctime(), "sampledValue": [sample]}],
        }
        return self.sim.call("MeterValues", req, {})

    def fault_event(self, c: int | None, active: bool, tech: str) -> int:
        """NotifyEvent raising or clearing a Problem on an EVSE (or the station)."""
        s = self.sim
        self.event_id += 1
        component: dict[str, Any] = {"name": "ChargingStation"}
        if c is not None:
            component = {"name": "Connector", "evse": self._evse(c)}
        data: dict[str, Any] = {
            "eventId": self.event_id,
            "timestamp": s.ctime(),
            "trigger": "Delta",
            "actualValue": "true" if active else "false",
            "techCode": tech,
            "component": component,
            "variable": {"name": "Problem"},
            "eventNotificationType": "HardWiredNotification",
        }
        if not active:
            data["cleared"] = True
        req = {"generatedAt": s.ctime(), "seqNo": 0, "eventData": [data]}
        return s.call("NotifyEvent", req, {})

    def firmware_status(self, status: str, request_id: int) -> int:
        """FirmwareStatusNotification."""
        return self.sim.call(
            "FirmwareStatusNotification", {"status": status, "requestId": request_id}, {}
        )

    def log_status(self, status: str, request_id: int, security: bool = False) -> int:
        """LogStatusNotification."""
        wire = "UploadFailure" if status == "UploadFailed" else status
        return self.sim.call("LogStatusNotification", {"status": wire, "requestId": request_id}, {})

    def data_transfer(self, answer: dict[str, Any] | CallError) -> int:
        """A vendor DataTransfer."""
        req = {
            "vendorId": f"com.{self.spec.model.vendor.split()[0].lower()}",
            "messageId": "SessionStats",
            "data": {"cnt": self.sim.rng.randint(1, 999)},
        }
        return self.sim.call("DataTransfer", req, answer)

    def malformed(self) -> tuple[str, str, str]:
        """A payload the schema rejects: (action, text, what is wrong)."""
        s = self.sim
        pick = s.rng.randrange(4)
        if pick == 0:
            return (
                "StatusNotification",
                f'{{"timestamp":"{s.ctime()}","connectorStatus":"Charging","evseId":1,'
                f'"connectorId":1}}',
                "connectorStatus 'Charging' is not in the enum",
            )
        if pick == 1:
            return (
                "StatusNotification",
                f'{{"timestamp":"{s.ctime()}","connectorStatus":"Available","evseId":1}}',
                "required property connectorId missing",
            )
        if pick == 2:
            value, unit = self._energy(int(s.main_meter))
            return (
                "MeterValues",
                f'{{"evseId":0,"meterValue":[{{"timestamp":"{s.ctime()}",'
                f'"sampledValue":[{{"value":"{value}"}}]}}]}}',
                "sampledValue.value is a string, not a number",
            )
        return (
            "NotifyEvent",
            f'{{"generatedAt":"{s.ctime()}","eventData":[]}}',
            "seqNo missing and eventData empty",
        )

    # ---- CSMS commands ---------------------------------------------------------------------
    def remote_start(self, c: int, tag: str, status: str) -> int:
        """RequestStartTransaction."""
        rid = self.sim.next_request_id()
        if status == "Accepted":
            self.pending_remote = rid
        req = {"idToken": {"idToken": tag, "type": "Central"}, "remoteStartId": rid, "evseId": c}
        return self.sim.command("RequestStartTransaction", req, {"status": status})

    def remote_stop(self, tx: Tx, status: str) -> int:
        """RequestStopTransaction."""
        return self.sim.command(
            "RequestStopTransaction", {"transactionId": tx.id}, {"status": status}
        )

    def reset(self, hard: bool, status: str) -> int:
        """Reset."""
        return self.sim.command(
            "Reset", {"type": "Immediate" if hard else "OnIdle"}, {"status": status}
        )

    def change_availability(self, c: int, operative: bool, status: str) -> int:
        """ChangeAvailability."""
        req: dict[str, Any] = {"operationalStatus": "Operative" if operative else "Inoperative"}
        if c:
            req["evse"] = {"id": c}
        return self.sim.command("ChangeAvailability", req, {"status": status})

    def unlock(self, c: int, status: str) -> int:
        """UnlockConnector."""
        return self.sim.command(
            "UnlockConnector", {"evseId": c, "connectorId": 1}, {"status": status}
        )

    def unlock_fail_status(self) -> str:
        """A refusal of UnlockConnector."""
        return self.sim.rng.choice(("UnlockFailed", "UnknownConnector"))

    def set_config(self, key: str, value: str, status: str) -> int:
        """SetVariables of one component.variable."""
        comp, var = key.split(".")
        item = {"component": {"name": comp}, "variable": {"name": var}}
        return self.sim.command(
            "SetVariables",
            {"setVariableData": [{**item, "attributeValue": value}]},
            {"setVariableResult": [{"attributeStatus": status, **item}]},
        )

    def get_config(self, answer: Any = None) -> int:
        """GetVariables of a few variables."""
        sp = self.spec
        keys = [
            ("OCPPCommCtrlr", "HeartbeatInterval", str(sp.heartbeat_interval)),
            ("SampledDataCtrlr", "TxUpdatedInterval", str(sp.meter_interval)),
        ]
        items = [{"component": {"name": c}, "variable": {"name": v}} for c, v, _ in keys]
        body = {
            "getVariableResult": [
                {"attributeStatus": "Accepted", "attributeValue": val, **item}
                for item, (_, _, val) in zip(items, keys, strict=True)
            ]
        }
        return self.sim.command(
            "GetVariables", {"getVariableData": items}, body if answer is None else answer
        )

    def trigger(self, message: str, c: int | None, status: str) -> int:
        """TriggerMessage."""
        req: dict[str, Any] = {"requestedMessage": message}
        if c is not None:
            req["evse"] = self._evse(c)
        return self.sim.command("TriggerMessage", req, {"status": status})

    def trigger_fail_status(self) -> str:
        """A refusal of TriggerMessage."""
        return self.sim.rng.choice(("Rejected", "NotImplemented"))

    def update_firmware(self, request_id: int) -> int:
        """UpdateFirmware."""
        s = self.sim
        fw = {
            "location": f"https://fw.example.net/{self.spec.model.serial_prefix}/"
            f"fw-{request_id}.bin",
            "retrieveDateTime": s.csms_time(s.now + 60_000),
        }
        return s.command(
            "UpdateFirmware", {"requestId": request_id, "firmware": fw}, {"status": "Accepted"}
        )

    def get_log(self, request_id: int, security: bool = False) -> int:
        """GetLog."""
        req = {
            "log": {"remoteLocation": "ftp://diag.example.net/upload/"},
            "logType": "DiagnosticsLog",
            "requestId": request_id,
        }
        return self.sim.command(
            "GetLog",
            req,
            {"status": "Accepted", "filename": f"log-{self.spec.serial}-{request_id}.tgz"},
        )

    def unsupported_command(self) -> tuple[str, dict[str, Any]]:
        """A command some stations do not implement."""
        rng = self.sim.rng
        return rng.choice(
            (
                ("GetCompositeSchedule", {"duration": 3600, "evseId": 1}),
                (
                    "GetBaseReport",
                    {"requestId": rng.randint(1, 999), "reportBase": "FullInventory"},
                ),
                ("GetLocalListVersion", {}),
            )
        )

    def remote_token(self) -> str:
        """Token type of app sessions."""
        return "Central"
