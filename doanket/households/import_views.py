"""Pages of the household list import: upload, the batch's progress (polled by htmx),
the mapping of unknown columns, the rows found with their reasons, confirm or cancel.

Only editors import, and only for the units they edit; a batch is seen by its uploader
alone, as a report's upload is. Anyone else gets "not found".
"""

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doanket.accounts.access import units_for_user
from doanket.core.apps import VI_COLLATION
from doanket.core.lib.vn_text import nfc
from doanket.households import imports, services, tasks
from doanket.households.access import EDITORS, areas_for_user
from doanket.households.models import ImportBatch
from doanket.reporting.excel.upload import Refused
from doanket.units.models import Unit, UnitLink, valid_on

SHOWN_REJECTED = 500
FORM_OVERHEAD = 64 * 1024  # what the form adds to the file in the body of the request
RECENT = 10
WORKING = (
    ImportBatch.Status.QUEUED,
    ImportBatch.Status.CHECKING,
    ImportBatch.Status.IMPORTING,
)


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Nhập cho"),
        queryset=Unit.objects.none(),
        error_messages={
            "required": gettext_lazy("Hãy chọn khu dân cư hoặc xã, phường."),
            "invalid_choice": gettext_lazy("Hãy chọn một đơn vị trong danh sách."),
        },
    )
    year = forms.IntegerField(
        label=gettext_lazy("Năm"),
        error_messages={
            "required": gettext_lazy("Hãy ghi năm."),
            "invalid": gettext_lazy("Năm không hợp lệ: hãy ghi năm bằng 4 chữ số."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách (.xlsx, .xls, .csv)"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp danh sách hộ để tải lên."),
            "empty": gettext_lazy("Tệp trống, không có nội dung."),
        },
    )

    def __init__(self, units: QuerySet[Unit], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = _unit_label

    def clean_year(self):
        try:
            return services.check_year(self.cleaned_data["year"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


def _unit_label(unit: Unit) -> str:
    if unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        return unit.name
    return _("%(name)s (mỗi hộ ghi thôn, tổ dân phố của mình)") % {"name": unit.name}


def _editable_units(user) -> QuerySet[Unit]:
    """Where the user may import a list on today's map: each area the user edits, and each
    commune the user edits that has such an area (an editor of an organisation reaches
    its host commune, not the commune's households)."""
    today = timezone.localdate()
    areas = areas_for_user(user, EDITORS).filter(valid_on(today))
    parents = UnitLink.objects.filter(valid_on(today), child__in=areas).values("parent_id")
    communes = units_for_user(user, EDITORS).filter(
        valid_on(today), kind=Unit.Kind.COMMUNE, pk__in=parents
    )
    units = Unit.objects.filter(Q(pk__in=areas.values("pk")) | Q(pk__in=communes.values("pk")))
    return units.order_by("kind", Collate("name", VI_COLLATION), "pk")


def _batch_for(request, pk) -> ImportBatch:
    """The uploader's own batch, while the uploader still edits its unit."""
    # The rejected rows are read only once the job is done, not at every poll.
    batches = ImportBatch.objects.select_related("unit", "created_by").defer("rejected")
    batch = batches.filter(pk=pk, created_by=request.user).first()
    if batch is None or not units_for_user(request.user, EDITORS).filter(pk=batch.unit_id).exists():
        raise Http404
    return batch


def _body_too_big(request) -> bool:
    """A request far over the limit is refused before its body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > imports.max_bytes() + FORM_OVERHEAD


@login_required
def import_start(request):
    units = _editable_units(request.user)
    if not units.exists():
        raise Http404
    errors: list[str] = []
    if request.method == "POST" and _body_too_big(request):
        errors = [imports.too_big()]
        form = ImportForm(units, initial={"year": timezone.localdate().year})
    elif request.method == "POST":
        try:
            if request.POST.get("unit") and not units.filter(pk=request.POST["unit"]).exists():
                raise Http404
        except (ValueError, TypeError):
            raise Http404 from None
        form = ImportForm(units, request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                kind = imports.inspect_upload(uploaded)
            except Refused as refusal:
                errors = [str(refusal)]
            else:
                batch = _create(request, form, kind)
                return redirect("households:import_batch", pk=batch.pk)
        else:
            errors = [message for found in form.errors.values() for message in found]
    else:
        initial = {"year": timezone.localdate().year}
        chosen = request.GET.get("unit", "")
        if chosen.isdigit() and units.filter(pk=chosen).exists():
            initial["unit"] = int(chosen)
        form = ImportForm(units, initial=initial)
    recent = (
        ImportBatch.objects.filter(created_by=request.user)
        .select_related("unit")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    context = {
        "form": form,
        "errors": errors,
        "recent": recent,
        "max_mb": imports.max_bytes() // (1024 * 1024),
        "fields": [label for name, label in imports.FIELDS.items() if name],
    }
    return render(request, "households/import_start.html", context, status=400 if errors else 200)


def _create(request, form: ImportForm, kind: str) -> ImportBatch:
    uploaded = form.cleaned_data["file"]
    batch = ImportBatch(
        unit=form.cleaned_data["unit"],
        year=form.cleaned_data["year"],
        original_name=nfc(uploaded.name)[:255],
        created_by=request.user,
    )
    batch.file.save(f"{uuid.uuid4().hex}.{kind}", uploaded, save=False)
    batch.save()
    tasks.check_import.enqueue(batch.pk)
    return batch


def _status_context(batch: ImportBatch, **extra) -> dict:
    done, total = batch.done_rows, batch.total_rows
    if batch.status == ImportBatch.Status.IMPORTING:
        done, total = imports.commit_progress(batch)
    percent = min(100, round(100 * done / total)) if total else 0
    rejected = [] if batch.status in WORKING else batch.rejected or []
    if batch.unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        back = reverse("households:area", args=[batch.unit_id])
    else:
        back = reverse("households:index")
    return {
        "batch": batch,
        "working": batch.status in WORKING,
        # no worker has taken the job for a while: say so rather than wait forever
        "stalled": batch.status == ImportBatch.Status.QUEUED
        and timezone.now() - batch.created_at > datetime.timedelta(minutes=1),
        "done": done,
        "total": total,
        "percent": percent,
        "rejected_rows": rejected[:SHOWN_REJECTED],
        "rejected_count": len(rejected),
        "rejected_capped": len(rejected) > SHOWN_REJECTED,
        "shown_rejected": SHOWN_REJECTED,
        "field_choices": list(imports.FIELDS.items()),
        "back": back,
        **extra,
    }


@login_required
def import_batch(request, pk):
    batch = _batch_for(request, pk)
    context = _status_context(batch)
    if request.htmx:
        return render(request, "households/import_status.html", context)
    return render(request, "households/import_batch.html", context)


@login_required
@require_POST
def import_mapping(request, pk):
    batch = _batch_for(request, pk)
    if batch.status != ImportBatch.Status.MAPPING:
        messages.error(request, _("Danh sách này không chờ chọn cột nữa."))
        return redirect("households:import_batch", pk=batch.pk)
    mapping = {}
    for header in batch.headers:
        chosen = request.POST.get(f"col_{header['index']}", "")
        mapping[header["index"]] = chosen
        header["field"] = chosen
    problems = imports.mapping_problems(mapping)
    if problems:
        context = _status_context(batch, mapping_errors=problems)
        return render(request, "households/import_batch.html", context, status=400)
    batch.mapping = {str(index): name for index, name in mapping.items() if name}
    batch.headers = [dict(header, known=True) for header in batch.headers]
    batch.status = ImportBatch.Status.QUEUED
    batch.message = ""
    batch.save(update_fields=["mapping", "headers", "status", "message"])
    tasks.check_import.enqueue(batch.pk)
    return redirect("households:import_batch", pk=batch.pk)


@login_required
@require_POST
def import_confirm(request, pk):
    batch = _batch_for(request, pk)
    waiting = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.CHECKED, accepted__gt=0
    )
    if not waiting.update(status=ImportBatch.Status.IMPORTING, message=""):
        messages.error(request, _("Danh sách này không chờ xác nhận nên không nhập được."))
        return redirect("households:import_batch", pk=batch.pk)
    tasks.commit_import.enqueue(batch.pk)
    return redirect("households:import_batch", pk=batch.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    batch = _batch_for(request, pk)
    if imports.cancel(batch):
        messages.info(request, _("Đã hủy, không có hộ nào được ghi."))
        return redirect("households:import_start")
    messages.error(request, _("Danh sách đang được xử lý hoặc đã nhập xong nên không hủy được."))
    return redirect("households:import_batch", pk=batch.pk)
