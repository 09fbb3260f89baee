"""The roll-up of a unit as a spreadsheet: child units as rows, indicators as columns."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from doanket.core.lib.dates import format_date
from doanket.reporting.excel import _layout as layout
from doanket.reporting.models import Indicator
from doanket.reporting.selectors import Rollup

FIRST_VALUE_COLUMN = 3


def _value_cell(sheet: layout.Sheet, indicator: Indicator, value, **style):
    return sheet.cell(
        layout.excel_number(value),
        number_format=layout.number_format(indicator),
        alignment=layout.RIGHT,
        border=layout.BOX,
        **style,
    )


def summary_workbook(rollup: Rollup, indicators: list[Indicator]) -> bytes:
    """Children of the roll-up's unit, its own figures when it has any, and a "Tổng cộng"
    row holding the roll-up's totals; only numeric indicators become columns."""
    numeric = [i for i in indicators if i.is_number]
    width = max(FIRST_VALUE_COLUMN - 1 + len(numeric), 5)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Tổng hợp"))
    sheet = layout.Sheet(ws, width=width)
    sheet.widths({1: 6, 2: 32} | {FIRST_VALUE_COLUMN + n: 15 for n in range(len(numeric))})
    layout.a4_page(ws, landscape=True)
    ws.freeze_panes = f"{get_column_letter(FIRST_VALUE_COLUMN)}{layout.TABLE_HEADER_ROW + 2}"

    right_first = max(FIRST_VALUE_COLUMN, width - 5)
    layout.write_heading(
        sheet,
        issuer=layout.issuer_lines(rollup.unit.name),
        left=(1, 2),
        right=(right_first, width),
    )
    sheet.append()
    layout.title_row(sheet, _("BẢNG TỔNG HỢP SỐ LIỆU"), bold=True)
    layout.title_row(sheet, rollup.form.name, bold=True, chars=40 + 12 * len(numeric))
    period = rollup.period
    layout.title_row(
        sheet,
        _("%(period)s (từ ngày %(start)s đến ngày %(end)s)")
        % {
            "period": period.label,
            "start": format_date(period.start),
            "end": format_date(period.end),
        },
        italic=True,
    )
    scope = _("Theo bản đồ đơn vị ngày %(on)s; tính từ %(count)s báo cáo %(which)s.") % {
        "on": format_date(rollup.on),
        "count": rollup.reports_counted,
        "which": _("đã duyệt") if rollup.approved_only else _("đã gửi hoặc đã duyệt"),
    }
    layout.title_row(sheet, scope, italic=True, size=11)
    sheet.append()

    header_style = {
        "bold": True,
        "alignment": layout.CENTER,
        "border": layout.BOX,
        "fill": layout.HEADER_FILL,
    }
    longest = max((len(i.name) + len(i.measure) for i in numeric), default=10)
    header = sheet.append(
        {1: sheet.cell(_("STT"), **header_style), 2: sheet.cell(_("Đơn vị"), **header_style)}
        | {
            FIRST_VALUE_COLUMN + n: sheet.cell(
                f"{i.name} ({i.measure})" if i.measure else i.name, **header_style
            )
            for n, i in enumerate(numeric)
        },
        height=layout.LINE_HEIGHT * min(layout.lines_needed("x" * (longest + 3), 14), 8) + 4,
    )
    code_style = {"size": 10, "italic": True, "alignment": layout.CENTER, "border": layout.BOX}
    sheet.append(
        {1: sheet.cell(None, border=layout.BOX), 2: sheet.cell(_("Mã chỉ tiêu"), **code_style)}
        | {FIRST_VALUE_COLUMN + n: sheet.cell(i.code, **code_style) for n, i in enumerate(numeric)}
    )
    assert header == layout.TABLE_HEADER_ROW, header
    ws.print_title_rows = f"{header}:{header + 1}"

    def figures(values, **style):
        return {
            FIRST_VALUE_COLUMN + n: _value_cell(sheet, i, values.get(i.code), **style)
            for n, i in enumerate(numeric)
        }

    for number, child in enumerate(rollup.children, start=1):
        sheet.append(
            {
                1: sheet.cell(number, alignment=layout.CENTER, border=layout.BOX),
                2: sheet.cell(child.unit.name, alignment=layout.LEFT, border=layout.BOX),
            }
            | figures(child.values)
        )
    if any(rollup.own.get(i.code) is not None for i in numeric):
        sheet.append(
            {
                1: sheet.cell(None, border=layout.BOX),
                2: sheet.cell(
                    _("Số liệu của chính %(unit)s") % {"unit": rollup.unit.name},
                    italic=True,
                    alignment=layout.LEFT,
                    border=layout.BOX,
                ),
            }
            | figures(rollup.own, italic=True)
        )
    sheet.append(
        {
            1: sheet.cell(None, border=layout.BOX, fill=layout.SECTION_FILL),
            2: sheet.cell(
                _("Tổng cộng"),
                bold=True,
                alignment=layout.CENTER,
                border=layout.BOX,
                fill=layout.SECTION_FILL,
            ),
        }
        | figures(rollup.totals, bold=True, fill=layout.SECTION_FILL)
    )
    ws.print_area = f"A1:{get_column_letter(width)}{sheet.row}"
    return layout.save(workbook)
