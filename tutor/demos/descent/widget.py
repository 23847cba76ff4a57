"""The descent demo in the app: the paths animated on the contour plot, the rates and the SGD noise."""

from tutor.demos.animation import steady
from tutor.demos.descent import figures
from tutor.demos.descent.compute import DescentResult
from tutor.demos.view import DemoView, Part


class DescentView(DemoView):
    """Contour plot with each optimizer's path, drawn step by step, then the tables."""

    demo_name = "descent"
    parts = (Part("paths", 24), Part("rates"), Part("noise", 18), Part("minibatch"))

    def draw(self, result: DescentResult) -> None:
        """Fill the tables and the noise plot, and start the path animation."""
        self.show_text("rates", figures.rates_table(result))
        self.show_text("minibatch", figures.minibatch_table(result))
        self.show_chart("noise", figures.minibatch_chart(result))
        steps = figures.frame_steps(result, figures.FRAMES)
        self.play_frames(steady(steps), lambda step: self.show_chart("paths", figures.paths_chart(result, step)))
