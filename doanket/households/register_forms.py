"""Forms of the household register pages. They read and normalise what was typed; the
rules (duplicates, dates, who may write) stay in the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doanket.households import access
from doanket.households.models import Household
from doanket.households.services import MAX_MEMBERS
from doanket.units.forms import VietnameseDateField
from doanket.units.selectors import in_vietnamese_order

TEXT = {"class": "form-control"}
SMALL = {"class": "form-control form-control-sm"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên chủ hộ"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Từ khóa tìm kiếm dài quá 100 ký tự; hãy gõ ngắn hơn.")},
    )

    def text(self) -> str:
        """What to search for; a refused search is no search."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["q"].strip()
        return ""


class HouseholdForm(forms.Form):
    number = forms.CharField(
        label=_("Số hộ"),
        required=False,
        max_length=30,
        widget=forms.TextInput(SMALL),
        error_messages={"max_length": _("Số hộ dài quá 30 ký tự.")},
    )
    head_name = forms.CharField(
        label=_("Chủ hộ"),
        max_length=200,
        widget=forms.TextInput(SMALL),
        error_messages={
            "required": _("Hãy ghi họ tên chủ hộ."),
            "max_length": _("Họ tên chủ hộ dài quá 200 ký tự."),
        },
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        required=False,
        max_length=300,
        widget=forms.TextInput(SMALL),
        error_messages={"max_length": _("Địa chỉ dài quá 300 ký tự.")},
    )
    members = forms.IntegerField(
        label=_("Số nhân khẩu"),
        required=False,
        widget=forms.TextInput({**SMALL, "inputmode": "numeric"}),
        error_messages={"invalid": _("Số nhân khẩu phải là số nguyên.")},
    )
    phone = forms.CharField(
        label=_("Điện thoại"),
        required=False,
        max_length=20,
        widget=forms.TextInput({**SMALL, "inputmode": "tel"}),
        error_messages={"max_length": _("Số điện thoại dài quá 20 ký tự.")},
    )
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({**SMALL, "rows": 2}),
        error_messages={"max_length": _("Ghi chú dài quá 2000 ký tự.")},
    )

    def clean_members(self):
        members = self.cleaned_data["members"]
        if members is not None and not 1 <= members <= MAX_MEMBERS:
            raise ValidationError(_("Số nhân khẩu phải từ 1 đến %(max)s.") % {"max": MAX_MEMBERS})
        return members

    @classmethod
    def initial_for(cls, household: Household) -> dict:
        return {name: getattr(household, name) for name in cls.base_fields}


class MoveForm(forms.Form):
    """Only the areas the user may edit are offered; any other answer is refused here."""

    to_area = forms.ModelChoiceField(
        label=_("Chuyển đến khu dân cư"),
        queryset=None,
        widget=forms.Select({"class": "form-select form-select-sm"}),
        error_messages={
            "required": _("Hãy chọn khu dân cư chuyển đến."),
            "invalid_choice": _(
                "Khu dân cư được chọn không thuộc phạm vi bạn được cập nhật; hãy chọn lại."
            ),
        },
    )
    date = VietnameseDateField(
        label=_("Ngày chuyển"),
        widget=forms.TextInput({**SMALL, "placeholder": "dd/mm/yyyy"}),
        error_messages={"required": _("Hãy ghi ngày chuyển (dd/mm/yyyy).")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=300,
        widget=forms.TextInput(SMALL),
        error_messages={"max_length": _("Lý do dài quá 300 ký tự.")},
    )

    def __init__(self, *args, user, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        areas = access.areas_for_user(user, access.EDITORS).exclude(pk=household.area_id)
        self.fields["to_area"].queryset = in_vietnamese_order(areas)


class GoneForm(forms.Form):
    date = VietnameseDateField(
        label=_("Từ ngày"),
        widget=forms.TextInput({**SMALL, "placeholder": "dd/mm/yyyy"}),
        error_messages={"required": _("Hãy ghi ngày hộ chuyển đi hoặc không còn (dd/mm/yyyy).")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=300,
        widget=forms.TextInput(SMALL),
        error_messages={
            "required": _("Hãy ghi lý do (chuyển đi nơi khác, tách hộ, không còn …)."),
            "max_length": _("Lý do dài quá 300 ký tự."),
        },
    )


class IdListField(forms.Field):
    """The ticked households: every checkbox posts the same name with an id."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return set()
        try:
            return {int(item) for item in value}
        except (TypeError, ValueError):
            raise ValidationError(
                _("Danh sách hộ đăng ký không hợp lệ. Hãy tải lại trang rồi đánh dấu lại.")
            ) from None


class RegistrationForm(forms.Form):
    registered = IdListField(required=False)
