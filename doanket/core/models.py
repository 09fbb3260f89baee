from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """A state change or security event: who did what, when, on which unit, before/after."""

    created_at = models.DateTimeField(_("Thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("Hành động"), max_length=64, db_index=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_type = models.CharField(_("Loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("Mã đối tượng"), max_length=64, blank=True)
    summary = models.CharField(_("Nội dung"), max_length=500, blank=True)
    before = models.JSONField(_("Trước"), null=True, blank=True)
    after = models.JSONField(_("Sau"), null=True, blank=True)
    username = models.CharField(_("Tên đăng nhập"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("Địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nhật ký")
        verbose_name_plural = _("Nhật ký")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "username", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.summary}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("Nội dung"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Thông báo")
        verbose_name_plural = _("Thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text
