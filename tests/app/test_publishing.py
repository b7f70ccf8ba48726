"""The publish section on Plan settings: publish, the state and links, unpublish."""

from lape_plan import plans, publishing
from lape_plan.model import SYSTEM

PAGE = "pages/plan_settings.py"


def test_publish_and_unpublish_from_plan_settings(app, conn, tmp_path, monkeypatch):
    monkeypatch.setenv("LAPE_PLAN_PUBLISH_DIR", str(tmp_path / "published"))
    plan_id = plans.plans(conn)[0]["id"]
    at = app(PAGE)
    assert any(m.value == "Suunnitelmaa ei ole julkaistu." for m in at.markdown)
    at.button(key="pub_publish").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Suunnitelma julkaistiin."]
    assert publishing.is_published(conn, plan_id)
    assert (tmp_path / "published" / f"plan-{plan_id}" / "sv" / "index.html").exists()
    assert publishing.state(conn, plan_id)["published_by"] == "Testi Ylläpitäjä"  # read at the write
    links = at.get("link_button")
    assert [b.proto.url for b in links] == [publishing.site_url(plan_id, "fi"), publishing.site_url(plan_id, "sv")]
    # a later change suggests publishing again
    plans.add_approval(conn, SYSTEM, plan_id, "Kokkolan kaupunginvaltuusto", "2021-01-01", "§ 1")
    at.run()
    assert any("muutettu julkaisun jälkeen" in w.value for w in at.warning)
    at.checkbox(key="pub_sure").check().run()
    at.button(key="pub_unpublish").click().run()
    assert [s.value for s in at.success] == ["Julkaisu poistettiin."]
    assert not publishing.is_published(conn, plan_id)
    assert not (tmp_path / "published" / f"plan-{plan_id}").exists()
