"""The comparison of a stale edit with the saved text: word-level, lossless, and shown
as escaped Markdown whose marks do not rest on colour alone."""

from lape_plan import textdiff
from lape_plan.ui.forms import _marked


def test_compare_marks_whole_words_and_keeps_both_texts():
    theirs, mine = "Kaveritoiminta alkoi kolmessa koulussa.", "Kaveritoiminta alkoi neljässä koulussa heti."
    left, right = textdiff.compare(theirs, mine)
    assert "".join(t for _, t in left) == theirs and "".join(t for _, t in right) == mine
    assert [t for differs, t in left if differs] == ["kolmessa"]
    assert [t for differs, t in right if differs] == ["neljässä", " heti"]


def test_same_text_has_nothing_marked():
    left, right = textdiff.compare("Sama\nteksti", "Sama\nteksti")
    assert left == right == [(False, "Sama\nteksti")]


def test_marked_markdown_escapes_user_text_and_keeps_lines():
    left, right = textdiff.compare("Malli [linkki](http://x) *a*\nrivi", "Malli <b>b</b>\nrivi")
    theirs, mine = _marked(left, theirs=True), _marked(right, theirs=False)
    assert "](http" not in theirs and "\\[linkki\\]" in theirs  # a link typed as text stays text
    assert "<b>" not in mine and "\\<b\\>" in mine
    assert theirs.count("  \n") == 1 and mine.endswith("  \nrivi")
    assert ":red-background[~~" in theirs and ":green-background[**" in mine  # marks beyond colour
    assert _marked([], theirs=True) == "–"


def test_a_changed_phrase_is_one_mark():
    left, right = textdiff.compare("Annan selitys viiveestä", "Bon oma teksti")
    assert left == [(True, "Annan selitys viiveestä")] and right == [(True, "Bon oma teksti")]
    left, _ = textdiff.compare("yksi kaksi kolme", "yksi KAKSI kolme")
    assert left == [(False, "yksi "), (True, "kaksi"), (False, " kolme")]
    # a "/" both texts happen to have does not split a replaced phrase
    left, right = textdiff.compare("koulussa [linkki](http://x).", "koulussa <b>heti</b>.")
    assert left[1] == (True, "[linkki](http://x)") and right[1] == (True, "<b>heti</b>")
