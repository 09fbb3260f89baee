from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from doanket.accounts.models import Role, User
from doanket.core.audit import client_ip
from doanket.core.lib.vn_text import nfc
from doanket.units.models import MemberOrg, Unit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (mật khẩu phân biệt "
            "chữ hoa, chữ thường và bộ gõ tiếng Việt)."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị đơn vị."),
        "slowed": _("Bạn đã đăng nhập sai nhiều lần. Hãy đợi %(seconds)s giây rồi thử lại."),
    }

    def clean(self):
        from doanket.accounts.services import (
            login_failed_record,
            login_succeeded_record,
            login_wait_seconds,
        )

        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        ip_address = client_ip(self.request) if self.request else None
        if not username or not password:
            return self.cleaned_data
        wait = login_wait_seconds(username=username, ip_address=ip_address)
        if wait > 0:
            raise forms.ValidationError(
                self.error_messages["slowed"], code="slowed", params={"seconds": wait}
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            login_failed_record(username=username, ip_address=ip_address)
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        login_succeeded_record(user=self.user_cache, ip_address=ip_address)
        return self.cleaned_data


class TargetChoiceMixin:
    """A choice of a unit or a member organisation inside the admin's scope."""

    def set_targets(self, *, units, member_orgs):
        self.fields["unit"].queryset = units
        self.fields["member_org"].queryset = member_orgs

    def clean_target(self):
        unit = self.cleaned_data.get("unit")
        org = self.cleaned_data.get("member_org")
        if bool(unit) == bool(org):
            raise forms.ValidationError(
                _("Hãy chọn một đơn vị hoặc một tổ chức thành viên (chỉ một trong hai).")
            )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.unit.name}"


class GrantForm(TargetChoiceMixin, forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = UnitChoiceField(
        label=_("Trên đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Đơn vị đã chọn không có trong phạm vi của bạn.")},
    )
    member_org = OrgChoiceField(
        label=_("Hoặc trên tổ chức thành viên"),
        queryset=MemberOrg.objects.none(),
        required=False,
        empty_label=_("— Chọn tổ chức (nếu phân quyền cho tổ chức) —"),
        error_messages={"invalid_choice": _("Tổ chức đã chọn không có trong phạm vi của bạn.")},
    )

    def clean(self):
        super().clean()
        self.clean_target()
        return self.cleaned_data


class UserCreateForm(GrantForm):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={
            "invalid": _(
                "Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các ký tự . _ @ + -, "
                "ví dụ: nguyenvana"
            )
        },
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        regex=r"^[0-9 +().-]{8,20}$",
        error_messages={"invalid": _("Số điện thoại chỉ gồm chữ số, ví dụ: 0912 345 678")},
    )
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, min_length=8, max_length=128
    )

    field_order = [
        "username",
        "full_name",
        "position",
        "email",
        "phone",
        "password",
        "role",
        "unit",
        "member_org",
    ]

    def clean_full_name(self):
        name = nfc(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Hãy nhập họ và tên."))
        return name

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("Tên đăng nhập “%(name)s” đã có người dùng, hãy chọn tên khác.")
                % {"name": username}
            )
        return username


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu mới"), widget=forms.PasswordInput, min_length=8, max_length=128
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), max_length=100, required=False)
