"""The example plan: the real region and focus areas of "AIKAA LAPSELLE 2020–2024",
with goals and measures written as example content (the plan's own goals are not
public in machine-readable form). The plan is flagged is_example and the UI says so."""
from __future__ import annotations

from sqlite_utils import Database

from . import indicators, plans
from .db import write
from .model import SYSTEM, OrgKind, Scope

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
    (OrgKind.COUNTY, "HVA18", "Keski-Pohjanmaan hyvinvointialue (Soite)", "Välfärdsområdet i Mellersta Österbotten (Soite)"),
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
GOALS = [
    (0, "Jokaisella lapsella on vähintään yksi hyvä ystävä", "Varje barn har minst en god vän", ["HVA18", "272"], [], [
        ("Kaveritoiminta kaikkiin alakouluihin", "Kamratverksamhet i alla lågstadieskolor", "272", 2021, 2024, "Koulujen oma työ", None),
        ("Harrastamisen Suomen malli kaikissa kunnissa", "Hobbymodellen i alla kommuner", "236", 2021, 2024, "Valtionavustus", 40000),
    ]),
    (0, "Kiusaaminen vähenee kouluissa ja varhaiskasvatuksessa", "Mobbningen minskar i skolor och småbarnspedagogik", ["272", "217"], [], [
        ("Yhteinen kiusaamisen vastainen toimintamalli", "En gemensam modell mot mobbning", "217", 2020, 2022, "Opetustoimi", None),
        ("Oppilaskuntien kiusaamiskysely joka vuosi", "Elevkårernas enkät om mobbning varje år", "272", 2021, 2024, "", None),
    ]),
    (1, "Lapset ja nuoret pääsevät vaikuttamaan heitä koskeviin palveluihin", "Barn och unga får påverka tjänster som gäller dem", ["HVA18"], [], [
        ("Nuorisovaltuustot mukaan palvelujen suunnitteluun", "Ungdomsfullmäktige med i planeringen av tjänster", "HVA18", 2020, 2024, "", None),
        ("Lasten parlamentti vuosittain", "Barnens parlament varje år", "584", 2021, 2024, "Nuorisotoimi", 5000),
    ]),
    (1, "Kokkolan lähiöissä on matalan kynnyksen kohtaamispaikkoja nuorille", "Lågtröskelmötesplatser för unga i Karlebys förorter", ["272"], ["272"], [
        ("Liikkuva nuorisotyö kolmessa lähiössä", "Uppsökande ungdomsarbete i tre förorter", "272", 2021, 2023, "2 nuoriso-ohjaajaa", 120000),
    ]),
    (2, "Perheet saavat tukea varhain ja yhdestä paikasta", "Familjer får stöd tidigt och från ett ställe", ["HVA18"], [], [
        ("Perhekeskus toimii jokaisessa kunnassa", "Familjecentret verkar i varje kommun", "HVA18", 2020, 2023, "Soiten perhepalvelut", None),
        ("Vanhempainryhmät ensimmäistä lastaan odottaville", "Föräldragrupper för förstföderskor", "ORG_NGO", 2021, 2024, "Järjestöavustus", 15000),
    ]),
    (2, "Kruunupyyssä perhepalvelut ovat saatavilla ruotsiksi", "I Kronoby finns familjetjänster på svenska", ["288", "HVA17"], ["288"], [
        ("Ruotsinkielinen perhetyöntekijä", "En svenskspråkig familjearbetare", "HVA17", 2021, 2024, "1 henkilötyövuosi", 55000),
    ]),
    (3, "Nuorten mielenterveyspalvelut ovat matalan kynnyksen palveluja", "Ungas psykiska hälsotjänster har låg tröskel", ["HVA18"], [], [
        ("Chat-palvelu nuorille iltaisin", "Chattjänst för unga på kvällar", "HVA18", 2021, 2024, "", 30000),
        ("Mielenterveystaitojen opetus yläkouluissa", "Undervisning i psykiska färdigheter i högstadier", "849", 2022, 2024, "Opetustoimi", None),
    ]),
    (3, "Nuorten päihteiden käytön aloitusikä nousee", "Ungas debutålder för rusmedel stiger", ["HVA18", "ORG_PARISH"], [], [
        ("Päihdekasvatus 7.–9. luokille yhteisellä mallilla", "Rusmedelsfostran för åk 7–9 enligt en gemensam modell", "924", 2020, 2024, "", None),
        ("Rippikoulujen päihteettömyyskampanja", "Nyktra skriftskolor-kampanj", "ORG_PARISH", 2021, 2024, "Seurakuntien oma työ", None),
    ]),
]


def load(db: Database) -> int:
    """Create the example plan unless one exists; return its id."""
    existing = db.execute("select id from plans where is_example = 1 order by id limit 1").fetchone()
    if existing:
        return existing[0]
    with write(db):
        codes: dict[str, int] = {}
        for code, fi, sv in MUNICIPALITIES:
            codes[code] = _org(db, OrgKind.MUNICIPALITY, code, fi, sv)
        for kind, code, fi, sv in OTHER_ORGS:
            codes[code or f"ORG_{kind.name}"] = _org(db, kind, code, fi, sv)
        plan_id = plans.create_plan(
            db, SYSTEM,
            title_fi="AIKAA LAPSELLE – Keski-Pohjanmaan kuntien ja Kruunupyyn kunnan lasten ja nuorten "
                     "hyvinvointisuunnitelma 2020–2024",
            title_sv="TID FÖR BARNEN – välfärdsplan för barn och unga i Mellersta Österbottens kommuner "
                     "och Kronoby kommun 2020–2024",
            first_year=2020, last_year=2024, org_ids=list(codes.values()), is_example=True,
        )
        plans.add_approval(db, SYSTEM, plan_id, "Kokkolan kaupunginvaltuusto (esimerkki)", "2020-03-12",
                           "Kvalt 12.3.2020 § 15", org_id=codes["272"])
        plans.add_approval(db, SYSTEM, plan_id, "Kruunupyyn kunnanvaltuusto (esimerkki)", "2020-04-20",
                           "Kfge 20.4.2020 § 31", org_id=codes["288"])
        area_ids = [plans.add(db, SYSTEM, "focus_area", plan_id, title_fi=fi, title_sv=sv) for fi, sv in FOCUS_AREAS]
        for area, fi, sv, responsible, local, measures in GOALS:
            goal_id = plans.add(
                db, SYSTEM, "goal", area_ids[area], title_fi=fi, title_sv=sv,
                scope=Scope.LOCAL if local else Scope.SHARED,
                municipality_ids=[codes[c] for c in local], responsible_ids=[codes[c] for c in responsible],
            )
            for m_fi, m_sv, org, start, end, text, euros in measures:
                plans.add(db, SYSTEM, "measure", goal_id, title_fi=m_fi, title_sv=m_sv, responsible_org_id=codes[org],
                          start_year=start, end_year=end, resources_text=text, resources_eur=euros)
    indicators.load_example(db, plan_id)
    return plan_id


def _org(db, kind, code, fi, sv) -> int:
    if code:
        row = db.execute("select id from organisations where code = ?", [code]).fetchone()
        if row:
            return row[0]
    return plans.add_organisation(db, SYSTEM, kind, fi, sv, code=code)
