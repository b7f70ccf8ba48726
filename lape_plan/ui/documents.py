"""Streamlit helpers of the chapters page and of the documents on the Export page."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from .. import chapters, db as dbm, documents, follow_up, i18n, plans, workshop
from ..errors import LapeError
from . import state
from .editor import open_version, show_conflict
from .export import deferred
from .forms import on_top, save
from .guard import Ctx
from .text import md_escape


def part_options(ctx: Ctx) -> tuple[list[int], dict[int, str]]:
    """The chapter's parts: 0 the common text, then the plan's municipalities."""
    munis = plans.organisations(ctx.db, ctx.need_plan()["id"], kind="municipality")
    names = {0: ctx.t("chapters.common_part")} | {m["id"]: plans.org_name(m, ctx.lang) for m in munis}
    return list(names), names


def chapter_form(ctx: Ctx, kind: str, municipality_id: int | None) -> None:
    """Finnish and Swedish side by side; the form remembers the version it was opened on,
    so a stale save is refused with who saved, and the typed text stays."""
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    part = chapters.part(ctx.db, plan_id, kind, municipality_id)
    prefix = f"ch_{kind}_{municipality_id or 0}"
    open_version(prefix, {"text_fi": part["text_fi"] or "", "text_sv": part["text_sv"] or ""}, part["version"])
    if part["version"]:
        st.caption(
            t(
                "chapters.last_saved",
                by=md_escape(i18n.actor_name(part["updated_by"], ctx.lang)),
                at=i18n.timestamp(part["updated_at"], ctx.lang),
                version=part["version"],
            )
        )
    if part["is_example"]:
        st.info(t("chapters.example"), icon=":material/science:")
    state.show_flash("ch_flash")
    editable = chapters.may_edit(ctx.actor, municipality_id)
    for lang in ("fi", "sv"):
        if part[f"{lang}_outdated"]:
            st.warning(t(f"chapters.outdated_{lang}"), icon=":material/translate:")
            if editable and st.button(
                t(f"chapters.confirm_{lang}"), key=f"{prefix}_confirm_{lang}", icon=":material/check:"
            ):
                try:
                    version = chapters.confirm(
                        ctx.db, ctx.writer(), plan_id, kind, municipality_id, lang, part["version"]
                    )
                except LapeError as err:
                    ctx.error(err)
                else:
                    # The form keeps what was typed; it now stands on the confirmed version.
                    if st.session_state.get(prefix + "_version") == part["version"]:
                        st.session_state[prefix + "_version"] = version
                    st.rerun()
    if not editable:
        st.caption(t("chapters.read_only"))
        c1, c2 = st.columns(2)
        for col, field in ((c1, "text_fi"), (c2, "text_sv")):
            col.markdown(f"**{t('field.' + field)}**")
            col.text(part[field] or t("chapters.empty"))
        return
    with st.form(prefix + "_form", enter_to_submit=False):
        c1, c2 = st.columns(2)
        c1.text_area(t("field.text_fi"), key=f"{prefix}_text_fi", height=380, max_chars=chapters.CHAPTER_MAX)
        c2.text_area(t("field.text_sv"), key=f"{prefix}_text_sv", height=380, max_chars=chapters.CHAPTER_MAX)
        submitted = st.form_submit_button(t("chapters.save"), type="primary", icon=":material/save:")
        merged = show_conflict(ctx, prefix, ("text_fi", "text_sv"))  # saves the form on top of theirs
    if merged:
        on_top(prefix)
    if submitted or merged:
        save(
            ctx,
            lambda: chapters.save(
                ctx.db,
                ctx.writer(),
                plan_id,
                kind,
                municipality_id,
                st.session_state[prefix + "_version"],
                st.session_state[f"{prefix}_text_fi"],
                st.session_state[f"{prefix}_text_sv"],
            ),
            prefix=prefix,
            slot="ch_flash",
            message=t("chapters.saved"),
        )


def language_list(ctx: Ctx) -> None:
    """The plan's chapter parts whose text is missing or outdated in Finnish or Swedish."""
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    rows = chapters.language_status(ctx.db, plan_id)
    items = chapters.items_missing_swedish(ctx.db, plan_id)
    _, names = part_options(ctx)
    with st.expander(f"{t('chapters.languages')} ({len(rows) + len(items)})", icon=":material/translate:"):
        if not rows:
            st.caption(t("chapters.languages_ok"))
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("chapters.col.chapter"): chapters.title(r["kind"], ctx.lang),
                            t("chapters.col.part"): names.get(r["municipality_id"] or 0, ""),
                            t("chapters.col.problems"): ", ".join(
                                i18n.label("chapters.problem", p, ctx.lang) for p in r["problems"]
                            ),
                        }
                        for r in rows
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        if items:
            st.markdown(f"**{t('chapters.items_missing_sv')}**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("documents.col.number"): i["number"],
                            t("chapters.col.item"): i18n.label("entity", i["entity"], ctx.lang),
                            t("field.title_fi"): i["title_fi"],
                        }
                        for i in items
                    ]
                ),
                hide_index=True,
                width="stretch",
            )


def history(ctx: Ctx, kind: str, municipality_id: int | None) -> None:
    t = ctx.t
    part = chapters.get(ctx.db, ctx.need_plan()["id"], kind, municipality_id)
    rows = chapters.history(ctx.db, part["id"] if part else None)
    with st.expander(t("chapters.history"), icon=":material/history:"):
        if not rows:
            st.caption(t("chapters.no_history"))
            return
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("chapters.col.at"): i18n.timestamp(r["at"], ctx.lang),
                        t("chapters.col.actor"): i18n.actor_name(r["actor"], ctx.lang),
                        t("chapters.col.action"): i18n.label("audit.action", r["action"], ctx.lang),
                        t("chapters.col.after"): dbm.audit_text(r["after"]),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def document_downloads(ctx: Ctx) -> None:
    """The Export page's documents: the plan, the card of the municipality chosen in the
    sidebar and the yearly report, as Word, and as PDF where LibreOffice Writer is installed."""
    t = ctx.t
    st.subheader(t("documents.section"))
    st.caption(t("documents.section_help"))
    plan = ctx.need_plan()
    plan_id = plan["id"]
    years = follow_up.plan_years(plan)
    c1, c2 = st.columns(2)
    lang = c1.selectbox(
        t("documents.doc_lang"),
        list(documents.DOC_LANGS),
        index=documents.DOC_LANGS.index(ctx.lang) if ctx.lang in documents.DOC_LANGS else 0,
        format_func=i18n.language_name,
        key="doc_lang",
    )
    year = c2.selectbox(
        t("documents.report_year"), years, index=years.index(follow_up.reporting_year(plan)), key="doc_year"
    )
    municipality = plans.get_organisation(ctx.db, ctx.municipality_id) if ctx.municipality_id else None
    pdf = documents.pdf_available()
    rows: list[tuple[str, Callable[..., bytes], Callable[..., bytes], tuple[int, ...], dict[str, object]]] = [
        ("plan", documents.plan_docx, documents.plan_pdf, (plan_id,), {})
    ]
    if municipality:
        rows.append(
            (
                "card",
                documents.municipality_docx,
                documents.municipality_pdf,
                (plan_id, municipality["id"]),
                {"name": md_escape(plans.org_name(municipality, ctx.lang))},
            )
        )
    rows.append(("report", documents.year_report_docx, documents.year_report_pdf, (plan_id,), {"year": year}))
    for kind, to_docx, to_pdf, args, values in rows:
        extra = (year,) if kind == "report" else ()
        card, report_year = (municipality if kind == "card" else None), (year if kind == "report" else None)
        b1, b2 = st.columns(2)
        b1.download_button(
            t(f"documents.download_{kind}_docx", **values),
            key=f"doc_{kind}_docx",
            icon=":material/description:",
            data=deferred(to_docx, *args, *extra, lang),
            file_name=documents.filename(plan, lang, "docx", kind, card, report_year),
            mime=documents.DOCX,
            on_click="ignore",
            width="stretch",
        )
        if pdf:
            b2.download_button(
                t(f"documents.download_{kind}_pdf", **values),
                key=f"doc_{kind}_pdf",
                icon=":material/picture_as_pdf:",
                data=deferred(to_pdf, *args, *extra, lang),
                file_name=documents.filename(plan, lang, "pdf", kind, card, report_year),
                mime=documents.PDF,
                on_click="ignore",
                width="stretch",
            )
    workshops = workshop.for_plan(ctx.db, plan_id)
    if workshops:
        titles = {w["id"]: w["title"] for w in workshops}
        chosen = st.selectbox(
            t("documents.workshop_choice"), list(titles), format_func=titles.__getitem__, key="doc_workshop"
        )
        b1, b2 = st.columns(2)
        b1.download_button(
            t("documents.download_workshop_docx"),
            key="doc_workshop_docx",
            icon=":material/description:",
            data=deferred(documents.workshop_docx, chosen, lang),
            file_name=documents.filename(plan, lang, "docx", "workshop", workshop_id=chosen),
            mime=documents.DOCX,
            on_click="ignore",
            width="stretch",
        )
        if pdf:
            b2.download_button(
                t("documents.download_workshop_pdf"),
                key="doc_workshop_pdf",
                icon=":material/picture_as_pdf:",
                data=deferred(documents.workshop_pdf, chosen, lang),
                file_name=documents.filename(plan, lang, "pdf", "workshop", workshop_id=chosen),
                mime=documents.PDF,
                on_click="ignore",
                width="stretch",
            )
    if not municipality:
        st.caption(t("documents.card_hint"))
    if not pdf:
        st.info(t("documents.no_pdf"), icon=":material/info:")
