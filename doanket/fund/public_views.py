"""The fund's public disclosure: pages anyone may open without logging in, per fund and
month (or year), with the receipts, the spending and the balances.

What they show is chosen with care: donors by name unless they asked to stay anonymous;
recipients as the fund board chose (full name of the household head, initials only, or
no names at all, only counts and sums); never an address, a phone number, a household
number, a residential area or the free-text notes of a posting.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models.functions import Collate, ExtractYear
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import fold, nfc
from doanket.fund.models import Entry, Fund, PeriodClosing, Posting
from doanket.fund.selectors import LEVEL, fund_statement
from doanket.units import selectors as unit_selectors

FIRST_YEAR = 2000
ANONYMOUS = Posting.DonorType.ANONYMOUS


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N.V.A": the first letter of each word of the name."""
    return ".".join(word[0].upper() for word in nfc(name or "").split())


@dataclass
class Row:
    """One line of a public table. `counted` is False for a posting cancelled within the
    same period (shown struck through, outside the total); `voided_on` is the date of the
    reversal when there is one."""

    date: datetime.date
    amount: int
    label: str = ""
    detail: str = ""
    number: str = ""
    counted: bool = True
    voided_on: datetime.date | None = None
    correction: bool = False  # a reversal of a posting of an earlier period


# The list of funds -------------------------------------------------------------------


@require_GET
def fund_index(request):
    text = nfc(request.GET.get("q", "")).strip()[:100]
    funds = Fund.objects.select_related("unit").order_by(
        LEVEL, Collate("unit__name", VI_COLLATION), "pk"
    )
    if text:
        funds = funds.filter(unit__name_folded__contains=fold(text))
    page = Paginator(funds, 50).get_page(request.GET.get("page"))
    shown = [fund.pk for fund in page]
    years: dict[int, list[int]] = {}
    for fund_id, year in (
        Entry.objects.filter(fund_id__in=shown)
        .annotate(year=ExtractYear("date"))
        .values_list("fund_id", "year")
        .distinct()
        .order_by("fund_id", "-year")
    ):
        years.setdefault(fund_id, []).append(year)
    today = unit_selectors.today()
    rows = [(fund, years.get(fund.pk, [])) for fund in page]
    return render(
        request,
        "fund/public_index.html",
        {"rows": rows, "page": page, "q": text, "today": today},
    )


# One fund's period -------------------------------------------------------------------


def _bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    if month == 0:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    start = datetime.date(year, month, 1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following - datetime.timedelta(days=1)


def _period_error(year: int, month: int, today: datetime.date) -> str:
    """Why the period cannot be shown, in words for whoever typed the address; or ""."""
    if not 0 <= month <= 12:
        return _("Tháng %(month)s không có; hãy chọn tháng từ 1 đến 12 (0 là cả năm).") % {
            "month": month
        }
    if not FIRST_YEAR <= year <= today.year:
        return _("Năm %(year)s không hợp lệ; hãy chọn năm từ %(first)s đến %(last)s.") % {
            "year": year,
            "first": FIRST_YEAR,
            "last": today.year,
        }
    if _bounds(year, month)[0] > today:
        return _("Tháng %(month)02d/%(year)s chưa bắt đầu.") % {"month": month, "year": year}
    return ""


def _voided(posting: Posting, end: datetime.date) -> tuple[bool, datetime.date | None]:
    """(counted in this period, date of its reversal)."""
    reversal = getattr(posting, "reversed_by", None)
    if reversal is None:
        return True, None
    return reversal.date > end, reversal.date


def _postings(fund: Fund, kind: str, start, end):
    return (
        Posting.objects.filter(fund=fund, kind=kind, date__range=(start, end))
        .select_related("receipt", "reversed_by", "household")
        .order_by("date", "id")
    )


def _corrections(fund: Fund, kind: str, start, end):
    """Reversals in the period of postings of an earlier period."""
    return (
        Posting.objects.filter(
            fund=fund,
            kind=Posting.Kind.REVERSAL,
            reverses__kind=kind,
            date__range=(start, end),
            reverses__date__lt=start,
        )
        .select_related("reverses__receipt", "reverses__household")
        .order_by("date", "id")
    )


def _donor(posting: Posting) -> str:
    if posting.donor_type == ANONYMOUS or not posting.donor_name:
        return str(Posting.DonorType.ANONYMOUS.label)
    return posting.donor_name


def _receipt_rows(fund: Fund, start, end) -> list[Row]:
    rows = []
    for posting in _postings(fund, Posting.Kind.DONATION, start, end):
        counted, voided_on = _voided(posting, end)
        receipt = getattr(posting, "receipt", None)
        rows.append(
            Row(
                posting.date,
                posting.amount,
                label=_donor(posting),
                detail=posting.get_method_display() if posting.method else "",
                number=str(receipt) if receipt else "",
                counted=counted,
                voided_on=voided_on,
            )
        )
    for reversal in _corrections(fund, Posting.Kind.DONATION, start, end):
        original = reversal.reverses
        receipt = getattr(original, "receipt", None)
        rows.append(
            Row(
                reversal.date,
                -original.amount,
                label=_donor(original),
                detail=_("Hủy phiếu thu ngày %(date)s") % {"date": format_date(original.date)},
                number=str(receipt) if receipt else "",
                correction=True,
            )
        )
    return sorted(rows, key=lambda row: row.date)


def _recipient(posting: Posting, privacy: str) -> str:
    if posting.household_id is None:
        return posting.project
    if privacy == Fund.Privacy.FULL:
        return posting.household.head_name
    return initials(posting.household.head_name)


def _spending_rows(fund: Fund, start, end) -> list[Row]:
    if fund.privacy == Fund.Privacy.COUNTS:
        return []
    rows = []
    for posting in _postings(fund, Posting.Kind.DISBURSEMENT, start, end):
        counted, voided_on = _voided(posting, end)
        rows.append(
            Row(
                posting.date,
                posting.amount,
                label=_recipient(posting, fund.privacy),
                detail=posting.get_category_display(),
                counted=counted,
                voided_on=voided_on,
            )
        )
    for reversal in _corrections(fund, Posting.Kind.DISBURSEMENT, start, end):
        original = reversal.reverses
        rows.append(
            Row(
                reversal.date,
                -original.amount,
                label=_recipient(original, fund.privacy),
                detail=_("Hủy khoản chi ngày %(date)s (%(category)s)")
                % {
                    "date": format_date(original.date),
                    "category": original.get_category_display(),
                },
                correction=True,
            )
        )
    return sorted(rows, key=lambda row: row.date)


def _transfer_rows(fund: Fund, start, end) -> list[Row]:
    """Each transfer's line on this fund's side, signed: + received, − sent. A transfer
    cancelled within the period is struck through and its reversal not listed."""
    entries = (
        Entry.objects.filter(fund=fund, date__range=(start, end))
        .filter(posting__kind__in=[Posting.Kind.TRANSFER, Posting.Kind.REVERSAL])
        .select_related(
            "posting__fund", "posting__counterpart", "posting__reverses", "posting__reversed_by"
        )
        .order_by("date", "seq")
    )
    rows = []
    for entry in entries:
        posting = entry.posting
        original = posting.reverses or posting
        if original.kind != Posting.Kind.TRANSFER:
            continue
        if posting.kind == Posting.Kind.REVERSAL and original.date >= start:
            continue  # shown as its struck-through original
        sending = original.fund_id == fund.pk
        other = posting.counterpart if sending else posting.fund
        counted, voided_on = True, None
        if posting.kind == Posting.Kind.REVERSAL:
            detail = _("Hủy lần chuyển quỹ ngày %(date)s") % {"date": format_date(original.date)}
        else:
            detail = _("Chuyển cho") if sending else _("Nhận từ")
            counted, voided_on = _voided(posting, end)
        rows.append(
            Row(
                entry.date,
                entry.amount,
                label=other.name,
                detail=detail,
                counted=counted,
                voided_on=voided_on,
                correction=posting.kind == Posting.Kind.REVERSAL,
            )
        )
    return rows


def _closed(fund: Fund, year: int, month: int) -> bool:
    closings = PeriodClosing.objects.filter(fund=fund, year=year, reopened_at__isnull=True)
    if month:
        return closings.filter(month=month).exists()
    return closings.count() == 12


@require_GET
def fund_period(request, fund_pk, year, month):
    fund = get_object_or_404(Fund.objects.select_related("unit"), pk=fund_pk)
    today = unit_selectors.today()
    problem = _period_error(year, month, today)
    if problem:
        context = {"fund": fund, "problem": problem, "today": today}
        return render(request, "fund/public_period.html", context, status=400)
    start, end = _bounds(year, month)
    statement = fund_statement(fund.unit, start, end)
    previous = (year, month - 1) if month > 1 else ((year - 1, 12) if month == 1 else None)
    following = None
    if month and _bounds(year, month)[1] < today:
        following = (year, month + 1) if month < 12 else (year + 1, 1)
    return render(
        request,
        "fund/public_period.html",
        {
            "fund": fund,
            "year": year,
            "month": month,
            "start": start,
            "end": end,
            "s": statement,
            "receipts": _receipt_rows(fund, start, end),
            "spending": _spending_rows(fund, start, end),
            "categories": [
                line for line in statement.spent_by_category if line.count or line.amount
            ],
            "transfers": _transfer_rows(fund, start, end),
            "closed": _closed(fund, year, month),
            "previous": previous if previous and previous[0] >= FIRST_YEAR else None,
            "following": following,
            "months": [m for m in range(1, 13) if datetime.date(year, m, 1) <= today],
            "today": today,
            "counts_only": fund.privacy == Fund.Privacy.COUNTS,
        },
    )
