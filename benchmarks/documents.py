"""Document speed: the plan as a Word document against plain python-docx writing the same
paragraphs and tables in the same run.

    python benchmarks/documents.py            # the example plan, and 1,000 goals with 3,000 measures
    python benchmarks/documents.py --quick    # the large plan at a tenth of the size

The baseline is read back from our own document, so it writes exactly the same text: each
paragraph with its style through `add_paragraph`, each table through `add_table` and
`add_row().cells[i].text`, each chart through `add_picture` of the same PNG (already drawn).
So the ratio shows what the document's own work costs: styles, header rows, alt text, the
table of contents, Markdown, reading the plan and (for the example) drawing the charts
(Pillow, lape_plan/charts/document.py).
Goal: at most 2 x the plain python-docx time."""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import docx  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

from export import build  # noqa: E402  (benchmarks/export.py: the same large plan)
from lape_plan import db as dbm, demo, documents, indicators  # noqa: E402
from lape_plan.charts import document as small_charts  # noqa: E402


def blocks(data: bytes) -> list[tuple]:
    """Our document's body as (kind, content) in order: paragraphs, tables, pictures."""
    document = docx.Document(io.BytesIO(data))
    out = []
    images = {rel.rId: rel.target_part.blob for rel in document.part.rels.values() if "image" in rel.reltype}
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blip = child.find(".//" + qn("a:blip"))
            if blip is not None:
                out.append(("picture", images[blip.get(qn("r:embed"))]))
            else:
                style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                out.append(
                    (
                        "paragraph",
                        "".join(t.text or "" for t in child.iter(qn("w:t"))),
                        style.get(qn("w:val")) if style is not None else None,
                    )
                )
        elif child.tag == qn("w:tbl"):
            rows = [
                ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
                for tr in child.iter(qn("w:tr"))
            ]
            out.append(("table", rows))
    return out


STYLE_NAMES = {
    "Heading1": "Heading 1",
    "Heading2": "Heading 2",
    "Heading3": "Heading 3",
    "Title": "Title",
    "Subtitle": "Subtitle",
    "ListBullet": "List Bullet",
    "ListNumber": "List Number",
}


def plain(content: list[tuple]) -> bytes:
    doc = docx.Document()
    for item in content:
        if item[0] == "paragraph":
            doc.add_paragraph(item[1], style=STYLE_NAMES.get(item[2]))
        elif item[0] == "picture":
            doc.add_picture(io.BytesIO(item[1]), width=Mm(120))
        else:
            rows = item[1]
            table = doc.add_table(rows=1, cols=len(rows[0]))
            for cell, text in zip(table.rows[0].cells, rows[0]):
                cell.text = text
            for row in rows[1:]:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def measure(title: str, db, plan_id: int, repeat: int, **kwargs) -> float:
    ours_cpu, base_cpu, ours_wall, base_wall = [], [], [], []
    data = documents.plan_docx(db, plan_id, "fi", **kwargs)  # warm-up (imports, the chart renderer)
    content = blocks(data)
    for _ in range(repeat):
        # draw the charts every time, as on a process's first download (text masks too)
        documents._chart_png.cache_clear()
        small_charts._glyphs.cache_clear()
        w0, c0 = time.perf_counter(), time.process_time()
        data = documents.plan_docx(db, plan_id, "fi", **kwargs)
        ours_wall.append(time.perf_counter() - w0)
        ours_cpu.append(time.process_time() - c0)
        w0, c0 = time.perf_counter(), time.process_time()
        plain(content)
        base_wall.append(time.perf_counter() - w0)
        base_cpu.append(time.process_time() - c0)
    counts = {k: sum(1 for c in content if c[0] == k) for k in ("paragraph", "table", "picture")}
    cells = sum(len(r) for c in content if c[0] == "table" for r in c[1])
    print(
        f"\n{title}: {counts['paragraph']:,} paragraphs, {counts['table']:,} tables ({cells:,} cells), "
        f"{counts['picture']} charts, {len(data) / 1e6:.2f} MB"
    )
    for label, ours, base in (("CPU time ", ours_cpu, base_cpu), ("wall time", ours_wall, base_wall)):
        print(
            f"  {label}: plan_docx best {min(ours):.2f} s, median {statistics.median(ours):.2f} s; "
            f"plain python-docx best {min(base):.2f} s, median {statistics.median(base):.2f} s; "
            f"ratio (best) {min(ours) / min(base):.2f} x"
        )
    ratio = min(ours_cpu) / min(base_cpu)
    print(f"  goal <= 2 x plain python-docx: {'met' if ratio <= 2 else 'NOT met'} (CPU time, best run)")
    if counts["picture"]:
        # What drawing the charts costs by itself (the baseline gets the drawn PNGs for free).
        links = indicators.links(db, plan_id, "fi")
        documents._chart_png.cache_clear()
        small_charts._glyphs.cache_clear()
        c0 = time.process_time()
        for link in links:
            documents.indicator_chart(link, "fi")
        charts = time.process_time() - c0
        print(
            f"  of which drawing the {len(links)} charts: {charts:.3f} s CPU ({1000 * charts / len(links):.1f} ms each); "
            f"the rest {min(ours_cpu) - charts:.2f} s = {(min(ours_cpu) - charts) / min(base_cpu):.2f} x plain"
        )
        c0 = time.process_time()
        documents.plan_docx(db, plan_id, "fi", **kwargs)
        print(f"  again with the charts drawn before (kept in the process): {time.process_time() - c0:.2f} s CPU")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the large plan at a tenth of the size")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best and median are reported)")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, figures not judged: only checks that it still runs"
    )
    args = parser.parse_args()
    goals, measures = (10, 30) if args.smoke else (100, 300) if args.quick else (1000, 3000)
    if args.smoke:
        args.repeat = 1
    with tempfile.TemporaryDirectory() as tmp:
        db = dbm.connect(Path(tmp) / "example.db")
        plan_id = demo.load(db, follow_up_example=True)
        measure("example plan, with its indicator charts", db, plan_id, args.repeat)
        measure("example plan, without charts", db, plan_id, args.repeat, with_charts=False)
        path = Path(tmp) / "large.db"
        plan_id = build(path, goals, measures)
        measure(
            f"large plan: {goals:,} goals, {measures:,} measures, 5 years of statuses",
            dbm.connect(path),
            plan_id,
            args.repeat,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
