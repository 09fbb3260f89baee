"""Pages of the yearly poverty review: an area's households with their status of the
year and of the year before, one household's status with its deprivations, the lists of
households that escaped, fell back or are newly poor under any unit, and the standards."""

import datetime
import io
from dataclasses import dataclass, field
from itertools import groupby

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
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from doanket.accounts import access as account_access
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import format_date, parse_date
from doanket.core.lib.money import format_number, parse_vnd
from doanket.core.lib.vn_text import fold, nfc
from doanket.households import access, selectors, services
from doanket.households.counters import poverty_change
from doanket.households.models import (
    Household,
    HouseholdYear,
    Poverty,
    PovertyStandard,
    Zone,
)
from doanket.households.poverty import standard_for
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit

KINDS = ("escaped", "fell_back", "new_poor")
CHANGE_LABELS = {
    "escaped": gettext_lazy("Thoát nghèo"),
    "fell_back": gettext_lazy("Tái nghèo"),
    "new_poor": gettext_lazy("Phát sinh mới"),
}
LIST_TITLES = {
    "escaped": gettext_lazy("Hộ thoát nghèo"),
    "fell_back": gettext_lazy("Hộ tái nghèo"),
    "new_poor": gettext_lazy("Hộ nghèo phát sinh mới"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUSES = [(value, label) for value, label in Poverty.choices if value != Poverty.UNKNOWN]


# Reads shared with the API --------------------------------------------------------


def map_date(unit: Unit, year: int) -> datetime.date:
    """The map a year is read on: the year's last day once it is over, else today. A unit
    that did not exist then (a commune formed on 01/07/2025 asked about 2024) is read on
    today's map, and one that has ended on its last day."""
    today = services.today()
    for day in (min(datetime.date(year, 12, 31), today), today):
        if unit.is_valid_on(day):
            return day
    return unit.valid_to


def areas_of(user, unit: Unit, year: int) -> QuerySet[Unit]:
    """The residential areas under `unit` (or the area itself) that the user may see."""
    if unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        below = Unit.objects.filter(pk=unit.pk)
    else:
        below = selectors.areas_below(unit, map_date(unit, year))
    return below.filter(pk__in=access.areas_for_user(user).values("pk"))


def year_households(areas: QuerySet[Unit], year: int) -> QuerySet[Household]:
    """Households counted in the areas for the year: those whose row of the year lies
    there and, for the current year, those living there whose year is not opened yet
    (saving a status opens it)."""
    counted = Q(
        pk__in=HouseholdYear.objects.filter(area__in=areas, year=year, present=True).values(
            "household_id"
        )
    )
    if year == services.today().year:
        opened = HouseholdYear.objects.filter(year=year, household__area__in=areas).values(
            "household_id"
        )
        living = Q(area__in=areas, gone_on__isnull=True) & ~Q(pk__in=opened)
        counted |= living
    return Household.objects.filter(counted)


def year_rows(households, year: int) -> dict[int, HouseholdYear]:
    rows = HouseholdYear.objects.filter(household__in=households, year=year)
    return {row.household_id: row for row in rows.select_related("standard")}


@dataclass
class Line:
    """One household on the area page: its row of the year (None before it is opened),
    last year's status and how the two compare."""

    household: Household
    row: HouseholdYear | None
    previous: str
    change: str
    previous_label: str = ""
    change_label: str = ""
    deprivations: list[str] = field(default_factory=list)


def _history(households, year: int) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    for hid, y, status in HouseholdYear.objects.filter(
        household__in=households, year__lte=year
    ).values_list("household_id", "year", "poverty"):
        found.setdefault(hid, {})[y] = status
    return found


def poverty_lines(households: QuerySet[Household], year: int) -> list[Line]:
    """Each household with the status of the year, the year before and the change, in
    three queries whatever the number of households."""
    households = households.select_related("area").order_by(
        Collate("head_name", VI_COLLATION), "id"
    )
    rows = year_rows(households, year)
    history = _history(households, year)
    lines = []
    for household in households:
        statuses = history.get(household.pk, {})
        row = rows.get(household.pk)
        previous = statuses.get(year - 1, "")
        poor_before = any(s == Poverty.POOR for y, s in statuses.items() if y < year - 1)
        change = poverty_change(row.poverty if row else "", previous, poor_before)
        lines.append(
            Line(
                household=household,
                row=row,
                previous=previous,
                change=change,
                previous_label=str(Poverty(previous).label) if previous else "",
                change_label=str(CHANGE_LABELS.get(change, "")),
                deprivations=list(row.deprivations) if row else [],
            )
        )
    return lines


def poverty_support(household: Household, year: int) -> list:
    """What the household received in the year from the For-the-Poor fund (houses,
    livelihood, health insurance, scholarships, gifts), each item with `on` (a date),
    `label` and `amount` (whole đồng). A disbursement later cancelled by a reversal was
    never received: it is left out, whenever the reversal was posted."""
    from doanket.fund.models import Posting

    paid = (
        Posting.objects.filter(
            household=household,
            kind=Posting.Kind.DISBURSEMENT,
            date__year=year,
            reversed_by__isnull=True,
        )
        .select_related("fund")
        .order_by("date", "id")
    )
    items = []
    for posting in paid:
        label = f"{posting.get_category_display()} · {posting.fund.name}"
        if posting.decision_number:
            label += " · " + _("QĐ số %(number)s") % {"number": posting.decision_number}
        items.append({"on": posting.date, "label": label, "amount": posting.amount})
    return items


# Input -----------------------------------------------------------------------------


def poverty_input(data) -> dict:
    """The typed status form as the service takes it: income "1.500.000" in đồng, the
    decision date as dd/mm/yyyy, the ticked deprivation codes."""
    income_text = nfc(str(data.get("income") or "")).strip()
    income = None
    if income_text:
        try:
            income = parse_vnd(income_text)
        except ValueError as error:
            raise ValidationError(_("Thu nhập bình quân: %(reason)s") % {"reason": error}) from None
    date_text = nfc(str(data.get("decided_on") or "")).strip()
    decided_on = None
    if date_text:
        try:
            decided_on = parse_date(date_text)
        except ValueError as error:
            raise ValidationError(_("Ngày quyết định: %(reason)s") % {"reason": error}) from None
    codes = data.getlist("deprivations") if hasattr(data, "getlist") else data.get("deprivations")
    return {
        "status": str(data.get("status") or ""),
        "zone": str(data.get("zone") or ""),
        "income": income,
        "deprivations": [nfc(str(code)).strip() for code in codes or () if str(code).strip()],
        "decision": nfc(str(data.get("decision") or "")).strip(),
        "decided_on": decided_on,
    }


# Pages -----------------------------------------------------------------------------


def _year_error(year: int) -> str:
    """Why a year cannot be reviewed at all (not come yet, too far back), or ""."""
    try:
        services.check_year(year)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _standard(year: int) -> tuple[PovertyStandard | None, str]:
    """The year's standard, or the sentence saying none is declared for it."""
    try:
        return standard_for(year), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


def _years(today: datetime.date) -> range:
    first = PovertyStandard.objects.order_by("first_year").values_list("first_year", flat=True)
    return range(today.year, min(first.first() or today.year, today.year) - 1, -1)


@login_required
def poverty_area(request, pk, year):
    area = access.access_area(request.user, pk)
    year_error = _year_error(year)
    standard, standard_error = _standard(year)
    query = nfc(request.GET.get("q") or "").strip()[:100]
    lines = []
    if not year_error:
        households = year_households(Unit.objects.filter(pk=area.pk), year)
        if query:
            households = selectors.household_search(households, query)
        lines = poverty_lines(households, year)
    statuses = {value: 0 for value, _label in Poverty.choices}
    for line in lines:
        statuses[line.row.poverty if line.row else Poverty.UNKNOWN] += 1
    changes = {kind: sum(1 for line in lines if line.change == kind) for kind in KINDS}
    context = {
        "area": area,
        "year": year,
        "years": _years(services.today()),
        "problem": year_error or standard_error,
        "standard": standard,
        "lines": lines,
        "query": query,
        "status_counts": [(label, statuses[value]) for value, label in Poverty.choices],
        "change_counts": [(kind, CHANGE_LABELS[kind], changes[kind]) for kind in KINDS],
        "can_edit": standard is not None
        and not year_error
        and access.can_edit_area(request.user, area),
    }
    status = 400 if year_error else 200
    return render(request, "households/poverty_area.html", context, status=status)


def _household_of_area(request, area: Unit, year: int, household_pk) -> Household:
    """The household, when the user may see it and it is counted in the area that year."""
    household = access.access_household(request.user, household_pk)
    in_area = year_households(Unit.objects.filter(pk=area.pk), year).filter(pk=household.pk)
    if not in_area.exists() and household.area_id != area.pk:
        raise Http404
    return household


def _groups(standard: PovertyStandard | None) -> list[tuple[str, list]]:
    if standard is None:
        return []
    items = list(standard.deprivations.all())
    return [(service, list(group)) for service, group in groupby(items, key=lambda d: d.service)]


def _typed(row: HouseholdYear | None, area: Unit) -> dict:
    """What the form shows before anything is typed: the saved status, or the defaults."""
    if row is None or not row.poverty:
        return {
            "status": "",
            "zone": services.default_zone(area),
            "income": "",
            "deprivations": [],
            "decision": "",
            "decided_on": "",
        }
    return {
        "status": row.poverty,
        "zone": row.zone or services.default_zone(area),
        "income": "" if row.income is None else format_number(row.income),
        "deprivations": list(row.deprivations),
        "decision": row.poverty_decision,
        "decided_on": format_date(row.poverty_decided_on),
    }


def _posted(post) -> dict:
    return {
        "status": post.get("status", ""),
        "zone": post.get("zone", ""),
        "income": post.get("income", ""),
        "deprivations": post.getlist("deprivations"),
        "decision": post.get("decision", ""),
        "decided_on": post.get("decided_on", ""),
    }


@login_required
def poverty_household(request, pk, year, household_pk):
    """One household's status of the year: readable by anyone who sees the area, saved
    by its editors through the service; a refused save keeps what was typed."""
    area = access.access_area(request.user, pk)
    household = _household_of_area(request, area, year, household_pk)
    can_edit = access.can_edit_area(request.user, household.area)
    typed = None
    errors: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Bạn không có quyền cập nhật hộ gia đình của khu dân cư này."))
        try:
            fields = poverty_input(request.POST)
            services.poverty_set(user=request.user, household=household, year=year, **fields)
        except ValidationError as error:
            errors = error.messages
            typed = _posted(request.POST)
        else:
            messages.success(
                request,
                _("Đã lưu diện hộ năm %(year)s của hộ %(name)s.")
                % {"year": year, "name": household.head_name},
            )
            url = reverse("households:poverty_area", args=[area.pk, year])
            return redirect(f"{url}#h{household.pk}")
    year_error = _year_error(year)
    standard, standard_error = _standard(year)
    line = poverty_lines(Household.objects.filter(pk=household.pk), year)[0]
    problem = year_error or standard_error
    context = {
        "area": area,
        "year": year,
        "household": household,
        "line": line,
        "row": line.row,
        "problem": "" if problem in errors else problem,
        "standard": standard,
        "groups": _groups(standard),
        "statuses": STATUSES,
        "zones": Zone.choices,
        "typed": typed or _typed(line.row, area),
        "errors": errors,
        "can_edit": can_edit and standard is not None and not year_error,
        "support": poverty_support(household, year),
    }
    status = 400 if errors or year_error else 200
    return render(request, "households/poverty_household.html", context, status=status)


def _kind(request) -> str:
    kind = request.GET.get("kind") or KINDS[0]
    return kind if kind in KINDS else KINDS[0]


def _list_rows(unit: Unit, year: int, kind: str, on: datetime.date, user) -> list:
    """The households of a list, with their status of the year before, inside the scope."""
    rows = list(
        selectors.poverty_list(kind, unit, year, on).filter(area__in=access.areas_for_user(user))
    )
    previous = dict(
        HouseholdYear.objects.filter(
            household_id__in=[row.household_id for row in rows], year=year - 1
        ).values_list("household_id", "poverty")
    )
    for row in rows:
        status = previous.get(row.household_id, "")
        row.previous_label = str(Poverty(status).label) if status else ""
    return rows


def _counts(unit: Unit, year: int, on: datetime.date, user) -> tuple[dict, list]:
    """The three counts for the unit and for each child unit the user may see."""
    keys = [f"poverty.{kind}" for kind in KINDS]
    figures = selectors.register_figures(unit, year, on, keys)
    totals = {kind: figures.get(None, {}).get(f"poverty.{kind}") or 0 for kind in KINDS}
    ids = [key for key in figures if key is not None]
    scope = account_access.units_for_user(user).filter(pk__in=ids)
    children = [
        {
            "unit": child,
            "counts": [(kind, figures[child.pk].get(f"poverty.{kind}") or 0) for kind in KINDS],
        }
        for child in unit_selectors.in_vietnamese_order(scope)
        if child.pk != unit.pk
    ]
    return totals, children


@login_required
def poverty_lists(request, pk, year):
    unit = account_access.access_unit(request.user, pk)
    kind = _kind(request)
    try:
        services.check_year(year)
    except ValidationError as error:
        context = {"unit": unit, "year": year, "kind": kind, "problem": " ".join(error.messages)}
        return render(request, "households/poverty_lists.html", context, status=400)
    on = map_date(unit, year)
    totals, children = _counts(unit, year, on, request.user)
    context = {
        "unit": unit,
        "year": year,
        "years": _years(services.today()),
        "on": on,
        "kind": kind,
        "title": LIST_TITLES[kind],
        "tabs": [(k, LIST_TITLES[k], totals[k]) for k in KINDS],
        "rows": _list_rows(unit, year, kind, on, request.user),
        "children": children,
        "child_kinds": [CHANGE_LABELS[k] for k in KINDS],
    }
    return render(request, "households/poverty_lists.html", context)


def _workbook(unit: Unit, year: int, kind: str, rows: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(CHANGE_LABELS[kind])
    bold = Font(name="Times New Roman", size=13, bold=True)
    plain = Font(name="Times New Roman", size=12)
    title = _("DANH SÁCH %(title)s NĂM %(year)s") % {
        "title": str(LIST_TITLES[kind]).upper(),
        "year": year,
    }
    sheet.append([title])
    sheet.append([unit.name])
    sheet.append([])
    header = [
        _("STT"),
        _("Chủ hộ"),
        _("Số hộ"),
        _("Địa chỉ"),
        _("Khu dân cư"),
        _("Diện hộ năm %(year)s") % {"year": year - 1},
        _("Diện hộ năm %(year)s") % {"year": year},
        _("Thu nhập bình quân (đồng/người/tháng)"),
        _("Quyết định"),
    ]
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        decision = " ".join(
            part for part in (row.poverty_decision, format_date(row.poverty_decided_on)) if part
        )
        sheet.append(
            [
                number,
                row.household.head_name,
                row.household.number,
                row.household.address,
                row.area.name,
                row.previous_label,
                str(Poverty(row.poverty).label),
                row.income,
                decision,
            ]
        )
    for line in sheet.iter_rows():
        for cell in line:
            cell.font = plain
    sheet["A1"].font = bold
    for cell in sheet[4]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for letter, width in zip("ABCDEFGHI", (6, 28, 8, 32, 20, 22, 22, 18, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    for (cell,) in sheet.iter_rows(min_row=5, min_col=8, max_col=8):
        cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
def poverty_lists_xlsx(request, pk, year):
    unit = account_access.access_unit(request.user, pk)
    kind = _kind(request)
    try:
        services.check_year(year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("households:poverty_lists", pk=unit.pk, year=services.today().year)
    rows = _list_rows(unit, year, kind, map_date(unit, year), request.user)
    name = "_".join(slugify(fold(part)) or "x" for part in (kind, unit.name, str(year)))
    response = HttpResponse(_workbook(unit, year, kind, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def poverty_standards(request):
    standards = [
        {"standard": standard, "groups": _groups(standard)}
        for standard in PovertyStandard.objects.prefetch_related("deprivations")
    ]
    return render(
        request,
        "households/poverty_standards.html",
        {"standards": standards, "this_year": services.today().year},
    )
