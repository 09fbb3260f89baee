"""Poverty classification under both standards, the refusals of contradicting input, and
the escaped / fell back / new lists across years, with the counters kept right."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doanket.core.models import AuditEvent
from doanket.households import counters, selectors, services
from doanket.households.models import AreaYearCount, HouseholdYear, Poverty, Zone
from doanket.households.poverty import check_status, classify, standard_for

TODAY = datetime.date(2026, 11, 15)
POOR, NEAR, AVERAGE, NONE = Poverty.POOR, Poverty.NEAR_POOR, Poverty.AVERAGE, Poverty.NONE
RURAL, URBAN = Zone.RURAL, Zone.URBAN
THREE = ["VL1", "YT2", "NO1"]


@pytest.fixture(autouse=True)
def in_november_2026(living_in):
    living_in(TODAY)


# Classification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "income", "deprived", "expected"),
    [
        (RURAL, 1_500_000, 3, POOR),
        (RURAL, 1_500_000, 12, POOR),
        (RURAL, 1_500_000, 2, NEAR),
        (RURAL, 0, 0, NEAR),
        (RURAL, 1_500_001, 3, AVERAGE),
        (RURAL, 2_250_000, 6, AVERAGE),
        (RURAL, 2_250_001, 0, NONE),
        (URBAN, 2_000_000, 3, POOR),
        (URBAN, 2_000_000, 2, NEAR),
        (URBAN, 2_000_001, 4, AVERAGE),
        (URBAN, 3_000_000, 0, AVERAGE),
        (URBAN, 3_000_001, 5, NONE),
    ],
)
def test_decree_07_in_2026(people, zone, income, deprived, expected):
    standard = standard_for(2026)
    assert standard.code == "ND07-2021"
    assert classify(standard, zone, income, deprived) == expected


@pytest.mark.parametrize(
    ("zone", "income", "deprived", "expected"),
    [
        (RURAL, 2_200_000, 3, POOR),
        (RURAL, 2_200_000, 2, NEAR),
        (RURAL, 2_200_001, 3, AVERAGE),
        (RURAL, 3_300_000, 0, AVERAGE),
        (RURAL, 3_300_001, 0, NONE),
        (URBAN, 2_800_000, 3, POOR),
        (URBAN, 2_800_000, 2, NEAR),
        (URBAN, 2_800_001, 3, AVERAGE),
        (URBAN, 4_200_000, 0, AVERAGE),
        (URBAN, 4_200_001, 0, NONE),
    ],
)
def test_decree_351_from_2027(people, zone, income, deprived, expected):
    standard = standard_for(2027)
    assert standard.code == "ND351-2025"
    assert classify(standard, zone, income, deprived) == expected


@pytest.mark.parametrize(
    ("zone", "income", "in_2026", "in_2027"),
    [
        (RURAL, 1_500_000, POOR, POOR),
        (RURAL, 1_600_000, AVERAGE, POOR),
        (RURAL, 2_200_000, AVERAGE, POOR),
        (RURAL, 2_250_001, NONE, AVERAGE),
        (URBAN, 2_500_000, AVERAGE, POOR),
        (URBAN, 2_800_001, AVERAGE, AVERAGE),
        (URBAN, 3_000_001, NONE, AVERAGE),
    ],
)
def test_the_same_household_is_judged_by_the_standard_of_the_year(
    people, zone, income, in_2026, in_2027
):
    assert classify(standard_for(2026), zone, income, 3) == in_2026
    assert classify(standard_for(2027), zone, income, 3) == in_2027


def test_the_standards_change_at_the_turn_of_2026_to_2027(people):
    assert standard_for(2022).code == standard_for(2026).code == "ND07-2021"
    assert standard_for(2027).code == standard_for(2030).code == "ND351-2025"
    for year in (2021, 2031):
        with pytest.raises(ValidationError, match="Chưa có chuẩn nghèo áp dụng cho năm"):
            standard_for(year)


def test_each_standard_has_its_twelve_deprivations_in_six_services(people):
    for year in (2026, 2027):
        deprivations = standard_for(year).deprivations.all()
        assert len(deprivations) == 12
        assert len({d.service for d in deprivations}) == 6


@pytest.mark.parametrize(
    ("status", "income", "codes", "message"),
    [
        (POOR, 2_200_000, ["VL1", "YT1"], "từ 3 chỉ số trở lên"),
        (NEAR, 2_200_000, THREE, "thì là hộ nghèo"),
        (POOR, 2_200_001, THREE, "Hộ có mức sống trung bình"),
        (AVERAGE, 3_300_001, [], "Không thuộc diện nghèo"),
        (POOR, 2_000_000, [*THREE[:2], "XX9"], "XX9"),
        (POOR, -1, THREE, "không được âm"),
    ],
)
def test_2027_statuses_contradicting_their_own_figures_are_refused(
    people, status, income, codes, message
):
    with pytest.raises(ValidationError, match=message):
        check_status(standard_for(2027), RURAL, status, income, codes)


def test_2027_statuses_that_agree_are_accepted(people):
    standard = standard_for(2027)
    check_status(standard, RURAL, POOR, 2_200_000, THREE)
    check_status(standard, URBAN, NEAR, 2_800_000, ["TT1"])
    check_status(standard, URBAN, AVERAGE, 4_200_000, THREE)
    check_status(standard, RURAL, NONE, None, [])


# Recording a status --------------------------------------------------------------------


def counters_match() -> bool:
    stored = {
        (c.area_id, c.year): {name: getattr(c, name) for name in AreaYearCount.FIELDS}
        for c in AreaYearCount.objects.all()
    }
    stored = {key: value for key, value in stored.items() if any(value.values())}
    fresh = {key: value for key, value in counters.fresh_counts().items() if any(value.values())}
    return stored == fresh


def put(homes, household, year, status, **fields):
    fields.setdefault("zone", RURAL)
    if status == POOR:
        fields.setdefault("deprivations", THREE)
    return services.poverty_set(
        user=homes.cast.area_editor, household=household, year=year, status=status, **fields
    )


def test_an_editor_records_a_poor_household_with_its_decision(homes):
    household = homes.a1[0]
    row = put(
        homes,
        household,
        2026,
        POOR,
        income=1_500_000,
        deprivations=["YT2", "VL1", "NO1", "VL1"],
        decision=" 125/QĐ-UBND ",
        decided_on=datetime.date(2026, 11, 10),
    )
    row.refresh_from_db()
    assert row.poverty == POOR and row.standard.code == "ND07-2021"
    assert row.income == 1_500_000 and row.deprivations == ["NO1", "VL1", "YT2"]
    assert row.poverty_decision == "125/QĐ-UBND"
    assert row.poverty_decided_on == datetime.date(2026, 11, 10)
    count = AreaYearCount.objects.get(area=homes.tree.A1, year=2026)
    # 2025 was not reviewed, so the register cannot call the household newly poor
    assert (count.reviewed, count.poor, count.new_poor) == (1, 1, 0)
    assert AuditEvent.objects.filter(action="household.poverty").count() == 1
    assert counters_match()


def test_a_status_without_income_is_checked_on_its_deprivations_only(homes):
    row = put(homes, homes.a1[0], 2026, NEAR, deprivations=["TT1", "TT2"])
    assert row.income is None and row.poverty == NEAR


def _nothing_written(homes, household):
    rows = list(HouseholdYear.objects.filter(household=household))
    assert [(r.year, r.poverty, r.deprivations, r.income) for r in rows] == [(2026, "", [], None)]
    assert not AuditEvent.objects.filter(action="household.poverty").exists()
    assert not AreaYearCount.objects.filter(reviewed__gt=0).exists()


@pytest.mark.parametrize(
    ("year", "status", "fields", "message"),
    [
        (2026, POOR, {"deprivations": ["VL1", "YT1"], "income": 1_000_000}, "từ 3 chỉ số"),
        (2026, NEAR, {"deprivations": THREE, "income": 1_000_000}, "thì là hộ nghèo"),
        (2026, POOR, {"income": 1_500_001}, "Hộ có mức sống trung bình"),
        (2026, NONE, {"income": 2_250_000}, "Hộ có mức sống trung bình"),
        (2026, AVERAGE, {"income": 1_400_000, "deprivations": ["VL1"]}, "Hộ cận nghèo"),
        (2026, POOR, {"deprivations": ["VL1", "YT1", "ZZ1"]}, "ZZ1"),
        (2026, POOR, {"income": -500_000}, "không được âm"),
        (2026, POOR, {"income": "1.500.000"}, "phải là số đồng"),
        (2026, POOR, {"zone": "biển"}, "nông thôn hoặc thành thị"),
        (2026, "", {}, "Hãy chọn diện hộ"),
        (2026, "rich", {}, "Hãy chọn diện hộ"),
        (2027, NONE, {}, "Năm 2027 chưa đến"),
        (2021, NONE, {}, "Chưa có chuẩn nghèo áp dụng cho năm 2021"),
        (2026, NONE, {"decided_on": datetime.date(2026, 12, 1)}, "chưa đến"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    homes, year, status, fields, message
):
    household = homes.a1[0]
    with pytest.raises(ValidationError, match=message):
        put(homes, household, year, status, **fields)
    _nothing_written(homes, household)


def test_the_read_only_role_cannot_record_a_status(homes):
    with pytest.raises(PermissionDenied):
        services.poverty_set(
            user=homes.cast.area_viewer,
            household=homes.a1[0],
            year=2026,
            status=NONE,
            zone=RURAL,
        )
    _nothing_written(homes, homes.a1[0])


def test_an_editor_of_the_sibling_commune_cannot_record_a_status(homes):
    with pytest.raises(PermissionDenied):
        services.poverty_set(
            user=homes.cast.outsider_editor,
            household=homes.a1[0],
            year=2026,
            status=NONE,
            zone=RURAL,
        )
    _nothing_written(homes, homes.a1[0])


def test_the_default_zone_follows_the_commune(homes):
    assert services.default_zone(homes.tree.A1) == URBAN  # Phường Cẩm Giàng
    assert services.default_zone(homes.tree.A4) == RURAL  # Xã Đoàn Kết


# Escaped, fell back, new --------------------------------------------------------------


@pytest.fixture
def three_years(homes):
    """2024–2026 in A1: An poor → none → poor (fell back); Bình never poor then poor (new);
    Cường poor → poor → near-poor (escaped); Dung poor all three years; Em never poor."""
    an, binh, cuong, dung, em = homes.a1
    history = {
        an: (POOR, NONE, POOR),
        binh: (NONE, NEAR, POOR),
        cuong: (POOR, POOR, NEAR),
        dung: (POOR, POOR, POOR),
        em: (NONE, AVERAGE, NONE),
    }
    for household, statuses in history.items():
        for year, status in zip((2024, 2025, 2026), statuses, strict=True):
            if status == NEAR:
                put(homes, household, year, status, deprivations=["TT1"], income=1_200_000)
            elif status == AVERAGE:
                put(homes, household, year, status, income=1_800_000)
            else:
                put(homes, household, year, status)
    return homes


def names(kind, unit, year):
    return sorted(r.household.head_name for r in selectors.poverty_list(kind, unit, year, TODAY))


def test_lists_of_2026_compare_with_2025_and_earlier(three_years):
    n1 = three_years.tree.N1
    assert names("fell_back", n1, 2026) == ["Nguyễn Văn An"]
    assert names("new_poor", n1, 2026) == ["Trần Thị Bình"]
    assert names("escaped", n1, 2026) == ["Lê Văn Cường"]


def test_lists_of_the_earlier_years(three_years):
    a1 = three_years.tree.A1
    # the register's first year: nothing to compare with, so no household is "new"
    assert names("new_poor", a1, 2024) == []
    assert names("escaped", a1, 2025) == ["Nguyễn Văn An"]
    assert names("fell_back", a1, 2025) == names("new_poor", a1, 2025) == []


def test_the_counters_equal_a_fresh_count_and_the_lists(three_years):
    assert counters_match()
    count = AreaYearCount.objects.get(area=three_years.tree.A1, year=2026)
    assert (count.reviewed, count.poor, count.near_poor) == (5, 3, 1)
    assert (count.escaped, count.fell_back, count.new_poor) == (1, 1, 1)
    figures = selectors.register_figures(three_years.tree.N1, 2026, TODAY)[None]
    assert figures["poverty.poor_start"] == 2  # Cường and Dung were poor in 2025, An was not
    assert figures["poverty.fell_back"] == 1 and figures["poverty.escaped"] == 1


def test_correcting_an_earlier_year_moves_the_later_changes(three_years):
    an = three_years.a1[0]
    put(three_years, an, 2025, POOR)  # An was in fact still poor in 2025
    n1 = three_years.tree.N1
    assert names("fell_back", n1, 2026) == []
    assert names("escaped", n1, 2025) == []
    assert counters_match()
    count = AreaYearCount.objects.get(area=three_years.tree.A1, year=2026)
    assert (count.fell_back, count.escaped, count.new_poor) == (0, 1, 1)


def test_a_household_of_the_sibling_commune_is_not_in_the_lists(three_years):
    homes = three_years
    services.poverty_set(
        user=homes.cast.outsider_editor,
        household=homes.a4[0],
        year=2025,
        status=NONE,
        zone=RURAL,
    )
    services.poverty_set(
        user=homes.cast.outsider_editor,
        household=homes.a4[0],
        year=2026,
        status=POOR,
        zone=RURAL,
        deprivations=THREE,
    )
    assert names("new_poor", homes.tree.N1, 2026) == ["Trần Thị Bình"]
    assert names("new_poor", homes.tree.N2, 2026) == ["Ngô Văn Khánh"]
    assert counters_match()
