"""What every household write shares: today, years and dates, who may write, the history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.audit import audit_record
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import nfc
from doanket.households import access
from doanket.units.models import Unit

FIRST_YEAR = 2000


POSTING_DAYS = 10


MAX_MEMBERS = 50


def today() -> datetime.date:
    return timezone.localdate()


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("Năm không hợp lệ: hãy ghi năm bằng 4 chữ số.")) from None
    if year > today().year:
        raise ValidationError(
            _("Năm %(year)s chưa đến: chỉ ghi nhận cho năm nay (%(now)s) hoặc các năm trước.")
            % {"year": year, "now": today().year}
        )
    if year < FIRST_YEAR:
        raise ValidationError(_("Năm %(year)s quá xa, không ghi nhận.") % {"year": year})
    return year


def _check_date(value: datetime.date, what: str) -> None:
    if value is None:
        raise ValidationError(_("Hãy ghi %(what)s (dd/mm/yyyy).") % {"what": what})
    if value > today():
        raise ValidationError(
            _("%(what)s %(date)s chưa đến: không ghi nhận ngày trong tương lai.")
            % {"what": what.capitalize(), "date": format_date(value)}
        )


def _require_editor(user: User, area: Unit) -> None:
    if not access.can_edit_area(user, area):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hộ gia đình của khu dân cư này."))


def _require_area(unit: Unit) -> None:
    if unit.kind != Unit.Kind.RESIDENTIAL_AREA:
        raise ValidationError(_("Hộ gia đình chỉ thuộc khu dân cư (thôn, tổ dân phố)."))


def _log(action: str, user: User, area: Unit, obj, summary: str, before=None, after=None):
    audit_record(
        action=action, actor=user, unit=area, obj=obj, summary=summary, before=before, after=after
    )


def clean_criteria(criteria: dict, codes: list[str]) -> dict[str, bool]:
    unknown = set(criteria) - set(codes)
    if unknown:
        raise ValidationError(
            _("Tiêu chí không có trong danh mục: %(codes)s.")
            % {"codes": ", ".join(sorted(unknown))}
        )
    return {code: bool(criteria.get(code)) for code in codes}


def _decision_fields(number: str, decided_on, signer: str) -> tuple[str, str]:
    number = nfc(number or "").strip()
    signer = nfc(signer or "").strip()
    if not number:
        raise ValidationError(_("Hãy ghi số quyết định (ví dụ 125/QĐ-UBND)."))
    if not signer:
        raise ValidationError(_("Hãy ghi người ký quyết định."))
    _check_date(decided_on, _("ngày quyết định"))
    return number[:60], signer[:200]
