"""Background jobs of the household import: the check of an uploaded list, and the
commit the user confirmed. The work itself is in `imports`, callable without a queue."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from doanket.households import imports
from doanket.households.models import ImportBatch

logger = logging.getLogger(__name__)


@task()
def check_import(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("unit", "created_by").filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    try:
        imports.check_batch(batch)
    except Exception:
        # An unexpected failure must not leave the page waiting for ever.
        logger.exception("household import %s: check failed", batch_id)
        imports.fail(
            batch,
            _("Có lỗi khi đọc tệp; chưa có hộ nào được ghi. Hãy thử tải tệp lên lại."),
        )
        raise
    return batch.status


@task()
def commit_import(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("unit", "created_by").filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return imports.commit_batch(batch).status
