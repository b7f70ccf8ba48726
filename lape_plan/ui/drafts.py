"""The plan editor's draft panel: the badge and origin line of a draft, what it still
lacks, and the facilitator's accept, discard and set-back-to-draft buttons."""

from __future__ import annotations

from typing import Final

import streamlit as st

from .. import auth, drafts
from ..errors import LapeError
from .editor import flash
from .state import reset
from .guard import Ctx
from .text import md_escape

BADGE_COLOR: Final = "orange"


def badge_md(ctx: Ctx) -> str:
    """The draft badge inside a Markdown label (the editor's outline)."""
    return f":{BADGE_COLOR}-badge[{ctx.t('drafts.badge')}]"


def _may(ctx: Ctx) -> bool:
    try:
        auth.require_plan_editor(ctx.actor)
    except LapeError:
        return False
    return True


def _confirm(ctx: Ctx, key: str, message: str, fn, done: str, entity: str, row: dict, clear: bool) -> None:
    """A button that asks once more before `fn` writes (with the actor read again)."""
    t = ctx.t
    if st.session_state.get("draft_confirm") != (key, entity, row["id"]):
        return
    st.warning(message)
    yes, no = st.columns(2)
    if yes.button(t("editor.confirm_yes"), type="primary", key=f"{key}_yes", width="stretch"):
        st.session_state.pop("draft_confirm", None)
        try:
            fn(ctx.db, ctx.writer(), entity, row["id"], row["version"])
        except LapeError as err:
            ctx.error(err)
        else:
            reset(f"ed_{entity}_{row['id']}")
            if clear:
                st.session_state.pop("ed_sel", None)
            flash(done)
            st.rerun()
    if no.button(t("editor.confirm_no"), key=f"{key}_no", width="stretch"):
        st.session_state.pop("draft_confirm", None)
        st.rerun()


def draft_panel(ctx: Ctx, entity: str, row: dict) -> None:
    """Under an item's heading: where it came from; for a draft the badge, what it lacks
    and accept / discard; for a counted item, "set back to draft" (facilitators)."""
    if entity not in drafts.ENTITIES:
        return
    t = ctx.t
    origin = drafts.origin(ctx.db, entity, row["id"], ctx.lang)
    if row["draft"]:
        st.badge(t("drafts.badge"), color=BADGE_COLOR, icon=":material/edit_note:")
    if origin:
        st.caption(md_escape(origin))
    if not row["draft"]:
        if _may(ctx):
            if st.button(t("drafts.mark"), key="draft_mark", icon=":material/edit_note:"):
                st.session_state["draft_confirm"] = ("draft_mark", entity, row["id"])
            _confirm(
                ctx,
                "draft_mark",
                t("drafts.confirm_mark", title=md_escape(ctx.title(row))),
                drafts.mark,
                t("drafts.marked"),
                entity,
                row,
                clear=False,
            )
        return
    with st.container(border=True, key="draft_panel"):
        st.markdown(t("drafts.banner"))
        missing = drafts.missing_for_accept(ctx.db, entity, row)
        if missing:
            st.markdown(t("drafts.still_missing", items=", ".join(t(f"drafts.needs.{m}") for m in missing)))
        if not _may(ctx):
            return
        c1, c2 = st.columns(2)
        if c1.button(
            t("drafts.accept"),
            key="draft_accept",
            type="primary",
            icon=":material/check:",
            help=t("drafts.accept_help"),
            width="stretch",
        ):
            try:
                drafts.accept(ctx.db, ctx.writer(), entity, row["id"], row["version"])
            except LapeError as err:
                ctx.error(err)
            else:
                reset(f"ed_{entity}_{row['id']}")
                flash(t("drafts.accepted"))
                st.rerun()
        if c2.button(t("drafts.discard"), key="draft_discard", icon=":material/delete:", width="stretch"):
            st.session_state["draft_confirm"] = ("draft_discard", entity, row["id"])
        _confirm(
            ctx,
            "draft_discard",
            t("drafts.confirm_discard", title=md_escape(ctx.title(row))),
            drafts.discard,
            t("drafts.discarded"),
            entity,
            row,
            clear=True,
        )
