"""Chart builders: the right marks, the target path, large fonts and the reader's number format."""

import pandas as pd

from lape_plan.charts import indicators as charts


def _layers(spec):
    return spec.get("layer") or spec["spec"]["layer"]


def test_trend_marks_baseline_target_and_needed_path():
    values = pd.DataFrame(
        {"region": ["A", "A", "B"], "kind": ["municipality"] * 3, "year": [2019, 2021, 2021], "value": [10.0, 9.0, 8.5]}
    )
    link = {"baseline_year": 2019, "baseline_value": 10.0, "target_year": 2024, "target_value": 7.5, "region_name": "A"}
    spec = charts.trend(values, "fi", "Otsikko", "%", link, 1, note="Esimerkkiarvoja").to_dict()
    layers = _layers(spec)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers]
    assert marks.count("line") == 2 and "text" in marks  # series + needed path, labels
    path = next(layer for layer in layers if isinstance(layer["mark"], dict) and layer["mark"].get("strokeDash"))
    assert path["transform"] == [{"filter": "datum.layer == 'path'"}]
    rows = spec["datasets"][spec["data"]["name"]]
    assert [(r["year"], r["value"]) for r in rows if r["layer"] == "path"] == [(2019, 10.0), (2024, 7.5)]
    assert [r["label"] for r in rows if r["layer"] == "mark"] == ["Lähtötaso", "Tavoite"]
    assert spec["title"]["subtitle"] == ["A", "Esimerkkiarvoja"]
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["axis"]["labelFontSize"] >= 16 and spec["config"]["title"]["fontSize"] >= 20


def test_trend_without_link_or_with_english_numbers():
    values = pd.DataFrame({"region": ["A"], "kind": ["plan"], "year": [2019], "value": [10.0]})
    spec = charts.trend(values, "en", "Title").to_dict()
    assert len(_layers(spec)) == 2
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_trend_lines_keep_their_kinds_colour_in_every_chart():
    values = pd.DataFrame(
        {
            "region": ["Kokkola", "Soite", "Pohjanmaa", "Alue", "Koko maa", "Kannus"],
            "kind": ["municipality", "county", "county", "plan", "country", "municipality"],
            "year": [2020] * 6,
            "value": [1.0] * 6,
        }
    )
    spec = charts.trend(values, "fi", "T").to_dict()
    scale = _layers(spec)[0]["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"]))
    # the same colours as the comparison bars' kinds
    assert colours["Alue"] == charts.KIND_COLOURS["plan"] and colours["Koko maa"] == charts.KIND_COLOURS["country"]
    assert colours["Soite"] == charts.KIND_COLOURS["county"]
    assert len(set(colours.values())) == 6  # every line its own colour
    # a region keeps its colour when another is added or taken away
    fewer = charts.region_colours([("Alue", "plan"), ("Koko maa", "country"), ("Soite", "county")])
    assert dict(zip(*fewer)) == {k: colours[k] for k in ("Alue", "Koko maa", "Soite")}


def test_comparison_colours_kinds_and_sorts_by_value():
    rows = pd.DataFrame(
        {
            "region": ["Koko maa", "Kokkola", "Soite"],
            "kind": ["country", "municipality", "county"],
            "value": [1.2, 2.0, 1.5],
        }
    )
    spec = charts.comparison(rows, "sv", "Titel", "%").to_dict()
    bars = _layers(spec)[0]
    assert bars["encoding"]["y"]["sort"] == ["Kokkola", "Soite", "Koko maa"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Kommun", "Välfärdsområde", "Hela landet"]


def test_small_multiples_one_panel_per_link_coloured_by_progress():
    links = [
        {
            "indicator_title": "Kiusaaminen",
            "region_name": "Alue",
            "values": {2019: 7.0, 2021: 7.5},
            "progress": "wrong_way",
            "target_year": 2024,
            "target_value": 5.0,
        },
        {
            "indicator_title": "Ystävät",
            "region_name": "Alue",
            "values": {2019: 10.0},
            "progress": "no_data",
            "target_year": 2024,
            "target_value": 8.0,
        },
    ]
    frame = charts.overview_panels(links)
    assert len(frame) == 5 and frame["is_target"].sum() == 2
    spec = charts.small_multiples(frame, "fi").to_dict()
    assert spec["facet"]["field"] == "panel"
    colour = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Väärään suuntaan", "Ei riittävästi tietoa"]
    assert colour["range"] == [charts.PROGRESS_COLOURS["wrong_way"], charts.PROGRESS_COLOURS["no_data"]]
