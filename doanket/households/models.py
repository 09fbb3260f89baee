"""Households of residential areas and what each year records about them.

`HouseholdYear(household, year)` holds the year's cultured-family registration and
result and the poverty status; streaks, escapes and relapses are computed from the years,
never stored twice. `AreaYearCount` holds per-area, per-year counters kept in the same
transaction as every change (see `counters.py`), so roll-ups cost O(units).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doanket.core.lib.vn_text import fold, nfc
from doanket.units.models import Unit


class Household(models.Model):
    area = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="households", verbose_name=_("Khu dân cư")
    )
    number = models.CharField(_("Số hộ"), max_length=30, blank=True)
    head_name = models.CharField(_("Chủ hộ"), max_length=200)
    head_name_folded = models.CharField(max_length=200, editable=False)
    address = models.CharField(_("Địa chỉ"), max_length=300, blank=True)
    members = models.PositiveSmallIntegerField(_("Số nhân khẩu"), default=1)
    phone = models.CharField(_("Điện thoại"), max_length=20, blank=True)
    notes = models.TextField(_("Ghi chú"), blank=True)
    gone_on = models.DateField(_("Ngày chuyển đi/không còn"), null=True, blank=True)
    gone_reason = models.CharField(_("Lý do"), max_length=300, blank=True)
    # Same area + same key = same household: a re-imported list does not duplicate.
    match_key = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hộ gia đình")
        verbose_name_plural = _("Hộ gia đình")
        indexes = [
            models.Index(fields=["area", "head_name_folded"], name="household_area_name"),
            models.Index(fields=["area", "match_key"], name="household_area_match"),
            models.Index(fields=["head_name_folded"], name="household_name"),
        ]

    def __str__(self):
        return self.head_name

    def save(self, *args, **kwargs):
        self.head_name = nfc(self.head_name).strip()
        self.address = nfc(self.address).strip()
        self.notes = nfc(self.notes)
        self.head_name_folded = fold(self.head_name)
        self.match_key = self.key_for(self.head_name, self.address, self.number)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(head_name: str, address: str, number: str = "") -> str:
        """What makes two rows the same household in one area: its number in the area's
        list when there is one, else the folded head's name and address."""
        if number.strip():
            return "#" + fold(number).replace(" ", "")
        return f"{fold(head_name)}|{fold(address)}"[:400]

    @property
    def is_present(self) -> bool:
        return self.gone_on is None


class HouseholdMove(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="moves")
    from_area = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("Ngày chuyển"))
    reason = models.CharField(_("Lý do"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.household_id}: {self.from_area_id} → {self.to_area_id}"


class Result(models.TextChoices):
    NONE = "", _("Chưa bình xét")
    ACHIEVED = "achieved", _("Đạt")
    NOT_ACHIEVED = "not_achieved", _("Không đạt")


class Poverty(models.TextChoices):
    UNKNOWN = "", _("Chưa rà soát")
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    AVERAGE = "average", _("Hộ có mức sống trung bình")
    NONE = "none", _("Không thuộc diện nghèo, cận nghèo")


class Zone(models.TextChoices):
    RURAL = "rural", _("Nông thôn")
    URBAN = "urban", _("Thành thị")


class PovertyStandard(models.Model):
    """A poverty standard (chuẩn nghèo) with its years; thresholds are data."""

    code = models.CharField(_("Mã"), max_length=30, unique=True)
    name = models.CharField(_("Văn bản"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("Áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("Đến năm"))
    rural_line = models.BigIntegerField(_("Chuẩn nghèo nông thôn (đồng/người/tháng)"))
    urban_line = models.BigIntegerField(_("Chuẩn nghèo thành thị (đồng/người/tháng)"))
    rural_average_line = models.BigIntegerField(_("Mức sống trung bình nông thôn đến"))
    urban_average_line = models.BigIntegerField(_("Mức sống trung bình thành thị đến"))
    poor_deprivations = models.PositiveSmallIntegerField(
        _("Số chỉ số thiếu hụt để là hộ nghèo"), default=3
    )
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("Chuẩn nghèo")
        verbose_name_plural = _("Chuẩn nghèo")

    def __str__(self):
        return self.name

    def line(self, zone: str) -> int:
        return self.urban_line if zone == Zone.URBAN else self.rural_line

    def average_line(self, zone: str) -> int:
        return self.urban_average_line if zone == Zone.URBAN else self.rural_average_line


class Deprivation(models.Model):
    """One deprivation indicator of a standard (chỉ số đo lường mức thiếu hụt)."""

    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.CASCADE, related_name="deprivations"
    )
    code = models.CharField(max_length=20)
    service = models.CharField(_("Dịch vụ xã hội cơ bản"), max_length=100)
    name = models.CharField(_("Chỉ số"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["standard", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="deprivation_code_once")
        ]

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """A residential area's year-end evaluation of cultured families (bình xét): the
    meeting, the public posting, the proposal to the commune and the commune's decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa họp")
        MEETING_HELD = "meeting_held", _("Đã họp bình xét")
        POSTED = "posted", _("Đang niêm yết")
        PROPOSED = "proposed", _("Đã đề nghị xã công nhận")
        DECIDED = "decided", _("Đã có quyết định công nhận")

    area = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("Năm"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    meeting_on = models.DateField(_("Ngày họp"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("Số người dự"), null=True, blank=True)
    chaired_by = models.CharField(_("Chủ trì"), max_length=200, blank=True)
    minutes = models.FileField(_("Biên bản họp"), upload_to="households/minutes/", blank=True)
    posted_on = models.DateField(_("Ngày niêm yết"), null=True, blank=True)
    proposed_on = models.DateField(_("Ngày đề nghị"), null=True, blank=True)
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_on = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("Người ký"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Bình xét gia đình văn hóa")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="evaluation_once_per_year")
        ]

    def __str__(self):
        return f"{self.area} {self.year}"

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED


class EvaluationComment(models.Model):
    """A comment received while the list is posted (10 days)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="comments")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(_("Ngày nhận"))
    author = models.CharField(_("Người góp ý"), max_length=200, blank=True)
    text = models.TextField(_("Nội dung"))
    response = models.TextField(_("Giải quyết"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self):
        return self.text[:60]


class HouseholdYear(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("Năm"))
    # the area the household is counted in for this year
    area = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=True)
    registered = models.BooleanField(_("Đăng ký gia đình văn hóa"), default=False)
    registered_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True, default="")
    criteria = models.JSONField(default=dict, blank=True)  # {criterion code: true/false}
    criteria_notes = models.JSONField(default=dict, blank=True)  # {criterion code: text}
    result_note = models.CharField(max_length=300, blank=True)
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    # set when the commune's decision makes the result official (and locked)
    official = models.BooleanField(default=False)
    poverty = models.CharField(max_length=20, choices=Poverty.choices, blank=True, default="")
    standard = models.ForeignKey(
        PovertyStandard, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zone = models.CharField(max_length=10, choices=Zone.choices, blank=True)
    income = models.BigIntegerField(_("Thu nhập bình quân (đồng/người/tháng)"), null=True)
    deprivations = models.JSONField(default=list, blank=True)  # codes of the standard
    poverty_decision = models.CharField(_("Quyết định"), max_length=100, blank=True)
    poverty_decided_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_year_once"),
            models.CheckConstraint(
                condition=Q(official=False) | Q(result__in=["achieved", "not_achieved"]),
                name="household_year_official_has_result",
            ),
        ]
        indexes = [models.Index(fields=["area", "year"], name="household_year_area")]

    def __str__(self):
        return f"{self.household_id}/{self.year}"


class AreaYearCount(models.Model):
    """Per residential area and year: the counts the report forms need, kept in the same
    transaction as every change of the households and their years."""

    area = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    households = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    achieved = models.IntegerField(default=0)  # official results only
    reviewed = models.IntegerField(default=0)  # households with a poverty status
    poor = models.IntegerField(default=0)
    near_poor = models.IntegerField(default=0)
    average = models.IntegerField(default=0)
    escaped = models.IntegerField(default=0)
    fell_back = models.IntegerField(default=0)
    new_poor = models.IntegerField(default=0)

    FIELDS = (
        "households",
        "registered",
        "achieved",
        "reviewed",
        "poor",
        "near_poor",
        "average",
        "escaped",
        "fell_back",
        "new_poor",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="area_year_count_once")
        ]

    def __str__(self):
        return f"{self.area_id}/{self.year}"


class AreaTitle(models.Model):
    """A residential area's yearly title "Thôn/Tổ dân phố văn hóa": the proposal with its
    file and the decision of the body the settings name for that date."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề nghị")
        ACHIEVED = "achieved", _("Được công nhận")
        NOT_ACHIEVED = "not_achieved", _("Không được công nhận")

    area = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="titles")
    year = models.PositiveSmallIntegerField(_("Năm"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposal_file = models.FileField(_("Hồ sơ đề nghị"), upload_to="households/titles/")
    proposed_on = models.DateField(_("Ngày đề nghị"))
    criteria = models.JSONField(default=dict, blank=True)
    decider = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_on = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("Người ký"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="area_title_once")]

    def __str__(self):
        return f"{self.area_id}/{self.year} {self.status}"


class StreakReward(models.Model):
    """A span of consecutive years already rewarded (giấy khen), for a household or an
    area: a year inside a rewarded span does not count again."""

    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="rewards"
    )
    area = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="streak_rewards"
    )
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decision_on = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) ^ Q(area__isnull=False),
                name="streak_reward_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.first_year}–{self.last_year}"


class ImportBatch(models.Model):
    """An uploaded household list: parsed and checked by a background job, imported only
    when the user confirms, all accepted rows or none."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ xử lý")
        MAPPING = "mapping", _("Cần chọn cột")
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không đọc được tệp")
        CANCELLED = "cancelled", _("Đã hủy")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="households/imports/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    mapping = models.JSONField(default=dict, blank=True)  # column index → field
    headers = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True)  # [{row, reason, values}]
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.original_name
