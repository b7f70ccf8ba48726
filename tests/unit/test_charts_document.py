"""The documents' small indicator charts, drawn with Pillow."""

import io
import sys

from PIL import Image

from lape_plan import documents, indicators, plans
from lape_plan.charts import document as small_charts
from lape_plan.charts.indicators import KIND_COLOURS

VALUES = ((2017, 8.1), (2019, 7.4), (2021, 9.0), (2023, 8.2))


def _rgb(hex_colour: str) -> tuple:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _colours(png: bytes) -> dict:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour: n for n, colour in image.getcolors(maxcolors=100_000)}, image


def test_chart_draws_line_marks_path_and_text():
    png = small_charts.trend_png(
        "fi", "Kiusattu viikoittain", VALUES, "Keski-Pohjanmaa", "%", 1, (2019, 7.4), (2024, 6.0)
    )
    colours, image = _colours(png)
    assert image.size == (small_charts.WIDTH, small_charts.HEIGHT)
    assert colours[_rgb(KIND_COLOURS["plan"])] > 2000  # the values' line and points
    assert colours.get(small_charts.INK, 0) > 1500  # baseline and target marks, dashed path, text
    # the target (2024, 6.0) lies right of the last value: its diamond is drawn there in ink
    right = image.crop((small_charts.WIDTH - 60, 0, small_charts.WIDTH, small_charts.HEIGHT - 40))
    assert small_charts.INK in {c for _, c in right.getcolors(maxcolors=100_000)}
    # without a target: no path, and the chart still draws (one value, one year)
    single = small_charts.trend_png("sv", "Ett värde", ((2022, 3.0),), "Kronoby", "", None, None, None)
    assert Image.open(io.BytesIO(single)).size == image.size


def test_nice_ticks():
    assert small_charts.nice_step(10) == 2.5 and small_charts.nice_step(1.6) == 0.5
    assert small_charts.nice_step(0.07) == 0.02 and small_charts.nice_step(0) == 1.0


def test_document_charts_need_no_browser_engine(demo_db, monkeypatch):
    """The plan's charts are drawn without vl-convert (once ~0.18 s a chart)."""
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # importing it now fails
    documents._chart_png.cache_clear()
    plan_id = plans.plans(demo_db)[0]["id"]
    link = next(link for link in indicators.links(demo_db, plan_id, "sv") if link["values"])
    png = documents.indicator_chart(link, "sv")
    assert png.startswith(b"\x89PNG")
    data = documents.plan_docx(demo_db, plan_id, "sv")
    assert data.count(b"media/image") >= 1
    documents._chart_png.cache_clear()
