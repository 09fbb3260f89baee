from django import forms
from django.utils.translation import gettext_lazy as _

from doanket.units.forms import VietnameseDateField

MAX_ATTACHMENT = 20 * 1024 * 1024
ATTACHMENT_TYPES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".odt",
    ".ods",
)


class RollupOptionsForm(forms.Form):
    on = VietnameseDateField(label=_("Theo bản đồ ngày"), required=False)
    approved_only = forms.BooleanField(label=_("Chỉ tính báo cáo đã duyệt"), required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), min_length=5, max_length=2000, widget=forms.Textarea
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(
                _("Tệp lớn hơn 20 MB. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại.")
            )
        if not upload.name.lower().endswith(ATTACHMENT_TYPES):
            raise forms.ValidationError(
                _("Chỉ nhận tệp PDF, Word, Excel, LibreOffice hoặc ảnh (JPG, PNG).")
            )
        return upload
