"""OCPP 1.6J messages of a simulated charger and its CSMS's answers."""

from __future__ import annotations

from typing import Any

from chargescope.simulate.engine import CallError, Process, Sim, Tx

VERSION = "1.6"

#: Internal stop kinds -> StopTransaction reason.
STOP_REASONS: dict[str, str] = {
    "Local": "Local",
    "EVDisconnected": "EVDisconnected",
    "Remote": "Remote",
    "DeAuthorized": "DeAuthorized",
    "EVStop": "Local",
    "Fault": "EmergencyStop",
    "Reboot": "Reboot",
    "PowerLoss": "PowerLoss",
}

#: Config keys: accepted ones, and ones a charger refuses.
CONFIG_OK: tuple[tuple[str, str], ...] = (
    ("ConnectionTimeOut", "90"),
    ("LocalAuthorizeOffline", "true"),
    ("AuthorizationCacheEnabled", "true"),
    ("StopTransactionOnEVSideDisconnect", "true"),
    ("LocalPreAuthorize", "false"),
)
CONFIG_BAD: tuple[tuple[str, str, str], ...] = (
    ("LightIntensity", "80", "NotSupported"),
    ("WebSocketPingInterval", "0", "Rejected"),
    ("MeterValuesSampledData", "Voltage,Temperature", "Rejected"),
    ("FreeVendIdTag", "FREE", "NotSupported"),
)
TRIGGERS: tuple[str, ...] = ("StatusNotification", "Heartbeat", "MeterValues")
AUTH_REJECTS: tuple[str, ...] = ("Invalid", "Blocked", "Expired", "ConcurrentTx")
REMOTE_TOKEN = "Central"


class Dialect:
    """Builds 1.6 payloads for a :class:`Sim` and sends them."""

    version = VERSION
    auth_rejects = AUTH_REJECTS
    config_ok = CONFIG_OK
    config_bad = CONFIG_BAD
    triggers = TRIGGERS

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.spec = sim.spec
        self.fault_codes: dict[int, tuple[str, str | None]] = {}

    # ---- values ----------------------------------------------------------------------------
    def _energy(self, wh: int) -> tuple[str, str]:
        if self.spec.model.energy_unit == "kWh":
            return f"{wh / 1000:.3f}", "kWh"
        return str(wh), "Wh"

    def _samples(
        self, wh: int, power_w: float | None, soc: float | None, ctx: str
    ) -> list[dict[str, Any]]:
        value, unit = self._energy(wh)
        energy: dict[str, Any] = {"value": value, "context": ctx}
        if not self.spec.model.omit_measurand:
            energy["measurand"] = "Energy.Active.Import.Register"
        if unit != "Wh" or not self.spec.model.omit_measurand:
            energy["unit"] = unit
        out = [energy]
        if power_w is not None:
            if unit == "kWh":
                out.append(
                    {
                        "value": f"{power_w / 1000:.2f}",
                        "context": ctx,
                        "measurand": "Power.Active.Import",
                        "unit": "kW",
                    }
                )
            else:
                out.append(
                    {
                        "value": str(int(power_w)),
                        "context": ctx,
                        "measurand": "Power.Active.Import",
                        "unit": "W",
                    }
                )
        if soc is not None:
            out.append(
                {
                    "value": str(int(soc)),
                    "context": ctx,
                    "measurand": "SoC",
                    "unit": "Percent",
                    "location": "EV",
                }
            )
        return out

    # ---- charger calls ---------------------------------------------------------------------
    def boot(self, status: str, interval: int, reason: str) -> int:
        """BootNotification (1.6 carries no reason)."""
        s, m = self.sim, self.spec.model
        req: dict[str, Any] = {
            "chargePointVendor": m.vendor,
            "chargePointModel": m.model,
            "chargePointSerialNumber": self.spec.serial,
            "firmwareVersion": s.firmware,
        }
        if self.spec.index % 3 == 0:
            req["meterType"] = "EM340"
            req["iccid"] = f"8949{self.spec.index:016d}"
        return s.call(
            "BootNotification",
            req,
            lambda ts: {"status": status, "currentTime": s.csms_time(ts), "interval": interval},
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
        """StatusNotification for connector ``c`` (0 = the whole charge point)."""
        s = self.sim
        s.status[c] = status
        if status == "Faulted":
            self.fault_codes[c] = (error, vendor_code)
        req: dict[str, Any] = {"connectorId": c, "errorCode": error, "status": status}
        if info:
            req["info"] = info
        if self.spec.status_timestamp:
            req["timestamp"] = s.ctime()
        if vendor_code:
            req["vendorId"] = self.spec.model.vendor
            req["vendorErrorCode"] = vendor_code
        return s.call("StatusNotification", req, {})

    def report_all(self) -> Process:
        """Re-report every connector's status (after a boot or reconnect)."""
        s = self.sim
        for c in range(self.spec.connectors + 1):
            if s.status[c] == "Faulted":
                code, vendor = self.fault_codes.get(c, ("OtherError", None))
                lat = self.status(c, "Faulted", code, vendor)
            else:
                lat = self.status(c, s.status[c])
            yield lat + s.rng.randint(20, 300)

    def heartbeat(self) -> int:
        """Heartbeat."""
        s = self.sim
        return s.call("Heartbeat", {}, lambda ts: {"currentTime": s.csms_time(ts)})

    def authorize(self, tag: str, status: str) -> int:
        """Authorize ``tag``; the CSMS answers ``status``."""
        return self.sim.call("Authorize", {"idTag": tag}, {"idTagInfo": {"status": status}})

    def tx_start(self, tx: Tx, status: str = "Accepted", trigger: str = "Authorized") -> int:
        """StartTransaction; the CSMS assigns the id and answers ``status``."""
        s = self.sim
        tx.num = s.next_txn_id()
        tx.id = str(tx.num)
        tx.start_wh = tx.last_wh = int(s.meter[tx.connector])
        tx.start_frame_ts = s.now
        req = {
            "connectorId": tx.connector,
            "idTag": tx.id_tag,
            "meterStart": tx.start_wh,
            "timestamp": s.ctime(),
        }
        lat = s.call(
            "StartTransaction", req, {"idTagInfo": {"status": status}, "transactionId": tx.num}
        )
        s.open_session(tx, s.clock.parsed(s.now))
        return lat

    def tx_meter(self, tx: Tx, wh: int, power_w: float | None, soc: float | None) -> int:
        """Periodic MeterValues of a transaction."""
        s = self.sim
        req = {
            "connectorId": tx.connector,
            "transactionId": tx.num,
            "meterValue": [
                {
                    "timestamp": s.ctime(),
                    "sampledValue": self._samples(wh, power_w, soc, "Sample.Periodic"),
                }
            ],
        }
        return s.call("MeterValues", req, {})

    def begin_charging(self, tx: Tx) -> int:
        """The EV starts drawing: StatusNotification Charging."""
        return self.status(tx.connector, "Charging")

    def tx_state(self, tx: Tx, state: str) -> int:
        """A charging-state change: a StatusNotification in 1.6."""
        return self.status(tx.connector, state)

    def tx_stop(self, tx: Tx, kind: str, stop_tag: str | None = None) -> int:
        """StopTransaction for stop ``kind`` (see :data:`STOP_REASONS`)."""
        s = self.sim
        reason = STOP_REASONS[kind]
        wh = int(s.meter[tx.connector])
        req: dict[str, Any] = {"transactionId": tx.num, "meterStop": wh, "timestamp": s.ctime()}
        if stop_tag is not None:
            req["idTag"] = stop_tag
        if not (reason == "Local" and self.spec.omit_local_reason):
            req["reason"] = reason
        if self.spec.model.tx_data:
            req["transactionData"] = [
                {
                    "timestamp": s.ctime(tx.record["start"]),
                    "sampledValue": self._samples(tx.start_wh, None, None, "Transaction.Begin"),
                },
                {
                    "timestamp": s.ctime(),
                    "sampledValue": self._samples(wh, None, None, "Transaction.End"),
                },
            ]
        answer = {"idTagInfo": {"status": "Accepted"}} if stop_tag is not None else {}
        lat = s.call("StopTransaction", req, answer)
        tx.stop_frame_ts = s.now
        s.close_session(tx, s.clock.parsed(s.now), wh, reason)
        return lat

    def clock_meter(self, wh: int, ctx: str = "Sample.Clock") -> int:
        """Station meter values outside any transaction (connector 0)."""
        s = self.sim
        value, unit = self._energy(wh)
        sample = {
            "value": value,
            "context": ctx,
            "measurand": "Energy.Active.Import.Register",
            "unit": unit,
        }
        req = {"connectorId": 0, "meterValue": [{"timestamp": s.ctime(), "sampledValue": [sample]}]}
        return s.call("MeterValues", req, {})

    def fault_event(self, c: int | None, active: bool, tech: str) -> int:
        """1.6 has no event reporting beyond StatusNotification."""
        return 0

    def firmware_status(self, status: str, request_id: int) -> int:
        """FirmwareStatusNotification."""
        return self.sim.call("FirmwareStatusNotification", {"status": status}, {})

    def log_status(self, status: str, request_id: int, security: bool = False) -> int:
        """DiagnosticsStatusNotification (or the security extension's LogStatusNotification)."""
        if security:
            wire = "UploadFailure" if status == "UploadFailed" else status
            return self.sim.call(
                "LogStatusNotification", {"status": wire, "requestId": request_id}, {}
            )
        return self.sim.call("DiagnosticsStatusNotification", {"status": status}, {})

    def data_transfer(self, answer: dict[str, Any] | CallError) -> int:
        """A vendor DataTransfer."""
        req = {
            "vendorId": f"com.{self.spec.model.vendor.split()[0].lower()}",
            "messageId": "SessionStats",
            "data": f"cnt={self.sim.rng.randint(1, 999)}",
        }
        return self.sim.call("DataTransfer", req, answer)

    def malformed(self) -> tuple[str, str, str]:
        """A payload the schema rejects: (action, text, what is wrong)."""
        s = self.sim
        pick = s.rng.randrange(4)
        c = 1
        if pick == 0:
            return (
                "StatusNotification",
                f'{{"connectorId":{c},"status":"{s.status[c]}"}}',
                "required property errorCode missing",
            )
        if pick == 1:
            return (
                "StatusNotification",
                f'{{"connectorId":{c},"errorCode":"NoError","status":"Ready"}}',
                "status 'Ready' is not in the enum",
            )
        if pick == 2:
            value, unit = self._energy(int(s.main_meter))
            return (
                "MeterValues",
                f'{{"connectorId":0,"meterValue":[{{"timestamp":"{s.ctime()}",'
                f'"sampledValue":[{{"value":{value},"unit":"{unit}"}}]}}]}}',
                "sampledValue.value is a number, not a string",
            )
        return ("Heartbeat", f'{{"timestamp":"{s.ctime()}"}}', "Heartbeat allows no properties")

    # ---- CSMS commands ---------------------------------------------------------------------
    def remote_start(self, c: int, tag: str, status: str) -> int:
        """RemoteStartTransaction."""
        return self.sim.command(
            "RemoteStartTransaction", {"connectorId": c, "idTag": tag}, {"status": status}
        )

    def remote_stop(self, tx: Tx, status: str) -> int:
        """RemoteStopTransaction."""
        return self.sim.command(
            "RemoteStopTransaction", {"transactionId": tx.num}, {"status": status}
        )

    def reset(self, hard: bool, status: str) -> int:
        """Reset."""
        return self.sim.command("Reset", {"type": "Hard" if hard else "Soft"}, {"status": status})

    def change_availability(self, c: int, operative: bool, status: str) -> int:
        """ChangeAvailability."""
        req = {"connectorId": c, "type": "Operative" if operative else "Inoperative"}
        return self.sim.command("ChangeAvailability", req, {"status": status})

    def unlock(self, c: int, status: str) -> int:
        """UnlockConnector."""
        return self.sim.command("UnlockConnector", {"connectorId": c}, {"status": status})

    def unlock_fail_status(self) -> str:
        """A refusal of UnlockConnector."""
        return self.sim.rng.choice(("UnlockFailed", "NotSupported"))

    def set_config(self, key: str, value: str, status: str) -> int:
        """ChangeConfiguration."""
        return self.sim.command(
            "ChangeConfiguration", {"key": key, "value": value}, {"status": status}
        )

    def get_config(self, answer: Any = None) -> int:
        """GetConfiguration of a few keys."""
        sp = self.spec
        keys = [
            ("HeartbeatInterval", str(sp.heartbeat_interval)),
            ("MeterValueSampleInterval", str(sp.meter_interval)),
            ("NumberOfConnectors", str(sp.connectors)),
        ]
        body = {
            "configurationKey": [
                {"key": k, "readonly": k == "NumberOfConnectors", "value": v} for k, v in keys
            ]
        }
        return self.sim.command(
            "GetConfiguration", {"key": [k for k, _ in keys]}, body if answer is None else answer
        )

    def trigger(self, message: str, c: int | None, status: str) -> int:
        """TriggerMessage."""
        req: dict[str, Any] = {"requestedMessage": message}
        if c is not None:
            req["connectorId"] = c
        return self.sim.command("TriggerMessage", req, {"status": status})

    def trigger_fail_status(self) -> str:
        """A refusal of TriggerMessage."""
        return self.sim.rng.choice(("Rejected", "NotImplemented"))

    def update_firmware(self, request_id: int) -> int:
        """UpdateFirmware (1.6 answers with an empty object)."""
        s = self.sim
        req = {
            "location": f"https://fw.example.net/{self.spec.model.serial_prefix}/"
            f"fw-{request_id}.bin",
            "retrieveDate": s.csms_time(s.now + 60_000),
            "retries": 1,
        }
        return s.command("UpdateFirmware", req, {})

    def get_log(self, request_id: int, security: bool = False) -> int:
        """GetDiagnostics (or the security extension's GetLog)."""
        s = self.sim
        name = f"diag-{self.spec.serial}-{request_id}.zip"
        if security:
            req = {
                "log": {"remoteLocation": "ftp://diag.example.net/upload/"},
                "logType": "DiagnosticsLog",
                "requestId": request_id,
            }
            return s.command("GetLog", req, {"status": "Accepted", "filename": name})
        req2 = {
            "location": "ftp://diag.example.net/upload/",
            "startTime": s.csms_time(s.now - 86_400_000),
            "stopTime": s.csms_time(s.now),
        }
        return s.command("GetDiagnostics", req2, {"fileName": name})

    def unsupported_command(self) -> tuple[str, dict[str, Any]]:
        """A command some chargers do not implement."""
        return self.sim.rng.choice(
            (
                ("GetCompositeSchedule", {"connectorId": 1, "duration": 3600}),
                (
                    "ReserveNow",
                    {
                        "connectorId": 1,
                        "expiryDate": self.sim.csms_time(self.sim.now + 900_000),
                        "idTag": "04A2B3C4D5",
                        "reservationId": self.sim.rng.randint(1, 99),
                    },
                ),
                ("GetLocalListVersion", {}),
            )
        )

    def remote_token(self) -> str:
        """Token type of app sessions (not on the wire in 1.6)."""
        return REMOTE_TOKEN
