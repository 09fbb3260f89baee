"""The printed lists of an evaluation: the list posted on the notice board (danh sách
niêm yết) and the annex of the commune's decision (phụ lục kèm quyết định), as xlsx and
as PDF, laid out as Decree 30/2020 asks (A4 portrait, its margins and heading).

A `Document` holds what both formats print, so the two never disagree.
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models.functions import Collate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fontTools.ttLib import TTFont, TTLibError
from fpdf import FPDF
from openpyxl import Workbook

from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import document_date_line, format_date
from doanket.households import services
from doanket.households.criteria import FAMILY_CRITERIA
from doanket.households.models import Evaluation, HouseholdYear, Result
from doanket.reporting.excel import _layout as layout
from doanket.units import selectors as unit_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTICE, ANNEX = "notice", "annex"
# kind → the file name's first word
KINDS = {NOTICE: gettext_lazy("danh-sach-niem-yet"), ANNEX: gettext_lazy("phu-luc-quyet-dinh")}

# Fonts with Vietnamese glyphs, the first that exists wins (Times New Roman's metric twin
# first). Each style lists its files in the same order.
FONT_FILES = {
    "": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
    "B": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    "I": (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
}
PDF_FONT = "VietSerif"
VIETNAMESE_LETTERS = "ĂăÂâĐđÊêÔôƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏ" + (
    "ỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)
# Decree 30/2020: left 30 mm, right 15 mm, top and bottom 20 mm.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 30, 15, 20, 20
PAGE_WIDTH = 210
COLUMNS = (
    gettext_lazy("STT"),
    gettext_lazy("Chủ hộ"),
    gettext_lazy("Địa chỉ"),
    gettext_lazy("Kết quả"),
    gettext_lazy("Ghi chú"),
)
PDF_WIDTHS = (12, 52, 44, 21, 36)  # mm, 165 in all: the width between the margins
LEFT_BLOCK = 65  # mm of the heading's left block; the right one takes the rest
XLSX_WIDTHS = {1: 6, 2: 28, 3: 32, 4: 13, 5: 26}
PLACE_PREFIXES = ("xã ", "phường ", "thị trấn ", "đặc khu ")
BLANK_DATE_LINE = "……………, ngày …… tháng …… năm ……"


class NoFont(RuntimeError):
    """No font with Vietnamese glyphs on this machine: a PDF would come out garbled."""


@dataclass
class Document:
    commune: str
    area: str
    date_line: str
    titles: list[str]
    subtitle: str
    rows: list[tuple[str, str, str, str]]
    summary: str
    signature: list[str] = field(default_factory=list)


def _place(commune: str) -> str:
    """The place in the date line: the commune's name without its kind ("Cẩm Giàng")."""
    lowered = commune.lower()
    for prefix in PLACE_PREFIXES:
        if lowered.startswith(prefix):
            return commune[len(prefix) :]
    return commune


def _date_line(commune: str, day: datetime.date | None) -> str:
    return document_date_line(_place(commune), day) if day and commune else BLANK_DATE_LINE


def _commune_of(evaluation: Evaluation) -> str:
    on = min(services.today(), datetime.date(evaluation.year, 12, 31))
    link = unit_selectors.unit_link_on(unit=evaluation.area, on=on)
    return link.parent.name if link and link.parent else ""


def _note(row: HouseholdYear) -> str:
    """The meeting's note, else for a household not achieved the criteria it missed."""
    if row.result_note:
        return row.result_note
    if row.result == Result.NOT_ACHIEVED:
        missing = [code for code in FAMILY_CRITERIA if not (row.criteria or {}).get(code)]
        if missing:
            return _("Chưa đạt tiêu chí %(codes)s") % {"codes": ", ".join(missing)}
    return ""


def _rows(evaluation: Evaluation, *, achieved_only: bool) -> list[tuple[str, str, str, str]]:
    found = HouseholdYear.objects.filter(
        area=evaluation.area, year=evaluation.year, present=True, registered=True
    ).select_related("household")
    if achieved_only:
        found = found.filter(result=Result.ACHIEVED)
    found = found.order_by(Collate("household__head_name", VI_COLLATION), "household_id")
    return [
        (
            row.household.head_name,
            row.household.address,
            str(Result(row.result).label) if row.result else _("Chưa bình xét"),
            _note(row),
        )
        for row in found
    ]


def evaluation_document(evaluation: Evaluation, kind: str) -> Document:
    commune = _commune_of(evaluation)
    area = evaluation.area.name
    if kind == NOTICE:
        return _notice(evaluation, commune, area)
    return _annex(evaluation, commune, area)


def _notice(evaluation: Evaluation, commune: str, area: str) -> Document:
    rows = _rows(evaluation, achieved_only=False)
    achieved = sum(1 for row in rows if row[2] == str(Result.ACHIEVED.label))
    ends = services.posting_ends(evaluation)
    if evaluation.posted_on:
        subtitle = _("(Niêm yết từ ngày %(start)s đến ngày %(end)s)") % {
            "start": format_date(evaluation.posted_on),
            "end": format_date(ends),
        }
    else:
        subtitle = _("(Niêm yết 10 ngày tại nhà văn hóa khu dân cư)")
    return Document(
        commune=commune,
        area=area,
        date_line=_date_line(commune, evaluation.posted_on),
        titles=[
            _("DANH SÁCH NIÊM YẾT"),
            _("Kết quả bình xét danh hiệu “Gia đình văn hóa” năm %(year)s")
            % {"year": evaluation.year},
        ],
        subtitle=subtitle,
        rows=rows,
        summary=_("Tổng số: %(registered)s hộ đăng ký; %(achieved)s hộ đạt, đề nghị công nhận.")
        % {"registered": len(rows), "achieved": achieved},
        signature=[_("TM. BAN CÔNG TÁC MẶT TRẬN"), _("TRƯỞNG BAN")],
    )


def _annex(evaluation: Evaluation, commune: str, area: str) -> Document:
    rows = _rows(evaluation, achieved_only=True)
    if evaluation.is_decided:
        subtitle = _("(Kèm theo Quyết định số %(number)s ngày %(date)s)") % {
            "number": evaluation.decision_number,
            "date": format_date(evaluation.decision_on),
        }
    else:
        subtitle = _("(Kèm theo Quyết định số ……… ngày ………)")
    return Document(
        commune=commune,
        area=area,
        date_line=_date_line(commune, evaluation.decision_on),
        titles=[
            _("PHỤ LỤC"),
            _("DANH SÁCH HỘ GIA ĐÌNH ĐƯỢC CÔNG NHẬN DANH HIỆU “GIA ĐÌNH VĂN HÓA” NĂM %(year)s")
            % {"year": evaluation.year},
            area,
        ],
        subtitle=subtitle,
        rows=rows,
        summary=_("Tổng số: %(n)s hộ.") % {"n": len(rows)},
    )


def _issuer(document: Document) -> list[tuple[str, str]]:
    """The left block of the heading: the commune's Front committee over the area's
    Front work board, each as (body, its unit) so a narrow block can break between."""
    return [
        (_("ỦY BAN MTTQ VIỆT NAM"), document.commune.upper()),
        (_("BAN CÔNG TÁC MẶT TRẬN"), document.area.upper()),
    ]


def _issuer_lines(document: Document) -> list[str]:
    return [" ".join(part for part in pair if part) for pair in _issuer(document)]


# xlsx ------------------------------------------------------------------------------


def _xlsx_heading(sheet: layout.Sheet, document: Document) -> None:
    """Decree-30 heading as reporting's workbooks write it, with the document's own
    place-and-date line instead of the blank one."""
    issuer = _issuer_lines(document)
    left = [{"value": issuer[0]}, {"value": issuer[1], "bold": True}]
    right = [
        {"value": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "bold": True, "size": 12},
        {"value": _("Độc lập - Tự do - Hạnh phúc"), "bold": True},
        {"value": document.date_line, "italic": True},
    ]
    for index in range(len(right)):
        cells = {}
        if index < len(left):
            cells[1] = sheet.cell(**left[index], alignment=layout.CENTER)
        cells[3] = sheet.cell(**right[index], alignment=layout.CENTER)
        if index == 1:
            cells[3].font = layout.font(bold=True, underline="single")
        sheet.append(cells, height=layout.LINE_HEIGHT * 2 if index == 0 else None)
        sheet.merge(1, 2)
        sheet.merge(3, 5)


def to_xlsx(document: Document) -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Danh sách"))
    sheet = layout.Sheet(ws, width=5)
    sheet.widths(XLSX_WIDTHS)
    layout.a4_page(ws)
    _xlsx_heading(sheet, document)
    sheet.append()
    for n, title in enumerate(document.titles):
        layout.title_row(sheet, title, bold=n < 2)
    layout.title_row(sheet, document.subtitle, italic=True)
    sheet.append()
    header = sheet.append(
        {
            column: sheet.cell(
                str(text),
                bold=True,
                alignment=layout.CENTER,
                border=layout.BOX,
                fill=layout.HEADER_FILL,
            )
            for column, text in enumerate(COLUMNS, start=1)
        },
        height=layout.LINE_HEIGHT + 6,
    )
    ws.print_title_rows = f"{header}:{header}"
    for number, (name, address, result, note) in enumerate(document.rows, start=1):
        lines = max(
            layout.lines_needed(name, XLSX_WIDTHS[2]),
            layout.lines_needed(address, XLSX_WIDTHS[3]),
            layout.lines_needed(note, XLSX_WIDTHS[5]),
        )
        sheet.append(
            {
                1: sheet.cell(number, alignment=layout.CENTER, border=layout.BOX),
                2: sheet.cell(name, alignment=layout.LEFT, border=layout.BOX),
                3: sheet.cell(address, alignment=layout.LEFT, border=layout.BOX),
                4: sheet.cell(result, alignment=layout.CENTER, border=layout.BOX),
                5: sheet.cell(note, alignment=layout.LEFT, border=layout.BOX),
            },
            height=layout.LINE_HEIGHT * lines + 4,
        )
    last = sheet.row
    sheet.append()
    sheet.append({1: sheet.cell(document.summary, italic=True, alignment=layout.LEFT)})
    sheet.merge(1, 5)
    for line in document.signature:
        sheet.append({3: sheet.cell(line, bold=True, alignment=layout.CENTER)})
        sheet.merge(3, 5)
    ws.print_area = f"A1:E{max(sheet.row, last)}"
    return layout.save(workbook)


# PDF -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _covers_vietnamese(path: str) -> bool:
    """Whether a font file has every Vietnamese letter: old releases of a font family
    (Liberation 1.x) stop at Latin-1 and would print "Y BAN" for "ỦY BAN"."""
    try:
        font = TTFont(path, lazy=True)
        letters = font.getBestCmap() or {}
        font.close()
    except (OSError, TTLibError):
        return False
    return all(ord(letter) in letters for letter in VIETNAMESE_LETTERS)


def _font_files() -> dict[str, str]:
    found = {}
    for style, candidates in FONT_FILES.items():
        path = next((p for p in candidates if Path(p).exists() and _covers_vietnamese(p)), None)
        if path:
            found[style] = path
    if "" not in found:
        raise NoFont(_("Không tìm thấy phông chữ có dấu tiếng Việt."))
    for style in ("B", "I"):
        found.setdefault(style, found[""])
    return found


class NumberedPdf(FPDF):
    """Page numbers at the top centre, from page 2 on (Decree 30/2020)."""

    def header(self):
        if self.page_no() > 1:
            self.set_font(PDF_FONT, "", 12)
            self.set_y(10)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(MARGIN_TOP)


def _fit(pdf, text: str, style: str, size: float, width: float) -> None:
    """Set the largest size up to `size` (down to 10) at which `text` holds on one line
    of `width`: fonts wider than Times New Roman would push the country's name past the
    margin. Text that does not fit even then wraps."""
    while True:
        pdf.set_font(PDF_FONT, style, size)
        if size <= 10 or pdf.get_string_width(text) <= width - 2:
            return
        size -= 0.5


def _pdf_heading(pdf, document: Document) -> None:
    left_w = LEFT_BLOCK
    right_w = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - left_w
    top = pdf.get_y()
    pdf.set_xy(MARGIN_LEFT, top)
    for style, pair in zip(("", "B"), _issuer(document), strict=True):
        for part in filter(None, pair):
            _fit(pdf, part, style, 12, left_w)
            pdf.multi_cell(left_w, 5.5, part, align="C", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, MARGIN_LEFT + left_w / 2, pdf.get_y() + 0.5, 25)
    left_bottom = pdf.get_y() + 2

    x = MARGIN_LEFT + left_w
    country = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.set_xy(x, top)
    _fit(pdf, country, "B", 12, right_w)
    pdf.cell(right_w, 5.5, country, align="C")
    pdf.set_xy(x, top + 5.5)
    motto = _("Độc lập - Tự do - Hạnh phúc")
    _fit(pdf, motto, "B", 13, right_w)
    pdf.cell(right_w, 6, motto, align="C")
    _rule(pdf, x + right_w / 2, top + 12, pdf.get_string_width(motto))
    pdf.set_xy(x, top + 15)
    _fit(pdf, document.date_line, "I", 13, right_w)
    pdf.cell(right_w, 6, document.date_line, align="C")
    pdf.set_xy(MARGIN_LEFT, max(left_bottom, top + 22) + 4)


def _rule(pdf, centre: float, y: float, width: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - width / 2, y, centre + width / 2, y)


def to_pdf(document: Document) -> bytes:
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

    for n, title in enumerate(document.titles):
        pdf.set_font(PDF_FONT, "B" if n < 2 else "", 14 if n == 0 else 13)
        pdf.multi_cell(0, 6.5, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "I", 13)
    pdf.multi_cell(0, 6.5, document.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    # Times New Roman's twin takes 12 points; the wider DejaVu, 11, so names keep to a line
    pdf.set_font(PDF_FONT, "", 12 if "Liberation" in fonts[""] else 11)
    with pdf.table(
        col_widths=PDF_WIDTHS,
        text_align=("CENTER", "LEFT", "LEFT", "CENTER", "LEFT"),
        line_height=6,
        padding=1,
    ) as table:
        heading = table.row()
        for text in COLUMNS:
            heading.cell(str(text), align="C")
        for number, (name, address, result, note) in enumerate(document.rows, start=1):
            line = table.row()
            for text in (str(number), name, address, result, note):
                line.cell(text)
    pdf.ln(3)
    pdf.set_font(PDF_FONT, "I", 13)
    pdf.multi_cell(0, 6.5, document.summary, new_x="LMARGIN", new_y="NEXT")
    if document.signature:
        pdf.ln(2)
        pdf.set_font(PDF_FONT, "B", 13)
        for line in document.signature:
            pdf.set_x(MARGIN_LEFT + LEFT_BLOCK)
            pdf.cell(0, 6.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
