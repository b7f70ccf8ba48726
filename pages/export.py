import streamlit as st

from lape_plan import exports, i18n, plans, roundtrip
from lape_plan.errors import ImportRejected, LapeError
from lape_plan.model import LANGS
from lape_plan.ui.documents import document_downloads
from lape_plan.ui.export import CSV, XLSX, deferred, show_result
from lape_plan.ui.export import preview as cached_preview
from lape_plan.ui import a11y
from lape_plan.ui.guard import guard
from lape_plan.ui.problems import show_problems
from lape_plan.ui.text import md_escape

ctx = guard()
t = ctx.t
st.title(t("export.page.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
plan_id, m_id = ctx.plan["id"], ctx.municipality_id
municipality = plans.get_organisation(ctx.db, m_id) if m_id else None

st.subheader(t("export.page.download"))
st.caption(t("export.page.download_help"))
c1, c2 = st.columns(2)
lang = c1.selectbox(
    t("export.page.file_lang"), list(LANGS), index=LANGS.index(ctx.lang), format_func=i18n.language_name, key="exp_lang"
)
every = c2.checkbox(t("export.page.all_municipalities"), key="exp_all", wrap=True)
editable = c2.checkbox(
    t("export.page.editable"), value=False, help=t("export.page.editable_help"), key="exp_editable", wrap=True
)
if municipality:
    st.info(t("export.page.municipality_note", name=md_escape(plans.org_name(municipality, ctx.lang))))
b1, b2, b3 = st.columns(3)
b1.download_button(
    t("export.page.download_xlsx"),
    key="exp_xlsx",
    type="primary",
    icon=":material/table_view:",
    data=deferred(exports.plan_workbook, plan_id, lang, m_id, all_municipalities=every, editable=editable),
    file_name=exports.workbook_filename(ctx.plan, lang, "xlsx", municipality),
    mime=XLSX,
    on_click="ignore",
    width="stretch",
)
b2.download_button(
    t("export.page.download_csv"),
    key="exp_csv",
    icon=":material/csv:",
    data=deferred(exports.plan_csv, plan_id, lang, m_id),
    file_name=exports.workbook_filename(ctx.plan, lang, "csv", municipality),
    mime=CSV,
    on_click="ignore",
    width="stretch",
)
b3.download_button(
    t("export.page.download_template"),
    key="exp_template",
    icon=":material/note_add:",
    data=deferred(exports.plan_workbook, plan_id, lang, m_id, blank=True),
    file_name=exports.workbook_filename(ctx.plan, lang, "xlsx", municipality, blank=True),
    mime=XLSX,
    on_click="ignore",
    width="stretch",
)

st.divider()
document_downloads(ctx)

st.divider()
st.subheader(t("export.page.import"))
st.caption(t("export.page.import_help"))
done = st.session_state.pop("exp_done", None)
if done:
    st.success(
        t("export.page.applied", added=len(done.added), changed=len(done.changed), conflicts=len(done.conflicts))
    )
    show_result(ctx, done)
refusal = roundtrip.upload_refusal(ctx.db, ctx.actor, plan_id)
if refusal:  # nothing in the plan is theirs to change: no upload to be refused row by row
    st.info(t(refusal), icon=":material/lock:")
    st.stop()
upload_key = f"exp_upload_{st.session_state.get('exp_round', 0)}"
a11y.upload_note(ctx.lang, ["xlsx"], 50)
upload = st.file_uploader(t("export.page.upload"), type=["xlsx"], key=upload_key, max_upload_size=50)
if upload is not None:
    data = upload.getvalue()
    try:
        preview = cached_preview(ctx, upload)
    except ImportRejected as err:
        show_problems(ctx, err)
    except LapeError as err:
        ctx.error(err)
    else:
        st.markdown(f"**{t('export.page.preview')}**")
        show_result(ctx, preview)
        if not (preview.added or preview.changed):
            st.info(t("export.page.nothing_to_apply"))
        elif st.button(
            t("export.page.apply", count=len(preview.added) + len(preview.changed)),
            type="primary",
            key="exp_apply",
            icon=":material/upload:",
        ):
            try:
                st.session_state["exp_done"] = roundtrip.apply(ctx.db, ctx.writer(), data, ctx.lang)
            except ImportRejected as err:
                show_problems(ctx, err)
            except LapeError as err:
                ctx.error(err)
            else:
                st.session_state["exp_round"] = st.session_state.get("exp_round", 0) + 1
                st.rerun()
