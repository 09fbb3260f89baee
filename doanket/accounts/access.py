"""Who may see and do what. Every view, API route and export asks these functions.

A role on a unit reaches every unit ever placed under it, and everything placed under
the units it succeeded as primary successor (a new commune inherits its merged
predecessors). Outside that scope objects do not exist: callers answer "not found".
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from doanket.accounts.models import Membership, Role, User
from doanket.units.models import MemberOrg, Succession, Unit, UnitLink, valid_on

ALL_ROLES = frozenset(Role.values)


def _with_primary_predecessors(unit_ids: set[int]) -> set[int]:
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        older = set(
            Succession.objects.filter(new_id__in=frontier, primary=True).values_list(
                "old_id", flat=True
            )
        )
        frontier = older - found
        found |= frontier
    return found


def _paths_of(unit_ids: set[int]) -> list[str]:
    return sorted(
        set(UnitLink.objects.filter(child_id__in=unit_ids).values_list("path", flat=True))
    )


def _any_prefix(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(path__startswith=prefix)
    return condition


def scope_of_units(granted: set[int]):
    """A subquery of the ids of every unit that roles on the `granted` units reach.

    Own subtrees count whole, on every date. A predecessor's subtree counts for what
    has not gone elsewhere: an area of a split commune that now sits in the sibling
    commune belongs to the sibling, not to the primary successor.
    """
    own = _any_prefix(_paths_of(granted))
    inherited_paths = _paths_of(_with_primary_predecessors(granted) - granted)
    inherited = _any_prefix(inherited_paths)
    if not inherited_paths:
        return UnitLink.objects.filter(own).values("child_id")
    candidates = UnitLink.objects.filter(inherited).values("child_id")
    elsewhere_now = (
        UnitLink.objects.filter(valid_on(timezone.localdate()), child_id__in=candidates)
        .exclude(own)
        .values("child_id")
    )
    # One subquery, so that the database makes one semi-join of it.
    return UnitLink.objects.filter(own | (inherited & ~Q(child_id__in=elsewhere_now))).values(
        "child_id"
    )


def _scope_unit_ids(user: User, roles: frozenset[str]):
    cache = user.__dict__.setdefault("_scope_unit_ids", {})
    if roles not in cache:
        granted = set(
            Membership.objects.filter(user=user, role__in=roles, unit__isnull=False).values_list(
                "unit_id", flat=True
            )
        )
        cache[roles] = scope_of_units(granted)
    return cache[roles]


def _is_everywhere(user: User) -> bool:
    return user.is_active and user.is_superuser


def units_for_user(
    user: User, roles: frozenset[str] = ALL_ROLES, *, with_hosts: bool = True
) -> QuerySet[Unit]:
    """The units the user's roles reach. A member-organisation role also reaches its host
    unit's page, unless `with_hosts` is off (the unit's own books, such as its fund)."""
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if _is_everywhere(user):
        return Unit.objects.all()
    hosts = Membership.objects.filter(user=user, role__in=roles, member_org__isnull=False)
    if with_hosts and hosts.exists():
        return Unit.objects.filter(
            Q(pk__in=_scope_unit_ids(user, roles)) | Q(pk__in=hosts.values("member_org__unit_id"))
        )
    return Unit.objects.filter(pk__in=_scope_unit_ids(user, roles))


def member_orgs_for_user(user: User, roles: frozenset[str] = ALL_ROLES) -> QuerySet[MemberOrg]:
    if not user.is_authenticated or not user.is_active:
        return MemberOrg.objects.none()
    if _is_everywhere(user):
        return MemberOrg.objects.all()
    own = Membership.objects.filter(user=user, role__in=roles, member_org__isnull=False)
    return MemberOrg.objects.filter(
        Q(pk__in=own.values("member_org_id")) | Q(unit_id__in=_scope_unit_ids(user, roles))
    )


def users_for_user(user: User) -> QuerySet[User]:
    """People a user may find: those holding a role somewhere inside the user's scope."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if _is_everywhere(user):
        return User.objects.all()
    holding = Membership.objects.filter(
        Q(unit__in=units_for_user(user)) | Q(member_org__in=member_orgs_for_user(user))
    )
    return User.objects.filter(pk__in=holding.values("user_id"))


def access_unit(user: User, pk: int, roles: frozenset[str] = ALL_ROLES) -> Unit:
    try:
        return units_for_user(user, roles).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_member_org(user: User, pk: int, roles: frozenset[str] = ALL_ROLES) -> MemberOrg:
    try:
        return member_orgs_for_user(user, roles).select_related("unit").get(pk=pk)
    except (MemberOrg.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_managed_user(admin: User, pk: int) -> User:
    try:
        return users_managed_by(admin).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_manage_unit(user: User, unit: Unit) -> bool:
    return units_for_user(user, frozenset({Role.ADMIN})).filter(pk=unit.pk).exists()


def can_manage_member_org(user: User, org: MemberOrg) -> bool:
    return can_manage_unit(user, org.unit)


def is_unit_admin_anywhere(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return _is_everywhere(user) or Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def users_managed_by(admin: User) -> QuerySet[User]:
    """Users an admin may change: those with a role inside the admin's subtree, or
    created by the admin and not yet given a role."""
    if _is_everywhere(admin):
        return User.objects.all()
    admin_units = units_for_user(admin, frozenset({Role.ADMIN}))
    if not is_unit_admin_anywhere(admin):
        return User.objects.none()
    holding = Membership.objects.filter(
        Q(unit__in=admin_units) | Q(member_org__unit__in=admin_units)
    )
    return User.objects.filter(pk__in=holding.values("user_id")).exclude(is_superuser=True)


def can_manage_account(admin: User, person: User) -> bool:
    """Lock, unlock or reset the password of `person`: only when every role they hold lies
    inside the admin's scope, so a commune admin cannot touch a province officer."""
    if person.pk == admin.pk or person.is_superuser:
        return False
    if _is_everywhere(admin):
        return True
    admin_units = units_for_user(admin, frozenset({Role.ADMIN}))
    memberships = Membership.objects.filter(user=person)
    outside = memberships.exclude(Q(unit__in=admin_units) | Q(member_org__unit__in=admin_units))
    return memberships.exists() and not outside.exists()
