"""Showing user text safely in places that render Markdown (headings, labels)."""
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def md_escape(text) -> str:
    """User or imported text, escaped so Markdown shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", " ")
