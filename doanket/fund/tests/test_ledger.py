"""The ledger's mechanics: entries, receipts without gaps, reversals, verification."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from doanket.fund import ledger, services
from doanket.fund.models import Entry, Posting, Receipt

from .conftest import DAY


def give(c, amount=1_250_000, **extra):
    fields = {"donor_type": Posting.DonorType.INDIVIDUAL, "donor_name": "Nguyễn Văn Hảo"}
    fields.update(extra)
    return services.donation_record(
        user=c.fund_officer, fund=c.N1_fund, amount=amount, date=DAY, **fields
    )


def test_a_donation_takes_the_next_receipt_number_and_raises_the_balance(funds):
    first, second = give(funds), give(funds, "2.000.000")
    assert [first.receipt.number, second.receipt.number] == [1, 2]
    assert ledger.balance(funds.N1_fund) == 3_250_000
    assert ledger.verify_fund(funds.N1_fund).ok


def test_a_voided_receipt_stays_in_the_series_and_its_reversal_cancels_it(funds):
    first = give(funds)
    services.reversal_record(user=funds.fund_officer, posting=first, reason="Ghi nhầm người")
    third = give(funds, 500_000)
    assert list(Receipt.objects.values_list("number", flat=True)) == [1, 2]
    assert third.receipt.number == 2
    assert ledger.balance(funds.N1_fund) == 500_000
    with pytest.raises(ValidationError, match="đã được hủy"):
        services.reversal_record(user=funds.fund_officer, posting=first, reason="Lần nữa")
    reversal = Posting.objects.get(reverses=first)
    with pytest.raises(ValidationError, match="Không đảo một bút toán đảo"):
        services.reversal_record(user=funds.fund_officer, posting=reversal, reason="Đảo lại")
    assert ledger.verify_fund(funds.N1_fund).ok


def test_a_transfer_has_two_sides_in_two_ledgers(funds):
    give(funds, 10_000_000)
    services.transfer_record(
        user=funds.fund_officer,
        fund=funds.N1_fund,
        to_fund=funds.P_fund,
        amount=4_000_000,
        date=DAY,
    )
    assert ledger.balance(funds.N1_fund) == 6_000_000
    assert ledger.balance(funds.P_fund) == 4_000_000
    assert ledger.verify_fund(funds.P_fund).ok and ledger.verify_fund(funds.N1_fund).ok


def test_posted_rows_cannot_be_changed_through_the_models(funds):
    posting = give(funds)
    posting.amount = 1
    with pytest.raises(ValidationError):
        posting.save()
    with pytest.raises(ValidationError):
        Entry.objects.filter(posting=posting).update(amount=1)
    with pytest.raises(ValidationError):
        Entry.objects.all().delete()


def test_verification_sees_a_changed_amount(funds):
    from django.db import connection

    give(funds)
    give(funds, 3_000_000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # someone with the database's own powers switches the triggers off
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE fund_entry SET amount = 99 WHERE seq = 1")
    result = ledger.verify_fund(funds.N1_fund)
    assert not result.ok and any("seq 1" in p for p in result.problems)


def test_amounts_are_whole_positive_and_sane(funds):
    for bad, message in (
        ("0", "lớn hơn 0"),
        ("-5.000", "lớn hơn 0"),
        ("1.000.000.000.000.000", "quá lớn"),
        ("200.000.000.000", "vượt mức tối đa"),
        (1.5, "phần lẻ"),
        ("", "Hãy ghi số tiền"),
    ):
        with pytest.raises(ValidationError, match=message):
            give(funds, bad)
    assert not Posting.objects.exists() and not Receipt.objects.exists()


def test_a_future_date_is_refused(funds):
    with pytest.raises(ValidationError, match="chưa đến"):
        services.donation_record(
            user=funds.fund_officer,
            fund=funds.N1_fund,
            amount=1000,
            date=datetime.date(2099, 1, 1),
            donor_type="anonymous",
        )


def test_months_are_reopened_from_the_latest_closed_one(funds):
    for month in (9, 10):
        services.period_close(user=funds.fund_officer, fund=funds.N1_fund, year=2026, month=month)
    with pytest.raises(ValidationError, match="10/2026 sau đó vẫn đang khóa sổ"):
        services.period_reopen(
            user=funds.approver, fund=funds.N1_fund, year=2026, month=9, reason="Sửa sai"
        )
    services.period_reopen(
        user=funds.approver, fund=funds.N1_fund, year=2026, month=10, reason="Sửa sai"
    )
    services.period_reopen(
        user=funds.approver, fund=funds.N1_fund, year=2026, month=9, reason="Sửa sai"
    )
    assert not services.is_closed(funds.N1_fund, datetime.date(2026, 9, 15))


def test_a_changed_receipt_number_is_reported(funds):
    from django.db import connection

    give(funds)
    give(funds, 2_000_000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE fund_receipt SET number = 7 WHERE number = 2")
    problems = ledger.verify_fund(funds.N1_fund).problems
    assert any("không liền" in problem for problem in problems)


def test_a_void_is_never_dated_before_its_original(funds):
    first = give(funds)
    with pytest.raises(ValidationError, match="Ngày hủy phải từ ngày"):
        services.reversal_record(
            user=funds.fund_officer,
            posting=first,
            reason="Nhầm",
            date=DAY - datetime.timedelta(days=1),
        )
    assert not Posting.objects.filter(reverses=first).exists()


def test_a_fund_of_a_unit_that_ended_takes_no_transfer(funds):
    from doanket.fund.models import Fund

    old = Fund.objects.create(unit=funds.tree.C1, name="Quỹ xã Cẩm Thượng (đến 30/06/2025)")
    give(funds, 5_000_000)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.transfer_record(
            user=funds.admin_editor, fund=funds.N1_fund, to_fund=old, amount=1_000, date=DAY
        )
    assert ledger.balance(old) == 0


def test_a_member_organisation_role_reaches_no_fund(funds, client_for):
    from doanket.fund.access import funds_for_user

    assert not funds_for_user(funds.org_editor).exists()
    assert not services.can_keep(funds.org_editor, funds.N1_fund)
    client = client_for(funds.org_editor)
    assert client.get(f"/fund/{funds.N1_fund.pk}/").status_code == 404
    assert client.get(f"/fund/statements/{funds.tree.N1.pk}/").status_code == 404
    response = client.post(
        f"/fund/{funds.N1_fund.pk}/donations/new/",
        {"donor_type": "anonymous", "method": "cash", "date": "02/11/2026", "amount": "1.000"},
    )
    assert response.status_code == 404 and not Posting.objects.exists()
