"""The drill-down from a report figure to the households (or areas) behind it."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import Collate
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from doanket.accounts import access as account_access
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import parse_date
from doanket.core.lib.vn_text import vi_natural_key
from doanket.households import access, selectors, services
from doanket.households.models import (
    AreaTitle,
    HouseholdYear,
)
from doanket.units.models import Unit
from doanket.units.selectors import in_vietnamese_order

FIGURE_PAGE_SIZE = 100

FIGURE_LABELS = {
    "households.total": gettext_lazy("Tổng số hộ gia đình"),
    "households.registered": gettext_lazy("Số hộ đăng ký “Gia đình văn hóa” đầu năm"),
    "households.achieved": gettext_lazy("Số hộ đạt “Gia đình văn hóa”"),
    "poverty.poor_start": gettext_lazy("Số hộ nghèo đầu kỳ"),
    "poverty.near_poor_start": gettext_lazy("Số hộ cận nghèo đầu kỳ"),
    "poverty.poor_end": gettext_lazy("Số hộ nghèo cuối kỳ"),
    "poverty.near_poor_end": gettext_lazy("Số hộ cận nghèo cuối kỳ"),
    "poverty.average_end": gettext_lazy("Số hộ có mức sống trung bình cuối kỳ"),
    "poverty.escaped": gettext_lazy("Số hộ thoát nghèo trong kỳ"),
    "poverty.fell_back": gettext_lazy("Số hộ tái nghèo trong kỳ"),
    "poverty.new_poor": gettext_lazy("Số hộ nghèo phát sinh trong kỳ"),
    "areas.total": gettext_lazy("Tổng số khu dân cư"),
    "areas.cultured": gettext_lazy("Số khu dân cư được công nhận “Khu dân cư văn hóa”"),
}

# The drill-down from a report figure ----------------------------------------------------


def _figure_date(text: str | None, year: int) -> datetime.date:
    """The map date asked for; by default the year's end, or today within this year."""
    if text:
        return parse_date(text)
    today = services.today()
    return today if year >= today.year else datetime.date(year, 12, 31)


def _figure_areas(key: str, unit: Unit, year: int, on: datetime.date) -> QuerySet[Unit]:
    areas = selectors.areas_below(unit, on)
    if key == "areas.cultured":
        titled = AreaTitle.objects.filter(year=year, status=AreaTitle.Status.ACHIEVED)
        areas = areas.filter(pk__in=titled.values("area_id"))
    return in_vietnamese_order(areas)


def _figure_households(key: str, unit: Unit, year: int, on: datetime.date):
    rows = selectors.households_behind(key, unit, year, on)
    return rows.order_by(
        Collate("area__name", VI_COLLATION), Collate("household__head_name", VI_COLLATION), "pk"
    )


def _per_area(rows: QuerySet[HouseholdYear]) -> list[dict]:
    counted = rows.order_by().values("area_id", "area__name").annotate(n=Count("pk"))
    return sorted(counted, key=lambda item: vi_natural_key(item["area__name"]))


@login_required
def figure(request):
    key = request.GET.get("key", "")
    if key not in selectors.KEYS:
        raise Http404
    unit = account_access.access_unit(request.user, request.GET.get("unit"))
    context = {"key": key, "label": FIGURE_LABELS.get(key, key), "unit": unit}
    try:
        year = services.check_year(request.GET.get("year") or services.today().year)
        on = _figure_date(request.GET.get("on"), year)
    except (ValidationError, ValueError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return render(request, "households/figure.html", {**context, "error": message}, status=400)
    value = selectors.register_figures(unit, year, on, keys=(key,))[None].get(key)
    context |= {"year": year, "on": on, "value": value, "is_areas": key in selectors.AREA_KEYS}
    if key in selectors.AREA_KEYS:
        page = Paginator(_figure_areas(key, unit, year, on), FIGURE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context |= {"page": page}
    else:
        rows = _figure_households(key, unit, year, on)
        page = Paginator(rows, FIGURE_PAGE_SIZE).get_page(request.GET.get("page"))
        visible = access.households_for_user(request.user).filter(
            pk__in=[row.household_id for row in page]
        )
        context |= {
            "page": page,
            "visible": set(visible.values_list("pk", flat=True)),
            "per_area": _per_area(rows),
        }
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return render(request, "households/figure.html", context)
