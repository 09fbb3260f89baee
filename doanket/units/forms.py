import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.dates import parse_date


class VietnameseDateField(forms.Field):
    """A date typed as dd/mm/yyyy, refused with the parser's Vietnamese sentence."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 20:
            raise forms.ValidationError(_("Ngày quá dài; hãy nhập theo dạng dd/mm/yyyy."))
        try:
            return parse_date(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class MapDateForm(forms.Form):
    on = VietnameseDateField(label=_("Xem cây đơn vị vào ngày"), required=False)
    q = forms.CharField(
        label=_("Tìm đơn vị"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Từ khóa tìm kiếm dài quá 100 ký tự; hãy gõ ngắn hơn.")},
    )

    def map_date(self, default: datetime.date) -> datetime.date:
        """The date asked for, even when another field (the search) was refused."""
        if self.is_bound:
            self.is_valid()
            return self.cleaned_data.get("on") or default
        return default
