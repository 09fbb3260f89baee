"""Who may see and change households. Names stay inside the scope: only users whose
roles reach the area (the area itself and the units above it) see them; anything else
answers "not found"."""

from django.db.models import QuerySet
from django.http import Http404

from doanket.accounts.access import ALL_ROLES, scope_of_units, units_for_user
from doanket.accounts.models import Membership, Role, User
from doanket.households.models import Household
from doanket.units.models import Unit

EDITORS = frozenset({Role.EDITOR})
APPROVERS = frozenset({Role.APPROVER})


def areas_for_user(user: User, roles: frozenset[str] = ALL_ROLES) -> QuerySet[Unit]:
    return units_for_user(user, roles).filter(kind=Unit.Kind.RESIDENTIAL_AREA)


def households_for_user(user: User, roles: frozenset[str] = ALL_ROLES) -> QuerySet[Household]:
    return Household.objects.filter(area__in=units_for_user(user, roles))


def access_household(user: User, pk, roles: frozenset[str] = ALL_ROLES) -> Household:
    try:
        return households_for_user(user, roles).select_related("area").get(pk=pk)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_area(user: User, pk, roles: frozenset[str] = ALL_ROLES) -> Unit:
    try:
        return areas_for_user(user, roles).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit_area(user: User, area: Unit) -> bool:
    """Editors of the area itself or of a unit above it."""
    return user.is_active and units_for_user(user, EDITORS).filter(pk=area.pk).exists()


def can_view_unit(user: User, unit: Unit) -> bool:
    return units_for_user(user).filter(pk=unit.pk).exists()


def can_approve_above(user: User, unit: Unit, *, deciders: set[int] | None = None) -> bool:
    """An approver of a unit above `unit` (never of `unit` itself). With `deciders`,
    only roles on those units or above them count."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = set(
        Membership.objects.filter(user=user, role=Role.APPROVER, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    grants.discard(unit.pk)
    if deciders is not None:
        reaching = set(
            Unit.objects.filter(pk__in=scope_of_units(grants), id__in=deciders).values_list(
                "pk", flat=True
            )
        )
        if not reaching:
            return False
    if not grants:
        return False
    return Unit.objects.filter(pk__in=scope_of_units(grants)).filter(pk=unit.pk).exists()
