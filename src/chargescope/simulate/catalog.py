"""Vendors, models, site types and demand curves that simulated fleets are drawn from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """One charger model and the protocol habits of its firmware."""

    vendor: str
    model: str
    kind: str  # "AC" | "DC"
    max_power_w: int
    connectors: int
    firmware: tuple[str, ...]
    energy_unit: str  # unit of the energy register in meter values: "Wh" | "kWh"
    omit_measurand: bool  # energy sample without a measurand (the default register)
    tx_data: bool  # 1.6 StopTransaction carries transactionData
    serial_prefix: str


MODELS: tuple[Model, ...] = (
    Model(
        "Alfen",
        "Eve Double Pro-line",
        "AC",
        22_000,
        2,
        ("6.4.0-4220", "6.5.1-4293"),
        "Wh",
        False,
        True,
        "ACE",
    ),
    Model(
        "ABB",
        "Terra AC W22-T-RD-M",
        "AC",
        22_000,
        1,
        ("1.6.9", "1.7.2"),
        "Wh",
        False,
        False,
        "TACW",
    ),
    Model(
        "Wallbox", "Commander 2", "AC", 22_000, 1, ("5.17.41", "6.2.14"), "kWh", False, False, "WBC"
    ),
    Model("KEBA", "KC-P30", "AC", 11_000, 1, ("1.15.0", "1.16.1"), "Wh", True, False, "KC"),
    Model(
        "Schneider Electric",
        "EVlink Pro AC",
        "AC",
        22_000,
        2,
        ("3.4.0.12",),
        "Wh",
        False,
        True,
        "EVB",
    ),
    Model("Zaptec", "Go", "AC", 11_000, 1, ("2.3.1.2", "2.4.0.1"), "kWh", True, False, "ZAP"),
    Model("ABB", "Terra 54", "DC", 50_000, 2, ("1.8.34", "1.9.11"), "Wh", False, True, "T54"),
    Model(
        "Kempower", "S-Series", "DC", 160_000, 2, ("1.31.0", "1.33.2"), "Wh", False, False, "KPS"
    ),
    Model("Alpitronic", "HYC300", "DC", 300_000, 2, ("2.2.3", "2.3.1"), "kWh", False, True, "HYC"),
    Model("Tritium", "RTM75", "DC", 75_000, 1, ("1.4.22",), "kWh", True, False, "RTM"),
    Model("Delta", "UFC 200", "DC", 200_000, 2, ("V1.21.05",), "Wh", False, False, "UFC"),
)


@dataclass(frozen=True)
class SiteType:
    """A kind of site: which chargers it has, how busy it is and when."""

    name: str
    dc_share: float
    size: tuple[int, int]  # chargers per site
    sessions_per_day: float  # mean arrivals per connector per day
    dwell_min: tuple[int, int]  # AC dwell time range in minutes
    weekend_factor: float
    hourly: tuple[float, ...]  # relative arrival rate per UTC hour


SITE_TYPES: tuple[SiteType, ...] = (
    SiteType(
        "workplace",
        0.0,
        (3, 8),
        1.6,
        (180, 540),
        0.25,
        (0, 0, 0, 0, 0, 1, 4, 10, 10, 6, 3, 2, 3, 3, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0),
    ),
    SiteType(
        "residential",
        0.0,
        (2, 6),
        1.2,
        (240, 720),
        1.1,
        (1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 6, 4, 3, 2, 1),
    ),
    SiteType(
        "retail",
        0.3,
        (2, 6),
        4.0,
        (30, 150),
        1.3,
        (0, 0, 0, 0, 0, 0, 0, 1, 3, 5, 6, 7, 8, 7, 6, 6, 7, 7, 5, 3, 1, 0, 0, 0),
    ),
    SiteType(
        "highway",
        1.0,
        (2, 6),
        8.0,
        (20, 60),
        1.2,
        (1, 1, 0, 0, 0, 1, 2, 4, 6, 7, 7, 8, 9, 8, 8, 9, 9, 8, 7, 5, 4, 3, 2, 1),
    ),
)

#: Load-management window (UTC hours, start inclusive, end exclusive) at sites that use one.
LOAD_WINDOW: tuple[int, int] = (17, 19)

#: EVs: (AC on-board limit W, DC limit W, battery Wh).
CARS: tuple[tuple[int, int, int], ...] = (
    (7_400, 50_000, 40_000),
    (11_000, 100_000, 58_000),
    (11_000, 135_000, 77_000),
    (22_000, 150_000, 64_000),
    (11_000, 250_000, 82_000),
    (3_700, 45_000, 28_000),
    (11_000, 170_000, 100_000),
)

HEARTBEAT_INTERVALS: tuple[tuple[int, float], ...] = (
    (60, 0.02),
    (120, 0.05),
    (300, 0.25),
    (600, 0.33),
    (900, 0.35),
)

#: 1.6 StatusNotification error codes a fault is reported with, and vendor codes seen with them.
FAULT_CODES_16: tuple[str, ...] = (
    "GroundFailure",
    "HighTemperature",
    "OverCurrentFailure",
    "PowerSwitchFailure",
    "InternalError",
    "OtherError",
    "ConnectorLockFailure",
    "EVCommunicationError",
    "PowerMeterFailure",
    "UnderVoltage",
    "OverVoltage",
    "ReaderFailure",
)

#: 2.0.1 techCodes reported in NotifyEvent problems.
TECH_CODES_201: tuple[str, ...] = (
    "RCD_TRIP",
    "OVERTEMP",
    "OVERCURRENT",
    "CONTACTOR_WELD",
    "LOCK_FAIL",
    "ISO_FAULT",
    "PLC_COMM",
    "METER_COMM",
)
