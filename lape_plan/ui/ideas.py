"""Streamlit helpers of the idea pages: the public page's steps and cached reads, and the
moderation rows of the staff page."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial

import streamlit as st

from .. import db as dbm
from .. import i18n, ideas, plans
from ..errors import LapeError
from . import forms
from .editor import open_version
from .guard import Ctx, client_id
from .memo import shared
from .text import md_escape
from .public import FLASH, flash, participant_call, public_base, qr_png
from .workshop import act

# Big, easy buttons for the simple-language mode; one thing per screen.
IDEAS_CSS = """<style>
.st-key-idea_simple button { min-height: 4.2rem; font-size: 1.35rem; }
.st-key-idea_simple button p { font-size: 1.35rem; }
.st-key-idea_simple h1 { font-size: 2.2rem; }
.st-key-idea_simple [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
.st-key-idea_simple textarea { font-size: 1.3rem; }
</style>"""


# ---------------------------------------------------------------- cached reads (shared by all senders)
@shared(30)
def open_plans(path: str, day: str) -> list[dict]:
    database = dbm.connect(path)
    try:
        return [
            {
                "id": p["id"],
                "title_fi": p["title_fi"],
                "title_sv": p["title_sv"],
                "intro": (ideas.period(database, p["id"]) or {}).get("intro") or "",
            }
            for p in ideas.open_plans(database)
        ]
    finally:
        database.close()


@shared(30)
def choices(path: str, plan_id: int, lang: str) -> tuple[dict, dict]:
    """{focus area id: "icon title"} (escaped: radio and button labels render Markdown) and
    {municipality id: name} of a plan."""
    database = dbm.connect(path)
    try:
        areas = {
            a["id"]: f"{a['icon']} {md_escape(plans.title_in(a, lang))}" for a in ideas.focus_areas(database, plan_id)
        }
        munis = {m["id"]: plans.org_name(m, lang) for m in plans.organisations(database, plan_id, kind="municipality")}
        return areas, munis
    finally:
        database.close()


def nonce() -> str:
    """The key of the form on screen: in the widget keys and the idea's submission_key, so a
    second tap on a form already sent finds no widget and stores nothing."""
    return st.session_state.setdefault("idea_nonce", secrets.token_urlsafe(9))


def send(
    key: str,
    lang: str,
    plan_id: int,
    area,
    text,
    *,
    group=None,
    municipality=None,
    email=None,
    class_code=None,
    simple=False,
) -> bool:
    """Send one idea from a callback of the form with this key; the outcome shows on the next
    run. True when stored. A double tap that reaches the server while the first send still
    runs may call the same form's callback twice: the key makes the second store nothing."""
    submit = partial(
        ideas.submit,
        group=group,
        municipality_id=municipality,
        email=email,
        class_code=class_code,
        simple=simple,
        lang=lang,
        client=client_id(),
        submission_key=key,
    )
    done = participant_call(lang, submit, plan_id, area, text)
    if done is None:
        return False
    if st.session_state.get("idea_nonce") == key:
        st.session_state["idea_nonce"] = secrets.token_urlsafe(9)
    return True


# ---------------------------------------------------------------- public page: the standard form
def standard_form(t, lang: str, plan_id: int, path: str, class_code: str | None) -> None:
    areas, munis = choices(path, plan_id, lang)
    key = nonce()

    def submit():
        s = st.session_state
        if s.get(f"idea_area_{key}") is None:
            flash("warning", t("ideas.pick_area"))
            return
        if send(
            key,
            lang,
            plan_id,
            s.get(f"idea_area_{key}"),
            s.get(f"idea_text_{key}"),
            group=s.get(f"idea_group_{key}"),
            municipality=s.get(f"idea_muni_{key}"),
            email=s.get(f"idea_email_{key}"),
            class_code=class_code,
        ):
            flash("success", t("ideas.thanks"))

    with st.form(f"idea_form_{key}"):
        st.radio(t("ideas.area_question"), list(areas), key=f"idea_area_{key}", index=None, format_func=areas.get)
        st.text_area(
            t("ideas.your_idea"),
            key=f"idea_text_{key}",
            max_chars=ideas.IDEA_MAX,
            placeholder=t("ideas.idea_placeholder"),
        )
        if not class_code:
            st.selectbox(
                t("ideas.who_optional"),
                list(ideas.GROUPS),
                key=f"idea_group_{key}",
                index=None,
                format_func=lambda g: t(f"ideas.group.{g}"),
                placeholder=t("ideas.not_told"),
            )
            st.selectbox(
                t("ideas.municipality_optional"),
                list(munis),
                key=f"idea_muni_{key}",
                index=None,
                format_func=munis.get,
                placeholder=t("ideas.not_told"),
            )
            st.text_input(
                t("ideas.email"), key=f"idea_email_{key}", max_chars=ideas.EMAIL_MAX, help=t("ideas.email_help")
            )
        st.caption(t("ideas.privacy"))
        st.form_submit_button(t("ideas.send"), type="primary", width="stretch", key=f"idea_send_{key}", on_click=submit)


# ---------------------------------------------------------------- public page: simple language
def simple_steps(t, lang: str, plan_id: int, path: str, class_code: str | None) -> None:
    """One thing per screen: topic → idea → who you are (not in a class) → thanks."""
    areas, _ = choices(path, plan_id, lang)
    s = st.session_state
    step = s.setdefault("idea_step", "area")
    key = nonce()

    def go(to, **values):
        s.update(values)
        s["idea_step"] = to

    def keep():
        # the text area's state goes with the widget when the next screen does not draw it
        s["idea_draft"] = s.get("idea_simple_text", "")

    def keep_then(step, *args) -> None:
        keep()
        step(*args)

    def finish(group=None):
        if send(
            key,
            lang,
            plan_id,
            s.get("idea_simple_area"),
            s.get("idea_draft"),
            group=group,
            class_code=class_code,
            simple=True,
        ):
            s["idea_step"] = "thanks"
            s.pop("idea_draft", None)
            s.pop("idea_simple_text", None)

    with st.container(key="idea_simple"):
        if step == "area":
            st.header(t("ideas.simple.area"))
            for area_id, label in areas.items():
                st.button(
                    label,
                    key=f"idea_pick_{area_id}",
                    width="stretch",
                    on_click=go,
                    args=("text",),
                    kwargs={"idea_simple_area": area_id},
                )
        elif step == "text":
            st.header(t("ideas.simple.text"))
            st.markdown(areas.get(s.get("idea_simple_area"), ""))
            if "idea_simple_text" not in s:
                s["idea_simple_text"] = s.get("idea_draft", "")
            with st.form(f"idea_simple_form_{key}", border=False):
                st.text_area(t("ideas.simple.text_label"), key="idea_simple_text", max_chars=ideas.IDEA_MAX)
                if class_code:
                    st.form_submit_button(
                        t("ideas.simple.send"),
                        type="primary",
                        width="stretch",
                        key=f"idea_simple_send_{key}",
                        on_click=keep_then,
                        args=(finish,),
                    )
                else:
                    st.form_submit_button(
                        t("ideas.simple.next"),
                        type="primary",
                        width="stretch",
                        key=f"idea_simple_next_{key}",
                        on_click=keep_then,
                        args=(go, "who"),
                    )
            st.button(t("ideas.simple.back"), key="idea_back_area", width="stretch", on_click=go, args=("area",))
        elif step == "who":
            if not plans.normalise_text(s.get("idea_draft")):
                go("text")
                st.rerun()
            st.header(t("ideas.simple.who"))
            for group in ("child", "young", "parent", "other"):
                st.button(
                    t(f"ideas.simple.group.{group}"),
                    key=f"idea_who_{group}_{key}",
                    width="stretch",
                    on_click=finish,
                    args=(group,),
                )
            st.button(
                t("ideas.simple.no_tell"), key=f"idea_who_none_{key}", width="stretch", type="primary", on_click=finish
            )
            st.button(t("ideas.simple.back"), key="idea_back_text", width="stretch", on_click=go, args=("text",))
        else:
            st.header(t("ideas.simple.thanks"))
            st.markdown(t("ideas.simple.thanks_text"))
            st.button(
                t("ideas.simple.again"), key="idea_again", type="primary", width="stretch", on_click=go, args=("area",)
            )


def mode_switch(t, simple: bool) -> None:
    """A link between the two modes; the mode is in the URL, so a teacher can share either."""

    def flip():
        if simple:
            st.query_params.pop("mode", None)
        else:
            st.query_params["mode"] = "simple"
        st.session_state["idea_step"] = "area"

    st.button(
        t("ideas.to_standard") if simple else t("ideas.to_simple"),
        key="idea_mode",
        on_click=flip,
        icon=":material/swap_horiz:",
    )


# ---------------------------------------------------------------- staff page
def public_link(ctx: Ctx, plan_id: int, simple: bool = False, class_code: str | None = None) -> str:
    url = public_base("ideas_admin") + "/ideas?" + (f"class={class_code}" if class_code else f"plan={plan_id}")
    if simple:
        url += "&mode=simple"
    if ctx.lang != i18n.DEFAULT_LANG:
        url += "&lang=" + ctx.lang
    return url


def link_panel(ctx: Ctx, url: str, code: str | None = None) -> None:
    left, right = st.columns([2, 1], vertical_alignment="center")
    with left:
        if code:
            st.header(code)
        st.code(url, language=None, wrap_lines=True)
    right.image(qr_png(url), caption=ctx.t("workshop.qr_caption"), width=160, alt=ctx.t("workshop.qr_caption"))


def period_form(ctx: Ctx, plan_id: int) -> None:
    """The idea period, checked against the version the form was opened on: a save over someone
    else's newer one is refused with who saved it, the typed dates and text stay, and saving
    again goes on top of theirs."""
    p = ideas.period(ctx.db, plan_id)
    prefix = f"idea_period_{plan_id}"
    opened = {"opens": i18n.today(), "closes": None, "intro": ""}
    if p:
        opened = {
            "opens": dt.date.fromisoformat(p["opens_on"]),
            "closes": dt.date.fromisoformat(p["closes_on"]),
            "intro": p["intro"] or "",
        }
    version = open_version(prefix, opened, p["version"] if p else 0)  # 0: opened before any period
    with st.form(prefix + "_form", enter_to_submit=False):
        c1, c2 = st.columns(2)
        c1.date_input(ctx.t("field.ideas_opens_on"), key=prefix + "_opens", format="DD.MM.YYYY")
        c2.date_input(ctx.t("field.ideas_closes_on"), key=prefix + "_closes", format="DD.MM.YYYY")
        st.text_area(ctx.t("field.ideas_intro"), key=prefix + "_intro", max_chars=ideas.IDEA_MAX)
        if st.form_submit_button(ctx.t("ideas.save_period"), type="primary"):
            forms.save(
                ctx,
                lambda: ideas.set_period(
                    ctx.db,
                    ctx.writer(),
                    plan_id,
                    st.session_state[prefix + "_opens"],
                    st.session_state[prefix + "_closes"],
                    st.session_state[prefix + "_intro"],
                    expected_version=version,
                ),
                prefix=prefix,
                slot=FLASH,
                message=ctx.t("ideas.period_saved"),
                compare=False,
            )


def class_form(ctx: Ctx, plan_id: int, munis: dict) -> None:
    with st.form("idea_class_new", enter_to_submit=False):
        c1, c2 = st.columns(2)
        label = c1.text_input(
            ctx.t("field.ideas_class_label"),
            max_chars=ideas.LABEL_MAX,
            help=ctx.t("ideas.class_label_help"),
            key="idea_class_label",
        )
        band = c2.selectbox(
            ctx.t("field.ideas_grade_band"),
            ideas.GRADE_BANDS,
            format_func=lambda b: ctx.t(f"ideas.band.{b}"),
            key="idea_class_band",
        )
        muni = c1.selectbox(
            ctx.t("field.ideas_municipality"),
            [0] + list(munis),
            format_func=lambda m: munis.get(m, ctx.t("ideas.not_told")),
            key="idea_class_muni",
        )
        cap = c2.number_input(
            ctx.t("field.ideas_cap"), 1, ideas.CLASS_CAP_MAX, ideas.CLASS_CAP_DEFAULT, key="idea_class_cap"
        )
        if st.form_submit_button(ctx.t("ideas.open_class"), type="primary"):
            try:
                ideas.open_class(ctx.db, ctx.writer(), plan_id, label, band, cap, muni or None)
            except LapeError as err:
                ctx.error(err)
            else:
                st.rerun()


def class_row(ctx: Ctx, c: dict) -> None:
    open_now = c["closes_at"] > dbm.now()
    with st.container(border=True, key=f"idea_class_{c['id']}"):
        band = ctx.t(f"ideas.band.{c['grade_band']}")
        st.markdown(
            md_escape(f"{c['label']} · {band}")
            + " · "
            + ctx.t("ideas.class_count", count=ctx.num(c["ideas"]), cap=ctx.num(c["cap"]))
        )
        if open_now:
            link_panel(ctx, public_link(ctx, c["plan_id"], simple=True, class_code=c["code"]), c["code"])
            st.button(
                ctx.t("ideas.close_class"),
                key=f"idea_close_{c['id']}",
                on_click=act,
                args=(ctx, ideas.close_class, c["id"]),
            )
        else:
            st.caption(ctx.t("ideas.class_closed"))


def idea_row(
    ctx: Ctx,
    idea: dict,
    areas: dict,
    munis: dict,
    links: dict,
    others: list[dict],
    moderator: bool,
    duplicate_of: int | None,
) -> None:
    """One idea: text, facts, and for moderators the actions on it (each with the version shown)."""
    t = ctx.t
    with st.container(border=True, key=f"idea_row_{idea['id']}"):
        st.text(idea["text"])
        facts = [f"#{idea['id']}", areas.get(idea["focus_area_id"], "–"), t(f"ideas.state.{idea['state']}")]
        if idea["state"] == "published":
            facts.append(t(f"ideas.status.{idea['status']}"))
        if idea["sender_group"]:
            facts.append(t(f"ideas.group.{idea['sender_group']}"))
        if idea["grade_band"]:
            facts.append(t(f"ideas.band.{idea['grade_band']}"))
        if idea["municipality_id"] in munis:
            facts.append(munis[idea["municipality_id"]])
        if idea["class_label"]:
            facts.append(t("ideas.class_named", label=idea["class_label"]))
        if idea["simple"]:
            facts.append(t("ideas.simple_mode"))
        if idea["similar"]:
            facts.append(t("ideas.similar", count=idea["similar"]))
        if idea["merged_into"]:
            facts.append(t("ideas.merged_into", id=idea["merged_into"]))
        if duplicate_of:
            facts.append(t("ideas.looks_like", id=duplicate_of))
        facts.append(i18n.timestamp(idea["created_at"], ctx.lang))
        st.caption(md_escape(" · ".join(facts)))
        if idea["hidden_reason"] and moderator:
            st.caption(md_escape(t("ideas.hidden_because", reason=idea["hidden_reason"])))
        if idea["answer"]:
            st.markdown(f"**{t('ideas.answer')}:** " + md_escape(idea["answer"]))
        link = links.get(("goal", idea["goal_id"])) or links.get(("measure", idea["measure_id"]))
        if link and idea["status"] == "adopted":
            st.markdown(f"**{t('ideas.became')}:** " + md_escape(link))
        if not moderator or idea["state"] == "merged":
            return
        version = idea["version"]
        c1, c2, c3, c4, c5 = st.columns(5)
        if idea["state"] != "published":
            c1.button(
                t("ideas.publish"),
                key=f"idea_pub_{idea['id']}_{version}",
                type="primary",
                width="stretch",
                on_click=act,
                args=(ctx, ideas.publish, idea["id"], version),
                kwargs={"done": t("ideas.published")},
            )
        else:
            with c1.popover(t("ideas.answer_action"), width="stretch"):
                answer_form(ctx, idea, links)
        if idea["state"] != "hidden":
            with c2.popover(t("ideas.hide"), width="stretch"):
                hide_form(ctx, idea)
        with c3.popover(t("ideas.edit"), width="stretch"):
            edit_form(ctx, idea, areas)
        with c4.popover(t("ideas.merge"), width="stretch", disabled=not others):
            keep = st.selectbox(
                t("ideas.merge_into"),
                [o["id"] for o in others],
                key=f"idea_keep_{idea['id']}",
                index=[o["id"] for o in others].index(duplicate_of) if duplicate_of in [o["id"] for o in others] else 0,
                format_func=lambda i: f"#{i} " + next(o["text"][:80] for o in others if o["id"] == i),
            )
            st.button(
                t("ideas.merge_confirm"),
                key=f"idea_merge_{idea['id']}",
                type="primary",
                on_click=act,
                args=(ctx, ideas.merge, idea["id"], keep),
                kwargs={"done": t("ideas.merged")},
            )
        if idea["has_contact"]:
            with c5.popover(t("ideas.email_action"), width="stretch"):
                st.text(ideas.contact(ctx.db, ctx.writer(), idea["id"]) or "–")  # the role of now
                st.button(
                    t("ideas.delete_email"),
                    key=f"idea_forget_{idea['id']}",
                    on_click=act,
                    args=(ctx, ideas.delete_contact, idea["id"]),
                    kwargs={"done": t("ideas.email_deleted")},
                )


def _opened(prefix: str, idea: dict, **fields) -> int:
    """The version the form was opened on, and its fields' first values. Kept until saved: a
    save over a newer version is refused with who saved it, and the typed text stays."""
    if prefix + "_version" not in st.session_state:
        st.session_state[prefix + "_version"] = idea["version"]
        for name, value in fields.items():
            st.session_state[f"{prefix}_{name}"] = value
    return st.session_state[prefix + "_version"]


def _save(ctx: Ctx, fn, prefix: str, idea_id: int, *args) -> None:
    forms.save(
        ctx,
        lambda: fn(ctx.db, ctx.writer(), idea_id, st.session_state[prefix + "_version"], *args),
        prefix=prefix,
        slot=FLASH,
        message=ctx.t("ideas.saved"),
        compare=False,  # saving again is deliberate
    )


def hide_form(ctx: Ctx, idea: dict) -> None:
    prefix = f"idea_hide_{idea['id']}"
    _opened(prefix, idea, reason="")
    with st.form(prefix, enter_to_submit=False, border=False):
        st.text_input(ctx.t("field.ideas_hidden_reason"), key=prefix + "_reason", max_chars=ideas.REASON_MAX)
        if st.form_submit_button(ctx.t("ideas.hide_confirm"), type="primary"):
            _save(ctx, ideas.hide, prefix, idea["id"], st.session_state.get(prefix + "_reason"))


def edit_form(ctx: Ctx, idea: dict, areas: dict) -> None:
    prefix = f"idea_edit_{idea['id']}"
    _opened(prefix, idea, text=idea["text"], area=idea["focus_area_id"])
    with st.form(prefix, enter_to_submit=False, border=False):
        st.text_area(ctx.t("field.ideas_text"), max_chars=ideas.IDEA_MAX, key=prefix + "_text")
        st.selectbox(
            ctx.t("field.ideas_focus_area"), list(areas), format_func=lambda a: areas.get(a, "–"), key=prefix + "_area"
        )
        if st.form_submit_button(ctx.t("ideas.save"), type="primary"):
            _save(
                ctx,
                ideas.edit,
                prefix,
                idea["id"],
                st.session_state[prefix + "_text"],
                st.session_state[prefix + "_area"],
            )


def answer_form(ctx: Ctx, idea: dict, links: dict) -> None:
    prefix = f"idea_answer_{idea['id']}"
    current = (
        ("goal", idea["goal_id"])
        if idea["goal_id"]
        else ("measure", idea["measure_id"])
        if idea["measure_id"]
        else None
    )
    _opened(prefix, idea, status=idea["status"], text=idea["answer"] or "", link=current if current in links else None)
    with st.form(prefix, enter_to_submit=False, border=False):
        st.selectbox(
            ctx.t("field.ideas_status"),
            ideas.STATUSES,
            key=prefix + "_status",
            format_func=lambda s: ctx.t(f"ideas.status.{s}"),
        )
        st.text_area(
            ctx.t("field.ideas_answer"),
            max_chars=ideas.ANSWER_MAX,
            key=prefix + "_text",
            help=ctx.t("ideas.answer_help"),
        )
        st.selectbox(
            ctx.t("field.ideas_link"),
            [None] + list(links),
            key=prefix + "_link",
            format_func=lambda o: ctx.t("ideas.no_link") if o is None else links.get(o, "–"),
            help=ctx.t("ideas.link_help"),
            placeholder=ctx.t("ideas.no_link"),
        )
        if st.form_submit_button(ctx.t("ideas.save_answer"), type="primary"):
            link = st.session_state[prefix + "_link"]
            goal = link[1] if link and link[0] == "goal" else None
            measure = link[1] if link and link[0] == "measure" else None
            _save(
                ctx,
                ideas.answer,
                prefix,
                idea["id"],
                st.session_state[prefix + "_status"],
                st.session_state[prefix + "_text"],
                goal,
                measure,
            )


def link_options(ctx: Ctx, plan_id: int) -> dict:
    """(kind, id) -> "Goal 1.2: title" of the plan's goals and measures, for linking answers."""
    out = {}
    for area in plans.tree(ctx.db, plan_id):
        for goal in area["goals"]:
            out[("goal", goal["id"])] = ctx.t("ideas.goal_label", number=goal["number"], title=ctx.title(goal))
            for measure in goal["measures"]:
                out[("measure", measure["id"])] = ctx.t(
                    "ideas.measure_label", number=measure["number"], title=ctx.title(measure)
                )
    return out
