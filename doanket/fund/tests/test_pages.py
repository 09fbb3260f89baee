"""The fund officer's pages: who sees a fund, who may post in it, what each form refuses
(with its Vietnamese sentence, nothing written), the ledger with its running balance and
voided marks, drives' progress, transfers reconciled, months closed and reopened."""

import datetime

import pytest
from django.urls import reverse

from doanket.accounts.models import Role
from doanket.conftest import make_unit, make_user
from doanket.core.models import AuditEvent
from doanket.fund import ledger, services
from doanket.fund.ledger_reads import TransferLine, match_transfers
from doanket.fund.models import (
    Drive,
    Entry,
    Fund,
    PeriodClosing,
    Posting,
    Receipt,
    ReceiptPrint,
)
from doanket.households.models import Household
from doanket.units.models import REFORM_DATE, Unit
from doanket.units.services import unit_link_create

from .conftest import DAY

TODAY = datetime.date(2026, 11, 29)
OCTOBER_DAY = datetime.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def on_the_29th_of_november(living_in):
    living_in(TODAY)


@pytest.fixture
def book(funds):
    """N1's fund with a donation in October and two in November, households in A1 (N1)
    and A4 (N2), and the fund board's head who also keeps the books (editor + approver)."""
    c = funds
    t = c.tree
    c.chief = make_user("fund_chief", "Hà Văn Trưởng", **{Role.EDITOR: t.N1, Role.APPROVER: t.N1})
    c.home = Household.objects.create(area=t.A1, head_name="Nguyễn Văn An", address="Số 1")
    c.home2 = Household.objects.create(area=t.A2, head_name="Trần Thị Bình", address="Số 2")
    c.far_home = Household.objects.create(area=t.A4, head_name="Ngô Văn Khánh", address="Số 9")
    c.october = give(c, 5_000_000, date=OCTOBER_DAY, donor_name="Công ty Thành Công")
    c.first = give(c, 1_250_000)
    c.second = give(c, 2_000_000, donor_name="Lê Thị Hảo")
    return c


def give(c, amount, date=DAY, **extra):
    fields = {"donor_type": Posting.DonorType.INDIVIDUAL, "donor_name": "Nguyễn Văn Hảo"}
    fields.update(extra)
    return services.donation_record(
        user=c.fund_officer, fund=c.N1_fund, amount=amount, date=date, **fields
    )


def url(name, fund, *args):
    return reverse(f"fund:{name}", args=[fund.pk, *args])


def text_of(response) -> str:
    return response.content.decode()


def written() -> tuple:
    """Everything a page could write; equal before and after means nothing was written."""
    return (
        Posting.objects.count(),
        Entry.objects.count(),
        Receipt.objects.count(),
        ReceiptPrint.objects.count(),
        Drive.objects.count(),
        PeriodClosing.objects.count(),
        PeriodClosing.objects.filter(reopened_at__isnull=False).count(),
        Fund.objects.count(),
    )


def donation_form(**changes):
    data = {
        "donor_type": "individual",
        "donor_name": "Phạm Văn Tâm",
        "donor_address": "Số 5, Thôn Đông",
        "method": "cash",
        "in_kind": "",
        "drive": "",
        "date": "02/11/2026",
        "amount": "1.250.000",
        "description": "",
    }
    return data | changes


def disbursement_form(c, **changes):
    data = {
        "category": "livelihood",
        "household": str(c.home.pk),
        "project": "",
        "decision_number": "15/QĐ-BVĐ",
        "decision_on": "03/11/2026",
        "date": "05/11/2026",
        "amount": "1.000.000",
        "description": "Hỗ trợ mua bò giống",
    }
    return data | changes


def transfer_form(c, **changes):
    data = {"to_fund": str(c.P_fund.pk), "date": "10/11/2026", "amount": "2.000.000"}
    return data | {"description": "Nộp về quỹ thành phố"} | changes


# The list of funds --------------------------------------------------------------------


def test_the_officer_sees_the_communes_fund_with_its_balance(book, client_for):
    response = client_for(book.fund_officer).get(reverse("fund:index"))
    page = text_of(response)
    assert response.status_code == 200
    assert book.N1_fund.name in page and "8.250.000 đ" in page
    assert book.N2_fund.name not in page and book.P_fund.name not in page


def test_the_province_sees_every_fund_under_it(book, client_for):
    page = text_of(client_for(book.approver).get(reverse("fund:index")))
    for fund in (book.P_fund, book.N1_fund, book.N2_fund):
        assert fund.name in page


def test_the_sibling_commune_sees_only_its_own_fund(book, client_for):
    for who in (book.outsider, book.outsider_editor):
        page = text_of(client_for(who).get(reverse("fund:index")))
        assert book.N2_fund.name in page and book.N1_fund.name not in page


@pytest.fixture
def new_commune(funds):
    unit = make_unit("N3", "Xã Hòa Bình", Unit.Kind.COMMUNE, valid_from=REFORM_DATE)
    unit_link_create(child=unit, parent=funds.tree.P, valid_from=REFORM_DATE)
    return unit


def test_a_province_admin_opens_a_fund_for_a_commune_without_one(funds, new_commune, client_for):
    client = client_for(funds.admin)
    assert "Xã Hòa Bình" in text_of(client.get(reverse("fund:index")))
    response = client.post(reverse("fund:open"), {"unit": new_commune.pk, "name": ""})
    fund = Fund.objects.get(unit=new_commune)
    assert response.status_code == 302 and response.url == url("detail", fund)
    assert fund.name == "Quỹ “Vì người nghèo” Xã Hòa Bình"


def test_opening_is_for_leaders_inside_the_scope(funds, new_commune, client_for):
    before = written()
    editor = client_for(funds.fund_officer)
    assert "open-fund" not in text_of(editor.get(reverse("fund:index")))
    response = editor.post(reverse("fund:open"), {"unit": new_commune.pk})
    assert response.status_code == 404  # the new commune is not under N1
    response = client_for(funds.outsider).post(reverse("fund:open"), {"unit": new_commune.pk})
    assert response.status_code == 404
    response = client_for(funds.admin).post(reverse("fund:open"), {"unit": funds.tree.N1.pk})
    assert response.status_code == 400 and "không mở quỹ được" in text_of(response)
    assert written() == before


# The ledger ---------------------------------------------------------------------------


def test_the_month_shows_each_line_with_the_running_balance(book, client_for):
    services.disbursement_record(
        user=book.fund_officer,
        fund=book.N1_fund,
        amount=700_000,
        date=datetime.date(2026, 11, 5),
        category="medical",
        household=book.home,
        decision_number="12/QĐ",
        decision_on=datetime.date(2026, 11, 4),
    )
    response = client_for(book.viewer).get(url("detail", book.N1_fund) + "?year=2026&month=11")
    page = text_of(response)
    assert response.status_code == 200
    assert 'id="opening">5.000.000 đ' in page  # October's donation is carried forward
    assert 'id="closing">7.550.000 đ' in page
    for shown in ("00002/PT-2026", "Nguyễn Văn Hảo", "Lê Thị Hảo", "Nguyễn Văn An"):
        assert shown in page
    for running in ("6.250.000 đ", "8.250.000 đ", "7.550.000 đ"):
        assert running in page
    assert "Hỗ trợ khám chữa bệnh" in page
    assert "Công ty Thành Công" not in page  # an October line


def test_a_voided_line_is_marked_with_its_reason_and_a_link_to_the_reversal(book, client_for):
    reversal = services.reversal_record(
        user=book.fund_officer, posting=book.first, reason="Ghi nhầm người nộp"
    )
    page = text_of(client_for(book.fund_officer).get(url("detail", book.N1_fund)))
    assert "Đã hủy" in page and "Ghi nhầm người nộp" in page
    assert url("posting", book.N1_fund, reversal.pk) in page
    assert url("posting", book.N1_fund, book.first.pk) in page
    assert 'id="closing">7.000.000 đ' in page


def test_the_whole_year_and_a_bad_period_ask(book, client_for):
    client = client_for(book.fund_officer)
    page = text_of(client.get(url("detail", book.N1_fund) + "?year=2026"))
    assert "Sổ quỹ năm 2026" in page and "Công ty Thành Công" in page
    assert 'id="opening">0 đ' in page and 'id="closing">8.250.000 đ' in page
    response = client.get(url("detail", book.N1_fund) + "?year=abc&month=99")
    assert response.status_code == 200


def test_a_drive_shows_its_progress_net_of_voided_receipts(book, client_for):
    drive = services.drive_open(
        user=book.fund_officer,
        fund=book.N1_fund,
        name="Tháng cao điểm 2026",
        starts_on=datetime.date(2026, 10, 17),
        ends_on=datetime.date(2026, 11, 18),
        target=10_000_000,
    )
    kept = give(book, 2_500_000, drive=drive)
    voided = give(book, 1_000_000, drive=drive)
    services.reversal_record(user=book.fund_officer, posting=voided, reason="Trùng phiếu")
    page = text_of(client_for(book.viewer).get(url("detail", book.N1_fund)))
    assert "Tháng cao điểm 2026" in page
    assert f'class="raised">{kept.amount:,}'.replace(",", ".") in page
    assert "chỉ tiêu 10.000.000 đ (25%)" in page and "width: 25%" in page


def test_officers_get_the_buttons_readers_do_not(book, client_for):
    officer = text_of(client_for(book.fund_officer).get(url("detail", book.N1_fund)))
    reader = text_of(client_for(book.viewer).get(url("detail", book.N1_fund)))
    for name in ("donation_new", "disbursement_new", "transfer_new", "drive_new"):
        assert url(name, book.N1_fund) in officer
        assert url(name, book.N1_fund) not in reader
    assert url("reconcile", book.N1_fund) in reader


def test_a_closed_month_is_marked_with_who_closed_it(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    page = text_of(client_for(book.viewer).get(url("detail", book.N1_fund) + "?year=2026&month=10"))
    assert 'id="closed-here"' in page and "Trịnh Văn Quỹ" in page
    assert "bi-lock-fill" in page


# Who may reach which page -------------------------------------------------------------


def pages(c) -> list[str]:
    receipt = c.first.receipt
    return [
        url("detail", c.N1_fund),
        url("posting", c.N1_fund, c.first.pk),
        url("receipt", c.N1_fund, receipt.pk),
        url("reconcile", c.N1_fund),
        url("periods", c.N1_fund),
    ]


def forms(c) -> list[tuple[str, dict]]:
    """Every write, each with data that would be accepted from an officer."""
    receipt = c.first.receipt
    return [
        (url("drive_new", c.N1_fund), {"name": "Đợt Tết", "starts_on": "01/11/2026",
                                       "ends_on": "31/12/2026", "target": "5.000.000"}),
        (url("donation_new", c.N1_fund), donation_form()),
        (url("disbursement_new", c.N1_fund), disbursement_form(c)),
        (url("transfer_new", c.N1_fund), transfer_form(c)),
        (url("void", c.N1_fund, c.first.pk), {"reason": "Ghi nhầm"}),
        (url("receipt_pdf", c.N1_fund, receipt.pk), {}),
        (url("close", c.N1_fund), {"year": "2026", "month": "10"}),
        (url("reopen", c.N1_fund), {"year": "2026", "month": "10", "reason": "Sửa sai"}),
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_the_sibling_commune_finds_nothing_of_n1s_fund(book, client_for, who):
    client = client_for(getattr(book, who))
    for page in pages(book):
        assert client.get(page).status_code == 404, page
    for address, _data in forms(book):
        assert client.get(address).status_code in (404, 405), address
    assert client.get(url("households", book.N1_fund) + "?q=an").status_code == 404
    before = written()
    for address, data in forms(book):
        assert client.post(address, data).status_code == 404, address
    assert written() == before


def test_a_reader_sees_every_page_and_writes_nothing(book, client_for):
    client = client_for(book.viewer)
    for page in pages(book):
        assert client.get(page).status_code == 200, page
    for address in (url(n, book.N1_fund) for n in ("donation_new", "drive_new", "transfer_new")):
        assert client.get(address).status_code == 403
    before = written()
    for address, data in forms(book):
        assert client.post(address, data).status_code == 403, address
    assert written() == before


def test_the_officers_forms_open(book, client_for):
    client = client_for(book.fund_officer)
    for name in ("drive_new", "donation_new", "disbursement_new", "transfer_new"):
        assert client.get(url(name, book.N1_fund)).status_code == 200


def test_an_unknown_fund_or_posting_is_not_found(book, client_for):
    client = client_for(book.fund_officer)
    assert client.get(reverse("fund:detail", args=[99999])).status_code == 404
    assert client.get(url("posting", book.N1_fund, 99999)).status_code == 404
    n2_posting = services.donation_record(
        user=book.outsider_editor, fund=book.N2_fund, amount=1000, date=DAY, donor_type="anonymous"
    )
    assert client.get(url("posting", book.N1_fund, n2_posting.pk)).status_code == 404
    assert client.get(url("receipt", book.N1_fund, n2_posting.receipt.pk)).status_code == 404


# Drives ----------------------------------------------------------------------------------


def test_the_officer_opens_a_drive(book, client_for):
    response = client_for(book.fund_officer).post(
        url("drive_new", book.N1_fund),
        {"name": "Tháng cao điểm", "starts_on": "17/10/2026", "ends_on": "18/11/2026",
         "target": "50.000.000"},
    )  # fmt: skip
    drive = Drive.objects.get()
    assert response.status_code == 302 and drive.target == 50_000_000
    assert drive.starts_on == datetime.date(2026, 10, 17)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"target": "1,5"}, "không có phần lẻ"),
        ({"target": "-5.000"}, "lớn hơn 0"),
        ({"name": ""}, "Hãy ghi tên đợt vận động"),
        ({"ends_on": "01/10/2026"}, "Ngày kết thúc phải từ ngày bắt đầu trở đi"),
        ({"starts_on": "32/10/2026"}, "không tồn tại"),
    ],
)
def test_a_bad_drive_is_refused(book, client_for, changes, message):
    data = {"name": "Đợt", "starts_on": "17/10/2026", "ends_on": "18/11/2026", "target": ""}
    before = written()
    response = client_for(book.fund_officer).post(url("drive_new", book.N1_fund), data | changes)
    assert response.status_code == 400 and message in text_of(response)
    assert written() == before


# Donations ---------------------------------------------------------------------------


def test_a_donation_goes_to_its_receipt(book, client_for):
    response = client_for(book.fund_officer).post(
        url("donation_new", book.N1_fund), donation_form()
    )
    posting = Posting.objects.latest("id")
    assert response.status_code == 302
    assert response.url == url("receipt", book.N1_fund, posting.receipt.pk)
    assert str(posting.receipt) == "00004/PT-2026" and posting.amount == 1_250_000
    assert posting.donor_name == "Phạm Văn Tâm" and posting.posted_by == book.fund_officer


def test_an_in_kind_donation_in_a_drive(book, client_for):
    drive = services.drive_open(
        user=book.fund_officer,
        fund=book.N1_fund,
        name="Đợt Tết",
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 12, 31),
        target=0,
    )
    data = donation_form(
        donor_type="organisation",
        donor_name="Hợp tác xã Đông Hưng",
        method="in_kind",
        in_kind="100 bao gạo × 250.000 đ",
        drive=str(drive.pk),
        amount="25.000.000",
    )
    response = client_for(book.fund_officer).post(url("donation_new", book.N1_fund), data)
    posting = Posting.objects.latest("id")
    assert response.status_code == 302 and posting.drive == drive
    assert posting.method == "in_kind" and posting.in_kind == "100 bao gạo × 250.000 đ"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount": "0"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "-500.000"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "1,5"}, "không có phần lẻ"),
        ({"amount": "1.000.000.000.000.000"}, "quá lớn"),
        ({"amount": "200.000.000.000"}, "vượt mức tối đa"),
        ({"amount": ""}, "Hãy ghi số tiền"),
        ({"date": "30/11/2026"}, "chưa đến: không ghi sổ cho ngày trong tương lai"),
        ({"date": "2/11/26"}, "năm cần ghi đủ bốn chữ số"),
        ({"receipt_number": "00012"}, "Số phiếu thu do hệ thống cấp, không nhập tay"),
        ({"donor_name": ""}, "Hãy ghi tên người hoặc đơn vị ủng hộ"),
        ({"method": "in_kind"}, "Hãy ghi hiện vật và cách định giá thành tiền"),
        ({"donor_type": "ghost"}, "Lựa chọn không hợp lệ"),
    ],
)
def test_a_bad_donation_is_refused_and_nothing_is_written(book, client_for, changes, message):
    before = written()
    response = client_for(book.fund_officer).post(
        url("donation_new", book.N1_fund), donation_form(**changes)
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert written() == before


def test_a_donation_in_a_closed_month_is_refused(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    before = written()
    response = client_for(book.fund_officer).post(
        url("donation_new", book.N1_fund), donation_form(date="15/10/2026")
    )
    assert response.status_code == 400
    assert "Tháng 10/2026 của quỹ (hoặc một tháng sau đó) đã khóa sổ" in text_of(response)
    assert written() == before


def test_the_form_has_no_receipt_number_field(book, client_for):
    page = text_of(client_for(book.fund_officer).get(url("donation_new", book.N1_fund)))
    assert 'name="receipt_number"' not in page and 'name="amount"' in page


# Disbursements -------------------------------------------------------------------------


def test_a_disbursement_to_a_household_of_the_register(book, client_for):
    response = client_for(book.fund_officer).post(
        url("disbursement_new", book.N1_fund), disbursement_form(book)
    )
    posting = Posting.objects.get(kind="disbursement")
    assert response.status_code == 302
    assert posting.household == book.home and posting.amount == 1_000_000
    assert posting.decision_number == "15/QĐ-BVĐ"
    assert posting.decision_on == datetime.date(2026, 11, 3)
    assert ledger.balance(book.N1_fund) == 7_250_000


def test_a_disbursement_to_a_named_project(book, client_for):
    data = disbursement_form(book, household="", project="Cầu dân sinh Thôn Đông",
                             category="community")  # fmt: skip
    response = client_for(book.fund_officer).post(url("disbursement_new", book.N1_fund), data)
    assert response.status_code == 302
    assert Posting.objects.get(kind="disbursement").project == "Cầu dân sinh Thôn Đông"


def test_the_picker_offers_only_households_under_the_fund(book, client_for):
    client = client_for(book.fund_officer)
    page = text_of(client.get(url("disbursement_new", book.N1_fund)))
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" in page
    assert "Ngô Văn Khánh" not in page
    options = text_of(client.get(url("households", book.N1_fund) + "?q=nguyen van"))
    assert "Nguyễn Văn An" in options and "Trần Thị Bình" not in options
    options = text_of(client.get(url("households", book.N1_fund) + "?q=ngo van khanh"))
    assert "Ngô Văn Khánh" not in options and "Không tìm thấy hộ nào" in options


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount": "0"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "-1"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "1,5"}, "không có phần lẻ"),
        ({"amount": "1.000.000.000.000.000"}, "quá lớn"),
        ({"date": "01/12/2026"}, "chưa đến"),
        ({"household": "", "project": ""}, "Hãy chọn hộ được hỗ trợ hoặc ghi tên công trình"),
        ({"decision_number": ""}, "Hãy ghi số và ngày của quyết định chi"),
        ({"decision_on": "06/11/2026"}, "Ngày quyết định phải trước hoặc cùng ngày chi"),
        ({"category": ""}, "Hãy chọn nội dung chi"),
    ],
)
def test_a_bad_disbursement_is_refused(book, client_for, changes, message):
    before = written()
    response = client_for(book.fund_officer).post(
        url("disbursement_new", book.N1_fund), disbursement_form(book, **changes)
    )
    assert response.status_code == 400 and message in text_of(response)
    assert written() == before


def test_a_household_of_the_sibling_commune_is_refused(book, client_for):
    before = written()
    response = client_for(book.fund_officer).post(
        url("disbursement_new", book.N1_fund),
        disbursement_form(book, household=str(book.far_home.pk)),
    )
    assert response.status_code == 400
    assert "Hộ được hỗ trợ không thuộc phạm vi của bạn" in text_of(response)
    assert written() == before


def test_a_disbursement_in_a_closed_month_is_refused(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    before = written()
    data = disbursement_form(book, date="25/10/2026", decision_on="20/10/2026")
    response = client_for(book.fund_officer).post(url("disbursement_new", book.N1_fund), data)
    assert response.status_code == 400 and "đã khóa sổ" in text_of(response)
    assert written() == before


def test_an_officer_cannot_spend_more_than_the_balance(book, client_for):
    client = client_for(book.fund_officer)
    assert 'name="overdraft_reason"' not in text_of(
        client.get(url("disbursement_new", book.N1_fund))
    )
    before = written()
    data = disbursement_form(book, amount="9.000.000", overdraft_reason="Cần gấp")
    response = client.post(url("disbursement_new", book.N1_fund), data)
    page = text_of(response)
    assert response.status_code == 400
    assert "Số chi 9.000.000 đ lớn hơn số dư của quỹ (8.250.000 đ)" in page
    assert written() == before


def test_the_fund_board_head_overrides_with_a_reason_and_it_is_recorded(book, client_for):
    client = client_for(book.chief)
    assert 'name="overdraft_reason"' in text_of(client.get(url("disbursement_new", book.N1_fund)))
    data = disbursement_form(book, amount="9.000.000", overdraft_reason="")
    response = client.post(url("disbursement_new", book.N1_fund), data)
    assert response.status_code == 400 and "phải ghi lý do" in text_of(response)
    data["overdraft_reason"] = "Nhà dột nát trước mùa mưa bão, quỹ cấp trên sẽ bù"
    response = client.post(url("disbursement_new", book.N1_fund), data)
    posting = Posting.objects.get(kind="disbursement")
    assert response.status_code == 302
    assert posting.overdraft_reason == "Nhà dột nát trước mùa mưa bão, quỹ cấp trên sẽ bù"
    assert ledger.balance(book.N1_fund) == -750_000
    event = AuditEvent.objects.get(action="fund.disbursement")
    assert "chi vượt số dư" in event.summary and event.actor == book.chief
    page = text_of(client.get(url("detail", book.N1_fund)))
    assert "Chi vượt số dư" in page and "Nhà dột nát trước mùa mưa bão" in page


# Transfers ---------------------------------------------------------------------------


def test_a_transfer_to_the_province_writes_both_ledgers(book, client_for):
    client = client_for(book.fund_officer)
    page = text_of(client.get(url("transfer_new", book.N1_fund)))
    assert book.P_fund.name in page and book.N2_fund.name not in page
    assert f'value="{book.N1_fund.pk}"' not in page
    response = client.post(url("transfer_new", book.N1_fund), transfer_form(book))
    assert response.status_code == 302
    assert ledger.balance(book.N1_fund) == 6_250_000 and ledger.balance(book.P_fund) == 2_000_000
    page = text_of(client_for(book.approver).get(url("detail", book.P_fund)))
    assert f"Nhận từ {book.N1_fund.name}" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"to_fund": "self"}, "Không chuyển quỹ cho chính mình"),
        ({"to_fund": "sibling"}, "Quỹ nhận không thuộc phạm vi của bạn và không phải cấp trên"),
        ({"to_fund": "99999"}, "Quỹ nhận không thuộc phạm vi của bạn và không phải cấp trên"),
        ({"to_fund": ""}, "Hãy chọn quỹ nhận"),
        ({"amount": "0"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "-2.000.000"}, "Số tiền phải lớn hơn 0 đồng"),
        ({"amount": "1,5"}, "không có phần lẻ"),
        ({"amount": "1.000.000.000.000.000"}, "quá lớn"),
        ({"amount": "9.000.000"}, "Số chuyển 9.000.000 đ lớn hơn số dư của quỹ"),
        ({"date": "15/12/2026"}, "chưa đến"),
    ],
)
def test_a_bad_transfer_is_refused(book, client_for, changes, message):
    targets = {"self": str(book.N1_fund.pk), "sibling": str(book.N2_fund.pk)}
    if changes.get("to_fund") in targets:
        changes = {"to_fund": targets[changes["to_fund"]]}
    before = written()
    response = client_for(book.fund_officer).post(
        url("transfer_new", book.N1_fund), transfer_form(book, **changes)
    )
    assert response.status_code == 400 and message in text_of(response)
    assert written() == before


def test_a_transfer_into_a_closed_month_of_the_receiver_is_refused(book, client_for):
    services.period_close(user=book.admin_editor, fund=book.P_fund, year=2026, month=10)
    before = written()
    response = client_for(book.fund_officer).post(
        url("transfer_new", book.N1_fund), transfer_form(book, date="25/10/2026")
    )
    assert response.status_code == 400 and "đã khóa sổ" in text_of(response)
    assert written() == before


# Reversals -------------------------------------------------------------------------------


def test_voiding_a_donation_keeps_it_and_writes_the_reversal(book, client_for):
    client = client_for(book.fund_officer)
    assert 'id="void"' in text_of(client.get(url("posting", book.N1_fund, book.first.pk)))
    response = client.post(url("void", book.N1_fund, book.first.pk), {"reason": "Ghi nhầm tên"})
    assert response.status_code == 302
    reversal = Posting.objects.get(reverses=book.first)
    assert reversal.reason == "Ghi nhầm tên" and reversal.date == TODAY
    assert ledger.balance(book.N1_fund) == 7_000_000
    page = text_of(client.get(url("posting", book.N1_fund, book.first.pk)))
    assert 'id="reversed"' in page and 'id="void"' not in page and "Ghi nhầm tên" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reason": ""}, "Hãy ghi lý do hủy (đảo) chứng từ"),
        ({"reason": "Sai", "date": "30/12/2026"}, "chưa đến"),
    ],
)
def test_a_bad_reversal_is_refused(book, client_for, data, message):
    before = written()
    response = client_for(book.fund_officer).post(url("void", book.N1_fund, book.first.pk), data)
    assert response.status_code == 400 and message in text_of(response)
    assert written() == before


def test_a_reversal_of_a_reversal_and_a_second_voiding_are_refused(book, client_for):
    reversal = services.reversal_record(user=book.fund_officer, posting=book.first, reason="Sai")
    client = client_for(book.fund_officer)
    before = written()
    response = client.post(url("void", book.N1_fund, reversal.pk), {"reason": "Đảo lại"})
    assert response.status_code == 400
    assert "Không đảo một bút toán đảo" in text_of(response)
    response = client.post(url("void", book.N1_fund, book.first.pk), {"reason": "Lần nữa"})
    assert response.status_code == 400 and "đã được hủy (đảo) trước đó" in text_of(response)
    assert written() == before


def test_a_reversal_dated_in_a_closed_month_is_refused(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    before = written()
    response = client_for(book.fund_officer).post(
        url("void", book.N1_fund, book.october.pk), {"reason": "Sai", "date": "31/10/2026"}
    )
    assert response.status_code == 400 and "đã khóa sổ" in text_of(response)
    assert written() == before


# Reconciliation --------------------------------------------------------------------------


def test_transfers_both_ways_are_all_matched(book, client_for):
    services.transfer_record(
        user=book.fund_officer, fund=book.N1_fund, to_fund=book.P_fund, amount=3_000_000, date=DAY
    )
    allocation = services.transfer_record(
        user=book.admin_editor, fund=book.P_fund, to_fund=book.N1_fund, amount=1_000_000, date=DAY
    )
    services.reversal_record(user=book.admin_editor, posting=allocation, reason="Nhầm số tiền")
    page = text_of(client_for(book.viewer).get(url("reconcile", book.N1_fund)))
    assert 'id="all-matched"' in page and 'id="unmatched"' not in page
    assert "3.000.000 đ" in page and "1.000.000 đ" in page
    assert book.P_fund.name in page


def test_a_transfer_missing_its_other_side_is_flagged(book, client_for):
    one_sided = Posting(
        fund=book.N1_fund,
        kind=Posting.Kind.TRANSFER,
        date=DAY,
        amount=400_000,
        counterpart=book.P_fund,
        posted_by=book.fund_officer,
    )
    ledger.post(one_sided, [(book.N1_fund, -400_000)])  # as if the receiving side were lost
    for fund in (book.N1_fund, book.P_fund):
        page = text_of(client_for(book.approver).get(url("reconcile", fund)))
        assert 'id="unmatched"' in page and "Thiếu bút toán bên nhận" in page
        assert 'id="all-matched"' not in page


def test_the_matching_of_transfers():
    def item(kind, lines, amount=500):
        return TransferLine(1, DAY, kind, 10, 20, amount, lines)

    found = match_transfers(
        [
            item("transfer", {10: -500, 20: 500}),
            item("reversal", {10: 500, 20: -500}),
            item("transfer", {10: -500}),
            item("transfer", {20: 500}),
            item("reversal", {10: 500}),
            item("transfer", {10: -500, 20: 400}),
        ]
    )
    assert [t.matched for t in found] == [True, True, False, False, False, False]
    assert found[2].problem == "Thiếu bút toán bên nhận."
    assert found[3].problem == "Thiếu bút toán bên chuyển."
    assert found[4].problem == "Thiếu bút toán bên nhận."
    assert found[5].problem == "Số tiền hai bên không khớp."


# Closing months ------------------------------------------------------------------------


def test_the_officer_closes_a_month_and_the_page_lists_it(book, client_for):
    client = client_for(book.fund_officer)
    response = client.post(url("close", book.N1_fund), {"year": "2026", "month": "10"})
    closing = PeriodClosing.objects.get()
    assert response.status_code == 302 and closing.balance == 5_000_000
    assert closing.closed_by == book.fund_officer
    page = text_of(client.get(url("periods", book.N1_fund)))
    assert "10/2026" in page and "Trịnh Văn Quỹ" in page and "Đang khóa" in page
    assert 'id="reopen"' not in page  # an officer of the same level does not reopen


@pytest.mark.parametrize(
    "data, message",
    [
        ({"year": "2026", "month": "11"}, "Chỉ khóa sổ tháng đã kết thúc"),
        ({"year": "2026", "month": "13"}, "Tháng không hợp lệ"),
        ({"year": "hai", "month": "10"}, "Năm phải là số"),
    ],
)
def test_a_bad_closing_is_refused(book, client_for, data, message):
    before = written()
    response = client_for(book.fund_officer).post(url("close", book.N1_fund), data)
    assert response.status_code == 400 and message in text_of(response)
    assert written() == before


def test_a_month_is_closed_once(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    before = written()
    response = client_for(book.fund_officer).post(
        url("close", book.N1_fund), {"year": "2026", "month": "10"}
    )
    assert response.status_code == 400 and "Tháng này đã khóa sổ" in text_of(response)
    assert written() == before


def test_only_an_approver_above_reopens_with_a_reason(book, client_for):
    services.period_close(user=book.fund_officer, fund=book.N1_fund, year=2026, month=10)
    data = {"year": "2026", "month": "10", "reason": "Bổ sung chứng từ bị sót"}
    before = written()
    for same_level in (book.fund_officer, book.fund_head):
        response = client_for(same_level).post(url("reopen", book.N1_fund), data)
        assert response.status_code == 403
    client = client_for(book.approver)
    response = client.post(url("reopen", book.N1_fund), data | {"reason": ""})
    assert response.status_code == 400 and "Hãy ghi lý do mở lại sổ" in text_of(response)
    response = client.post(url("reopen", book.N1_fund), data | {"month": "9"})
    assert response.status_code == 400 and "Tháng này chưa khóa sổ" in text_of(response)
    assert written() == before
    assert 'id="reopen"' in text_of(client.get(url("periods", book.N1_fund)))
    response = client.post(url("reopen", book.N1_fund), data)
    closing = PeriodClosing.objects.get()
    assert response.status_code == 302
    assert closing.reopened_by == book.approver and closing.reopen_reason == data["reason"]
    page = text_of(client.get(url("periods", book.N1_fund)))
    assert "Đã mở lại" in page and "Bổ sung chứng từ bị sót" in page and "Trần Thị Duyệt" in page
    give(book, 300_000, date=datetime.date(2026, 10, 30))  # the month takes entries again
