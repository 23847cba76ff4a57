"""Cleaning Markdown for the terminal: references to files that are not shipped never reach the learner."""

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_IFRAME = re.compile(r"<iframe\b[^>]*>(?:.*?</iframe>)?", re.IGNORECASE | re.DOTALL)
_HTML_IMG = re.compile(r"<img\b[^>]*?(?:alt=[\"']([^\"']*)[\"'])?[^>]*>", re.IGNORECASE)


def _figure_note(alt: str) -> str:
    alt = alt.strip().removesuffix(".png").removesuffix(".jpg").strip()
    return f"〔原文此处有插图{'：' + alt if alt else ''}（未收录）〕"


def strip_broken_references(markdown: str) -> str:
    """Replace images and embedded frames (whose files are not shipped) by a short visible note.

    Remote ``http(s)`` images are kept as links, since the text around them may refer to them.
    """

    def image(match: re.Match) -> str:
        alt, target = match.group(1), match.group(2).strip()
        if target.startswith(("http://", "https://")):
            return f"[{alt or '图'}]({target})"
        return _figure_note(alt)

    text = _IMAGE.sub(image, markdown)
    text = _IFRAME.sub("〔原文此处嵌入了网页（未收录）〕", text)
    return _HTML_IMG.sub(lambda match: _figure_note(match.group(1) or ""), text)
