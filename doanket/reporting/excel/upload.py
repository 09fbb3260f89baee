"""Reading a filled-in template back: the file's safety, whose it is, and its figures.

Nothing here writes. `parse_upload` answers with the figures as raw strings (what the
page's inputs would have posted) or with every reason to refuse the file, each a
Vietnamese sentence; `upload_diff` compares figures with what the report holds.
"""

import datetime
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

import python_calamine
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanket.core.lib.dates import format_date
from doanket.core.lib.money import format_number, format_vnd
from doanket.core.lib.vn_text import to_unicode
from doanket.reporting import services
from doanket.reporting.excel.template import (
    COL_CODE,
    COL_VALUE,
    FORMAT,
    KIND_EXPORT,
    MAIN_SHEET,
    META_SHEET,
)
from doanket.reporting.models import Indicator, Report, ReportValue
from doanket.reporting.registry import computed_values

MAX_UPLOAD = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_MEMBERS = 500
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OLE_STREAM = "EncryptedPackage".encode("utf-16-le")
CHUNK = 1024 * 1024


class Refused(Exception):
    """The file as a whole cannot be read as this report's template."""


@dataclass
class UploadResult:
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_version: int | None = None  # the report's version when the file was made

    @property
    def ok(self) -> bool:
        return not self.errors


# The package ------------------------------------------------------------------------


def _fix_it() -> str:
    return _(
        "Hãy tải “Mẫu Excel” từ trang báo cáo, nhập số liệu vào đó, lưu dạng .xlsx rồi tải lên."
    )


def _read_bounded(uploaded_file) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD:
        raise Refused(_too_big())
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Refused(_too_big())
    if not data:
        raise Refused(_("Tệp trống, không có nội dung. ") + _fix_it())
    return data


def _too_big() -> str:
    return _(
        "Tệp lớn hơn 5 MB, quá lớn với một mẫu báo cáo. Hãy kiểm tra lại tệp (mẫu báo cáo chỉ "
        "vài chục KB) hoặc tải mẫu mới."
    )


def _not_xlsx() -> str:
    return _("Tệp không phải là tệp Excel .xlsx. ") + _fix_it()


def _sniff(data: bytes) -> None:
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_OLE_STREAM in data:
            raise Refused(
                _(
                    "Tệp Excel đã được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu "
                    "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), "
                    "lưu lại rồi tải lên."
                )
            )
        raise Refused(
            _(
                "Tệp ở định dạng Excel cũ (.xls), hệ thống chỉ nhận .xlsx. Hãy mở tệp và chọn "
                "Lưu thành → Sổ làm việc Excel (.xlsx), hoặc tải mẫu mới."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise Refused(_not_xlsx())


def _unpack(data: bytes) -> dict[str, bytes]:
    """Every member of the zip, refused when it would unpack past the cap.

    Sizes are summed from the directory before anything is unpacked; Python's zipfile
    then stops each member at its declared size and checks its CRC, so a directory that
    lies is caught too.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it()) from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise Refused(
            _(
                "Tệp khi giải nén lớn hơn 50 MB, không phải một mẫu báo cáo bình thường nên "
                "không được nhận. "
            )
            + _fix_it()
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused(_("Tệp đã được mã hóa nên không đọc được. ") + _fix_it())
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise Refused(_not_xlsx())
    contents = {}
    try:
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as stream:
                parts = []
                while chunk := stream.read(CHUNK):
                    parts.append(chunk)
                contents[member.filename] = b"".join(parts)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError):
        raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it()) from None
    return contents


def _repack(contents: dict[str, bytes]) -> bytes:
    """The members just checked, stored uncompressed, for calamine to read: it then
    never unpacks anything that did not pass the size check."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse_declarations(content: bytes) -> None:
    """No part of a real workbook declares a DTD; one that does may be an entity bomb."""
    if DECLARATION.search(content):
        raise Refused(_("Tệp Excel có nội dung lạ, không đọc được. ") + _fix_it())


def _xml(content: bytes):
    _refuse_declarations(content)
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError:
        raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it()) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(contents: dict[str, bytes], sheet_name: str) -> str | None:
    """The zip member holding the worksheet called `sheet_name`."""
    workbook = _xml(contents["xl/workbook.xml"])
    rel_id = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet_name:
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
    rels = contents.get("xl/_rels/workbook.xml.rels")
    if rel_id is None or rels is None:
        return None
    for element in _xml(rels).iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == rel_id:
            target = element.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def formula_cells(sheet_xml: bytes, columns: set[int]) -> list[tuple[int, int]]:
    """(row, column) of every cell in `columns` that holds a formula, in sheet order."""
    _refuse_declarations(sheet_xml)
    found = []
    row = column = 0
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(sheet_xml), ("start", "end")):
            name = _local(element.tag)
            if event == "start" and name == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            elif event == "start" and name == "c":
                match = _REF.fullmatch(element.get("r") or "")
                if match:
                    column, row = _column_index(match.group(1)), int(match.group(2))
                else:
                    column += 1
            elif event == "start" and name == "f" and column in columns:
                found.append((row, column))
            elif event == "end" and name == "row":
                element.clear()
    except (ElementTree.ParseError, ValueError):
        raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it()) from None
    return found


# Whose file it is -------------------------------------------------------------------


def _cell_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _meta_problems(meta: dict[str, str], report: Report) -> list[str]:
    if meta.get("format") != FORMAT:
        return [
            _("Tệp không phải mẫu Excel của hệ thống (không có phần nhận dạng báo cáo). ")
            + _fix_it()
        ]
    if meta.get("kind") == KIND_EXPORT:
        return [
            _(
                "Tệp này là bản xuất để xem số liệu, không phải mẫu để nhập. Hãy tải “Mẫu "
                "Excel” từ trang báo cáo khi báo cáo đang soạn, nhập số liệu vào đó rồi tải lên."
            )
        ]
    problems = []
    if meta.get("form_code") != report.form.code:
        problems.append(
            _("Tệp là mẫu của biểu mẫu “%(file)s”, còn báo cáo này theo biểu mẫu “%(form)s”.")
            % {"file": meta.get("form_code", ""), "form": report.form.name}
        )
    elif meta.get("form_version") != str(report.form_version.number):
        problems.append(
            _(
                "Tệp được tạo theo phiên bản %(file)s của biểu mẫu, còn báo cáo này dùng phiên "
                "bản %(version)s. Hãy tải mẫu mới từ trang báo cáo."
            )
            % {"file": meta.get("form_version", ""), "version": report.form_version.number}
        )
    same_unit = meta.get("unit_id") == str(report.unit_id) and meta.get("unit_code") == (
        report.unit.code
    )
    if not same_unit or meta.get("member_org_id", "") != str(report.member_org_id or ""):
        problems.append(
            _("Tệp là mẫu của đơn vị khác (%(file)s, mã %(code)s), không phải của “%(reporter)s”.")
            % {
                "file": meta.get("member_org_name") or meta.get("unit_name", ""),
                "code": meta.get("unit_code", ""),
                "reporter": report.reporter,
            }
        )
    if meta.get("period_code") != report.period_code:
        try:
            file_period = report.form.period(meta.get("period_code", "")).label
        except ValueError:
            file_period = meta.get("period_code", "")
        problems.append(
            _("Tệp là mẫu của kỳ %(file)s, còn báo cáo này là kỳ %(period)s.")
            % {"file": file_period, "period": report.period.label}
        )
    if not problems and meta.get("report_id") != str(report.pk):
        problems.append(_("Tệp được tạo cho một báo cáo khác (có thể đã bị xóa). Hãy tải mẫu mới."))
    return problems


# The figures ------------------------------------------------------------------------


def cell_text(value) -> str:
    """A value cell as the text a person would have typed on the page.

    Numbers keep the 15 significant digits Excel shows (a file may store 97.49 as
    97.48999999999999) and are written the Vietnamese way, so parse_value() reads them
    as it reads the page; text is converted from NFD, TCVN3 or VNI to NFC.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return format_number(Decimal(f"{value:.15g}"))
    if isinstance(value, datetime.datetime | datetime.date):
        return format_date(value)
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return to_unicode(str(value))


def parse_upload(report: Report, uploaded_file) -> UploadResult:
    """The typed figures of a filled-in template of `report`, or why it is refused."""
    result = UploadResult()
    try:
        data = _read_bounded(uploaded_file)
        _sniff(data)
        contents = _unpack(data)
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(_repack(contents)))
            names = book.sheet_names
            meta_rows = (
                book.get_sheet_by_name(META_SHEET).to_python() if META_SHEET in names else []
            )
            sheet_name = MAIN_SHEET if MAIN_SHEET in names else None
            rows = (
                book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
                if sheet_name
                else []
            )
        except Exception:  # whatever calamine makes of a damaged file, the answer is the same
            raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it()) from None
        meta = {_cell_key(row[0]): _cell_key(row[1]) for row in meta_rows if len(row) >= 2}
        problems = _meta_problems(meta, report)
        if problems:
            result.errors = problems
            return result
        if sheet_name is None:
            raise Refused(_("Tệp thiếu trang “%(sheet)s”. ") % {"sheet": MAIN_SHEET} + _fix_it())
        part = _sheet_part(contents, sheet_name)
        if part is None or part not in contents:
            raise Refused(_("Tệp Excel bị hỏng, không mở được. ") + _fix_it())
        formulas = formula_cells(contents[part], {COL_VALUE, COL_CODE})
    except Refused as refusal:
        result.errors = [str(refusal)]
        return result
    try:
        result.file_version = int(meta.get("report_version", ""))
    except ValueError:
        result.file_version = None
    for row, column in formulas:
        result.errors.append(
            _(
                "Dòng %(row)s: ô %(cell)s chứa công thức. Hãy thay công thức bằng số (chép ô, "
                "rồi Dán đặc biệt → Giá trị) và tải lên lại."
            )
            % {"row": row, "cell": f"{'D' if column == COL_VALUE else 'F'}{row}"}
        )
    _read_rows(report, rows, result, skip={row for row, _column in formulas})
    if result.errors:
        result.values = {}
    return result


def _read_rows(report: Report, rows: list[list], result: UploadResult, skip: set[int]) -> None:
    """Check each indicator row; rows in `skip` were already refused for a formula."""
    items = {item.indicator.code: item.indicator for item in report.form_version.items()}
    seen: dict[str, int] = {}
    from_register: dict[str, tuple[int, Indicator, str]] = {}
    for index, row in enumerate(rows):
        number = index + 1
        code = _cell_key(row[COL_CODE - 1] if len(row) >= COL_CODE else "").upper()
        raw = row[COL_VALUE - 1] if len(row) >= COL_VALUE else ""
        if not code or code == _("Mã chỉ tiêu").upper():
            continue
        if number in skip:
            seen.setdefault(code, number)
            continue
        indicator = items.get(code)
        if indicator is None:
            result.errors.append(
                _("Dòng %(row)s: mã chỉ tiêu “%(code)s” không có trong biểu mẫu này.")
                % {"row": number, "code": code[:40]}
            )
            continue
        if code in seen:
            result.errors.append(
                _(
                    "Dòng %(row)s: chỉ tiêu “%(name)s” đã có ở dòng %(first)s; mỗi chỉ tiêu "
                    "chỉ ghi một lần."
                )
                % {"row": number, "name": indicator.name, "first": seen[code]}
            )
            continue
        seen[code] = number
        text = cell_text(raw)
        if indicator.source == Indicator.Source.COMPUTED:
            if text:
                from_register[code] = (number, indicator, text)
            continue
        if indicator.source != Indicator.Source.TYPED:
            if text:
                result.errors.append(
                    _("Dòng %(row)s: “%(name)s” được tự tính, không nhập; hãy để trống ô này.")
                    % {"row": number, "name": indicator.name}
                )
            continue
        try:
            services.parse_value(indicator, text)
        except ValidationError as error:
            result.errors.extend(
                _("Dòng %(row)s: %(message)s") % {"row": number, "message": message}
                for message in error.messages
            )
            continue
        result.values[code] = text
    result.warnings.extend(_register_notes(report, list(items.values()), from_register))
    typed = [i for i in items.values() if i.source == Indicator.Source.TYPED]
    if not seen:
        result.errors.append(
            _("Tệp không có dòng chỉ tiêu nào (cột mã chỉ tiêu đã bị xóa?). ") + _fix_it()
        )
    elif missing := [i for i in typed if i.code not in seen]:
        result.warnings.append(
            _("%(count)s chỉ tiêu không có trong tệp nên giữ nguyên: %(names)s.")
            % {"count": len(missing), "names": ", ".join(i.name for i in missing[:5])}
        )
    if result.file_version is not None and result.file_version != report.version:
        result.warnings.append(
            _(
                "Báo cáo đã được sửa sau khi tải mẫu này; hãy xem kỹ bảng so sánh: số liệu trong "
                "tệp sẽ thay cho số liệu đang lưu ở các dòng có thay đổi."
            )
        )


def _register_notes(
    report: Report, indicators: list[Indicator], cells: dict[str, tuple[int, Indicator, str]]
) -> list[str]:
    """The template fills the rows the registers provide and the upload never reads them;
    where a file's figure differs from the register's (a cell typed over, or the register
    changed since the download), say that the register's figure is the one that counts."""
    if not cells:
        return []
    period = report.period
    register = computed_values(indicators, unit=report.unit, period=period, on=period.end)
    notes = []
    for code, (row, indicator, text) in cells.items():
        try:
            number, _text = services.parse_value(indicator, text)
        except ValidationError:
            number = None
        current = register.get(code)
        if number is not None and current is not None and number == current:
            continue
        notes.append(
            _(
                "Dòng %(row)s: “%(name)s” lấy từ sổ theo dõi (hộ gia đình, Quỹ “Vì người "
                "nghèo”) (hiện là %(value)s), "
                "không nhập tay; số “%(typed)s” trong tệp không được dùng."
            )
            % {
                "row": row,
                "name": indicator.name,
                "value": "—" if current is None else format_number(current.normalize()),
                "typed": text[:50],
            }
        )
    return notes


# The diff ---------------------------------------------------------------------------

CHANGED, UNCHANGED, NEW, CLEARED = "changed", "unchanged", "new", "cleared"


@dataclass
class DiffRow:
    indicator: Indicator
    section: str
    stored: str
    uploaded: str
    state: str


def _shown(indicator: Indicator, number: Decimal | None, text: str) -> str:
    if indicator.value_type == Indicator.ValueType.TEXT:
        return text
    if number is None:
        return ""
    if indicator.value_type == Indicator.ValueType.MONEY:
        return format_vnd(int(number))
    if indicator.value_type == Indicator.ValueType.BOOLEAN:
        return _("có") if number else _("không")
    return format_number(number.normalize() if number else Decimal(0))


def upload_diff(report: Report, values: dict[str, str]) -> list[DiffRow]:
    """For each typed indicator found in the file: stored against uploaded."""
    stored = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    rows = []
    for item in report.form_version.items():
        indicator = item.indicator
        if indicator.code not in values or indicator.source != Indicator.Source.TYPED:
            continue
        value = stored.get(indicator.pk)
        old = (value.number, value.text) if value is not None else (None, "")
        new = services.parse_value(indicator, values[indicator.code])
        old_empty, new_empty = old[0] is None and not old[1], new[0] is None and not new[1]
        if old_empty and new_empty or (not old_empty and not new_empty and old == new):
            state = UNCHANGED
        elif old_empty:
            state = NEW
        elif new_empty:
            state = CLEARED
        else:
            state = CHANGED
        rows.append(
            DiffRow(
                indicator,
                item.section.title,
                _shown(indicator, *old),
                _shown(indicator, *new),
                state,
            )
        )
    return rows
