"""The For-the-Poor fund: one append-only ledger per unit.

A `Posting` (one act: a donation, a disbursement, a transfer, a reversal) has `Entry`
lines, one per fund it touches, signed (+ money in, − money out). Entries are never
changed or deleted: a correction is a reversal that references the original. Each
fund's entries form a hash chain (`seq`, `prev_hash`, `hash`), and on PostgreSQL
triggers refuse UPDATE and DELETE of postings, entries and receipts. Balances are sums.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanket.units.models import Unit


class Fund(models.Model):
    class Privacy(models.TextChoices):
        FULL = "full", _("Công khai họ tên người nhận")
        INITIALS = "initials", _("Chỉ ghi chữ cái đầu của họ tên")
        COUNTS = "counts", _("Chỉ công khai số hộ, không ghi tên")

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="fund")
    name = models.CharField(_("Tên quỹ"), max_length=200)
    privacy = models.CharField(
        _("Mức công khai người nhận"),
        max_length=10,
        choices=Privacy.choices,
        default=Privacy.INITIALS,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Quỹ “Vì người nghèo”")
        verbose_name_plural = _("Quỹ “Vì người nghèo”")

    def __str__(self):
        return self.name


class Drive(models.Model):
    """A fund-raising drive (đợt vận động), such as the peak month 17/10–18/11."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="drives")
    name = models.CharField(_("Tên đợt vận động"), max_length=200)
    starts_on = models.DateField(_("Từ ngày"))
    ends_on = models.DateField(_("Đến ngày"))
    target = models.BigIntegerField(_("Chỉ tiêu (đồng)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=0), name="drive_target_positive"),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="drive_span_ordered"
            ),
        ]

    def __str__(self):
        return self.name


class AppendOnlyQuerySet(models.QuerySet):
    """Posted rows are never changed or deleted, whatever the database."""

    def update(self, **kwargs):
        raise ValidationError(_("Sổ quỹ chỉ được ghi thêm; không sửa được bút toán đã ghi."))

    def delete(self):
        raise ValidationError(_("Sổ quỹ chỉ được ghi thêm; không xóa được bút toán đã ghi."))


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Sổ quỹ chỉ được ghi thêm; không sửa được bút toán đã ghi."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Sổ quỹ chỉ được ghi thêm; không xóa được bút toán đã ghi."))


class Posting(AppendOnly):
    class Kind(models.TextChoices):
        DONATION = "donation", _("Thu ủng hộ")
        DISBURSEMENT = "disbursement", _("Chi hỗ trợ")
        TRANSFER = "transfer", _("Chuyển quỹ giữa các cấp")
        REVERSAL = "reversal", _("Bút toán đảo (hủy, sửa sai)")

    class DonorType(models.TextChoices):
        ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")
        INDIVIDUAL = "individual", _("Cá nhân")
        ANONYMOUS = "anonymous", _("Nhà hảo tâm giấu tên")

    class Method(models.TextChoices):
        CASH = "cash", _("Tiền mặt")
        BANK = "bank", _("Chuyển khoản")
        IN_KIND = "in_kind", _("Hiện vật (quy ra tiền)")

    class Category(models.TextChoices):
        HOUSE_NEW = "house_new", _("Xây mới nhà Đại đoàn kết")
        HOUSE_REPAIR = "house_repair", _("Sửa chữa nhà Đại đoàn kết")
        LIVELIHOOD = "livelihood", _("Hỗ trợ sinh kế (giống, vốn, công cụ)")
        MEDICAL = "medical", _("Hỗ trợ khám chữa bệnh")
        INSURANCE = "insurance", _("Tặng thẻ bảo hiểm y tế")
        SCHOLARSHIP = "scholarship", _("Học bổng, hỗ trợ học tập")
        TET = "tet", _("Quà Tết")
        EMERGENCY = "emergency", _("Cứu trợ khẩn cấp")
        COMMUNITY = "community", _("Công trình cộng đồng")
        OTHER = "other", _("Khác")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(_("Ngày"))
    amount = models.BigIntegerField(_("Số tiền (đồng)"))
    description = models.CharField(_("Nội dung"), max_length=500, blank=True)
    # donations
    drive = models.ForeignKey(
        Drive, null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    donor_type = models.CharField(max_length=20, choices=DonorType.choices, blank=True)
    donor_name = models.CharField(_("Người/đơn vị ủng hộ"), max_length=200, blank=True)
    donor_address = models.CharField(_("Địa chỉ"), max_length=300, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    in_kind = models.CharField(_("Hiện vật và cách định giá"), max_length=300, blank=True)
    # disbursements
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_postings",
    )
    project = models.CharField(_("Công trình, dự án"), max_length=300, blank=True)
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_on = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    overdraft_reason = models.CharField(max_length=300, blank=True)
    # transfers: the other fund (entries hold both sides)
    counterpart = models.ForeignKey(
        Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # reversals
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("Lý do"), max_length=300, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="posting_amount_positive"),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                name="posting_reversal_has_original",
            ),
        ]
        indexes = [models.Index(fields=["fund", "date"], name="posting_fund_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class Entry(AppendOnly):
    """One fund's line of a posting, signed, and a link of that fund's hash chain."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField()
    amount = models.BigIntegerField()
    seq = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["fund", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "seq"], name="entry_seq_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="entry_not_zero"),
        ]
        indexes = [models.Index(fields=["fund", "date"], name="entry_fund_date")]

    def __str__(self):
        return f"{self.fund_id}#{self.seq} {self.amount}"


class ReceiptCounter(models.Model):
    """The last number taken in a fund's receipt series for a year; locked while a
    donation is posted, so numbers are taken without gaps."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, default="PT")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "year", "series"], name="receipt_series_once")
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"


class Receipt(AppendOnly):
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="receipt")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="receipts")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10)
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["fund", "year", "series", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "year", "series", "number"], name="receipt_number_once"
            )
        ]

    def __str__(self):
        return f"{self.number:05d}/{self.series}-{self.year}"


class ReceiptPrint(models.Model):
    """Every printing of a receipt; all but the first are marked as copies."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="prints")
    printed_at = models.DateTimeField(auto_now_add=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    copy = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.receipt} {self.printed_at:%d/%m/%Y %H:%M}"


class PeriodClosing(models.Model):
    """A closed month of a fund. Reopening is recorded on the row (by a higher role);
    a period is closed while a row without `reopened_at` exists."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="closings")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    balance = models.BigIntegerField()  # the closing balance carried forward
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["fund", "year", "month", "closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "year", "month"],
                condition=Q(reopened_at__isnull=True),
                name="closing_once_while_closed",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="closing_month_valid"
            ),
        ]

    def __str__(self):
        return f"{self.fund_id} {self.month:02d}/{self.year}"
