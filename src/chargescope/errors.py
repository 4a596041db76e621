"""Typed errors raised by the chargescope library; only the CLI turns them into messages and exit codes.

ChargescopeError
├── InputError            a path or stream that cannot be read
│   ├── EmptyInputError   nothing but whitespace in the input
│   └── UnknownLayoutError  no reader recognised the content
└── ConfigError           a bad option, column mapping or config file
"""

from __future__ import annotations


class ChargescopeError(Exception):
    """Base class of every error chargescope raises on purpose."""


class InputError(ChargescopeError):
    """An input path or stream that cannot be read."""


class EmptyInputError(InputError):
    """The input holds no data at all."""


class UnknownLayoutError(InputError):
    """No reader recognised the content; carries each reader's reason."""

    def __init__(self, source: str, reasons: list[tuple[str, str]]) -> None:
        self.source = source
        self.reasons = reasons
        tried = "\n".join(f"  - {name}: {why}" for name, why in reasons)
        super().__init__(
            f"{source}: no known OCPP log layout matched.\nLayouts tried:\n{tried}\n"
            "Force one with --format NAME (see `chargescope formats`), or map the columns of a "
            "CSV with --columns time=COL,charger=COL,direction=COL,frame=COL "
            "(or action=COL,payload=COL instead of frame)."
        )


class ConfigError(ChargescopeError):
    """A bad option, column mapping or configuration file."""
