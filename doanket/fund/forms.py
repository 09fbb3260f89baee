"""Forms of the fund officer's pages. They read what was typed (amounts as "1.250.000",
dates as dd/mm/yyyy) and offer only what the user may pick; the rules of the ledger
(closed months, balances, who may write) stay in the services, which check again."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from doanket.accounts.access import units_for_user
from doanket.accounts.models import Role, User
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.vn_text import fold
from doanket.fund import services
from doanket.fund.models import Drive, Fund, Posting
from doanket.households.access import households_for_user
from doanket.households.models import Household
from doanket.units import selectors as unit_selectors
from doanket.units.forms import VietnameseDateField
from doanket.units.models import Unit, valid_on

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
DATE = {**SMALL, "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
MONEY = {**SMALL, "placeholder": "1.250.000", "inputmode": "numeric", "autocomplete": "off"}
# How many households a picker lists before the officer searches.
PICKER_SIZE = 50
# Receipt numbers are taken by the system; any of these posted is refused.
TYPED_RECEIPT_FIELDS = ("receipt_number", "receipt_series", "receipt")
TYPED_RECEIPT_REFUSED = _("Số phiếu thu do hệ thống cấp, không nhập tay.")


class AmountField(forms.CharField):
    """Whole đồng as people type them; refused with the services' own sentences."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(MONEY))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Hãy ghi số tiền."),
                "max_length": _("Số tiền dài quá; hãy ghi số đồng, ví dụ 1.250.000."),
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return services.clean_amount(text)


def date_field(label, required_message, required=True):
    return VietnameseDateField(
        label=label,
        required=required,
        widget=forms.TextInput(DATE),
        error_messages={"required": required_message},
    )


def text_field(label, max_length, *, required=False, required_message="", rows=None):
    widget = forms.Textarea({**SMALL, "rows": rows}) if rows else forms.TextInput(SMALL)
    messages = {"max_length": _("Dài quá %(max)s ký tự.") % {"max": max_length}}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages=messages,
    )


def choice_field(label, choices, required_message, *, radio=False, required=True):
    widget = forms.RadioSelect({"class": "form-check-input"}) if radio else forms.Select(SELECT)
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=widget,
        error_messages={
            "required": required_message,
            "invalid_choice": _("Lựa chọn không hợp lệ; hãy chọn lại."),
        },
    )


class DriveForm(forms.Form):
    name = text_field(
        _("Tên đợt vận động"), 200, required=True, required_message=_("Hãy ghi tên đợt vận động.")
    )
    starts_on = date_field(_("Từ ngày"), _("Hãy ghi ngày bắt đầu (dd/mm/yyyy)."))
    ends_on = date_field(_("Đến ngày"), _("Hãy ghi ngày kết thúc (dd/mm/yyyy)."))
    target = AmountField(label=_("Chỉ tiêu (đồng)"), required=False)


class DonationForm(forms.Form):
    donor_type = choice_field(
        _("Người ủng hộ"),
        Posting.DonorType.choices,
        _("Hãy chọn người ủng hộ là tổ chức, cá nhân hay giấu tên."),
        radio=True,
    )
    donor_name = text_field(_("Họ tên người / tên đơn vị ủng hộ"), 200)
    donor_address = text_field(_("Địa chỉ"), 300)
    method = choice_field(
        _("Hình thức"),
        Posting.Method.choices,
        _("Hãy chọn hình thức: tiền mặt, chuyển khoản hoặc hiện vật."),
        radio=True,
    )
    in_kind = text_field(_("Hiện vật và cách định giá thành tiền"), 300)
    drive = forms.ModelChoiceField(
        label=_("Đợt vận động"),
        queryset=Drive.objects.none(),
        required=False,
        empty_label=_("— Không thuộc đợt nào —"),
        widget=forms.Select(SELECT),
        error_messages={"invalid_choice": _("Đợt vận động không thuộc quỹ này.")},
    )
    date = date_field(_("Ngày thu"), _("Hãy ghi ngày thu (dd/mm/yyyy)."))
    amount = AmountField(label=_("Số tiền (đồng)"))
    description = text_field(_("Ghi chú"), 500)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drive"].queryset = fund.drives.order_by("-starts_on", "id")

    def clean(self):
        """A receipt number is the next of the fund's series, taken inside the posting;
        one typed by hand would break the series, so the whole form is refused."""
        for name in TYPED_RECEIPT_FIELDS:
            if str(self.data.get(name) or "").strip():
                raise ValidationError(TYPED_RECEIPT_REFUSED)
        return super().clean()


def disbursement_households(user: User, fund: Fund) -> QuerySet[Household]:
    """Households of the register the user may see, in the areas under the fund's unit
    on today's map, still living there."""
    areas = unit_selectors.unit_subtree(unit=fund.unit, on=unit_selectors.today()).filter(
        kind=Unit.Kind.RESIDENTIAL_AREA
    )
    return households_for_user(user).filter(area__in=areas, gone_on__isnull=True)


def household_choices(households: QuerySet[Household], text: str = "", selected=None):
    """The first households of the picker, by Vietnamese order of the head's name; a
    search narrows them by name or household number without diacritics."""
    found = households
    if text:
        folded = fold(text)
        found = found.filter(Q(head_name_folded__contains=folded) | Q(number__iexact=text))
    found = found.select_related("area").order_by(Collate("head_name", VI_COLLATION), "id")
    rows = list(found[:PICKER_SIZE])
    if selected is not None and all(h.pk != selected.pk for h in rows):
        rows.insert(0, selected)
    return [(h.pk, household_label(h)) for h in rows]


def household_label(household: Household) -> str:
    where = ", ".join(part for part in (household.address, household.area.name) if part)
    number = f" (số {household.number})" if household.number else ""
    return f"{household.head_name}{number} — {where}"


class DisbursementForm(forms.Form):
    category = choice_field(
        _("Nội dung chi"),
        [("", _("— Chọn nội dung chi —")), *Posting.Category.choices],
        _("Hãy chọn nội dung chi."),
    )
    household = forms.ModelChoiceField(
        label=_("Hộ được hỗ trợ"),
        queryset=Household.objects.none(),
        required=False,
        empty_label=_("— Chọn hộ trong sổ —"),
        widget=forms.Select(SELECT),
        error_messages={"invalid_choice": _("Hộ được hỗ trợ không thuộc phạm vi của bạn.")},
    )
    project = text_field(_("Hoặc công trình, dự án"), 300)
    decision_number = text_field(
        _("Số quyết định chi"),
        60,
        required=True,
        required_message=_("Hãy ghi số và ngày của quyết định chi."),
    )
    decision_on = date_field(_("Ngày quyết định"), _("Hãy ghi số và ngày của quyết định chi."))
    date = date_field(_("Ngày chi"), _("Hãy ghi ngày chi (dd/mm/yyyy)."))
    amount = AmountField(label=_("Số tiền (đồng)"))
    description = text_field(_("Ghi chú"), 500)
    overdraft_reason = text_field(_("Lý do chi vượt số dư (chỉ lãnh đạo duyệt quỹ)"), 300)

    def __init__(self, *args, user: User, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        households = disbursement_households(user, fund)
        field = self.fields["household"]
        field.queryset = households
        selected = None
        if self.is_bound and str(self.data.get("household") or "").isdigit():
            selected = households.filter(pk=self.data["household"]).first()
        field.widget.choices = [
            ("", field.empty_label),
            *household_choices(households, "", selected),
        ]
        if not services.can_approve(user, fund):
            del self.fields["overdraft_reason"]


def transfer_targets(user: User, fund: Fund) -> QuerySet[Fund]:
    """The funds of the levels above (a commune remits to the province) and of the units
    in the user's scope (the province allocates to communes); never the fund itself."""
    ancestors = [u.pk for u in unit_selectors.unit_ancestors(unit=fund.unit, on=services.today())]
    return (
        Fund.objects.filter(
            Q(unit__in=units_for_user(user, with_hosts=False)) | Q(unit_id__in=ancestors)
        )
        .exclude(pk=fund.pk)
        .filter(unit__valid_to__gte=services.today())  # a unit that ended takes no money
        .select_related("unit")
        .order_by("unit__kind", Collate("name", VI_COLLATION), "id")
    )


class TransferForm(forms.Form):
    to_fund = forms.CharField(
        label=_("Chuyển đến quỹ"),
        widget=forms.Select(SELECT),
        error_messages={"required": _("Hãy chọn quỹ nhận.")},
    )
    date = date_field(_("Ngày chuyển"), _("Hãy ghi ngày chuyển (dd/mm/yyyy)."))
    amount = AmountField(label=_("Số tiền (đồng)"))
    description = text_field(_("Nội dung"), 500)

    def __init__(self, *args, user: User, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.targets = transfer_targets(user, fund)
        self.fields["to_fund"].widget.choices = [("", _("— Chọn quỹ nhận —"))] + [
            (f.pk, f"{f.name} ({f.unit.get_kind_display().lower()})") for f in self.targets
        ]

    def clean_to_fund(self):
        """The fund itself and any fund outside the offered ones are refused; a fund that
        does not exist gets the same answer as one outside the scope."""
        value = str(self.cleaned_data["to_fund"]).strip()
        if value == str(self.fund.pk):
            raise ValidationError(_("Không chuyển quỹ cho chính mình."))
        chosen = self.targets.filter(pk=value).first() if value.isdigit() else None
        if chosen is None:
            raise ValidationError(_("Quỹ nhận không thuộc phạm vi của bạn và không phải cấp trên."))
        return chosen


class ReversalForm(forms.Form):
    reason = text_field(
        _("Lý do hủy"),
        300,
        required=True,
        required_message=_("Hãy ghi lý do hủy (đảo) chứng từ."),
        rows=2,
    )
    date = date_field(_("Ngày ghi bút toán đảo (để trống: hôm nay)"), "", required=False)


def month_choices():
    return [(m, _("Tháng %(m)02d") % {"m": m}) for m in range(1, 13)]


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput({**SMALL, "inputmode": "numeric"}),
        error_messages={
            "required": _("Hãy ghi năm."),
            "invalid": _("Năm phải là số, ví dụ 2026."),
            "min_value": _("Năm không hợp lệ."),
            "max_value": _("Năm không hợp lệ."),
        },
    )
    month = forms.TypedChoiceField(
        label=_("Tháng"),
        coerce=int,
        choices=month_choices,
        widget=forms.Select(SELECT),
        error_messages={
            "required": _("Hãy chọn tháng."),
            "invalid_choice": _("Tháng không hợp lệ."),
        },
    )


class ReopenForm(PeriodForm):
    reason = text_field(
        _("Lý do mở lại sổ"),
        300,
        required=True,
        required_message=_("Hãy ghi lý do mở lại sổ."),
        rows=2,
    )


OPENERS = frozenset({Role.ADMIN, Role.APPROVER})


def openable_units(user: User) -> QuerySet[Unit]:
    """Units with no fund yet where the user leads or manages: a province, a district or
    a commune that exists today."""
    return (
        units_for_user(user, OPENERS)
        .filter(valid_on(services.today()), kind__in=services.FUND_KINDS, fund__isnull=True)
        .order_by("kind", Collate("name", VI_COLLATION), "id")
    )


class OpenFundForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.none(),
        widget=forms.Select(SELECT),
        error_messages={
            "required": _("Hãy chọn đơn vị mở quỹ."),
            "invalid_choice": _("Đơn vị được chọn không mở quỹ được; hãy chọn lại."),
        },
    )
    name = text_field(_("Tên quỹ (để trống: tên theo đơn vị)"), 200)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = openable_units(user)
