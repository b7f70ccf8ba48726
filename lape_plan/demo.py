"""The example plan: the real region and focus areas of "AIKAA LAPSELLE 2020–2024",
with goals and measures written as example content (the plan's own goals are not
public in machine-readable form). The plan is flagged is_example and the UI says so."""

from __future__ import annotations

from sqlite_utils import Database

from . import assessments, budget, chapters, follow_up, indicators, plans
from .db import write
from .model import SYSTEM, Actor, OrgKind, Role, Scope

MUNICIPALITIES = [
    ("074", "Halsua", "Halsua"),
    ("217", "Kannus", "Kannus"),
    ("236", "Kaustinen", "Kaustby"),
    ("272", "Kokkola", "Karleby"),
    ("421", "Lestijärvi", "Lestijärvi"),
    ("584", "Perho", "Perho"),
    ("849", "Toholampi", "Toholampi"),
    ("924", "Veteli", "Vetil"),
    ("288", "Kruunupyy", "Kronoby"),
]
OTHER_ORGS = [
    (
        OrgKind.COUNTY,
        "HVA18",
        "Keski-Pohjanmaan hyvinvointialue (Soite)",
        "Välfärdsområdet i Mellersta Österbotten (Soite)",
    ),
    (OrgKind.COUNTY, "HVA17", "Pohjanmaan hyvinvointialue", "Österbottens välfärdsområde"),
    (OrgKind.NGO, None, "Järjestöt (esimerkki)", "Organisationer (exempel)"),
    (OrgKind.PARISH, None, "Seurakunnat (esimerkki)", "Församlingarna (exempel)"),
]

FOCUS_AREAS = [
    ("Yksinäisyys ja kiusaaminen", "Ensamhet och mobbning"),
    ("Osallisuus kasvuympäristössä ja palveluissa", "Delaktighet i uppväxtmiljö och tjänster"),
    ("Lapsiperheiden ja vanhemmuuden tuki", "Stöd för barnfamiljer och föräldraskap"),
    ("Päihteet ja mielenterveys", "Rusmedel och psykisk hälsa"),
]

# (focus area index, goal fi, goal sv, responsible org codes, local municipality codes, measures)
# measure: (fi, sv, responsible code, start, end, resources text, euros)
GOALS: list[tuple[int, str, str, list[str], list[str], list[tuple[str, str, str, int, int, str, int | None]]]] = [
    (
        0,
        "Jokaisella lapsella on vähintään yksi hyvä ystävä",
        "Varje barn har minst en god vän",
        ["HVA18", "272"],
        [],
        [
            (
                "Kaveritoiminta kaikkiin alakouluihin",
                "Kamratverksamhet i alla lågstadieskolor",
                "272",
                2021,
                2024,
                "Koulujen oma työ",
                None,
            ),
            (
                "Harrastamisen Suomen malli kaikissa kunnissa",
                "Hobbymodellen i alla kommuner",
                "236",
                2021,
                2024,
                "Valtionavustus",
                40000,
            ),
        ],
    ),
    (
        0,
        "Kiusaaminen vähenee kouluissa ja varhaiskasvatuksessa",
        "Mobbningen minskar i skolor och småbarnspedagogik",
        ["272", "217"],
        [],
        [
            (
                "Yhteinen kiusaamisen vastainen toimintamalli",
                "En gemensam modell mot mobbning",
                "217",
                2020,
                2022,
                "Opetustoimi",
                None,
            ),
            (
                "Oppilaskuntien kiusaamiskysely joka vuosi",
                "Elevkårernas enkät om mobbning varje år",
                "272",
                2021,
                2024,
                "",
                None,
            ),
        ],
    ),
    (
        1,
        "Lapset ja nuoret pääsevät vaikuttamaan heitä koskeviin palveluihin",
        "Barn och unga får påverka tjänster som gäller dem",
        ["HVA18"],
        [],
        [
            (
                "Nuorisovaltuustot mukaan palvelujen suunnitteluun",
                "Ungdomsfullmäktige med i planeringen av tjänster",
                "HVA18",
                2020,
                2024,
                "",
                None,
            ),
            ("Lasten parlamentti vuosittain", "Barnens parlament varje år", "584", 2021, 2024, "Nuorisotoimi", 5000),
        ],
    ),
    (
        1,
        "Kokkolan lähiöissä on matalan kynnyksen kohtaamispaikkoja nuorille",
        "Lågtröskelmötesplatser för unga i Karlebys förorter",
        ["272"],
        ["272"],
        [
            (
                "Liikkuva nuorisotyö kolmessa lähiössä",
                "Uppsökande ungdomsarbete i tre förorter",
                "272",
                2021,
                2023,
                "2 nuoriso-ohjaajaa",
                120000,
            ),
        ],
    ),
    (
        2,
        "Perheet saavat tukea varhain ja yhdestä paikasta",
        "Familjer får stöd tidigt och från ett ställe",
        ["HVA18"],
        [],
        [
            (
                "Perhekeskus toimii jokaisessa kunnassa",
                "Familjecentret verkar i varje kommun",
                "HVA18",
                2020,
                2023,
                "Soiten perhepalvelut",
                None,
            ),
            (
                "Vanhempainryhmät ensimmäistä lastaan odottaville",
                "Föräldragrupper för förstföderskor",
                "ORG_NGO",
                2021,
                2024,
                "Järjestöavustus",
                15000,
            ),
        ],
    ),
    (
        2,
        "Kruunupyyssä perhepalvelut ovat saatavilla ruotsiksi",
        "I Kronoby finns familjetjänster på svenska",
        ["288", "HVA17"],
        ["288"],
        [
            (
                "Ruotsinkielinen perhetyöntekijä",
                "En svenskspråkig familjearbetare",
                "HVA17",
                2021,
                2024,
                "1 henkilötyövuosi",
                55000,
            ),
        ],
    ),
    (
        3,
        "Nuorten mielenterveyspalvelut ovat matalan kynnyksen palveluja",
        "Ungas psykiska hälsotjänster har låg tröskel",
        ["HVA18"],
        [],
        [
            ("Chat-palvelu nuorille iltaisin", "Chattjänst för unga på kvällar", "HVA18", 2021, 2024, "", 30000),
            (
                "Mielenterveystaitojen opetus yläkouluissa",
                "Undervisning i psykiska färdigheter i högstadier",
                "849",
                2022,
                2024,
                "Opetustoimi",
                None,
            ),
        ],
    ),
    (
        3,
        "Nuorten päihteiden käytön aloitusikä nousee",
        "Ungas debutålder för rusmedel stiger",
        ["HVA18", "ORG_PARISH"],
        [],
        [
            (
                "Päihdekasvatus 7.–9. luokille yhteisellä mallilla",
                "Rusmedelsfostran för åk 7–9 enligt en gemensam modell",
                "924",
                2020,
                2024,
                "",
                None,
            ),
            (
                "Rippikoulujen päihteettömyyskampanja",
                "Nyktra skriftskolor-kampanj",
                "ORG_PARISH",
                2021,
                2024,
                "Seurakuntien oma työ",
                None,
            ),
        ],
    ),
]


# The example follow-up: a status per year of each measure's own years, as letters:
# n not started, o on track, d delayed, D done, c cancelled; "." no update (left so that
# the list of missing updates has something to show). Narratives by year; years without
# one get the status's usual words.
FOLLOW_UP = {
    "Kaveritoiminta kaikkiin alakouluihin": ("oooD", {2024: "Kaveritoiminta on käytössä kaikissa 14 alakoulussa."}),
    "Harrastamisen Suomen malli kaikissa kunnissa": (
        "nood",
        {
            2022: "Malli käynnistyi viidessä kunnassa.",
            2024: "Malli on käytössä seitsemässä kunnassa; Lestijärvelle ja Halsualle ei löytynyt ohjaajia.",
        },
    ),
    "Yhteinen kiusaamisen vastainen toimintamalli": (
        "ooD",
        {2022: "Malli hyväksyttiin ja otettiin käyttöön kaikissa kouluissa syksyllä 2022."},
    ),
    "Oppilaskuntien kiusaamiskysely joka vuosi": (
        "oooo",
        {2024: "Kysely tehtiin neljännen kerran, vastausprosentti 78."},
    ),
    "Nuorisovaltuustot mukaan palvelujen suunnitteluun": (
        "noooD",
        {2024: "Nuorisovaltuustojen edustajat ovat pysyvästi mukana Soiten palvelujen suunnittelussa."},
    ),
    "Lasten parlamentti vuosittain": ("ooo.", {2023: "Parlamentti kokoontui Perhossa, 46 edustajaa."}),
    "Liikkuva nuorisotyö kolmessa lähiössä": (
        "odD",
        {
            2022: "Toisen nuoriso-ohjaajan rekrytointi viivästyi puoli vuotta.",
            2023: "Toiminta on vakiintunut kaikkiin kolmeen lähiöön.",
        },
    ),
    "Perhekeskus toimii jokaisessa kunnassa": ("oooD", {2023: "Perhekeskus toimii kaikissa yhdeksässä kunnassa."}),
    "Vanhempainryhmät ensimmäistä lastaan odottaville": (
        "odoo",
        {
            2022: "Ryhmät siirtyivät verkkoon, ja osallistujia oli puolet suunnitellusta.",
            2024: "Kahdeksan ryhmää, 64 perhettä.",
        },
    ),
    "Ruotsinkielinen perhetyöntekijä": ("nooD", {2024: "Familjearbetaren har arbetat i Kronoby sedan 2022."}),
    "Chat-palvelu nuorille iltaisin": ("oooD", {2024: "Chat on auki arki-iltaisin, noin 120 keskustelua kuukaudessa."}),
    "Mielenterveystaitojen opetus yläkouluissa": (
        "noo",
        {2024: "Opetus on mukana viiden yläkoulun opetussuunnitelmassa."},
    ),
    "Päihdekasvatus 7.–9. luokille yhteisellä mallilla": ("ooooo", {}),
    "Rippikoulujen päihteettömyyskampanja": (
        "oocc",
        {
            2023: "Kampanja yhdistettiin seurakuntien yhteiseen päihdekasvatukseen.",
            2024: "Jatkuu osana seurakuntien päihdekasvatusta.",
        },
    ),
}
# Example chapters (Child Welfare Act 12 §), Finnish and Swedish, flagged as examples: short texts
# that show the kind of content each chapter holds, not the real plan's text. Keyed by (kind,
# municipality code or None); the cooperation chapter is left without Swedish on purpose, so the
# Swedish document shows how a text that exists only in Finnish is marked.
CHAPTERS = {
    ("wellbeing", None): (
        "Tämä luku on **esimerkki**. Alueen lapset ja nuoret voivat pääosin hyvin, mutta kouluterveyskyselyn "
        "mukaan yksinäisyys ja kiusaaminen ovat yleistyneet.\n\n## Keskeiset havainnot\n\n"
        "- yksinäisyyttä kokevien nuorten osuus on kasvanut\n- harrastuksiin osallistuminen on vähentynyt\n"
        "- perheiden tuen tarve on kasvanut\n\nLuvun lopussa on suunnitelman indikaattorit.",
        "Detta kapitel är ett **exempel**. Barnen och de unga i området mår i huvudsak bra, men enligt enkäten "
        "Hälsa i skolan har ensamhet och mobbning blivit vanligare.\n\n## Viktiga iakttagelser\n\n"
        "- andelen unga som känner sig ensamma har ökat\n- deltagandet i hobbyer har minskat\n"
        "- familjernas behov av stöd har ökat\n\nI slutet av kapitlet finns planens indikatorer.",
    ),
    ("wellbeing", "272"): (
        "Kokkolan lähiöissä nuorten kohtaamispaikkoja on vähemmän kuin keskustassa (esimerkki).",
        "I Karlebys förorter finns färre mötesplatser för unga än i centrum (exempel).",
    ),
    ("goals", None): (
        "Tavoitteet ja toimenpiteet on koottu neljän painopisteen alle. Jokaisella toimenpiteellä on vastuutaho, "
        "aikataulu ja resurssit (esimerkki).",
        "Målen och åtgärderna är ordnade under fyra fokusområden. Varje åtgärd har en ansvarig, en tidtabell och "
        "resurser (exempel).",
    ),
    ("services", None): (
        "Perhekeskus kokoaa lasten ja perheiden palvelut: hyvinvointialue vastaa neuvoloista ja perhetyöstä, "
        "kunnat varhaiskasvatuksesta, opetuksesta ja nuorisotyöstä, järjestöt ja seurakunnat vertaistuesta "
        "(esimerkki).",
        "Familjecentret samlar tjänsterna för barn och familjer: välfärdsområdet ansvarar för rådgivningen och "
        "familjearbetet, kommunerna för småbarnspedagogiken, undervisningen och ungdomsarbetet, organisationerna "
        "och församlingarna för kamratstödet (exempel).",
    ),
    ("cooperation", None): (
        "LAPE-yhteistyöryhmä kokoontuu neljästi vuodessa ja seuraa suunnitelman toteutumista (esimerkki).",
        "",
    ),
    ("hearing", None): (
        "Lapsia, nuoria ja perheitä kuultiin työpajoissa, nuorisovaltuustoissa ja kyselyllä (esimerkki).",
        "Barn, unga och familjer hördes i verkstäder, ungdomsfullmäktige och genom en enkät (exempel).",
    ),
    ("follow_up", None): (
        "Toimenpiteiden tila päivitetään kerran vuodessa, ja valtuustot saavat vuosiraportin (esimerkki).",
        "Åtgärdernas status uppdateras en gång om året, och fullmäktige får en årsrapport (exempel).",
    ),
}
_STATUS = {"n": "not_started", "o": "on_track", "d": "delayed", "D": "done", "c": "cancelled"}
_USUAL = {
    "not_started": "",
    "on_track": "Etenee suunnitellusti.",
    "done": "Valmis.",
    "delayed": "Osa työstä on myöhässä.",
    "cancelled": "Lopetettu.",
}


def load(db: Database, follow_up_example: bool = False) -> int:
    """Create the example plan unless one exists; return its id. `follow_up_example`
    also gives the new plan's goals and measures their yearly statuses."""
    with write(db):  # looked for inside the write lock: processes starting together load it once
        existing = db.execute("select id from plans where is_example = 1 order by id limit 1").fetchone()
        if existing:
            return existing[0]
        codes: dict[str, int] = {}
        for code, fi, sv in MUNICIPALITIES:
            codes[code] = _org(db, OrgKind.MUNICIPALITY, code, fi, sv)
        for kind, org_code, fi, sv in OTHER_ORGS:
            codes[org_code or f"ORG_{kind.name}"] = _org(db, kind, org_code, fi, sv)
        plan_id = plans.create_plan(
            db,
            SYSTEM,
            title_fi="AIKAA LAPSELLE – Keski-Pohjanmaan kuntien ja Kruunupyyn kunnan lasten ja nuorten "
            "hyvinvointisuunnitelma 2020–2024",
            title_sv="TID FÖR BARNEN – välfärdsplan för barn och unga i Mellersta Österbottens kommuner "
            "och Kronoby kommun 2020–2024",
            first_year=2020,
            last_year=2024,
            org_ids=list(codes.values()),
            is_example=True,
        )
        plans.add_approval(
            db,
            SYSTEM,
            plan_id,
            "Kokkolan kaupunginvaltuusto (esimerkki)",
            "2020-03-12",
            "Kvalt 12.3.2020 § 15",
            org_id=codes["272"],
        )
        plans.add_approval(
            db,
            SYSTEM,
            plan_id,
            "Kruunupyyn kunnanvaltuusto (esimerkki)",
            "2020-04-20",
            "Kfge 20.4.2020 § 31",
            org_id=codes["288"],
        )
        area_ids = [plans.add(db, SYSTEM, "focus_area", plan_id, title_fi=fi, title_sv=sv) for fi, sv in FOCUS_AREAS]
        for area, fi, sv, responsible, local, measures in GOALS:
            goal_id = plans.add(
                db,
                SYSTEM,
                "goal",
                area_ids[area],
                title_fi=fi,
                title_sv=sv,
                scope=Scope.LOCAL if local else Scope.SHARED,
                municipality_ids=[codes[c] for c in local],
                responsible_ids=[codes[c] for c in responsible],
            )
            for m_fi, m_sv, org, start, end, text, euros in measures:
                plans.add(
                    db,
                    SYSTEM,
                    "measure",
                    goal_id,
                    title_fi=m_fi,
                    title_sv=m_sv,
                    responsible_org_id=codes[org],
                    start_year=start,
                    end_year=end,
                    resources_text=text,
                    resources_eur=euros,
                )
        for (chapter_kind, municipality), (text_fi, text_sv) in CHAPTERS.items():
            chapters.save(
                db,
                SYSTEM,
                plan_id,
                chapter_kind,
                codes[municipality] if municipality else None,
                0,
                text_fi,
                text_sv,
                is_example=True,
            )
    indicators.load_example(db, plan_id)
    assessments.load_example(db, plan_id)
    if follow_up_example:
        load_follow_up(db, plan_id)
        budget.load_example(db, plan_id)
    return plan_id


def load_follow_up(db: Database, plan_id: int) -> None:
    """The example statuses (FOLLOW_UP) through the app's own write function, each
    dated at the start of the next year as a yearly report would be. A goal's status
    follows its measures (a finished measure counts with its last status): done when
    all are done, delayed when one is, not started when none has started."""
    plan = plans.get_plan(db, plan_id)
    with write(db):
        for area in plans.tree(db, plan_id):
            for goal in area["goals"]:
                measures: list[dict[int, tuple[str, int]]] = []
                for m in goal["measures"]:
                    codes, narratives = FOLLOW_UP[m["title_fi"]]
                    start = m["start_year"] or plan["first_year"]
                    actor = Actor(
                        name=plans.org_name(plans.get_organisation(db, m["responsible_org_id"]), "fi") + " (esimerkki)",
                        role=Role.ADMIN,
                    )
                    reported, progress = {}, 0
                    for i, code in enumerate(codes):
                        if code == ".":
                            continue
                        status, year = _STATUS[code], start + i
                        # on track: an even climb over the measure's years, in steps of 5
                        climb = round(20 * (i + 1) / (len(codes) + 1)) * 5
                        progress = {
                            "not_started": 0,
                            "done": 100,
                            "cancelled": progress,
                            "delayed": max(progress, 20),
                        }.get(status, climb)
                        _record(
                            db, actor, "measure", m["id"], year, status, progress, narratives.get(year, _USUAL[status])
                        )
                        reported[year] = (status, progress)
                    measures.append(reported)
                actor = Actor(name="Yhteistyöryhmä (esimerkki)", role=Role.ADMIN)
                for year in range(plan["first_year"], plan["last_year"] + 1):
                    shown = [r.get(year) or r[max(r)] for r in measures if r and (year in r or year > max(r))]
                    shown = [(st, pr) for st, pr in shown if st != "cancelled"]
                    statuses = {st for st, _ in shown}
                    status = (
                        "not_started"
                        if statuses <= {"not_started"}
                        else "done"
                        if statuses == {"done"}
                        else "delayed"
                        if "delayed" in statuses
                        else "on_track"
                    )
                    progress = round(sum(pr for _, pr in shown) / len(shown)) if shown else 0
                    _record(
                        db,
                        actor,
                        "goal",
                        goal["id"],
                        year,
                        status,
                        progress,
                        "Osa toimenpiteistä on myöhässä." if status == "delayed" else _USUAL[status],
                    )


def _record(
    db: Database, actor: Actor, entity: str, item_id: int, year: int, status: str, progress: int, narrative: str
) -> None:
    follow_up.record(db, actor, entity, item_id, year, status, progress, narrative)
    db.execute(
        "update status_updates set updated_at = ? where entity = ? and item_id = ? and year = ?",
        [f"{year + 1}-01-15T09:00:00+00:00", entity, item_id, year],
    )


def _org(db, kind, code, fi, sv) -> int:
    if code:
        row = db.execute("select id from organisations where code = ?", [code]).fetchone()
        if row:
            return row[0]
    return plans.add_organisation(db, SYSTEM, kind, fi, sv, code=code)
