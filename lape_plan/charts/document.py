"""Small line charts for the documents, drawn straight to PNG with Pillow.

A goal's indicator in the plan document is one line of yearly values with its baseline and
target marked and the path needed between them: the same picture as `charts.trend`, without
a browser engine. Building an Altair chart and drawing it with vl-convert took ~0.18 s CPU a
chart, nine tenths of the example plan's document; this takes a few milliseconds.
The text of the chart (title, axis labels, legend) is drawn in; the document gives each chart
its alternative text."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import i18n
from .indicators import KIND_COLOURS

WIDTH, HEIGHT = 780, 296  # about the 775 px vl-convert drew; 120 mm wide in the document
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 52, 66
INK, GRID, AXIS = (17, 17, 17), (226, 226, 226), (110, 110, 110)
LINE = KIND_COLOURS["plan"]
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
)
_FONT_FILES = {
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
}


@lru_cache(maxsize=8)
def font(size: int, bold: bool = False):
    """A TrueType font with the Nordic letters: DejaVu or Liberation where installed, else
    Pillow's own (FreeType builds of Pillow 10.1+ carry one)."""
    for folder in _FONT_DIRS:
        for name in _FONT_FILES[bold]:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _fit(draw: ImageDraw.ImageDraw, text: str, face, width: int) -> str:
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@lru_cache(maxsize=2048)
def _glyphs(text: str, size: int, bold: bool, anchor: str):
    """The text drawn once as a mask, with its offset from the anchor point: years, tick labels
    and legends repeat from chart to chart, and drawing text was half the time of a chart."""
    face = font(size, bold)
    left, top, right, bottom = face.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=face, fill=255, anchor=anchor)
    return mask, left, top


def _text(image, xy, text: str, size: int, fill, anchor: str = "la", bold: bool = False) -> None:
    mask, left, top = _glyphs(text, size, bold, anchor)
    x, y = round(xy[0] + left), round(xy[1] + top)
    image.paste(fill, (x, y, x + mask.width, y + mask.height), mask)


def _dashed(draw, start, end, fill, width, dash=14, gap=9) -> None:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if not length:
        return
    pos = 0.0
    while pos < length:
        stop = min(pos + dash, length)
        draw.line(
            [
                (x0 + (x1 - x0) * pos / length, y0 + (y1 - y0) * pos / length),
                (x0 + (x1 - x0) * stop / length, y0 + (y1 - y0) * stop / length),
            ],
            fill=fill,
            width=width,
        )
        pos = stop + gap


def _decimals(step: float, decimals) -> int:
    needed = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    if step * 10**needed % 1:  # 2.5, 0.25 ...
        needed += 1
    return min(max(needed, 0), int(decimals) if decimals is not None else 3)


def trend_png(
    lang: str,
    title: str,
    values: tuple,
    region: str,
    unit: str = "",
    decimals=1,
    baseline: tuple | None = None,
    target: tuple | None = None,
) -> bytes:
    """A PNG of yearly `values` ((year, value), ...) of one region, with the baseline and target
    ((year, value) or None) marked and a dashed line for the path needed between them."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    marks = [
        (p, key)
        for p, key in ((baseline, "indicators.chart.baseline"), (target, "indicators.chart.target"))
        if p and p[0] is not None and p[1] is not None
    ]
    points = list(values) + [p for p, _ in marks]
    years = [y for y, _ in points]
    numbers = [v for _, v in points]
    low, high = min(numbers), max(numbers)
    span = high - low or abs(high) or 1.0
    low, high = low - span * 0.06, high + span * 0.12  # room for the marks and their labels
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high == low:
        high = low + step
    first, last = min(years), max(years)
    if first == last:
        first, last = first - 1, last + 1
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    small, heading = font(13), font(17, bold=True)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + 14 + (year - first) / (last - first) * (plot_w - 28)

    def y(value):
        return TOP + (high - value) / (high - low) * plot_h

    _text(image, (LEFT - 60, 8), _fit(draw, title, heading, WIDTH - 24), 17, INK, bold=True)
    _text(image, (LEFT - 60, 30), _fit(draw, unit or t("indicators.chart.value"), small, 360), 13, AXIS)
    shown = _decimals(step, decimals)
    tick = low
    while tick <= high + step / 1000:
        ty = y(tick)
        draw.line([(LEFT, ty), (WIDTH - RIGHT, ty)], fill=GRID, width=1)
        label = i18n.number(round(tick, shown), lang, shown)
        _text(image, (LEFT - 7, ty), label, 13, INK, "rm")
        tick += step
    draw.line([(LEFT, TOP), (LEFT, TOP + plot_h)], fill=AXIS, width=2)
    draw.line([(LEFT, TOP + plot_h), (WIDTH - RIGHT, TOP + plot_h)], fill=AXIS, width=2)
    every = 1 if last - first <= 12 else 2
    for year in range(int(first), int(last) + 1, every):
        draw.line([(x(year), TOP + plot_h), (x(year), TOP + plot_h + 6)], fill=AXIS, width=2)
        _text(image, (x(year), TOP + plot_h + 8), str(year), 13, INK, "ma")
    if len(marks) == 2:
        _dashed(draw, (x(marks[0][0][0]), y(marks[0][0][1])), (x(marks[1][0][0]), y(marks[1][0][1])), INK, 3)
    line = [(x(yr), y(v)) for yr, v in values]
    if len(line) > 1:
        draw.line(line, fill=LINE, width=4, joint="curve")
    for px, py in line:
        draw.ellipse([px - 6, py - 6, px + 6, py + 6], fill=LINE)
    for (year, value), key in marks:
        px, py = x(year), y(value)
        if key.endswith("baseline"):
            draw.ellipse([px - 10, py - 10, px + 10, py + 10], fill=INK)
        else:
            draw.polygon([(px, py - 12), (px + 12, py), (px, py + 12), (px - 12, py)], fill=INK)
        _text(image, (px, py - 14), t(key), 15, INK, "md")
    # legend: the region's line, and the path needed
    ly = HEIGHT - 18
    draw.line([(LEFT, ly), (LEFT + 34, ly)], fill=LINE, width=4)
    _text(image, (LEFT + 40, ly), _fit(draw, region, small, 290), 13, INK, "lm")
    if len(marks) == 2:
        start = LEFT + 350
        _dashed(draw, (start, ly), (start + 34, ly), INK, 3, dash=10, gap=6)
        _text(image, (start + 40, ly), t("indicators.chart.needed_path"), 13, INK, "lm")
    buf = io.BytesIO()
    # a palette of few colours: a quarter of the size of RGB, and quicker to compress
    image.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG", compress_level=3)
    return buf.getvalue()
