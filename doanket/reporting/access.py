"""Who may read, write and decide on reports. Outside these, a report does not exist."""

from django.db.models import Q, QuerySet
from django.http import Http404

from doanket.accounts.access import (
    ALL_ROLES,
    member_orgs_for_user,
    scope_of_units,
    units_for_user,
)
from doanket.accounts.models import Membership, Role, User
from doanket.reporting.models import Report
from doanket.units.models import MemberOrg, Unit

EDITORS = frozenset({Role.EDITOR})
APPROVERS = frozenset({Role.APPROVER})


def reports_for_user(user: User) -> QuerySet[Report]:
    """Reports of units in the user's scope, and of the organisations they may see."""
    return Report.objects.filter(
        Q(member_org__isnull=True, unit__in=units_for_user(user))
        | Q(member_org__in=member_orgs_for_user(user))
    )


def access_report(user: User, pk: int) -> Report:
    try:
        return reports_for_user(user).select_related("form", "unit", "member_org").get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_view_reporter(user: User, *, unit: Unit, member_org: MemberOrg | None) -> bool:
    if member_org is not None:
        return member_orgs_for_user(user).filter(pk=member_org.pk).exists()
    return units_for_user(user, ALL_ROLES).filter(pk=unit.pk).exists()


def can_edit(user: User, *, unit: Unit, member_org: MemberOrg | None) -> bool:
    """Editors of the reporting unit (or organisation) itself, or of a unit above it."""
    if not user.is_active:
        return False
    if member_org is not None:
        return member_orgs_for_user(user, EDITORS).filter(pk=member_org.pk).exists()
    return units_for_user(user, EDITORS).filter(pk=unit.pk).exists()


def can_decide(user: User, report: Report) -> bool:
    """Approvers of the level above: a unit's report is decided by an approver of a unit
    above it; an organisation's report by an approver of its host unit or above."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = set(
        Membership.objects.filter(user=user, role=Role.APPROVER, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    if report.member_org_id is None:
        grants.discard(report.unit_id)
    if not grants:
        return False
    return Unit.objects.filter(pk__in=scope_of_units(grants)).filter(pk=report.unit_id).exists()


def can_decide_anything(user: User, unit: Unit) -> bool:
    """An approver of `unit` or above: the one who chases the reports below it."""
    return units_for_user(user, APPROVERS).filter(pk=unit.pk).exists()
