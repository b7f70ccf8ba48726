"""Streamlit parts of the child impact assessment: the list with states and missing
assessments, the short and full form (keeps the version it was opened on and the
user's text on conflict), decisions, and the panel on a measure's follow-up."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from .. import assessments as lava, i18n, plans
from ..errors import LapeError
from ..model import Role
from . import forms, state

from .guard import Ctx, sticky

ALL = 0


flash = partial(state.flash, "lava_flash")
show_flash = partial(state.show_flash, "lava_flash")


def _org_names(ctx: Ctx, org_ids) -> str:
    orgs = {o["id"]: o for o in plans.organisations(ctx.db, ctx.need_plan()["id"])}
    return ", ".join(plans.org_name(orgs[o], ctx.lang) for o in org_ids if o in orgs) or "–"


def _key(item: dict) -> str:
    return f"{item['target']}:{item['id']}"


# ---------------------------------------------------------------- read-only view
def summary(ctx: Ctx, a: dict) -> None:
    """An assessment as text (user text never meets Markdown)."""
    t = ctx.t
    st.text(
        f"{lava.label('form', a['form'], ctx.lang)} · {lava.label('state', a['state'], ctx.lang)} · "
        + t(
            "assessments.saved_by",
            by=i18n.actor_name(a["updated_by"], ctx.lang),
            at=i18n.timestamp(a["updated_at"], ctx.lang),
            version=a["version"],
        )
    )
    conclusion = "lava_conclusion_full" if a["form"] == "full" else "lava_conclusion"
    parts = [
        ("lava_subject", a["subject"]),
        ("lava_affected", a["affected"]),
        ("lava_groups", lava.groups_text(a, ctx.lang)),
        ("lava_expected_effects", a["expected_effects"]),
        ("lava_hearing", a["hearing"]),
        ("lava_options", "\n".join(a["options"])),
    ]
    for field, value in parts:
        if value:
            st.caption(t(f"field.{field}"))
            st.text(value)
    links = (
        lava.hearing_links(a, lava.hearing_sources(ctx.db, a["plan_id"], ctx.lang))
        if a["workshop_ids"] or a["hearing_ideas"] or a["idea_class_ids"]
        else []
    )
    if links:
        st.caption(t("ideas_more.hearing_linked"))
        st.text("\n".join(links))
    if a["effects"]:
        st.caption(t("field.lava_effects"))
        effects_table(ctx, a["effects"])
    for field, value in (("lava_mitigation", a["mitigation"]), (conclusion, a["conclusion"])):
        if value:
            st.caption(t(f"field.{field}"))
            st.text(value)
    if a["follow_up_year"] or a["follow_up_method"]:
        st.caption(t("field.lava_follow_up_year"))
        st.text(" – ".join(x for x in (str(a["follow_up_year"] or ""), a["follow_up_method"]) if x))
    if a["outcome"]:
        st.caption(t("field.lava_outcome"))
        st.text(f"{lava.label('outcome', a['outcome'], ctx.lang)}. {a['outcome_note']}".strip())


def effects_table(ctx: Ctx, effects: list[dict]) -> None:
    t = ctx.t
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field.lava_effect_option"): e["option"] or "–",
                    t("field.lava_effect_group"): lava.label("group", e["group"], ctx.lang),
                    t("field.lava_effect_aspect"): lava.label("aspect", e["aspect"], ctx.lang),
                    t("field.lava_effect_direction"): lava.label("direction", e["direction"], ctx.lang),
                    t("field.lava_effect_reason"): e["reason"],
                }
                for e in effects
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )


# ---------------------------------------------------------------- list
def list_section(ctx: Ctx) -> None:
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    orgs = plans.organisations(ctx.db, plan_id)
    options = {ALL: t("assessments.all_organisations")} | {o["id"]: plans.org_name(o, ctx.lang) for o in orgs}
    if st.session_state.get("lava_org") not in options:
        st.session_state["lava_org"] = next((o for o in sorted(ctx.actor.org_ids) if o in options), ALL)
    sticky(st.selectbox, t("assessments.organisation"), "lava_org", list(options), format_func=options.get)
    org_id = st.session_state["lava_org"] or None
    rows = lava.listing(ctx.db, plan_id, org_id)
    counts = lava.counts(rows)
    cols = st.columns(len(lava.STATES))
    for col, s in zip(cols, lava.STATES):
        col.metric(lava.label("state", s, ctx.lang), ctx.num(counts[s]))
    if rows:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t(
                            "assessments.col_target"
                        ): f"{lava.label('target', r['target'], ctx.lang)}: {lava.target_title(r, ctx.lang)}",
                        t("assessments.col_organisation"): _org_names(ctx, r["responsible_ids"]),
                        t("field.lava_form"): lava.label("form", r["assessment"]["form"], ctx.lang),
                        t("assessments.col_state"): lava.label("state", r["assessment"]["state"], ctx.lang),
                        t("field.lava_follow_up_year"): str(r["assessment"]["follow_up_year"] or "–"),
                        t("assessments.col_updated"): f"{i18n.actor_name(r['assessment']['updated_by'], ctx.lang)} "
                        f"{i18n.timestamp(r['assessment']['updated_at'], ctx.lang)}",
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            height="content",
        )
    else:
        st.info(t("assessments.none"))
    st.subheader(t("assessments.missing_heading"))
    missing = lava.missing(ctx.db, plan_id, org_id)
    if missing:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("assessments.col_target"): lava.target_title(m, ctx.lang),
                        t("assessments.col_organisation"): _org_names(ctx, m["responsible_ids"]),
                    }
                    for m in missing
                ]
            ),
            hide_index=True,
            width="stretch",
            height="content",
        )
    else:
        st.success(t("assessments.none_missing"))
    if ctx.actor.role in (Role.ADMIN, Role.FACILITATOR):
        required_marks(ctx)


def required_marks(ctx: Ctx) -> None:
    """Coordinators mark the measures that need an assessment."""
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    marked = lava.required_ids(ctx.db, plan_id)
    measures = {m["id"]: m for m in lava.targets(ctx.db, plan_id) if m["target"] == "measure"}
    with st.expander(t("assessments.mark_heading")):
        measure_id = st.selectbox(
            t("assessments.mark_measure"),
            list(measures),
            key="lava_mark_measure",
            format_func=lambda i: (
                lava.target_title(measures[i], ctx.lang) + (f" ({t('assessments.marked')})" if i in marked else "")
            ),
        )
        if measure_id is None:
            return
        needed = measure_id in marked
        if st.button(t("assessments.unmark") if needed else t("assessments.mark"), key="lava_mark_save"):
            forms.save(
                ctx,
                lambda: lava.set_required(ctx.db, ctx.writer(), measure_id, not needed),
                prefix=None,
                slot="lava_flash",
                message=t("assessments.mark_saved"),
            )


# ---------------------------------------------------------------- the form
def _values(a: dict | None) -> dict:
    a = a or {}
    return {
        "form": a.get("form", "full"),
        "status": a.get("status", "draft"),
        **{f: a.get(f, "") for f in lava.TEXT_FIELDS},
        "age_groups": list(a.get("age_groups", [])),
        "vulnerable_groups": list(a.get("vulnerable_groups", [])),
        "workshop_ids": list(a.get("workshop_ids", [])),
        "options": "\n".join(a.get("options", [])),
        "hearing_ideas": bool(a.get("hearing_ideas")),
        "idea_class_ids": list(a.get("idea_class_ids", [])),
        "follow_up_year": a.get("follow_up_year"),
        "effects": [dict(e) for e in a.get("effects", [])],
    }


def _open(prefix: str, values: dict, version: int) -> None:
    """Fill the form from the saved assessment when first shown; later runs keep what the
    user typed. A field whose widget was hidden (the other form) is filled again."""
    if prefix + "_version" not in st.session_state:
        state.reset(prefix)
        st.session_state[prefix + "_version"] = version
    for field, value in values.items():
        st.session_state.setdefault(f"{prefix}_{field}", value)


def editor_section(ctx: Ctx) -> None:
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    items = lava.targets(ctx.db, plan_id)
    by_key = {_key(i): i for i in items}
    existing = {(a["target"], a["target_id"]): a for a in lava.for_plan(ctx.db, plan_id)}
    marked = lava.required_ids(ctx.db, plan_id)

    def fmt(key):
        item = by_key[key]
        a = existing.get((item["target"], item["id"]))
        state = (
            lava.label("state", a["state"], ctx.lang)
            if a
            else (
                t("assessments.needed")
                if item["target"] == "measure" and item["id"] in marked
                else t("assessments.no_assessment")
            )
        )
        return f"{lava.label('target', item['target'], ctx.lang)}: {lava.target_title(item, ctx.lang)} — {state}"

    if not by_key:  # a new plan: nothing to assess until it has goals or decisions
        st.info(t("assessments.no_targets"))
        return
    if st.session_state.get("lava_target") not in by_key:
        st.session_state["lava_target"] = next(iter(by_key))
    sticky(st.selectbox, t("assessments.pick_target"), "lava_target", list(by_key), format_func=fmt)
    item = by_key[st.session_state["lava_target"]]
    st.text(f"{t('assessments.col_organisation')}: {_org_names(ctx, item['responsible_ids'])}")
    a = existing.get((item["target"], item["id"]))
    if not lava.allowed(ctx.db, ctx.actor, item["target"], item["id"]):
        st.caption(t("assessments.read_only"))
        if a:
            summary(ctx, a)
        else:
            st.info(t("assessments.no_assessment"))
        return
    assessment_form(ctx, item, a)


def assessment_form(ctx: Ctx, item: dict, a: dict | None) -> None:
    t = ctx.t
    plan = ctx.need_plan()
    prefix = f"lava_{item['target']}_{item['id']}"
    _open(prefix, _values(a), a["version"] if a else 0)
    if a:
        st.caption(
            t(
                "assessments.saved_by",
                by=i18n.actor_name(a["updated_by"], ctx.lang),
                at=i18n.timestamp(a["updated_at"], ctx.lang),
                version=a["version"],
            )
        )
    else:
        st.info(t("assessments.new_hint"))
    c1, c2 = st.columns(2)
    c1.radio(
        t("field.lava_form"),
        lava.FORMS,
        key=prefix + "_form",
        horizontal=True,
        format_func=lambda f: lava.label("form", f, ctx.lang),
        help=t("assessments.form_help"),
    )
    c2.radio(
        t("field.lava_status"),
        lava.STATUSES,
        key=prefix + "_status",
        horizontal=True,
        format_func=lambda s: lava.label("state", s, ctx.lang),
        help=t("assessments.status_help"),
    )
    full = st.session_state[prefix + "_form"] == "full"
    years = list(range(plan["first_year"], plan["last_year"] + 1))
    area = lambda field, **kw: st.text_area(
        t(f"field.{field}"),
        key=f"{prefix}_{field[5:]}",  # noqa: E731
        max_chars=lava.TEXT_MAX,
        height=90,
        **kw,
    )
    if full:
        st.markdown(f"##### 1. {t('assessments.step_subject')}")
        area("lava_subject")
        area("lava_affected")
        st.multiselect(
            t("field.lava_age_groups"),
            lava.AGE_GROUPS,
            key=prefix + "_age_groups",
            format_func=lambda g: lava.label("group", g, ctx.lang),
            select_all=False,
            placeholder=t("common.choose"),
        )
        st.multiselect(
            t("field.lava_vulnerable_groups"),
            lava.VULNERABLE_GROUPS,
            key=prefix + "_vulnerable_groups",
            format_func=lambda g: lava.label("group", g, ctx.lang),
            select_all=False,
            placeholder=t("common.choose"),
        )
        st.text_input(t("field.lava_vulnerable_other"), key=prefix + "_vulnerable_other", max_chars=300)
        st.markdown(f"##### 2. {t('assessments.step_hearing')}")
        area("lava_hearing")
        idea_links(ctx, prefix)
        workshops = {w["id"]: w for w in lava.hearing_workshops(ctx.db, plan["id"], ctx.lang)}
        st.session_state[prefix + "_workshop_ids"] = [
            w for w in st.session_state[prefix + "_workshop_ids"] if w in workshops
        ]
        st.multiselect(
            t("field.lava_workshop_ids"),
            list(workshops),
            key=prefix + "_workshop_ids",
            format_func=lambda w: lava.workshop_label(workshops[w], ctx.lang),
            select_all=False,
            placeholder=t("assessments.no_workshops") if not workshops else t("common.choose"),
        )
        st.markdown(f"##### 3. {t('assessments.step_options')}")
        area("lava_options", help=t("assessments.options_help"))
        st.markdown(f"##### 4. {t('assessments.step_effects')}")
        effects_editor(ctx, prefix)
        st.markdown(f"##### 5. {t('assessments.step_mitigation')}")
        area("lava_mitigation")
        st.markdown(f"##### 6. {t('assessments.step_decision')}")
        st.text_area(t("field.lava_conclusion_full"), key=prefix + "_conclusion", max_chars=lava.TEXT_MAX, height=90)
        st.markdown(f"##### 7. {t('assessments.step_follow_up')}")
    else:
        area("lava_affected")
        area("lava_expected_effects")
        area("lava_hearing")
        area("lava_conclusion")
    st.selectbox(
        t("field.lava_follow_up_year"),
        [None, *years],
        key=prefix + "_follow_up_year",
        format_func=lambda y: "–" if y is None else str(y),
        help=t("assessments.follow_up_year_help"),
        placeholder=t("common.choose"),
    )
    if full:
        area("lava_follow_up_method")
    if st.button(t("assessments.save"), key=prefix + "_save", type="primary"):
        _save(ctx, item, prefix, full)
    shown = lava.FULL_FIELDS if full else lava.SHORT_FIELDS
    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (t(f"field.lava_{f}"), theirs.get(f), st.session_state.get(f"{prefix}_{f}"))
            for f in lava.TEXT_FIELDS
            if f in shown
        ],
        t("assessments.keep_mine"),
        lambda: _save(ctx, item, prefix, full),
    )
    conflict = st.session_state.get(prefix + "_conflict")
    if conflict:  # their whole assessment, beside the differences
        with st.container(border=True):
            st.caption(t("assessments.their_version"))
            summary(ctx, conflict)
    if a:
        with st.expander(t("assessments.delete_heading")):
            if st.button(t("assessments.delete"), key=prefix + "_delete", icon=":material/delete:"):
                forms.save(
                    ctx,
                    lambda: lava.delete(ctx.db, ctx.writer(), a["id"], st.session_state[prefix + "_version"]),
                    prefix=prefix,
                    slot="lava_flash",
                    message=t("assessments.deleted"),
                )


def idea_links(ctx: Ctx, prefix: str) -> None:
    """The hearing step's links to the plan's idea consultation and its class sessions, and
    what is linked with its participation figures (the workshops follow, each labelled with
    its own figures)."""
    t = ctx.t
    sources = lava.hearing_sources(ctx.db, ctx.need_plan()["id"], ctx.lang)
    classes = sources["classes"]
    st.session_state[prefix + "_idea_class_ids"] = [
        c for c in st.session_state[prefix + "_idea_class_ids"] if c in classes
    ]
    if not sources["ideas"]:
        st.session_state[prefix + "_hearing_ideas"] = False
    st.checkbox(
        t("field.lava_hearing_ideas"),
        key=prefix + "_hearing_ideas",
        disabled=not sources["ideas"],
        help=None if sources["ideas"] else t("ideas_more.no_consultation"),
    )
    st.multiselect(
        t("field.lava_idea_class_ids"),
        list(classes),
        key=prefix + "_idea_class_ids",
        format_func=classes.get,
        select_all=False,
        placeholder=t("ideas_more.no_classes") if not classes else t("common.choose"),
    )
    linked = lava.hearing_links(
        {
            "workshop_ids": [],
            "hearing_ideas": st.session_state[prefix + "_hearing_ideas"],
            "idea_class_ids": st.session_state[prefix + "_idea_class_ids"],
        },
        sources,
    )
    if linked:
        st.caption(t("ideas_more.hearing_linked"))
        st.text("\n".join(linked))


def _save(ctx: Ctx, item: dict, prefix: str, full: bool) -> None:
    t = ctx.t
    fields = lava.FULL_FIELDS if full else lava.SHORT_FIELDS
    values = {f: st.session_state[f"{prefix}_{f}"] for f in ("form", "status", *fields)}
    version = st.session_state[prefix + "_version"]

    def write() -> None:
        if version:
            current = lava.for_target(ctx.db, item["target"], item["id"])
            if current is None:  # deleted meanwhile: the next save creates it anew
                raise LapeError("error.not_found")
            lava.update(ctx.db, ctx.writer(), current["id"], version, **values)
        else:
            lava.create(ctx.db, ctx.writer(), item["target"], item["id"], **values)

    forms.save(ctx, write, prefix=prefix, slot="lava_flash", message=t("assessments.saved"))


def effects_editor(ctx: Ctx, prefix: str) -> None:
    """The expected effects, one row per option, group and aspect, each with a reason.
    Rows are added one at a time and kept with the form until it is saved."""
    t = ctx.t
    effects = st.session_state[prefix + "_effects"]
    st.caption(t("assessments.effects_help"))
    if effects:
        for i, e in enumerate(effects):
            c1, c2 = st.columns([9, 1], vertical_alignment="center")
            c1.text(f"{i + 1}. {lava.effect_text(e, ctx.lang)}")
            if c2.button(t("assessments.remove"), key=f"{prefix}_effect_del_{i}"):
                effects.pop(i)
                st.rerun()
    options = lava.parse_options(st.session_state[prefix + "_options"])
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns(4)
        c1.selectbox(
            t("field.lava_effect_option"), options or [""], key=prefix + "_new_option", format_func=lambda o: o or "–"
        )
        c2.selectbox(
            t("field.lava_effect_group"),
            lava.GROUPS,
            key=prefix + "_new_group",
            format_func=lambda g: lava.label("group", g, ctx.lang),
        )
        c3.selectbox(
            t("field.lava_effect_aspect"),
            lava.ASPECTS,
            key=prefix + "_new_aspect",
            format_func=lambda g: lava.label("aspect", g, ctx.lang),
        )
        c4.selectbox(
            t("field.lava_effect_direction"),
            lava.DIRECTIONS,
            key=prefix + "_new_direction",
            format_func=lambda g: lava.label("direction", g, ctx.lang),
        )
        st.text_input(t("field.lava_effect_reason"), key=prefix + "_new_reason", max_chars=1000)
        st.button(
            t("assessments.add_effect"),
            key=prefix + "_add_effect",
            icon=":material/add:",
            on_click=_add_effect,
            args=(ctx, prefix, options),
        )
    error = st.session_state.pop(prefix + "_effect_error", None)
    if error:
        ctx.error(error)


def _add_effect(ctx: Ctx, prefix: str, options: list[str]) -> None:
    effects = st.session_state[prefix + "_effects"]
    draft = {k: st.session_state.get(f"{prefix}_new_{k}") for k in ("option", "group", "aspect", "direction", "reason")}
    try:
        effects.append(lava.check_effect(draft, options, len(effects) + 1))
    except LapeError as err:
        st.session_state[prefix + "_effect_error"] = err
    else:
        st.session_state[prefix + "_new_reason"] = ""  # a callback may reset a widget's value


# ---------------------------------------------------------------- decisions
def decisions_section(ctx: Ctx) -> None:
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    rows = lava.decisions(ctx.db, plan_id)
    assessed = {a["target_id"]: a for a in lava.for_plan(ctx.db, plan_id) if a["target"] == "decision"}
    if rows:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("field.lava_decision_body"): d["body"],
                        t("field.lava_decision_date"): i18n.date(d["date"], ctx.lang),
                        t("field.lava_decision_section"): d["section"] or "",
                        t("field.lava_decision_title"): d["title"],
                        t("field.lava_decision_url"): d["url"] or "",
                        t("assessments.col_state"): lava.label("state", assessed[d["id"]]["state"], ctx.lang)
                        if d["id"] in assessed
                        else t("assessments.no_assessment"),
                    }
                    for d in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            height="content",
            column_config={t("field.lava_decision_url"): st.column_config.LinkColumn()},
        )
    else:
        st.info(t("assessments.no_decisions"))
    by_id = {d["id"]: d for d in rows}
    choice = st.selectbox(
        t("assessments.decision_pick"),
        [0, *by_id],
        key="lava_decision_pick",
        format_func=lambda i: t("assessments.decision_new") if i == 0 else lava.decision_label(by_id[i], ctx.lang),
    )
    decision_form(ctx, by_id.get(choice))


def decision_form(ctx: Ctx, row: dict | None) -> None:
    t = ctx.t
    prefix = f"lava_dec_{row['id'] if row else 'new'}"
    plan_id = ctx.need_plan()["id"]
    orgs = {o["id"]: plans.org_name(o, ctx.lang) for o in plans.organisations(ctx.db, plan_id)}
    if prefix + "_version" not in st.session_state:
        r = row or {}
        st.session_state.update(
            {
                prefix + "_version": r.get("version", 0),
                prefix + "_org_id": r.get("org_id"),
                prefix + "_body": r.get("body", ""),
                prefix + "_section": r.get("section") or "",
                prefix + "_title": r.get("title", ""),
                prefix + "_url": r.get("url") or "",
                prefix + "_date": dt.date.fromisoformat(r["date"]) if r.get("date") else i18n.today(),
            }
        )
    with st.form(prefix + "_form", enter_to_submit=False):
        st.selectbox(
            t("field.lava_decision_org"),
            [None, *orgs],
            key=prefix + "_org_id",
            format_func=lambda o: "–" if o is None else orgs[o],
            placeholder=t("common.choose"),
        )
        st.text_input(
            t("field.lava_decision_body"),
            key=prefix + "_body",
            max_chars=300,
            placeholder=t("assessments.decision_body_example"),
        )
        c1, c2 = st.columns(2)
        c1.date_input(
            t("field.lava_decision_date"), key=prefix + "_date", format="DD.MM.YYYY", min_value=dt.date(2000, 1, 1)
        )
        c2.text_input(t("field.lava_decision_section"), key=prefix + "_section", max_chars=40, placeholder="§ 15")
        st.text_input(t("field.lava_decision_title"), key=prefix + "_title", max_chars=300)
        st.text_input(t("field.lava_decision_url"), key=prefix + "_url", max_chars=500, placeholder="https://")
        submitted = st.form_submit_button(
            t("assessments.save") if row else t("assessments.decision_add"), type="primary"
        )

    def save() -> None:
        values = {f: st.session_state[f"{prefix}_{f}"] for f in _DECISION_FIELDS}

        def write() -> None:
            if row:
                lava.update_decision(ctx.db, ctx.writer(), row["id"], st.session_state[prefix + "_version"], **values)
            else:
                lava.add_decision(ctx.db, ctx.writer(), plan_id, **values)

        forms.save(ctx, write, prefix=prefix, slot="lava_flash", message=t("assessments.decision_saved"))

    if submitted:
        save()
    mine = {f: st.session_state[f"{prefix}_{f}"] for f in _DECISION_FIELDS}
    mine["date"] = mine["date"].isoformat() if mine["date"] else None
    shown = {"org_id": lambda o: orgs.get(o, "") if o else "", "date": lambda d: i18n.date(d, ctx.lang) if d else ""}
    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (
                t(f"field.lava_decision_{'org' if f == 'org_id' else f}"),
                shown.get(f, str)(theirs[f] or ""),
                shown.get(f, str)(mine[f] or ""),
            )
            for f in _DECISION_FIELDS
        ],
        t("assessments.keep_mine"),
        save,
    )


_DECISION_FIELDS = ("org_id", "body", "date", "section", "title", "url")


# ---------------------------------------------------------------- on the follow-up page
def follow_up_panel(ctx: Ctx, item: dict, year: int) -> None:
    """A measure's or goal's assessment in its follow-up; in the follow-up year named
    it asks whether the expected effects came true."""
    t = ctx.t
    a = lava.for_target(ctx.db, item["entity"], item["id"])
    if a is None:
        if item["entity"] == "measure" and item["id"] in lava.required_ids(ctx.db, ctx.need_plan()["id"]):
            st.info(t("assessments.fu_needed"))
        return
    with st.expander(t("assessments.fu_heading", state=lava.label("state", a["state"], ctx.lang))):
        summary(ctx, a)
    if a["follow_up_year"] != year or a["status"] != "done":
        if a["follow_up_year"]:
            st.caption(t("assessments.fu_in_year", year=a["follow_up_year"]))
        return
    if not lava.allowed(ctx.db, ctx.actor, a["target"], a["target_id"]):
        st.caption(t("assessments.fu_question", year=year))
        st.text(f"{lava.label('outcome', a['outcome'], ctx.lang)}. {a['outcome_note'] or ''}" if a["outcome"] else "–")
        return
    prefix = f"lava_fu_{a['id']}"
    if prefix + "_version" not in st.session_state:
        st.session_state.update({prefix + "_version": a["version"], prefix + "_note": a["outcome_note"] or ""})
    with st.container(border=True):
        st.radio(
            t("assessments.fu_question", year=year),
            lava.OUTCOMES,
            key=prefix + "_outcome",
            index=lava.OUTCOMES.index(a["outcome"]) if a["outcome"] else None,
            horizontal=True,
            format_func=lambda o: lava.label("outcome", o, ctx.lang),
        )
        st.text_area(t("field.lava_outcome_note"), key=prefix + "_note", height=80, max_chars=lava.TEXT_MAX)

        def save() -> None:
            forms.save(
                ctx,
                lambda: lava.record_outcome(
                    ctx.db,
                    ctx.writer(),
                    a["id"],
                    st.session_state[prefix + "_version"],
                    st.session_state[prefix + "_outcome"],
                    st.session_state[prefix + "_note"],
                ),
                prefix=prefix,
                slot="fu_flash",
                message=t("assessments.fu_saved"),
            )

        if st.button(t("assessments.fu_save"), key=prefix + "_save"):
            save()
        outcome = lambda o: lava.label("outcome", o, ctx.lang) if o else ""  # noqa: E731
        forms.stale_panel(
            ctx,
            prefix,
            lambda theirs: [
                (
                    t("assessments.fu_question", year=year),
                    outcome(theirs.get("outcome")),
                    outcome(st.session_state[prefix + "_outcome"]),
                ),
                (t("field.lava_outcome_note"), theirs.get("outcome_note"), st.session_state[prefix + "_note"]),
            ],
            t("assessments.keep_mine"),
            save,
        )
