"""The incident recipes (problem kind and variant) and which OCPP versions each applies to."""

from __future__ import annotations

from dataclasses import dataclass

BOTH = ("1.6", "2.0.1")
V16 = ("1.6",)
V201 = ("2.0.1",)


@dataclass(frozen=True)
class Recipe:
    """One way a problem of ``kind`` shows up in the traffic."""

    kind: str
    variant: str
    versions: tuple[str, ...] = BOTH
    hours: float = 3.0  # longest time the incident takes, for planning
    position: str = "any"  # "start" (at the first boot), "any", "last" (open until the end)

    @property
    def name(self) -> str:
        """``kind/variant``."""
        return f"{self.kind}/{self.variant}"


RECIPES: tuple[Recipe, ...] = (
    Recipe("offline", "network", hours=10),
    Recipe("offline", "ping_timeout", hours=10),
    Recipe("offline", "power_loss", hours=10),
    Recipe("offline", "during_session", hours=14),
    Recipe("unstable_connection", "flaky", hours=4),
    Recipe("unstable_connection", "during_session", hours=10),
    Recipe("reboot", "reset"),
    Recipe("reboot", "watchdog"),
    Recipe("reboot", "boot_loop"),
    Recipe("reboot", "firmware_update"),
    Recipe("boot_rejected", "pending_at_start", position="start"),
    Recipe("boot_rejected", "rejected_after_reboot"),
    Recipe("boot_rejected", "pending_configured", position="start"),
    Recipe("auth_rejected", "authorize"),
    Recipe("auth_rejected", "authorize_then_ok", hours=12),
    Recipe("auth_rejected", "start_rejected"),
    Recipe("empty_id_tag", "accepted", V16, hours=12),
    Recipe("empty_id_tag", "rejected", V16),
    Recipe("no_energy", "ev_never_draws", hours=4),
    Recipe("no_energy", "no_meter_values", hours=2),
    Recipe("no_energy", "remote", hours=4),
    Recipe("fault", "idle", hours=7),
    Recipe("fault", "session", hours=10),
    Recipe("fault", "station", hours=7),
    Recipe("fault", "flapping"),
    Recipe("fault", "open", position="last"),
    Recipe("stuck_transaction", "available", hours=12),
    Recipe("stuck_transaction", "reboot", hours=12),
    Recipe("meter_anomaly", "backwards", hours=12),
    Recipe("meter_anomaly", "reset", hours=12),
    Recipe("meter_anomaly", "jump", hours=12),
    Recipe("call_error", "malformed"),
    Recipe("call_error", "charger_not_implemented"),
    Recipe("call_error", "csms_internal_error"),
    Recipe("call_error", "csms_not_implemented"),
    Recipe("no_response", "csms_silent"),
    Recipe("no_response", "charger_silent"),
    Recipe("command_rejected", "remote_start"),
    Recipe("command_rejected", "remote_stop", hours=12),
    Recipe("command_rejected", "reset"),
    Recipe("command_rejected", "change_availability"),
    Recipe("command_rejected", "unlock"),
    Recipe("command_rejected", "config"),
    Recipe("command_rejected", "trigger"),
    Recipe("firmware_failure", "download_failed"),
    Recipe("firmware_failure", "install_failed"),
    Recipe("firmware_failure", "verification_failed", V201),
    Recipe("firmware_failure", "invalid_signature", V201),
    Recipe("diagnostics_failure", "upload_failed"),
    Recipe("diagnostics_failure", "getlog", V16),
)

RECIPE_BY_NAME: dict[str, Recipe] = {r.name: r for r in RECIPES}


def recipes_for(version: str) -> list[Recipe]:
    """The recipes that apply to chargers speaking ``version``."""
    return [r for r in RECIPES if version in r.versions]
