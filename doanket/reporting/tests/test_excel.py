import io
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from doanket.core.models import AuditEvent
from doanket.reporting import excel, excel_views
from doanket.reporting.excel.template import MAIN_SHEET, META_SHEET
from doanket.reporting.excel.upload import OLE_MAGIC, Refused, _unpack, cell_text
from doanket.reporting.models import (
    FormItem,
    FormVersion,
    Indicator,
    Report,
    ReportUpload,
    ReportValue,
)
from doanket.reporting.registry import computed_values
from doanket.reporting.selectors import report_rollup
from doanket.reporting.services import report_approve, report_save
from doanket.reporting.standard import ORG_FORM

VALUES = {"TT_NGUOI": "100", "TT_BUOI": "8", "DG_TIEN": "5.000.000"}
CODE_COLUMN, VALUE_COLUMN = 6, 4


# Helpers: what a person does in Excel ------------------------------------------------


def workbook_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def row_of(ws, code: str) -> int:
    for (cell,) in ws.iter_rows(min_col=CODE_COLUMN, max_col=CODE_COLUMN):
        if cell.value == code:
            return cell.row
    raise AssertionError(code)


def filled(content: bytes, **values) -> bytes:
    """The template with value cells typed over, saved as Excel would save it."""
    book = workbook_of(content)
    ws = book[MAIN_SHEET]
    for code, value in values.items():
        ws.cell(row_of(ws, code), VALUE_COLUMN).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_url(report):
    return reverse("reporting:template", args=[report.pk])


def upload_url(report):
    return reverse("reporting:upload", args=[report.pk])


def confirm_url(report, pending):
    return reverse("reporting:upload_confirm", args=[report.pk, pending.pk])


def summary_url(form, unit, period="2026S1"):
    return reverse("reporting:summary", args=[form.code, unit.pk, period])


def post_file(client, report, content: bytes, name="bao-cao.xlsx"):
    return client.post(upload_url(report), {"file": SimpleUploadedFile(name, content)})


def stored(report=None):
    values = ReportValue.objects.order_by("pk")
    if report is not None:
        values = values.filter(report=report)
    return list(values.values_list("indicator__code", "number", "text"))


def number_of(report, code):
    return ReportValue.objects.get(report=report, indicator__code=code).number


@pytest.fixture
def draft(cast, file_report):
    return file_report(cast.editor, cast.tree.N1, "2026S1", VALUES, submit=False)


@pytest.fixture
def template(client_for, cast, draft):
    return client_for(cast.editor).get(template_url(draft)).content


# The template ------------------------------------------------------------------------


def test_the_template_has_the_decree_30_heading_the_period_and_a_row_per_indicator(
    client_for, cast, draft
):
    response = client_for(cast.editor).get(template_url(draft))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bc-cvd_phuong-cam-giang_2026s1.xlsx"' in response["Content-Disposition"]
    ws = workbook_of(response.content)[MAIN_SHEET]
    texts = [c.value for row in ws.iter_rows(max_row=12) for c in row if c.value]
    assert texts[:4] == [
        "ỦY BAN MTTQ VIỆT NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHƯỜNG CẨM GIÀNG",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert draft.form.name in texts
    assert "6 tháng đầu năm 2026 (từ ngày 15/12/2025 đến ngày 14/06/2026)" in texts
    row = row_of(ws, "TT_NGUOI")
    assert [ws.cell(row, c).value for c in range(2, 5)] == [
        "Lượt người tham dự tuyên truyền",
        "lượt",
        100,
    ]
    assert ws.cell(row_of(ws, "DG_TIEN"), VALUE_COLUMN).value == 5_000_000
    assert ws.cell(row_of(ws, "DG_TIEN"), VALUE_COLUMN).number_format == "#,##0"
    assert ws.cell(row_of(ws, "DG_DAT"), VALUE_COLUMN).number_format == "#,##0.00"
    assert ws.cell(row, 2).font.name == "Times New Roman" and ws.cell(row, 2).font.sz == 13
    assert ws.page_setup.paperSize == 9 or ws.page_setup.paperSize == "9"
    assert ws.page_setup.orientation == "portrait"


def test_only_typed_value_cells_are_unlocked_and_codes_sit_in_a_hidden_column(template, draft):
    ws = workbook_of(template)[MAIN_SHEET]
    assert ws.protection.sheet and ws.column_dimensions["F"].hidden
    assert ws.cell(row_of(ws, "TT_NGUOI"), VALUE_COLUMN).protection.locked is False
    derived = row_of(ws, "TL_HGD_DAT")
    assert ws.cell(derived, VALUE_COLUMN).protection.locked is True
    assert ws.cell(derived, VALUE_COLUMN).value is None
    assert ws.cell(derived, 5).value == "Tự tính"
    assert ws.cell(row_of(ws, "TT_NGUOI"), 2).protection.locked is True
    # A register's figure is filled in for the report's unit and period, and locked.
    period = draft.period
    register = computed_values(
        [item.indicator for item in draft.form_version.items()],
        unit=draft.unit,
        period=period,
        on=period.end,
    )
    assert register["KDC_TONG"] is not None
    computed = row_of(ws, "KDC_TONG")
    assert ws.cell(computed, VALUE_COLUMN).protection.locked is True
    assert ws.cell(computed, VALUE_COLUMN).value == register["KDC_TONG"]
    assert ws.cell(computed, 5).value == "Từ sổ"


def test_the_template_carries_what_identifies_the_report(template, draft, cast):
    book = workbook_of(template)
    assert book[META_SHEET].sheet_state == "veryHidden"
    meta = {key: value for key, value in book[META_SHEET].iter_rows(values_only=True)}
    assert meta["kind"] == "template"
    assert meta["form_code"] == draft.form.code and meta["form_version"] == "1"
    assert meta["unit_id"] == str(cast.tree.N1.pk) and meta["unit_code"] == "N1"
    assert meta["member_org_id"] is None and meta["period_code"] == "2026S1"
    assert meta["report_id"] == str(draft.pk)


def test_a_member_organisation_gets_its_own_heading(client_for, cast, forms, file_report):
    report = file_report(
        cast.org_editor,
        cast.tree.N1,
        "2026S1",
        {"HV_TONG": "50"},
        submit=False,
        member_org=cast.tree.N1_farmers,
        form=forms[1],
    )
    ws = workbook_of(client_for(cast.org_editor).get(template_url(report)).content)[MAIN_SHEET]
    assert ws["A1"].value == "ỦY BAN MTTQ VIỆT NAM PHƯỜNG CẨM GIÀNG"
    assert ws["A2"].value == "HỘI NÔNG DÂN PHƯỜNG CẨM GIÀNG"


def test_the_read_only_role_gets_a_locked_export_with_the_derived_figures(
    client_for, cast, works_on_committee_form, draft
):
    report_save(report=draft, user=cast.editor, values={"PV_DANGKY": "8", "PV_XONG": "6"})
    response = client_for(cast.viewer).get(template_url(draft))
    assert response.status_code == 200
    book = workbook_of(response.content)
    ws = book[MAIN_SHEET]
    locked = [
        c.protection.locked for row in ws.iter_rows(min_col=4, max_col=4) for c in row if c.value
    ]
    assert all(locked)
    assert ws.cell(row_of(ws, "TL_PV_XONG"), VALUE_COLUMN).value == 75
    assert dict(book[META_SHEET].iter_rows(values_only=True))["kind"] == "export"


def test_an_editor_gets_an_export_once_the_report_is_submitted(client_for, cast, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    book = workbook_of(client_for(cast.editor).get(template_url(report)).content)
    assert dict(book[META_SHEET].iter_rows(values_only=True))["kind"] == "export"


# The round trip ----------------------------------------------------------------------


def test_an_editor_fills_the_template_sees_the_diff_and_confirms(client_for, cast, draft, template):
    client = client_for(cast.editor)
    content = filled(template, TT_NGUOI=120, KT_HO=60, TT_BUOI=None, DG_TIEN=5_000_000)
    response = post_file(client, draft, content)
    pending = ReportUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == confirm_url(draft, pending)
    assert pending.uploaded_by == cast.editor
    assert pending.base_version == Report.objects.get(pk=draft.pk).version
    assert pending.values["TT_NGUOI"] == "120" and pending.values["TT_BUOI"] == ""

    page = client.get(confirm_url(draft, pending)).content.decode()
    assert 'data-code="TT_NGUOI" data-state="changed"' in page
    assert 'data-code="KT_HO" data-state="new"' in page
    assert 'data-code="TT_BUOI" data-state="cleared"' in page
    assert 'data-code="DG_TIEN" data-state="unchanged"' in page
    assert 'data-code="TL_HGD_DAT"' not in page
    # The registers' figures the template carries are neither compared nor questioned.
    assert 'data-code="KDC_TONG"' not in page and "sổ theo dõi" not in page
    assert "5.000.000 đ" in page and "Ghi 3 số liệu vào báo cáo" in page
    assert stored(draft) == stored(draft)  # nothing written yet
    assert number_of(draft, "TT_NGUOI") == 100

    response = client.post(confirm_url(draft, pending), {"action": "confirm"}, follow=True)
    assert "Đã ghi 3 số liệu từ tệp bao-cao.xlsx." in response.content.decode()
    assert number_of(draft, "TT_NGUOI") == 120 and number_of(draft, "KT_HO") == 60
    assert number_of(draft, "TT_BUOI") is None
    assert number_of(draft, "DG_TIEN") == 5_000_000
    assert not ReportUpload.objects.exists()
    assert AuditEvent.objects.filter(action="report.import", object_id=str(draft.pk)).exists()


def test_a_figure_typed_over_a_register_row_is_not_used_and_the_page_says_so(
    client_for, cast, draft, template
):
    client = client_for(cast.editor)
    response = post_file(client, draft, filled(template, KDC_TONG=99, TT_NGUOI=120))
    assert response.status_code == 302
    pending = ReportUpload.objects.get()
    assert "KDC_TONG" not in pending.values and pending.values["TT_NGUOI"] == "120"
    page = client.get(response["Location"]).content.decode()
    assert "lấy từ sổ theo dõi (hộ gia đình, Quỹ “Vì người nghèo”)" in page and "“99”" in page
    client.post(confirm_url(draft, pending), {"action": "confirm"})
    assert number_of(draft, "TT_NGUOI") == 120
    assert not ReportValue.objects.filter(report=draft, indicator__code="KDC_TONG").exists()


@pytest.mark.parametrize(
    "money",
    [
        "1.234.567",
        unicodedata.normalize("NFD", "1.234.567 đồng"),
        "1.234.567 ®ång",  # "đồng" typed in TCVN3
    ],
    ids=["dots", "nfd", "tcvn3"],
)
def test_numbers_typed_as_text_with_vietnamese_separators_are_read(
    client_for, cast, draft, template, money
):
    client = client_for(cast.editor)
    content = filled(template, TT_NGUOI="1.234", DG_TIEN=money, DG_DAT="97,5", DUONG_KM=" 2,25 ")
    response = post_file(client, draft, content)
    assert response.status_code == 302
    client.post(confirm_url(draft, ReportUpload.objects.get()), {"action": "confirm"})
    assert number_of(draft, "TT_NGUOI") == 1234
    assert number_of(draft, "DG_TIEN") == 1_234_567
    assert number_of(draft, "DG_DAT") == Decimal("97.5")
    assert number_of(draft, "DUONG_KM") == Decimal("2.25")


def test_nfd_and_tcvn3_text_is_stored_as_unicode(client_for, cast, draft):
    note = Indicator.objects.create(
        code="GHI_CHU", name="Ghi chú về cuộc vận động", value_type="text", aggregation="none"
    )
    FormItem.objects.create(section=draft.form_version.sections.first(), indicator=note, order=99)
    client = client_for(cast.editor)
    template = client.get(template_url(draft)).content
    nfd = unicodedata.normalize("NFD", "Thôn Đông làm tốt")
    post_file(client, draft, filled(template, GHI_CHU=nfd))
    client.post(confirm_url(draft, ReportUpload.objects.get()), {"action": "confirm"})
    assert ReportValue.objects.get(report=draft, indicator=note).text == "Thôn Đông làm tốt"

    template = client.get(template_url(draft)).content
    post_file(client, draft, filled(template, GHI_CHU="Th«n §«ng lµm tèt h¬n"))
    client.post(confirm_url(draft, ReportUpload.objects.get()), {"action": "confirm"})
    assert ReportValue.objects.get(report=draft, indicator=note).text == "Thôn Đông làm tốt hơn"


def test_a_file_with_nothing_new_writes_nothing(client_for, cast, draft, template):
    client = client_for(cast.editor)
    post_file(client, draft, template)
    version = Report.objects.get().version
    response = client.post(
        confirm_url(draft, ReportUpload.objects.get()), {"action": "confirm"}, follow=True
    )
    assert "không có gì để ghi" in response.content.decode()
    assert Report.objects.get().version == version and not ReportUpload.objects.exists()


def test_cancelling_drops_the_upload_and_writes_nothing(client_for, cast, draft, template):
    client = client_for(cast.editor)
    post_file(client, draft, filled(template, TT_NGUOI=5))
    before = stored()
    client.post(confirm_url(draft, ReportUpload.objects.get()), {"action": "cancel"})
    assert stored() == before and not ReportUpload.objects.exists()


def test_a_second_upload_replaces_the_first(client_for, cast, draft, template):
    client = client_for(cast.editor)
    post_file(client, draft, filled(template, TT_NGUOI=5))
    post_file(client, draft, filled(template, TT_NGUOI=6))
    assert ReportUpload.objects.get().values["TT_NGUOI"] == "6"


def test_a_template_changed_since_download_is_flagged(client_for, cast, draft, template):
    report_save(report=draft, user=cast.editor, values={"KT_HO": "10"})
    response = post_file(client_for(cast.editor), draft, filled(template, TT_NGUOI=7))
    assert response.status_code == 302
    page = client_for(cast.editor).get(response["Location"]).content.decode()
    assert "Báo cáo đã được sửa sau khi tải mẫu này" in page


def test_a_stale_upload_is_refused_at_confirm(client_for, cast, draft, template):
    client = client_for(cast.editor)
    post_file(client, draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    report_save(report=draft, user=cast.editor, values={"TT_NGUOI": "110"})  # on the page
    assert 'id="stale"' in client.get(confirm_url(draft, pending)).content.decode()
    response = client.post(confirm_url(draft, pending), {"action": "confirm"}, follow=True)
    page = response.content.decode()
    assert "vừa được người khác thay đổi" in page and "Hãy tải tệp lên lại" in page
    assert response.redirect_chain[-1][0] == upload_url(draft)
    assert number_of(draft, "TT_NGUOI") == 110
    assert not ReportUpload.objects.exists()


def test_a_submitted_report_takes_no_upload(client_for, cast, draft, template):
    client = client_for(cast.editor)
    post_file(client, draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    draft.status = Report.Status.SUBMITTED
    draft.save(update_fields=["status"])
    before = stored()
    response = post_file(client, draft, filled(template, TT_NGUOI=130))
    assert response.status_code == 400 and "không sửa được" in response.content.decode()
    response = client.post(confirm_url(draft, pending), {"action": "confirm"}, follow=True)
    assert "không sửa được" in response.content.decode()
    assert stored() == before and not ReportUpload.objects.exists()


# Files that are refused --------------------------------------------------------------


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_bomb(*_args) -> bytes:
    zeros = b"\0" * (excel.MAX_UNCOMPRESSED + 1)
    return _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/big.bin": zeros})


def _other_unit(cast, file_report, template):
    report = file_report(cast.outsider_editor, cast.tree.N2, "2026S1", VALUES, submit=False)
    return excel.template_workbook(report)


def _other_form(cast, file_report, template):
    org_form = Report._meta.get_field("form").related_model.objects.get(code=ORG_FORM)
    report = file_report(
        cast.org_editor,
        cast.tree.N1,
        "2026S1",
        {},
        submit=False,
        member_org=cast.tree.N1_farmers,
        form=org_form,
    )
    return excel.template_workbook(report)


def _other_period(cast, file_report, template):
    report = file_report(cast.editor, cast.tree.N1, "2026Q1", VALUES, submit=False)
    return excel.template_workbook(report)


def _other_version(cast, file_report, template):
    report = Report.objects.get(period_code="2026S1", unit=cast.tree.N1)
    newer = FormVersion.objects.create(form=report.form, number=2, valid_from_year=2026)
    Report.objects.filter(pk=report.pk).update(form_version=newer)
    return template


def _plain_workbook(*_args):
    book = openpyxl.Workbook()
    book.active.append(["STT", "Chỉ tiêu", "Số liệu"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _export(cast, file_report, template):
    report = Report.objects.get(period_code="2026S1", unit=cast.tree.N1)
    return excel.template_workbook(report, editable=False)


REFUSED = [
    ("another unit", _other_unit, "không phải của “Phường Cẩm Giàng”"),
    ("another form", _other_form, "còn báo cáo này theo biểu mẫu"),
    ("another form version", _other_version, "phiên bản 1 của biểu mẫu"),
    ("another period", _other_period, "Tệp là mẫu của kỳ Quý I 2026"),
    ("not a template", _plain_workbook, "không có phần nhận dạng"),
    ("a read-only export", _export, "bản xuất để xem"),
    (
        "an unknown code",
        lambda c, f, t: _retyped(t, "TT_NGUOI", CODE_COLUMN, "KHONG_CO"),
        "mã chỉ tiêu “KHONG_CO” không có trong biểu mẫu",
    ),
    ("a derived value", lambda c, f, t: filled(t, TL_HGD_DAT=50), "được tự tính, không nhập"),
    ("a formula", lambda c, f, t: filled(t, TT_NGUOI="=100+20"), "chứa công thức"),
    ("an .xls file", lambda *a: OLE_MAGIC + b"\0" * 2048, "Excel cũ (.xls)"),
    (
        "an encrypted file",
        lambda *a: OLE_MAGIC + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le"),
        "đặt mật khẩu",
    ),
    (
        "a renamed .txt",
        lambda *a: "STT;Chỉ tiêu\n1;100\n".encode(),
        "không phải là tệp Excel .xlsx",
    ),
    ("a .docx", lambda *a: _zip({"word/document.xml": b"<x/>"}), "không phải là tệp Excel .xlsx"),
    ("a damaged file", lambda c, f, t: t[: len(t) // 2], "bị hỏng"),
    ("a zip bomb", _zip_bomb, "lớn hơn 50 MB"),
    ("a file over 5 MB", lambda *a: b"PK\x03\x04" + b"\0" * excel.MAX_UPLOAD, "lớn hơn 5 MB"),
    ("an empty file", lambda *a: b"", "Tệp trống"),
]


def _retyped(content: bytes, code: str, column: int, value) -> bytes:
    book = workbook_of(content)
    ws = book[MAIN_SHEET]
    ws.cell(row_of(ws, code), column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case, make, message", REFUSED, ids=[case for case, *_ in REFUSED])
def test_a_bad_file_is_refused_with_its_message_and_nothing_is_written(
    client_for, cast, draft, template, file_report, case, make, message
):
    content = make(cast, file_report, template)
    before = stored()
    response = post_file(client_for(cast.editor), draft, content)
    page = response.content.decode()
    assert response.status_code == 400, case
    assert message in page, case
    assert "chưa có số liệu nào được ghi" in page
    assert stored() == before and not ReportUpload.objects.exists()


def test_every_bad_row_is_named_with_its_excel_row(client_for, cast, draft, template):
    ws = workbook_of(template)[MAIN_SHEET]
    rows = {code: row_of(ws, code) for code in ("TT_NGUOI", "KT_HO", "DG_TIEN", "GS_CUOC")}
    content = filled(template, TT_NGUOI="mười", KT_HO=1.5, DG_TIEN="1,5", GS_CUOC=-3)
    response = post_file(client_for(cast.editor), draft, content)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Dòng {rows['TT_NGUOI']}: Lượt người tham dự tuyên truyền: “mười” không hợp lệ" in page
    assert f"Dòng {rows['KT_HO']}: Hộ gia đình được khen" in page and "phải là số nguyên" in page
    assert f"Dòng {rows['DG_TIEN']}: " in page and "Số tiền phải là số nguyên đồng" in page
    assert f"Dòng {rows['GS_CUOC']}: Cuộc giám sát, phản biện xã hội: không được là số âm" in page
    assert not ReportUpload.objects.exists()


def test_a_directory_that_lies_about_sizes_is_caught():
    content = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>" * 100_000})
    central = content.rindex(b"PK\x01\x02")  # the last member's directory entry
    size_at = central + 24
    lied = content[:size_at] + (10).to_bytes(4, "little") + content[size_at + 4 :]
    with pytest.raises(Refused, match="bị hỏng"):
        _unpack(lied)


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        ("", ""),
        (100.0, "100"),
        (97.48999999999999, "97,49"),
        (1234567.0, "1.234.567"),
        (0.1 + 0.2, "0,3"),
        (True, "có"),
        ("  1.234  ", "1.234"),
        (unicodedata.normalize("NFD", "Cẩm Giàng"), "Cẩm Giàng"),
        ("Th«n §«ng", "Thôn Đông"),
    ],
)
def test_a_cell_reads_as_what_a_person_would_type_on_the_page(value, text):
    assert cell_text(value) == text


# Who may do what ---------------------------------------------------------------------


def test_the_read_only_role_cannot_upload_or_confirm(client_for, cast, draft, template):
    post_file(client_for(cast.editor), draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    client = client_for(cast.viewer)
    assert client.get(upload_url(draft)).status_code == 404
    assert post_file(client, draft, template).status_code == 404
    assert client.get(confirm_url(draft, pending)).status_code == 404
    assert client.post(confirm_url(draft, pending), {"action": "confirm"}).status_code == 404
    assert number_of(draft, "TT_NGUOI") == 100 and ReportUpload.objects.count() == 1


def test_only_the_uploader_may_see_and_confirm_an_upload(client_for, cast, draft, template):
    post_file(client_for(cast.editor), draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    client = client_for(cast.admin_editor)  # edits N1 too, from the province
    assert client.get(upload_url(draft)).status_code == 200
    assert client.get(confirm_url(draft, pending)).status_code == 404
    assert client.post(confirm_url(draft, pending), {"action": "confirm"}).status_code == 404
    assert number_of(draft, "TT_NGUOI") == 100


def test_an_upload_of_another_report_is_not_found(client_for, cast, draft, template, file_report):
    post_file(client_for(cast.editor), draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    other = file_report(cast.editor, cast.tree.N1, "2026Q1", VALUES, submit=False)
    assert client_for(cast.editor).get(confirm_url(other, pending)).status_code == 404


def test_the_outsider_gets_not_found_everywhere(client_for, cast, draft, template, committee_form):
    post_file(client_for(cast.editor), draft, filled(template, TT_NGUOI=120))
    pending = ReportUpload.objects.get()
    client = client_for(cast.outsider_editor)
    for url in (
        template_url(draft),
        upload_url(draft),
        confirm_url(draft, pending),
        summary_url(committee_form, cast.tree.N1),
        summary_url(committee_form, cast.tree.P),
    ):
        assert client.get(url).status_code == 404, url
    assert post_file(client, draft, template).status_code == 404
    assert client.post(confirm_url(draft, pending), {"action": "confirm"}).status_code == 404
    assert client_for(cast.outsider).get(template_url(draft)).status_code == 404
    assert number_of(draft, "TT_NGUOI") == 100 and ReportUpload.objects.count() == 1


def test_the_pages_need_a_login(client, draft, committee_form, cast):
    for url in (template_url(draft), upload_url(draft), summary_url(committee_form, cast.tree.P)):
        assert client.get(url).status_code == 302


# The summary export ------------------------------------------------------------------


def _sheet_rows(content: bytes):
    ws = workbook_of(content).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _row_starting(rows, label):
    return next(row for row in rows if row[1] == label)


def test_the_summary_has_the_children_the_own_figures_and_the_rollup_totals(
    client_for, cast, committee_form, file_report
):
    file_report(cast.editor, cast.tree.N1, "2026S1", VALUES | {"DG_DAT": "12,5"})
    file_report(cast.outsider_editor, cast.tree.N2, "2026S1", {"TT_NGUOI": "40", "KT_HO": "30"})
    committee_form.reporter_kinds = [*committee_form.reporter_kinds, "province"]
    committee_form.save(update_fields=["reporter_kinds"])
    file_report(cast.admin_editor, cast.tree.P, "2026S1", {"DG_TIEN": "1.000.000"}, submit=False)
    response = client_for(cast.admin).get(summary_url(committee_form, cast.tree.P))
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    flat = [value for row in rows for value in row if value]
    assert "ỦY BAN MTTQ VIỆT NAM" in flat and "THÀNH PHỐ THỬ NGHIỆM" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "BẢNG TỔNG HỢP SỐ LIỆU" in flat
    header = next(row for row in rows if row[0] == "STT")
    assert "Lượt người tham dự tuyên truyền (lượt)" in header
    codes = _row_starting(rows, "Mã chỉ tiêu")
    assert _row_starting(rows, "Phường Cẩm Giàng")[codes.index("TT_NGUOI")] == 100
    assert _row_starting(rows, "Xã Đoàn Kết")[codes.index("TT_NGUOI")] == 40
    own = _row_starting(rows, "Số liệu của chính Thành phố Thử Nghiệm")
    assert own[codes.index("DG_TIEN")] == 1_000_000
    rollup = report_rollup(
        form=committee_form, unit=cast.tree.P, period=committee_form.period("2026S1")
    )
    totals = _row_starting(rows, "Tổng cộng")
    numeric = [i for i in Indicator.objects.all() if i.code in codes and i.is_number]
    assert numeric
    for indicator in numeric:
        expected = rollup.totals.get(indicator.code)
        got = totals[codes.index(indicator.code)]
        if expected is None:
            assert got is None, indicator.code
        else:
            assert Decimal(str(got)) == expected, indicator.code
    assert totals[codes.index("TT_NGUOI")] == 140
    assert totals[codes.index("DG_DAT")] == 12.5


def test_the_summary_follows_the_approved_only_option(
    client_for, cast, committee_form, file_report
):
    approved = file_report(cast.editor, cast.tree.N1, "2026S1", VALUES)
    report_approve(report=approved, user=cast.approver)
    file_report(cast.outsider_editor, cast.tree.N2, "2026S1", {"TT_NGUOI": "40"})
    response = client_for(cast.approver).get(
        summary_url(committee_form, cast.tree.P), {"approved_only": "1", "on": "14/06/2026"}
    )
    rows = _sheet_rows(response.content)
    codes = _row_starting(rows, "Mã chỉ tiêu")
    assert _row_starting(rows, "Tổng cộng")[codes.index("TT_NGUOI")] == 100
    assert _row_starting(rows, "Xã Đoàn Kết")[codes.index("TT_NGUOI")] is None


def test_a_read_only_role_exports_its_own_unit(client_for, cast, committee_form, file_report):
    response = client_for(cast.viewer).get(summary_url(committee_form, cast.tree.N1))
    assert response.status_code == 200
    assert "Tổng cộng" in [row[1] for row in _sheet_rows(response.content)]
    assert client_for(cast.viewer).get(summary_url(committee_form, cast.tree.P)).status_code == 404


def test_a_bad_summary_option_sends_back_to_the_rollup_page(client_for, cast, committee_form):
    response = client_for(cast.admin).get(
        summary_url(committee_form, cast.tree.P), {"on": "31/02/2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("reporting:rollup", args=[committee_form.code, cast.tree.P.pk, "2026S1"])
    )


def test_unknown_forms_and_periods_are_not_found_for_the_summary(client_for, cast, committee_form):
    client = client_for(cast.admin)
    for args in (
        ("KHONG", cast.tree.P.pk, "2026S1"),
        (committee_form.code, cast.tree.P.pk, "2026Q2"),
    ):
        assert client.get(reverse("reporting:summary", args=args)).status_code == 404


def test_the_upload_url_reaches_the_upload_view(draft):
    # "r/<pk>/upload/" also fits the roll-up's "<form>/<unit>/<period>/" pattern, so the
    # upload route must come before it in urls.py.
    assert resolve(upload_url(draft)).func is excel_views.upload


def test_uploads_left_unconfirmed_for_a_week_are_dropped(cast, committee_form):
    import datetime

    from django.utils import timezone

    from doanket.reporting.excel.services import report_upload_create
    from doanket.reporting.excel.upload import UploadResult
    from doanket.reporting.services import report_open

    form = committee_form
    report = report_open(
        form=form, period=form.period("2026S1"), unit=cast.tree.N1, user=cast.editor
    )
    old = ReportUpload.objects.create(
        report=report, uploaded_by=cast.viewer, values={}, base_version=1, filename="cu.xlsx"
    )
    ReportUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    report_upload_create(
        report=report, user=cast.editor, result=UploadResult(values={}), filename="moi.xlsx"
    )
    assert list(ReportUpload.objects.values_list("filename", flat=True)) == ["moi.xlsx"]
