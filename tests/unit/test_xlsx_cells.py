"""Every xlsx writer (plan workbook, ideas export, workshop results, indicator template) goes through the
one safe-cell helper in lape_plan.xlsx: control characters XML cannot hold are dropped,
formula-like text stays text."""

import io
import zipfile

from openpyxl import Workbook, load_workbook

from lape_plan import exports, plans, sotkanet, workshop as ws, xlsx
from lape_plan.model import Actor, Role

FAC = Actor(name="Fasilitaattori", role=Role.FACILITATOR)
HOSTILE = "Kerho\x0bja\x00 kaikille\x1f"


def test_put_drops_illegal_characters_and_keeps_formulas_as_text():
    sheet = Workbook().active
    cell = xlsx.put(sheet, 1, 1, HOSTILE)
    assert cell.value == "Kerhoja kaikille" and cell.data_type == "s"
    cell = xlsx.put(sheet, 2, 1, '=HYPERLINK("http://x")')
    assert cell.data_type == "s" and cell.quotePrefix
    assert xlsx.put(sheet, 3, 1, 12.5).value == 12.5
    assert xlsx.csv_safe("+1") == "'+1" and xlsx.csv_safe(3) == 3 and xlsx.csv_safe("ok") == "ok"


def test_the_writers_share_the_helper():
    assert exports.put is xlsx.put and exports.csv_safe is xlsx.csv_safe
    assert ws.put is xlsx.put and ws.csv_safe is xlsx.csv_safe
    assert sotkanet.put_row is xlsx.put_row


def test_workshop_results_with_a_vertical_tab_in_a_proposal(demo_db):
    """Regression: results_xlsx raised IllegalCharacterError on '\\x0b' in a proposal."""
    plan_id = plans.plans(demo_db)[0]["id"]
    areas = [a["id"] for a in plans.tree(demo_db, plan_id)]
    wid = ws.create(demo_db, FAC, plan_id, "Syys\x0bseminaari", "Mitä\x0b tehdään?", areas[:2])
    pid = ws.propose(demo_db, ws.join(demo_db, ws.get(demo_db, wid)["code"]), areas[0], "Kerhoja kaikille")
    # Stored as such whatever input cleaning does: the writer must cope with any stored text.
    demo_db.execute("update workshop_proposals set text = ? where id = ?", [HOSTILE, pid])
    data = ws.results_xlsx(demo_db, wid, "fi")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Kerhoja kaikille" in values and "Syysseminaari" in values
    assert ws.results_csv(demo_db, wid, "fi")  # the CSV keeps working too


def test_plan_workbook_with_control_characters(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    demo_db.execute("update goals set description = ? where id = ?", [HOSTILE, goal["id"]])
    data = exports.plan_workbook(demo_db, plan_id, "fi")
    xml = b"".join(
        zipfile.ZipFile(io.BytesIO(data)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
        if n.startswith("xl/worksheets/")
    )
    assert b"Kerhoja kaikille" in xml and b"\x0b" not in xml


def test_indicator_template_is_written_as_text_cells():
    sheet = load_workbook(io.BytesIO(sotkanet.template_xlsx())).active
    assert [c.value for c in sheet[1]] == sotkanet.TEMPLATE_HEADER
    assert sheet["B2"].value == "272" and sheet["B2"].data_type == "s"


def test_every_writer_styles_its_sheets_through_the_one_helper(demo_db):
    """Plan workbook, ideas export, workshop results and the indicator template all get their
    header and title styles from xlsx.new_workbook, and user text there stays text."""
    from lape_plan import ideas

    plan_id = plans.plans(demo_db)[0]["id"]
    areas = [a["id"] for a in plans.tree(demo_db, plan_id)]
    wid = ws.create(demo_db, FAC, plan_id, "Syysseminaari", "Mitä tehdään?", areas[:2])
    ws.propose(demo_db, ws.join(demo_db, ws.get(demo_db, wid)["code"]), areas[0], "=1+1 kerhoja")
    books = {
        "plan": load_workbook(io.BytesIO(exports.plan_workbook(demo_db, plan_id, "fi")))["Suunnitelma"],
        "ideas": load_workbook(io.BytesIO(ideas.export_xlsx(demo_db, plan_id, "fi"))).active,
        "template": load_workbook(io.BytesIO(sotkanet.template_xlsx())).active,
    }
    for name, sheet in books.items():
        assert sheet["A1"].style.startswith("lape_header") and sheet["B1"].style == "lape_header", name
    results = load_workbook(io.BytesIO(ws.results_xlsx(demo_db, wid, "fi"))).active
    assert results["A1"].value == "Syysseminaari" and results["A1"].style == "lape_title"
    header_row = next(r for r in results.iter_rows() if r[0].style == "lape_header")
    assert all(c.style == "lape_header" for c in header_row if c.value is not None)
    proposal = next(c for r in results.iter_rows() for c in r if c.value == "=1+1 kerhoja")
    assert proposal.data_type == "s" and proposal.quotePrefix and proposal.style == "lape_text"
