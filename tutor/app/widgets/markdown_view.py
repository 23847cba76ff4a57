"""Card Markdown drawn by Rich: Chinese wrapped, code highlighted, tables, math as Unicode."""

from textual.widgets import Static

from tutor.questions.render import markdown_renderable


class MarkdownView(Static):
    """Static Markdown whose code colours follow the app's light or dark theme.

    Rich's Markdown is used rather than Textual's Markdown widget because its tables give each column the
    width its text needs (Textual's cut a three-letter column to "S…" at 80 columns) and it draws a long
    answer as one widget instead of one per block.
    """

    DEFAULT_CSS = """
    MarkdownView { height: auto; }
    """

    def __init__(self, markdown: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._markdown = markdown

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self._draw()

    @property
    def markdown(self) -> str:
        """The Markdown source shown."""
        return self._markdown

    def show(self, markdown: str) -> None:
        """Replace the Markdown shown."""
        self._markdown = markdown
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        code_theme = "monokai" if self.app.current_theme.dark else "friendly"
        self.update(markdown_renderable(self._markdown, code_theme=code_theme))
