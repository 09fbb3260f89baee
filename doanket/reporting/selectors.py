"""Reads on reports: the live roll-up on a map date, and completeness."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from doanket.core.lib.vn_text import vi_natural_key
from doanket.reporting import aggregation
from doanket.reporting.formula import derive
from doanket.reporting.models import (
    FormItem,
    FormVersion,
    Indicator,
    Report,
    ReportForm,
    ReportValue,
)
from doanket.reporting.periods import Period
from doanket.reporting.registry import computed_figures
from doanket.units import selectors as unit_selectors
from doanket.units.models import MemberOrg, Succession, Unit, UnitLink, valid_on

COUNTED = (Report.Status.SUBMITTED, Report.Status.APPROVED)


@dataclass
class ChildRow:
    unit: Unit
    values: dict[str, Decimal | None]


@dataclass
class Rollup:
    form: ReportForm
    version: FormVersion | None
    unit: Unit
    period: Period
    on: datetime.date
    approved_only: bool
    totals: dict[str, Decimal | None] = field(default_factory=dict)
    own: dict[str, Decimal | None] = field(default_factory=dict)
    children: list[ChildRow] = field(default_factory=list)
    reports_counted: int = 0
    indicators: list[Indicator] = field(default_factory=list)


def _stats(rows, by_pk: dict[int, Indicator]) -> dict[str, dict[str, tuple]]:
    """{child: {code: (sum, max, min)}} from (child, indicator_id, sum[, max, min]) rows."""
    grouped: dict[str, dict[str, tuple]] = {}
    for child, indicator_id, *figures in rows:
        if indicator_id in by_pk:
            total = figures[0]
            high, low = (figures[1], figures[2]) if len(figures) == 3 else (total, total)
            grouped.setdefault(child, {})[by_pk[indicator_id].code] = (total, high, low)
    return grouped


def _pick(stats: dict[str, tuple], how: dict[str, str]) -> dict[str, Decimal]:
    index = {aggregation.SUM: 0, aggregation.MAX: 1, aggregation.MIN: 2}
    return {
        code: values[index[how.get(code, aggregation.SUM)]]
        for code, values in stats.items()
        if how.get(code, aggregation.SUM) != aggregation.NONE
    }


_ITEMS_CACHE: dict[tuple[int, int], list[Indicator]] = {}

META_SQL = """
SELECT
  (SELECT path FROM {links} WHERE child_id = %(unit)s
     AND valid_from <= %(on)s AND valid_to >= %(on)s ORDER BY valid_from LIMIT 1),
  (SELECT id FROM {versions} WHERE form_id = %(form)s AND valid_from_year <= %(year)s
     ORDER BY number DESC LIMIT 1),
  (SELECT revision FROM {versions} WHERE form_id = %(form)s AND valid_from_year <= %(year)s
     ORDER BY number DESC LIMIT 1),
  EXISTS (SELECT 1 FROM {units} WHERE valid_to >= %(low)s AND valid_to < %(high)s),
  EXISTS (SELECT 1 FROM {units} WHERE valid_from > %(low)s AND valid_from <= %(high)s)
"""


def _rollup_meta(*, form: ReportForm, unit: Unit, period: Period, on: datetime.date):
    """In one round trip: the unit's path on the map date, the form version in force and
    its revision, and whether any unit began or ended between the period and the map date
    (if none did, every unit that reported sits on the map)."""
    sql = META_SQL.format(
        links=UnitLink._meta.db_table,
        versions=FormVersion._meta.db_table,
        units=Unit._meta.db_table,
    )
    params = {
        "unit": unit.pk,
        "on": on,
        "form": form.pk,
        "year": period.year,
        "low": min(on, period.start),
        "high": max(on, period.end),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        root, version_id, revision, ended, began = cursor.fetchone()
    return root, version_id, revision, bool(ended) or bool(began)


def _version_indicators(version_id: int, revision: int) -> list[Indicator]:
    """The version's indicators in form order, cached by its revision, which every change
    of the version's contents bumps in the database, so every process sees it."""
    key = (version_id, revision)
    if key not in _ITEMS_CACHE:
        if len(_ITEMS_CACHE) > 256:
            _ITEMS_CACHE.clear()
        items = FormItem.objects.filter(section__version_id=version_id).select_related("indicator")
        _ITEMS_CACHE[key] = [
            item.indicator for item in items.order_by("section__order", "order", "id")
        ]
    return _ITEMS_CACHE[key]


ROLLUP_SQL = """
SELECT CASE WHEN l.path = %(root)s THEN '' ELSE {segment} END AS child,
       v.indicator_id, SUM(v.number){extremes}, COUNT(*)
FROM {values} v
JOIN {reports} r ON r.id = v.report_id
JOIN {links} l ON l.child_id = r.unit_id
WHERE r.form_id = %(form)s AND r.period_code = %(period)s
  AND (r.status IN ({statuses}) OR (r.unit_id = %(unit)s AND r.member_org_id IS NULL))
  AND v.number IS NOT NULL
  AND l.valid_from <= %(on)s AND l.valid_to >= %(on)s AND l.path LIKE %(prefix)s
GROUP BY 1, 2
"""
SEGMENT = {
    "postgresql": "split_part(substr(l.path, %(start)s), '/', 1)",
    "sqlite": "substr(substr(l.path, %(start)s), 1, instr(substr(l.path, %(start)s), '/') - 1)",
}


def _as_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _counted_sql(template: str, *, statuses, extremes, **params):
    """A roll-up query and its parameters: the tables, the counted statuses and, when a
    form needs them, the max/min columns filled in."""
    sql = template.format(
        segment=SEGMENT[connection.vendor],
        extremes=", MAX(v.number), MIN(v.number)" if extremes else "",
        values=ReportValue._meta.db_table,
        reports=Report._meta.db_table,
        links=UnitLink._meta.db_table,
        units=Unit._meta.db_table,
        statuses=", ".join(f"%(status{i})s" for i in range(len(statuses))),
    )
    return sql, {**{f"status{i}": s for i, s in enumerate(statuses)}, **params}


def _grouped_by_child(*, form, period, unit, root, on, statuses, extremes) -> tuple[dict, int]:
    """One query: per child of the root ('' for the root itself) and indicator, the sum
    (and max/min when a form needs them) of the counted figures, and how many reports
    (a report holds an indicator once, so the rows of a group are its reports)."""
    sql, params = _counted_sql(
        ROLLUP_SQL,
        statuses=statuses,
        extremes=extremes,
        root=root,
        start=len(root) + 1,
        form=form.pk,
        period=period.code,
        unit=unit.pk,
        on=on,
        prefix=root + "%",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    grouped: dict[str, dict[int, tuple]] = {}
    reports: dict[str, int] = {}
    for child, indicator_id, total, *rest in rows:
        count = rest[-1]
        high, low = (rest[0], rest[1]) if extremes else (total, total)
        grouped.setdefault(child, {})[indicator_id] = tuple(
            _as_decimal(x) for x in (total, high, low)
        )
        reports[child] = max(reports.get(child, 0), count)
    return grouped, sum(reports.values())


CHILDREN_SQL = """
SELECT u.id, u.code, u.name, u.kind, u.valid_from, u.valid_to
FROM {units} u JOIN {links} l ON l.child_id = u.id
WHERE l.parent_id = %(unit)s AND l.valid_from <= %(on)s AND l.valid_to >= %(on)s
"""


def _day(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _children(unit: Unit, on: datetime.date) -> list[Unit]:
    """The children on the map date in Vietnamese order, read without the ORM's
    per-query cost: a roll-up page is asked for often and must stay near the floor."""
    sql = CHILDREN_SQL.format(units=Unit._meta.db_table, links=UnitLink._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"unit": unit.pk, "on": on})
        rows = cursor.fetchall()
    children = [
        Unit(id=pk, code=code, name=name, kind=kind, valid_from=_day(start), valid_to=_day(end))
        for pk, code, name, kind, start, end in rows
    ]
    return sorted(children, key=lambda child: (vi_natural_key(child.name), child.pk))


def report_rollup(
    *,
    form: ReportForm,
    unit: Unit,
    period: Period,
    on: datetime.date | None = None,
    approved_only: bool = False,
) -> Rollup:
    """Own figures plus every counted report below `unit` on the map of `on` (by default
    the period's end), summed per child by the database, then derived and computed
    indicators. The unit's own report counts whatever its state: they are its figures."""
    on = on or period.end
    root, version_id, revision, map_changed = _rollup_meta(
        form=form, unit=unit, period=period, on=on
    )
    version = FormVersion(pk=version_id, form=form, revision=revision) if version_id else None
    result = Rollup(form, version, unit, period, on, approved_only)
    if root is None or version is None:
        return result
    indicators = result.indicators = _version_indicators(version_id, revision)
    by_pk = {indicator.pk: indicator for indicator in indicators}
    how = {indicator.code: indicator.aggregation for indicator in indicators}
    statuses = [Report.Status.APPROVED] if approved_only else list(COUNTED)
    extremes = any(rule in (aggregation.MAX, aggregation.MIN) for rule in how.values())
    by_id, result.reports_counted = _grouped_by_child(
        form=form,
        period=period,
        unit=unit,
        root=root,
        on=on,
        statuses=statuses,
        extremes=extremes,
    )
    grouped = {
        child: {by_pk[pk].code: triple for pk, triple in stats.items() if pk in by_pk}
        for child, stats in by_id.items()
    }
    if map_changed:
        result.reports_counted += _add_unplaced(
            grouped,
            form=form,
            period=period,
            unit=unit,
            root=root,
            on=on,
            statuses=statuses,
            by_pk=by_pk,
            extremes=extremes,
        )
    parts: dict[str, list[dict]] = {child: [_pick(stats, how)] for child, stats in grouped.items()}
    formulas = {i.code: i.formula for i in indicators if i.source == Indicator.Source.DERIVED}
    computed, computed_by_child = computed_figures(indicators, unit=unit, period=period, on=on)
    computed_codes = set(computed)
    for child in _children(unit, on):
        values_of_child = aggregation.combine(parts.get(str(child.pk), []), how)
        if computed_codes:
            values_of_child.update(dict.fromkeys(computed_codes, None))
            values_of_child.update(computed_by_child.get(child.pk, {}))
        result.children.append(ChildRow(child, derive(values_of_child, formulas)))
    result.own = derive(aggregation.combine(parts.get("", []), how), formulas)
    totals = aggregation.combine([p for group in parts.values() for p in group], how)
    totals.update(computed)
    result.totals = derive(totals, formulas)
    return result


def _merge(existing: tuple | None, new: tuple) -> tuple:
    if existing is None:
        return new
    return (existing[0] + new[0], max(existing[1], new[1]), min(existing[2], new[2]))


def _representative_paths(unit_ids: set[int], on: datetime.date) -> dict[int, str | None]:
    """Where each unit's figures sit on the map of `on`: its own placement, else that of
    its primary successor (after it ended) or predecessor (before it began), else that of
    its last parent; followed a few steps, a handful of queries for any number of units."""
    current = {unit_id: unit_id for unit_id in unit_ids}
    found: dict[int, str | None] = {}
    for _step in range(8):
        if not current:
            break
        placed = dict(
            UnitLink.objects.filter(valid_on(on), child_id__in=set(current.values())).values_list(
                "child_id", "path"
            )
        )
        for origin, unit_id in list(current.items()):
            if unit_id in placed:
                found[origin] = placed[unit_id]
                del current[origin]
        if not current:
            break
        pending = set(current.values())
        ended = set(
            Unit.objects.filter(pk__in=pending, valid_to__lt=on).values_list("pk", flat=True)
        )
        heirs = dict(
            Succession.objects.filter(old_id__in=ended, primary=True).values_list(
                "old_id", "new_id"
            )
        )
        last_parent = {}
        for child_id, parent_id in (
            UnitLink.objects.filter(child_id__in=ended - set(heirs), parent__isnull=False)
            .order_by("valid_to")
            .values_list("child_id", "parent_id")
        ):
            last_parent[child_id] = parent_id
        origins = {}
        for new_id, old_id in (
            Succession.objects.filter(new_id__in=pending - ended)
            .order_by("primary", "-id")
            .values_list("new_id", "old_id")
        ):
            origins[new_id] = old_id
        for origin, unit_id in list(current.items()):
            step = heirs.get(unit_id) or last_parent.get(unit_id) or origins.get(unit_id)
            if step is None:
                found[origin] = None
                del current[origin]
            else:
                current[origin] = step
    for origin in current:
        found[origin] = None
    return found


UNPLACED_SQL = """
SELECT r.unit_id, v.indicator_id, SUM(v.number){extremes}
FROM {values} v
JOIN {reports} r ON r.id = v.report_id
JOIN {units} u ON u.id = r.unit_id
WHERE r.form_id = %(form)s AND r.period_code = %(period)s
  AND (r.status IN ({statuses}) OR (r.unit_id = %(unit)s AND r.member_org_id IS NULL))
  AND v.number IS NOT NULL
  AND (u.valid_from > %(on)s OR u.valid_to < %(on)s)
GROUP BY 1, 2
"""


def _add_unplaced(grouped, *, form, period, unit, root, on, statuses, by_pk, extremes) -> int:
    """Reports of units that do not exist on the map date (a 2024 commune seen on today's
    map) count where their representative sits. Returns how many reports that adds."""
    sql, params = _counted_sql(
        UNPLACED_SQL,
        statuses=statuses,
        extremes=extremes,
        form=form.pk,
        period=period.code,
        unit=unit.pk,
        on=on,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    unplaced: dict[int, list] = {}
    for unit_id, indicator_id, total, *extreme in rows:
        if indicator_id in by_pk:
            high, low = extreme if extremes else (total, total)
            unplaced.setdefault(unit_id, []).append((by_pk[indicator_id].code, total, high, low))
    paths = _representative_paths(set(unplaced), on)
    counted = 0
    for unit_id, figures in unplaced.items():
        path = paths.get(unit_id)
        if not path or not path.startswith(root):
            continue
        counted += 1
        rest = path[len(root) :].strip("/")
        target = grouped.setdefault(rest.split("/")[0] if rest else "", {})
        for code, total, high, low in figures:
            triple = (_as_decimal(total), _as_decimal(high), _as_decimal(low))
            target[code] = _merge(target.get(code), triple)
    return counted


@dataclass
class Expected:
    reporter: Unit | MemberOrg
    unit: Unit
    member_org: MemberOrg | None
    report: Report | None
    state: str  # missing | draft | submitted | late | returned | approved


def expected_reporters(*, form: ReportForm, unit: Unit, period: Period):
    """Units (or organisations) of the form's kinds under `unit` during the period."""
    on = period.end
    subtree = unit_selectors.unit_subtree(unit=unit, on=on)
    alive = Q(valid_from__lte=period.end, valid_to__gte=period.start)
    if form.for_member_orgs:
        return list(
            MemberOrg.objects.filter(
                alive, unit__in=subtree, org_type__in=form.member_org_types
            ).select_related("unit")
        )
    return list(
        unit_selectors.in_vietnamese_order(
            subtree.filter(alive, kind__in=form.reporter_kinds).exclude(pk=unit.pk)
        )
    )


def report_completeness(*, form: ReportForm, unit: Unit, period: Period) -> list[Expected]:
    reporters = expected_reporters(form=form, unit=unit, period=period)
    reports = Report.objects.filter(form=form, period_code=period.code)
    if form.for_member_orgs:
        by_key = {r.member_org_id: r for r in reports.filter(member_org__in=reporters)}
    else:
        by_key = {r.unit_id: r for r in reports.filter(unit__in=reporters, member_org__isnull=True)}
    rows = []
    for reporter in reporters:
        report = by_key.get(reporter.pk)
        if report is None:
            state = "missing"
        elif report.status == Report.Status.SUBMITTED:
            state = "late" if report.is_late else "submitted"
        else:
            state = report.status
        is_org = isinstance(reporter, MemberOrg)
        rows.append(
            Expected(
                reporter=reporter,
                unit=reporter.unit if is_org else reporter,
                member_org=reporter if is_org else None,
                report=report,
                state=state,
            )
        )
    return rows


def completeness_counts(rows: list[Expected]) -> dict[str, int]:
    counts = {"expected": len(rows), "on_time": 0, "late": 0, "missing": 0, "returned": 0}
    counts["approved"] = 0
    for row in rows:
        report = row.report
        if row.state in ("missing", "draft"):
            counts["missing"] += 1
        elif row.state == "returned":
            counts["returned"] += 1
        if report is not None and report.submitted_at is not None and row.state != "returned":
            counts["late" if report.is_late else "on_time"] += 1
        if row.state == "approved":
            counts["approved"] += 1
    return counts
