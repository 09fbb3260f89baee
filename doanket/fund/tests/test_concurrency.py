"""Receipt numbers taken at the same moment, and posted rows the database itself refuses
to change.

Officers at several desks record donations at once: each must get its own number of the
fund's series, with no number twice and none skipped, even when some postings fail after
taking theirs. That needs real concurrent transactions, hence PostgreSQL (SQLite writes
one at a time by design); the same series is also checked one commit after another on
every database. The triggers that refuse UPDATE and DELETE exist on PostgreSQL only; on
SQLite the model layer is the guard, and the same test checks whichever applies.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from doanket.accounts.models import User
from doanket.fund import ledger, services
from doanket.fund.models import Entry, Fund, Posting, Receipt, ReceiptCounter

from .conftest import DAY

THREADS, EACH = 8, 10
FAILING_DONOR = "Phiếu hỏng giữa chừng"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Giao dịch đồng thời thật chỉ có trên PostgreSQL; SQLite ghi lần lượt từng giao dịch.",
)


@pytest.fixture
def dies_after_taking_its_number(monkeypatch):
    """A posting by FAILING_DONOR dies after its receipt number was taken, the way a
    request dies half-way (a crash, a timeout): its transaction must give the number back."""
    take = ledger.take_receipt_number

    def take_then_fail(posting, *args, **kwargs):
        receipt = take(posting, *args, **kwargs)
        if posting.donor_name == FAILING_DONOR:
            raise RuntimeError("mất kết nối giữa chừng")
        return receipt

    monkeypatch.setattr(ledger, "take_receipt_number", take_then_fail)


def donate(user, fund, amount, donor="Nguyễn Văn Hảo", date=DAY):
    return services.donation_record(
        user=user,
        fund=fund,
        amount=amount,
        date=date,
        donor_type=Posting.DonorType.INDIVIDUAL,
        donor_name=donor,
    )


def numbers(fund, year=DAY.year) -> list[int]:
    return list(
        Receipt.objects.filter(fund=fund, year=year)
        .order_by("number")
        .values_list("number", flat=True)
    )


def desk(user_pk, fund_pk, desk_no, barrier, taken, errors):
    """One officer's desk in its own thread, with its own database connection."""
    try:
        user, fund = User.objects.get(pk=user_pk), Fund.objects.get(pk=fund_pk)
        barrier.wait(timeout=60)
        for n in range(EACH):
            donor = FAILING_DONOR if (desk_no + n) % 4 == 0 else f"Bàn {desk_no} lượt {n}"
            try:
                posting = donate(user, fund, 10_000 * (desk_no + 1) + n, donor)
            except RuntimeError:
                continue
            taken.append((posting.pk, posting.receipt.number, posting.amount))
    except Exception as error:  # reported to the main thread
        errors.append(error)
    finally:
        connections.close_all()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_officers_at_once_get_every_number_once_and_none_skipped(
    funds, dies_after_taking_its_number
):
    c = funds
    # two officers keep N1's fund; N2's officer posts to N2's own series at the same time
    desks = [(c.fund_officer if i % 2 else c.editor, c.N1_fund) for i in range(THREADS)]
    desks += [(c.outsider_editor, c.N2_fund)] * 2
    barrier = threading.Barrier(len(desks))
    taken, errors = [], []
    threads = [
        threading.Thread(
            target=desk, args=(user.pk, fund.pk, i, barrier, taken, errors), daemon=True
        )
        for i, (user, fund) in enumerate(desks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    failed_per_desk = [sum((i + n) % 4 == 0 for n in range(EACH)) for i in range(len(desks))]
    n1_posted = THREADS * EACH - sum(failed_per_desk[:THREADS])
    n2_posted = 2 * EACH - sum(failed_per_desk[THREADS:])
    assert len(taken) == n1_posted + n2_posted
    assert numbers(c.N1_fund) == list(range(1, n1_posted + 1))
    assert numbers(c.N2_fund) == list(range(1, n2_posted + 1))
    counters = dict(ReceiptCounter.objects.values_list("fund_id", "last_number"))
    assert counters == {c.N1_fund.pk: n1_posted, c.N2_fund.pk: n2_posted}
    assert not Posting.objects.filter(donor_name=FAILING_DONOR).exists()
    for fund in (c.N1_fund, c.N2_fund):
        result = ledger.verify_fund(fund)
        assert result.ok, result.problems
        amounts = Posting.objects.filter(fund=fund).values_list("amount", flat=True)
        assert ledger.balance(fund) == result.balance == sum(amounts)
        assert Entry.objects.filter(fund=fund).count() == len(amounts)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_officers_take_numbers_one_to_eighty(funds):
    """The plain case of the brief: 8 desks × 10 donations, all succeeding."""
    c = funds
    barrier = threading.Barrier(THREADS)
    taken, errors = [], []

    def run(i):
        try:
            user, fund = User.objects.get(pk=c.fund_officer.pk), Fund.objects.get(pk=c.N1_fund.pk)
            barrier.wait(timeout=60)
            for n in range(EACH):
                taken.append(donate(user, fund, 1_000 + i * 100 + n).receipt.number)
        except Exception as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    assert sorted(taken) == list(range(1, THREADS * EACH + 1))
    assert numbers(c.N1_fund) == list(range(1, THREADS * EACH + 1))
    assert ledger.verify_fund(c.N1_fund).ok
    total = sum(1_000 + i * 100 + n for i in range(THREADS) for n in range(EACH))
    assert ledger.balance(c.N1_fund) == total


@pytest.mark.django_db(transaction=True)
def test_committed_one_after_another_the_series_has_no_gap(funds, dies_after_taking_its_number):
    """Every database: real commits from two officers, across a year's turn, with postings
    that die after taking their number and refused ones in between."""
    c = funds
    last_year = datetime.date(2025, 12, 30)
    for n in range(12):
        user = c.fund_officer if n % 2 else c.editor
        date = last_year if n % 3 == 0 else DAY
        if n % 5 == 0:
            with pytest.raises(RuntimeError):
                donate(user, c.N1_fund, 50_000 + n, FAILING_DONOR, date)
        if n % 4 == 0:
            with pytest.raises(ValidationError):
                donate(user, c.N1_fund, "0", date=date)
        donate(user, c.N1_fund, 100_000 + n, date=date)
    assert numbers(c.N1_fund, 2025) == [1, 2, 3, 4]
    assert numbers(c.N1_fund, 2026) == list(range(1, 9))
    assert sorted(ReceiptCounter.objects.values_list("year", "last_number")) == [
        (2025, 4),
        (2026, 8),
    ]
    assert not Posting.objects.filter(donor_name=FAILING_DONOR).exists()
    assert ledger.verify_fund(c.N1_fund).ok
    assert ledger.balance(c.N1_fund) == sum(100_000 + n for n in range(12))


RAW_CHANGES = [
    "UPDATE fund_entry SET amount = 1",
    "UPDATE fund_entry SET hash = 'x'",
    "DELETE FROM fund_entry",
    "UPDATE fund_posting SET donor_name = 'Người khác'",
    "DELETE FROM fund_posting",
    "UPDATE fund_receipt SET number = 7",
    "DELETE FROM fund_receipt",
]


def test_posted_rows_refuse_to_change_on_every_database(funds):
    """PostgreSQL refuses even raw SQL (its triggers); on SQLite the model layer refuses,
    and it does on PostgreSQL too."""
    c = funds
    posting = donate(c.fund_officer, c.N1_fund, 1_250_000)
    before = list(Entry.objects.values_list("id", "amount", "hash"))
    if connection.vendor == "postgresql":
        for sql in RAW_CHANGES:
            with pytest.raises(IntegrityError, match="chỉ được ghi thêm"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
    posting.amount = 1
    with pytest.raises(ValidationError, match="không sửa được"):
        posting.save()
    with pytest.raises(ValidationError, match="không sửa được"):
        Entry.objects.filter(posting=posting).update(amount=1)
    with pytest.raises(ValidationError, match="không xóa được"):
        Posting.objects.all().delete()
    with pytest.raises(ValidationError, match="không xóa được"):
        Receipt.objects.get(posting=posting).delete()
    with pytest.raises(ValidationError, match="không xóa được"):
        Entry.objects.get(posting=posting).delete()
    # the test's own transaction is still usable, and nothing moved
    assert list(Entry.objects.values_list("id", "amount", "hash")) == before
    assert Posting.objects.get().amount == 1_250_000
    assert numbers(c.N1_fund) == [1]
    assert ledger.verify_fund(c.N1_fund).ok
