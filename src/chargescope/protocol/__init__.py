"""OCPP knowledge as data: actions per version, who sends them, and the official schemas."""

from chargescope.protocol.actions import (
    CHARGER_ACTIONS,
    CSMS_ACTIONS,
    V16_ACTIONS,
    V21_ACTIONS,
    V201_ACTIONS,
)

__all__ = ["CHARGER_ACTIONS", "CSMS_ACTIONS", "V16_ACTIONS", "V201_ACTIONS", "V21_ACTIONS"]
