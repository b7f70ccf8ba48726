"""The workbook as LibreOffice sees it: rendered to PDF, and saved again as .xlsx.
scripts/test.sh installs LibreOffice Calc and poppler-utils (pdftotext) from Debian."""

import shutil
import subprocess

import openpyxl
import pytest

from lape_plan import exports, follow_up, plans, roundtrip
from lape_plan.model import SYSTEM

pytestmark = pytest.mark.libreoffice

FORMULA = "=11111*11111"  # evaluated it would show 123454321
HOSTILE = [FORMULA, "@SUM(A1:A9)", "+41 123 456", "-2+3", '=HYPERLINK("http://evil.example","klikkaa")']


@pytest.fixture
def workbook(demo_db, tmp_path):
    plan_id = plans.plans(demo_db)[0]["id"]
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    follow_up.record(demo_db, SYSTEM, "measure", goal["measures"][0]["id"], 2022, "delayed", narrative="Kaksi koulua")
    for text in HOSTILE:
        plans.add(demo_db, SYSTEM, "measure", goal["id"], title_fi=text, title_sv=text, resources_text=text)
    path = tmp_path / "in" / "plan_sv.xlsx"
    path.parent.mkdir()
    path.write_bytes(exports.plan_workbook(demo_db, plan_id, "sv"))
    return path


def _soffice(tmp_path, target, path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: apt-get install libreoffice-calc-nogui (scripts/test.sh does it)"
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out / path.with_suffix("." + target.split(":")[0]).name


def test_libreoffice_renders_the_workbook_to_pdf(workbook, tmp_path):
    pdf = _soffice(tmp_path, "pdf", workbook)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is needed (scripts/test.sh installs it)"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert "TID FÖR BARNEN" in pages[0] and "Godkännanden" in pages[0]
    plan_page = pages[1]
    assert "Fokusområde" in plan_page and "Status 2022" in plan_page and "Försenad" in plan_page
    for text_value in ("=11111*11111", "@SUM(A1:A9)", "+41 123 456", "-2+3", "=HYPERLINK("):
        assert text_value in text, text_value
    assert "123454321" not in text  # shown as text, never calculated
    # the sheets for editing are in the file (hidden) but never printed; their page header would say so
    assert openpyxl.load_workbook(workbook)["Åtgärder"].sheet_state == "hidden"
    assert "2024 – Åtgärder" not in text and "2024 – Uppföljning" not in text and "Målets id" not in text


def test_libreoffice_keeps_text_as_text_and_its_file_comes_back(workbook, demo_db, tmp_path):
    saved = _soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", workbook)
    wb = openpyxl.load_workbook(saved)
    assert wb["_lape"].sheet_state == "hidden"
    texts = {c.value: c for row in wb["Åtgärder"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in HOSTILE:
        assert texts[text].data_type == "s", text
    result = roundtrip.preview(demo_db, SYSTEM, saved.read_bytes(), "sv")
    assert (result.added, result.changed, result.conflicts) == ([], [], [])
    assert result.unchanged == 4 + 8 + 14 + len(HOSTILE) + 1
