"""Demo funds: Hải Phòng city, Phường Tứ Minh and Phường Việt Hòa today, and on the old
map Thành phố Hải Dương and the old Phường Tứ Minh; two peak months of donations,
support to demo households, remittances to the city, and closed months."""

import datetime
import random

from django.db import transaction

from doanket.accounts.models import User
from doanket.fund import services
from doanket.fund.models import Fund, Posting
from doanket.households.models import Household
from doanket.units.models import REFORM_DATE, Unit

DONORS = [
    ("organisation", "Công ty TNHH Thương mại Thành Đông"),
    ("organisation", "Ngân hàng Nông nghiệp chi nhánh Hải Dương"),
    ("organisation", "Trường THCS Tứ Minh"),
    ("individual", "Ông Nguyễn Văn Thịnh"),
    ("individual", "Bà Trần Thị Hậu"),
    ("individual", "Ông Phạm Đức Lộc"),
    ("anonymous", ""),
]
CATEGORIES = [
    ("livelihood", 3_000_000),
    ("medical", 2_000_000),
    ("insurance", 1_200_000),
    ("scholarship", 1_500_000),
    ("tet", 500_000),
]


def _unit(code: str, *, old: bool) -> Unit | None:
    units = Unit.objects.filter(code=code).exclude(kind=Unit.Kind.RESIDENTIAL_AREA)
    if old:
        units = units.filter(valid_to__lt=REFORM_DATE)
    else:
        units = units.filter(valid_to__gte=REFORM_DATE)
    return units.order_by("-valid_from").first()


def _drive_year(rng, user, fund, year, scale, households):
    drive = services.drive_open(
        user=user,
        fund=fund,
        name=f"Tháng cao điểm “Vì người nghèo” năm {year}",
        starts_on=datetime.date(year, 10, 17),
        ends_on=datetime.date(year, 11, 18),
        target=scale * 100_000_000,
    )
    for day in range(17, 17 + 12):
        on = datetime.date(year, 10, 1) + datetime.timedelta(days=day)
        donor_type, name = rng.choice(DONORS)
        services.donation_record(
            user=user,
            fund=fund,
            amount=rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000]) * scale,
            date=on,
            donor_type=donor_type,
            donor_name=name,
            method=rng.choice(["cash", "bank"]),
            drive=drive,
        )
    for n, household in enumerate(households):
        category, amount = CATEGORIES[n % len(CATEGORIES)]
        services.disbursement_record(
            user=user,
            fund=fund,
            amount=amount,
            date=datetime.date(year, 11, 20),
            category=category,
            household=household,
            decision_number=f"{40 + n}/QĐ-BTT",
            decision_on=datetime.date(year, 11, 19),
        )


def _house(user, fund, year, household, new: bool):
    services.disbursement_record(
        user=user,
        fund=fund,
        amount=50_000_000 if new else 20_000_000,
        date=datetime.date(year, 11, 25),
        category="house_new" if new else "house_repair",
        household=household,
        decision_number=f"{12 if new else 13}/QĐ-BTT",
        decision_on=datetime.date(year, 11, 22),
    )


@transaction.atomic
def demo_fund_load(seed: int = 2026) -> int:
    """Create the demo funds once; returns how many postings were made."""
    if Fund.objects.exists():
        return 0
    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        return 0
    rng = random.Random(seed)
    city = _unit("31", old=False)
    tu_minh = _unit("10891", old=False)
    viet_hoa = _unit("10543", old=False)
    old_city = _unit("288", old=True)
    old_tu_minh = _unit("10540", old=True)
    if not all((city, tu_minh, viet_hoa, old_city, old_tu_minh)):
        return 0
    funds = {}
    for unit in (city, tu_minh, viet_hoa):
        funds[unit.pk] = services.fund_open(user=user, unit=unit)
    for unit in (old_city, old_tu_minh):
        name = f"Quỹ “Vì người nghèo” {unit.name} (đến 30/06/2025)"
        funds[unit.pk] = services.fund_open(user=user, unit=unit, name=name)
    Fund.objects.filter(pk=funds[tu_minh.pk].pk).update(privacy=Fund.Privacy.INITIALS)
    Fund.objects.filter(pk=funds[viet_hoa.pk].pk).update(privacy=Fund.Privacy.COUNTS)
    Fund.objects.filter(pk=funds[city.pk].pk).update(privacy=Fund.Privacy.FULL)
    poor = list(
        Household.objects.filter(years__poverty__in=["poor", "near_poor"], years__year=2025)
        .distinct()
        .order_by("pk")[:40]
    )
    old_households = poor[:6]
    _drive_year(rng, user, funds[old_tu_minh.pk], 2024, 4, old_households)
    _house(user, funds[old_tu_minh.pk], 2024, old_households[0], new=True)
    services.transfer_record(
        user=user,
        fund=funds[old_tu_minh.pk],
        to_fund=funds[old_city.pk],
        amount=10_000_000,
        date=datetime.date(2024, 12, 5),
    )
    _drive_year(rng, user, funds[old_city.pk], 2024, 5, [])
    for year in (2025, 2026):
        _drive_year(rng, user, funds[city.pk], year, 10, [])
        _drive_year(rng, user, funds[tu_minh.pk], year, 4, poor[6:14])
        _drive_year(rng, user, funds[viet_hoa.pk], year, 3, poor[14:20])
        _house(user, funds[city.pk], year, poor[20 + year - 2025], new=True)
        _house(user, funds[tu_minh.pk], year, poor[22 + year - 2025], new=False)
        services.transfer_record(
            user=user,
            fund=funds[tu_minh.pk],
            to_fund=funds[city.pk],
            amount=5_000_000,
            date=datetime.date(year, 11, 21),
        )
    wrong = Posting.objects.filter(fund=funds[tu_minh.pk], kind="donation").order_by("pk")[3]
    services.reversal_record(
        user=user,
        posting=wrong,
        reason="Ghi nhầm số tiền; đã lập phiếu thu khác",
        date=wrong.date,
    )
    for month in range(1, 11):
        services.period_close(user=user, fund=funds[tu_minh.pk], year=2026, month=month)
    return Posting.objects.count()
