"""Altair chart builders, one module per feature (indicators, follow_up, budget, workshop): data in,
chart out, no database and no streamlit. What they share is here."""

from __future__ import annotations


def number_locale(lang: str) -> dict:
    """Vega's number format of a language: decimal comma and a space between thousands in fi and sv."""
    if lang in ("fi", "sv"):
        return {"number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0€"]}}
    return {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]}}
