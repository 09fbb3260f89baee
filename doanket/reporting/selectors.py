"""Reads on reports: the live roll-up on a map date, and completeness."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum

from doanket.reporting import aggregation
from doanket.reporting.formula import derive
from doanket.reporting.models import FormVersion, Indicator, Report, ReportForm, ReportValue
from doanket.reporting.periods import Period
from doanket.reporting.registry import computed_values
from doanket.units import selectors as unit_selectors
from doanket.units.models import MemberOrg, Succession, Unit, UnitLink, valid_on

COUNTED = (Report.Status.SUBMITTED, Report.Status.APPROVED)


@dataclass
class ChildRow:
    unit: Unit
    values: dict[str, Decimal | None]
    reports: int = 0


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


def _representative_path(unit_id: int, on: datetime.date, depth: int = 0) -> str | None:
    """Where a unit's figures sit on the map of `on`: its own placement, else that of its
    primary successor (after it ended) or predecessor (before it began), else its parent's."""
    link = UnitLink.objects.filter(valid_on(on), child_id=unit_id).only("path").first()
    if link is not None or depth > 8:
        return link.path if link else None
    unit = Unit.objects.get(pk=unit_id)
    if on > unit.valid_to:
        heir = Succession.objects.filter(old_id=unit_id, primary=True).first()
        if heir is not None:
            return _representative_path(heir.new_id, on, depth + 1)
        last = UnitLink.objects.filter(child_id=unit_id).order_by("-valid_to").first()
        if last is not None and last.parent_id:
            return _representative_path(last.parent_id, on, depth + 1)
        return None
    origin = Succession.objects.filter(new_id=unit_id).order_by("-primary", "id").first()
    if origin is not None:
        return _representative_path(origin.old_id, on, depth + 1)
    return None


def _aggregates(reports) -> dict[int, dict[str, tuple]]:
    """Per reporting unit and indicator: (sum, max, min) of the counted reports."""
    rows = (
        ReportValue.objects.filter(report__in=reports, number__isnull=False)
        .values_list("report__unit_id", "indicator__code")
        .annotate(Sum("number"), Max("number"), Min("number"))
    )
    per_unit: dict[int, dict[str, tuple]] = {}
    for unit_id, code, total, high, low in rows:
        per_unit.setdefault(unit_id, {})[code] = (total, high, low)
    return per_unit


def _pick(stats: dict[str, tuple], how: dict[str, str]) -> dict[str, Decimal]:
    index = {aggregation.SUM: 0, aggregation.MAX: 1, aggregation.MIN: 2}
    return {
        code: values[index[how.get(code, aggregation.SUM)]]
        for code, values in stats.items()
        if how.get(code, aggregation.SUM) != aggregation.NONE
    }


def report_rollup(
    *,
    form: ReportForm,
    unit: Unit,
    period: Period,
    on: datetime.date | None = None,
    approved_only: bool = False,
) -> Rollup:
    """Own figures plus every counted report below `unit` on the map of `on` (by default
    the period's end), summed per child, then derived and computed indicators."""
    on = on or period.end
    version = form.version_for(period)
    result = Rollup(form, version, unit, period, on, approved_only)
    indicators = (
        {i.code: i for i in Indicator.objects.all()}
        if version is None
        else {item.indicator.code: item.indicator for item in version.items()}
    )
    how = {code: ind.aggregation for code, ind in indicators.items()}
    root_path = unit_selectors.unit_link_on(unit=unit, on=on)
    if root_path is None:
        return result
    root = root_path.path
    statuses = [Report.Status.APPROVED] if approved_only else list(COUNTED)
    reports = Report.objects.filter(form=form, period_code=period.code)
    counted = reports.filter(status__in=statuses)
    placed = counted.filter(valid_on(on, "unit__links__"), unit__links__path__startswith=root)
    unplaced = counted.exclude(unit__links__in=UnitLink.objects.filter(valid_on(on)))
    per_unit = _aggregates(placed)
    paths = dict(
        UnitLink.objects.filter(valid_on(on), child_id__in=per_unit.keys()).values_list(
            "child_id", "path"
        )
    )
    for unit_id, stats in _aggregates(unplaced).items():
        path = _representative_path(unit_id, on)
        if path and path.startswith(root):
            paths[unit_id] = path
            for code, triple in stats.items():
                per_unit.setdefault(unit_id, {})
                per_unit[unit_id][code] = _merge(per_unit[unit_id].get(code), triple)
    own_report = reports.filter(unit=unit, member_org__isnull=True).first()
    own_parts = []
    if own_report is not None and own_report.status not in statuses:
        own_stats = _aggregates(Report.objects.filter(pk=own_report.pk)).get(unit.pk, {})
        own_parts.append(_pick(own_stats, how))
    by_child: dict[int, list[dict]] = {}
    for unit_id, stats in per_unit.items():
        path = paths.get(unit_id)
        if path is None or not path.startswith(root):
            continue
        rest = path[len(root) :].strip("/")
        values = _pick(stats, how)
        if not rest:
            own_parts.append(values)
        else:
            by_child.setdefault(int(rest.split("/")[0]), []).append(values)
    formulas = {
        code: ind.formula
        for code, ind in indicators.items()
        if ind.source == Indicator.Source.DERIVED
    }
    children = unit_selectors.unit_children(unit=unit, on=on)
    for child in children:
        parts = by_child.get(child.pk, [])
        values = aggregation.combine(parts, how)
        result.children.append(ChildRow(child, derive(values, formulas), len(parts)))
    result.own = derive(aggregation.combine(own_parts, how), formulas)
    totals = aggregation.combine(own_parts + [v for parts in by_child.values() for v in parts], how)
    totals.update(computed_values(indicators.values(), unit=unit, period=period, on=on))
    result.totals = derive(totals, formulas)
    result.reports_counted = sum(len(parts) for parts in by_child.values()) + len(own_parts)
    return result


def _merge(existing: tuple | None, new: tuple) -> tuple:
    if existing is None:
        return new
    return (existing[0] + new[0], max(existing[1], new[1]), min(existing[2], new[2]))


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
