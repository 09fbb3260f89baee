"""A household's poverty status for a year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.lib.vn_text import nfc
from doanket.households.counters import counted
from doanket.households.models import (
    Household,
    HouseholdYear,
    Poverty,
)
from doanket.households.poverty import check_status, standard_for
from doanket.households.services.common import (
    _check_date,
    _log,
    _require_editor,
    check_year,
)


@transaction.atomic
def poverty_set(
    *,
    user: User,
    household: Household,
    year,
    status: str,
    zone: str,
    income=None,
    deprivations=(),
    decision: str = "",
    decided_on: datetime.date | None = None,
) -> HouseholdYear:
    """A household's poverty status for a year, checked against the year's standard."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    year = check_year(year)
    if status not in Poverty.values or status == Poverty.UNKNOWN:
        raise ValidationError(_("Hãy chọn diện hộ: nghèo, cận nghèo, mức sống trung bình, khác."))
    standard = standard_for(year)
    if income in ("", None):
        income = None
    else:
        try:
            if isinstance(income, bool) or (isinstance(income, float) and not income.is_integer()):
                raise ValueError
            income = int(income)
        except (TypeError, ValueError):
            raise ValidationError(_("Thu nhập bình quân phải là số đồng.")) from None
    deprivations = sorted(set(deprivations or ()))
    check_status(standard, zone, status, income, deprivations)
    if decided_on is not None:
        _check_date(decided_on, _("ngày quyết định"))
    row = HouseholdYear.objects.filter(household=household, year=year).first()
    with counted([household.pk]):
        if row is None:
            if household.gone_on and household.gone_on.year < year:
                raise ValidationError(_("Hộ đã không còn ở khu trong năm %(y)s.") % {"y": year})
            row = HouseholdYear(household=household, year=year, area=household.area)
        before = {"poverty": row.poverty, "deprivations": row.deprivations}
        row.poverty = status
        row.standard = standard
        row.zone = zone
        row.income = income
        row.deprivations = deprivations
        row.poverty_decision = nfc(decision or "").strip()[:100]
        row.poverty_decided_on = decided_on
        row.save()
    _log(
        "household.poverty",
        user,
        household.area,
        row,
        _("Hộ %(name)s năm %(year)s: %(status)s")
        % {"name": household.head_name, "year": year, "status": Poverty(status).label},
        before=before,
        after={"poverty": status, "deprivations": deprivations},
    )
    return row
