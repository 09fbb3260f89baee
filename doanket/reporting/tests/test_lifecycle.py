import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doanket.core.models import AuditEvent, Notification
from doanket.reporting.models import Report, ReportValue
from doanket.reporting.services import (
    StaleReport,
    report_approve,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from doanket.reporting.tests.conftest import WORKS_RULE

VALUES = {"TT_BUOI": "125", "TT_NGUOI": "1.250", "KT_HO": "1.150", "DG_TIEN": "12.500.000"}


def open_n1(cast, form, code="2026S1"):
    return report_open(form=form, period=form.period(code), unit=cast.tree.N1, user=cast.editor)


def test_an_editor_types_vietnamese_numbers_and_they_are_stored(cast, committee_form):
    report = open_n1(cast, committee_form)
    warnings = report_save(
        report=report, user=cast.editor, values=VALUES, narrative={"results": "Tốt"}
    )
    assert warnings == []
    stored = dict(
        ReportValue.objects.filter(report=report).values_list("indicator__code", "number")
    )
    assert stored["TT_NGUOI"] == 1250 and stored["DG_TIEN"] == 12_500_000
    report.refresh_from_db()
    assert report.narrative == {"results": "Tốt"} and report.version == 2
    assert report.deadline.isoformat() == "2026-06-16"


def test_the_full_cycle_submit_return_resubmit_approve(cast, committee_form):
    report = open_n1(cast, committee_form)
    report_save(report=report, user=cast.editor, values=VALUES)
    report = report_submit(report=report, user=cast.editor)
    assert report.status == Report.Status.SUBMITTED
    assert Notification.objects.filter(user=cast.approver).count() == 1
    reason = "Thiếu số ngày công nhân dân đóng góp"
    report = report_return(report=report, user=cast.approver, reason=reason)
    assert report.status == Report.Status.RETURNED and report.return_reason == reason
    assert reason in Notification.objects.get(user=cast.editor).text
    report_save(report=report, user=cast.editor, values={"DG_NGAYCONG": "1.000"})
    report = report_submit(report=report, user=cast.editor)
    report = report_approve(report=report, user=cast.approver)
    assert report.status == Report.Status.APPROVED
    actions = list(
        AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    )
    for action in ("report.submit", "report.return", "report.approve"):
        assert action in actions


def test_an_approved_report_is_locked(cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    report_approve(report=report, user=cast.approver)
    with pytest.raises(ValidationError, match="không sửa được"):
        report_save(report=report, user=cast.editor, values={"TT_NGUOI": "1"})


def test_a_submitted_report_cannot_be_edited_until_returned(cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    with pytest.raises(ValidationError, match="trả lại"):
        report_save(report=report, user=cast.editor, values={"TT_NGUOI": "1"})


def test_a_stale_page_is_refused(cast, committee_form):
    report = open_n1(cast, committee_form)
    report_save(report=report, user=cast.editor, values=VALUES, expected_version=1)
    with pytest.raises(StaleReport):
        report_save(report=report, user=cast.editor, values={"TT_NGUOI": "9"}, expected_version=1)
    assert ReportValue.objects.get(report=report, indicator__code="TT_NGUOI").number == 1250


def test_a_broken_rule_warns_on_save_and_blocks_submit(
    cast, committee_form, works_on_committee_form
):
    report = open_n1(cast, committee_form)
    warnings = report_save(
        report=report, user=cast.editor, values={"PV_DANGKY": "5", "PV_XONG": "8"}
    )
    assert warnings == [WORKS_RULE]
    with pytest.raises(ValidationError, match="lớn hơn số đăng ký"):
        report_submit(report=report, user=cast.editor)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    report_save(report=report, user=cast.editor, values={"PV_XONG": "5"})
    assert report_submit(report=report, user=cast.editor).status == Report.Status.SUBMITTED


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("TT_BUOI", "12,5", "số nguyên"),
        ("TT_BUOI", "mười", "không hợp lệ"),
        ("TT_BUOI", "-3", "âm"),
        ("DG_TIEN", "1.000.000,5", "không hợp lệ"),
        ("DG_TIEN", "1.000.000.000.000.000", "không hợp lệ"),
        ("DUONG_KM", "1e9", "không hợp lệ"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_written(cast, committee_form, code, raw, message):
    report = open_n1(cast, committee_form)
    with pytest.raises(ValidationError, match=message):
        report_save(report=report, user=cast.editor, values={"KT_HO": "5", code: raw})
    assert not ReportValue.objects.filter(report=report).exists()


def test_unknown_derived_and_computed_codes_cannot_be_typed(cast, committee_form):
    report = open_n1(cast, committee_form)
    with pytest.raises(ValidationError, match="KHONG_CO"):
        report_save(report=report, user=cast.editor, values={"KHONG_CO": "1"})
    with pytest.raises(ValidationError, match="TL_HGD_DAT"):
        report_save(report=report, user=cast.editor, values={"TL_HGD_DAT": "99"})
    # The households figures come from the registers, not from the reporter.
    with pytest.raises(ValidationError, match="HGD_TONG"):
        report_save(report=report, user=cast.editor, values={"HGD_TONG": "1.250"})
    assert not ReportValue.objects.filter(report=report).exists()


def test_a_decimal_with_a_comma_is_accepted(cast, committee_form):
    report = open_n1(cast, committee_form)
    report_save(report=report, user=cast.editor, values={"DUONG_KM": "97,5"})
    assert ReportValue.objects.get(report=report).number == 97.5


def test_the_read_only_role_cannot_write(cast, committee_form):
    report = open_n1(cast, committee_form)
    with pytest.raises(PermissionDenied):
        report_save(report=report, user=cast.viewer, values=VALUES)
    with pytest.raises(PermissionDenied):
        report_submit(report=report, user=cast.viewer)


def test_the_outsider_cannot_open_or_write(cast, committee_form):
    form = committee_form
    with pytest.raises(PermissionDenied):
        report_open(form=form, period=form.period("2026S1"), unit=cast.tree.N1, user=cast.outsider)
    report = open_n1(cast, form)
    with pytest.raises(PermissionDenied):
        report_save(report=report, user=cast.outsider, values=VALUES)


def test_an_editor_cannot_approve_and_the_sibling_cannot_decide(cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    for user in (cast.editor, cast.viewer, cast.outsider):
        with pytest.raises(PermissionDenied):
            report_approve(report=report, user=user)


def test_an_approver_does_not_approve_the_report_of_its_own_unit(cast, committee_form):
    from doanket.accounts.models import Membership, Role

    Membership.objects.create(user=cast.editor, unit=cast.tree.N1, role=Role.APPROVER)
    report = open_n1(cast, committee_form)
    report_submit(report=report, user=cast.editor)
    with pytest.raises(PermissionDenied):
        report_approve(report=report, user=cast.editor)
    report_approve(report=report, user=cast.approver)


def test_a_future_period_cannot_be_reported(cast, committee_form):
    form = committee_form
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        report_open(form=form, period=form.period("2030Q1"), unit=cast.tree.N1, user=cast.editor)


def test_a_unit_that_no_longer_exists_does_not_report(cast, committee_form):
    form = committee_form
    with pytest.raises(ValidationError, match="không hoạt động trong kỳ"):
        report_open(
            form=form, period=form.period("2026S1"), unit=cast.tree.D1, user=cast.admin_editor
        )


def test_a_level_the_form_does_not_name_does_not_report(cast, committee_form):
    form = committee_form
    with pytest.raises(ValidationError, match="không phải lập báo cáo"):
        report_open(
            form=form, period=form.period("2026S1"), unit=cast.tree.P, user=cast.admin_editor
        )


def test_a_resubmission_after_a_return_keeps_the_first_sending_time(
    cast, committee_form, file_report
):
    import datetime

    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    on_time = datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
    Report.objects.filter(pk=report.pk).update(submitted_at=on_time, first_submitted_at=on_time)
    report = report_return(report=report, user=cast.approver, reason="Bổ sung số liệu")
    report = report_submit(report=report, user=cast.editor)
    assert report.submitted_at > on_time and report.first_submitted_at == on_time
    assert not report.is_late


def test_returning_needs_a_reason(cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    with pytest.raises(ValidationError, match="lý do"):
        report_return(report=report, user=cast.approver, reason="  ")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_period_the_form_does_not_have_is_refused(cast, committee_form):
    form = committee_form
    with pytest.raises(ValidationError, match="không có kỳ"):
        report_open(form=form, period=form.period("2026Q2"), unit=cast.tree.N1, user=cast.editor)


def test_the_approver_gets_an_email_where_an_address_exists(
    cast, committee_form, mailoutbox, django_capture_on_commit_callbacks
):
    cast.approver.email = "duyet@example.vn"
    cast.approver.save(update_fields=["email"])
    report = open_n1(cast, committee_form)
    report_save(report=report, user=cast.editor, values=VALUES)
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, user=cast.editor)
    assert [m.to for m in mailoutbox] == [["duyet@example.vn"]]
    assert "chờ duyệt" in mailoutbox[0].body


def test_a_rule_on_a_derived_rate_is_checked(cast, committee_form, works_on_committee_form):
    from doanket.reporting.models import ValidationRule

    ValidationRule.objects.create(
        version=works_on_committee_form,
        left="TL_PV_XONG",
        comparison="<=",
        right="100",
        message="Tỷ lệ phần việc hoàn thành không được quá 100%.",
    )
    report = open_n1(cast, committee_form)
    warnings = report_save(
        report=report, user=cast.editor, values={"PV_DANGKY": "10", "PV_XONG": "9"}
    )
    assert "Tỷ lệ phần việc hoàn thành không được quá 100%." not in warnings
    warnings = report_save(report=report, user=cast.editor, values={"PV_XONG": "12"})
    assert "Tỷ lệ phần việc hoàn thành không được quá 100%." in warnings


def test_a_decimal_written_with_one_thousands_dot_is_read_as_thousands_and_said(
    cast, committee_form
):
    report = open_n1(cast, committee_form)
    said = report_save(report=report, user=cast.editor, values={"DUONG_KM": "12.345"})
    assert ReportValue.objects.get(report=report).number == 12345
    assert any("12,345" in note for note in said)
    said = report_save(
        report=report, user=cast.editor, values={"DUONG_KM": "12,5", "TT_NGUOI": "1.250"}
    )
    assert not any("dấu chấm ngăn cách" in note for note in said)
