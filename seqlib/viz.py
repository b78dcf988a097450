"""Static matplotlib figures of what happens inside LSTMs and GRUs; the widgets in seqlib.widgets animate them.

Each ``draw_*`` function draws into a given Axes and returns the artists a widget later updates in place
(``set_data``, ``set_height``, ``set_text``), so a slider move redraws, never rebuilds. Colour maps are
perceptually uniform and readable in grey and by colour-blind readers (cividis, viridis); bars and lines
are also told apart by hatching or style, not only by colour.
"""

from __future__ import annotations

import numpy as np

from seqlib.numpy.functional import sigmoid

GATE_LABELS = {
    "i": "i  input",
    "f": "f  forget",
    "g": "g  candidate",
    "o": "o  output",
    "r": "r  reset",
    "z": "z  update",
    "n": "n  candidate",
}
SATURATED_LOW, SATURATED_HIGH = 0.1, 0.9


def draw_states(ax, tr, which="h", step=0):
    """Heatmap of hidden units (rows) over steps (columns); a line separates encoder and decoder steps."""
    values = tr.h if which == "h" else tr.c
    image = ax.imshow(values.T, aspect="auto", cmap="cividis", vmin=-1, vmax=1, interpolation="nearest")
    ax.axvline(tr.n_encoder - 0.5, color="white", lw=2)
    marker = ax.axvline(step, color="black", lw=2, ls="--")
    ax.set_xticks(range(tr.steps), tr.labels)
    ax.set(xlabel="step (encoder reads ▸ | ◂ decoder writes)", ylabel="unit",
           title=f"{which}: {tr.cell.upper()} states for '{tr.text}' → '{tr.answer}'")  # fmt: skip
    return {"image": image, "marker": marker}


def draw_gates(ax, tr, step=0, unit=0):
    """Every gate's value at ``step``: the selected unit (solid bars) and the mean over all units (hatched)."""
    names = list(tr.gates)
    x = np.arange(len(names))
    unit_bars = ax.bar(x - 0.2, [tr.gates[n][step, unit] for n in names], 0.4, color="#3b528b", label="selected unit")
    mean_bars = ax.bar(x + 0.2, [tr.gates[n][step].mean() for n in names], 0.4, color="#c8c8c8", hatch="//",
                       edgecolor="black", label="mean of all units")  # fmt: skip
    ax.set_xticks(x, [GATE_LABELS[n] for n in names], rotation=20)
    ax.set(ylim=(-1.05, 1.05), ylabel="value", title=gates_title(tr, step, unit))
    ax.axhline(0, color="grey", lw=0.5)
    legend = ax.legend(loc="lower left", fontsize="small")
    return {"unit_bars": unit_bars, "mean_bars": mean_bars, "legend": legend}


def gates_title(tr, step, unit):
    return f"gates of unit {unit}, step {step} ({tr.phase(step)}: {tr.labels[step]!r})"


def draw_top_k(ax, tr, step=0, k=5):
    """The decoder's most probable next tokens at ``step`` (encoder steps have none)."""
    bars = ax.barh(np.arange(k)[::-1], np.zeros(k), color="#5ec962", edgecolor="black")
    labels = [ax.text(0.01, y, "", va="center", fontsize="small") for y in np.arange(k)[::-1]]
    ax.set(xlim=(0, 1), yticks=[], xlabel="probability", title="decoder's top tokens")
    artists = {"bars": bars, "labels": labels}
    update_top_k(ax, artists, tr, step)
    return artists


def update_top_k(ax, artists, tr, step):
    top = tr.top_k(step, len(artists["bars"]))
    for i, (bar, label) in enumerate(zip(artists["bars"], artists["labels"], strict=True)):
        token, p = top[i] if i < len(top) else ("", 0.0)
        bar.set_width(p)
        label.set_text(f"{token!r} {p:.3f}" if token else "")
    ax.set_title("decoder's top tokens" if top else "encoder step: nothing emitted yet")


def draw_unit(ax, tr, unit=0, step=0):
    """One unit's h (and c) over every step."""
    (h_line,) = ax.plot(tr.h[:, unit], "-o", color="#440154", ms=3, label="h")
    c_line = None
    if tr.c is not None:
        (c_line,) = ax.plot(tr.c[:, unit], "--s", color="#21918c", ms=3, label="c")
    marker = ax.axvline(step, color="black", ls="--")
    ax.axvline(tr.n_encoder - 0.5, color="grey", lw=1)
    ax.set_xticks(range(tr.steps), tr.labels)
    # Limits cover every unit, so switching units moves lines but never rescales the axis.
    values = tr.h if tr.c is None else np.concatenate([tr.h, tr.c])
    low, high = min(-1.0, values.min()), max(1.0, values.max())
    ax.set(xlabel="step", ylabel="value", title=f"unit {unit} over time", ylim=(low - 0.05, high + 0.05))
    ax.legend(loc="upper left", fontsize="small")
    return {"h_line": h_line, "c_line": c_line, "marker": marker}


def saturation_fractions(traces) -> dict:
    """Per gate: the fraction of (step, unit) values below 0.1 (left-saturated) and above 0.9 (right-saturated).

    Karpathy, Johnson & Fei-Fei (2015) used these fractions to show gates that act as near-binary switches.
    Only σ-gates count (i, f, o for an LSTM; r, z for a GRU): the candidates g and n are tanh values.
    """
    out = {}
    for name in traces[0].gates:
        if name in ("g", "n"):
            continue
        values = np.concatenate([t.gates[name].ravel() for t in traces])
        out[name] = ((values < SATURATED_LOW).mean(), (values > SATURATED_HIGH).mean())
    return out


def draw_saturation(ax, fractions: dict, title="gate saturation"):
    """Stacked bars per gate: left-saturated, unsaturated, right-saturated fractions."""
    names = list(fractions)
    low = np.array([fractions[n][0] for n in names])
    high = np.array([fractions[n][1] for n in names])
    x = np.arange(len(names))
    ax.bar(x, low, color="#30123b", label="< 0.1 (closed)")
    ax.bar(x, 1 - low - high, bottom=low, color="#e0e0e0", hatch="..", edgecolor="grey", label="in between")
    ax.bar(x, high, bottom=1 - high, color="#fde725", edgecolor="black", label="> 0.9 (open)")
    ax.set_xticks(x, [GATE_LABELS[n] for n in names])
    ax.set(ylim=(0, 1), ylabel="fraction of time", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")  # outside: the bars fill the axes


def pca(points: np.ndarray, k: int = 2) -> np.ndarray:
    """Project ``points (n, d)`` on their first ``k`` principal components (SVD of the centred data)."""
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:k].T


def draw_trajectory(ax, traces):
    """Hidden states of several inputs in their first two principal components, coloured by step."""
    projected = pca(np.concatenate([t.h for t in traces]))
    start = 0
    for t in traces:
        xy = projected[start : start + t.steps]
        start += t.steps
        ax.plot(xy[:, 0], xy[:, 1], color="grey", lw=0.6)
        points = ax.scatter(xy[:, 0], xy[:, 1], c=np.arange(t.steps), cmap="viridis", s=18, vmin=0,
                            vmax=max(tt.steps for tt in traces) - 1)  # fmt: skip
        ax.annotate(t.text, xy[0], fontsize="x-small")
    ax.set(xlabel="principal component 1", ylabel="principal component 2", title="hidden-state trajectories")
    ax.figure.colorbar(points, ax=ax, label="step")


def draw_gate_curve(ax, weight=1.0, bias=0.0, x=1.0, value=1.0):
    """σ(w·x + b) as a function of x, the chosen point, and how much of ``value`` passes."""
    xs = np.linspace(-6, 6, 241)
    (curve,) = ax.plot(xs, sigmoid(weight * xs + bias), color="#3b528b", label="gate σ(w·x + b)")
    (point,) = ax.plot([x], [0.0], "o", color="black", ms=8)
    text = ax.text(-5.8, 1.05, "", fontsize="small")
    ax.set(xlim=(-6, 6), ylim=(-0.05, 1.15), xlabel="input x", ylabel="gate value", title="a gate")
    ax.legend(loc="lower right", fontsize="small")
    artists = {"curve": curve, "point": point, "text": text, "xs": xs}
    update_gate_curve(artists, weight, bias, x, value)
    return artists


def update_gate_curve(artists, weight, bias, x, value):
    gate = float(sigmoid(np.asarray(weight * x + bias)))
    artists["curve"].set_ydata(sigmoid(weight * artists["xs"] + bias))
    artists["point"].set_data([x], [gate])
    artists["text"].set_text(f"gate = {gate:.3f};  of the value {value:+.2f}, {gate * value:+.3f} passes")
