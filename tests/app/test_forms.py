"""lape_plan/ui/forms.py: the one way a form saves, on a small app of its own (no database):
one text field under the prefix "f", a Save button whose write succeeds or is refused as
the test asks, and `forms.stale_panel` below it as the real forms have it."""

import pytest
from streamlit.testing.v1 import AppTest

THEIRS = {"version": 7, "text": "Their text", "updated_by": "Toinen Tallentaja", "updated_at": "2026-05-04T09:30:00"}


def form_app():
    import streamlit as st

    from lape_plan.errors import ConflictError, ValidationError, require_version
    from lape_plan.model import Actor, Role
    from lape_plan.ui import forms, state
    from lape_plan.ui.guard import Ctx

    ctx = Ctx(db=None, lang="fi", plan=None, municipality_id=None, actor=Actor("test", role=Role.ADMIN))
    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    state.show_flash("t_flash")
    if "f_version" not in st.session_state:  # opened on version 1
        st.session_state["f_version"] = 1
        st.session_state["f_text"] = "Saved text"
    st.text_input("Text", key="f_text")

    def save() -> None:
        def write() -> None:
            outcome = st.session_state.get("outcome", "ok")
            if outcome == "conflict":
                require_version(st.session_state["theirs"], st.session_state["f_version"])
            if outcome == "conflict_unknown":
                raise ConflictError(by="Toinen Tallentaja", at="2026-05-04T09:30:00")
            if outcome == "invalid":
                raise ValidationError(field="Teksti")
            st.session_state["written"] = st.session_state.get("written", []) + [
                (st.session_state["f_version"], st.session_state["f_text"])
            ]

        refused = forms.save(
            ctx, write, prefix="f", slot="t_flash", message="Tallennettu.", compare=st.session_state["compare"]
        )
        st.session_state["refused"] = type(refused).__name__

    if st.button("Save", key="save"):
        save()
    forms.stale_panel(
        ctx, "f", lambda theirs: [("Text", theirs["text"], st.session_state["f_text"])], "Keep mine", save
    )


@pytest.fixture
def start():
    def run(outcome="ok", compare=True):
        at = AppTest.from_function(form_app, default_timeout=30)
        at.session_state["outcome"] = outcome
        at.session_state["compare"] = compare
        at.session_state["theirs"] = THEIRS
        at.run()
        assert not at.exception, at.exception
        at.text_input(key="f_text").set_value("My typed text")
        runs = at.session_state["runs"]
        at.button(key="save").click().run()
        assert not at.exception, at.exception
        return at, at.session_state["runs"] - runs

    return run


def _state(at, key, default=None):
    return at.session_state[key] if key in at.session_state else default


def test_success_writes_once_resets_the_form_flashes_and_reruns(start):
    at, runs = start()
    assert _state(at, "written") == [(1, "My typed text")]
    assert runs == 2  # the click's run and the rerun that shows the message
    assert [s.value for s in at.success] == ["Tallennettu."]
    # the form was forgotten: it opens again from the saved row
    assert at.text_input(key="f_text").value == "Saved text"
    assert _state(at, "refused") is None
    at.run()
    assert not at.success  # the message is shown once


def test_stale_save_is_kept_for_the_comparison_and_the_typed_text_stays(start):
    at, runs = start("conflict")
    assert _state(at, "written") is None
    assert runs == 2  # rerun, so the comparison below the save button shows it
    assert _state(at, "f_conflict") == THEIRS
    assert any("Toinen Tallentaja" in e.value for e in at.error)  # who saved in between
    marked = " ".join(m.value for m in at.markdown)
    assert ":red-background[~~Their~~] text" in marked and ":green-background[**My typed**] text" in marked
    assert at.text_input(key="f_text").value == "My typed text"
    assert _state(at, "f_version") == 1
    assert not at.success
    # "save on top": the form now stands on their version and the typed text is saved over theirs
    at.button(key="f_rebase").click().run()
    assert not at.exception, at.exception
    assert _state(at, "written") == [(7, "My typed text")]
    assert _state(at, "f_conflict") is None
    assert [s.value for s in at.success] == ["Tallennettu."]


def test_stale_save_without_comparison_says_who_and_takes_their_version(start):
    at, runs = start("conflict", compare=False)
    assert _state(at, "written") is None
    assert runs == 1  # no rerun: the error stays next to the form
    assert _state(at, "refused") == "ConflictError"
    assert any("Toinen Tallentaja" in e.value for e in at.error)
    assert at.text_input(key="f_text").value == "My typed text"
    assert _state(at, "f_conflict") is None
    assert _state(at, "f_version") == 7  # saving again is deliberate and goes on top
    at.button(key="save").click().run()
    assert _state(at, "written") == [(7, "My typed text")]


def test_stale_save_with_nothing_to_compare_shows_the_error(start):
    at, runs = start("conflict_unknown")
    assert runs == 1
    assert _state(at, "refused") == "ConflictError"
    assert _state(at, "f_conflict") is None
    assert any("Toinen Tallentaja" in e.value for e in at.error)
    assert at.text_input(key="f_text").value == "My typed text"


def test_other_refusal_shows_the_translated_error_and_keeps_the_text(start):
    at, runs = start("invalid")
    assert runs == 1
    assert _state(at, "refused") == "ValidationError"
    assert [e.value for e in at.error] == ["Virheellinen arvo kentässä Teksti."]
    assert at.text_input(key="f_text").value == "My typed text"
    assert _state(at, "f_version") == 1
    assert _state(at, "written") is None
    assert not at.success
