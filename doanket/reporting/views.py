import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanket.accounts import access as account_access
from doanket.accounts.models import Membership
from doanket.core.audit import audit_record
from doanket.core.models import AuditEvent
from doanket.core.notify import notify
from doanket.core.templatetags.vn import vplain
from doanket.reporting import access, selectors, services
from doanket.reporting.forms import AttachmentForm, ReturnForm, RollupOptionsForm
from doanket.reporting.formula import derive
from doanket.reporting.models import Indicator, Report, ReportAttachment, ReportForm
from doanket.reporting.periods import current_period
from doanket.reporting.registry import computed_values
from doanket.units import selectors as unit_selectors


def _form_and_period(form_code: str, period_code: str):
    form = get_object_or_404(ReportForm, code=form_code, active=True)
    try:
        period = form.period(period_code)
    except ValueError:
        raise Http404 from None
    if not form.allows_period(period):
        raise Http404
    return form, period


def _forms_for(target) -> list[ReportForm]:
    """An organisation's own forms; for a unit, every form, since reports of its kind or
    of the units and organisations below it are made on them (areas make none)."""
    forms = ReportForm.objects.filter(active=True)
    if hasattr(target, "org_type"):
        return [f for f in forms if target.org_type in f.member_org_types]
    if target.kind == "residential_area":
        return []
    return list(forms)


def _cell_state(reporter, period, today) -> str:
    """Whether a report can be made for the period: "open", "not_yet" or "not_alive"."""
    if reporter.valid_to < period.start or reporter.valid_from > period.end:
        return "not_alive"
    return "not_yet" if period.start > today else "open"


@login_required
def index(request):
    today = unit_selectors.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2017), today.year + 1)
    rows = []
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("unit", "member_org__unit")
        .order_by("unit__kind", "id")
    )
    seen = set()
    for membership in memberships:
        target = membership.member_org or membership.unit
        key = (type(target).__name__, target.pk)
        if key in seen:
            continue
        seen.add(key)
        for form in _forms_for(target):
            periods = form.periods_of_year(year)
            is_org = hasattr(target, "org_type")
            unit = target.unit if is_org else target
            own = form.for_member_orgs == is_org and (
                target.org_type in form.member_org_types
                if is_org
                else target.kind in form.reporter_kinds
            )
            reports = {}
            if own:
                found = Report.objects.filter(
                    form=form,
                    period_code__in=[p.code for p in periods],
                    unit=unit,
                    member_org=target if is_org else None,
                )
                reports = {r.period_code: r for r in found}
            rows.append(
                {
                    "target": target,
                    "unit": unit,
                    "is_org": is_org,
                    "form": form,
                    "own": own,
                    "can_edit": own
                    and access.can_edit(
                        request.user, unit=unit, member_org=target if is_org else None
                    ),
                    "cells": [
                        (p, reports.get(p.code), form.deadline(p), _cell_state(target, p, today))
                        for p in periods
                    ],
                    "current": current_period(form.schedule, today, form.cutoff_rule).code,
                }
            )
    return render(
        request,
        "reporting/index.html",
        {"rows": rows, "year": year, "today": today, "years": range(today.year + 1, 2016, -1)},
    )


@login_required
@require_POST
def open_report(request, form_code, unit_pk, period_code):
    form, period = _form_and_period(form_code, period_code)
    org_pk = request.POST.get("member_org")
    if org_pk:
        member_org = account_access.access_member_org(request.user, org_pk)
        unit = member_org.unit
    else:
        member_org = None
        unit = account_access.access_unit(request.user, unit_pk)
    try:
        report = services.report_open(
            form=form, period=period, unit=unit, member_org=member_org, user=request.user
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reporting:index")
    return redirect("reporting:report", pk=report.pk)


def _report_context(request, report, **extra):
    """The report page. After a refused save, `posted` puts back what the officer typed."""
    items = list(report.form_version.items())
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    posted = extra.get("posted")
    sections = []
    current = None
    for item in items:
        if current is None or current["section"].pk != item.section_id:
            current = {"section": item.section, "rows": []}
            sections.append(current)
        code = item.indicator.code
        value = values.get(code)
        if posted is not None and f"v_{code}" in posted:
            typed = posted[f"v_{code}"]
        elif value is None:
            typed = ""
        elif item.indicator.value_type == Indicator.ValueType.TEXT:
            typed = value.text
        else:
            typed = vplain(value.number)
        invalid = False
        if posted is not None and f"v_{code}" in posted:
            try:
                services.parse_value(item.indicator, posted[f"v_{code}"])
            except ValidationError:
                invalid = True
        current["rows"].append(
            {"indicator": item.indicator, "value": value, "typed": typed, "invalid": invalid}
        )
    figures = _shown_figures(report, [item.indicator for item in items], values)
    can_edit = access.can_edit(request.user, unit=report.unit, member_org=report.member_org)
    return {
        "report": report,
        "sections": sections,
        "figures": figures,
        "period": report.period,
        "narrative_parts": [
            {
                **part,
                "text": posted.get(f"n_{part['key']}", "")
                if posted is not None
                else report.narrative.get(part["key"], ""),
            }
            for part in report.form_version.narrative_parts
        ],
        "can_edit": can_edit and not report.is_locked,
        "can_submit": can_edit and report.status in (Report.Status.DRAFT, Report.Status.RETURNED),
        "can_decide": report.status == Report.Status.SUBMITTED
        and access.can_decide(request.user, report),
        "warnings": services.rule_violations(report),
        "return_form": ReturnForm(),
        "attachment_form": AttachmentForm(),
        "attachments": report.attachments.all(),
        **extra,
    }


def _shown_figures(report, indicators, values) -> dict:
    """Every figure the page shows beside the typed ones: the registers' figures for the
    report's unit and period (on the map of the period's end, as the roll-up reads them),
    and the derived ones, computed from the typed and register figures together. A figure
    typed for an indicator that has since become computed is not shown: the register's is."""
    figures = {
        code: value.number
        for code, value in values.items()
        if value.indicator.source == Indicator.Source.TYPED
    }
    period = report.period
    figures.update(computed_values(indicators, unit=report.unit, period=period, on=period.end))
    formulas = {i.code: i.formula for i in indicators if i.source == Indicator.Source.DERIVED}
    return derive(figures, formulas)


@login_required
def report_detail(request, pk):
    report = access.access_report(request.user, pk)
    if request.method == "POST":
        return _report_action(request, report)
    return render(request, "reporting/report.html", _report_context(request, report))


def _report_action(request, report):
    action = request.POST.get("action")
    version = request.POST.get("version")
    try:
        expected = int(version) if version else None
    except ValueError:
        expected = -1
    try:
        if action in ("save", "submit"):
            values = {key[2:]: value for key, value in request.POST.items() if key.startswith("v_")}
            narrative = {
                key[2:]: value for key, value in request.POST.items() if key.startswith("n_")
            }
            if report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
                said = services.report_save(
                    report=report,
                    user=request.user,
                    values=values,
                    narrative=narrative,
                    expected_version=expected,
                )
                expected = None  # the save moved the version on
                rules = set(services.rule_violations(report))
                for note in said:
                    if note not in rules:  # rule messages are listed on the page itself
                        messages.info(request, note)
            if action == "submit":
                services.report_submit(report=report, user=request.user, expected_version=expected)
                messages.success(request, _("Đã gửi báo cáo lên cấp trên."))
            else:
                messages.success(request, _("Đã lưu bản nháp."))
        elif action == "approve":
            services.report_approve(report=report, user=request.user, expected_version=expected)
            messages.success(request, _("Đã duyệt báo cáo."))
        elif action == "return":
            services.report_return(
                report=report,
                user=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=expected,
            )
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
        elif action == "attach":
            return _attach(request, report)
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except services.StaleReport as error:
        messages.error(
            request,
            _(
                "%(reason)s Số liệu bạn vừa nhập vẫn còn trong các ô dưới đây; hãy so với số "
                "liệu mới rồi bấm lưu lại nếu vẫn muốn dùng số của mình."
            )
            % {"reason": error},
        )
        report.refresh_from_db()
        context = _report_context(request, report, posted=request.POST)
        return render(request, "reporting/report.html", context, status=409)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        report.refresh_from_db()
        context = _report_context(request, report, posted=request.POST)
        return render(request, "reporting/report.html", context, status=400)
    return redirect("reporting:report", pk=report.pk)


def _attach(request, report):
    if not access.can_edit(request.user, unit=report.unit, member_org=report.member_org):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if report.is_locked:
        messages.error(request, _("Báo cáo đã gửi hoặc đã duyệt; không thêm tệp được nữa."))
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        attachment = ReportAttachment.objects.create(
            report=report, file=upload, name=upload.name[:255], uploaded_by=request.user
        )
        audit_record(
            action="report.attach",
            actor=request.user,
            unit=report.unit,
            obj=attachment,
            summary=_("Đính kèm %(name)s") % {"name": attachment.name},
        )
        messages.success(request, _("Đã đính kèm tệp %(name)s.") % {"name": attachment.name})
    else:
        for message in form.errors.get("file", []):
            messages.error(request, message)
    return redirect("reporting:report", pk=report.pk)


def _scoped_unit_view(request, form_code, unit_pk, period_code):
    form, period = _form_and_period(form_code, period_code)
    unit = account_access.access_unit(request.user, unit_pk)
    return form, period, unit


@login_required
def rollup(request, form_code, unit_pk, period_code):
    form, period, unit = _scoped_unit_view(request, form_code, unit_pk, period_code)
    options = RollupOptionsForm(request.GET or None)
    on = None
    approved_only = False
    if options.is_bound:
        if options.is_valid():
            on = options.cleaned_data["on"]
            approved_only = options.cleaned_data["approved_only"]
        else:
            for message in options.errors.get("on", []):
                messages.error(request, message)
    result = selectors.report_rollup(
        form=form, unit=unit, period=period, on=on, approved_only=approved_only
    )
    indicators = result.indicators
    scope = account_access.units_for_user(request.user).values("pk")
    result.children = [row for row in result.children if row.unit.pk in set(p["pk"] for p in scope)]
    child_reports = (
        {}
        if form.for_member_orgs
        else {
            r.unit_id: r
            for r in Report.objects.filter(
                form=form,
                period_code=period.code,
                member_org__isnull=True,
                unit__in=[row.unit for row in result.children],
            )
        }
    )
    return render(
        request,
        "reporting/rollup.html",
        {
            "form": form,
            "period": period,
            "unit": unit,
            "result": result,
            "indicators": indicators,
            "numeric": [i for i in indicators if i.value_type != Indicator.ValueType.TEXT],
            "options": options,
            "child_reports": child_reports,
            "own_report": Report.objects.filter(
                form=form, period_code=period.code, unit=unit, member_org__isnull=True
            ).first(),
        },
    )


@login_required
def completeness(request, form_code, unit_pk, period_code):
    form, period, unit = _scoped_unit_view(request, form_code, unit_pk, period_code)
    rows = selectors.report_completeness(form=form, unit=unit, period=period)
    if request.method == "POST":
        if not account_access.can_manage_unit(request.user, unit) and not (
            access.can_decide_anything(request.user, unit)
        ):
            raise Http404
        since = timezone.now() - datetime.timedelta(hours=1)
        if AuditEvent.objects.filter(
            action="report.remind",
            unit=unit,
            object_id=f"{form.code}:{period.code}",
            created_at__gte=since,
        ).exists():
            messages.warning(
                request,
                _("Đã nhắc kỳ này trong vòng một giờ qua; hãy đợi rồi nhắc lại nếu cần."),
            )
            return redirect(request.path)
        missing = [row for row in rows if row.state in ("missing", "draft", "returned")]
        targets = Membership.objects.filter(role__in=["editor", "admin"]).filter(
            unit__in=[row.unit for row in missing if row.member_org is None]
        ) | Membership.objects.filter(
            role__in=["editor", "admin"],
            member_org__in=[row.member_org for row in missing if row.member_org],
        )
        users = {m.user for m in targets.select_related("user")}
        notify(
            users=users,
            text=_("Nhắc gửi báo cáo %(form)s kỳ %(period)s, hạn %(deadline)s.")
            % {
                "form": form.name,
                "period": period.label,
                "deadline": form.deadline(period).strftime("%d/%m/%Y"),
            },
            url=reverse("reporting:index"),
        )
        audit_record(
            action="report.remind",
            actor=request.user,
            unit=unit,
            object_id=f"{form.code}:{period.code}",
            summary=_("Nhắc %(count)s đơn vị chưa gửi báo cáo %(form)s kỳ %(period)s")
            % {"count": len(missing), "form": form.code, "period": period.code},
        )
        messages.success(
            request,
            _("Đã nhắc %(units)s đơn vị (%(people)s người nhận).")
            % {"units": len(missing), "people": len(users)},
        )
        return redirect(request.path)
    return render(
        request,
        "reporting/completeness.html",
        {
            "form": form,
            "period": period,
            "unit": unit,
            "rows": rows,
            "counts": selectors.completeness_counts(rows),
            "deadline": form.deadline(period),
            "can_remind": account_access.can_manage_unit(request.user, unit)
            or access.can_decide_anything(request.user, unit),
        },
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    """Anyone who may see the report may read its evidence; nobody else learns it exists."""
    report = access.access_report(request.user, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    report = access.access_report(request.user, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    if not access.can_edit(request.user, unit=report.unit, member_org=report.member_org):
        raise Http404
    if report.is_locked:
        messages.error(request, _("Báo cáo đã gửi hoặc đã duyệt; không xóa tệp được nữa."))
        return redirect("reporting:report", pk=report.pk)
    audit_record(
        action="report.detach",
        actor=request.user,
        unit=report.unit,
        obj=attachment,
        summary=_("Xóa tệp đính kèm %(name)s") % {"name": attachment.name},
    )
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, _("Đã xóa tệp %(name)s.") % {"name": attachment.name})
    return redirect("reporting:report", pk=report.pk)
