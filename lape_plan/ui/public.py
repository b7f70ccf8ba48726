"""The public pages' frame: the workshop's participant page, the idea page and the
accessibility statement need no account. A phone-first layout without the menu, the language
from the link or the session, a language switch, the public links and their QR codes, and
writes from form callbacks whose outcome waits as a one-off message for the next run."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar
from urllib.parse import urlsplit

import streamlit as st
from sqlite_utils import Database

from .. import config, db as dbm, i18n, workshop
from ..errors import LapeError
from ..model import LANGS
from . import a11y, state
from .guard import first_start, through_navigation, unexpected
from .text import error_md

T = TypeVar("T")

_started: set[str] = set()


@dataclass
class PublicCtx:
    path: str
    lang: str

    @cached_property
    def db(self) -> Database:
        """A connection of this run, opened when first used: the participant page's usual run
        reads through the pool (`dbm.pooled`) and needs none."""
        return dbm.connect(self.path)

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def error(self, err) -> None:
        st.error(error_md(err, self.lang))


def public_guard(css: str = "") -> PublicCtx:
    """A public page's guard: phone layout (with the page's own `css`), language from ?lang=
    or the session, a database connection. No sidebar, no plan selection, no login."""
    through_navigation()
    wanted = st.query_params.get("lang")
    if wanted in LANGS:
        st.session_state["lang"] = wanted
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = a11y.remembered_lang() or i18n.DEFAULT_LANG
    a11y.setup_page(lang, layout="centered", css=PUBLIC_CSS + css, initial_sidebar_state="collapsed")
    a11y.back_to_app(lang)
    path = str(config.db_path())
    if path not in _started:  # once per database and process, not on every phone's rerun
        first_start(path)
        _started.add(path)
    return PublicCtx(path, lang)


# The public pages have no menu, so no sidebar to open. On a phone the default top
# margin and title size push the form below the fold.
PUBLIC_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none !important; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem; line-height: 1.2; }
}
</style>"""


def nav_position() -> str:
    """app.py's navigation menu position: hidden for participants, who have no account and
    nothing else to open. app.py runs before the page is resolved (st.context.url does not
    name the requested page yet), so participants are recognised by their link: the join
    code (from the QR code) or their token is in the query string."""
    if "code" in st.query_params or "p" in st.query_params:
        return "hidden"
    return "sidebar"


def nav_page(page: str, **options) -> st.Page:
    """st.Page, built once per session and set of options (the title is translated, so the
    language is one of them): building one resolves and checks its file, and the 16 of app.py
    took about a millisecond of every full run, a fifth of a participant's rerun. A session's
    runs never overlap, so reusing its own page objects is safe."""
    made = st.session_state.setdefault("_nav_pages", {})
    key = (page, tuple(sorted(options.items())))
    if key not in made:
        if len(made) > 200:  # languages and roles change rarely; never let it grow
            made.clear()
        made[key] = st.Page(page, **options)
    return made[key]


FLASH = "ws_flash"  # the slot of the workshop pages' and the ideas pages' one-off messages


def flash(kind: str, text: str) -> None:
    state.flash(FLASH, text, kind)


def show_flash() -> None:
    state.show_flash(FLASH)
    a11y.pending_focus()


def public_base(page_path: str) -> str:
    """The server's address as the facilitator's browser sees it (secrets `public_url` wins),
    so the QR code works from the phones in the same room."""
    configured = config.secrets().get("public_url")
    if configured:
        return str(configured).rstrip("/")
    url = None
    try:
        url = st.context.url
    except Exception:
        url = None
    if not url:
        return "http://localhost:8501"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/" + page_path):
        path = path[: -len(page_path) - 1]
    return f"{parts.scheme}://{parts.netloc}{path}"


@st.cache_data(show_spinner=False, max_entries=50)
def qr_png(url: str) -> bytes:
    return workshop.qr_png(url)


def outcome(lang: str, call: Callable[[], T], done: str | None = None, quiet: tuple = ()) -> tuple[bool, T | None]:
    """Run one write from a widget callback, which runs before the page draws: what came of it
    waits as a one-off message (`flash`) for that run. A refusal shows translated (nothing for
    keys in `quiet`); a locked database, whose write waited out the busy timeout and was rolled
    back, as "busy"; any other failure as the unexpected-error message; success as `done`.
    Returns whether it succeeded, and its result."""
    try:
        result = call()
    except LapeError as err:
        if err.key not in quiet:
            flash("error", error_md(err, lang))
        return False, None
    except sqlite3.OperationalError as err:
        flash("error", i18n.t("workshop.busy", lang) if "locked" in str(err) else unexpected(err, lang))
        return False, None
    except Exception as err:
        flash("error", unexpected(err, lang))
        return False, None
    if done:
        flash("success", done)
    return True, result


def participant_call(lang: str, fn, *args, done: str | None = None, quiet: tuple = ()):
    """One action of a person without an account (`fn(database, *args)`) from a form callback,
    on a pooled connection (see `outcome`). Returns the result or None."""
    with dbm.pooled(config.db_path()) as database:
        ok, result = outcome(lang, lambda: fn(database, *args), done, quiet)
    if ok:
        a11y.request_focus(a11y.NEXT_FIELD)  # to the next proposal or ballot, not the page's top
    return result


def language_choice(lang: str) -> None:
    """A compact language switch; the choice also goes to the URL so a reload keeps it."""

    def change():
        chosen = st.session_state.get("ws_lang_pick")
        if chosen in LANGS:
            st.session_state["lang"] = chosen
            st.query_params["lang"] = chosen

    st.session_state["ws_lang_pick"] = lang
    st.segmented_control(
        i18n.t("workshop.language", lang),
        list(LANGS),
        key="ws_lang_pick",
        format_func=i18n.language_name,
        on_change=change,
    )
    a11y.statement_link(lang)
