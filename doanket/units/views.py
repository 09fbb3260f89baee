from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from doanket.accounts import access
from doanket.accounts.models import Membership
from doanket.core.decorators import login_required_htmx
from doanket.units import selectors
from doanket.units.forms import MapDateForm
from doanket.units.models import Unit, UnitLink, valid_on


def _map_date(request):
    form = MapDateForm(request.GET or None)
    on = form.map_date(selectors.today())
    if form.is_bound and not form.is_valid():
        for field in ("on", "q"):
            for error in form.errors.get(field, []):
                messages.error(request, error)
    return form, on


def _top_units(user, on):
    """The highest units of the user's scope that exist on `on`.

    Residential areas that now sit under a commune outside the scope (those of an old
    district, after 1/7/2025) are not listed loose: the officer is pointed to the old map.
    """
    scope = access.units_for_user(user)
    granted = Membership.objects.filter(user=user, unit__isnull=False).values("unit_id")
    placed = UnitLink.objects.filter(valid_on(on), child__in=scope)
    tops = placed.filter(Q(parent__isnull=True) | ~Q(parent__in=scope)).filter(
        ~Q(child__kind=Unit.Kind.RESIDENTIAL_AREA) | Q(child_id__in=granted)
    )
    return selectors.in_vietnamese_order(Unit.objects.filter(pk__in=tops.values("child_id")))


def _ended_units(user, on):
    """The user's own units that no longer exist on `on`, to explain an empty tree."""
    return Unit.objects.filter(memberships__user=user, valid_to__lt=on).distinct()


@login_required
def tree(request):
    form, on = _map_date(request)
    units = _top_units(request.user, on)
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    results = None
    if query:
        results = selectors.unit_search(text=query, units=access.units_for_user(request.user))
        results = results.filter(valid_on(on))[:100]
    return render(
        request,
        "units/tree.html",
        {
            "form": form,
            "on": on,
            "units": units,
            "ended": _ended_units(request.user, on),
            "query": query,
            "results": results,
        },
    )


@login_required_htmx
def children(request, pk):
    unit = access.access_unit(request.user, pk)
    _form, on = _map_date(request)
    scope = access.units_for_user(request.user)
    kids = selectors.unit_children(unit=unit, on=on).filter(pk__in=scope.values("pk"))
    return render(request, "units/_children.html", {"units": kids, "on": on})


@login_required
def detail(request, pk):
    unit = access.access_unit(request.user, pk)
    form, on = _map_date(request)
    if not unit.is_valid_on(on):
        on = unit.valid_to if on > unit.valid_to else unit.valid_from
    scope = access.units_for_user(request.user)
    became, came_from = selectors.unit_successions(unit=unit)
    ancestors = selectors.unit_ancestors(unit=unit, on=on)
    history = list(selectors.unit_history(unit=unit))
    related = {a.pk for a in ancestors} | {link.parent_id for link in history if link.parent_id}
    related |= {s.new_id for s in became} | {s.old_id for s in came_from}
    member_orgs = selectors.unit_member_orgs(unit=unit, on=on)
    memberships = (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "on": on,
            "form": form,
            "ancestors": ancestors,
            "children": selectors.unit_children(unit=unit, on=on).filter(pk__in=scope.values("pk")),
            "history": history,
            "became": became,
            "came_from": came_from,
            "visible": set(scope.filter(pk__in=related).values_list("pk", flat=True)),
            "member_orgs": member_orgs,
            "visible_orgs": set(
                access.member_orgs_for_user(request.user)
                .filter(pk__in=[org.pk for org in member_orgs])
                .values_list("pk", flat=True)
            ),
            "memberships": memberships,
            "can_manage": unit.is_valid_on(selectors.today())
            and access.can_manage_unit(request.user, unit),
        },
    )


@login_required
def member_org_detail(request, pk):
    org = access.access_member_org(request.user, pk)
    memberships = Membership.objects.filter(member_org=org).select_related("user").order_by("role")
    return render(
        request,
        "units/member_org.html",
        {
            "org": org,
            "memberships": memberships,
            "can_manage": access.can_manage_member_org(request.user, org),
        },
    )
