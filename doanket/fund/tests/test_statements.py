"""The fund's statements: a crafted ledger read for a unit alone and rolled up, on the old
map and on today's, as report figures, as pages and as exports."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doanket.fund import ledger, services
from doanket.fund.models import Fund, Posting
from doanket.fund.selectors import fund_statement
from doanket.households.tests.conftest import add_households
from doanket.reporting.periods import CALENDAR, Period, period_make
from doanket.reporting.registry import computed_figures

NOV_1, NOV_28 = datetime.date(2026, 11, 1), datetime.date(2026, 11, 28)
YEAR_2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
OLD_MAP, TODAY = datetime.date(2024, 12, 31), datetime.date(2026, 11, 29)
M = 1_000_000


def day(d, m, y=2026):
    return datetime.date(y, m, d)


@pytest.fixture(autouse=True)
def today_is(living_in):
    living_in(TODAY)


def give(user, fund, amount, on, donor_type="individual", name="", drive=None):
    return services.donation_record(
        user=user,
        fund=fund,
        amount=amount,
        date=on,
        donor_type=donor_type,
        donor_name=name,
        drive=drive,
    )


def spend(user, fund, amount, on, category, household=None, project=""):
    return services.disbursement_record(
        user=user,
        fund=fund,
        amount=amount,
        date=on,
        category=category,
        household=household,
        project=project,
        decision_number=f"{on.day}/QĐ-BVĐ",
        decision_on=on,
    )


def move(user, fund, to_fund, amount, on):
    return services.transfer_record(user=user, fund=fund, to_fund=to_fund, amount=amount, date=on)


def undo(user, posting, on):
    return services.reversal_record(user=user, posting=posting, reason="Ghi nhầm", date=on)


@pytest.fixture
def book(funds):
    """N1's October and November 2026, the province's November, and on the old map the
    funds of commune C1 and district D1 in 2024 (their units ended on 30/06/2025)."""
    c, t = funds, funds.tree
    b = SimpleNamespace(cast=c, tree=t)
    officer, province = c.fund_officer, c.admin_editor
    b.h = add_households(
        t.A1, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đỗ Văn Em"]
    )
    h1, h2, h3, h4, h5 = b.h
    n1, p, n2 = c.N1_fund, c.P_fund, c.N2_fund
    b.drive = services.drive_open(
        user=officer,
        fund=n1,
        name="Tháng cao điểm 2026",
        starts_on=day(1, 10),
        ends_on=day(18, 11),
        target=50 * M,
    )
    # October
    give(officer, n1, 30 * M, day(5, 10), name="Nguyễn Văn Hảo", drive=b.drive)
    b.anonymous_october = give(officer, n1, 3 * M, day(10, 10), "anonymous")
    b.gift = spend(officer, n1, 500_000, day(20, 10), "tet", household=h4)
    # November
    give(officer, n1, 20 * M, day(2, 11), "organisation", "Công ty TNHH Minh Phát", b.drive)
    undo(officer, b.anonymous_october, day(3, 11))
    b.mistaken = give(officer, n1, 1 * M, day(4, 11), name="Lê Thị Mai")
    undo(officer, b.mistaken, day(6, 11))
    give(officer, n1, 500_000, day(5, 11), "anonymous", drive=b.drive)
    spend(officer, n1, 15 * M, day(7, 11), "house_new", household=h1)
    spend(officer, n1, 5 * M, day(8, 11), "house_new", household=h1)  # second instalment
    spend(officer, n1, 4 * M, day(9, 11), "house_repair", household=h2)
    spend(officer, n1, 1 * M, day(10, 11), "medical", household=h2)
    undo(officer, spend(officer, n1, 2 * M, day(11, 11), "livelihood", household=h3), day(12, 11))
    spend(officer, n1, 3 * M, day(13, 11), "community", project="Cầu dân sinh thôn Đông")
    undo(officer, b.gift, day(14, 11))
    move(officer, n1, p, 4 * M, day(15, 11))
    undo(officer, move(officer, n1, p, 1 * M, day(16, 11)), day(17, 11))
    give(province, p, 50 * M, day(1, 11), "organisation", "Ngân hàng Chính sách xã hội")
    move(province, p, n2, 6 * M, day(18, 11))
    # 2024, on the old map
    b.C1_fund = Fund.objects.create(unit=t.C1, name="Quỹ “Vì người nghèo” xã Cẩm Thượng")
    b.D1_fund = Fund.objects.create(unit=t.D1, name="Quỹ “Vì người nghèo” huyện Đông")
    give(province, b.C1_fund, 8 * M, day(10, 3, 2024), name="Phạm Văn Tâm")
    give(province, b.D1_fund, 5 * M, day(1, 4, 2024), "organisation", "Hợp tác xã Đông")
    spend(province, b.C1_fund, 3 * M, day(15, 5, 2024), "house_repair", household=h5)
    move(province, b.C1_fund, b.D1_fund, 2 * M, day(20, 5, 2024))
    move(province, b.D1_fund, p, 1 * M, day(1, 6, 2024))
    return b


def lines(items):
    return {line.key: (line.amount, line.count) for line in items}


# One fund ------------------------------------------------------------------------------


def test_a_commune_fund_alone_for_november(book):
    s = fund_statement(book.tree.N1, NOV_1, NOV_28)
    assert [f.pk for f in s.funds] == [book.cast.N1_fund.pk]
    assert s.opening == 32_500_000  # 30 M + 3 M − the October gift
    assert s.received == 17_500_000  # 20 M + 0,5 M − the October receipt voided in November
    assert lines(s.received_by_drive) == {book.drive.pk: (20_500_000, 2), None: (-3 * M, -1)}
    assert lines(s.received_by_donor_type) == {
        "organisation": (20 * M, 1),
        "individual": (0, 0),
        "anonymous": (-2_500_000, 0),
    }
    assert s.spent == 27_500_000
    by_category = {line.key: line for line in s.spent_by_category}
    house_new = by_category["house_new"]
    assert (house_new.amount, house_new.count, house_new.houses, house_new.households) == (
        20 * M,
        2,
        1,
        1,
    )
    repair = by_category["house_repair"]
    assert (repair.amount, repair.count, repair.houses) == (4 * M, 1, 1)
    assert (by_category["livelihood"].amount, by_category["livelihood"].count) == (0, 0)
    assert by_category["livelihood"].households == 0
    assert (by_category["tet"].amount, by_category["tet"].count) == (-500_000, -1)
    assert (by_category["community"].amount, by_category["community"].households) == (3 * M, 0)
    assert by_category["medical"].houses is None
    assert s.households_helped == 2 and s.houses == 2
    assert (s.transfers_in, s.transfers_out, s.internal_transfers) == (0, 4 * M, 0)
    assert s.closing == 18_500_000 == s.ledger_closing
    assert s.balanced and s.closing == ledger.balance(book.cast.N1_fund, until=NOV_28)


def test_a_reversal_counts_in_its_own_period(book):
    october = fund_statement(book.tree.N1, day(1, 10), day(31, 10))
    assert (october.received, october.spent) == (33 * M, 500_000)
    both = fund_statement(book.tree.N1, day(1, 10), NOV_28)
    assert both.received == october.received + 17_500_000
    tet = {line.key: line for line in both.spent_by_category}["tet"]
    assert (tet.amount, tet.count, tet.households) == (0, 0, 0)
    assert both.balanced and both.opening == 0


def test_the_province_receives_the_transfer_and_allocates_on(book):
    s = fund_statement(book.tree.P, NOV_1, NOV_28)
    assert (s.opening, s.received, s.spent) == (1 * M, 50 * M, 0)
    assert (s.transfers_in, s.transfers_out) == (4 * M, 6 * M)
    assert s.closing == 49 * M and s.balanced


def test_an_old_commune_fund_in_2024(book):
    s = fund_statement(book.tree.C1, *YEAR_2024)
    assert (s.received, s.spent, s.transfers_out, s.closing) == (8 * M, 3 * M, 2 * M, 3 * M)
    assert s.houses == 1 and s.balanced
    d1 = fund_statement(book.tree.D1, *YEAR_2024)
    assert (d1.received, d1.transfers_in, d1.transfers_out, d1.closing) == (5 * M, 2 * M, M, 6 * M)


def test_a_unit_without_a_fund_has_an_empty_statement(book):
    s = fund_statement(book.tree.A1, NOV_1, NOV_28)
    assert not s.has_fund and s.closing == 0 and s.balanced


# Roll-ups ------------------------------------------------------------------------------


def test_the_province_rolled_up_on_todays_map(book):
    s = fund_statement(book.tree.P, NOV_1, NOV_28, rollup=True)
    assert {f.unit.code for f in s.funds} == {"P", "N1", "N2", "C1", "D1"}
    assert s.opening == 32_500_000 + 1 * M + 3 * M + 6 * M
    assert (s.received, s.spent) == (67_500_000, 27_500_000)
    # money moving inside the subtree is neither received nor spent
    assert (s.transfers_in, s.transfers_out, s.internal_transfers) == (0, 0, 10 * M)
    assert s.closing == 82_500_000 and s.balanced
    children = {(line.unit.code if line.unit else None): line for line in s.children}
    assert set(children) == {"P", "N1", "N2"} - {"P"} | {None}
    assert children["N1"].funds == 2  # N1's own and C1's, its predecessor
    assert children["N1"].closing == 18_500_000 + 3 * M
    assert children[None].closing == 49 * M + 6 * M  # P's and D1's (no successor)
    assert children["N2"].transfers == 6 * M


def test_2024_on_the_old_map_and_on_todays_map(book):
    t = book.tree
    old = fund_statement(t.P, *YEAR_2024, rollup=True)
    assert old.on == OLD_MAP
    assert (old.received, old.spent, old.internal_transfers, old.closing) == (
        13 * M,
        3 * M,
        3 * M,
        10 * M,
    )
    children = {(line.unit.code if line.unit else None): line for line in old.children}
    assert set(children) == {None, "D1", "D2"}
    assert children["D1"].received == 13 * M and children[None].received == 0
    new = fund_statement(t.P, *YEAR_2024, on=TODAY, rollup=True)
    assert (new.received, new.spent, new.closing) == (old.received, old.spent, old.closing)
    children = {(line.unit.code if line.unit else None): line for line in new.children}
    assert set(children) == {None, "N1", "N2"}
    assert (children["N1"].received, children[None].received) == (8 * M, 5 * M)
    district = fund_statement(t.D1, *YEAR_2024, rollup=True)
    assert (district.received, district.transfers_out, district.closing) == (13 * M, M, 9 * M)
    assert district.internal_transfers == 2 * M and district.balanced
    gone = fund_statement(t.D1, *YEAR_2024, on=TODAY, rollup=True)
    assert not gone.placed and gone.received == 5 * M  # only its own fund


def test_own_and_rolled_up_differ_only_by_the_subtree(book):
    own = fund_statement(book.tree.N1, NOV_1, NOV_28)
    rolled = fund_statement(book.tree.N1, NOV_1, NOV_28, rollup=True)
    assert rolled.opening == own.opening + 3 * M  # C1's balance, carried by N1
    assert (rolled.received, rolled.spent) == (own.received, own.spent)


# Report figures --------------------------------------------------------------------------

KEYS = {
    "QUY_DAU": "fund.opening",
    "QUY_THU": "fund.received",
    "QUY_CHI": "fund.spent",
    "NDD_XAY": "fund.houses_new",
    "NDD_XAY_TIEN": "fund.houses_new_amount",
    "NDD_SUA": "fund.houses_repaired",
    "NDD_SUA_TIEN": "fund.houses_repaired_amount",
}
INDICATORS = [
    SimpleNamespace(source="computed", computed_key=key, code=code) for code, key in KEYS.items()
] + [SimpleNamespace(source="typed", computed_key="", code="DG_TIEN")]


def figures(unit, period, on):
    totals, children = computed_figures(INDICATORS, unit=unit, period=period, on=on)
    plain = {code: None if value is None else int(value) for code, value in totals.items()}
    return plain, {
        child: {code: None if v is None else int(v) for code, v in values.items()}
        for child, values in children.items()
    }


def test_the_report_figures_of_november(book):
    t = book.tree
    period = Period("Q4", 2026, NOV_1, NOV_28)
    totals, children = figures(t.P, period, NOV_28)
    assert totals == {
        "QUY_DAU": 42_500_000,
        "QUY_THU": 67_500_000,
        "QUY_CHI": 27_500_000,
        "NDD_XAY": 1,
        "NDD_XAY_TIEN": 20 * M,
        "NDD_SUA": 1,
        "NDD_SUA_TIEN": 4 * M,
    }
    assert children[t.N1.pk]["QUY_THU"] == 17_500_000
    assert children[t.N1.pk]["QUY_DAU"] == 32_500_000 + 3 * M
    assert children[t.N2.pk]["QUY_DAU"] == 0 and children[t.N2.pk]["NDD_XAY"] == 0


def test_the_report_figures_of_2024_on_either_map(book):
    t = book.tree
    year = period_make("Y", 2024, CALENDAR)
    totals, children = figures(t.P, year, year.end)
    assert (totals["QUY_THU"], totals["QUY_CHI"], totals["NDD_SUA"]) == (13 * M, 3 * M, 1)
    assert children[t.D1.pk]["NDD_SUA_TIEN"] == 3 * M and set(children) == {t.D1.pk, t.D2.pk}
    totals_now, children_now = figures(t.P, year, TODAY)
    assert totals_now == totals
    assert set(children_now) == {t.N1.pk, t.N2.pk}
    assert children_now[t.N1.pk]["QUY_THU"] == 8 * M


def test_the_committee_forms_roll_up_reads_the_fund(book, committee_form):
    from doanket.reporting.selectors import report_rollup

    t = book.tree
    period = committee_form.period("2026")  # 15/12/2025 – 14/12/2026
    result = report_rollup(form=committee_form, unit=t.P, period=period)
    assert result.totals["QUY_THU"] == 100_500_000  # N1's 50,5 M and the province's 50 M
    assert result.totals["NDD_XAY"] == 1 and result.totals["NDD_SUA_TIEN"] == 4 * M
    by_child = {row.unit.code: row.values for row in result.children}
    assert by_child["N1"]["QUY_CHI"] == 28 * M  # 27,5 M in November, the October gift
    assert by_child["N2"]["QUY_CHI"] == 0


def test_no_fund_gives_no_figure(book):
    t = book.tree
    period = Period("Q4", 2026, NOV_1, NOV_28)
    totals, children = figures(t.A1, period, NOV_28)
    assert set(totals.values()) == {None}
    _totals, children = figures(t.N1, period, NOV_28)
    assert children[t.A1.pk] == dict.fromkeys(KEYS)


def test_a_household_support_history_lists_what_it_kept(book, client_for):
    from doanket.households.poverty_views import poverty_support

    h1, h2, h3, h4 = book.h[:4]
    assert [(i["on"], i["amount"]) for i in poverty_support(h1, 2026)] == [
        (day(7, 11), 15 * M),
        (day(8, 11), 5 * M),
    ]
    assert "Xây mới nhà Đại đoàn kết" in poverty_support(h1, 2026)[0]["label"]
    assert poverty_support(h3, 2026) == [] and poverty_support(h4, 2026) == []  # reversed
    assert len(poverty_support(h2, 2026)) == 2 and poverty_support(h1, 2025) == []
    url = reverse("households:poverty_household", args=[book.tree.A1.pk, 2026, h1.pk])
    page = client_for(book.cast.editor).get(url).content.decode()
    assert "15.000.000 đ" in page and "5.000.000 đ" in page


def test_a_statement_costs_a_few_queries_whatever_the_postings(book):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as statement:
            fund_statement(book.tree.P, NOV_1, NOV_28, rollup=True)
        with CaptureQueriesContext(connection) as report:
            figures(book.tree.P, Period("Q4", 2026, NOV_1, NOV_28), NOV_28)
        return len(statement), len(report)

    before = queries()
    officer, n1 = book.cast.fund_officer, book.cast.N1_fund
    for n in range(5):
        give(officer, n1, M, day(20, 11), name=f"Người ủng hộ {n}")
        spend(officer, n1, 100_000, day(21, 11), "house_new", household=book.h[n])
    assert queries() == before
    assert before[0] <= 16 and before[1] <= 12


# Pages -----------------------------------------------------------------------------------


def statement_url(unit, name="statement", **query):
    url = reverse(f"fund:{name}", args=[unit.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


NOVEMBER = {"from": "01/11/2026", "to": "28/11/2026"}


def test_the_fund_officer_reads_the_statement_of_november(book, client_for):
    response = client_for(book.cast.fund_officer).get(statement_url(book.tree.N1, **NOVEMBER))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("32.500.000 đ", "17.500.000 đ", "27.500.000 đ", "18.500.000 đ"):
        assert shown in page
    assert "Tháng cao điểm 2026" in page and "Nhà hảo tâm giấu tên" in page
    assert "Quỹ của riêng đơn vị" in page
    assert response.context["s"].households_helped == 2


def test_the_roll_up_and_the_map_switch(book, client_for):
    client = client_for(book.cast.approver)
    response = client.get(statement_url(book.tree.P, rollup=1, **NOVEMBER))
    assert response.context["s"].closing == 82_500_000
    page = response.content.decode()
    assert 'id="children"' in page and book.tree.N1.name in page
    assert "on=30%2F06%2F2025" in page  # the old map's switch
    old = client.get(
        statement_url(book.tree.P, rollup=1, **{"from": "01/01/2024", "to": "31/12/2024"})
    )
    children = {line.unit.code for line in old.context["s"].children if line.unit}
    assert children == {"D1", "D2"}
    new = client.get(
        statement_url(
            book.tree.P, rollup=1, on="29/11/2026", **{"from": "01/01/2024", "to": "31/12/2024"}
        )
    )
    assert {line.unit.code for line in new.context["s"].children if line.unit} == {"N1", "N2"}
    assert new.context["s"].received == old.context["s"].received == 13 * M


def test_an_ended_district_is_read_on_its_last_map(book, client_for):
    response = client_for(book.cast.approver).get(
        statement_url(book.tree.D1, rollup=1, **{"from": "01/01/2024", "to": "31/12/2024"})
    )
    assert response.context["s"].received == 13 * M
    late = client_for(book.cast.approver).get(
        statement_url(book.tree.D1, rollup=1, **{"from": "01/01/2026", "to": "28/11/2026"})
    )
    assert late.context["s"].on == datetime.date(2025, 6, 30)


def test_the_reader_sees_the_statement_but_cannot_post_to_it(book, client_for):
    client = client_for(book.cast.viewer)
    assert client.get(statement_url(book.tree.N1, **NOVEMBER)).status_code == 200
    before = Posting.objects.count()
    assert client.post(statement_url(book.tree.N1), {"amount": "1"}).status_code == 405
    assert Posting.objects.count() == before


@pytest.mark.parametrize("name", ["statement", "statement_xlsx", "statement_pdf"])
def test_the_outsider_gets_nothing(book, client_for, name):
    client = client_for(book.cast.outsider)
    response = client.get(statement_url(book.tree.N1, name, **NOVEMBER))
    assert response.status_code == 404
    assert "32.500.000" not in response.content.decode(errors="ignore")
    assert client.get(statement_url(book.tree.P, name, rollup=1)).status_code == 404


def test_logged_out_people_are_sent_to_log_in(book, client):
    response = client.get(statement_url(book.tree.N1))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_index_lists_the_funds_in_scope(book, client_for):
    page = client_for(book.cast.fund_officer).get(reverse("fund:statement_index")).content
    page = page.decode()
    assert book.cast.N1_fund.name in page and book.C1_fund.name in page  # N1 inherits C1
    assert book.cast.N2_fund.name not in page and book.cast.P_fund.name not in page


def test_a_fund_page_link_leads_to_its_units_statement(book, client_for):
    url = reverse("fund:statements", args=[book.cast.N1_fund.pk]) + "?rollup=1"
    response = client_for(book.cast.fund_officer).get(url)
    assert response.status_code == 302
    assert response["Location"] == statement_url(book.tree.N1) + "?rollup=1"
    outsider = client_for(book.cast.outsider).get(url)
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "31/02/2026"}, "không tồn tại"),
        ({"from": "hôm qua"}, "không phải là một ngày"),
        ({"from": "05/11/2026", "to": "01/11/2026"}, "Ngày bắt đầu phải trước"),
        ({"on": "2026"}, "Theo bản đồ ngày"),
    ],
)
def test_bad_dates_are_explained(book, client_for, query, message):
    response = client_for(book.cast.fund_officer).get(statement_url(book.tree.N1, **query))
    assert response.status_code == 400
    assert message in response.content.decode()
    xlsx = client_for(book.cast.fund_officer).get(
        statement_url(book.tree.N1, "statement_xlsx", **query)
    )
    assert xlsx.status_code == 400


def test_the_workbook_holds_the_statement(book, client_for):
    response = client_for(book.cast.viewer).get(
        statement_url(book.tree.N1, "statement_xlsx", **NOVEMBER)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {row[1]: row[3] for row in sheet.iter_rows(values_only=True) if row and len(row) > 3}
    texts = [value for row in sheet.iter_rows(values_only=True) for value in row if value]
    assert "ỦY BAN MTTQ VIỆT NAM" in texts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "TÌNH HÌNH THU, CHI QUỸ “VÌ NGƯỜI NGHÈO”" in texts
    assert cells["Số dư đầu kỳ"] == 32_500_000
    assert cells["Số tiền vận động được (thu)"] == 17_500_000
    assert cells["Số dư cuối kỳ"] == 18_500_000
    assert cells["Xây mới nhà Đại đoàn kết"] == 20 * M


def test_the_rolled_up_workbook_has_the_children(book, client_for):
    response = client_for(book.cast.approver).get(
        statement_url(book.tree.P, "statement_xlsx", rollup=1, **NOVEMBER)
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    names = [row[1] for row in workbook.worksheets[1].iter_rows(values_only=True) if row]
    assert book.tree.N1.name in names and book.tree.N2.name in names


@pytest.mark.parametrize(
    ("who", "unit", "rollup"), [("fund_officer", "N1", 0), ("approver", "P", 1)]
)
def test_the_pdf_is_a_pdf(book, client_for, who, unit, rollup):
    unit = getattr(book.tree, unit)
    response = client_for(getattr(book.cast, who)).get(
        statement_url(unit, "statement_pdf", rollup=rollup, **NOVEMBER)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
