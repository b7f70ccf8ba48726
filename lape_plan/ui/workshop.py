"""Streamlit helpers of the facilitator's workshop page and the projector: the join link and
QR code, the projector's live fragment, the moderation rows and the results. The participants'
page is in `participant`, the public pages' frame in `public`."""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from .. import config, db as dbm, i18n, plans, workshop
from ..errors import ConflictError, LapeError
from . import a11y, forms, state
from .editor import open_version
from .guard import Ctx, failures_shown, fresh_actor
from .public import FLASH, flash, outcome, public_base, qr_png
from .text import md_escape

PARTICIPANT_PAGE = "join"
REFRESH_SECONDS = 3


# ---------------------------------------------------------------- join link and QR


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
            if w["results_visible"] and split and room_groups(split):  # none: too few people to split
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


def room_groups(split: dict) -> list[tuple]:
    """The groups of a split the projector shows: not the unanswered, alone or with the small
    groups (nothing for the room to read there)."""
    return [(g, n) for g, n in split["groups"] if g is not None and g != ("small", None)]


def groups_view(split: dict, t) -> None:
    """The revealed results by group on the projector: each group's three most-voted."""
    groups = room_groups(split)
    with st.container(key="projector_groups"):
        for col, (group, size) in zip(st.columns(max(min(len(groups), 3), 1)), groups[:3]):
            top = sorted(
                (r for r in split["rows"] if r["votes"].get(group) and not r["hidden"]),  # hidden: not on screen
                key=lambda r: -r["votes"][group],
            )[:3]
            col.markdown(f"#### {md_escape(split['labels'][group])}")
            col.caption(t("workshop_room.group_size", n=size))
            for i, r in enumerate(top, 1):
                col.text(f"{i}. {r['text']} ({r['votes'][group]})")


# ---------------------------------------------------------------- facilitator
def act(ctx: Ctx, fn, *args, done: str | None = None, **kwargs) -> None:
    """Run one domain call from a button callback; report the outcome on the next run (`outcome`).
    A callback runs before the page's guard: the actor is read again (`fresh_actor`),
    never the one of the screen the button was drawn on."""
    # Callbacks run in the next script run, maybe on another thread than ctx.db's: own connection.
    database = dbm.connect(config.db_path())
    try:
        outcome(ctx.lang, lambda: fn(database, fresh_actor(database), *args, **kwargs), done)
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
    if not data["groups"]:
        st.info(t("workshop_room.split_none", min=workshop.MIN_GROUP))
    else:
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
        if data["combined"]:
            target = workshop.background_label(ctx.db, w, key, data["combined"][1], ctx.lang)
            st.info(t("workshop_room.split_combined", min=workshop.MIN_GROUP, group=md_escape(target)))
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


# ---------------------------------------------------------------- settings
SETTINGS_FIELDS = {  # form field -> its label
    "title": "field.workshop_title",
    "question": "field.workshop_question",
    "focus_area_ids": "field.workshop_focus_areas",
    "budget": "field.workshop_budget",
    "several": "workshop.several_per_proposal",
    "moderate": "workshop.moderate_first",
    "cap": "field.workshop_cap",
    "background": "field.workshop_background",
}


def settings_values(w: dict | None, area_ids) -> dict:
    """A settings form's fields: the workshop's as saved (None: a new workshop's defaults)."""
    if w is None:
        return {
            "title": "",
            "question": "",
            "focus_area_ids": list(area_ids),
            "budget": 5,
            "several": False,
            "moderate": False,
            "cap": 0,
            "background": [],
        }
    return {
        "title": w["title"],
        "question": w["question"] or "",
        "focus_area_ids": list(w["focus_area_ids"]),
        "budget": w["votes_per_participant"],
        "several": w["max_votes_per_proposal"] > 1,
        "moderate": bool(w["moderate_first"]),
        "cap": w["max_participants"] or 0,
        "background": list(w["background"]),
    }


def _settings_form(ctx: Ctx, prefix: str, area_title: dict[int, str], new: bool) -> bool:
    """The fields of a new workshop or of the settings, kept under `prefix_…`; True when submitted."""
    t = ctx.t
    with st.form(prefix + "_form", enter_to_submit=False):
        st.text_input(t("field.workshop_title"), key=f"{prefix}_title", max_chars=300)
        st.text_area(t("field.workshop_question"), key=f"{prefix}_question", max_chars=workshop.QUESTION_MAX, height=80)
        st.multiselect(
            t("field.workshop_focus_areas"),
            list(area_title),
            key=f"{prefix}_focus_area_ids",
            format_func=area_title.__getitem__,
            select_all=False,
            placeholder=t("common.choose"),
        )
        c1, c2 = st.columns(2)
        c1.number_input(t("field.workshop_budget"), 1, workshop.BUDGET_MAX, key=f"{prefix}_budget")
        c2.checkbox(t("workshop.several_per_proposal"), key=f"{prefix}_several", wrap=True)
        c2.checkbox(
            t("workshop.moderate_first"), key=f"{prefix}_moderate", help=t("workshop.moderate_first_help"), wrap=True
        )
        c1.number_input(
            t("field.workshop_cap"), 0, workshop.PARTICIPANTS_MAX, key=f"{prefix}_cap", help=t("workshop.cap_help")
        )
        st.multiselect(
            t("field.workshop_background"),
            list(workshop.BACKGROUND),
            key=f"{prefix}_background",
            format_func=lambda k: t(f"workshop_room.bg.{k}"),
            select_all=False,
            placeholder=t("common.choose"),
            help=t("workshop_room.background_help"),
        )
        return st.form_submit_button(t("workshop.create") if new else t("workshop.save"), type="primary")


def _settings_args(prefix: str) -> dict:
    v = {f: st.session_state[f"{prefix}_{f}"] for f in SETTINGS_FIELDS}
    return dict(
        title=v["title"],
        question=v["question"],
        focus_area_ids=v["focus_area_ids"],
        votes_per_participant=v["budget"],
        several_per_proposal=v["several"],
        moderate_first=v["moderate"],
        max_participants=v["cap"],
        background=v["background"],
    )


def new_workshop_form(ctx: Ctx, area_title: dict[int, str]) -> None:
    plan = ctx.need_plan()
    prefix = f"ws_new_{plan['id']}"  # per plan: its focus areas are the choices
    open_version(prefix, settings_values(None, area_title), 0)
    if _settings_form(ctx, prefix, area_title, new=True):
        try:
            workshop_id = workshop.create(ctx.db, ctx.writer(), plan["id"], **_settings_args(prefix))
        except LapeError as err:
            ctx.error(err)  # the typed values stay
        else:
            state.reset(prefix)
            st.session_state["ws_id"] = workshop_id
            st.rerun()


def settings_panel(ctx: Ctx, w: dict, area_title: dict[int, str]) -> None:
    """The workshop's settings. The form keeps the version it was opened on, so saving over a
    colleague's newer settings is refused naming who saved, with theirs and the typed values
    side by side and a button to save on top; the typed values stay. The phase, the results
    switch, a new round and the projector's split also move the workshop's version: while the
    settings saved are still those the form was opened on, the form follows that version."""
    t = ctx.t
    prefix = f"ws_settings_{w['id']}"
    saved = settings_values(w, area_title)
    open_version(prefix, saved, w["version"])
    seen = st.session_state.setdefault(prefix + "_seen", saved)
    if seen == saved and not st.session_state.get(prefix + "_conflict"):
        st.session_state[prefix + "_version"] = w["version"]
    submitted = _settings_form(ctx, prefix, area_title, new=False)

    def save() -> None:
        forms.save(
            ctx,
            lambda: workshop.update_settings(
                ctx.db,
                ctx.writer(),
                w["id"],
                **_settings_args(prefix),
                expected_version=st.session_state[prefix + "_version"],
            ),
            prefix=prefix,
            slot=FLASH,
            message=t("workshop.saved"),
        )

    def save_on_top() -> None:
        st.session_state[prefix + "_seen"] = saved  # the form now stands on theirs
        save()

    if submitted:
        save()

    def shown(field: str, value) -> str:
        if field == "focus_area_ids":
            return ", ".join(area_title.get(a, f"#{a}") for a in value)
        if field == "background":
            return ", ".join(t(f"workshop_room.bg.{k}") for k in value)
        if isinstance(value, bool):
            return t("workshop.setting_on" if value else "workshop.setting_off")
        return str(value)

    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (
                t(label),
                shown(f, settings_values(theirs, area_title)[f]),
                shown(f, st.session_state.get(f"{prefix}_{f}")),
            )
            for f, label in SETTINGS_FIELDS.items()
        ],
        t("editor.keep_mine"),
        save_on_top,
    )
