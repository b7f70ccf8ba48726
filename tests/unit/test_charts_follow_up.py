"""The status heatmap: one cell per item and year, coloured by status; a missing
report stands out from a year outside the measure's own years."""

from lape_plan import follow_up as fu
from lape_plan.charts import follow_up as charts

LABELS = {s: s.replace("_", " ").title() for s in charts.ORDER}


def _cells():
    return [
        {"label": "1.1 Goal", "year": 2023, "status": "on_track", "progress": 40, "updated_by": "Anna"},
        {"label": "1.1 Goal", "year": 2024, "status": fu.NO_UPDATE, "progress": None},
        {"label": "1.1.1 Measure " + "x" * 80, "year": 2023, "status": fu.NOT_SCHEDULED, "progress": None},
        {"label": "1.1.1 Measure " + "x" * 80, "year": 2024, "status": "done", "progress": 100, "updated_by": "Bo"},
    ]


def test_heatmap_cells_colours_and_order():
    spec = charts.status_heatmap(_cells(), LABELS, "Item", "Year", "Status", "Progress", "By").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["item"][:6], r["year"], r["status"]) for r in rows] == [
        ("1.1 Go", "2023", "▶ On Track"),
        ("1.1 Go", "2024", "? No Update"),
        ("1.1.1 ", "2023", "Not Scheduled"),
        ("1.1.1 ", "2024", "✓ Done"),
    ]
    assert len(rows[2]["item"]) == 60 and rows[2]["item"].endswith("…")
    assert rows[0]["progress"] == "40 %" and rows[1]["progress"] == "–" and rows[0]["by"] == "Anna"
    enc = spec["layer"][0]["encoding"]  # the cells; the symbols are the second layer
    scale = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"]))
    assert scale == {
        "▶ On Track": charts.COLOURS["on_track"],
        "✓ Done": charts.COLOURS["done"],
        "? No Update": charts.COLOURS[fu.NO_UPDATE],
        "Not Scheduled": charts.COLOURS[fu.NOT_SCHEDULED],
    }
    assert enc["y"]["sort"] == [rows[0]["item"], rows[2]["item"]]
    # only a missing report gets the dark red border
    assert enc["stroke"]["condition"]["test"] == "(datum.status === '? No Update')"
    assert enc["stroke"]["condition"]["value"] == "#a61b29" and enc["stroke"]["value"] != "#a61b29"


def test_missing_and_not_scheduled_do_not_look_alike():
    def luminance(hex_colour):
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert charts.COLOURS[fu.NO_UPDATE] != charts.COLOURS[fu.NOT_SCHEDULED]
    # both pale, so neither reads as a status; told apart by hue and the border
    assert luminance(charts.COLOURS[fu.NO_UPDATE]) > 0.85 and luminance(charts.COLOURS[fu.NOT_SCHEDULED]) > 0.85
    assert all(luminance(charts.COLOURS[s]) < 0.65 for s in fu.STATUSES)
