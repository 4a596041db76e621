"""chargescope: read OCPP logs in any common layout, pair the frames, and explain what happened."""

from chargescope.errors import (
    ChargescopeError,
    ConfigError,
    EmptyInputError,
    InputError,
    UnknownLayoutError,
)

__version__ = "0.1.0"

__all__ = [
    "ChargescopeError",
    "ConfigError",
    "EmptyInputError",
    "InputError",
    "UnknownLayoutError",
    "__version__",
]
