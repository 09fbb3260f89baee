"""Writes on reports: each one checks, changes, logs and notifies in one transaction."""

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.models import Membership, Role, User
from doanket.core.audit import audit_record
from doanket.core.lib.money import parse_number_vn, parse_vnd
from doanket.core.lib.vn_text import fold
from doanket.core.notify import notify
from doanket.reporting import access
from doanket.reporting.formula import derive, rule_holds
from doanket.reporting.models import Indicator, Report, ReportForm, ReportValue
from doanket.reporting.periods import Period
from doanket.units import selectors as unit_selectors
from doanket.units.models import MemberOrg, Unit

MAX_TEXT = 20_000
TRUE_WORDS = {"co", "x", "1", "dat", "yes", "true"}
FALSE_WORDS = {"khong", "0", "no", "false", ""}


class StaleReport(Exception):
    """The report changed since the page was loaded."""


def _stale_message() -> str:
    return _(
        "Báo cáo vừa được người khác thay đổi sau khi bạn mở trang. Hãy tải lại trang để "
        "xem số liệu mới nhất rồi nhập lại phần thay đổi của bạn."
    )


def _check_version(report: Report, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != report.version:
        raise StaleReport(_stale_message())


def parse_value(indicator: Indicator, raw) -> tuple[Decimal | None, str]:
    """A typed figure as (number, text), refused with a sentence naming the indicator."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        if indicator.value_type == Indicator.ValueType.TEXT:
            raw = str(raw)
        else:
            return _checked_number(indicator, Decimal(str(raw)), str(raw))
    text = "" if raw is None else str(raw).strip()
    if indicator.value_type == Indicator.ValueType.TEXT:
        if len(text) > MAX_TEXT:
            raise ValidationError(
                _("%(name)s: nội dung dài quá %(max)s ký tự.")
                % {"name": indicator.name, "max": MAX_TEXT}
            )
        return None, text
    if text == "":
        return None, ""
    try:
        if indicator.value_type == Indicator.ValueType.MONEY:
            return Decimal(parse_vnd(text)), ""
        if indicator.value_type == Indicator.ValueType.BOOLEAN:
            word = fold(text)
            if word in TRUE_WORDS:
                return Decimal(1), ""
            if word in FALSE_WORDS:
                return Decimal(0), ""
            raise ValueError(_("hãy ghi “có” hoặc “không”."))
        number = parse_number_vn(text)
    except ValueError as error:
        raise ValidationError(
            _("%(name)s: “%(value)s” không hợp lệ — %(reason)s")
            % {"name": indicator.name, "value": text[:50], "reason": error}
        ) from None
    return _checked_number(indicator, number, text)


def _checked_number(indicator: Indicator, number: Decimal, text: str) -> tuple[Decimal, str]:
    if not number.is_finite():
        raise ValidationError(
            _("%(name)s: “%(value)s” không phải là số.")
            % {"name": indicator.name, "value": text[:50]}
        )
    if indicator.value_type == Indicator.ValueType.MONEY and number != number.to_integral():
        raise ValidationError(
            _("%(name)s: số tiền phải là số nguyên đồng, không phải “%(value)s”.")
            % {"name": indicator.name, "value": text[:50]}
        )
    if indicator.value_type == Indicator.ValueType.INTEGER and number != number.to_integral():
        raise ValidationError(
            _("%(name)s: phải là số nguyên (ví dụ 1.234), không phải “%(value)s”.")
            % {"name": indicator.name, "value": text[:50]}
        )
    if number < 0:
        raise ValidationError(
            _("%(name)s: không được là số âm (“%(value)s”).")
            % {"name": indicator.name, "value": text[:50]}
        )
    if abs(number) >= Decimal(10) ** 15:
        raise ValidationError(
            _("%(name)s: số “%(value)s” quá lớn, hãy kiểm tra lại.")
            % {"name": indicator.name, "value": text[:50]}
        )
    if number.as_tuple().exponent < -4:
        number = number.quantize(Decimal("0.0001"))
    return number, ""


AMBIGUOUS = re.compile(r"^\d{1,3}\.\d{3}$")


def ambiguous_thousands(indicator: Indicator, raw) -> str:
    """A decimal figure like "12.345" is read the Vietnamese way, twelve thousand; say so,
    since someone used to a decimal point may have meant 12,345."""
    if indicator.value_type != Indicator.ValueType.DECIMAL or not isinstance(raw, str):
        return ""
    text = raw.strip()
    if not AMBIGUOUS.match(text):
        return ""
    return _(
        "%(name)s: đã hiểu “%(value)s” là %(value)s (dấu chấm ngăn cách hàng nghìn). Nếu là "
        "số thập phân, hãy dùng dấu phẩy, ví dụ %(comma)s."
    ) % {"name": indicator.name, "value": text, "comma": text.replace(".", ",")}


def report_values(report: Report) -> dict[str, Decimal | None]:
    return {
        code: number
        for code, number in ReportValue.objects.filter(report=report).values_list(
            "indicator__code", "number"
        )
    }


def rule_violations(report: Report, values: dict | None = None) -> list[str]:
    """The messages of the version's rules the figures break; rules may name derived
    indicators (a rate ≤ 100), so those are computed from the typed figures first."""
    values = report_values(report) if values is None else values
    formulas = {
        item.indicator.code: item.indicator.formula
        for item in report.form_version.items()
        if item.indicator.source == Indicator.Source.DERIVED
    }
    values = derive(values, formulas)
    return [
        rule.message
        for rule in report.form_version.rules.all()
        if rule_holds(rule.left, rule.comparison, rule.right, values) is False
    ]


def _check_reporter(*, form: ReportForm, period: Period, unit: Unit, member_org) -> None:
    """Only the kinds of unit or organisation the form names report, only while they
    exist, and only for a period that has begun."""
    if member_org is not None:
        if member_org.org_type not in form.member_org_types:
            raise ValidationError(
                _("%(org)s không thuộc đối tượng báo cáo theo biểu mẫu “%(form)s”.")
                % {"org": member_org.name, "form": form.name}
            )
        reporter = member_org
    else:
        if unit.kind not in form.reporter_kinds:
            raise ValidationError(
                _(
                    "%(unit)s không phải lập báo cáo theo biểu mẫu “%(form)s” (biểu mẫu dành "
                    "cho cấp dưới); số liệu của đơn vị là số tổng hợp từ các báo cáo gửi lên."
                )
                % {"unit": unit.name, "form": form.name}
            )
        reporter = unit
    if reporter.valid_to < period.start or reporter.valid_from > period.end:
        raise ValidationError(
            _("%(unit)s không hoạt động trong kỳ %(period)s nên không lập báo cáo kỳ này.")
            % {"unit": reporter.name, "period": period.label}
        )
    if period.start > timezone.localdate():
        raise ValidationError(
            _("Kỳ %(period)s chưa bắt đầu (từ %(start)s); chưa lập báo cáo được.")
            % {"period": period.label, "start": period.start.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def report_open(
    *,
    form: ReportForm,
    period: Period,
    unit: Unit,
    member_org: MemberOrg | None = None,
    user: User,
) -> Report:
    """The report of a unit (or organisation) for a period, created as a draft if new."""
    if member_org is not None:
        unit = member_org.unit
    existing = Report.objects.filter(
        form=form, unit=unit, member_org=member_org, period_code=period.code
    ).first()
    if existing is not None:
        return existing
    if not access.can_edit(user, unit=unit, member_org=member_org):
        raise PermissionDenied
    _check_reporter(form=form, period=period, unit=unit, member_org=member_org)
    if not form.allows_period(period):
        raise ValidationError(
            _("Biểu mẫu “%(form)s” không có kỳ %(period)s.")
            % {"form": form.name, "period": period.label}
        )
    version = form.version_for(period)
    if version is None:
        raise ValidationError(
            _("Biểu mẫu “%(form)s” chưa có nội dung áp dụng cho năm %(year)s.")
            % {"form": form.name, "year": period.year}
        )
    report = Report.objects.create(
        form=form,
        form_version=version,
        unit=unit,
        member_org=member_org,
        period_code=period.code,
        period_start=period.start,
        period_end=period.end,
        deadline=form.deadline(period),
    )
    audit_record(
        action="report.create",
        actor=user,
        unit=unit,
        obj=report,
        summary=_("Tạo báo cáo %(report)s") % {"report": report},
    )
    return report


@transaction.atomic
def report_save(
    *,
    report: Report,
    user: User,
    values: dict[str, object],
    narrative: dict[str, str] | None = None,
    expected_version: int | None = None,
) -> list[str]:
    """Store typed figures and narrative; returns notes on how ambiguous figures were read,
    then the messages of the validation rules the figures break."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not access.can_edit(user, unit=report.unit, member_org=report.member_org):
        raise PermissionDenied
    if report.is_locked:
        raise ValidationError(
            _(
                "Báo cáo đang ở trạng thái “%(status)s” nên không sửa được. Nếu cần sửa, hãy "
                "đề nghị cấp trên trả lại báo cáo."
            )
            % {"status": report.get_status_display()}
        )
    _check_version(report, expected_version)
    typed = {
        item.indicator.code: item.indicator
        for item in report.form_version.items()
        if item.indicator.source == Indicator.Source.TYPED
    }
    unknown = sorted(set(values) - set(typed))
    if unknown:
        raise ValidationError(
            _("Mã chỉ tiêu không có trong biểu mẫu hoặc không được nhập tay: %(codes)s.")
            % {"codes": ", ".join(unknown[:10])}
        )
    errors, parsed, notes = [], {}, []
    for code, raw in values.items():
        note = ambiguous_thousands(typed[code], raw)
        if note:
            notes.append(note)
        try:
            parsed[code] = parse_value(typed[code], raw)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    before = report_values(report)
    existing = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    to_create, to_update = [], []
    for code, (number, text) in parsed.items():
        indicator = typed[code]
        value = existing.get(indicator.pk)
        if value is None:
            to_create.append(
                ReportValue(report=report, indicator=indicator, number=number, text=text)
            )
        elif value.number != number or value.text != text:
            value.number, value.text = number, text
            to_update.append(value)
    ReportValue.objects.bulk_create(to_create)
    ReportValue.objects.bulk_update(to_update, ["number", "text"])
    if narrative is not None:
        parts = {part["key"] for part in report.form_version.narrative_parts}
        report.narrative = {k: str(v)[:MAX_TEXT] for k, v in narrative.items() if k in parts}
    report.version += 1
    report.save(update_fields=["narrative", "version", "updated_at"])
    after = report_values(report)
    changed = {code: str(after.get(code)) for code in after if after.get(code) != before.get(code)}
    audit_record(
        action="report.save",
        actor=user,
        unit=report.unit,
        obj=report,
        summary=_("Lưu báo cáo %(report)s") % {"report": report},
        before={code: str(before.get(code)) for code in changed},
        after=changed,
    )
    return notes + rule_violations(report, after)


def _approvers_above(report: Report) -> list[User]:
    on = min(report.period_end, unit_selectors.today())
    ancestors = unit_selectors.unit_ancestors(unit=report.unit, on=on)
    if report.member_org_id:
        ancestors = [*ancestors, report.unit]
    memberships = Membership.objects.filter(
        role=Role.APPROVER, unit__in=ancestors[-1:]
    ).select_related("user")
    return [m.user for m in memberships]


def _editors_of(report: Report) -> list[User]:
    target = {"member_org": report.member_org} if report.member_org_id else {"unit": report.unit}
    return [
        m.user for m in Membership.objects.filter(role=Role.EDITOR, **target).select_related("user")
    ]


def _url(report: Report) -> str:
    return reverse("reporting:report", args=[report.pk])


def _announce(*, report: Report, user: User, action: str, summary: str, after: dict, users, text):
    """Every transition of a report: one AuditEvent, and a notification to those concerned."""
    audit_record(
        action=action, actor=user, unit=report.unit, obj=report, summary=summary, after=after
    )
    notify(users=users, text=text, url=_url(report))


@transaction.atomic
def report_submit(*, report: Report, user: User, expected_version: int | None = None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not access.can_edit(user, unit=report.unit, member_org=report.member_org):
        raise PermissionDenied
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(
            _("Báo cáo đang ở trạng thái “%(status)s”, không gửi lại được.")
            % {"status": report.get_status_display()}
        )
    _check_version(report, expected_version)
    broken = rule_violations(report)
    if broken:
        raise ValidationError([_("Chưa gửi được vì số liệu chưa hợp lý:"), *broken])
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.first_submitted_at = report.first_submitted_at or report.submitted_at
    report.submitted_by = user
    report.version += 1
    report.save(
        update_fields=[
            "status",
            "submitted_at",
            "first_submitted_at",
            "submitted_by",
            "version",
            "updated_at",
        ]
    )
    _announce(
        report=report,
        user=user,
        action="report.submit",
        summary=_("Gửi báo cáo %(report)s") % {"report": report},
        after={"status": report.status},
        users=_approvers_above(report),
        text=_("%(reporter)s đã gửi “%(form)s” kỳ %(period)s, chờ duyệt.")
        % {"reporter": report.reporter, "form": report.form.name, "period": report.period.label},
    )
    return report


def _decide(report: Report, user: User, expected_version: int | None) -> Report:
    report = Report.objects.select_for_update().select_related("form").get(pk=report.pk)
    if not access.can_decide(user, report):
        raise PermissionDenied
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ duyệt hoặc trả lại được báo cáo đã gửi; báo cáo này đang “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    _check_version(report, expected_version)
    return report


@transaction.atomic
def report_approve(*, report: Report, user: User, expected_version: int | None = None) -> Report:
    report = _decide(report, user, expected_version)
    report.status = Report.Status.APPROVED
    report.decided_at, report.decided_by = timezone.now(), user
    report.version += 1
    report.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
    _announce(
        report=report,
        user=user,
        action="report.approve",
        summary=_("Duyệt báo cáo %(report)s") % {"report": report},
        after={"status": report.status},
        users=_editors_of(report),
        text=_("“%(form)s” kỳ %(period)s của %(reporter)s đã được duyệt.")
        % {"reporter": report.reporter, "form": report.form.name, "period": report.period.label},
    )
    return report


@transaction.atomic
def report_return(
    *, report: Report, user: User, reason: str, expected_version: int | None = None
) -> Report:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(
            _("Hãy ghi lý do trả lại (ít nhất 5 ký tự) để đơn vị biết cần sửa gì.")
        )
    report = _decide(report, user, expected_version)
    report.status = Report.Status.RETURNED
    report.return_reason = reason[:2000]
    report.decided_at, report.decided_by = timezone.now(), user
    report.version += 1
    report.save(
        update_fields=[
            "status",
            "return_reason",
            "decided_at",
            "decided_by",
            "version",
            "updated_at",
        ]
    )
    _announce(
        report=report,
        user=user,
        action="report.return",
        summary=_("Trả lại báo cáo %(report)s: %(reason)s")
        % {"report": report, "reason": report.return_reason},
        after={"status": report.status, "reason": report.return_reason},
        users=_editors_of(report),
        text=_("“%(form)s” kỳ %(period)s bị trả lại: %(reason)s")
        % {"form": report.form.name, "period": report.period.label, "reason": reason[:200]},
    )
    return report
