"""The one gate between untrusted text and the terminal: control characters never get through.

Card text, deck titles, tags and file names come from other people's decks. A terminal obeys the control
characters inside them: ``ESC [2J`` clears the screen, ``ESC ]0;…`` sets the window title, ``ESC ]52;…`` writes
the clipboard and ``ESC ]8;;URL`` hides a link behind innocent text. Every text from a deck or a file name
goes through :func:`terminal_text` before Rich or Textual draws it; ``--json`` prints the data unchanged.
"""

import re

# A whole escape sequence goes, not only its ESC, so no "[2J" or "52;c;…" debris is left on screen:
# CSI (ESC [ or 0x9B) parameters, intermediates and the final byte; OSC, DCS, SOS, PM and APC strings up to
# their terminator (BEL or ST); any other two-character escape. Each part stops at the next ESC, so one pass
# over the text is linear whatever it holds. An unterminated string loses only its introducer below.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]"
)
# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """Return ``text`` safe to draw on a terminal: escape sequences and control characters removed.

    Newlines and tabs stay; every other C0 control, DEL and every C1 control goes, and with an escape
    sequence its parameters go too. Printable text, Chinese included, is unchanged.
    """
    if text.isprintable():
        return text  # the common case, and a fast one
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
