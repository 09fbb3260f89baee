"""Reads of one fund's ledger as its pages show them: the lines of a period with their
running balance, the drives' progress, and the matching of transfers between levels."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from doanket.core.lib.dates import format_date
from doanket.fund import receipts
from doanket.fund.models import Drive, Entry, Fund, Posting, Receipt


@dataclass
class Line:
    """One line of the fund's ledger as the page shows it."""

    entry: Entry
    posting: Posting
    amount_in: int
    amount_out: int
    balance: int
    who: str
    receipt: Receipt | None = None
    reversal: Posting | None = None


def period_bounds(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def who_of(entry: Entry, posting: Posting) -> str:
    """The other party of a line: the donor, the household or project helped, the fund
    money went to or came from, or the voucher a reversal cancels."""
    if posting.kind == Posting.Kind.DONATION:
        return receipts.payer_of(posting)
    if posting.kind == Posting.Kind.DISBURSEMENT:
        return posting.household.head_name if posting.household_id else posting.project
    if posting.kind == Posting.Kind.TRANSFER:
        if entry.amount < 0:
            return _("Chuyển đến %(fund)s") % {"fund": posting.counterpart.name}
        return _("Nhận từ %(fund)s") % {"fund": posting.fund.name}
    original = posting.reverses
    return _("Hủy %(kind)s ngày %(date)s") % {
        "kind": original.get_kind_display().lower(),
        "date": format_date(original.date),
    }


def ledger_lines(fund: Fund, first: datetime.date, last: datetime.date, opening: int) -> list[Line]:
    """The fund's lines in the period, in date order, each with the running balance."""
    entries = (
        Entry.objects.filter(fund=fund, date__range=(first, last))
        .select_related(
            "posting__fund",
            "posting__counterpart",
            "posting__household",
            "posting__drive",
            "posting__receipt",
            "posting__reversed_by",
            "posting__reverses",
        )
        .order_by("date", "seq")
    )
    lines, running = [], opening
    for entry in entries:
        posting = entry.posting
        running += entry.amount
        lines.append(
            Line(
                entry=entry,
                posting=posting,
                amount_in=max(entry.amount, 0),
                amount_out=max(-entry.amount, 0),
                balance=running,
                who=who_of(entry, posting),
                receipt=getattr(posting, "receipt", None),
                reversal=getattr(posting, "reversed_by", None),
            )
        )
    return lines


@dataclass
class DriveProgress:
    drive: Drive
    raised: int
    percent: int
    bar: int


def drive_progress(fund: Fund, first: datetime.date, last: datetime.date) -> list[DriveProgress]:
    """Drives that overlap the period shown, with what they raised so far: donations of
    the drive, less those voided (whenever the voiding was posted)."""
    found = []
    drives = fund.drives.filter(starts_on__lte=last, ends_on__gte=first).order_by("-starts_on")
    for drive in drives:
        raised = (
            Posting.objects.filter(drive=drive, kind=Posting.Kind.DONATION)
            .exclude(reversed_by__isnull=False)
            .aggregate(total=Sum("amount"))["total"]
            or 0
        )
        percent = raised * 100 // drive.target if drive.target else 0
        found.append(DriveProgress(drive, raised, percent, min(percent, 100)))
    return found


@dataclass
class TransferLine:
    """A transfer or the reversal of one, with the lines each fund actually holds."""

    posting_id: int
    date: datetime.date
    kind: str
    sender_id: int
    receiver_id: int
    amount: int
    lines: dict[int, int]
    problem: str = ""
    posting: Posting | None = field(default=None, repr=False)

    @property
    def matched(self) -> bool:
        return not self.problem


def match_transfers(transfers: list[TransferLine]) -> list[TransferLine]:
    """Mark each transfer whose two sides do not both hold their line: the sender's
    −amount and the receiver's +amount (the other way round for a reversal)."""
    for item in transfers:
        sign = -1 if item.kind == Posting.Kind.REVERSAL else 1
        expected = {item.sender_id: -sign * item.amount, item.receiver_id: sign * item.amount}
        if item.lines == expected:
            item.problem = ""
        elif item.sender_id not in item.lines:
            item.problem = _("Thiếu bút toán bên chuyển.")
        elif item.receiver_id not in item.lines:
            item.problem = _("Thiếu bút toán bên nhận.")
        else:
            item.problem = _("Số tiền hai bên không khớp.")
    return transfers


def transfers_of(fund: Fund, year: int | None) -> list[TransferLine]:
    postings = (
        Posting.objects.filter(Q(fund=fund) | Q(counterpart=fund), counterpart__isnull=False)
        .filter(kind__in=[Posting.Kind.TRANSFER, Posting.Kind.REVERSAL])
        .select_related("fund", "counterpart", "reverses")
        .prefetch_related("entries")
        .order_by("date", "id")
    )
    if year is not None:
        postings = postings.filter(date__year=year)
    return match_transfers(
        [
            TransferLine(
                posting_id=p.pk,
                date=p.date,
                kind=p.kind,
                sender_id=p.fund_id,
                receiver_id=p.counterpart_id,
                amount=p.amount,
                lines={e.fund_id: e.amount for e in p.entries.all()},
                posting=p,
            )
            for p in postings
        ]
    )
