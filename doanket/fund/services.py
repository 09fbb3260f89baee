"""Writes on the fund: each checks who and what, then posts in one transaction with the
funds locked, takes receipt numbers inside it, and records the act in the history.
Nothing is ever updated or deleted: a mistake is corrected by a reversal."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.access import units_for_user
from doanket.accounts.models import Role, User
from doanket.core.audit import audit_record
from doanket.core.lib.dates import format_date
from doanket.core.lib.money import format_vnd, parse_vnd
from doanket.core.lib.vn_text import nfc
from doanket.fund import ledger
from doanket.fund.models import Drive, Fund, PeriodClosing, Posting, Receipt, ReceiptPrint
from doanket.households.access import can_approve_above
from doanket.units.models import Unit

FUND_KINDS = (Unit.Kind.PROVINCE, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE)
EDITORS = frozenset({Role.EDITOR})
APPROVERS = frozenset({Role.APPROVER})


def today() -> datetime.date:
    return timezone.localdate()


def max_amount() -> int:
    return getattr(settings, "FUND_MAX_AMOUNT", 100_000_000_000)


def clean_amount(value) -> int:
    """Whole đồng, more than zero and below the fund's ceiling; typed text as people
    write it ("1.250.000", "1 250 000 đ")."""
    if isinstance(value, bool):
        raise ValidationError(_("Số tiền không hợp lệ."))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(_("Số tiền phải là số đồng nguyên, không có phần lẻ."))
        value = int(value)
    if isinstance(value, int):
        amount = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValidationError(_("Hãy ghi số tiền."))
        try:
            amount = parse_vnd(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None
    if amount <= 0:
        raise ValidationError(_("Số tiền phải lớn hơn 0 đồng."))
    if amount > max_amount():
        raise ValidationError(
            _("Số tiền %(amount)s vượt mức tối đa %(max)s cho một chứng từ; hãy kiểm tra lại.")
            % {"amount": format_vnd(amount), "max": format_vnd(max_amount())}
        )
    return amount


def can_keep(user: User, fund: Fund) -> bool:
    """Fund officers (editors) and the fund board's head (approvers), of the fund's unit
    or of a unit above it."""
    keepers = EDITORS | APPROVERS
    reach = units_for_user(user, keepers, with_hosts=False)
    return user.is_active and reach.filter(pk=fund.unit_id).exists()


def can_approve(user: User, fund: Fund) -> bool:
    """The fund board's head: an approver of the fund's unit or above."""
    reach = units_for_user(user, APPROVERS, with_hosts=False)
    return user.is_active and reach.filter(pk=fund.unit_id).exists()


def _require_keeper(user: User, fund: Fund) -> None:
    if not can_keep(user, fund):
        raise PermissionDenied(_("Bạn không có quyền ghi sổ quỹ này."))


def is_closed(fund: Fund, day: datetime.date) -> bool:
    """A day is closed when its month, or any later month, is closed: a closing carries
    its balance forward, so nothing may be posted before it."""
    later = Q(year__gt=day.year) | Q(year=day.year, month__gte=day.month)
    return PeriodClosing.objects.filter(later, fund=fund, reopened_at__isnull=True).exists()


def _check_date(fund: Fund, day) -> datetime.date:
    if not isinstance(day, datetime.date):
        raise ValidationError(_("Hãy ghi ngày (dd/mm/yyyy)."))
    if day > today():
        raise ValidationError(
            _("Ngày %(date)s chưa đến: không ghi sổ cho ngày trong tương lai.")
            % {"date": format_date(day)}
        )
    if is_closed(fund, day):
        raise ValidationError(
            _(
                "Tháng %(month)02d/%(year)s của quỹ (hoặc một tháng sau đó) đã khóa sổ; "
                "không ghi thêm chứng từ ngày %(date)s được."
            )
            % {"month": day.month, "year": day.year, "date": format_date(day)}
        )
    return day


def _text(value, limit: int) -> str:
    return nfc(str(value or "")).strip()[:limit]


def _log(action: str, user: User, fund: Fund, obj, summary: str) -> None:
    audit_record(action=action, actor=user, unit=fund.unit, obj=obj, summary=summary)


@transaction.atomic
def fund_open(*, user: User, unit: Unit, name: str = "") -> Fund:
    if unit.kind not in FUND_KINDS:
        raise ValidationError(_("Chỉ cấp tỉnh, cấp huyện và cấp xã có Quỹ “Vì người nghèo”."))
    if not units_for_user(user, frozenset({Role.ADMIN, Role.APPROVER})).filter(pk=unit.pk):
        raise PermissionDenied(_("Chỉ lãnh đạo hoặc quản trị của đơn vị mới mở quỹ."))
    if Fund.objects.filter(unit=unit).exists():
        raise ValidationError(_("Đơn vị đã có quỹ."))
    fund = Fund.objects.create(
        unit=unit, name=_text(name, 200) or _("Quỹ “Vì người nghèo” %s") % unit.name
    )
    _log("fund.open", user, fund, fund, _("Mở %s") % fund.name)
    return fund


@transaction.atomic
def drive_open(*, user, fund, name, starts_on, ends_on, target) -> Drive:
    _require_keeper(user, fund)
    name = _text(name, 200)
    if not name:
        raise ValidationError(_("Hãy ghi tên đợt vận động."))
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise ValidationError(_("Hãy ghi ngày bắt đầu và ngày kết thúc (dd/mm/yyyy)."))
    if starts_on > ends_on:
        raise ValidationError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
    target = 0 if target in (None, "", 0) else clean_amount(target)
    drive = Drive.objects.create(
        fund=fund, name=name, starts_on=starts_on, ends_on=ends_on, target=target, created_by=user
    )
    _log("fund.drive", user, fund, drive, _("Mở đợt vận động %s") % name)
    return drive


@transaction.atomic
def donation_record(
    *,
    user: User,
    fund: Fund,
    amount,
    date: datetime.date,
    donor_type: str,
    donor_name: str = "",
    donor_address: str = "",
    method: str = Posting.Method.CASH,
    in_kind: str = "",
    drive: Drive | None = None,
    description: str = "",
) -> Posting:
    """Money (or goods valued in money) received; a receipt number is taken at once."""
    _require_keeper(user, fund)
    amount = clean_amount(amount)
    if donor_type not in Posting.DonorType.values:
        raise ValidationError(_("Hãy chọn người ủng hộ là tổ chức, cá nhân hay giấu tên."))
    donor_name = _text(donor_name, 200)
    if donor_type == Posting.DonorType.ANONYMOUS:
        donor_name, donor_address = "", ""
    elif not donor_name:
        raise ValidationError(_("Hãy ghi tên người hoặc đơn vị ủng hộ (hoặc chọn giấu tên)."))
    if method not in Posting.Method.values:
        raise ValidationError(_("Hãy chọn hình thức: tiền mặt, chuyển khoản hoặc hiện vật."))
    in_kind = _text(in_kind, 300)
    if method == Posting.Method.IN_KIND and not in_kind:
        raise ValidationError(_("Hãy ghi hiện vật và cách định giá thành tiền."))
    if drive is not None and drive.fund_id != fund.pk:
        raise ValidationError(_("Đợt vận động không thuộc quỹ này."))
    ledger.lock_funds(fund)
    _check_date(fund, date)
    posting = Posting(
        fund=fund,
        kind=Posting.Kind.DONATION,
        date=date,
        amount=amount,
        drive=drive,
        donor_type=donor_type,
        donor_name=donor_name,
        donor_address=_text(donor_address, 300),
        method=method,
        in_kind=in_kind,
        description=_text(description, 500),
        posted_by=user,
    )
    ledger.post(posting, [(fund, amount)])
    receipt = ledger.take_receipt_number(posting)
    _log(
        "fund.donation",
        user,
        fund,
        posting,
        _("Phiếu thu số %(receipt)s: %(amount)s")
        % {"receipt": receipt, "amount": format_vnd(amount)},
    )
    return posting


@transaction.atomic
def disbursement_record(
    *,
    user: User,
    fund: Fund,
    amount,
    date: datetime.date,
    category: str,
    household=None,
    project: str = "",
    decision_number: str = "",
    decision_on: datetime.date | None = None,
    description: str = "",
    overdraft_reason: str = "",
) -> Posting:
    """Support paid out, to a household of the register or to a named project."""
    _require_keeper(user, fund)
    amount = clean_amount(amount)
    if category not in Posting.Category.values:
        raise ValidationError(_("Hãy chọn nội dung chi."))
    project = _text(project, 300)
    if household is None and not project:
        raise ValidationError(_("Hãy chọn hộ được hỗ trợ hoặc ghi tên công trình, dự án."))
    if household is not None:
        from doanket.households.access import households_for_user

        if not households_for_user(user).filter(pk=household.pk).exists():
            raise ValidationError(_("Hộ được hỗ trợ không thuộc phạm vi của bạn."))
        if not units_for_user(user).filter(pk=household.area_id).exists():
            raise ValidationError(_("Hộ được hỗ trợ không thuộc phạm vi của bạn."))
    decision_number = _text(decision_number, 60)
    if not decision_number or not isinstance(decision_on, datetime.date):
        raise ValidationError(_("Hãy ghi số và ngày của quyết định chi."))
    if decision_on > date:
        raise ValidationError(_("Ngày quyết định phải trước hoặc cùng ngày chi."))
    ledger.lock_funds(fund)
    _check_date(fund, date)
    available = ledger.balance(fund)
    overdraft_reason = _text(overdraft_reason, 300)
    if amount > available:
        if not overdraft_reason or not can_approve(user, fund):
            raise ValidationError(
                _(
                    "Số chi %(amount)s lớn hơn số dư của quỹ (%(balance)s). Chỉ lãnh đạo "
                    "duyệt quỹ được chi vượt, và phải ghi lý do."
                )
                % {"amount": format_vnd(amount), "balance": format_vnd(available)}
            )
    posting = Posting(
        fund=fund,
        kind=Posting.Kind.DISBURSEMENT,
        date=date,
        amount=amount,
        category=category,
        household=household,
        project=project,
        decision_number=decision_number,
        decision_on=decision_on,
        description=_text(description, 500),
        overdraft_reason=overdraft_reason if amount > available else "",
        posted_by=user,
    )
    ledger.post(posting, [(fund, -amount)])
    summary = _("Chi %(amount)s: %(category)s") % {
        "amount": format_vnd(amount),
        "category": posting.get_category_display(),
    }
    if posting.overdraft_reason:
        summary += " — " + _("chi vượt số dư: %s") % posting.overdraft_reason
    _log("fund.disbursement", user, fund, posting, summary)
    return posting


@transaction.atomic
def transfer_record(
    *, user: User, fund: Fund, to_fund: Fund, amount, date: datetime.date, description=""
) -> Posting:
    """One transfer, two sides: out of `fund`, into `to_fund`, in both ledgers."""
    _require_keeper(user, fund)
    amount = clean_amount(amount)
    if to_fund is None:
        raise ValidationError(_("Hãy chọn quỹ nhận."))
    if to_fund.pk == fund.pk:
        raise ValidationError(_("Không chuyển quỹ cho chính mình."))
    if not units_for_user(user).filter(pk=to_fund.unit_id).exists() and not _is_above(
        to_fund.unit, fund.unit, date
    ):
        raise ValidationError(_("Quỹ nhận không thuộc phạm vi của bạn và không phải cấp trên."))
    if to_fund.unit.valid_to < date:
        raise ValidationError(
            _("%(unit)s đã kết thúc từ %(end)s; quỹ của đơn vị này không nhận tiền nữa.")
            % {"unit": to_fund.unit.name, "end": format_date(to_fund.unit.valid_to)}
        )
    ledger.lock_funds(fund, to_fund)
    _check_date(fund, date)
    _check_date(to_fund, date)
    available = ledger.balance(fund)
    if amount > available:
        raise ValidationError(
            _("Số chuyển %(amount)s lớn hơn số dư của quỹ (%(balance)s).")
            % {"amount": format_vnd(amount), "balance": format_vnd(available)}
        )
    posting = Posting(
        fund=fund,
        kind=Posting.Kind.TRANSFER,
        date=date,
        amount=amount,
        counterpart=to_fund,
        description=_text(description, 500),
        posted_by=user,
    )
    ledger.post(posting, [(fund, -amount), (to_fund, amount)])
    _log(
        "fund.transfer",
        user,
        fund,
        posting,
        _("Chuyển %(amount)s sang %(to)s") % {"amount": format_vnd(amount), "to": to_fund.name},
    )
    return posting


def _is_above(unit: Unit, below: Unit, on: datetime.date) -> bool:
    from doanket.units.selectors import unit_ancestors

    return any(a.pk == unit.pk for a in unit_ancestors(unit=below, on=on))


@transaction.atomic
def reversal_record(*, user: User, posting: Posting, reason: str, date=None) -> Posting:
    """Cancel a posting by its mirror image; the original stays, marked as reversed.
    A voided receipt keeps its number in the series."""
    original = Posting.objects.select_related("fund", "counterpart").get(pk=posting.pk)
    fund = original.fund
    _require_keeper(user, fund)
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError(_("Hãy ghi lý do hủy (đảo) chứng từ."))
    if original.kind == Posting.Kind.REVERSAL:
        raise ValidationError(_("Không đảo một bút toán đảo; hãy ghi chứng từ mới nếu cần."))
    funds = [fund] + ([original.counterpart] if original.counterpart else [])
    ledger.lock_funds(*funds)
    if Posting.objects.filter(reverses=original).exists():
        raise ValidationError(_("Chứng từ này đã được hủy (đảo) trước đó."))
    date = date or today()
    if date < original.date:
        raise ValidationError(
            _("Ngày hủy phải từ ngày của chứng từ gốc (%(date)s) trở đi.")
            % {"date": format_date(original.date)}
        )
    for each in funds:
        _check_date(each, date)
    lines = [(Fund(pk=f), amount) for f, amount in ledger.expected_lines(original).items()]
    reversal = Posting(
        fund=fund,
        kind=Posting.Kind.REVERSAL,
        date=date,
        amount=original.amount,
        reverses=original,
        counterpart=original.counterpart,
        reason=reason,
        posted_by=user,
    )
    ledger.post(reversal, [(f, -amount) for f, amount in lines])
    _log(
        "fund.reversal",
        user,
        fund,
        reversal,
        _("Hủy %(kind)s %(amount)s ngày %(date)s: %(reason)s")
        % {
            "kind": original.get_kind_display().lower(),
            "amount": format_vnd(original.amount),
            "date": format_date(original.date),
            "reason": reason,
        },
    )
    return reversal


@transaction.atomic
def period_close(*, user: User, fund: Fund, year: int, month: int) -> PeriodClosing:
    """Close a month: it becomes read-only and its balance is carried forward."""
    _require_keeper(user, fund)
    if not 1 <= int(month) <= 12:
        raise ValidationError(_("Tháng không hợp lệ."))
    first = datetime.date(int(year), int(month), 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    if following > today() + datetime.timedelta(days=1):
        raise ValidationError(_("Chỉ khóa sổ tháng đã kết thúc."))
    ledger.lock_funds(fund)
    if is_closed(fund, first):
        exact = PeriodClosing.objects.filter(
            fund=fund, year=first.year, month=first.month, reopened_at__isnull=True
        )
        if exact.exists():
            raise ValidationError(_("Tháng này đã khóa sổ."))
        raise ValidationError(
            _("Một tháng sau tháng %(month)02d/%(year)s đã khóa sổ, nên tháng này đã khóa theo.")
            % {"month": first.month, "year": first.year}
        )
    closing = PeriodClosing.objects.create(
        fund=fund,
        year=first.year,
        month=first.month,
        balance=ledger.balance(fund, before=following),
        closed_by=user,
    )
    _log(
        "fund.close",
        user,
        fund,
        closing,
        _("Khóa sổ tháng %(month)02d/%(year)s, số dư %(balance)s")
        % {"month": first.month, "year": first.year, "balance": format_vnd(closing.balance)},
    )
    return closing


@transaction.atomic
def period_reopen(*, user: User, fund: Fund, year: int, month: int, reason: str):
    """Reopen a closed month: only an approver of a level above the fund, with a reason."""
    if not can_approve_above(user, fund.unit):
        raise PermissionDenied(_("Chỉ lãnh đạo cấp trên được mở lại sổ đã khóa."))
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError(_("Hãy ghi lý do mở lại sổ."))
    ledger.lock_funds(fund)
    closing = PeriodClosing.objects.filter(
        fund=fund, year=year, month=month, reopened_at__isnull=True
    ).first()
    if closing is None:
        raise ValidationError(_("Tháng này chưa khóa sổ."))
    later = PeriodClosing.objects.filter(
        Q(year__gt=year) | Q(year=year, month__gt=month), fund=fund, reopened_at__isnull=True
    ).order_by("-year", "-month")
    if later.exists():
        last = later.first()
        raise ValidationError(
            _("Tháng %(month)02d/%(year)s sau đó vẫn đang khóa sổ; hãy mở lại từ tháng đó trước.")
            % {"month": last.month, "year": last.year}
        )
    closing.reopened_by, closing.reopened_at, closing.reopen_reason = user, timezone.now(), reason
    closing.save()
    _log(
        "fund.reopen",
        user,
        fund,
        closing,
        _("Mở lại sổ tháng %(month)02d/%(year)s: %(reason)s")
        % {"month": month, "year": year, "reason": reason},
    )
    return closing


@transaction.atomic
def receipt_print(*, user: User, receipt: Receipt) -> ReceiptPrint:
    """Record a printing; every printing after the first is a copy (bản sao)."""
    copy = ReceiptPrint.objects.filter(receipt=receipt).exists()
    return ReceiptPrint.objects.create(receipt=receipt, printed_by=user, copy=copy)
