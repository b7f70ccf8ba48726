"""Streamlit parts of the follow-up: filters, the one-item update form (keeps the
version it was opened on and the user's text on conflict), the bulk editor (all or
nothing), history, heatmap, missing updates, year summary and the Overview section."""

from __future__ import annotations

import re
from functools import partial

import pandas as pd
import streamlit as st

from .. import follow_up as fu, i18n, plans
from ..charts import follow_up as follow_up_charts
from ..errors import ConflictError, LapeError
from . import forms, state
from .assessments import follow_up_panel
from .forms import show_differences
from .guard import Ctx, sticky
from .text import error_md, md_escape

ALL = 0


# ---------------------------------------------------------------- helpers
def status_label(ctx: Ctx, status: str) -> str:
    return ctx.t(f"follow_up.status.{status}")


def item_label(ctx: Ctx, item: dict) -> str:
    return f"{item['number']} {ctx.title(item['row'])}"


def pct(ctx: Ctx, value) -> str:
    return "–" if value is None else f"{ctx.num(value, 0)} %"


def share(ctx: Ctx, value: float) -> str:
    return f"{ctx.num(value * 100, 0)} %"


def org_names(ctx: Ctx, org_ids) -> str:
    orgs = {o["id"]: o for o in plans.organisations(ctx.db, ctx.need_plan()["id"])}
    return ", ".join(plans.org_name(orgs[o], ctx.lang) for o in org_ids if o in orgs) or "–"


flash = partial(state.flash, "fu_flash")
show_flash = partial(state.show_flash, "fu_flash")


# ---------------------------------------------------------------- filters
def filters(ctx: Ctx) -> dict:
    """Focus area, responsible organisation and year; the sidebar gives the municipality.
    Kept outside widget state so they survive a visit to another page."""
    t, plan = ctx.t, ctx.need_plan()
    areas = plans.tree(ctx.db, plan["id"])
    area_names = {ALL: t("follow_up.all_focus_areas")} | {a["id"]: f"{a['number']}. {ctx.title(a)}" for a in areas}
    orgs = plans.organisations(ctx.db, plan["id"])
    org_opts = {ALL: t("follow_up.all_organisations")} | {o["id"]: plans.org_name(o, ctx.lang) for o in orgs}
    years = fu.plan_years(plan)
    # a member starts from their own organisation's items
    own = next((o for o in sorted(ctx.actor.org_ids) if o in org_opts), ALL)
    for key, options, default in (
        ("fu_area", area_names, ALL),
        ("fu_org", org_opts, own),
        ("fu_year", years, fu.reporting_year(plan)),
    ):
        if st.session_state.get(key) not in options:
            st.session_state[key] = default
    c1, c2, c3 = st.columns([3, 3, 1])
    with c1:
        sticky(st.selectbox, t("follow_up.focus_area"), "fu_area", list(area_names), format_func=area_names.get)
    with c2:
        sticky(st.selectbox, t("follow_up.organisation"), "fu_org", list(org_opts), format_func=org_opts.get)
    with c3:
        sticky(st.selectbox, t("field.fu_year"), "fu_year", years)
    return {
        "municipality_id": ctx.municipality_id,
        "focus_area_id": st.session_state["fu_area"] or None,
        "org_id": st.session_state["fu_org"] or None,
        "year": st.session_state["fu_year"],
    }


# ---------------------------------------------------------------- roll-up
def rollup_metrics(ctx: Ctx, r: dict) -> None:
    t = ctx.t
    cols = st.columns(4)
    cols[0].metric(
        t("follow_up.plan_progress", year=r["year"]), pct(ctx, r["progress"]), help=t("follow_up.plan_progress_help")
    )
    cols[1].metric(
        t("follow_up.share_on_track"),
        share(ctx, r["shares"]["on_track"] + r["shares"]["done"]),
        help=t("follow_up.share_on_track_help"),
    )
    cols[2].metric(t("follow_up.share_delayed"), share(ctx, r["shares"]["delayed"]))
    cols[3].metric(
        t("follow_up.share_no_update"),
        share(ctx, r["shares"][fu.NO_UPDATE]),
        help=t("follow_up.items_total", n=r["total"]),
    )


def rollup_table(ctx: Ctx, r: dict) -> None:
    t = ctx.t
    rows = []
    for area in r["areas"]:
        rows.append(
            {
                t("follow_up.col_item"): md_escape(ctx.title(area["focus_area"])),
                t("field.fu_status"): "",
                t("follow_up.col_progress"): pct(ctx, area["progress"]),
                t("follow_up.col_coverage"): "",
            }
        )
        for g in area["goals"]:
            done, total = g["coverage"]
            rows.append(
                {
                    t("follow_up.col_item"): f"\u2003{g['number']} {md_escape(ctx.title(g['goal']))}",
                    t("field.fu_status"): status_label(ctx, g["status"]),
                    t("follow_up.col_progress"): pct(ctx, g["progress"]),
                    t("follow_up.col_coverage"): t("follow_up.coverage", done=done, total=total) if total else "–",
                }
            )
    # A table of text, not the data grid: its cells wrap, so on a phone (390 px) and at 200 %
    # text every column shows, where the grid showed only the item names. Its cells are
    # Markdown: the titles are escaped.
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")


def render_follow_up_overview(ctx: Ctx) -> None:
    """The Overview's follow-up section for the current reporting year."""
    if not ctx.plan:
        return
    year = fu.reporting_year(ctx.plan)
    r = fu.rollup(ctx.db, ctx.plan["id"], year, ctx.municipality_id)
    st.subheader(ctx.t("follow_up.overview_heading", year=year))
    rollup_metrics(ctx, r)
    counts = " · ".join(f"{status_label(ctx, s)}: {ctx.num(r['counts'][s])}" for s in (*fu.STATUSES, fu.NO_UPDATE))
    st.text(counts)
    rollup_table(ctx, r)
    st.caption(ctx.t("follow_up.rollup_method"))


# ---------------------------------------------------------------- one item
def item_picker(ctx: Ctx, items: list[dict], year: int) -> dict:
    """The item to update. Each option says whether the item is scheduled for `year` and
    whether this person may update it; a caption counts the scheduled ones."""
    t = ctx.t
    by_key = {f"{i['entity']}:{i['id']}": i for i in items}
    if st.session_state.get("fu_item") not in by_key:
        st.session_state["fu_item"] = next(iter(by_key))

    def label(key: str) -> str:
        item = by_key[key]
        text = f"{item_label(ctx, item)} ({t('entity.' + item['entity'])})"
        if year not in item["years"]:
            return f"{text} – {t('follow_up.status.not_scheduled')}"
        if not fu.may_edit(ctx.actor, item):
            return f"{text} – {t('friction.fu.read_only_option')}"
        return text

    sticky(st.selectbox, t("follow_up.pick_item"), "fu_item", list(by_key), format_func=label)
    scheduled = sum(year in i["years"] for i in items)
    st.caption(t("friction.fu.scheduled_count", n=scheduled, total=len(items), year=year))
    return by_key[st.session_state["fu_item"]]


def item_read_only(ctx: Ctx, item: dict, year: int) -> None:
    """An item this person may not update: its latest status and who may update it,
    instead of a form that would be refused on save."""
    t = ctx.t
    latest = fu.get_current(ctx.db, item["entity"], item["id"], year)
    st.info(t("friction.fu.read_only", orgs=md_escape(org_names(ctx, item["responsible_ids"]))), icon=":material/lock:")
    if latest:
        st.text(
            t(
                "follow_up.latest",
                status=status_label(ctx, latest["status"]),
                progress=pct(ctx, latest["progress"]),
                by=i18n.actor_name(latest["updated_by"], ctx.lang),
                at=i18n.timestamp(latest["updated_at"], ctx.lang),
                version=latest["version"],
            )
        )
        if latest["narrative"]:
            st.text(latest["narrative"])
        if latest["evidence_url"]:
            evidence_link(ctx, latest["evidence_url"])
    else:
        st.text(t("follow_up.no_update_yet", year=year))
    follow_up_panel(ctx, item, year)  # the item's impact assessment, read-only for them too


def _prefill_progress(prefix: str, previous) -> None:
    status = st.session_state[prefix + "_status"]
    st.session_state[prefix + "_progress"] = fu.typical_progress(status, previous) or 0


def item_form(ctx: Ctx, item: dict, year: int) -> None:
    """Update one item's status for one year."""
    t = ctx.t
    entity, item_id = item["entity"], item["id"]
    prefix = f"fu_{entity}_{item_id}_{year}"
    latest = fu.get_current(ctx.db, entity, item_id, year)
    if latest:
        st.text(
            t(
                "follow_up.latest",
                status=status_label(ctx, latest["status"]),
                progress=pct(ctx, latest["progress"]),
                by=i18n.actor_name(latest["updated_by"], ctx.lang),
                at=i18n.timestamp(latest["updated_at"], ctx.lang),
                version=latest["version"],
            )
        )
    else:
        st.text(t("follow_up.no_update_yet", year=year))
    if prefix + "_version" not in st.session_state:
        # A year's first update starts from the year before (status and progress, not
        # the text), or from "not started": the form never suggests progress nobody reported.
        earlier = (
            fu.get_current(ctx.db, entity, item_id, year - 1) if year - 1 >= ctx.need_plan()["first_year"] else None
        )
        base = latest or {}
        st.session_state[prefix + "_version"] = base.get("version", 0)
        st.session_state[prefix + "_status"] = base.get("status") or (earlier or {}).get("status") or "not_started"
        start = base.get("progress") if latest else (earlier or {}).get("progress")
        st.session_state[prefix + "_progress"] = start or 0
        st.session_state[prefix + "_narrative"] = base.get("narrative", "")
        st.session_state[prefix + "_evidence_url"] = base.get("evidence_url", "")
    c1, c2 = st.columns(2)
    c1.selectbox(
        t("field.fu_status"),
        fu.STATUSES,
        key=prefix + "_status",
        format_func=lambda s: status_label(ctx, s),
        on_change=_prefill_progress,
        args=(prefix, latest["progress"] if latest else fu.previous_progress(ctx.db, entity, item_id, year)),
        help=t("follow_up.status_help"),
    )
    c2.number_input(t("field.fu_progress"), min_value=0, max_value=100, step=5, key=prefix + "_progress")
    st.text_area(
        t("field.fu_narrative"),
        key=prefix + "_narrative",
        height=100,
        max_chars=fu.NARRATIVE_MAX,
        help=t("follow_up.narrative_help"),
    )
    st.text_input(
        t("field.fu_evidence_url"), key=prefix + "_evidence_url", max_chars=fu.URL_MAX, placeholder="https://"
    )
    if st.button(t("follow_up.save"), key=prefix + "_save", type="primary"):
        _save_item(ctx, item, year, prefix)
    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (
                t("field.fu_status"),
                status_label(ctx, theirs["status"]),
                status_label(ctx, st.session_state[prefix + "_status"]),
            ),
            (t("field.fu_progress"), pct(ctx, theirs["progress"]), pct(ctx, st.session_state[prefix + "_progress"])),
            (t("field.fu_narrative"), theirs.get("narrative"), st.session_state[prefix + "_narrative"]),
            (t("field.fu_evidence_url"), theirs.get("evidence_url"), st.session_state[prefix + "_evidence_url"]),
        ],
        t("follow_up.keep_mine"),
        lambda: _save_item(ctx, item, year, prefix),
    )
    follow_up_panel(ctx, item, year)
    if entity == "measure":
        weight_form(ctx, item)


def _save_item(ctx: Ctx, item: dict, year: int, prefix: str) -> None:
    """Save the one-item form; a stale save keeps the typed values and shows theirs."""
    forms.save(
        ctx,
        lambda: fu.record(
            ctx.db,
            ctx.writer(),
            item["entity"],
            item["id"],
            year,
            st.session_state[prefix + "_status"],
            st.session_state[prefix + "_progress"],
            st.session_state[prefix + "_narrative"],
            st.session_state[prefix + "_evidence_url"],
            expected_version=st.session_state[prefix + "_version"] or None,
        ),
        prefix=prefix,
        slot="fu_flash",
        message=ctx.t("follow_up.saved", item=item["number"]),
    )


def weight_form(ctx: Ctx, item: dict) -> None:
    t = ctx.t
    current = fu.weights(ctx.db, ctx.need_plan()["id"]).get(item["id"])
    with st.expander(t("follow_up.weight_heading")):
        with st.form(f"fu_weight_{item['id']}", enter_to_submit=False):
            value = st.text_input(
                t("field.fu_weight"), value="" if current is None else ctx.num(current), help=t("follow_up.weight_help")
            )
            if st.form_submit_button(t("follow_up.save_weight")):
                try:
                    fu.set_weight(ctx.db, ctx.writer(), item["id"], value.strip() or None)
                    flash(t("follow_up.weight_saved"))
                    st.rerun()
                except LapeError as err:
                    ctx.error(err)


def history_table(ctx: Ctx, item: dict, limit: int = 30) -> None:
    """The item's updates as a timeline, newest first: who, when, what changed, and the text."""
    t = ctx.t
    rows = fu.history(ctx.db, item["entity"], item["id"])
    if not rows:
        st.info(t("follow_up.no_history"))
        return
    for h in rows[:limit]:
        with st.container(border=True, key=f"fu_hist_{h['id']}"):
            changed = ", ".join(t(f"follow_up.changed.{c}") for c in h["changed"]) or "–"
            st.text(
                t(
                    "follow_up.history_line",
                    at=i18n.timestamp(h["updated_at"], ctx.lang),
                    by=i18n.actor_name(h["updated_by"], ctx.lang),
                    year=h["year"],
                    version=h["version"],
                )
            )
            st.text(
                f"{status_label(ctx, h['status'])} · {pct(ctx, h['progress'])} — "
                f"{t('follow_up.col_changed')}: {changed}"
            )
            if h["narrative"]:
                st.text(h["narrative"])
            if h["evidence_url"]:
                evidence_link(ctx, h["evidence_url"])
    if len(rows) > limit:
        st.caption(t("follow_up.history_more", n=len(rows) - limit))


# ---------------------------------------------------------------- many items
def _ref(entity: str, item_id: int) -> str:
    return f"{entity}:{item_id}"


# The bulk table's column widths (px) fit each header in Finnish and Swedish (editable
# columns also show an edit icon); rows are tall enough that Streamlit wraps cell text (it
# does above 4rem), so item names show whole.
BULK_WIDTHS = {"item": 300, "now": 120, "status": 150, "progress": 160, "narrative": 290, "evidence_url": 280}
BULK_ROW_HEIGHT = 70


def bulk_editor(ctx: Ctx, items: list[dict], year: int, f: dict) -> None:
    """Many items in one table; only rows with a new status are saved, all or nothing.
    The table's input stays fixed while the user edits (its state holds the edits),
    and the versions it was opened on are kept beside it. Each row's index is its item
    ("goal:12"): edited rows are paired with items by it, never by position, so a row
    deleted or added in the widget state (Streamlit applies both, even to a fixed table)
    cannot move one item's values onto another."""
    t = ctx.t
    plan_id = ctx.need_plan()["id"]
    nonce = st.session_state.setdefault("fu_bulk_nonce", 0)
    key = f"fu_bulk_{plan_id}_{year}_{f['municipality_id']}_{f['focus_area_id']}_{f['org_id']}_{ctx.lang}_{nonce}"
    if key not in st.session_state:
        cur = fu.current(ctx.db, plan_id)
        rows, versions, refs = [], [], []
        for item in items:
            if year not in item["years"]:
                continue
            upd = cur.get((item["entity"], item["id"], year))
            versions.append((item["entity"], item["id"], upd["version"] if upd else None))
            refs.append(_ref(item["entity"], item["id"]))
            rows.append(
                {
                    "item": item_label(ctx, item),
                    "now": status_label(ctx, upd["status"]) if upd else status_label(ctx, fu.NO_UPDATE),
                    "status": None,
                    "progress": None,
                    "narrative": "",
                    "evidence_url": "",
                }
            )
        st.session_state[key] = {
            "frame": pd.DataFrame(
                rows,
                columns=["item", "now", "status", "progress", "narrative", "evidence_url"],
                index=pd.Index(refs, dtype=str),
            ),
            "versions": versions,
        }
    snap = st.session_state[key]
    if snap["frame"].empty:
        st.info(t("follow_up.nothing_to_update"))
        return
    st.caption(t("follow_up.bulk_help", year=year))
    edited = st.data_editor(
        snap["frame"],
        key=key + "_ed",
        hide_index=True,
        disabled=["item", "now"],
        width="stretch",
        placeholder="",
        row_height=BULK_ROW_HEIGHT,
        column_config={
            "item": st.column_config.TextColumn(t("follow_up.col_item"), width=BULK_WIDTHS["item"]),
            "now": st.column_config.TextColumn(t("follow_up.col_now", year=year), width=BULK_WIDTHS["now"]),
            "status": st.column_config.SelectboxColumn(
                t("follow_up.col_new_status"),
                options=list(fu.STATUSES),
                format_func=lambda s: status_label(ctx, str(s)),
                width=BULK_WIDTHS["status"],
            ),
            "progress": st.column_config.NumberColumn(
                t("field.fu_progress"),
                min_value=0,
                max_value=100,
                step=1,
                help=t("follow_up.bulk_progress_help"),
                width=BULK_WIDTHS["progress"],
            ),
            "narrative": st.column_config.TextColumn(
                t("field.fu_narrative"), max_chars=fu.NARRATIVE_MAX, width=BULK_WIDTHS["narrative"]
            ),
            "evidence_url": st.column_config.TextColumn(
                t("field.fu_evidence_url"), max_chars=fu.URL_MAX, width=BULK_WIDTHS["evidence_url"]
            ),
        },
    )
    if st.button(t("follow_up.save_all"), key="fu_bulk_save", type="primary"):
        _save_bulk(ctx, key, snap, edited, year)
    failed = st.session_state.get("fu_bulk_error")
    if failed and failed[0] == key:
        st.error(failed[1])
    conflict = st.session_state.get("fu_bulk_conflict")
    if conflict and conflict[0] == key:
        current, mine = conflict[1], conflict[2]
        show_differences(
            ctx,
            current["updated_by"],
            [
                (t("field.fu_status"), status_label(ctx, current["status"]), status_label(ctx, mine["status"])),
                (t("field.fu_progress"), pct(ctx, current["progress"]), pct(ctx, mine["progress"])),
                (t("field.fu_narrative"), current.get("narrative"), mine["narrative"]),
                (t("field.fu_evidence_url"), current.get("evidence_url"), mine["evidence_url"]),
            ],
        )
        if st.button(t("follow_up.keep_mine"), key="fu_bulk_rebase", help=t("friction.diff.save_help")):
            snap["versions"] = [
                (e, i, current["version"]) if (e, i) == (current["entity"], current["item_id"]) else (e, i, v)
                for e, i, v in snap["versions"]
            ]
            st.session_state.pop("fu_bulk_conflict", None)
            st.session_state.pop("fu_bulk_error", None)
            _save_bulk(ctx, key, snap, edited, year)  # the table as it is now, on top of their update
            st.rerun()


def _save_bulk(ctx: Ctx, key: str, snap: dict, edited: pd.DataFrame, year: int) -> None:
    """Save the bulk table's rows with a new status, all or nothing. A failed row is kept
    on screen (and a stale one shown next to the saved update) until the next save."""
    t = ctx.t
    updates = []
    opened = {_ref(entity, item_id): (entity, item_id, version) for entity, item_id, version in snap["versions"]}
    for ref, row in edited.iterrows():
        if ref not in opened or not row["status"] or pd.isna(row["status"]):
            continue  # a row the table was not opened with is nobody's
        entity, item_id, version = opened.pop(ref)
        updates.append(
            {
                "entity": entity,
                "item_id": item_id,
                "year": year,
                "status": row["status"],
                "progress": None if pd.isna(row["progress"]) else row["progress"],
                "narrative": "" if pd.isna(row["narrative"]) else row["narrative"],
                "evidence_url": "" if pd.isna(row["evidence_url"]) else row["evidence_url"],
                "expected_version": version,
                "_label": snap["frame"].at[ref, "item"],
            }
        )
    if not updates:
        st.warning(t("follow_up.bulk_nothing"))
        return
    labels = [u.pop("_label") for u in updates]
    st.session_state.pop("fu_bulk_conflict", None)
    try:
        fu.record_many(ctx.db, ctx.writer(), updates)
    except fu.BulkError as err:
        # kept until the next save, so it stays visible while the user fixes the row
        st.session_state["fu_bulk_error"] = (
            key,
            t("follow_up.bulk_failed", item=md_escape(labels[err.index]), reason=error_md(err.error, ctx.lang)),
        )
        if isinstance(err.error, ConflictError) and err.error.current:
            st.session_state["fu_bulk_conflict"] = (key, err.error.current, updates[err.index])
    except LapeError as err:  # the session ended or the rights changed: nothing saved
        ctx.error(err)
    else:
        st.session_state.pop("fu_bulk_error", None)
        st.session_state["fu_bulk_nonce"] = st.session_state.get("fu_bulk_nonce", 0) + 1
        st.session_state.pop(key, None)
        for stale in [k for k in st.session_state if str(k).startswith(("fu_goal_", "fu_measure_"))]:
            del st.session_state[stale]  # one-item forms opened before this save
        st.session_state.pop("fu_bulk_conflict", None)
        flash(t("follow_up.bulk_saved", n=len(updates)))
        st.rerun()


def evidence_link(ctx: Ctx, url: str) -> None:
    """The evidence as a link to open (saved URLs are http(s) without spaces); anything else,
    from before that check, as plain text."""
    if re.fullmatch(r"https?://\S+", url):
        st.link_button(f"{ctx.t('follow_up.col_evidence')}: {url}", url, icon=":material/open_in_new:")
    else:
        st.text(f"{ctx.t('follow_up.col_evidence')}: {url}")


# ---------------------------------------------------------------- overviews of many items
def heatmap(ctx: Ctx, f: dict) -> None:
    t = ctx.t
    cells = fu.grid(ctx.db, ctx.need_plan()["id"], f["municipality_id"], f["focus_area_id"], f["org_id"])
    if not cells:
        st.info(t("follow_up.nothing_to_update"))
        return
    labels = {s: status_label(ctx, s) for s in follow_up_charts.ORDER}
    cells = [
        {
            **c,
            "label": f"{c['number']} {ctx.title(c['row'])}",
            "updated_by": i18n.actor_name(c.get("updated_by"), ctx.lang),
        }
        for c in cells
    ]
    chart = follow_up_charts.status_heatmap(
        cells,
        labels,
        item_title=t("follow_up.col_item"),
        year_title=t("field.fu_year"),
        status_title=t("field.fu_status"),
        progress_title=t("field.fu_progress"),
        by_title=t("follow_up.col_who"),
    )
    st.altair_chart(chart, width="stretch", alt=t("a11y.heatmap_alt", n=len({c["label"] for c in cells})))
    with st.expander(t("a11y.as_table")):  # the same figures as text
        st.dataframe(follow_up_charts.table(cells, labels, t("follow_up.col_item")), hide_index=True, width="stretch")


def missing_table(ctx: Ctx, f: dict) -> None:
    t = ctx.t
    groups = fu.missing(ctx.db, ctx.need_plan()["id"], f["year"], f["municipality_id"], f["focus_area_id"], f["org_id"])
    if not groups:
        st.success(t("follow_up.none_missing", year=f["year"]))
        return
    st.text(
        t(
            "follow_up.missing_count",
            n=len({(i["entity"], i["id"]) for g in groups for i in g["items"]}),
            orgs=len(groups),
            year=f["year"],
        )
    )
    rows = []
    for g in groups:
        name = plans.org_name(g["organisation"], ctx.lang) if g["organisation"] else t("follow_up.no_org")
        for item in g["items"]:
            rows.append(
                {
                    t("follow_up.organisation"): name,
                    t("follow_up.col_item"): item_label(ctx, item),
                    t("follow_up.col_type"): t(f"entity.{item['entity']}"),
                }
            )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height="content")


def _previous_update(ctx: Ctx, row: dict) -> str:
    """The status a year summary row is compared with, and its year: the item's latest earlier
    update, which need not be last year's."""
    label = status_label(ctx, row["previous_status"])
    return f"{label} ({row['previous_year']})" if row["previous_year"] else label


def summary_table(ctx: Ctx, f: dict) -> None:
    t = ctx.t
    year = f["year"]
    all_rows = fu.year_summary(
        ctx.db, ctx.need_plan()["id"], year, f["municipality_id"], f["focus_area_id"], f["org_id"]
    )
    only = st.checkbox(t("follow_up.only_changes"), value=True, key="fu_only_changes")
    rows = [r for r in all_rows if r["change"] not in ("unchanged", "no_update")] if only else all_rows
    counts: dict[str, int] = {}
    for r in all_rows:
        counts[r["change"]] = counts.get(r["change"], 0) + 1
    st.text(" · ".join(f"{t(f'follow_up.change.{k}')}: {ctx.num(counts.get(k, 0))}" for k in fu.CHANGE_KINDS))
    if not rows:
        st.info(t("follow_up.no_changes", year=year))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("follow_up.col_item"): f"{r['number']} {ctx.title(r['row'])}",
                    t("follow_up.col_change"): t(f"follow_up.change.{r['change']}"),
                    t("follow_up.col_previous_update"): _previous_update(ctx, r),
                    t("follow_up.col_status_in", year=year): status_label(ctx, r["status"]),
                    t(
                        "follow_up.col_progress_change"
                    ): f"{pct(ctx, r['previous_progress'])} → {pct(ctx, r['progress'])}",
                    t("field.fu_narrative"): r["narrative"],
                    t("follow_up.col_who"): i18n.actor_name(r["updated_by"], ctx.lang),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )
