"""The households API: the scoped list, the register figures of a unit and a household's
poverty status of a year; for the editor, the reader and the outsider."""

import datetime
import json

import pytest

from doanket.accounts.models import ApiToken
from doanket.core.models import AuditEvent
from doanket.households import services
from doanket.households.models import HouseholdYear, Poverty, Zone
from doanket.households.tests import conftest as households_conftest

# The cast's households are fixtures of the households app, out of this folder's reach.
people = households_conftest.people
homes = households_conftest.homes

TODAY = datetime.date(2026, 11, 15)
THREE = ["VL1", "YT2", "NO1"]
POOR = {
    "status": "poor",
    "zone": "rural",
    "income": 1_500_000,
    "deprivations": THREE,
    "decision": "125/QĐ-UBND",
    "decided_on": "05/11/2026",
}


@pytest.fixture(autouse=True)
def in_november_2026(living_in):
    living_in(TODAY)


def _headers(user) -> dict:
    if user is None:
        return {}
    _token, raw = ApiToken.issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def get(client):
    def call(user, path, **params):
        return client.get(f"/api/households{path}", params, headers=_headers(user))

    return call


@pytest.fixture
def put(client):
    def call(user, household, year, body):
        return client.put(
            f"/api/households/{household.pk}/poverty/{year}",
            json.dumps(body),
            content_type="application/json",
            headers=_headers(user),
        )

    return call


def nothing_written(household):
    rows = HouseholdYear.objects.filter(household=household)
    assert [(r.year, r.poverty) for r in rows] == [(2026, "")]
    assert not AuditEvent.objects.filter(action="household.poverty").exists()


# The list ------------------------------------------------------------------------------


def test_the_editor_lists_the_area_with_the_status_of_the_year(get, homes):
    services.poverty_set(
        user=homes.cast.area_editor,
        household=homes.a1[0],
        year=2026,
        status=Poverty.POOR,
        zone=Zone.RURAL,
        income=1_200_000,
        deprivations=THREE,
    )
    response = get(homes.cast.area_editor, "/", area=homes.tree.A1.pk, year=2026)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5 and len(data["items"]) == 5
    first = next(item for item in data["items"] if item["id"] == homes.a1[0].pk)
    assert first["poverty"] == "poor" and first["poverty_label"] == "Hộ nghèo"
    assert first["income"] == 1_200_000 and first["standard"] == "ND07-2021"
    assert first["deprivations"] == ["NO1", "VL1", "YT2"]
    assert first["area"]["name"] == "Thôn Đông"
    assert {item["poverty"] for item in data["items"] if item["id"] != first["id"]} == {""}


def test_a_commune_lists_the_households_of_its_areas_page_by_page(get, homes):
    data = get(homes.cast.viewer, "/", area=homes.tree.N1.pk, limit=3).json()
    assert data["count"] == 7 and len(data["items"]) == 3
    rest = get(homes.cast.viewer, "/", area=homes.tree.N1.pk, limit=3, offset=3).json()
    seen = {item["id"] for item in data["items"] + rest["items"]}
    assert len(seen) == 6


def test_without_an_area_the_list_is_the_whole_scope(get, homes):
    names = {item["head_name"] for item in get(homes.cast.outsider, "/").json()["items"]}
    assert names == {"Ngô Văn Khánh", "Dương Thị Lan"}


def test_a_search_without_diacritics(get, homes):
    data = get(homes.cast.area_viewer, "/", area=homes.tree.A1.pk, q="nguyen van an").json()
    assert [item["head_name"] for item in data["items"]] == ["Nguyễn Văn An"]


def test_a_past_year_lists_the_households_counted_then(get, homes):
    services.poverty_set(
        user=homes.cast.area_editor,
        household=homes.a1[2],
        year=2025,
        status=Poverty.NONE,
        zone=Zone.RURAL,
    )
    data = get(homes.cast.area_editor, "/", area=homes.tree.A1.pk, year=2025).json()
    assert [(i["head_name"], i["poverty"]) for i in data["items"]] == [("Lê Văn Cường", "none")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 501}, "từ 1 đến 500"),
        ({"limit": 0}, "từ 1 đến 500"),
        ({"offset": -1}, "không được âm"),
        ({"year": 2027}, "Năm 2027 chưa đến"),
        ({"q": "x" * 101}, "dài quá 100"),
        ({"year": "năm nay"}, "Tham số không hợp lệ"),
    ],
)
def test_bad_parameters_get_a_vietnamese_400(get, homes, params, message):
    response = get(homes.cast.area_editor, "/", area=homes.tree.A1.pk, **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_the_outsider_gets_not_found_for_the_sibling_area(get, homes):
    for unit in (homes.tree.A1, homes.tree.N1, homes.tree.P):
        response = get(homes.cast.outsider_editor, "/", area=unit.pk)
        assert response.status_code == 404
        assert "phạm vi" in response.json()["detail"]


def test_no_credentials_get_a_401(get, homes):
    assert get(None, "/").status_code == 401


# Figures ---------------------------------------------------------------------------------


def test_the_figures_of_a_commune_and_its_areas(get, homes):
    for household in homes.a1[:2]:
        services.poverty_set(
            user=homes.cast.area_editor,
            household=household,
            year=2025,
            status=Poverty.NONE,
            zone=Zone.RURAL,
        )
        services.poverty_set(
            user=homes.cast.area_editor,
            household=household,
            year=2026,
            status=Poverty.POOR,
            zone=Zone.RURAL,
            deprivations=THREE,
        )
    response = get(homes.cast.viewer, "/figures", unit=homes.tree.N1.pk, year=2026)
    assert response.status_code == 200
    data = response.json()
    assert data["unit"]["code"] == "N1" and data["on"] == "2026-11-15"
    assert data["values"]["households.total"] == 7
    assert data["values"]["poverty.poor_end"] == 2 and data["values"]["poverty.new_poor"] == 2
    children = {child["code"]: child["values"] for child in data["children"]}
    assert children["A1"]["households.total"] == 5 and children["A1"]["poverty.poor_end"] == 2
    assert children["A2"]["households.total"] == 2
    assert children["A2"]["poverty.poor_end"] is None  # not reviewed yet, not zero


def test_the_figures_on_the_old_map(get, homes):
    data = get(homes.cast.admin, "/figures", unit=homes.tree.C1.pk, year=2026).json()
    assert data["on"] == "2025-06-30"
    assert data["values"]["households.total"] == 7
    data = get(homes.cast.admin, "/figures", unit=homes.tree.P.pk, on="01/01/2025").json()
    assert {child["code"] for child in data["children"]} == {"D1", "D2"}


def test_the_outsider_gets_no_figures(get, homes):
    response = get(homes.cast.outsider, "/figures", unit=homes.tree.N1.pk)
    assert response.status_code == 404


def test_a_bad_map_date_gets_a_400(get, homes):
    response = get(homes.cast.viewer, "/figures", unit=homes.tree.N1.pk, on="31/02/2026")
    assert response.status_code == 400


# Poverty status --------------------------------------------------------------------------


def test_the_editor_records_a_status(put, homes):
    household = homes.a1[0]
    response = put(homes.cast.area_editor, household, 2026, POOR)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["poverty"] == "poor" and data["decided_on"] == "2026-11-05"
    row = HouseholdYear.objects.get(household=household, year=2026)
    assert (row.income, row.deprivations) == (1_500_000, ["NO1", "VL1", "YT2"])
    assert row.poverty_decision == "125/QĐ-UBND"


def test_income_typed_as_text_and_the_zone_by_default(put, homes):
    household = homes.a1[1]
    body = {"status": "average", "income": "2.500.000"}  # A1 is urban: 2–3 M is average
    response = put(homes.cast.area_editor, household, 2026, body)
    assert response.status_code == 200, response.json()
    assert response.json()["zone"] == "urban" and response.json()["income"] == 2_500_000


@pytest.mark.parametrize(
    ("year", "changes", "message"),
    [
        (2026, {"deprivations": ["VL1", "YT2"]}, "từ 3 chỉ số trở lên"),
        (2026, {"status": "near_poor"}, "thì là hộ nghèo"),
        (2026, {"income": 1_500_001}, "Hộ có mức sống trung bình"),
        (2026, {"income": "1,5 triệu"}, "Thu nhập bình quân"),
        (2026, {"income": -1}, "không được âm"),
        (2026, {"deprivations": [*THREE, "KHAC"]}, "KHAC"),
        (2026, {"decided_on": "31/02/2026"}, "Ngày quyết định"),
        (2026, {"zone": "biển"}, "nông thôn hoặc thành thị"),
        (2026, {"status": "giàu"}, "Hãy chọn diện hộ"),
        (2027, {}, "Năm 2027 chưa đến"),
        (2021, {}, "Chưa có chuẩn nghèo áp dụng cho năm 2021"),
    ],
)
def test_bad_input_gets_a_vietnamese_400_and_nothing_is_written(put, homes, year, changes, message):
    household = homes.a1[0]
    response = put(homes.cast.area_editor, household, year, POOR | changes)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    nothing_written(household)


def test_a_malformed_body_gets_a_400(put, homes):
    household = homes.a1[0]
    response = put(homes.cast.area_editor, household, 2026, {"income": 1})
    assert response.status_code == 400 and "status" in response.json()["detail"]
    nothing_written(household)


def test_the_reader_gets_403(put, homes):
    household = homes.a1[0]
    response = put(homes.cast.area_viewer, household, 2026, POOR)
    assert response.status_code == 403
    assert "không có quyền" in response.json()["detail"]
    nothing_written(household)


def test_the_outsider_gets_404(put, homes):
    household = homes.a1[0]
    for user in (homes.cast.outsider, homes.cast.outsider_editor):
        response = put(user, household, 2026, POOR)
        assert response.status_code == 404
    nothing_written(household)
