"""Indicators a register provides: the roll-up, the rates, the report page and the Excel
files read them from the register for the unit and period, never from what was typed."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from doanket.reporting import registry
from doanket.reporting.excel.template import MAIN_SHEET
from doanket.reporting.models import FormItem, FormSection, Indicator, ReportValue
from doanket.reporting.selectors import report_rollup
from doanket.reporting.services import report_open, report_save

KEYS = ("thu.so_ho", "thu.so_ho_dat")
# What the register holds for each commune of today's map; the province is their sum.
FIGURES = {
    "N1": {"thu.so_ho": 1200, "thu.so_ho_dat": 1100},
    "N2": {"thu.so_ho": 800, "thu.so_ho_dat": 500},
}
PERIOD = "2026S1"
CODE_COLUMN, VALUE_COLUMN, NOTE_COLUMN = 6, 4, 5


@pytest.fixture
def register(cast):
    """A register giving two figures, registered as a register app does, and taken away
    afterwards so no other test sees it. Yields the calls it received."""
    calls = []

    def figures(unit, period, on, keys):
        calls.append((unit.code, period.code, on, tuple(keys)))
        if unit.code in FIGURES:
            return {None: {key: FIGURES[unit.code][key] for key in keys}}
        if unit.code == "P":
            result = {None: {key: sum(f[key] for f in FIGURES.values()) for key in keys}}
            for code, held in FIGURES.items():
                result[getattr(cast.tree, code).pk] = {key: held[key] for key in keys}
            return result
        return {None: {}}

    saved = dict(registry._SOURCES)
    registry.register_many(KEYS, figures)
    yield calls
    registry._SOURCES.clear()
    registry._SOURCES.update(saved)


def _indicator(code, name, measure, **fields):
    return Indicator.objects.create(code=code, name=name, measure=measure, **fields)


@pytest.fixture
def register_form(committee_form):
    """The committee form with a section of figures from the register: two computed
    indicators, one whose key no register provides, a rate of the two and a rate of a
    typed figure (KT_HO, households commended) over a register figure."""
    version = committee_form.versions.get(number=1)
    section = FormSection.objects.create(version=version, order=9, title="V. Theo sổ theo dõi")
    indicators = [
        _indicator("SO_HO_SO", "Số hộ theo sổ", "hộ", source="computed", computed_key=KEYS[0]),
        _indicator(
            "SO_HO_DAT_SO", "Số hộ đạt theo sổ", "hộ", source="computed", computed_key=KEYS[1]
        ),
        _indicator(
            "SO_HO_CHUA", "Số hộ chưa có sổ", "hộ", source="computed", computed_key="thu.chua"
        ),
        _indicator(
            "TL_HO_DAT_SO",
            "Tỷ lệ hộ đạt theo sổ",
            "%",
            value_type="decimal",
            aggregation="none",
            source="derived",
            formula="SO_HO_DAT_SO / SO_HO_SO * 100",
        ),
        _indicator(
            "TL_KT_HO_SO",
            "Tỷ lệ hộ được khen thưởng",
            "%",
            value_type="decimal",
            aggregation="none",
            source="derived",
            formula="KT_HO / SO_HO_SO * 100",
        ),
    ]
    for order, indicator in enumerate(indicators):
        FormItem.objects.create(section=section, indicator=indicator, order=order)
    return version


def _n1_report(cast, committee_form, values=None):
    report = report_open(
        form=committee_form,
        period=committee_form.period(PERIOD),
        unit=cast.tree.N1,
        user=cast.editor,
    )
    if values:
        report_save(report=report, user=cast.editor, values=values)
    return report


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S)
    assert match, code
    return match.group(1)


# The roll-up ------------------------------------------------------------------------


def test_the_rollup_totals_and_children_carry_the_register_figures(
    cast, committee_form, register_form, register, file_report
):
    file_report(cast.editor, cast.tree.N1, PERIOD, {"KT_HO": "120"})
    file_report(cast.outsider_editor, cast.tree.N2, PERIOD, {"KT_HO": "40"})
    period = committee_form.period(PERIOD)
    rollup = report_rollup(form=committee_form, unit=cast.tree.P, period=period)

    assert rollup.totals["SO_HO_SO"] == 2000 and rollup.totals["SO_HO_DAT_SO"] == 1600
    assert rollup.totals["TL_HO_DAT_SO"] == Decimal("80.00")
    # 160 commended of 2000 households, a typed figure over a register one.
    assert rollup.totals["TL_KT_HO_SO"] == Decimal("8.00")
    assert rollup.totals["SO_HO_CHUA"] is None  # no register gives it: unknown, not zero
    children = {row.unit.code: row.values for row in rollup.children}
    assert children["N1"]["SO_HO_SO"] == 1200 and children["N2"]["SO_HO_SO"] == 800
    assert children["N1"]["TL_HO_DAT_SO"] == Decimal("91.67")
    assert children["N2"]["TL_HO_DAT_SO"] == Decimal("62.50")
    assert children["N1"]["TL_KT_HO_SO"] == Decimal("10.00")
    assert children["N2"]["TL_KT_HO_SO"] == Decimal("5.00")
    assert children["N1"]["SO_HO_CHUA"] is None
    # One call for both keys of the register, for the unit on the period's end.
    assert [(u, p, on) for u, p, on, _keys in register] == [("P", PERIOD, period.end)]
    assert sorted(register[0][3]) == sorted(KEYS)


def test_a_figure_typed_before_the_indicator_came_from_the_register_is_not_counted(
    cast, committee_form, register_form, register, file_report
):
    report = file_report(cast.editor, cast.tree.N1, PERIOD, {"KT_HO": "120"})
    typed_earlier = Indicator.objects.get(code="SO_HO_SO")
    ReportValue.objects.create(report=report, indicator=typed_earlier, number=9999)
    period = committee_form.period(PERIOD)
    rollup = report_rollup(form=committee_form, unit=cast.tree.P, period=period)
    assert rollup.totals["SO_HO_SO"] == 2000
    assert {row.unit.code: row.values["SO_HO_SO"] for row in rollup.children} == {
        "N1": 1200,
        "N2": 800,
    }
    assert report_rollup(form=committee_form, unit=cast.tree.N1, period=period).totals[
        "SO_HO_SO"
    ] == Decimal(1200)


def test_the_rollup_page_shows_the_register_figures(
    client_for, cast, committee_form, register_form, register, file_report
):
    file_report(cast.editor, cast.tree.N1, PERIOD, {"KT_HO": "120"})
    url = reverse("reporting:rollup", args=[committee_form.code, cast.tree.P.pk, PERIOD])
    page = client_for(cast.admin).get(url).content.decode()
    total = _row(page, "SO_HO_SO")
    assert "Từ sổ" in total and ">2.000<" in total
    assert ">80,00<" in _row(page, "TL_HO_DAT_SO") and ">6,00<" in _row(page, "TL_KT_HO_SO")
    children = page[page.index('id="children"') :]
    assert ">1.200<" in children and ">800<" in children and ">91,67<" in children
    viewer = client_for(cast.viewer).get(
        reverse("reporting:rollup", args=[committee_form.code, cast.tree.N1.pk, PERIOD])
    )
    assert ">1.200<" in _row(viewer.content.decode(), "SO_HO_SO")
    assert client_for(cast.outsider).get(url).status_code == 404


# The report page --------------------------------------------------------------------


def test_the_report_page_shows_the_register_figures_read_only(
    client_for, cast, committee_form, register_form, register
):
    report = _n1_report(cast, committee_form, {"KT_HO": "120"})
    url = reverse("reporting:report", args=[report.pk])
    page = client_for(cast.editor).get(url).content.decode()
    figure = re.search(r'<span class="computed" data-code="SO_HO_SO">(.*?)</span>', page, re.S)
    assert figure and "1.200" in figure.group(1)
    assert 'name="v_SO_HO_SO"' not in page and 'name="v_KT_HO"' in page
    row = re.search(r'<td class="text-muted small">SO_HO_SO</td>(.*?)</tr>', page, re.S)
    assert row and "Từ sổ" in row.group(1) and "<input" not in row.group(1)
    assert "91,67" in page and "10,00" in page  # rates over register and typed figures
    period = committee_form.period(PERIOD)
    assert ("N1", PERIOD, period.end) in [(u, p, on) for u, p, on, _keys in register]
    # Where the drill-down exists, each figure leads to the households behind it.
    link = f"key=thu.so_ho&unit={cast.tree.N1.pk}&year=2026&on=2026-06-14"
    assert "?key=thu.so_ho" not in page or link in page
    assert "1.200" in client_for(cast.viewer).get(url).content.decode()


def test_a_register_figure_cannot_be_typed_on_the_page(
    client_for, cast, committee_form, register_form, register
):
    report = _n1_report(cast, committee_form)
    response = client_for(cast.editor).post(
        reverse("reporting:report", args=[report.pk]),
        {"v_SO_HO_SO": "5", "v_KT_HO": "7", "action": "save", "version": report.version},
    )
    assert response.status_code == 400
    assert "không được nhập tay: SO_HO_SO" in response.content.decode()
    assert not ReportValue.objects.filter(report=report).exists()


def test_the_outsider_sees_nothing_of_the_register_figures(
    client_for, cast, committee_form, register_form, register
):
    report = _n1_report(cast, committee_form, {"KT_HO": "120"})
    response = client_for(cast.outsider).get(reverse("reporting:report", args=[report.pk]))
    assert response.status_code == 404 and "1.200" not in response.content.decode()
    assert not [call for call in register if call[0] == "N1"]


# Excel ------------------------------------------------------------------------------


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))[MAIN_SHEET]


def _row_of(ws, code: str) -> int:
    for (cell,) in ws.iter_rows(min_col=CODE_COLUMN, max_col=CODE_COLUMN):
        if cell.value == code:
            return cell.row
    raise AssertionError(code)


def test_the_excel_files_carry_the_register_figures_locked(
    client_for, cast, committee_form, register_form, register
):
    report = _n1_report(cast, committee_form, {"KT_HO": "120"})
    url = reverse("reporting:template", args=[report.pk])
    ws = _sheet(client_for(cast.editor).get(url).content)
    row = _row_of(ws, "SO_HO_SO")
    assert ws.cell(row, VALUE_COLUMN).value == 1200
    assert ws.cell(row, VALUE_COLUMN).protection.locked is True
    assert ws.cell(row, NOTE_COLUMN).value == "Từ sổ"
    assert ws.cell(_row_of(ws, "TL_HO_DAT_SO"), VALUE_COLUMN).value is None  # typed later
    export = _sheet(client_for(cast.viewer).get(url).content)
    assert export.cell(_row_of(export, "SO_HO_SO"), VALUE_COLUMN).value == 1200
    assert export.cell(_row_of(export, "TL_HO_DAT_SO"), VALUE_COLUMN).value == 91.67
    assert export.cell(_row_of(export, "TL_KT_HO_SO"), VALUE_COLUMN).value == 10


def test_the_summary_export_carries_the_register_figures(
    client_for, cast, committee_form, register_form, register, file_report
):
    file_report(cast.editor, cast.tree.N1, PERIOD, {"KT_HO": "120"})
    url = reverse("reporting:summary", args=[committee_form.code, cast.tree.P.pk, PERIOD])
    content = client_for(cast.admin).get(url).content
    rows = [
        list(r)
        for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]
    codes = next(row for row in rows if row[1] == "Mã chỉ tiêu")
    by_name = {row[1]: row for row in rows}
    column = codes.index("SO_HO_SO")
    assert by_name["Phường Cẩm Giàng"][column] == 1200
    assert by_name["Xã Đoàn Kết"][column] == 800
    assert by_name["Tổng cộng"][column] == 2000
