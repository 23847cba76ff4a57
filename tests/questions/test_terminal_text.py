"""terminal_text: the one function that keeps escape sequences and control characters off the terminal."""

import pytest

from tutor.questions.terminal_text import terminal_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "ab"),  # CSI: clear the screen
        ("a\x1b[38;5;196mred\x1b[0m", "ared"),  # CSI with parameters: colour
        ("x\x1b]0;title\x1b\\y", "xy"),  # OSC ended by ST: window title
        ("x\x1b]0;title\x07y", "xy"),  # OSC ended by BEL
        ("c\x1b]52;c;aGVsbG8=\x1b\\d", "cd"),  # OSC 52: writes the clipboard
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8: a hidden hyperlink
        ("\x1bPq#0;2;0;0;0\x1b\\pic", "pic"),  # DCS (sixel)
        ("a\x9b2Jb", "ab"),  # the C1 form of CSI
        ("a\x9d0;t\x9cb", "ab"),  # the C1 forms of OSC and ST
        ("a\x1bcb", "ab"),  # a two-character escape (RIS: reset the terminal)
        ("a\x00b\x07c\x08d\x7fe\x85f\rg", "abcdefg"),  # C0 controls, DEL, C1 NEL, carriage return
        ("a\x1b]unterminated", "aunterminated"),  # an unterminated string loses its introducer only
    ],
)
def test_escape_sequences_and_controls_are_removed(raw, shown):
    assert terminal_text(raw) == shown


def test_newlines_tabs_and_chinese_are_kept():
    text = "池化层的作用？\n\t- 下采样：减少参数 ∑ xᵢ²\n"
    assert terminal_text(text) == text


def test_brackets_survive_as_text():
    # Rich markup and Markdown are the renderer's business; terminal_text only removes controls.
    assert terminal_text("[bold]x[/] `code` **b**") == "[bold]x[/] `code` **b**"
