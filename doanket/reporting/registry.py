"""Computed indicators: register apps provide functions; reporting never imports them.

A register app calls `register("households.count", function)` in its AppConfig.ready();
the function takes (unit, period, on) and returns a number or None.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

_SOURCES: dict[str, Callable] = {}


def register(key: str, function: Callable) -> None:
    _SOURCES[key] = function


def registered_keys() -> list[str]:
    return sorted(_SOURCES)


def computed_values(indicators: Iterable, *, unit, period, on) -> dict[str, Decimal | None]:
    values = {}
    for indicator in indicators:
        if indicator.source != "computed":
            continue
        function = _SOURCES.get(indicator.computed_key)
        values[indicator.code] = None if function is None else function(unit, period, on)
    return values
