"""The published plan: a static site anyone can read without an account.

The site is generated from the same read functions the pages use (plans.tree,
follow_up.current, indicators.links, workshop.proposals) through Jinja2 templates with
autoescaping, so user text is always escaped. Only what a resident may see is copied
into the template data: titles, descriptions, responsible organisations, the latest
status and narrative, indicator figures, approvals and the workshop trail; never who
wrote or saved anything, audit rows, evidence links or e-mails. Rows with a truthy
`draft` key (promoted proposals not yet accepted) are left out everywhere.

Extra sections (e.g. residents' ideas) plug in through `SECTIONS`."""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlite_utils import Database

from . import auth, follow_up, i18n, ideas, indicators, plans, workshop
from .db import audit, now, save_version, write
from .errors import NotFound, ValidationError
from .exports import csv_safe, safe_text
from .model import Actor, OrgKind, Scope

TEMPLATES = Path(__file__).parent / "templates"
ROOT = Path(__file__).resolve().parents[1]
PUBLISH_LANGS = ("fi", "sv")
# Streamlit serves ./static next to app.py at /app/static/ (server.enableStaticServing)
STATIC_URL = "/app/static/published"


# ---------------------------------------------------------------- templates
_env: Environment | None = None


def env() -> Environment:
    """The one template environment: autoescape on for every template, strict about
    missing variables so that a renamed field fails a test instead of printing nothing."""
    global _env
    if _env is None:
        _env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def render_fragment(template: str, **context) -> Markup:
    """An HTML fragment from a template in lape_plan/templates (escaped like the pages),
    for a section function to return."""
    return Markup(env().get_template(template).render(**context))


# ---------------------------------------------------------------- extra sections
@dataclass(frozen=True)
class Section:
    """A part of each language's front page after the plan itself. `render(db, plan, lang)`
    returns an HTML fragment (use `render_fragment`, which escapes) or None to show nothing.
    It receives the published goal ids in `plan["published_goal_ids"]` and must show
    nothing about other goals."""

    key: str
    render: Callable[[Database, dict, str], Markup | None]


SECTIONS: list[Section] = []


def register_section(key: str, render: Callable[[Database, dict, str], Markup | None]) -> None:
    """Add (or replace, by key) a section of the published front page."""
    SECTIONS[:] = [s for s in SECTIONS if s.key != key] + [Section(key, render)]


# ---------------------------------------------------------------- where the site goes
def publish_root() -> Path:
    """Where published plans are written: $LAPE_PLAN_PUBLISH_DIR, else ./static/published
    next to app.py, which the app itself serves at /app/static/published/."""
    return Path(os.environ.get("LAPE_PLAN_PUBLISH_DIR") or ROOT / "static" / "published")


def site_dir(plan_id: int, root: Path | None = None) -> Path:
    return (root or publish_root()) / f"plan-{int(plan_id)}"


def site_url(plan_id: int, lang: str = "fi") -> str:
    """The address of a published plan on the app's own server."""
    return f"{STATIC_URL}/plan-{int(plan_id)}/{lang}/index.html"


# ---------------------------------------------------------------- publication state
def state(db: Database, plan_id: int) -> dict | None:
    """The plan's publication row (staff only), or None when it was never published."""
    rows = list(db.query("select * from publications where plan_id = ?", [plan_id]))
    return rows[0] if rows else None


def is_published(db: Database, plan_id: int) -> bool:
    row = state(db, plan_id)
    return bool(row and row["published"])


def changed_since(db: Database, plan_id: int) -> bool:
    """Whether anything was written after the last publication: any audit row after its own (not
    only this plan's; two look-ups by key), so the screen can suggest publishing again."""
    row = state(db, plan_id)
    if not row or not row["published"]:
        return False
    last = db.execute(
        "select max(id) from audit where entity = 'publication' and entity_id = ? and action = 'publish'", [plan_id]
    ).fetchone()[0]
    later = db.execute(
        "select 1 from audit where id > ? and not (entity = 'publication' and entity_id = ?) limit 1",
        [last or 0, plan_id],
    ).fetchone()
    return bool(later)


def publish(db: Database, actor: Actor, plan_id: int, out_dir: Path | None = None, langs=PUBLISH_LANGS) -> Path:
    """Publish (or regenerate) the plan's static site; administrators and facilitators.

    The site is built into a temporary folder next to the target and swapped in whole, so
    readers never see half a site; the publication row and its audit row are written only
    when the build succeeded."""
    auth.require_plan_editor(actor)
    plan = plans.get_plan(db, plan_id)
    target = _site_target(out_dir) if out_dir else site_dir(plan_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".publishing-", dir=target.parent))
    # mkdtemp's 0700 would keep a web server of another user out (reading the umask would mean
    # setting it, process-wide, under the server's other threads)
    tmp.chmod(0o755)
    try:
        build_site(db, plan["id"], tmp, langs)
        (tmp / SITE_MARKER).write_text("A plan published by lape-plan: publishing replaces this folder whole.\n")
        stamp = now()
        with write(db):
            before = state(db, plan["id"])
            row = {
                "plan_id": plan["id"],
                "published": 1,
                "published_at": stamp,
                "published_by": actor.name,
                "published_by_user_id": actor.user_id,
                "unpublished_at": None,
                "unpublished_by": None,
                "first_published_at": (before or {}).get("first_published_at") or stamp,
            }
            after = {"published": 1, "langs": list(langs)}
            if before is None:
                db.table("publications").insert({**row, "version": 1}, pk="plan_id")
                audit(db, actor, "publication", plan["id"], "publish", after=after)
            else:
                save_version(
                    db,
                    actor,
                    "publications",
                    "publication",
                    before,
                    row,
                    action="publish",
                    key="plan_id",
                    audit_before={"published": before["published"]},
                    audit_after=after,
                )
            _swap(tmp, target)  # inside the write: a swap that fails leaves the state as it was
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def unpublish(db: Database, actor: Actor, plan_id: int, out_dir: Path | None = None) -> None:
    """Take the plan's site down (its folder is removed) and mark it unpublished."""
    auth.require_plan_editor(actor)
    plans.get_plan(db, plan_id)
    folder = _site_target(out_dir) if out_dir else site_dir(plan_id)
    with write(db):
        before = state(db, plan_id)
        if not before or not before["published"]:
            raise NotFound("error.not_found", entity="publication", id=plan_id)
        save_version(
            db,
            actor,
            "publications",
            "publication",
            before,
            {"published": 0, "unpublished_at": now(), "unpublished_by": actor.name},
            action="unpublish",
            key="plan_id",
            audit_before={"published": 1},
            audit_after={"published": 0},
        )
    shutil.rmtree(folder, ignore_errors=True)


SITE_MARKER = ".lape-site"


def _site_target(out_dir) -> Path:
    """A folder named on the command line, which publishing replaces and unpublishing removes
    whole: only a new or empty folder, or a site published before (`publish -o /var/www/html`
    must not take the web root with it)."""
    target = Path(out_dir).resolve()
    earlier = (target / SITE_MARKER).exists() or all((target / f).exists() for f in ("index.html", "style.css"))
    if target.exists() and not (target.is_dir() and (earlier or not any(target.iterdir()))):
        raise ValidationError("publishing.error.not_a_site", field="out_dir", path=str(target))
    return target


_swap_lock = threading.Lock()  # two sessions publishing at once swap one after the other


def _swap(new: Path, target: Path) -> None:
    with _swap_lock:
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex}")
            target.rename(old)
        new.rename(target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- what is published
def _shown(row: dict) -> bool:
    """Not a draft (a promoted proposal not yet accepted) and not deleted."""
    return not row.get("draft") and not row.get("deleted_at")


def _text(row: dict, lang: str, field: str = "title") -> dict:
    """A plan text in the reader's language, with the language it is really in (Finnish
    when no Swedish version exists), for the `lang` attribute."""
    if f"{field}_fi" not in row:  # a single-language column (descriptions): its language is not known
        return {"text": row.get(field) or "", "lang": lang}
    own = (row.get(f"{field}_{lang}") or "").strip() if lang != "fi" else ""
    if own:
        return {"text": own, "lang": lang}
    return {"text": plans.title_in(row, "fi", field), "lang": "fi"}


def _status(rows: list[dict], years: list[int] | None, lang: str) -> dict | None:
    """The latest of an item's yearly statuses, only those within `years` when given (an older
    database may hold a measure's status for a year it is not scheduled)."""
    row = max((r for r in rows if years is None or r["year"] in years), key=lambda r: r["year"], default=None)
    if not row:
        return None
    return {
        "code": row["status"],
        "label": i18n.label("follow_up.status", row["status"], lang),
        "year": row["year"],
        "progress": row["progress"],
        "narrative": row["narrative"] or "",
    }


def plan_data(db: Database, plan_id: int, lang: str) -> dict:
    """Everything the published pages show for one language, and nothing else."""
    plan = plans.get_plan(db, plan_id)
    orgs = {o["id"]: o for o in plans.organisations(db)}
    org = lambda i: plans.org_name(orgs[i], lang) if i in orgs else ""  # noqa: E731
    by_item: dict[tuple, list[dict]] = {}
    for (entity, item_id, _year), row in follow_up.current(db, plan_id).items():
        by_item.setdefault((entity, item_id), []).append(row)

    def status(entity: str, row: dict, years: list[int] | None = None) -> dict | None:
        return _status(by_item.get((entity, row["id"]), []), years, lang)

    areas = []
    goal_ids: list[int] = []
    for area in [a for a in plans.tree(db, plan_id) if _shown(a)]:
        goals = []
        for goal in [g for g in area["goals"] if _shown(g)]:
            goal_ids.append(goal["id"])
            measures = []
            for m in [m for m in goal["measures"] if _shown(m)]:
                measures.append(
                    {
                        "id": m["id"],
                        "number": m["number"],
                        "title": _text(m, lang),
                        "description": _text(m, lang, "description") if m.get("description") else None,
                        "responsible": org(m["responsible_org_id"])
                        if m["responsible_org_id"]
                        else ", ".join(org(i) for i in goal["responsible_ids"]),
                        "years": f"{m['start_year'] or plan['first_year']}–{m['end_year'] or plan['last_year']}",
                        "resources": m.get("resources_text") or "",
                        "status": status("measure", m, follow_up.item_years("measure", m, plan)),
                    }
                )
            goals.append(
                {
                    "id": goal["id"],
                    "number": goal["number"],
                    "title": _text(goal, lang),
                    "description": _text(goal, lang, "description") if goal.get("description") else None,
                    "responsible": [org(i) for i in goal["responsible_ids"]],
                    "municipalities": [org(i) for i in goal["municipality_ids"]]
                    if goal["scope"] == Scope.LOCAL
                    else [],
                    "scope": goal["scope"],
                    "municipality_ids": list(goal["municipality_ids"]),
                    "status": status("goal", goal),
                    "measures": measures,
                    "indicators": [],
                    "trail": [],
                }
            )
        areas.append(
            {
                "id": area["id"],
                "number": area["number"],
                "slug": f"area-{area['number']}",
                "title": _text(area, lang),
                "description": _text(area, lang, "description") if area.get("description") else None,
                "goals": goals,
            }
        )
    by_goal = {g["id"]: g for a in areas for g in a["goals"]}
    for link in indicators.links(db, plan_id, lang):
        if link["goal_id"] in by_goal and _shown(link):
            by_goal[link["goal_id"]]["indicators"].append(_indicator(link, lang))
    measure_ids = {m["id"] for g in by_goal.values() for m in g["measures"]}
    for entry in trail(db, plan_id, set(by_goal), lang, measure_ids):
        by_goal[entry["goal_id"]]["trail"].append(entry)
    approvals = [
        {
            "body": a["body"],
            "date": i18n.date(a["date"], lang),
            "iso_date": a["date"],
            "reference": a["reference"] or "",
            "organisation": org(a["org_id"]) if a["org_id"] else "",
        }
        for a in plans.approvals(db, plan_id)
        if _shown(a)
    ]
    municipalities = [
        # the code names a file of the site: one from before codes were checked falls back to the id
        {
            "id": o["id"],
            "code": o["code"] if plans.ORG_CODE.fullmatch(o["code"] or "") else str(o["id"]),
            "name": plans.org_name(o, lang),
        }
        for o in plans.organisations(db, plan_id, kind=OrgKind.MUNICIPALITY)
    ]
    counts = {s: 0 for s in follow_up.STATUSES}
    for a in areas:
        for g in a["goals"]:
            for item in [g, *g["measures"]]:
                if item["status"]:
                    counts[item["status"]["code"]] = counts.get(item["status"]["code"], 0) + 1
    return {
        "id": plan["id"],
        "title": _text(plan, lang),
        "first_year": plan["first_year"],
        "last_year": plan["last_year"],
        "is_example": bool(plan["is_example"]),
        "areas": areas,
        "approvals": approvals,
        "municipalities": municipalities,
        "published_goal_ids": goal_ids,
        "status_counts": [
            {"code": s, "label": i18n.label("follow_up.status", s, lang), "count": c} for s, c in counts.items()
        ],
        "goal_count": len(goal_ids),
        "measure_count": sum(len(g["measures"]) for g in by_goal.values()),
    }


def trail(db: Database, plan_id: int, goal_ids: set[int], lang: str, measure_ids: Collection[int] = ()) -> list[dict]:
    """Workshop proposals that became one of `goal_ids`, or one of `measure_ids` under one of
    them: the workshop, its date, the proposal's text and votes; never who proposed it, and
    nothing hidden or merged away."""
    out = []
    for w in workshop.for_plan(db, plan_id):
        for p in workshop.proposals(db, w["id"]):
            # A proposal promoted to a measure keeps its goal's id in goal_id: it is shown only
            # when that measure itself is published (not a draft, not discarded or deleted).
            became = p["goal_id"] in goal_ids and (p["measure_id"] is None or p["measure_id"] in measure_ids)
            if became and not p["hidden"] and not p["merged_into"] and _shown(p):
                out.append(
                    {
                        "goal_id": p["goal_id"],
                        "workshop": w["title"],
                        "date": i18n.date(w["created_at"], lang),
                        "text": p["text"],
                        "votes": p["votes"],
                        "merged": len(p["merged"]),
                    }
                )
    return out


def _indicator(link: dict, lang: str) -> dict:
    decimals = link["decimals"]
    values = sorted((int(y), float(v)) for y, v in (link["values"] or {}).items() if v is not None)
    fmt = lambda v: i18n.number(v, lang, decimals)  # noqa: E731
    return {
        "title": link["indicator_title"],
        "region": link["region_name"],
        "unit": link["unit"] or "",
        "rows": [{"year": y, "value": fmt(v)} for y, v in values],
        "baseline": {"year": link["baseline_year"], "value": fmt(link["baseline_value"])}
        if link["baseline_year"] and link["baseline_value"] is not None
        else None,
        "target": {"year": link["target_year"], "value": fmt(link["target_value"])}
        if link["target_year"] and link["target_value"] is not None
        else None,
        "progress": link["progress_label"] if link["progress"] else "",
        "example": bool(link["example_values"]),
        "chart": chart_svg(values, link, lang),
        "raw": values,  # for the CSV: numbers, not formatted text
        "raw_baseline": link["baseline_value"],
        "raw_target": link["target_value"],
    }


# ---------------------------------------------------------------- inline SVG chart
def chart_svg(values: list[tuple[int, float]], link: dict, lang: str) -> dict | None:
    """Geometry of a small line chart (values, baseline and target), drawn by the template as
    inline SVG: no scripts, prints and scales with the page."""
    target = (
        (link["target_year"], link["target_value"])
        if link.get("target_year") and link.get("target_value") is not None
        else None
    )
    points = list(values)
    if not points:
        return None
    years = [y for y, _ in points] + ([target[0]] if target else [])
    nums = [v for _, v in points] + ([target[1]] if target else [])
    y0, y1 = min(years), max(years)
    lo, hi = min(nums), max(nums)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    lo, hi = (0 if lo >= 0 and lo - pad < 0 else lo - pad), hi + pad
    w, h, left, right, top, bottom = 600, 240, 78, 18, 16, 40
    sx = lambda y: left + (w - left - right) * ((y - y0) / (y1 - y0) if y1 != y0 else 0.5)  # noqa: E731
    sy = lambda v: top + (h - top - bottom) * (1 - (v - lo) / (hi - lo))  # noqa: E731
    line = " ".join(f"{sx(y):.1f},{sy(v):.1f}" for y, v in points)
    ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    step = max(1, math.ceil((y1 - y0 + 1) / 8))
    decimals = link.get("decimals")
    return {
        "width": w,
        "height": h,
        "left": left,
        "right": w - right,
        "top": top,
        "bottom": h - bottom,
        "line": line,
        "dots": [{"x": round(sx(y), 1), "y": round(sy(v), 1)} for y, v in points],
        "target": {
            "x": round(sx(target[0]), 1),
            "y": round(sy(target[1]), 1),
            "from_x": round(sx(points[-1][0]), 1),
            "from_y": round(sy(points[-1][1]), 1),
        }
        if target
        else None,
        "yticks": [
            {"y": round(sy(v), 1), "label": i18n.number(v, lang, decimals if decimals is not None else 1)}
            for v in ticks
        ],
        "xticks": [{"x": round(sx(y), 1), "label": str(y)} for y in range(y0, y1 + 1, step)],
    }


# ---------------------------------------------------------------- CSV
CSV_COLUMNS = (
    "record",
    "number",
    "focus_area",
    "goal",
    "measure",
    "responsible",
    "year",
    "status",
    "progress",
    "narrative",
    "indicator",
    "region",
    "unit",
    "value",
    "value_kind",
)


def plan_csv(data: dict, lang: str) -> bytes:
    """The published plan's data in one long table (UTF-8 with BOM, `;`, decimal comma in fi and
    sv, formula-like text behind an apostrophe): goals, measures, their latest statuses, and each
    indicator's values, baseline and target with unit and year."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([csv_safe(i18n.t(f"publishing.csv.{c}", lang)) for c in CSV_COLUMNS])
    rec = lambda k: i18n.t(f"publishing.csv.record.{k}", lang)  # noqa: E731
    cell = lambda v: "" if v is None else csv_safe(safe_text(v))  # noqa: E731

    def num(v):
        if v is None:
            return ""
        text = f"{v:.6f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
        return text.replace(".", ",") if lang in ("fi", "sv") else text

    for area in data["areas"]:
        for g in area["goals"]:
            base = [area["title"]["text"], g["title"]["text"]]
            items = [("goal", g, ", ".join(g["responsible"]), "")] + [
                ("measure", m, m["responsible"], m["title"]["text"]) for m in g["measures"]
            ]
            for kind, item, responsible, measure in items:
                s = item["status"]
                w.writerow(
                    [
                        cell(rec(kind)),
                        item["number"],
                        *map(cell, base),
                        cell(measure),
                        cell(responsible),
                        s["year"] if s else "",
                        cell(s["label"]) if s else "",
                        num(s["progress"]) if s else "",
                        cell(s["narrative"]) if s else "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            for ind in g["indicators"]:
                rows = [(y, v, "value") for y, v in ind["raw"]]
                for key in ("baseline", "target"):
                    if ind[key]:
                        rows.append((ind[key]["year"], ind["raw_" + key], key))
                for year, value, kind in rows:
                    w.writerow(
                        [
                            cell(rec("indicator")),
                            g["number"],
                            *map(cell, base),
                            "",
                            "",
                            year,
                            "",
                            "",
                            "",
                            cell(ind["title"]),
                            cell(ind["region"]),
                            cell(ind["unit"]),
                            num(value),
                            cell(i18n.t(f"publishing.csv.kind.{kind}", lang)),
                        ]
                    )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- the site
def _municipality_summary(data: dict, municipality: dict) -> dict:
    """Goals and measures that apply in one municipality (shared plus its own, as plans.tree
    with a municipality), by status."""
    goals = [
        g
        for a in data["areas"]
        for g in a["goals"]
        if g["scope"] != Scope.LOCAL or municipality["id"] in g["municipality_ids"]
    ]
    counts: dict[str, int] = {}
    for g in goals:
        for item in [g, *g["measures"]]:
            code = item["status"]["code"] if item["status"] else follow_up.NO_UPDATE
            counts[code] = counts.get(code, 0) + 1
    return {
        "goals": len(goals),
        "own_goals": sum(1 for g in goals if g["scope"] == Scope.LOCAL),
        "measures": sum(len(g["measures"]) for g in goals),
        "counts": counts,
    }


def render_pages(
    data_by_lang: dict[str, dict], sections_by_lang: dict[str, list[Markup]], summaries_by_lang: dict[str, list[dict]]
) -> dict[str, str | bytes]:
    """Every file of the site as relative path -> content, from data already read."""
    e = env()
    langs = list(data_by_lang)
    files: dict[str, str | bytes] = {"style.css": (TEMPLATES / "published.css").read_text(encoding="utf-8")}
    files["index.html"] = e.get_template("published_root.html").render(
        langs=[
            {
                "code": lg,
                "title": data_by_lang[lg]["title"],
                "name": i18n.language_name(lg),
                "choose": i18n.t("publishing.choose_language", lg),
            }
            for lg in langs
        ]
    )
    for lang in langs:
        data = data_by_lang[lang]
        common = {
            "plan": data,
            "lang": lang,
            "t": lambda k, **v: i18n.t(k, lang, **v),
            "num": i18n.number,
            "other_langs": [{"code": lg, "name": i18n.language_name(lg)} for lg in langs if lg != lang],
        }
        files[f"{lang}/index.html"] = e.get_template("published_index.html").render(
            **common, sections=sections_by_lang[lang], page="index.html"
        )
        for area in data["areas"]:
            files[f"{lang}/{area['slug']}.html"] = e.get_template("published_area.html").render(
                **common, area=area, page=f"{area['slug']}.html"
            )
        for m in summaries_by_lang[lang]:
            files[f"{lang}/embed-{m['code']}.html"] = e.get_template("published_embed.html").render(
                **common, municipality=m, statuses=[*follow_up.STATUSES, follow_up.NO_UPDATE]
            )
        files[f"{lang}/plan.csv"] = plan_csv(data, lang)
    return files


def collect(db: Database, plan_id: int, langs=PUBLISH_LANGS):
    """Read everything the site shows, per language (the database part of publishing)."""
    data_by_lang, sections_by_lang, summaries_by_lang = {}, {}, {}
    for lang in langs:
        data = plan_data(db, plan_id, lang)
        data["published_on"] = i18n.date(now(), lang)
        data_by_lang[lang] = data
        sections_by_lang[lang] = [m for m in (s.render(db, data, lang) for s in SECTIONS) if m]
        summaries_by_lang[lang] = [{**m, **_municipality_summary(data, m)} for m in data["municipalities"]]
    return data_by_lang, sections_by_lang, summaries_by_lang


def build_site(db: Database, plan_id: int, out_dir: Path, langs=PUBLISH_LANGS) -> list[Path]:
    """Write the plan's static site into `out_dir` (created); returns the files written."""
    langs = [lg for lg in langs if lg in ("fi", "sv", "en")] or list(PUBLISH_LANGS)
    files = render_pages(*collect(db, plan_id, langs))
    written = []
    for rel, content in files.items():
        path = Path(out_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------- the workshop trail on the front page
def _trail_section(db: Database, plan: dict, lang: str) -> Markup | None:
    entries = []
    for area in plan["areas"]:
        items = [(g, e) for g in area["goals"] for e in g["trail"]]
        if items:
            entries.append({"area": area, "pairs": items})
    if not entries:
        return None
    return render_fragment("published_trail.html", entries=entries, lang=lang, t=lambda k, **v: i18n.t(k, lang, **v))


register_section("workshop_trail", _trail_section)


# ---------------------------------------------------------------- residents' ideas and what became of them
def _ideas_section(db: Database, plan: dict, lang: str) -> Markup | None:
    """Published ideas with their answers; a link only to a goal or measure that is itself published."""
    targets = {}
    for area in plan["areas"]:
        for g in area["goals"]:
            targets[("goal", g["id"])] = (f"{area['slug']}.html#goal-{g['id']}", "publishing.goal_link", g["number"])
            for m in g["measures"]:
                targets[("measure", m["id"])] = (
                    f"{area['slug']}.html#measure-{m['id']}",
                    "publishing.measure_link",
                    m["number"],
                )
    areas = ideas.published_outcomes(db, plan["id"], lang)
    if not areas:
        return None
    for area in areas:
        for idea in area["ideas"]:
            link = idea["link"]
            target = targets.get((link["kind"], link["id"])) if link else None
            idea["href"] = target[0] if target else None
            idea["link_text"] = f"{i18n.t(target[1], lang, number=target[2])}: {link['title']}" if target else ""
    return render_fragment("published_ideas.html", areas=areas, t=lambda k, **v: i18n.t(k, lang, **v))


register_section("resident_ideas", _ideas_section)
