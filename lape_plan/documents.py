"""Documents for the councils: the plan as a Word file (python-docx) and as PDF.

The document is built from the same read functions the pages use. Users' text only
ever becomes the text of runs: chapters are Markdown, rendered by the small subset
parser below into real headings, paragraphs and lists; every other text is written
as it is. Fields (table of contents, page numbers) come from fixed instructions only.

PDF: the .docx converted by LibreOffice headless (Writer), as tagged PDF."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlite_utils import Database

from . import chapters, follow_up, i18n, indicators, plans, versions, workshop
from .charts import document as small_charts
from .model import OrgKind, Scope
from .regions import plan_regions

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
DOC_LANGS = ("fi", "sv")
LOCALES = {"fi": "fi-FI", "sv": "sv-FI"}
TABLE_PT = 9
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "themeFontLang",
    "clrSchemeMapping",
    "shapeDefaults",
    "decimalSymbol",
    "listSeparator",
)


# Characters XML 1.0 cannot hold (python-docx refuses them): control characters pasted from other
# programs would otherwise make a document fail to build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _safe(text) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


def _t(key: str, lang: str, **values) -> str:
    return i18n.t(key, lang, **values)


# ---------------------------------------------------------------- the writer
class Writer:
    """A python-docx document set up for the plan: A4, language, styles, page numbers,
    and a table of contents filled in from the headings written."""

    def __init__(self, lang: str, title: str):
        if lang not in DOC_LANGS:
            raise ValueError(f"documents are written in {DOC_LANGS}, not {lang!r}")
        self.lang = lang
        self.doc = Document()
        self.headings: list[tuple[int, str]] = []
        self._toc: Paragraph | None = None
        self._setup(title)

    def t(self, key: str, **values) -> str:
        return _t(key, self.lang, **values)

    def _setup(self, title: str) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(22)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        doc.core_properties.title = _safe(title)[:255]  # the file format's limit; titles may be longer
        doc.core_properties.language = LOCALES[self.lang]
        doc.core_properties.author = ""
        doc.core_properties.comments = ""
        # The document language on the defaults (what screen readers and the PDF's /Lang read),
        # and off every style that would override it.
        styles = doc.styles.element
        for lang_el in styles.iter(qn("w:lang")):
            lang_el.getparent().remove(lang_el)
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang_el = OxmlElement("w:lang")
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang_el.set(qn(attr), LOCALES[self.lang])
        rpr.append(lang_el)
        normal = doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        for level, size in ((1, 16), (2, 13), (3, 12), (4, 11)):
            style = doc.styles[f"Heading {level}"]
            style.font.size = Pt(size)
            style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        cell = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(TABLE_PT)
        cell.paragraph_format.space_after = Pt(0)
        self.cell_style = cell
        self.table_style_id = doc.styles["Table Grid"].style_id
        for level in (1, 2):
            toc = doc.styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = normal
            toc.paragraph_format.left_indent = Mm(6 * (level - 1))
            toc.paragraph_format.space_after = Pt(2)
        self.toc_styles = {1: doc.styles["TOC 1"], 2: doc.styles["TOC 2"]}
        self.heading_styles = {n: doc.styles[f"Heading {n}"] for n in range(1, 10)}
        self.styles = {
            name: doc.styles[name] for name in ("Title", "Subtitle", "List Bullet", "List Number", "Normal", "Caption")
        }
        footer = section.footer.paragraphs[0]
        footer.alignment = 1
        footer.add_run(self.t("documents.page") + " ")
        _simple_field(footer, "PAGE", "1")
        # Word refreshes the table of contents (page numbers) when the file is opened. Settings are an
        # ordered sequence in the schema: updateFields goes before compat and what follows it.
        settings = doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = [settings.find(qn(f"w:{tag}")) for tag in _SETTINGS_AFTER_UPDATE_FIELDS]
        later = [el for el in later if el is not None]
        if later:
            min(later, key=settings.index).addprevious(update)
        else:
            settings.append(update)
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LOCALES[self.lang])

    # ---- blocks
    def styled(self, style):
        """A new paragraph of `style`, set by its id: python-docx's lookup by style object scans
        every style each time, which was most of the time of a large plan's document."""
        paragraph = self.doc.add_paragraph()
        if style is not None:
            paragraph._p.get_or_add_pPr().style = style.style_id
        return paragraph

    def heading(self, text: str, level: int, toc: bool = True):
        text = _safe(text)
        paragraph = self.styled(self.heading_styles[min(level, 9)])
        paragraph.add_run(text)
        if toc and level <= 2:
            self.headings.append((level, text))
        return paragraph

    def paragraph(self, text: str = "", style: str | None = None, italic: bool = False, bold: bool = False):
        paragraph = self.styled(self.styles[style] if style else None)
        if text:
            run = paragraph.add_run(_safe(text))
            run.italic = italic or None
            run.bold = bold or None
        return paragraph

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table_of_contents(self) -> None:
        """A TOC field; its shown result is filled in by `finish` from the headings written."""
        self.heading(self.t("documents.toc"), 1, toc=False)
        self._toc = self.doc.add_paragraph()

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float] | None = None):
        """A table with a repeated, bold header row, 9 pt text; cells hold text only."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        tbl_pr = table._tbl.tblPr
        style_el = OxmlElement("w:tblStyle")
        style_el.set(qn("w:val"), self.table_style_id)
        tbl_pr.insert(0, style_el)
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), "true")
            tr_pr.append(el)
        style_id = self.cell_style.style_id
        for cell, text in zip(header.cells, headers):
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style = style_id
            p.add_run(_safe(text)).bold = True
        for values in rows:
            row = table.add_row()
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, value in zip(row.cells, values):
                p = cell.paragraphs[0]
                p._p.get_or_add_pPr().style = style_id
                p.add_run(_safe(value))
        if widths_mm:
            # Fixed layout on the grid's column widths (each cell's own width is not needed).
            layout = OxmlElement("w:tblLayout")
            layout.set(qn("w:type"), "fixed")
            look = tbl_pr.find(qn("w:tblLook"))
            if look is not None:
                look.addprevious(layout)  # the schema's order: tblLayout before tblCellMar and tblLook
            else:
                tbl_pr.append(layout)
            for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm):
                col.w = Mm(width)
        self.doc.add_paragraph()
        return table

    def picture(self, png: bytes, alt: str, width_mm: float = 130) -> None:
        shape = self.doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
        doc_pr = shape._inline.docPr
        alt = _safe(alt)
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt[:120])

    # ---- Markdown
    def markdown(self, text: str, level: int) -> None:
        """Markdown (a subset: # headings, - and 1. lists, paragraphs, **bold**, *italic*,
        `code`, [text](url), backslash escapes) as Word headings, paragraphs and lists.
        `level` is the heading level of a "#" line."""
        lines: list[str] = []
        numbered: int | None = None

        def flush():
            if lines:
                self._inline(self.doc.add_paragraph(), " ".join(lines))
                lines.clear()

        for raw in _safe(text).split("\n"):
            line = raw.strip()
            heading = re.match(r"(#{1,6})\s+(.*?)\s*#*$", line)
            bullet = re.match(r"[-*+]\s+(.*)", line)
            number = re.match(r"\d{1,3}[.)]\s+(.*)", line)
            if not line or re.fullmatch(r"([-*_])(\s*\1){2,}", line):
                flush()
                numbered = None
            elif heading:
                flush()
                numbered = None
                p = self.styled(self.heading_styles[min(level + len(heading[1]) - 1, 9)])
                self._inline(p, heading[2])
            elif bullet:
                flush()
                numbered = None
                self._inline(self.styled(self.styles["List Bullet"]), bullet[1])
            elif number:
                flush()
                if numbered is None:
                    numbered = self._new_numbering()
                p = self.styled(self.styles["List Number"])
                num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = numbered
                self._inline(p, number[1])
            else:
                if numbered is not None:
                    numbered = None
                lines.append(line)
        flush()

    _INLINE = re.compile(
        r"\\([!-/:-@\[-`{-~])|\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|\*(?!\s)(.+?)\*"
        r"|(?<!\w)_(?!\s)(.+?)_(?!\w)|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)"
    )

    def _inline(self, paragraph, text: str) -> None:
        pos = 0
        for m in self._INLINE.finditer(text):
            if m.start() > pos:
                paragraph.add_run(text[pos : m.start()])
            escaped, bold, bold2, italic, italic2, code, link_text, url = m.groups()
            if escaped:
                paragraph.add_run(escaped)
            elif bold or bold2:
                paragraph.add_run(_unescape(bold or bold2)).bold = True
            elif italic or italic2:
                paragraph.add_run(_unescape(italic or italic2)).italic = True
            elif code:
                paragraph.add_run(code).font.name = "Courier New"
            else:
                paragraph.add_run(f"{_unescape(link_text)} ({url})")
            pos = m.end()
        if pos < len(text):
            paragraph.add_run(text[pos:])

    def _new_numbering(self) -> int:
        """A numbering instance of the List Number style that starts again from 1."""
        numbering = self.doc.part.numbering_part.element
        style_num = self.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    # ---- output
    def finish(self) -> bytes:
        if self._toc is not None:
            self._fill_toc(self._toc)
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    def _fill_toc(self, anchor: Paragraph) -> None:
        """The TOC field spans the placeholder paragraphs (`anchor`, the one table_of_contents
        left): begin and instruction in the first, the headings written so far as its shown
        result, end in the last."""
        entries = self.headings or [(1, "")]
        paragraphs = []
        for level, text in entries:
            p = anchor.insert_paragraph_before()
            p._p.get_or_add_pPr().style = self.toc_styles[level].style_id
            paragraphs.append(p)
        first, last = paragraphs[0], paragraphs[-1]
        _field_char(first, "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-2" \\h \\z \\u '
        first.add_run()._r.append(instr)
        _field_char(first, "separate")
        for p, (_, text) in zip(paragraphs, entries):
            p.add_run(text)
        _field_char(last, "end")
        anchor._p.getparent().remove(anchor._p)


def _unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _field_char(paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def _simple_field(paragraph, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# ---------------------------------------------------------------- texts in the document's language
def text_of(row: dict, lang: str, field: str = "title") -> tuple[str, bool]:
    """(text, only in Finnish): the Swedish text in a Swedish document where one exists,
    else the Finnish one, flagged so the document can say so."""
    fi = (row.get(f"{field}_fi") or "").strip()
    if lang == "sv":
        sv = (row.get(f"{field}_sv") or "").strip()
        if sv:
            return sv, False
        return fi, bool(fi)
    return fi, False


def marked(row: dict, lang: str, field: str = "title") -> str:
    """A short text for a heading or a cell, with "[only in Finnish]" where it is."""
    text, only_fi = text_of(row, lang, field)
    return f"{text} {_t('documents.only_fi', lang)}" if only_fi else text


def _num(value, lang: str, decimals=None) -> str:
    return i18n.number(value, lang, decimals) if value is not None else "–"


def _year_value(year, value, lang: str, decimals) -> str:
    if value is None:
        return "–"
    return f"{_num(value, lang, decimals)} ({year})" if year else _num(value, lang, decimals)


# ---------------------------------------------------------------- charts
_CHART_KEYS = ("region_name", "unit", "decimals", "baseline_year", "baseline_value", "target_year", "target_value")


def indicator_chart(link: dict, lang: str) -> bytes | None:
    """A small PNG of a goal–indicator link: its values, baseline, target and the path needed."""
    if not link["values"]:
        return None
    return _chart_png(
        lang,
        indicator_title(link, lang),
        tuple(sorted(link["values"].items())),
        tuple((k, link.get(k)) for k in _CHART_KEYS),
    )


@lru_cache(maxsize=512)
def _chart_png(lang: str, title: str, values: tuple, fields: tuple) -> bytes:
    """Drawn with Pillow (charts/document.py): a few milliseconds, where Altair through vl-convert took
    ~0.18 s a chart. Kept per process all the same: the same chart is drawn once."""
    link = dict(fields)
    return small_charts.trend_png(
        lang,
        title,
        values,
        link["region_name"],
        link["unit"],
        link["decimals"],
        (link["baseline_year"], link["baseline_value"]),
        (link["target_year"], link["target_value"]),
    )


def indicator_title(link: dict, lang: str) -> str:
    """The indicator's title; in a Swedish document marked when it has none in Swedish."""
    if lang == "sv" and not link.get("title_sv") and link.get("title_fi"):
        return f"{link['title_fi']} {_t('documents.only_fi', lang)}"
    return link["indicator_title"]


def chart_alt(link: dict, lang: str) -> str:
    d = link.get("decimals")
    return _t(
        "documents.chart_alt",
        lang,
        indicator=indicator_title(link, lang),
        region=link["region_name"],
        baseline=_year_value(link["baseline_year"], link["baseline_value"], lang, d),
        target=_year_value(link["target_year"], link["target_value"], lang, d),
        latest=_year_value(link["latest_year"], link["latest_value"], lang, d),
        progress=link["progress_label"],
    )


# ---------------------------------------------------------------- the plan
class _PlanData:
    """What the plan document reads, gathered once."""

    def __init__(self, db: Database, plan_id: int, lang: str, municipality_id: int | None = None):
        self.db = db
        self.plan = plans.get_plan(db, plan_id)
        self.areas = plans.tree(db, plan_id, municipality_id)
        self.orgs = {o["id"]: o for o in plans.organisations(db, plan_id)}
        self.municipalities = [o for o in self.orgs.values() if o["kind"] == OrgKind.MUNICIPALITY]
        self.links: dict[int, list[dict]] = {}
        for link in indicators.links(db, plan_id, lang, municipality_id=municipality_id):
            self.links.setdefault(link["goal_id"], []).append(link)
        self.year = follow_up.reporting_year(self.plan)
        latest: dict[tuple[str, int], dict] = {}
        for (entity, item_id, year), row in follow_up.current(db, plan_id).items():
            key = (entity, item_id)
            if year <= self.year and (key not in latest or year > latest[key]["year"]):
                latest[key] = row
        self.latest = latest
        self.approvals = plans.approvals(db, plan_id)
        self.parts = chapters.all_parts(db, plan_id)
        self.workshops = [{**w, **workshop.live(db, w["id"])} for w in workshop.for_plan(db, plan_id)]
        self.kinds = chapters.kinds(db, plan_id)

    def org(self, org_id, lang: str) -> str:
        return plans.org_name(self.orgs[org_id], lang) if org_id in self.orgs else ""


def plan_docx(db: Database, plan_id: int, lang: str = "fi", with_charts: bool = True) -> bytes:
    """The plan for the councils as a Word document in Finnish or Swedish."""
    data = _PlanData(db, plan_id, lang)
    plan = data.plan
    w = Writer(lang, marked(plan, lang))
    _cover(w, data)
    w.page_break()
    w.table_of_contents()
    w.page_break()
    for number, kind in enumerate(data.kinds, 1):
        _chapter(w, data, kind, number, with_charts)
    _assessments_annex(w, data, 1)
    return w.finish()


def _cover(w: Writer, data: _PlanData) -> None:
    plan, lang = data.plan, w.lang
    w.paragraph(marked(plan, lang), style="Title")
    w.paragraph(w.t("documents.subtitle", first=plan["first_year"], last=plan["last_year"]), style="Subtitle")
    if plan["is_example"]:
        w.paragraph(w.t("documents.example_note"), italic=True)
    w.paragraph(w.t("documents.made", date=i18n.date(i18n.today(), lang)))
    w.heading(w.t("documents.approvals"), 1)
    numbers = {v["id"]: v["number"] for v in versions.versions(data.db, plan["id"])}
    if data.approvals and numbers:  # decisions recorded against frozen versions: say which
        w.table(
            [
                w.t("documents.col.body"),
                w.t("documents.col.date"),
                w.t("documents.col.reference"),
                w.t("approvals.col.version_of"),
            ],
            [
                [a["body"], i18n.date(a["date"], lang), a["reference"], numbers.get(a["version_id"], "–")]
                for a in data.approvals
            ],
            [70, 28, 50, 18],
        )
    elif data.approvals:
        w.table(
            [w.t("documents.col.body"), w.t("documents.col.date"), w.t("documents.col.reference")],
            [[a["body"], i18n.date(a["date"], lang), a["reference"]] for a in data.approvals],
            [80, 30, 56],
        )
    else:
        w.paragraph(w.t("documents.no_approvals"), italic=True)
    changes_since_approval(w, data.db, plan["id"])


def changes_since_approval(w: Writer, db: Database, plan_id: int) -> bool:
    """What changed since the approved version, per item and chapter, for a revised plan going
    to the councils again and for the yearly report. Nothing when the plan has no approved
    version or nothing changed."""
    lang = w.lang
    version, changes = versions.changes_since(db, plan_id, lang=lang)
    if version is None or not changes:  # no approved version, or nothing changed
        return False
    w.heading(w.t("approvals.doc.changes", number=version["number"]), 1)
    decisions = [a for a in plans.approvals(db, plan_id) if a["version_id"] == version["id"]]
    w.paragraph(
        w.t(
            "approvals.doc.changes_intro",
            number=version["number"],
            date=i18n.date(version["created_at"], lang),
            approved=w.t("approvals.approved_by", bodies=", ".join(a["body"] for a in decisions)),
        )
    )
    w.table(
        [
            w.t("documents.col.number"),
            w.t("approvals.col.item"),
            w.t("approvals.col.change"),
            w.t("approvals.col.field"),
            w.t("approvals.col.old"),
            w.t("approvals.col.new"),
        ],
        [
            [
                r["number"],
                f"{r['kind']}: {r['title']}",
                r["change"],
                r["field"] or "–",
                r["old"] or "–",
                r["new"] or "–",
            ]
            for r in versions.change_rows(changes, lang)
        ],
        [12, 40, 18, 24, 36, 36],
    )
    return True


def _chapter(w: Writer, data: _PlanData, kind: str, number: int, with_charts: bool) -> None:
    lang = w.lang
    w.heading(f"{number} {chapters.title(kind, lang)}", 1)
    common = data.parts.get((kind, None))
    wrote = _chapter_text(w, common, 2)
    if kind == "wellbeing":
        wrote = _indicator_summary(w, data) or wrote
    elif kind == "goals":
        wrote = _goal_tables(w, data, with_charts) or wrote
    elif kind == "resources":
        wrote = _resources(w, data) or wrote
    elif kind == "follow_up":
        wrote = _follow_up_summary(w, data) or wrote
    elif kind == "hearing":
        wrote = _workshops(w, data) or wrote
    for municipality in data.municipalities:
        part = data.parts.get((kind, municipality["id"]))
        if part and (part["text_fi"] or part["text_sv"]):
            w.heading(plans.org_name(municipality, lang), 2)
            _chapter_text(w, part, 3)
            wrote = True
    if not wrote:
        w.paragraph(w.t("documents.chapter_empty"), italic=True)


def _chapter_text(w: Writer, part: dict | None, level: int) -> bool:
    if not part:
        return False
    text, only_fi = text_of(part, w.lang, "text")
    if not text:
        return False
    if only_fi:
        w.paragraph(w.t("documents.only_fi_chapter"), italic=True)
    elif part.get(f"{w.lang}_outdated"):
        w.paragraph(w.t(f"documents.outdated_{w.lang}"), italic=True)
    if part.get("is_example"):
        w.paragraph(w.t("documents.example_chapter"), italic=True)
    w.markdown(text, level)
    return True


def _indicator_summary(w: Writer, data: _PlanData, heading: bool = True) -> bool:
    links = [link for goal_links in data.links.values() for link in goal_links]
    if not links:
        return False
    lang = w.lang
    if heading:
        w.heading(w.t("documents.indicators"), 2)
    if any(link["example_values"] for link in links):
        w.paragraph(w.t("documents.example_values"), italic=True)
    w.table(
        [
            w.t("documents.col.indicator"),
            w.t("documents.col.region"),
            w.t("documents.col.baseline"),
            w.t("documents.col.target"),
            w.t("documents.col.latest"),
            w.t("documents.col.progress"),
        ],
        [
            [
                indicator_title(link, lang),
                link["region_name"],
                _year_value(link["baseline_year"], link["baseline_value"], lang, link.get("decimals")),
                _year_value(link["target_year"], link["target_value"], lang, link.get("decimals")),
                _year_value(link["latest_year"], link["latest_value"], lang, link.get("decimals")),
                link["progress_label"],
            ]
            for link in links
        ],
        [46, 28, 22, 22, 22, 26],
    )
    return True


def _status(data: _PlanData, entity: str, item_id: int, lang: str) -> str:
    row = data.latest.get((entity, item_id))
    if not row:
        return "–"
    text = f"{i18n.label('follow_up.status', row['status'], lang)} ({row['year']})"
    return f"{text}, {row['progress']} %" if row.get("progress") is not None else text


def _goal_tables(w: Writer, data: _PlanData, with_charts: bool) -> bool:
    lang = w.lang
    headers = [
        w.t("documents.col.number"),
        w.t("documents.col.measure"),
        w.t("documents.col.responsible"),
        w.t("documents.col.years"),
        w.t("documents.col.resources"),
        w.t("documents.col.status"),
    ]
    wrote = False
    for area in data.areas:
        # the plan's own numbers, named, as in the app and the workbook (people quote them in meetings);
        # a chapter prefix ("2.1.1") would clash with the measures' numbers in the tables
        w.heading(f"{w.t('entity.focus_area')} {area['number']}: {marked(area, lang)}", 2)
        wrote = True
        for goal in area["goals"]:
            w.heading(f"{w.t('entity.goal')} {goal['number']}: {marked(goal, lang)}", 3)
            scope = (
                w.t("documents.scope_shared")
                if goal["scope"] == Scope.SHARED
                else ", ".join(data.org(o, lang) for o in goal["municipality_ids"])
            )
            w.paragraph(f"{w.t('documents.applies_to')}: {scope}")
            if goal["responsible_ids"]:
                w.paragraph(
                    f"{w.t('documents.responsible')}: " + ", ".join(data.org(o, lang) for o in goal["responsible_ids"])
                )
            w.paragraph(f"{w.t('documents.col.status')}: {_status(data, 'goal', goal['id'], lang)}")
            if goal["description"]:
                w.paragraph(goal["description"])
            if goal["measures"]:
                rows = []
                for m in goal["measures"]:
                    years = (
                        "–"
                        if not (m["start_year"] or m["end_year"])
                        else f"{m['start_year'] or data.plan['first_year']}–{m['end_year'] or data.plan['last_year']}"
                    )
                    resources = ", ".join(
                        x
                        for x in (
                            m["resources_text"],
                            f"{_num(m['resources_eur'], lang)} €" if m["resources_eur"] is not None else "",
                        )
                        if x
                    )
                    title = marked(m, lang) + (f"\n{m['description']}" if m["description"] else "")
                    rows.append(
                        [
                            m["number"],
                            title,
                            data.org(m["responsible_org_id"], lang),
                            years,
                            resources or "–",
                            _status(data, "measure", m["id"], lang),
                        ]
                    )
                w.table(headers, rows, [14, 58, 30, 18, 26, 20])
            else:
                w.paragraph(w.t("documents.no_measures"), italic=True)
            _goal_indicators(w, data.links.get(goal["id"], []), with_charts)
    return wrote


def _goal_indicators(w: Writer, links: list[dict], with_charts: bool) -> None:
    if not links:
        return
    lang = w.lang
    w.paragraph(w.t("documents.goal_indicators"), bold=True)
    for link in links:
        d = link.get("decimals")
        w.paragraph(
            f"{indicator_title(link, lang)} ({link['region_name']}): "
            + " → ".join(
                _year_value(y, v, lang, d)
                for y, v in (
                    (link["baseline_year"], link["baseline_value"]),
                    (link["target_year"], link["target_value"]),
                    (link["latest_year"], link["latest_value"]),
                )
            )
            + f" — {link['progress_label']}"
        )
        png = indicator_chart(link, lang) if with_charts else None
        if png:
            w.picture(png, chart_alt(link, lang), 120)
    if any(link["example_values"] for link in links):
        w.paragraph(w.t("documents.example_values"), italic=True)


def _resources(w: Writer, data: _PlanData) -> bool:
    lang = w.lang
    totals: dict[int | None, float] = {}
    for area in data.areas:
        for goal in area["goals"]:
            for m in goal["measures"]:
                if m["resources_eur"]:
                    totals[m["responsible_org_id"]] = totals.get(m["responsible_org_id"], 0) + m["resources_eur"]
    if not totals:
        return False
    w.heading(w.t("documents.resources_table"), 2)
    rows = [[data.org(o, lang) or "–", f"{_num(v, lang)} €"] for o, v in sorted(totals.items(), key=lambda x: -x[1])]
    rows.append([w.t("documents.total"), f"{_num(sum(totals.values()), lang)} €"])
    w.table([w.t("documents.col.responsible"), w.t("documents.col.euros")], rows, [110, 56])
    return True


def _workshops(w: Writer, data: _PlanData) -> bool:
    """The participation figures of the plan's workshops (oldest first)."""
    if not data.workshops:
        return False
    w.heading(w.t("documents.workshops"), 2)
    w.table(
        [
            w.t("documents.col.workshop"),
            w.t("documents.col.date"),
            w.t("documents.col.participants"),
            w.t("documents.col.proposals"),
            w.t("documents.col.votes"),
        ],
        [
            [
                x["title"] + (f"\n{x['question']}" if x["question"] else ""),
                i18n.date(x["created_at"], w.lang),
                x["participants"],
                x["proposals"],
                x["votes"],
            ]
            for x in reversed(data.workshops)
        ],
        [70, 24, 24, 24, 24],
    )
    return True


def _follow_up_summary(w: Writer, data: _PlanData) -> bool:
    """Counts per status in the reporting year (the yearly report has the details)."""
    roll = follow_up.rollup(data.db, data.plan["id"], data.year)
    if not roll["total"]:
        return False
    lang = w.lang
    w.heading(w.t("documents.follow_up_table", year=data.year), 2)
    w.table(
        [w.t("documents.col.status"), w.t("documents.col.count")],
        [[i18n.label("follow_up.status", s, lang), n] for s, n in roll["counts"].items() if n],
        [110, 56],
    )
    return True


# ---------------------------------------------------------------- annex: child impact assessments
def _assessments_annex(w: Writer, data: _PlanData, number: int) -> bool:
    """The plan's child impact assessments as an annex: per assessment its target, a table of
    its parts (the hearing with the linked workshops and idea consultation and their figures)
    and a table of its expected effects per option and group. Assessments are written once,
    in one language: a Swedish document says so; titles of goals and measures are marked
    where they exist only in Finnish."""
    from . import assessments as lava

    lang = w.lang
    listed = lava.listing(data.db, data.plan["id"])
    if not listed:
        return False
    sources = lava.hearing_sources(data.db, data.plan["id"], lang)
    w.page_break()
    w.heading(w.t("lava_annex.title", number=number), 1)
    w.paragraph(w.t("lava_annex.intro", count=len(listed)))
    if lang != i18n.DEFAULT_LANG:
        w.paragraph(w.t("lava_annex.as_written"), italic=True)
    for item in listed:
        a = item["assessment"]
        title = (
            lava.decision_label(item["row"], lang)
            if item["target"] == "decision"
            else f"{item['number']} {marked(item['row'], lang)}"
        )
        w.heading(f"{lava.label('target', item['target'], lang)}: {title}", 2)
        w.table(
            [w.t("lava_annex.col_part"), w.t("lava_annex.col_content")],
            _assessment_rows(w, data, a, item, lava.hearing_links(a, sources)),
            [52, 114],
        )
        if a["effects"]:
            w.heading(w.t("lava_annex.effects"), 3)
            w.table(
                [w.t(f"field.lava_effect_{c}") for c in ("option", "group", "aspect", "direction", "reason")],
                [
                    [
                        e["option"] or "–",
                        lava.label("group", e["group"], lang),
                        lava.label("aspect", e["aspect"], lang),
                        lava.label("direction", e["direction"], lang),
                        e["reason"],
                    ]
                    for e in a["effects"]
                ],
                [34, 30, 22, 22, 58],
            )
    return True


def _assessment_rows(w: Writer, data: _PlanData, a: dict, item: dict, links: list[str]) -> list[list[str]]:
    """(part, content) rows of one assessment, the empty parts left out."""
    from . import assessments as lava

    lang = w.lang
    follow = " – ".join(x for x in (str(a["follow_up_year"] or ""), a["follow_up_method"]) if x)
    outcome = f"{lava.label('outcome', a['outcome'], lang)}. {a['outcome_note']}".strip() if a["outcome"] else ""
    orgs = ", ".join(data.org(o, lang) for o in item["responsible_ids"] if data.org(o, lang))
    parts = [
        ("assessments.col_organisation", orgs),
        ("field.lava_form", lava.label("form", a["form"], lang)),
        ("field.lava_status", lava.label("state", a["state"], lang)),
        ("field.lava_subject", a["subject"]),
        ("field.lava_affected", a["affected"]),
        ("field.lava_groups", lava.groups_text(a, lang)),
        ("field.lava_expected_effects", a["expected_effects"]),
        ("field.lava_hearing", "\n".join(x for x in [a["hearing"], *links] if x)),
        ("field.lava_options", "\n".join(a["options"])),
        ("field.lava_mitigation", a["mitigation"]),
        ("field.lava_conclusion_full" if a["form"] == "full" else "field.lava_conclusion", a["conclusion"]),
        ("lava_annex.follow_up", follow),
        ("field.lava_outcome", outcome),
    ]
    return [[w.t(key), value] for key, value in parts if value]


# ---------------------------------------------------------------- a municipality's card
def municipality_docx(db: Database, plan_id: int, municipality_id: int, lang: str = "fi") -> bytes:
    """The municipality's card (kuntakortti) for its council: the shared and its own goals
    and measures with their status, its indicators against the counties and the country,
    its resources, and its own parts of the chapters. Two to four pages for the example."""
    data = _PlanData(db, plan_id, lang, municipality_id)
    municipality = plans.get_organisation(db, municipality_id)
    if municipality_id not in {m["id"] for m in data.municipalities}:
        from .errors import ValidationError

        raise ValidationError("error.not_a_municipality", field="municipality_ids", id=municipality_id)
    name = plans.org_name(municipality, lang)
    w = Writer(lang, _t("documents.card_title", lang, name=name))
    w.paragraph(_t("documents.card_title", lang, name=name), style="Title")
    w.paragraph(marked(data.plan, lang), style="Subtitle")
    if data.plan["is_example"]:
        w.paragraph(w.t("documents.example_note"), italic=True)
    w.paragraph(w.t("documents.made", date=i18n.date(i18n.today(), lang)))
    w.heading(w.t("chapters.kind.goals"), 1)
    headers = [
        w.t("documents.col.number"),
        w.t("documents.col.item"),
        w.t("documents.col.responsible"),
        w.t("documents.col.status"),
    ]
    for area in data.areas:
        if not area["goals"]:
            continue
        w.heading(f"{area['number']} {marked(area, lang)}", 2)
        rows = []
        for goal in area["goals"]:
            own = "" if goal["scope"] == Scope.SHARED else f" ({w.t('documents.own_goal')})"
            rows.append(
                [
                    goal["number"],
                    marked(goal, lang) + own,
                    ", ".join(data.org(o, lang) for o in goal["responsible_ids"]) or "–",
                    _status(data, "goal", goal["id"], lang),
                ]
            )
            for m in goal["measures"]:
                rows.append(
                    [
                        m["number"],
                        "– " + marked(m, lang),
                        data.org(m["responsible_org_id"], lang),
                        _status(data, "measure", m["id"], lang),
                    ]
                )
        w.table(headers, rows, [16, 86, 36, 28])
    _comparison(w, db, data, municipality)
    _own_resources(w, data, municipality_id)
    parts = [(kind, data.parts.get((kind, municipality_id))) for kind in data.kinds]
    parts = [(kind, part) for kind, part in parts if part and (part["text_fi"] or part["text_sv"])]
    if parts:
        w.heading(w.t("documents.own_parts"), 1)
        for kind, part in parts:
            w.heading(chapters.title(kind, lang), 2)
            _chapter_text(w, part, 3)
    return w.finish()


def _comparison(w: Writer, db: Database, data: _PlanData, municipality: dict) -> None:
    """Each indicator of the municipality's goals: its latest year, the municipality, the
    plan's counties and the whole country side by side."""
    lang = w.lang
    regions = plan_regions(db, data.plan["id"], lang)
    own = next((r for r in regions if r["org_id"] == municipality["id"]), None)
    columns = (
        ([own] if own else [])
        + [r for r in regions if r["kind"] == "county"]
        + [r for r in regions if r["kind"] == "country"]
    )
    seen, rows, example = set(), [], False
    for goal_links in data.links.values():
        for link in goal_links:
            if link["indicator_id"] in seen:
                continue
            seen.add(link["indicator_id"])
            values = indicators.series(db, link["indicator_id"], [r["id"] for r in columns])
            if not values:
                continue
            by_region: dict[int, dict[int, float]] = {}
            for v in values:
                by_region.setdefault(v["region_id"], {})[v["year"]] = v["value"]
                example = example or bool(v["is_example"])
            years = by_region.get(own["id"]) if own else None
            year = max(years) if years else max(v["year"] for v in values)
            rows.append(
                [indicator_title(link, lang), year]
                + [_num(by_region.get(r["id"], {}).get(year), lang, link.get("decimals")) for r in columns]
            )
    w.heading(w.t("documents.card_indicators"), 1)
    if not rows:
        w.paragraph(w.t("documents.no_indicators"), italic=True)
        return
    if example:
        w.paragraph(w.t("documents.example_values"), italic=True)
    widths = [60, 14] + [round(92 / len(columns), 1)] * len(columns)
    w.table([w.t("documents.col.indicator"), w.t("documents.col.year")] + [r["name"] for r in columns], rows, widths)


def _own_resources(w: Writer, data: _PlanData, municipality_id: int) -> None:
    lang = w.lang
    rows, total = [], 0.0
    for area in data.areas:
        for goal in area["goals"]:
            for m in goal["measures"]:
                if m["responsible_org_id"] == municipality_id and (m["resources_text"] or m["resources_eur"]):
                    total += m["resources_eur"] or 0
                    rows.append(
                        [
                            m["number"],
                            marked(m, lang),
                            m["resources_text"] or "–",
                            f"{_num(m['resources_eur'], lang)} €" if m["resources_eur"] is not None else "–",
                        ]
                    )
    w.heading(w.t("documents.card_resources"), 1)
    if not rows:
        w.paragraph(w.t("documents.no_resources"), italic=True)
        return
    rows.append(["", w.t("documents.total"), "", f"{_num(total, lang)} €"])
    w.table(
        [
            w.t("documents.col.number"),
            w.t("documents.col.measure"),
            w.t("documents.col.resources"),
            w.t("documents.col.euros"),
        ],
        rows,
        [16, 80, 44, 26],
    )


# ---------------------------------------------------------------- the yearly report
def year_report_docx(db: Database, plan_id: int, year: int, lang: str = "fi") -> bytes:
    """The councils' yearly report: the roll-up, what changed since the year before,
    delayed and cancelled items with their narratives, missing updates by organisation,
    and indicator progress."""
    data = _PlanData(db, plan_id, lang)
    plan = data.plan
    year = follow_up.check_year(year, plan)
    w = Writer(lang, _t("documents.report_title", lang, year=year))
    w.paragraph(_t("documents.report_title", lang, year=year), style="Title")
    w.paragraph(marked(plan, lang), style="Subtitle")
    if plan["is_example"]:
        w.paragraph(w.t("documents.example_note"), italic=True)
    w.paragraph(w.t("documents.made", date=i18n.date(i18n.today(), lang)))
    w.paragraph(w.t("documents.narratives_note"), italic=True)
    roll = follow_up.rollup(db, plan_id, year)
    w.heading(w.t("documents.report_rollup"), 1)
    w.paragraph(
        w.t(
            "documents.report_progress",
            year=year,
            progress="–" if roll["progress"] is None else f"{_num(roll['progress'], lang, 0)} %",
        )
    )
    status_rows = [
        [i18n.label("follow_up.status", s, lang), n, f"{_num(100 * roll['shares'][s], lang, 0)} %"]
        for s, n in roll["counts"].items()
        if n
    ]
    w.table(
        [w.t("documents.col.status"), w.t("documents.col.count"), w.t("documents.col.share")], status_rows, [90, 38, 38]
    )
    w.table(
        [w.t("documents.col.focus_area"), w.t("documents.col.progress_pct")],
        [
            [
                marked(a["focus_area"], lang),
                f"{_num(a['progress'], lang, 0)} %" if a["progress"] is not None else "–",
            ]
            for a in roll["areas"]
        ],
        [128, 38],
    )
    summary = follow_up.year_summary(db, plan_id, year)
    changed = [r for r in summary if r["change"] not in ("unchanged", "no_update")]
    w.heading(w.t("documents.report_changes"), 1)  # each item against its latest earlier update
    if changed:
        w.table(
            [
                w.t("documents.col.number"),
                w.t("documents.col.item"),
                w.t("documents.col.change"),
                w.t("documents.col.narrative"),
            ],
            [
                [
                    r["number"],
                    marked(r["row"], lang),
                    f"{i18n.label('follow_up.change', r['change'], lang)}: "
                    f"{i18n.label('follow_up.status', r['previous_status'], lang)} → "
                    f"{i18n.label('follow_up.status', r['status'], lang)}",
                    r["narrative"] or "–",
                ]
                for r in changed
            ],
            [16, 56, 40, 54],
        )
    else:
        w.paragraph(w.t("documents.nothing"), italic=True)
    changes_since_approval(w, db, plan_id)
    late = [r for r in summary if r["status"] in ("delayed", "cancelled")]
    w.heading(w.t("documents.report_late"), 1)
    if late:
        w.table(
            [
                w.t("documents.col.number"),
                w.t("documents.col.item"),
                w.t("documents.col.status"),
                w.t("documents.col.responsible"),
                w.t("documents.col.narrative"),
            ],
            [
                [
                    r["number"],
                    marked(r["row"], lang),
                    i18n.label("follow_up.status", r["status"], lang),
                    ", ".join(data.org(o, lang) for o in r["responsible_ids"]) or "–",
                    r["narrative"] or "–",
                ]
                for r in late
            ],
            [14, 48, 22, 30, 52],
        )
    else:
        w.paragraph(w.t("documents.nothing"), italic=True)
    w.heading(w.t("documents.report_missing"), 1)
    groups = follow_up.missing(db, plan_id, year)
    if groups:
        for group in groups:
            name = plans.org_name(group["organisation"], lang) if group["organisation"] else w.t("documents.no_org")
            w.heading(f"{name} ({len(group['items'])})", 2)
            w.table(
                [w.t("documents.col.number"), w.t("documents.col.item")],
                [[i["number"], marked(i["row"], lang)] for i in group["items"]],
                [20, 146],
            )
    else:
        w.paragraph(w.t("documents.no_missing"), italic=True)
    w.heading(w.t("documents.indicators"), 1)
    if not _indicator_summary(w, data, heading=False):
        w.paragraph(w.t("documents.no_indicators"), italic=True)
    return w.finish()


# ---------------------------------------------------------------- a workshop's report
def workshop_docx(db: Database, workshop_id: int, lang: str = "fi") -> bytes:
    """A workshop's report: its question, the focus areas offered, participation, the ranked
    proposals with a chart, and the proposals that became goals of the plan."""
    ws = workshop.get(db, workshop_id)
    plan = plans.get_plan(db, ws["plan_id"])
    live = workshop.live(db, workshop_id)
    title = _t("documents.workshop_title", lang, title=ws["title"])
    w = Writer(lang, title)
    w.paragraph(title, style="Title")
    w.paragraph(marked(plan, lang), style="Subtitle")
    if plan["is_example"]:
        w.paragraph(w.t("documents.example_note"), italic=True)
    w.paragraph(w.t("documents.made", date=i18n.date(i18n.today(), lang)))
    w.paragraph(w.t("documents.proposals_note"), italic=True)
    w.heading(w.t("documents.workshop_question"), 1)
    w.paragraph(ws["question"] or "–")
    areas = workshop.focus_areas(db, ws)
    if areas:
        w.paragraph(w.t("documents.workshop_areas") + ": " + ", ".join(marked(a, lang) for a in areas))
    w.heading(w.t("documents.workshop_participation"), 1)
    w.table(
        [
            w.t("documents.col.date"),
            w.t("documents.col.participants"),
            w.t("documents.col.voters"),
            w.t("documents.col.proposals"),
            w.t("documents.col.votes"),
        ],
        [[i18n.date(ws["created_at"], lang), live["participants"], live["voters"], live["proposals"], live["votes"]]],
        [40, 32, 32, 31, 31],
    )
    w.heading(w.t("documents.workshop_results"), 1)
    ranking = live["ranking"]
    if not ranking:
        w.paragraph(w.t("documents.nothing"), italic=True)
    else:
        tree = plans.tree(db, plan["id"], include_drafts=True)  # proposals name the drafts they became
        area_names = {a["id"]: marked(a, lang) for a in tree}
        goals = {g["id"]: g for a in tree for g in a["goals"]}
        import vl_convert

        from .charts import workshop as workshop_charts

        top = ranking[:10]
        chart = workshop_charts.ranking_chart(top, lang).properties(width=760)
        alt_text = (
            w.t("documents.ranking_alt", count=len(top))
            + " "
            + "; ".join(f"{i}. {p['text']} ({p['votes']})" for i, p in enumerate(top, 1))
        )
        w.picture(vl_convert.vegalite_to_png(chart.to_dict(validate=False), scale=1), alt_text, 160)
        w.table(
            [
                w.t("documents.col.rank"),
                w.t("documents.col.proposal"),
                w.t("documents.col.focus_area"),
                w.t("documents.col.votes"),
                w.t("documents.col.goal"),
            ],
            [
                [
                    i,
                    p["text"],
                    area_names.get(p["focus_area_id"], "–"),
                    p["votes"],
                    marked(goals[p["goal_id"]], lang) if p["goal_id"] in goals else "–",
                ]
                for i, p in enumerate(ranking, 1)
            ],
            [12, 70, 36, 16, 32],
        )
    promoted = [p for p in ranking if p["goal_id"] in goals] if ranking else []
    w.heading(w.t("documents.workshop_goals"), 1)
    if promoted:
        for p in promoted:
            w.paragraph(f"{marked(goals[p['goal_id']], lang)} ← {p['text']}", style="List Bullet")
    else:
        w.paragraph(w.t("documents.nothing"), italic=True)
    return w.finish()


def workshop_pdf(db: Database, workshop_id: int, lang: str = "fi") -> bytes:
    return to_pdf(workshop_docx(db, workshop_id, lang))


# ---------------------------------------------------------------- PDF
def soffice() -> str | None:
    """LibreOffice's soffice when it can convert Word files (its Writer part is installed)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        return None
    program = Path(os.path.realpath(path)).parent
    return path if any(program.glob("libswlo*")) else None


def pdf_available() -> bool:
    return soffice() is not None


PDF_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def to_pdf(docx_bytes: bytes, timeout: int = 180) -> bytes:
    """A Word document as tagged PDF through LibreOffice headless. Each call uses its own
    profile directory, so conversions may run side by side."""
    binary = soffice()
    if not binary:
        raise RuntimeError("LibreOffice Writer (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lape_pdf_") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(docx_bytes)
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--norestore",
                "--convert-to",
                PDF_FILTER,
                "--outdir",
                tmp,
                str(src),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        out = Path(tmp) / "document.pdf"
        if not out.exists():
            raise RuntimeError(f"PDF conversion failed: {result.stderr.decode(errors='replace')[-500:]}")
        return out.read_bytes()


def plan_pdf(db: Database, plan_id: int, lang: str = "fi") -> bytes:
    return to_pdf(plan_docx(db, plan_id, lang))


def municipality_pdf(db: Database, plan_id: int, municipality_id: int, lang: str = "fi") -> bytes:
    return to_pdf(municipality_docx(db, plan_id, municipality_id, lang))


def year_report_pdf(db: Database, plan_id: int, year: int, lang: str = "fi") -> bytes:
    return to_pdf(year_report_docx(db, plan_id, year, lang))


def filename(
    plan: dict,
    lang: str,
    ext: str,
    kind: str = "plan",
    municipality: dict | None = None,
    year: int | None = None,
    workshop_id: int | None = None,
) -> str:
    stem = "lape_" + _t(f"documents.file.{kind}", lang) + f"_{plan['first_year']}-{plan['last_year']}"
    if municipality:
        stem += "_" + plans.org_name(municipality, lang)
    if year:
        stem += f"_{year}"
    if workshop_id:
        stem += f"_{workshop_id}"
    return re.sub(r"[^\w.-]+", "_", stem) + f"_{lang}.{ext}"
