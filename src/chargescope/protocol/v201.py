"""OCPP 2.0.1 (and 2.1) knowledge the analysis needs, as data (same names as ``protocol/v16.py``)."""

from __future__ import annotations

VERSION = "2.0.1"

STATUS_ACTION = "StatusNotification"
CONNECTOR_STATUSES = frozenset({"Available", "Occupied", "Reserved", "Unavailable", "Faulted"})
FAULTED = "Faulted"
AVAILABLE = "Available"
UNAVAILABLE = "Unavailable"
OCCUPIED = frozenset({"Occupied"})
#: 2.0.1 reports charging in TransactionEvent.transactionInfo.chargingState, not the connector.
CHARGING = frozenset({"Charging"})
NO_ERROR = "NoError"

TX_START = frozenset[str]()
TX_STOP = frozenset[str]()
TX_EVENT = frozenset({"TransactionEvent"})
TX_ACTIONS = TX_EVENT
#: TransactionEvent.eventType values.
TX_STARTED = "Started"
TX_UPDATED = "Updated"
TX_ENDED = "Ended"
#: Stop reason when an Ended event omits stoppedReason (2.0.1: Local is the default too).
DEFAULT_STOP_REASON = "Local"

ENERGY_MEASURAND = "Energy.Active.Import.Register"
POWER_MEASURAND = "Power.Active.Import"
SOC_MEASURAND = "SoC"

BOOT_ACCEPTED = "Accepted"
BOOT_NOT_ACCEPTED = frozenset({"Pending", "Rejected"})
AUTH_ACCEPTED = "Accepted"
#: Actions whose answer carries an authorisation status (idTokenInfo.status).
AUTH_ACTIONS = frozenset({"Authorize", "TransactionEvent"})

COMMANDS = frozenset(
    {
        "RequestStartTransaction",
        "RequestStopTransaction",
        "Reset",
        "ChangeAvailability",
        "UnlockConnector",
        "SetVariables",
        "TriggerMessage",
        "ClearCache",
        "ReserveNow",
        "CancelReservation",
        "SetChargingProfile",
        "ClearChargingProfile",
        "SendLocalList",
        "DataTransfer",
        "InstallCertificate",
        "DeleteCertificate",
        "CertificateSigned",
        "SetNetworkProfile",
        "SetMonitoringBase",
        "SetVariableMonitoring",
        "ClearVariableMonitoring",
        "UpdateFirmware",
        "GetLog",
        "SetDisplayMessage",
        "ClearDisplayMessage",
    }
)
COMMAND_REFUSED = frozenset(
    {
        "Rejected",
        "NotSupported",
        "UnlockFailed",
        "OngoingAuthorizedTransaction",
        "UnknownConnector",
        "NotImplemented",
        "Failed",
        "UnknownComponent",
        "UnknownVariable",
        "VersionMismatch",
        "InvalidCertificate",
        "RevokedCertificate",
    }
)

FIRMWARE_ACTIONS = frozenset({"FirmwareStatusNotification"})
FIRMWARE_FAILED = frozenset(
    {
        "DownloadFailed",
        "InstallationFailed",
        "InstallVerificationFailed",
        "InvalidSignature",
    }
)
FIRMWARE_DONE = frozenset({"Installed"})
FIRMWARE_START = frozenset({"Downloading", "DownloadScheduled"})
DIAGNOSTICS_ACTIONS = frozenset({"LogStatusNotification"})
DIAGNOSTICS_FAILED = frozenset(
    {"UploadFailed", "UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation"}
)
DIAGNOSTICS_DONE = frozenset({"Uploaded"})
DIAGNOSTICS_START = frozenset({"Uploading"})
