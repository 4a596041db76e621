"""Rule thresholds from a TOML file: ``[rules.offline] min_silence_s = 1800``; ``enabled = false``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from chargescope.errors import ConfigError
from chargescope.rules import RULES, RuleConfig


def parse_config(data: dict[str, Any], source: str = "config") -> RuleConfig:
    """A RuleConfig from parsed TOML; unknown rules or thresholds are errors that name the fix."""
    rules = data.get("rules", {})
    unknown_top = sorted(set(data) - {"rules"})
    if unknown_top:
        raise ConfigError(
            f"{source}: unknown section(s) {', '.join(unknown_top)}; only [rules.KIND]"
        )
    if not isinstance(rules, dict):
        raise ConfigError(f"{source}: [rules] must be a table of [rules.KIND] tables")
    values: dict[str, dict[str, float]] = {}
    disabled: set[str] = set()
    for kind, table in rules.items():
        if kind not in RULES:
            raise ConfigError(
                f"{source}: unknown rule {kind!r}; known rules: {', '.join(sorted(RULES))} "
                "(see `chargescope rules`)"
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [rules.{kind}] must be a table")
        names = {t.name for t in RULES[kind].thresholds}
        for name, value in table.items():
            if name == "enabled":
                if value is False:
                    disabled.add(kind)
                continue
            if name not in names:
                known = ", ".join(sorted(names)) or "none"
                raise ConfigError(
                    f"{source}: rule {kind!r} has no setting {name!r} (settings: {known}, enabled)"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(
                    f"{source}: [rules.{kind}] {name} must be a number, got {value!r}"
                )
            values.setdefault(kind, {})[name] = float(value)
    return RuleConfig(values, frozenset(disabled))


def load_config(path: str | Path | None) -> RuleConfig:
    """Read a TOML config file (None: every default)."""
    if path is None:
        return RuleConfig()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(data, str(p))


def default_toml() -> str:
    """A TOML config listing every rule setting with its default (the documented defaults)."""
    lines = ["# chargescope rule settings (defaults). Disable a rule with `enabled = false`."]
    for kind, r in sorted(RULES.items()):
        lines.append(f"\n[rules.{kind}]")
        for t in r.thresholds:
            lines.append(f"{t.name} = {t.default:g}  # {t.unit}: {t.doc}")
    return "\n".join(lines) + "\n"
