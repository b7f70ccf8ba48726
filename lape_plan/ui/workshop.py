"""Streamlit helpers of the workshop pages: the participants' light guard, cached reads,
the join link and QR code, the projector's live fragment and the moderation rows."""
from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import streamlit as st
from sqlite_utils import Database

from .. import config, db as dbm, i18n, plans, workshop
from ..errors import ConflictError, LapeError
from ..model import LANGS
from . import a11y
from .guard import Ctx, _first_start, cookie_script, failures_shown, fresh_actor, through_navigation, unexpected
from .text import error_md, md_escape

PARTICIPANT_PAGE = "join"
REFRESH_SECONDS = 3
PARTICIPANT_COOKIE_DAYS = 7  # outlasts a workshop day, also when the browser is closed in between
_started: set[str] = set()


# ---------------------------------------------------------------- participants
@dataclass
class ParticipantCtx:
    db: Database
    lang: str

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def error(self, err) -> None:
        st.error(error_md(err, self.lang))


def participant_guard() -> ParticipantCtx:
    """The public participant page's guard: phone layout, language from ?lang= or the
    session, a database connection. No sidebar, no plan selection, no login."""
    through_navigation()
    wanted = st.query_params.get("lang")
    if wanted in LANGS:
        st.session_state["lang"] = wanted
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = a11y.remembered_lang() or i18n.DEFAULT_LANG
    a11y.setup_page(lang, layout="centered", initial_sidebar_state="collapsed")
    path = str(config.db_path())
    if path not in _started:  # once per database and process, not on every phone's rerun
        _first_start(path)
        _started.add(path)
    return ParticipantCtx(dbm.connect(path), lang)


def participant_cookie(code) -> str:
    """The name of the cookie that keeps this browser's participant token for one workshop."""
    return "lape_ws_" + re.sub(r"[^A-Z0-9]", "", workshop.normalise_code(code))


def remembered_token(code) -> str | None:
    """This browser's participant token for the workshop with this code: from this session,
    or from the cookie the browser sent when the session opened (a new tab, a reopened link)."""
    if not workshop.normalise_code(code):
        return None
    kept = st.session_state.get("ws_tokens", {}).get(participant_cookie(code))
    return kept or st.context.cookies.get(participant_cookie(code))


def remember_participant(code: str, token: str) -> None:
    """Keep the participant's token for this workshop in the session and, once per session,
    in the browser's cookie, so that joining again from this browser resumes this participant."""
    name = participant_cookie(code)
    kept = st.session_state.setdefault("ws_tokens", {})
    if kept.get(name) == token or not re.fullmatch(r"[A-Za-z0-9_-]+", token or ""):
        return
    kept[name] = token
    if st.context.cookies.get(name) != token:
        st.html(cookie_script(name, token, PARTICIPANT_COOKIE_DAYS * 86400), unsafe_allow_javascript=True)


def nav_position() -> str:
    """app.py's navigation menu position: hidden for participants, who have no account and
    nothing else to open. app.py runs before the page is resolved (st.context.url does not
    name the requested page yet), so participants are recognised by their link: the join
    code (from the QR code) or their token is in the query string."""
    if "code" in st.query_params or "p" in st.query_params:
        return "hidden"
    return "sidebar"


@st.cache_data(ttl=2, show_spinner=False, max_entries=200)
def ballot_labels(path: str, workshop_id: int) -> list[dict]:
    """The ballot with its texts escaped for the radio labels (which render Markdown).
    Shared by every participant of the workshop: one query per two seconds, not per rerun."""
    database = dbm.connect(path)
    try:
        return [{"id": p["id"], "label": md_escape(p["text"])}
                for p in workshop.ballot_proposals(database, workshop_id)]
    finally:
        database.close()


@st.cache_data(ttl=30, show_spinner=False, max_entries=200)
def area_names(path: str, workshop_id: int, lang: str) -> dict[int, str]:
    database = dbm.connect(path)
    try:
        w = workshop.get(database, workshop_id)
        return {a["id"]: plans.title_in(a, lang) for a in workshop.focus_areas(database, w)}
    finally:
        database.close()


def ballot_order(proposals: list[dict], participant_id: int) -> list[dict]:
    """Each participant sees the proposals in their own fixed random order, so the first
    proposals on everyone's screen do not collect votes for their position alone."""
    ordered = list(proposals)
    random.Random(participant_id).shuffle(ordered)
    return ordered


def flash(kind: str, text: str) -> None:
    st.session_state["ws_flash"] = (kind, text)


def show_flash() -> None:
    message = st.session_state.pop("ws_flash", None)
    if message:
        getattr(st, message[0])(message[1])
    a11y.pending_focus()


# ---------------------------------------------------------------- join link and QR
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


def join_panel(ctx: Ctx, w: dict, page_path: str) -> None:
    """Join code, link and QR code (the facilitator's page)."""
    url = workshop.participant_url(public_base(page_path), w["code"], ctx.lang)
    left, right = st.columns([2, 1], vertical_alignment="center")
    with left:
        st.markdown(ctx.t("workshop.join_at"))
        st.header(w["code"])
        st.code(url, language=None, wrap_lines=True)
    right.image(qr_png(url), caption=ctx.t("workshop.qr_caption"), width=180,
                alt=ctx.t("a11y.qr_alt", code=w["code"]))


# ---------------------------------------------------------------- projector
# Read from the back of a room: the menu hidden, type two to five times the usual size,
# dark on white. Each rule is scoped to a keyed container of the projector page (the
# style leaves with the page).
PROJECTOR_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1.5rem 3rem 1rem 3rem; }
.st-key-projector_join p { font-size: 1.9rem; line-height: 1.3; color: #111827; }
.st-key-projector_join h1 { font-size: 8rem; letter-spacing: 0.12em; line-height: 1.05; padding: 0.5rem 0; }
.st-key-projector_join [data-testid="stCode"] code { font-size: 1.5rem; }
.st-key-projector_head h1 { font-size: 3.8rem; }
.st-key-projector_head h2 { font-size: 2.8rem; font-weight: 500; }
.st-key-projector_live h3 { font-size: 2.4rem; }
.st-key-projector_live [data-testid="stMetricLabel"] p { font-size: 1.5rem; color: #111827; }
.st-key-projector_live [data-testid="stMetricValue"] { font-size: 3.6rem; font-weight: 700; }
.st-key-projector_areas [data-testid="stMetricLabel"] p { font-size: 1.2rem; white-space: normal; }
.st-key-projector_areas [data-testid="stMetricValue"] { font-size: 2.6rem; }
.st-key-projector_latest [data-testid="stText"], .st-key-projector_latest [data-testid="stText"] div {
  font-size: 1.9rem; line-height: 1.35; color: #111827; font-family: inherit; }
.st-key-projector_live [data-testid="stAlert"] p { font-size: 1.8rem; }
</style>"""


# The participant page has no menu, so no sidebar to open. On a phone the default top
# margin and title size push the form below the fold.
PARTICIPANT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none !important; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem; line-height: 1.2; }
}
</style>"""


def projector_view(ctx: Ctx, w: dict) -> None:
    """The room's screen: title and question, live figures on the left; join code, QR
    and link on the right, large enough to read and scan from the back."""
    st.html(PROJECTOR_CSS)
    url = workshop.participant_url(public_base("projector"), w["code"], ctx.lang)
    left, right = st.columns([3, 2], gap="large")
    with left:
        with st.container(key="projector_head"):
            st.title(md_escape(w["title"]))
            if w["question"]:
                st.header(md_escape(w["question"]))
        projector_live(ctx, w["id"])
    with right.container(key="projector_join"):
        st.markdown(ctx.t("workshop.join_at"))
        st.title(w["code"])
        st.image(qr_png(url), width=420, alt=ctx.t("a11y.qr_alt", code=w["code"]))
        st.code(url, language=None, wrap_lines=True)
    # The menu is hidden here; the facilitator's way back.
    right.page_link("pages/workshop.py", label=ctx.t("nav.workshop"), icon=":material/arrow_back:")
    with right:
        a11y.statement_link(ctx.lang)


def projector_live(ctx: Ctx, workshop_id: int) -> None:
    """The projector's self-refreshing part. Fragment reruns may run on another thread,
    so it opens its own connection; the focus areas are read once, outside it."""
    lang = ctx.lang
    areas = workshop.focus_areas(ctx.db, workshop.get(ctx.db, workshop_id))

    @st.fragment(run_every=REFRESH_SECONDS)
    def live_part():
        with failures_shown(lang):  # its reruns do not pass through app.py
            live_figures()

    def live_figures():
        t = partial(i18n.t, lang=lang)
        database = dbm.connect(config.db_path())
        try:
            w = workshop.get(database, workshop_id)
            figures = workshop.live(database, workshop_id)
        finally:
            database.close()
        num = partial(i18n.number, lang=lang)
        with st.container(key="projector_live"):
            st.subheader(t(f"workshop.phase.{w['phase']}"))
            cols = st.columns(4)
            cols[0].metric(t("workshop.count.participants"), num(figures["participants"]))
            cols[1].metric(t("workshop.count.proposals"), num(figures["proposals"]))
            cols[2].metric(t("workshop.count.votes"), num(figures["votes"]))
            cols[3].metric(t("workshop.count.voters"), num(figures["voters"]))
            with st.container(key="projector_areas"):
                for col, area in zip(st.columns(max(len(areas), 1)), areas):
                    col.metric(md_escape(plans.title_in(area, lang)), num(figures["by_area"].get(area["id"], 0)))
            if w["results_visible"]:
                st.altair_chart(workshop.ranking_chart(figures["ranking"], lang), width="stretch",
                                alt=workshop.ranking_alt(figures["ranking"], lang))
            elif w["phase"] == "collecting":
                latest = sorted(figures["ranking"], key=lambda p: p["id"], reverse=True)[:6]
                if latest:
                    st.subheader(t("workshop.latest"))
                    with st.container(key="projector_latest"):
                        for p in latest:
                            st.text(f"• {p['text']}")
            else:
                st.info(t("workshop.results_hidden"))

    live_part()


# ---------------------------------------------------------------- facilitator
def act(ctx: Ctx, fn, *args, done: str | None = None, **kwargs) -> None:
    """Run one domain call from a button callback; report the outcome on the next run.
    A callback runs before the page's guard: the actor is read again (`fresh_actor`),
    never the one of the screen the button was drawn on."""
    # Callbacks run in the next script run, maybe on another thread than ctx.db's: own connection.
    database = dbm.connect(config.db_path())
    try:
        fn(database, fresh_actor(database), *args, **kwargs)
    except LapeError as err:
        flash("error", error_md(err, ctx.lang))
    except sqlite3.OperationalError as err:
        flash("error", i18n.t("workshop.busy", ctx.lang) if "locked" in str(err) else unexpected(err, ctx.lang))
    except Exception as err:
        flash("error", unexpected(err, ctx.lang))
    else:
        if done:
            flash("success", done)
    finally:
        database.close()


def proposal_row(ctx: Ctx, p: dict, others: list[dict], area_names_: dict[int, str], goals: dict[int, str]) -> None:
    """One proposal in the moderation list: text, figures and the actions on it."""
    t = ctx.t
    with st.container(border=True, key=f"ws_prop_{p['id']}"):
        top, figures = st.columns([4, 1])
        top.text(p["text"])
        figures.markdown(t("workshop.votes_voters", votes=p["votes"], voters=p["voters"]))
        notes = [area_names_.get(p["focus_area_id"], "–")]
        if p["author"]:  # only the facilitator sees who wrote it; the room and the projector do not
            notes.append(t("workshop.author", name=p["author"]))
        if p["hidden"]:
            notes.append(t("workshop.status.hidden"))
        if p["goal_id"]:
            notes.append(t("workshop.became_goal", goal=goals.get(p["goal_id"], f"#{p['goal_id']}")))
        st.caption(md_escape(" · ".join(notes)))
        for m in p["merged"]:
            st.text(t("workshop.merged_line", text=m["text"]))
        c1, c2, c3, c4 = st.columns(4)
        c1.button(t("workshop.show") if p["hidden"] else t("workshop.hide"), key=f"ws_hide_{p['id']}",
                  width="stretch", on_click=act, args=(ctx, workshop.set_hidden, p["id"], not p["hidden"]))
        with c2.popover(t("workshop.edit"), width="stretch"):
            edit_form(ctx, p, area_names_)
        with c3.popover(t("workshop.merge"), width="stretch", disabled=not others or bool(p["goal_id"])):
            keep = st.selectbox(t("workshop.merge_into"), [o["id"] for o in others], key=f"ws_keep_{p['id']}",
                                format_func=lambda i: next(o["text"][:80] for o in others if o["id"] == i))
            st.button(t("workshop.merge_confirm"), key=f"ws_merge_{p['id']}", type="primary",
                      on_click=act, args=(ctx, workshop.merge, p["id"], keep), kwargs={"done": t("workshop.merged")})
        c4.button(t("workshop.promote"), key=f"ws_promote_{p['id']}", type="primary", width="stretch",
                  disabled=bool(p["goal_id"]), help=t("workshop.promote_help"),
                  on_click=act, args=(ctx, workshop.promote, p["id"]), kwargs={"done": t("workshop.promoted")})


def edit_form(ctx: Ctx, p: dict, area_names_: dict[int, str]) -> None:
    """Fix a typo; the form keeps the version it was opened on, so a second moderator's
    newer edit is not overwritten and the typed text stays."""
    prefix = f"ws_edit_{p['id']}"
    if prefix + "_version" not in st.session_state:
        st.session_state[prefix + "_version"] = p["version"]
        st.session_state[prefix + "_text"] = p["text"]
        st.session_state[prefix + "_area"] = p["focus_area_id"]
    with st.form(prefix + "_form", enter_to_submit=False):
        st.text_area(ctx.t("workshop.proposal_text"), key=prefix + "_text", max_chars=workshop.PROPOSAL_MAX)
        st.selectbox(ctx.t("workshop.focus_area"), list(area_names_), key=prefix + "_area",
                     format_func=lambda i: area_names_.get(i, "–"))
        submitted = st.form_submit_button(ctx.t("workshop.save"), type="primary")
    if submitted:
        try:
            workshop.edit(ctx.db, ctx.writer(), p["id"], st.session_state[prefix + "_version"],
                          st.session_state[prefix + "_text"], st.session_state[prefix + "_area"])
        except ConflictError as err:
            st.error(error_md(err, ctx.lang))
            st.text(ctx.t("workshop.their_text", text=err.current.get("text", "")))
            st.session_state[prefix + "_version"] = err.current.get("version")  # saving again keeps mine
        except LapeError as err:
            ctx.error(err)
        else:
            for key in [k for k in st.session_state if str(k).startswith(prefix + "_")]:
                del st.session_state[key]
            flash("success", ctx.t("workshop.saved"))
            st.rerun()


def participant_call(lang: str, fn, *args, done: str | None = None):
    """One participant action from a form callback, with its own connection; errors and
    success are shown on the run that follows. Returns the result or None."""
    database = dbm.connect(config.db_path())
    try:
        result = fn(database, *args)
    except LapeError as err:
        flash("error", error_md(err, lang))
        return None
    except sqlite3.OperationalError as err:
        # locked: the write waited out the busy timeout; it was rolled back, nothing was counted
        flash("error", i18n.t("workshop.busy", lang) if "locked" in str(err) else unexpected(err, lang))
        return None
    except Exception as err:
        flash("error", unexpected(err, lang))
        return None
    else:
        if done:
            flash("success", done)
        a11y.request_focus(a11y.NEXT_FIELD)  # to the next proposal or ballot, not the page's top
        return result
    finally:
        database.close()


def language_choice(lang: str) -> None:
    """A compact language switch; the choice also goes to the URL so a reload keeps it."""

    def change():
        chosen = st.session_state.get("ws_lang_pick")
        if chosen in LANGS:
            st.session_state["lang"] = chosen
            st.query_params["lang"] = chosen

    st.session_state["ws_lang_pick"] = lang
    st.segmented_control(i18n.t("workshop.language", lang), list(LANGS), key="ws_lang_pick",
                         format_func=i18n.language_name, on_change=change)
    a11y.statement_link(lang)
