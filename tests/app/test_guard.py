"""Ctx.need_plan: the helpers that draw a plan get it from here, never a None."""

from streamlit.testing.v1 import AppTest

from lape_plan import i18n


def _script(with_plan: bool):
    import streamlit as st

    from lape_plan.model import Actor, Role
    from lape_plan.ui.guard import Ctx

    plan = {"id": 7, "first_year": 2025, "last_year": 2028} if with_plan else None
    ctx = Ctx(None, "en", plan, None, Actor(name="someone", role=Role.ADMIN))
    st.text(f"plan {ctx.need_plan()['id']}")


def test_without_a_plan_the_page_stops_with_the_no_plan_message():
    at = AppTest.from_function(_script, kwargs={"with_plan": False}).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [i18n.t("overview.no_plan", "en")]
    assert not at.text  # nothing after need_plan ran


def test_with_a_plan_it_is_returned():
    at = AppTest.from_function(_script, kwargs={"with_plan": True}).run()
    assert not at.exception, at.exception
    assert not at.info
    assert [t.value for t in at.text] == ["plan 7"]


def test_the_first_start_settles_the_collector(db_path):
    import gc

    from lape_plan.ui import guard

    guard._collector_settled = False
    gc.set_threshold(700, 10, 10)
    guard.first_start.clear()
    guard.first_start(str(db_path))
    assert gc.get_threshold() == guard.GC_THRESHOLDS
    assert gc.get_freeze_count() > 0  # the runtime and modules are out of the full collections' way
