"""Reads on reports: the live roll-up on a map date, and completeness."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import StrIndex, Substr

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


def _child_segment(root: str):
    """The id of the child of the root a placement lies under, as text ('' for the root)."""
    rest = Substr("report__unit__links__path", len(root) + 1)
    return Case(
        When(report__unit__links__path=root, then=Value("")),
        default=Substr(rest, 1, StrIndex(rest, Value("/")) - 1),
        output_field=CharField(),
    )


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


def _version_items(form: ReportForm, period: Period) -> tuple[FormVersion | None, list[Indicator]]:
    version = form.version_for(period)
    if version is None:
        return None, []
    return version, [item.indicator for item in version.items()]


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
    version, indicators = _version_items(form, period)
    result = Rollup(form, version, unit, period, on, approved_only)
    root_link = unit_selectors.unit_link_on(unit=unit, on=on)
    if root_link is None or version is None:
        return result
    root = root_link.path
    by_pk = {indicator.pk: indicator for indicator in indicators}
    how = {indicator.code: indicator.aggregation for indicator in indicators}
    statuses = [Report.Status.APPROVED] if approved_only else list(COUNTED)
    counted = Q(report__status__in=statuses) | Q(report__unit=unit, report__member_org__isnull=True)
    values = ReportValue.objects.filter(
        counted,
        report__form=form,
        report__period_code=period.code,
        number__isnull=False,
    )
    figures = [Sum("number")]
    if any(rule in (aggregation.MAX, aggregation.MIN) for rule in how.values()):
        figures += [Max("number"), Min("number")]
    placed = (
        values.filter(
            valid_on(on, "report__unit__links__"),
            report__unit__links__path__startswith=root,
        )
        .annotate(child=_child_segment(root))
        .values_list("child", "indicator_id")
        .annotate(*figures)
        .order_by()
    )
    grouped = _stats(placed, by_pk)
    _add_unplaced(grouped, values, root, on, by_pk, figures)
    parts: dict[str, list[dict]] = {child: [_pick(stats, how)] for child, stats in grouped.items()}
    formulas = {i.code: i.formula for i in indicators if i.source == Indicator.Source.DERIVED}
    for child in unit_selectors.unit_children(unit=unit, on=on):
        values_of_child = aggregation.combine(parts.get(str(child.pk), []), how)
        result.children.append(ChildRow(child, derive(values_of_child, formulas)))
    result.own = derive(aggregation.combine(parts.get("", []), how), formulas)
    totals = aggregation.combine([p for group in parts.values() for p in group], how)
    totals.update(computed_values(indicators, unit=unit, period=period, on=on))
    result.totals = derive(totals, formulas)
    result.reports_counted = _count_reports(form, period, statuses, unit, root, on)
    return result


def _count_reports(form, period, statuses, unit, root, on) -> int:
    return Report.objects.filter(
        Q(status__in=statuses) | Q(unit=unit, member_org__isnull=True),
        valid_on(on, "unit__links__"),
        form=form,
        period_code=period.code,
        unit__links__path__startswith=root,
    ).count()


def _merge(existing: tuple | None, new: tuple) -> tuple:
    if existing is None:
        return new
    return (existing[0] + new[0], max(existing[1], new[1]), min(existing[2], new[2]))


def _representative_paths(unit_ids: set[int], on: datetime.date) -> dict[int, str | None]:
    """`_representative_path` for many units: the usual case (an ended commune whose
    primary successor exists on the map date) in two queries, the rest one by one."""
    heirs = dict(
        Succession.objects.filter(old_id__in=unit_ids, primary=True).values_list("old_id", "new_id")
    )
    heir_paths = dict(
        UnitLink.objects.filter(valid_on(on), child_id__in=set(heirs.values())).values_list(
            "child_id", "path"
        )
    )
    found = {}
    for unit_id in unit_ids:
        heir = heirs.get(unit_id)
        if heir in heir_paths:
            found[unit_id] = heir_paths[heir]
        else:
            found[unit_id] = _representative_path(unit_id, on)
    return found


def _add_unplaced(grouped, values, root, on, by_pk, figures) -> None:
    """Reports of units that do not exist on the map date (a 2024 commune seen on today's
    map) count where their representative sits."""
    unplaced = _stats(
        values.exclude(valid_on(on, "report__unit__"))
        .values_list("report__unit_id", "indicator_id")
        .annotate(*figures)
        .order_by(),
        by_pk,
    )
    paths = _representative_paths(set(unplaced), on)
    for unit_id, stats in unplaced.items():
        path = paths.get(unit_id)
        if not path or not path.startswith(root):
            continue
        rest = path[len(root) :].strip("/")
        child = rest.split("/")[0] if rest else ""
        target = grouped.setdefault(child, {})
        for code, triple in stats.items():
            target[code] = _merge(target.get(code), triple)


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
