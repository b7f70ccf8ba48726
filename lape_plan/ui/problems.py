"""The one way a refused import is shown on a page: what happened, then every problem
with its file or sheet, row and reason, translated into the user's language here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..errors import ImportRejected
from .guard import Ctx


def problem_rows(ctx: Ctx, problems) -> list[dict]:
    t = ctx.t
    rows = []
    for p in problems:
        reason = p.text(ctx.lang)
        rows.append(
            {
                t("friction.problems.where"): str(p.where or "–"),
                t("friction.problems.row"): "–" if p.row in ("", 0, None) else str(p.row),
                t("friction.problems.reason"): reason[:1].upper() + reason[1:],
            }
        )
    return rows


def show_problems(ctx: Ctx, err: ImportRejected) -> None:
    ctx.error(err)
    st.dataframe(pd.DataFrame(problem_rows(ctx, err.problems)), hide_index=True, width="stretch")
