"""Who may see which fund. A fund belongs to its unit: whoever's roles reach the unit sees
its ledger; anything else answers "not found", like a fund that does not exist. Who may
write is asked of the services (can_keep, can_approve)."""

from django.db.models import QuerySet
from django.http import Http404

from doanket.accounts.access import ALL_ROLES, units_for_user
from doanket.accounts.models import User
from doanket.fund.models import Fund, Posting, Receipt


def funds_for_user(user: User, roles: frozenset[str] = ALL_ROLES) -> QuerySet[Fund]:
    # a member organisation's role reaches its host unit's page, never the unit's fund
    return Fund.objects.filter(unit__in=units_for_user(user, roles, with_hosts=False))


def access_fund(user: User, pk, roles: frozenset[str] = ALL_ROLES) -> Fund:
    try:
        return funds_for_user(user, roles).select_related("unit").get(pk=pk)
    except (Fund.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_posting(fund: Fund, pk) -> Posting:
    """A posting seen from a fund's ledger: one with a line in that fund (a transfer from
    another level shows in the receiving fund too)."""
    try:
        return (
            Posting.objects.filter(entries__fund=fund)
            .select_related("fund__unit", "counterpart", "household", "drive", "posted_by")
            .distinct()
            .get(pk=pk)
        )
    except (Posting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_receipt(fund: Fund, pk) -> Receipt:
    try:
        return Receipt.objects.select_related(
            "posting__drive", "posting__posted_by", "fund__unit"
        ).get(fund=fund, pk=pk)
    except (Receipt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
