"""The receipt (phiếu thu): its page, its PDF with the amount in figures and in words,
"BẢN SAO" on every printing after the first, "ĐÃ HỦY" with the reason once voided, and
who may print it."""

import datetime
import re
import zlib

import pytest
from django.urls import reverse

from doanket.fund import receipts, services
from doanket.fund.models import Posting, ReceiptPrint
from doanket.households import documents

from .conftest import DAY

TODAY = datetime.date(2026, 11, 29)
WORDS = "Một triệu hai trăm năm mươi nghìn đồng"


@pytest.fixture(autouse=True)
def on_the_29th_of_november(living_in):
    living_in(TODAY)


def give(c, amount=1_250_000, **extra):
    fields = {
        "donor_type": Posting.DonorType.INDIVIDUAL,
        "donor_name": "Nguyễn Văn Hảo",
        "donor_address": "Số 7, Thôn Đông",
    }
    fields.update(extra)
    return services.donation_record(
        user=c.fund_officer, fund=c.N1_fund, amount=amount, date=DAY, **fields
    )


@pytest.fixture
def receipt(funds):
    return give(funds).receipt


def pdf_url(receipt):
    return reverse("fund:receipt_pdf", args=[receipt.fund_id, receipt.pk])


def page_url(receipt):
    return reverse("fund:receipt", args=[receipt.fund_id, receipt.pk])


# Reading the text back out of a PDF -------------------------------------------------------


def _streams(content: bytes) -> list[bytes]:
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def _cmaps(streams: list[bytes]) -> list[dict[int, str]]:
    """Each embedded font's ToUnicode map: glyph code → the letters it shows."""
    maps = []
    for stream in streams:
        if b"begincmap" not in stream:
            continue
        mapping = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, start in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    mapping[int(low, 16) + offset] = chr(int(start, 16) + offset)
        maps.append(mapping)
    return maps


ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _strings(stream: bytes) -> list[bytes]:
    """The literal strings shown by a content stream, escapes undone."""
    strings, i = [], 0
    while (i := stream.find(b"(", i)) != -1:
        depth, i, out = 1, i + 1, bytearray()
        while i < len(stream) and depth:
            char = stream[i]
            if char == ord("\\"):
                following = stream[i + 1]
                if following in ESCAPES:
                    out += ESCAPES[following]
                    i += 2
                elif chr(following).isdigit():
                    digits = re.match(rb"[0-7]{1,3}", stream[i + 1 : i + 4]).group()
                    out.append(int(digits, 8))
                    i += 1 + len(digits)
                else:
                    out.append(following)
                    i += 2
                continue
            if char == ord("("):
                depth += 1
            elif char == ord(")"):
                depth -= 1
                if not depth:
                    break
            out.append(char)
            i += 1
        strings.append(bytes(out))
        i += 1
    return strings


def pdf_text(content: bytes) -> str:
    """Every shown string read with each font's map in turn (two bytes a glyph), so a
    sentence set in one font reads whole in one of the versions."""
    streams = _streams(content)
    shown = [
        s for stream in streams if b" Tj" in stream or b"TJ" in stream for s in _strings(stream)
    ]
    versions = []
    for mapping in _cmaps(streams):
        words = [
            "".join(
                mapping.get(int.from_bytes(s[k : k + 2], "big"), "\ufffd")
                for k in range(0, len(s), 2)
            )
            for s in shown
        ]
        versions.append(" ".join(words))
    return re.sub(r"\s+", " ", "\n".join(versions))


# The page ---------------------------------------------------------------------------------


def test_the_receipt_page_shows_the_amount_in_figures_and_words(funds, client_for, receipt):
    response = client_for(funds.viewer).get(page_url(receipt))
    page = response.content.decode()
    assert response.status_code == 200
    assert "00001/PT-2026" in page and "PHIẾU THU" in page
    assert "1.250.000 đ" in page and WORDS in page
    assert "Nguyễn Văn Hảo" in page and "Số 7, Thôn Đông" in page
    assert pdf_url(receipt) not in page  # a reader does not print


def test_the_officer_has_the_print_button(funds, client_for, receipt):
    page = client_for(funds.fund_officer).get(page_url(receipt)).content.decode()
    assert pdf_url(receipt) in page and "In phiếu thu (PDF)" in page


# The PDF ---------------------------------------------------------------------------------


def test_the_first_print_is_the_original(funds, client_for, receipt):
    response = client_for(funds.fund_officer).post(pdf_url(receipt))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="phieu-thu-00001-PT-2026.pdf"'
    content = response.content
    assert content.startswith(b"%PDF-") and b"/FontFile2" in content
    text = pdf_text(content)
    for shown in (
        "PHIẾU THU",
        "Số: 00001/PT-2026",
        "Ngày 02 tháng 11 năm 2026",
        "Họ và tên người nộp tiền:",
        "Nguyễn Văn Hảo",
        "Địa chỉ:",
        "Lý do nộp:",
        "Số tiền:",
        "1.250.000 đ",
        "(Viết bằng chữ):",
        WORDS,
        "Cẩm Giàng, ngày 02 tháng 11 năm 2026",
        "NGƯỜI NỘP TIỀN",
        "THỦ QUỸ",
        "Trịnh Văn Quỹ",  # the officer who made it out
    ):
        assert shown in text, shown
    assert "BẢN SAO" not in text and "ĐÃ HỦY" not in text
    printing = ReceiptPrint.objects.get()
    assert not printing.copy and printing.printed_by == funds.fund_officer


def test_every_later_print_is_a_copy(funds, client_for, receipt):
    client = client_for(funds.fund_officer)
    client.post(pdf_url(receipt))
    second = pdf_text(client.post(pdf_url(receipt)).content)
    third = pdf_text(client.post(pdf_url(receipt)).content)
    assert "BẢN SAO" in second and "Bản in lần thứ 2" in second
    assert "BẢN SAO" in third and "Bản in lần thứ 3" in third
    assert WORDS in second
    assert list(ReceiptPrint.objects.order_by("id").values_list("copy", flat=True)) == [
        False,
        True,
        True,
    ]
    page = client.get(page_url(receipt)).content.decode()
    assert "In bản sao (PDF)" in page and page.count("Bản sao</span>") == 2


def test_a_voided_receipt_prints_voided_with_the_reason(funds, client_for, receipt):
    services.reversal_record(
        user=funds.fund_officer, posting=receipt.posting, reason="Ghi sai số tiền"
    )
    client = client_for(funds.fund_officer)
    text = pdf_text(client.post(pdf_url(receipt)).content)
    assert "ĐÃ HỦY" in text and "Lý do hủy: Ghi sai số tiền" in text
    assert "Số: 00001/PT-2026" in text  # the number stays in the series
    page = client.get(page_url(receipt)).content.decode()
    assert 'id="voided"' in page and "Ghi sai số tiền" in page


def test_the_number_runs_to_five_digits_in_the_file_name(funds, client_for):
    for _n in range(11):
        give(funds, 100_000)
    twelfth = give(funds, 100_000).receipt
    response = client_for(funds.fund_officer).post(pdf_url(twelfth))
    assert response["Content-Disposition"] == 'inline; filename="phieu-thu-00012-PT-2026.pdf"'
    text = pdf_text(response.content)
    assert "Số: 00012/PT-2026" in text and "Một trăm nghìn đồng" in text


def test_an_anonymous_gift_in_kind(funds):
    posting = give(
        funds,
        3_500_000,
        donor_type="anonymous",
        donor_name="Ai đó",
        method="in_kind",
        in_kind="10 bao gạo",
    )
    document = receipts.receipt_document(posting.receipt)
    assert document.payer == "Nhà hảo tâm giấu tên" and document.address == ""
    assert document.method == "Hiện vật (quy ra tiền): 10 bao gạo"
    assert document.words == "Ba triệu năm trăm nghìn đồng"
    assert all(name != "Ai đó" for _title, _note, name in document.signatures)
    text = pdf_text(receipts.to_pdf(document))
    assert "Nhà hảo tâm giấu tên" in text and "Ba triệu năm trăm nghìn đồng" in text


def test_the_reason_names_the_drive(funds):
    drive = services.drive_open(
        user=funds.fund_officer,
        fund=funds.N1_fund,
        name="Tháng cao điểm 2026",
        starts_on=datetime.date(2026, 10, 17),
        ends_on=datetime.date(2026, 11, 18),
        target=0,
    )
    document = receipts.receipt_document(give(funds, drive=drive).receipt)
    assert "Tháng cao điểm 2026" in document.reason and funds.N1_fund.name in document.reason


# Who may print -----------------------------------------------------------------------


def test_a_reader_cannot_print(funds, client_for, receipt):
    response = client_for(funds.viewer).post(pdf_url(receipt))
    assert response.status_code == 403 and not ReceiptPrint.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_the_sibling_commune_cannot_see_or_print(funds, client_for, receipt, who):
    client = client_for(getattr(funds, who))
    assert client.get(page_url(receipt)).status_code == 404
    assert client.post(pdf_url(receipt)).status_code == 404
    assert not ReceiptPrint.objects.exists()


def test_printing_is_a_post(funds, client_for, receipt):
    assert client_for(funds.fund_officer).get(pdf_url(receipt)).status_code == 405
    assert not ReceiptPrint.objects.exists()


def test_without_a_vietnamese_font_nothing_is_printed(funds, client_for, receipt, monkeypatch):
    monkeypatch.setattr(documents, "FONT_FILES", {"": ("/nowhere/font.ttf",)})
    response = client_for(funds.fund_officer).post(pdf_url(receipt))
    assert response.status_code == 503
    assert "chưa có phông chữ tiếng Việt" in response.content.decode()
    assert not ReceiptPrint.objects.exists()
