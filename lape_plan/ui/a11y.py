"""Shared accessibility of every page: the page's language and title, the language kept
over reloads and new tabs, a style that fixes Streamlit's defaults below WCAG 2.1 AA, and
the link to the accessibility statement. Streamlit hard-codes `<html lang="en">` and has
no option for it, so a small script sets it from the session's language."""

from __future__ import annotations

import json
from typing import Literal

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import i18n
from ..auth import SESSION_COOKIE
from ..model import LANGS

LANG_COOKIE = "lape_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600
STATEMENT_PAGE = "pages/accessibility.py"
HOME_PAGE = "pages/overview.py"

# The page file's name -> the catalogue key of its title (the menu's names).
TITLE_KEYS = {
    "overview": "nav.overview",
    "plan_editor": "nav.plan_editor",
    "indicators": "nav.indicators",
    "follow_up": "nav.follow_up",
    "assessments": "nav.assessments",
    "budget": "nav.budget",
    "export": "export.nav",
    "workshop": "nav.workshop",
    "projector": "nav.projector",
    "plan_settings": "nav.plan_settings",
    "admin": "nav.admin",
    "join": "nav.join",
    "accessibility": "a11y.nav",
    "chapters": "chapters.nav",
    "ideas": "nav.ideas",
    "ideas_admin": "nav.ideas_admin",
}

# - captions: Streamlit draws them in the text colour at 60 % opacity, 4.49:1 on the sidebar's
#   background (needs 4.5:1); a solid grey instead (7:1 on white, 6.3:1 on the sidebar)
# - chart and table toolbars are invisible until hovered, yet take keyboard focus: shown on focus
# - metrics, text tables and the menu's page names are cut ("8…", "Suunnitelman …") at 200 %
#   text size, and tables scroll sideways on a phone: they wrap instead, and a row of metrics
#   goes onto two rows when its columns get narrower than 9 characters' room
CSS = """<style>
[data-testid="stCaptionContainer"] { color: #4b5563 !important; opacity: 1 !important; }
[data-testid="stElementToolbar"]:focus-within, [data-testid="stElementToolbar"]:has(:focus-visible) {
  opacity: 1 !important; visibility: visible !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] :is(div, p), [data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] :is(div, p) {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) { flex-wrap: wrap; }
[data-testid="stColumn"]:has([data-testid="stMetric"]) { min-width: min(9rem, 100%); }
[data-testid="stTable"] :is(th, td) { white-space: normal !important; overflow-wrap: break-word; }
@media (max-width: 640px) { [data-testid="stTable"] :is(th, td) { padding: 0.35rem 0.4rem !important; } }
[data-testid="stSidebarNavLink"] span { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
</style>"""


def current_page() -> str:
    """The running page's file name without .py ("follow_up"), or "" when unknown."""
    run = get_script_run_ctx()
    if run is None:
        return ""
    try:
        manager = run.pages_manager
        page = manager.get_pages().get(manager.current_page_script_hash)
    except Exception:  # an internal of Streamlit; the title falls back to the app's name
        return ""
    path = str(page.get("script_path") or "") if page else ""
    return path.rsplit("/", 1)[-1].removesuffix(".py")


def page_title(page: str, lang: str) -> str:
    """ "Seuranta – LAPE": the page's own name first, so that tabs and history tell pages apart."""
    key = TITLE_KEYS.get(page)
    return f"{i18n.t(key, lang)} – LAPE" if key else "LAPE"


def remembered_lang() -> str | None:
    """The language this browser chose before (a cookie), for a reload or a new tab."""
    try:
        value = st.context.cookies.get(LANG_COOKIE)
    except Exception:  # AppTest has no browser cookies
        return None
    return value if value in LANGS else None


def meta_script(lang: str) -> str:
    """Sets the document's language, remembers the choice in a cookie for a year, marks
    each language's name in the language switch with its own language, and lets the
    keyboard reach (and so scroll) a text table's sideways-scrolling box."""
    names = json.dumps({i18n.language_name(code): code for code in LANGS})
    return f"""<script>
document.documentElement.lang = "{lang}";
document.cookie = "{LANG_COOKIE}={lang}; path=/; max-age={LANG_COOKIE_AGE}; SameSite=Lax"
  + (location.protocol === "https:" ? "; Secure" : "");
if (!window.lapeLangNames) {{
  window.lapeLangNames = {names};
  const mark = () => document.querySelectorAll(
      '[role="option"], button, .st-key-_w_lang [data-baseweb="select"] div').forEach(el => {{
    const code = window.lapeLangNames[el.textContent.trim()];
    if (code && el.lang !== code) el.lang = code;
  }});
  // a text table wider than a phone scrolls sideways in its own box: reachable by keyboard
  const scrollers = () => document.querySelectorAll('[data-testid="stTable"] > div:not([tabindex])')
    .forEach(el => {{ el.tabIndex = 0; }});
  mark();
  scrollers();
  new MutationObserver(() => {{ mark(); scrollers(); }}).observe(document.body, {{childList: true, subtree: true}});
}}
</script>"""


def setup_page(lang: str, layout: Literal["centered", "wide"] = "wide", css: str = "", **config) -> None:
    """Page config with the page's own title, then the document language and the shared style
    with the page's own `css` (one element: each costs every rerun a message)."""
    st.set_page_config(page_title=page_title(current_page(), lang), page_icon="🌱", layout=layout, **config)
    st.html(CSS + css)
    # Once per session and language: the document keeps its lang across the session's reruns
    # and page switches, and a script element drawn on every rerun disturbed the data
    # editor's keyboard navigation.
    if st.session_state.get("_a11y_meta") != lang:
        st.session_state["_a11y_meta"] = lang
        st.html(meta_script(lang), unsafe_allow_javascript=True)


def redraw_meta() -> None:
    """Before an st.rerun early in a session's first run: that run's script may never reach
    the browser, so the next run draws it again."""
    st.session_state.pop("_a11y_meta", None)


def keep_lang_in_url(lang: str) -> None:
    """A chosen language other than the default goes to the URL, so that a shared link keeps it."""
    if st.query_params.get("lang", i18n.DEFAULT_LANG) != lang:
        st.query_params["lang"] = lang


# Where a person continues after an action that replaced the page: the participant's next
# field (a ballot, a proposal) or else the page's heading, in that order of preference.
MAIN_HEADING = '[data-testid="stMain"] h1'
NEXT_FIELD = (
    '[data-testid="stMain"] [role="radiogroup"] input',
    '[data-testid="stMain"] textarea',
    '[data-testid="stMain"] input[type="text"]',
    MAIN_HEADING,
)


def focus_script(selectors: str | tuple[str, ...]) -> str:
    """Moves focus, once the run has drawn the page, to the first element matching the
    first of `selectors` that matches anything (a heading becomes focusable for this).
    Without it focus falls to the page's body after sign-in, joining or voting, and a
    keyboard or screen reader user starts again from the top. It waits until the run has
    finished and no element of the previous screen is left (Streamlit marks those
    `data-stale`), for up to 20 s, as a run on a loaded server can take long to draw. For a
    second after, focus goes again where it should: when a late redraw dropped it to the
    page's body, and when an earlier choice appeared only now (a widget drawn a moment after
    the run's end, as the ballot's radio buttons are). Focus the person moved elsewhere is
    left alone."""
    wanted = [selectors] if isinstance(selectors, str) else list(selectors)
    return f"""<script>
(function () {{
  let tries = 0, watched = 0, placed = null;
  const go = () => {{
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = app && app.dataset.testScriptState === "notRunning" && !document.querySelector('[data-stale="true"]');
    const el = drawn && {json.dumps(wanted)}.map(s => document.querySelector(s)).find(e => e);
    if (el) {{
      const active = document.activeElement;
      if (el !== active && (placed === null || !active || active === document.body || active === placed)) {{
        if (el.matches("h1, h2, h3, div, p")) el.tabIndex = -1;
        el.focus();
        placed = el;
      }}
      if (++watched >= 10) return;
    }}
    if (tries++ < 200) setTimeout(go, 100);
  }};
  setTimeout(go, 100);
}})();
</script>"""


def request_focus(selectors: str | tuple[str, ...] = MAIN_HEADING) -> None:
    """Asks the next run of this session to move focus (see `focus_script`)."""
    st.session_state["a11y_focus"] = selectors


def pending_focus() -> None:
    """Runs a focus that an action asked for, once."""
    selector = st.session_state.pop("a11y_focus", None)
    if selector:
        st.html(focus_script(selector), unsafe_allow_javascript=True)


def statement_link(lang: str) -> None:
    label = i18n.t("a11y.link", lang)
    try:
        st.page_link(STATEMENT_PAGE, label=label, icon=":material/accessibility_new:")
    except StreamlitPageNotFoundError:  # a page run on its own, outside app.py's navigation
        st.markdown(f"[{label}](accessibility?lang={lang})")


def _signed_in_browser() -> bool:
    """This session is signed in, or its browser holds a session cookie (not checked here:
    the app's guard does that; a link to the app is all it gives)."""
    if "user_id" in st.session_state:
        return True
    try:
        return bool(st.context.cookies.get(SESSION_COOKIE))
    except Exception:  # AppTest has no browser cookies
        return False


def back_to_app(lang: str) -> None:
    """On the public participant pages, a way back for a signed-in person: the menu is
    hidden there (a participant's link) or collapsed (a phone)."""
    if not _signed_in_browser():
        return
    label = i18n.t("a11y.back_to_app", lang)
    try:
        st.page_link(HOME_PAGE, label=label, icon=":material/arrow_back:")
    except StreamlitPageNotFoundError:  # a page run on its own, outside app.py's navigation
        st.markdown(f"[{label}](/?lang={lang})")


def upload_note(lang: str, types: list[str], mb: int | None = None) -> None:
    """Beside a file uploader: Streamlit's own texts ("Browse files", "200MB per file") are
    English and state the server's default, so say in the user's language what it takes."""
    mb = mb or st.get_option("server.maxUploadSize")
    st.caption(i18n.t("a11y.upload_limit", lang, types=", ".join(f".{x}" for x in types), mb=mb))
