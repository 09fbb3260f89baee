"""The Excel round-trip of a report, and the roll-up as a spreadsheet.

template.py writes a report's template, upload.py reads it back (checks, figures, diff),
services.py keeps an upload until its uploader confirms it, summary.py writes a roll-up.
"""

from doanket.reporting.excel.services import report_upload_confirm, report_upload_create
from doanket.reporting.excel.summary import summary_workbook
from doanket.reporting.excel.template import template_workbook
from doanket.reporting.excel.upload import (
    CHANGED,
    CLEARED,
    MAX_UNCOMPRESSED,
    MAX_UPLOAD,
    NEW,
    UNCHANGED,
    DiffRow,
    UploadResult,
    parse_upload,
    upload_diff,
)

__all__ = [
    "CHANGED",
    "CLEARED",
    "MAX_UNCOMPRESSED",
    "MAX_UPLOAD",
    "NEW",
    "UNCHANGED",
    "DiffRow",
    "UploadResult",
    "parse_upload",
    "report_upload_confirm",
    "report_upload_create",
    "summary_workbook",
    "template_workbook",
    "upload_diff",
]
