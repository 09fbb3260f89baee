"""The report forms' computed indicators, from the household registers' counters."""

from doanket.households.selectors import KEYS, register_figures
from doanket.reporting.registry import register_many


def figures(unit, period, on, keys):
    return register_figures(unit, period.year, on, keys)


def register_all() -> None:
    register_many(KEYS, figures)
