"""Cleaning Markdown for the terminal: references to files that are not shipped never reach the learner.

Card text may come from someone else's deck, so every pattern here runs in time linear in the text: no
character class lets a match run past the next opening delimiter, and a closing tag that is missing once is
not looked for again.
"""

import re

# The alt text stops at the next '[' and the target at the next '(' : an unclosed "![a" then costs one scan
# to the next candidate, not to the end of the text.
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\(([^()]*)\)")
_IFRAME_OPEN = re.compile(r"<iframe\b[^<>]*>", re.IGNORECASE)
_IFRAME_CLOSE = re.compile(r"</iframe\s*>", re.IGNORECASE)
_HTML_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_FRAME_NOTE = "〔原文此处嵌入了网页（未收录）〕"


def _figure_note(alt: str) -> str:
    alt = alt.strip().removesuffix(".png").removesuffix(".jpg").strip()
    return f"〔原文此处有插图{'：' + alt if alt else ''}（未收录）〕"


def _without_iframes(text: str) -> str:
    """Replace each ``<iframe …>`` and what follows it up to its ``</iframe>`` (when there is one) by a note."""
    pieces = []
    position = 0
    closing_left = True  # once a search for </iframe> fails, no later one can succeed
    while (opening := _IFRAME_OPEN.search(text, position)) is not None:
        pieces += [text[position : opening.start()], _FRAME_NOTE]
        position = opening.end()
        if closing_left:
            closing = _IFRAME_CLOSE.search(text, position)
            if closing is None:
                closing_left = False
            else:
                position = closing.end()
    pieces.append(text[position:])
    return "".join(pieces)


def strip_broken_references(markdown: str) -> str:
    """Replace images and embedded frames (whose files are not shipped) by a short visible note.

    Remote ``http(s)`` images are kept as links, since the text around them may refer to them.
    """

    def image(match: re.Match) -> str:
        alt, target = match.group(1), match.group(2).strip()
        if target.startswith(("http://", "https://")):
            return f"[{alt or '图'}]({target})"
        return _figure_note(alt)

    def html_image(match: re.Match) -> str:
        alt = _ALT.search(match.group(0))
        return _figure_note(alt.group(1) if alt else "")

    text = _without_iframes(_IMAGE.sub(image, markdown))
    return _HTML_IMG.sub(html_image, text)
