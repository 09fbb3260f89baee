"""What both workbooks share: fonts, number formats, the Decree-30 heading, A4 pages."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from doanket.reporting.models import Indicator

FONT_NAME = "Times New Roman"
FONT_SIZE = 13


def font(*, bold=False, italic=False, underline=None, size=FONT_SIZE, color=None) -> Font:
    return Font(
        name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline, color=color
    )


THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")

# Format codes are locale-neutral: "," groups thousands and "." marks decimals in the
# file, and Excel shows them with the reader's separators (1.234.567 and 97,49 on a
# Vietnamese system).
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"

# Decree 30/2020 margins: left 30 mm, right 15 mm, top and bottom 20 mm (in inches).
MARGINS = {"left": 1.18, "right": 0.59, "top": 0.79, "bottom": 0.79, "header": 0.3, "footer": 0.3}
LINE_HEIGHT = 17  # points, one line of 13-point type
# Heading (3 rows), a blank row, four title rows, a blank row: the table starts on row 10.
# A write-only sheet writes its panes before the first row, so both workbooks keep this.
TABLE_HEADER_ROW = 10


def number_format(indicator: Indicator) -> str:
    if indicator.value_type in (Indicator.ValueType.INTEGER, Indicator.ValueType.MONEY):
        return INTEGER_FORMAT
    if indicator.value_type == Indicator.ValueType.DECIMAL:
        return DECIMAL_FORMAT
    return TEXT_FORMAT


def excel_number(value: Decimal | None) -> int | float | None:
    """A stored figure as Excel holds it: whole numbers as int, the rest as float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def lines_needed(text: str, width: float) -> int:
    """Rough count of wrapped lines, since Excel does not size rows of a new file itself."""
    per_line = max(int(width * 0.95), 1)
    return max(1, -(-len(text) // per_line))


class Sheet:
    """A write-only worksheet that remembers which row comes next, so merges can name it."""

    def __init__(self, ws, width: int):
        self.ws = ws
        self.width = width
        self.row = 0

    def cell(self, value=None, *, bold=False, italic=False, size=FONT_SIZE, color=None, **style):
        result = WriteOnlyCell(self.ws, value=value)
        result.font = font(bold=bold, italic=italic, size=size, color=color)
        for name, setting in style.items():
            setattr(result, name, setting)
        return result

    def append(self, cells: dict[int, object] | None = None, *, height: float | None = None):
        """Write one row from {column: cell}; returns its number."""
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        cells = cells or {}
        self.ws.append([cells.get(column) for column in range(1, self.width + 1)])
        return self.row

    def merge(self, first: int, last: int, row: int | None = None) -> None:
        row = row or self.row
        if last > first:
            self.ws.merged_cells.add(
                f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"
            )

    def widths(self, widths: dict[int, float]) -> None:
        for column, width in widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width


def issuer_lines(unit_name: str, member_org_name: str | None = None) -> list[str]:
    """Left block of the heading: the Front committee of the unit; for a member
    organisation, that committee as the managing body over the organisation."""
    committee = _("ỦY BAN MTTQ VIỆT NAM")
    if member_org_name:
        return [f"{committee} {unit_name.upper()}", member_org_name.upper()]
    return [committee, unit_name.upper()]


def write_heading(
    sheet: Sheet, *, issuer: list[str], left: tuple[int, int], right: tuple[int, int]
):
    """The two blocks of a Decree-30 heading side by side.

    Left: the managing body (plain caps) over the issuing body (bold caps); right: the
    country's name (bold caps) over the motto (bold, underlined), then the place-and-date
    line in italics, left for the signer to fill in by hand.
    """
    left_lines = [{"value": line, "bold": n == len(issuer) - 1} for n, line in enumerate(issuer)]
    right_lines = [
        {"value": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "bold": True, "size": 12},
        {"value": _("Độc lập - Tự do - Hạnh phúc"), "bold": True},
        {"value": _("……………, ngày …… tháng …… năm ……"), "italic": True},
    ]
    for index in range(max(len(left_lines), len(right_lines))):
        cells = {}
        if index < len(left_lines):
            cells[left[0]] = sheet.cell(**left_lines[index], alignment=CENTER)
        if index < len(right_lines):
            cells[right[0]] = sheet.cell(**right_lines[index], alignment=CENTER)
            if index == 1:
                cells[right[0]].font = font(bold=True, underline="single")
        sheet.append(cells, height=LINE_HEIGHT + 2)
        sheet.merge(*left)
        sheet.merge(*right)


def title_row(sheet: Sheet, text: str, *, bold=False, italic=False, size=FONT_SIZE, chars=80):
    height = LINE_HEIGHT * lines_needed(text, chars) + 2
    sheet.append(
        {1: sheet.cell(text, bold=bold, italic=italic, size=size, alignment=CENTER)},
        height=height,
    )
    sheet.merge(1, sheet.width)


def a4_page(ws, *, landscape: bool = False) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    ws.print_options.horizontalCentered = True


def save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
