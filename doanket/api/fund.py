"""The For-the-Poor fund: the funds in the user's scope with their balances, a fund's
postings over a period, recording a donation (its receipt number is taken by the ledger,
never typed) and reversing a posting. Writes go through doanket.fund.services, which
post in one transaction: a refused or failed request leaves nothing."""

import datetime

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import BigIntegerField, Case, Sum, Value, When
from django.db.models.functions import Coalesce, Collate
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from doanket.api.units import ErrorOut
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import parse_date
from doanket.fund import ledger, services
from doanket.fund.access import access_fund, access_posting, funds_for_user
from doanket.fund.models import Drive, Entry, Fund, Posting
from doanket.units.models import Unit

router = Router(tags=["Quỹ “Vì người nghèo”"])

MAX_LIMIT = 500
# Funds listed from the top level down, as the fund pages do: province, district, commune.
LEVEL = Case(
    When(unit__kind=Unit.Kind.PROVINCE, then=Value(0)),
    When(unit__kind=Unit.Kind.DISTRICT, then=Value(1)),
    default=Value(2),
)


class UnitRef(Schema):
    id: int
    code: str
    name: str


class FundRef(Schema):
    id: int
    name: str


class FundOut(FundRef):
    unit: UnitRef
    privacy: str = Field(description="full | initials | counts: mức công khai người nhận")
    balance: int = Field(description="Số dư hiện tại, đồng")
    can_keep: bool = Field(description="Người dùng được ghi sổ quỹ này")


class ReceiptOut(Schema):
    number: int
    series: str
    year: int
    label: str = Field(description="Số phiếu thu như in trên phiếu, ví dụ 00001/PT-2026")


class PostingOut(Schema):
    id: int
    kind: str = Field(description="donation | disbursement | transfer | reversal")
    kind_label: str
    date: datetime.date
    amount: int = Field(description="Số tiền của chứng từ, đồng")
    effect: int = Field(description="Số tiền vào (+) hoặc ra (−) quỹ này, đồng")
    description: str
    receipt: ReceiptOut | None
    donor_type: str
    donor_name: str
    method: str
    in_kind: str
    drive: int | None
    category: str
    household: int | None
    project: str
    decision_number: str
    decision_on: datetime.date | None
    counterpart: FundRef | None
    reverses: int | None
    reversed_by: int | None
    reason: str
    posted_by: str
    posted_at: datetime.datetime


class PostingPage(Schema):
    fund: FundRef
    date_from: datetime.date | None
    date_to: datetime.date | None
    opening_balance: int = Field(description="Số dư trước ngày đầu kỳ, đồng")
    closing_balance: int = Field(description="Số dư đến hết ngày cuối kỳ, đồng")
    count: int
    limit: int
    offset: int
    items: list[PostingOut]


class DonationIn(Schema):
    amount: int | float | str | bool = Field(description="Số đồng: 1250000 hoặc “1.250.000”")
    date: str = Field(description="dd/mm/yyyy hoặc yyyy-mm-dd")
    donor_type: str = Field(description="organisation | individual | anonymous")
    donor_name: str = ""
    donor_address: str = ""
    method: str = Field(Posting.Method.CASH, description="cash | bank | in_kind")
    in_kind: str = Field("", description="Hiện vật và cách định giá (khi method là in_kind)")
    drive: int | None = Field(None, description="Mã số đợt vận động của quỹ")
    description: str = ""
    receipt_number: int | str | None = Field(
        None, description="Không được gửi: số phiếu thu do sổ quỹ cấp theo thứ tự"
    )


class ReversalIn(Schema):
    reason: str = ""
    date: str | None = Field(None, description="Ngày ghi bút toán đảo; mặc định hôm nay")


class ValidationOut(Schema):
    detail: str
    errors: list[str]


def _invalid(messages: list[str]):
    return Status(400, {"detail": " ".join(messages), "errors": messages})


def _day(text: str | None, what: str) -> datetime.date | None:
    if text is None or not text.strip():
        return None
    if len(text) > 30:
        raise ValidationError(_("%(what)s quá dài; hãy dùng dạng dd/mm/yyyy.") % {"what": what})
    try:
        return parse_date(text)
    except ValueError as error:
        raise ValidationError(f"{what}: {error}") from None


def _fund_ref(fund: Fund | None) -> dict | None:
    return {"id": fund.pk, "name": fund.name} if fund is not None else None


def _related(obj, name: str):
    """A reverse one-to-one that may be missing (a receipt, the reversal)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _receipt(posting: Posting) -> dict | None:
    receipt = _related(posting, "receipt")
    if receipt is None:
        return None
    return {
        "number": receipt.number,
        "series": receipt.series,
        "year": receipt.year,
        "label": str(receipt),
    }


def _posting_out(posting: Posting, effect: int) -> dict:
    reversal = _related(posting, "reversed_by")
    return {
        "id": posting.pk,
        "kind": posting.kind,
        "kind_label": str(posting.get_kind_display()),
        "date": posting.date,
        "amount": posting.amount,
        "effect": effect,
        "description": posting.description,
        "receipt": _receipt(posting),
        "donor_type": posting.donor_type,
        "donor_name": posting.donor_name,
        "method": posting.method,
        "in_kind": posting.in_kind,
        "drive": posting.drive_id,
        "category": posting.category,
        "household": posting.household_id,
        "project": posting.project,
        "decision_number": posting.decision_number,
        "decision_on": posting.decision_on,
        "counterpart": _fund_ref(posting.counterpart),
        "reverses": posting.reverses_id,
        "reversed_by": reversal.pk if reversal else None,
        "reason": posting.reason,
        "posted_by": str(posting.posted_by),
        "posted_at": posting.posted_at,
    }


def _written(posting: Posting, fund: Fund) -> dict:
    """A posting just written, read back as the list shows it."""
    entries = Entry.objects.select_related(*POSTING_RELATED).filter(posting=posting, fund=fund)
    entry = entries.get()
    return _posting_out(entry.posting, entry.amount)


POSTING_RELATED = (
    "posting__counterpart",
    "posting__posted_by",
    "posting__receipt",
    "posting__reversed_by",
)


@router.get("/", response={200: list[FundOut]})
def fund_list(request):
    """Every fund of a unit in the user's scope with its balance, from the province down,
    and whether the user may write in it."""
    funds = (
        funds_for_user(request.user)
        .select_related("unit")
        .annotate(total=Coalesce(Sum("entries__amount"), Value(0), output_field=BigIntegerField()))
        .order_by(LEVEL, Collate("name", VI_COLLATION), "id")
    )
    return [
        {
            "id": fund.pk,
            "name": fund.name,
            "unit": {"id": fund.unit.pk, "code": fund.unit.code, "name": fund.unit.name},
            "privacy": fund.privacy,
            "balance": fund.total,
            "can_keep": services.can_keep(request.user, fund),
        }
        for fund in funds
    ]


@router.get("/{fund_id}/postings", response={200: PostingPage, 400: ErrorOut, 404: ErrorOut})
def posting_list(
    request,
    fund_id: int,
    date_from: str | None = Query(None, alias="from", description="dd/mm/yyyy"),
    date_to: str | None = Query(None, alias="to", description="dd/mm/yyyy"),
    limit: int = 100,
    offset: int = 0,
):
    """Every posting with an entry on the fund (transfers received included), by date,
    with the balance before `from` and at the end of `to`. At most 500 a page."""
    fund = access_fund(request.user, fund_id)
    try:
        first, last = _day(date_from, _("Từ ngày")), _day(date_to, _("Đến ngày"))
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None
    if first and last and first > last:
        raise HttpError(400, _("Ngày đầu kỳ phải trước hoặc cùng ngày cuối kỳ."))
    if not 1 <= limit <= MAX_LIMIT:
        message = _("Số dòng mỗi trang (limit) phải từ 1 đến %(max)s.") % {"max": MAX_LIMIT}
        raise HttpError(400, message)
    if offset < 0:
        raise HttpError(400, _("Vị trí bắt đầu (offset) không được âm."))
    entries = Entry.objects.filter(fund=fund)
    if first:
        entries = entries.filter(date__gte=first)
    if last:
        entries = entries.filter(date__lte=last)
    page = entries.select_related(*POSTING_RELATED).order_by("date", "seq")
    return {
        "fund": _fund_ref(fund),
        "date_from": first,
        "date_to": last,
        "opening_balance": ledger.balance(fund, before=first) if first else 0,
        "closing_balance": ledger.balance(fund, until=last),
        "count": entries.count(),
        "limit": limit,
        "offset": offset,
        "items": [
            _posting_out(entry.posting, entry.amount) for entry in page[offset : offset + limit]
        ],
    }


def _donation_fields(fund: Fund, payload: DonationIn) -> dict:
    """The body as the service takes it. A receipt number typed by hand is refused: the
    ledger takes the next number of the series itself, so none is used twice or skipped."""
    if payload.receipt_number not in (None, ""):
        raise ValidationError(
            _(
                "Không nhập số phiếu thu: số phiếu do sổ quỹ tự cấp theo thứ tự khi ghi "
                "khoản thu. Hãy bỏ trường receipt_number."
            )
        )
    day = _day(payload.date, _("Ngày thu"))
    drive = None
    if payload.drive is not None:
        drive = Drive.objects.filter(pk=payload.drive, fund=fund).first()
        if drive is None:
            raise ValidationError(_("Đợt vận động không thuộc quỹ này."))
    return {
        "amount": payload.amount,
        "date": day,
        "donor_type": payload.donor_type,
        "donor_name": payload.donor_name,
        "donor_address": payload.donor_address,
        "method": payload.method,
        "in_kind": payload.in_kind,
        "drive": drive,
        "description": payload.description,
    }


WRITE_RESPONSES = {201: PostingOut, 400: ValidationOut, 403: ErrorOut, 404: ErrorOut}


def _refused_to_write(request, fund: Fund):
    if not services.can_keep(request.user, fund):
        return Status(403, {"detail": _("Bạn không có quyền ghi sổ quỹ này.")})
    return None


@router.post("/{fund_id}/donations", response=WRITE_RESPONSES)
def donation_create(request, fund_id: int, payload: DonationIn):
    """Record a donation; the answer carries the receipt number the ledger took."""
    fund = access_fund(request.user, fund_id)
    if refused := _refused_to_write(request, fund):
        return refused
    try:
        posting = services.donation_record(
            user=request.user, fund=fund, **_donation_fields(fund, payload)
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _invalid(error.messages)
    return Status(201, _written(posting, fund))


@router.post("/{fund_id}/postings/{posting_id}/reverse", response=WRITE_RESPONSES)
def posting_reverse(request, fund_id: int, posting_id: int, payload: ReversalIn):
    """Cancel a posting of this fund by its mirror image, with a reason; the original
    stays (a voided receipt keeps its number). A reversal is never reversed, and a
    transfer is reversed on the ledger of the fund that sent it, both sides at once."""
    fund = access_fund(request.user, fund_id)
    posting = access_posting(fund, posting_id)
    if refused := _refused_to_write(request, fund):
        return refused
    if posting.fund_id != fund.pk:
        return _invalid(
            [
                _("Chứng từ này do %(fund)s ghi; hủy (đảo) nó ở sổ của quỹ đó.")
                % {"fund": posting.fund.name}
            ]
        )
    try:
        day = _day(payload.date, _("Ngày ghi bút toán đảo"))
        reversal = services.reversal_record(
            user=request.user, posting=posting, reason=payload.reason, date=day
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _invalid(error.messages)
    return Status(201, _written(reversal, fund))
