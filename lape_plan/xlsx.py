"""Excel cells, written and read safely: the one place every xlsx writer and reader uses.

Writing: text is always a string cell (never a formula), characters XML cannot hold are
dropped, and text that starts like a formula also gets the quote prefix so that editing
it in a spreadsheet keeps it text. CSV gets a leading apostrophe instead. Workbooks get the
app's named styles from `new_workbook`, and tables a styled sheet from `write_sheet`.

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

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

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


def put_row(ws, row: int, values, style: str | None = None) -> list:
    """Write a row of values through `put`; returns its cells."""
    return [put(ws, row, col, value, style) for col, value in enumerate(values, 1)]


# ---------------------------------------------------------------- styled workbooks
# Every workbook the app writes looks alike: these named styles, a header row, wrapped text
# with row heights set, print setup. Column kinds: text, ref (shown, not imported), id
# (machine column), int, euro, percent.
_THIN = Side(style="thin", color="B7C4CF")
CELL_STYLE = {
    "text": "lape_text",
    "ref": "lape_text",
    "id": "lape_id",
    "int": "lape_int",
    "euro": "lape_euro",
    "percent": "lape_percent",
}
HEADER_STYLE = {"id": "lape_header_id", "ref": "lape_header_ref"}  # every other kind: lape_header
LINE_PT = 13.5  # one line of 10 pt text


def new_workbook() -> Workbook:
    """A workbook with the app's named styles (lape_header, lape_text, lape_title …)."""
    wb = Workbook()
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    top_wrap = Alignment(wrap_text=True, vertical="top")
    body = Font(size=10)
    styles = [
        NamedStyle(
            "lape_header",
            font=Font(bold=True, color="FFFFFF", size=10),
            fill=PatternFill("solid", fgColor="1F4E79"),
            border=border,
            alignment=top_wrap,
        ),
        NamedStyle(
            "lape_header_id",
            font=Font(bold=True, color="1F1F1F", size=10),
            fill=PatternFill("solid", fgColor="D9D9D9"),
            border=border,
            alignment=top_wrap,
        ),
        NamedStyle(
            "lape_header_ref",
            font=Font(bold=True, italic=True, color="1F1F1F", size=10),
            fill=PatternFill("solid", fgColor="DDEBF7"),
            border=border,
            alignment=top_wrap,
        ),
        NamedStyle("lape_text", font=body, border=border, alignment=top_wrap),
        NamedStyle(
            "lape_id",
            font=Font(color="595959", size=10),
            fill=PatternFill("solid", fgColor="F2F2F2"),
            border=border,
            alignment=Alignment(vertical="top"),
        ),
        NamedStyle("lape_int", font=body, border=border, alignment=Alignment(vertical="top"), number_format="0"),
        NamedStyle(
            "lape_euro", font=body, border=border, alignment=Alignment(vertical="top"), number_format='#,##0 "€"'
        ),
        NamedStyle(
            "lape_percent", font=body, border=border, alignment=Alignment(vertical="top"), number_format='0" %"'
        ),
        NamedStyle(
            "lape_title",
            font=Font(bold=True, size=14, color="1F4E79"),
            alignment=Alignment(wrap_text=True, vertical="top"),
        ),
        NamedStyle("lape_label", font=Font(bold=True, size=10), alignment=top_wrap),
        NamedStyle("lape_plain", font=body, alignment=top_wrap),
    ]
    for style in styles:
        wb.add_named_style(style)
    return wb


def line_count(value, width: float) -> int:
    """Lines a wrapped cell needs at this column width (about 1.15 characters of
    10 pt text per width unit). Spreadsheets do not grow rows for wrapped text on
    their own when opening a file, so the writer sets the heights."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(width * 1.15 - 1, 1)
    return sum(max(1, -(-len(part) // int(per_line))) for part in value.split("\n"))


def fit_row(ws, row: int, values, widths) -> None:
    lines = max((line_count(v, w) for v, w in zip(values, widths)), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = min(lines * LINE_PT + 3, 409)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid sheet name (31 characters, none of []:*?/\\), unique among `taken` (lower case; added)."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "-"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_sheet(
    wb: Workbook,
    title: str,
    headers: list[str],
    kinds: list[str],
    widths: list[float],
    rows,
    print_title: str,
    footer: str,
    printed: bool = True,
):
    """A table on a new sheet: a styled header row, the rows (text never a formula, illegal
    characters dropped, row heights for wrapped text), filter, frozen header and A4 landscape
    print setup with `print_title` above and `footer` below each page. Returns the sheet."""
    ws = wb.create_sheet(title)
    if (
        not printed
    ):  # a sheet for editing: hidden, and without a print area (LibreOffice prints a hidden sheet that has one)
        ws.sheet_state = "hidden"
    for c_i, (text, kind, width) in enumerate(zip(headers, kinds, widths), 1):
        put(ws, 1, c_i, text, HEADER_STYLE.get(kind, "lape_header"))
        ws.column_dimensions[get_column_letter(c_i)].width = width
    fit_row(ws, 1, headers, widths)
    # The body goes in through ws.append with ready-made cells that share one style
    # record per column: a third of the time of styling each cell by name.
    plain, quoted = [], []
    for kind in kinds:
        probe = Cell(ws)
        probe.style = CELL_STYLE[kind]
        plain.append(probe._style)
        quoted.append(StyleArray(probe._style))
        quoted[-1].quotePrefix = 1
    capacity = [max(int(w * 1.15 - 1), 1) for w in widths]
    count = 0
    for r_i, row in enumerate(rows, 2):
        count += 1
        cells, lines = [], 1
        for c_i, value in enumerate(row):
            if value.__class__ is str:
                value = ILLEGAL.sub("", value)
                cell = Cell(ws, value=value, style_array=quoted[c_i] if value.startswith(FORMULA_START) else plain[c_i])
                cell.data_type = "s"
                if len(value) > capacity[c_i] or "\n" in value:
                    lines = max(lines, line_count(value, widths[c_i]))
            else:
                cell = Cell(ws, value=value, style_array=plain[c_i])
            cells.append(cell)
        ws.append(cells)
        if lines > 1:
            ws.row_dimensions[r_i].height = min(lines * LINE_PT + 3, 409)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(count + 1, 2)}"
    if printed:
        ws.print_area = ws.auto_filter.ref
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddHeader.center.text = safe_text(print_title).replace("&", "&&")[:200]
    ws.oddFooter.right.text = footer
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    tail = data[-(65536 + 22) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
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
            for _, elem in etree.iterparse(
                source, events=("end",), tag=(cell_tag, row_tag), resolve_entities=False, no_network=True
            ):
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
            for cells in ws.iter_rows(
                min_row=min_row, max_row=max_row, max_col=self.limits.cols, values_only=values_only
            ):
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
