"""Writes of the Excel round-trip: keep an upload until its uploader confirms, then save."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.audit import audit_record
from doanket.reporting import services
from doanket.reporting.excel.upload import UNCHANGED, UploadResult, upload_diff
from doanket.reporting.models import Report, ReportUpload

PENDING_DAYS = 7


@transaction.atomic
def report_upload_create(
    *, report: Report, user: User, result: UploadResult, filename: str
) -> ReportUpload:
    """Keep the figures of a file that passed every check; one pending file per person and
    report, so an earlier one is dropped. Files left unconfirmed for a week are dropped too."""
    ReportUpload.objects.filter(report=report, uploaded_by=user).delete()
    stale = timezone.now() - datetime.timedelta(days=PENDING_DAYS)
    ReportUpload.objects.filter(created_at__lt=stale).delete()
    return ReportUpload.objects.create(
        report=report,
        uploaded_by=user,
        values=result.values,
        base_version=report.version,
        filename=filename[:255],
    )


@transaction.atomic
def report_upload_confirm(*, upload: ReportUpload, user: User) -> tuple[int, list[str]]:
    """Save the figures that differ from the stored ones, as the page would, expecting the
    report's version the upload was compared with; returns (figures changed, warnings).

    Raises what report_save raises (PermissionDenied, ValidationError, StaleReport), and
    then nothing is written and the upload stays.
    """
    report = upload.report
    changes = {
        row.indicator.code: upload.values[row.indicator.code]
        for row in upload_diff(report, upload.values)
        if row.state != UNCHANGED
    }
    warnings: list[str] = []
    if changes:
        warnings = services.report_save(
            report=report, user=user, values=changes, expected_version=upload.base_version
        )
        audit_record(
            action="report.import",
            actor=user,
            unit=report.unit,
            obj=report,
            summary=_("Nhập %(count)s số liệu từ tệp %(name)s vào báo cáo %(report)s")
            % {"count": len(changes), "name": upload.filename, "report": report},
            after={"filename": upload.filename, "codes": sorted(changes)},
        )
    upload.delete()
    return len(changes), warnings
