"""OCPP 1.6 knowledge the analysis needs, as data (same names as ``protocol/v201.py``)."""

from __future__ import annotations

VERSION = "1.6"

#: The action that reports connector status, and the payload field holding the status.
STATUS_ACTION = "StatusNotification"
CONNECTOR_STATUSES = frozenset(
    {
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEVSE",
        "SuspendedEV",
        "Finishing",
        "Reserved",
        "Unavailable",
        "Faulted",
    }
)
FAULTED = "Faulted"
AVAILABLE = "Available"
UNAVAILABLE = "Unavailable"
#: Statuses that mean a cable is plugged in and a vehicle is present.
OCCUPIED = frozenset({"Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing"})
#: Statuses that mean energy may flow.
CHARGING = frozenset({"Charging"})
#: Error code meaning "no error" in a status report.
NO_ERROR = "NoError"

#: Actions that start, update or end a transaction.
TX_START = frozenset({"StartTransaction"})
TX_STOP = frozenset({"StopTransaction"})
TX_EVENT = frozenset[str]()
TX_ACTIONS = TX_START | TX_STOP
#: Stop reason when a StopTransaction omits it (1.6 section 7.44).
DEFAULT_STOP_REASON = "Local"

#: Measurands read for energy, power and state of charge; an omitted measurand means energy.
ENERGY_MEASURAND = "Energy.Active.Import.Register"
POWER_MEASURAND = "Power.Active.Import"
SOC_MEASURAND = "SoC"

BOOT_ACCEPTED = "Accepted"
BOOT_NOT_ACCEPTED = frozenset({"Pending", "Rejected"})
AUTH_ACCEPTED = "Accepted"
#: Actions whose answer carries an authorisation status (idTagInfo.status).
AUTH_ACTIONS = frozenset({"Authorize", "StartTransaction"})

#: CSMS commands whose answer carries a status, and the statuses that mean "refused".
COMMANDS = frozenset(
    {
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "Reset",
        "ChangeAvailability",
        "UnlockConnector",
        "ChangeConfiguration",
        "TriggerMessage",
        "ClearCache",
        "ReserveNow",
        "CancelReservation",
        "SetChargingProfile",
        "ClearChargingProfile",
        "SendLocalList",
        "DataTransfer",
        "ExtendedTriggerMessage",
        "InstallCertificate",
        "DeleteCertificate",
        "CertificateSigned",
    }
)
COMMAND_REFUSED = frozenset(
    {"Rejected", "NotSupported", "UnlockFailed", "NotImplemented", "Failed", "VersionMismatch"}
)

#: Progress reports of firmware updates and diagnostics / log uploads.
FIRMWARE_ACTIONS = frozenset({"FirmwareStatusNotification", "SignedFirmwareStatusNotification"})
FIRMWARE_FAILED = frozenset(
    {"DownloadFailed", "InstallationFailed", "InstallVerificationFailed", "InvalidSignature"}
)
FIRMWARE_DONE = frozenset({"Installed"})
FIRMWARE_START = frozenset({"Downloading", "DownloadScheduled"})
DIAGNOSTICS_ACTIONS = frozenset({"DiagnosticsStatusNotification", "LogStatusNotification"})
DIAGNOSTICS_FAILED = frozenset(
    {"UploadFailed", "UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation"}
)
DIAGNOSTICS_DONE = frozenset({"Uploaded"})
DIAGNOSTICS_START = frozenset({"Uploading"})
