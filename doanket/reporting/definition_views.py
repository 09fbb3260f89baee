"""Pages where a province administrator defines indicators, report forms and their versions.

Everyone else is answered "not found", on every page and every POST.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanket.reporting import definitions
from doanket.reporting.definition_forms import (
    IndicatorForm,
    ItemAddForm,
    MoveForm,
    NarrativePartFormSet,
    ReportFormForm,
    RuleForm,
    SearchForm,
    SectionForm,
    VersionCreateForm,
    narrative_parts_from,
)
from doanket.reporting.models import (
    FormItem,
    FormSection,
    FormVersion,
    Indicator,
    Report,
    ReportForm,
    ValidationRule,
)
from doanket.reporting.registry import registered_keys
from doanket.units.models import MemberOrg, Unit

PAGE_SIZE = 50
NARRATIVE_PREFIX = "parts"


def definer_required(view):
    """Logged in, and allowed to define forms; a PermissionDenied from a service is a 404."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        definitions.access_definer(request.user)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapped


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _message_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors_as_messages(request, form) -> None:
    for field_messages in form.errors.values():
        for message in field_messages:
            messages.error(request, message)


# Indicators -------------------------------------------------------------------


@definer_required
def indicator_list(request):
    search = SearchForm(request.GET or None)
    indicators = Indicator.objects.all()
    query = search.folded()
    if query:
        indicators = indicators.filter(Q(name_folded__contains=query) | Q(code__icontains=query))
    page = Paginator(indicators, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/definitions/indicator_list.html",
        {"search": search, "page": page, "query": request.GET.get("q", "")},
    )


@definer_required
def indicator_create(request):
    return _indicator_page(request, Indicator())


@definer_required
def indicator_edit(request, pk):
    return _indicator_page(request, get_object_or_404(Indicator, pk=pk))


def _indicator_page(request, indicator: Indicator):
    if indicator.pk:
        initial = IndicatorForm.initial_for(indicator)
    else:
        initial = {"value_type": "integer", "aggregation": "sum", "source": "typed"}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        creating = indicator.pk is None
        try:
            saved = definitions.indicator_save(
                user=request.user, indicator=indicator, data=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            text = _("Đã thêm chỉ tiêu %(code)s.") if creating else _("Đã lưu chỉ tiêu %(code)s.")
            messages.success(request, text % {"code": saved.code})
            return redirect("definitions:indicators")
    return render(
        request,
        "reporting/definitions/indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "used": definitions.indicator_is_used(indicator),
            "computed_keys": registered_keys(),
        },
        status=400 if form.errors else 200,
    )


# Forms ------------------------------------------------------------------------


@definer_required
def form_list(request):
    report_forms = ReportForm.objects.annotate(version_count=Count("versions")).order_by("code")
    return render(request, "reporting/definitions/form_list.html", {"report_forms": report_forms})


@definer_required
def form_create(request):
    return _form_page(request, ReportForm())


@definer_required
def form_edit(request, pk):
    return _form_page(request, get_object_or_404(ReportForm, pk=pk))


def _form_page(request, report_form: ReportForm):
    if report_form.pk:
        initial = ReportFormForm.initial_for(report_form)
    else:
        initial = {
            "schedule": ReportForm.Schedule.Q_6_9_12,
            "cutoff_rule": ReportForm.CutoffRule.DECREE_09,
            "deadline_days": 2,
            "deadline_working_days": True,
            "active": True,
        }
    form = ReportFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        creating = report_form.pk is None
        try:
            saved = definitions.form_save(
                user=request.user, form=report_form, data=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if creating:
                messages.success(
                    request,
                    _("Đã tạo biểu mẫu %(code)s. Hãy tạo phiên bản đầu tiên để thêm chỉ tiêu.")
                    % {"code": saved.code},
                )
            else:
                messages.success(request, _("Đã lưu biểu mẫu %(code)s.") % {"code": saved.code})
            return redirect("definitions:form", pk=saved.pk)
    return render(
        request,
        "reporting/definitions/form_form.html",
        {
            "form": form,
            "report_form": report_form,
            "has_reports": bool(report_form.pk)
            and Report.objects.filter(form=report_form).exists(),
        },
        status=400 if form.errors else 200,
    )


@definer_required
def form_detail(request, pk):
    report_form = get_object_or_404(ReportForm, pk=pk)
    return _form_detail_page(request, report_form, VersionCreateForm())


def _form_detail_page(request, report_form: ReportForm, version_form, status=200):
    versions = list(report_form.versions.order_by("number"))
    counts = {
        row["form_version"]: row["n"]
        for row in Report.objects.filter(form=report_form)
        .values("form_version")
        .annotate(n=Count("id"))
    }
    rows = []
    for n, version in enumerate(versions):
        following = versions[n + 1] if n + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "last_year": following.valid_from_year - 1 if following else None,
                "reports": counts.get(version.pk, 0),
                "sections": version.sections.count(),
                "items": FormItem.objects.filter(section__version=version).count(),
            }
        )
    return render(
        request,
        "reporting/definitions/form_detail.html",
        {
            "report_form": report_form,
            "rows": rows,
            "version_form": version_form,
            "reporters": _reporter_labels(report_form),
        },
        status=status,
    )


def _reporter_labels(report_form: ReportForm) -> list[str]:
    kinds = dict(Unit.Kind.choices)
    org_types = dict(MemberOrg.OrgType.choices)
    return [str(kinds.get(k, k)) for k in report_form.reporter_kinds] + [
        str(org_types.get(o, o)) for o in report_form.member_org_types
    ]


@definer_required
@require_POST
def version_create(request, pk):
    report_form = get_object_or_404(ReportForm, pk=pk)
    form = VersionCreateForm(request.POST)
    if form.is_valid():
        try:
            version = definitions.form_version_create(
                user=request.user,
                form=report_form,
                valid_from_year=form.cleaned_data["valid_from_year"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã tạo phiên bản %(number)s, áp dụng từ năm %(year)s.")
                % {"number": version.number, "year": version.valid_from_year},
            )
            return redirect("definitions:version", pk=version.pk)
    return _form_detail_page(request, report_form, form, status=400)


# Versions -----------------------------------------------------------------------


def _available_indicators(version: FormVersion):
    present = FormItem.objects.filter(section__version=version).values("indicator_id")
    return Indicator.objects.exclude(pk__in=present)


def _version_page(request, version: FormVersion, *, status=200, **bound):
    report_form = version.form
    sections = version.sections.prefetch_related("items__indicator")
    available = _available_indicators(version)
    later = report_form.versions.filter(number__gt=version.number).order_by("number").first()
    parts = bound.get("narrative") or NarrativePartFormSet(
        prefix=NARRATIVE_PREFIX, initial=version.narrative_parts
    )
    context = {
        "version": version,
        "report_form": report_form,
        "last_year": later.valid_from_year - 1 if later else None,
        "is_latest": later is None,
        "report_count": Report.objects.filter(form_version=version).count(),
        "sections": sections,
        "rules": version.rules.order_by("id"),
        "available": available,
        "section_form": bound.get("section") or SectionForm(),
        "rule_form": bound.get("rule") or RuleForm(),
        "narrative": parts,
        "narrative_errors": bound.get("narrative_errors", []),
    }
    context["editable"] = context["report_count"] == 0
    if not context["editable"]:
        # The edit forms are hidden on a locked version, so their refusals go on top.
        context["page_errors"] = [
            *(
                e
                for name in ("section", "rule")
                if name in bound
                for e in bound[name].non_field_errors()
            ),
            *context["narrative_errors"],
        ]
    return render(request, "reporting/definitions/version_detail.html", context, status=status)


def _back_to(version: FormVersion, anchor: str = ""):
    url = reverse("definitions:version", args=[version.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@definer_required
def version_detail(request, pk):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    return _version_page(request, version)


@definer_required
@require_POST
def version_delete(request, pk):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    try:
        definitions.form_version_delete(user=request.user, version=version)
    except ValidationError as error:
        _message_errors(request, error)
        return _back_to(version)
    messages.success(request, _("Đã xóa phiên bản %(number)s.") % {"number": version.number})
    return redirect("definitions:form", pk=version.form_id)


@definer_required
@require_POST
def narrative_save(request, pk):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    formset = NarrativePartFormSet(request.POST, prefix=NARRATIVE_PREFIX)
    if formset.is_valid():
        try:
            definitions.narrative_parts_save(
                user=request.user, version=version, parts=narrative_parts_from(formset)
            )
        except ValidationError as error:
            return _version_page(
                request,
                version,
                status=400,
                narrative=formset,
                narrative_errors=error.messages,
            )
        messages.success(request, _("Đã lưu các phần lời văn."))
        return _back_to(version, "narrative")
    errors = [m for form in formset.forms for ms in form.errors.values() for m in ms]
    errors += list(formset.non_form_errors())
    return _version_page(request, version, status=400, narrative=formset, narrative_errors=errors)


@definer_required
@require_POST
def section_add(request, pk):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            section = definitions.section_add(
                user=request.user, version=version, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã thêm phần “%(title)s”.") % {"title": section.title})
            return _back_to(version, f"section-{section.pk}")
    return _version_page(request, version, status=400, section=form)


@definer_required
@require_POST
def section_rename(request, pk):
    section = get_object_or_404(FormSection.objects.select_related("version__form"), pk=pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        _form_errors_as_messages(request, form)
        return _back_to(section.version, f"section-{section.pk}")
    try:
        definitions.section_rename(
            user=request.user, section=section, title=form.cleaned_data["title"]
        )
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Đã đổi tên phần."))
    return _back_to(section.version, f"section-{section.pk}")


@definer_required
@require_POST
def section_delete(request, pk):
    section = get_object_or_404(FormSection.objects.select_related("version__form"), pk=pk)
    try:
        definitions.section_delete(user=request.user, section=section)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Đã xóa phần “%(title)s”.") % {"title": section.title})
    return _back_to(section.version)


@definer_required
@require_POST
def item_add(request, pk):
    section = get_object_or_404(FormSection.objects.select_related("version__form"), pk=pk)
    form = ItemAddForm(request.POST, indicators=_available_indicators(section.version))
    if not form.is_valid():
        _form_errors_as_messages(request, form)
        return _back_to(section.version, f"section-{section.pk}")
    indicator = form.cleaned_data["indicator"]
    try:
        definitions.item_add(user=request.user, section=section, indicator=indicator)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Đã thêm chỉ tiêu %(code)s.") % {"code": indicator.code})
    return _back_to(section.version, f"section-{section.pk}")


def _item(pk) -> FormItem:
    return get_object_or_404(
        FormItem.objects.select_related("indicator", "section__version__form"), pk=pk
    )


@definer_required
@require_POST
def item_move(request, pk):
    item = _item(pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        _form_errors_as_messages(request, form)
        return _back_to(item.section.version, f"section-{item.section_id}")
    try:
        definitions.item_move(
            user=request.user, item=item, direction=form.cleaned_data["direction"]
        )
    except ValidationError as error:
        _message_errors(request, error)
    return _back_to(item.section.version, f"section-{item.section_id}")


@definer_required
@require_POST
def item_remove(request, pk):
    item = _item(pk)
    try:
        definitions.item_remove(user=request.user, item=item)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(
            request, _("Đã bỏ chỉ tiêu %(code)s khỏi biểu mẫu.") % {"code": item.indicator.code}
        )
    return _back_to(item.section.version, f"section-{item.section_id}")


@definer_required
@require_POST
def rule_add(request, pk):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            definitions.rule_add(user=request.user, version=version, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã thêm quy tắc kiểm tra."))
            return _back_to(version, "rules")
    return _version_page(request, version, status=400, rule=form)


@definer_required
@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(ValidationRule.objects.select_related("version__form"), pk=pk)
    try:
        definitions.rule_delete(user=request.user, rule=rule)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Đã xóa quy tắc “%(rule)s”.") % {"rule": rule})
    return _back_to(rule.version, "rules")
