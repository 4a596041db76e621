"""The normalized frame table: its schema, the envelope split, de-duplication and pairing."""

from chargescope.model.schema import (
    CALL,
    CALLERROR,
    CALLRESULT,
    CALLRESULTERROR,
    CONN_SCHEMA,
    FRAME_SCHEMA,
    MESSAGE_TYPES,
    SEND,
    TO_CHARGER,
    TO_CSMS,
)

__all__ = [
    "CALL",
    "CALLERROR",
    "CALLRESULT",
    "CALLRESULTERROR",
    "CONN_SCHEMA",
    "FRAME_SCHEMA",
    "MESSAGE_TYPES",
    "SEND",
    "TO_CHARGER",
    "TO_CSMS",
]
