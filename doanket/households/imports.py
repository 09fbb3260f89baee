"""Importing a household list from the file an office already has: Excel (.xlsx, .xls) or
CSV (UTF-8 or Windows-1258), its header row somewhere near the top, title cells merged
above it, Vietnamese column names, text in NFD, TCVN3 or VNI.

Two jobs, run in the background. `check_batch` reads the file, finds the header and the
columns (or asks the user to map the unknown ones), checks every row and keeps the
accepted ones in a compressed file next to the upload; nothing is written to the
registers. `commit_batch`, once the user confirms, writes every accepted row in one
transaction, or none. A row whose household is already in its area is "unchanged": a
re-imported list never duplicates a household.
"""

import codecs
import csv
import datetime
import gzip
import io
import json
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

import python_calamine
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanket.accounts.access import units_for_user
from doanket.core.audit import audit_record
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import detect_legacy_encoding, fold, to_unicode
from doanket.households import counters, services
from doanket.households.access import EDITORS
from doanket.households.models import Household, HouseholdYear, ImportBatch
from doanket.households.selectors import areas_below
from doanket.households.services import year_rows_ensure

# The checks of an uploaded workbook are those of the report templates.
from doanket.reporting.excel.upload import (
    CHUNK,
    DECLARATION,
    ENCRYPTED_OLE_STREAM,
    OLE_MAGIC,
    ZIP_MAGIC,
    Refused,
)
from doanket.units.models import Unit

HEADER_SCAN_ROWS = 30  # the header row is looked for in the first rows of a sheet
MAX_ROWS = 200_000
MAX_ZIP_MEMBERS = 1_000
UNPACKED_PER_BYTE = 10  # an upload may unpack to 10 times the upload limit, no more
PROGRESS_EVERY = 5_000  # rows between two progress writes of the check
COMMIT_CHUNK = 2_000  # households per bulk insert
SHOWN_VALUES = 12  # cells of a rejected row kept to show it
SHOWN_VALUE_LENGTH = 80

KINDS = ("xlsx", "xls", "csv")
# A staged row: Excel row, area id, key, key without the number, folded head's name,
# then these fields.
STAGED_FIELDS = ("head_name", "number", "address", "members", "phone", "notes")
BOM_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Fields a column can hold; "" ignores the column.
FIELDS = {
    "head_name": gettext_lazy("Họ và tên chủ hộ"),
    "number": gettext_lazy("Số hộ"),
    "address": gettext_lazy("Địa chỉ"),
    "members": gettext_lazy("Số nhân khẩu"),
    "phone": gettext_lazy("Điện thoại"),
    "notes": gettext_lazy("Ghi chú"),
    "area": gettext_lazy("Thôn, tổ dân phố (khu dân cư)"),
    "": gettext_lazy("Bỏ qua cột này"),
}

# Column names as offices write them, folded; "" marks a column that is known and ignored.
HEADERS = {
    "": ("stt", "tt", "so tt", "so thu tu", "thu tu"),
    "head_name": (
        "ho va ten chu ho",
        "ho ten chu ho",
        "chu ho",
        "ho ten",
        "ho va ten",
        "ten chu ho",
        "ho va ten chu ho gia dinh",
        "ho ten chu ho gia dinh",
    ),
    "number": ("so ho", "ma ho", "ma so ho", "so hieu ho", "ma ho gia dinh", "so ho gia dinh"),
    "address": ("dia chi", "so nha", "dia chi noi o", "noi o", "dia chi thuong tru", "cho o"),
    "members": ("so nhan khau", "so khau", "nhan khau", "so nguoi", "so thanh vien"),
    "phone": ("dien thoai", "sdt", "so dien thoai", "dt", "so dt", "dien thoai lien he"),
    "notes": ("ghi chu",),
    "area": (
        "thon",
        "to dan pho",
        "khu dan cu",
        "thon to dan pho",
        "thon xom",
        "tdp",
        "kdc",
        "khu pho",
        "xom",
        "ap",
        "ban",
        "to",
        "khu",
    ),
}
HOUSEHOLD_FIELDS = tuple(name for name in FIELDS if name and name != "area")
HEADER_FIELDS = {name: field for field, names in HEADERS.items() for name in names}

TOTAL_LABELS = {"tong cong", "cong", "tong", "tong so", "tong so ho", "cong so ho"}
_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_ENUMERATION = re.compile(r"^\(?([ivxlc]+|\d{1,3}|[a-z])[.):\-]?\)?$")
_LEADING_ENUMERATION = re.compile(r"^([ivxlc]+|\d{1,3}|[a-z])[.):\-]\s*")
_AREA_PREFIX = re.compile(
    r"^(thon|xom|ap|ban|buon|lang|khu dan cu|kdc|khu pho|kp|khu|to dan pho|tdp|to)\s+(so\s+)?"
)


def progress_key(batch_pk: int) -> str:
    """The cache key of a commit's progress, written while its transaction is open."""
    return f"household-import-{batch_pk}"


def max_bytes() -> int:
    return settings.HOUSEHOLD_IMPORT_MAX_BYTES


def max_unpacked() -> int:
    return max_bytes() * UNPACKED_PER_BYTE


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}".replace(".", ",")


# Refusals ----------------------------------------------------------------------------


def too_big() -> str:
    return _(
        "Tệp lớn hơn %(mb)s MB nên không được nhận. Hãy chia danh sách thành nhiều tệp "
        "(ví dụ mỗi thôn, tổ dân phố một tệp) rồi nhập lần lượt."
    ) % {"mb": _mb(max_bytes())}


def _empty() -> str:
    return _("Tệp trống, không có nội dung.")


def _not_supported() -> str:
    return _(
        "Tệp không phải tệp Excel (.xlsx, .xls) hay CSV nên không đọc được. Hãy mở danh "
        "sách bằng Excel, chọn Lưu thành → Sổ làm việc Excel (.xlsx) rồi tải lên."
    )


def _damaged() -> str:
    return _(
        "Tệp Excel bị hỏng, không mở được. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên."
    )


def _password() -> str:
    return _(
        "Tệp Excel đã được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu (Tệp → "
        "Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi "
        "tải lên."
    )


def _bomb() -> str:
    return _(
        "Tệp khi giải nén lớn hơn %(mb)s MB, không phải một danh sách hộ bình thường nên "
        "không được nhận."
    ) % {"mb": _mb(max_unpacked())}


def _too_many_rows() -> str:
    return _(
        "Tệp có hơn %(n)s dòng, quá nhiều cho một lần nhập. Hãy chia danh sách thành nhiều tệp."
    ) % {"n": f"{MAX_ROWS:,}".replace(",", ".")}


# The file as a whole -----------------------------------------------------------------


def _sniff(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(BOM_UTF16) or b"\0" not in head:
        return "csv"
    raise Refused(_not_supported())


def _contains(stream, needle: bytes) -> bool:
    """Whether the stream holds `needle`, read a chunk at a time."""
    stream.seek(0)
    tail = b""
    while block := stream.read(CHUNK):
        if needle in tail + block:
            return True
        tail = block[-len(needle) :]
    return False


def _zip_members(stream) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The members of an .xlsx, refused from its directory alone when it is encrypted,
    damaged, not a workbook, or would unpack past the cap (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise Refused(_damaged()) from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > max_unpacked():
        raise Refused(_bomb())
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused(_password())
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise Refused(_not_supported())
    return archive, members


def inspect_upload(uploaded) -> str:
    """The kind of an uploaded list ("xlsx", "xls" or "csv"), or a refusal, from what can
    be seen without reading it: its size, its first bytes, a zip's directory, an
    encrypted workbook's stream name. The background check reads the rest."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes():
        raise Refused(too_big())
    uploaded.seek(0)
    head = uploaded.read(8192)
    if not head:
        raise Refused(_empty())
    kind = _sniff(head)
    if kind == "xls" and _contains(uploaded, ENCRYPTED_OLE_STREAM):
        raise Refused(_password())
    if kind == "xlsx":
        _zip_members(uploaded)
    uploaded.seek(0)
    return kind


def _repack(source: Path, target: Path) -> None:
    """Unpack each member of the .xlsx at `source`, a chunk at a time, into a stored
    (uncompressed) zip at `target`. Python's zipfile stops each member at the size its
    directory declares and checks its CRC, so calamine, reading `target`, never unpacks
    anything that did not pass the size check; a part that declares a DTD or entities
    (an entity bomb) is refused on the way."""
    with source.open("rb") as stream:
        archive, members = _zip_members(stream)
        try:
            with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as packed:
                for member in members:
                    if member.is_dir():
                        continue
                    markup = member.filename.endswith((".xml", ".rels", ".vml"))
                    with archive.open(member) as part, packed.open(member.filename, "w") as out:
                        tail = b""
                        while block := part.read(CHUNK):
                            if markup and DECLARATION.search(tail + block):
                                raise Refused(_damaged())
                            tail = block[-16:]
                            out.write(block)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, ValueError):
            raise Refused(_damaged()) from None


@contextmanager
def _local_path(batch: ImportBatch, kind: str) -> Iterator[Path]:
    """The upload as a file on disk named by its kind (calamine reads by the suffix)."""
    with tempfile.TemporaryDirectory(prefix="household-import-") as folder:
        copy = Path(folder) / f"upload.{kind}"
        with batch.file.open("rb") as stream, copy.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        if kind == "xlsx":
            packed = Path(folder) / "packed.xlsx"
            _repack(copy, packed)
            copy.unlink()
            copy = packed
        yield copy


def _kind_of(batch: ImportBatch) -> str:
    """The stored file's kind, from its content, checked again as at upload."""
    with batch.file.open("rb") as stream:
        return inspect_upload(stream)


# Sheets and rows ---------------------------------------------------------------------


@dataclass
class Table:
    """A sheet with its header found: the header's cells and the rows below it, each
    with its number as the office sees it (Excel's row number, the CSV line)."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]
    expected_rows: int  # how many rows lie below the header, for the progress bar


def _header_field(text: str) -> str | None:
    """The field a column name names, None when unknown."""
    folded = _PARENTHESES.sub(" ", fold(text))
    whole = " ".join(_NOT_LETTERS.sub(" ", folded).split())
    if whole in HEADER_FIELDS:
        return HEADER_FIELDS[whole]
    for part in re.split(r"[/,;]| hoac ", folded):
        part = " ".join(_NOT_LETTERS.sub(" ", part).split())
        if part in HEADER_FIELDS:
            return HEADER_FIELDS[part]
    return None


def _header_score(cells: list) -> int:
    fields = {_header_field(text) for text in map(cell_text, cells) if text}
    fields.discard(None)
    if "head_name" not in fields and len(fields) < 2:
        return 0
    return len(fields) + ("head_name" in fields)


def _find_header(head: list[list]) -> int | None:
    """The index of the header among the first rows: the row naming most known columns,
    else the first row of two or more text cells (its columns then go to the mapping)."""
    scores = [_header_score(row) for row in head]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    for index, row in enumerate(head):
        texts = [cell_text(value) for value in row if cell_text(value)]
        if len(texts) >= 2 and all(isinstance(value, str) for value in row if value != ""):
            return index
    return None


def _table_from(rows: Iterator[list], expected: int) -> Table | None:
    head = list(islice(rows, HEADER_SCAN_ROWS))
    found = _find_header(head)
    if found is None:
        return None
    body = enumerate(chain(head[found + 1 :], rows), start=found + 2)
    header = [cell_text(value) for value in head[found]]
    return Table(header, found + 1, body, max(expected - found - 1, 0))


def _excel_table(path: Path) -> Table:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = [
            meta.name
            for meta in book.sheets_metadata
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        for name in sheets or book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            end = sheet.end
            expected = end[0] + 1 if end else 0
            if expected > MAX_ROWS + HEADER_SCAN_ROWS:
                raise Refused(_too_many_rows())
            table = _table_from(iter(sheet.iter_rows()), expected)
            if table is not None:
                return table
    except python_calamine.PasswordError:
        raise Refused(_password()) from None
    except Refused:
        raise
    except Exception:  # whatever calamine makes of a damaged file, the answer is the same
        raise Refused(_damaged()) from None
    raise Refused(_no_header())


def _no_header() -> str:
    return _(
        "Không tìm thấy dòng tên cột của danh sách trong %(n)s dòng đầu (ví dụ “Họ và tên "
        "chủ hộ”, “Địa chỉ”). Hãy để tên các cột trên cùng một dòng, ngay trên danh sách."
    ) % {"n": HEADER_SCAN_ROWS}


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without its mark) or UTF-16 when the bytes are that; else
    Windows-1258, or Latin-1 when the text was typed in TCVN3 or VNI (converted later)."""
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(BOM_UTF16):
            return "utf-16"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := stream.read(CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        stream.seek(0)
        sample = stream.read(65536).decode("latin-1")
    return "latin-1" if detect_legacy_encoding(sample) else "cp1258"


def _csv_table(path: Path) -> Table:
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, newline="") as text:
        sample = text.read(65536)
    with path.open("rb") as stream:
        expected = 1 + sum(block.count(b"\n") for block in iter(lambda: stream.read(CHUNK), b""))
    if expected > MAX_ROWS + HEADER_SCAN_ROWS:
        raise Refused(_too_many_rows())
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    text = path.open("r", encoding=encoding, newline="")
    table = _table_from(iter(csv.reader(text, delimiter=delimiter)), expected)
    if table is None:
        text.close()
        raise Refused(_no_header())
    table.rows = _closing(table.rows, text)
    return table


def _closing(rows: Iterator, stream) -> Iterator:
    """The rows of a CSV, its file closed at the end; a line the csv module cannot
    split refuses the file."""
    number = 0
    try:
        for number, cells in rows:
            yield number, cells
    except csv.Error:
        raise Refused(
            _("Tệp CSV bị lỗi ở sau dòng %(n)s, không đọc được. Hãy mở tệp bằng Excel rồi lưu lại.")
            % {"n": number}
        ) from None
    finally:
        stream.close()


@contextmanager
def open_table(batch: ImportBatch) -> Iterator[Table]:
    kind = _kind_of(batch)
    with _local_path(batch, kind) as path:
        if kind == "csv":
            table = _csv_table(path)
        else:
            table = _excel_table(path)
        try:
            yield table
        finally:
            if hasattr(table.rows, "close"):
                table.rows.close()


# Cells -------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: whole numbers without decimals (a household number 12, not 12,0),
    dates dd/mm/yyyy, text converted from NFD, TCVN3 or VNI to NFC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if value.isascii():  # nothing to convert or compose
            return " ".join(value.split())
        return to_unicode(value)
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return format_date(value)
    return to_unicode(str(value))


def cells_text(cells: list) -> list[str]:
    """cell_text() of a row, the common cells (text, whole numbers) without a call each:
    this runs for every cell of every row."""
    texts = []
    for value in cells:
        kind = type(value)
        if kind is str:
            if not value:
                texts.append("")
            elif value.isascii():
                texts.append(" ".join(value.split()))
            else:
                texts.append(to_unicode(value))
        elif kind is float and value.is_integer():
            texts.append(str(int(value)))
        else:
            texts.append(cell_text(value))
    return texts


def _phone_text(value) -> str:
    """A phone number that Excel kept as a number has lost its leading zero."""
    text = cell_text(value)
    if isinstance(value, int | float) and len(text) == 9:
        return "0" + text
    return text


def _fold_table() -> dict[int, str | None]:
    """Each lower-case Latin letter with diacritics → its bare letter, combining marks →
    nothing: fold() as one str.translate for the text of a household list."""
    table: dict[int, str | None] = {}
    for point in (*range(0x80, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)):
        char = chr(point)
        if unicodedata.category(char) == "Mn":
            table[point] = None
        elif char == char.lower():
            bare = fold(char)
            if bare != char and len(bare) == 1 and bare.isascii():
                table[point] = bare
    return table


_FOLD = _fold_table()


def quick_fold(text: str) -> str:
    """fold(), twice as fast on Vietnamese text; fold() itself for anything else."""
    bare = text.lower().translate(_FOLD)
    if bare.isascii():
        return " ".join(bare.split())
    return fold(text)


def household_key(head: str, address: str, number: str = "") -> str:
    """Household.key_for(), on quick_fold()."""
    if number.strip():
        return "#" + quick_fold(number).replace(" ", "")
    return f"{quick_fold(head)}|{quick_fold(address)}"[:400]


def _folded_label(text: str) -> str:
    return " ".join(_NOT_LETTERS.sub(" ", fold(text)).split())


def _is_total(texts: list[str]) -> bool:
    """A "Tổng cộng" / "Cộng" row under the list."""
    for text in texts[:3]:
        if text[0] not in "TtCc" or len(text) > 30:  # most cells, without folding them
            continue
        label = _folded_label(text)
        if label in TOTAL_LABELS or label.startswith("tong cong"):
            return True
    return False


SIGNATURE_WORDS = ("nguoi lap", "ky, ghi ro", "ky ghi ro", "xac nhan", "(ky", "ngay thang nam")


def _is_signature(texts: list[str]) -> bool:
    """The signature block under a list: "Người lập biểu", "(Ký, ghi rõ họ tên)" …"""
    return any(word in fold(text) for text in texts[:4] for word in SIGNATURE_WORDS)


def _numbered(texts: list[str]) -> bool:
    """A list row starts with its sequence number (STT) in one of its first cells."""
    return any(text.strip().rstrip(".").isdigit() for text in texts[:2] if text)


def _is_numbering(texts: list[str]) -> bool:
    """The row of column numbers under a header: (1) (2) (3) … or A B 1 2 …"""
    return len(texts) >= 2 and all(_ENUMERATION.match(fold(text)) for text in texts)


# Areas -------------------------------------------------------------------------------


class AreaIndex:
    """The residential areas rows may name: by folded name, by code, or by the name
    without its kind ("Đông" for "Thôn Đông", "5" for "Tổ dân phố số 5")."""

    def __init__(self, areas: Iterable[Unit]):
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_code: dict[str, set[int]] = defaultdict(set)
        self.by_short: dict[str, set[int]] = defaultdict(set)
        self.found: dict[tuple[str, bool], set[int]] = {}  # rows repeat the same few names
        for area in areas:
            self.by_name[_folded_label(area.name)].add(area.pk)
            self.by_code[_folded_label(area.code)].add(area.pk)
            self.by_short[_short(area.name)].add(area.pk)

    def find(self, text: str, *, loose: bool = True) -> set[int]:
        found = self.found.get((text, loose))
        if found is None:
            found = self._find(text, loose)
            if len(self.found) < 10_000:
                self.found[text, loose] = found
        return found

    def _find(self, text: str, loose: bool) -> set[int]:
        label = _folded_label(text)
        if not label:
            return set()
        for table in (self.by_name, self.by_code):
            if label in table:
                return table[label]
        if loose:
            return self.by_short.get(_short(text), set())
        return set()


def _short(name: str) -> str:
    return _AREA_PREFIX.sub("", _folded_label(name))


def importable_areas(batch: ImportBatch) -> list[Unit]:
    """Areas the batch may write to: the unit itself when it is an area, else the areas
    under it on today's map; only those its uploader may edit."""
    editable = units_for_user(batch.created_by, EDITORS)
    if batch.unit.kind == Unit.Kind.RESIDENTIAL_AREA:
        areas = editable.filter(pk=batch.unit_id)
    else:
        areas = editable.filter(pk__in=areas_below(batch.unit, timezone.localdate()))
    return list(areas.only("pk", "name", "code"))


# Mapping -----------------------------------------------------------------------------


def auto_mapping(header: list[str]) -> tuple[dict[int, str], list[int]]:
    """{column: field} for the known column names, and the columns left unknown."""
    mapping: dict[int, str] = {}
    unknown = []
    for index, text in enumerate(header):
        if not text:
            continue
        found = _header_field(text)
        if found is None:
            unknown.append(index)
        else:
            mapping[index] = found
    return mapping, unknown


def mapping_problems(mapping: dict[int, str]) -> list[str]:
    """What is wrong with a mapping of columns to fields, as sentences."""
    problems = []
    used = Counter(name for name in mapping.values() if name)
    if used["head_name"] == 0:
        problems.append(_("Hãy chọn cột “Họ và tên chủ hộ”: cột này bắt buộc."))
    for name, count in used.items():
        if name not in FIELDS:
            problems.append(_("Trường “%(name)s” không có.") % {"name": name})
        elif count > 1:
            problems.append(
                _("Trường “%(field)s” được chọn cho %(n)s cột; mỗi trường chỉ chọn một cột.")
                % {"field": FIELDS[name], "n": count}
            )
    return problems


def _stored_mapping(batch: ImportBatch) -> dict[int, str]:
    return {int(index): name for index, name in (batch.mapping or {}).items()}


def _samples(table: Table, columns: int, limit: int = 3) -> list[list[str]]:
    """The first values of each column, from the first rows below the header, to help
    the user tell what a column holds."""
    samples: list[list[str]] = [[] for _ in range(columns)]
    for _number, cells in islice(table.rows, 20):
        for index, text in enumerate(cells_text(cells)[:columns]):
            if text and len(samples[index]) < limit:
                samples[index].append(text[:SHOWN_VALUE_LENGTH])
    return samples


def _ask_mapping(batch: ImportBatch, table: Table, mapping: dict[int, str]) -> None:
    samples = _samples(table, len(table.header))
    batch.headers = [
        {
            "index": index,
            "text": text[:SHOWN_VALUE_LENGTH],
            "field": mapping.get(index, ""),
            "known": index in mapping,
            "samples": samples[index],
        }
        for index, text in enumerate(table.header)
        if text or samples[index]
    ]
    batch.status = ImportBatch.Status.MAPPING
    batch.message = _("Có cột chưa nhận ra tên; hãy chọn mỗi cột ứng với thông tin nào.")
    batch.save(update_fields=["headers", "status", "message"])


# Checking ----------------------------------------------------------------------------


class Rejected(Exception):
    """A row refused, with the reason a person reads."""


@dataclass
class Checker:
    """The state of a check across the rows of one file."""

    batch: ImportBatch
    mapping: dict[int, str]
    areas: AreaIndex
    existing: set[tuple[int, str]]
    stage: object  # a text stream of accepted rows, one JSON array a line
    single_area: int | None  # the area every row goes to, when the unit is an area
    header_row: int = 0
    seen: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)  # → row, new?
    duplicates: dict[int, tuple[int, bool]] = field(default_factory=dict)  # first → later
    rejected: list[dict] = field(default_factory=list)
    accepted: int = 0
    unchanged: int = 0
    section: int | str | None = None  # the area a heading row named, or why it is refused
    data_rows: int = 0
    after_total: bool = False  # below a total row come signatures, not households

    def row(self, number: int, cells: list) -> None:
        """Skip blank, total, numbering and heading rows; accept or reject the others."""
        texts = cells_text(cells)
        shown = [text for text in texts if text]
        if not shown:
            return
        if _is_total(shown):
            self.after_total = True
            return
        if _is_signature(shown):
            return
        if not self.data_rows and number <= self.header_row + 3 and _is_numbering(shown):
            return
        values = self._values(cells, texts)
        if len(shown) <= 2 and self._heading(shown, values):
            self.after_total = False
            return
        if self.after_total and not _numbered(texts):
            return  # "Người lập biểu", a signer's name, a date line under the total
        if not any(values.get(name) for name in HOUSEHOLD_FIELDS):
            return
        self.data_rows += 1
        try:
            self._accept(number, values)
        except Rejected as reason:
            self._reject(number, str(reason), shown)

    def _values(self, cells: list, texts: list[str]) -> dict[str, object]:
        values: dict[str, object] = {}
        for index, name in self.mapping.items():
            if not name or index >= len(cells):
                continue
            values[name] = _phone_text(cells[index]) if name == "phone" else texts[index]
        return values

    def _heading(self, shown: list[str], values: dict) -> bool:
        """A row naming an area alone ("II. Thôn Đoài") heads the households below it; in
        an area's own list a row naming the area is its title."""
        texts = [text for text in shown if not _ENUMERATION.match(fold(text))]
        if len(texts) != 1:
            return False
        text = _LEADING_ENUMERATION.sub("", fold(texts[0]))
        is_area_word = bool(_AREA_PREFIX.match(_folded_label(text)))
        found = self.areas.find(text, loose=is_area_word)
        if self.single_area is not None:
            return found == {self.single_area}
        if len(found) == 1:
            self.section = next(iter(found))
            return True
        if is_area_word and not any(values.get(n) for n in ("number", "address", "members")):
            self.section = self._ambiguous(texts[0]) if found else self._outside(texts[0])
            return True
        return False

    def _area(self, values: dict) -> int:
        text = str(values.get("area") or "")
        if self.single_area is not None:
            if text and self.single_area not in self.areas.find(text):
                raise Rejected(self._outside(text))
            return self.single_area
        if not text:
            if isinstance(self.section, int):
                return self.section
            if isinstance(self.section, str):
                raise Rejected(self.section)
            raise Rejected(_("Chưa ghi thôn, tổ dân phố của hộ."))
        found = self.areas.find(text)
        if not found:
            raise Rejected(self._outside(text))
        if len(found) > 1:
            raise Rejected(self._ambiguous(text))
        return next(iter(found))

    def _outside(self, text: str) -> str:
        return _(
            "Không có “%(area)s” trong các khu dân cư của %(unit)s mà bạn được quyền nhập."
        ) % {"area": text[:SHOWN_VALUE_LENGTH], "unit": self.batch.unit.name}

    def _ambiguous(self, text: str) -> str:
        return _("Có nhiều khu dân cư tên “%(area)s” trong %(unit)s; hãy ghi mã khu dân cư.") % {
            "area": text[:SHOWN_VALUE_LENGTH],
            "unit": self.batch.unit.name,
        }

    def _accept(self, number: int, values: dict) -> None:
        area = self._area(values)
        try:
            fields = services.household_fields(values)
        except ValidationError as error:
            raise Rejected(" ".join(error.messages)) from None
        folded = quick_fold(fields["head_name"])
        by_name = f"{folded}|{quick_fold(fields['address'])}"[:400]
        number_key = household_key("", "", fields["number"]) if fields["number"] else ""
        key = number_key or by_name
        first = self._first(area, key, by_name)
        if first is not None:
            self.duplicates.setdefault(first[0], (number, first[1]))
            raise Rejected(
                _(
                    "Trùng với hộ ở dòng %(first)s của tệp (cùng số hộ, hoặc cùng họ tên chủ "
                    "hộ và địa chỉ); mỗi hộ chỉ ghi một dòng."
                )
                % {"first": first[0]}
            )
        new = not is_known(self.existing, area, key, by_name)
        self.seen[(area, key)] = (number, new)
        if key != by_name:
            self.seen[(area, "~" + by_name)] = (number, new)
        if not new:
            self.unchanged += 1
            return
        self.accepted += 1
        staged = [number, area, key, by_name, folded, *(fields[name] for name in STAGED_FIELDS)]
        self.stage.write(json.dumps(staged, ensure_ascii=False) + "\n")

    def refuse_duplicated_first_rows(self) -> set[int]:
        """Refuse the first row of each household found twice (the later rows were
        refused as they came), and answer the new ones among them, to drop from the
        stage."""
        drop = set()
        for first, (later, new) in self.duplicates.items():
            if new:
                self.accepted -= 1
                drop.add(first)
            else:
                self.unchanged -= 1
            reason = _("Trùng với hộ ở dòng %(later)s của tệp; hãy giữ một dòng cho mỗi hộ.")
            self.rejected.append({"row": first, "reason": reason % {"later": later}, "values": []})
        _fill_first_values(self)
        return drop

    def _first(self, area: int, key: str, by_name: str) -> tuple[int, bool] | None:
        """The earlier row of the file that is the same household, as is_known() finds a
        household already in the area."""
        others = (key, by_name) if key != by_name else (key, "~" + key)
        for other in others:
            if (area, other) in self.seen:
                return self.seen[area, other]
        return None

    def _reject(self, number: int, reason: str, shown: list[str]) -> None:
        values = [text[:SHOWN_VALUE_LENGTH] for text in shown[:SHOWN_VALUES]]
        self.rejected.append({"row": number, "reason": reason, "values": values})


def existing_keys(area_ids: Iterable[int]) -> set[tuple[int, str]]:
    """What identifies the households living in the areas: each one's key, and for a
    household with a number also "~" + its name and address, so that a list without
    numbers still finds it."""
    keys: set[tuple[int, str]] = set()
    rows = Household.objects.filter(area_id__in=list(area_ids), gone_on__isnull=True)
    for area_id, key, head, address in rows.values_list(
        "area_id", "match_key", "head_name", "address"
    ).iterator(chunk_size=5000):
        keys.add((area_id, key))
        if key.startswith("#"):
            keys.add((area_id, "~" + household_key(head, address)))
    return keys


def is_known(keys: set[tuple[int, str]], area: int, key: str, by_name: str) -> bool:
    """Whether a row is a household already living in the area: the same number, or the
    same head and address where one of the two has no number (`by_name` is the row's
    key without its number)."""
    if key != by_name:
        return (area, key) in keys or (area, by_name) in keys
    return (area, key) in keys or (area, "~" + key) in keys


def staged_name(batch: ImportBatch) -> str:
    return f"households/imports/batch-{batch.pk}-rows.jsonl.gz"


def _save_staged(batch: ImportBatch, stream, drop: set[int]) -> None:
    """Keep the accepted rows next to the upload, without the rows found duplicated
    later in the file."""
    storage = batch.file.storage
    name = staged_name(batch)
    stream.seek(0)
    with tempfile.TemporaryFile() as packed:
        with gzip.open(packed, "wt", encoding="utf-8", compresslevel=1) as out:
            for line in stream:
                if drop and json.loads(line)[0] in drop:
                    continue
                out.write(line)
        packed.seek(0)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, File(packed, name=Path(name).name))


def staged_rows(batch: ImportBatch) -> Iterator[list]:
    storage = batch.file.storage
    with (
        storage.open(staged_name(batch), "rb") as raw,
        gzip.open(raw, "rt", encoding="utf-8") as rows,
    ):
        for line in rows:
            yield json.loads(line)


def drop_staged(batch: ImportBatch) -> None:
    storage = batch.file.storage
    if storage.exists(staged_name(batch)):
        storage.delete(staged_name(batch))


def _progress(batch: ImportBatch, done: int, total: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(done_rows=done, total_rows=max(total, done))


def check_batch(batch: ImportBatch) -> ImportBatch:
    """Read and check every row; write nothing to the registers. Ends in "mapping" when
    columns need the user, "checked" with the counts and the rejected rows, or "failed"
    with the reason the file cannot be read."""
    waiting = (ImportBatch.Status.QUEUED, ImportBatch.Status.CHECKING)
    started = ImportBatch.objects.filter(pk=batch.pk, status__in=waiting).update(
        status=ImportBatch.Status.CHECKING, done_rows=0, total_rows=0
    )
    if not started:  # cancelled while it waited, or already checked
        batch.refresh_from_db()
        return batch
    batch.status = ImportBatch.Status.CHECKING
    try:
        with open_table(batch) as table:
            mapping = _stored_mapping(batch)
            if not mapping:
                mapping, unknown = auto_mapping(table.header)
                if unknown or mapping_problems(mapping):
                    _ask_mapping(batch, table, mapping)
                    return batch
            _check_rows(batch, table, mapping)
    except Refused as refusal:
        fail(batch, str(refusal))
    return batch


def _check_rows(batch: ImportBatch, table: Table, mapping: dict[int, str]) -> None:
    areas = importable_areas(batch)
    if not areas:
        raise Refused(
            _("Bạn không có quyền nhập hộ gia đình cho %(unit)s.") % {"unit": batch.unit.name}
        )
    single = batch.unit_id if batch.unit.kind == Unit.Kind.RESIDENTIAL_AREA else None
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stage:
        checker = Checker(
            batch=batch,
            mapping=mapping,
            areas=AreaIndex(areas),
            existing=existing_keys(area.pk for area in areas),
            stage=stage,
            single_area=single,
            header_row=table.header_row,
        )
        total = table.expected_rows
        _progress(batch, 0, total)
        for seen, (number, cells) in enumerate(table.rows, start=1):
            if seen > MAX_ROWS:
                raise Refused(_too_many_rows())
            checker.row(number, cells)
            if seen % PROGRESS_EVERY == 0:
                _progress(batch, seen, total)
        _save_staged(batch, stage, checker.refuse_duplicated_first_rows())
    batch.accepted = checker.accepted
    batch.unchanged = checker.unchanged
    batch.rejected = sorted(checker.rejected, key=lambda row: row["row"])
    batch.total_rows = batch.done_rows = checker.data_rows
    batch.status = ImportBatch.Status.CHECKED
    batch.message = ""
    batch.save(
        update_fields=[
            "accepted",
            "unchanged",
            "rejected",
            "total_rows",
            "done_rows",
            "status",
            "message",
        ]
    )


def _fill_first_values(checker: Checker) -> None:
    """Show the first of duplicated rows with its values, read back from the stage."""
    if not checker.duplicates:
        return
    wanted = {row["row"]: row for row in checker.rejected if row["row"] in checker.duplicates}
    checker.stage.seek(0)
    for line in checker.stage:
        number, _area, _key, _by_name, _folded, *fields = json.loads(line)
        if number in wanted and not wanted[number]["values"]:
            wanted[number]["values"] = [
                str(value)[:SHOWN_VALUE_LENGTH] for value in fields if value not in ("", None)
            ]
    checker.stage.seek(0, io.SEEK_END)


def fail(batch: ImportBatch, message: str) -> None:
    """The batch cannot be imported: say why, and forget its rows and its file."""
    batch.status = ImportBatch.Status.FAILED
    batch.message = message
    batch.finished_at = timezone.now()
    drop_staged(batch)
    if batch.file:
        batch.file.delete(save=False)
    batch.save(update_fields=["status", "message", "finished_at", "file"])


# Committing --------------------------------------------------------------------------


class NotReady(Exception):
    """The batch is not waiting for its commit (already done, cancelled, never checked)."""


def commit_batch(batch: ImportBatch) -> ImportBatch:
    """Write every accepted row, in one transaction: households, their year, the
    counters and one audit event; or nothing. Progress goes to the cache, which other
    processes read while the transaction is open."""
    key = progress_key(batch.pk)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().select_related("unit").get(pk=batch.pk)
            if batch.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.IMPORTING):
                raise NotReady
            created, unchanged = _write(batch, key)
            # the households already on the list are on the year's register too
            for area in importable_areas(batch):
                year_rows_ensure(area, batch.year)
            batch.status = ImportBatch.Status.DONE
            batch.accepted = created
            batch.unchanged += unchanged
            batch.finished_at = timezone.now()
            batch.message = ""
            batch.save()
            _audit(batch, created)
    except NotReady:
        return batch
    except PermissionDenied as refusal:
        fail(batch, str(refusal))
    except Exception:
        _back_to_checked(batch)
        raise
    finally:
        cache.delete(key)
    drop_staged(batch)
    return batch


def _write(batch: ImportBatch, key: str) -> tuple[int, int]:
    allowed = {area.pk for area in importable_areas(batch)}
    # One import at a time per area, so that two lists cannot add the same household.
    list(Unit.objects.select_for_update().filter(pk__in=allowed).values_list("pk", flat=True))
    known = existing_keys(allowed)
    writer = Writer(batch.year)
    unchanged = done = 0
    cache.set(key, {"done": 0, "total": batch.accepted}, timeout=24 * 3600)
    rows = staged_rows(batch)
    while chunk := list(islice(rows, COMMIT_CHUNK)):
        new = []
        for _number, area, match_key, by_name, folded, *values in chunk:
            if area not in allowed:
                raise PermissionDenied(
                    _("Bạn không còn quyền nhập hộ cho một số khu dân cư trong danh sách.")
                )
            if is_known(known, area, match_key, by_name):
                unchanged += 1
                continue
            known.add((area, match_key))
            new.append((area, match_key, folded, dict(zip(STAGED_FIELDS, values, strict=True))))
        writer.write(new)
        done += len(chunk)
        cache.set(key, {"done": done, "total": batch.accepted}, timeout=24 * 3600)
    counters.apply(writer.totals)
    return writer.created, unchanged


class YearRow(NamedTuple):
    """What counters.contributions() reads of a household-year."""

    household_id: int
    year: int
    area_id: int
    present: bool
    registered: bool
    result: str
    official: bool
    poverty: str


class Writer:
    """Inserts new households with their year and adds up what they count for. On
    PostgreSQL by COPY, the households' ids drawn from their sequence first; elsewhere by
    bulk_create. Each column that is the same for every row (the year's defaults, the
    times) is converted once, by its field, as bulk_create would."""

    VARYING = ("area_id", "match_key", "head_name_folded", *STAGED_FIELDS)

    def __init__(self, year: int):
        self.year = year
        self.created = 0
        self.totals: dict = defaultdict(Counter)
        self.copy = connection.vendor == "postgresql"
        template = HouseholdYear(year=year)
        self.year_row = [getattr(template, name) for name in YearRow._fields[3:]]
        if self.copy:
            self.household_constants = _constants(Household(), self.VARYING)
            self.year_constants = _constants(template, ("household_id", "area_id"))

    def write(self, new: list[tuple[int, str, str, dict]]) -> None:
        if not new:
            return
        if self.copy:
            ids = self._copy(new)
        else:
            ids = self._bulk_create(new)
        years = [
            YearRow(pk, self.year, area, *self.year_row)
            for pk, (area, *_rest) in zip(ids, new, strict=True)
        ]
        for place, counts in counters.contributions(years).items():
            self.totals[place] += counts
        self.created += len(new)

    def _bulk_create(self, new) -> list[int]:
        households = [
            Household(area_id=area, match_key=key, head_name_folded=folded, **f)
            for area, key, folded, f in new
        ]
        Household.objects.bulk_create(households, batch_size=COMMIT_CHUNK)
        HouseholdYear.objects.bulk_create(
            [
                HouseholdYear(household_id=h.pk, year=self.year, area_id=h.area_id)
                for h in households
            ],
            batch_size=COMMIT_CHUNK,
        )
        return [h.pk for h in households]

    def _copy(self, new) -> list[int]:
        table = Household._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(new)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            constants = list(self.household_constants.values())
            rows = (
                (pk, area, key, folded, *(f[name] for name in STAGED_FIELDS), *constants)
                for pk, (area, key, folded, f) in zip(ids, new, strict=True)
            )
            _copy_rows(cursor, Household, ["id", *self.VARYING, *self.household_constants], rows)
            constants = list(self.year_constants.values())
            rows = ((pk, area, *constants) for pk, (area, *_rest) in zip(ids, new, strict=True))
            columns = ["household_id", "area_id", *self.year_constants]
            _copy_rows(cursor, HouseholdYear, columns, rows)
        return ids


def _constants(template, varying: tuple[str, ...]) -> dict[str, object]:
    """{column: database value} of the fields other than the id and `varying`, for COPY
    on PostgreSQL."""
    from psycopg.types.json import Json, Jsonb

    values = {}
    for model_field in type(template)._meta.concrete_fields:
        if model_field.primary_key or model_field.attname in varying:
            continue
        value = model_field.pre_save(template, add=True)
        value = model_field.get_db_prep_save(value, connection)
        if isinstance(value, Json | Jsonb):  # dumped once here, not once a row by COPY
            value = (value.dumps or json.dumps)(value.obj)
        values[model_field.column] = value
    return values


def _copy_rows(cursor, model, columns: list[str], rows: Iterable[tuple]) -> None:
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _audit(batch: ImportBatch, created: int) -> None:
    audit_record(
        action="households.import",
        actor=batch.created_by,
        unit=batch.unit,
        obj=batch,
        summary=_("Nhập %(n)s hộ năm %(year)s từ tệp %(name)s")
        % {"n": created, "year": batch.year, "name": batch.original_name},
        after={
            "created": created,
            "unchanged": batch.unchanged,
            "rejected": len(batch.rejected),
            "year": batch.year,
            "file": batch.original_name,
        },
    )


def _back_to_checked(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKED,
        message=_(
            "Chưa nhập được vì có lỗi khi ghi; chưa có hộ nào được ghi. Hãy bấm xác nhận "
            "để thử lại, hoặc hủy."
        ),
    )


def commit_progress(batch: ImportBatch) -> tuple[int, int]:
    """(done, total) of a commit under way, from the cache."""
    found = cache.get(progress_key(batch.pk)) or {}
    return int(found.get("done", 0)), int(found.get("total", batch.accepted))


CANCELLABLE = (
    ImportBatch.Status.QUEUED,
    ImportBatch.Status.MAPPING,
    ImportBatch.Status.CHECKED,
    ImportBatch.Status.FAILED,
)


def cancel(batch: ImportBatch) -> bool:
    """Forget a batch that is not being worked on, its rows and its file; nothing of it
    was written. False when a job holds it or it is already imported."""
    cancelled = ImportBatch.objects.filter(pk=batch.pk, status__in=CANCELLABLE).update(
        status=ImportBatch.Status.CANCELLED, finished_at=timezone.now()
    )
    if not cancelled:
        return False
    batch.refresh_from_db()
    drop_staged(batch)
    if batch.file:
        batch.file.delete(save=False)
        batch.save(update_fields=["file"])
    return True
