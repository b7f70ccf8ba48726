"""The public participant page (no account, phone-first): join by code, propose, vote.

Kept tiny for capacity: a few elements, forms (no rerun per keystroke), shared cached
reads; a proposal or a vote reruns only its fragment. To follow the facilitator, one tiny
fragment reads the workshop's phase and round from a shared half-second cache every few
seconds and reruns the page only when they changed. The participant's token
is in the URL (?p=), so a reload keeps them, and in a cookie per workshop, so the same
browser joining again (a new tab, the code typed again) is the same participant."""

from __future__ import annotations

import streamlit as st

import random
import re

from .. import db as dbm, plans, workshop
from ..errors import NotFound
from .a11y import statement_link
from .guard import client_id, cookie_script, failures_shown
from .memo import shared
from .public import PublicCtx, flash, language_choice, participant_call, show_flash
from .text import md_escape


FOLLOW_SECONDS = 3  # a phone notices a phase or round change within this plus STAGE_SECONDS

STAGE_SECONDS = 0.5  # how old the shared (phase, round) may be: one read per workshop per half second

PARTICIPANT_COOKIE_DAYS = 7  # outlasts a workshop day, also when the browser is closed in between


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


def follow_room(ctx: PublicCtx, path: str, workshop_id: int, seen: tuple) -> None:
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


def background_form(ctx: PublicCtx, person: dict) -> bool:
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


def feedback_form(ctx: PublicCtx, token: str) -> None:
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


def page(ctx: PublicCtx) -> None:
    t = ctx.t
    token = st.query_params.get("p")
    if not token and st.query_params.get("code"):  # this browser joined before: go on as that participant
        token = workshop.resume(ctx.db, st.query_params["code"], remembered_token(st.query_params["code"]))
        if token:
            st.query_params["p"] = token
            flash("info", t("workshop.resumed"))
    person = None
    if token:
        try:
            with dbm.pooled(ctx.path) as database:
                person = workshop.participant(database, token)
        except NotFound as err:
            ctx.error(err)
    if person is None:
        _join_form(ctx)
    else:
        _room(ctx, person)


def _room(ctx: PublicCtx, person: dict) -> None:
    """The joined participant's view of the workshop in its phase."""
    t = ctx.t
    token: str = person["token"]
    w = person["workshop"]
    remember_participant(w["code"], token)
    st.title(md_escape(w["title"]))
    if background_form(ctx, person):  # the optional background questions, answered once on joining
        return
    seen = room_stage(ctx.path, w["id"])
    if w["phase"] == "collecting":
        st.session_state["ws_collecting_round"] = w["round_id"]
    # A phone that had the proposal form open keeps it, at the same place, for LATE_SECONDS after
    # voting starts: the text being typed stays in the box and can still be sent.
    late = (
        w["phase"] == "voting"
        and st.session_state.get("ws_collecting_round") == w["round_id"]
        and workshop.late_open(w)
    )
    # One container above the form, whatever it holds, keeps the form at the same place in the page.
    with st.container():
        show_flash()
        if w["question"]:
            st.markdown(
                (f"**{t('workshop_room.round_n', n=w['round'])}** · " if w["round"] > 1 else "")
                + md_escape(w["question"])
            )
        if st.session_state.get("ws_late_refused") and not late and st.session_state.get("ws_text"):
            st.warning(t("workshop_room.late_missed"))
            st.text(st.session_state["ws_text"])
    drawn = (w["phase"], w["round_id"])
    with st.container():
        if w["phase"] == "collecting" or late:
            _proposing(ctx, token, w["id"], drawn, late)
    if w["phase"] == "voting":
        _voting(ctx, token, drawn)
        follow_room(ctx, ctx.path, w["id"], seen)
        statement_link(ctx.lang)  # the accessibility statement, from every page
        return
    if w["phase"] == "closed":
        st.success(t("workshop.closed_thanks"))
        feedback_form(ctx, token)
    language_choice(ctx.lang)
    follow_room(ctx, ctx.path, w["id"], seen)


def _join_form(ctx: PublicCtx) -> None:
    t = ctx.t
    st.title(t("workshop.join_title"))
    show_flash()
    st.session_state.setdefault("ws_code", st.query_params.get("code", ""))
    with st.form("ws_join_form"):
        st.text_input(t("workshop.code"), key="ws_code", max_chars=12)
        st.text_input(
            t("workshop.your_name"), key="ws_name", max_chars=workshop.NAME_MAX, help=t("workshop.your_name_help")
        )
        st.form_submit_button(
            t("workshop.join"), type="primary", on_click=_join, args=(ctx,), width="stretch", key="ws_join"
        )
    language_choice(ctx.lang)


def _join(ctx: PublicCtx) -> None:
    code = st.session_state.get("ws_code")
    known = remembered_token(code)
    new = participant_call(ctx.lang, workshop.join, code, st.session_state.get("ws_name"), known, client_id())
    if new and new == known:
        flash("info", ctx.t("workshop.resumed"))
    if new:
        st.query_params["code"] = workshop.normalise_code(st.session_state.get("ws_code"))
        st.query_params["p"] = new


def _send(ctx: PublicCtx, token: str, late: bool) -> None:
    done = participant_call(
        ctx.lang,
        workshop.propose,
        token,
        st.session_state.get("ws_area"),
        st.session_state.get("ws_text"),
        late,
        done=ctx.t("workshop.proposal_sent"),
    )
    if done:
        st.session_state["ws_text"] = ""  # the typed text stays when the proposal was refused
    elif late:
        st.session_state["ws_late_refused"] = True  # shown back with its text once the form is gone


def _cast(ctx: PublicCtx, token: str, fn, version: int, done: str) -> None:
    pick = st.session_state.get(f"ws_pick_{version}")
    if pick is None:
        flash("warning", ctx.t("workshop.pick_first"))
    else:
        # A double tap sends the same screen twice: the second is refused as stale and stays quiet,
        # so the room sees the one vote that counted, not a red error.
        participant_call(ctx.lang, fn, token, pick, version, done=done, quiet=("workshop.error.stale_vote",))


def _fresh_person(database, token: str) -> dict:
    """The participant as the database has it now."""
    try:
        return workshop.participant(database, token)
    except NotFound:
        st.rerun(scope="app")  # the page shows the error and the join form


def _moved_on(shop: dict, drawn: tuple) -> bool:
    return (shop["phase"], shop["round_id"]) != drawn


# A proposal or a vote reruns only its fragment: not app.py, not the rest of the page.
@st.fragment
def _proposing(ctx: PublicCtx, token: str, workshop_id: int, drawn: tuple, late: bool) -> None:
    t = ctx.t
    with dbm.pooled(ctx.path) as database:  # fragment reruns may run on any thread: a pooled connection
        current = _fresh_person(database, token)
        mine = workshop.my_proposals(database, current["id"], current["workshop"]["round_id"])
    if _moved_on(current["workshop"], drawn) and not (late and workshop.late_open(current["workshop"])):
        st.rerun(scope="app")  # the facilitator moved on: the whole page follows
    with st.container():  # one element whatever it holds: the form below keeps its place
        show_flash()
        if late:
            st.warning(t("workshop_room.late_notice", seconds=workshop.LATE_SECONDS))
    names = area_names(ctx.path, workshop_id, ctx.lang)
    if st.session_state.get("ws_area") not in names:
        st.session_state["ws_area"] = next(iter(names), None)
    with st.form("ws_propose_form"):
        if len(names) > 1:
            st.selectbox(t("workshop.focus_area"), list(names), key="ws_area", format_func=names.get)
        st.text_area(
            t("workshop.your_proposal"),
            key="ws_text",
            max_chars=workshop.PROPOSAL_MAX,
            placeholder=t("workshop.proposal_placeholder"),
        )
        st.form_submit_button(
            t("workshop.send"),
            type="primary",
            on_click=_send,
            args=(ctx, token, late),
            width="stretch",
            key="ws_send",
        )
    if mine:
        st.subheader(t("workshop.your_proposals", count=len(mine)))
        st.text("\n".join(f"• {p['text']}" + (f"  ({t('workshop.waiting')})" if p["hidden"] else "") for p in mine))


@st.fragment
def _voting(ctx: PublicCtx, token: str, drawn: tuple) -> None:
    # The busiest view (a rerun per vote): as few elements as possible, the ballot from a shared cache.
    t = ctx.t
    with dbm.pooled(ctx.path) as database:
        current = _fresh_person(database, token)
        mine = workshop.my_votes(database, current["id"], current["workshop"]["round_id"])
    shop = current["workshop"]
    if _moved_on(shop, drawn):
        st.rerun(scope="app")
    show_flash()
    ballot = ballot_order(ballot_labels(ctx.path, shop["id"]), current["id"])
    left = t(
        "workshop.votes_left",
        left=shop["votes_per_participant"] - sum(mine.values()),
        budget=shop["votes_per_participant"],
    )
    if not ballot:
        st.info(f"{left}. {t('workshop.nothing_to_vote')}")
        return
    version = current["vote_version"]
    texts = {
        p["id"]: p["label"] + (" — " + t("workshop.my_votes", n=mine[p["id"]]) if mine.get(p["id"]) else "")
        for p in ballot
    }
    # Keys carry the vote version: a second tap on the old screen's button finds no widget.
    with st.form(f"ws_vote_form_{version}", border=False):
        st.radio(
            f"**{left}** · {t('workshop.pick')}",
            list(texts),
            key=f"ws_pick_{version}",
            index=None,
            format_func=texts.get,
        )
        st.form_submit_button(
            t("workshop.give_vote"),
            type="primary",
            width="stretch",
            key=f"ws_vote_{version}",
            on_click=_cast,
            args=(ctx, token, workshop.vote, version, t("workshop.vote_counted")),
        )
        st.form_submit_button(
            t("workshop.take_back"),
            width="stretch",
            key=f"ws_unvote_{version}",
            on_click=_cast,
            args=(ctx, token, workshop.unvote, version, t("workshop.vote_taken_back")),
        )
