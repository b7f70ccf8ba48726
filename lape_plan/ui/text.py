"""Showing user text safely in places that render Markdown (headings, labels)."""

import re

from .. import i18n

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def md_escape(text) -> str:
    """User or imported text, escaped so Markdown shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", " ")


def error_md(err, lang: str) -> str:
    """A typed error in the user's language, its values (names, titles, codes the user
    typed) escaped for the Markdown of st.error and friends."""
    return i18n.error_text(err, lang, escape=md_escape)
