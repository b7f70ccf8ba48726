"""Streamlit helpers of the Export page: deferred downloads and the round-trip preview."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from .. import config, db as dbm, i18n, roundtrip
from ..roundtrip import Change, Result
from .guard import Ctx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def _build(path: str, fn, *args, **kwargs) -> bytes:
    # Runs when the button is clicked, maybe on another thread: its own connection.
    database = dbm.connect(path)
    try:
        return fn(database, *args, **kwargs)
    finally:
        database.close()


def deferred(fn, *args, **kwargs):
    """The file is built only when someone clicks the download button."""
    return partial(_build, str(config.db_path()), fn, *args, **kwargs)


def _changes_frame(ctx: Ctx, changes: list[Change], with_who: bool = False) -> pd.DataFrame:
    t = ctx.t
    rows = []
    for c in changes:
        row = {t("export.page.col_sheet"): c.sheet, t("export.page.col_row"): c.row,
               t("export.page.col_item"): f"{i18n.t('entity.' + c.entity, ctx.lang)} {c.item_id or ''}".strip()
               + (f", {c.year}" if c.year else ""),
               t("export.page.col_title"): c.title,
               t("export.page.col_changes"): "; ".join(f"{k}: {b or '–'} → {a or '–'}" if b or a else k
                                                          for k, (b, a) in c.fields.items())}
        if with_who:
            row[t("export.page.col_changed_by")] = f"{c.by}, {i18n.timestamp(c.at, ctx.lang)}"
        rows.append(row)
    return pd.DataFrame(rows)


def show_result(ctx: Ctx, result: Result) -> None:
    t = ctx.t
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("export.page.added"), len(result.added))
    c2.metric(t("export.page.changed"), len(result.changed))
    c3.metric(t("export.page.conflicts"), len(result.conflicts))
    c4.metric(t("export.page.unchanged"), result.unchanged)
    for title, changes, who in ((t("export.page.added"), result.added, False),
                                (t("export.page.changed"), result.changed, False),
                                (t("export.page.conflicts"), result.conflicts, True)):
        if changes:
            st.subheader(title)
            if who:
                st.warning(t("export.page.conflicts_help"))
            st.dataframe(_changes_frame(ctx, changes, who), hide_index=True, width="stretch")


def show_problems(ctx: Ctx, err) -> None:
    ctx.error(err)
    t = ctx.t
    frame = pd.DataFrame([{t("export.page.col_sheet"): sheet or "–", t("export.page.col_row"): row or "–",
                           t("export.page.col_reason"): reason[:1].upper() + reason[1:]}
                          for sheet, row, reason in err.problems])
    st.dataframe(frame, hide_index=True, width="stretch")


def preview(ctx: Ctx, upload) -> Result:
    """The preview of an uploaded file, kept while neither the file nor the database
    changes: a large workbook takes seconds to check, and every widget click reruns the page."""
    key = (upload.file_id, roundtrip.change_marker(ctx.db), ctx.lang, ctx.actor)
    kept = st.session_state.get("exp_preview")
    if kept and kept[0] == key:
        return kept[1]
    result = roundtrip.preview(ctx.db, ctx.actor, upload.getvalue(), ctx.lang)
    st.session_state["exp_preview"] = (key, result)
    return result
