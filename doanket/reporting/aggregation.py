"""Roll-up arithmetic over plain values: no database here."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

SUM, MAX, MIN, NONE = "sum", "max", "min", "none"


def combine(
    parts: Iterable[Mapping[str, Decimal | None]], how: Mapping[str, str]
) -> dict[str, Decimal]:
    """Add up (or take the max/min of) each code over the parts; `none` codes are skipped."""
    total: dict[str, Decimal] = {}
    for part in parts:
        for code, value in part.items():
            rule = how.get(code, SUM)
            if value is None or rule == NONE:
                continue
            if code not in total:
                total[code] = Decimal(value)
            elif rule == SUM:
                total[code] += value
            elif rule == MAX:
                total[code] = max(total[code], Decimal(value))
            elif rule == MIN:
                total[code] = min(total[code], Decimal(value))
    return total


def rollup_by_walking(
    children: Mapping[object, list], own: Mapping[object, Mapping[str, Decimal]], root, how
) -> dict[str, Decimal]:
    """The reference definition: own figures plus the roll-ups of the children."""
    parts = [own.get(root, {})]
    parts += [rollup_by_walking(children, own, child, how) for child in children.get(root, [])]
    return combine(parts, how)
