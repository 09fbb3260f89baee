"""Per-area, per-year counters, kept in the same transaction as every change.

Every change of households goes through `counted(household_ids)`: the contributions of
those households' years are taken before and after the change and only the difference
is written, so a counter always equals a fresh count, whatever the change.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F

from doanket.households.models import AreaYearCount, HouseholdYear, Poverty, Result

Key = tuple[int, int]  # (area id, year)


def poverty_change(status: str, previous: str, poor_before: bool) -> str:
    """How a household's status of a year compares with the year before: "escaped" (poor
    then, not poor now), "fell_back" (poor again after having escaped) or "new_poor"
    (poor for the first time); "" otherwise, or when either year was not reviewed (a
    register's first year makes no household "new")."""
    if not status or not previous:
        return ""
    if previous == Poverty.POOR and status != Poverty.POOR:
        return "escaped"
    if status == Poverty.POOR and previous != Poverty.POOR:
        return "fell_back" if poor_before else "new_poor"
    return ""


def contribution(row, previous: str, poor_before: bool) -> Counter:
    """What one household-year adds to its area's counters. `row` needs present,
    registered, result, official and poverty."""
    if not row.present:
        return Counter()
    counts = Counter(households=1)
    if row.registered:
        counts["registered"] = 1
    if row.official and row.result == Result.ACHIEVED:
        counts["achieved"] = 1
    if row.poverty:
        counts["reviewed"] = 1
        if row.poverty in (Poverty.POOR, Poverty.NEAR_POOR, Poverty.AVERAGE):
            counts[row.poverty] = 1
        change = poverty_change(row.poverty, previous, poor_before)
        if change:
            counts[change] = 1
    return counts


def contributions(rows: Iterable) -> dict[Key, Counter]:
    """The contributions of household-years, given all the years of each household."""
    by_household = defaultdict(list)
    for row in rows:
        by_household[row.household_id].append(row)
    totals: dict[Key, Counter] = defaultdict(Counter)
    for years in by_household.values():
        years.sort(key=lambda r: r.year)
        statuses = {r.year: r.poverty for r in years}
        for row in years:
            previous = statuses.get(row.year - 1, "")
            poor_before = _poor_before(statuses, row.year - 1)
            totals[(row.area_id, row.year)] += contribution(row, previous, poor_before)
    return totals


def _poor_before(statuses: dict[int, str], year: int) -> bool:
    """Was the household poor in any year before `year`?"""
    return any(status == Poverty.POOR for y, status in statuses.items() if y < year)


FIELDS = ("household_id", "year", "area_id", "present", "registered", "result", "official")


def _rows_of(household_ids) -> list:
    return list(
        HouseholdYear.objects.filter(household_id__in=household_ids).only(*FIELDS, "poverty")
    )


def apply(deltas: dict[Key, Counter]) -> None:
    """Add the deltas to the counters, creating the rows that are missing."""
    for (area_id, year), delta in deltas.items():
        delta = {name: value for name, value in delta.items() if value}
        if not delta:
            continue
        updates = {name: F(name) + value for name, value in delta.items()}
        if not AreaYearCount.objects.filter(area_id=area_id, year=year).update(**updates):
            with transaction.atomic():
                row, created = AreaYearCount.objects.select_for_update().get_or_create(
                    area_id=area_id, year=year, defaults=delta
                )
                if not created:
                    AreaYearCount.objects.filter(pk=row.pk).update(**updates)


def difference(before: dict[Key, Counter], after: dict[Key, Counter]) -> dict[Key, Counter]:
    deltas: dict[Key, Counter] = {}
    for key in before.keys() | after.keys():
        delta = Counter(after.get(key, Counter()))
        delta.subtract(before.get(key, Counter()))
        if any(delta.values()):
            deltas[key] = delta
    return deltas


@contextmanager
def counted(household_ids: Iterable[int]):
    """Keep the counters right across a change of these households' years. Must run
    inside the change's transaction."""
    ids = list(household_ids)
    before = contributions(_rows_of(ids))
    yield
    apply(difference(before, contributions(_rows_of(ids))))


def fresh_counts(area_ids: Iterable[int] | None = None) -> dict[Key, dict[str, int]]:
    """Counts computed from the household-years themselves, for checks and rebuilds."""
    rows = HouseholdYear.objects.only(*FIELDS, "poverty")
    if area_ids is not None:
        households = HouseholdYear.objects.filter(area_id__in=list(area_ids)).values("household_id")
        rows = rows.filter(household_id__in=households)
    result = {}
    for key, counts in contributions(rows.iterator(chunk_size=5000)).items():
        if area_ids is None or key[0] in area_ids:
            result[key] = {name: counts.get(name, 0) for name in AreaYearCount.FIELDS}
    return result


@transaction.atomic
def counters_rebuild() -> int:
    """Recount every area and year from the household-years (after a bulk load)."""
    AreaYearCount.objects.all().delete()
    rows = [
        AreaYearCount(area_id=area_id, year=year, **counts)
        for (area_id, year), counts in fresh_counts().items()
        if any(counts.values())
    ]
    AreaYearCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
