"""Computed indicators: register apps provide functions; reporting never imports them.

A register app calls `register_many(keys, function)` in its AppConfig.ready(); the
function takes (unit, period, on, keys) and returns {None: {key: value}} for the unit as a
whole and {child id: {key: value}} for its children on the map of `on`, so a roll-up asks
each register once. `register(key, function)` adds a single key whose function takes
(unit, period, on) and returns a number or None.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

_SOURCES: dict[str, Callable] = {}


def register(key: str, function: Callable) -> None:
    def many(unit, period, on, keys):
        return {None: {key: function(unit, period, on)}}

    _SOURCES[key] = many


def register_many(keys: Iterable[str], function: Callable) -> None:
    for key in keys:
        _SOURCES[key] = function


def registered_keys() -> list[str]:
    return sorted(_SOURCES)


def _as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def computed_figures(
    indicators: Iterable, *, unit, period, on
) -> tuple[dict[str, Decimal | None], dict[int, dict[str, Decimal | None]]]:
    """The computed indicators' values for the unit, and for each of its children."""
    wanted: dict[Callable, dict[str, str]] = {}
    totals: dict[str, Decimal | None] = {}
    for indicator in indicators:
        if indicator.source != "computed":
            continue
        function = _SOURCES.get(indicator.computed_key)
        if function is None:
            totals[indicator.code] = None
            continue
        wanted.setdefault(function, {})[indicator.computed_key] = indicator.code
    by_child: dict[int, dict[str, Decimal | None]] = {}
    for function, codes in wanted.items():
        figures = function(unit, period, on, tuple(codes))
        for owner, values in figures.items():
            target = totals if owner is None else by_child.setdefault(owner, {})
            for key, code in codes.items():
                if owner is None or key in values:
                    target[code] = _as_decimal(values.get(key))
    return totals, by_child


def computed_values(indicators: Iterable, *, unit, period, on) -> dict[str, Decimal | None]:
    return computed_figures(indicators, unit=unit, period=period, on=on)[0]
