"""Reads on the household registers: report figures from the counters, the households
behind a figure, streaks and the poverty lists."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from doanket.core.lib.vn_text import vi_sort_key
from doanket.households.counters import poverty_change
from doanket.households.models import (
    AreaTitle,
    AreaYearCount,
    Household,
    HouseholdYear,
    Poverty,
    Result,
    StreakReward,
)
from doanket.reporting.selectors import SEGMENT
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit, UnitLink, valid_on

# report keys → (counter, year offset); a year offset of -1 reads last year's review
COUNTER_KEYS = {
    "households.total": ("households", 0),
    "households.registered": ("registered", 0),
    "households.achieved": ("achieved", 0),
    "poverty.poor_start": ("poor", -1),
    "poverty.near_poor_start": ("near_poor", -1),
    "poverty.poor_end": ("poor", 0),
    "poverty.near_poor_end": ("near_poor", 0),
    "poverty.average_end": ("average", 0),
    "poverty.escaped": ("escaped", 0),
    "poverty.fell_back": ("fell_back", 0),
    "poverty.new_poor": ("new_poor", 0),
}
AREA_KEYS = ("areas.total", "areas.cultured")
# figures of the year's review: unknown (not zero) until some household is reviewed
REVIEW_KEYS = {
    "poverty.poor_end",
    "poverty.near_poor_end",
    "poverty.average_end",
    "poverty.escaped",
    "poverty.fell_back",
    "poverty.new_poor",
}
KEYS = (*COUNTER_KEYS, *AREA_KEYS)

# The links of a subtree through the path index: PostgreSQL's LIKE prefix uses the pattern
# index; SQLite's LIKE is case-insensitive and uses none, a range does ("0" follows "/").
SUBTREE = {
    "postgresql": "l.path LIKE %(prefix)s",
    "sqlite": "l.path >= %(root)s AND l.path < %(upper)s",
}

COUNTS_SQL = """
SELECT CASE WHEN l.path = %(root)s THEN '' ELSE {segment} END AS child, c.year, {sums}
FROM {counts} c JOIN {links} l ON l.child_id = c.area_id
WHERE c.year IN (%(year)s, %(last)s)
  AND l.valid_from <= %(on)s AND l.valid_to >= %(on)s AND {subtree}
GROUP BY 1, 2
"""

AREAS_SQL = """
SELECT CASE WHEN l.path = %(root)s THEN '' ELSE {segment} END AS child,
       COUNT(*), COUNT(t.id)
FROM {links} l
LEFT JOIN {titles} t ON t.area_id = l.child_id AND t.year = %(year)s AND t.status = 'achieved'
WHERE (SELECT u.kind FROM {units} u WHERE u.id = l.child_id) = 'residential_area'
  AND l.valid_from <= %(on)s AND l.valid_to >= %(on)s AND {subtree}
GROUP BY 1
"""


def _root_path(unit: Unit, on: datetime.date) -> str | None:
    link = unit_selectors.unit_link_on(unit=unit, on=on)
    return link.path if link else None


def register_figures(unit: Unit, year: int, on: datetime.date, keys=KEYS) -> dict:
    """{child id or None (the unit as a whole): {key: value}} for the unit's subtree on
    the map of `on`, from the per-area counters: two queries whatever the households."""
    root = _root_path(unit, on)
    if root is None:
        return {None: {}}
    params = {
        "root": root,
        "start": len(root) + 1,
        "prefix": root + "%",
        "upper": root[:-1] + "0",
        "on": on,
        "year": year,
        "last": year - 1,
    }
    names = AreaYearCount.FIELDS
    sql = COUNTS_SQL.format(
        segment=SEGMENT[connection.vendor],
        subtree=SUBTREE[connection.vendor],
        sums=", ".join(f"SUM(c.{name})" for name in names),
        counts=AreaYearCount._meta.db_table,
        links=UnitLink._meta.db_table,
    )
    per_child: dict[str, dict[int, dict[str, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for child, row_year, *sums in cursor.fetchall():
            per_child.setdefault(child, {})[row_year] = dict(zip(names, sums, strict=True))
        areas = {}
        if any(key in keys for key in AREA_KEYS):
            cursor.execute(
                AREAS_SQL.format(
                    segment=SEGMENT[connection.vendor],
                    subtree=SUBTREE[connection.vendor],
                    links=UnitLink._meta.db_table,
                    units=Unit._meta.db_table,
                    titles=AreaTitle._meta.db_table,
                ),
                params,
            )
            areas = {child: (total, cultured) for child, total, cultured in cursor.fetchall()}

    def figures(groups: list[dict[int, dict]], area_counts: list[tuple]) -> dict:
        def total(name: str, y: int) -> int:
            return sum(int(group.get(y, {}).get(name) or 0) for group in groups)

        reviewed = total("reviewed", year)
        values = {}
        for key in keys:
            if key in COUNTER_KEYS:
                name, offset = COUNTER_KEYS[key]
                values[key] = (
                    None if key in REVIEW_KEYS and not reviewed else total(name, year + offset)
                )
        if "areas.total" in keys:
            values["areas.total"] = sum(a[0] for a in area_counts)
        if "areas.cultured" in keys:
            values["areas.cultured"] = sum(a[1] for a in area_counts)
        return values

    result = {None: figures(list(per_child.values()), list(areas.values()))}
    for child in per_child.keys() | areas.keys():
        if child:
            result[int(child)] = figures(
                [per_child.get(child, {})], [areas[child]] if child in areas else []
            )
    return result


def areas_below(unit: Unit, on: datetime.date) -> QuerySet[Unit]:
    root = _root_path(unit, on)
    if root is None:
        return Unit.objects.none()
    links = UnitLink.objects.filter(valid_on(on), path__startswith=root)
    return Unit.objects.filter(kind=Unit.Kind.RESIDENTIAL_AREA, pk__in=links.values("child_id"))


def households_behind(key: str, unit: Unit, year: int, on: datetime.date) -> QuerySet:
    """The household-years a figure counts, for the drill-down from a report."""
    rows = HouseholdYear.objects.filter(area__in=areas_below(unit, on), present=True)
    name, offset = COUNTER_KEYS[key]
    rows = rows.filter(year=year + offset)
    if name == "registered":
        rows = rows.filter(registered=True)
    elif name == "achieved":
        rows = rows.filter(official=True, result=Result.ACHIEVED)
    elif name in ("poor", "near_poor", "average"):
        rows = rows.filter(poverty=name)
    elif name in ("escaped", "fell_back", "new_poor"):
        rows = rows.filter(pk__in=_changed(rows.exclude(poverty=""), name))
    return rows.select_related("household", "area").order_by("area__name", "household__head_name")


def _changed(rows: QuerySet, change: str) -> list[int]:
    rows = list(rows.only("pk", "household_id", "year", "poverty"))
    history: dict[int, dict[int, str]] = {}
    for hid, y, status in HouseholdYear.objects.filter(
        household_id__in=[r.household_id for r in rows]
    ).values_list("household_id", "year", "poverty"):
        history.setdefault(hid, {})[y] = status
    found = []
    for row in rows:
        statuses = history.get(row.household_id, {})
        previous = statuses.get(row.year - 1, "")
        before = any(s == Poverty.POOR for y, s in statuses.items() if y < row.year - 1)
        if poverty_change(row.poverty, previous, before) == change:
            found.append(row.pk)
    return found


def poverty_list(kind: str, unit: Unit, year: int, on: datetime.date) -> QuerySet:
    """Households that escaped, fell back or are newly poor in the year."""
    return households_behind(f"poverty.{kind}", unit, year, on)


# Streaks ---------------------------------------------------------------------------


def current_streak(years: set[int], up_to: int) -> int:
    """Consecutive years achieved ending with `up_to`."""
    count = 0
    while up_to - count in years:
        count += 1
    return count


def unrewarded_spans(years: set[int], rewarded: set[int], n: int) -> list[tuple[int, int]]:
    """Spans of n consecutive achieved years that are not yet rewarded. A gap breaks a
    run; a year already rewarded does not count twice; after a span the count restarts."""
    spans = []
    run: list[int] = []
    for year in range(min(years, default=0), max(years, default=-1) + 1):
        if year not in years or year in rewarded:
            run = []
            continue
        run.append(year)
        if len(run) == n:
            spans.append((run[0], run[-1]))
            run = []
    return spans


def _rewarded_years(rewards) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for owner, first, last in rewards:
        found.setdefault(owner, set()).update(range(first, last + 1))
    return found


@dataclass
class StreakRow:
    owner: object
    streak: int
    spans: list[tuple[int, int]]


def household_streaks(areas: QuerySet[Unit], up_to: int, n: int) -> list[StreakRow]:
    """Households of the areas with a span of n achieved years not yet rewarded."""
    achieved: dict[int, set[int]] = {}
    for hid, year in HouseholdYear.objects.filter(
        household__area__in=areas,
        household__gone_on__isnull=True,
        official=True,
        result=Result.ACHIEVED,
        year__lte=up_to,
    ).values_list("household_id", "year"):
        achieved.setdefault(hid, set()).add(year)
    rewarded = _rewarded_years(
        StreakReward.objects.filter(household_id__in=list(achieved)).values_list(
            "household_id", "first_year", "last_year"
        )
    )
    eligible = {}
    for hid, years in achieved.items():
        spans = unrewarded_spans(years, rewarded.get(hid, set()), n)
        if spans:
            eligible[hid] = (current_streak(years, up_to), spans)
    households = Household.objects.filter(pk__in=list(eligible)).select_related("area")
    return sorted(
        (StreakRow(h, *eligible[h.pk]) for h in households),
        key=lambda row: (row.owner.area.name, row.owner.head_name_folded),
    )


def area_streaks(areas: QuerySet[Unit], up_to: int, n: int) -> list[StreakRow]:
    achieved: dict[int, set[int]] = {}
    for area_id, year in AreaTitle.objects.filter(
        area__in=areas, status=AreaTitle.Status.ACHIEVED, year__lte=up_to
    ).values_list("area_id", "year"):
        achieved.setdefault(area_id, set()).add(year)
    rewarded = _rewarded_years(
        StreakReward.objects.filter(area_id__in=list(achieved)).values_list(
            "area_id", "first_year", "last_year"
        )
    )
    rows = []
    areas_found = Unit.objects.filter(pk__in=list(achieved))
    for area in sorted(areas_found, key=lambda unit: vi_sort_key(unit.name)):
        years = achieved[area.pk]
        spans = unrewarded_spans(years, rewarded.get(area.pk, set()), n)
        if spans:
            rows.append(StreakRow(area, current_streak(years, up_to), spans))
    return rows


def household_search(queryset: QuerySet[Household], text: str) -> QuerySet[Household]:
    from doanket.core.lib.vn_text import fold

    words = fold(text or "").split()
    condition = Q()
    for word in words:
        condition &= Q(head_name_folded__contains=word) | Q(match_key__contains=word)
    return queryset.filter(condition)
