"""The counters equal a fresh count after any sequence of changes, and feed the reports."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanket.households import services
from doanket.households.counters import counters_rebuild, fresh_counts, poverty_change
from doanket.households.criteria import FAMILY_CRITERIA
from doanket.households.models import (
    AreaYearCount,
    Evaluation,
    Household,
    HouseholdYear,
    Poverty,
    Zone,
)
from doanket.households.selectors import register_figures
from doanket.reporting.models import ReportForm
from doanket.reporting.selectors import report_rollup
from doanket.reporting.standard import COMMITTEE_FORM, standard_forms_install

from .conftest import add_households

ALL_CRITERIA = dict.fromkeys(FAMILY_CRITERIA, True)
DEPRIVED = {
    Poverty.POOR: ["VL1", "YT2", "NO1"],
    Poverty.NEAR_POOR: ["VL1"],
    Poverty.AVERAGE: [],
    Poverty.NONE: [],
}


def stored_counts() -> dict:
    return {
        (row.area_id, row.year): {name: getattr(row, name) for name in AreaYearCount.FIELDS}
        for row in AreaYearCount.objects.all()
        if any(getattr(row, name) for name in AreaYearCount.FIELDS)
    }


def fresh() -> dict:
    return {key: counts for key, counts in fresh_counts().items() if any(counts.values())}


def test_poverty_changes_compare_with_the_year_before():
    assert poverty_change(Poverty.NONE, Poverty.POOR, False) == "escaped"
    assert poverty_change(Poverty.NEAR_POOR, Poverty.POOR, True) == "escaped"
    assert poverty_change(Poverty.POOR, Poverty.POOR, True) == ""
    assert poverty_change(Poverty.POOR, Poverty.NONE, True) == "fell_back"
    assert poverty_change(Poverty.POOR, Poverty.NONE, False) == "new_poor"
    assert poverty_change(Poverty.POOR, "", False) == ""  # last year not reviewed
    assert poverty_change(Poverty.POOR, "", True) == ""
    assert poverty_change("", Poverty.POOR, False) == ""


def decide(cast, area, year):
    """The whole evaluation of an area's year, with dates inside that year."""
    evaluation = services.evaluation_for(area, year)
    if evaluation.status == Evaluation.Status.DECIDED:
        return
    user = cast.admin_editor
    rows = HouseholdYear.objects.filter(
        area=area, year=year, registered=True, present=True, household__gone_on__isnull=True
    )
    if evaluation.status == Evaluation.Status.OPEN:
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.evaluation_hold_meeting(
            user=user,
            evaluation=evaluation,
            meeting_on=datetime.date(year, 11, 1),
            attendees=30,
            chaired_by="Trưởng thôn",
            minutes=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes"),
        )
    evaluation.refresh_from_db()
    if evaluation.status == Evaluation.Status.MEETING_HELD:
        for n, row in enumerate(rows.filter(result="")):
            services.evaluation_mark(
                user=user,
                evaluation=evaluation,
                household=row.household,
                achieved=n % 3 != 0,
                criteria=ALL_CRITERIA,
                note="" if n % 3 else "Hội nghị không tán thành",
            )
        services.evaluation_post(
            user=user, evaluation=evaluation, posted_on=datetime.date(year, 11, 2)
        )
        services.evaluation_propose(
            user=user, evaluation=evaluation, proposed_on=datetime.date(year, 11, 12)
        )
    services.evaluation_decide(
        user=cast.approver,
        evaluation=evaluation,
        number="12/QĐ-UBND",
        decided_on=datetime.date(year, 11, 20),
        signer="Chủ tịch xã",
    )


operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "move", "gone", "register", "poverty", "decide", "edit"]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from([2024, 2025, 2026]),
        st.sampled_from([Poverty.POOR, Poverty.NEAR_POOR, Poverty.AVERAGE, Poverty.NONE]),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=bool(os.getenv("CI")),  # CI replays the same examples; local runs explore
)
@given(steps=operations)
def test_counters_equal_a_fresh_count_after_any_changes(people, steps):
    t = people.tree
    HouseholdYear.objects.all().delete()
    Household.objects.all().delete()
    Evaluation.objects.all().delete()
    AreaYearCount.objects.all().delete()
    areas = [t.A1, t.A2, t.A4]
    user = people.admin_editor
    for kind, n, year, status in steps:
        households = list(Household.objects.order_by("pk"))
        household = households[n % len(households)] if households else None
        area = areas[n % len(areas)]
        try:
            if kind == "add" or household is None:
                services.household_create(
                    user=user, area=area, data={"head_name": f"Hộ số {n}"}, year=year
                )
            elif kind == "move":
                services.household_move(
                    user=user,
                    household=household,
                    to_area=area,
                    date=datetime.date(year, 3, 1),
                )
            elif kind == "gone":
                services.household_gone(
                    user=user, household=household, date=datetime.date(year, 5, 1), reason="Đi"
                )
            elif kind == "register":
                services.year_rows_ensure(household.area, year)
                ids = set(
                    HouseholdYear.objects.filter(
                        area=household.area, year=year, present=True
                    ).values_list("household_id", flat=True)[: n % 4 + 1]
                )
                services.registration_set(user=user, area=household.area, year=year, registered=ids)
            elif kind == "poverty":
                services.poverty_set(
                    user=user,
                    household=household,
                    year=max(year, 2024),
                    status=status,
                    zone=Zone.RURAL,
                    deprivations=DEPRIVED[status],
                )
            elif kind == "decide":
                decide(people, household.area, year)
            elif kind == "edit":
                services.household_update(
                    user=user,
                    household=household,
                    data={"head_name": household.head_name + " A", "members": n % 9 + 1},
                )
        except ValidationError:
            pass  # a refused change must leave the counters right too
        assert stored_counts() == fresh()


def test_a_rebuild_gives_the_same_counters(homes):
    services.poverty_set(
        user=homes.cast.admin_editor,
        household=homes.a1[0],
        year=2026,
        status=Poverty.POOR,
        zone=Zone.RURAL,
        deprivations=DEPRIVED[Poverty.POOR],
    )
    before = stored_counts()
    counters_rebuild()
    assert stored_counts() == before == fresh()


@pytest.fixture
def committee(db):
    standard_forms_install()
    return ReportForm.objects.get(code=COMMITTEE_FORM)


def test_the_commune_roll_up_takes_its_household_figures_from_the_registers(homes, committee):
    t = homes.tree
    user = homes.cast.admin_editor
    services.registration_set(
        user=user, area=t.A1, year=2026, registered={h.pk for h in homes.a1[:4]}
    )
    period = committee.period("2026")
    rollup = report_rollup(form=committee, unit=t.N1, period=period)
    assert rollup.totals["HGD_TONG"] == 7  # five in A1, two in A2
    assert rollup.totals["HGD_DANGKY"] == 4
    assert rollup.totals["KDC_TONG"] == 3
    by_child = {row.unit.pk: row.values for row in rollup.children}
    assert by_child[t.A1.pk]["HGD_TONG"] == 5
    assert by_child[t.A2.pk]["HGD_TONG"] == 2
    assert by_child[t.A1.pk]["HGD_DANGKY"] == 4
    province = report_rollup(form=committee, unit=t.P, period=period)
    assert province.totals["HGD_TONG"] == 9  # and the two of A4 in the sibling commune
    assert province.totals["TL_HGD_DANGKY"] is not None


def test_register_figures_follow_the_map_date(homes):
    t = homes.tree
    add_households(t.A3, ["Cao Văn Minh"], year=2025)
    old_map = register_figures(t.C2, 2025, datetime.date(2025, 6, 30))
    new_map = register_figures(t.N1, 2025, datetime.date(2025, 12, 31))
    assert old_map[None]["households.total"] == 1
    assert new_map[None]["households.total"] == 1
    assert (
        register_figures(t.C1, 2026, datetime.date(2025, 6, 30))[None]["households.total"] == 7
    )  # A1 and A2 sat under C1 before the reform


def test_poverty_figures_are_unknown_until_the_year_is_reviewed(homes):
    t = homes.tree
    figures = register_figures(t.N1, 2026, datetime.date(2026, 12, 31))[None]
    assert figures["poverty.poor_end"] is None
    assert figures["poverty.poor_start"] == 0
    services.poverty_set(
        user=homes.cast.admin_editor,
        household=homes.a1[0],
        year=2025,
        status=Poverty.NONE,
        zone=Zone.RURAL,
    )
    services.poverty_set(
        user=homes.cast.admin_editor,
        household=homes.a1[0],
        year=2026,
        status=Poverty.POOR,
        zone=Zone.RURAL,
        deprivations=DEPRIVED[Poverty.POOR],
    )
    figures = register_figures(t.N1, 2026, datetime.date(2026, 12, 31))[None]
    assert figures["poverty.poor_end"] == 1
    assert figures["poverty.new_poor"] == 1


def test_a_decision_makes_the_achieved_figure(homes, committee):
    t = homes.tree
    services.registration_set(
        user=homes.cast.admin_editor, area=t.A1, year=2026, registered={h.pk for h in homes.a1}
    )
    figures = register_figures(t.N1, 2026, datetime.date(2026, 12, 31))[None]
    assert figures["households.achieved"] == 0  # marks are not official before the decision
    decide(homes.cast, t.A1, 2026)
    rollup = report_rollup(form=committee, unit=t.N1, period=committee.period("2026"))
    assert rollup.totals["HGD_DAT"] == 3  # every third household was marked not achieved
    assert rollup.totals["TL_HGD_DAT"] == 60


def test_opening_a_year_counts_every_household_still_living_there(homes):
    from django.core.management import call_command

    t = homes.tree
    HouseholdYear.objects.filter(household__in=homes.a1[:2], year=2026).delete()
    counters_rebuild()
    assert register_figures(t.A1, 2026, datetime.date(2026, 6, 1))[None]["households.total"] == 3
    call_command("open_household_year", "2026")
    assert register_figures(t.A1, 2026, datetime.date(2026, 6, 1))[None]["households.total"] == 5
    assert stored_counts() == fresh()
    with pytest.raises(Exception, match="chưa đến"):
        call_command("open_household_year", "2099")
