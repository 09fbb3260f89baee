"""Residential areas' titles and the rewards of streaks."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.core.lib.vn_text import nfc
from doanket.households import access
from doanket.households.criteria import AREA_CRITERIA
from doanket.households.models import (
    AreaTitle,
    StreakReward,
)
from doanket.households.services.common import (
    _check_date,
    _decision_fields,
    _log,
    _require_area,
    _require_editor,
    check_year,
    clean_criteria,
)
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit, UnitLink, valid_on


def title_decider(area: Unit, on: datetime.date) -> Unit | None:
    """The unit whose body decides a residential area's title on a date: the first
    ancestor of the kind the settings name for that date (before 01/07/2025 the district,
    from then the commune), else the nearest ancestor above the area."""
    kind = Unit.Kind.COMMUNE
    for start, name in sorted(settings.AREA_TITLE_DECIDER_KINDS):
        if on >= datetime.date.fromisoformat(start):
            kind = name
    ancestors = unit_selectors.unit_ancestors(unit=area, on=on)
    for unit in reversed(ancestors):
        if unit.kind == kind:
            return unit
    parent = UnitLink.objects.filter(valid_on(on), child=area).select_related("parent").first()
    return parent.parent if parent else None


@transaction.atomic
def area_title_propose(*, user, area, year, proposal_file, proposed_on, criteria) -> AreaTitle:
    _require_area(area)
    _require_editor(user, area)
    year = check_year(year)
    _check_date(proposed_on, _("ngày đề nghị"))
    if proposal_file is None:
        raise ValidationError(
            _("Hãy tải lên hồ sơ đề nghị (báo cáo thành tích, biên bản họp khu dân cư).")
        )
    ticks = clean_criteria(criteria, AREA_CRITERIA)
    title = AreaTitle.objects.select_for_update().filter(area=area, year=year).first()
    if title and title.status != AreaTitle.Status.PROPOSED:
        raise ValidationError(_("Danh hiệu năm %(year)s đã có quyết định.") % {"year": year})
    title = title or AreaTitle(area=area, year=year)
    title.proposed_on = proposed_on
    title.criteria = ticks
    title.proposal_file.save(proposal_file.name, proposal_file, save=False)
    title.save()
    _log(
        "area_title.propose",
        user,
        area,
        title,
        _("Đề nghị công nhận %(area)s văn hóa năm %(year)s") % {"area": area.name, "year": year},
    )
    return title


@transaction.atomic
def area_title_decide(*, user, title, achieved: bool, number, decided_on, signer) -> AreaTitle:
    title = AreaTitle.objects.select_for_update().select_related("area").get(pk=title.pk)
    if title.status != AreaTitle.Status.PROPOSED:
        raise ValidationError(_("Danh hiệu này đã có quyết định."))
    number, signer = _decision_fields(number, decided_on, signer)
    if decided_on < title.proposed_on:
        raise ValidationError(_("Ngày quyết định phải từ ngày đề nghị trở đi."))
    decider = title_decider(title.area, decided_on)
    if decider is None or not access.can_approve_above(user, title.area, deciders={decider.pk}):
        raise PermissionDenied(
            _("Danh hiệu này do %(unit)s quyết định; bạn không có quyền phê duyệt ở đó.")
            % {"unit": decider.name if decider else _("cấp trên")}
        )
    if achieved and not all(title.criteria.get(code) for code in AREA_CRITERIA):
        raise ValidationError(_("Khu dân cư chưa đạt đủ 5 nhóm tiêu chí nên không công nhận."))
    title.status = AreaTitle.Status.ACHIEVED if achieved else AreaTitle.Status.NOT_ACHIEVED
    title.decider = decider
    title.decision_number, title.decision_on, title.decision_signer = number, decided_on, signer
    title.decided_by = user
    title.save()
    _log(
        "area_title.decide",
        user,
        title.area,
        title,
        _("Quyết định %(number)s: %(area)s năm %(year)s %(status)s")
        % {
            "number": number,
            "area": title.area.name,
            "year": title.year,
            "status": title.get_status_display().lower(),
        },
    )
    return title


@transaction.atomic
def streak_reward_record(
    *, user, first_year, last_year, number, decided_on, household=None, area=None
) -> StreakReward:
    owner_area = household.area if household is not None else area
    if owner_area is None:
        raise ValidationError(_("Hãy chọn hộ hoặc khu dân cư được khen."))
    if not access.can_approve_above(user, owner_area) and not access.can_edit_area(
        user, owner_area
    ):
        raise PermissionDenied(_("Bạn không có quyền ghi khen thưởng ở đây."))
    first_year, last_year = check_year(first_year), check_year(last_year)
    if first_year > last_year:
        raise ValidationError(_("Năm đầu phải trước năm cuối của chuỗi năm được khen."))
    overlapping = StreakReward.objects.filter(
        household=household, area=area if household is None else None
    ).filter(first_year__lte=last_year, last_year__gte=first_year)
    if overlapping.exists():
        raise ValidationError(_("Những năm này đã được khen thưởng; một năm không tính hai lần."))
    number = nfc(number or "").strip()
    if not number:
        raise ValidationError(_("Hãy ghi số quyết định khen thưởng."))
    _check_date(decided_on, _("ngày quyết định"))
    reward = StreakReward.objects.create(
        household=household,
        area=area if household is None else None,
        first_year=first_year,
        last_year=last_year,
        decision_number=number[:60],
        decision_on=decided_on,
        by=user,
    )
    _log(
        "streak.reward",
        user,
        owner_area,
        reward,
        _("Khen thưởng %(first)s–%(last)s, quyết định %(number)s")
        % {"first": first_year, "last": last_year, "number": number},
    )
    return reward
