"""Report figures the fund provides: the statement's balances and the Great-Unity houses,
rolled up over the unit's subtree on the map the report is read on."""

from doanket.fund.selectors import FIGURE_KEYS, fund_figures
from doanket.reporting.registry import register_many


def figures(unit, period, on, keys):
    return fund_figures(unit, period.start, period.end, on, keys)


def register_all() -> None:
    register_many(FIGURE_KEYS, figures)
