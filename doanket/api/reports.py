import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from doanket.accounts import access as account_access
from doanket.api.units import ErrorOut, _date, _scoped_by_code
from doanket.reporting import access, selectors, services
from doanket.reporting.models import Report, ReportForm

periods_router = Router(tags=["Kỳ báo cáo"])
router = Router(tags=["Báo cáo"])


class PeriodOut(Schema):
    code: str
    label: str
    start: datetime.date
    end: datetime.date
    deadline: datetime.date


class ChildOut(Schema):
    code: str
    name: str
    values: dict[str, Decimal | None]


class RollupOut(Schema):
    form: str
    unit: str
    period: str
    on: datetime.date
    approved_only: bool
    reports_counted: int
    values: dict[str, Decimal | None]
    children: list[ChildOut]


class ReporterOut(Schema):
    code: str
    name: str
    member_org: int | None
    state: str
    submitted_at: datetime.datetime | None
    report_id: int | None


class CompletenessOut(Schema):
    form: str
    unit: str
    period: str
    deadline: datetime.date
    counts: dict[str, int]
    reporters: list[ReporterOut]


class ReportIn(Schema):
    values: dict[str, str | int | float | None] = {}
    narrative: dict[str, str] | None = None
    version: int | None = None
    member_org: int | None = None


class DecisionIn(Schema):
    version: int | None = None
    reason: str = ""


class ReportOut(Schema):
    id: int
    form: str
    unit: str
    period: str
    status: str
    version: int
    values: dict[str, Decimal | None]
    warnings: list[str] = []


class ValidationOut(Schema):
    detail: str
    errors: list[str]


def _form(code: str) -> ReportForm:
    form = ReportForm.objects.filter(code=code, active=True).first()
    if form is None:
        raise Http404
    return form


def _period(form: ReportForm, code: str):
    try:
        period = form.period(code)
    except ValueError as error:
        raise HttpError(400, str(error)) from None
    if not form.allows_period(period):
        raise HttpError(
            400,
            _("Biểu mẫu %(form)s không có kỳ %(period)s.") % {"form": form.code, "period": code},
        )
    return period


@periods_router.get("/{code}", response={200: PeriodOut, 400: ErrorOut, 404: ErrorOut})
def period_detail(request, code: str, form: str):
    """Start, end and deadline of a period (2026Q2, 2026S1, 2026M9, 2026) under a form."""
    report_form = _form(form)
    period = _period(report_form, code)
    return {
        "code": period.code,
        "label": period.label,
        "start": period.start,
        "end": period.end,
        "deadline": report_form.deadline(period),
    }


@router.get("/rollup", response={200: RollupOut, 400: ErrorOut, 404: ErrorOut})
def rollup(
    request,
    form: str,
    unit: str,
    period: str,
    on: str | None = None,
    approved_only: bool = False,
):
    """Own figures plus everything submitted (or approved) below, per indicator code, and
    the same per child unit on the map of `on` (default: the period's end)."""
    report_form = _form(form)
    the_period = _period(report_form, period)
    map_date = _date(on) if on else None
    target = _scoped_by_code(request, unit, map_date or the_period.end)
    result = selectors.report_rollup(
        form=report_form, unit=target, period=the_period, on=map_date, approved_only=approved_only
    )
    scope = set(account_access.units_for_user(request.user).values_list("pk", flat=True))
    return {
        "form": report_form.code,
        "unit": target.code,
        "period": the_period.code,
        "on": result.on,
        "approved_only": approved_only,
        "reports_counted": result.reports_counted,
        "values": result.totals,
        "children": [
            {"code": row.unit.code, "name": row.unit.name, "values": row.values}
            for row in result.children
            if row.unit.pk in scope
        ],
    }


@router.get("/completeness", response={200: CompletenessOut, 400: ErrorOut, 404: ErrorOut})
def completeness(request, form: str, unit: str, period: str):
    report_form = _form(form)
    the_period = _period(report_form, period)
    target = _scoped_by_code(request, unit, the_period.end)
    rows = selectors.report_completeness(form=report_form, unit=target, period=the_period)
    return {
        "form": report_form.code,
        "unit": target.code,
        "period": the_period.code,
        "deadline": report_form.deadline(the_period),
        "counts": selectors.completeness_counts(rows),
        "reporters": [
            {
                "code": row.unit.code,
                "name": str(row.reporter),
                "member_org": row.member_org.pk if row.member_org else None,
                "state": row.state,
                "submitted_at": row.report.submitted_at if row.report else None,
                "report_id": row.report.pk if row.report else None,
            }
            for row in rows
        ],
    }


def _out(report: Report, warnings: list[str] | None = None) -> dict:
    return {
        "id": report.pk,
        "form": report.form.code,
        "unit": report.unit.code,
        "period": report.period_code,
        "status": report.status,
        "version": report.version,
        "values": services.report_values(report),
        "warnings": warnings or [],
    }


def _errors(error: ValidationError):
    return Status(400, {"detail": _("Dữ liệu không hợp lệ."), "errors": error.messages})


def _find_report(request, form: str, unit: str, period: str, member_org: int | None = None):
    report_form = _form(form)
    the_period = _period(report_form, period)
    target = _scoped_by_code(request, unit, the_period.end)
    report = Report.objects.filter(
        form=report_form, unit=target, period_code=the_period.code, member_org_id=member_org
    ).first()
    if report is not None:
        return report_form, the_period, target, access.access_report(request.user, report.pk)
    return report_form, the_period, target, None


@router.put(
    "/{form}/{unit}/{period}",
    response={200: ReportOut, 400: ValidationOut, 404: ErrorOut, 409: ErrorOut},
)
def report_put(request, form: str, unit: str, period: str, payload: ReportIn):
    """Create or update a unit's report: typed values by indicator code, narrative parts,
    and the `version` last read (a stale version is refused with 409)."""
    report_form, the_period, target, report = _find_report(
        request, form, unit, period, payload.member_org
    )
    try:
        if report is None:
            member_org = None
            if payload.member_org is not None:
                member_org = account_access.access_member_org(request.user, payload.member_org)
            report = services.report_open(
                form=report_form,
                period=the_period,
                unit=target,
                member_org=member_org,
                user=request.user,
            )
        warnings = services.report_save(
            report=report,
            user=request.user,
            values=payload.values,
            narrative=payload.narrative,
            expected_version=payload.version,
        )
    except PermissionDenied:
        raise Http404 from None
    except services.StaleReport as error:
        return Status(409, {"detail": str(error)})
    except ValidationError as error:
        return _errors(error)
    report.refresh_from_db()
    return Status(200, _out(report, warnings))


def _transition(request, form, unit, period, payload: DecisionIn, action: str):
    _form_obj, _period_obj, _unit, report = _find_report(request, form, unit, period)
    if report is None:
        raise Http404
    try:
        if action == "submit":
            report = services.report_submit(
                report=report, user=request.user, expected_version=payload.version
            )
        elif action == "approve":
            report = services.report_approve(
                report=report, user=request.user, expected_version=payload.version
            )
        else:
            report = services.report_return(
                report=report,
                user=request.user,
                reason=payload.reason,
                expected_version=payload.version,
            )
    except PermissionDenied:
        raise Http404 from None
    except services.StaleReport as error:
        return Status(409, {"detail": str(error)})
    except ValidationError as error:
        return _errors(error)
    return Status(200, _out(report))


TRANSITION_RESPONSES = {200: ReportOut, 400: ValidationOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/{form}/{unit}/{period}/submit", response=TRANSITION_RESPONSES)
def report_submit(request, form: str, unit: str, period: str, payload: DecisionIn):
    return _transition(request, form, unit, period, payload, "submit")


@router.post("/{form}/{unit}/{period}/approve", response=TRANSITION_RESPONSES)
def report_approve(request, form: str, unit: str, period: str, payload: DecisionIn):
    return _transition(request, form, unit, period, payload, "approve")


@router.post("/{form}/{unit}/{period}/return", response=TRANSITION_RESPONSES)
def report_return(request, form: str, unit: str, period: str, payload: DecisionIn):
    return _transition(request, form, unit, period, payload, "return")
