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


def item_name(ctx: Ctx, change: Change) -> str:
    """How a row's item is named to people: its plan number and title ("2.3 Title"), never
    the database id; a status or euros row adds its year."""
    name = f"{change.number} {change.title}".strip()
    return name + (f", {change.year}" if change.year else "")


def _changes_frame(ctx: Ctx, changes: list[Change], with_who: bool = False) -> pd.DataFrame:
    t = ctx.t
    rows = []
    for c in changes:
        row = {
            t("export.page.col_sheet"): c.sheet,
            t("export.page.col_row"): c.row,
            t("export.page.col_item"): item_name(ctx, c),
            t("friction.rt.col_type"): i18n.t("entity." + c.entity, ctx.lang),
            t("export.page.col_changes"): "; ".join(
                f"{k}: {b or '–'} → {a or '–'}" if b or a else k for k, (b, a) in c.fields.items()
            ),
        }
        if with_who:
            row[t("export.page.col_changed_by")] = f"{c.by}, {i18n.timestamp(c.at, ctx.lang)}"
        rows.append(row)
    return pd.DataFrame(rows)


def show_result(ctx: Ctx, result: Result) -> None:
    t = ctx.t
    cols = st.columns(5 if result.not_permitted else 4)
    cols[0].metric(t("export.page.added"), len(result.added))
    cols[1].metric(t("export.page.changed"), len(result.changed))
    cols[2].metric(t("export.page.conflicts"), len(result.conflicts))
    cols[3].metric(t("export.page.unchanged"), result.unchanged)
    if result.not_permitted:
        cols[4].metric(t("friction.rt.not_permitted"), len(result.not_permitted))
    for title, changes, who, note in (
        (t("export.page.added"), result.added, False, None),
        (t("export.page.changed"), result.changed, False, None),
        (t("export.page.conflicts"), result.conflicts, True, "export.page.conflicts_help"),
        (t("friction.rt.not_permitted"), result.not_permitted, False, "friction.rt.not_permitted_help"),
    ):
        if changes:
            st.subheader(title)
            if note == "export.page.conflicts_help":
                st.warning(t(note))
            elif note:
                st.info(t(note, n=len(changes)), icon=":material/lock:")
            st.dataframe(_changes_frame(ctx, changes, who), hide_index=True, width="stretch")


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
