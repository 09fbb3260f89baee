from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doanket.reporting.models import Report, ReportAttachment, ReportValue

VALUES = {"TT_BUOI": "12", "TT_NGUOI": "100", "KT_HO": "60"}


def open_url(form, unit, period="2026S1"):
    return reverse("reporting:open", args=[form.code, unit.pk, period])


def test_the_index_lists_the_periods_of_the_year(client_for, cast, committee_form):
    page = (
        client_for(cast.editor).get(reverse("reporting:index"), {"year": "2026"}).content.decode()
    )
    assert "Quý I 2026" in page and "6 tháng đầu năm 2026" in page and "Lập báo cáo" in page


def test_the_index_of_a_read_only_role_offers_no_report_to_make(client_for, cast, committee_form):
    page = client_for(cast.viewer).get(reverse("reporting:index")).content.decode()
    assert "Lập báo cáo" not in page and "Số liệu tổng hợp" in page


def test_a_bad_year_falls_back_to_this_year(client_for, cast, committee_form):
    assert (
        client_for(cast.viewer).get(reverse("reporting:index"), {"year": "abc"}).status_code == 200
    )


def test_an_editor_opens_types_and_submits(client_for, cast, committee_form):
    client = client_for(cast.editor)
    response = client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    assert response["Location"] == reverse("reporting:report", args=[report.pk])
    data = {f"v_{k}": v for k, v in VALUES.items()} | {"n_results": "Kết quả tốt", "version": 1}
    response = client.post(reverse("reporting:report", args=[report.pk]), data | {"action": "save"})
    assert response.status_code == 302
    response = client.post(
        reverse("reporting:report", args=[report.pk]), data | {"action": "submit", "version": 2}
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.narrative["results"] == "Kết quả tốt"


def test_bad_figures_come_back_with_a_message_and_nothing_is_written(
    client_for, cast, committee_form
):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {"v_TT_BUOI": "mười", "v_KT_HO": "5", "action": "save", "version": 1},
    )
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert not ReportValue.objects.exists()


def test_a_stale_page_gets_a_message(client_for, cast, committee_form):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    url = reverse("reporting:report", args=[report.pk])
    client.post(url, {"v_TT_BUOI": "1", "action": "save", "version": 1})
    response = client.post(url, {"v_TT_BUOI": "2", "action": "save", "version": 1}, follow=True)
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert ReportValue.objects.get().number == 1


def test_the_approver_returns_and_the_editor_sees_the_reason(
    client_for, cast, committee_form, file_report
):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    url = reverse("reporting:report", args=[report.pk])
    response = client_for(cast.approver).post(
        url, {"action": "return", "reason": "Bổ sung số liệu quỹ", "version": report.version}
    )
    assert response.status_code == 302
    page = client_for(cast.editor).get(url).content.decode()
    assert "Bổ sung số liệu quỹ" in page


def test_return_without_a_reason_is_refused(client_for, cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    response = client_for(cast.approver).post(
        reverse("reporting:report", args=[report.pk]), {"action": "return", "reason": ""}
    )
    assert response.status_code == 400 and "lý do" in response.content.decode()


def test_the_read_only_role_sees_the_report_but_cannot_act(
    client_for, cast, committee_form, file_report
):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES, submit=False)
    url = reverse("reporting:report", args=[report.pk])
    client = client_for(cast.viewer)
    page = client.get(url).content.decode()
    assert "Gửi báo cáo" not in page and 'name="v_TT_BUOI"' not in page
    assert client.post(url, {"v_TT_BUOI": "5", "action": "save"}).status_code == 404
    assert client.post(open_url(committee_form, cast.tree.N1, "2026")).status_code == 404


def test_the_outsider_gets_not_found_everywhere(client_for, cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    client = client_for(cast.outsider)
    code = committee_form.code
    for url in (
        reverse("reporting:report", args=[report.pk]),
        reverse("reporting:rollup", args=[code, cast.tree.N1.pk, "2026S1"]),
        reverse("reporting:completeness", args=[code, cast.tree.N1.pk, "2026S1"]),
        reverse("reporting:rollup", args=[code, cast.tree.P.pk, "2026S1"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(open_url(committee_form, cast.tree.N1)).status_code == 404
    response = client.post(reverse("reporting:report", args=[report.pk]), {"action": "approve"})
    assert response.status_code == 404


def test_the_rollup_page_shows_children_and_totals(client_for, cast, committee_form, file_report):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    url = reverse("reporting:rollup", args=[committee_form.code, cast.tree.P.pk, "2026S1"])
    page = client_for(cast.admin).get(url).content.decode()
    assert "Phường Cẩm Giàng" in page and "Xã Đoàn Kết" in page
    assert 'data-code="TT_NGUOI"' in page and ">100<" in page


def test_the_rollup_of_a_viewer_shows_only_its_scope(client_for, cast, committee_form, file_report):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    url = reverse("reporting:rollup", args=[committee_form.code, cast.tree.N1.pk, "2026S1"])
    assert client_for(cast.viewer).get(url).status_code == 200


def test_a_bad_map_date_is_explained(client_for, cast, committee_form):
    url = reverse("reporting:rollup", args=[committee_form.code, cast.tree.P.pk, "2026S1"])
    page = client_for(cast.admin).get(url, {"on": "31/02/2026"}).content.decode()
    assert "không tồn tại" in page


def test_unknown_forms_and_periods_are_not_found(client_for, cast, committee_form):
    client = client_for(cast.admin)
    for args in (
        ("KHONG", cast.tree.P.pk, "2026S1"),
        (committee_form.code, cast.tree.P.pk, "2026X9"),
        (committee_form.code, cast.tree.P.pk, "2026Q2"),
    ):
        assert client.get(reverse("reporting:rollup", args=args)).status_code == 404


def test_completeness_and_the_reminder(client_for, cast, committee_form, file_report):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    url = reverse("reporting:completeness", args=[committee_form.code, cast.tree.P.pk, "2026S1"])
    client = client_for(cast.approver)
    page = client.get(url).content.decode()
    assert 'data-count="missing">1<' in page and "Nhắc các đơn vị chưa gửi" in page
    response = client.post(url, follow=True)
    assert "Đã nhắc 1 đơn vị" in response.content.decode()
    assert cast.outsider.notifications.count() == 1


def test_a_read_only_role_cannot_remind(client_for, cast, committee_form):
    url = reverse("reporting:completeness", args=[committee_form.code, cast.tree.N1.pk, "2026S1"])
    assert client_for(cast.viewer).post(url).status_code == 404


def test_an_attachment_is_kept_and_bad_files_are_refused(client_for, cast, committee_form):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    url = reverse("reporting:report", args=[report.pk])
    good = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(url, {"action": "attach", "file": good})
    assert ReportAttachment.objects.get().name == "bien-ban.pdf"
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    page = client.post(url, {"action": "attach", "file": bad}, follow=True).content.decode()
    assert "Chỉ nhận tệp" in page and ReportAttachment.objects.count() == 1


def test_a_province_officer_is_offered_the_committee_roll_up(client_for, cast, committee_form):
    page = client_for(cast.approver).get(reverse("reporting:index"), {"year": "2026"})
    text = page.content.decode()
    assert committee_form.name in text
    assert reverse("reporting:rollup", args=[committee_form.code, cast.tree.P.pk, "2026S1"]) in text


def test_an_attachment_is_read_by_its_readers_only_and_removed_by_its_editor(
    client_for, cast, committee_form
):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    url = reverse("reporting:report", args=[report.pk])
    client.post(url, {"action": "attach", "file": SimpleUploadedFile("bb.pdf", b"%PDF-1.4 x")})
    attachment = ReportAttachment.objects.get()
    download = reverse("reporting:attachment", args=[report.pk, attachment.pk])
    assert b"".join(client_for(cast.viewer).get(download).streaming_content) == b"%PDF-1.4 x"
    assert client_for(cast.outsider).get(download).status_code == 404
    delete = reverse("reporting:attachment_delete", args=[report.pk, attachment.pk])
    assert client_for(cast.viewer).post(delete).status_code == 404
    assert client_for(cast.outsider).post(delete).status_code == 404
    client_for(cast.editor).post(delete)
    assert not ReportAttachment.objects.exists()


def test_typed_figures_come_back_after_a_refused_save(client_for, cast, committee_form):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {
            "v_TT_NGUOI": "1.250",
            "v_DG_TIEN": "97,5",
            "n_results": "Đã làm tốt",
            "action": "save",
            "version": 1,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="1.250"' in page and 'value="97,5"' in page and "Đã làm tốt" in page
    assert "None" not in page
    assert 'is-invalid" id="v_DG_TIEN"' in page and 'is-invalid" id="v_TT_NGUOI"' not in page


def test_a_second_reminder_within_the_hour_is_held_back(client_for, cast, committee_form):
    url = reverse("reporting:completeness", args=[committee_form.code, cast.tree.P.pk, "2026S1"])
    client = client_for(cast.approver)
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "trong vòng một giờ" in page
    assert cast.outsider.notifications.count() == 1


def test_a_nul_byte_in_a_search_is_dropped(client_for, cast):
    response = client_for(cast.admin).get(reverse("search"), {"q": "cam\x00"})
    assert response.status_code == 200 and "Null characters" not in response.content.decode()


def test_the_page_says_how_an_ambiguous_decimal_was_read(client_for, cast, committee_form):
    client = client_for(cast.editor)
    client.post(open_url(committee_form, cast.tree.N1))
    report = Report.objects.get()
    response = client.post(
        reverse("reporting:report", args=[report.pk]),
        {"v_DUONG_KM": "2.500", "action": "save", "version": 1},
        follow=True,
    )
    assert "hãy dùng dấu phẩy, ví dụ 2,500" in response.content.decode()
