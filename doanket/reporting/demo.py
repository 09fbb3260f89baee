"""Two years of demo reports: the legacy Hải Dương tree through 30/06/2025, then the new
Hải Phòng communes, with some reports late, missing, returned or still in draft.

Only typed figures are made here: the households, areas and poverty figures of the
committee form come from the household registers (see doanket/households/demo.py), and the
For-the-Poor fund and its houses from the fund's books (see doanket/fund/). A member
organisation types what it raised for the fund (TC_QUY_VANDONG)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doanket.reporting.models import Indicator, Report, ReportForm, ReportValue
from doanket.reporting.standard import COMMITTEE_FORM, ORG_FORM, standard_forms_install
from doanket.units.models import REFORM_DATE, MemberOrg, Unit, UnitLink, valid_on

LEGACY_PERIODS = ["2024Q1", "2024S1", "2024M9", "2024", "2025Q1", "2025S1"]
NEW_PERIODS = ["2025M9", "2025", "2026Q1", "2026S1", "2026M9"]
ORG_PERIODS = ["2025", "2026S1"]
SHARE = {"Q1": Decimal("0.25"), "S1": Decimal("0.5"), "M9": Decimal("0.75"), "Y": Decimal(1)}
RETURN_REASONS = [
    "Số buổi tuyên truyền chưa khớp với biên bản các khu dân cư gửi lên, đề nghị rà soát.",
    "Thiếu số ngày công nhân dân đóng góp xây dựng nông thôn mới, đề nghị bổ sung.",
    "Phần hạn chế, nguyên nhân còn sơ sài, đề nghị viết cụ thể hơn.",
]
DEMO_COMMUNE, DEMO_SIBLING = "10891", "10543"


def _activities(rng: random.Random, share: Decimal) -> dict[str, Decimal]:
    return {
        "DG_TIEN": int(rng.randint(100, 2000) * 1_000_000 * share),
        "DG_DAT": int(rng.randint(0, 1500) * share),
        "DG_NGAYCONG": int(rng.randint(200, 3000) * share),
        "DUONG_KM": (Decimal(rng.randint(0, 40)) / 10 * share).quantize(Decimal("0.1")),
        "MH_MOITRUONG": rng.randint(1, 8),
        "MH_ANNINH": rng.randint(1, 10),
        "MH_KHAC": rng.randint(0, 4),
        "TT_BUOI": int(rng.randint(8, 40) * share) + 1,
        "TT_NGUOI": int(rng.randint(400, 3000) * share),
        "GS_CUOC": int(rng.randint(1, 8) * share) + 1,
        "GS_KIENNGHI": int(rng.randint(0, 12) * share),
        "KT_HO": int(rng.randint(10, 120) * share),
    }


def _org_figures(rng: random.Random, share: Decimal) -> dict[str, Decimal]:
    registered = rng.randint(3, 15)
    return {
        "HV_TONG": rng.randint(150, 900),
        "HV_MOI": rng.randint(2, 40),
        "PV_DANGKY": registered,
        "PV_XONG": int(registered * rng.uniform(0.4, 1) * float(share)),
        "TT_BUOI": int(rng.randint(4, 20) * share) + 1,
        "TT_NGUOI": int(rng.randint(100, 800) * share),
        "MH_MOITRUONG": rng.randint(0, 3),
        "MH_ANNINH": rng.randint(0, 3),
        "TC_QUY_VANDONG": int(rng.randint(2, 30) * 1_000_000 * share),
    }


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _fate(rng: random.Random, period_index: int, periods: int) -> str:
    """Older periods are closed; the last ones still have missing, late and returned ones."""
    roll = rng.random()
    if period_index < periods - 2:
        return "approved" if roll < 0.93 else ("late" if roll < 0.98 else "missing")
    if roll < 0.12:
        return "missing"
    if roll < 0.2:
        return "draft"
    if roll < 0.27:
        return "returned"
    if roll < 0.4:
        return "late"
    return "submitted" if roll < 0.75 else "approved"


class _Batch:
    def __init__(self, form: ReportForm, indicators: dict[str, Indicator]):
        self.form = form
        self.indicators = indicators
        self.reports: list[Report] = []
        self.values: list[list[tuple[str, Decimal]]] = []

    def add(self, *, unit, member_org, period_code, fate, figures, rng):
        period = self.form.period(period_code)
        if fate == "missing" or period.end >= timezone.localdate():
            return
        deadline = self.form.deadline(period)
        report = Report(
            form=self.form,
            form_version=self.form.version_for(period),
            unit=unit,
            member_org=member_org,
            period_code=period.code,
            period_start=period.start,
            period_end=period.end,
            deadline=deadline,
            status={"late": "submitted"}.get(fate, fate),
            narrative={
                "results": "Các khu dân cư tổ chức tốt việc đăng ký và bình xét “Gia đình văn "
                "hóa”; Quỹ “Vì người nghèo” được vận động công khai, đúng đối tượng.",
                "limits": "Một số khu dân cư chậm gửi số liệu; mô hình tự quản về môi trường "
                "chưa đều.",
                "directions": "Tiếp tục vận động hộ gia đình đăng ký; chuẩn bị Ngày hội Đại "
                "đoàn kết toàn dân tộc 18/11.",
            },
        )
        if fate != "draft":
            offset = rng.randint(3, 20) if fate == "late" else -rng.randint(0, 6)
            report.submitted_at = _aware(deadline + datetime.timedelta(days=offset), 9)
            report.first_submitted_at = report.submitted_at
        if fate in ("approved", "returned"):
            report.decided_at = report.submitted_at + datetime.timedelta(days=rng.randint(1, 5))
        if fate == "returned":
            report.return_reason = rng.choice(RETURN_REASONS)
        self.reports.append(report)
        self.values.append([(code, Decimal(value)) for code, value in figures.items()])

    def save(self) -> int:
        Report.objects.bulk_create(self.reports, batch_size=500)
        ReportValue.objects.bulk_create(
            (
                ReportValue(report=report, indicator=self.indicators[code], number=number)
                for report, pairs in zip(self.reports, self.values, strict=True)
                for code, number in pairs
            ),
            batch_size=2000,
        )
        return len(self.reports)


@transaction.atomic
def demo_reports_load(seed: int = 2026) -> int:
    standard_forms_install()
    if Report.objects.exists():
        return 0
    committee = ReportForm.objects.get(code=COMMITTEE_FORM)
    orgs_form = ReportForm.objects.get(code=ORG_FORM)
    indicators = {i.code: i for i in Indicator.objects.all()}
    rng = random.Random(seed)
    batch = _Batch(committee, indicators)
    legacy_day = REFORM_DATE - datetime.timedelta(days=1)
    hai_duong = Unit.objects.get(code="30", kind=Unit.Kind.PROVINCE)
    hd_path = UnitLink.objects.get(child=hai_duong).path
    legacy = Unit.objects.filter(
        valid_on(legacy_day, "links__"),
        links__path__startswith=hd_path,
        kind__in=[Unit.Kind.DISTRICT, Unit.Kind.COMMUNE],
    )
    for unit in legacy.order_by("code"):
        for index, code in enumerate(LEGACY_PERIODS):
            share = SHARE[committee.period(code).kind]
            figures = _activities(rng, share)
            if unit.kind != Unit.Kind.COMMUNE:
                figures = {k: v for k, v in figures.items() if k.startswith(("TT_", "GS_"))}
            batch.add(
                unit=unit,
                member_org=None,
                period_code=code,
                rng=rng,
                figures=figures,
                fate=_fate(rng, index, len(LEGACY_PERIODS)),
            )
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE, valid_from=REFORM_DATE).order_by("code")
    for unit in communes:
        for index, code in enumerate(NEW_PERIODS):
            fate = _fate(rng, index, len(NEW_PERIODS))
            if unit.code == DEMO_COMMUNE:
                fate = {"2026S1": "returned", "2026M9": "missing"}.get(code, "approved")
            if unit.code == DEMO_SIBLING and code in ("2026S1", "2026M9"):
                fate = "submitted"
            figures = _activities(rng, SHARE[committee.period(code).kind])
            batch.add(
                unit=unit, member_org=None, period_code=code, fate=fate, figures=figures, rng=rng
            )
    created = batch.save()
    org_batch = _Batch(orgs_form, indicators)
    for org in MemberOrg.objects.filter(
        unit__in=communes, org_type__in=orgs_form.member_org_types
    ).select_related("unit"):
        for index, code in enumerate(ORG_PERIODS):
            share = SHARE[orgs_form.period(code).kind]
            org_batch.add(
                unit=org.unit,
                member_org=org,
                period_code=code,
                rng=rng,
                figures=_org_figures(rng, share),
                fate=_fate(rng, index + 2, len(ORG_PERIODS) + 2),
            )
    return created + org_batch.save()
