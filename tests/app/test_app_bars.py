"""Bar charts drawn with Rich: bars to scale at any width and labels aligned by the cells they take on screen."""

import pytest
from rich.cells import cell_len
from rich.console import Console

from tutor.app.widgets.bars import Bar, bar_cells, bar_chart

EIGHTHS = " ▏▎▍▌▋▊▉"


def cells_filled(blocks: str) -> float:
    """The length of a bar in cells, partial blocks counted in eighths."""
    return sum(1.0 if block == "█" else EIGHTHS.index(block) / 8 for block in blocks)


@pytest.mark.parametrize(
    ("value", "maximum", "width", "expected"),
    [
        (138, 138, 20, 20.0),  # the largest fills the width
        (15, 138, 20, 2.125),  # 15 / 138 × 20 = 2.17 cells, to the nearest eighth: 17 / 8
        (0, 138, 20, 0.0),
        (50, 100, 7, 3.5),
    ],
)
def test_a_bar_is_its_share_of_the_width_to_the_nearest_eighth(value, maximum, width, expected):
    assert cells_filled(bar_cells(value, maximum, width)) == expected


@pytest.mark.parametrize("width", [30, 38, 60, 100])
def test_bars_stay_to_scale_and_chinese_labels_stay_aligned_at_any_width(width):
    bars = [Bar("新 new", 138), Bar("学习 learning", 15), Bar("复习 review", 0), Bar("重学 relearning", 4)]
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(bar_chart("卡片状态 cards by state", bars, width))
    lines = capture.get().splitlines()[1:]
    assert all(cell_len(line) <= width for line in lines)
    # Each bar starts in the same column on screen, whatever the width of the characters of its label.
    starts = [
        cell_len(line[: next(i for i, ch in enumerate(line) if ch in "█" + EIGHTHS[1:])])
        for line, bar in zip(lines, bars)
        if bar.value
    ]
    assert len(starts) == 3 and len(set(starts)) == 1
    lengths = [cells_filled("".join(ch for ch in line if ch == "█" or ch in EIGHTHS[1:])) for line in lines]
    room = lengths[0]
    for bar, length in zip(bars, lengths):
        assert length == pytest.approx(bar.value / 138 * room, abs=1 / 16)
