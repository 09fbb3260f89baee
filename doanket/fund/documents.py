"""The fund statement as a document: xlsx and PDF laid out as Decree 30/2020 asks (A4
portrait, its margins, its heading), with the same rows in both so they never disagree.

The PDF reuses the evaluation lists' fonts and page (doanket.households.documents), the
workbook reuses the report workbooks' layout (doanket.reporting.excel._layout).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from fpdf.fonts import FontFace
from openpyxl import Workbook

from doanket.core.lib.dates import format_date
from doanket.core.lib.money import format_number
from doanket.fund.selectors import FundStatement
from doanket.households.documents import (
    BLANK_DATE_LINE,
    LEFT_BLOCK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_WIDTH,
    PDF_FONT,
    XLSX,
    NoFont,
    NumberedPdf,
    _fit,
    _font_files,
    _rule,
)
from doanket.reporting.excel import _layout as layout

__all__ = ["XLSX", "NoFont", "statement_document", "to_pdf", "to_xlsx"]

ROMAN = ("I", "II", "III", "IV", "V")
MAIN_WIDTHS = {1: 8, 2: 52, 3: 16, 4: 20}  # xlsx characters
PDF_MAIN = (14, 87, 27, 37)  # mm, 165 in all
CHILD_WIDTHS = {1: 6, 2: 28, 3: 16, 4: 16, 5: 16, 6: 16, 7: 16}
PDF_CHILD = (11, 39, 23, 23, 23, 23, 23)
BOLD = FontFace(emphasis="BOLD")


@dataclass
class Row:
    number: str
    label: str
    count: str
    amount: int | None
    bold: bool = False


@dataclass
class StatementDocument:
    issuer: list[str]
    titles: list[str]
    subtitles: list[str]
    rows: list[Row]
    child_header: list[str] = field(default_factory=list)
    child_rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


def _count(n: int, words: str) -> str:
    """A count in words such as "%(n)s lượt", with the number written the Vietnamese way."""
    return words % {"n": format_number(n)}


def _received_rows(s: FundStatement) -> list[Row]:
    rows = [Row(ROMAN[1], _("Số tiền vận động được (thu)"), "", s.received, bold=True)]
    rows.append(Row("1", _("Theo đợt vận động"), "", None))
    for line in s.received_by_drive:
        rows.append(Row("-", line.label, _count(line.count, _("%(n)s lượt")), line.amount))
    rows.append(Row("2", _("Theo người ủng hộ"), "", None))
    for line in s.received_by_donor_type:
        rows.append(Row("-", line.label, _count(line.count, _("%(n)s lượt")), line.amount))
    return rows


def _spent_rows(s: FundStatement) -> list[Row]:
    rows = [Row(ROMAN[2], _("Số tiền đã chi hỗ trợ"), "", s.spent, bold=True)]
    for n, line in enumerate(s.spent_by_category, start=1):
        if line.houses is not None:
            count = _count(line.houses, _("%(n)s nhà"))
        else:
            count = _count(line.count, _("%(n)s lượt"))
        rows.append(Row(str(n), line.label, count, line.amount))
    rows.append(
        Row(
            "",
            _("Số hộ được hỗ trợ (mỗi hộ tính một lần)"),
            _count(s.households_helped, _("%(n)s hộ")),
            None,
        )
    )
    return rows


def _transfer_rows(s: FundStatement) -> list[Row]:
    rows = [
        Row(ROMAN[3], _("Chuyển quỹ giữa các cấp"), "", None, bold=True),
        Row("1", _("Nhận từ quỹ cấp khác"), "", s.transfers_in),
        Row("2", _("Chuyển cho quỹ cấp khác"), "", s.transfers_out),
    ]
    if s.rollup:
        rows.append(
            Row(
                "",
                _("Chuyển giữa các quỹ trong địa bàn (không tính vào thu, chi)"),
                "",
                s.internal_transfers,
            )
        )
    return rows


def _child_rows(s: FundStatement) -> list[list]:
    rows = []
    for n, line in enumerate(s.children, start=1):
        name = line.unit.name if line.unit else _("Quỹ của %(unit)s") % {"unit": s.unit.name}
        if not line.funds:
            rows.append([str(n), name, None, None, None, None, None])
            continue
        rows.append(
            [str(n), name, line.opening, line.received, line.spent, line.transfers, line.closing]
        )
    return rows


def statement_document(s: FundStatement) -> StatementDocument:
    span = _("(Từ ngày %(start)s đến ngày %(end)s)") % {
        "start": format_date(s.start),
        "end": format_date(s.end),
    }
    if s.rollup:
        scope = _("Tổng hợp %(n)s quỹ trên địa bàn, theo bản đồ đơn vị hành chính ngày %(on)s") % {
            "n": len(s.funds),
            "on": format_date(s.on),
        }
    else:
        scope = _("Quỹ của riêng %(unit)s") % {"unit": s.unit.name}
    rows = [Row(ROMAN[0], _("Số dư đầu kỳ"), "", s.opening, bold=True)]
    rows += _received_rows(s) + _spent_rows(s) + _transfer_rows(s)
    rows.append(Row(ROMAN[4], _("Số dư cuối kỳ"), "", s.closing, bold=True))
    notes = []
    if not s.has_fund:
        notes.append(_("Đơn vị chưa có Quỹ “Vì người nghèo” trong phạm vi này."))
    if not s.balanced:
        notes.append(
            _("Cảnh báo: số dư cuối kỳ khác tổng các bút toán trên sổ (%(ledger)s đồng).")
            % {"ledger": format_number(s.ledger_closing)}
        )
    return StatementDocument(
        issuer=layout.issuer_lines(s.unit.name),
        titles=[_("BÁO CÁO"), _("TÌNH HÌNH THU, CHI QUỸ “VÌ NGƯỜI NGHÈO”")],
        subtitles=[span, scope],
        rows=rows,
        child_header=[
            _("STT"),
            _("Đơn vị"),
            _("Dư đầu kỳ"),
            _("Thu trong kỳ"),
            _("Chi trong kỳ"),
            _("Chuyển (thuần)"),
            _("Dư cuối kỳ"),
        ]
        if s.rollup and s.children
        else [],
        child_rows=_child_rows(s) if s.rollup else [],
        notes=notes,
        signature=[_("TM. BAN VẬN ĐỘNG QUỸ"), _("TRƯỞNG BAN")],
    )


# xlsx ------------------------------------------------------------------------------


def _box(sheet, value, *, bold=False, align=layout.LEFT, money=False):
    cell = sheet.cell(value, bold=bold, alignment=align, border=layout.BOX)
    if money:
        cell.number_format = layout.INTEGER_FORMAT
        cell.alignment = layout.RIGHT
    return cell


def _header(sheet, texts) -> int:
    return sheet.append(
        {
            n: sheet.cell(
                str(text),
                bold=True,
                alignment=layout.CENTER,
                border=layout.BOX,
                fill=layout.HEADER_FILL,
            )
            for n, text in enumerate(texts, start=1)
        },
        height=layout.LINE_HEIGHT * 2,
    )


def _main_sheet(workbook, document: StatementDocument) -> None:
    ws = workbook.create_sheet(_("Thu chi quỹ"))
    sheet = layout.Sheet(ws, width=4)
    sheet.widths(MAIN_WIDTHS)
    layout.a4_page(ws)
    layout.write_heading(sheet, issuer=document.issuer, left=(1, 2), right=(3, 4))
    sheet.append()
    for title in document.titles:
        layout.title_row(sheet, title, bold=True, chars=60)
    for subtitle in document.subtitles:
        layout.title_row(sheet, subtitle, italic=True, chars=60)
    sheet.append()
    header = _header(sheet, [_("STT"), _("Nội dung"), _("Số lượng"), _("Số tiền (đồng)")])
    ws.print_title_rows = f"{header}:{header}"
    for row in document.rows:
        sheet.append(
            {
                1: _box(sheet, row.number, bold=row.bold, align=layout.CENTER),
                2: _box(sheet, row.label, bold=row.bold),
                3: _box(sheet, row.count, align=layout.CENTER),
                4: _box(sheet, row.amount, bold=row.bold, money=True),
            },
            height=layout.LINE_HEIGHT * layout.lines_needed(row.label, MAIN_WIDTHS[2]) + 4,
        )
    sheet.append()
    for note in document.notes:
        sheet.append({1: sheet.cell(note, italic=True, alignment=layout.LEFT)})
        sheet.merge(1, 4)
    for line in document.signature:
        sheet.append({3: sheet.cell(line, bold=True, alignment=layout.CENTER)})
        sheet.merge(3, 4)
    ws.print_area = f"A1:D{sheet.row}"


def _child_sheet(workbook, document: StatementDocument) -> None:
    ws = workbook.create_sheet(_("Theo đơn vị"))
    sheet = layout.Sheet(ws, width=7)
    sheet.widths(CHILD_WIDTHS)
    layout.a4_page(ws, landscape=True)
    layout.title_row(sheet, _("CHI TIẾT THEO ĐƠN VỊ TRỰC THUỘC"), bold=True)
    for subtitle in document.subtitles:
        layout.title_row(sheet, subtitle, italic=True)
    sheet.append()
    _header(sheet, document.child_header)
    for values in document.child_rows:
        cells = {
            1: _box(sheet, values[0], align=layout.CENTER),
            2: _box(sheet, values[1]),
        }
        for column, value in enumerate(values[2:], start=3):
            cells[column] = _box(sheet, value, money=True)
        sheet.append(cells)


def to_xlsx(document: StatementDocument) -> bytes:
    workbook = Workbook(write_only=True)
    _main_sheet(workbook, document)
    if document.child_rows:
        _child_sheet(workbook, document)
    return layout.save(workbook)


# PDF -------------------------------------------------------------------------------


def _money(value) -> str:
    return "" if value is None else format_number(value)


def _pdf_heading(pdf, document: StatementDocument) -> None:
    """The Decree-30 heading: the Front committee of the unit on the left, the country
    and the motto on the right, the place and date left blank for the signer."""
    left_w = LEFT_BLOCK
    right_w = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - left_w
    top = pdf.get_y()
    pdf.set_xy(MARGIN_LEFT, top)
    for n, line in enumerate(document.issuer):
        style = "B" if n == len(document.issuer) - 1 else ""
        _fit(pdf, line, style, 12, left_w)
        pdf.multi_cell(left_w, 5.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, MARGIN_LEFT + left_w / 2, pdf.get_y() + 0.5, 25)
    left_bottom = pdf.get_y() + 2
    x = MARGIN_LEFT + left_w
    country = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.set_xy(x, top)
    _fit(pdf, country, "B", 12, right_w)
    pdf.cell(right_w, 5.5, country, align="C")
    motto = _("Độc lập - Tự do - Hạnh phúc")
    pdf.set_xy(x, top + 5.5)
    _fit(pdf, motto, "B", 13, right_w)
    pdf.cell(right_w, 6, motto, align="C")
    _rule(pdf, x + right_w / 2, top + 12, pdf.get_string_width(motto))
    pdf.set_xy(x, top + 15)
    _fit(pdf, BLANK_DATE_LINE, "I", 13, right_w)
    pdf.cell(right_w, 6, BLANK_DATE_LINE, align="C")
    pdf.set_xy(MARGIN_LEFT, max(left_bottom, top + 22) + 4)


def _pdf_main_table(pdf, document: StatementDocument) -> None:
    with pdf.table(
        col_widths=PDF_MAIN,
        text_align=("CENTER", "LEFT", "CENTER", "RIGHT"),
        line_height=6,
        padding=1,
    ) as table:
        heading = table.row()
        for text in (_("STT"), _("Nội dung"), _("Số lượng"), _("Số tiền (đồng)")):
            heading.cell(str(text), align="C")
        for row in document.rows:
            line = table.row()
            style = BOLD if row.bold else None
            for text in (row.number, row.label, row.count, _money(row.amount)):
                line.cell(text, style=style)


def _pdf_child_table(pdf, document: StatementDocument) -> None:
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "B", 13)
    pdf.multi_cell(
        0, 6.5, _("CHI TIẾT THEO ĐƠN VỊ TRỰC THUỘC"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(PDF_FONT, "", 9)
    with pdf.table(
        col_widths=PDF_CHILD,
        text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        padding=1,
    ) as table:
        heading = table.row()
        for text in document.child_header:
            heading.cell(str(text), align="C")
        for values in document.child_rows:
            line = table.row()
            line.cell(values[0])
            line.cell(values[1])
            for value in values[2:]:
                line.cell(_money(value) if value is not None else "—")


def to_pdf(document: StatementDocument) -> bytes:
    fonts = _font_files()
    pdf = NumberedPdf(orientation="P", unit="mm", format="A4")
    for style, path in fonts.items():
        pdf.add_font(PDF_FONT, style, path)
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.set_title(" ".join(document.titles))
    pdf.set_creator(_("Đoàn Kết"))
    pdf.add_page()
    _pdf_heading(pdf, document)
    for title in document.titles:
        pdf.set_font(PDF_FONT, "B", 14)
        pdf.multi_cell(0, 6.5, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "I", 13)
    for subtitle in document.subtitles:
        pdf.multi_cell(0, 6.5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(PDF_FONT, "", 12 if "Liberation" in fonts[""] else 11)
    _pdf_main_table(pdf, document)
    if document.child_rows:
        _pdf_child_table(pdf, document)
    pdf.ln(3)
    pdf.set_font(PDF_FONT, "I", 12)
    for note in document.notes:
        pdf.multi_cell(0, 6, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(PDF_FONT, "B", 13)
    for line in document.signature:
        pdf.set_x(MARGIN_LEFT + LEFT_BLOCK)
        pdf.cell(0, 6.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
