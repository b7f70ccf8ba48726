"""Per-session UI state shared by every feature: the message shown once after a rerun
("flash") and clearing a form's widget state ("reset"). One implementation; each feature
keeps its own flash slot so that a message waits for the page that set it."""

from __future__ import annotations

import streamlit as st


def flash(slot: str, message: str, kind: str = "success") -> None:
    """Show `message` once, the next time `show_flash(slot)` runs (after st.rerun()).
    `kind`: the Streamlit call that shows it (success, info, warning, error)."""
    st.session_state[slot] = (kind, message)


def show_flash(slot: str) -> None:
    message = st.session_state.pop(slot, None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


def reset(prefix: str) -> None:
    """Forget a form's widget state (keys `prefix_…`), so it opens again from the saved row."""
    for key in [k for k in st.session_state if str(k).startswith(prefix + "_")]:
        del st.session_state[key]
