"""The fast converter of common Anki HTML agrees with markdownify itself, on thousands of generated fields."""

import random

import pytest

from tutor.questions.readers import anki_text
from tutor.questions.readers.simple_html import simple_markdown

WORDS = ["卷积", "梯度", "ReLU", "x_i", "a*b", "1 > 0", "  ", " ", "\n", "\t", "&nbsp;", "&amp;", "&lt;b&gt;",
         "&#20320;", "$x^2$", "\\(y\\)", "“引号”", "end.", "-", "1."]
INLINE = ["b", "strong", "i", "em", "u", "span", "font"]


def _fragment(rng: random.Random, depth: int, in_list: bool = False) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.35 or depth == 0:
            parts.append("".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3))))
        elif choice < 0.55:
            tag = rng.choice(INLINE)
            attributes = ' style="color: red"' if tag in ("span", "font") and rng.random() < 0.5 else ""
            parts.append(f"<{tag}{attributes}>{_fragment(rng, depth - 1, in_list)}</{tag}>")
        elif choice < 0.7:
            parts.append(rng.choice(["<br>", "<br/>", "<br />", "<br><br>", " <br> "]))
        elif choice < 0.85:
            tag = rng.choice(["div", "p"])
            parts.append(f"<{tag}>{_fragment(rng, depth - 1, in_list)}</{tag}>")
        elif not in_list:
            tag = rng.choice(["ul", "ol"])
            items = "".join(
                f"{rng.choice(['', ' ', chr(10)])}<li>{_fragment(rng, depth - 1, True)}</li>"
                for _ in range(rng.randint(1, 3))
            )
            parts.append(f"<{tag}>{items}</{tag}>")
    return "".join(parts)


def test_agrees_with_markdownify_on_generated_fields():
    rng = random.Random(20261127)
    converter = anki_text._converter()
    handled = 0
    for _ in range(3000):
        field = _fragment(rng, 3)
        fast = simple_markdown(field)
        if fast is None:
            continue
        handled += 1
        assert fast == converter.convert(field), field
    # The generator stays inside the subset except where its text holds a raw '>' ("1 > 0").
    assert handled > 1000


@pytest.mark.parametrize(
    "field",
    [
        "<table><tr><td>a</td></tr></table>",  # another tag
        "a <!-- note --> b",  # a comment
        "<b>a<i>b</b></i>",  # misnested
        "<ul><li>a<ul><li>b</li></ul></li></ul>",  # a nested list
        "AT&T",  # a loose ampersand
        "<b>open",  # never closed
        "<ol start=\"3\"><li>a</li></ol>",
    ],
)
def test_other_html_is_left_to_markdownify(field):
    assert simple_markdown(field) is None
    assert anki_text.html_to_markdown(field)  # and markdownify still converts it
