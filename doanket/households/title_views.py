"""Pages of the residential areas' titles and of the streaks of consecutive years."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanket.accounts import access as account_access
from doanket.households import access, selectors, services
from doanket.households.criteria import (
    AREA_CRITERIA,
    AREA_GROUPS,
)
from doanket.households.evaluation_views import _area_lines
from doanket.households.models import (
    AreaTitle,
)
from doanket.households.view_helpers import (
    MAX_STREAK_YEARS,
    _date,
    _download,
    _file_name,
    _refused,
    _scoped_areas,
    _upload,
    _year,
)
from doanket.units.models import Unit

# Residential areas' titles ---------------------------------------------------------


def _title_context(request, area: Unit, year: int, **extra) -> dict:
    title = AreaTitle.objects.filter(area=area, year=year).select_related("decider").first()
    today = services.today()
    proposed = title is not None and title.status == AreaTitle.Status.PROPOSED
    ticks = title.criteria if title else {}
    return {
        "area": area,
        "year": year,
        "title": title,
        "criteria": [
            {"code": code, "label": label, "ticked": bool(ticks.get(code))}
            for code, label in AREA_GROUPS
        ],
        "decider_now": services.title_decider(area, today),
        "can_propose": (title is None or proposed) and access.can_edit_area(request.user, area),
        "can_decide": proposed and access.can_approve_above(request.user, area),
        "today": today,
        "posted": request.POST if request.method == "POST" else {},
        "reform_date": datetime.date(2025, 7, 1),
        **extra,
    }


@login_required
def title_detail(request, area_pk, year):
    """An area's title for a year; editors post the proposal here."""
    area = access.access_area(request.user, area_pk)
    year = _year(year)
    if request.method != "POST":
        return render(request, "households/title.html", _title_context(request, area, year))
    if not access.can_edit_area(request.user, area):
        raise PermissionDenied
    try:
        with transaction.atomic():
            services.area_title_propose(
                user=request.user,
                area=area,
                year=year,
                proposal_file=_upload(request, "proposal_file"),
                proposed_on=_date(request, "proposed_on"),
                criteria={code: request.POST.get(f"c_{code}") == "1" for code in AREA_CRITERIA},
            )
    except ValidationError as error:
        _refused(request, error)
        context = _title_context(request, area, year)
        return render(request, "households/title.html", context, status=400)
    messages.success(request, _("Đã gửi hồ sơ đề nghị công nhận danh hiệu."))
    return redirect("households:title_detail", area_pk=area.pk, year=year)


@login_required
@require_POST
def title_decide(request, area_pk, year):
    area = access.access_area(request.user, area_pk)
    year = _year(year)
    title = AreaTitle.objects.filter(area=area, year=year).first()
    if title is None:
        raise Http404
    if not access.can_approve_above(request.user, area):
        raise PermissionDenied
    try:
        with transaction.atomic():
            services.area_title_decide(
                user=request.user,
                title=title,
                achieved=request.POST.get("achieved") == "1",
                number=request.POST.get("number", ""),
                decided_on=_date(request, "decided_on"),
                signer=request.POST.get("signer", ""),
            )
    except ValidationError as error:
        _refused(request, error)
        context = _title_context(request, area, year)
        return render(request, "households/title.html", context, status=400)
    messages.success(request, _("Đã ghi quyết định về danh hiệu của khu dân cư."))
    return redirect("households:title_detail", area_pk=area.pk, year=year)


@login_required
def title_file(request, area_pk, year):
    area = access.access_area(request.user, area_pk)
    title = AreaTitle.objects.filter(area=area, year=_year(year)).first()
    if title is None:
        raise Http404
    return _download(title.proposal_file, _file_name(_("ho-so-de-nghi"), area.name, year))


@login_required
def title_list(request, unit_pk, year):
    """The proposals of a unit's areas: the commune's (before 01/07/2025 the district's)
    list to decide."""
    unit = account_access.access_unit(request.user, unit_pk)
    year = _year(year)
    if unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        return redirect("households:title_detail", area_pk=unit.pk, year=year)
    lines = _area_lines(request, _scoped_areas(request, unit), year)
    return render(
        request,
        "households/title_list.html",
        {
            "unit": unit,
            "year": year,
            "lines": lines,
            "awaiting": [line for line in lines if line["title_awaiting"]],
            "achieved": sum(
                1 for line in lines if line["title"] and line["title"].status == "achieved"
            ),
            "years": range(services.today().year, services.FIRST_YEAR - 1, -1)[:6],
        },
    )


# Streaks ---------------------------------------------------------------------------


def _streak_n(request, name: str, default: int) -> int:
    text = request.GET.get(name)
    if not text:
        return default
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_STREAK_YEARS:
        messages.error(
            request,
            _("Số năm liên tục phải từ 1 đến %(max)s; đang dùng %(n)s năm theo cài đặt.")
            % {"max": MAX_STREAK_YEARS, "n": default},
        )
        return default
    return n


def _streak_context(request, unit: Unit, **extra) -> dict:
    today = services.today()
    try:
        up_to = int(request.GET.get("year") or today.year)
    except ValueError:
        up_to = today.year
    up_to = min(max(up_to, services.FIRST_YEAR), today.year)
    n = _streak_n(request, "n", settings.HOUSEHOLD_STREAK_YEARS)
    area_n = _streak_n(request, "area_n", settings.AREA_STREAK_YEARS)
    areas = Unit.objects.filter(pk__in=[a.pk for a in _scoped_areas(request, unit)])
    households = selectors.household_streaks(areas, up_to, n)
    area_rows = selectors.area_streaks(areas, up_to, area_n)
    owners = {row.owner.area for row in households} | {row.owner for row in area_rows}
    return {
        "unit": unit,
        "up_to": up_to,
        "n": n,
        "area_n": area_n,
        "households": households,
        "areas": area_rows,
        "rewarding": {area.pk for area in owners if _may_reward(request.user, area)},
        "today": today,
        "default_n": settings.HOUSEHOLD_STREAK_YEARS,
        "default_area_n": settings.AREA_STREAK_YEARS,
        **extra,
    }


def _may_reward(user, area: Unit) -> bool:
    """The service's own rule, to offer the form only to those it will accept."""
    return access.can_edit_area(user, area) or access.can_approve_above(user, area)


@login_required
def streak_list(request, unit_pk):
    """Households (and areas) with N consecutive years achieved, not yet rewarded."""
    unit = account_access.access_unit(request.user, unit_pk)
    return render(request, "households/streak.html", _streak_context(request, unit))


@login_required
@require_POST
def streak_reward(request, unit_pk):
    unit = account_access.access_unit(request.user, unit_pk)
    kind = request.POST.get("kind")
    owner_pk = request.POST.get("owner")
    if kind == "household":
        owner = {"household": access.access_household(request.user, owner_pk)}
    elif kind == "area":
        owner = {"area": access.access_area(request.user, owner_pk)}
    else:
        raise Http404
    try:
        with transaction.atomic():
            reward = services.streak_reward_record(
                user=request.user,
                first_year=request.POST.get("first_year"),
                last_year=request.POST.get("last_year"),
                number=request.POST.get("number", ""),
                decided_on=_date(request, "decided_on"),
                **owner,
            )
    except ValidationError as error:
        _refused(request, error)
        context = _streak_context(request, unit)
        return render(request, "households/streak.html", context, status=400)
    messages.success(
        request,
        _("Đã ghi khen thưởng cho chuỗi năm %(first)s–%(last)s.")
        % {"first": reward.first_year, "last": reward.last_year},
    )
    query = request.GET.urlencode()
    url = reverse("households:streak_list", args=[unit.pk])
    return redirect(f"{url}?{query}" if query else url)
