"""Demo households: the areas of the old Thành phố Hải Dương (now in Hải Phòng), with
2025 evaluated, decided and reviewed for poverty, and 2026 registered. The demo area
10540.01 (Phường Tứ Minh) is left with its 2026 evaluation to hold."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from doanket.households.counters import counters_rebuild
from doanket.households.criteria import AREA_CRITERIA, FAMILY_CRITERIA
from doanket.households.models import (
    AreaTitle,
    Evaluation,
    Household,
    HouseholdYear,
    Poverty,
    Result,
    Zone,
)
from doanket.households.poverty import standard_for, standards_install
from doanket.units.models import REFORM_DATE, Unit, UnitLink, valid_on

DEMO_DISTRICT = "288"  # Thành phố Hải Dương, on the old map
OPEN_AREA = "10540.01"
DEMO_WARDS = ("10891", "10543")  # Phường Tứ Minh and its neighbour Việt Hòa, today
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE_MEN = ["Văn", "Đức", "Quang", "Minh", "Hữu", "Xuân"]
MIDDLE_WOMEN = ["Thị", "Thu", "Ngọc", "Thanh", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan"]
GIVEN += ["Long", "Mai", "Nam", "Nga", "Phúc", "Quyên", "Sơn", "Tâm", "Thảo", "Trung", "Yến"]
STREETS = ["Nguyễn Trãi", "Trần Hưng Đạo", "Lê Lợi", "Tuệ Tĩnh", "Chi Lăng", "Thanh Niên"]
DEPRIVED = {Poverty.POOR: ["VL1", "YT2", "NO1"], Poverty.NEAR_POOR: ["NS2"]}


def _name(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE_WOMEN if rng.random() < 0.4 else MIDDLE_MEN)
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}"


def _area_ids_below(unit: Unit | None, on: datetime.date) -> set[int]:
    if unit is None:
        return set()
    path = UnitLink.objects.filter(valid_on(on), child=unit).values_list("path", flat=True)
    links = UnitLink.objects.filter(valid_on(on), path__startswith=path.first() or "-")
    return set(
        Unit.objects.filter(
            kind=Unit.Kind.RESIDENTIAL_AREA, pk__in=links.values("child_id")
        ).values_list("pk", flat=True)
    )


def _areas() -> list[Unit]:
    """The areas of the old Thành phố Hải Dương, and every area of the demo wards today."""
    district = Unit.objects.filter(code=DEMO_DISTRICT, kind=Unit.Kind.DISTRICT).first()
    ids = _area_ids_below(district, datetime.date(2025, 6, 30))
    for code in DEMO_WARDS:
        ward = Unit.objects.filter(code=code, kind=Unit.Kind.COMMUNE, valid_from=REFORM_DATE)
        ids |= _area_ids_below(ward.first(), timezone.localdate())
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


def _poverty_2025(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.04:
        return Poverty.POOR
    if draw < 0.09:
        return Poverty.NEAR_POOR
    return Poverty.NONE


def _poverty_2026(rng: random.Random, last: str) -> str:
    if last == Poverty.POOR:
        return Poverty.POOR if rng.random() < 0.5 else Poverty.NEAR_POOR
    if last == Poverty.NEAR_POOR:
        return Poverty.NEAR_POOR if rng.random() < 0.6 else Poverty.NONE
    return Poverty.POOR if rng.random() < 0.01 else last


def _poverty_fields(status: str, year: int, standards: dict) -> dict:
    return {
        "poverty": status,
        "standard": standards[year],
        "zone": Zone.URBAN,
        "deprivations": DEPRIVED.get(status, []),
        "poverty_decision": f"{year}/QĐ-UBND" if status else "",
    }


@transaction.atomic
def demo_households_load(seed: int = 2026) -> int:
    """Create the demo households once; returns how many were created."""
    standards_install()
    if Household.objects.exists():
        return 0
    rng = random.Random(seed)
    standards = {2025: standard_for(2025), 2026: standard_for(2026)}
    created = 0
    for area in _areas():
        households = [
            Household(
                area=area,
                number=str(n),
                head_name=_name(rng),
                address=f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}",
                members=rng.randint(1, 7),
                phone=f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else "",
            )
            for n in range(1, rng.randint(18, 35))
        ]
        for household in households:
            household.save()  # folds the name and sets the match key
        created += len(households)
        last_year = Evaluation.objects.create(
            area=area,
            year=2025,
            status=Evaluation.Status.DECIDED,
            meeting_on=datetime.date(2025, 11, 5),
            attendees=rng.randint(25, 60),
            chaired_by="Trưởng ban công tác Mặt trận",
            posted_on=datetime.date(2025, 11, 6),
            proposed_on=datetime.date(2025, 11, 17),
            decision_number=f"{rng.randint(100, 400)}/QĐ-UBND",
            decision_on=datetime.date(2025, 11, 24),
            decision_signer="Chủ tịch UBND phường",
        )
        decided_2026 = area.code != OPEN_AREA and rng.random() < 0.3
        this_year = Evaluation.objects.create(
            area=area,
            year=2026,
            **(
                {
                    "status": Evaluation.Status.DECIDED,
                    "meeting_on": datetime.date(2026, 11, 3),
                    "attendees": rng.randint(25, 60),
                    "chaired_by": "Trưởng ban công tác Mặt trận",
                    "posted_on": datetime.date(2026, 11, 4),
                    "proposed_on": datetime.date(2026, 11, 16),
                    "decision_number": f"{rng.randint(100, 400)}/QĐ-UBND",
                    "decision_on": datetime.date(2026, 11, 23),
                    "decision_signer": "Chủ tịch UBND phường",
                }
                if decided_2026
                else {}
            ),
        )
        rows = []
        for household in households:
            ticks = dict.fromkeys(FAMILY_CRITERIA, True)
            achieved = rng.random() < 0.9
            if not achieved:
                ticks[rng.choice(FAMILY_CRITERIA)] = False
            status_2025 = _poverty_2025(rng)
            rows.append(
                HouseholdYear(
                    household=household,
                    year=2025,
                    area=area,
                    registered=True,
                    registered_on=datetime.date(2025, 2, 15),
                    result=Result.ACHIEVED if achieved else Result.NOT_ACHIEVED,
                    criteria=ticks,
                    evaluation=last_year,
                    official=True,
                    **_poverty_fields(status_2025, 2025, standards),
                )
            )
            registered = rng.random() < 0.95
            status_2026 = _poverty_2026(rng, status_2025) if rng.random() < 0.8 else ""
            result = ""
            if decided_2026 and registered:
                result = Result.ACHIEVED if rng.random() < 0.9 else Result.NOT_ACHIEVED
            rows.append(
                HouseholdYear(
                    household=household,
                    year=2026,
                    area=area,
                    registered=registered,
                    registered_on=datetime.date(2026, 2, 20) if registered else None,
                    result=result,
                    criteria=dict.fromkeys(FAMILY_CRITERIA, result == Result.ACHIEVED)
                    if result
                    else {},
                    evaluation=this_year if result else None,
                    official=bool(result),
                    **(
                        _poverty_fields(status_2026, 2026, standards)
                        if status_2026
                        else {"poverty": ""}
                    ),
                )
            )
        HouseholdYear.objects.bulk_create(rows, batch_size=2000)
        if rng.random() < 0.7:
            AreaTitle.objects.create(
                area=area,
                year=2025,
                status=AreaTitle.Status.ACHIEVED,
                proposal_file="households/titles/ho-so-de-nghi.pdf",
                proposed_on=datetime.date(2025, 11, 25),
                criteria=dict.fromkeys(AREA_CRITERIA, True),
                decision_number=f"{rng.randint(100, 400)}/QĐ-UBND",
                decision_on=datetime.date(2025, 12, 10),
                decision_signer="Chủ tịch UBND phường",
            )
    counters_rebuild()
    return created
