"""Pages of the year-end evaluation of cultured families, the residential areas' titles
and the streaks.

Every page first finds the area or unit inside the user's scope (anything else is "not
found"); writes go through the services, whose Vietnamese refusals come back on the page
with nothing written: each action runs in one transaction, so even the evaluation row a
refused first action would have opened is rolled back.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Collate
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doanket.accounts import access as account_access
from doanket.core.apps import VI_COLLATION
from doanket.core.decorators import login_required_htmx
from doanket.households import access, documents, services
from doanket.households.criteria import (
    FAMILY_CRITERIA,
    FAMILY_GROUPS,
)
from doanket.households.models import (
    AreaTitle,
    Evaluation,
    Household,
    HouseholdYear,
    Result,
)
from doanket.households.view_helpers import (
    _date,
    _download,
    _file_name,
    _parent_name,
    _refused,
    _scoped_areas,
    _upload,
    _version,
    _year,
)
from doanket.units.models import Unit

STEPS = (
    (Evaluation.Status.OPEN, gettext_lazy("Đăng ký")),
    (Evaluation.Status.MEETING_HELD, gettext_lazy("Họp bình xét")),
    (Evaluation.Status.POSTED, gettext_lazy("Niêm yết 10 ngày")),
    (Evaluation.Status.PROPOSED, gettext_lazy("Đề nghị")),
    (Evaluation.Status.DECIDED, gettext_lazy("Quyết định")),
)


# The evaluation page ---------------------------------------------------------------


def _evaluation(area: Unit, year: int) -> Evaluation:
    """The year's evaluation, or an unsaved one: looking must not write."""
    return Evaluation.objects.filter(area=area, year=year).first() or Evaluation(
        area=area, year=year
    )


def _year_rows(area: Unit, year: int):
    rows = HouseholdYear.objects.filter(area=area, year=year, present=True, registered=True)
    return rows.select_related("household").order_by(
        Collate("household__head_name", VI_COLLATION), "household_id"
    )


def _ticks_from(post) -> tuple[dict, dict, bool, str]:
    """Criteria, notes, verdict and note from a row's form. The quick button means every
    criterion met; without a chosen verdict, it follows the ticks."""
    quick = post.get("quick") == "achieved"
    criteria = {code: quick or post.get(f"c_{code}") == "1" for code in FAMILY_CRITERIA}
    notes = {code: post.get(f"n_{code}", "") for code in FAMILY_CRITERIA}
    verdict = post.get("achieved")
    if quick:
        achieved = True
    elif verdict in ("1", "0"):
        achieved = verdict == "1"
    else:
        achieved = all(criteria.values())
    return criteria, notes, achieved, post.get("note", "")


def _row(year_row: HouseholdYear, *, posted=None, error: str = "") -> dict:
    """One household's line: its ticks grouped I, II, III. A household not yet marked
    shows every criterion met, the usual case, so one click records it."""
    if posted is not None:
        ticks, notes, achieved, note = _ticks_from(posted)
    elif year_row.result:
        ticks, notes = year_row.criteria or {}, year_row.criteria_notes or {}
        achieved, note = year_row.result == Result.ACHIEVED, year_row.result_note
    else:
        ticks, notes, achieved, note = dict.fromkeys(FAMILY_CRITERIA, True), {}, True, ""
    groups = [
        {
            "code": group,
            "name": name,
            "items": [
                {
                    "code": code,
                    "label": label,
                    "ticked": bool(ticks.get(code)),
                    "note": notes.get(code, ""),
                }
                for code, label in items
            ],
        }
        for group, name, items in FAMILY_GROUPS
    ]
    return {
        "year_row": year_row,
        "household": year_row.household,
        "groups": groups,
        "achieved": achieved,
        "note": note,
        "missing": [c for c in FAMILY_CRITERIA if year_row.result and not ticks.get(c)],
        "noted": [(c, notes[c]) for c in FAMILY_CRITERIA if notes.get(c)],
        "error": error,
    }


# "n_" names: an aggregate may not share its name with a field the filters read
_COUNTS = {
    "n_households": Count("pk"),
    "n_registered": Count("pk", filter=Q(registered=True)),
    "n_achieved": Count("pk", filter=Q(registered=True, result=Result.ACHIEVED)),
}


def _count_names(found: dict) -> dict:
    counts = {name.removeprefix("n_"): value for name, value in found.items()}
    counts["rate"] = (
        counts["achieved"] * 100 / counts["registered"] if counts.get("registered") else None
    )
    return counts


def _counts(area: Unit, year: int, evaluation: Evaluation) -> dict:
    found = _count_names(
        HouseholdYear.objects.filter(area=area, year=year, present=True).aggregate(
            **_COUNTS,
            n_not_achieved=Count("pk", filter=Q(registered=True, result=Result.NOT_ACHIEVED)),
            n_official=Count("pk", filter=Q(official=True, result=Result.ACHIEVED)),
        )
    )
    found["unmarked"] = found["registered"] - found["achieved"] - found["not_achieved"]
    found["version"] = evaluation.version
    return found


def _steps(evaluation: Evaluation) -> list[dict]:
    at = [status for status, _label in STEPS].index(evaluation.status)
    decided = evaluation.is_decided
    return [
        {
            "label": label,
            "number": n + 1,
            "done": n < at or decided,
            "current": n == at and not decided,
        }
        for n, (_status, label) in enumerate(STEPS)
    ]


def _page_context(request, area: Unit, year: int, **extra) -> dict:
    evaluation = _evaluation(area, year)
    Status = Evaluation.Status
    can_edit = access.can_edit_area(request.user, area) and not evaluation.is_decided
    is_approver = access.can_approve_above(request.user, area)
    status = evaluation.status
    rows = [_row(r) for r in _year_rows(area, year)]
    ends = services.posting_ends(evaluation)
    today = services.today()
    return {
        "area": area,
        "year": year,
        "evaluation": evaluation,
        "steps": _steps(evaluation),
        "commune_name": _parent_name(area, min(today, datetime.date(year, 12, 31))),
        "rows": rows,
        "counts": _counts(area, year, evaluation),
        "posting_ends": ends,
        "comments_end": ends - datetime.timedelta(days=1) if ends else None,
        "posting_over": ends is not None and today >= ends,
        "comments": evaluation.comments.select_related("household") if evaluation.pk else [],
        "can_edit": can_edit,
        "can_meet": can_edit and status in (Status.OPEN, Status.MEETING_HELD),
        "can_mark": can_edit and status == Status.MEETING_HELD,
        "can_post": can_edit and status == Status.MEETING_HELD,
        "can_comment": can_edit and status == Status.POSTED,
        "can_propose": can_edit and status == Status.POSTED,
        "is_approver": is_approver,
        "can_decide": is_approver and status == Status.PROPOSED,
        "today": today,
        "posted": request.POST if request.method == "POST" else {},
        "years": range(today.year, max(services.FIRST_YEAR, today.year - 5) - 1, -1),
        **extra,
    }


@login_required
def evaluation_detail(request, area_pk, year):
    area = access.access_area(request.user, area_pk)
    year = _year(year)
    return render(request, "households/evaluation.html", _page_context(request, area, year))


def _evaluation_action(request, area_pk, year, act, *, approver: bool = False):
    """Run one step of the evaluation: scope (404), role (403), then the service in one
    transaction; a refusal re-renders the page with its sentence and status 400."""
    area = access.access_area(request.user, area_pk)
    year = _year(year)
    allowed = (
        access.can_approve_above(request.user, area)
        if approver
        else access.can_edit_area(request.user, area)
    )
    if not allowed:
        raise PermissionDenied
    try:
        with transaction.atomic():
            said = act(services.evaluation_for(area, year), area)
    except ValidationError as error:
        _refused(request, error)
        context = _page_context(request, area, year)
        return render(request, "households/evaluation.html", context, status=400)
    messages.success(request, said)
    return redirect("households:eval_detail", area_pk=area.pk, year=year)


@login_required
@require_POST
def evaluation_meeting(request, area_pk, year):
    def act(evaluation, area):
        services.evaluation_hold_meeting(
            user=request.user,
            evaluation=evaluation,
            meeting_on=_date(request, "meeting_on"),
            attendees=request.POST.get("attendees"),
            chaired_by=request.POST.get("chaired_by", ""),
            minutes=_upload(request, "minutes"),
            version=_version(request),
        )
        return _("Đã ghi thông tin cuộc họp bình xét.")

    return _evaluation_action(request, area_pk, year, act)


def _household_of(area: Unit, pk) -> Household | None:
    if not pk:
        return None
    found = Household.objects.filter(area=area, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise ValidationError(_("Hộ được góp ý không thuộc khu dân cư này."))
    return found


@login_required_htmx
@require_POST
def evaluation_mark(request, area_pk, year, household_pk):
    """One household's verdict. With htmx the row comes back in place (with the refusal
    in it, nothing written); without, the page reloads at the row."""
    area = access.access_area(request.user, area_pk)
    year = _year(year)
    household = access.access_household(request.user, household_pk)
    if not access.can_edit_area(request.user, area):
        raise PermissionDenied
    criteria, notes, achieved, note = _ticks_from(request.POST)
    error = ""
    try:
        with transaction.atomic():
            services.evaluation_mark(
                user=request.user,
                evaluation=services.evaluation_for(area, year),
                household=household,
                achieved=achieved,
                criteria=criteria,
                notes=notes,
                note=note,
            )
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
            context = _page_context(request, area, year)
            return render(request, "households/evaluation.html", context, status=400)
        messages.success(request, _("Đã ghi kết quả hộ %(name)s.") % {"name": household})
        url = reverse("households:eval_detail", args=[area.pk, year])
        return redirect(f"{url}#hh-{household.pk}")
    return _row_response(request, area, year, household, error)


def _row_response(request, area, year, household, error):
    year_row = _year_rows(area, year).filter(household=household).first()
    if year_row is None:
        return HttpResponse(
            format_html(
                '<div class="alert alert-danger">{}</div>', error or _("Không tìm thấy hộ.")
            )
        )
    evaluation = _evaluation(area, year)
    context = {
        "area": area,
        "year": year,
        "row": _row(year_row, posted=request.POST if error else None, error=error),
        "can_mark": evaluation.status == Evaluation.Status.MEETING_HELD,
        "counts": _counts(area, year, evaluation),
        "evaluation": evaluation,
        "oob": True,
    }
    return render(request, "households/evaluation_row.html", context)


@login_required
@require_POST
def evaluation_mark_all(request, area_pk, year):
    """Every registered household not yet marked gets "Đạt" with all nine criteria: the
    meeting then only changes the few that are not."""

    def act(evaluation, area):
        left = list(services.unmarked(evaluation).select_related("household"))
        if not left:
            raise ValidationError(_("Không còn hộ nào chưa có kết quả bình xét."))
        for year_row in left:
            services.evaluation_mark(
                user=request.user,
                evaluation=evaluation,
                household=year_row.household,
                achieved=True,
                criteria=dict.fromkeys(FAMILY_CRITERIA, True),
            )
        return _("Đã ghi “Đạt” (đủ 9 tiêu chí) cho %(n)s hộ.") % {"n": len(left)}

    return _evaluation_action(request, area_pk, year, act)


@login_required
@require_POST
def evaluation_post(request, area_pk, year):
    def act(evaluation, area):
        evaluation = services.evaluation_post(
            user=request.user,
            evaluation=evaluation,
            posted_on=_date(request, "posted_on"),
            version=_version(request),
        )
        return _("Đã niêm yết danh sách; nhận góp ý đến hết ngày %(date)s.") % {
            "date": services.posting_ends(evaluation).strftime("%d/%m/%Y")
        }

    return _evaluation_action(request, area_pk, year, act)


@login_required
@require_POST
def evaluation_comment(request, area_pk, year):
    def act(evaluation, area):
        services.evaluation_comment_add(
            user=request.user,
            evaluation=evaluation,
            received_on=_date(request, "received_on"),
            text=request.POST.get("text", ""),
            author=request.POST.get("author", ""),
            household=_household_of(area, request.POST.get("household")),
            response=request.POST.get("response", ""),
        )
        return _("Đã ghi góp ý.")

    return _evaluation_action(request, area_pk, year, act)


@login_required
@require_POST
def evaluation_propose(request, area_pk, year):
    def act(evaluation, area):
        services.evaluation_propose(
            user=request.user,
            evaluation=evaluation,
            proposed_on=_date(request, "proposed_on"),
            version=_version(request),
        )
        return _("Đã gửi đề nghị công nhận lên cấp xã.")

    return _evaluation_action(request, area_pk, year, act)


@login_required
@require_POST
def evaluation_decide(request, area_pk, year):
    def act(evaluation, area):
        services.evaluation_decide(
            user=request.user,
            evaluation=evaluation,
            number=request.POST.get("number", ""),
            decided_on=_date(request, "decided_on"),
            signer=request.POST.get("signer", ""),
            version=_version(request),
        )
        return _("Đã ghi quyết định công nhận; kết quả đã chính thức và được khóa.")

    return _evaluation_action(request, area_pk, year, act, approver=True)


@login_required
def evaluation_minutes(request, area_pk, year):
    area = access.access_area(request.user, area_pk)
    evaluation = Evaluation.objects.filter(area=area, year=_year(year)).first()
    if evaluation is None:
        raise Http404
    return _download(evaluation.minutes, _file_name(_("bien-ban"), area.name, year))


@login_required
def evaluation_document(request, area_pk, year, kind, fmt):
    """The notice-board list or the decision annex, as xlsx or PDF."""
    area = access.access_area(request.user, area_pk)
    evaluation = Evaluation.objects.filter(area=area, year=_year(year)).first()
    if evaluation is None or kind not in documents.KINDS or fmt not in ("xlsx", "pdf"):
        raise Http404
    document = documents.evaluation_document(evaluation, kind)
    if fmt == "xlsx":
        content, content_type = documents.to_xlsx(document), documents.XLSX
    else:
        try:
            content = documents.to_pdf(document)
        except documents.NoFont:
            messages.error(
                request, _("Máy chủ chưa có phông chữ tiếng Việt để xuất PDF; hãy dùng bản Excel.")
            )
            return redirect("households:eval_detail", area_pk=area.pk, year=evaluation.year)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    name = _file_name(documents.KINDS[kind], area.name, evaluation.year)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# The commune's view ----------------------------------------------------------------


def _area_lines(request, areas: list[Unit], year: int) -> list[dict]:
    """Per area: its evaluation, title and counts for the year, and whether the user
    decides there."""
    evaluations = {e.area_id: e for e in Evaluation.objects.filter(area__in=areas, year=year)}
    titles = {
        t.area_id: t
        for t in AreaTitle.objects.filter(area__in=areas, year=year).select_related("decider")
    }
    counts = {
        row.pop("area_id"): _count_names(row)
        for row in HouseholdYear.objects.filter(area__in=areas, year=year, present=True)
        .values("area_id")
        .annotate(**_COUNTS)
    }
    lines = []
    for area in areas:
        evaluation = evaluations.get(area.pk)
        title = titles.get(area.pk)
        deciding = access.can_approve_above(request.user, area)
        lines.append(
            {
                "area": area,
                "evaluation": evaluation,
                "title": title,
                "counts": counts.get(area.pk, {}),
                "awaiting": deciding
                and evaluation is not None
                and evaluation.status == Evaluation.Status.PROPOSED,
                "title_awaiting": deciding
                and title is not None
                and title.status == AreaTitle.Status.PROPOSED,
            }
        )
    return lines


def _totals(lines: list[dict]) -> dict:
    totals = {"households": 0, "registered": 0, "achieved": 0}
    for line in lines:
        for name in totals:
            totals[name] += line["counts"].get(name, 0)
    return totals


@login_required
def evaluation_unit(request, unit_pk, year):
    """A commune's (or any unit's) areas for a year: the approver's inbox of proposals."""
    unit = account_access.access_unit(request.user, unit_pk)
    year = _year(year)
    if unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        return redirect("households:eval_detail", area_pk=unit.pk, year=year)
    lines = _area_lines(request, _scoped_areas(request, unit), year)
    return render(
        request,
        "households/evaluation_unit.html",
        {
            "unit": unit,
            "year": year,
            "lines": lines,
            "awaiting": [line for line in lines if line["awaiting"]],
            "totals": _totals(lines),
            "years": range(services.today().year, services.FIRST_YEAR - 1, -1)[:6],
        },
    )


@login_required
def evaluation_index(request):
    """Where each of the user's units starts: its evaluation page or its areas."""
    today = services.today()
    units = (
        Unit.objects.filter(memberships__user=request.user)
        .distinct()
        .order_by("kind", Collate("name", VI_COLLATION))
    )
    return render(
        request,
        "households/evaluation_index.html",
        {"units": units, "year": today.year, "today": today},
    )
