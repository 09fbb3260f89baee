"""The printed lists of an evaluation: notice board and decision annex, xlsx and PDF."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doanket.households import documents, services
from doanket.households.criteria import FAMILY_CRITERIA
from doanket.households.models import Evaluation
from doanket.households.tests.conftest import add_households

YEAR = 2026
TODAY = datetime.date(2026, 11, 29)
ALL_MET = dict.fromkeys(FAMILY_CRITERIA, True)


@pytest.fixture(autouse=True)
def today_is(living_in):
    living_in(TODAY)


def run_year(homes, households, *, decide=True, missed=()):
    """Register, meet, mark (those in `missed` not achieved), post, propose, decide."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    editor, a1 = homes.cast.area_editor, homes.tree.A1
    services.registration_set(
        user=editor, area=a1, year=YEAR, registered={h.pk for h in households}
    )
    evaluation = Evaluation.objects.get(area=a1, year=YEAR)
    services.evaluation_hold_meeting(
        user=editor,
        evaluation=evaluation,
        meeting_on=datetime.date(2026, 11, 2),
        attendees=40,
        chaired_by="Bùi Văn Thôn",
        minutes=SimpleUploadedFile("bb.pdf", b"%PDF"),
    )
    for household in households:
        ok = household not in missed
        services.evaluation_mark(
            user=editor,
            evaluation=evaluation,
            household=household,
            achieved=ok,
            criteria=ALL_MET if ok else {**ALL_MET, "I.2": False},
        )
    services.evaluation_post(
        user=editor, evaluation=evaluation, posted_on=datetime.date(2026, 11, 5)
    )
    if decide:
        services.evaluation_propose(
            user=editor, evaluation=evaluation, proposed_on=datetime.date(2026, 11, 16)
        )
        services.evaluation_decide(
            user=homes.cast.commune_approver,
            evaluation=evaluation,
            number="125/QĐ-UBND",
            decided_on=datetime.date(2026, 11, 20),
            signer="Lý Văn Xã",
        )
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def evaluation(homes):
    return run_year(homes, homes.a1[:4], missed=[homes.a1[3]])


def sheet_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    )


def page_count(content: bytes) -> int:
    """Pages counted twice: the page objects and the page tree's own count."""
    pages = len(re.findall(rb"/Type /Page\b(?!s)", content))
    assert re.search(rb"/Count %d\b" % pages, content)
    return pages


# The documents ---------------------------------------------------------------------------


def test_the_notice_list_holds_every_registered_household_with_its_result(evaluation, homes):
    content = documents.to_xlsx(documents.evaluation_document(evaluation, documents.NOTICE))
    text = sheet_text(content)
    assert "ỦY BAN MTTQ VIỆT NAM PHƯỜNG CẨM GIÀNG" in text
    assert "BAN CÔNG TÁC MẶT TRẬN THÔN ĐÔNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Cẩm Giàng, ngày 05 tháng 11 năm 2026" in text
    assert "DANH SÁCH NIÊM YẾT" in text and "từ ngày 05/11/2026 đến ngày 15/11/2026" in text
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"):
        assert name in text
    assert "Đỗ Văn Em" not in text  # did not register
    assert "Hoàng Văn Giang" not in text  # another area
    assert "Chưa đạt tiêu chí I.2" in text
    assert "4 hộ đăng ký; 3 hộ đạt" in text


def test_the_notice_list_is_laid_out_for_a4(evaluation):
    content = documents.to_xlsx(documents.evaluation_document(evaluation, documents.NOTICE))
    sheet = load_workbook(io.BytesIO(content)).active
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "portrait"
    assert [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "STT")] == [
        "STT",
        "Chủ hộ",
        "Địa chỉ",
        "Kết quả",
        "Ghi chú",
    ]


def test_the_annex_lists_only_the_households_recognised(evaluation):
    text = sheet_text(documents.to_xlsx(documents.evaluation_document(evaluation, "annex")))
    assert "PHỤ LỤC" in text and "Kèm theo Quyết định số 125/QĐ-UBND ngày 20/11/2026" in text
    assert "Nguyễn Văn An" in text and "Phạm Thị Dung" not in text
    assert "Cẩm Giàng, ngày 20 tháng 11 năm 2026" in text


def test_an_annex_before_the_decision_leaves_the_number_blank(homes):
    evaluation = run_year(homes, homes.a1[:2], decide=False)
    text = sheet_text(documents.to_xlsx(documents.evaluation_document(evaluation, "annex")))
    assert "Kèm theo Quyết định số ……… ngày ………" in text
    assert "……………, ngày …… tháng …… năm ……" in text


def test_the_pdf_is_a_pdf_with_the_list(evaluation):
    content = documents.to_pdf(documents.evaluation_document(evaluation, documents.NOTICE))
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert page_count(content) == 1
    assert b"/FontFile2" in content  # the Vietnamese font is embedded
    assert len(content) > 5000


def test_a_long_list_runs_over_pages(homes):
    many = add_households(homes.tree.A1, [f"Hộ thứ {n} Nguyễn Văn Thành" for n in range(70)])
    evaluation = run_year(homes, many, decide=False)
    content = documents.to_pdf(documents.evaluation_document(evaluation, documents.NOTICE))
    assert page_count(content) >= 2


def test_the_place_drops_the_kind_of_commune():
    assert documents._place("Phường Cẩm Giàng") == "Cẩm Giàng"
    assert documents._place("Xã Đoàn Kết") == "Đoàn Kết"
    assert documents._place("Đặc khu Bạch Long Vĩ") == "Bạch Long Vĩ"


# The downloads -------------------------------------------------------------------------


def doc_url(homes, kind, fmt):
    return reverse("households:eval_document", args=[homes.tree.A1.pk, YEAR, kind, fmt])


@pytest.mark.parametrize(
    "kind, fmt, content_type",
    [
        ("notice", "xlsx", documents.XLSX),
        ("annex", "xlsx", documents.XLSX),
        ("notice", "pdf", "application/pdf"),
        ("annex", "pdf", "application/pdf"),
    ],
)
def test_whoever_sees_the_area_downloads_the_documents(
    client_for, evaluation, homes, kind, fmt, content_type
):
    response = client_for(homes.cast.area_viewer).get(doc_url(homes, kind, fmt))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert "thon-dong" in response["Content-Disposition"]


def test_an_unknown_document_is_not_found(client_for, evaluation, homes):
    client = client_for(homes.cast.area_editor)
    assert client.get(doc_url(homes, "minutes", "xlsx")).status_code == 404
    assert client.get(doc_url(homes, "notice", "docx")).status_code == 404


def test_no_evaluation_no_document(client_for, homes):
    response = client_for(homes.cast.area_editor).get(doc_url(homes, "notice", "pdf"))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_an_outsider_gets_no_document(client_for, evaluation, homes, who):
    client = client_for(getattr(homes.cast, who))
    for kind in ("notice", "annex"):
        for fmt in ("xlsx", "pdf"):
            assert client.get(doc_url(homes, kind, fmt)).status_code == 404


def test_without_a_vietnamese_font_the_pdf_is_not_garbled(
    client_for, evaluation, homes, monkeypatch
):
    monkeypatch.setattr(documents, "FONT_FILES", {"": ("/nowhere/font.ttf",)})
    response = client_for(homes.cast.area_editor).get(doc_url(homes, "notice", "pdf"), follow=True)
    assert "chưa có phông chữ tiếng Việt" in response.content.decode()


def test_a_font_without_vietnamese_letters_is_passed_over(tmp_path, monkeypatch):
    latin_only = tmp_path / "LatinOnly.ttf"
    latin_only.write_bytes(b"not a font with Vietnamese letters")
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    monkeypatch.setattr(documents, "FONT_FILES", {"": (str(latin_only), dejavu)})
    if not documents._covers_vietnamese(dejavu):
        pytest.skip("DejaVu Serif is not installed here")
    assert documents._font_files()[""] == dejavu
