"""Every page starts with `guard()`: page config, database, login, language, plan and
municipality selection. A page opened by URL on a freshly started server first runs
without app.py (see `through_navigation`), so nothing here may rely on app.py having run."""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from sqlite_utils import Database

from .. import auth, config, db as dbm, demo, i18n, plans
from ..errors import LapeError, PermissionDenied
from ..model import LANGS, Actor, Role
from . import a11y
from .text import error_md, md_escape

log = logging.getLogger("lape_plan")


@dataclass
class Ctx:
    db: Database
    lang: str
    plan: dict | None
    municipality_id: int | None
    actor: Actor

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def need_plan(self) -> dict:
        """The selected plan. Pages stop with `overview.no_plan` before they draw anything
        that needs one; a helper reached without a plan stops the same way."""
        if self.plan is None:
            st.info(self.t("overview.no_plan"))
            st.stop()
        return self.plan

    def num(self, value, decimals=None) -> str:
        return i18n.number(value, self.lang, decimals)

    def title(self, row: dict, field: str = "title") -> str:
        return plans.title_in(row, self.lang, field)

    def error(self, err) -> None:
        st.error(error_md(err, self.lang))

    def writer(self) -> Actor:
        """The actor to write as, read from the database now (see `fresh_actor`)."""
        return fresh_actor(self.db)

    def conflict(self, row: dict) -> None:
        """Someone else saved `row` after this screen was opened: who and when."""
        st.error(
            i18n.t(
                "error.conflict",
                self.lang,
                by=md_escape(i18n.actor_name(row["updated_by"], self.lang)),
                at=i18n.timestamp(row["updated_at"], self.lang),
            )
        )


@st.cache_resource(show_spinner=False)
def first_start(path: str) -> bool:
    """Schema and the example plan on the first start of this process for this database."""
    database = dbm.connect(path)
    if not plans.plans(database):
        demo.load(database, follow_up_example=True)
    database.close()
    settle_collector()
    return True


# Python's default thresholds (700, 10, 10) ran a young collection every few hundred objects,
# several per rerun; with 200 phones' sessions held, the collector took ~0.7 ms of CPU per
# workshop rerun and a full collection paused every session for ~0.1 s. With these it took
# ~0.15 ms (measured with gc.callbacks in benchmarks/workshop_load.py's server).
GC_THRESHOLDS = (10_000, 20, 20)
_collector_settled = False


def settle_collector() -> None:
    """Once per process: what is alive after the first start (modules, the runtime) is moved
    out of the collector's reach (gc.freeze), so a full collection walks only the sessions'
    objects, and young collections run less often."""
    global _collector_settled
    if not _collector_settled:
        _collector_settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


def current_lang() -> str:
    """The session's language; a new session (a reload, a new tab) takes ?lang=, else the
    language this browser chose before, else Finnish."""
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.query_params.get("lang") or a11y.remembered_lang() or i18n.DEFAULT_LANG
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


def client_id() -> str:
    """Whom attempt limits (sign-in, join codes) count against: the network address, else
    (on localhost, where Streamlit gives none) the browser session. Behind a reverse proxy
    every client has the proxy's address, so the limits then apply to all clients together."""
    address = st.context.ip_address
    if isinstance(address, str) and address:  # AppTest gives a stand-in object
        return f"ip:{address}"
    run = get_script_run_ctx()
    return f"session:{run.session_id if run else '-'}"


def sso_enabled() -> bool:
    """Single sign-on is on when secrets.toml has an [auth] section for st.login."""
    return bool(config.secrets().get("auth"))


def cookie_script(name: str, value: str | None, max_age: int | None = None) -> str:
    """A script (for st.html with JavaScript) that sets a cookie for this site only
    (SameSite=Strict, Secure over HTTPS); None clears it; without max_age it lasts the
    browser session. Set from the page, so it cannot be HttpOnly. Name and value must be
    cookie-safe (our tokens and codes are)."""
    if value is None:
        text = f"{name}=; path=/; max-age=0; SameSite=Strict"
    else:
        text = f"{name}={value}; path=/; SameSite=Strict" + (f"; max-age={int(max_age)}" if max_age else "")
    return f'<script>document.cookie = "{text}" + (location.protocol === "https:" ? "; Secure" : "");</script>'


def _cookie_script(token: str | None) -> str:
    """Sets (or with None clears) the browser's session cookie: a cookie of the browser
    session, for this site only, so that a reload or a new tab stays signed in."""
    return cookie_script(auth.SESSION_COOKIE, token)


def logout(database: Database) -> None:
    auth.end_session(database, st.session_state.pop("session_token", None))
    st.session_state["clear_cookie"] = True
    for key in ("user_id", "last_seen", "auth_role", "signed_in_at"):
        st.session_state.pop(key, None)
    if sso_enabled() and st.user.get("is_logged_in", False):
        st.logout()


def _signed_in_actor(database: Database, lang: str) -> Actor | None:
    """The actor of this session, or None. Applies the inactivity timeout. A new session
    (a reload, a new tab) is signed in again by the browser's session cookie."""
    user_id = st.session_state.get("user_id")
    if user_id is None and sso_enabled() and st.user.get("is_logged_in", False):
        email = st.user.get("email")
        actor = auth.user_by_email(database, email if isinstance(email, str) else "")
        if actor is None or actor.user_id is None:
            st.error(i18n.t("auth.sso_no_account", lang, email=md_escape(st.user.get("email", ""))))
            st.button(i18n.t("auth.logout", lang), on_click=st.logout)
            st.stop()
        _sign_in(actor.user_id, actor.role)
        a11y.redraw_meta()
        st.rerun()  # so that app.py builds the menu for this role
    idle, max_age = auth.session_limits()
    if user_id is None:
        token = st.context.cookies.get(auth.SESSION_COOKIE)
        actor = auth.resume_session(database, token, idle, max_age_seconds=max_age)
        if actor is None or actor.user_id is None:
            return None
        _sign_in(actor.user_id, actor.role, token)
        a11y.redraw_meta()
        st.rerun()
    now = time.time()
    idle_out = now - st.session_state.get("last_seen", now) > idle
    aged_out = now - st.session_state.get("signed_in_at", now) > max_age
    try:
        actor = fresh_actor(database)
    except PermissionDenied:  # idle, too old, signed out in another tab, account deactivated or removed
        logout(database)
        if idle_out or aged_out:
            st.session_state["auth_flash"] = "auth.expired" if idle_out else "auth.session_max_age"
        return None
    st.session_state["last_seen"] = time.time()
    st.session_state["auth_role"] = actor.role.value
    return actor


def fresh_actor(database: Database) -> Actor:
    """The actor of this browser session as the database has it now: at every page run (the
    guard) and at the moment of every write (`Ctx.writer`). Callbacks run before the page's
    guard, with the actor of the screen they were drawn on; so every write asks again: the
    session is signed in and not idle too long, its browser session still exists (not signed
    out in another tab, not idle there), the account is active, and the role and
    organisations are today's. Refuses (PermissionDenied) otherwise."""
    user_id = st.session_state.get("user_id")
    idle, max_age = auth.session_limits()
    now = time.time()
    actor = None
    # a session kept by a cookie has its lifetime in the database; one without (single
    # sign-on) has it here
    if (
        user_id is not None
        and now - st.session_state.get("last_seen", now) <= idle
        and now - st.session_state.get("signed_in_at", now) <= max_age
    ):
        token = st.session_state.get("session_token")
        actor = (
            auth.resume_session(database, token, idle, max_age_seconds=max_age)
            if token
            else auth.actor_for(database, user_id)
        )
    if actor is None or actor.user_id != user_id:
        raise PermissionDenied("error.session_ended")
    return actor


def _details_shown() -> bool:
    """Streamlit set to show anything of an error (its default "full": development, tests)."""
    return str(st.get_option("client.showErrorDetails")).lower() != "none"


def unexpected(err: Exception, lang: str) -> str:
    """An unexpected failure (a full disk, a bug): the traceback goes to the log and the
    user gets a generic message in their language, never a server path or a database error.
    Where Streamlit is set to show error details, the error is raised on instead."""
    if _details_shown():
        raise err
    log.error("unexpected failure: %s", type(err).__name__, exc_info=err)
    return i18n.t("error.unexpected", lang)


@contextmanager
def failures_shown(lang: str):
    """Around a whole page run (app.py) or a fragment's own reruns: an unexpected failure
    becomes `unexpected`'s message."""
    try:
        yield
    except Exception as err:  # st.stop and st.rerun are BaseExceptions and pass through
        st.error(unexpected(err, lang))


def _sign_in(user_id: int, role: Role, token: str | None = None) -> None:
    st.session_state.update(user_id=user_id, auth_role=role.value, last_seen=time.time(), signed_in_at=time.time())
    if token:
        st.session_state["session_token"] = token


# Signed out there is no menu, not even the pages/ file list of a first run (see
# through_navigation).
NO_MENU_CSS = '<style>[data-testid="stSidebarNav"], [data-testid="stSidebarNavSeparator"] { display: none; }</style>'


def _login_form(database: Database, lang: str) -> None:
    t = lambda key, **v: i18n.t(key, lang, **v)  # noqa: E731
    st.html(NO_MENU_CSS)
    if st.session_state.pop("clear_cookie", None):
        st.html(_cookie_script(None), unsafe_allow_javascript=True)
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        first = not auth.has_users(database)
        # the very first start creates the administrator: headed so, fields in the order
        # a person expects (name, user name, password twice)
        st.title(t("a11y.setup_title") if first else t("auth.title"))
        flash = st.session_state.pop("auth_flash", None)
        if flash:
            st.info(t(flash))
        if first:
            st.info(t("auth.setup_intro"))
        with st.form("login_form", enter_to_submit=True):
            if first:
                st.text_input(t("auth.display_name"), key="setup_display_name", max_chars=120)
            username = st.text_input(t("auth.username"), key="login_username", max_chars=80)
            password = st.text_input(t("auth.password"), type="password", key="login_password")
            if first:
                st.text_input(t("auth.password_again"), type="password", key="setup_password2")
            submitted = st.form_submit_button(
                t("auth.create_admin") if first else t("auth.login"), type="primary", key="login_submit"
            )
        if submitted:
            try:
                if first:
                    if password != st.session_state.get("setup_password2"):
                        st.error(t("auth.passwords_differ"))
                        st.stop()
                    user_id = auth.create_user(
                        database,
                        Actor(name=username or "setup"),
                        username,
                        password,
                        role=Role.ADMIN,
                        display_name=st.session_state.get("setup_display_name") or "",
                    )
                    role = Role.ADMIN
                else:
                    signed_in = auth.authenticate(database, username, password, client=client_id())
                    if signed_in.user_id is None:  # not a stored account (authenticate returns those only)
                        raise auth.LoginFailed()
                    user_id, role = signed_in.user_id, signed_in.role
            except LapeError as err:
                st.error(error_md(err, lang))
            else:
                _sign_in(user_id, role, auth.start_session(database, user_id))
                st.session_state["set_cookie"] = True
                st.session_state.pop("clear_cookie", None)
                a11y.request_focus()  # to the page's heading, where the person goes on
                st.session_state.pop("login_password", None)
                st.rerun()
        if sso_enabled() and not first:
            st.divider()
            st.button(t("auth.sso_login"), on_click=st.login, icon=":material/login:")
        a11y.statement_link(lang)


def through_navigation() -> None:
    """Until app.py's st.navigation has run once in the process, Streamlit treats the
    pages/ folder as its old-style multipage app: a page opened by URL on a freshly
    started server runs on its own, without app.py, and the sidebar lists the files
    ("admin", "follow up"...). Leave that mode, so that the session's next run (the
    sign-in, say) goes through app.py and its menu for the user's role. The login form
    hides the file list of this first run."""
    PagesManager.uses_pages_directory = False


def guard(wide: bool = True, roles: tuple[Role, ...] | None = None) -> Ctx:
    """Page setup and the login wall. `roles` limits the page to those roles."""
    through_navigation()
    if "lang" not in st.session_state:
        st.session_state["lang"] = current_lang()
    a11y.setup_page(st.session_state["lang"], layout="wide" if wide else "centered")
    a11y.keep_lang_in_url(st.session_state["lang"])
    path = str(config.db_path())
    first_start(path)
    database = dbm.connect(path)
    with st.sidebar:
        sticky(
            st.selectbox,
            i18n.t("sidebar.language", st.session_state["lang"]),
            "lang",
            list(LANGS),
            format_func=i18n.language_name,
        )
    lang = st.session_state["lang"]
    actor = _signed_in_actor(database, lang)
    if actor is None:
        _login_form(database, lang)
        st.stop()
    t = lambda key, **v: i18n.t(key, lang, **v)  # noqa: E731
    with st.sidebar:
        plan_list = plans.plans(database)
        plan = None
        if plan_list:
            ids = [p["id"] for p in plan_list]
            if st.session_state.get("plan_id") not in ids:
                st.session_state["plan_id"] = ids[0]
            by_id = {p["id"]: p for p in plan_list}
            sticky(
                st.selectbox, t("sidebar.plan"), "plan_id", ids, format_func=lambda i: plans.title_in(by_id[i], lang)
            )
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
        st.divider()
        st.caption(t("auth.signed_in_as", name=md_escape(actor.name), role=t(f"role.{actor.role.value}")))
        if st.button(t("auth.logout"), key="logout", icon=":material/logout:"):
            logout(database)
            st.rerun()
        if st.session_state.pop("set_cookie", None) and st.session_state.get("session_token"):
            st.html(_cookie_script(st.session_state["session_token"]), unsafe_allow_javascript=True)
        a11y.pending_focus()
    if roles and actor.role not in roles:
        st.error(t("error.permission"))
        st.stop()
    return Ctx(database, lang, plan, municipality_id, actor)
