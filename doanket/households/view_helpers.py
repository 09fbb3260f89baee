"""Pieces the evaluation, title and streak pages share: years, dates, versions, uploads,
refusals, downloads and the areas of a unit in scope."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from doanket.core.lib.dates import parse_date
from doanket.core.lib.vn_text import fold
from doanket.households import access, selectors, services
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit

MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_TYPES = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")
MAX_STREAK_YEARS = 30

# Shared pieces ---------------------------------------------------------------------


def _year(year: int) -> int:
    """Years the registers hold: from the first recorded year to this one."""
    if not services.FIRST_YEAR <= year <= services.today().year:
        raise Http404
    return year


def _map_date(unit: Unit) -> datetime.date:
    """The map a unit's areas are listed on: today's, or the last day of a unit that
    ended (a district of the old map still lists the areas it had)."""
    return min(services.today(), unit.valid_to)


def _date(request, name: str) -> datetime.date | None:
    """A posted dd/mm/yyyy date; empty gives None so that the service names what is
    missing; a bad one is refused with the parser's sentence."""
    text = (request.POST.get(name) or "").strip()
    if not text:
        return None
    if len(text) > 20:
        raise ValidationError(_("Ngày quá dài; hãy nhập theo dạng dd/mm/yyyy."))
    try:
        return parse_date(text)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _version(request) -> int | None:
    """The evaluation's version the page was drawn from; garbage counts as stale."""
    text = request.POST.get("version") or ""
    if not text:
        return None
    return int(text) if text.isdigit() else -1


def _upload(request, name: str):
    """An uploaded file within the size and types the registers keep, or None."""
    upload = request.FILES.get(name)
    if upload is None:
        return None
    if upload.size > MAX_UPLOAD:
        raise ValidationError(_("Tệp lớn hơn 20 MB. Hãy nén hoặc chia nhỏ tệp rồi tải lên lại."))
    if not upload.name.lower().endswith(UPLOAD_TYPES):
        raise ValidationError(_("Chỉ nhận tệp PDF, Word (.doc, .docx) hoặc ảnh (JPG, PNG)."))
    return upload


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _download(field_file, name: str) -> FileResponse:
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = field_file.name.rsplit(".", 1)[-1].lower() if "." in field_file.name else "bin"
    return FileResponse(handle, as_attachment=True, filename=f"{name}.{extension}")


def _file_name(*parts) -> str:
    return "_".join(slugify(fold(str(part))) or "x" for part in parts)


def _parent_name(area: Unit, on: datetime.date) -> str:
    link = unit_selectors.unit_link_on(unit=area, on=on)
    return link.parent.name if link and link.parent else ""


def _scoped_areas(request, unit: Unit) -> list[Unit]:
    """The residential areas under `unit` (or the area itself) the user may see, in
    Vietnamese order."""
    areas = selectors.areas_below(unit, _map_date(unit)).filter(
        pk__in=access.areas_for_user(request.user).values("pk")
    )
    return list(unit_selectors.in_vietnamese_order(areas))
