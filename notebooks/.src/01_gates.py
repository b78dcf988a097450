# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 01 · Gates: σ and tanh as soft switches
#
# **In one sentence:** how σ and tanh turn a number into "how much passes", why a gate is a soft switch, and how quickly a plain recurrent network forgets what it saw.
#
# *About 20 minutes.*
#
# **Learning goals.** After this notebook you can
# - say what σ and tanh do to a pre-activation, where they are steep and where they are flat;
# - write a gate $g = \sigma(w \cdot x + b)$ and explain what the weight and the bias each control;
# - write one step of a vanilla RNN, $h_t = \tanh(W_x x_t + W_h h_{t-1} + b)$;
# - measure how fast a vanilla RNN forgets its first input, and say why a gate can remember for longer.
#
# **Prerequisites.** [00 · Start here](00_start_here.ipynb); matrix multiplication; what a derivative is.

# %%
import matplotlib.pyplot as plt
import numpy as np
from ipywidgets import FloatSlider, interact

import seqlib.numpy as snp

rng = np.random.default_rng(0)  # the only source of randomness in this notebook

# %% [markdown]
# ## σ and tanh: two ways to squash a number
#
# Every gate in an LSTM or a GRU starts from a *pre-activation* $a$, a weighted sum of what the cell reads, which
# can be any real number. Two functions squash it into a fixed range:
#
# $$\sigma(a) = \frac{1}{1 + e^{-a}} \in (0, 1), \qquad \tanh(a) = \frac{e^{a} - e^{-a}}{e^{a} + e^{-a}} \in (-1, 1).$$
#
# They are the same curve, stretched and shifted: $\tanh(a) = 2\,\sigma(2a) - 1$. What differs is the use.
# σ's range $(0, 1)$ reads as a *fraction* — how much of something is let through — so σ makes gates.
# tanh's range $(-1, 1)$ is symmetric around zero, so tanh makes *values* that can be positive or negative.
#
# Their slopes matter as much as their ranges, because learning follows slopes:
#
# $$\sigma'(a) = \sigma(a)\,\bigl(1 - \sigma(a)\bigr), \qquad \tanh'(a) = 1 - \tanh^2(a).$$
#
# Both are steepest at $a = 0$ and almost flat a few units away. The cell below evaluates them and checks the
# identity and the slope formulas against a finite difference.

# %%
# NBVAL_CHECK_OUTPUT
a = np.array([-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0])
s, t = snp.sigmoid(a), np.tanh(a)
ds, dt = s * (1 - s), 1 - t**2
print("     a    σ(a)   σ'(a)   tanh(a)  tanh'(a)")
for row in zip(a, s, ds, t, dt, strict=True):
    print("{:+6.1f}  {:.3f}  {:.4f}  {:+.3f}   {:.4f}".format(*row))

eps = 1e-6
print("\ntanh(a) = 2σ(2a) - 1:", np.allclose(t, 2 * snp.sigmoid(2 * a) - 1))
print(
    "σ' formula matches a finite difference:",
    np.allclose(ds, (snp.sigmoid(a + eps) - snp.sigmoid(a - eps)) / (2 * eps)),
)
print("tanh' formula matches a finite difference:", np.allclose(dt, (np.tanh(a + eps) - np.tanh(a - eps)) / (2 * eps)))
print(f"σ(a) = 0.99 at a = ln 99 = {np.log(99):.2f}")

# %% [markdown]
# Read the table as a switch. Near $a = 0$ both functions respond to every small change of $a$. At $|a| = 4$, σ is
# already within 0.02 of 0 or 1, its slope has fallen from 0.25 to under 0.02, and tanh's slope from 1 to about a
# thousandth. σ is a switch whose position can be *any* number between off and on, and which moves smoothly as
# $a$ moves: a **soft switch**. Smoothness is the point — a hard on/off switch has slope zero everywhere except
# at the jump, so gradient descent could never learn where to put it.
#
# The figure shows both curves and their slopes. tanh is the steeper one: its largest slope is 1, σ's is 1/4.

# %%
a = np.linspace(-6, 6, 241)
s, t = snp.sigmoid(a), np.tanh(a)
colors = plt.cm.viridis([0.0, 0.6])

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.plot(a, s, color=colors[0], label="σ(a)")
left.plot(a, t, "--", color=colors[1], label="tanh(a)")
left.axhline(0, color="grey", lw=0.5)
left.set(xlabel="pre-activation a", ylabel="output", title="σ gives a fraction, tanh a signed value")
left.legend(loc="upper left")
right.plot(a, s * (1 - s), color=colors[0], label="σ'(a)")
right.plot(a, 1 - t**2, "--", color=colors[1], label="tanh'(a)")
right.set(xlabel="pre-activation a", ylabel="slope", title="Both are flat away from a = 0")
right.legend(loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## A gate: how much passes
#
# A gate reads some input $x$ and decides how much of a value $v$ gets through:
#
# $$g = \sigma(W x + b), \qquad \text{passes} = g \odot v .$$
#
# $g$ has one entry per entry of $v$, each between 0 and 1, and $\odot$ multiplies entry by entry. The gate has
# its own weights: $W$ decides *which* features of $x$ open or close it and how sharply, the bias $b$ decides how
# open it is when the input says nothing ($x = 0$ gives $g = \sigma(b)$). Note what the gate does not do: it never
# changes the sign of $v$ and never makes it bigger, it only scales it down by a learned, input-dependent factor.
#
# In the cell below a gate with three input features controls a value with two entries, so $W$ is $2 \times 3$
# and there are two openings, one per entry of $v$.

# %%
# NBVAL_CHECK_OUTPUT
x = np.array([1.0, -0.5, 2.0])  # what the gate reads: 3 features
v = np.array([3.0, -1.5])  # what it controls: 2 entries
W = np.array([[2.0, 0.0, 1.0], [-1.0, 1.0, -1.5]])  # one row of weights per entry of v
b = np.array([-1.0, 0.5])

a = W @ x + b  # pre-activation, one per entry of v
g = snp.sigmoid(a)  # the gate's openings, in (0, 1)
passes = g * v  # elementwise: entry k of v is scaled by g[k]
print("pre-activation a:", a.round(3))
print("gate g = σ(a):   ", g.round(3))
print("v:               ", v)
print("g ⊙ v:           ", passes.round(3))
print("the gate only shrinks v, never flips it:", bool(np.all(np.abs(passes) <= np.abs(v)) and np.all(passes * v >= 0)))

# %% [markdown]
# The first entry's pre-activation is large and positive, so that gate is almost fully open and nearly all of
# $v_1$ passes; the second is strongly negative, so the gate is almost shut and very little of $v_2$ passes.
#
# ### Try it: one gate, one input
#
# With a single feature the gate is $g = \sigma(w x + b)$. Move the sliders: the weight $w$ sets how strongly the
# input pushes the gate, the bias $b$ sets where the gate sits when $x = 0$, and $v$ is the value being gated.
# (Below the widget is a static figure of the same curves, for readers without a running kernel.)


# %%
slider = dict(min=-5.0, max=5.0, step=0.25)


@interact(
    w=FloatSlider(value=2.0, description="weight w", **slider),
    b=FloatSlider(value=0.0, description="bias b", **slider),
    x=FloatSlider(value=1.0, description="input x", **slider),
    v=FloatSlider(value=1.0, description="value v", **slider),
)
def show_gate(w, b, x, v):
    a = w * x + b
    g = float(snp.sigmoid(np.array(a)))
    bar = "█" * round(20 * g) + "░" * (20 - round(20 * g))
    print(f"a = w·x + b = {w:+.2f} × {x:+.2f} {b:+.2f} = {a:+.2f}")
    print(f"g = σ(a) = {g:.3f}   {bar}  ({100 * g:.0f}% open)")
    print(f"passes: g · v = {g:.3f} × {v:+.2f} = {g * v:+.3f}")


# %%
x = np.linspace(-5, 5, 201)
styles = ["-", "--", "-.", ":"]

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for k, w in enumerate([0.5, 1.0, 2.0, 5.0]):
    left.plot(x, snp.sigmoid(w * x), styles[k], color=plt.cm.viridis(k / 4), label=f"w = {w:g}")
left.set(xlabel="input x", ylabel="gate g = σ(w x + b)", title="The weight sets how sharp (b = 0)")
left.legend(loc="upper left")
for k, b in enumerate([-3.0, 0.0, 3.0]):
    right.plot(x, snp.sigmoid(2.0 * x + b), styles[k], color=plt.cm.viridis(k / 3), label=f"b = {b:g}")
right.set(xlabel="input x", title="The bias sets where it opens (w = 2)")
right.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# The same gate as a picture that follows its sliders: `seqlib.widgets.gate_playground()` draws σ(w·x + b) over all
# inputs, marks the chosen $x$, and says how much of $v$ passes. (Its `.snapshot()` below is the first view, for
# readers without a running kernel.)

# %%
from IPython.display import display

from seqlib import widgets

playground = widgets.gate_playground()
display(playground)
playground.snapshot()

# %% [markdown]
# A large $|w|$ makes the gate close to a real on/off switch that flips at $x = -b/w$; a small $|w|$ makes it a
# gentle dimmer. A negative $w$ turns it around: the gate then closes as $x$ grows. With $w = 0$ the gate ignores
# its input and stays at $\sigma(b)$ — a constant fraction.
#
# ## Exercise: a gate for a batch
#
# Write `gate(x, v, w, b)` for a whole batch at once: `x` is `(batch, features)`, `w` is `(features, 1)`, `b` a
# number and `v` is `(batch, 1)`. Each row gets its own opening $g = \sigma(x\,w + b)$, one number in $(0, 1)$,
# and the function returns what passes, $g \odot v$, of shape `(batch, 1)`. Use `snp.sigmoid` for σ.

# %%
from seqlib.exercises import gate as exercise


def gate(x, v, w, b):
    return None  # your code here: return what passes through the gate


exercise.check(gate)

# %% [markdown]
# Uncomment a line for a hint or a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## A vanilla RNN step
#
# A recurrent network reads a sequence $x_1, x_2, \dots$ one step at a time and carries a *hidden state* $h$ from
# step to step. The simplest one, the vanilla (Elman) RNN, mixes the new input with the old state and squashes:
#
# $$h_t = \tanh(W_x x_t + W_h h_{t-1} + b).$$
#
# $W_x$ is `(hidden, input)`, $W_h$ is `(hidden, hidden)`. seqlib is batch-first, so the rows of `x` and `h` are
# examples and each product $W x$ is written `x @ W.T` — the same layout torch.nn and seqlib's LSTM use.


# %%
# NBVAL_CHECK_OUTPUT
def rnn_step(x, h_prev, W_x, W_h, b):
    """One vanilla RNN step: x (batch, input), h_prev (batch, hidden) -> h (batch, hidden)."""
    return np.tanh(x @ W_x.T + h_prev @ W_h.T + b)


def rnn(x, W_x, W_h, b):
    """Run rnn_step over x (batch, time, input) from h = 0; returns every h, (batch, time, hidden)."""
    h = np.zeros((x.shape[0], W_h.shape[0]))
    hs = []
    for t in range(x.shape[1]):
        h = rnn_step(x[:, t], h, W_x, W_h, b)
        hs.append(h)
    return np.stack(hs, axis=1)


batch, steps, n_in, n_hidden = 64, 40, 4, 32
x = rng.normal(size=(batch, steps, n_in))
W_x = rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in)
W_0 = rng.normal(size=(n_hidden, n_hidden)) / np.sqrt(n_hidden)  # entries with variance 1/hidden
b = np.zeros(n_hidden)
hs = rnn(x, W_x, W_0, b)
print("x:", x.shape, "-> every h:", hs.shape)
print("each h lies in (-1, 1):", bool(np.all(np.abs(hs) < 1)))

# %% [markdown]
# ## How fast does a vanilla RNN forget?
#
# A network that should answer a question about the start of a sequence must still carry a trace of $x_1$ many
# steps later. We can measure the trace directly: run the same network twice on the same sequences, the second
# time with a tiny change $\delta$ added to the first input only, and watch the gap between the two hidden states,
# $|\Delta h_t| = |h_t' - h_t|$, as $t$ grows. When the gap reaches zero, the network has forgotten $x_1$.
#
# What to expect follows from the step's equation. For a small change, each step multiplies the gap by the step's
# Jacobian:
#
# $$\Delta h_t \approx \underbrace{\operatorname{diag}\bigl(1 - h_t^2\bigr)\, W_h}_{J_t}\; \Delta h_{t-1},
# \qquad\text{so}\qquad \Delta h_t \approx J_t J_{t-1} \cdots J_2\, \Delta h_1 .$$
#
# $1 - h_t^2$ is tanh's slope, at most 1, so if $W_h$ shrinks vectors the gap must shrink by some factor at every
# step: geometrically, a straight line on a log axis. The same product of Jacobians is what backpropagation
# through time multiplies gradients by, so "forgets fast" and "gradients vanish" are one observation.
#
# To see the role of $W_h$ we scale it: $W_h = s\,W_0$, where $W_0$'s entries have variance $1/\text{hidden}$, so
# its eigenvalues fill a disc of radius about 1 and $s$ is close to the largest eigenvalue's size (the *spectral
# radius*, printed below). The last line of the table is a preview of the next notebook: a *gated* unit
# $m_t = u_t \odot m_{t-1} + (1 - u_t) \odot \tanh(W_x x_t)$ with $u_t = \sigma(W_u x_t + b_u)$. Its memory is
# carried from step to step by the gate $u_t$ alone — no $W_h$, no tanh slope on the way — and a bias $b_u = 4$
# keeps that gate mostly open.

# %%
delta = 1e-3 * rng.normal(size=(batch, n_in))
x_changed = x.copy()
x_changed[:, 0] += delta  # only the first step differs


def relative_gap(states, states_changed):
    """|Δh_t| averaged over the batch, relative to the gap right after the change."""
    gap = np.linalg.norm(states_changed - states, axis=2).mean(axis=0)
    return gap / gap[0]


def gated_memory(x, W_u, b_u):
    m = np.zeros((x.shape[0], n_hidden))
    ms, us = [], []
    for t in range(x.shape[1]):
        u = snp.sigmoid(x[:, t] @ W_u.T + b_u)  # a gate: how much of the old memory is kept
        m = u * m + (1 - u) * np.tanh(x[:, t] @ W_x.T)
        ms.append(m)
        us.append(u)
    return np.stack(ms, axis=1), np.mean(us)


scales = [0.5, 1.0, 1.5, 2.5]
gaps = {}
print(" scale s  spectral radius  factor per step  steps until below 1%  share of |h| > 0.95")
for s in scales:
    hs = rnn(x, W_x, s * W_0, b)
    gap = relative_gap(hs, rnn(x_changed, W_x, s * W_0, b))
    gaps[f"vanilla RNN, s = {s:g}"] = gap
    radius = np.abs(np.linalg.eigvals(s * W_0)).max()
    factor = gap[20] ** (1 / 20)  # geometric mean of the per-step factor over the first 20 steps
    below = np.flatnonzero(gap < 0.01)
    when = f"{below[0]:d}" if below.size else f"never in {steps}"
    print(f"{s:8.1f}  {radius:15.2f}  {factor:15.2f}  {when:>20}  {np.mean(np.abs(hs) > 0.95):19.2f}")

W_u = rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in)
ms, u_mean = gated_memory(x, W_u, b_u=4.0)
gap = relative_gap(ms, gated_memory(x_changed, W_u, b_u=4.0)[0])
gaps["gated memory, b_u = 4"] = gap
below = np.flatnonzero(gap < 0.01)
print(f"\ngated memory: mean gate u = {u_mean:.2f}, factor per step {gap[20] ** (1 / 20):.2f}, ", end="")
print(f"steps until below 1%: {below[0] if below.size else f'never in {steps}'}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
styles = ["-", "--", "-.", ":", "-"]
for k, (label, gap) in enumerate(gaps.items()):
    gated = label.startswith("gated")
    ax.semilogy(
        np.arange(1, steps + 1),
        gap,
        styles[k],
        color="black" if gated else plt.cm.viridis(k / len(scales)),
        lw=2.5 if gated else 1.5,
        label=label,
    )
ax.axhline(0.01, color="grey", lw=0.8)
ax.text(steps, 0.012, "1% of the first gap", ha="right", va="bottom", color="grey", fontsize=8)
ax.set(xlabel="time step t", ylabel="|Δh_t| / |Δh_1|  (log scale)", title="A change at step 1, seen t steps later")
ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# What the measurement shows (the numbers are in the printed table):
#
# - **Small weights forget geometrically.** For $s$ below about 1.5 each curve is close to a straight line on the
#   log axis: every step multiplies the trace of $x_1$ by roughly the same factor, and the smaller $s$, the smaller
#   the factor and the sooner the trace falls below 1%; within the 40 steps measured, all three get there. (The
#   flat end of the $s = 0.5$ curve is not memory: the gap has reached the rounding error of float64 numbers.)
# - **Larger weights forget more slowly, but not safely.** The factor per step grows with $s$; at the largest
#   scale it is above 1, and the tiny change at step 1 *grows* instead of fading. That network is not remembering,
#   it is amplifying: small differences blow up (on the gradient side, gradients explode). The last column shows
#   another cost: the larger $s$, the more units sit in tanh's flat tails ($|h| > 0.95$), where the first section
#   measured slopes close to zero.
# - **A gate holds on.** The gated unit's curve falls far more slowly than any vanilla RNN's that still forgets:
#   its trace is multiplied at each step by its gate $u_t$, which the bias keeps near 1, instead of by
#   $\operatorname{diag}(1 - h_t^2)\,W_h$. Nothing has to be tuned to an edge between vanishing and exploding: the
#   gate's opening *is* the rate of forgetting, and a network can learn it per unit and per input.
#
# The LSTM's cell state, in the next notebook, is built on exactly this: a memory updated by gated addition, with a
# *forget gate* in the role of $u_t$.
#
# ## Summary
#
# - σ maps any number into $(0, 1)$ and makes gates; tanh maps into $(-1, 1)$ and makes signed values. Both are
#   steep near 0 and flat a few units away; tanh's slope is at most 1, σ's at most 1/4.
# - A gate is $g = \sigma(W x + b)$ and passes $g \odot v$: the weights choose what opens it and how sharply, the
#   bias how open it is by default. It is a soft switch, so it can be learned by gradient descent.
# - A vanilla RNN step is $h_t = \tanh(W_x x_t + W_h h_{t-1} + b)$. A change at step 1 reaches step $t$ through a
#   product of Jacobians: measured, it fades geometrically when $W_h$ is small and blows up when it is large.
# - A memory carried by a gate near 1 fades far more slowly — the idea behind the LSTM's cell state.
#
# **Previous:** [00 · Start here](00_start_here.ipynb) · **Next:** [02 · The LSTM cell, by hand in NumPy](02_lstm_cell_numpy.ipynb)
