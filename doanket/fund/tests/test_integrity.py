"""What must hold whatever anyone does with the fund: after any sequence of donations,
disbursements, transfers, reversals (wanted or refused) and closings, every balance is the
sum of its entries and of its postings by kind, every chain verifies, receipt numbers run
1..n per fund and year, closed months stay as they were; and a posting that dies half-way
leaves nothing behind.

The ledger is append-only, so examples cannot clean the tables: each example opens fresh
funds on fresh communes under the province, kept by the province's editor.
"""

import datetime
import itertools
import os
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from doanket.conftest import make_unit
from doanket.core.models import AuditEvent
from doanket.fund import ledger, services
from doanket.fund.models import (
    Entry,
    Fund,
    PeriodClosing,
    Posting,
    Receipt,
    ReceiptCounter,
)
from doanket.units.models import Unit
from doanket.units.services import unit_link_create

from .conftest import DAY

TODAY = datetime.date(2026, 11, 29)
# Hypothesis starts from the first values: November (open, and it cannot be closed yet)
# first among days, October first among months.
DATES = [
    datetime.date(2026, 11, 2),
    datetime.date(2026, 11, 20),
    datetime.date(2026, 10, 5),
    datetime.date(2026, 10, 25),
    datetime.date(2026, 9, 8),
    datetime.date(2025, 12, 10),
]
MONTHS = [(2026, 10), (2026, 9), (2025, 12), (2026, 11)]
FUNDS = 3
EXAMPLE = itertools.count(1)


@pytest.fixture(autouse=True)
def on_the_29th_of_november(living_in):
    living_in(TODAY)


def fresh_funds(cast) -> list[Fund]:
    """Funds no earlier example has touched, on communes under the province."""
    k = next(EXAMPLE)
    funds = []
    for i in range(FUNDS):
        unit = make_unit(f"QT{k}-{i}", f"Xã Thử Quỹ {k}-{i}", Unit.Kind.COMMUNE)
        unit_link_create(child=unit, parent=cast.tree.P)
        funds.append(Fund.objects.create(unit=unit, name=f"Quỹ “Vì người nghèo” thử {k}-{i}"))
    return funds


def on(day: int, month: int, year: int = 2026) -> int:
    return DATES.index(datetime.date(year, month, day))


def the_month(month: int, year: int = 2026) -> int:
    return MONTHS.index((year, month))


def following_month(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1)


# The model: what the ledger must say, computed without the ledger ----------------------


@dataclass
class Posted:
    pk: int
    kind: str
    fund: int
    counterpart: int | None
    amount: int
    reversed: bool = False

    def undone(self) -> dict[int, int]:
        """What reversing it puts on each fund."""
        if self.kind == "transfer":
            return {self.fund: self.amount, self.counterpart: -self.amount}
        return {self.fund: -self.amount if self.kind == "donation" else self.amount}


@dataclass
class Expected:
    funds: list[Fund]
    lines: dict[int, list[tuple[datetime.date, int]]] = field(default_factory=dict)
    postings: list[Posted] = field(default_factory=list)
    receipts: dict[tuple[int, int], int] = field(default_factory=dict)
    closed: dict[tuple[int, int, int], tuple[set, int]] = field(default_factory=dict)

    def __post_init__(self):
        self.lines = {fund.pk: [] for fund in self.funds}

    def balance(self, fund_pk: int) -> int:
        return sum(amount for _day, amount in self.lines[fund_pk])

    def is_closed(self, fund_pk: int, day: datetime.date) -> bool:
        """Its month or a later one is closed: a closing carries its balance forward, so
        nothing may be dated before it either."""
        return any(
            pk == fund_pk and (day.year, day.month) <= (year, month)
            for pk, year, month in self.closed
        )

    def add(self, day, *lines):
        for fund_pk, amount in lines:
            self.lines[fund_pk].append((day, amount))


def month_entries(fund_pk: int, year: int, month: int) -> set:
    rows = Entry.objects.filter(fund_id=fund_pk, date__year=year, date__month=month)
    return set(rows.values_list("pk", "amount", "hash"))


def effect(posting: Posting, fund_pk: int) -> int:
    """A posting's effect on a fund, read from what the posting says (not its entries)."""
    if posting.kind == Posting.Kind.REVERSAL:
        return -effect(posting.reverses, fund_pk)
    if posting.kind == Posting.Kind.DONATION:
        return posting.amount
    if posting.kind == Posting.Kind.DISBURSEMENT:
        return -posting.amount
    return -posting.amount if posting.fund_id == fund_pk else posting.amount


def sum_by_kind(fund_pk: int) -> int:
    postings = Posting.objects.filter(Q(fund_id=fund_pk) | Q(counterpart_id=fund_pk))
    return sum(effect(p, fund_pk) for p in postings.select_related("reverses"))


def written() -> tuple[int, ...]:
    return (
        Posting.objects.count(),
        Entry.objects.count(),
        Receipt.objects.count(),
        PeriodClosing.objects.count(),
        AuditEvent.objects.filter(action__startswith="fund.").count(),
        ReceiptCounter.objects.aggregate(total=Sum("last_number"))["total"] or 0,
    )


def check_invariants(model: Expected) -> None:
    for fund in model.funds:
        expected = model.balance(fund.pk)
        assert ledger.balance(fund) == expected
        entries = Entry.objects.filter(fund=fund).aggregate(total=Sum("amount"))["total"]
        assert (entries or 0) == expected
        assert sum_by_kind(fund.pk) == expected
        result = ledger.verify_fund(fund)
        assert result.ok, result.problems
        assert (result.balance, result.entries) == (expected, len(model.lines[fund.pk]))
        for year in (2025, 2026):
            numbers = Receipt.objects.filter(fund=fund, year=year).values_list("number", flat=True)
            assert sorted(numbers) == list(range(1, model.receipts.get((fund.pk, year), 0) + 1))
    for (fund_pk, year, month), (entries, carried) in model.closed.items():
        assert month_entries(fund_pk, year, month) == entries
        closing = PeriodClosing.objects.get(
            fund_id=fund_pk, year=year, month=month, reopened_at__isnull=True
        )
        assert closing.balance == carried
        before = following_month(year, month)
        assert ledger.balance(Fund(pk=fund_pk), before=before) == carried


# The steps --------------------------------------------------------------------------------

fund_index = st.integers(min_value=0, max_value=FUNDS - 1)
day_index = st.integers(min_value=0, max_value=len(DATES) - 1)
# Hypothesis likes the ends of a range: any spending fits in any single gift.
gift = st.integers(min_value=1_000_000, max_value=5_000_000)
spend = st.integers(min_value=1, max_value=1_000_000)
BAD = [0, -1_000, 10**9]  # refused, or more than any balance here


def sometimes_bad(good):
    """Mostly a good amount, one time in four a bad one."""
    return st.tuples(st.sampled_from(range(4 * len(BAD))), good).map(
        lambda pick: BAD[pick[0]] if pick[0] < len(BAD) else pick[1]
    )


STEP_STRATEGIES = {
    "donate": st.tuples(fund_index, sometimes_bad(gift), day_index),
    "disburse": st.tuples(fund_index, sometimes_bad(spend), day_index),
    # the other fund as an offset: 0 is the fund itself, refused
    "transfer": st.tuples(
        fund_index, st.sampled_from([1, 2, 1, 2, 0]), sometimes_bad(spend), day_index
    ),
    "reverse": st.tuples(st.integers(min_value=0, max_value=60), day_index),
    "close": st.tuples(fund_index, st.integers(0, len(MONTHS) - 1)),
    "reopen": st.tuples(fund_index, st.integers(0, len(MONTHS) - 1), st.booleans()),
}
KINDS = ["donate"] * 3 + ["disburse", "transfer", "reverse", "close"] * 2 + ["reopen"]
step = st.sampled_from(KINDS).flatmap(
    lambda kind: STEP_STRATEGIES[kind].map(lambda args: (kind, *args))
)


def donate(c, model, i, value, d) -> None:
    fund, day = model.funds[i], DATES[d]
    ok = value > 0 and not model.is_closed(fund.pk, day)
    posting = attempt(
        ok,
        services.donation_record,
        user=c.admin_editor,
        fund=fund,
        amount=value,
        date=day,
        donor_type=Posting.DonorType.ORGANISATION,
        donor_name="Công ty Thử Nghiệm",
    )
    if posting:
        model.add(day, (fund.pk, value))
        model.postings.append(Posted(posting.pk, "donation", fund.pk, None, value))
        key = (fund.pk, day.year)
        model.receipts[key] = model.receipts.get(key, 0) + 1
        assert posting.receipt.number == model.receipts[key]


def disburse(c, model, i, value, d) -> None:
    fund, day = model.funds[i], DATES[d]
    ok = 0 < value <= model.balance(fund.pk) and not model.is_closed(fund.pk, day)
    posting = attempt(
        ok,
        services.disbursement_record,
        user=c.admin_editor,
        fund=fund,
        amount=value,
        date=day,
        category=Posting.Category.HOUSE_REPAIR,
        project="Sửa nhà Đại đoàn kết",
        decision_number="12/QĐ-MT",
        decision_on=day,
    )
    if posting:
        model.add(day, (fund.pk, -value))
        model.postings.append(Posted(posting.pk, "disbursement", fund.pk, None, value))


def transfer(c, model, i, offset, value, d) -> None:
    j = (i + offset) % FUNDS
    source, target, day = model.funds[i], model.funds[j], DATES[d]
    ok = (
        i != j
        and 0 < value <= model.balance(source.pk)
        and not model.is_closed(source.pk, day)
        and not model.is_closed(target.pk, day)
    )
    posting = attempt(
        ok,
        services.transfer_record,
        user=c.admin_editor,
        fund=source,
        to_fund=target,
        amount=value,
        date=day,
    )
    if posting:
        model.add(day, (source.pk, -value), (target.pk, value))
        model.postings.append(Posted(posting.pk, "transfer", source.pk, target.pk, value))


def reverse(c, model, k, d) -> None:
    if not model.postings:
        return
    original, day = model.postings[k % len(model.postings)], DATES[d]
    touched = [original.fund] + ([original.counterpart] if original.counterpart else [])
    posting = Posting.objects.get(pk=original.pk)
    ok = (
        original.kind != "reversal"
        and not original.reversed
        and day >= posting.date  # a void is never dated before what it voids
        and not any(model.is_closed(pk, day) for pk in touched)
    )
    reversal = attempt(
        ok,
        services.reversal_record,
        user=c.admin_editor,
        posting=posting,
        reason="Ghi nhầm, hủy theo biên bản",
        date=day,
    )
    if reversal:
        model.add(day, *original.undone().items())
        original.reversed = True
        model.postings.append(
            Posted(reversal.pk, "reversal", original.fund, original.counterpart, original.amount)
        )


def close(c, model, i, m) -> None:
    fund, (year, month) = model.funds[i], MONTHS[m]
    ok = (year, month) != (2026, 11) and not model.is_closed(fund.pk, datetime.date(year, month, 1))
    closing = attempt(
        ok, services.period_close, user=c.admin_editor, fund=fund, year=year, month=month
    )
    if closing:
        end = following_month(year, month)
        carried = sum(v for day, v in model.lines[fund.pk] if day < end)
        assert closing.balance == carried
        model.closed[(fund.pk, year, month)] = (month_entries(fund.pk, year, month), carried)


def attempt(ok: bool, service, **kwargs):
    """Run a service the model expects to succeed or to be refused; a refusal writes
    nothing at all, not even half a posting or a counter step."""
    before = written()
    if currently_in_test_context():
        event(f"{service.__name__}: {'ghi được' if ok else 'bị từ chối'}")
    if ok:
        return service(**kwargs)
    with pytest.raises(ValidationError) as refused:
        service(**kwargs)
    assert refused.value.messages and all(refused.value.messages)
    assert written() == before
    return None


def reopen(c, model, i, m, a_closed_one=False) -> None:
    """The province's approver (a level above) reopens a month, with a reason: one of the
    closed months, or any month (refused unless closed itself)."""
    fund, (year, month) = model.funds[i], MONTHS[m]
    if a_closed_one and model.closed:
        fund_pk, year, month = sorted(model.closed)[(i + m) % len(model.closed)]
        fund = next(f for f in model.funds if f.pk == fund_pk)
    later_closed = any(pk == fund.pk and (y, mo) > (year, month) for pk, y, mo in model.closed)
    # months reopen from the latest closed one
    ok = (fund.pk, year, month) in model.closed and not later_closed
    closing = attempt(
        ok,
        services.period_reopen,
        user=c.approver,
        fund=fund,
        year=year,
        month=month,
        reason="Bổ sung chứng từ theo kết luận kiểm tra",
    )
    if closing:
        assert closing.reopened_by == c.approver
        del model.closed[(fund.pk, year, month)]


STEPS = {
    "donate": donate,
    "disburse": disburse,
    "transfer": transfer,
    "reverse": reverse,
    "close": close,
    "reopen": reopen,
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=bool(os.getenv("CI")),  # CI replays the same examples; local runs explore
)
@given(steps=st.lists(step, min_size=3, max_size=20))
def test_the_ledger_holds_after_any_sequence_of_postings(funds, steps):
    model = Expected(fresh_funds(funds))
    for i in range(FUNDS):  # money to spend from the start, received before any month here
        donate(funds, model, i, 10_000_000, on(10, 12, 2025))
    for name, *args in steps:
        STEPS[name](funds, model, *args)
        check_invariants(model)


# Named cases the property also covers, kept readable -----------------------------------


def test_a_reversal_of_a_reversal_and_a_second_reversal_are_refused(funds):
    c = funds
    model = Expected(fresh_funds(c))
    donate(c, model, 0, 2_000_000, on(2, 11))
    reverse(c, model, 0, on(20, 11))
    assert model.postings[0].reversed and model.postings[1].kind == "reversal"
    reverse(c, model, 0, on(20, 11))  # refused: already reversed
    reverse(c, model, 1, on(20, 11))  # refused: a reversal is not reversed
    check_invariants(model)
    assert Posting.objects.filter(fund=model.funds[0]).count() == 2


def test_a_closed_month_refuses_postings_dated_in_it_and_keeps_its_figures(funds):
    c, to_the_next = funds, 1
    model = Expected(fresh_funds(c))
    donate(c, model, 0, 5_000_000, on(5, 10))
    transfer(c, model, 0, to_the_next, 1_000_000, on(25, 10))
    close(c, model, 1, the_month(10))  # the receiving fund closes October
    transfer(c, model, 0, to_the_next, 500_000, on(25, 10))  # refused: closed there
    close(c, model, 0, the_month(10))
    donate(c, model, 0, 10, on(5, 10))  # refused
    disburse(c, model, 0, 10, on(25, 10))  # refused
    reverse(c, model, 0, on(25, 10))  # refused
    reverse(c, model, 0, on(2, 11))  # allowed in November; October stays as it was
    close(c, model, 0, the_month(10))  # refused: already closed
    close(c, model, 0, the_month(11))  # refused: November is not over
    check_invariants(model)
    assert [p.kind for p in model.postings] == ["donation", "transfer", "reversal"]
    october = PeriodClosing.objects.get(fund=model.funds[0], month=10)
    assert october.balance == 4_000_000
    assert ledger.balance(model.funds[0]) == -1_000_000


def test_a_closing_also_locks_the_months_before_it(funds):
    """Posting into an earlier month would change the balance the closing carried."""
    c = funds
    model = Expected(fresh_funds(c))
    donate(c, model, 0, 3_000_000, on(8, 9))
    close(c, model, 0, the_month(10))
    donate(c, model, 0, 1_000_000, on(10, 12, 2025))  # refused: before October
    close(c, model, 0, the_month(9))  # refused: already behind a closing
    donate(c, model, 1, 1_000_000, on(2, 11))
    transfer(c, model, 1, 2, 100, on(8, 9))  # refused: the receiving side is closed
    reverse(c, model, 0, on(5, 10))  # refused
    reverse(c, model, 0, on(2, 11))  # allowed
    check_invariants(model)
    assert ledger.balance(model.funds[0], before=datetime.date(2026, 11, 1)) == 3_000_000


def test_a_reopened_month_takes_postings_again_and_closes_with_the_new_balance(funds):
    c = funds
    model = Expected(fresh_funds(c))
    donate(c, model, 0, 3_000_000, on(5, 10))
    close(c, model, 0, the_month(10))
    reopen(c, model, 0, the_month(9))  # refused: September was never closed itself
    reopen(c, model, 0, the_month(10))
    donate(c, model, 0, 2_000_000, on(25, 10))
    close(c, model, 0, the_month(10))
    check_invariants(model)
    rows = PeriodClosing.objects.filter(fund=model.funds[0]).order_by("closed_at", "pk")
    assert [(row.balance, row.reopened_at is not None) for row in rows] == [
        (3_000_000, True),
        (5_000_000, False),
    ]


# A request that dies half-way -------------------------------------------------------------


def give(c, amount=1_250_000):
    return services.donation_record(
        user=c.fund_officer,
        fund=c.N1_fund,
        amount=amount,
        date=DAY,
        donor_type=Posting.DonorType.INDIVIDUAL,
        donor_name="Nguyễn Văn Hảo",
    )


def test_a_donation_dying_before_its_number_leaves_nothing(funds, monkeypatch):
    give(funds)
    before = written()

    def dies(posting, *args, **kwargs):
        assert Entry.objects.filter(posting=posting).exists()  # the entries were written
        raise RuntimeError("mất điện")

    monkeypatch.setattr(ledger, "take_receipt_number", dies)
    with pytest.raises(RuntimeError):
        give(funds, 700_000)
    assert written() == before
    assert ReceiptCounter.objects.get(fund=funds.N1_fund).last_number == 1
    assert ledger.balance(funds.N1_fund) == 1_250_000
    assert ledger.verify_fund(funds.N1_fund).ok


def test_a_donation_dying_after_its_number_gives_the_number_back(funds, monkeypatch):
    give(funds)
    before = written()
    take = ledger.take_receipt_number

    def takes_then_dies(posting, *args, **kwargs):
        receipt = take(posting, *args, **kwargs)
        assert receipt.number == 2
        raise RuntimeError("hết thời gian chờ")

    monkeypatch.setattr(ledger, "take_receipt_number", takes_then_dies)
    with pytest.raises(RuntimeError):
        give(funds, 700_000)
    assert written() == before
    assert ReceiptCounter.objects.get(fund=funds.N1_fund).last_number == 1
    monkeypatch.setattr(ledger, "take_receipt_number", take)
    assert give(funds, 700_000).receipt.number == 2


@pytest.mark.parametrize("act", ["transfer", "reversal", "closing", "disbursement"])
def test_any_write_dying_at_its_last_step_leaves_nothing(funds, monkeypatch, act):
    """Everything written, then the history record fails: the whole act is undone."""
    c = funds
    donation = give(c, 5_000_000)
    before = written()

    def history_fails(**kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(services, "audit_record", history_fails)
    officer = c.fund_officer
    with pytest.raises(RuntimeError):
        if act == "transfer":
            services.transfer_record(
                user=officer, fund=c.N1_fund, to_fund=c.P_fund, amount=1_000_000, date=DAY
            )
        elif act == "reversal":
            services.reversal_record(user=officer, posting=donation, reason="Ghi nhầm")
        elif act == "closing":
            services.period_close(user=officer, fund=c.N1_fund, year=2026, month=10)
        else:
            services.disbursement_record(
                user=officer,
                fund=c.N1_fund,
                amount=1_000_000,
                date=DAY,
                category=Posting.Category.MEDICAL,
                project="Khám bệnh",
                decision_number="3/QĐ",
                decision_on=DAY,
            )
    assert written() == before
    assert not Posting.objects.filter(reverses=donation).exists()
    for fund in (c.N1_fund, c.P_fund):
        assert ledger.verify_fund(fund).ok
    assert ledger.balance(c.N1_fund) == 5_000_000 and ledger.balance(c.P_fund) == 0
