"""Pages of the household registers: the entry page, an area's list for a year with its
export, one household with its years and history, the early-year registration for
"Gia đình văn hóa", and the drill-down from a report figure to the households behind it.

Names never leave the scope: every list starts from `access`, and the drill-down, which
any viewer of a unit may open, shows a name only where the user's roles reach the area.
"""

import datetime
import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import fold, vi_natural_key
from doanket.core.models import AuditEvent
from doanket.households import access, selectors, services
from doanket.households.criteria import family_criterion_label
from doanket.households.models import (
    AreaYearCount,
    Deprivation,
    Evaluation,
    Household,
    HouseholdYear,
)
from doanket.households.register_forms import (
    GoneForm,
    HouseholdForm,
    MoveForm,
    RegistrationForm,
    SearchForm,
)
from doanket.units.models import Unit, UnitLink
from doanket.units.selectors import in_vietnamese_order

SEARCH_LIMIT = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Shared pieces --------------------------------------------------------------------


def _refused(request, message: str, back: str | None = None):
    return render(
        request, "households/register_error.html", {"message": message, "back": back}, status=400
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _require_editor(user, area: Unit) -> None:
    """A reader may see the page but not change it: the page exists, the write does not."""
    if not access.can_edit_area(user, area):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hộ gia đình của khu dân cư này."))


def _area_url(area: Unit, year: int) -> str:
    return f"{reverse('households:area', args=[area.pk])}?year={year}"


# The area's list for a year ------------------------------------------------------------


@dataclass
class Row:
    household: Household
    year: HouseholdYear | None

    @property
    def gone(self) -> bool:
        return self.year is not None and not self.year.present


def _listed(area: Unit, year: int) -> QuerySet[Household]:
    """The households an area's list holds for a year: those counted there that year, and
    for the current year also those living there whose year is not opened yet."""
    listed = Q(pk__in=HouseholdYear.objects.filter(area=area, year=year).values("household_id"))
    if year == services.today().year:
        opened = HouseholdYear.objects.filter(year=year, household__area=area)
        listed |= Q(area=area) & ~Q(pk__in=opened.values("household_id"))
    return Household.objects.filter(listed)


def _area_rows(area: Unit, year: int, text: str = "") -> tuple[list[Row], list[Row]]:
    """(living there, gone): a household gone during the year or before it is listed apart.
    The list follows the area's numbering, and the names where there is none."""
    households = _listed(area, year)
    if text:
        households = selectors.household_search(households, text)
    years = {
        row.household_id: row
        for row in HouseholdYear.objects.filter(year=year, household__in=households)
    }
    present, gone = [], []
    ordered = households.order_by(
        Collate("number", VI_COLLATION), Collate("head_name", VI_COLLATION), "pk"
    )
    for household in ordered:
        row = Row(household, years.get(household.pk))
        left = household.gone_on is not None and household.gone_on.year <= year
        (gone if left or row.gone else present).append(row)
    return present, gone


def _page_year(request) -> int:
    return services.check_year(request.GET.get("year") or services.today().year)


@login_required
def area_page(request, pk):
    area = access.access_area(request.user, pk)
    try:
        year = _page_year(request)
    except ValidationError as error:
        return _refused(request, error.messages[0], reverse("households:index"))
    can_edit = access.can_edit_area(request.user, area)
    form = HouseholdForm(initial={"members": 1})
    if request.method == "POST":
        _require_editor(request.user, area)
        form = HouseholdForm(request.POST)
        if form.is_valid():
            try:
                household = services.household_create(
                    user=request.user, area=area, data=form.cleaned_data, year=year
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Đã thêm hộ %(name)s.") % {"name": household.head_name})
                return redirect(_area_url(area, year))
    search = SearchForm(request.GET or None)
    present, gone = _area_rows(area, year, search.text())
    this_year = services.today().year
    return render(
        request,
        "households/register_area.html",
        {
            "area": area,
            "year": year,
            "years": range(this_year, min(year, this_year - 5) - 1, -1),
            "search": search,
            "query": search.text(),
            "present": present,
            "gone": gone,
            "counts": AreaYearCount.objects.filter(area=area, year=year).first(),
            "can_edit": can_edit,
            "form": form,
            "links": {
                "evaluation": reverse("households:eval_detail", args=[area.pk, year]),
                "poverty": reverse("households:poverty_area", args=[area.pk, year]),
            },
        },
        status=400 if form.errors else 200,
    )


def _area_workbook(area: Unit, year: int, present: list[Row], gone: list[Row]) -> bytes:
    """The list as the page shows it to this user, nothing more."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Danh sách hộ")
    sheet.append(
        [
            _("DANH SÁCH HỘ GIA ĐÌNH %(area)s NĂM %(year)s")
            % {"area": area.name.upper(), "year": year}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Xuất ngày %(date)s") % {"date": format_date(services.today())}])
    sheet.append([])
    sheet.append(
        [
            _("STT"),
            _("Số hộ"),
            _("Chủ hộ"),
            _("Địa chỉ"),
            _("Số nhân khẩu"),
            _("Điện thoại"),
            _("Đăng ký gia đình văn hóa"),
            _("Kết quả bình xét"),
            _("Diện hộ"),
            _("Tình trạng"),
            _("Ghi chú"),
        ]
    )
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for n, row in enumerate([*present, *gone], start=1):
        household, year_row = row.household, row.year
        if household.gone_on:
            status = _("Không còn ở khu từ %(date)s: %(reason)s") % {
                "date": format_date(household.gone_on),
                "reason": household.gone_reason,
            }
        else:
            status = _("Đang ở khu")
        sheet.append(
            [
                n,
                household.number,
                household.head_name,
                household.address,
                household.members,
                household.phone,
                _("Có") if year_row and year_row.registered else "",
                year_row.get_result_display() if year_row and year_row.result else "",
                year_row.get_poverty_display() if year_row and year_row.poverty else "",
                status,
                household.notes,
            ]
        )
    widths = (6, 8, 28, 32, 10, 14, 14, 16, 28, 30, 30)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


@login_required
def area_xlsx(request, pk):
    area = access.access_area(request.user, pk)
    try:
        year = _page_year(request)
    except ValidationError as error:
        return _refused(request, error.messages[0], reverse("households:index"))
    present, gone = _area_rows(area, year, SearchForm(request.GET or None).text())
    response = HttpResponse(_area_workbook(area, year, present, gone), content_type=XLSX)
    name = f"danh-sach-ho_{slugify(fold(area.name)) or area.pk}_{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Registration for "Gia đình văn hóa" ------------------------------------------------


@login_required
def registration(request, pk, year):
    area = access.access_area(request.user, pk)
    try:
        year = services.check_year(year)
    except ValidationError as error:
        return _refused(request, error.messages[0], reverse("households:area", args=[area.pk]))
    can_edit = access.can_edit_area(request.user, area)
    evaluation = Evaluation.objects.filter(area=area, year=year).first()
    closed = evaluation is not None and evaluation.status != Evaluation.Status.OPEN
    ticked = None
    status = 200
    if request.method == "POST":
        _require_editor(request.user, area)
        form = RegistrationForm(request.POST)
        if form.is_valid():
            ticked = form.cleaned_data["registered"]
            try:
                changed = services.registration_set(
                    user=request.user, area=area, year=year, registered=ticked
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Đã lưu danh sách đăng ký năm %(year)s: %(n)s hộ đăng ký, "
                        "%(changed)s hộ thay đổi."
                    )
                    % {"year": year, "n": len(ticked), "changed": changed},
                )
                return redirect("households:register", pk=area.pk, year=year)
        else:
            for message in form.errors.get("registered", []):
                messages.error(request, message)
            status = 400
    present, gone = _area_rows(area, year)
    # A household that left during the year still counts that year, so it keeps its tick.
    rows = present + [row for row in gone if row.year is not None and row.year.present]
    if ticked is None:
        ticked = {row.household.pk for row in rows if row.year and row.year.registered}
    return render(
        request,
        "households/register_registration.html",
        {
            "area": area,
            "year": year,
            "rows": rows,
            "ticked": ticked,
            "closed": closed,
            "closed_message": _(
                "Khu dân cư đã họp bình xét năm %(year)s: danh sách đăng ký không sửa được nữa."
            )
            % {"year": year},
            "can_edit": can_edit and not closed,
        },
        status=status,
    )


# One household --------------------------------------------------------------------


def _edit(request, household: Household):
    form = HouseholdForm(request.POST)
    if form.is_valid():
        try:
            services.household_update(
                user=request.user, household=household, data=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin hộ."))
            return None
    return form


def _move(request, household: Household):
    form = MoveForm(request.POST, user=request.user, household=household, auto_id="move_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.household_move(
                user=request.user,
                household=household,
                to_area=data["to_area"],
                date=data["date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Đã chuyển hộ sang %(area)s.") % {"area": data["to_area"].name}
            )
            return None
    return form


def _gone(request, household: Household):
    form = GoneForm(request.POST, auto_id="gone_%s")
    if form.is_valid():
        try:
            services.household_gone(
                user=request.user,
                household=household,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận hộ không còn ở khu."))
            return None
    return form


ACTIONS = {"edit": _edit, "move": _move, "gone": _gone}


def _years(household: Household) -> list[dict]:
    """Each year with its criteria and deprivations spelled out, newest first."""
    rows = list(household.years.select_related("area", "standard", "evaluation").order_by("-year"))
    names = {
        (d.standard_id, d.code): d.name
        for d in Deprivation.objects.filter(standard_id__in={r.standard_id for r in rows})
    }
    return [
        {
            "row": row,
            "criteria": [
                (code, family_criterion_label(code), met, row.criteria_notes.get(code, ""))
                for code, met in row.criteria.items()
            ],
            "deprivations": [names.get((row.standard_id, code), code) for code in row.deprivations],
        }
        for row in rows
    ]


def _history(household: Household, year_ids: list[int]) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(
            Q(object_type="households.household", object_id=str(household.pk))
            | Q(object_type="households.householdyear", object_id__in=[str(i) for i in year_ids])
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def household_support(household: Household) -> list[dict]:
    """Everything the household received from the For-the-Poor fund, newest year first."""
    from doanket.households.poverty_views import poverty_support

    years = household.fund_postings.dates("date", "year", order="DESC")
    return [item for year in years for item in poverty_support(household, year.year)]


@login_required
def household_page(request, pk):
    household = access.access_household(request.user, pk)
    can_edit = access.can_edit_area(request.user, household.area)
    forms = {
        "edit": HouseholdForm(initial=HouseholdForm.initial_for(household)),
        "move": MoveForm(user=request.user, household=household, auto_id="move_%s"),
        "gone": GoneForm(auto_id="gone_%s"),
    }
    status = 200
    if request.method == "POST":
        _require_editor(request.user, household.area)
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Http404
        refused = ACTIONS[action](request, household)
        if refused is None:
            return redirect("households:household", pk=household.pk)
        forms[action] = refused
        status = 400
        household.refresh_from_db()
    years = _years(household)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "can_edit": can_edit,
            "forms": forms,
            "open_form": request.POST.get("action") if status == 400 else None,
            "years": years,
            "moves": household.moves.select_related("from_area", "to_area", "by").order_by(
                "-date", "-id"
            ),
            "history": _history(household, [y["row"].pk for y in years]),
            "support": household_support(household),
        },
        status=status,
    )


# The entry page ---------------------------------------------------------------------


def _placements(areas: QuerySet[Unit], today: datetime.date) -> dict[int, Unit | None]:
    """Each area's commune: its latest placement begun by today."""
    parents: dict[int, Unit | None] = {}
    links = (
        UnitLink.objects.filter(child__in=areas, valid_from__lte=today)
        .select_related("parent")
        .order_by("valid_from", "id")
    )
    for link in links:
        parents[link.child_id] = link.parent
    return parents


AREAS_SHOWN = 150


def _by_commune(areas: QuerySet[Unit], year: int) -> list[dict]:
    today = services.today()
    parents = _placements(areas, today)
    counts = {c.area_id: c for c in AreaYearCount.objects.filter(area__in=areas, year=year)}
    groups: dict[int | None, dict] = {}
    for area in in_vietnamese_order(areas):
        commune = parents.get(area.pk)
        key = commune.pk if commune else None
        if key not in groups:
            groups[key] = {
                "commune": commune,
                "areas": [],
                "households": 0,
                "registered": 0,
                "evaluation": reverse("households:eval_unit", args=[commune.pk, year])
                if commune
                else None,
                "poverty": reverse("households:poverty_lists", args=[commune.pk, year])
                if commune
                else None,
            }
        group = groups[key]
        count = counts.get(area.pk)
        group["areas"].append({"area": area, "count": count})
        if count:
            group["households"] += count.households
            group["registered"] += count.registered
    return sorted(
        groups.values(),
        key=lambda g: vi_natural_key(g["commune"].name if g["commune"] else "\uffff"),
    )


@login_required
def index(request):
    year = services.today().year
    search = SearchForm(request.GET or None)
    text = search.text()
    results, more = None, False
    if text:
        found = selectors.household_search(access.households_for_user(request.user), text)
        found = in_vietnamese_order(found.select_related("area"), "head_name")
        found = list(found[: SEARCH_LIMIT + 1])
        results, more = found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT
    areas = access.areas_for_user(request.user)
    groups = _by_commune(areas, year)
    # A city-wide scope holds thousands of areas: list the communes, open one at a time.
    opened = request.GET.get("commune", "")
    folded = sum(len(group["areas"]) for group in groups) > AREAS_SHOWN
    for group in groups:
        key = str(group["commune"].pk) if group["commune"] else "-"
        group["key"] = key
        group["open"] = not folded or key == opened
    return render(
        request,
        "households/register_index.html",
        {
            "year": year,
            "groups": groups,
            "folded": folded,
            "search": search,
            "query": text,
            "results": results,
            "more": more,
            "limit": SEARCH_LIMIT,
            "links": {
                "import": reverse("households:import_start"),
                "evaluation": reverse("households:eval_index"),
            },
            "can_edit_any": access.areas_for_user(request.user, access.EDITORS).exists(),
        },
    )
