import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.vn_text import fold, nfc

# Open ends of a validity span. Stored as real dates so that "valid on D" is one range
# condition on an index, never an IS NULL branch.
BEGINNING = datetime.date(1900, 1, 1)
END = datetime.date(9999, 12, 31)
REFORM_DATE = datetime.date(2025, 7, 1)


def valid_on(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on, f"{prefix}valid_to__gte": on})


class ShownSpan:
    """The ends of a validity span as people see them: nothing for an open end."""

    @property
    def shown_valid_from(self):
        return None if self.valid_from == BEGINNING else self.valid_from

    @property
    def shown_valid_to(self):
        return None if self.valid_to == END else self.valid_to


class Unit(ShownSpan, models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Cấp huyện")
        COMMUNE = "commune", _("Cấp xã")
        RESIDENTIAL_AREA = "residential_area", _("Khu dân cư")

    code = models.CharField(_("Mã"), max_length=20)
    name = models.CharField(_("Tên"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("Cấp"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("Hiệu lực từ"), default=BEGINNING)
    valid_to = models.DateField(_("Hiệu lực đến"), default=END)

    class Meta:
        verbose_name = _("Đơn vị")
        verbose_name_plural = _("Đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="unit_code_once_per_start",
                violation_error_message=_("Đã có đơn vị mang mã này bắt đầu cùng ngày."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")), name="unit_span_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["code", "valid_from", "valid_to"]),
            # "did any unit begin or end between two dates?" asked by every roll-up
            models.Index(fields=["valid_to"], name="unit_valid_to"),
            models.Index(fields=["valid_from"], name="unit_valid_from"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        if (
            "update_fields" in kwargs
            and kwargs["update_fields"]
            and "name" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    def clean(self):
        self.name = nfc(self.name or "")
        if not self.name:
            raise ValidationError({"name": _("Tên đơn vị không được để trống.")})
        if self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("Ngày kết thúc hiệu lực phải sau ngày bắt đầu.")})

    def is_valid_on(self, on: datetime.date) -> bool:
        return self.valid_from <= on <= self.valid_to

    @property
    def level(self) -> int:
        return [k for k, _label in self.Kind.choices].index(self.kind)


class UnitLink(ShownSpan, models.Model):
    """A placement of a unit under a parent for a span of time.

    `path` is the chain of unit ids from the root to this unit as placed here, so the
    subtree of a placement valid on D is the links valid on D whose path starts with it.
    """

    child = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_links"
    )
    valid_from = models.DateField(_("Từ ngày"), default=BEGINNING)
    valid_to = models.DateField(_("Đến ngày"), default=END)
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Quan hệ trực thuộc")
        verbose_name_plural = _("Quan hệ trực thuộc")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")), name="unitlink_span_ordered"
            ),
            models.CheckConstraint(condition=~Q(child=F("parent")), name="unitlink_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["parent", "valid_from", "valid_to"]),
            models.Index(fields=["child", "valid_from", "valid_to"]),
        ]

    def __str__(self):
        return f"{self.child_id} ← {self.parent_id} [{self.valid_from}–{self.valid_to}]"

    def path_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Succession(models.Model):
    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")

    old = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_as_old")
    new = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_as_new")
    date = models.DateField(_("Ngày hiệu lực"))
    kind = models.CharField(_("Hình thức"), max_length=10, choices=Kind.choices)
    primary = models.BooleanField(
        _("Đơn vị kế thừa chính"),
        default=True,
        help_text=_("Dữ liệu của đơn vị cũ được chuyển về đơn vị kế thừa chính."),
    )

    class Meta:
        verbose_name = _("Kế thừa đơn vị")
        verbose_name_plural = _("Kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["old", "new"],
                name="succession_once_per_pair",
                violation_error_message=_("Quan hệ kế thừa giữa hai đơn vị này đã có."),
            ),
            models.UniqueConstraint(
                fields=["old"],
                condition=Q(primary=True),
                name="succession_one_primary",
                violation_error_message=_("Đơn vị cũ này đã có một đơn vị kế thừa chính."),
            ),
        ]

    def __str__(self):
        return f"{self.old} → {self.new} ({self.get_kind_display()})"


class MemberOrg(models.Model):
    """A member organisation's branch sitting at a unit (tổ chức thành viên)."""

    class OrgType(models.TextChoices):
        FARMERS = "farmers", _("Hội Nông dân")
        WOMEN = "women", _("Hội Liên hiệp Phụ nữ")
        YOUTH = "youth", _("Đoàn Thanh niên Cộng sản Hồ Chí Minh")
        VETERANS = "veterans", _("Hội Cựu chiến binh")
        LABOUR = "labour", _("Liên đoàn Lao động")
        ELDERLY = "elderly", _("Hội Người cao tuổi")
        RED_CROSS = "red_cross", _("Hội Chữ thập đỏ")
        OTHER = "other", _("Tổ chức khác")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="member_orgs")
    org_type = models.CharField(_("Loại tổ chức"), max_length=20, choices=OrgType.choices)
    name = models.CharField(_("Tên"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    valid_from = models.DateField(_("Hiệu lực từ"), default=BEGINNING)
    valid_to = models.DateField(_("Hiệu lực đến"), default=END)

    class Meta:
        verbose_name = _("Tổ chức thành viên")
        verbose_name_plural = _("Tổ chức thành viên")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "org_type", "valid_from"], name="memberorg_once_per_unit"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
