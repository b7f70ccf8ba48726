"""Plan settings and the Chapters page: the plan's approval state, its frozen versions with
the councils' decisions, and what changed since the approved version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import i18n, plans, versions
from . import forms, state
from .guard import Ctx
from .text import md_escape

_ICONS = {"cooperation_group": ":material/groups:", "councils": ":material/gavel:", "draft": ":material/undo:"}


def _clicked(plan_id: int, target: str, seen_version: int) -> None:
    """Button callback: keeps the plan version this screen showed, so a click after someone
    else moved the plan is refused with who did it (the move itself runs in the page run)."""
    st.session_state["apv_plan_move"] = (plan_id, target, seen_version)


def approval_section(ctx: Ctx, plan: dict) -> list[dict]:
    """State and the moves allowed from it (administrators and facilitators), and the versions
    (returned, newest first)."""
    t = ctx.t
    st.subheader(t("approvals.title"))
    st.caption(t("approvals.help"))
    state.show_flash("apv_flash")
    if st.session_state.get("apv_plan_conflict"):
        ctx.conflict(st.session_state.pop("apv_plan_conflict"))
    clicked = st.session_state.pop("apv_plan_move", None)
    if clicked and clicked[0] == plan["id"]:  # a click left for another plan is dropped
        _, to, seen_version = clicked
        forms.save(
            ctx,
            lambda: versions.move(ctx.db, ctx.writer(), plan["id"], to, seen_version),
            prefix="apv_plan",
            slot="apv_flash",
            message=t("approvals.moved", state=i18n.label("approvals.state", to, ctx.lang)),
        )
    now = versions.state(plan)
    st.markdown(t("approvals.state_now", state=i18n.label("approvals.state", now, ctx.lang)))
    columns = st.columns(len(versions.MOVES[now]))
    for column, target in zip(columns, versions.MOVES[now]):
        column.button(
            t(f"approvals.move.{target}"),
            key=f"apv_move_{target}",
            icon=_ICONS[target],
            on_click=_clicked,
            args=(plan["id"], target, plan["version"]),
        )
    return versions_table(ctx, plan)


def versions_table(ctx: Ctx, plan: dict) -> list[dict]:
    t = ctx.t
    rows = versions.versions(ctx.db, plan["id"])
    st.markdown(f"**{t('approvals.versions')}**")
    if not rows:
        st.info(t("approvals.no_versions"))
        return rows
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("approvals.col.version"): v["number"],
                    t("approvals.col.sent"): i18n.timestamp(v["created_at"], ctx.lang),
                    t("approvals.col.by"): i18n.actor_name(v["created_by"], ctx.lang),
                    t("approvals.col.decisions"): "; ".join(
                        f"{d['body']} {i18n.date(d['date'], ctx.lang)} {d['reference'] or ''}".strip()
                        for d in v["decisions"]
                    )
                    or "–",
                }
                for v in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )
    return rows


def changes_section(ctx: Ctx, plan: dict) -> None:
    """What changed since the approved version (or another version chosen), per item and chapter."""
    t = ctx.t
    st.subheader(t("approvals.changes"))
    rows = versions.versions(ctx.db, plan["id"])
    if not rows:
        st.info(t("approvals.no_versions"))
        return
    approved = next((v for v in rows if v["decisions"]), None)
    if approved is None:
        st.info(t("approvals.not_approved"))
    ids = [v["id"] for v in rows]
    chosen = st.selectbox(
        t("approvals.compare_with"),
        ids,
        index=ids.index((approved or rows[0])["id"]),
        key="apv_compare",
        format_func=lambda i: versions.version_label(next(v for v in rows if v["id"] == i), ctx.lang),
    )
    version = next(v for v in rows if v["id"] == chosen)
    if version["decisions"]:
        st.markdown(t("approvals.approved_by", bodies=", ".join(md_escape(d["body"]) for d in version["decisions"])))
    _, changes = versions.changes_since(ctx.db, plan["id"], chosen, ctx.lang)
    if not changes:
        st.success(t("approvals.no_changes"))
        return
    st.markdown(
        t(
            "approvals.changes_intro",
            number=version["number"],
            date=i18n.date(version["created_at"], ctx.lang),
            count=len(changes),
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("documents.col.number"): r["number"],
                    t("approvals.col.item"): f"{r['kind']}: {r['title']}",
                    t("approvals.col.change"): r["change"],
                    t("approvals.col.field"): r["field"],
                    t("approvals.col.old"): r["old"],
                    t("approvals.col.new"): r["new"],
                }
                for r in versions.change_rows(changes, ctx.lang)
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def approvals_table(ctx: Ctx, plan_id: int, numbers: dict[int, int] | None = None) -> list[dict]:
    """The councils' decisions on the plan as a table; with `numbers` (version id → number) also the
    version each decided on. Returns the decisions (none yet: no table)."""
    t = ctx.t
    approvals = plans.approvals(ctx.db, plan_id)
    if not approvals:
        return approvals
    rows = []
    for a in approvals:
        row = {
            t("overview.body"): a["body"],
            t("overview.date"): i18n.date(a["date"], ctx.lang),
            t("overview.reference"): a["reference"],
        }
        if numbers is not None:
            row[t("approvals.col.version")] = numbers.get(a["version_id"], "–")
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height="content")
    return approvals
