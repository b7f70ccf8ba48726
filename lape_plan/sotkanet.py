"""Sotkanet file formats (the live client is in sotkanet_client.py).

Parsers turn a file into plain rows or refuse it whole (ImportRejected, listing
file, row and reason); they know nothing about the database. Formats:
- REST JSON data rows: [{"indicator", "region", "year", "gender", "value", "absValue"}]
- REST CSV: `indicator;region;year;gender;primary value;absolute value` (`;` or `,`, dot or comma decimals)
- indicator metadata JSON (`/indicators/{id}`: one object, or a list of them)
- regions JSON (`/regions`: id, code, category, title{fi,sv,en}, memberOf)
- the custom-indicator template, CSV or Excel: indicator_code, region_code, year, gender (optional), value
"""

from __future__ import annotations

import csv
import gc
import html
import itertools
import json
import logging
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import ImportRejected, Problem
from .validation import integer, normalise_text, number, year_number
from .xlsx import ReadLimits, Refused, RowBudget, new_workbook, open_workbook, put_row, workbook_bytes

MAX_PROBLEMS = 200
GENDERS = {
    "total": "total",
    "yhteensä": "total",
    "yhteensa": "total",
    "totalt": "total",
    "kaikki": "total",
    "": "total",
    "male": "male",
    "miehet": "male",
    "pojat": "male",
    "män": "male",
    "pojkar": "male",
    "m": "male",
    "female": "female",
    "naiset": "female",
    "tytöt": "female",
    "kvinnor": "female",
    "flickor": "female",
    "f": "female",
}


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one upload may hold, checked before any of it is decoded or parsed. The page's
    limits are lower than the command line's: an upload is parsed in the server process,
    whose memory every session shares."""

    file_bytes: int  # one file
    rows: int  # data rows of all files of one upload together (CSV lines, JSON objects)
    xlsx: ReadLimits  # the custom template as a workbook (first sheet only)


# The custom template typed in Excel: 100,000 rows of five columns unpack to about 17 MB.
XLSX_LIMITS = ReadLimits(unpacked=40_000_000, sheet=30_000_000, part=20_000_000, rows=100_000, cells=1_000_000, cols=20)
# Page: 300,000 rows is 50 indicators x 2,000 regions x 3 genders for one year, or every
# region of the plan for decades; at that size an import peaks well below 400 MB.
PAGE = Limits(file_bytes=50_000_000, rows=300_000, xlsx=XLSX_LIMITS)
# Command line (import-indicators): a full Sotkanet download of 1,000,000 rows is ~35 MB.
CLI = Limits(file_bytes=250_000_000, rows=2_000_000, xlsx=XLSX_LIMITS)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f}" if n >= 1_000_000 else f"{n / 1_000_000:.1f}"


def too_large(name: str, size: int, limits: Limits) -> Problem | None:
    """The problem of a file bigger than the limits allow, or None."""
    if size > limits.file_bytes:
        return Problem(name, "", "uploads.file_too_large", {"size": _mb(size), "max": _mb(limits.file_bytes)})
    return None


def check_upload(files, limits: Limits | None = None) -> None:
    """Refuse an upload beyond the limits before reading any of it. Rows are estimated from
    the bytes without decoding them: line ends in CSV, objects (or every 8th comma, for lists
    of bare values) in JSON; an estimate may run high, never low."""
    limits = limits or PAGE
    problems: list[Problem] = []
    rows = 0
    for name, data in files:
        problem = too_large(name, len(data), limits)
        if problem:
            problems.append(problem)
        elif not name.lower().endswith((".xlsx", ".xlsm")):  # workbooks are counted as they are read
            rows += max(data.count(b"\n"), data.count(b"{"), data.count(b",") // 8)
    if rows > limits.rows:
        problems.append(Problem("", "", "uploads.upload_rows", {"max": limits.rows}))
    if problems:
        raise ImportRejected(problems)


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector while building millions of row tuples: they hold
    no cycles, and each full collection would walk all of them again (quadratic time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Parsed:
    name: str
    kind: str  # "data" (Sotkanet ids), "template" (codes), "metadata", "regions"
    rows: list = field(default_factory=list)
    skipped_empty: int = 0


class Problems:
    """Collects bad rows; keeps the first MAX_PROBLEMS and counts the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, name, row, key, **params):
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(name, row, key, params))
        else:
            self.more += 1

    def raise_if_any(self):
        if self.items:
            items = list(self.items)
            if self.more:
                items.append(Problem("…", "", "indicators.reason.more", {"n": self.more}))
            raise ImportRejected(items)


def _finish(parsed: Parsed, problems: Problems, shared: Problems | None) -> Parsed:
    """Raise the file's problems, or hand them to the caller's list so that it can add the
    problems only the database can find and report them all at once."""
    if shared is None:
        problems.raise_if_any()
    else:
        room = max(0, MAX_PROBLEMS - len(shared.items))
        shared.items.extend(problems.items[:room])
        shared.more += problems.more + max(0, len(problems.items) - room)
    return parsed


# ---------------------------------------------------------------- helpers
def decode(name: str, data: bytes) -> str:
    if not data or data.isspace():  # not strip(): that would copy the whole file
        raise ImportRejected([Problem(name, "", "indicators.reason.empty_file")])
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    head = data[:4096]
    if head.count(0) * 4 > len(head):  # UTF-16 without a BOM: ASCII would decode, with a NUL in every other byte
        raise ImportRejected([Problem(name, 1, "indicators.reason.encoding")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ImportRejected([Problem(name, line, "indicators.reason.encoding")]) from None


def plain_text(value) -> str:
    """Descriptions carry HTML: keep the text, drop the tags."""
    if value is None:
        return ""
    text = re.sub(r"<\s*(br|/p|/li|/div)\s*/?>", "\n", str(value), flags=re.I)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))

    return normalise_text(re.sub(r"\n\s*\n+", "\n\n", text), multiline=True)


def _langs(value) -> dict:
    """Titles in fi/sv/en, cleaned like every text that comes in (validation.normalise_text)."""

    if isinstance(value, dict):
        return {lang: normalise_text(value.get(lang) or "") for lang in ("fi", "sv", "en")}
    return {"fi": normalise_text(value or ""), "sv": "", "en": ""}


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(header or "").strip().lower().lstrip("\ufeff"))


# ---------------------------------------------------------------- data rows
_DATA_COLUMNS = {
    "indicator": {"indicator", "indicator id", "indikaattori", "indikator", "id"},
    "region": {"region", "region id", "alue", "område", "alue id"},
    "year": {"year", "vuosi", "år"},
    "gender": {"gender", "sex", "sukupuoli", "kön"},
    "value": {"primary value", "value", "primaryvalue", "arvo", "värde", "primary"},
    "abs_value": {"absolute value", "absvalue", "abs value", "absolute", "absoluuttinen arvo", "absolut värde"},
}
_TEMPLATE_COLUMNS = {
    "indicator": {"indicator code", "indicator", "indikaattori", "indikator"},
    "region": {"region code", "region", "alue", "aluekoodi", "kuntanumero", "område", "kommunnummer"},
    "year": {"year", "vuosi", "år"},
    "gender": {"gender", "sex", "sukupuoli", "kön"},
    "value": {"value", "arvo", "värde"},
}
TEMPLATE_HEADER = ["indicator_code", "region_code", "year", "gender", "value"]


def _columns(name, header, wanted, required) -> dict:
    found = {}
    for index, title in enumerate(header):
        norm = _norm(title)
        for col, names in wanted.items():
            if norm in names and col not in found:
                found[col] = index
    missing = [c for c in required if c not in found]
    if missing:  # nothing more can be read
        raise ImportRejected([Problem(name, 1, "indicators.reason.missing_columns", {"columns": ", ".join(missing)})])
    return found


def numeric_code(number: int) -> str | tuple[str, ...]:
    """A region code a spreadsheet stored as a number: 18 may be the county 18 or the
    municipality 018, as Excel drops leading zeros. Several candidates come as a tuple,
    typed form first; the import takes the one that exists and refuses the row if more do."""
    typed = str(number)
    candidates = tuple(dict.fromkeys((typed, typed.zfill(2), typed.zfill(3))))
    return candidates[0] if len(candidates) == 1 else candidates


def _data_row(name, line, get, template, problems, out, parsed):
    """Validate one row; append (indicator, region, year, gender, value, abs_value, line)."""
    raw_value = get("value")
    try:
        value = number(raw_value)
    except ValueError:
        problems.add(name, line, "indicators.reason.not_a_number", column="value", value=raw_value)
        return
    try:
        abs_value = number(get("abs_value"))
    except ValueError:
        problems.add(name, line, "indicators.reason.not_a_number", column="absolute value", value=get("abs_value"))
        return
    raw_ind, raw_reg = get("indicator"), get("region")
    indicator: str | int  # codes in the custom template, Sotkanet ids in its data
    region: str | int | tuple[str, ...]  # a tuple: a code stored as a number (numeric_code)
    if template:
        indicator = str(raw_ind if raw_ind is not None else "").strip()
        region = str(raw_reg if raw_reg is not None else "").strip()
        if isinstance(raw_reg, (int, float)) and not isinstance(raw_reg, bool):
            if isinstance(raw_reg, float) and not raw_reg.is_integer():  # 272.6 is no code, nor is 272
                problems.add(name, line, "indicators.reason.unknown_region_code", value=str(raw_reg))
                return
            region = numeric_code(int(raw_reg))
        if not indicator:
            problems.add(name, line, "indicators.reason.required", column="indicator_code")
            return
        if not region:
            problems.add(name, line, "indicators.reason.required", column="region_code")
            return
    else:
        try:
            indicator = integer(raw_ind)
        except (TypeError, ValueError):
            problems.add(name, line, "indicators.reason.not_an_id", column="indicator", value=raw_ind)
            return
        try:
            region = integer(raw_reg)
        except (TypeError, ValueError):
            problems.add(name, line, "indicators.reason.not_an_id", column="region", value=raw_reg)
            return
    raw_year = get("year")
    try:
        year = year_number(raw_year)
    except (TypeError, ValueError):
        problems.add(name, line, "indicators.reason.not_a_year", value=raw_year)
        return
    raw_gender = get("gender")
    gender = GENDERS.get(str(raw_gender if raw_gender is not None else "").strip().lower())
    if gender is None:
        problems.add(name, line, "indicators.reason.gender", value=raw_gender)
        return
    if value is None:
        parsed.skipped_empty += 1
        return
    out.append((indicator, region, year, gender, value, abs_value, line))


def _parse_table(
    name, rows_iter, template: bool, shared: Problems | None = None, fast: bool = True, formulas: dict | None = None
) -> Parsed:
    """rows_iter yields (line_number, list_of_cells); the first is the header. `fast`: clean
    rows may take the fast path (not when the text holds "_", which float() and int() accept).
    `formulas`: line -> column indexes of formulas without a saved result (workbooks)."""
    problems = Problems()
    parsed = Parsed(name, "template" if template else "data")
    try:
        _, header = next(rows_iter)
    except StopIteration:
        raise ImportRejected([Problem(name, "", "indicators.reason.empty_file")]) from None
    wanted = _TEMPLATE_COLUMNS if template else _DATA_COLUMNS
    required = ["indicator", "region", "year", "value"] + ([] if template else ["gender"])
    cols = _columns(name, header, wanted, required)
    width = len(header)
    out = parsed.rows
    append = out.append
    # Fast path for clean Sotkanet rows (ids, dot decimals, a value present); anything
    # unusual goes through _data_row, which knows every rule and names the problem.
    fast = fast and not template
    if fast:
        ii, ri, yi, gi, vi = (cols[c] for c in ("indicator", "region", "year", "gender", "value"))
        ai = cols.get("abs_value")
        known_gender = {"total": "total", "male": "male", "female": "female"}
    isfinite = math.isfinite
    for line, cells in rows_iter:
        if fast:
            try:
                raw = cells[vi]
                if raw:
                    value = float(raw)
                    raw_abs = cells[ai] if ai is not None else ""
                    abs_value = float(raw_abs) if raw_abs else None
                    year = int(cells[yi])
                    if isfinite(value) and (abs_value is None or isfinite(abs_value)) and 1900 <= year <= 2100:
                        append((int(cells[ii]), int(cells[ri]), year, known_gender[cells[gi]], value, abs_value, line))
                        continue
            except (ValueError, KeyError, IndexError):
                pass
        if formulas and line in formulas:
            # openpyxl reads such a cell as empty: a value would be skipped, a gender taken as the total
            unsaved = [i for i in formulas[line] if i in cols.values()]
            if unsaved:
                problems.add(name, line, "indicators.reason.formula_without_result", column=header[unsaved[0]])
                continue
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue  # blank line
        if len(cells) < width and len(cells) <= max(cols.values()):
            problems.add(name, line, "indicators.reason.short_row", found=len(cells), expected=width)
            continue

        def get(col, cells=cells):
            index = cols.get(col)
            return None if index is None or index >= len(cells) else cells[index]

        _data_row(name, line, get, template, problems, out, parsed)
    if not out and not problems.items and not parsed.skipped_empty:
        problems.add(name, "", "indicators.reason.no_rows")
    return _finish(parsed, problems, shared)


def _line_end(text: str) -> str:
    """ "\n" (also for "\r\n"), or "\r" for a file with classic Mac line ends only."""
    head = text[:65536]
    return "\r" if "\n" not in head and "\r" in head else "\n"


def _delimiter(text: str, end: str = "\n") -> str:
    """The delimiter among ';', ',' and tab, guessed once from the first lines."""
    head = text[:65536]
    lines = head.split(end)
    if len(text) > len(head):
        lines = lines[:-1]  # a line cut short would skew the counts
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=";,\t").delimiter
    except csv.Error:  # e.g. a single column: the missing columns are reported
        return ";"


def _lines(text: str, sep: str = "\n"):
    """The lines with their ends, one at a time (io.StringIO would first copy the whole
    text at 4 bytes a character)."""
    start, find = 0, text.find
    while True:
        end = find(sep, start)
        if end < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _csv_rows(text: str, delimiter: str, at: list, sep: str = "\n"):
    reader = csv.reader(_lines(text, sep), delimiter=delimiter)
    for cells in reader:
        at[0] = reader.line_num
        yield reader.line_num, cells


def parse_csv(name: str, data: bytes | str, shared: Problems | None = None) -> Parsed:
    """Sotkanet REST CSV, or the custom template when the header names region_code."""
    text = data if isinstance(data, str) else decode(name, data)
    if not text or text.isspace():
        raise ImportRejected([Problem(name, "", "indicators.reason.empty_file")])
    sep = _line_end(text)
    delimiter = _delimiter(text, sep)
    at = [0]
    try:
        header = next(csv.reader(_lines(text, sep), delimiter=delimiter), [])
        template = any(_norm(h) in ("region code", "indicator code", "aluekoodi", "kuntanumero") for h in header)
        # "_" after the header (rare) sends every row through the checks that refuse "1_5"
        fast = text.find("_", text.find(sep) + 1) < 0
        with no_gc():
            return _parse_table(name, _csv_rows(text, delimiter, at, sep), template, shared, fast)
    except csv.Error as err:  # e.g. a field longer than the csv module's limit
        raise ImportRejected([Problem(name, at[0] + 1, "uploads.csv_error", {"detail": str(err)[:200]})]) from None


def parse_xlsx(name: str, data: bytes, shared: Problems | None = None, limits: ReadLimits = XLSX_LIMITS) -> Parsed:
    """The custom-indicator template as an Excel workbook (first sheet), read as a stream
    after its size is checked (see lape_plan.xlsx)."""
    label = name
    try:
        workbook = open_workbook(data, limits, data_only=True)  # a value typed as a formula counts
        try:
            if not workbook.worksheets:
                raise Refused("export.rt.not_xlsx", detail="0 sheets")
            sheet = workbook.worksheets[0]
            label = f"{name} / {sheet.title}"
            rows = ((i, list(r)) for i, r in RowBudget(limits).rows_of(sheet, values_only=True))
            first = next(rows, None)  # RowBudget checks the sheet's size before the first row
            formulas = _unsaved_formulas(sheet)
            return _parse_table(label, itertools.chain([first] if first else [], rows), True, shared, formulas=formulas)
        finally:
            workbook.close()
    except Refused as err:
        raise ImportRejected([Problem.of(label, "", err)]) from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _unsaved_formulas(sheet) -> dict[int, list[int]]:
    """Row number -> column indexes (0-based) of formulas without a saved result, which a
    workbook written by a script has (openpyxl, pandas): data_only reads them as empty. An
    empty text result (t="str") is a result. Read after RowBudget has checked the sheet's
    size; one row at a time."""
    from lxml import etree
    from openpyxl.utils.cell import coordinate_to_tuple

    found: dict[int, list[int]] = {}
    row_tag, f_tag, v_tag = _MAIN + "row", _MAIN + "f", _MAIN + "v"
    number = 0
    try:
        with sheet.parent._archive.open(sheet._worksheet_path) as source:  # the part openpyxl reads
            for _, row in etree.iterparse(
                source, events=("end",), tag=row_tag, resolve_entities=False, no_network=True
            ):
                number = int(row.get("r") or number + 1)
                for formula in row.iter(f_tag):
                    cell = formula.getparent()
                    saved = cell.find(v_tag)
                    if saved is None or (not saved.text and cell.get("t") != "str"):
                        ref = cell.get("r")
                        column = coordinate_to_tuple(ref)[1] if ref else list(row).index(cell) + 1
                        found.setdefault(number, []).append(column - 1)
                row.clear()
                while row.getprevious() is not None:  # what was read is dropped as it goes
                    del row.getparent()[0]
    except Exception as err:  # RowBudget read it already; anything now is a broken part all the same
        log.info("unreadable sheet %r: %r", sheet.title, err)
        raise Refused("uploads.sheet_unreadable", sheet=sheet.title, detail=type(err).__name__) from None
    return found


def parse_json(name: str, data: bytes | str, shared: Problems | None = None) -> Parsed:
    """Data rows, indicator metadata (one or a list) or regions, told apart by their keys."""
    text = data if isinstance(data, str) else decode(name, data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportRejected([Problem(name, err.lineno, "indicators.reason.bad_json", {"message": err.msg})]) from None
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        raise ImportRejected([Problem(name, "", "indicators.reason.no_rows")])
    first = items[0] if isinstance(items[0], dict) else {}
    if "region" in first and "year" in first:
        return _parse_json_data(name, items, shared)
    if "category" in first or "memberOf" in first:
        return _parse_regions(name, items, shared)
    if "id" in first and "title" in first:
        return _parse_metadata(name, items, shared)
    raise ImportRejected([Problem(name, 1, "indicators.reason.unknown_format")])


def _parse_json_data(name, items, shared=None) -> Parsed:
    with no_gc():
        return _parse_json_items(name, items, shared)


def _parse_json_items(name, items, shared=None) -> Parsed:
    problems = Problems()
    parsed = Parsed(name, "data")
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.add(name, index, "indicators.reason.not_an_object")
            continue
        missing = [k for k in ("indicator", "region", "year", "gender", "value") if k not in item]
        if missing:
            problems.add(name, index, "indicators.reason.missing_fields", fields=", ".join(missing))
            continue
        if "absValue" in item:
            item = {**item, "abs_value": item["absValue"]}
        elif "absolute_value" in item:
            item = {**item, "abs_value": item["absolute_value"]}
        _data_row(name, index, item.get, False, problems, parsed.rows, parsed)
    return _finish(parsed, problems, shared)


def _parse_metadata(name, items, shared=None) -> Parsed:
    problems = Problems()
    parsed = Parsed(name, "metadata")
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.add(name, index, "indicators.reason.not_an_object")
            continue
        try:
            source_id = integer(item.get("id"))
        except (TypeError, ValueError):
            problems.add(name, index, "indicators.reason.not_an_id", column="id", value=item.get("id"))
            continue
        titles = _langs(item.get("title"))
        if not titles["fi"].strip():
            problems.add(name, index, "indicators.reason.missing_fields", fields="title.fi")
            continue
        descriptions = _langs(item.get("description"))
        value_type = item.get("primaryValueType") or {}
        units = _langs(value_type.get("title") if isinstance(value_type, dict) else "")
        organisation = item.get("organization") or {}
        org_title = _langs(organisation.get("title") if isinstance(organisation, dict) else organisation)
        span = item.get("range") or {}
        try:
            decimals = integer(item["decimals"]) if item.get("decimals") is not None else None
        except (TypeError, ValueError):
            problems.add(name, index, "indicators.reason.not_a_number", column="decimals", value=item.get("decimals"))
            continue
        parsed.rows.append(
            {
                "source": "sotkanet",
                "source_id": str(source_id),
                **{f"title_{k}": v.strip()[:500] for k, v in titles.items()},
                **{f"description_{k}": plain_text(v)[:8000] for k, v in descriptions.items()},
                "value_type": (value_type.get("code") if isinstance(value_type, dict) else None) or "",
                **{f"unit_{k}": v for k, v in units.items()},
                "decimals": decimals,
                "organisation": org_title["fi"] or org_title["en"],
                "data_updated": str(item.get("data-updated") or item.get("dataUpdated") or "") or None,
                "range_start": span.get("start") if isinstance(span, dict) else None,
                "range_end": span.get("end") if isinstance(span, dict) else None,
            }
        )
    return _finish(parsed, problems, shared)


def _parse_regions(name, items, shared=None) -> Parsed:
    problems = Problems()
    parsed = Parsed(name, "regions")
    seen: set = set()
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.add(name, index, "indicators.reason.not_an_object")
            continue
        missing = [k for k in ("id", "code", "category") if item.get(k) in (None, "")]
        if missing:
            problems.add(name, index, "indicators.reason.missing_fields", fields=", ".join(missing))
            continue
        try:
            region_id = integer(item["id"])
        except (TypeError, ValueError):
            problems.add(name, index, "indicators.reason.not_an_id", column="id", value=item["id"])
            continue
        members = item.get("memberOf") or []
        if not isinstance(members, list):
            problems.add(name, index, "uploads.bad_field", field="memberOf", value=str(members)[:50])
            continue
        code, category = str(item["code"]).strip(), str(item["category"]).strip().upper()
        if region_id in seen or (category, code) in seen:  # the import matches regions by either
            problems.add(name, index, "uploads.duplicate_region", id=region_id, code=f"{category} {code}")
            continue
        seen.update((region_id, (category, code)))
        titles = _langs(item.get("title"))
        parsed.rows.append(
            {
                "sotkanet_id": region_id,
                "code": code,
                "category": category,
                **{f"title_{k}": v for k, v in titles.items()},
                "member_of": json.dumps([m for m in members if isinstance(m, int)]),
            }
        )
    return _finish(parsed, problems, shared)


_SPACE = re.compile(r"\s*")


def parse_file(name: str, data: bytes, shared: Problems | None = None, limits: Limits | None = None) -> Parsed:
    """Any supported file, told apart by extension and content. Problems that stop reading
    (encoding, missing columns, broken JSON) always raise; row problems go to `shared` when given.
    A file that breaks a parser in a way no rule foresaw is refused too, and logged."""
    try:
        lower = name.lower()
        if lower.endswith((".xlsx", ".xlsm")):
            return parse_xlsx(name, data, shared, (limits or PAGE).xlsx)
        text = decode(name, data)
        space = _SPACE.match(text)  # not lstrip(): that copies the text
        start = space.end() if space else 0  # `\s*` always matches
        if lower.endswith(".json") or text[start : start + 1] in ("[", "{"):
            return parse_json(name, text, shared)
        return parse_csv(name, text, shared)
    except ImportRejected:
        raise
    except Exception as err:  # e.g. JSON nested too deep for the parser (RecursionError)
        log.warning("import of %s failed unexpectedly", name, exc_info=True)
        raise ImportRejected([Problem(name, "", "uploads.unreadable", {"detail": type(err).__name__})]) from None


def template_csv() -> bytes:
    """An empty custom-indicator template with one example line."""
    return ("\ufeff" + ";".join(TEMPLATE_HEADER) + "\nOMA-1;272;2023;total;12,5\n").encode("utf-8")


def template_xlsx() -> bytes:
    """The same template as an Excel workbook. The code columns are formatted as text, the
    example row and every row typed below it (the columns' style), so 074 keeps its zero and
    18 stays the county's code rather than a number read as municipality 018."""
    book = new_workbook()
    sheet = book.active
    sheet.title = "values"
    put_row(sheet, 1, TEMPLATE_HEADER, "lape_header")
    put_row(sheet, 2, ["OMA-1", "272", 2023, "total", 12.5])
    for column, width in zip("ABCDE", (18, 14, 8, 10, 10)):
        sheet.column_dimensions[column].width = width
    for column in "AB":
        sheet.column_dimensions[column].number_format = "@"
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.number_format = "@"
    return workbook_bytes(book)
