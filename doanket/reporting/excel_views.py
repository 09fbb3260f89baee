from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def template_download(request, pk):
    raise Http404


@login_required
def upload(request, pk):
    raise Http404


@login_required
def upload_confirm(request, pk, upload_pk):
    raise Http404


@login_required
def summary_export(request, form_code, unit_pk, period_code):
    raise Http404
