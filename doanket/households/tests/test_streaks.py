"""Streaks: consecutive years achieved, the spans not yet rewarded, and recording a reward."""

import datetime

import pytest
from django.urls import reverse

from doanket.households.counters import counters_rebuild
from doanket.households.models import AreaTitle, HouseholdYear, StreakReward
from doanket.households.selectors import (
    area_streaks,
    current_streak,
    household_streaks,
    unrewarded_spans,
)
from doanket.units.models import Unit

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def today_is(living_in):
    living_in(TODAY)


# The rules, on plain values ----------------------------------------------------------


def test_the_current_streak_counts_back_from_the_year():
    assert current_streak({2022, 2023, 2024, 2025, 2026}, 2026) == 5
    assert current_streak({2022, 2023, 2025, 2026}, 2026) == 2
    assert current_streak({2022, 2023, 2024}, 2026) == 0


def test_a_gap_breaks_a_run():
    assert unrewarded_spans({2020, 2021, 2023, 2024, 2025}, set(), 3) == [(2023, 2025)]
    assert unrewarded_spans({2020, 2021, 2023, 2024}, set(), 3) == []


def test_after_a_span_the_count_starts_again():
    years = set(range(2019, 2026))
    assert unrewarded_spans(years, set(), 3) == [(2019, 2021), (2022, 2024)]


def test_rewarded_years_do_not_count_twice():
    years = set(range(2020, 2027))
    assert unrewarded_spans(years, set(range(2020, 2023)), 3) == [(2023, 2025)]
    assert unrewarded_spans(years, set(range(2021, 2024)), 3) == [(2024, 2026)]
    assert unrewarded_spans(set(range(2022, 2025)), set(range(2022, 2025)), 3) == []


def test_n_is_the_length_of_a_span():
    years = set(range(2022, 2027))
    assert unrewarded_spans(years, set(), 5) == [(2022, 2026)]
    assert unrewarded_spans(years, set(), 6) == []
    assert unrewarded_spans(years, set(), 2) == [(2022, 2023), (2024, 2025)]


# On the registers ---------------------------------------------------------------------


def achieved_in(household, years, official=True):
    for year in years:
        HouseholdYear.objects.update_or_create(
            household=household,
            year=year,
            defaults={
                "area": household.area,
                "registered": True,
                "result": "achieved",
                "official": official,
            },
        )
    counters_rebuild()


def titled_in(area, years):
    for year in years:
        AreaTitle.objects.create(
            area=area,
            year=year,
            status="achieved",
            proposal_file="households/titles/x.pdf",
            proposed_on=datetime.date(year, 11, 20),
        )


@pytest.fixture
def streaks(homes):
    """An: achieved 2022–2026. Bình: 2022, 2023, then 2025, 2026 (2024 missed). Cường:
    2024–2026, but 2026 not yet official. Khánh (the sibling commune): 2022–2026."""
    an, binh, cuong = homes.a1[:3]
    achieved_in(an, range(2022, 2027))
    achieved_in(binh, [2022, 2023, 2025, 2026])
    achieved_in(cuong, [2024, 2025])
    achieved_in(cuong, [2026], official=False)
    achieved_in(homes.a4[0], range(2022, 2027))
    return homes


def owners(rows):
    return {row.owner.head_name: (row.streak, row.spans) for row in rows}


def test_households_with_an_unrewarded_span(streaks):
    areas = Unit.objects.filter(pk=streaks.tree.A1.pk)
    assert owners(household_streaks(areas, 2026, 3)) == {"Nguyễn Văn An": (5, [(2022, 2024)])}
    assert owners(household_streaks(areas, 2026, 2)) == {
        "Nguyễn Văn An": (5, [(2022, 2023), (2024, 2025)]),
        "Trần Thị Bình": (2, [(2022, 2023), (2025, 2026)]),
        "Lê Văn Cường": (0, [(2024, 2025)]),
    }


def test_a_rewarded_span_leaves_the_list(streaks, people):
    an = streaks.a1[0]
    StreakReward.objects.create(household=an, first_year=2022, last_year=2024)
    areas = Unit.objects.filter(pk=streaks.tree.A1.pk)
    assert owners(household_streaks(areas, 2026, 3)) == {}
    assert owners(household_streaks(areas, 2026, 2)).get("Nguyễn Văn An") == (5, [(2025, 2026)])


def test_areas_with_an_unrewarded_span(homes):
    titled_in(homes.tree.A1, range(2021, 2026))
    titled_in(homes.tree.A2, [2021, 2022, 2024, 2025, 2026])
    rows = area_streaks(Unit.objects.filter(pk__in=[homes.tree.A1.pk, homes.tree.A2.pk]), 2026, 5)
    assert [(row.owner, row.streak, row.spans) for row in rows] == [
        (homes.tree.A1, 0, [(2021, 2025)])
    ]


# The page ----------------------------------------------------------------------------


def streak_url(unit, **query):
    url = reverse("households:streak_list", args=[unit.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def reward_url(unit):
    return reverse("households:streak_reward", args=[unit.pk])


def test_the_commune_sees_its_households_with_the_setting_s_n(client_for, streaks, settings):
    settings.HOUSEHOLD_STREAK_YEARS = 3
    page = client_for(streaks.cast.commune_approver).get(streak_url(streaks.tree.N1))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn An" in text and "2022–2024" in text
    assert "Trần Thị Bình" not in text
    assert "Ngô Văn Khánh" not in text  # the sibling commune's household


def test_n_follows_the_setting(client_for, streaks, settings):
    settings.HOUSEHOLD_STREAK_YEARS = 2
    text = client_for(streaks.cast.commune_approver).get(streak_url(streaks.tree.N1))
    assert "Trần Thị Bình" in text.content.decode()


def test_n_can_be_asked_for(client_for, streaks):
    client = client_for(streaks.cast.commune_approver)
    text = client.get(streak_url(streaks.tree.N1, n=5)).content.decode()
    assert "Nguyễn Văn An" in text and "2022–2026" in text
    text = client.get(streak_url(streaks.tree.N1, n="abc")).content.decode()
    assert "Số năm liên tục phải từ 1 đến 30" in text and "2022–2024" in text


def test_the_area_s_viewer_sees_its_own_area_but_records_nothing(client_for, streaks):
    client = client_for(streaks.cast.area_viewer)
    text = client.get(streak_url(streaks.tree.A1)).content.decode()
    assert "Nguyễn Văn An" in text and "Ghi khen" not in text
    response = client.post(
        reward_url(streaks.tree.A1),
        {
            "kind": "household",
            "owner": streaks.a1[0].pk,
            "first_year": "2022",
            "last_year": "2024",
            "number": "12/QĐ-UBND",
            "decided_on": "20/11/2026",
        },
    )
    assert response.status_code == 403
    assert not StreakReward.objects.exists()


def reward(household, **changes):
    data = {
        "kind": "household",
        "owner": household.pk,
        "first_year": "2022",
        "last_year": "2024",
        "number": "12/QĐ-UBND",
        "decided_on": "20/11/2026",
    }
    data.update(changes)
    return data


def test_the_commune_records_a_reward_and_the_span_leaves_the_list(client_for, streaks):
    client = client_for(streaks.cast.commune_approver)
    an = streaks.a1[0]
    response = client.post(reward_url(streaks.tree.N1) + "?n=3", reward(an))
    assert response.status_code == 302 and response["Location"].endswith("?n=3")
    saved = StreakReward.objects.get()
    assert (saved.household, saved.first_year, saved.last_year) == (an, 2022, 2024)
    assert saved.decision_number == "12/QĐ-UBND" and saved.by == streaks.cast.commune_approver
    text = client.get(streak_url(streaks.tree.N1, n=3)).content.decode()
    assert "Nguyễn Văn An" not in text


def test_a_year_is_not_rewarded_twice(client_for, streaks):
    client = client_for(streaks.cast.area_editor)
    an = streaks.a1[0]
    client.post(reward_url(streaks.tree.A1), reward(an))
    response = client.post(
        reward_url(streaks.tree.A1), reward(an, first_year="2024", last_year="2026")
    )
    assert response.status_code == 400
    assert "một năm không tính hai lần" in response.content.decode()
    assert StreakReward.objects.count() == 1


def test_a_reward_without_its_decision_number_is_refused(client_for, streaks):
    response = client_for(streaks.cast.area_editor).post(
        reward_url(streaks.tree.A1), reward(streaks.a1[0], number="")
    )
    assert response.status_code == 400
    assert "Hãy ghi số quyết định khen thưởng" in response.content.decode()
    assert not StreakReward.objects.exists()


def test_an_area_s_streak_is_rewarded_by_the_commune(client_for, homes):
    titled_in(homes.tree.A1, range(2021, 2026))
    client = client_for(homes.cast.commune_approver)
    text = client.get(streak_url(homes.tree.N1)).content.decode()
    assert "Thôn Đông" in text and "2021–2025" in text
    response = client.post(
        reward_url(homes.tree.N1),
        {
            "kind": "area",
            "owner": homes.tree.A1.pk,
            "first_year": "2021",
            "last_year": "2025",
            "number": "88/QĐ-UBND",
            "decided_on": "25/11/2026",
        },
    )
    assert response.status_code == 302
    assert StreakReward.objects.get().area == homes.tree.A1
    text = client.get(streak_url(homes.tree.N1)).content.decode()
    assert "Đã ghi khen thưởng cho chuỗi năm 2021–2025" in text
    assert "Thôn Đông" not in text.split('id="area-streaks"')[1]


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_an_outsider_gets_nothing(client_for, streaks, who):
    client = client_for(getattr(streaks.cast, who))
    assert client.get(streak_url(streaks.tree.A1)).status_code == 404
    assert client.get(streak_url(streaks.tree.N1)).status_code == 404
    # even through the page of the outsider's own commune
    response = client.post(reward_url(streaks.tree.N2), reward(streaks.a1[0]))
    assert response.status_code == 404
    assert not StreakReward.objects.exists()


def test_the_sibling_commune_sees_only_its_own(client_for, streaks):
    text = client_for(streaks.cast.outsider).get(streak_url(streaks.tree.N2)).content.decode()
    assert "Ngô Văn Khánh" in text and "Nguyễn Văn An" not in text
