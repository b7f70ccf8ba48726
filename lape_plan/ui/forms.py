"""One way to save a form. A form keeps its widget state under a prefix (`prefix_…`) with the
version it was opened on (`prefix_version`, see editor.open_version). `save` runs the write:
on success it forgets the form, leaves a message for the next run and reruns; when the write is
refused the typed text stays, with the translated error or, for a stale save, who saved in
between (the form's comparison, or their version taken so that saving again is deliberate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from ..errors import ConflictError, LapeError
from . import state

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
