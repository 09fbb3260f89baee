"""The fund's statement pages: for a unit and a period, its own fund or every fund of its
subtree on a chosen map, with the xlsx and PDF exports. Whoever sees the unit reads
them; outside the scope the unit does not exist."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models.functions import Collate
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doanket.accounts.access import access_unit, units_for_user
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.dates import format_date, parse_date
from doanket.core.lib.vn_text import fold
from doanket.fund import documents
from doanket.fund.models import Fund
from doanket.fund.selectors import LEVEL, fund_statement
from doanket.units import selectors as unit_selectors
from doanket.units.models import REFORM_DATE, Unit

BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)


@dataclass
class Options:
    """What the page was asked for, as typed (to show back) and as read."""

    start: datetime.date
    end: datetime.date
    on: datetime.date
    rollup: bool
    typed: dict[str, str]
    errors: list[str] = field(default_factory=list)

    def query(self, **changes) -> str:
        params = {
            "from": format_date(self.start),
            "to": format_date(self.end),
            "on": format_date(self.on),
        }
        if self.rollup:
            params["rollup"] = "1"
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return urlencode(params)


def _read_date(text: str, label: str, errors: list[str]) -> datetime.date | None:
    try:
        return parse_date(text)
    except ValueError as error:
        errors.append(_("%(field)s: %(error)s") % {"field": label, "error": error})
        return None


def _map_date(unit: Unit, end: datetime.date) -> datetime.date:
    """The period's end, moved into the unit's life: a district that ended in 2025 is
    read on its last map, a commune of today on its first."""
    return min(max(end, unit.valid_from), unit.valid_to)


def _options(request, unit: Unit) -> Options:
    today = unit_selectors.today()
    typed = {key: request.GET.get(key, "").strip() for key in ("from", "to", "on")}
    errors: list[str] = []
    start = datetime.date(today.year, 1, 1)
    end = today
    if typed["from"]:
        start = _read_date(typed["from"], _("Từ ngày"), errors) or start
    if typed["to"]:
        end = _read_date(typed["to"], _("Đến ngày"), errors) or end
    if not errors and start > end:
        errors.append(_("Ngày bắt đầu phải trước hoặc cùng ngày kết thúc của kỳ."))
    on = _map_date(unit, end)
    if typed["on"]:
        on = _read_date(typed["on"], _("Theo bản đồ ngày"), errors) or on
    rollup = request.GET.get("rollup") in ("1", "on", "true")
    return Options(start, end, on, rollup, typed, errors)


def _scoped_unit(request, unit_pk) -> Unit:
    """A unit whose funds the user may read: a member organisation's role reaches its
    host unit's page, not the unit's books."""
    unit = access_unit(request.user, unit_pk)
    if not units_for_user(request.user, with_hosts=False).filter(pk=unit.pk).exists():
        raise Http404
    return unit


@login_required
@require_GET
def statement_index(request):
    """The funds the user may read, each opening its statement."""
    funds = (
        Fund.objects.filter(unit__in=units_for_user(request.user, with_hosts=False))
        .select_related("unit")
        .order_by(LEVEL, Collate("unit__name", VI_COLLATION), "pk")
    )
    return render(request, "fund/statement_index.html", {"funds": funds})


@login_required
@require_GET
def statement(request, unit_pk):
    unit = _scoped_unit(request, unit_pk)
    options = _options(request, unit)
    context = {
        "unit": unit,
        "options": options,
        "before_reform": BEFORE_REFORM,
        "today": unit_selectors.today(),
    }
    if options.errors:
        return render(request, "fund/statement.html", context, status=400)
    result = fund_statement(unit, options.start, options.end, on=options.on, rollup=options.rollup)
    context.update(
        {
            "s": result,
            "old_map_query": options.query(on=format_date(BEFORE_REFORM), rollup="1"),
            "today_map_query": options.query(on=format_date(context["today"]), rollup="1"),
            "own_query": options.query(rollup=None),
            "rollup_query": options.query(rollup="1"),
            "export_query": options.query(),
            "unit_map": _map_date(unit, options.end),
            "unit_map_query": options.query(on=format_date(_map_date(unit, options.end))),
            "periods": _quick_periods(context["today"], options),
        }
    )
    return render(request, "fund/statement.html", context)


def _quick_periods(today: datetime.date, options: Options) -> list[tuple[str, str]]:
    """Links to the periods people ask for most: this month, this year, last year."""
    month_start = today.replace(day=1)
    spans = [
        (_("Tháng này"), month_start, today),
        (_("Năm nay"), datetime.date(today.year, 1, 1), today),
        (
            _("Năm %(year)s") % {"year": today.year - 1},
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
    ]
    return [
        (label, options.query(**{"from": format_date(a), "to": format_date(b), "on": None}))
        for label, a, b in spans
    ]


def _export(request, unit_pk, fmt: str):
    unit = _scoped_unit(request, unit_pk)
    options = _options(request, unit)
    if options.errors:
        context = {"unit": unit, "options": options, "before_reform": BEFORE_REFORM}
        return render(request, "fund/statement.html", context, status=400)
    result = fund_statement(unit, options.start, options.end, on=options.on, rollup=options.rollup)
    document = documents.statement_document(result)
    if fmt == "xlsx":
        content, content_type = documents.to_xlsx(document), documents.XLSX
    else:
        try:
            content = documents.to_pdf(document)
        except documents.NoFont:
            context = {"unit": unit, "options": options, "before_reform": BEFORE_REFORM}
            options.errors.append(
                _("Máy chủ chưa có phông chữ tiếng Việt để xuất PDF; hãy dùng bản Excel.")
            )
            return render(request, "fund/statement.html", context, status=503)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    name = "_".join(
        slugify(fold(part)) or "x"
        for part in (
            _("bao-cao-quy"),
            unit.name,
            options.start.strftime("%d%m%Y"),
            options.end.strftime("%d%m%Y"),
        )
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def statement_of_fund(request, fund_pk):
    """A fund's statement, reached from the fund's own pages."""
    fund = get_object_or_404(Fund.objects.select_related("unit"), pk=fund_pk)
    unit = _scoped_unit(request, fund.unit_id)
    query = request.GET.urlencode()
    url = reverse("fund:statement", args=[unit.pk])
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_GET
def statement_xlsx(request, unit_pk):
    return _export(request, unit_pk, "xlsx")


@login_required
@require_GET
def statement_pdf(request, unit_pk):
    return _export(request, unit_pk, "pdf")
