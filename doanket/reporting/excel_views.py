"""Pages of the Excel round-trip: template, upload, confirm the diff; the summary export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanket.accounts import access as account_access
from doanket.core.lib.vn_text import fold
from doanket.reporting import access, excel, selectors, services
from doanket.reporting.forms import RollupOptionsForm
from doanket.reporting.models import Report, ReportUpload

# The same scoping as the roll-up page, so the export can never reach further than it.
from doanket.reporting.views import _scoped_unit_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp Excel để tải lên."),
            "empty": gettext_lazy("Tệp trống, không có nội dung."),
        },
    )


def _xlsx(content: bytes, *parts: str) -> HttpResponse:
    name = "_".join(slugify(fold(part)) or "x" for part in parts) + ".xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _editable_report(request, pk) -> Report:
    """The report, for an editor of it; anyone else gets "not found"."""
    report = access.access_report(request.user, pk)
    if not access.can_edit(request.user, unit=report.unit, member_org=report.member_org):
        raise Http404
    return report


def _locked_message(report: Report) -> str:
    return _(
        "Báo cáo đang ở trạng thái “%(status)s” nên không sửa được. Nếu cần sửa, hãy "
        "đề nghị cấp trên trả lại báo cáo."
    ) % {"status": report.get_status_display()}


@login_required
def template_download(request, pk):
    """An editor of a report being drafted gets the template with unlocked value cells;
    everyone else who may see the report gets the same sheet fully locked, as an export."""
    report = access.access_report(request.user, pk)
    editable = not report.is_locked and access.can_edit(
        request.user, unit=report.unit, member_org=report.member_org
    )
    content = excel.template_workbook(report, editable=editable)
    return _xlsx(content, report.form.code, str(report.reporter), report.period_code)


@login_required
def upload(request, pk):
    report = _editable_report(request, pk)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    errors: list[str] = []
    if form.is_bound:
        if report.is_locked:
            errors = [_locked_message(report)]
        elif form.is_valid():
            uploaded = form.cleaned_data["file"]
            result = excel.parse_upload(report, uploaded)
            if result.ok:
                pending = excel.report_upload_create(
                    report=report, user=request.user, result=result, filename=uploaded.name
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("reporting:upload_confirm", pk=report.pk, upload_pk=pending.pk)
            errors = result.errors
        else:
            errors = [message for messages_ in form.errors.values() for message in messages_]
    context = {
        "report": report,
        "form": form,
        "errors": errors,
        "max_mb": excel.MAX_UPLOAD // (1024 * 1024),
    }
    return render(request, "reporting/upload.html", context, status=400 if errors else 200)


@login_required
def upload_confirm(request, pk, upload_pk):
    report = _editable_report(request, pk)
    pending = ReportUpload.objects.filter(
        pk=upload_pk, report=report, uploaded_by=request.user
    ).first()
    if pending is None:
        raise Http404
    if request.method == "POST":
        return _confirm(request, report, pending)
    rows = excel.upload_diff(report, pending.values)
    changed = [row for row in rows if row.state != excel.UNCHANGED]
    counts = {state: 0 for state in (excel.CHANGED, excel.NEW, excel.CLEARED, excel.UNCHANGED)}
    for row in rows:
        counts[row.state] += 1
    return render(
        request,
        "reporting/upload_confirm.html",
        {
            "report": report,
            "pending": pending,
            "changed_rows": changed,
            "unchanged_rows": [row for row in rows if row.state == excel.UNCHANGED],
            "counts": counts,
            "changes": len(changed),
            "stale": report.version != pending.base_version,
            "locked": report.is_locked,
        },
    )


def _confirm(request, report, pending):
    if request.POST.get("action") == "cancel":
        pending.delete()
        messages.info(request, _("Đã hủy, số liệu trong tệp không được ghi."))
        return redirect("reporting:report", pk=report.pk)
    try:
        changed, warnings = excel.report_upload_confirm(upload=pending, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except services.StaleReport as error:
        # The upload was compared with figures that are gone; it can never be saved.
        pending.delete()
        messages.error(request, str(error))
        messages.error(
            request, _("Số liệu trong tệp chưa được ghi. Hãy tải tệp lên lại để so sánh lại.")
        )
        return redirect("reporting:upload", pk=report.pk)
    except ValidationError as error:
        pending.delete()
        for message in error.messages:
            messages.error(request, message)
        return redirect("reporting:report", pk=report.pk)
    for warning in warnings:
        messages.warning(request, warning)
    if changed:
        messages.success(
            request,
            _("Đã ghi %(count)s số liệu từ tệp %(name)s.")
            % {"count": changed, "name": pending.filename},
        )
    else:
        messages.info(request, _("Tệp không có số liệu nào khác với báo cáo; không có gì để ghi."))
    return redirect("reporting:report", pk=report.pk)


@login_required
def summary_export(request, form_code, unit_pk, period_code):
    form, period, unit = _scoped_unit_view(request, form_code, unit_pk, period_code)
    options = RollupOptionsForm(request.GET or None)
    on, approved_only = None, False
    if options.is_bound:
        if not options.is_valid():
            # The roll-up page explains a bad option; a file cannot.
            url = reverse("reporting:rollup", args=[form.code, unit.pk, period.code])
            return redirect(f"{url}?{request.GET.urlencode()}")
        on = options.cleaned_data["on"]
        approved_only = options.cleaned_data["approved_only"]
    result = selectors.report_rollup(
        form=form, unit=unit, period=period, on=on, approved_only=approved_only
    )
    scope = set(account_access.units_for_user(request.user).values_list("pk", flat=True))
    result.children = [row for row in result.children if row.unit.pk in scope]
    indicators = result.indicators
    content = excel.summary_workbook(result, indicators)
    return _xlsx(content, "tong-hop", form.code, unit.name, period.code)
