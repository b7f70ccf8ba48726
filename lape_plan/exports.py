"""Council tables: the plan workbook (openpyxl) and CSV of the same tables.

The workbook has a cover sheet, the council table of the plan (one row per measure,
a goal without measures gets a row of its own), optionally a sheet per municipality,
and the data sheets that come back through the round trip (`roundtrip.py`): focus
areas, goals, measures and (with follow-up) the status of each item per year. The
data sheets carry each row's id and version; a hidden sheet records the plan, the
language and the sheet order so that an edited file can be checked before use.

Text from users is written so that no spreadsheet treats it as a formula."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from sqlite_utils import Database

from . import budget, follow_up, i18n, indicators, plans, xlsx
from .db import now
from .errors import NotFound, ValidationError
from .model import LANGS, OrgKind, Scope
from .xlsx import csv_safe, put, safe_text


FORMAT = "lape-plan-workbook/1"
META_SHEET = "_lape"
DATA_SHEETS = ("focus_areas", "goals", "measures", "follow_up", "budget")


t = i18n.t


# ---------------------------------------------------------------- columns
@dataclass(frozen=True)
class Col:
    key: str
    width: float = 14
    kind: str = "text"  # text, int, euro, percent, id (machine column), ref (shown, not imported)


@dataclass
class Table:
    """One sheet's worth of rows, shared by the workbook and the CSV writer."""

    key: str
    name: str
    cols: list[Col]
    rows: list[list] = field(default_factory=list)

    def headers(self, lang: str) -> list[str]:
        return [header(c.key, lang) for c in self.cols]


def header(key: str, lang: str, **values) -> str:
    if key.startswith("status_"):
        return t("export.col.status_year", lang, year=key.split("_", 1)[1])
    return t(f"export.col.{key}", lang, **values)


DATA_COLUMNS = {
    "focus_areas": [
        Col("id", 8, "id"),
        Col("version", 8, "id"),
        Col("number", 8, "ref"),
        Col("title_fi", 45),
        Col("title_sv", 45),
        Col("description", 50),
    ],
    "goals": [
        Col("id", 8, "id"),
        Col("version", 8, "id"),
        Col("number", 8, "ref"),
        Col("focus_area", 30, "ref"),
        Col("title_fi", 45),
        Col("title_sv", 45),
        Col("description", 50),
    ],
    "measures": [
        Col("id", 8, "id"),
        Col("version", 8, "id"),
        Col("goal_id", 9, "id"),
        Col("number", 9, "ref"),
        Col("goal", 35, "ref"),
        Col("title_fi", 45),
        Col("title_sv", 45),
        Col("description", 45),
        Col("responsible", 28),
        Col("start_year", 11, "int"),
        Col("end_year", 11, "int"),
        Col("resources_text", 30),
        Col("resources_eur", 13, "euro"),
    ],
    "follow_up": [
        Col("entity", 13, "ref"),
        Col("item_id", 9, "id"),
        Col("number", 9, "ref"),
        Col("item", 45, "ref"),
        Col("year", 7, "int"),
        Col("status", 18),
        Col("progress", 11, "percent"),
        Col("narrative", 55),
        Col("evidence_url", 30),
        Col("version", 8, "id"),
        Col("updated_by", 18, "ref"),
        Col("updated_at", 17, "ref"),
    ],
    "budget": [
        Col("measure_id", 9, "id"),
        Col("number", 9, "ref"),
        Col("measure", 45, "ref"),
        Col("measure_responsible", 22, "ref"),
        Col("year", 7, "int"),
        Col("planned_eur", 14, "euro"),
        Col("actual_eur", 14, "euro"),
        Col("funding_source", 22),
        Col("spending_kind", 20),
        Col("direct_share", 13, "percent"),
        Col("version", 8, "id"),
        Col("updated_by", 18, "ref"),
        Col("updated_at", 17, "ref"),
    ],
}
# Columns the round trip reads (the rest are there to read, or are ids).
EDITABLE = {
    "focus_areas": ("title_fi", "title_sv", "description"),
    "goals": ("title_fi", "title_sv", "description"),
    "measures": (
        "title_fi",
        "title_sv",
        "description",
        "responsible",
        "start_year",
        "end_year",
        "resources_text",
        "resources_eur",
    ),
    "follow_up": ("status", "progress", "narrative", "evidence_url"),
    "budget": ("planned_eur", "actual_eur", "funding_source", "spending_kind", "direct_share"),
}


# ---------------------------------------------------------------- reading the plan
def _context(db: Database, plan_id: int, lang: str, municipality_id: int | None):
    if lang not in LANGS:
        raise ValidationError("export.error.unknown_lang", field="lang", value=lang)
    plan = plans.get_plan(db, plan_id)
    orgs = {o["id"]: o for o in plans.organisations(db, plan_id)}
    if municipality_id is not None and orgs.get(municipality_id, {}).get("kind") != OrgKind.MUNICIPALITY:
        raise NotFound("error.not_found", entity="municipality", id=municipality_id)
    return plan, orgs


def _names(orgs: dict, ids, lang: str) -> str:
    return ", ".join(plans.org_name(orgs[i], lang) for i in ids if i in orgs)


def _status_label(status: str | None, lang: str) -> str:
    return i18n.t(f"follow_up.status.{status}", lang) if status else ""


def _status_labels(lang: str) -> dict:
    """Status -> label, looked up once per export (the tables have tens of thousands)."""
    return {None: "", **{s: _status_label(s, lang) for s in follow_up.STATUSES}}


def _current(db: Database, plan_id: int, cache: dict | None) -> dict:
    """Latest status per item and year; one query shared by the tables of one workbook."""
    if cache is None:
        return follow_up.current(db, plan_id)
    if "current" not in cache:
        cache["current"] = follow_up.current(db, plan_id)
    return cache["current"]


def _indicator_text(rows: list[dict], lang: str) -> str:
    parts = []
    for r in rows:
        num = lambda v: i18n.number(v, lang, None) if v is not None else "–"  # noqa: E731
        text = f"{r['indicator_title']}"
        if r.get("region_name"):
            text += f" ({r['region_name']})"
        unit = f" {r['unit']}" if r.get("unit") else ""
        text += (
            f": {r.get('baseline_year') or '–'} {num(r.get('baseline_value'))}{unit} → "
            f"{r.get('target_year') or '–'} {num(r.get('target_value'))}{unit}"
        )
        if r.get("latest_year"):
            text += "; " + t("export.latest", lang, year=r["latest_year"], value=num(r.get("latest_value")) + unit)
        if r.get("progress_label"):
            text += f"; {r['progress_label']}"
        parts.append(text)
    return "\n".join(parts)


def plan_table(
    db: Database, plan_id: int, lang: str, municipality_id: int | None = None, cache: dict | None = None
) -> Table:
    """The council table: focus area, goal, scope, responsible organisations, measure,
    its responsible organisation, timeline, resources, indicators and status per year."""
    plan, orgs = _context(db, plan_id, lang, municipality_id)
    years = list(range(plan["first_year"], plan["last_year"] + 1))
    # Widths chosen so that a whole row fits an A4 landscape page at a readable scale.
    cols = [
        Col("focus_area", 17),
        Col("goal", 28),
        Col("scope", 12),
        Col("goal_responsible", 18),
        Col("measure", 32),
        Col("measure_responsible", 16),
        Col("timeline", 10),
        Col("resources_text", 16),
        Col("resources_eur", 10, "euro"),
    ]
    cols += [Col("indicators", 36)] + [Col(f"status_{y}", 11) for y in years] + [Col("narrative_latest", 30)]
    indicator_rows: dict[int, list[dict]] = {}
    for r in indicators.goal_indicator_rows(db, plan_id, lang):
        indicator_rows.setdefault(r["goal_id"], []).append(r)
    current = _current(db, plan_id, cache)
    labels = _status_labels(lang)
    table = Table("plan", t("export.sheet.plan", lang), cols)
    whole_area = t("export.whole_area", lang)
    for area in plans.tree(db, plan_id, municipality_id):
        area_text = f"{area['number']}. {plans.title_in(area, lang)}"
        for goal in area["goals"]:
            goal_text = f"{goal['number']} {plans.title_in(goal, lang)}"
            scope = whole_area if goal["scope"] == Scope.SHARED else _names(orgs, goal["municipality_ids"], lang)
            goal_cells = [area_text, goal_text, scope, _names(orgs, goal["responsible_ids"], lang)]
            items = [("measure", m, f"{m['number']} {plans.title_in(m, lang)}") for m in goal["measures"]] or [
                ("goal", goal, "")
            ]
            for entity, item, measure_text in items:
                if entity == "measure":
                    timeline = "–".join(
                        str(y)
                        for y in dict.fromkeys(
                            [item["start_year"] or plan["first_year"], item["end_year"] or plan["last_year"]]
                        )
                    )
                    cells = [
                        measure_text,
                        _names(orgs, [item["responsible_org_id"]], lang),
                        timeline,
                        item["resources_text"] or "",
                        item["resources_eur"],
                    ]
                else:
                    cells = ["", "", "", "", None]
                row = goal_cells + cells + [_indicator_text(indicator_rows.get(goal["id"], []), lang)]
                latest = ""
                first = (item.get("start_year") or plan["first_year"]) if entity == "measure" else years[0]
                last = (item.get("end_year") or plan["last_year"]) if entity == "measure" else years[-1]
                for y in years:
                    update = current.get((entity, item["id"], y))
                    # "–": a year outside the measure's own years; empty: no update yet
                    row.append(labels[update and update["status"]] if first <= y <= last else "–")
                    if update and update["narrative"]:
                        latest = f"{y}: {update['narrative']}"
                row.append(latest)
                table.rows.append(row)
    return table


def data_tables(
    db: Database,
    plan_id: int,
    lang: str,
    municipality_id: int | None = None,
    blank: bool = False,
    cache: dict | None = None,
) -> list[Table]:
    """The sheets the round trip reads. `blank`: a template with the plan's focus areas
    and goals (to refer to) but no measures or statuses yet."""
    plan, orgs = _context(db, plan_id, lang, municipality_id)
    tables = {k: Table(k, t(f"export.sheet.{k}", lang), DATA_COLUMNS[k]) for k in DATA_SHEETS}
    current = _current(db, plan_id, cache) if not blank else {}
    entity_label = {e: i18n.t(f"entity.{e}", lang) for e in ("goal", "measure")}
    labels = _status_labels(lang)
    stamps: dict[str, str] = {}

    def status_rows(entity, item, number, title, years):
        for y in years:
            u = current.get((entity, item["id"], y))
            if u is None:
                tables["follow_up"].rows.append(
                    [entity_label[entity], item["id"], number, title, y, "", None, "", "", None, "", ""]
                )
                continue
            at = u["updated_at"]
            if at not in stamps:
                stamps[at] = i18n.timestamp(at, lang)
            tables["follow_up"].rows.append(
                [
                    entity_label[entity],
                    item["id"],
                    number,
                    title,
                    y,
                    labels[u["status"]],
                    u["progress"],
                    u["narrative"] or "",
                    u["evidence_url"] or "",
                    u["version"],
                    u["updated_by"] or "",
                    stamps[at],
                ]
            )

    years = list(range(plan["first_year"], plan["last_year"] + 1))
    budget_measures: list[tuple[dict, str]] = []
    for area in plans.tree(db, plan_id, municipality_id):
        tables["focus_areas"].rows.append(
            [
                area["id"],
                area["version"],
                area["number"],
                area["title_fi"],
                area["title_sv"] or "",
                area["description"] or "",
            ]
        )
        for goal in area["goals"]:
            number = goal["number"]
            tables["goals"].rows.append(
                [
                    goal["id"],
                    goal["version"],
                    number,
                    plans.title_in(area, lang),
                    goal["title_fi"],
                    goal["title_sv"] or "",
                    goal["description"] or "",
                ]
            )
            if blank:
                continue
            status_rows("goal", goal, number, plans.title_in(goal, lang), years)
            for m in goal["measures"]:
                m_number = m["number"]
                responsible = orgs.get(m["responsible_org_id"])
                tables["measures"].rows.append(
                    [
                        m["id"],
                        m["version"],
                        goal["id"],
                        m_number,
                        plans.title_in(goal, lang),
                        m["title_fi"],
                        m["title_sv"] or "",
                        m["description"] or "",
                        plans.org_name(responsible, lang) if responsible else "",
                        m["start_year"],
                        m["end_year"],
                        m["resources_text"] or "",
                        m["resources_eur"],
                    ]
                )
                first = m["start_year"] or plan["first_year"]
                last = m["end_year"] or plan["last_year"]
                status_rows("measure", m, m_number, plans.title_in(m, lang), range(first, last + 1))
                budget_measures.append((m, m_number))
    _budget_rows(db, plan, tables["budget"], budget_measures, orgs, lang, stamps)
    return list(tables.values())


# ---------------------------------------------------------------- budget sheet and CSV
def budget_labels(lang: str) -> tuple[dict, dict]:
    """Funding source and kind of spending code -> label in `lang` (None -> empty)."""
    return (
        {None: "", **{s: t(f"budget.source.{s}", lang) for s in budget.SOURCES}},
        {None: "", **{k: t(f"budget.kind.{k}", lang) for k in budget.KINDS}},
    )


def _budget_rows(
    db: Database, plan: dict, table: Table, measures: list[tuple[dict, str]], orgs: dict, lang: str, stamps: dict
) -> None:
    """One row per measure and year of its own years: the euros, or empty cells to fill in."""
    lines = {
        (r["measure_id"], r["year"]): r
        for r in db.query(
            "select b.* from budget_lines b join measures m on m.id = b.measure_id join goals g on g.id = m.goal_id "
            "join focus_areas f on f.id = g.focus_area_id where f.plan_id = ?",
            [plan["id"]],
        )
    }
    sources, kinds = budget_labels(lang)
    for m, number in measures:
        title = plans.title_in(m, lang)
        responsible = _names(orgs, [m["responsible_org_id"]], lang)
        for y in range(m["start_year"] or plan["first_year"], (m["end_year"] or plan["last_year"]) + 1):
            b = lines.get((m["id"], y))
            if b is None:
                table.rows.append([m["id"], number, title, responsible, y, None, None, "", "", None, None, "", ""])
                continue
            if b["updated_at"] not in stamps:
                stamps[b["updated_at"]] = i18n.timestamp(b["updated_at"], lang)
            table.rows.append(
                [
                    m["id"],
                    number,
                    title,
                    responsible,
                    y,
                    b["planned_eur"],
                    b["actual_eur"],
                    sources.get(b["source"], b["source"]),
                    kinds.get(b["kind"], b["kind"]),
                    b["direct_share"],
                    b["version"],
                    b["updated_by"] or "",
                    stamps[b["updated_at"]],
                ]
            )


def _list_validation(ws, table: Table, key: str, labels: list[str], lang: str) -> None:
    col = get_column_letter(1 + [c.key for c in table.cols].index(key))
    text = ",".join(labels)
    dv = DataValidation(
        type="list",
        formula1=f'"{text}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=header(key, lang),
        error=t("export.note.status_list", lang, labels=text),
    )
    dv.add(f"{col}2:{col}{max(len(table.rows) + 1, 2) + 500}")
    ws.add_data_validation(dv)


def budget_table(db: Database, plan_id: int, lang: str, municipality_id: int | None = None) -> Table:
    """The budget data sheet's rows on their own (the budget CSV)."""
    return next(tb for tb in data_tables(db, plan_id, lang, municipality_id) if tb.key == "budget")


def budget_csv(db: Database, plan_id: int, lang: str, municipality_id: int | None = None) -> bytes:
    """The budget, one row per measure and year, as CSV like `plan_csv` (the plan CSV
    stays one row per measure)."""
    return table_csv(budget_table(db, plan_id, lang, municipality_id), lang)


# ---------------------------------------------------------------- workbook
def write_table(
    wb: Workbook,
    table: Table,
    lang: str,
    title: str,
    print_title: str,
    lock_note: bool,
    range_name: str,
    printed: bool = True,
) -> None:
    """The table on its own sheet (xlsx.write_sheet), with a workbook-level name and, for the
    data sheets, notes on the machine columns and lists of the allowed values."""
    ws = xlsx.write_sheet(
        wb,
        title,
        table.headers(lang),
        [c.kind for c in table.cols],
        [c.width for c in table.cols],
        table.rows,
        print_title,
        t("export.page_footer", lang),
        printed=printed,
    )
    if lock_note:
        for c_i, col in enumerate(table.cols, 1):
            if col.kind in ("id", "ref"):
                ws.cell(1, c_i).comment = Comment(
                    t("export.note.id_column" if col.kind == "id" else "export.note.ref_column", lang), "lape-plan"
                )
    # A workbook-level name per table, so formulas and pivot tables can refer to it.
    wb.defined_names[range_name] = DefinedName(
        range_name,
        attr_text=f"{quote_sheetname(title)}!$A$1:${get_column_letter(len(table.cols))}${max(len(table.rows) + 1, 2)}",
    )
    if table.key == "follow_up":
        labels = ",".join(_status_label(s, lang) for s in follow_up.STATUSES)
        col = get_column_letter(1 + [c.key for c in table.cols].index("status"))
        dv = DataValidation(
            type="list",
            formula1=f'"{labels}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=header("status", lang),
            error=t("export.note.status_list", lang, labels=labels),
        )
        dv.add(f"{col}2:{col}{max(len(table.rows) + 1, 2) + 500}")
        ws.add_data_validation(dv)
    if table.key == "budget":
        sources, kinds = budget_labels(lang)
        _list_validation(ws, table, "funding_source", list(sources.values())[1:], lang)
        _list_validation(ws, table, "spending_kind", list(kinds.values())[1:], lang)


def _cover(
    wb: Workbook,
    db: Database,
    plan: dict,
    orgs: dict,
    lang: str,
    municipality_id: int | None,
    data_sheet_names: list[str],
) -> None:
    ws = wb.active
    ws.title = xlsx.sheet_title(t("export.sheet.cover", lang), set())
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 28
    put(ws, 1, 1, plans.title_in(plan, lang), "lape_title")
    ws.merge_cells("A1:C1")
    ws.row_dimensions[1].height = 40
    row = 3
    facts = [
        (t("export.cover.period", lang), f"{plan['first_year']}–{plan['last_year']}"),
        (t("export.cover.language", lang), i18n.language_name(lang)),
        (t("export.cover.exported", lang), i18n.timestamp(now(), lang)),
    ]
    if municipality_id:
        facts.append((t("export.cover.municipality", lang), plans.org_name(orgs[municipality_id], lang)))
    if plan["is_example"]:
        facts.append((t("export.cover.note", lang), i18n.t("common.example_banner", lang)))
    for label, value in facts:
        put(ws, row, 1, label, "lape_label")
        put(ws, row, 2, value, "lape_plain")
        xlsx.fit_row(ws, row, [label, value], [28, 60])
        row += 1
    row += 1
    put(ws, row, 1, t("export.cover.organisations", lang), "lape_label")
    for org in orgs.values():
        put(ws, row, 2, plans.org_name(org, lang), "lape_plain")
        put(
            ws,
            row,
            3,
            t(f"export.org_kind.{org['kind']}", lang) + (f" {org['code']}" if org["code"] else ""),
            "lape_plain",
        )
        row += 1
    row += 1
    put(ws, row, 1, t("export.cover.approvals", lang), "lape_label")
    approvals = plans.approvals(db, plan["id"])
    if not approvals:
        put(ws, row, 2, t("export.cover.no_approvals", lang), "lape_plain")
        row += 1
    for a in approvals:
        put(ws, row, 2, a["body"], "lape_plain")
        put(
            ws,
            row,
            3,
            f"{i18n.date(a['date'], lang)} · {a['reference']}" if a["reference"] else i18n.date(a["date"], lang),
            "lape_plain",
        )
        row += 1
    if data_sheet_names:
        row += 1
        put(ws, row, 1, t("export.cover.how_to_edit", lang), "lape_label")
        text = t("export.cover.how_to_edit_text", lang, sheets=", ".join(data_sheet_names))
        put(ws, row, 2, text, "lape_plain")
        xlsx.fit_row(ws, row, ["", text], [28, 60])
        row += 1
    ws.print_area = f"A1:C{max(row - 1, 1)}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def plan_workbook(
    db: Database,
    plan_id: int,
    lang: str,
    municipality_id: int | None = None,
    *,
    all_municipalities: bool = False,
    blank: bool = False,
    editable: bool = True,
) -> bytes:
    """The plan as an .xlsx file. `municipality_id` adds that municipality's own sheet
    (shared goals plus its own) and limits the data sheets to it; `all_municipalities`
    adds a sheet for every municipality; `blank` gives the round-trip template;
    `editable=False` leaves out the data sheets (the council's copy: cover and tables; the
    Export page and the `export` command give it by default). The data sheets, when included,
    are hidden without a print area: the only kind of sheet neither Excel nor LibreOffice prints
    (printing "the entire workbook" prints every visible sheet)."""
    plan, orgs = _context(db, plan_id, lang, municipality_id)
    wb = xlsx.new_workbook()
    taken: set[str] = set()
    cache: dict = {}
    tables = data_tables(db, plan_id, lang, municipality_id, blank=blank, cache=cache) if editable else []
    _cover(wb, db, plan, orgs, lang, municipality_id, [tb.name for tb in tables])
    taken.add(wb.active.title.lower())
    plan_title = plans.title_in(plan, lang)
    main = plan_table(db, plan_id, lang, cache=cache)
    write_table(wb, main, lang, xlsx.sheet_title(main.name, taken), plan_title, False, "lape_plan")
    if all_municipalities:
        extra = [o["id"] for o in orgs.values() if o["kind"] == OrgKind.MUNICIPALITY]
    else:
        extra = [municipality_id] if municipality_id else []
    for m_id in extra:
        name = plans.org_name(orgs[m_id], lang)
        write_table(
            wb,
            plan_table(db, plan_id, lang, m_id, cache=cache),
            lang,
            xlsx.sheet_title(name, taken),
            f"{plan_title} – {name}",
            False,
            f"lape_plan_{orgs[m_id]['code'] or m_id}",
        )
    data_titles = []
    for table in tables:
        title = xlsx.sheet_title(table.name, taken)
        data_titles.append(title)
        write_table(wb, table, lang, title, f"{plan_title} – {table.name}", True, f"lape_{table.key}", printed=False)
    from .assessments import export_table  # the child impact assessments, when the plan has any

    lava = export_table(db, plan_id, lang)
    if lava.rows and not blank:
        write_table(
            wb, lava, lang, xlsx.sheet_title(lava.name, taken), f"{plan_title} – {lava.name}", False, "lape_assessments"
        )
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for r_i, (key, value) in enumerate(
        [
            ("format", FORMAT),
            ("plan_id", plan_id),
            ("lang", lang),
            ("municipality_id", municipality_id or ""),
            ("exported_at", now()),
            ("sheets", "\n".join(wb.sheetnames[:-1])),
            ("data_sheets", "\n".join(f"{tb.key}={title}" for tb, title in zip(tables, data_titles))),
        ],
        1,
    ):
        put(meta, r_i, 1, key)
        put(meta, r_i, 2, value)
    return xlsx.workbook_bytes(wb)


def workbook_filename(
    plan: dict, lang: str, ext: str = "xlsx", municipality: dict | None = None, blank: bool = False
) -> str:
    stem = "lape_" + (t("export.file.template", lang) if blank else t("export.file.plan", lang))
    stem += f"_{plan['first_year']}-{plan['last_year']}"
    if municipality:
        stem += "_" + plans.org_name(municipality, lang)
    return re.sub(r"[^\w.-]+", "_", stem) + f"_{lang}.{ext}"


# ---------------------------------------------------------------- CSV
def _csv_value(value, kind: str, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and kind in ("euro", "percent", "text", "ref"):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang in ("fi", "sv") else text
    if isinstance(value, (int, float)):
        return str(value)
    return csv_safe(safe_text(value))  # control characters stored before input was cleaned stay out


def plan_csv(db: Database, plan_id: int, lang: str, municipality_id: int | None = None) -> bytes:
    """The council table as CSV for Excel in Finland: UTF-8 with BOM, `;` separated,
    decimal comma in fi and sv, formula-like text behind an apostrophe."""
    return table_csv(plan_table(db, plan_id, lang, municipality_id), lang)


def table_csv(table: Table, lang: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in table.headers(lang)])
    kinds = [c.kind for c in table.cols]
    for row in table.rows:
        writer.writerow([_csv_value(v, kinds[i], lang) for i, v in enumerate(row)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
