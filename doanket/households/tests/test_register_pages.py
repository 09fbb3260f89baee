"""The household register pages: who sees the lists, who may change them, what a refused
change says, and the drill-down from a report figure to the households behind it."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from doanket.core.models import AuditEvent
from doanket.households import services
from doanket.households.models import (
    AreaTitle,
    AreaYearCount,
    Evaluation,
    Household,
    HouseholdMove,
    HouseholdYear,
    Poverty,
    Zone,
)
from doanket.households.selectors import register_figures

from .conftest import THIS_YEAR, add_households

TODAY = datetime.date(THIS_YEAR, 11, 20)
MAP_DATE = "2026-11-20"


@pytest.fixture(autouse=True)
def in_late_2026(living_in):
    """The fixtures record this year's households; keep "this year" the same whenever the
    suite runs."""
    living_in(TODAY)


def area_url(area, **query):
    url = reverse("households:area", args=[area.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def household_url(household):
    return reverse("households:household", args=[household.pk])


def register_url(area, year=THIS_YEAR):
    return reverse("households:register", args=[area.pk, year])


def figure_url(key, unit, year=THIS_YEAR, on=MAP_DATE, **extra):
    query = {"key": key, "unit": unit.pk, "year": year, "on": on, **extra}
    return reverse("households:figure") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def text_of(response) -> str:
    return response.content.decode()


def a_household_form(**changes):
    data = {
        "number": "",
        "head_name": "Lương Thị Mới",
        "address": "Số 9, Thôn Đông",
        "members": "4",
        "phone": "0912 345 678",
        "notes": "",
    }
    return data | changes


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# The entry page ----------------------------------------------------------------------


def test_the_entry_page_lists_the_editors_areas_by_commune_with_this_years_counts(
    homes, client_for
):
    response = client_for(homes.cast.area_editor).get(reverse("households:index"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["commune"] for g in groups] == [homes.tree.N1]
    assert [item["area"] for item in groups[0]["areas"]] == [homes.tree.A1]
    assert groups[0]["households"] == 5
    assert "Thôn Hạ" not in text_of(response)


def test_a_commune_viewer_sees_every_area_of_the_commune(homes, client_for):
    response = client_for(homes.cast.viewer).get(reverse("households:index"))
    areas = [item["area"] for g in response.context["groups"] for item in g["areas"]]
    assert set(areas) == {homes.tree.A1, homes.tree.A2, homes.tree.A3}


def test_search_finds_a_name_typed_without_diacritics(homes, client_for):
    response = client_for(homes.cast.area_editor).get(
        reverse("households:index"), {"q": "nguyen van an"}
    )
    assert response.status_code == 200
    assert [h.head_name for h in response.context["results"]] == ["Nguyễn Văn An"]
    assert "Nguyễn Văn An" in text_of(response)


def test_search_stays_inside_the_users_scope(homes, client_for):
    client = client_for(homes.cast.outsider)
    assert list(client.get(reverse("households:index"), {"q": "nguyen"}).context["results"]) == []
    found = client.get(reverse("households:index"), {"q": "ngo van khanh"}).context["results"]
    assert [h.head_name for h in found] == ["Ngô Văn Khánh"]


def test_search_shows_at_most_a_hundred_households_and_says_so(homes, client_for):
    add_households(homes.tree.A3, [f"Nguyễn Văn Tư {n}" for n in range(101)])
    response = client_for(homes.cast.viewer).get(reverse("households:index"), {"q": "van tu"})
    assert len(response.context["results"]) == 100
    assert response.context["more"] is True
    assert "Chỉ hiện 100 hộ đầu tiên" in text_of(response)


def test_a_member_organisation_editor_sees_no_household(homes, client_for):
    client = client_for(homes.cast.org_editor)
    response = client.get(reverse("households:index"), {"q": "nguyen"})
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert list(response.context["results"]) == []
    assert "Nguyễn" not in text_of(response)


# An area's list ------------------------------------------------------------------------


def test_the_area_editor_sees_the_list_with_its_columns(homes, client_for):
    services.registration_set(
        user=homes.cast.area_editor,
        area=homes.tree.A1,
        year=THIS_YEAR,
        registered={homes.a1[0].pk},
    )
    response = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1))
    assert response.status_code == 200
    rows = response.context["present"]
    assert {r.household.head_name for r in rows} == {h.head_name for h in homes.a1}
    assert [r.year.registered for r in rows if r.household == homes.a1[0]] == [True]
    assert response.context["can_edit"] is True
    assert 'id="add"' in text_of(response)


def test_the_area_list_searches_without_diacritics(homes, client_for):
    response = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1, q="tran thi binh"))
    assert [r.household.head_name for r in response.context["present"]] == ["Trần Thị Bình"]


def test_households_that_left_are_listed_apart(homes, client_for):
    gone = homes.a1[4]
    services.household_gone(
        user=homes.cast.area_editor, household=gone, date=TODAY, reason="Chuyển vào Nam"
    )
    response = client_for(homes.cast.area_editor).get(area_url(homes.tree.A1))
    assert gone not in [r.household for r in response.context["present"]]
    assert [r.household for r in response.context["gone"]] == [gone]
    assert "Chuyển vào Nam" in text_of(response)


def test_a_commune_viewer_reads_an_area_of_the_commune(homes, client_for):
    response = client_for(homes.cast.viewer).get(area_url(homes.tree.A2))
    assert response.status_code == 200
    assert "Hoàng Văn Giang" in text_of(response)
    assert response.context["can_edit"] is False


def test_the_area_editor_adds_a_household(homes, client_for):
    response = client_for(homes.cast.area_editor).post(area_url(homes.tree.A1), a_household_form())
    assert response.status_code == 302
    added = Household.objects.get(head_name="Lương Thị Mới")
    assert added.area == homes.tree.A1
    assert added.phone == "0912345678"
    assert HouseholdYear.objects.filter(household=added, year=THIS_YEAR).exists()
    assert AreaYearCount.objects.get(area=homes.tree.A1, year=THIS_YEAR).households == 6
    event = AuditEvent.objects.get(action="household.create", object_id=str(added.pk))
    assert event.actor == homes.cast.area_editor


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"head_name": "  "}, "Hãy ghi họ tên chủ hộ."),
        ({"members": "abc"}, "Số nhân khẩu phải là số nguyên."),
        ({"members": "0"}, "Số nhân khẩu phải từ 1 đến 50."),
        ({"phone": "12"}, "Số điện thoại phải có 8 đến 12 chữ số."),
        ({"head_name": "Nguyen Van An", "address": "Số 1, Thôn Đông"}, "Khu dân cư đã có hộ"),
    ],
)
def test_a_refused_new_household_says_why_and_writes_nothing(homes, client_for, changes, message):
    response = client_for(homes.cast.area_editor).post(
        area_url(homes.tree.A1), a_household_form(**changes)
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert Household.objects.filter(area=homes.tree.A1).count() == 5
    assert audit_count("household.create") == 0


def test_a_year_to_come_is_refused(homes, client_for):
    client = client_for(homes.cast.area_editor)
    response = client.get(area_url(homes.tree.A1, year=THIS_YEAR + 1))
    assert response.status_code == 400
    assert f"Năm {THIS_YEAR + 1} chưa đến" in text_of(response)
    response = client.post(area_url(homes.tree.A1, year=THIS_YEAR + 1), a_household_form())
    assert response.status_code == 400
    assert not Household.objects.filter(head_name="Lương Thị Mới").exists()


def test_the_area_viewer_reads_but_cannot_add(homes, client_for):
    client = client_for(homes.cast.area_viewer)
    response = client.get(area_url(homes.tree.A1))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert 'id="add"' not in text_of(response)
    assert client.post(area_url(homes.tree.A1), a_household_form()).status_code == 403
    assert not Household.objects.filter(head_name="Lương Thị Mới").exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_editor", "org_editor"])
def test_people_outside_the_area_find_nothing_there(homes, client_for, who):
    client = client_for(getattr(homes.cast, who))
    assert client.get(area_url(homes.tree.A1)).status_code == 404
    assert client.get(reverse("households:area_xlsx", args=[homes.tree.A1.pk])).status_code == 404
    assert client.post(area_url(homes.tree.A1), a_household_form()).status_code == 404
    assert not Household.objects.filter(head_name="Lương Thị Mới").exists()


def test_the_export_carries_the_list_the_user_sees(homes, client_for):
    response = client_for(homes.cast.area_viewer).get(
        reverse("households:area_xlsx", args=[homes.tree.A1.pk]), {"year": THIS_YEAR}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert sorted(names) == sorted(h.head_name for h in homes.a1)
    assert "Hoàng Văn Giang" not in names


def test_the_export_follows_the_search(homes, client_for):
    response = client_for(homes.cast.area_editor).get(
        reverse("households:area_xlsx", args=[homes.tree.A1.pk]), {"q": "nguyen van an"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)] == ["Nguyễn Văn An"]


# One household ----------------------------------------------------------------------


def test_the_household_page_shows_its_fields_years_and_support(homes, client_for):
    household = homes.a1[0]
    response = client_for(homes.cast.area_editor).get(household_url(household))
    assert response.status_code == 200
    page = text_of(response)
    assert "Nguyễn Văn An" in page
    assert "Hỗ trợ đã nhận" in page
    assert "Quỹ “Vì người nghèo”" in page
    assert [y["row"].year for y in response.context["years"]] == [THIS_YEAR]
    assert response.context["can_edit"] is True


def test_an_edit_is_saved_and_shows_in_the_history_with_who_and_when(homes, client_for):
    household = homes.a1[0]
    client = client_for(homes.cast.area_editor)
    data = a_household_form(head_name="Nguyễn Văn An", address="Số 1, Thôn Đông", members="5")
    response = client.post(household_url(household), {"action": "edit", **data})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.members == 5
    event = AuditEvent.objects.get(action="household.update", object_id=str(household.pk))
    assert event.after["members"] == 5
    page = client.get(household_url(household))
    assert list(page.context["history"]) == [event]
    assert "Bùi Văn Thôn" in text_of(page)


def test_the_history_holds_the_households_year_events(homes, client_for):
    household = homes.a1[1]
    services.poverty_set(
        user=homes.cast.area_editor,
        household=household,
        year=THIS_YEAR,
        status=Poverty.NEAR_POOR,
        zone=Zone.RURAL,
        deprivations=["VL1"],
    )
    response = client_for(homes.cast.viewer).get(household_url(household))
    assert [e.action for e in response.context["history"]] == ["household.poverty"]
    page = text_of(response)
    assert "Hộ cận nghèo" in page
    assert "Việc làm" in page
    assert "Nghị định 07/2021/NĐ-CP" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"head_name": ""}, "Hãy ghi họ tên chủ hộ."),
        ({"members": "abc"}, "Số nhân khẩu phải là số nguyên."),
        ({"phone": "12"}, "Số điện thoại phải có 8 đến 12 chữ số."),
    ],
)
def test_a_refused_edit_says_why_and_changes_nothing(homes, client_for, changes, message):
    household = homes.a1[0]
    response = client_for(homes.cast.area_editor).post(
        household_url(household), {"action": "edit", **a_household_form(**changes)}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn An"
    assert household.members == 3
    assert audit_count("household.update") == 0


def test_a_commune_editor_moves_a_household_and_the_move_is_kept(homes, client_for):
    household = homes.a1[0]
    client = client_for(homes.cast.editor)
    response = client.post(
        household_url(household),
        {"action": "move", "to_area": homes.tree.A2.pk, "date": "01/11/2026", "reason": "Làm nhà"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.area == homes.tree.A2
    move = HouseholdMove.objects.get(household=household)
    assert (move.from_area, move.to_area, move.by) == (
        homes.tree.A1,
        homes.tree.A2,
        homes.cast.editor,
    )
    assert audit_count("household.move") == 1
    assert AreaYearCount.objects.get(area=homes.tree.A2, year=THIS_YEAR).households == 3
    page = client.get(household_url(household))
    assert list(page.context["moves"]) == [move]


@pytest.mark.parametrize(
    ("who", "target"),
    [("area_editor", "A2"), ("editor", "A4"), ("editor", "A1")],
)
def test_a_move_outside_the_users_areas_is_refused(homes, client_for, who, target):
    household = homes.a1[0]
    response = client_for(getattr(homes.cast, who)).post(
        household_url(household),
        {"action": "move", "to_area": getattr(homes.tree, target).pk, "date": "01/11/2026"},
    )
    assert response.status_code == 400
    assert "không thuộc phạm vi bạn được cập nhật" in text_of(response)
    household.refresh_from_db()
    assert household.area == homes.tree.A1
    assert not HouseholdMove.objects.exists()
    assert audit_count("household.move") == 0


def test_a_move_without_a_date_is_refused(homes, client_for):
    household = homes.a1[0]
    response = client_for(homes.cast.editor).post(
        household_url(household), {"action": "move", "to_area": homes.tree.A2.pk, "date": ""}
    )
    assert response.status_code == 400
    assert "Hãy ghi ngày chuyển" in text_of(response)
    assert not HouseholdMove.objects.exists()


def test_a_household_is_marked_gone(homes, client_for):
    household = homes.a1[2]
    response = client_for(homes.cast.area_editor).post(
        household_url(household), {"action": "gone", "date": "15/11/2026", "reason": "Tách hộ"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.gone_on == datetime.date(2026, 11, 15)
    assert household.gone_reason == "Tách hộ"
    assert audit_count("household.gone") == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "15/11/2026", "reason": ""}, "Hãy ghi lý do"),
        ({"date": "", "reason": "Tách hộ"}, "Hãy ghi ngày hộ chuyển đi"),
        ({"date": "31/02/2026", "reason": "Tách hộ"}, "không tồn tại"),
        ({"date": "15/12/2026", "reason": "Tách hộ"}, "chưa đến"),
    ],
)
def test_a_refused_gone_says_why_and_writes_nothing(homes, client_for, data, message):
    household = homes.a1[2]
    response = client_for(homes.cast.area_editor).post(
        household_url(household), {"action": "gone", **data}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    household.refresh_from_db()
    assert household.gone_on is None
    assert audit_count("household.gone") == 0


def test_a_household_that_left_cannot_move_but_can_be_corrected(homes, client_for):
    household = homes.a1[2]
    services.household_gone(user=homes.cast.editor, household=household, date=TODAY, reason="Đi xa")
    client = client_for(homes.cast.editor)
    page = text_of(client.get(household_url(household)))
    assert 'value="move"' not in page
    assert 'value="edit"' in page
    response = client.post(
        household_url(household),
        {"action": "move", "to_area": homes.tree.A2.pk, "date": "01/11/2026"},
    )
    assert response.status_code == 400
    assert "Hộ đã chuyển đi hoặc không còn, không chuyển khu được." in text_of(response)
    assert not HouseholdMove.objects.exists()


def test_the_area_viewer_reads_a_household_but_cannot_change_it(homes, client_for):
    household = homes.a1[0]
    client = client_for(homes.cast.area_viewer)
    response = client.get(household_url(household))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert 'name="action" value="edit"' not in text_of(response)
    for data in (
        {"action": "edit", **a_household_form()},
        {"action": "gone", "date": "15/11/2026", "reason": "Tách hộ"},
        {"action": "move", "to_area": homes.tree.A2.pk, "date": "01/11/2026"},
    ):
        assert client.post(household_url(household), data).status_code == 403
    household.refresh_from_db()
    assert (household.head_name, household.gone_on, household.area) == (
        "Nguyễn Văn An",
        None,
        homes.tree.A1,
    )
    assert not AuditEvent.objects.filter(action__startswith="household.").exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_editor", "org_editor"])
def test_people_outside_the_area_cannot_open_a_household(homes, client_for, who):
    household = homes.a1[0]
    client = client_for(getattr(homes.cast, who))
    assert client.get(household_url(household)).status_code == 404
    response = client.post(
        household_url(household), {"action": "gone", "date": "15/11/2026", "reason": "Tách hộ"}
    )
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.gone_on is None


def test_the_outsider_editor_opens_households_of_the_sibling_commune(homes, client_for):
    response = client_for(homes.cast.outsider_editor).get(household_url(homes.a4[0]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True


# Registration for "Gia đình văn hóa" --------------------------------------------------


def registered_ids(area, year=THIS_YEAR) -> set[int]:
    rows = HouseholdYear.objects.filter(area=area, year=year, registered=True)
    return set(rows.values_list("household_id", flat=True))


def test_the_area_editor_ticks_the_list(homes, client_for):
    client = client_for(homes.cast.area_editor)
    response = client.get(register_url(homes.tree.A1))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5
    assert 'id="tick-all"' in text_of(response)
    ticked = {homes.a1[0].pk, homes.a1[3].pk}
    response = client.post(register_url(homes.tree.A1), {"registered": sorted(ticked)})
    assert response.status_code == 302
    assert registered_ids(homes.tree.A1) == ticked
    assert AreaYearCount.objects.get(area=homes.tree.A1, year=THIS_YEAR).registered == 2
    assert audit_count("households.register") == 1
    assert client.get(register_url(homes.tree.A1)).context["ticked"] == ticked


def test_ticking_all_then_none(homes, client_for):
    client = client_for(homes.cast.area_editor)
    client.post(register_url(homes.tree.A1), {"registered": [h.pk for h in homes.a1]})
    assert registered_ids(homes.tree.A1) == {h.pk for h in homes.a1}
    client.post(register_url(homes.tree.A1), {})
    assert registered_ids(homes.tree.A1) == set()
    assert audit_count("households.register") == 2


def test_a_household_that_left_this_year_keeps_its_tick(homes, client_for):
    leaving = homes.a1[4]
    client = client_for(homes.cast.area_editor)
    client.post(register_url(homes.tree.A1), {"registered": [leaving.pk]})
    services.household_gone(
        user=homes.cast.area_editor, household=leaving, date=TODAY, reason="Chuyển vào Nam"
    )
    response = client.get(register_url(homes.tree.A1))
    assert leaving in [row.household for row in response.context["rows"]]
    assert response.context["ticked"] == {leaving.pk}
    client.post(register_url(homes.tree.A1), {"registered": [leaving.pk, homes.a1[0].pk]})
    assert registered_ids(homes.tree.A1) == {leaving.pk, homes.a1[0].pk}


def test_a_household_of_another_area_cannot_be_registered_here(homes, client_for):
    response = client_for(homes.cast.editor).post(
        register_url(homes.tree.A1), {"registered": [homes.a1[0].pk, homes.a2[0].pk]}
    )
    assert response.status_code == 400
    assert "Có 1 hộ không thuộc khu dân cư này trong năm 2026." in text_of(response)
    assert registered_ids(homes.tree.A1) == set()
    assert not Evaluation.objects.exists()
    assert audit_count("households.register") == 0


def test_a_garbled_list_is_refused(homes, client_for):
    response = client_for(homes.cast.area_editor).post(
        register_url(homes.tree.A1), {"registered": ["abc"]}
    )
    assert response.status_code == 400
    assert "Danh sách hộ đăng ký không hợp lệ" in text_of(response)
    assert audit_count("households.register") == 0


def test_registration_for_a_year_to_come_is_refused(homes, client_for):
    client = client_for(homes.cast.area_editor)
    response = client.get(register_url(homes.tree.A1, THIS_YEAR + 1))
    assert response.status_code == 400
    assert f"Năm {THIS_YEAR + 1} chưa đến" in text_of(response)
    response = client.post(
        register_url(homes.tree.A1, THIS_YEAR + 1), {"registered": [homes.a1[0].pk]}
    )
    assert response.status_code == 400
    assert not HouseholdYear.objects.filter(year=THIS_YEAR + 1).exists()
    assert not Evaluation.objects.exists()


def test_registration_closes_once_the_meeting_is_held(homes, client_for):
    Evaluation.objects.create(
        area=homes.tree.A1, year=THIS_YEAR, status=Evaluation.Status.MEETING_HELD
    )
    client = client_for(homes.cast.area_editor)
    message = "Khu dân cư đã họp bình xét năm 2026: danh sách đăng ký không sửa được nữa."
    response = client.get(register_url(homes.tree.A1))
    assert message in text_of(response)
    assert response.context["can_edit"] is False
    response = client.post(register_url(homes.tree.A1), {"registered": [homes.a1[0].pk]})
    assert response.status_code == 400
    assert message in text_of(response)
    assert registered_ids(homes.tree.A1) == set()


def test_the_area_viewer_reads_the_registrations_but_cannot_tick(homes, client_for):
    client = client_for(homes.cast.area_viewer)
    response = client.get(register_url(homes.tree.A1))
    assert response.status_code == 200
    assert 'name="registered"' not in text_of(response)
    response = client.post(register_url(homes.tree.A1), {"registered": [homes.a1[0].pk]})
    assert response.status_code == 403
    assert registered_ids(homes.tree.A1) == set()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_editor", "org_editor"])
def test_people_outside_the_area_cannot_register_there(homes, client_for, who):
    client = client_for(getattr(homes.cast, who))
    assert client.get(register_url(homes.tree.A1)).status_code == 404
    response = client.post(register_url(homes.tree.A1), {"registered": [homes.a1[0].pk]})
    assert response.status_code == 404
    assert registered_ids(homes.tree.A1) == set()


# The drill-down from a report figure ---------------------------------------------------


def the_figure(key, unit, year=THIS_YEAR, on=TODAY):
    return register_figures(unit, year, on, keys=(key,))[None][key]


def test_the_drill_down_lists_the_households_behind_the_figure(homes, client_for):
    response = client_for(homes.cast.viewer).get(figure_url("households.total", homes.tree.N1))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == the_figure("households.total", homes.tree.N1) == 7
    assert response.context["value"] == 7
    text = text_of(response)
    assert "Nguyễn Văn An" in text
    assert "Hoàng Văn Giang" in text
    assert "Ngô Văn Khánh" not in text


def test_the_drill_down_of_registrations_equals_the_figure(homes, client_for):
    services.registration_set(
        user=homes.cast.editor,
        area=homes.tree.A1,
        year=THIS_YEAR,
        registered={homes.a1[0].pk, homes.a1[1].pk},
    )
    services.registration_set(
        user=homes.cast.editor, area=homes.tree.A2, year=THIS_YEAR, registered={homes.a2[0].pk}
    )
    response = client_for(homes.cast.editor).get(figure_url("households.registered", homes.tree.N1))
    rows = list(response.context["page"])
    assert len(rows) == the_figure("households.registered", homes.tree.N1) == 3
    assert {r.household for r in rows} == {homes.a1[0], homes.a1[1], homes.a2[0]}
    assert [(a["area__name"], a["n"]) for a in response.context["per_area"]] == [
        ("Thôn Đoài", 1),
        ("Thôn Đông", 2),
    ]


def test_the_area_editor_drills_down_inside_the_area_only(homes, client_for):
    client = client_for(homes.cast.area_editor)
    response = client.get(figure_url("households.total", homes.tree.A1))
    assert response.context["page"].paginator.count == 5
    assert "Nguyễn Văn An" in text_of(response)
    assert client.get(figure_url("households.total", homes.tree.N1)).status_code == 404


def test_a_member_organisation_editor_sees_the_count_but_no_names(homes, client_for):
    response = client_for(homes.cast.org_editor).get(figure_url("households.total", homes.tree.N1))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 7
    assert response.context["visible"] == set()
    text = text_of(response)
    assert "Nguyễn Văn An" not in text
    assert "Không hiển thị tên" in text


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_the_sibling_commune_cannot_drill_down_here(homes, client_for, who):
    response = client_for(getattr(homes.cast, who)).get(
        figure_url("households.total", homes.tree.N1)
    )
    assert response.status_code == 404


def test_an_unknown_figure_is_not_found(homes, client_for):
    response = client_for(homes.cast.viewer).get(figure_url("households.unknown", homes.tree.N1))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("year", "on", "message"),
    [
        (THIS_YEAR, "2026-13-01", "Tháng 13 không tồn tại"),
        (THIS_YEAR, "hôm qua", "không phải là một ngày"),
        ("abc", MAP_DATE, "Năm không hợp lệ"),
        (THIS_YEAR + 1, MAP_DATE, f"Năm {THIS_YEAR + 1} chưa đến"),
    ],
)
def test_a_bad_year_or_date_is_refused_in_vietnamese(homes, client_for, year, on, message):
    response = client_for(homes.cast.viewer).get(
        figure_url("households.total", homes.tree.N1, year=year, on=on)
    )
    assert response.status_code == 400
    assert message in text_of(response)


def test_the_drill_down_of_areas_lists_the_areas(homes, client_for):
    AreaTitle.objects.create(
        area=homes.tree.A2,
        year=THIS_YEAR,
        status=AreaTitle.Status.ACHIEVED,
        proposal_file="households/titles/a2.pdf",
        proposed_on=TODAY,
    )
    client = client_for(homes.cast.viewer)
    total = client.get(figure_url("areas.total", homes.tree.N1))
    assert list(total.context["page"]) == [homes.tree.A2, homes.tree.A1, homes.tree.A3]
    assert total.context["page"].paginator.count == the_figure("areas.total", homes.tree.N1)
    cultured = client.get(figure_url("areas.cultured", homes.tree.N1))
    assert list(cultured.context["page"]) == [homes.tree.A2]
    assert the_figure("areas.cultured", homes.tree.N1) == 1


def test_the_drill_down_pages_by_a_hundred(homes, client_for):
    add_households(homes.tree.A3, [f"Trịnh Văn Số {n}" for n in range(120)])
    client = client_for(homes.cast.viewer)
    first = client.get(figure_url("households.total", homes.tree.N1))
    assert first.context["page"].paginator.count == the_figure("households.total", homes.tree.N1)
    assert first.context["page"].paginator.count == 127
    assert len(first.context["page"]) == 100
    second = client.get(figure_url("households.total", homes.tree.N1, page=2))
    assert len(second.context["page"]) == 27


def test_the_old_map_counts_the_households_of_the_old_commune(homes, client_for):
    """On the map of 2025 the commune C1 held A1 and A2; the commune viewer reaches it as
    the primary successor, and the figure and the list still agree."""
    on = datetime.date(2025, 6, 1)
    response = client_for(homes.cast.viewer).get(
        figure_url("households.total", homes.tree.C1, on=on.isoformat())
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == the_figure(
        "households.total", homes.tree.C1, on=on
    )
    assert response.context["page"].paginator.count == 7
