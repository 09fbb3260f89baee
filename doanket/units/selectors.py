import datetime

from django.db.models import QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from doanket.core.apps import VI_COLLATION
from doanket.core.lib.vn_text import fold
from doanket.units.models import MemberOrg, Succession, Unit, UnitLink, valid_on


def today() -> datetime.date:
    return timezone.localdate()


def in_vietnamese_order(queryset: QuerySet, field: str = "name") -> QuerySet:
    return queryset.order_by(Collate(field, VI_COLLATION), "id")


def unit_link_on(*, unit: Unit, on: datetime.date) -> UnitLink | None:
    # Ordered by a column of the (child, valid_from, valid_to) index: ordering by id would
    # let PostgreSQL walk the primary key of a large table looking for one row.
    links = UnitLink.objects.filter(valid_on(on), child=unit).select_related("parent")
    return links.order_by("valid_from").first()


def unit_roots(*, on: datetime.date) -> QuerySet[Unit]:
    return in_vietnamese_order(
        Unit.objects.filter(valid_on(on, "links__"), links__parent__isnull=True)
    )


def unit_children(*, unit: Unit, on: datetime.date) -> QuerySet[Unit]:
    return in_vietnamese_order(Unit.objects.filter(valid_on(on, "links__"), links__parent=unit))


def unit_subtree(*, unit: Unit, on: datetime.date, include_self: bool = True) -> QuerySet[Unit]:
    """Every unit under `unit` on the map of `on`: one prefix query over the links valid then."""
    link = unit_link_on(unit=unit, on=on)
    if link is None:
        return Unit.objects.none()
    units = Unit.objects.filter(valid_on(on, "links__"), links__path__startswith=link.path)
    if not include_self:
        units = units.exclude(pk=unit.pk)
    return units


def unit_ancestors(*, unit: Unit, on: datetime.date) -> list[Unit]:
    """From the root down to the parent of `unit`, as placed on `on`."""
    link = unit_link_on(unit=unit, on=on)
    if link is None:
        return []
    ids = link.path_ids()[:-1]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def unit_history(*, unit: Unit) -> QuerySet[UnitLink]:
    return UnitLink.objects.filter(child=unit).select_related("parent").order_by("valid_from")


def unit_successions(*, unit: Unit) -> tuple[QuerySet[Succession], QuerySet[Succession]]:
    """What the unit became, and what it came from."""
    became = Succession.objects.filter(old=unit).select_related("new").order_by("-primary", "id")
    came_from = Succession.objects.filter(new=unit).select_related("old").order_by("id")
    return became, came_from


def unit_member_orgs(*, unit: Unit, on: datetime.date) -> QuerySet[MemberOrg]:
    return MemberOrg.objects.filter(valid_on(on), unit=unit).order_by("org_type")


def unit_search(*, text: str, units: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units whose name contains `text`, with or without diacritics."""
    key = fold(text)
    base = Unit.objects.all() if units is None else units
    return in_vietnamese_order(base.filter(name_folded__contains=key))


def unit_by_code(*, code: str, on: datetime.date) -> Unit | None:
    """Codes of abolished units may be reused by new ones, so a code is read on a date."""
    unit = Unit.objects.filter(valid_on(on), code=code).first()
    if unit is None:
        unit = Unit.objects.filter(code=code).order_by("-valid_from").first()
    return unit
