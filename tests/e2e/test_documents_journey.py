"""A coordinator writes a chapter's Swedish text and downloads the plan as a Swedish Word document."""

import docx
from playwright.sync_api import expect

from .conftest import choose, login, no_exceptions, wait_idle


def test_write_a_chapter_and_download_the_swedish_document(server, page, tmp_path):
    login(page, server)
    choose(page, "_w_lang", "Svenska")
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Planens kapitel").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Planens kapitel (barnskyddslagen 12 §)")
    choose(page, "ch_kind", "3 Resurser")
    wait_idle(page)
    page.locator(".st-key-ch_resources_0_text_fi textarea").fill("Resurssit on kuvattu taulukossa.")
    page.locator(".st-key-ch_resources_0_text_sv textarea").fill("## Familjecentret\n\n- två handledare")
    page.get_by_role("button", name="Spara kapitlet").click()
    wait_idle(page)
    expect(page.get_by_text("Kapitlet har sparats.")).to_be_visible()
    no_exceptions(page)

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Export och import").click()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Planen (Word)").click()
    assert download.value.suggested_filename == "lape_plan_2020-2024_sv.docx"
    path = tmp_path / "plan.docx"
    download.value.save_as(path)
    paragraphs = [(p.style.name, p.text) for p in docx.Document(path).paragraphs]
    i = paragraphs.index(("Heading 1", "3 Resurser"))
    assert paragraphs[i + 1 : i + 3] == [("Heading 3", "Familjecentret"), ("List Bullet", "två handledare")]
    no_exceptions(page)
