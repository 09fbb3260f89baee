import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from doanket.accounts import access
from doanket.core.lib.dates import parse_date
from doanket.units import selectors
from doanket.units.models import BEGINNING, END, Unit, UnitLink, valid_on

router = Router(tags=["Đơn vị"])


class SuccessionOut(Schema):
    code: str
    name: str
    kind: str = Field(description="merge | split | rename")
    primary: bool
    date: datetime.date


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class UnitDetailOut(UnitOut):
    became: list[SuccessionOut]
    came_from: list[SuccessionOut]


class ErrorOut(Schema):
    detail: str


def _date(text: str | None) -> datetime.date:
    if not text:
        return selectors.today()
    if len(text) > 30:
        raise HttpError(400, _("Ngày quá dài; hãy dùng dạng yyyy-mm-dd hoặc dd/mm/yyyy."))
    try:
        return parse_date(text)
    except ValueError as error:
        raise HttpError(400, str(error)) from None


def _parents(units: list[Unit], on: datetime.date) -> dict[int, str]:
    links = UnitLink.objects.filter(valid_on(on), child__in=units).select_related("parent")
    return {link.child_id: link.parent.code if link.parent else None for link in links}


def _out(unit: Unit, parent_code: str | None) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent_code": parent_code,
        "valid_from": None if unit.valid_from == BEGINNING else unit.valid_from,
        "valid_to": None if unit.valid_to == END else unit.valid_to,
    }


def _scoped_by_code(request, code: str, on: datetime.date) -> Unit:
    """The unit bearing `code` on `on`; only when none does, the latest that bore it."""
    scope = access.units_for_user(request.user)
    if Unit.objects.filter(valid_on(on), code=code).exists():
        unit = scope.filter(valid_on(on), code=code).first()
    else:
        unit = scope.filter(code=code).order_by("-valid_from").first()
    if unit is None:
        raise Http404
    return unit


@router.get("/", response={200: list[UnitOut], 400: ErrorOut, 404: ErrorOut})
def unit_list(request, parent: str | None = None, on: str | None = None, q: str | None = None):
    """Children of `parent` on the date `on` (yyyy-mm-dd or dd/mm/yyyy), a search by name
    with or without diacritics (`q`), or without either the user's highest units."""
    day = _date(on)
    scope = access.units_for_user(request.user)
    if q is not None:
        if not q.strip():
            raise HttpError(400, _("Hãy nhập từ khóa tìm kiếm."))
        if len(q) > 100:
            raise HttpError(400, _("Từ khóa tìm kiếm dài quá 100 ký tự."))
        units = list(selectors.unit_search(text=q, units=scope.filter(valid_on(day)))[:100])
    elif parent is not None:
        parent_unit = _scoped_by_code(request, parent, day)
        units = list(
            selectors.unit_children(unit=parent_unit, on=day).filter(pk__in=scope.values("pk"))
        )
    else:
        placed = UnitLink.objects.filter(valid_on(day), child__in=scope)
        tops = placed.exclude(parent__in=scope).values("child_id")
        units = list(selectors.in_vietnamese_order(Unit.objects.filter(pk__in=tops)))
    parents = _parents(units, day)
    return [_out(unit, parents.get(unit.pk)) for unit in units]


@router.get("/{code}", response={200: UnitDetailOut, 400: ErrorOut, 404: ErrorOut})
def unit_detail(request, code: str, on: str | None = None):
    """One unit by its official code; `on` picks among units that have used the code."""
    day = _date(on)
    unit = _scoped_by_code(request, code, day)
    link = selectors.unit_link_on(unit=unit, on=day if unit.is_valid_on(day) else unit.valid_to)
    became, came_from = selectors.unit_successions(unit=unit)
    data = _out(unit, link.parent.code if link and link.parent else None)
    data["became"] = [
        {
            "code": s.new.code,
            "name": s.new.name,
            "kind": s.kind,
            "primary": s.primary,
            "date": s.date,
        }
        for s in became
    ]
    data["came_from"] = [
        {
            "code": s.old.code,
            "name": s.old.name,
            "kind": s.kind,
            "primary": s.primary,
            "date": s.date,
        }
        for s in came_from
    ]
    return data
