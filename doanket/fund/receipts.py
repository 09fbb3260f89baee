"""The receipt (phiếu thu) of a donation, laid out as the accounting form C40-BB: the
unit's heading, "PHIẾU THU" with its number in the fund's series, who paid, why, the
amount in figures and in words, and the signature blocks.

A `ReceiptDocument` holds what the page and the PDF both show, so the two never
disagree. Every printing is recorded (services.receipt_print); all but the first are
marked "BẢN SAO", and a voided receipt prints "ĐÃ HỦY" with the reason.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from doanket.accounts.models import User
from doanket.core.lib.dates import format_date
from doanket.core.lib.money import amount_in_words, format_vnd
from doanket.fund import services
from doanket.fund.models import Posting, Receipt, ReceiptPrint
from doanket.households.documents import PDF_FONT, NoFont, _font_files

__all__ = ["NoFont", "ReceiptDocument", "filename", "print_receipt", "receipt_document", "to_pdf"]

FORM_CODE = "C40-BB"
PLACE_PREFIXES = ("xã ", "phường ", "thị trấn ", "đặc khu ", "thành phố ", "tỉnh ", "huyện ")
PLACE_PREFIXES += ("quận ", "thị xã ")
# A4 portrait; the accounting forms keep narrower margins than Decree 30's letters.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 20, 15, 15
PAGE_WIDTH = 210
BODY_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
RED = (183, 28, 28)


@dataclass
class ReceiptDocument:
    unit_line: str
    board_line: str
    number: str
    date_line: str
    place_date_line: str
    payer: str
    address: str
    reason: str
    method: str
    amount: str
    words: str
    signatures: list[tuple[str, str, str]] = field(default_factory=list)
    copy: bool = False
    copy_note: str = ""
    voided: bool = False
    void_note: str = ""
    void_reason: str = ""


def _place(unit_name: str) -> str:
    """The place in the date line: the unit's name without its kind ("Cẩm Giàng")."""
    lowered = unit_name.lower()
    for prefix in PLACE_PREFIXES:
        if lowered.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _date_words(day: datetime.date) -> tuple[str, str, str]:
    """Day and month as documents write them: a leading zero for days 1–9 and for
    January and February."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def date_line(day: datetime.date) -> str:
    d, m, y = _date_words(day)
    return _("Ngày %(day)s tháng %(month)s năm %(year)s") % {"day": d, "month": m, "year": y}


def place_date_line(place: str, day: datetime.date) -> str:
    d, m, y = _date_words(day)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": d,
        "month": m,
        "year": y,
    }


def payer_of(posting: Posting) -> str:
    if posting.donor_type == Posting.DonorType.ANONYMOUS or not posting.donor_name:
        return _("Nhà hảo tâm giấu tên")
    return posting.donor_name


def reason_of(posting: Posting, fund_name: str) -> str:
    """ "Ủng hộ Quỹ … (đợt vận động …)", with the officer's note after it."""
    reason = _("Ủng hộ %(fund)s") % {"fund": fund_name}
    if posting.drive_id:
        reason += " " + _("(đợt vận động “%(drive)s”)") % {"drive": posting.drive.name}
    if posting.description:
        reason += " — " + posting.description
    return reason


def method_of(posting: Posting) -> str:
    if posting.method == Posting.Method.IN_KIND:
        return _("Hiện vật (quy ra tiền): %(goods)s") % {"goods": posting.in_kind}
    return posting.get_method_display()


def receipt_document(receipt: Receipt, printing: ReceiptPrint | None = None) -> ReceiptDocument:
    posting = receipt.posting
    fund = receipt.fund
    unit = fund.unit
    reversal = Posting.objects.filter(reverses=posting).first()
    words = amount_in_words(posting.amount)
    document = ReceiptDocument(
        unit_line=_("Đơn vị: Ủy ban MTTQ Việt Nam %(unit)s") % {"unit": unit.name},
        board_line=_("Ban vận động Quỹ “Vì người nghèo”"),
        number=str(receipt),
        date_line=date_line(posting.date),
        place_date_line=place_date_line(_place(unit.name), posting.date),
        payer=payer_of(posting),
        address=posting.donor_address or "",
        reason=reason_of(posting, fund.name),
        method=method_of(posting),
        amount=format_vnd(posting.amount),
        words=words,
        signatures=[
            (_("TRƯỞNG BAN VẬN ĐỘNG"), _("(Ký, họ tên, đóng dấu)"), ""),
            (_("KẾ TOÁN"), _("(Ký, họ tên)"), ""),
            (
                _("NGƯỜI NỘP TIỀN"),
                _("(Ký, họ tên)"),
                "" if posting.donor_type == Posting.DonorType.ANONYMOUS else posting.donor_name,
            ),
            (_("NGƯỜI LẬP PHIẾU"), _("(Ký, họ tên)"), posting.posted_by.get_full_name()),
            (_("THỦ QUỸ"), _("(Ký, họ tên)"), ""),
        ],
    )
    if reversal is not None:
        document.voided = True
        document.void_note = _("Phiếu thu đã hủy ngày %(date)s; số phiếu vẫn giữ trong sổ.") % {
            "date": format_date(reversal.date)
        }
        document.void_reason = _("Lý do hủy: %(reason)s") % {"reason": reversal.reason}
    if printing is not None and printing.copy:
        document.copy = True
        count = ReceiptPrint.objects.filter(receipt=receipt, pk__lte=printing.pk).count()
        document.copy_note = _("Bản in lần thứ %(n)s, lúc %(at)s, người in: %(who)s") % {
            "n": count,
            "at": timezone.localtime(printing.printed_at).strftime("%H:%M %d/%m/%Y"),
            "who": printing.printed_by.get_full_name() if printing.printed_by else "—",
        }
    return document


def filename(receipt: Receipt) -> str:
    """phieu-thu-00012-PT-2026.pdf"""
    return f"phieu-thu-{receipt.number:05d}-{receipt.series}-{receipt.year}.pdf"


@transaction.atomic
def print_receipt(*, user: User, receipt: Receipt) -> bytes:
    """Record the printing and make its PDF, in one transaction: a PDF that cannot be
    made (no Vietnamese font) leaves no printing behind."""
    _font_files()
    printing = services.receipt_print(user=user, receipt=receipt)
    return to_pdf(receipt_document(receipt, printing))


# PDF -------------------------------------------------------------------------------


def _stamp(pdf, text: str, size: float, width: float) -> None:
    """A red boxed word ("BẢN SAO", "ĐÃ HỦY") that no one can miss."""
    pdf.set_text_color(*RED)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.set_font(PDF_FONT, "B", size)
    pdf.cell(width, size * 0.55, text, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _heading(pdf, document: ReceiptDocument, size: float) -> None:
    left = BODY_WIDTH * 0.6
    right = BODY_WIDTH - left
    top = pdf.get_y()
    pdf.set_font(PDF_FONT, "B", size - 1)
    pdf.multi_cell(left, 5.5, document.unit_line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", size - 1)
    pdf.multi_cell(left, 5.5, document.board_line, align="L", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(MARGIN_LEFT + left, top)
    pdf.set_font(PDF_FONT, "B", size - 1)
    pdf.cell(right, 5.5, _("Mẫu số %(code)s") % {"code": FORM_CODE}, align="C")
    right_bottom = top + 7
    if document.copy:
        pdf.set_xy(MARGIN_LEFT + left + right * 0.15, top + 7)
        _stamp(pdf, _("BẢN SAO"), 20, right * 0.7)
        right_bottom = pdf.get_y()
    pdf.set_xy(MARGIN_LEFT, max(left_bottom, right_bottom) + 4)


def _title(pdf, document: ReceiptDocument, size: float) -> None:
    pdf.set_font(PDF_FONT, "B", 20)
    pdf.cell(0, 10, _("PHIẾU THU"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "I", size)
    pdf.cell(0, 6.5, document.date_line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "B", size)
    pdf.cell(0, 6.5, _("Số: %(number)s") % {"number": document.number}, align="R")
    pdf.ln(9)
    if document.voided:
        pdf.set_x(MARGIN_LEFT + BODY_WIDTH * 0.3)
        _stamp(pdf, _("ĐÃ HỦY"), 26, BODY_WIDTH * 0.4)
        pdf.ln(1)
        pdf.set_text_color(*RED)
        pdf.set_font(PDF_FONT, "B", size)
        pdf.multi_cell(0, 6.5, document.void_reason, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(PDF_FONT, "I", size - 1)
        pdf.multi_cell(0, 6, document.void_note, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)


def _line(pdf, label: str, value: str, size: float, style: str = "") -> None:
    """ "Label: value" on as many lines as the value needs."""
    pdf.set_font(PDF_FONT, "", size)
    pdf.write(7, label + " ")
    pdf.set_font(PDF_FONT, style, size)
    pdf.write(7, value or "……………………………………")
    pdf.ln(8)


def _signatures(pdf, document: ReceiptDocument, size: float) -> None:
    pdf.set_font(PDF_FONT, "I", size)
    pdf.set_x(MARGIN_LEFT + BODY_WIDTH * 0.45)
    pdf.cell(BODY_WIDTH * 0.55, 6.5, document.place_date_line, align="C")
    pdf.ln(8)
    width = BODY_WIDTH / len(document.signatures)
    top = pdf.get_y()
    for n, (title, note, name) in enumerate(document.signatures):
        x = MARGIN_LEFT + n * width
        pdf.set_xy(x, top)
        pdf.set_font(PDF_FONT, "B", size - 3)
        pdf.multi_cell(width, 4.5, title, align="C")
        pdf.set_xy(x, top + 9.5)
        pdf.set_font(PDF_FONT, "I", size - 4)
        pdf.multi_cell(width, 4, note, align="C")
        if name:
            pdf.set_xy(x, top + 36)
            pdf.set_font(PDF_FONT, "B", size - 3)
            pdf.multi_cell(width, 4.5, name, align="C")
    pdf.set_xy(MARGIN_LEFT, top + 48)


def to_pdf(document: ReceiptDocument) -> bytes:
    fonts = _font_files()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    # Uncompressed while developing, so the text can be read in the file.
    pdf.set_compression(not settings.DEBUG)
    for style, path in fonts.items():
        pdf.add_font(PDF_FONT, style, path)
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_("Phiếu thu số %(number)s") % {"number": document.number})
    pdf.set_creator(_("Đoàn Kết"))
    pdf.add_page()
    # Times New Roman's twin takes 13 points; the wider DejaVu, 12.
    size = 13 if "Liberation" in fonts[""] else 12
    _heading(pdf, document, size)
    _title(pdf, document, size)
    _line(pdf, _("Họ và tên người nộp tiền:"), document.payer, size, "B")
    _line(pdf, _("Địa chỉ:"), document.address, size)
    _line(pdf, _("Lý do nộp:"), document.reason, size)
    _line(pdf, _("Hình thức:"), document.method, size)
    _line(pdf, _("Số tiền:"), document.amount, size, "B")
    _line(pdf, _("(Viết bằng chữ):"), document.words, size, "I")
    _line(pdf, _("Kèm theo:"), _("……… chứng từ gốc."), size)
    pdf.ln(2)
    _signatures(pdf, document, size)
    pdf.set_font(PDF_FONT, "", size - 1)
    received = _("Đã nhận đủ số tiền (viết bằng chữ): %(words)s") % {"words": document.words}
    pdf.multi_cell(0, 6, received, align="L", new_x="LMARGIN", new_y="NEXT")
    if document.copy_note:
        pdf.ln(2)
        pdf.set_font(PDF_FONT, "I", size - 3)
        pdf.multi_cell(0, 5, document.copy_note, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
