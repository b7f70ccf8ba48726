"""Word-level differences between the saved version of a text and the one a person typed
on a stale screen, so both can be shown side by side with what differs marked."""

from __future__ import annotations

import difflib
import re

# Words, runs of spaces, line ends and single punctuation marks: a change shows as whole words.
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


def tokens(text) -> list[str]:
    return _TOKEN.findall(str(text or ""))


def _filler(text: str) -> bool:
    return "\n" not in text and (text.isspace() or (len(text.strip()) <= 2 and not any(c.isalnum() for c in text)))


def _joined(runs: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    runs = [r for r in runs if r[1]]
    # A space or a mark or two between changed words belong to the change: "new words", not
    # "new" "words" (nor a "/" left standing because both texts happen to have one there).
    runs = [
        (True, text)
        if (not differs and 0 < i < len(runs) - 1 and runs[i - 1][0] and runs[i + 1][0] and _filler(text))
        else (differs, text)
        for i, (differs, text) in enumerate(runs)
    ]
    out: list[tuple[bool, str]] = []
    for changed, text in runs:
        if out and out[-1][0] == changed:
            out[-1] = (changed, out[-1][1] + text)
        elif text:
            out.append((changed, text))
    return out


def compare(theirs, mine) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Both texts as runs of (differs, text): in `theirs` what `mine` lacks or replaced is
    marked, in `mine` what it added or replaced. Joining each side's runs gives its text."""
    a, b = tokens(theirs), tokens(mine)
    left: list[tuple[bool, str]] = []
    right: list[tuple[bool, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        same = op == "equal"
        left.append((not same, "".join(a[i1:i2])))
        right.append((not same, "".join(b[j1:j2])))
    return _joined(left), _joined(right)
