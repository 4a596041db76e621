"""What each charger is: identity from BootNotification, version, connectors, heartbeat, site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chargescope.sessions.context import ChargerEvents

#: Heartbeat interval assumed when neither configured nor observed.
DEFAULT_HEARTBEAT_S = 300.0


@dataclass(frozen=True)
class Inventory:
    """Identity and traffic of one charger."""

    charger_id: str
    vendor: str | None
    model: str | None
    firmware: str | None
    serial: str | None
    ocpp_version: str
    connectors: tuple[int, ...]
    heartbeat_s: float
    heartbeat_source: str  # configured | boot | observed | default
    site_id: str | None
    first_ts: datetime
    last_ts: datetime
    frames: int
    frames_by_action: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (times left as datetimes)."""
        return dict(self.__dict__)


def heartbeat(stats: dict[str, Any]) -> tuple[float, str]:
    """The charger's heartbeat interval and where it came from (configured, boot, observed)."""
    for col, source in (
        ("hb_config_s", "configured"),
        ("hb_boot_s", "boot"),
        ("hb_observed_s", "observed"),
    ):
        v = stats.get(col)
        if v is not None and v > 0:
            return float(v), source
    return DEFAULT_HEARTBEAT_S, "default"


def build_inventory(events: ChargerEvents) -> Inventory:
    """Identity from the latest BootNotification that names it, plus traffic counts."""
    ident: dict[str, Any] = {}
    for b in events.boots:
        for k in ("vendor", "model", "firmware", "serial"):
            if getattr(b, k) is not None:
                ident[k] = getattr(b, k)
    hb, source = heartbeat(events.stats)
    st = events.stats
    conns = tuple(int(c) for c in (st.get("connectors") or []) if c is not None)
    return Inventory(
        charger_id=events.charger_id,
        vendor=ident.get("vendor"),
        model=ident.get("model"),
        firmware=ident.get("firmware"),
        serial=ident.get("serial"),
        ocpp_version=events.version,
        connectors=conns,
        heartbeat_s=hb,
        heartbeat_source=source,
        site_id=st.get("site_id"),
        first_ts=st["first_ts"],
        last_ts=st["last_ts"],
        frames=int(st["frames"]),
        frames_by_action=dict(sorted(events.actions.items())),
    )
