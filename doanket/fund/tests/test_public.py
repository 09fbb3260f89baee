"""The public disclosure: anyone, logged out, sees a fund's receipts, spending and
balances for a month or a year, recipients shown as the fund board chose, anonymous
donors never named, and no personal data beyond that."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from doanket.fund import ledger, services
from doanket.fund.models import Fund, Posting
from doanket.fund.public_views import initials
from doanket.households.models import Household
from doanket.households.tests.conftest import add_households

TODAY = datetime.date(2026, 11, 29)
M = 1_000_000
SECRET_DONOR = "Bà Ẩn Danh Thật"
PERSONAL = (
    "Số 1, Thôn Đông",  # the household's address
    "Thôn Đông",  # its residential area
    "0912 345 678",  # its phone
    "HS-0001",  # its household number
    "12 phố Huế",  # a donor's address
    "Ghi chú nội bộ",  # a posting's free text
)


@pytest.fixture(autouse=True)
def today_is(living_in):
    living_in(TODAY)


def day(d, m, y=2026):
    return datetime.date(y, m, d)


def give(c, amount, on, donor_type="individual", name="", **extra):
    return services.donation_record(
        user=c.fund_officer,
        fund=c.N1_fund,
        amount=amount,
        date=on,
        donor_type=donor_type,
        donor_name=name,
        **extra,
    )


def spend(c, amount, on, category, household=None, project=""):
    return services.disbursement_record(
        user=c.fund_officer,
        fund=c.N1_fund,
        amount=amount,
        date=on,
        category=category,
        household=household,
        project=project,
        decision_number="15/QĐ-BVĐ",
        decision_on=on,
        description="Ghi chú nội bộ: gọi điện trước khi trao",
    )


def undo(c, posting, on):
    return services.reversal_record(user=c.fund_officer, posting=posting, reason="Nhầm", date=on)


@pytest.fixture
def book(funds):
    c, t = funds, funds.tree
    b = SimpleNamespace(cast=c, tree=t, fund=c.N1_fund)
    b.an, b.binh, b.cuong = add_households(t.A1, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    Household.objects.filter(pk=b.an.pk).update(phone="0912 345 678", number="HS-0001")
    # October: an anonymous gift voided in November, a Tết gift to Lê Văn Cường
    b.october_gift = give(c, 3 * M, day(10, 10), "anonymous")
    give(c, 40 * M, day(12, 10), "organisation", "Công ty TNHH Minh Phát")
    spend(c, 500_000, day(20, 10), "tet", household=b.cuong)
    # November
    b.hao = give(c, 2 * M, day(2, 11), name="Nguyễn Văn Hảo", donor_address="12 phố Huế")
    b.mai = give(c, 1 * M, day(3, 11), name="Lê Thị Mai")
    undo(c, b.mai, day(4, 11))
    give(c, 500_000, day(5, 11), "anonymous", method="bank")
    undo(c, b.october_gift, day(6, 11))
    spend(c, 15 * M, day(7, 11), "house_new", household=b.an)
    spend(c, 1 * M, day(8, 11), "medical", household=b.binh)
    undo(c, spend(c, 2 * M, day(9, 11), "livelihood", household=b.binh), day(10, 11))
    spend(c, 3 * M, day(11, 11), "community", project="Nhà văn hóa xóm Mới")
    services.transfer_record(
        user=c.fund_officer, fund=b.fund, to_fund=c.P_fund, amount=4 * M, date=day(12, 11)
    )
    b.wrong_transfer = services.transfer_record(
        user=c.fund_officer, fund=b.fund, to_fund=c.P_fund, amount=1 * M, date=day(12, 11)
    )
    undo(c, b.wrong_transfer, day(13, 11))
    # an anonymous donation that somehow kept a name: the page still never shows it
    ledger.lock_funds(b.fund)
    hidden = Posting(
        fund=b.fund,
        kind=Posting.Kind.DONATION,
        date=day(13, 11),
        amount=700_000,
        donor_type=Posting.DonorType.ANONYMOUS,
        donor_name=SECRET_DONOR,
        method=Posting.Method.CASH,
        posted_by=c.fund_officer,
    )
    ledger.post(hidden, [(b.fund, 700_000)])
    ledger.take_receipt_number(hidden)
    return b


def period_url(fund, year=2026, month=11):
    return reverse("public:fund_period", args=[fund.pk, year, month])


def page_at(client, book, privacy, **where):
    Fund.objects.filter(pk=book.fund.pk).update(privacy=privacy)
    response = client.get(period_url(book.fund, **where))
    assert response.status_code == 200
    return response.content.decode()


def no_personal_data(page):
    for text in PERSONAL:
        assert text not in page, text


def test_initials_take_the_first_letter_of_each_word():
    assert initials("Nguyễn Văn An") == "N.V.A"
    assert initials("đỗ thị  ánh") == "Đ.T.Á"
    assert initials("") == ""


def test_full_names_are_shown_when_the_board_chose_so(client, book):
    page = page_at(client, book, Fund.Privacy.FULL)
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" in page
    assert "Nhà văn hóa xóm Mới" in page
    assert "N.V.A" not in page
    no_personal_data(page)


def test_only_initials_are_shown_at_the_initials_level(client, book):
    page = page_at(client, book, Fund.Privacy.INITIALS)
    assert "N.V.A" in page and "T.T.B" in page
    assert "Nguyễn Văn An" not in page and "Trần Thị Bình" not in page
    assert "Nhà văn hóa xóm Mới" in page  # a project keeps its name
    no_personal_data(page)


def test_only_counts_and_sums_at_the_counts_level(client, book):
    Fund.objects.filter(pk=book.fund.pk).update(privacy=Fund.Privacy.COUNTS)
    response = client.get(period_url(book.fund))
    page = response.content.decode()
    for name in ("Nguyễn Văn An", "N.V.A", "Trần Thị Bình", "T.T.B", "Nhà văn hóa xóm Mới"):
        assert name not in page
    assert 'id="spending"' not in page and 'id="counts-only"' in page
    lines = {line.key: line for line in response.context["categories"]}
    assert (lines["house_new"].count, lines["house_new"].houses, lines["house_new"].amount) == (
        1,
        1,
        15 * M,
    )
    assert (lines["medical"].households, lines["community"].amount) == (1, 3 * M)
    assert "15.000.000 đ" in page and "Xây mới nhà Đại đoàn kết" in page
    no_personal_data(page)


@pytest.mark.parametrize("privacy", Fund.Privacy.values)
def test_donors_are_named_unless_anonymous(client, book, privacy):
    page = page_at(client, book, privacy)
    assert "Nguyễn Văn Hảo" in page
    assert "Nhà hảo tâm giấu tên" in page
    assert SECRET_DONOR not in page
    october = page_at(client, book, privacy, month=10)
    assert "Công ty TNHH Minh Phát" in october and SECRET_DONOR not in october


def test_a_voided_receipt_is_shown_void_and_outside_the_total(client, book):
    response = client.get(period_url(book.fund))
    mai = next(row for row in response.context["receipts"] if row.label == "Lê Thị Mai")
    assert not mai.counted and mai.voided_on == day(4, 11)
    page = response.content.decode()
    assert "<del>Lê Thị Mai</del>" in page and "Đã hủy ngày 04/11/2026" in page
    assert str(book.mai.receipt) in page  # the number stays in the series, struck through
    s = response.context["s"]
    # 2 M + 0,5 M + 0,7 M received, the October gift (3 M) voided in November
    assert s.received == 200_000
    counted = sum(row.amount for row in response.context["receipts"] if row.counted)
    assert counted == s.received


def test_a_receipt_voided_later_counts_in_its_own_month(client, book):
    response = client.get(period_url(book.fund, month=10))
    row = next(r for r in response.context["receipts"] if r.amount == 3 * M)
    assert row.counted and row.voided_on == day(6, 11)
    assert response.context["s"].received == 43 * M
    assert "ghi giảm ở kỳ có ngày hủy" in response.content.decode()
    november = client.get(period_url(book.fund)).context["receipts"]
    correction = next(r for r in november if r.correction)
    assert (correction.amount, correction.label) == (-3 * M, "Nhà hảo tâm giấu tên")


def test_spending_and_balances_add_up(client, book):
    response = client.get(period_url(book.fund))
    s = response.context["s"]
    assert s.spent == 19 * M
    spent = sum(row.amount for row in response.context["spending"] if row.counted)
    assert spent == s.spent
    assert (s.opening, s.transfers_out) == (42_500_000, 4 * M)
    assert s.closing == s.opening + s.received - s.spent - s.transfers_out == 19_700_000
    page = response.content.decode()
    assert "42.500.000 đ" in page and "19.700.000 đ" in page
    assert book.cast.P_fund.name in page  # the transfer to the province
    livelihood = next(r for r in response.context["spending"] if r.detail.startswith("Hỗ trợ sinh"))
    assert not livelihood.counted


def test_transfers_show_on_both_sides_and_a_cancelled_one_is_struck(client, book):
    rows = client.get(period_url(book.fund)).context["transfers"]
    assert [(r.amount, r.counted, r.voided_on) for r in rows] == [
        (-4 * M, True, None),
        (-1 * M, False, day(13, 11)),
    ]
    province = client.get(period_url(book.cast.P_fund))
    rows = province.context["transfers"]
    assert [(r.amount, r.counted, r.detail) for r in rows] == [
        (4 * M, True, "Nhận từ"),
        (1 * M, False, "Nhận từ"),
    ]
    assert rows[0].label == book.fund.name
    assert province.context["s"].transfers_in == 4 * M


def test_the_whole_year(client, book):
    response = client.get(period_url(book.fund, month=0))
    assert response.status_code == 200
    s = response.context["s"]
    assert (s.opening, s.received, s.closing) == (0, 43 * M + 200_000, 19_700_000)


def test_the_pages_work_logged_out(client, book):
    index = client.get(reverse("public:fund_index"))
    assert index.status_code == 200
    page = index.content.decode()
    assert book.fund.name in page and book.cast.P_fund.name in page
    assert period_url(book.fund, month=0) in page
    assert "Đăng xuất" not in page
    assert client.get(period_url(book.fund)).status_code == 200


def test_the_index_finds_a_fund_by_its_units_name_without_diacritics(client, book):
    page = client.get(reverse("public:fund_index"), {"q": "cam giang"}).content.decode()
    assert book.fund.name in page and book.cast.N2_fund.name not in page


def test_a_logged_in_outsider_sees_the_same_public_page(client_for, book):
    page = client_for(book.cast.outsider).get(period_url(book.fund)).content.decode()
    assert "Nguyễn Văn Hảo" in page
    no_personal_data(page)


def test_an_unknown_fund_is_not_found(client, book):
    assert client.get(reverse("public:fund_period", args=[999999, 2026, 11])).status_code == 404


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [
        (2026, 13, "Tháng 13 không có"),
        (1999, 1, "Năm 1999 không hợp lệ"),
        (2027, 0, "Năm 2027 không hợp lệ"),
        (2026, 12, "chưa bắt đầu"),
    ],
)
def test_a_bad_period_is_explained(client, book, year, month, message):
    response = client.get(period_url(book.fund, year, month))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nguyễn Văn Hảo" not in page


def test_a_word_for_a_month_is_not_found(client, book):
    assert client.get(f"/public/fund/{book.fund.pk}/2026/muoi/").status_code == 404


def test_the_public_pages_take_no_writes(client, book):
    assert client.post(period_url(book.fund)).status_code == 405
    assert client.post(reverse("public:fund_index")).status_code == 405
