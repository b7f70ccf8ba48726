"""Every page starts with `guard()`: page config, database, language, plan and
municipality selection, and who the user is. Direct page URLs can bypass app.py,
so nothing here may rely on app.py having run."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st
from sqlite_utils import Database

from .. import config, db as dbm, demo, i18n, plans
from ..model import LANGS, Actor


@dataclass
class Ctx:
    db: Database
    lang: str
    plan: dict | None
    municipality_id: int | None
    actor: Actor

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def num(self, value, decimals=None) -> str:
        return i18n.number(value, self.lang, decimals)

    def title(self, row: dict, field: str = "title") -> str:
        return plans.title_in(row, self.lang, field)

    def error(self, err) -> None:
        st.error(i18n.error_text(err, self.lang))


@st.cache_resource(show_spinner=False)
def _first_start(path: str) -> bool:
    """Schema and the example plan on the first start of this process for this database."""
    database = dbm.connect(path)
    if not plans.plans(database):
        demo.load(database)
    database.close()
    return True


def current_lang() -> str:
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.query_params.get("lang", i18n.DEFAULT_LANG)
        lang = lang if lang in LANGS else i18n.DEFAULT_LANG
    return lang


def sticky(widget, label: str, key: str, *args, **kwargs):
    """A widget whose value survives page switches: Streamlit drops widget state
    when the page changes, so the value lives under `key` and the widget under `_w_key`."""
    widget_key = f"_w_{key}"
    st.session_state[widget_key] = st.session_state.get(key, kwargs.pop("default", None))

    def keep():
        st.session_state[key] = st.session_state[widget_key]

    return widget(label, *args, key=widget_key, on_change=keep, **kwargs)


def guard(wide: bool = True) -> Ctx:
    st.set_page_config(page_title="LAPE", page_icon="🌱", layout="wide" if wide else "centered")
    path = str(config.db_path())
    _first_start(path)
    database = dbm.connect(path)
    if "lang" not in st.session_state:
        st.session_state["lang"] = current_lang()
    lang = st.session_state["lang"]
    t = partial(i18n.t, lang=lang)
    with st.sidebar:
        sticky(st.selectbox, t("sidebar.language"), "lang", list(LANGS), format_func=i18n.language_name)
        lang = st.session_state["lang"]
        t = partial(i18n.t, lang=lang)
        plan_list = plans.plans(database)
        plan = None
        if plan_list:
            ids = [p["id"] for p in plan_list]
            if st.session_state.get("plan_id") not in ids:
                st.session_state["plan_id"] = ids[0]
            by_id = {p["id"]: p for p in plan_list}
            sticky(st.selectbox, t("sidebar.plan"), "plan_id", ids,
                         format_func=lambda i: plans.title_in(by_id[i], lang))
            plan = by_id[st.session_state["plan_id"]]
        municipality_id = None
        if plan:
            munis = plans.organisations(database, plan["id"], kind="municipality")
            options = [0] + [m["id"] for m in munis]
            names = {m["id"]: plans.org_name(m, lang) for m in munis} | {0: t("sidebar.whole_area")}
            if st.session_state.get("municipality_id") not in options:
                st.session_state["municipality_id"] = 0
            sticky(st.selectbox, t("sidebar.municipality"), "municipality_id", options, format_func=names.get)
            municipality_id = st.session_state["municipality_id"] or None
        sticky(st.text_input, t("sidebar.your_name"), "actor_name", max_chars=80, default="",
               help=t("sidebar.your_name_help"))
    actor = Actor(name=(st.session_state.get("actor_name") or "").strip() or t("sidebar.anonymous"))
    return Ctx(database, lang, plan, municipality_id, actor)
