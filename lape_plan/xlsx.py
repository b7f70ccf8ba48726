"""Excel cells, written and read safely: the one place every xlsx writer and reader uses.

Writing: text is always a string cell (never a formula), characters XML cannot hold are
dropped, and text that starts like a formula also gets the quote prefix so that editing
it in a spreadsheet keeps it text. CSV gets a leading apostrophe instead.

Reading an uploaded workbook: a small file can unpack to gigabytes, and openpyxl's normal
mode keeps every cell as an object (about 1 KB each). So the zip directory is checked
first (number of parts and their declared unpacked sizes, which zipfile enforces while
unpacking: a part that unpacks to more than it declares fails its CRC check), then the
workbook is opened in read-only (streaming) mode, which parses no sheet until it is read,
and sheets are read row by row with caps on rows and cells."""
from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from dataclasses import dataclass

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .errors import LapeError

log = logging.getLogger(__name__)

# Text starting with one of these may be read as a formula (or DDE) by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL = ILLEGAL_CHARACTERS_RE


def safe_text(value) -> str:
    """Characters XML (and so xlsx) cannot hold are dropped."""
    return ILLEGAL.sub("", str(value))


def csv_safe(value):
    """The CSV convention against formula injection: a leading apostrophe. Non-text is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def put(ws, row: int, col: int, value, style: str | None = None):
    """Write one cell; text is always a string cell (never a formula), and text that
    starts like a formula gets the quote prefix so that editing it keeps it text."""
    cell = ws.cell(row=row, column=col)
    if style:
        cell.style = style  # first: setting a named style resets the quote prefix
    if isinstance(value, str):
        value = safe_text(value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put_row(ws, row: int, values) -> list:
    """Write a row of values through `put`; returns its cells."""
    return [put(ws, row, col, value) for col, value in enumerate(values, 1)]


# ---------------------------------------------------------------- reading uploads
class Refused(LapeError):
    """An uploaded file refused before or while reading it. Callers turn it into their
    ImportRejected with the file or sheet name; `key` and `params` give the reason."""

    key = "uploads.unreadable"


@dataclass(frozen=True)
class ReadLimits:
    unpacked: int  # bytes of all parts together, as declared in the zip directory
    sheet: int  # bytes of one worksheet's XML (parsing time grows with it)
    part: int  # bytes of any other part, e.g. shared strings, which openpyxl reads whole
    rows: int  # rows read, over every sheet read through one RowBudget
    cells: int  # cells (<c> elements) of the sheets read, likewise
    cols: int  # columns looked at in a row (cells further right are not read)
    parts: int = 2000  # zip members
    elements: int = 2_000_000  # XML elements of one part that openpyxl parses whole when it opens the file
    scan_above: int = 1_000_000  # bytes: smaller parts cannot hold enough elements to matter


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f}"


def _zip_entries(data: bytes) -> int | None:
    """Entries in the zip's end-of-central-directory record, read before zipfile builds an
    object per entry (a small file can declare hundreds of thousands). None when absent."""
    tail = data[-(65536 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    return entries


def check_zip(data: bytes, limits: ReadLimits) -> None:
    """Refuse a file whose zip directory declares too many parts or too much unpacked data,
    without unpacking anything."""
    entries = _zip_entries(data)
    if entries is not None and entries > limits.parts:  # 0xFFFF also means zip64: never an upload of ours
        raise Refused("uploads.too_many_parts", count=entries, max=limits.parts)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as err:
        raise Refused("export.rt.not_xlsx", detail=type(err).__name__) from None
    if len(infos) > limits.parts:
        raise Refused("uploads.too_many_parts", count=len(infos), max=limits.parts)
    total = 0
    for info in infos:
        total += info.file_size
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        cap = limits.sheet if is_sheet else limits.part
        if info.file_size > cap:
            raise Refused("uploads.part_too_large", part=info.filename[-80:], mb=_mb(info.file_size), max=_mb(cap))
    if total > limits.unpacked:
        raise Refused("uploads.unpacked", size=_mb(total), mb=_mb(limits.unpacked))


_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")


def _parsed_whole(z: zipfile.ZipFile, info) -> bool:
    """Whether opening the workbook would parse this big part to its end: shared strings
    are read whole, and a sheet without a <dimension> before its data is parsed through
    to find its size. openpyxl's parser keeps every element it has read until a parent
    closes, about 75 bytes each, so the elements of such a part are counted first."""
    if info.file_size <= 0:
        return False
    with z.open(info) as f:
        head = f.read(16384)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False  # not XML
    dimension, data = _DIMENSION.search(head), _SHEET_DATA.search(head)
    return not (dimension and (not data or dimension.start() < data.start()))


def _count_elements(source, part: str, limit: int) -> None:
    """Count the elements of an XML part in constant memory; refuse beyond `limit`."""
    from lxml import etree

    n = 0
    for _, elem in etree.iterparse(source, events=("end",), resolve_entities=False, no_network=True):
        n += 1
        if n > limit:
            raise Refused("uploads.too_many_elements", part=part[-80:], max=limit)
        elem.clear()
        while elem.getprevious() is not None:  # what was read is dropped as it goes
            del elem.getparent()[0]


def open_workbook(data: bytes, limits: ReadLimits, data_only: bool = False):
    """The workbook in read-only mode (close it after use), after `check_zip` and after
    counting the elements of the big parts that opening it parses whole. `data_only`: a
    formula cell gives its last computed value instead of the formula."""
    import openpyxl

    check_zip(data, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                if info.file_size > limits.scan_above and _parsed_whole(z, info):
                    with z.open(info) as source:
                        _count_elements(source, info.filename, limits.elements)
    except Refused:
        raise
    except Exception as err:  # broken XML, a part failing its CRC check, …
        log.info("unreadable workbook part: %r", err)
        raise Refused("export.rt.not_xlsx", detail=type(err).__name__) from None
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as err:  # openpyxl and lxml raise many kinds for a broken workbook
        log.info("unreadable workbook: %r", err)
        raise Refused("export.rt.not_xlsx", detail=type(err).__name__) from None


def declared_size(ws) -> tuple[int, int]:
    """(rows, columns) the sheet's <dimension> declares; (0, 0) when it declares none."""
    return ws.max_row or 0, ws.max_column or 0


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW_CELLS = 16_384  # Excel's last column: no real row has more cells


class RowBudget:
    """Counts rows and cells over the sheets read for one upload, and refuses the upload
    as soon as it goes beyond the limits."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.rows = 0  # rows read, by their numbers (gaps included)
        self.xml_rows = 0  # <row> elements in the sheets' XML
        self.cells = 0  # <c> elements in the sheets' XML

    def check_declared(self, ws) -> None:
        """Refuse at once a sheet whose declared dimension is beyond the caps (cheap: the
        dimension is the first element of the sheet's XML). A sheet may declare less than
        it holds; the XML is counted again before openpyxl reads it."""
        rows, cols = declared_size(ws)
        if self.rows + rows > self.limits.rows:
            raise Refused("uploads.too_many_rows", sheet=ws.title, max=self.limits.rows)
        if self.cells + rows * cols > self.limits.cells:
            raise Refused("uploads.too_many_cells", sheet=ws.title, max=self.limits.cells)

    def scan(self, ws) -> None:
        """Count the sheet's rows and cells in its XML in constant memory. openpyxl builds each
        row whole before handing it out, so one row of millions of cells must be refused first."""
        from lxml import etree

        cell_tag, row_tag, in_row = _MAIN + "c", _MAIN + "row", 0
        with ws.parent._archive.open(ws._worksheet_path) as source:  # the part openpyxl would read
            for _, elem in etree.iterparse(source, events=("end",), tag=(cell_tag, row_tag),
                                           resolve_entities=False, no_network=True):
                if elem.tag == cell_tag:
                    in_row += 1
                    self.cells += 1
                    if in_row > ROW_CELLS or self.cells > self.limits.cells:
                        raise Refused("uploads.too_many_cells", sheet=ws.title, max=self.limits.cells)
                else:
                    in_row = 0
                    self.xml_rows += 1
                    if self.xml_rows > self.limits.rows:
                        raise Refused("uploads.too_many_rows", sheet=ws.title, max=self.limits.rows)
                elem.clear()
                while elem.getprevious() is not None:  # what was read is dropped as it goes
                    del elem.getparent()[0]

    def rows_of(self, ws, min_row: int = 1, max_row: int | None = None, values_only: bool = False):
        """Yield (row number, cells) of at most `limits.cols` columns, after checking the
        sheet's declared size and counting its XML. Rows are numbered as in the sheet even
        where some are missing (those come as empty rows)."""
        try:
            self.check_declared(ws)
            self.scan(ws)
            ws.reset_dimensions()  # read every row there is, not what the sheet claims
            number = min_row - 1
            for cells in ws.iter_rows(min_row=min_row, max_row=max_row, max_col=self.limits.cols,
                                      values_only=values_only):
                number += 1
                self.rows += 1
                if self.rows > self.limits.rows:
                    raise Refused("uploads.too_many_rows", sheet=ws.title, max=self.limits.rows)
                yield number, cells
        except Refused:
            raise
        except Exception as err:  # broken XML, a part failing its CRC check, …
            log.info("unreadable sheet %r: %r", ws.title, err)
            raise Refused("uploads.sheet_unreadable", sheet=ws.title, detail=type(err).__name__) from None
