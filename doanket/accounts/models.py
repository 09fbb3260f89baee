import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.vn_text import fold, nfc


class User(AbstractUser):
    full_name = models.CharField(_("Họ và tên"), max_length=150)
    full_name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    phone = models.CharField(_("Số điện thoại"), max_length=20, blank=True)
    position = models.CharField(_("Chức vụ"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = _("Người dùng")

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name or "")
        self.full_name_folded = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "full_name_folded"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.username


class Role(models.TextChoices):
    VIEWER = "viewer", _("Xem")
    EDITOR = "editor", _("Nhập liệu")
    APPROVER = "approver", _("Duyệt")
    ADMIN = "admin", _("Quản trị đơn vị")


class Membership(models.Model):
    """A role a user holds on a unit (and so on its subtree) or on a member organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    member_org = models.ForeignKey(
        "units.MemberOrg",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("Vai trò"), max_length=10, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vai trò người dùng")
        verbose_name_plural = _("Vai trò người dùng")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(member_org__isnull=True))
                | (Q(unit__isnull=True) & Q(member_org__isnull=False)),
                name="membership_unit_xor_org",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="membership_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "member_org", "role"],
                condition=Q(member_org__isnull=False),
                name="membership_once_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.target}"

    @property
    def target(self):
        return self.unit if self.unit_id else self.member_org


class ApiToken(models.Model):
    """A token for scripts and other systems; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Tên"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = _("Mã truy cập API")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str = "") -> tuple["ApiToken", str]:
        raw = "dk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[3:11], digest=cls.hash(raw))
        return token, raw
