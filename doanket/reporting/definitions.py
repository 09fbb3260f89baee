"""Defining indicators and report forms: who may, and the writes that keep old reports intact.

A form version that already has reports is never changed: its sections, items, rules and
narrative parts stay as they were when people reported on them. Changes go into a new
version that applies from a later year (`form_version_create`).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.models import Membership, Role, User
from doanket.core.audit import audit_record
from doanket.core.lib.vn_text import fold, nfc
from doanket.reporting.formula import COMPARISONS, FormulaError, formula_codes
from doanket.reporting.models import (
    DEFAULT_NARRATIVE,
    FormItem,
    FormSection,
    FormVersion,
    Indicator,
    Report,
    ReportForm,
    ReportValue,
    ValidationRule,
)
from doanket.units.models import Unit, valid_on

INDICATOR_FIELDS = (
    "code",
    "name",
    "measure",
    "value_type",
    "aggregation",
    "content_area",
    "source",
    "formula",
    "computed_key",
    "description",
)
# Changing these on an indicator people have reported on would change what old figures mean.
FROZEN_WHEN_USED = ("code", "value_type", "aggregation", "source", "formula")
FORM_FIELDS = (
    "code",
    "name",
    "schedule",
    "cutoff_rule",
    "deadline_days",
    "deadline_working_days",
    "reporter_kinds",
    "member_org_types",
    "active",
)
# The periods of reports already made depend on these.
FORM_FROZEN_WHEN_REPORTED = ("code", "schedule", "cutoff_rule")
MAX_NARRATIVE_PARTS = 10
NARRATIVE_KEY = re.compile(r"^[a-z0-9_]{1,30}$")


# Access ---------------------------------------------------------------------


def can_define_forms(user: User) -> bool:
    """Superusers, and administrators of a province that exists today."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        valid_on(timezone.localdate(), prefix="unit__"),
        user=user,
        role=Role.ADMIN,
        unit__kind=Unit.Kind.PROVINCE,
    ).exists()


def access_definer(user: User) -> None:
    """Everyone else is told the pages do not exist."""
    if not can_define_forms(user):
        raise Http404


def _require_definer(user: User) -> None:
    if not can_define_forms(user):
        raise PermissionDenied


# Indicators -------------------------------------------------------------------


def _indicator_facts(indicator: Indicator) -> dict:
    return {field: getattr(indicator, field) for field in INDICATOR_FIELDS}


def indicator_is_used(indicator: Indicator) -> bool:
    """Reported on: it has figures, or sits in a form version that has reports."""
    if indicator.pk is None:
        return False
    if ReportValue.objects.filter(indicator=indicator).exists():
        return True
    versions = FormItem.objects.filter(indicator=indicator).values("section__version_id")
    return Report.objects.filter(form_version_id__in=versions).exists()


def _formula_errors(*, pk: int | None, code: str, formula: str) -> list[str]:
    """Why a derived indicator's formula cannot be saved; empty when it can."""
    if not formula.strip():
        return [
            _("Chỉ tiêu tính theo công thức cần có công thức, ví dụ: HGD_DAT / HGD_TONG * 100.")
        ]
    try:
        codes = formula_codes(formula)
    except FormulaError as error:
        return [str(error)]
    if code in codes:
        return [
            _("Công thức không được dùng chính mã của chỉ tiêu này (%(code)s).") % {"code": code}
        ]
    others = Indicator.objects.exclude(pk=pk).exclude(code=code)
    known = dict(others.values_list("code", "value_type"))
    unknown = sorted(codes - set(known))
    if unknown:
        return [
            _("Công thức dùng mã chưa có: %(codes)s. Hãy tạo các chỉ tiêu đó trước.")
            % {"codes": ", ".join(unknown)}
        ]
    texts = sorted(c for c in codes if known[c] == Indicator.ValueType.TEXT)
    if texts:
        return [
            _("Công thức không tính được với chỉ tiêu kiểu chữ: %(codes)s.")
            % {"codes": ", ".join(texts)}
        ]
    cycle = _formula_cycle(others=others, code=code, codes=codes)
    if cycle:
        return [
            _("Công thức tạo vòng tròn: %(path)s. Hãy bỏ tham chiếu vòng.")
            % {"path": " → ".join(cycle)}
        ]
    return []


def _formula_cycle(*, others, code: str, codes: set[str]) -> list[str]:
    """A path from `code` back to itself through other derived formulas, if there is one."""
    graph = {}
    for other, formula in others.filter(source=Indicator.Source.DERIVED).values_list(
        "code", "formula"
    ):
        try:
            graph[other] = formula_codes(formula)
        except FormulaError:
            graph[other] = set()
    graph[code] = codes
    stack = [(code, [code])]
    seen = set()
    while stack:
        current, path = stack.pop()
        for following in sorted(graph.get(current, ())):
            if following == code:
                return [*path, code]
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return []


def _code_references(code: str) -> list[str]:
    """Formulas and rules that name `code`, as short descriptions."""
    found = []
    for other, formula in (
        Indicator.objects.filter(source=Indicator.Source.DERIVED)
        .exclude(code=code)
        .values_list("code", "formula")
    ):
        try:
            if code in formula_codes(formula):
                found.append(other)
        except FormulaError:
            continue
    for rule in ValidationRule.objects.select_related("version__form"):
        try:
            names = formula_codes(rule.left) | formula_codes(rule.right)
        except FormulaError:
            continue
        if code in names:
            found.append(
                _("quy tắc “%(rule)s” (%(version)s)") % {"rule": rule, "version": rule.version}
            )
    return found


@transaction.atomic
def indicator_save(*, user: User, indicator: Indicator, data: dict) -> Indicator:
    """Create (when `indicator` is unsaved) or change an indicator from cleaned form data."""
    _require_definer(user)
    creating = indicator.pk is None
    if not creating:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = None if creating else _indicator_facts(indicator)
    data = {field: data.get(field, getattr(indicator, field)) for field in INDICATOR_FIELDS}
    data["code"] = (data["code"] or "").strip().upper()
    data["name"] = nfc(data["name"] or "")
    data["formula"] = " ".join((data["formula"] or "").split())
    if data["source"] != Indicator.Source.DERIVED:
        data["formula"] = ""
    if data["source"] != Indicator.Source.COMPUTED:
        data["computed_key"] = ""
    if not creating and indicator_is_used(indicator):
        was = before | {"formula": " ".join(before["formula"].split())}
        changed = [f for f in FROZEN_WHEN_USED if data[f] != was[f]]
        if changed:
            labels = ", ".join(str(Indicator._meta.get_field(f).verbose_name) for f in changed)
            raise ValidationError(
                _(
                    "Chỉ tiêu %(code)s đã có trong báo cáo nên không đổi được: %(fields)s. "
                    "Nếu cần cách tính khác, hãy tạo chỉ tiêu mới với mã mới và đưa vào "
                    "phiên bản biểu mẫu của năm sau."
                )
                % {"code": before["code"], "fields": labels}
            )
    if not creating and data["code"] != before["code"]:
        references = _code_references(before["code"])
        if references:
            raise ValidationError(
                _("Không đổi được mã %(code)s vì đang được dùng trong: %(where)s.")
                % {"code": before["code"], "where": "; ".join(references)}
            )
    errors: dict[str, list[str]] = {}
    if Indicator.objects.filter(code=data["code"]).exclude(pk=indicator.pk).exists():
        errors["code"] = [
            _("Đã có chỉ tiêu mang mã %(code)s. Hãy chọn mã khác.") % {"code": data["code"]}
        ]
    if data["source"] == Indicator.Source.DERIVED:
        if data["value_type"] == Indicator.ValueType.TEXT:
            errors["value_type"] = [_("Chỉ tiêu tính theo công thức phải có kiểu số.")]
        formula_errors = _formula_errors(
            pk=indicator.pk, code=data["code"], formula=data["formula"]
        )
        if formula_errors:
            errors["formula"] = formula_errors
    if data["source"] == Indicator.Source.COMPUTED and not data["computed_key"]:
        errors["computed_key"] = [
            _("Chỉ tiêu tính từ sổ theo dõi cần có khóa sổ, ví dụ households.cultured.")
        ]
    if errors:
        raise ValidationError(errors)
    for field, value in data.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    indicator.save()
    audit_record(
        action="indicator.create" if creating else "indicator.update",
        actor=user,
        obj=indicator,
        summary=(_("Tạo chỉ tiêu %(code)s") if creating else _("Sửa chỉ tiêu %(code)s"))
        % {"code": indicator.code},
        before=before,
        after=_indicator_facts(indicator),
    )
    return indicator


# Forms ------------------------------------------------------------------------


def _form_facts(form: ReportForm) -> dict:
    return {field: getattr(form, field) for field in FORM_FIELDS}


@transaction.atomic
def form_save(*, user: User, form: ReportForm, data: dict) -> ReportForm:
    """Create (when `form` is unsaved) or change a form's settings from cleaned form data."""
    _require_definer(user)
    creating = form.pk is None
    if not creating:
        form = ReportForm.objects.select_for_update().get(pk=form.pk)
    before = None if creating else _form_facts(form)
    data = {field: data.get(field, getattr(form, field)) for field in FORM_FIELDS}
    data["code"] = (data["code"] or "").strip().upper()
    data["name"] = nfc(data["name"] or "")
    if not data["reporter_kinds"] and not data["member_org_types"]:
        raise ValidationError(
            _("Hãy chọn ít nhất một cấp đơn vị hoặc một loại tổ chức thành viên báo cáo.")
        )
    if data["reporter_kinds"] and data["member_org_types"]:
        raise ValidationError(
            _(
                "Một biểu mẫu dành cho các cấp đơn vị hoặc cho tổ chức thành viên, không cho cả "
                "hai. Hãy tạo hai biểu mẫu riêng."
            )
        )
    if ReportForm.objects.filter(code=data["code"]).exclude(pk=form.pk).exists():
        raise ValidationError(
            {"code": [_("Đã có biểu mẫu mang mã %(code)s. Hãy chọn mã khác.") % data]}
        )
    if not creating and Report.objects.filter(form=form).exists():
        changed = [f for f in FORM_FROZEN_WHEN_REPORTED if data[f] != before[f]]
        if changed:
            labels = ", ".join(str(ReportForm._meta.get_field(f).verbose_name) for f in changed)
            raise ValidationError(
                _(
                    "Biểu mẫu đã có báo cáo nên không đổi được: %(fields)s. Nếu cần kỳ báo cáo "
                    "khác, hãy tạo biểu mẫu mới."
                )
                % {"fields": labels}
            )
    for field, value in data.items():
        setattr(form, field, value)
    form.full_clean()
    form.save()
    audit_record(
        action="reportform.create" if creating else "reportform.update",
        actor=user,
        obj=form,
        summary=(_("Tạo biểu mẫu %(code)s") if creating else _("Sửa biểu mẫu %(code)s"))
        % {"code": form.code},
        before=before,
        after=_form_facts(form),
    )
    return form


# Versions -----------------------------------------------------------------------


def version_has_reports(version: FormVersion) -> bool:
    return Report.objects.filter(form_version=version).exists()


def _locked_editable(version: FormVersion) -> FormVersion:
    """The version, locked; refused when people have already reported on it."""
    version = FormVersion.objects.select_for_update().select_related("form").get(pk=version.pk)
    if version_has_reports(version):
        raise ValidationError(
            _(
                "Phiên bản %(number)s (áp dụng từ năm %(year)s) đã có báo cáo nên không sửa "
                "được nữa. Hãy tạo phiên bản mới áp dụng từ năm sau rồi sửa trên phiên bản đó."
            )
            % {"number": version.number, "year": version.valid_from_year}
        )
    return version


def _version_facts(version: FormVersion) -> dict:
    return {
        "narrative_parts": version.narrative_parts,
        "sections": [
            {
                "title": section.title,
                "codes": [
                    item.indicator.code for item in section.items.select_related("indicator")
                ],
            }
            for section in version.sections.all()
        ],
        "rules": [str(rule) for rule in version.rules.order_by("id")],
    }


def _record_version_change(*, user: User, version: FormVersion, action: str, summary: str, before):
    # Bulk writes send no signals: mark the contents changed for the roll-up's cache here too.
    FormVersion.objects.filter(pk=version.pk).update(revision=F("revision") + 1)
    audit_record(
        action=action,
        actor=user,
        obj=version,
        summary=summary,
        before=before,
        after=_version_facts(version),
    )


@transaction.atomic
def form_version_create(*, user: User, form: ReportForm, valid_from_year: int) -> FormVersion:
    """A new version from `valid_from_year` on, a copy of the latest one (or empty if none)."""
    _require_definer(user)
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    latest = form.versions.order_by("-number").first()
    if form.versions.filter(valid_from_year=valid_from_year).exists():
        raise ValidationError(
            _("Biểu mẫu đã có phiên bản áp dụng từ năm %(year)s. Hãy chọn năm khác.")
            % {"year": valid_from_year}
        )
    if latest is not None and valid_from_year < latest.valid_from_year:
        raise ValidationError(
            _(
                "Phiên bản mới nhất áp dụng từ năm %(latest)s; phiên bản mới phải áp dụng từ "
                "năm sau đó, không được từ năm %(year)s."
            )
            % {"latest": latest.valid_from_year, "year": valid_from_year}
        )
    if Report.objects.filter(form=form, period_code__gte=str(valid_from_year)).exists():
        raise ValidationError(
            _(
                "Đã có báo cáo từ năm %(year)s trở đi theo phiên bản hiện hành. Hãy tạo phiên "
                "bản mới áp dụng từ năm sau năm của báo cáo mới nhất."
            )
            % {"year": valid_from_year}
        )
    version = FormVersion.objects.create(
        form=form,
        number=(latest.number + 1) if latest else 1,
        valid_from_year=valid_from_year,
        narrative_parts=list(latest.narrative_parts) if latest else list(DEFAULT_NARRATIVE),
    )
    if latest is not None:
        for section in latest.sections.prefetch_related("items"):
            copy = FormSection.objects.create(
                version=version, order=section.order, title=section.title
            )
            FormItem.objects.bulk_create(
                FormItem(section=copy, indicator_id=item.indicator_id, order=item.order)
                for item in section.items.all()
            )
        ValidationRule.objects.bulk_create(
            ValidationRule(
                version=version,
                left=rule.left,
                comparison=rule.comparison,
                right=rule.right,
                message=rule.message,
            )
            for rule in latest.rules.order_by("id")
        )
    _record_version_change(
        user=user,
        version=version,
        action="formversion.create",
        summary=_("Tạo phiên bản %(number)s của biểu mẫu %(form)s, áp dụng từ năm %(year)s")
        % {"number": version.number, "form": form.code, "year": valid_from_year},
        before=None,
    )
    return version


@transaction.atomic
def form_version_delete(*, user: User, version: FormVersion) -> None:
    """Undo a version made by mistake: only the latest one, and only before any report."""
    _require_definer(user)
    version = _locked_editable(version)
    if version.form.versions.filter(number__gt=version.number).exists():
        raise ValidationError(_("Chỉ xóa được phiên bản mới nhất của biểu mẫu."))
    before = _version_facts(version)
    audit_record(
        action="formversion.delete",
        actor=user,
        obj=version.form,
        summary=_("Xóa phiên bản %(number)s của biểu mẫu %(form)s")
        % {"number": version.number, "form": version.form.code},
        before=before,
    )
    version.delete()


def _next_order(queryset) -> int:
    highest = queryset.aggregate(highest=Max("order"))["highest"]
    return 0 if highest is None else highest + 1


def _section_title(title: str) -> str:
    title = nfc(title or "")
    if not title:
        raise ValidationError(_("Hãy nhập tiêu đề phần."))
    if len(title) > 300:
        raise ValidationError(_("Tiêu đề phần dài quá 300 ký tự; hãy viết ngắn hơn."))
    return title


def _narrative_title(title: str) -> str:
    title = nfc(title or "")
    if not title:
        raise ValidationError(_("Hãy nhập tiêu đề cho mỗi phần lời văn."))
    if len(title) > 200:
        raise ValidationError(_("Tiêu đề phần lời văn dài quá 200 ký tự; hãy viết ngắn hơn."))
    return title


@transaction.atomic
def section_add(*, user: User, version: FormVersion, title: str) -> FormSection:
    _require_definer(user)
    version = _locked_editable(version)
    before = _version_facts(version)
    section = FormSection.objects.create(
        version=version,
        order=_next_order(version.sections.all()),
        title=_section_title(title),
    )
    _record_version_change(
        user=user,
        version=version,
        action="formversion.section_add",
        summary=_("Thêm phần “%(title)s” vào %(version)s")
        % {"title": section.title, "version": version},
        before=before,
    )
    return section


@transaction.atomic
def section_rename(*, user: User, section: FormSection, title: str) -> FormSection:
    _require_definer(user)
    version = _locked_editable(section.version)
    before = _version_facts(version)
    section = FormSection.objects.get(pk=section.pk)
    section.title = _section_title(title)
    section.save(update_fields=["title"])
    _record_version_change(
        user=user,
        version=version,
        action="formversion.section_rename",
        summary=_("Đổi tên phần thành “%(title)s” trong %(version)s")
        % {"title": section.title, "version": version},
        before=before,
    )
    return section


@transaction.atomic
def section_delete(*, user: User, section: FormSection) -> None:
    """The section and its items go; rules naming those indicators must go first."""
    _require_definer(user)
    version = _locked_editable(section.version)
    before = _version_facts(version)
    for item in section.items.select_related("indicator"):
        _refuse_if_ruled(version, item.indicator)
    section.delete()
    _record_version_change(
        user=user,
        version=version,
        action="formversion.section_delete",
        summary=_("Xóa phần “%(title)s” khỏi %(version)s")
        % {"title": section.title, "version": version},
        before=before,
    )


def _version_codes(version: FormVersion) -> set[str]:
    return set(
        FormItem.objects.filter(section__version=version).values_list("indicator__code", flat=True)
    )


def _refuse_if_ruled(version: FormVersion, indicator: Indicator) -> None:
    for rule in version.rules.all():
        try:
            codes = formula_codes(rule.left) | formula_codes(rule.right)
        except FormulaError:
            continue
        if indicator.code in codes:
            raise ValidationError(
                _(
                    "Chỉ tiêu %(code)s đang dùng trong quy tắc kiểm tra “%(rule)s”. Hãy xóa "
                    "quy tắc đó trước."
                )
                % {"code": indicator.code, "rule": rule}
            )


@transaction.atomic
def item_add(*, user: User, section: FormSection, indicator: Indicator) -> FormItem:
    _require_definer(user)
    version = _locked_editable(section.version)
    if indicator.code in _version_codes(version):
        raise ValidationError(
            _("Chỉ tiêu %(code)s đã có trong phiên bản này; mỗi chỉ tiêu chỉ có một dòng.")
            % {"code": indicator.code}
        )
    before = _version_facts(version)
    item = FormItem.objects.create(
        section=section, indicator=indicator, order=_next_order(section.items.all())
    )
    _record_version_change(
        user=user,
        version=version,
        action="formversion.item_add",
        summary=_("Thêm chỉ tiêu %(code)s vào phần “%(title)s” của %(version)s")
        % {"code": indicator.code, "title": section.title, "version": version},
        before=before,
    )
    return item


@transaction.atomic
def item_remove(*, user: User, item: FormItem) -> None:
    _require_definer(user)
    version = _locked_editable(item.section.version)
    _refuse_if_ruled(version, item.indicator)
    before = _version_facts(version)
    item.delete()
    _record_version_change(
        user=user,
        version=version,
        action="formversion.item_remove",
        summary=_("Bỏ chỉ tiêu %(code)s khỏi %(version)s")
        % {"code": item.indicator.code, "version": version},
        before=before,
    )


@transaction.atomic
def item_move(*, user: User, item: FormItem, direction: str) -> None:
    """One place up or down inside its section; at either end nothing changes."""
    _require_definer(user)
    if direction not in ("up", "down"):
        raise ValidationError(_("Chỉ chuyển được chỉ tiêu lên hoặc xuống."))
    version = _locked_editable(item.section.version)
    before = _version_facts(version)
    items = list(item.section.items.all())
    index = next(n for n, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for order, other in enumerate(items):
        other.order = order
    FormItem.objects.bulk_update(items, ["order"])
    _record_version_change(
        user=user,
        version=version,
        action="formversion.item_move",
        summary=_("Chuyển chỉ tiêu %(code)s trong %(version)s")
        % {"code": item.indicator.code, "version": version},
        before=before,
    )


@transaction.atomic
def rule_add(
    *, user: User, version: FormVersion, left: str, comparison: str, right: str, message: str
) -> ValidationRule:
    """A check such as HGD_DAT <= HGD_DANGKY, over indicators of this version only."""
    _require_definer(user)
    version = _locked_editable(version)
    left, right, message = (left or "").strip(), (right or "").strip(), nfc(message or "")
    if comparison not in COMPARISONS:
        raise ValidationError({"comparison": [_("Hãy chọn một phép so sánh trong danh sách.")]})
    errors: dict[str, list[str]] = {}
    present = _version_codes(version)
    for side, formula in (("left", left), ("right", right)):
        if not formula:
            errors[side] = [_("Hãy nhập biểu thức, ví dụ HGD_DAT hoặc QUY_DAU + QUY_THU.")]
            continue
        try:
            codes = formula_codes(formula)
        except FormulaError as error:
            errors[side] = [str(error)]
            continue
        missing = sorted(codes - present)
        if missing:
            errors[side] = [
                _(
                    "Biểu thức dùng mã không có trong phiên bản này: %(codes)s. Hãy thêm chỉ "
                    "tiêu vào một phần trước."
                )
                % {"codes": ", ".join(missing)}
            ]
    if not message:
        errors["message"] = [_("Hãy nhập thông báo hiện ra khi số liệu sai quy tắc.")]
    if errors:
        raise ValidationError(errors)
    before = _version_facts(version)
    rule = ValidationRule(
        version=version, left=left, comparison=comparison, right=right, message=message
    )
    rule.full_clean()
    rule.save()
    _record_version_change(
        user=user,
        version=version,
        action="formversion.rule_add",
        summary=_("Thêm quy tắc “%(rule)s” vào %(version)s") % {"rule": rule, "version": version},
        before=before,
    )
    return rule


@transaction.atomic
def rule_delete(*, user: User, rule: ValidationRule) -> None:
    _require_definer(user)
    version = _locked_editable(rule.version)
    before = _version_facts(version)
    rule.delete()
    _record_version_change(
        user=user,
        version=version,
        action="formversion.rule_delete",
        summary=_("Xóa quy tắc “%(rule)s” khỏi %(version)s") % {"rule": rule, "version": version},
        before=before,
    )


def narrative_key_for(title: str, taken: set[str]) -> str:
    """A stable key for a new narrative part: "Kết quả đạt được" → "ket_qua_dat_duoc"."""
    base = re.sub(r"[^a-z0-9]+", "_", fold(title)).strip("_")[:26] or "phan"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@transaction.atomic
def narrative_parts_save(*, user: User, version: FormVersion, parts: list[dict]) -> FormVersion:
    """Replace the narrative parts with `parts`, a list of {key, title}; blank keys are made."""
    _require_definer(user)
    version = _locked_editable(version)
    if len(parts) > MAX_NARRATIVE_PARTS:
        raise ValidationError(
            _("Một biểu mẫu có nhiều nhất %(max)s phần lời văn.") % {"max": MAX_NARRATIVE_PARTS}
        )
    cleaned, taken = [], {(p.get("key") or "").strip() for p in parts} - {""}
    seen = set()
    for part in parts:
        title = _narrative_title(part.get("title", ""))
        key = (part.get("key") or "").strip() or narrative_key_for(title, taken | seen)
        if not NARRATIVE_KEY.match(key):
            raise ValidationError(
                _("Mã phần lời văn “%(key)s” chỉ gồm chữ thường không dấu, số và dấu _.")
                % {"key": key[:40]}
            )
        if key in seen:
            raise ValidationError(_("Hai phần lời văn trùng mã “%(key)s”.") % {"key": key})
        seen.add(key)
        cleaned.append({"key": key, "title": title})
    before = _version_facts(version)
    version.narrative_parts = cleaned
    version.save(update_fields=["narrative_parts"])
    _record_version_change(
        user=user,
        version=version,
        action="formversion.narrative",
        summary=_("Sửa các phần lời văn của %(version)s") % {"version": version},
        before=before,
    )
    return version
