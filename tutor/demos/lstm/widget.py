"""The LSTM demo in the app: the gradient flowing back through time, the forget-bias sweep and its table."""

from tutor.demos.animation import steady
from tutor.demos.lstm import figures
from tutor.demos.lstm.compute import LstmResult
from tutor.demos.view import DemoView, Part


class LstmView(DemoView):
    """‖∂L/∂x_t‖ of RNN, LSTM and GRU drawn from t = T back to 1, then the sweep of the forget bias."""

    demo_name = "lstm"
    parts = (Part("flow", 22), Part("sweep", 22), Part("table"))

    def draw(self, result: LstmResult) -> None:
        """Fill the sweep plot and the table, and start the backward-flow animation."""
        self.show_chart("sweep", figures.sweep_chart(result))
        self.show_text("table", figures.sweep_table(result))
        starts = figures.frame_starts(result, figures.FRAMES)
        self.play_frames(steady(starts), lambda first: self.show_chart("flow", figures.flow_chart(result, first)))
