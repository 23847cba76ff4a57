"""Chinese line breaking: between any two characters, never before closing or after opening punctuation."""

import pytest
from rich.console import Console
from rich.text import Text

from tutor.questions import cjk_wrap

CLOSING = "，。、；：？！）」』】》”’"
OPENING = "（「『【《“‘"


@pytest.fixture
def installed(monkeypatch):
    import rich._wrap

    monkeypatch.setattr(rich._wrap, "words", rich._wrap.words)  # restored after the test
    cjk_wrap.install()


def wrapped(text: str, width: int) -> list[str]:
    lines = Text(text).wrap(Console(width=200), width)
    return [line.plain for line in lines]


def test_words_cover_the_text_exactly():
    text = "这相当于让 optimizer 带有“惯性”（momentum），减少抖动。 end"
    pieces = list(cjk_wrap.cjk_words(text))
    assert "".join(word for _, _, word in pieces) == text
    assert all(text[start:end] == word for start, end, word in pieces)


def test_a_latin_word_stays_whole_and_each_chinese_character_is_its_own_word():
    words = [word for _, _, word in cjk_wrap.cjk_words("让 optimizer 带有")]
    assert words == ["让 ", "optimizer ", "带", "有"]


def test_closing_punctuation_sticks_to_the_character_before_and_opening_to_the_one_after():
    words = [word for _, _, word in cjk_wrap.cjk_words("度（SGD），好。")]
    assert words == ["度", "（SGD），", "好。"]


def test_chinese_after_an_english_word_fills_the_line_instead_of_starting_a_new_one(installed):
    # Rich alone puts 带有… on a new line and leaves the first line half empty.
    lines = wrapped("这相当于让 optimizer 带有一定的惯性，减少随机抖动。", 30)
    assert lines[0] == "这相当于让 optimizer 带有一定"  # 10 + 1 + 9 + 1 + 8 cells: 的 would make 31
    assert "".join(lines) == "这相当于让 optimizer 带有一定的惯性，减少随机抖动。"


# From 11 cells: "（gradient " is the longest unbreakable piece, and Rich folds anything longer anywhere.
@pytest.mark.parametrize("width", range(11, 41, 3))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(installed, width):
    text = "梯度下降（gradient descent）呈“之”字形移动，是因为各方向的曲率不同：陡峭方向来回震荡，平缓方向进展缓慢。"
    lines = wrapped(text, width)
    assert "".join(lines) == text  # breaks only: no character lost or added
    assert all(line[0] not in CLOSING for line in lines[1:])
    assert all(line.rstrip()[-1] not in OPENING for line in lines)
    assert all(Console().measure(Text(line)).maximum <= width for line in lines)


def test_the_patched_rich_internals_are_still_the_ones_this_module_was_written_for():
    # cjk_wrap replaces rich._wrap.words, a private function (see the module docstring for why). Any of these
    # failing means Rich or Textual changed underneath it: re-read rich/_wrap.py before moving the pin.
    import importlib.util
    from importlib.metadata import version

    import rich._wrap
    import textual.content

    # A fresh copy of the module: in this process the app's and the other tests' install() may have patched it.
    spec = importlib.util.find_spec("rich._wrap")
    pristine = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pristine)

    assert version("rich") == "15.0.0", "rich moved: check that divide_line still calls rich._wrap.words"
    assert "words" in pristine.divide_line.__code__.co_names  # looked up as a module global at each call
    assert textual.content.divide_line is rich._wrap.divide_line  # Textual wraps through Rich's function
    # Same contract as the function it replaces: on text without Chinese, the same (start, end, word) tuples.
    text = "  a gradient  step, then   another\tone  "
    assert list(cjk_wrap.cjk_words(text)) == list(pristine.words(text))
