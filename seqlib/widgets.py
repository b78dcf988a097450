"""Widgets that let a learner look inside LSTMs and GRUs, live, on their own model and input.

``inspect(model, task, "123+45")`` runs the model once per input (seqlib.trace) and shows the hidden states,
the gates, the decoder's top tokens and one unit's trace; the sliders only move markers and change artist
data, so each move costs one redraw of an existing figure. Every widget also has a static picture of its
first view (``.snapshot()``), for readers of a stored notebook where widgets cannot run.

Figures are matplotlib ``Figure`` objects rendered to PNG (no pyplot, so the notebook's own backend is left
alone) and shown in an ``ipywidgets.Image``: nothing beyond ipywidgets needs installing, in JupyterLab or on
Binder.
"""

from __future__ import annotations

import io
import time

import ipywidgets as W
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from seqlib import viz
from seqlib.numpy.functional import sigmoid
from seqlib.trace import trace

DPI = 72


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class _FigureWidget:
    """A figure shown in an Image widget and updated by blitting.

    After the panels are built, one full draw renders everything that stays put (axes, ticks, labels, the
    heatmap) and keeps that background; each later update restores it and draws only the *animated* artists
    (markers, bars, lines, titles) on top, then encodes the pixels. Text layout dominates a full draw, so this
    keeps a slider move well under the cost of rendering the figure again.
    """

    def __init__(self, figsize):
        self.figure = Figure(figsize=figsize, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = W.Image(format="png")
        self.animated = []
        self.last_redraw_s = 0.0

    def animate(self, *artists):
        for artist in artists:
            if artist is not None:
                artist.set_animated(True)
                self.animated.append(artist)

    def full_redraw(self):
        """Lay out and draw the static part once (after building panels), then the animated artists."""
        self.figure.set_layout_engine("constrained")
        self.canvas.draw()
        self.figure.set_layout_engine("none")  # axes stay where the layout put them
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.redraw()

    def redraw(self):
        start = time.perf_counter()
        self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()
        self.last_redraw_s = time.perf_counter() - start

    def snapshot(self):
        """The current view as a static PNG for the notebook's stored output."""
        from IPython.display import Image

        for artist in self.animated:  # a plain savefig skips animated artists
            artist.set_animated(False)
        try:
            return Image(_png(self.figure))
        finally:
            for artist in self.animated:
                artist.set_animated(True)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


class Inspector(_FigureWidget):
    """The hidden-state inspector built by :func:`inspect`."""

    def __init__(self, model, task, text):
        super().__init__(figsize=(11, 6.5))
        self.model, self.task = model, task
        self.trace = trace(model, task, text)
        H = model.config.hidden_size
        self.text = W.Text(value=text, description="input", continuous_update=False)
        self.step = W.IntSlider(0, 0, self.trace.steps - 1, description="step", continuous_update=True)
        self.unit = W.BoundedIntText(0, min=0, max=H - 1, description="unit")
        self.message = W.HTML()
        self.box = W.VBox([W.HBox([self.text, self.step, self.unit]), self.message, self.image])
        self._build()
        self.text.observe(self._on_text, names="value")
        self.step.observe(lambda change: self.show(step=change["new"]), names="value")
        self.unit.observe(lambda change: self.show(unit=change["new"]), names="value")

    def _build(self):
        """Lay out the four panels for the current trace (once per input)."""
        fig, tr = self.figure, self.trace
        fig.clear()
        grid = fig.add_gridspec(2, 3)
        self.ax_states = fig.add_subplot(grid[0, :2])
        self.ax_gates = fig.add_subplot(grid[0, 2])
        self.ax_unit = fig.add_subplot(grid[1, :2])
        self.ax_top = fig.add_subplot(grid[1, 2])
        step, unit = min(self.step.value, tr.steps - 1), self.unit.value
        self.states = viz.draw_states(self.ax_states, tr, "h", step)
        self.gates = viz.draw_gates(self.ax_gates, tr, step, unit)
        self.unit_plot = viz.draw_unit(self.ax_unit, tr, unit, step)
        self.top = viz.draw_top_k(self.ax_top, tr, step)
        self.animated = []
        self.animate(self.states["marker"], self.unit_plot["marker"], *self.gates["unit_bars"],
                     *self.gates["mean_bars"], self.unit_plot["h_line"], self.unit_plot["c_line"],
                     *self.top["bars"], *self.top["labels"], self.ax_gates.title, self.ax_unit.title,
                     self.ax_top.title)  # fmt: skip
        self.step.max = tr.steps - 1
        self.full_redraw()

    def _on_text(self, change):
        try:
            new = trace(self.model, self.task, change["new"])
        except ValueError as error:  # a character outside the vocabulary: say so, keep the last good view
            self.message.value = f"<span style='color:#b00'>Cannot read that input: {error}</span>"
            return
        self.message.value = ""
        self.trace = new
        self._build()

    def show(self, step=None, unit=None):
        """Move to ``step`` and/or ``unit``, changing artist data only."""
        tr = self.trace
        step = self.step.value if step is None else step
        unit = self.unit.value if unit is None else unit
        self.states["marker"].set_xdata([step, step])
        self.unit_plot["marker"].set_xdata([step, step])
        for bar, name in zip(self.gates["unit_bars"], tr.gates, strict=True):
            bar.set_height(tr.gates[name][step, unit])
        for bar, name in zip(self.gates["mean_bars"], tr.gates, strict=True):
            bar.set_height(tr.gates[name][step].mean())
        self.ax_gates.set_title(viz.gates_title(tr, step, unit))
        self.unit_plot["h_line"].set_ydata(tr.h[:, unit])
        if tr.c is not None:
            self.unit_plot["c_line"].set_ydata(tr.c[:, unit])
        self.ax_unit.set_title(f"unit {unit} over time")
        viz.update_top_k(self.ax_top, self.top, tr, step)
        self.redraw()


def inspect(model, task, text: str) -> Inspector:
    """The hidden-state inspector for a seq2seq model (either backend, LSTM or GRU, trained or not)."""
    return Inspector(model, task, text)


class Comparison:
    """Two inspectors side by side on the same input, their step sliders linked."""

    def __init__(self, left, right, task, text):
        self.left, self.right = Inspector(left, task, text), Inspector(right, task, text)
        W.jslink((self.left.step, "value"), (self.right.step, "value"))
        W.jslink((self.left.text, "value"), (self.right.text, "value"))
        # jslink moves the other slider in the browser; observing keeps the Python side in step too.
        self.left.step.observe(lambda c: setattr(self.right.step, "value", min(c["new"], self.right.step.max)), "value")
        self.left.text.observe(lambda c: setattr(self.right.text, "value", c["new"]), "value")
        self.box = W.HBox([self.left.box, self.right.box])

    def snapshot(self):
        """Both current views side by side, as one static PNG."""
        from IPython.display import Image

        left, right = (PIL.Image.open(io.BytesIO(x.snapshot().data)) for x in (self.left, self.right))
        joined = PIL.Image.new("RGBA", (left.width + right.width, max(left.height, right.height)), "white")
        joined.paste(left, (0, 0))
        joined.paste(right, (left.width, 0))
        buffer = io.BytesIO()
        joined.save(buffer, format="png")
        return Image(buffer.getvalue())

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


def compare(lstm_model, gru_model, task, text: str) -> Comparison:
    """An LSTM and a GRU (or any two models of the task) on the same input, at the same step."""
    return Comparison(lstm_model, gru_model, task, text)


class GatePlayground(_FigureWidget):
    """Sliders for a gate's weight, bias and input; the curve and what passes update live."""

    def __init__(self):
        super().__init__(figsize=(6, 3.2))
        self.weight = W.FloatSlider(1.0, min=-5, max=5, step=0.1, description="weight w")
        self.bias = W.FloatSlider(0.0, min=-5, max=5, step=0.1, description="bias b")
        self.x = W.FloatSlider(1.0, min=-6, max=6, step=0.1, description="input x")
        self.value = W.FloatSlider(1.0, min=-1, max=1, step=0.05, description="value v")
        self.artists = viz.draw_gate_curve(self.figure.add_subplot(), 1.0, 0.0, 1.0, 1.0)
        self.animate(self.artists["curve"], self.artists["point"], self.artists["text"])
        for slider in (self.weight, self.bias, self.x, self.value):
            slider.observe(self._update, names="value")
        self.box = W.VBox([W.HBox([self.weight, self.bias]), W.HBox([self.x, self.value]), self.image])
        self.full_redraw()

    def gate(self) -> float:
        return float(sigmoid(self.weight.value * self.x.value + self.bias.value))

    def _update(self, _change=None):
        viz.update_gate_curve(self.artists, self.weight.value, self.bias.value, self.x.value, self.value.value)
        self.redraw()


def gate_playground() -> GatePlayground:
    """A gate to play with: σ(w·x + b) and how much of a value it lets through."""
    return GatePlayground()


def saturation(model, task, n: int = 100, split: str = "test"):
    """Fractions of time each σ-gate spends below 0.1 and above 0.9 on ``n`` inputs; returns them and a figure."""
    sources = list(task.split(split).sources[:n])
    fractions = viz.saturation_fractions([trace(model, task, s) for s in sources])
    fig = Figure(figsize=(5, 3.2), layout="constrained", dpi=DPI)
    viz.draw_saturation(fig.add_subplot(), fractions, f"{model.config.cell.upper()} gate saturation ({n} inputs)")
    return fractions, fig


def trajectory(model, task, examples, title=None):
    """Hidden states of several inputs over time, projected on two principal components; returns the figure."""
    fig = Figure(figsize=(7, 5), layout="constrained", dpi=96)
    ax = fig.add_subplot()
    viz.draw_trajectory(ax, [trace(model, task, e) for e in examples])
    ax.set_title(title or f"{model.config.cell.upper()} hidden-state trajectories")
    return fig
