"""Streamlit part of publishing: the plan settings section with the publish button
(administrators and facilitators), the publication state and links to the site."""

from __future__ import annotations

import streamlit as st

from .. import i18n, publishing
from . import forms, state
from .guard import Ctx
from .text import md_escape


def section(ctx: Ctx, plan: dict) -> None:
    t = ctx.t
    st.header(t("publishing.ui.title"))
    st.write(t("publishing.ui.intro"))
    state.show_flash("pub_flash")
    row = publishing.state(ctx.db, plan["id"])
    published = bool(row and row["published"])
    if row and published:
        st.write(
            t(
                "publishing.ui.state_published",
                at=i18n.timestamp(row["published_at"], ctx.lang),
                by=md_escape(i18n.actor_name(row["published_by"], ctx.lang)),
            )
        )
        if publishing.changed_since(ctx.db, plan["id"]):
            st.warning(t("publishing.ui.changed"))
        for lang in publishing.PUBLISH_LANGS:
            st.link_button(
                t("publishing.ui.link", language=i18n.language_name(lang)),
                publishing.site_url(plan["id"], lang),
                icon=":material/open_in_new:",
            )
    else:
        st.write(t("publishing.ui.not_published"))
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    if c1.button(
        t("publishing.ui.republish" if published else "publishing.ui.publish"),
        key="pub_publish",
        type="primary",
        icon=":material/public:",
    ):
        _run(ctx, lambda: publishing.publish(ctx.db, ctx.writer(), plan["id"]), "publishing.ui.published_ok")
    if published:
        sure = c2.checkbox(t("publishing.ui.confirm_unpublish"), key="pub_sure", wrap=True)
        if c2.button(
            t("publishing.ui.unpublish"), key="pub_unpublish", disabled=not sure, icon=":material/public_off:"
        ):
            _run(ctx, lambda: publishing.unpublish(ctx.db, ctx.writer(), plan["id"]), "publishing.ui.unpublished_ok")


def _run(ctx: Ctx, action, success_key: str) -> None:
    forms.save(ctx, action, prefix=None, slot="pub_flash", message=ctx.t(success_key))
