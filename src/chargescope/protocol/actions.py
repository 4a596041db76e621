"""Which actions exist in each OCPP version and which side sends them, read from the schemas."""

from __future__ import annotations

from functools import cache
from importlib import resources

_CHARGER_SENT = frozenset(
    {
        "Authorize",
        "BootNotification",
        "DataTransfer",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StartTransaction",
        "StatusNotification",
        "StopTransaction",
        "SecurityEventNotification",
        "SignCertificate",
        "LogStatusNotification",
        "SignedFirmwareStatusNotification",
        "TransactionEvent",
        "NotifyEvent",
        "NotifyReport",
        "NotifyMonitoringReport",
        "NotifyChargingLimit",
        "NotifyCustomerInformation",
        "NotifyDisplayMessages",
        "NotifyEVChargingNeeds",
        "NotifyEVChargingSchedule",
        "ClearedChargingLimit",
        "Get15118EVCertificate",
        "GetCertificateStatus",
        "PublishFirmwareStatusNotification",
        "ReportChargingProfiles",
        "ReservationStatusUpdate",
        "GetCertificateChainStatus",
        "NotifyAllowedEnergyTransfer",
        "NotifyDERAlarm",
        "NotifyDERStartStop",
        "NotifyPriorityCharging",
        "NotifySettlement",
        "NotifyWebPaymentStarted",
        "OpenPeriodicEventStream",
        "ClosePeriodicEventStream",
        "NotifyPeriodicEventStream",
        "PullDynamicScheduleUpdate",
        "ReportDERControl",
        "BatterySwap",
        "VatNumberValidation",
    }
)


@cache
def _requests(version_pkg: str, suffix: str) -> frozenset[str]:
    """Request action names from the schema file names of one ``ocpp`` version package."""
    folder = resources.files("ocpp").joinpath(version_pkg, "schemas")
    names = [p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")]
    if suffix:
        return frozenset(n[: -len(suffix)] for n in names if n.endswith(suffix))
    return frozenset(n for n in names if not n.endswith("Response"))


V16_ACTIONS: frozenset[str] = _requests("v16", "")
V201_ACTIONS: frozenset[str] = _requests("v201", "Request")
V21_ACTIONS: frozenset[str] = _requests("v21", "Request")
#: OCPP 2.1 messages sent as SEND, which get no answer (their schemas have no Request suffix)
V21_SENDS: frozenset[str] = frozenset(n for n in _requests("v21", "") if not n.endswith("Request"))
ALL_ACTIONS = V16_ACTIONS | V201_ACTIONS | V21_ACTIONS | V21_SENDS

#: Actions a charger sends (CALL from charger to CSMS); DataTransfer goes both ways.
CHARGER_ACTIONS: frozenset[str] = _CHARGER_SENT & ALL_ACTIONS
#: Actions the CSMS sends.
CSMS_ACTIONS: frozenset[str] = (ALL_ACTIONS - CHARGER_ACTIONS) | {"DataTransfer"}

#: Actions that only exist in one version family: they tell a charger's version.
ONLY_V16 = V16_ACTIONS - V201_ACTIONS - V21_ACTIONS
ONLY_V2 = (V201_ACTIONS | V21_ACTIONS | V21_SENDS) - V16_ACTIONS
ONLY_V21 = (V21_ACTIONS | V21_SENDS) - V201_ACTIONS
