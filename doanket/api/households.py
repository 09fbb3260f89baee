"""Households in the user's scope, the register figures of a unit, and a household's
poverty status of a year."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Collate
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from doanket.accounts import access as account_access
from doanket.api.units import ErrorOut, _date
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import parse_date
from doanket.core.lib.money import parse_vnd
from doanket.core.lib.vn_text import nfc
from doanket.households import access, selectors, services
from doanket.households.models import Household, HouseholdYear, Poverty
from doanket.households.poverty_views import areas_of, map_date, year_households, year_rows
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit

router = Router(tags=["Hộ gia đình"])

MAX_LIMIT = 500


class UnitRef(Schema):
    id: int
    code: str
    name: str


class HouseholdOut(Schema):
    id: int
    number: str
    head_name: str
    address: str
    members: int
    area: UnitRef
    gone_on: datetime.date | None
    year: int
    poverty: str = Field(description='poor | near_poor | average | none | "" (chưa rà soát)')
    poverty_label: str
    standard: str | None
    zone: str
    income: int | None = Field(description="đồng/người/tháng")
    deprivations: list[str]
    decision: str
    decided_on: datetime.date | None


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdOut]


class FiguresChildOut(UnitRef):
    values: dict[str, int | None]


class FiguresOut(Schema):
    unit: UnitRef
    year: int
    on: datetime.date
    values: dict[str, int | None]
    children: list[FiguresChildOut]


class PovertyIn(Schema):
    status: str = Field(description="poor | near_poor | average | none")
    zone: str | None = Field(None, description="rural | urban; mặc định theo khu dân cư")
    income: int | str | None = Field(None, description="đồng/người/tháng, số hoặc “1.500.000”")
    deprivations: list[str] = []
    decision: str = ""
    decided_on: str | None = Field(None, description="dd/mm/yyyy hoặc yyyy-mm-dd")


class ValidationOut(Schema):
    detail: str
    errors: list[str]


def _unit_ref(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _year(year: int | None) -> int:
    try:
        return services.check_year(services.today().year if year is None else year)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None


def _out(household: Household, row: HouseholdYear | None, year: int) -> dict:
    status = row.poverty if row else ""
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "address": household.address,
        "members": household.members,
        "area": _unit_ref(household.area),
        "gone_on": household.gone_on,
        "year": year,
        "poverty": status,
        "poverty_label": str(Poverty(status).label),
        "standard": row.standard.code if row and row.standard else None,
        "zone": row.zone if row else "",
        "income": row.income if row else None,
        "deprivations": list(row.deprivations) if row else [],
        "decision": row.poverty_decision if row else "",
        "decided_on": row.poverty_decided_on if row else None,
    }


@router.get("/", response={200: HouseholdPage, 400: ErrorOut, 404: ErrorOut})
def household_list(
    request,
    area: int | None = None,
    year: int | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    """Households counted in the year (default: this year) in `area` (a residential area,
    or any unit: its areas), or in every area of the user's scope; `q` searches the
    head's name with or without diacritics. At most 500 a page (`limit`, `offset`)."""
    the_year = _year(year)
    if not 1 <= limit <= MAX_LIMIT:
        message = _("Số hộ mỗi trang (limit) phải từ 1 đến %(max)s.") % {"max": MAX_LIMIT}
        raise HttpError(400, message)
    if offset < 0:
        raise HttpError(400, _("Vị trí bắt đầu (offset) không được âm."))
    if area is None:
        areas = access.areas_for_user(request.user)
    else:
        areas = areas_of(request.user, account_access.access_unit(request.user, area), the_year)
    households = year_households(areas, the_year)
    if q is not None:
        if len(q) > 100:
            raise HttpError(400, _("Từ khóa tìm kiếm dài quá 100 ký tự."))
        households = selectors.household_search(households, nfc(q))
    households = households.select_related("area").order_by(
        Collate("area__name", VI_COLLATION), Collate("head_name", VI_COLLATION), "id"
    )
    page = list(households[offset : offset + limit])
    rows = year_rows([h.pk for h in page], the_year)
    return {
        "count": households.count(),
        "limit": limit,
        "offset": offset,
        "items": [_out(h, rows.get(h.pk), the_year) for h in page],
    }


@router.get("/figures", response={200: FiguresOut, 400: ErrorOut, 404: ErrorOut})
def figures(request, unit: int, year: int | None = None, on: str | None = None):
    """The register's figures of a unit for a year (households, cultured families, poor,
    near-poor, escaped, fell back, new …): for the unit as a whole and per child unit, on
    the map of `on` (default: the year's last day once it is over, else today)."""
    target = account_access.access_unit(request.user, unit)
    the_year = _year(year)
    day = _date(on) if on else map_date(target, the_year)
    result = selectors.register_figures(target, the_year, day)
    ids = [key for key in result if key is not None and key != target.pk]
    children = unit_selectors.in_vietnamese_order(
        account_access.units_for_user(request.user).filter(pk__in=ids)
    )
    return {
        "unit": _unit_ref(target),
        "year": the_year,
        "on": day,
        "values": result.get(None, {}),
        "children": [_unit_ref(child) | {"values": result[child.pk]} for child in children],
    }


def _poverty_fields(payload: PovertyIn, household: Household) -> dict:
    """The body as the service takes it: a zone by default from the area, an income typed
    as text read as đồng, the decision date read as people write it."""
    income = payload.income
    if isinstance(income, str):
        try:
            income = parse_vnd(income) if income.strip() else None
        except ValueError as error:
            raise ValidationError(_("Thu nhập bình quân: %(reason)s") % {"reason": error}) from None
    decided_on = None
    if payload.decided_on and payload.decided_on.strip():
        if len(payload.decided_on) > 30:
            raise ValidationError(_("Ngày quyết định quá dài; hãy dùng dạng dd/mm/yyyy."))
        try:
            decided_on = parse_date(payload.decided_on)
        except ValueError as error:
            raise ValidationError(_("Ngày quyết định: %(reason)s") % {"reason": error}) from None
    return {
        "status": payload.status,
        "zone": payload.zone or services.default_zone(household.area),
        "income": income,
        "deprivations": [nfc(code).strip() for code in payload.deprivations],
        "decision": payload.decision,
        "decided_on": decided_on,
    }


@router.put(
    "/{household_id}/poverty/{year}",
    response={200: HouseholdOut, 400: ValidationOut, 403: ErrorOut, 404: ErrorOut},
)
def poverty_put(request, household_id: int, year: int, payload: PovertyIn):
    """Record a household's poverty status for a year, checked against the standard in
    force that year: a status its own income or deprivations contradict is refused."""
    household = access.access_household(request.user, household_id)
    if not access.can_edit_area(request.user, household.area):
        return Status(
            403, {"detail": _("Bạn không có quyền cập nhật hộ gia đình của khu dân cư này.")}
        )
    try:
        row = services.poverty_set(
            user=request.user,
            household=household,
            year=year,
            **_poverty_fields(payload, household),
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages), "errors": error.messages})
    return Status(200, _out(household, row, row.year))
