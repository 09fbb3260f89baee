"""Forms for defining indicators and report forms: they check and tidy input only.

What may change and what may not (frozen codes, versions with reports, formulas) is
decided by the services in `definitions.py`.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.vn_text import fold, nfc
from doanket.reporting.formula import COMPARISONS
from doanket.reporting.models import Indicator, ReportForm
from doanket.units.models import MemberOrg, Unit

INDICATOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
FORM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
COMPUTED_KEY = re.compile(r"^[a-z0-9_.]+$")
FIRST_YEAR, LAST_YEAR = 2017, 2100
MAX_DEADLINE_DAYS = 60


def _text(label, *, max_length, missing="", too_long, required=True, widget=None, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        help_text=help_text,
        error_messages={"required": missing, "max_length": too_long},
    )


def _choice(label, choices, *, missing, required=True, coerce=None):
    messages = {
        "required": missing,
        "invalid_choice": _("Lựa chọn không hợp lệ; hãy chọn trong danh sách."),
    }
    if coerce is not None:
        return forms.TypedChoiceField(
            label=label,
            choices=choices,
            required=required,
            coerce=coerce,
            empty_value=None,
            error_messages=messages,
        )
    return forms.ChoiceField(
        label=label, choices=choices, required=required, error_messages=messages
    )


def _tidy_text(value: str) -> str:
    return nfc(value or "")


class IndicatorForm(forms.Form):
    code = _text(
        _("Mã"),
        max_length=30,
        missing=_("Hãy nhập mã chỉ tiêu, ví dụ HGD_DAT."),
        too_long=_("Mã chỉ tiêu dài quá 30 ký tự; hãy chọn mã ngắn hơn."),
        help_text=_("Chữ in hoa không dấu, số và dấu gạch dưới, ví dụ HGD_DAT."),
    )
    name = _text(
        _("Tên chỉ tiêu"),
        max_length=300,
        missing=_("Hãy nhập tên chỉ tiêu."),
        too_long=_("Tên chỉ tiêu dài quá 300 ký tự; hãy viết ngắn hơn."),
    )
    measure = _text(
        _("Đơn vị tính"),
        max_length=30,
        too_long=_("Đơn vị tính dài quá 30 ký tự; hãy viết ngắn hơn."),
        required=False,
        help_text=_("Ví dụ: hộ, người, %, đồng, m², km, ngày công, mô hình, cuộc."),
    )
    value_type = _choice(
        _("Kiểu giá trị"), Indicator.ValueType.choices, missing=_("Hãy chọn kiểu giá trị.")
    )
    aggregation = _choice(
        _("Cách tổng hợp"), Indicator.Aggregation.choices, missing=_("Hãy chọn cách tổng hợp.")
    )
    content_area = _choice(
        _("Nội dung cuộc vận động"),
        [
            ("", _("— Không thuộc nội dung nào —")),
            *Indicator._meta.get_field("content_area").choices,
        ],
        missing="",
        required=False,
        coerce=int,
    )
    source = _choice(
        _("Nguồn số liệu"), Indicator.Source.choices, missing=_("Hãy chọn nguồn số liệu.")
    )
    formula = _text(
        _("Công thức"),
        max_length=300,
        too_long=_("Công thức dài quá 300 ký tự; hãy viết ngắn hơn."),
        required=False,
        help_text=_("Với chỉ tiêu tính theo công thức, ví dụ: HGD_DAT / HGD_DANGKY * 100"),
    )
    computed_key = _text(
        _("Khóa sổ theo dõi"),
        max_length=60,
        too_long=_("Khóa sổ theo dõi dài quá 60 ký tự."),
        required=False,
        help_text=_("Với chỉ tiêu tính từ sổ theo dõi, ví dụ households.cultured."),
    )
    description = _text(
        _("Hướng dẫn"),
        max_length=5000,
        too_long=_("Hướng dẫn dài quá 5000 ký tự; hãy viết ngắn hơn."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        return {name: getattr(indicator, name) for name in cls.base_fields}

    def clean_code(self):
        code = (self.cleaned_data["code"] or "").strip().upper()
        if not INDICATOR_CODE.match(code):
            raise forms.ValidationError(
                _(
                    "Mã chỉ tiêu “%(code)s” không hợp lệ: chỉ gồm chữ in hoa không dấu, số và "
                    "dấu gạch dưới, bắt đầu bằng chữ, ví dụ HGD_DAT."
                )
                % {"code": code[:40]}
            )
        return code

    def clean_name(self):
        name = _tidy_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Hãy nhập tên chỉ tiêu."))
        return name

    def clean_measure(self):
        return _tidy_text(self.cleaned_data["measure"])

    def clean_formula(self):
        return " ".join((self.cleaned_data["formula"] or "").split())

    def clean_computed_key(self):
        key = (self.cleaned_data["computed_key"] or "").strip()
        if key and not COMPUTED_KEY.match(key):
            raise forms.ValidationError(
                _("Khóa sổ theo dõi chỉ gồm chữ thường không dấu, số, dấu chấm và dấu _.")
            )
        return key

    def clean_description(self):
        return (self.cleaned_data["description"] or "").strip()


class ReportFormForm(forms.Form):
    code = _text(
        _("Mã biểu mẫu"),
        max_length=30,
        missing=_("Hãy nhập mã biểu mẫu, ví dụ BC-CVD."),
        too_long=_("Mã biểu mẫu dài quá 30 ký tự; hãy chọn mã ngắn hơn."),
        help_text=_("Chữ in hoa không dấu, số, dấu - và _, ví dụ BC-CVD."),
    )
    name = _text(
        _("Tên biểu mẫu"),
        max_length=300,
        missing=_("Hãy nhập tên biểu mẫu."),
        too_long=_("Tên biểu mẫu dài quá 300 ký tự; hãy viết ngắn hơn."),
    )
    schedule = _choice(
        _("Kỳ báo cáo"), ReportForm.Schedule.choices, missing=_("Hãy chọn kỳ báo cáo.")
    )
    cutoff_rule = _choice(
        _("Quy tắc chốt số liệu"),
        ReportForm.CutoffRule.choices,
        missing=_("Hãy chọn quy tắc chốt số liệu."),
    )
    deadline_days = forms.IntegerField(
        label=_("Hạn gửi (số ngày sau kỳ)"),
        min_value=0,
        max_value=MAX_DEADLINE_DAYS,
        error_messages={
            "required": _("Hãy nhập số ngày của hạn gửi (từ 0 đến 60)."),
            "invalid": _("Hạn gửi phải là một số nguyên ngày, từ 0 đến 60."),
            "min_value": _("Hạn gửi không được là số âm; hãy nhập từ 0 đến 60 ngày."),
            "max_value": _("Hạn gửi nhiều nhất là 60 ngày sau kỳ; hãy nhập từ 0 đến 60."),
        },
    )
    deadline_working_days = forms.BooleanField(label=_("Tính theo ngày làm việc"), required=False)
    reporter_kinds = forms.MultipleChoiceField(
        label=_("Cấp đơn vị báo cáo"),
        choices=[c for c in Unit.Kind.choices if c[0] != Unit.Kind.RESIDENTIAL_AREA],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Cấp đơn vị đã chọn không hợp lệ.")},
    )
    member_org_types = forms.MultipleChoiceField(
        label=_("Tổ chức thành viên báo cáo"),
        choices=MemberOrg.OrgType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Loại tổ chức đã chọn không hợp lệ.")},
    )
    active = forms.BooleanField(label=_("Đang dùng"), required=False)

    @classmethod
    def initial_for(cls, form: ReportForm) -> dict:
        return {name: getattr(form, name) for name in cls.base_fields}

    def clean_code(self):
        code = (self.cleaned_data["code"] or "").strip().upper()
        if not FORM_CODE.match(code):
            raise forms.ValidationError(
                _(
                    "Mã biểu mẫu “%(code)s” không hợp lệ: chỉ gồm chữ in hoa không dấu, số, "
                    "dấu - và dấu _, ví dụ BC-CVD."
                )
                % {"code": code[:40]}
            )
        return code

    def clean_name(self):
        name = _tidy_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Hãy nhập tên biểu mẫu."))
        return name


class VersionCreateForm(forms.Form):
    valid_from_year = forms.IntegerField(
        label=_("Áp dụng từ năm"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": _("Hãy nhập năm bắt đầu áp dụng phiên bản mới."),
            "invalid": _("Năm áp dụng phải là một số, ví dụ 2027."),
            "min_value": _("Năm áp dụng phải từ năm 2017 trở đi."),
            "max_value": _("Năm áp dụng không được sau năm 2100."),
        },
    )


class SectionForm(forms.Form):
    title = _text(
        _("Tiêu đề phần"),
        max_length=300,
        missing=_("Hãy nhập tiêu đề phần."),
        too_long=_("Tiêu đề phần dài quá 300 ký tự; hãy viết ngắn hơn."),
    )

    def clean_title(self):
        title = _tidy_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Hãy nhập tiêu đề phần."))
        return title


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ItemAddForm(forms.Form):
    indicator = IndicatorChoiceField(
        label=_("Chỉ tiêu"),
        queryset=Indicator.objects.all(),
        error_messages={
            "required": _("Hãy chọn một chỉ tiêu để thêm."),
            "invalid_choice": _("Chỉ tiêu đã chọn không có hoặc đã nằm trong phiên bản này."),
        },
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators


class MoveForm(forms.Form):
    direction = _choice(
        _("Hướng chuyển"),
        [("up", _("Lên")), ("down", _("Xuống"))],
        missing=_("Hãy chọn chuyển lên hay xuống."),
    )


class RuleForm(forms.Form):
    left = _text(
        _("Vế trái"),
        max_length=300,
        missing=_("Hãy nhập vế trái của quy tắc, ví dụ HGD_DAT."),
        too_long=_("Vế trái dài quá 300 ký tự; hãy viết ngắn hơn."),
    )
    comparison = _choice(
        _("So sánh"), [(c, c) for c in COMPARISONS], missing=_("Hãy chọn phép so sánh.")
    )
    right = _text(
        _("Vế phải"),
        max_length=300,
        missing=_("Hãy nhập vế phải của quy tắc, ví dụ HGD_DANGKY."),
        too_long=_("Vế phải dài quá 300 ký tự; hãy viết ngắn hơn."),
    )
    message = _text(
        _("Thông báo khi sai"),
        max_length=300,
        missing=_("Hãy nhập thông báo hiện ra khi số liệu sai quy tắc."),
        too_long=_("Thông báo khi sai dài quá 300 ký tự; hãy viết ngắn hơn."),
    )

    def clean_left(self):
        return " ".join(self.cleaned_data["left"].split())

    def clean_right(self):
        return " ".join(self.cleaned_data["right"].split())

    def clean_message(self):
        return _tidy_text(self.cleaned_data["message"])


class NarrativePartForm(forms.Form):
    key = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    title = _text(
        _("Tiêu đề phần lời văn"),
        max_length=200,
        too_long=_("Tiêu đề phần lời văn dài quá 200 ký tự; hãy viết ngắn hơn."),
        required=False,
    )

    def clean_title(self):
        return _tidy_text(self.cleaned_data["title"])

    def clean(self):
        data = super().clean()
        if data.get("key") and not data.get("title") and not data.get("DELETE"):
            raise forms.ValidationError(
                _("Hãy nhập tiêu đề cho phần lời văn, hoặc đánh dấu xóa phần đó.")
            )
        return data


NarrativePartFormSet = forms.formset_factory(
    NarrativePartForm, extra=2, can_delete=True, max_num=10, validate_max=True
)


def narrative_parts_from(formset) -> list[dict]:
    """The rows kept, in order: not deleted and not left blank."""
    return [
        {"key": form.cleaned_data.get("key", ""), "title": form.cleaned_data.get("title", "")}
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (form.cleaned_data.get("title") or form.cleaned_data.get("key"))
    ]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm chỉ tiêu"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Từ khóa tìm kiếm dài quá 100 ký tự; hãy gõ ngắn hơn.")},
    )

    def folded(self) -> str:
        if self.is_valid():
            return fold(self.cleaned_data["q"] or "")
        return ""
