"""The ledger's mechanics: posting entries on each fund's hash chain, taking receipt
numbers, balances and verification. Checks of who and what live in services.py."""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum

from doanket.fund.models import Entry, Fund, Posting, Receipt, ReceiptCounter

GENESIS = "0" * 64


def entry_hash(entry: Entry, posting: Posting) -> str:
    """The hash of an entry: its place in the chain and what the posting says, so that
    changing any figure, date, name or link of a posted row breaks the chain."""
    body = {
        "fund": entry.fund_id,
        "seq": entry.seq,
        "prev": entry.prev_hash,
        "date": entry.date.isoformat(),
        "amount": entry.amount,
        "posting": posting.pk,
        "kind": posting.kind,
        "posting_fund": posting.fund_id,
        "posting_amount": posting.amount,
        "posting_date": posting.date.isoformat(),
        "reverses": posting.reverses_id,
        "counterpart": posting.counterpart_id,
        "household": posting.household_id,
        "category": posting.category,
        "donor": [posting.donor_type, posting.donor_name],
        "drive": posting.drive_id,
        "decision": posting.decision_number,
        "decision_on": posting.decision_on.isoformat() if posting.decision_on else None,
        "method": posting.method,
        "in_kind": posting.in_kind,
        "donor_address": posting.donor_address,
        "project": posting.project,
        "description": posting.description,
        "reason": posting.reason,
        "overdraft": posting.overdraft_reason,
        "posted_by": posting.posted_by_id,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_funds(*funds: Fund) -> None:
    """Postings on a fund wait for each other: the chain and the receipt series advance
    one at a time. Funds are locked in id order so two transfers never deadlock."""
    ids = sorted({f.pk for f in funds})
    list(Fund.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _chain_end(fund: Fund) -> tuple[int, str]:
    last = Entry.objects.filter(fund=fund).order_by("-seq").values("seq", "hash").first()
    return (last["seq"], last["hash"]) if last else (0, GENESIS)


def post(posting: Posting, lines: list[tuple[Fund, int]]) -> Posting:
    """Save the posting and its signed lines, each at the end of its fund's chain. The
    caller holds the locks (lock_funds) inside its transaction."""
    posting.save()
    for fund, amount in lines:
        seq, prev = _chain_end(fund)
        entry = Entry(posting=posting, fund=fund, date=posting.date, amount=amount, seq=seq + 1)
        entry.prev_hash = prev
        entry.hash = entry_hash(entry, posting)
        entry.save()
    return posting


def take_receipt_number(posting: Posting, series: str = "PT") -> Receipt:
    """The next number of the fund's series for the posting's year, in the posting's
    transaction: if the posting fails, the number is not used and no gap is left."""
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(
        fund=posting.fund, year=posting.date.year, series=series
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return Receipt.objects.create(
        posting=posting,
        fund=posting.fund,
        year=posting.date.year,
        series=series,
        number=counter.last_number,
    )


def balance(fund: Fund, *, before=None, until=None) -> int:
    entries = Entry.objects.filter(fund=fund)
    if before is not None:
        entries = entries.filter(date__lt=before)
    if until is not None:
        entries = entries.filter(date__lte=until)
    return entries.aggregate(total=Sum("amount"))["total"] or 0


@dataclass
class Verification:
    fund: Fund
    entries: int = 0
    balance: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


SIGN = {Posting.Kind.DONATION: 1, Posting.Kind.DISBURSEMENT: -1}


def expected_lines(posting: Posting) -> dict[int, int]:
    """What the design says a posting's entries are, per fund."""
    if posting.kind in SIGN:
        return {posting.fund_id: SIGN[posting.kind] * posting.amount}
    if posting.kind == Posting.Kind.TRANSFER:
        return {posting.fund_id: -posting.amount, posting.counterpart_id: posting.amount}
    original = posting.reverses
    return {fund: -amount for fund, amount in expected_lines(original).items()}


def verify_fund(fund: Fund) -> Verification:
    """Recompute the fund's chain and balance from the stored rows."""
    result = Verification(fund)
    prev, expected_seq = GENESIS, 1
    total = 0
    entries = Entry.objects.filter(fund=fund).select_related("posting").order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        result.entries += 1
        if entry.seq != expected_seq:
            result.problems.append(f"seq {expected_seq}: thiếu, gặp {entry.seq}")
            expected_seq = entry.seq
        if entry.prev_hash != prev:
            result.problems.append(f"seq {entry.seq}: mắt xích trước không khớp")
        if entry_hash(entry, entry.posting) != entry.hash:
            result.problems.append(f"seq {entry.seq}: nội dung đã bị thay đổi")
        prev = entry.hash
        expected_seq += 1
        total += entry.amount
    result.balance = total
    stored = balance(fund)
    if stored != total:
        result.problems.append(f"số dư {stored} khác tổng các bút toán {total}")
    for posting in Posting.objects.filter(fund=fund).select_related("reverses"):
        lines = dict(Entry.objects.filter(posting=posting).values_list("fund_id", "amount"))
        if lines != expected_lines(posting):
            result.problems.append(f"chứng từ {posting.pk}: các dòng không đúng thiết kế")
    result.problems += receipt_problems(fund)
    return result


def receipt_problems(fund: Fund) -> list[str]:
    """Receipts are outside the chain: each donation has one, of its own fund and year,
    and each series runs 1..last number taken without a gap or a double."""
    problems = []
    donations = Posting.objects.filter(fund=fund, kind=Posting.Kind.DONATION)
    for posting in donations.filter(receipt__isnull=True):
        problems.append(f"chứng từ {posting.pk}: khoản thu không có phiếu thu")
    receipts = Receipt.objects.filter(fund=fund).select_related("posting")
    for receipt in receipts:
        if receipt.posting.kind != Posting.Kind.DONATION or receipt.posting.fund_id != fund.pk:
            problems.append(f"phiếu thu {receipt}: không thuộc một khoản thu của quỹ")
        elif receipt.posting.date.year != receipt.year:
            problems.append(f"phiếu thu {receipt}: năm không khớp ngày thu")
    for counter in ReceiptCounter.objects.filter(fund=fund):
        numbers = sorted(
            receipts.filter(year=counter.year, series=counter.series).values_list(
                "number", flat=True
            )
        )
        if numbers != list(range(1, counter.last_number + 1)):
            problems.append(
                f"sổ phiếu thu {counter.series}-{counter.year}: số phiếu không liền "
                f"1..{counter.last_number}"
            )
    return problems


@transaction.atomic
def verify_all() -> list[Verification]:
    return [verify_fund(fund) for fund in Fund.objects.order_by("pk")]
