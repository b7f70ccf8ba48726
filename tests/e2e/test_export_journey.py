"""Council staff download the plan workbook in Swedish, edit it and upload it back."""

import io

import openpyxl
from playwright.sync_api import expect

from .conftest import choose, login, no_exceptions, wait_idle


def test_council_staff_download_swedish_workbook_and_upload_an_edit(server, page, tmp_path):
    login(page, server)
    choose(page, "_w_lang", "Svenska")
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Export och import").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Tabeller för fullmäktige: export och import")
    no_exceptions(page)

    # the council's copy by default: cover and plan tables only
    with page.expect_download() as council:
        page.get_by_role("button", name="Excel-arbetsbok").click()
    council.value.save_as(tmp_path / "council.xlsx")
    council_wb = openpyxl.load_workbook(tmp_path / "council.xlsx")
    assert council_wb.sheetnames == ["Försättsblad", "Plan", "Konsekvenser för barn", "_lape"]

    # the sheets for editing on request: in the file, hidden so that they are never printed
    page.get_by_text("Med redigerbara flikar").click()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Excel-arbetsbok").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith("_sv.xlsx")
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == ["Försättsblad", "Plan", "Konsekvenser för barn"]
    assert wb.sheetnames[2:7] == ["Fokusområden", "Mål", "Åtgärder", "Uppföljning", "Barnbudget"]
    assert wb["Plan"]["A1"].value == "Fokusområde"
    assert wb["Plan"]["B2"].value == "1.1 Varje barn har minst en god vän"
    assert wb["Försättsblad"]["A1"].value.startswith("TID FÖR BARNEN")

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="CSV-tabell").click()
    assert csv_download.value.suggested_filename.endswith("_sv.csv")
    csv_path = tmp_path / "plan.csv"
    csv_download.value.save_as(csv_path)
    assert csv_path.read_bytes().startswith("\ufeffFokusområde;Mål".encode())

    # an edit made in Excel comes back: preview first, then save
    ws = wb["Åtgärder"]
    ws.cell(2, 8).value = "Alla lågstadier i Karleby har kamratelever"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(edited))
    wait_idle(page)
    expect(page.get_by_text("Förhandsvisning: inget har sparats ännu.")).to_be_visible()
    expect(page.get_by_role("button", name="Spara 1 ändring")).to_be_visible()
    no_exceptions(page)
    page.get_by_role("button", name="Spara 1 ändring").click()
    wait_idle(page)
    expect(page.get_by_text("Sparat. Tillagda: 0, ändrade: 1")).to_be_visible()
    no_exceptions(page)

    # the next download carries the edit
    with page.expect_download() as again:
        page.get_by_role("button", name="Excel-arbetsbok").click()
    data = io.BytesIO(open(again.value.path(), "rb").read())
    assert openpyxl.load_workbook(data)["Åtgärder"].cell(2, 8).value == "Alla lågstadier i Karleby har kamratelever"
