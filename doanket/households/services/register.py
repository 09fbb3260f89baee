"""Writes on the list of households: add, edit, move, depart, open a year, register."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import nfc
from doanket.households.counters import counted
from doanket.households.models import (
    Evaluation,
    Household,
    HouseholdMove,
    HouseholdYear,
    Zone,
)
from doanket.households.services.common import (
    MAX_MEMBERS,
    _check_date,
    _log,
    _require_area,
    _require_editor,
    check_year,
    today,
)
from doanket.households.services.evaluation import _open_evaluation
from doanket.units.models import Unit, UnitLink, valid_on


def household_fields(data: dict) -> dict:
    """Cleaned household fields, refused with a sentence naming what is wrong."""
    head = nfc(str(data.get("head_name") or "")).strip()
    if not head:
        raise ValidationError({"head_name": _("Hãy ghi họ tên chủ hộ.")})
    if len(head) > 200:
        raise ValidationError({"head_name": _("Họ tên chủ hộ dài quá 200 ký tự.")})
    members = data.get("members")
    if members in (None, ""):
        members = 1
    try:
        members = int(members)
    except (TypeError, ValueError):
        raise ValidationError({"members": _("Số nhân khẩu phải là số nguyên.")}) from None
    if not 1 <= members <= MAX_MEMBERS:
        raise ValidationError(
            {"members": _("Số nhân khẩu phải từ 1 đến %(max)s.") % {"max": MAX_MEMBERS}}
        )
    typed_phone = str(data.get("phone") or "")
    if any(ch.isalpha() for ch in typed_phone):
        raise ValidationError({"phone": _("Số điện thoại chỉ gồm chữ số (ví dụ 0912 345 678).")})
    phone = "".join(ch for ch in typed_phone if ch.isdigit() or ch == "+")
    if phone and not 8 <= len(phone.lstrip("+")) <= 12:
        raise ValidationError({"phone": _("Số điện thoại phải có 8 đến 12 chữ số.")})
    return {
        "head_name": head,
        "number": nfc(str(data.get("number") or "")).strip()[:30],
        "address": nfc(str(data.get("address") or "")).strip()[:300],
        "members": members,
        "phone": phone,
        "notes": nfc(str(data.get("notes") or "")).strip(),
    }


def _duplicate(area: Unit, fields: dict, exclude: int | None = None) -> Household | None:
    key = Household.key_for(fields["head_name"], fields["address"], fields["number"])
    found = Household.objects.filter(area=area, match_key=key, gone_on__isnull=True)
    if exclude:
        found = found.exclude(pk=exclude)
    return found.first()


@transaction.atomic
def household_create(*, user: User, area: Unit, data: dict, year: int | None = None) -> Household:
    _require_area(area)
    _require_editor(user, area)
    fields = household_fields(data)
    if _duplicate(area, fields):
        raise ValidationError(
            _("Khu dân cư đã có hộ “%(name)s” cùng địa chỉ (hoặc cùng số hộ).")
            % {"name": fields["head_name"]}
        )
    year = check_year(year or today().year)
    household = Household.objects.create(area=area, **fields)
    with counted([household.pk]):
        HouseholdYear.objects.create(household=household, year=year, area=area)
    _log("household.create", user, area, household, _("Thêm hộ %s") % household.head_name)
    return household


@transaction.atomic
def household_update(*, user: User, household: Household, data: dict) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    fields = household_fields(data)
    if _duplicate(household.area, fields, exclude=household.pk):
        raise ValidationError(_("Khu dân cư đã có một hộ khác cùng tên chủ hộ và địa chỉ."))
    before = {name: getattr(household, name) for name in fields}
    for name, value in fields.items():
        setattr(household, name, value)
    household.save()
    changed = {k: v for k, v in fields.items() if before[k] != v}
    if changed:
        _log(
            "household.update",
            user,
            household.area,
            household,
            _("Sửa thông tin hộ %s") % household.head_name,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return household


@transaction.atomic
def household_move(
    *, user: User, household: Household, to_area: Unit, date: datetime.date, reason: str = ""
) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_area(to_area)
    _require_editor(user, household.area)
    _require_editor(user, to_area)
    _check_date(date, _("ngày chuyển"))
    if to_area.pk == household.area_id:
        raise ValidationError(_("Hộ đã ở khu dân cư này."))
    if household.gone_on:
        raise ValidationError(_("Hộ đã chuyển đi hoặc không còn, không chuyển khu được."))
    evaluated = HouseholdYear.objects.filter(household=household, year__gte=date.year).exclude(
        result=""
    )
    if evaluated.exists():
        raise ValidationError(
            _(
                "Hộ đã được bình xét năm %(year)s ở khu dân cư hiện tại; chỉ chuyển khu từ "
                "năm sau (ghi ngày chuyển từ 01/01/%(next)s)."
            )
            % {"year": date.year, "next": date.year + 1}
        )
    last_move = household.moves.order_by("-date").values_list("date", flat=True).first()
    first_year = household.years.order_by("year").values_list("year", flat=True).first()
    earliest = max(
        filter(None, [last_move, datetime.date(first_year, 1, 1) if first_year else None]),
        default=None,
    )
    if earliest and date < earliest:
        raise ValidationError(
            _("Ngày chuyển phải từ %(date)s trở đi (hộ ở khu hiện tại từ ngày đó).")
            % {"date": format_date(earliest)}
        )
    from_area = household.area
    with counted([household.pk]):
        HouseholdYear.objects.filter(household=household, year__gte=date.year).update(area=to_area)
        household.area = to_area
        household.save()
    HouseholdMove.objects.create(
        household=household,
        from_area=from_area,
        to_area=to_area,
        date=date,
        reason=nfc(reason)[:300],
        by=user,
    )
    _log(
        "household.move",
        user,
        from_area,
        household,
        _("Chuyển hộ %(name)s từ %(from)s sang %(to)s")
        % {"name": household.head_name, "from": from_area.name, "to": to_area.name},
    )
    return household


@transaction.atomic
def household_gone(
    *, user: User, household: Household, date: datetime.date, reason: str
) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    _check_date(date, _("ngày"))
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do (chuyển đi nơi khác, tách hộ, không còn …)."))
    if household.gone_on:
        raise ValidationError(_("Hộ đã được đánh dấu không còn từ trước."))
    with counted([household.pk]):
        # The year it left still counts it; later years do not.
        HouseholdYear.objects.filter(household=household, year__gt=date.year).update(present=False)
        household.gone_on = date
        household.gone_reason = reason[:300]
        household.save()
    _log(
        "household.gone",
        user,
        household.area,
        household,
        _("Hộ %(name)s không còn ở khu từ %(date)s: %(reason)s")
        % {"name": household.head_name, "date": format_date(date), "reason": reason},
    )
    return household


def year_rows_ensure(area: Unit, year: int) -> int:
    """Open the year for an area: every household living there gets its row. Returns how
    many were added. Runs inside the caller's transaction."""
    have = HouseholdYear.objects.filter(year=year, household__area=area).values("household_id")
    missing = list(
        Household.objects.filter(area=area, gone_on__isnull=True)
        .exclude(pk__in=have)
        .values_list("pk", flat=True)
    )
    if not missing:
        return 0
    with counted(missing):
        HouseholdYear.objects.bulk_create(
            [HouseholdYear(household_id=pk, year=year, area=area) for pk in missing],
            batch_size=2000,
        )
    return len(missing)


@transaction.atomic
def registration_set(
    *, user: User, area: Unit, year, registered: set[int], on: datetime.date | None = None
) -> int:
    """Record which households of the area registered for "Gia đình văn hóa" this year
    (the ticked list). Returns how many changed."""
    _require_area(area)
    _require_editor(user, area)
    year = check_year(year)
    evaluation = _open_evaluation(area, year)
    if evaluation.status != Evaluation.Status.OPEN:
        raise ValidationError(
            _("Khu dân cư đã họp bình xét năm %(year)s: danh sách đăng ký không sửa được nữa.")
            % {"year": year}
        )
    year_rows_ensure(area, year)
    # A household that has left keeps what was recorded for it; it is not changed now.
    rows = HouseholdYear.objects.filter(
        area=area, year=year, present=True, household__gone_on__isnull=True
    )
    known = set(rows.values_list("household_id", flat=True))
    left = HouseholdYear.objects.filter(
        area=area, year=year, present=True, household__gone_on__isnull=False
    ).values_list("household_id", flat=True)
    registered = set(registered) - set(left)
    strangers = registered - known
    if strangers:
        raise ValidationError(
            _("Có %(n)s hộ không thuộc khu dân cư này trong năm %(year)s.")
            % {"n": len(strangers), "year": year}
        )
    changing = list(
        rows.exclude(registered=True, household_id__in=registered)
        .exclude(registered=False, household_id__in=known - set(registered))
        .values_list("household_id", flat=True)
    )
    if not changing:
        return 0
    on = on or today()
    with counted(changing):
        rows.filter(household_id__in=registered).update(registered=True, registered_on=on)
        rows.exclude(household_id__in=registered).update(registered=False, registered_on=None)
    _log(
        "households.register",
        user,
        area,
        evaluation,
        _("Đăng ký gia đình văn hóa năm %(year)s: %(n)s hộ") % {"year": year, "n": len(registered)},
    )
    return len(changing)


def default_zone(area: Unit) -> str:
    """Urban for areas of a ward or township (phường, thị trấn), else rural."""
    link = UnitLink.objects.filter(valid_on(today()), child=area).select_related("parent").first()
    name = (link.parent.name if link and link.parent else "").lower()
    return Zone.URBAN if name.startswith(("phường", "thị trấn")) else Zone.RURAL
