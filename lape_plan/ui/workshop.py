"""Streamlit helpers of the workshop pages: the participants' light guard, cached reads,
the join link and QR code, the projector's live fragment and the moderation rows."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from dataclasses import dataclass
from functools import cached_property, partial
from urllib.parse import urlsplit

import streamlit as st
from sqlite_utils import Database

from .. import config, db as dbm, i18n, plans, workshop
from ..errors import ConflictError, LapeError
from ..model import LANGS
from . import a11y, forms, state
from .guard import Ctx, first_start, cookie_script, failures_shown, fresh_actor, through_navigation, unexpected
from .memo import shared
from .text import error_md, md_escape

PARTICIPANT_PAGE = "join"
REFRESH_SECONDS = 3
FOLLOW_SECONDS = 3  # a phone notices a phase or round change within this plus STAGE_SECONDS
STAGE_SECONDS = 0.5  # how old the shared (phase, round) may be: one read per workshop per half second
PARTICIPANT_COOKIE_DAYS = 7  # outlasts a workshop day, also when the browser is closed in between
_started: set[str] = set()


# ---------------------------------------------------------------- participants
@dataclass
class ParticipantCtx:
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


def participant_guard(css: str = "") -> ParticipantCtx:
    """The public participant page's guard: phone layout (with the page's own `css`), language
    from ?lang= or the session, a database connection. No sidebar, no plan selection, no login."""
    through_navigation()
    wanted = st.query_params.get("lang")
    if wanted in LANGS:
        st.session_state["lang"] = wanted
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = a11y.remembered_lang() or i18n.DEFAULT_LANG
    a11y.setup_page(lang, layout="centered", css=PARTICIPANT_CSS + css, initial_sidebar_state="collapsed")
    a11y.back_to_app(lang)
    path = str(config.db_path())
    if path not in _started:  # once per database and process, not on every phone's rerun
        first_start(path)
        _started.add(path)
    return ParticipantCtx(path, lang)


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


@shared(2)
def ballot_labels(path: str, workshop_id: int) -> list[dict]:
    """The ballot with its texts escaped for the radio labels (which render Markdown).
    Shared by every participant of the workshop: one query per two seconds, not per rerun."""
    with dbm.pooled(path) as database:
        return [
            {"id": p["id"], "label": md_escape(p["text"])} for p in workshop.ballot_proposals(database, workshop_id)
        ]


@shared(STAGE_SECONDS)
def room_stage(path: str, workshop_id: int) -> tuple:
    """The workshop's (phase, round), shared by all its phones: one indexed read per
    STAGE_SECONDS at most, however many phones ask."""
    with dbm.pooled(path) as database:
        return workshop.stage(database, workshop_id)


def follow_room(ctx: ParticipantCtx, path: str, workshop_id: int, seen: tuple) -> None:
    """Phones follow the facilitator without a reload and without rerunning the page on a
    timer: this fragment draws nothing, compares the cached stage with the one the page was
    drawn for every FOLLOW_SECONDS, and reruns the whole page only when it changed."""
    lang = ctx.lang

    @st.fragment(run_every=FOLLOW_SECONDS)
    def follow():
        with failures_shown(lang):
            if room_stage(path, workshop_id) != seen:
                st.rerun(scope="app")

    follow()


def background_form(ctx: ParticipantCtx, person: dict) -> bool:
    """The workshop's optional background questions, once, right after joining. True while the
    form is shown (the page stops there)."""
    w = person["workshop"]
    if not w["background"] or person.get("background_at"):
        return False
    t = ctx.t
    options = {key: workshop.background_options(ctx.db, w, key) for key in w["background"]}
    labels = {
        key: {v: workshop.background_label(ctx.db, w, key, v, ctx.lang) for v in values}
        for key, values in options.items()
    }

    def save():
        answers = {key: st.session_state.get(f"ws_bg_{key}") for key in options}
        participant_call(ctx.lang, workshop.answer_background, person["token"], answers)

    st.markdown(t("workshop_room.background_intro"))
    with st.form("ws_background_form"):
        for key, values in options.items():
            st.selectbox(
                t(f"workshop_room.bg.{key}"),
                values,
                index=None,
                key=f"ws_bg_{key}",
                format_func=labels[key].__getitem__,
                placeholder=t("workshop_room.no_answer"),
            )
        st.form_submit_button(
            t("workshop_room.continue"), type="primary", on_click=save, width="stretch", key="ws_bg_save"
        )
    return True


def feedback_form(ctx: ParticipantCtx, token: str) -> None:
    """The day's feedback once the workshop is closed: a grade 4–10 and a comment."""
    t = ctx.t
    with dbm.pooled(ctx.path) as database:
        person = workshop.participant(database, token)
        given = workshop.my_feedback(database, person["id"])

    def send():
        participant_call(
            ctx.lang,
            workshop.give_feedback,
            token,
            st.session_state.get("ws_grade"),
            st.session_state.get("ws_comment"),
            done=t("workshop_room.feedback_thanks"),
        )

    show_flash()
    if given:
        st.info(t("workshop_room.feedback_given", grade=given["grade"]))
        return
    with st.form("ws_feedback_form"):
        st.markdown(f"**{t('workshop_room.feedback_ask')}**")
        st.radio(t("workshop_room.grade"), list(workshop.GRADES), index=None, horizontal=True, key="ws_grade")
        st.text_area(t("workshop_room.comment"), key="ws_comment", max_chars=workshop.COMMENT_MAX)
        st.form_submit_button(
            t("workshop_room.send_feedback"), type="primary", on_click=send, width="stretch", key="ws_feedback_send"
        )


@shared(30)
def area_names(path: str, workshop_id: int, lang: str) -> dict[int, str]:
    with dbm.pooled(path) as database:
        w = workshop.get(database, workshop_id)
        return {a["id"]: plans.title_in(a, lang) for a in workshop.focus_areas(database, w)}


def ballot_order(proposals: list[dict], participant_id: int) -> list[dict]:
    """Each participant sees the proposals in their own fixed random order, so the first
    proposals on everyone's screen do not collect votes for their position alone."""
    ordered = list(proposals)
    random.Random(participant_id).shuffle(ordered)
    return ordered


FLASH = "ws_flash"  # the slot of the workshop pages' and the ideas pages' one-off messages


def flash(kind: str, text: str) -> None:
    state.flash(FLASH, text, kind)


def show_flash() -> None:
    state.show_flash(FLASH)
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


def unreachable_warning(ctx: Ctx, url: str, short: bool = False) -> None:
    """Said plainly before the code goes on the screen: a join link on localhost or a loopback
    address reaches no phone in the room, and how to fix it (the projector: one line)."""
    host = workshop.unreachable_host(url)
    if host:
        host = host.replace("`", "")  # shown in a code span, where Markdown escapes would show as typed
        key = "workshop_room.unreachable_short" if short else "workshop_room.unreachable"
        st.warning(ctx.t(key, host=host), icon=":material/wifi_off:")


def join_panel(ctx: Ctx, w: dict, page_path: str) -> None:
    """Join code, link and QR code (the facilitator's page)."""
    url = workshop.participant_url(public_base(page_path), w["code"], ctx.lang)
    unreachable_warning(ctx, url)
    left, right = st.columns([2, 1], vertical_alignment="center")
    with left:
        st.markdown(ctx.t("workshop.join_at"))
        st.header(w["code"])
        st.code(url, language=None, wrap_lines=True)
    right.image(qr_png(url), caption=ctx.t("workshop.qr_caption"), width=180, alt=ctx.t("a11y.qr_alt", code=w["code"]))


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
.st-key-projector_items [data-testid="stText"], .st-key-projector_items [data-testid="stText"] div {
  font-size: 1.9rem; line-height: 1.3; color: #111827; font-family: inherit; white-space: normal;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.st-key-projector_items [data-testid="stCaptionContainer"] p,
.st-key-projector_groups [data-testid="stCaptionContainer"] p { font-size: 1.6rem; color: #111827; }
.st-key-projector_groups h4 { font-size: 1.9rem; color: #111827; }
.st-key-projector_groups [data-testid="stText"], .st-key-projector_groups [data-testid="stText"] div {
  font-size: 1.75rem; line-height: 1.3; color: #111827; font-family: inherit; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
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
    and link on the right, large enough to read and scan from the back. Once the day is
    closed the code and QR give way to the results, across the whole width."""
    st.html(PROJECTOR_CSS)
    url = workshop.participant_url(public_base("projector"), w["code"], ctx.lang)
    closed = w["phase"] == "closed"
    left, right = st.columns([3, 2], gap="large") if not closed else (st.container(), st.container())
    with left:
        with st.container(key="projector_head"):
            st.title(md_escape(w["title"]))
            if w["question"]:
                prefix = ctx.t("workshop_room.round_n", n=w["round"]) + " · " if w["round"] > 1 else ""
                st.header(prefix + md_escape(w["question"]))
        projector_live(ctx, w["id"], (w["phase"], w["round_id"]))
    if not closed:
        with right.container(key="projector_join"):
            unreachable_warning(ctx, url, short=True)
            st.markdown(ctx.t("workshop.join_at"))
            st.title(w["code"])
            st.image(qr_png(url), width=420, alt=ctx.t("a11y.qr_alt", code=w["code"]))
            st.code(url, language=None, wrap_lines=True)
    # The menu is hidden here; the facilitator's way back.
    right.page_link("pages/workshop.py", label=ctx.t("nav.workshop"), icon=":material/arrow_back:")
    with right:
        a11y.statement_link(ctx.lang)


def projector_live(ctx: Ctx, workshop_id: int, drawn: tuple) -> None:
    """The projector's self-refreshing part. Fragment reruns may run on another thread,
    so it opens its own connection; the focus areas are read once, outside it. A new phase
    or round redraws the whole view (the code and QR leave when the day closes)."""
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
            if (w["phase"], w["round_id"]) != drawn:
                st.rerun(scope="app")
            figures = workshop.live(database, workshop_id)
            split = None
            if w["results_visible"] and w["projector_split"] in w["background"]:
                split = workshop.split(database, workshop_id, w["projector_split"], w["round_id"])
                split["labels"] = {
                    g: workshop.split_label(database, w, w["projector_split"], g, lang) for g, _ in split["groups"]
                }
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
            if w["results_visible"] and split:
                groups_view(split, t)
            elif w["results_visible"]:
                from ..charts import workshop as workshop_charts  # Altair only where a chart is drawn

                st.altair_chart(
                    workshop_charts.ranking_chart(figures["ranking"], lang),
                    width="stretch",
                    alt=workshop.ranking_alt(figures["ranking"], lang),
                )
            elif w["phase"] == "collecting":
                latest = sorted(figures["ranking"], key=lambda p: p["id"], reverse=True)[: workshop.PROJECTOR_PAGE]
                if latest:
                    st.subheader(t("workshop.latest"))
                    with st.container(key="projector_items"):
                        for p in latest:
                            st.text(f"• {p['text']}")
            elif w["phase"] == "voting":
                # What the room votes on, without counts; long lists turn page instead of running off.
                ballot = sorted(figures["ranking"], key=lambda p: p["id"])
                shown, page, pages = workshop.projector_page(ballot, time.time())
                st.subheader(t("workshop_room.voting_on"))
                with st.container(key="projector_items"):
                    for p in shown:
                        st.text(f"• {p['text']}")
                    if pages > 1:
                        st.caption(t("workshop_room.page_of", page=page, pages=pages))
                st.info(t("workshop.results_hidden"))
            else:
                st.info(t("workshop.results_hidden"))

    live_part()


def groups_view(split: dict, t) -> None:
    """The revealed results by group on the projector: each group's three most-voted."""
    groups = [(g, n) for g, n in split["groups"] if g is not None]
    with st.container(key="projector_groups"):
        for col, (group, size) in zip(st.columns(max(min(len(groups), 3), 1)), groups[:3]):
            top = sorted((r for r in split["rows"] if r["votes"].get(group)), key=lambda r: -r["votes"][group])[:3]
            col.markdown(f"#### {md_escape(split['labels'][group])}")
            col.caption(t("workshop_room.group_size", n=size))
            for i, r in enumerate(top, 1):
                col.text(f"{i}. {r['text']} ({r['votes'][group]})")


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
            became = "drafts.became_measure" if p.get("measure_id") else "workshop.became_goal"
            notes.append(t(became, goal=goals.get(p["goal_id"], f"#{p['goal_id']}")))
        st.caption(md_escape(" · ".join(notes)))
        for m in p["merged"]:
            st.text(t("workshop.merged_line", text=m["text"]))
        c1, c2, c3, c4 = st.columns(4)
        c1.button(
            t("workshop.show") if p["hidden"] else t("workshop.hide"),
            key=f"ws_hide_{p['id']}",
            width="stretch",
            on_click=act,
            args=(ctx, workshop.set_hidden, p["id"], not p["hidden"]),
        )
        with c2.popover(t("workshop.edit"), width="stretch"):
            edit_form(ctx, p, area_names_)
        with c3.popover(t("workshop.merge"), width="stretch", disabled=not others or bool(p["goal_id"])):
            # no default target: a merge moves votes, so the facilitator names the proposal to keep
            keep = st.selectbox(
                t("workshop.merge_into"),
                [o["id"] for o in others],
                key=f"ws_keep_{p['id']}",
                index=None,
                placeholder=t("common.choose"),
                format_func=lambda i: next(o["text"][:80] for o in others if o["id"] == i),
            )
            st.caption(t("drafts.merge_summary"))
            st.button(
                t("workshop.merge_confirm"),
                key=f"ws_merge_{p['id']}",
                type="primary",
                disabled=keep is None,
                on_click=act,
                args=(ctx, workshop.merge, p["id"], keep),
                kwargs={"done": t("workshop.merged")},
            )
        with c4.popover(
            t("workshop.promote"), width="stretch", disabled=bool(p["goal_id"]), help=t("workshop.promote_help")
        ):
            # the popover is the confirm step: what the proposal becomes, then one explicit button
            kind = st.radio(
                t("drafts.promote_as"),
                ["goal", "measure"],
                key=f"ws_promote_as_{p['id']}",
                format_func=lambda k: t(f"drafts.promote_as.{k}"),
            )
            target = None
            if kind == "measure":
                target = st.selectbox(
                    t("drafts.promote_goal"),
                    list(goals),
                    key=f"ws_promote_goal_{p['id']}",
                    index=None,
                    placeholder=t("common.choose"),
                    format_func=goals.__getitem__,
                )
            st.caption(t("drafts.promote_explain"))
            st.button(
                t("drafts.promote_confirm"),
                key=f"ws_promote_{p['id']}",
                type="primary",
                width="stretch",
                disabled=bool(p["goal_id"]) or (kind == "measure" and target is None),
                on_click=act,
                args=(ctx, workshop.promote, p["id"]),
                kwargs={"goal_id": target, "done": t("drafts.promoted_measure" if target else "workshop.promoted")},
            )


def round_panel(ctx: Ctx, w: dict) -> None:
    """The current round and the way to the next question of the day."""
    t = ctx.t
    all_rounds = workshop.rounds(ctx.db, w["id"])
    st.markdown(
        f"**{t('workshop_room.round_of', n=w['round'], total=len(all_rounds))}** · " + md_escape(w["question"] or "–")
    )
    with st.popover(t("workshop_room.next_round"), icon=":material/skip_next:"):
        with st.form(f"ws_next_round_{w['id']}", enter_to_submit=False):
            st.text_area(
                t("workshop_room.next_question"),
                key="ws_next_question",
                max_chars=workshop.QUESTION_MAX,
                height=80,
                help=t("workshop_room.next_round_help"),
            )
            go = st.form_submit_button(t("workshop_room.start_round"), type="primary")
        if go:
            try:
                workshop.next_round(ctx.db, ctx.writer(), w["id"], st.session_state.get("ws_next_question"))
            except LapeError as err:
                ctx.error(err)
            else:
                st.session_state.pop("ws_next_question", None)
                flash("success", t("workshop_room.round_started"))
                st.rerun()


def results_panel(ctx: Ctx, w: dict) -> None:
    """Results of a round or of the whole day, split by a background question when asked,
    and who took part by group."""
    t = ctx.t
    all_rounds = workshop.rounds(ctx.db, w["id"])
    choices = [r["id"] for r in all_rounds] + ([None] if len(all_rounds) > 1 else [])
    labels = {
        r["id"]: t("workshop_room.round_n", n=r["position"]) + " · " + (r["question"] or "")[:60] for r in all_rounds
    }
    labels[None] = t("workshop_room.whole_day")
    current = w["round_id"] if w["round_id"] in choices else choices[0]
    round_id = st.selectbox(
        t("workshop_room.results_of"),
        choices,
        index=choices.index(current),
        format_func=labels.__getitem__,
        key=f"ws_results_round_{w['id']}",
    )
    header, rows = workshop.results(ctx.db, w["id"], ctx.lang, round_id)
    if rows:
        st.dataframe([dict(zip(header, r)) for r in rows], hide_index=True, width="stretch")
    if not w["background"]:
        return
    keys = w["background"]
    names = {k: t(f"workshop_room.bg.{k}") for k in keys}
    key = st.selectbox(t("workshop_room.split_by"), keys, format_func=names.__getitem__, key=f"ws_split_{w['id']}")
    data = workshop.split(ctx.db, w["id"], key, round_id)
    group_names = [workshop.split_label(ctx.db, w, key, g, ctx.lang) for g, _ in data["groups"]]
    table = [
        {
            t("workshop.col.proposal"): r["text"],
            t("workshop.col.votes"): r["total"],
            **{f"{name} ({n})": r["votes"].get(g, 0) for name, (g, n) in zip(group_names, data["groups"])},
        }
        for r in data["rows"]
    ]
    if table:
        st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("workshop_room.split_note", min=workshop.MIN_GROUP))
    on_screen = w["projector_split"] == key
    st.toggle(
        t("workshop_room.split_on_projector"),
        value=on_screen,
        key=f"ws_split_projector_{w['id']}_{w['version']}",
        on_change=act,
        args=(ctx, workshop.set_projector_split, w["id"], None if on_screen else key),
    )
    st.markdown(f"**{t('workshop_room.participation')}**")
    counts = workshop.participation(ctx.db, w["id"])
    st.dataframe(
        [
            {
                t("workshop_room.question"): names[k],
                t("workshop_room.answer"): workshop.background_label(ctx.db, w, k, v, ctx.lang),
                t("workshop.count.participants"): n,
            }
            for k, per in counts.items()
            for v, n in per
        ],
        hide_index=True,
        width="stretch",
    )


def feedback_panel(ctx: Ctx, w: dict) -> None:
    """The day's feedback: mean grade, how many gave it, and the comments (as plain text)."""
    given = workshop.feedback(ctx.db, w["id"])
    if not given["count"]:
        st.caption(ctx.t("workshop_room.no_feedback"))
        return
    c1, c2 = st.columns(2)
    c1.metric(ctx.t("workshop_room.feedback_mean"), ctx.num(given["mean"], 1))
    c2.metric(ctx.t("workshop_room.feedback_count"), ctx.num(given["count"]))
    for comment in given["comments"]:
        st.text(f"• {comment}")


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
        st.selectbox(
            ctx.t("workshop.focus_area"),
            list(area_names_),
            key=prefix + "_area",
            format_func=lambda i: area_names_.get(i, "–"),
        )
        submitted = st.form_submit_button(ctx.t("workshop.save"), type="primary")
    if submitted:
        refused = forms.save(
            ctx,
            lambda: workshop.edit(
                ctx.db,
                ctx.writer(),
                p["id"],
                st.session_state[prefix + "_version"],
                st.session_state[prefix + "_text"],
                st.session_state[prefix + "_area"],
            ),
            prefix=prefix,
            slot=FLASH,
            message=ctx.t("workshop.saved"),
            compare=False,  # their text is shown; saving again keeps mine
        )
        if isinstance(refused, ConflictError):
            st.text(ctx.t("workshop.their_text", text=refused.current.get("text", "")))


def participant_call(lang: str, fn, *args, done: str | None = None, quiet: tuple = ()):
    """One participant action from a form callback, on a pooled connection; errors and
    success are shown on the run that follows. Errors whose key is in `quiet` show nothing.
    Returns the result or None."""
    with dbm.pooled(config.db_path()) as database:
        return _participant_call(database, lang, fn, args, done, quiet)


def _participant_call(database: Database, lang: str, fn, args, done, quiet):
    try:
        result = fn(database, *args)
    except LapeError as err:
        if err.key not in quiet:
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
