"""The public participant page (no account, phone-first): join by code, propose, vote.

Kept tiny for capacity: a few elements, forms (no rerun per keystroke), shared cached
reads; a proposal or a vote reruns only its fragment. To follow the facilitator, one tiny
fragment reads the workshop's phase and round from a shared half-second cache every few
seconds and reruns the page only when they changed. The participant's token
is in the URL (?p=), so a reload keeps them, and in a cookie per workshop, so the same
browser joining again (a new tab, the code typed again) is the same participant."""

from __future__ import annotations

import streamlit as st

from .. import db as dbm, workshop
from ..errors import NotFound
from .a11y import statement_link
from .guard import client_id
from .text import md_escape
from .workshop import (
    ParticipantCtx,
    area_names,
    background_form,
    ballot_labels,
    ballot_order,
    feedback_form,
    flash,
    follow_room,
    language_choice,
    participant_call,
    remember_participant,
    remembered_token,
    room_stage,
    show_flash,
)


def page(ctx: ParticipantCtx) -> None:
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


def _room(ctx: ParticipantCtx, person: dict) -> None:
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


def _join_form(ctx: ParticipantCtx) -> None:
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


def _join(ctx: ParticipantCtx) -> None:
    code = st.session_state.get("ws_code")
    known = remembered_token(code)
    new = participant_call(ctx.lang, workshop.join, code, st.session_state.get("ws_name"), known, client_id())
    if new and new == known:
        flash("info", ctx.t("workshop.resumed"))
    if new:
        st.query_params["code"] = workshop.normalise_code(st.session_state.get("ws_code"))
        st.query_params["p"] = new


def _send(ctx: ParticipantCtx, token: str, late: bool) -> None:
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


def _cast(ctx: ParticipantCtx, token: str, fn, version: int, done: str) -> None:
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
def _proposing(ctx: ParticipantCtx, token: str, workshop_id: int, drawn: tuple, late: bool) -> None:
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
def _voting(ctx: ParticipantCtx, token: str, drawn: tuple) -> None:
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
