"""Pages of the fund officer: the funds a user may see, a fund's ledger for a month or a
year with its drives, the forms that post (drive, donation, disbursement, transfer,
reversal), the receipt and its PDF, the reconciliation of transfers, and closing months.

Every page starts from `access` (outside the scope a fund does not exist); every write
goes through `services`, which check who and what again and post in one transaction.
A reader sees the pages and cannot post: 403, nothing written.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Sum, Value, When
from django.db.models.functions import Collate
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanket.accounts import access as account_access
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.money import format_vnd
from doanket.fund import forms as fund_forms
from doanket.fund import ledger, receipts, services
from doanket.fund.access import access_fund, access_posting, access_receipt, funds_for_user
from doanket.fund.ledger_reads import (
    drive_progress,
    ledger_lines,
    period_bounds,
    transfers_of,
    who_of,
)
from doanket.fund.models import Entry, Fund, PeriodClosing, Posting, Receipt
from doanket.households.access import can_approve_above
from doanket.units.models import Unit

FIRST_YEAR = 2000
# Funds listed from the top level down: province, district, commune.
LEVEL = Case(
    When(unit__kind=Unit.Kind.PROVINCE, then=Value(0)),
    When(unit__kind=Unit.Kind.DISTRICT, then=Value(1)),
    default=Value(2),
)


# Shared pieces --------------------------------------------------------------------


def _refused(request, message: str, back: str | None = None, status: int = 400):
    return render(request, "fund/refused.html", {"message": message, "back": back}, status=status)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _require_keeper(user, fund: Fund) -> None:
    """A reader may see the fund but not write in it: the page exists, the write does not."""
    if not services.can_keep(user, fund):
        raise PermissionDenied(_("Bạn không có quyền ghi sổ quỹ này."))


def _detail_url(fund: Fund, day: datetime.date | None = None) -> str:
    url = reverse("fund:detail", args=[fund.pk])
    if day is not None:
        url += f"?year={day.year}&month={day.month}"
    return url


def _form_page(request, fund: Fund, template: str, form, status: int = 200):
    context = {"fund": fund, "form": form, "balance": ledger.balance(fund)}
    return render(request, template, context, status=status)


def _post_form(request, fund: Fund, form, template: str, write):
    """The shape every posting form has: shown to the fund's officers only; a POST is
    read, handed to the service and either followed (`write` returns where to go) or
    shown again with the refusal and status 400, nothing written."""
    _require_keeper(request.user, fund)
    if request.method != "POST":
        return _form_page(request, fund, template, form)
    if form.is_valid():
        try:
            target = write(form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(target)
    return _form_page(request, fund, template, form, status=400)


# The funds a user sees -------------------------------------------------------------


@login_required
def index(request):
    funds = (
        funds_for_user(request.user)
        .select_related("unit")
        .annotate(balance=Sum("entries__amount"))
        .order_by(LEVEL, Collate("name", VI_COLLATION), "id")
    )
    open_form = fund_forms.OpenFundForm(user=request.user)
    return render(
        request,
        "fund/index.html",
        {
            "funds": funds,
            "open_form": open_form if open_form.fields["unit"].queryset.exists() else None,
        },
    )


@login_required
@require_POST
def open_fund(request):
    form = fund_forms.OpenFundForm(request.POST, user=request.user)
    if not form.is_valid():
        unit_pk = str(request.POST.get("unit") or "")
        seen = account_access.units_for_user(request.user)
        if unit_pk.isdigit() and not seen.filter(pk=unit_pk).exists():
            raise Http404
        return _refused(request, " ".join(_messages_of(form)), reverse("fund:index"))
    try:
        fund = services.fund_open(
            user=request.user, unit=form.cleaned_data["unit"], name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), reverse("fund:index"))
    messages.success(request, _("Đã mở %(fund)s.") % {"fund": fund.name})
    return redirect("fund:detail", pk=fund.pk)


def _messages_of(form) -> list[str]:
    return [str(m) for errors in form.errors.values() for m in errors]


# One fund's ledger -----------------------------------------------------------------


def _shown_period(request) -> tuple[int, int | None]:
    """The year and month asked for; a year without a month is the whole year. Nothing
    asked is this month; a year out of range is this year."""
    today = services.today()
    asked_year = request.GET.get("year")
    try:
        year = int(asked_year) if asked_year else today.year
    except ValueError:
        year = today.year
    if not FIRST_YEAR <= year <= today.year + 1:
        year = today.year
    asked_month = request.GET.get("month")
    if asked_month in (None, "") and asked_year:
        return year, None
    try:
        month = int(asked_month) if asked_month else today.month
    except ValueError:
        month = today.month
    return year, month if 1 <= month <= 12 else None


def _years_of(fund: Fund, today: datetime.date) -> range:
    """Years to pick from: from the fund's first line (or its opening) to this year."""
    first = Entry.objects.filter(fund=fund).order_by("date").values_list("date", flat=True).first()
    start = min(first.year if first else today.year, fund.created_at.year, today.year)
    return range(today.year, max(start, FIRST_YEAR) - 1, -1)


def _closings(fund: Fund):
    return PeriodClosing.objects.filter(fund=fund).select_related("closed_by", "reopened_by")


@login_required
def detail(request, pk):
    fund = access_fund(request.user, pk)
    year, month = _shown_period(request)
    first, last = period_bounds(year, month)
    opening = ledger.balance(fund, before=first)
    lines = ledger_lines(fund, first, last, opening)
    closed = {c.month: c for c in _closings(fund).filter(year=year, reopened_at__isnull=True)}
    today = services.today()
    return render(
        request,
        "fund/detail.html",
        {
            "fund": fund,
            "year": year,
            "month": month,
            "first": first,
            "last": last,
            "opening": opening,
            "closing": opening + sum(line.entry.amount for line in lines),
            "received": sum(line.amount_in for line in lines),
            "spent": sum(line.amount_out for line in lines),
            "lines": lines,
            "balance": ledger.balance(fund),
            "drives": drive_progress(fund, first, last),
            "closed": closed,
            "closed_here": closed.get(month) if month else None,
            "previous": first - datetime.timedelta(days=1) if month else None,
            "following": last + datetime.timedelta(days=1) if month else None,
            "months": range(1, 13),
            "years": _years_of(fund, today),
            "can_keep": services.can_keep(request.user, fund),
            "statements_url": reverse("fund:statements", args=[fund.pk]),
        },
    )


# Forms that post --------------------------------------------------------------------


@login_required
def drive_new(request, pk):
    fund = access_fund(request.user, pk)
    form = fund_forms.DriveForm(request.POST or None)

    def write(data):
        drive = services.drive_open(
            user=request.user,
            fund=fund,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            target=data["target"] or 0,
        )
        messages.success(request, _("Đã mở đợt vận động “%(name)s”.") % {"name": drive.name})
        return _detail_url(fund, drive.starts_on)

    return _post_form(request, fund, form, "fund/drive_form.html", write)


@login_required
def donation_new(request, pk):
    fund = access_fund(request.user, pk)
    form = fund_forms.DonationForm(
        request.POST or None,
        fund=fund,
        initial={"donor_type": Posting.DonorType.INDIVIDUAL, "method": Posting.Method.CASH},
    )

    def write(data):
        posting = services.donation_record(
            user=request.user,
            fund=fund,
            amount=data["amount"],
            date=data["date"],
            donor_type=data["donor_type"],
            donor_name=data["donor_name"],
            donor_address=data["donor_address"],
            method=data["method"],
            in_kind=data["in_kind"],
            drive=data["drive"],
            description=data["description"],
        )
        messages.success(
            request, _("Đã ghi thu, phiếu thu số %(number)s.") % {"number": posting.receipt}
        )
        return reverse("fund:receipt", args=[fund.pk, posting.receipt.pk])

    return _post_form(request, fund, form, "fund/donation_form.html", write)


@login_required
def disbursement_new(request, pk):
    fund = access_fund(request.user, pk)
    form = fund_forms.DisbursementForm(request.POST or None, user=request.user, fund=fund)

    def write(data):
        posting = services.disbursement_record(
            user=request.user,
            fund=fund,
            amount=data["amount"],
            date=data["date"],
            category=data["category"],
            household=data["household"],
            project=data["project"],
            decision_number=data["decision_number"],
            decision_on=data["decision_on"],
            description=data["description"],
            overdraft_reason=data.get("overdraft_reason", ""),
        )
        messages.success(
            request, _("Đã ghi chi %(amount)s.") % {"amount": format_vnd(posting.amount)}
        )
        return _detail_url(fund, posting.date)

    return _post_form(request, fund, form, "fund/disbursement_form.html", write)


@login_required
def household_options(request, pk):
    """The household picker's options for a search (htmx): households of the register
    the user sees, under the fund's unit."""
    fund = access_fund(request.user, pk)
    _require_keeper(request.user, fund)
    text = str(request.GET.get("q") or "").strip()[:100]
    households = fund_forms.disbursement_households(request.user, fund)
    return render(
        request,
        "fund/household_options.html",
        {"choices": fund_forms.household_choices(households, text), "text": text},
    )


@login_required
def transfer_new(request, pk):
    fund = access_fund(request.user, pk)
    form = fund_forms.TransferForm(request.POST or None, user=request.user, fund=fund)

    def write(data):
        posting = services.transfer_record(
            user=request.user,
            fund=fund,
            to_fund=data["to_fund"],
            amount=data["amount"],
            date=data["date"],
            description=data["description"],
        )
        messages.success(
            request,
            _("Đã chuyển %(amount)s sang %(fund)s.")
            % {"amount": format_vnd(posting.amount), "fund": posting.counterpart.name},
        )
        return _detail_url(fund, posting.date)

    return _post_form(request, fund, form, "fund/transfer_form.html", write)


# One posting: its details and its reversal -------------------------------------------


def _can_void(user, fund: Fund, posting: Posting) -> bool:
    """Voided from the fund that posted it, by its officers, once, never a reversal."""
    return (
        posting.fund_id == fund.pk
        and posting.kind != Posting.Kind.REVERSAL
        and not Posting.objects.filter(reverses=posting).exists()
        and services.can_keep(user, fund)
    )


def _posting_page(request, fund, posting, form, status=200):
    entries = posting.entries.select_related("fund").order_by("fund_id")
    return render(
        request,
        "fund/posting.html",
        {
            "fund": fund,
            "posting": posting,
            "entries": entries,
            "receipt": Receipt.objects.filter(posting=posting).first(),
            "reversal": Posting.objects.filter(reverses=posting).first(),
            "who": who_of(entries.filter(fund=fund).first() or entries.first(), posting),
            "form": form,
            "can_void": _can_void(request.user, fund, posting),
        },
        status=status,
    )


@login_required
def posting_detail(request, pk, posting_pk):
    fund = access_fund(request.user, pk)
    posting = access_posting(fund, posting_pk)
    return _posting_page(request, fund, posting, fund_forms.ReversalForm())


@login_required
@require_POST
def void(request, pk, posting_pk):
    fund = access_fund(request.user, pk)
    posting = access_posting(fund, posting_pk)
    _require_keeper(request.user, fund)
    form = fund_forms.ReversalForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.reversal_record(
                user=request.user,
                posting=posting,
                reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã hủy chứng từ; bút toán đảo đã được ghi."))
            return redirect("fund:posting", pk=fund.pk, posting_pk=reversal.reverses_id)
    return _posting_page(request, fund, posting, form, status=400)


# The receipt ------------------------------------------------------------------------


@login_required
def receipt_detail(request, pk, receipt_pk):
    fund = access_fund(request.user, pk)
    receipt = access_receipt(fund, receipt_pk)
    return render(
        request,
        "fund/receipt.html",
        {
            "fund": fund,
            "receipt": receipt,
            "document": receipts.receipt_document(receipt),
            "prints": receipt.prints.select_related("printed_by").order_by("printed_at", "id"),
            "can_print": services.can_keep(request.user, fund),
        },
    )


@login_required
@require_POST
def receipt_pdf(request, pk, receipt_pk):
    """Print the receipt: a recorded act of the fund's officers, so a POST; the first
    printing is the original, every later one a copy."""
    fund = access_fund(request.user, pk)
    receipt = access_receipt(fund, receipt_pk)
    _require_keeper(request.user, fund)
    try:
        content = receipts.print_receipt(user=request.user, receipt=receipt)
    except receipts.NoFont:
        return _refused(
            request,
            _("Máy chủ chưa có phông chữ tiếng Việt để in phiếu thu; hãy báo quản trị hệ thống."),
            reverse("fund:receipt", args=[fund.pk, receipt.pk]),
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.filename(receipt)}"'
    return response


# Reconciliation of transfers ---------------------------------------------------------


@login_required
def reconcile(request, pk):
    fund = access_fund(request.user, pk)
    today = services.today()
    asked = request.GET.get("year", str(today.year))
    year = int(asked) if asked.isdigit() and FIRST_YEAR <= int(asked) <= today.year + 1 else None
    transfers = transfers_of(fund, year)
    return render(
        request,
        "fund/reconcile.html",
        {
            "fund": fund,
            "year": year,
            "years": range(today.year, FIRST_YEAR - 1, -1)[:10],
            "outgoing": [t for t in transfers if t.sender_id == fund.pk],
            "incoming": [t for t in transfers if t.receiver_id == fund.pk],
            "unmatched": [t for t in transfers if not t.matched],
        },
    )


# Closing months ---------------------------------------------------------------------


def _periods_page(request, fund, close_form=None, reopen_form=None, status=200):
    today = services.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    return render(
        request,
        "fund/periods.html",
        {
            "fund": fund,
            "closings": _closings(fund).order_by("-year", "-month", "-closed_at"),
            "close_form": close_form
            or fund_forms.PeriodForm(initial={"year": last_month.year, "month": last_month.month}),
            "reopen_form": reopen_form or fund_forms.ReopenForm(auto_id="reopen_%s"),
            "can_keep": services.can_keep(request.user, fund),
            "can_reopen": can_approve_above(request.user, fund.unit),
        },
        status=status,
    )


@login_required
def periods(request, pk):
    fund = access_fund(request.user, pk)
    return _periods_page(request, fund)


@login_required
@require_POST
def close(request, pk):
    fund = access_fund(request.user, pk)
    _require_keeper(request.user, fund)
    form = fund_forms.PeriodForm(request.POST)
    if form.is_valid():
        try:
            closing = services.period_close(
                user=request.user,
                fund=fund,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã khóa sổ tháng %(month)02d/%(year)s.")
                % {"month": closing.month, "year": closing.year},
            )
            return redirect("fund:periods", pk=fund.pk)
    return _periods_page(request, fund, close_form=form, status=400)


@login_required
@require_POST
def reopen(request, pk):
    fund = access_fund(request.user, pk)
    if not can_approve_above(request.user, fund.unit):
        raise PermissionDenied(_("Chỉ lãnh đạo cấp trên được mở lại sổ đã khóa."))
    form = fund_forms.ReopenForm(request.POST, auto_id="reopen_%s")
    if form.is_valid():
        try:
            services.period_reopen(
                user=request.user,
                fund=fund,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã mở lại sổ tháng %(month)02d/%(year)s.")
                % {"month": form.cleaned_data["month"], "year": form.cleaned_data["year"]},
            )
            return redirect("fund:periods", pk=fund.pk)
    return _periods_page(request, fund, reopen_form=form, status=400)
