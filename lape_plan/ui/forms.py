"""One way to save a form. A form keeps its widget state under a prefix (`prefix_…`) with the
version it was opened on (`prefix_version`, see editor.open_version). `save` runs the write:
on success it forgets the form, leaves a message for the next run and reruns; when the write is
refused the typed text stays, with the translated error or, for a stale save, who saved in
between (the form's comparison, or their version taken so that saving again is deliberate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from .. import i18n, textdiff
from ..errors import ConflictError, LapeError
from . import state
from .text import md_escape

if TYPE_CHECKING:
    from .guard import Ctx


def save(
    ctx: Ctx,
    write: Callable[[], object],
    *,
    prefix: str | None,
    slot: str,
    message: str,
    compare: bool = True,
) -> LapeError:
    """Run `write` (one lape_plan call) for the form whose state is under `prefix` (None: no
    form state, as for a single button).
    - Success: `state.reset(prefix)`, `state.flash(slot, message)`, `st.rerun()`.
    - A stale save (ConflictError carrying the row as it is now), when `compare`: the row is
      kept under `prefix_conflict` and the page reruns, so the form shows who saved, the
      differences and its "save on top" button (see `on_top`). Without `compare` (a form with
      no comparison): the error says who saved, and the form takes their version, so that
      saving again goes on top of it.
    - Any other refusal, or a conflict with nothing to compare: the translated error.
    Returns the refusal, so a caller can add to what is shown (it never returns on success)."""
    try:
        write()
    except ConflictError as err:
        if prefix and err.current:
            if compare:
                st.session_state[prefix + "_conflict"] = err.current
                st.rerun()
            st.session_state[prefix + "_version"] = err.current.get("version")
        ctx.error(err)
        return err
    except LapeError as err:
        ctx.error(err)  # the typed values stay in the form
        return err
    if prefix:
        state.reset(prefix)
    state.flash(slot, message)
    st.rerun()


def on_top(prefix: str) -> int:
    """The "save on top" button was pressed: the form now stands on the version that refused
    it (kept by `save` under `prefix_conflict`), so the next save goes over theirs. Returns it."""
    version: int = st.session_state.pop(prefix + "_conflict")["version"]
    st.session_state[prefix + "_version"] = version
    return version


def stale_panel(
    ctx: Ctx,
    prefix: str,
    fields: Callable[[dict], list[tuple[str, object, object]]],
    keep: str,
    save_mine: Callable[[], object],
) -> None:
    """Below a form whose stale save `save(..., compare=True)` kept under `prefix_conflict`: who
    saved, their values and the typed ones side by side (`fields(theirs)`: label, their value,
    yours), and the `keep` button: `save_mine` then saves what the form holds on top of their version."""
    theirs = st.session_state.get(prefix + "_conflict")
    if not theirs:
        return
    ctx.conflict(theirs)
    show_differences(ctx, theirs.get("updated_by", ""), fields(theirs))
    if st.button(keep, key=prefix + "_rebase", help=ctx.t("friction.diff.save_help")):
        on_top(prefix)
        save_mine()


def _marked(runs: list[tuple[bool, str]], theirs: bool) -> str:
    """One side of a comparison as Markdown: the user's text escaped, what differs on a
    coloured background and also struck through (theirs) or bold (yours), so the marking
    does not rest on colour alone."""
    out = []
    for differs, text in runs:
        for i, line in enumerate(text.split("\n")):
            if i:
                out.append("  \n")
            core = line.strip()
            if not core:
                out.append(" " if line else "")
                continue
            lead, tail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
            escaped = md_escape(core)
            if differs:
                escaped = f":red-background[~~{escaped}~~]" if theirs else f":green-background[**{escaped}**]"
            out.append(f"{' ' if lead else ''}{escaped}{' ' if tail else ''}")
    return "".join(out) or "–"


def show_differences(ctx: Ctx, theirs_by: str, fields: list[tuple[str, object, object]]) -> None:
    """Their saved text and yours side by side, field by field, the differences marked
    (`fields`: label, their value, your value; fields that are the same are left out)."""
    t = ctx.t
    shown = [(label, str(a or ""), str(b or "")) for label, a, b in fields if str(a or "") != str(b or "")]
    if not shown:
        return
    st.caption(t("friction.diff.legend"))
    head = st.columns(2)
    head[0].markdown(f"**{t('friction.diff.theirs', by=md_escape(i18n.actor_name(theirs_by, ctx.lang)))}**")
    head[1].markdown(f"**{t('friction.diff.yours')}**")
    for label, theirs, mine in shown:
        left, right = textdiff.compare(theirs, mine)
        c1, c2 = st.columns(2, border=True)
        c1.caption(label)
        c1.markdown(_marked(left, theirs=True))
        c2.caption(label)
        c2.markdown(_marked(right, theirs=False))
