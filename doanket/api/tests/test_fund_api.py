"""The fund API: funds in scope with balances, a fund's postings over a period, recording
a donation and reversing a posting; for the fund officer, the reader, the outsider, and
bad input that must leave nothing written."""

import datetime
import json

import pytest

from doanket.accounts.models import ApiToken
from doanket.core.models import AuditEvent
from doanket.fund import ledger, services
from doanket.fund.models import Drive, Entry, Posting, Receipt, ReceiptCounter
from doanket.fund.tests import conftest as fund_conftest

# The cast's funds are fixtures of the fund app, out of this folder's reach.
funds = fund_conftest.funds

TODAY = datetime.date(2026, 11, 29)
GIFT = {
    "amount": "1.250.000",
    "date": "02/11/2026",
    "donor_type": "individual",
    "donor_name": "Nguyễn Văn Hảo",
    "method": "cash",
}


@pytest.fixture(autouse=True)
def on_the_29th_of_november(living_in):
    living_in(TODAY)


def _headers(user) -> dict:
    if user is None:
        return {}
    _token, raw = ApiToken.issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def get(client):
    def call(user, path, **params):
        return client.get(f"/api/fund{path}", params, headers=_headers(user))

    return call


@pytest.fixture
def post(client):
    def call(user, path, body):
        return client.post(
            f"/api/fund{path}",
            json.dumps(body),
            content_type="application/json",
            headers=_headers(user),
        )

    return call


def donate(c, amount=1_250_000, date=datetime.date(2026, 11, 2), fund=None, user=None):
    return services.donation_record(
        user=user or c.fund_officer,
        fund=fund or c.N1_fund,
        amount=amount,
        date=date,
        donor_type="individual",
        donor_name="Trần Văn Tâm",
    )


def written() -> tuple[int, ...]:
    return (
        Posting.objects.count(),
        Entry.objects.count(),
        Receipt.objects.count(),
        sum(ReceiptCounter.objects.values_list("last_number", flat=True)),
        AuditEvent.objects.filter(action__startswith="fund.").count(),
    )


# The list of funds ---------------------------------------------------------------------


def test_each_person_lists_the_funds_of_their_scope_with_balances(get, funds):
    c = funds
    donate(c, 3_000_000)
    donate(c, 500_000, fund=c.N2_fund, user=c.outsider_editor)
    mine = get(c.fund_officer, "/")
    assert mine.status_code == 200
    assert [(f["name"], f["balance"], f["can_keep"]) for f in mine.json()] == [
        (c.N1_fund.name, 3_000_000, True)
    ]
    assert mine.json()[0]["unit"]["code"] == "N1"
    province = {f["name"]: f for f in get(c.admin_editor, "/").json()}
    assert set(province) == {c.P_fund.name, c.N1_fund.name, c.N2_fund.name}
    assert province[c.N2_fund.name]["balance"] == 500_000 and province[c.P_fund.name]["can_keep"]
    reader = get(c.viewer, "/").json()
    assert [(f["name"], f["can_keep"]) for f in reader] == [(c.N1_fund.name, False)]
    assert [f["name"] for f in get(c.outsider, "/").json()] == [c.N2_fund.name]


def test_no_credentials_get_a_401(get, funds):
    assert get(None, "/").status_code == 401
    assert get(None, f"/{funds.N1_fund.pk}/postings").status_code == 401


# Donations -----------------------------------------------------------------------------


def test_a_donation_gets_the_next_receipt_number(post, funds):
    c = funds
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT)
    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "donation" and data["amount"] == 1_250_000
    assert data["effect"] == 1_250_000 and data["date"] == "2026-11-02"
    assert data["receipt"] == {"number": 1, "series": "PT", "year": 2026, "label": "00001/PT-2026"}
    assert data["posted_by"] == "Trịnh Văn Quỹ"
    second = post(
        c.fund_officer,
        f"/{c.N1_fund.pk}/donations",
        GIFT | {"amount": 2_000_000, "date": "2026-11-03", "donor_type": "anonymous"},
    )
    assert second.status_code == 201
    assert second.json()["receipt"]["number"] == 2 and second.json()["donor_name"] == ""
    assert ledger.balance(c.N1_fund) == 3_250_000
    assert AuditEvent.objects.filter(action="fund.donation").count() == 2


def test_a_donation_in_kind_to_a_drive(post, funds):
    c = funds
    drive = Drive.objects.create(
        fund=c.N1_fund,
        name="Tháng cao điểm 2026",
        starts_on=datetime.date(2026, 10, 17),
        ends_on=datetime.date(2026, 11, 18),
    )
    body = GIFT | {
        "donor_type": "organisation",
        "donor_name": "Công ty May Cẩm Giàng",
        "method": "in_kind",
        "in_kind": "50 bao gạo, 300.000 đ/bao",
        "amount": 15_000_000,
        "drive": drive.pk,
    }
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", body)
    assert response.status_code == 201
    assert response.json()["drive"] == drive.pk and response.json()["method"] == "in_kind"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": 0}, "lớn hơn 0"),
        ({"amount": -1}, "lớn hơn 0"),
        ({"amount": "-1"}, "lớn hơn 0"),
        ({"amount": "1,5"}, "số nguyên đồng"),
        ({"amount": 1.5}, "phần lẻ"),
        ({"amount": "1.000.000.000.000.000"}, "quá lớn"),
        ({"amount": 10**12}, "vượt mức tối đa"),
        ({"amount": True}, "không hợp lệ"),
        ({"amount": ""}, "Hãy ghi số tiền"),
        ({"date": "01/12/2026"}, "chưa đến"),
        ({"date": "31/02/2026"}, "không tồn tại"),
        ({"date": ""}, "Hãy ghi ngày"),
        ({"date": "x" * 31}, "quá dài"),
        ({"receipt_number": "00007"}, "Không nhập số phiếu thu"),
        ({"receipt_number": 7}, "Không nhập số phiếu thu"),
        ({"donor_type": "ai đó"}, "tổ chức, cá nhân hay giấu tên"),
        ({"donor_name": "  "}, "Hãy ghi tên người"),
        ({"method": "vàng"}, "tiền mặt, chuyển khoản"),
        ({"method": "in_kind"}, "hiện vật và cách định giá"),
        ({"drive": 999_999}, "Đợt vận động không thuộc quỹ này"),
    ],
)
def test_bad_donations_are_refused_in_vietnamese_and_nothing_is_written(
    post, funds, change, message
):
    c = funds
    donate(c)  # the series has begun: a refusal must not move it
    before = written()
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT | change)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert response.json()["errors"]
    assert written() == before
    assert ReceiptCounter.objects.get(fund=c.N1_fund).last_number == 1


def test_a_drive_of_another_fund_is_refused(post, funds):
    c = funds
    other = Drive.objects.create(
        fund=c.N2_fund,
        name="Đợt của xã bên",
        starts_on=datetime.date(2026, 10, 17),
        ends_on=datetime.date(2026, 11, 18),
    )
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT | {"drive": other.pk})
    assert response.status_code == 400 and not Posting.objects.exists()


def test_a_donation_in_a_closed_month_is_refused(post, funds):
    c = funds
    services.period_close(user=c.fund_officer, fund=c.N1_fund, year=2026, month=10)
    before = written()
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT | {"date": "20/10/2026"})
    assert response.status_code == 400
    assert "Tháng 10/2026 của quỹ" in response.json()["detail"]
    assert "đã khóa sổ" in response.json()["detail"]
    assert written() == before


def test_a_body_that_is_not_a_donation_gets_a_400(post, funds):
    c = funds
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", {"amount": 1000})
    assert response.status_code == 400
    assert "Tham số không hợp lệ" in response.json()["detail"]
    assert not Posting.objects.exists()


def test_a_request_dying_half_way_leaves_nothing(post, funds, monkeypatch):
    c = funds
    donate(c)
    before = written()
    take = ledger.take_receipt_number

    def takes_then_dies(posting, *args, **kwargs):
        take(posting, *args, **kwargs)
        raise RuntimeError("mất kết nối cơ sở dữ liệu")

    monkeypatch.setattr(ledger, "take_receipt_number", takes_then_dies)
    with pytest.raises(RuntimeError):
        post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT)
    assert written() == before
    monkeypatch.setattr(ledger, "take_receipt_number", take)
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/donations", GIFT)
    assert response.json()["receipt"]["number"] == 2


def test_the_reader_cannot_record(post, funds):
    c = funds
    response = post(c.viewer, f"/{c.N1_fund.pk}/donations", GIFT)
    assert response.status_code == 403
    assert "không có quyền ghi sổ" in response.json()["detail"]
    assert written() == (0, 0, 0, 0, 0)


def keeps(get, user) -> dict[int, bool]:
    return {f["id"]: f["can_keep"] for f in get(user, "/").json()}


def test_who_may_record_is_what_the_list_says(post, get, funds):
    """The list's `can_keep` and the answer to a write agree, for every role on N1."""
    c = funds
    for user in (c.fund_officer, c.fund_head, c.viewer, c.editor, c.admin_editor):
        may = keeps(get, user)[c.N1_fund.pk]
        assert may == services.can_keep(user, c.N1_fund)
        assert get(user, f"/{c.N1_fund.pk}/postings").status_code == 200
        response = post(user, f"/{c.N1_fund.pk}/donations", GIFT)
        assert response.status_code == (201 if may else 403)
    assert not keeps(get, c.viewer)[c.N1_fund.pk]
    assert keeps(get, c.fund_officer)[c.N1_fund.pk]


def test_outsiders_and_levels_below_get_not_found(post, get, funds):
    c = funds
    posting = donate(c)
    province = donate(c, fund=c.P_fund, user=c.admin_editor)
    before = written()
    for user, fund, target in (
        (c.outsider, c.N1_fund, posting),
        (c.outsider_editor, c.N1_fund, posting),
        (c.fund_officer, c.P_fund, province),  # the level above is not the commune's
    ):
        for response in (
            get(user, f"/{fund.pk}/postings"),
            post(user, f"/{fund.pk}/donations", GIFT),
            post(user, f"/{fund.pk}/postings/{target.pk}/reverse", {"reason": "Thử"}),
        ):
            assert response.status_code == 404
            assert "phạm vi" in response.json()["detail"]
    assert written() == before
    assert get(c.fund_officer, "/999999/postings").status_code == 404


# Postings of a period ---------------------------------------------------------------------


def test_the_postings_of_a_period_with_its_balances(get, funds):
    c = funds
    for day, amount in ((1, 1_000_000), (10, 2_000_000), (20, 4_000_000)):
        donate(c, amount, datetime.date(2026, 11, day))
    donate(c, 500_000, datetime.date(2026, 10, 30))
    services.transfer_record(
        user=c.fund_officer,
        fund=c.N1_fund,
        to_fund=c.P_fund,
        amount=3_000_000,
        date=datetime.date(2026, 11, 15),
    )
    response = get(
        c.viewer, f"/{c.N1_fund.pk}/postings", **{"from": "01/11/2026", "to": "15/11/2026"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["date_from"] == "2026-11-01" and data["date_to"] == "2026-11-15"
    assert data["opening_balance"] == 500_000
    assert data["closing_balance"] == 500_000 + 1_000_000 + 2_000_000 - 3_000_000
    assert data["count"] == 3
    assert [(i["kind"], i["effect"]) for i in data["items"]] == [
        ("donation", 1_000_000),
        ("donation", 2_000_000),
        ("transfer", -3_000_000),
    ]
    assert data["items"][2]["counterpart"]["name"] == c.P_fund.name
    # numbers follow the order of recording, not the dates
    assert data["items"][0]["receipt"]["label"] == "00001/PT-2026"
    assert data["items"][1]["receipt"]["label"] == "00002/PT-2026"
    page = get(c.viewer, f"/{c.N1_fund.pk}/postings", limit=2, offset=3).json()
    assert page["count"] == 5 and [i["date"] for i in page["items"]] == ["2026-11-15", "2026-11-20"]
    # the province sees the money it received, on its own ledger
    received = get(c.admin_editor, f"/{c.P_fund.pk}/postings").json()
    assert [(i["kind"], i["effect"]) for i in received["items"]] == [("transfer", 3_000_000)]
    assert received["closing_balance"] == 3_000_000


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "20/11/2026", "to": "01/11/2026"}, "trước hoặc cùng ngày cuối kỳ"),
        ({"from": "32/11/2026"}, "Từ ngày"),
        ({"to": "hôm qua"}, "Đến ngày"),
        ({"limit": 0}, "từ 1 đến 500"),
        ({"limit": 501}, "từ 1 đến 500"),
        ({"offset": -1}, "không được âm"),
    ],
)
def test_bad_list_parameters_get_a_vietnamese_400(get, funds, params, message):
    response = get(funds.fund_officer, f"/{funds.N1_fund.pk}/postings", **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


# Reversals --------------------------------------------------------------------------------


def test_a_reversal_cancels_a_donation_and_its_receipt_stays(post, get, funds):
    c = funds
    posting = donate(c)
    response = post(
        c.fund_officer, f"/{c.N1_fund.pk}/postings/{posting.pk}/reverse", {"reason": "Ghi nhầm"}
    )
    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "reversal" and data["reverses"] == posting.pk
    assert data["effect"] == -1_250_000 and data["reason"] == "Ghi nhầm"
    assert data["date"] == "2026-11-29" and data["receipt"] is None
    assert ledger.balance(c.N1_fund) == 0
    listed = get(c.fund_officer, f"/{c.N1_fund.pk}/postings").json()["items"]
    assert listed[0]["reversed_by"] == data["id"]
    assert listed[0]["receipt"]["number"] == 1  # the voided receipt keeps its number
    assert ledger.verify_fund(c.N1_fund).ok


def test_a_transfer_is_reversed_on_the_senders_ledger_both_sides_at_once(post, funds):
    c = funds
    donate(c, 5_000_000)
    transfer = services.transfer_record(
        user=c.fund_officer,
        fund=c.N1_fund,
        to_fund=c.P_fund,
        amount=2_000_000,
        date=datetime.date(2026, 11, 5),
    )
    path = f"/postings/{transfer.pk}/reverse"
    before = written()
    refused = post(c.admin_editor, f"/{c.P_fund.pk}{path}", {"reason": "Nhầm"})
    assert refused.status_code == 400
    assert "hủy (đảo) nó ở sổ của quỹ đó" in refused.json()["detail"]
    assert c.N1_fund.name in refused.json()["detail"]
    assert written() == before
    response = post(c.fund_officer, f"/{c.N1_fund.pk}{path}", {"reason": "Chuyển nhầm"})
    assert response.status_code == 201 and response.json()["effect"] == 2_000_000
    assert response.json()["counterpart"]["id"] == c.P_fund.pk
    assert ledger.balance(c.P_fund) == 0 and ledger.balance(c.N1_fund) == 5_000_000
    assert ledger.verify_fund(c.P_fund).ok and ledger.verify_fund(c.N1_fund).ok


def test_a_posting_of_another_ledger_is_not_found(post, funds):
    c = funds
    theirs = donate(c, fund=c.N2_fund, user=c.outsider_editor)
    response = post(
        c.admin_editor, f"/{c.N1_fund.pk}/postings/{theirs.pk}/reverse", {"reason": "Nhầm"}
    )
    assert response.status_code == 404
    assert not Posting.objects.filter(kind="reversal").exists()


@pytest.mark.parametrize("case", ["twice", "of_a_reversal", "no_reason", "future", "bad_date"])
def test_bad_reversals_are_refused_and_nothing_is_written(post, funds, case):
    c = funds
    posting = donate(c)
    reversal = services.reversal_record(user=c.fund_officer, posting=posting, reason="Ghi nhầm")
    other = donate(c, 700_000)
    target, body, message = {
        "twice": (posting, {"reason": "Lần nữa"}, "đã được hủy"),
        "of_a_reversal": (reversal, {"reason": "Đảo lại"}, "Không đảo một bút toán đảo"),
        "no_reason": (other, {"reason": "  "}, "Hãy ghi lý do"),
        "future": (other, {"reason": "Nhầm", "date": "30/11/2026"}, "chưa đến"),
        "bad_date": (other, {"reason": "Nhầm", "date": "30/02/2026"}, "không tồn tại"),
    }[case]
    before = written()
    response = post(c.fund_officer, f"/{c.N1_fund.pk}/postings/{target.pk}/reverse", body)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert written() == before


def test_the_reader_cannot_reverse(post, funds):
    c = funds
    posting = donate(c)
    before = written()
    response = post(
        c.viewer, f"/{c.N1_fund.pk}/postings/{posting.pk}/reverse", {"reason": "Ghi nhầm"}
    )
    assert response.status_code == 403
    assert written() == before
