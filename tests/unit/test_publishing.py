"""The published plan: content, escaping, nothing unpublished, CSV, the publish command."""

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lape_plan import auth, cli, drafts, follow_up, i18n, indicators, plans, publishing, workshop as ws
from lape_plan.errors import PermissionDenied
from lape_plan.model import SYSTEM, Actor, Role

HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    '=HYPERLINK("http://evil.example","klik")',
]
STAFF = "Salainen Virkailija"
PARTICIPANT = "Osallistuja Salanimi"
SECRETS = [
    STAFF,
    "virkailija.salainen",
    "salainen@example.org",
    PARTICIPANT,
    "LUONNOS-TAVOITE",
    "LUONNOS-TOIMENPIDE",
    "POISTETTU-TAVOITE",
    "PIILOTETTU-EHDOTUS",
    "TOINEN-SUUNNITELMA",
    "https://intra.example/salainen",
    "admin-password",
    "Fasilitaattori Nimi",
]


class Page(HTMLParser):
    """Tags, attributes, headings and text of one page."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.headings, self.text, self.html_lang = [], [], [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def hostile(demo_db, tmp_path):
    """The example plan filled with hostile text, a staff member's name on every write, a draft
    goal, a deleted goal, a hidden promoted proposal and a second, unpublished plan."""
    db = demo_db
    plan_id = plans.plans(db)[0]["id"]
    indicators.load_example(db, plan_id)
    uid = auth.create_user(
        db,
        SYSTEM,
        "virkailija.salainen",
        "admin-password-1",
        role=Role.ADMIN,
        display_name=STAFF,
        email="salainen@example.org",
    )
    staff = auth.actor_for(db, uid)
    assert staff.name == STAFF
    area = plans.tree(db, plan_id)[0]
    goal = area["goals"][0]
    plans.update(
        db,
        staff,
        "goal",
        goal["id"],
        goal["version"],
        title_fi=HOSTILE[0] + " tavoite",
        title_sv=HOSTILE[1] + " mål",
        description=HOSTILE[2],
    )
    measure = goal["measures"][0]
    plans.update(
        db, staff, "measure", measure["id"], measure["version"], title_fi=HOSTILE[3], resources_text=HOSTILE[1]
    )
    year = plans.get_plan(db, plan_id)["last_year"]
    follow_up.record(
        db,
        staff,
        "measure",
        measure["id"],
        year,
        "delayed",
        40,
        narrative="\n".join(HOSTILE),
        evidence_url="https://intra.example/salainen",
    )
    plans.add_approval(db, staff, plan_id, HOSTILE[0], "2024-05-01", HOSTILE[3])
    # a draft goal with its own measure, and a deleted goal
    draft_id = plans.add(db, staff, "goal", area["id"], title_fi="LUONNOS-TAVOITE", draft=True)
    plans.add(db, staff, "measure", draft_id, title_fi="LUONNOS-TOIMENPIDE")
    gone = plans.add(db, staff, "goal", area["id"], title_fi="POISTETTU-TAVOITE")
    plans.delete(db, staff, "goal", gone, plans.get(db, "goal", gone)["version"])
    # a workshop: one proposal promoted (the trail), one promoted and then hidden
    fac = Actor(name="Fasilitaattori Nimi", role=Role.FACILITATOR)
    wid = ws.create(db, fac, plan_id, HOSTILE[1] + " työpaja", focus_area_ids=[area["id"]])
    token = ws.join(db, ws.get(db, wid)["code"], name=PARTICIPANT)
    shown = ws.propose(db, token, area["id"], HOSTILE[0] + " ehdotus")
    hidden = ws.propose(db, token, area["id"], "PIILOTETTU-EHDOTUS")
    ws.set_phase(db, fac, wid, "voting")
    ws.vote(db, token, shown)
    trail_goal = ws.promote(db, fac, shown, title_fi="Työpajasta tullut tavoite")
    county = plans.organisations(db, plan_id, kind="county")[0]["id"]
    drafts.accept(
        db,
        fac,
        "goal",
        trail_goal,
        plans.get(db, "goal", trail_goal)["version"],
        title_sv="Mål från workshoppen",
        responsible_ids=[county],
    )  # a draft is published once accepted
    fi_only = plans.add(db, staff, "goal", area["id"], title_fi="Vain suomeksi kirjoitettu tavoite")
    hidden_goal = ws.promote(db, fac, hidden, title_fi="Piilotetusta tullut tavoite")
    drafts.accept(
        db,
        fac,
        "goal",
        hidden_goal,
        plans.get(db, "goal", hidden_goal)["version"],
        title_sv="Mål från ett dolt förslag",
        responsible_ids=[county],
    )
    ws.set_hidden(db, fac, hidden, True)
    plans.create_plan(db, SYSTEM, "TOINEN-SUUNNITELMA", 2025, 2028)
    out = publishing.publish(db, fac, plan_id, tmp_path / "site")
    return {
        "db": db,
        "plan_id": plan_id,
        "out": out,
        "trail_goal": trail_goal,
        "draft_id": draft_id,
        "fi_only": fi_only,
        "goal_id": goal["id"],
    }


def _files(out: Path):
    return {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file()}


def test_site_has_every_page_in_both_languages(hostile):
    files = _files(hostile["out"])
    areas = len(plans.tree(hostile["db"], hostile["plan_id"]))
    municipalities = len(plans.organisations(hostile["db"], hostile["plan_id"], kind="municipality"))
    for lang in ("fi", "sv"):
        assert f"{lang}/index.html" in files and f"{lang}/plan.csv" in files
        assert sum(1 for f in files if f.startswith(f"{lang}/area-")) == areas
        assert sum(1 for f in files if f.startswith(f"{lang}/embed-")) == municipalities > 1
        for name, path in files.items():
            if name.startswith(lang + "/") and name.endswith(".html"):
                assert Page(path.read_text()).html_lang == lang, name
    assert "index.html" in files and "style.css" in files


def test_nothing_unpublished_or_hostile_reaches_the_site(hostile):
    for name, path in _files(hostile["out"]).items():
        text = path.read_text(encoding="utf-8-sig")
        for secret in SECRETS:
            assert secret not in text, (name, secret)
        if name.endswith(".html"):
            page = Page(text)
            assert "script" not in page.tags and "img" not in page.tags and "iframe" not in page.tags, name
            assert not [a for a in page.attrs if a[1].startswith("on")], name
            assert not [a for a in page.attrs if (a[2] or "").lstrip().lower().startswith("javascript:")], name
            assert "<script>" not in text and "<img" not in text


def test_user_text_is_shown_as_text(hostile):
    out = hostile["out"]
    page = (out / "fi" / "area-1.html").read_text()
    parsed = " ".join(Page(page).text)
    for text in HOSTILE:
        assert text in parsed  # the reader sees exactly what was typed
    assert "&lt;script&gt;" in page and "{{7*7}}" in page and "&#34;&gt;&lt;img" in page
    sv = Page((out / "sv" / "area-1.html").read_text())
    assert HOSTILE[1] + " mål" in " ".join(sv.text)


def test_content_goals_measures_status_indicators_approvals(hostile):
    db, plan_id = hostile["db"], hostile["plan_id"]
    data = publishing.plan_data(db, plan_id, "sv")
    tree = plans.tree(db, plan_id)
    assert [a["title"]["text"] for a in data["areas"]] == [plans.title_in(a, "sv") for a in tree]
    goal_ids = [g["id"] for a in data["areas"] for g in a["goals"]]
    assert hostile["draft_id"] not in goal_ids and hostile["trail_goal"] in goal_ids
    first = data["areas"][0]["goals"][0]
    assert first["description"]["text"] == HOSTILE[2] and first["title"] == {"text": HOSTILE[1] + " mål", "lang": "sv"}
    fi_only = next(g for a in data["areas"] for g in a["goals"] if g["id"] == hostile["fi_only"])
    assert fi_only["title"] == {
        "text": "Vain suomeksi kirjoitettu tavoite",
        "lang": "fi",
    }  # no Swedish title: marked fi
    assert first["measures"][0]["status"]["label"] == i18n.t("follow_up.status.delayed", "sv")
    assert first["measures"][0]["status"]["narrative"] == "\n".join(HOSTILE)
    linked = [g for a in data["areas"] for g in a["goals"] if g["indicators"]]
    assert linked and all(ind["rows"] for g in linked for ind in g["indicators"])
    page = (hostile["out"] / "fi" / "area-1.html").read_text()
    assert "<svg" in page
    index = (hostile["out"] / "fi" / "index.html").read_text()
    assert "&lt;script&gt;alert" in index  # the hostile approval body, escaped
    assert i18n.t("publishing.trail_title", "fi") in index
    assert (
        "Työpajasta tullut tavoite" in index
        and "Piilotetusta tullut tavoite" in (hostile["out"] / "fi" / "area-1.html").read_text()
    )  # the goal is published; its hidden origin is not


def test_trail_shows_the_promoted_proposal_without_its_author(hostile):
    data = publishing.plan_data(hostile["db"], hostile["plan_id"], "fi")
    goal = next(g for a in data["areas"] for g in a["goals"] if g["id"] == hostile["trail_goal"])
    assert [(e["text"], e["votes"]) for e in goal["trail"]] == [(HOSTILE[0] + " ehdotus", 1)]
    assert set(goal["trail"][0]) == {"goal_id", "workshop", "date", "text", "votes", "merged"}


def test_pages_are_semantic(hostile):
    for name, path in _files(hostile["out"]).items():
        if not name.endswith(".html"):
            continue
        page = Page(path.read_text())
        assert "main" in page.tags, name
        if name == "index.html":  # the language chooser: one heading per language
            assert page.headings == [1, 1]
        else:
            assert page.headings[0] == 1 and page.headings.count(1) == 1, name
        for before, after in zip(page.headings, page.headings[1:]):
            assert after <= before + 1, (name, page.headings)  # no skipped heading level
        ths = [a for a in page.attrs if a[0] == "th"]
        assert page.tags.count("th") == len([a for a in ths if a[1] == "scope"]), name
        assert page.tags.count("table") == page.tags.count("caption"), name
        svgs = [a for a in page.attrs if a[0] == "svg" and a[1] == "role"]
        assert len(svgs) == page.tags.count("svg") and page.tags.count("title") >= page.tags.count("svg")


def test_chart_and_table_show_the_same_figures(hostile):
    data = publishing.plan_data(hostile["db"], hostile["plan_id"], "fi")
    ind = next(ind for a in data["areas"] for g in a["goals"] for ind in g["indicators"] if len(ind["rows"]) > 2)
    assert len(ind["chart"]["dots"]) == len(ind["rows"]) == len(ind["raw"])
    # a higher value is drawn higher (smaller y)
    (_, v1), (_, v2) = ind["raw"][0], ind["raw"][1]
    y1, y2 = ind["chart"]["dots"][0]["y"], ind["chart"]["dots"][1]["y"]
    assert (v1 > v2) == (y1 < y2) or v1 == v2


def test_csv_has_units_years_and_is_formula_safe(hostile):
    raw = (hostile["out"] / "fi" / "plan.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == [i18n.t(f"publishing.csv.{c}", "fi") for c in publishing.CSV_COLUMNS[:4]]
    for row in rows[1:]:
        assert len(row) == len(header)
        for cell in row:
            assert not cell.startswith(("=", "+", "@")) and not (
                cell.startswith("-") and len(cell) > 1 and not cell[1:2].isdigit()
            ), cell
    assert any(cell == "'" + HOSTILE[3] for row in rows for cell in row)
    values = [r for r in rows if r[0] == i18n.t("publishing.csv.record.indicator", "fi")]
    assert values and all(r[6].isdigit() and r[12] and r[13] for r in values)  # year, unit and value
    assert any("," in r[13] for r in values)  # decimal comma
    kinds = {r[14] for r in values}
    assert {i18n.t("publishing.csv.kind.value", "fi"), i18n.t("publishing.csv.kind.target", "fi")} <= kinds
    text = raw.decode("utf-8-sig")
    assert "LUONNOS" not in text and STAFF not in text


def test_publish_state_permissions_and_unpublish(hostile, tmp_path):
    db, plan_id = hostile["db"], hostile["plan_id"]
    row = publishing.state(db, plan_id)
    assert row["published"] == 1 and row["published_by"] == "Fasilitaattori Nimi"
    sql = "select count(*) from audit where entity = 'publication' and action = 'publish'"
    assert db.execute(sql).fetchone()[0] == 1
    assert not publishing.changed_since(db, plan_id)
    for role in (Role.MEMBER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            publishing.publish(db, Actor("X", role), plan_id, tmp_path / "x")
        with pytest.raises(PermissionDenied):
            publishing.unpublish(db, Actor("X", role), plan_id, hostile["out"])
    assert not (tmp_path / "x").exists()
    # republishing replaces the site whole: a removed goal disappears from it
    goal = plans.get(db, "goal", hostile["trail_goal"])
    plans.delete(db, SYSTEM, "goal", goal["id"], goal["version"])
    assert publishing.changed_since(db, plan_id)
    publishing.publish(db, SYSTEM, plan_id, hostile["out"])
    assert "Työpajasta tullut tavoite" not in (hostile["out"] / "fi" / "area-1.html").read_text()
    assert publishing.state(db, plan_id)["version"] == 2
    publishing.unpublish(db, SYSTEM, plan_id, hostile["out"])
    assert not hostile["out"].exists() and not publishing.is_published(db, plan_id)
    assert [p.name for p in hostile["out"].parent.iterdir() if p.name.startswith(".")] == []


def test_a_failed_build_keeps_the_old_site_and_state(hostile, monkeypatch):
    db, plan_id, out = hostile["db"], hostile["plan_id"], hostile["out"]
    before = (out / "fi" / "index.html").read_text()

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(publishing, "render_pages", broken)
    with pytest.raises(RuntimeError):
        publishing.publish(db, SYSTEM, plan_id, out)
    assert (out / "fi" / "index.html").read_text() == before
    assert publishing.state(db, plan_id)["version"] == 1


def test_two_sessions_publishing_at_once_both_succeed(demo_db, tmp_path):
    import threading

    from lape_plan import db as dbm

    path = demo_db.conn.execute("pragma database_list").fetchone()[2]
    plan_id = plans.plans(demo_db)[0]["id"]
    out, errors = tmp_path / "site", []

    def run():
        try:
            publishing.publish(dbm.connect(path), SYSTEM, plan_id, out)
        except Exception as err:  # noqa: BLE001 (collected for the assertion)
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert (out / "fi" / "index.html").exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert publishing.state(demo_db, plan_id)["version"] == 4


def test_registered_sections_appear_on_the_front_page(demo_db, tmp_path):
    plan_id = plans.plans(demo_db)[0]["id"]
    seen = []

    def ideas(db, plan, lang):
        seen.append(set(plan["published_goal_ids"]))
        return publishing.render_fragment("published_trail.html", entries=[], lang=lang, t=lambda k, **v: "<b>" + lang)

    publishing.register_section("ideas_test", ideas)
    try:
        publishing.publish(demo_db, SYSTEM, plan_id, tmp_path / "s")
    finally:
        publishing.SECTIONS[:] = [s for s in publishing.SECTIONS if s.key != "ideas_test"]
    assert "&lt;b&gt;sv" in (tmp_path / "s" / "sv" / "index.html").read_text()
    assert seen and seen[0] == {g["id"] for a in plans.tree(demo_db, plan_id) for g in a["goals"]}


def test_embed_counts_the_municipality_goals(demo_db, tmp_path):
    plan_id = plans.plans(demo_db)[0]["id"]
    publishing.publish(demo_db, SYSTEM, plan_id, tmp_path / "s")
    overview = plans.overview(demo_db, plan_id)
    m = overview["per_municipality"][0]
    code = m["organisation"]["code"]
    page = (tmp_path / "s" / "fi" / f"embed-{code}.html").read_text()
    assert i18n.t("publishing.embed_counts", "fi", goals=m["goals"], own=m["own_goals"], measures=m["measures"]) in page
    assert 'target="_top"' in page and "<main>" in page


def test_publish_command(demo_db, tmp_path, capsys):
    path = demo_db.conn.execute("pragma database_list").fetchone()[2]
    plan_id = plans.plans(demo_db)[0]["id"]
    out = tmp_path / "cli"
    assert cli.main(["publish", "--db", path, "--plan", str(plan_id), "-o", str(out), "--lang", "sv"]) == 0
    assert (out / "sv" / "index.html").exists() and not (out / "fi").exists()
    assert publishing.state(demo_db, plan_id)["published_by"] == "publish (command line)"
    assert cli.main(["publish", "--db", path, "--plan", str(plan_id), "-o", str(out), "--unpublish"]) == 0
    assert not out.exists() and not publishing.is_published(demo_db, plan_id)
    assert cli.main(["publish", "--db", path, "--plan", "999", "-o", str(out)]) == 2


def test_published_ideas_with_answers_link_only_to_published_items(demo_db, tmp_path):
    import datetime as dt

    from lape_plan import ideas

    plan_id = plans.plans(demo_db)[0]["id"]
    today = i18n.today()
    ideas.set_period(demo_db, SYSTEM, plan_id, today - dt.timedelta(days=1), today + dt.timedelta(days=9))
    area = plans.tree(demo_db, plan_id)[0]
    goal, measure = area["goals"][0], area["goals"][0]["measures"][0]

    def sent(idea_text, **answer):
        idea = ideas.submit(demo_db, plan_id, area["id"], idea_text, email="asukas@example.org")
        version = ideas.publish(demo_db, SYSTEM, idea, 1)
        if answer:
            ideas.answer(demo_db, SYSTEM, idea, version, **answer)
        return idea

    sent(HOSTILE[0] + " tavoitteeksi", status="adopted", text="Otettiin mukaan", goal_id=goal["id"])
    sent("Toimenpiteeksi", status="adopted", text="Vastaus B", measure_id=measure["id"])
    sent("Harkinnassa oleva idea")
    hidden = ideas.submit(demo_db, plan_id, area["id"], "PIILOTETTU-IDEA")
    ideas.hide(demo_db, SYSTEM, hidden, 1, "asiaton")
    ideas.submit(demo_db, plan_id, area["id"], "ODOTTAVA-IDEA")
    publishing.publish(demo_db, SYSTEM, plan_id, tmp_path / "s")
    text = (tmp_path / "s" / "fi" / "index.html").read_text()
    page = Page(text)
    assert "script" not in page.tags
    body = "".join(page.text)
    assert "Mitä ideoillemme tapahtui" in body and HOSTILE[0] + " tavoitteeksi" in body
    assert "Otettiin mukaan" in body and "Harkinnassa oleva idea" in body
    assert ("a", "href", f"area-1.html#goal-{goal['id']}") in page.attrs
    assert ("a", "href", f"area-1.html#measure-{measure['id']}") in page.attrs
    for leak in ("PIILOTETTU-IDEA", "ODOTTAVA-IDEA", "asiaton", "asukas@example.org"):
        assert leak not in text
    # a goal set back to draft is no longer published: the idea stays, its link goes
    fresh = plans.get(demo_db, "goal", goal["id"])
    drafts.mark(demo_db, SYSTEM, "goal", goal["id"], fresh["version"])
    publishing.publish(demo_db, SYSTEM, plan_id, tmp_path / "s")
    again = Page((tmp_path / "s" / "fi" / "index.html").read_text())
    assert HOSTILE[0] + " tavoitteeksi" in "".join(again.text)
    assert ("a", "href", f"area-1.html#goal-{goal['id']}") not in again.attrs


def test_trail_shows_a_proposal_promoted_to_a_measure_only_once_the_measure_is_published(demo_db, tmp_path):
    # Such a proposal keeps its goal's id in goal_id; the goal being published is not enough.
    plan_id = plans.plans(demo_db)[0]["id"]
    area = plans.tree(demo_db, plan_id)[0]
    goal = area["goals"][0]
    fac = Actor(name="Fasilitaattori Nimi", role=Role.FACILITATOR)
    wid = ws.create(demo_db, fac, plan_id, "Työpaja", focus_area_ids=[area["id"]])
    token = ws.join(demo_db, ws.get(demo_db, wid)["code"])
    texts = {k: f"{k}-TOIMENPIDE-EHDOTUS" for k in ("LUONNOS", "HYLÄTTY", "HYVÄKSYTTY")}
    measure = {
        k: ws.promote(demo_db, fac, ws.propose(demo_db, token, area["id"], v), goal_id=goal["id"])
        for k, v in texts.items()
    }
    row = lambda k: plans.get(demo_db, "measure", measure[k])  # noqa: E731
    drafts.discard(demo_db, fac, "measure", measure["HYLÄTTY"], row("HYLÄTTY")["version"])
    drafts.accept(demo_db, fac, "measure", measure["HYVÄKSYTTY"], row("HYVÄKSYTTY")["version"], title_sv="Åtgärd")
    data = publishing.plan_data(demo_db, plan_id, "fi")
    published = next(g for a in data["areas"] for g in a["goals"] if g["id"] == goal["id"])
    assert [e["text"] for e in published["trail"]] == [texts["HYVÄKSYTTY"]]
    assert publishing.trail(demo_db, plan_id, {goal["id"]}, "fi") == []  # no measures given: none shown
    out = publishing.publish(demo_db, fac, plan_id, tmp_path / "site")
    site = "".join(p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file())
    assert texts["HYVÄKSYTTY"] in site
    assert texts["LUONNOS"] not in site and texts["HYLÄTTY"] not in site
    # set back to draft, its proposal leaves the site again
    drafts.mark(demo_db, fac, "measure", measure["HYVÄKSYTTY"], row("HYVÄKSYTTY")["version"])
    data = publishing.plan_data(demo_db, plan_id, "fi")
    assert not next(g for a in data["areas"] for g in a["goals"] if g["id"] == goal["id"])["trail"]


def test_published_status_ignores_years_outside_the_measures_years(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    measure = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][0]
    follow_up.record(demo_db, SYSTEM, "measure", measure["id"], 2022, "on_track", 40)
    follow_up.record(demo_db, SYSTEM, "measure", measure["id"], 2024, "cancelled", narrative="Lopetettu")
    # an older database: the measure's years were narrowed after its 2024 status was saved
    row = plans.get(demo_db, "measure", measure["id"])
    plans.update(demo_db, SYSTEM, "measure", measure["id"], row["version"], end_year=2023)
    data = publishing.plan_data(demo_db, plan_id, "fi")
    shown = next(m for a in data["areas"] for g in a["goals"] for m in g["measures"] if m["id"] == measure["id"])
    assert (shown["status"]["year"], shown["status"]["code"]) == (2022, "on_track")
    assert data["status_counts"][follow_up.STATUSES.index("cancelled")]["count"] == 0


def test_an_organisation_code_never_names_a_file_outside_the_site(demo_db, tmp_path):
    """A code is refused unless letters, digits, - and _; one stored before that check (an old
    database) gives the embed file the organisation's id instead of a path."""
    from lape_plan.errors import ValidationError

    for code in ("x/../../pwn", "12 3", "a#b", "ä"):
        with pytest.raises(ValidationError) as err:
            plans.add_organisation(demo_db, SYSTEM, "municipality", "Kunta", code=code)
        assert (err.value.key, err.value.field) == ("error.org_code", "code")
    plan_id = plans.plans(demo_db)[0]["id"]
    kokkola = next(o for o in plans.organisations(demo_db, plan_id) if o["code"] == "272")
    demo_db.conn.execute("update organisations set code = 'x/../../../pwn' where id = ?", [kokkola["id"]])
    out = tmp_path / "site" / "plan"
    publishing.publish(demo_db, SYSTEM, plan_id, out_dir=out)
    assert not list(tmp_path.rglob("pwn*"))
    assert (out / "fi" / f"embed-{kokkola['id']}.html").exists()
    assert f'href="embed-{kokkola["id"]}.html"' in (out / "fi" / "index.html").read_text(encoding="utf-8")


def test_the_published_folder_is_readable_by_a_web_server_of_another_user(demo_db, tmp_path):
    publishing.publish(demo_db, SYSTEM, plans.plans(demo_db)[0]["id"], out_dir=tmp_path / "www")
    assert (tmp_path / "www").stat().st_mode & 0o777 == 0o755


def test_publishing_replaces_only_an_empty_folder_or_an_earlier_site(demo_db, tmp_path):
    """`publish -o /var/www/html` must not take the web root with it: a folder holding anything
    else, or a file, is refused whole, and the plan's state stays as it was."""
    from lape_plan.errors import ValidationError

    plan_id = plans.plans(demo_db)[0]["id"]
    precious = tmp_path / "precious"
    (precious / "sub").mkdir(parents=True)
    (precious / "budget2025.xlsx").write_text("tärkeä")
    notes = tmp_path / "plan.csv"
    notes.write_text("a;b")
    for target in (precious, notes):
        for act in (publishing.publish, publishing.unpublish):
            with pytest.raises(ValidationError) as err:
                act(demo_db, SYSTEM, plan_id, out_dir=target)
            assert err.value.key == "publishing.error.not_a_site"
    assert (precious / "budget2025.xlsx").read_text() == "tärkeä" and notes.read_text() == "a;b"
    assert not publishing.is_published(demo_db, plan_id)
    site = tmp_path / "site"
    site.mkdir()  # empty: fine
    publishing.publish(demo_db, SYSTEM, plan_id, out_dir=site)
    publishing.publish(demo_db, SYSTEM, plan_id, out_dir=site)  # its own site again: fine
    assert (site / "fi" / "index.html").exists() and (site / publishing.SITE_MARKER).exists()
    publishing.unpublish(demo_db, SYSTEM, plan_id, out_dir=site)
    assert not site.exists()
