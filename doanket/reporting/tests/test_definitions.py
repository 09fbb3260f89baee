import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doanket.accounts.models import Role, User
from doanket.conftest import LAST_OLD_DAY, make_user
from doanket.core.models import AuditEvent
from doanket.reporting import definitions
from doanket.reporting.definitions import can_define_forms
from doanket.reporting.models import (
    DEFAULT_NARRATIVE,
    FormItem,
    FormSection,
    FormVersion,
    Indicator,
    Report,
    ReportForm,
    ValidationRule,
)
from doanket.units.models import Unit

VALUES = {"TT_BUOI": "12", "TT_NGUOI": "850", "KT_HO": "60"}
NEW_INDICATOR = {
    "code": "hgd_moi",
    "name": "Số hộ mới đến cư trú",
    "measure": "hộ",
    "value_type": "integer",
    "aggregation": "sum",
    "content_area": "2",
    "source": "typed",
    "formula": "",
    "computed_key": "",
    "description": "",
}
NEW_FORM = {
    "code": "bc-mh",
    "name": "Báo cáo mô hình tự quản",
    "schedule": "yearly",
    "cutoff_rule": "decree09",
    "deadline_days": "5",
    "deadline_working_days": "on",
    "reporter_kinds": ["commune"],
    "active": "on",
}
NEW_RULE = {
    "left": "HN_THOAT",
    "comparison": "<=",
    "right": "HN_DAU + HCN_DAU",
    "message": "Số hộ thoát nghèo quá lớn.",
}


def url(name, *args):
    return reverse(f"definitions:{name}", args=args)


def writes():
    """Everything a refused request must leave as it was."""
    return (
        AuditEvent.objects.count(),
        Indicator.objects.count(),
        ReportForm.objects.count(),
        FormVersion.objects.count(),
        FormSection.objects.count(),
        list(FormItem.objects.order_by("pk").values_list("pk", "section_id", "order")),
        ValidationRule.objects.count(),
        list(FormVersion.objects.order_by("pk").values_list("narrative_parts", flat=True)),
        list(Indicator.objects.order_by("pk").values_list("code", "name", "value_type")),
        list(FormSection.objects.order_by("pk").values_list("title", flat=True)),
    )


@pytest.fixture
def v1(committee_form):
    return committee_form.versions.get(number=1)


@pytest.fixture
def v2(client_for, cast, committee_form):
    """A second version of the committee form, from 2027 on, with no report yet."""
    client_for(cast.admin).post(url("version_create", committee_form.pk), {"valid_from_year": 2027})
    return committee_form.versions.get(number=2)


def indicator_data(indicator) -> dict:
    """What the edit page of `indicator` posts back unchanged."""
    return {
        field: "" if getattr(indicator, field) is None else getattr(indicator, field)
        for field in NEW_INDICATOR
    }


def page_of(response) -> str:
    return response.content.decode()


# Who may ------------------------------------------------------------------------


def test_only_superusers_and_province_admins_define_forms(cast):
    root = User.objects.create_superuser(username="root", password="x", full_name="Quản trị")
    assert can_define_forms(cast.admin) and can_define_forms(root)
    for user in (cast.approver, cast.editor, cast.viewer, cast.outsider, cast.admin_editor):
        assert not can_define_forms(user)
    cast.admin.is_active = False
    assert not can_define_forms(cast.admin)


def test_the_admin_of_a_province_that_no_longer_exists_defines_nothing(cast):
    old = Unit.objects.create(
        code="OLD", name="Tỉnh Cũ", kind=Unit.Kind.PROVINCE, valid_to=LAST_OLD_DAY
    )
    person = make_user("old_admin", "Bùi Văn Cũ", **{Role.ADMIN: old})
    assert not can_define_forms(person)


def test_the_province_admin_sees_every_page(client_for, cast, v2):
    client = client_for(cast.admin)
    form = v2.form
    indicator = Indicator.objects.get(code="HGD_DAT")
    for target in (
        url("forms"),
        url("form_create"),
        url("form", form.pk),
        url("form_edit", form.pk),
        url("indicators"),
        url("indicator_create"),
        url("indicator_edit", indicator.pk),
        url("version", v2.pk),
    ):
        assert client.get(target).status_code == 200, target


def _every_request(v2):
    form = v2.form
    section = v2.sections.first()
    item = section.items.first()
    rule = v2.rules.first()
    indicator = Indicator.objects.get(code="HGD_DAT")
    pages = [
        url("forms"),
        url("form_create"),
        url("form", form.pk),
        url("form_edit", form.pk),
        url("indicators"),
        url("indicator_create"),
        url("indicator_edit", indicator.pk),
        url("version", v2.pk),
    ]
    posts = [
        (url("indicator_create"), NEW_INDICATOR),
        (url("indicator_edit", indicator.pk), {**NEW_INDICATOR, "code": "HGD_DAT"}),
        (url("form_create"), NEW_FORM),
        (url("form_edit", form.pk), {**NEW_FORM, "code": form.code}),
        (url("version_create", form.pk), {"valid_from_year": 2030}),
        (url("version_delete", v2.pk), {}),
        (url("section_add", v2.pk), {"title": "V. Phần mới"}),
        (url("section_rename", section.pk), {"title": "Tên mới"}),
        (url("section_delete", section.pk), {}),
        (url("item_add", section.pk), {"indicator": Indicator.objects.get(code="HV_TONG").pk}),
        (url("item_move", item.pk), {"direction": "down"}),
        (url("item_remove", item.pk), {}),
        (url("rule_add", v2.pk), NEW_RULE),
        (url("rule_delete", rule.pk), {}),
        (
            url("narrative", v2.pk),
            {
                "parts-TOTAL_FORMS": "1",
                "parts-INITIAL_FORMS": "0",
                "parts-0-title": "Kiến nghị",
            },
        ),
    ]
    return pages, posts


@pytest.mark.parametrize("who", ["approver", "editor", "viewer", "outsider", "admin_editor"])
def test_everyone_else_gets_not_found_on_every_page_and_post(client_for, cast, v2, who):
    client = client_for(getattr(cast, who))
    pages, posts = _every_request(v2)
    before = writes()
    for target in pages:
        assert client.get(target).status_code == 404, target
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
    assert writes() == before


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, committee_form):
    response = client.get(url("forms"))
    assert response.status_code == 302 and "login" in response["Location"]


# Indicators ---------------------------------------------------------------------


def test_the_admin_adds_an_indicator_with_an_upper_cased_code(client_for, cast, committee_form):
    response = client_for(cast.admin).post(url("indicator_create"), NEW_INDICATOR)
    assert response["Location"] == url("indicators")
    indicator = Indicator.objects.get(code="HGD_MOI")
    assert indicator.name == "Số hộ mới đến cư trú" and indicator.content_area == 2
    event = AuditEvent.objects.get(action="indicator.create")
    assert event.actor == cast.admin and event.after["code"] == "HGD_MOI"


def test_the_admin_adds_a_derived_indicator(client_for, cast, committee_form):
    data = NEW_INDICATOR | {
        "code": "TL_HN_THOAT",
        "name": "Tỷ lệ hộ thoát nghèo",
        "measure": "%",
        "value_type": "decimal",
        "aggregation": "none",
        "source": "derived",
        "formula": "HN_THOAT  /  HN_DAU * 100",
    }
    response = client_for(cast.admin).post(url("indicator_create"), data)
    assert response.status_code == 302
    assert Indicator.objects.get(code="TL_HN_THOAT").formula == "HN_THOAT / HN_DAU * 100"


def test_the_list_finds_indicators_typed_without_diacritics(client_for, cast, committee_form):
    client = client_for(cast.admin)
    page = page_of(client.get(url("indicators"), {"q": "ho ngheo dau"}))
    assert "HN_DAU" in page and "HCN_DAU" not in page and "HGD_TONG" not in page
    page = page_of(client.get(url("indicators"), {"q": "hgd_dat"}))
    assert "TL_HGD_DAT" in page and "KDC_TONG" not in page


def test_the_admin_renames_an_indicator(client_for, cast, committee_form):
    indicator = Indicator.objects.get(code="HGD_DAT")
    data = indicator_data(indicator) | {"name": "Số hộ đạt danh hiệu “Gia đình văn hóa”"}
    response = client_for(cast.admin).post(url("indicator_edit", indicator.pk), data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Số hộ đạt danh hiệu “Gia đình văn hóa”"
    assert AuditEvent.objects.get(action="indicator.update").before["name"] != indicator.name


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "Hãy nhập tên chỉ tiêu."),
        ({"name": "   "}, "Hãy nhập tên chỉ tiêu."),
        ({"name": "x" * 301}, "Tên chỉ tiêu dài quá 300 ký tự"),
        ({"code": ""}, "Hãy nhập mã chỉ tiêu"),
        ({"code": "hộ nghèo"}, "không hợp lệ: chỉ gồm chữ in hoa không dấu"),
        ({"code": "1HGD"}, "bắt đầu bằng chữ"),
        ({"code": "A" * 31}, "Mã chỉ tiêu dài quá 30 ký tự"),
        ({"code": "hgd_tong"}, "Đã có chỉ tiêu mang mã HGD_TONG"),
        ({"value_type": "complex"}, "Lựa chọn không hợp lệ"),
        ({"content_area": "6"}, "Lựa chọn không hợp lệ"),
        ({"source": "derived", "formula": ""}, "cần có công thức"),
        ({"source": "derived", "formula": "HGD_DAT / "}, "viết sai cú pháp"),
        ({"source": "derived", "formula": "__import__('os')"}, "chỉ được dùng mã chỉ tiêu"),
        ({"source": "derived", "formula": "HGD_DAT / KHONG_CO"}, "dùng mã chưa có: KHONG_CO"),
        ({"source": "derived", "formula": "HGD_MOI * 2"}, "không được dùng chính mã"),
        (
            {"source": "derived", "value_type": "text", "formula": "HGD_DAT"},
            "phải có kiểu số",
        ),
        ({"source": "computed", "computed_key": ""}, "cần có khóa sổ"),
        ({"source": "computed", "computed_key": "Hộ gia đình"}, "Khóa sổ theo dõi chỉ gồm"),
    ],
)
def test_a_bad_indicator_is_refused_and_nothing_is_written(
    client_for, cast, committee_form, change, message
):
    before = writes()
    response = client_for(cast.admin).post(url("indicator_create"), NEW_INDICATOR | change)
    assert response.status_code == 400
    assert message in page_of(response)
    assert writes() == before


def test_a_formula_going_round_in_a_circle_is_refused(client_for, cast, committee_form):
    client = client_for(cast.admin)
    derived = NEW_INDICATOR | {"source": "derived", "value_type": "decimal"}
    client.post(url("indicator_create"), derived | {"code": "A_1", "formula": "HGD_DAT + 1"})
    client.post(url("indicator_create"), derived | {"code": "B_1", "formula": "A_1 * 2"})
    a = Indicator.objects.get(code="A_1")
    before = writes()
    response = client.post(url("indicator_edit", a.pk), indicator_data(a) | {"formula": "B_1 - 1"})
    assert response.status_code == 400
    assert "vòng tròn: A_1 → B_1 → A_1" in page_of(response)
    assert writes() == before


def test_the_code_of_an_indicator_named_in_a_formula_cannot_change(
    client_for, cast, committee_form
):
    indicator = Indicator.objects.get(code="HGD_TONG")
    before = writes()
    response = client_for(cast.admin).post(
        url("indicator_edit", indicator.pk), indicator_data(indicator) | {"code": "HGD_ALL"}
    )
    assert response.status_code == 400
    assert "Không đổi được mã HGD_TONG" in page_of(response) and "TL_HGD_DANGKY" in page_of(
        response
    )
    assert writes() == before


def test_an_indicator_with_reported_figures_keeps_its_code_type_and_aggregation(
    client_for, cast, committee_form, file_report
):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    indicator = Indicator.objects.get(code="TT_BUOI")
    client = client_for(cast.admin)
    for change in ({"code": "TT_BUOI_2"}, {"value_type": "decimal"}, {"aggregation": "max"}):
        before = writes()
        response = client.post(
            url("indicator_edit", indicator.pk), indicator_data(indicator) | change
        )
        assert response.status_code == 400, change
        assert "đã có trong báo cáo nên không đổi được" in page_of(response)
        assert writes() == before
    response = client.post(
        url("indicator_edit", indicator.pk),
        indicator_data(indicator) | {"name": "Buổi tuyên truyền, tọa đàm", "measure": "cuộc"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Buổi tuyên truyền, tọa đàm" and indicator.measure == "cuộc"


def test_a_derived_indicator_on_a_version_with_reports_keeps_its_formula(
    client_for, cast, committee_form, file_report
):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES, submit=False)
    indicator = Indicator.objects.get(code="TL_HGD_DAT")
    before = writes()
    response = client_for(cast.admin).post(
        url("indicator_edit", indicator.pk),
        indicator_data(indicator) | {"formula": "HGD_DAT / HGD_TONG * 100"},
    )
    assert response.status_code == 400 and "Công thức" in page_of(response)
    assert "đã có trong báo cáo nên không đổi được" in page_of(response)
    assert writes() == before


# Forms ----------------------------------------------------------------------------


def test_the_admin_creates_a_form_and_its_first_version(client_for, cast, committee_form):
    client = client_for(cast.admin)
    response = client.post(url("form_create"), NEW_FORM)
    form = ReportForm.objects.get(code="BC-MH")
    assert response["Location"] == url("form", form.pk)
    assert form.reporter_kinds == ["commune"] and form.deadline_days == 5
    assert AuditEvent.objects.filter(action="reportform.create").exists()
    response = client.post(url("version_create", form.pk), {"valid_from_year": 2026})
    version = form.versions.get()
    assert response["Location"] == url("version", version.pk)
    assert version.number == 1 and version.narrative_parts == DEFAULT_NARRATIVE
    assert "Kết quả đạt được" in page_of(client.get(url("version", version.pk)))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "Hãy nhập tên biểu mẫu."),
        ({"name": "x" * 301}, "Tên biểu mẫu dài quá 300 ký tự"),
        ({"code": "bc mh"}, "Mã biểu mẫu “BC MH” không hợp lệ"),
        ({"code": "bc-cvd"}, "Đã có biểu mẫu mang mã BC-CVD"),
        ({"deadline_days": "99"}, "Hạn gửi nhiều nhất là 60 ngày"),
        ({"deadline_days": "-1"}, "Hạn gửi không được là số âm"),
        ({"deadline_days": "hai"}, "Hạn gửi phải là một số nguyên ngày"),
        ({"schedule": "monthly"}, "Lựa chọn không hợp lệ"),
        ({"reporter_kinds": ["residential_area"]}, "Cấp đơn vị đã chọn không hợp lệ"),
        ({"reporter_kinds": []}, "Hãy chọn ít nhất một cấp đơn vị"),
        ({"member_org_types": ["farmers"]}, "không cho cả hai"),
    ],
)
def test_a_bad_form_is_refused_and_nothing_is_written(
    client_for, cast, committee_form, change, message
):
    before = writes()
    response = client_for(cast.admin).post(url("form_create"), NEW_FORM | change)
    assert response.status_code == 400
    assert message in page_of(response)
    assert writes() == before


def test_a_form_with_reports_keeps_its_schedule_but_may_change_its_deadline(
    client_for, cast, committee_form, file_report
):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES, submit=False)
    client = client_for(cast.admin)
    data = {
        "code": committee_form.code,
        "name": committee_form.name,
        "schedule": committee_form.schedule,
        "cutoff_rule": committee_form.cutoff_rule,
        "deadline_days": "3",
        "deadline_working_days": "on",
        "reporter_kinds": committee_form.reporter_kinds,
        "active": "on",
    }
    before = writes()
    response = client.post(url("form_edit", committee_form.pk), data | {"schedule": "yearly"})
    assert response.status_code == 400 and "không đổi được: Kỳ báo cáo" in page_of(response)
    assert writes() == before
    response = client.post(url("form_edit", committee_form.pk), data)
    assert response.status_code == 302
    committee_form.refresh_from_db()
    assert committee_form.deadline_days == 3


# Versions ---------------------------------------------------------------------------


def test_version_2_from_2027_leaves_2026_reports_on_version_1(
    client_for, cast, committee_form, v1, file_report, living_in
):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    response = client_for(cast.admin).post(
        url("version_create", committee_form.pk), {"valid_from_year": 2027}
    )
    v2 = committee_form.versions.get(number=2)
    assert response["Location"] == url("version", v2.pk)
    report.refresh_from_db()
    assert report.form_version == v1
    assert committee_form.version_for(committee_form.period("2027Q1")) == v2
    assert committee_form.version_for(committee_form.period("2027")) == v2
    assert committee_form.version_for(committee_form.period("2026M9")) == v1
    assert [s.title for s in v2.sections.all()] == [s.title for s in v1.sections.all()]
    assert [i.indicator.code for i in v2.items()] == [i.indicator.code for i in v1.items()]
    assert sorted(map(str, v2.rules.all())) == sorted(map(str, v1.rules.all()))
    assert v2.narrative_parts == v1.narrative_parts
    assert AuditEvent.objects.filter(action="formversion.create").count() == 1
    living_in(datetime.date(2027, 7, 1))
    new = file_report(cast.editor, cast.tree.N1, "2027S1", VALUES)
    assert new.form_version == v2


@pytest.mark.parametrize(
    "year, message",
    [
        (2017, "đã có phiên bản áp dụng từ năm 2017"),
        (2016, "Năm áp dụng phải từ năm 2017 trở đi"),
        (2101, "không được sau năm 2100"),
        ("", "Hãy nhập năm bắt đầu áp dụng"),
        ("năm sau", "Năm áp dụng phải là một số"),
    ],
)
def test_a_bad_year_for_a_new_version_is_refused(client_for, cast, committee_form, year, message):
    before = writes()
    response = client_for(cast.admin).post(
        url("version_create", committee_form.pk), {"valid_from_year": year}
    )
    assert response.status_code == 400 and message in page_of(response)
    assert writes() == before


def test_a_version_earlier_than_the_latest_is_refused(client_for, cast, committee_form):
    client = client_for(cast.admin)
    client.post(url("version_create", committee_form.pk), {"valid_from_year": 2030})
    before = writes()
    response = client.post(url("version_create", committee_form.pk), {"valid_from_year": 2027})
    assert response.status_code == 400
    assert "phải áp dụng từ năm sau đó" in page_of(response)
    assert writes() == before


def test_a_version_from_a_year_that_already_has_reports_is_refused(
    client_for, cast, committee_form, file_report, living_in
):
    living_in(datetime.date(2027, 2, 1))
    file_report(cast.editor, cast.tree.N1, "2027Q1", VALUES, submit=False)
    before = writes()
    response = client_for(cast.admin).post(
        url("version_create", committee_form.pk), {"valid_from_year": 2027}
    )
    assert response.status_code == 400 and "Đã có báo cáo từ năm 2027" in page_of(response)
    assert writes() == before


def test_editing_a_version_that_has_reports_is_refused(
    client_for, cast, committee_form, v1, file_report
):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES, submit=False)
    client = client_for(cast.admin)
    page = page_of(client.get(url("version", v1.pk)))
    assert "không sửa được nữa" in page and "Thêm phần" not in page
    section = v1.sections.first()
    item = section.items.first()
    free = Indicator.objects.get(code="HV_TONG")
    before = writes()
    for target, data in [
        (url("section_add", v1.pk), {"title": "V. Phần mới"}),
        (url("section_rename", section.pk), {"title": "Tên mới"}),
        (url("section_delete", section.pk), {}),
        (url("item_add", section.pk), {"indicator": free.pk}),
        (url("item_move", item.pk), {"direction": "down"}),
        (url("item_remove", item.pk), {}),
        (url("rule_add", v1.pk), NEW_RULE),
        (url("rule_delete", v1.rules.first().pk), {}),
        (
            url("narrative", v1.pk),
            {"parts-TOTAL_FORMS": "1", "parts-INITIAL_FORMS": "0", "parts-0-title": "Khác"},
        ),
        (url("version_delete", v1.pk), {}),
    ]:
        response = client.post(target, data, follow=True)
        assert "Hãy tạo phiên bản mới áp dụng từ năm sau" in page_of(response), target
    assert writes() == before


def test_the_admin_edits_the_sections_of_a_new_version(client_for, cast, v2):
    client = client_for(cast.admin)
    response = client.post(url("section_add", v2.pk), {"title": "  V. Tổ chức   thành viên "})
    section = v2.sections.get(title="V. Tổ chức thành viên")
    assert response["Location"].endswith(f"#section-{section.pk}")
    client.post(url("section_rename", section.pk), {"title": "V. Công tác tổ chức"})
    section.refresh_from_db()
    assert section.title == "V. Công tác tổ chức"
    for code in ("HV_TONG", "HV_MOI", "PV_DANGKY"):
        indicator = Indicator.objects.get(code=code)
        client.post(url("item_add", section.pk), {"indicator": indicator.pk})

    def codes():
        return [i.indicator.code for i in section.items.all()]

    assert codes() == ["HV_TONG", "HV_MOI", "PV_DANGKY"]
    last = section.items.get(indicator__code="PV_DANGKY")
    client.post(url("item_move", last.pk), {"direction": "up"})
    assert codes() == ["HV_TONG", "PV_DANGKY", "HV_MOI"]
    client.post(url("item_move", last.pk), {"direction": "up"})
    client.post(url("item_move", last.pk), {"direction": "up"})
    assert codes() == ["PV_DANGKY", "HV_TONG", "HV_MOI"]
    client.post(url("item_remove", last.pk))
    assert codes() == ["HV_TONG", "HV_MOI"]
    client.post(url("section_delete", section.pk))
    assert not v2.sections.filter(pk=section.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "formversion.section_add",
        "formversion.section_rename",
        "formversion.item_add",
        "formversion.item_move",
        "formversion.item_remove",
        "formversion.section_delete",
    } <= actions
    version1 = v2.form.versions.get(number=1)
    assert (
        version1.sections.count() == 4
        and not version1.sections.filter(title__startswith="V.").exists()
    )


def test_the_admin_adds_and_deletes_a_rule(client_for, cast, v2):
    client = client_for(cast.admin)
    response = client.post(url("rule_add", v2.pk), NEW_RULE)
    assert response["Location"].endswith("#rules")
    rule = v2.rules.get(left="HN_THOAT", right="HN_DAU + HCN_DAU")
    client.post(url("rule_delete", rule.pk))
    assert not v2.rules.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="formversion.rule_delete").exists()


def test_the_admin_edits_the_narrative_parts(client_for, cast, v2):
    data = {
        "parts-TOTAL_FORMS": "5",
        "parts-INITIAL_FORMS": "3",
        "parts-0-key": "results",
        "parts-0-title": "Kết quả nổi bật",
        "parts-1-key": "limits",
        "parts-1-title": "Hạn chế, nguyên nhân",
        "parts-1-DELETE": "on",
        "parts-2-key": "directions",
        "parts-2-title": "Phương hướng",
        "parts-3-title": "Đề xuất, kiến nghị",
        "parts-4-title": "",
    }
    response = client_for(cast.admin).post(url("narrative", v2.pk), data)
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.narrative_parts == [
        {"key": "results", "title": "Kết quả nổi bật"},
        {"key": "directions", "title": "Phương hướng"},
        {"key": "de_xuat_kien_nghi", "title": "Đề xuất, kiến nghị"},
    ]


@pytest.mark.parametrize(
    "target, data, message",
    [
        ("section_add", {"title": ""}, "Hãy nhập tiêu đề phần."),
        ("section_add", {"title": "x" * 301}, "Tiêu đề phần dài quá 300 ký tự"),
        ("section_rename", {"title": " "}, "Hãy nhập tiêu đề phần."),
        ("item_add", {"indicator": ""}, "Hãy chọn một chỉ tiêu"),
        ("item_add", {"indicator": "999999"}, "không có hoặc đã nằm trong phiên bản này"),
        ("item_add", {"indicator": "HGD_DAT"}, "không có hoặc đã nằm trong phiên bản này"),
        ("item_move", {"direction": "sideways"}, "Lựa chọn không hợp lệ"),
        ("rule_add", NEW_RULE | {"left": "HGD_DAT / "}, "viết sai cú pháp"),
        ("rule_add", NEW_RULE | {"right": "__import__('os')"}, "chỉ được dùng mã chỉ tiêu"),
        ("rule_add", NEW_RULE | {"right": "KHONG_CO"}, "không có trong phiên bản này: KHONG_CO"),
        ("rule_add", NEW_RULE | {"left": "HV_TONG"}, "không có trong phiên bản này: HV_TONG"),
        ("rule_add", NEW_RULE | {"comparison": "!="}, "Lựa chọn không hợp lệ"),
        ("rule_add", NEW_RULE | {"message": ""}, "Hãy nhập thông báo"),
        ("rule_add", NEW_RULE | {"left": ""}, "Hãy nhập vế trái"),
        (
            "narrative",
            {
                "parts-TOTAL_FORMS": "1",
                "parts-INITIAL_FORMS": "1",
                "parts-0-key": "results",
                "parts-0-title": "",
            },
            "Hãy nhập tiêu đề cho phần lời văn",
        ),
        (
            "narrative",
            {
                "parts-TOTAL_FORMS": "2",
                "parts-INITIAL_FORMS": "0",
                "parts-0-key": "results",
                "parts-0-title": "Kết quả",
                "parts-1-key": "results",
                "parts-1-title": "Kết quả khác",
            },
            "trùng mã",
        ),
        (
            "narrative",
            {
                "parts-TOTAL_FORMS": "1",
                "parts-INITIAL_FORMS": "0",
                "parts-0-key": "Kết quả",
                "parts-0-title": "Kết quả",
            },
            "chỉ gồm chữ thường không dấu",
        ),
    ],
)
def test_bad_input_on_a_version_is_refused_and_nothing_is_written(
    client_for, cast, v2, target, data, message
):
    section = v2.sections.first()
    if target in ("section_add", "rule_add", "narrative"):
        address = url(target, v2.pk)
    elif target == "item_move":
        address = url(target, section.items.first().pk)
    else:
        address = url(target, section.pk)
    if data.get("indicator") == "HGD_DAT":
        data = {"indicator": Indicator.objects.get(code="HGD_DAT").pk}
    before = writes()
    response = client_for(cast.admin).post(address, data, follow=True)
    assert message in page_of(response)
    assert writes() == before


def test_an_indicator_checked_by_a_rule_cannot_leave_the_version(client_for, cast, v2):
    item = FormItem.objects.get(section__version=v2, indicator__code="HGD_DAT")
    before = writes()
    response = client_for(cast.admin).post(url("item_remove", item.pk), follow=True)
    assert "đang dùng trong quy tắc kiểm tra" in page_of(response)
    assert writes() == before


def test_an_indicator_appears_only_once_in_a_version(client_for, cast, v2):
    section = v2.sections.last()
    indicator = Indicator.objects.get(code="HGD_DAT")
    before = writes()
    with pytest.raises(ValidationError, match="đã có trong phiên bản này"):
        definitions.item_add(user=cast.admin, section=section, indicator=indicator)
    assert writes() == before


def test_a_version_made_by_mistake_can_be_deleted_before_any_report(
    client_for, cast, committee_form, v2
):
    response = client_for(cast.admin).post(url("version_delete", v2.pk))
    assert response["Location"] == url("form", committee_form.pk)
    assert list(committee_form.versions.values_list("number", flat=True)) == [1]
    assert not Report.objects.exists()
