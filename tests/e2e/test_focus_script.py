"""The focus script after an action (a11y.focus_script), in Chromium on a page that stands in for
Streamlit's: the test sets the script state and draws the elements when it wants them."""

from playwright.sync_api import expect

from lape_plan.ui.a11y import NEXT_FIELD, focus_script

PAGE = """<div data-testid="stApp" data-test-script-state="running">
  <div data-testid="stMain"><h1>Syysseminaari</h1><p data-stale="true">the join form</p>
    <button id="elsewhere">Kieli</button><div id="ballot"></div></div>
</div>"""
BALLOT = """() => { document.getElementById("ballot").innerHTML =
  '<div role="radiogroup"><input type="radio" name="b" value="1"><input type="radio" name="b" value="2"></div>'; }"""


def _open(page):
    page.set_content(PAGE + focus_script(NEXT_FIELD))


def _run_ends(page):
    page.evaluate("""() => {
      document.querySelector('[data-stale="true"]').remove();
      document.querySelector('[data-testid="stApp"]').dataset.testScriptState = "notRunning";
    }""")


def test_waits_for_the_run_and_moves_to_a_ballot_drawn_after_it(page):
    _open(page)
    page.wait_for_timeout(500)
    expect(page.locator("h1")).not_to_be_focused()  # the run has not ended: the old screen is still there
    _run_ends(page)
    expect(page.locator("h1")).to_be_focused()  # nothing better yet: the heading
    page.evaluate(BALLOT)  # the radio buttons come a moment after the run's end
    expect(page.locator("#ballot input").first).to_be_focused()


def test_focus_the_person_moved_is_left_alone(page):
    _open(page)
    _run_ends(page)
    expect(page.locator("h1")).to_be_focused()
    page.locator("#elsewhere").focus()
    page.evaluate(BALLOT)
    page.wait_for_timeout(1500)  # longer than the script watches
    expect(page.locator("#elsewhere")).to_be_focused()
