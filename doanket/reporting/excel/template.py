"""The Excel template of one report: current figures in unlocked cells, the rest locked."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection

from doanket.core.lib.dates import format_date
from doanket.reporting.excel import _layout as layout
from doanket.reporting.formula import derive
from doanket.reporting.models import Indicator, Report, ReportValue
from doanket.reporting.registry import computed_values

# Where things sit; the upload reads the same constants, never the file's word for them.
MAIN_SHEET = "Báo cáo"
META_SHEET = "_doanket"
FORMAT = "doanket.report"
FORMAT_VERSION = "1"
COL_NUMBER, COL_NAME, COL_MEASURE, COL_VALUE, COL_NOTE, COL_CODE = 1, 2, 3, 4, 5, 6
WIDTHS = {COL_NUMBER: 6, COL_NAME: 52, COL_MEASURE: 12, COL_VALUE: 18, COL_NOTE: 14, COL_CODE: 16}
KIND_TEMPLATE = "template"
KIND_EXPORT = "export"

TYPED_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)


def _meta(report: Report, kind: str) -> list[tuple[str, str]]:
    """What an upload checks the file against; every value a string, as Excel keeps it."""
    return [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("kind", kind),
        ("report_id", str(report.pk)),
        ("report_version", str(report.version)),
        ("form_code", report.form.code),
        ("form_version", str(report.form_version.number)),
        ("unit_id", str(report.unit_id)),
        ("unit_code", report.unit.code),
        ("unit_name", report.unit.name),
        ("member_org_id", str(report.member_org_id or "")),
        ("member_org_name", report.member_org.name if report.member_org_id else ""),
        ("period_code", report.period_code),
        ("created_at", timezone.localtime().isoformat(timespec="seconds")),
    ]


def _shown_value(indicator: Indicator, value: ReportValue | None):
    if value is None:
        return None
    if indicator.value_type == Indicator.ValueType.TEXT:
        return value.text or None
    if value.number is None:
        return None
    if indicator.value_type == Indicator.ValueType.BOOLEAN:
        return _("có") if value.number else _("không")
    return layout.excel_number(value.number)


def _sections(report: Report) -> list[tuple[str, list[Indicator]]]:
    sections: dict[int, tuple[str, list[Indicator]]] = {}
    for item in report.form_version.items():
        sections.setdefault(item.section_id, (item.section.title, []))[1].append(item.indicator)
    return list(sections.values())


def template_workbook(report: Report, *, editable: bool = True) -> bytes:
    """The report as an .xlsx to fill offline; with `editable` False, a plain export
    (every cell locked, derived figures shown) that an upload refuses."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(MAIN_SHEET)
    sheet = layout.Sheet(ws, width=COL_CODE)
    sheet.widths(WIDTHS)
    ws.column_dimensions["F"].hidden = True
    layout.a4_page(ws)
    ws.freeze_panes = f"A{layout.TABLE_HEADER_ROW + 1}"

    period = report.period
    layout.write_heading(
        sheet,
        issuer=layout.issuer_lines(
            report.unit.name, report.member_org.name if report.member_org_id else None
        ),
        left=(COL_NUMBER, COL_NAME),
        right=(COL_MEASURE, COL_NOTE),
    )
    sheet.append()
    layout.title_row(sheet, _("BÁO CÁO"), bold=True)
    layout.title_row(sheet, report.form.name, bold=True)
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
    if editable:
        hint = _(
            "Nhập số liệu vào các ô màu vàng ở cột “Số liệu” (số viết như 1.234.567 hoặc 97,5; "
            "ô để trống là không có số liệu). Không thêm, xóa hay đổi thứ tự các dòng."
        )
    else:
        hint = _("Bản xem số liệu (trạng thái: %(status)s); không dùng tệp này để nhập.") % {
            "status": report.get_status_display()
        }
    layout.title_row(sheet, hint, italic=True, size=11, chars=100)
    sheet.append()

    header = sheet.append(
        {
            column: sheet.cell(
                text, bold=True, alignment=layout.CENTER, border=layout.BOX, fill=layout.HEADER_FILL
            )
            for column, text in (
                (COL_NUMBER, _("STT")),
                (COL_NAME, _("Chỉ tiêu")),
                (COL_MEASURE, _("Đơn vị tính")),
                (COL_VALUE, _("Số liệu")),
                (COL_NOTE, _("Ghi chú")),
                (COL_CODE, _("Mã chỉ tiêu")),
            )
        },
        height=layout.LINE_HEIGHT * 2,
    )
    assert header == layout.TABLE_HEADER_ROW, header
    ws.print_title_rows = f"{header}:{header}"

    sections = _sections(report)
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    locked = _locked_figures(
        report,
        [indicator for _title, indicators in sections for indicator in indicators],
        values,
        with_derived=not editable,
    )

    for title, indicators in sections:
        sheet.append(
            {
                COL_NUMBER: sheet.cell(border=layout.BOX, fill=layout.SECTION_FILL),
                COL_NAME: sheet.cell(
                    title,
                    bold=True,
                    alignment=layout.LEFT,
                    border=layout.BOX,
                    fill=layout.SECTION_FILL,
                ),
            },
            height=layout.LINE_HEIGHT * layout.lines_needed(title, 90) + 4,
        )
        sheet.merge(COL_NAME, COL_NOTE)
        for number, indicator in enumerate(indicators, start=1):
            sheet.append(
                _indicator_row(sheet, number, indicator, values, locked, editable),
                height=layout.LINE_HEIGHT * layout.lines_needed(indicator.name, WIDTHS[COL_NAME])
                + 4,
            )
    ws.print_area = f"A1:E{sheet.row}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may widen a column to read a long name
    ws.protection.formatRows = False

    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    for key, value in _meta(report, KIND_TEMPLATE if editable else KIND_EXPORT):
        meta.append([key, value])
    meta.protection.sheet = True
    # No password: protection guides the hand, the upload checks every cell anyway.
    workbook.security = WorkbookProtection(lockStructure=True)
    return layout.save(workbook)


def _locked_figures(report: Report, indicators, values, *, with_derived: bool) -> dict:
    """The figures of the locked value cells: the registers' for computed rows, read for
    the report's unit on the map of the period's end as the report page reads them, and,
    in an export, the derived ones from the typed and register figures together. A
    template leaves derived cells empty: they change as the figures are typed."""
    period = report.period
    figures = computed_values(indicators, unit=report.unit, period=period, on=period.end)
    if not with_derived:
        return figures
    typed = {
        code: value.number
        for code, value in values.items()
        if value.indicator.source == Indicator.Source.TYPED
    }
    formulas = {i.code: i.formula for i in indicators if i.source == Indicator.Source.DERIVED}
    return derive(typed | figures, formulas)


def _indicator_row(sheet, number, indicator, values, locked, editable):
    typed = indicator.source == Indicator.Source.TYPED
    value_style = {
        "border": layout.BOX,
        "number_format": layout.number_format(indicator),
        "alignment": layout.LEFT
        if indicator.value_type == Indicator.ValueType.TEXT
        else layout.RIGHT,
    }
    if typed:
        shown = _shown_value(indicator, values.get(indicator.code))
        value_cell = sheet.cell(shown, **value_style)
        note = ""
        if editable:
            value_cell.fill = TYPED_FILL
            value_cell.protection = UNLOCKED
    else:
        shown = layout.excel_number(locked.get(indicator.code))
        value_cell = sheet.cell(shown, fill=layout.SECTION_FILL, **value_style)
        note = _("Tự tính") if indicator.source == Indicator.Source.DERIVED else _("Từ sổ")
    return {
        COL_NUMBER: sheet.cell(number, alignment=layout.CENTER, border=layout.BOX),
        COL_NAME: sheet.cell(indicator.name, alignment=layout.LEFT, border=layout.BOX),
        COL_MEASURE: sheet.cell(indicator.measure, alignment=layout.CENTER, border=layout.BOX),
        COL_VALUE: value_cell,
        COL_NOTE: sheet.cell(note or None, italic=True, color="595959", border=layout.BOX),
        COL_CODE: sheet.cell(indicator.code, size=10),
    }
