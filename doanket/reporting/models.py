from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.vn_text import fold, nfc
from doanket.reporting import periods
from doanket.reporting.formula import COMPARISONS, FormulaError, formula_codes


class Indicator(models.Model):
    class ValueType(models.TextChoices):
        INTEGER = "integer", _("Số nguyên")
        DECIMAL = "decimal", _("Số thập phân")
        MONEY = "money", _("Tiền (đồng)")
        TEXT = "text", _("Chữ")
        BOOLEAN = "boolean", _("Có/không")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng")
        MAX = "max", _("Lớn nhất")
        MIN = "min", _("Nhỏ nhất")
        NONE = "none", _("Không tổng hợp")

    class Source(models.TextChoices):
        TYPED = "typed", _("Nhập tay")
        COMPUTED = "computed", _("Tính từ sổ theo dõi")
        DERIVED = "derived", _("Tính theo công thức")

    code = models.CharField(
        _("Mã"),
        max_length=30,
        unique=True,
        help_text=_("Chữ in hoa không dấu, số và dấu gạch dưới, ví dụ HGD_DAT."),
    )
    name = models.CharField(_("Tên chỉ tiêu"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False)
    measure = models.CharField(_("Đơn vị tính"), max_length=30, blank=True)
    value_type = models.CharField(
        _("Kiểu giá trị"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("Cách tổng hợp"), max_length=5, choices=Aggregation.choices, default=Aggregation.SUM
    )
    content_area = models.PositiveSmallIntegerField(
        _("Nội dung cuộc vận động"),
        null=True,
        blank=True,
        choices=[
            (1, _("1. Kinh tế, giảm nghèo bền vững")),
            (2, _("2. Văn hóa, giáo dục, y tế")),
            (3, _("3. Môi trường")),
            (4, _("4. Pháp luật, an ninh trật tự")),
            (5, _("5. Dân chủ, giám sát, phản biện")),
        ],
    )
    source = models.CharField(
        _("Nguồn số liệu"), max_length=10, choices=Source.choices, default=Source.TYPED
    )
    formula = models.CharField(
        _("Công thức"),
        max_length=300,
        blank=True,
        help_text=_("Với chỉ tiêu tính theo công thức, ví dụ: HGD_DAT / HGD_DK * 100"),
    )
    computed_key = models.CharField(_("Khóa sổ theo dõi"), max_length=60, blank=True)
    description = models.TextField(_("Hướng dẫn"), blank=True)

    class Meta:
        verbose_name = _("Chỉ tiêu")
        verbose_name_plural = _("Chỉ tiêu")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name = nfc(self.name or "")
        self.code = (self.code or "").strip().upper()
        if not self.code.replace("_", "").isalnum() or not self.code.isascii():
            raise ValidationError({"code": _("Mã chỉ tiêu chỉ gồm chữ không dấu, số và dấu _.")})
        if self.source == self.Source.DERIVED:
            try:
                codes = formula_codes(self.formula)
            except FormulaError as error:
                raise ValidationError({"formula": str(error)}) from None
            unknown = codes - set(Indicator.objects.values_list("code", flat=True))
            if unknown:
                raise ValidationError(
                    {
                        "formula": _("Công thức dùng mã chưa có: %(codes)s.")
                        % {"codes": ", ".join(sorted(unknown))}
                    }
                )

    @property
    def is_number(self) -> bool:
        return self.value_type not in (self.ValueType.TEXT,)


class ReportForm(models.Model):
    class CutoffRule(models.TextChoices):
        DECREE_09 = periods.DECREE_09, _("Nghị định 09/2019 (từ ngày 15 tháng trước đến 14)")
        CALENDAR = periods.CALENDAR, _("Theo tháng dương lịch")

    class Schedule(models.TextChoices):
        Q_6_9_12 = "q_6_9_12", _("Quý I, 6 tháng, 9 tháng, năm")
        HALF_YEAR = "6_12", _("6 tháng, năm")
        QUARTERLY = "quarterly", _("Từng quý")
        YEARLY = "yearly", _("Năm")

    code = models.CharField(_("Mã biểu mẫu"), max_length=30, unique=True)
    name = models.CharField(_("Tên biểu mẫu"), max_length=300)
    schedule = models.CharField(_("Kỳ báo cáo"), max_length=10, choices=Schedule.choices)
    cutoff_rule = models.CharField(
        _("Quy tắc chốt số liệu"),
        max_length=10,
        choices=CutoffRule.choices,
        default=CutoffRule.DECREE_09,
    )
    deadline_days = models.PositiveSmallIntegerField(_("Hạn gửi (số ngày sau kỳ)"), default=2)
    deadline_working_days = models.BooleanField(_("Tính theo ngày làm việc"), default=True)
    reporter_kinds = models.JSONField(
        _("Cấp đơn vị báo cáo"),
        default=list,
        blank=True,
        help_text=_('Ví dụ: ["district", "commune"]'),
    )
    member_org_types = models.JSONField(
        _("Tổ chức thành viên báo cáo"),
        default=list,
        blank=True,
        help_text=_('Ví dụ: ["farmers", "women"]'),
    )
    active = models.BooleanField(_("Đang dùng"), default=True)

    class Meta:
        verbose_name = _("Biểu mẫu báo cáo")
        verbose_name_plural = _("Biểu mẫu báo cáo")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def period(self, code: str) -> periods.Period:
        return periods.period_from_code(code, self.cutoff_rule)

    def periods_of_year(self, year: int) -> list[periods.Period]:
        return periods.periods_of_year(self.schedule, year, self.cutoff_rule)

    def deadline(self, period: periods.Period):
        return periods.deadline(
            period, days=self.deadline_days, working_days=self.deadline_working_days
        )

    def allows_period(self, period: periods.Period) -> bool:
        return period.kind in periods.SCHEDULES[self.schedule]

    def version_for(self, period: periods.Period) -> "FormVersion | None":
        return self.versions.filter(valid_from_year__lte=period.year).order_by("-number").first()

    @property
    def for_member_orgs(self) -> bool:
        return bool(self.member_org_types)


DEFAULT_NARRATIVE = [
    {"key": "results", "title": "Kết quả đạt được"},
    {"key": "limits", "title": "Hạn chế, nguyên nhân"},
    {"key": "directions", "title": "Phương hướng, nhiệm vụ thời gian tới"},
]


class FormVersion(models.Model):
    """The contents of a form from a year on; a report keeps the version it was made on."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Phiên bản"))
    valid_from_year = models.PositiveSmallIntegerField(_("Áp dụng từ năm"))
    narrative_parts = models.JSONField(_("Phần lời văn"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped whenever the version's contents change, so caches of them know they are stale.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Phiên bản biểu mẫu")
        verbose_name_plural = _("Phiên bản biểu mẫu")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="formversion_once"),
            models.UniqueConstraint(
                fields=["form", "valid_from_year"], name="formversion_one_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.form.code} v{self.number} ({self.valid_from_year})"

    def items(self):
        return (
            FormItem.objects.filter(section__version=self)
            .select_related("indicator", "section")
            .order_by("section__order", "order", "id")
        )


class FormSection(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("Tiêu đề phần"), max_length=300)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("Phần của biểu mẫu")
        verbose_name_plural = _("Phần của biểu mẫu")

    def __str__(self):
        return self.title


class FormItem(models.Model):
    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("Chỉ tiêu trong biểu mẫu")
        verbose_name_plural = _("Chỉ tiêu trong biểu mẫu")

    def __str__(self):
        return str(self.indicator)


class ValidationRule(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="rules")
    left = models.CharField(_("Vế trái"), max_length=300)
    comparison = models.CharField(_("So sánh"), max_length=2, choices=[(c, c) for c in COMPARISONS])
    right = models.CharField(_("Vế phải"), max_length=300)
    message = models.CharField(_("Thông báo khi sai"), max_length=300)

    class Meta:
        verbose_name = _("Quy tắc kiểm tra")
        verbose_name_plural = _("Quy tắc kiểm tra")

    def __str__(self):
        return f"{self.left} {self.comparison} {self.right}"

    def clean(self):
        for side in ("left", "right"):
            try:
                formula_codes(getattr(self, side))
            except FormulaError as error:
                raise ValidationError({side: str(error)}) from None


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã duyệt")

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="reports")
    member_org = models.ForeignKey(
        "units.MemberOrg",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period_code = models.CharField(_("Kỳ"), max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    deadline = models.DateField(_("Hạn gửi"))
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    narrative = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Timeliness is judged on the first sending; a resubmission after a return is not late.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("Lý do trả lại"), blank=True)

    class Meta:
        verbose_name = _("Báo cáo")
        verbose_name_plural = _("Báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "unit", "period_code"],
                condition=Q(member_org__isnull=True),
                name="report_once_per_unit_period",
            ),
            models.UniqueConstraint(
                fields=["form", "member_org", "period_code"],
                condition=Q(member_org__isnull=False),
                name="report_once_per_org_period",
            ),
        ]
        indexes = [models.Index(fields=["form", "period_code", "status"])]

    def __str__(self):
        return f"{self.form.code} · {self.reporter} · {self.period_code}"

    @property
    def reporter(self):
        return self.member_org or self.unit

    @property
    def period(self) -> periods.Period:
        return self.form.period(self.period_code)

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)

    @property
    def is_late(self) -> bool:
        sent = self.first_submitted_at or self.submitted_at
        if sent is None:
            return False
        from django.utils import timezone

        return timezone.localtime(sent).date() > self.deadline


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="reportvalue_once")
        ]
        indexes = [models.Index(fields=["indicator", "report"])]

    def __str__(self):
        return f"{self.indicator_id}: {self.number if self.number is not None else self.text}"


def attachment_path(instance, filename):
    return f"reports/{instance.report_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class ReportUpload(models.Model):
    """Figures read from an Excel file, kept until the uploader confirms the diff.

    `base_version` is the report's version the diff was shown against: confirming saves
    with it as the expected version, so a report changed in between is never overwritten.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    values = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("Tệp Excel chờ xác nhận")
        verbose_name_plural = _("Tệp Excel chờ xác nhận")

    def __str__(self):
        return f"{self.report_id}: {self.filename}"
