"""The poverty pages: an area's review, one household's status, the lists of a unit with
their Excel export, and the standards; for the editor, the reader and the outsider."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doanket.core.models import AuditEvent
from doanket.households import services
from doanket.households.models import HouseholdYear, Poverty, Zone

TODAY = datetime.date(2026, 11, 15)
THREE = ["VL1", "YT2", "NO1"]


@pytest.fixture(autouse=True)
def in_november_2026(living_in):
    living_in(TODAY)


def area_url(area, year=2026):
    return reverse("households:poverty_area", args=[area.pk, year])


def household_url(area, household, year=2026):
    return reverse("households:poverty_household", args=[area.pk, year, household.pk])


def lists_url(unit, year=2026, kind=None):
    url = reverse("households:poverty_lists", args=[unit.pk, year])
    return f"{url}?kind={kind}" if kind else url


def xlsx_url(unit, year=2026, kind="escaped"):
    return reverse("households:poverty_lists_xlsx", args=[unit.pk, year]) + f"?kind={kind}"


def set_status(homes, household, year, status, user=None, **fields):
    fields.setdefault("zone", Zone.RURAL)
    if status == Poverty.POOR:
        fields.setdefault("deprivations", THREE)
    return services.poverty_set(
        user=user or homes.cast.area_editor,
        household=household,
        year=year,
        status=status,
        **fields,
    )


POOR_FORM = {
    "status": "poor",
    "zone": "rural",
    "income": "1.500.000",
    "deprivations": THREE,
    "decision": "125/QĐ-UBND",
    "decided_on": "05/11/2026",
}


def nothing_written(household):
    rows = HouseholdYear.objects.filter(household=household)
    assert [(r.year, r.poverty) for r in rows] == [(2026, "")]
    assert not AuditEvent.objects.filter(action="household.poverty").exists()


# The area's review ---------------------------------------------------------------------


def test_the_editor_sees_the_area_with_the_standard_and_its_lines(client_for, homes):
    page = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1)).content.decode()
    assert "Nghị định 07/2021/NĐ-CP" in page
    for line in ("1.500.000 đ", "2.000.000 đ", "2.250.000 đ", "3.000.000 đ"):
        assert line in page
    for household in homes.a1:
        assert household.head_name in page
    assert "Hoàng Văn Giang" not in page  # A2's household
    assert page.count('class="bi bi-pencil"') == 5


def test_the_area_shows_last_year_this_year_and_the_change(client_for, homes):
    an, binh, cuong = homes.a1[:3]
    set_status(homes, an, 2024, Poverty.POOR)
    set_status(homes, an, 2025, Poverty.NONE)
    set_status(homes, an, 2026, Poverty.POOR)
    set_status(homes, binh, 2025, Poverty.NONE)
    set_status(homes, binh, 2026, Poverty.POOR, income=1_000_000)
    set_status(homes, cuong, 2025, Poverty.POOR)
    set_status(homes, cuong, 2026, Poverty.NEAR_POOR, deprivations=["TT1"])
    page = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1)).content.decode()

    def row_of(household):
        start = page.index(f'id="h{household.pk}"')
        return page[start : page.index("</tr>", start)]

    assert "Tái nghèo" in row_of(an) and "Không thuộc diện nghèo" in row_of(an)
    assert "Phát sinh mới" in row_of(binh) and "1.000.000 đ" in row_of(binh)
    assert "Thoát nghèo" in row_of(cuong) and "Hộ cận nghèo" in row_of(cuong)
    assert "VL1, YT2, NO1" in row_of(an) or "NO1, VL1, YT2" in row_of(an)


def test_the_area_can_be_searched_without_diacritics(client_for, homes):
    response = client_for(homes.cast.area_viewer).get(area_url(homes.tree.A1), {"q": "tran thi"})
    page = response.content.decode()
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page


def test_the_2027_standard_is_not_offered_before_2027(client_for, homes):
    response = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1, 2027))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Năm 2027 chưa đến" in page and "bi-pencil" not in page


def test_a_year_with_no_standard_says_so(client_for, homes):
    response = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1, 2021))
    assert "Chưa có chuẩn nghèo áp dụng cho năm 2021" in response.content.decode()
    assert "bi-pencil" not in response.content.decode()


def test_the_reader_sees_the_area_without_edit_buttons(client_for, homes):
    response = client_for(homes.cast.area_viewer).get(area_url(homes.tree.A1))
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()
    assert "bi-pencil" not in response.content.decode()


def test_the_outsider_gets_not_found(client_for, homes):
    client = client_for(homes.cast.outsider_editor)
    assert client.get(area_url(homes.tree.A1)).status_code == 404
    household = homes.a1[0]
    assert client.get(household_url(homes.tree.A1, household)).status_code == 404
    assert client.post(household_url(homes.tree.A1, household), POOR_FORM).status_code == 404
    # its own area does not open another area's household either
    assert client.post(household_url(homes.tree.A4, household), POOR_FORM).status_code == 404
    nothing_written(household)


def test_an_anonymous_visitor_is_sent_to_log_in(client, homes):
    response = client.get(area_url(homes.tree.A1))
    assert response.status_code == 302 and "login" in response["Location"]


# One household ---------------------------------------------------------------------------


def test_the_form_groups_the_deprivations_by_service_and_defaults_the_zone(client_for, homes):
    page = (
        client_for(homes.cast.area_editor)
        .get(household_url(homes.tree.A1, homes.a1[0]))
        .content.decode()
    )
    for service in ("Việc làm", "Y tế", "Giáo dục", "Nhà ở", "Nước sinh hoạt", "Thông tin"):
        assert f">{service}" in page
    assert page.count('name="deprivations"') == 12
    assert 'value="urban" checked' in page  # A1 lies in Phường Cẩm Giàng
    assert "Chưa ghi nhận khoản hỗ trợ nào" in page


def test_an_area_of_a_commune_defaults_to_rural(client_for, homes):
    page = (
        client_for(homes.cast.outsider_editor)
        .get(household_url(homes.tree.A4, homes.a4[0]))
        .content.decode()
    )
    assert 'value="rural" checked' in page


def test_the_editor_saves_a_status_typed_the_vietnamese_way(client_for, homes):
    household = homes.a1[0]
    response = client_for(homes.cast.area_editor).post(
        household_url(homes.tree.A1, household), POOR_FORM
    )
    assert response.status_code == 302
    assert response["Location"] == area_url(homes.tree.A1) + f"#h{household.pk}"
    row = HouseholdYear.objects.get(household=household, year=2026)
    assert (row.poverty, row.zone, row.income) == ("poor", "rural", 1_500_000)
    assert row.deprivations == ["NO1", "VL1", "YT2"]
    assert row.poverty_decision == "125/QĐ-UBND"
    assert row.poverty_decided_on == datetime.date(2026, 11, 5)
    page = (
        client_for(homes.cast.area_editor)
        .get(household_url(homes.tree.A1, household))
        .content.decode()
    )
    assert 'value="1.500.000"' in page and 'value="05/11/2026"' in page
    assert 'value="VL1" id="id_dep_VL1" checked' in page


def test_the_editor_records_last_year_too(client_for, homes):
    household = homes.a1[1]
    form = POOR_FORM | {"decided_on": "10/12/2025"}
    response = client_for(homes.cast.area_editor).post(
        household_url(homes.tree.A1, household, 2025), form
    )
    assert response.status_code == 302
    assert HouseholdYear.objects.get(household=household, year=2025).poverty == "poor"


@pytest.mark.parametrize(
    ("year", "changes", "message"),
    [
        (2026, {"deprivations": ["VL1", "YT2"]}, "từ 3 chỉ số trở lên"),
        (2026, {"status": "near_poor"}, "thì là hộ nghèo"),
        (2026, {"income": "1.500.001"}, "Hộ có mức sống trung bình"),
        (2026, {"income": "1,5 triệu"}, "Thu nhập bình quân"),
        (2026, {"income": "-1.000"}, "không được âm"),
        (2026, {"deprivations": [*THREE, "KHAC"]}, "KHAC"),
        (2026, {"decided_on": "31/02/2026"}, "Ngày quyết định"),
        (2026, {"decided_on": "01/12/2026"}, "chưa đến"),
        (2026, {"status": ""}, "Hãy chọn diện hộ"),
        (2026, {"zone": ""}, "nông thôn hoặc thành thị"),
        (2027, {}, "Năm 2027 chưa đến"),
        (2021, {}, "Chưa có chuẩn nghèo áp dụng cho năm 2021"),
    ],
)
def test_bad_input_comes_back_with_a_message_and_nothing_is_written(
    client_for, homes, year, changes, message
):
    household = homes.a1[0]
    response = client_for(homes.cast.area_editor).post(
        household_url(homes.tree.A1, household, year), POOR_FORM | changes
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    nothing_written(household)
    if year == 2026:
        assert 'value="125/QĐ-UBND"' in page  # what was typed is still there


def test_the_reader_sees_the_household_but_cannot_save(client_for, homes):
    household = homes.a1[0]
    set_status(homes, household, 2026, Poverty.POOR, decision="7/QĐ-UBND")
    client = client_for(homes.cast.area_viewer)
    page = client.get(household_url(homes.tree.A1, household)).content.decode()
    assert "Hộ nghèo" in page and "Bảo hiểm y tế" in page and "7/QĐ-UBND" in page
    assert 'name="status"' not in page
    response = client.post(household_url(homes.tree.A1, household), POOR_FORM | {"zone": "urban"})
    assert response.status_code == 403
    assert HouseholdYear.objects.get(household=household, year=2026).zone == "rural"


# Lists of a unit -------------------------------------------------------------------------


@pytest.fixture
def changes(homes):
    """In 2026: An fell back, Bình is new, Cường escaped; Giang (A2) is new."""
    an, binh, cuong = homes.a1[:3]
    set_status(homes, an, 2024, Poverty.POOR)
    set_status(homes, an, 2025, Poverty.NONE)
    set_status(homes, an, 2026, Poverty.POOR)
    set_status(homes, binh, 2025, Poverty.NONE)
    set_status(homes, binh, 2026, Poverty.POOR)
    set_status(homes, cuong, 2025, Poverty.POOR)
    set_status(homes, cuong, 2026, Poverty.NONE, decision="88/QĐ-UBND")
    set_status(homes, homes.a2[0], 2025, Poverty.NONE, user=homes.cast.editor)
    set_status(homes, homes.a2[0], 2026, Poverty.POOR, user=homes.cast.editor)
    return homes


def tab_counts(page):
    counts = {}
    for kind in ("escaped", "fell_back", "new_poor"):
        start = page.index(f'data-kind="{kind}"')
        badge = page.index('class="badge text-bg-secondary count">', start)
        counts[kind] = int(page[badge:].split(">", 1)[1].split("<", 1)[0])
    return counts


def test_the_commune_lists_each_kind_with_its_count(client_for, changes):
    client = client_for(changes.cast.editor)  # editor of N1
    n1 = changes.tree.N1
    page = client.get(lists_url(n1, kind="new_poor")).content.decode()
    assert tab_counts(page) == {"escaped": 1, "fell_back": 1, "new_poor": 2}
    assert "Trần Thị Bình" in page and "Hoàng Văn Giang" in page and "Nguyễn Văn An" not in page
    page = client.get(lists_url(n1, kind="fell_back")).content.decode()
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" not in page
    page = client.get(lists_url(n1)).content.decode()  # escaped by default
    assert "Lê Văn Cường" in page and "88/QĐ-UBND" in page and "Hộ nghèo" in page
    assert "Thôn Đông" in page and "Thôn Đoài" in page  # the children with their counts


def test_the_province_and_the_area_have_their_lists(client_for, changes):
    page = client_for(changes.cast.admin).get(lists_url(changes.tree.P, kind="new_poor"))
    assert tab_counts(page.content.decode())["new_poor"] == 2
    page = client_for(changes.cast.area_viewer).get(lists_url(changes.tree.A1, kind="new_poor"))
    assert page.status_code == 200
    page = page.content.decode()
    assert tab_counts(page)["new_poor"] == 1 and "Hoàng Văn Giang" not in page


def test_an_old_commune_lists_its_year_on_the_old_map(client_for, changes):
    page = client_for(changes.cast.admin).get(lists_url(changes.tree.C1, 2025, "escaped"))
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.content.decode() and "30/06/2025" in page.content.decode()


def test_the_list_is_exported_to_excel(client_for, changes):
    response = client_for(changes.cast.viewer).get(xlsx_url(changes.tree.N1, kind="new_poor"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "PHÁT SINH MỚI NĂM 2026" in values[0][0]
    assert values[1][0] == "Phường Cẩm Giàng"
    assert sorted(row[1] for row in values[4:]) == ["Hoàng Văn Giang", "Trần Thị Bình"]
    assert {row[6] for row in values[4:]} == {"Hộ nghèo"}


def test_a_future_year_of_the_lists_is_refused(client_for, changes):
    response = client_for(changes.cast.editor).get(lists_url(changes.tree.N1, 2027))
    assert response.status_code == 400
    assert "Năm 2027 chưa đến" in response.content.decode()


def test_the_outsider_gets_no_list_and_no_export(client_for, changes):
    client = client_for(changes.cast.outsider)
    for unit in (changes.tree.N1, changes.tree.A1, changes.tree.P):
        assert client.get(lists_url(unit)).status_code == 404
        assert client.get(xlsx_url(unit)).status_code == 404
    page = client.get(lists_url(changes.tree.N2, kind="new_poor")).content.decode()
    assert tab_counts(page)["new_poor"] == 0 and "Trần Thị Bình" not in page


# Standards -------------------------------------------------------------------------------


def test_the_standards_are_listed_with_their_lines_and_indicators(client_for, people):
    response = client_for(people.area_viewer).get(reverse("households:poverty_standards"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nghị định 07/2021/NĐ-CP" in page and "Nghị định 351/2025/NĐ-CP" in page
    assert "2022–2026" in page and "2027–2030" in page
    for line in ("1.500.000 đ", "2.000.000 đ", "2.200.000 đ", "2.800.000 đ", "3.300.000 đ"):
        assert line in page
    assert page.count("Diện tích nhà ở bình quân đầu người") == 2


def test_the_standards_page_needs_a_login(client, people):
    response = client.get(reverse("households:poverty_standards"))
    assert response.status_code == 302
