# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 02 · The LSTM cell, by hand in NumPy
#
# **In one sentence:** the LSTM's six equations, each beside the line of NumPy that computes it, one step worked out by hand, and a whole layer shown equal to torch.nn.LSTM.
#
# *About 25 minutes.*
#
# **Learning goals.** After this notebook you can
# - write the LSTM equations for $i, f, g, o, c, h$ and point to the line of `seqlib.numpy` that computes each;
# - read torch.nn's stacked weights `W_ih (4H, I)`, `W_hh (4H, H)`, `b_ih`, `b_hh` and their gate order i, f, g, o;
# - compute one LSTM step with pen-and-paper arithmetic and check it against seqlib;
# - run an LSTM over a batch of sequences, copy a `torch.nn.LSTM` into it, and show the two agree;
# - explain why the cell state $c$ is a memory, and measure what `forget_bias=1.0` changes.
#
# **Prerequisites.** [01 · Gates](01_gates.ipynb): σ, tanh, a gate $g = \sigma(Wx + b)$, a vanilla RNN step.

# %%
import inspect
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

import seqlib.numpy as snp
from seqlib import convert
from seqlib.numpy import functional as F

torch.manual_seed(0)  # torch.nn's initial weights, drawn below
rng = np.random.default_rng(0)  # every other random draw comes from here or from seed=0

# %% [markdown]
# ## Two states, three gates and a candidate
#
# Notebook 01 ended with a measurement: in a vanilla RNN, whose state passes through $W_h$ and a tanh at every
# step, a change at the first input fades geometrically when $W_h$ is small (and blows up when it is large), while
# a memory carried along by a gate close to 1 keeps it for much longer. The LSTM (Hochreiter & Schmidhuber, 1997; the forget gate was added by Gers et al., 2000) is built on
# that second kind of memory. It carries **two** states from step to step:
#
# - the **cell state** $c_t$, the memory. It changes only by gated addition: keep a fraction of the old memory,
#   add a gated amount of new content. No weight matrix and no squashing stand on the path from $c_{t-1}$ to $c_t$.
# - the **hidden state** $h_t$, what the cell shows: the output at step $t$ and the input to the gates at step
#   $t + 1$. It is a gated, squashed read-out of the memory.
#
# Four quantities are computed from the new input $x_t$ and the previous output $h_{t-1}$ at every step: three
# gates (σ, fractions in $(0, 1)$) and one candidate (tanh, signed values in $(-1, 1)$):
#
# | symbol | name | activation | role |
# |---|---|---|---|
# | $i_t$ | input gate | σ | how much of the candidate enters the memory |
# | $f_t$ | forget gate | σ | how much of the old memory survives |
# | $g_t$ | candidate | tanh | the new content that could be written |
# | $o_t$ | output gate | σ | how much of the memory is shown as $h_t$ |

# %% [markdown]
# ## The equations, beside the code
#
# With torch.nn's names (each gate has its own input weights $W_{i\cdot}$, recurrent weights $W_{h\cdot}$ and two
# biases):
#
# $$
# \begin{aligned}
# i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
# f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
# g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
# o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
# h_t &= o_t \odot \tanh(c_t)
# \end{aligned}
# $$
#
# The subscripts name two things: the first letter says what the weight multiplies ($i$ for the input $x_t$, $h$
# for the previous state $h_{t-1}$), the second which block it feeds ($i$, $f$, $g$ or $o$). So $W_{hf}$ carries
# $h_{t-1}$ into the forget gate, and $W_{ii}$ carries the input into the input gate.
#
# Four blocks times two kinds of weights would be eight matrices. torch.nn stacks them instead, blocks one
# under the other in the order **i, f, g, o**, so that one matrix product computes all four pre-activations:
#
# $$
# W_{ih} = \begin{bmatrix} W_{ii} \\ W_{if} \\ W_{ig} \\ W_{io} \end{bmatrix} \in \mathbb{R}^{4H \times I},
# \qquad
# W_{hh} = \begin{bmatrix} W_{hi} \\ W_{hf} \\ W_{hg} \\ W_{ho} \end{bmatrix} \in \mathbb{R}^{4H \times H},
# \qquad b_{ih}, b_{hh} \in \mathbb{R}^{4H}.
# $$
#
# seqlib keeps exactly this layout (`W_ih`, `W_hh`, `b_ih`, `b_hh`), and it is batch-first: the rows of `x` and
# `h` are examples, so $W x$ is written `x @ W.T`. Here is the whole forward step of `seqlib.numpy`:

# %%
print(inspect.getsource(F.lstm_step))

# %% [markdown]
# Line by line, with the same symbols:
#
# | equation | line in `lstm_step` |
# |---|---|
# | $a = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$, all four blocks (three gates and the candidate) at once, shape `(batch, 4H)` | `xw` (computed by the caller) `a = h_prev @ W_hh.T`, `a += xw`, `a += b_hh` |
# | cut $a$ into the gate blocks, in the order i, f, g, o | `a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)` |
# | $i_t = \sigma(\dots)$ | `i = sigmoid(a_i)` |
# | $f_t = \sigma(\dots)$ | `f = sigmoid(a_f)` |
# | $g_t = \tanh(\dots)$ | `g = np.tanh(a_g)` |
# | $o_t = \sigma(\dots)$ | `o = sigmoid(a_o)` |
# | $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ | `c = f * c_prev + i * g` |
# | $h_t = o_t \odot \tanh(c_t)$ | `tanh_c = np.tanh(c)`, `h = o * tanh_c` |
#
# Two details. The input's share `xw = x @ W_ih.T + b_ih` arrives precomputed: it does not depend on the state,
# so a layer computes it for all time steps in one big product before the loop, and only the recurrent product
# stays inside it. And the step returns a `cache` next to `(h, c)` — the values its backward pass will need,
# used in a later notebook.

# %% [markdown]
# ## One step by hand
#
# Take the smallest LSTM that has all its parts: input size $I = 2$ and hidden size $H = 1$. Each gate block is
# then a single row, so every pre-activation is two products plus one recurrent product plus two biases. The
# weights are chosen by hand:
#
# | gate | row of `W_ih` | `b_ih` | `W_hh` | `b_hh` |
# |---|---|---|---|---|
# | i | 0.5, 0.25 | 0 | 1 | −1 |
# | f | 0, 0.5 | 1 | 2 | 0 |
# | g | 1, −1 | 0 | −2 | 0.5 |
# | o | 0.25, 0.25 | 0 | 0 | 0 |
#
# The input is $x_t = (1, 2)$ and the previous state is $h_{t-1} = 0.5$, $c_{t-1} = 1$. First with nothing but
# arithmetic on plain Python numbers:


# %%
# NBVAL_CHECK_OUTPUT
def sigma(a):  # σ of one plain number
    return 1 / (1 + math.exp(-a))


# W_i<gate> · x_t      + b_i<gate> + W_h<gate> · h_prev + b_h<gate>
a_i = (0.5 * 1 + 0.25 * 2) + 0 + (1 * 0.5) + (-1)
a_f = (0.0 * 1 + 0.5 * 2) + 1 + (2 * 0.5) + 0
a_g = (1.0 * 1 - 1.0 * 2) + 0 + (-2 * 0.5) + 0.5
a_o = (0.25 * 1 + 0.25 * 2) + 0 + (0 * 0.5) + 0

i, f, g, o = sigma(a_i), sigma(a_f), math.tanh(a_g), sigma(a_o)
c = f * 1.0 + i * g  # c_prev = 1
h = o * math.tanh(c)

print(f"input gate   i = σ({a_i:+.2f})    = {i:.4f}")
print(f"forget gate  f = σ({a_f:+.2f})    = {f:.4f}")
print(f"candidate    g = tanh({a_g:+.2f}) = {g:+.4f}")
print(f"output gate  o = σ({a_o:+.2f})    = {o:.4f}")
print(f"cell state   c = f·c_prev + i·g = {f:.4f}·1 + {i:.4f}·({g:+.4f}) = {c:.4f}")
print(f"output       h = o·tanh(c) = {o:.4f}·{math.tanh(c):.4f} = {h:.4f}")

# %% [markdown]
# The forget gate is wide open (its pre-activation is $a_f = 3$: the input, the bias and the recurrent term add 1
# each), so almost all of the old memory $c_{t-1} = 1$
# survives; the input gate lets in a good part of a strongly negative candidate, which pulls the memory down.
# The output gate then shows a fraction of $\tanh(c_t)$ as $h_t$.
#
# Now the same step with seqlib, from the stacked arrays. The rows of `W_ih` are the table's rows in the order
# i, f, g, o; the batch has one example, so `x` is `(1, 2)` and each state `(1, 1)`.

# %%
# NBVAL_CHECK_OUTPUT
W_ih = np.array([[0.5, 0.25], [0.0, 0.5], [1.0, -1.0], [0.25, 0.25]])  # (4H, I) = (4, 2), rows i, f, g, o
W_hh = np.array([[1.0], [2.0], [-2.0], [0.0]])  # (4H, H) = (4, 1)
b_ih = np.array([0.0, 1.0, 0.0, 0.0])
b_hh = np.array([-1.0, 0.0, 0.5, 0.0])
x_t = np.array([[1.0, 2.0]])
h_prev, c_prev = np.array([[0.5]]), np.array([[1.0]])

h_seq, c_seq, cache = F.lstm_step(x_t @ W_ih.T + b_ih, h_prev, c_prev, W_hh, b_hh)
print("seqlib: h =", h_seq.round(4), " c =", c_seq.round(4))
print("same as by hand:", math.isclose(h_seq[0, 0], h, abs_tol=1e-12) and math.isclose(c_seq[0, 0], c, abs_tol=1e-12))
print("gates in the cache are i, f, g, o:", np.allclose(np.hstack(cache[2:6]), [[i, f, g, o]]))

cell = snp.LSTMCell(input_size=2, hidden_size=1)
cell.W_ih, cell.W_hh, cell.b_ih, cell.b_hh = W_ih, W_hh, b_ih, b_hh
h_cell, c_cell = cell(x_t, (h_prev, c_prev))
print("the LSTMCell class agrees:", np.array_equal(h_cell, h_seq) and np.array_equal(c_cell, c_seq))

# %% [markdown]
# ## A whole sequence: `seqlib.numpy.LSTM`
#
# A layer runs the step over every time step of a batch of sequences. Its input is `(batch, time, features)`; it
# returns the outputs — $h_t$ at every step, `(batch, time, hidden)` — and the final state $(h, c)$, each
# `(batch, hidden)`. The parameter count follows from the layout: $4H \cdot I + 4H \cdot H + 4H + 4H$.

# %%
# NBVAL_CHECK_OUTPUT
batch, steps, n_in, n_hidden = 2, 7, 3, 5
x = rng.normal(size=(batch, steps, n_in))
lstm = snp.LSTM(input_size=n_in, hidden_size=n_hidden, seed=0)
outputs, (h, c) = lstm(x)

print(lstm)
print("x:", x.shape, " outputs:", outputs.shape, " h:", h.shape, " c:", c.shape)
for name, p in lstm.parameters().items():
    print(f"  {name:<5} {p.shape}")
H, I = n_hidden, n_in
print("parameters:", lstm.num_params(), "= 4H·I + 4H·H + 4H + 4H =", 4 * H * I + 4 * H * H + 4 * H + 4 * H)
print("the last output is the final h:", np.array_equal(outputs[:, -1], h))

# %% [markdown]
# The layer is no more than the step in a loop. Written out, with the input's share computed for each step:

# %%
# NBVAL_CHECK_OUTPUT
h_t = np.zeros((batch, n_hidden))
c_t = np.zeros((batch, n_hidden))
hs = []
for t in range(steps):
    h_t, c_t, _ = F.lstm_step(x[:, t] @ lstm.W_ih.T + lstm.b_ih, h_t, c_t, lstm.W_hh, lstm.b_hh)
    hs.append(h_t)
print("loop of lstm_step == LSTM layer:", np.allclose(np.stack(hs, axis=1), outputs) and np.allclose(c_t, c))

# %% [markdown]
# ## Equal to `torch.nn.LSTM`
#
# `LSTM.from_torch(module)` copies a single-layer `torch.nn.LSTM`'s four parameters — `weight_ih_l0`,
# `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, the same stacked layout — into a seqlib layer. If seqlib's equations
# and gate order are torch.nn's, the two must then give the same outputs on the same input. The module is built in
# float64, like seqlib's default, so the comparison can be strict.
#
# Two differences of convention to keep in mind: torch.nn is time-first unless it is built with
# `batch_first=True`, and it returns states as `(num_layers, batch, hidden)`, so seqlib's `h` is torch's `h_n[0]`.

# %%
# NBVAL_CHECK_OUTPUT
module = torch.nn.LSTM(input_size=n_in, hidden_size=n_hidden, batch_first=True, dtype=torch.float64)
for name, p in module.named_parameters():
    print(f"{name:<13} {tuple(p.shape)}")

ours = snp.LSTM.from_torch(module)
with torch.no_grad():
    out_torch, (h_torch, c_torch) = module(torch.from_numpy(x))
out_ours, (h_ours, c_ours) = ours(x)

print("torch's h_n:", tuple(h_torch.shape), " seqlib's h:", h_ours.shape)
for name, mine, theirs in [("outputs", out_ours, out_torch), ("h", h_ours, h_torch[0]), ("c", c_ours, c_torch[0])]:
    print(f"{name:<7}  max |diff| < 1e-10:", bool(np.abs(mine - theirs.numpy()).max() < 1e-10))

# %% [markdown]
# The gate order is not a detail. CS231n's assignment stacks the same four blocks as i, f, **o, g**; read torch's
# weights in that order and every number is still there, but the candidate and the output gate swap roles:

# %%
# NBVAL_CHECK_OUTPUT
misread = snp.LSTM(n_in, n_hidden, seed=0)  # its own weights are replaced next
for name, p in ours.parameters().items():
    setattr(misread, name, convert.reorder_gates(p, "ifgo", "ifog"))  # blocks g and o exchanged
out_misread, _ = misread(x)
print("blocks read as i, f, o, g: max |diff| > 0.01:", bool(np.abs(out_misread - out_torch.numpy()).max() > 0.01))

# %% [markdown]
# ## The cell state as a memory
#
# Why should $c$ remember better than a vanilla RNN's $h$? Follow a small change of the memory through one step.
# In $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ the direct path from $c_{t-1}$ to $c_t$ is a multiplication by the
# forget gate:
#
# $$\frac{\partial c_t}{\partial c_{t-1}}\bigg|_{\text{direct}} = \operatorname{diag}(f_t).$$
#
# The left side is a *Jacobian*: the matrix of how each entry of $c_t$ changes when one entry of $c_{t-1}$ changes.
# It is diagonal because unit $j$ of $c_t$ depends only on unit $j$ of $c_{t-1}$: a change to one unit's memory is
# scaled by that unit's forget gate and touches no other unit. (Notebook 04 follows such products of Jacobians
# backwards through many steps, which is how gradients reach early inputs.) The change also reaches the gates through $h_{t-1}$; that path goes through $W_{hh}$ and squashing, like a
# vanilla RNN's.) So the memory is kept for as long as the forget gate stays near 1. What decides that at the start
# of training is the forget gate's bias $b_{if} + b_{hf}$. torch.nn draws it at random around 0, which puts $f$
# around $\sigma(0) = 0.5$; `forget_bias=1.0` sets it to 1 instead (Jozefowicz et al., 2015 recommend this, and
# Keras's `unit_forget_bias=True` default does the same), and the rest of the initialisation is unchanged:

# %%
# NBVAL_CHECK_OUTPUT
plain = snp.LSTM(1, 8, seed=0)
opened = snp.LSTM(1, 8, seed=0, forget_bias=1.0)
H = 8
forget = slice(H, 2 * H)  # the f block: rows H..2H-1 in the order i, f, g, o
print("b_ih, f block:", opened.b_ih[forget])
print("b_hh, f block:", opened.b_hh[forget])
same_weights = np.array_equal(plain.W_ih, opened.W_ih) and np.array_equal(plain.W_hh, opened.W_hh)
rest = np.r_[0:H, 2 * H : 4 * H]  # the i, g and o blocks
same_biases = np.array_equal(plain.b_ih[rest], opened.b_ih[rest]) and np.array_equal(
    plain.b_hh[rest], opened.b_hh[rest]
)
print("everything else as without forget_bias:", same_weights and same_biases)

# %% [markdown]
# Now the measurement of notebook 01, on the cell state: run an untrained LSTM on 64 random sequences of 40 steps,
# run it again with a small change at the first input only, and measure the gap $|\Delta c_t|$ between the two
# runs' cell states. We compare torch.nn's initialisation with `forget_bias=1.0` and, to see the trend,
# `forget_bias=3.0`. The loop is the one above, keeping each step's forget gate from the cache.

# %%
batch, steps, H = 64, 40, 8
x = rng.normal(size=(batch, steps, 1))
x_changed = x.copy()
x_changed[:, 0] += 1e-3  # only the first step differs


def run(lstm, x):
    """Every c_t and every forget gate f_t of an LSTM over x, from zero states."""
    h_t = np.zeros((x.shape[0], lstm.hidden_size))
    c_t = np.zeros_like(h_t)
    cs, fs = [], []
    for t in range(x.shape[1]):
        h_t, c_t, cache = F.lstm_step(x[:, t] @ lstm.W_ih.T + lstm.b_ih, h_t, c_t, lstm.W_hh, lstm.b_hh)
        cs.append(c_t)
        fs.append(cache[3])  # cache = (h_prev, c_prev, i, f, g, o, tanh(c))
    return np.stack(cs, axis=1), np.stack(fs, axis=1)


settings = {"torch.nn's init": None, "forget_bias = 1": 1.0, "forget_bias = 3": 3.0}
forget_gates, gaps = {}, {}
print(f"{'':<16} {'mean f':>6}  {'factor per step':>15}  {'first step below 1%':>20}")
for label, forget_bias in settings.items():
    lstm = snp.LSTM(1, H, seed=0, forget_bias=forget_bias)
    cs, fs = run(lstm, x)
    gap = np.linalg.norm(run(lstm, x_changed)[0] - cs, axis=2).mean(axis=0)
    gap = gap / gap[0]
    forget_gates[label], gaps[label] = fs.ravel(), gap
    below = np.flatnonzero(gap < 0.01)
    when = f"t = {below[0] + 1:d}" if below.size else f"never in {steps}"  # gap[0] is step t = 1
    print(f"{label:<16} {fs.mean():6.2f}  {gap[20] ** (1 / 20):15.2f}  {when:>20}")

# %%
colors = plt.cm.viridis([0.0, 0.45, 0.8])
styles = ["-", "--", ":"]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for k, label in enumerate(settings):
    left.hist(forget_gates[label], bins=40, range=(0, 1), histtype="step", lw=2, ls=styles[k], color=colors[k])
    right.semilogy(np.arange(1, steps + 1), gaps[label], styles[k], lw=2, color=colors[k], label=label)
left.set(xlabel="forget gate f (every step, unit and sequence)", ylabel="count", title="What the forget bias does to f")
left.legend(handles=right.get_lines(), labels=list(settings), loc="upper left")
right.axhline(0.01, color="grey", lw=0.8)
right.set(xlabel="time step t", ylabel="|Δc_t| / |Δc_1|  (log scale)", title="A change at step 1, seen in c")
right.legend(loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown]
# The histogram shows the cause: raising the forget bias moves the forget gate's values towards 1. The right panel
# shows the effect: the larger the forget gate, the more slowly the change at step 1 fades from the cell state —
# the printed factor per step rises with the mean forget gate, and with the largest bias the change is still
# there at the end. The factor is above the mean of $f$ itself because the direct path through $c$ is not the
# only one: the change also reaches later steps through $h$ and the gates it feeds, which is why the largest
# forget bias keeps it almost whole. An LSTM that has to carry information over many steps can learn to hold $f$ near 1 on the units
# that store it, and to drop it towards 0 when the stored content should be erased; `forget_bias=1.0` only makes
# the starting point lean towards remembering, so that gradients from distant steps reach the weights from the first
# update on.
#
# ## Exercise: write the LSTM step
#
# Write `lstm_step` from scratch, with the whole pre-activation computed inside: `x (batch, I)`,
# `h_prev` and `c_prev (batch, H)`, the stacked weights `W_ih (4H, I)`, `W_hh (4H, H)`, `b_ih (4H,)`,
# `b_hh (4H,)` in torch.nn's order i, f, g, o. Return the pair `(h, c)`. Use `snp.sigmoid` for σ. The checker
# recognises the classic mistakes (gates in the wrong order, i and f swapped, a σ where a tanh belongs, a missing
# tanh).

# %%
from seqlib.exercises import lstm_step as exercise


def lstm_step(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    return None  # your code here: return (h, c)


exercise.check(lstm_step)

# %% [markdown]
# Uncomment a line for a hint (run it again for the next one) or a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - An LSTM carries a memory $c$ and an output $h$. Three σ gates and a tanh candidate are computed from $x_t$ and
#   $h_{t-1}$: $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ and $h_t = o_t \odot \tanh(c_t)$.
# - torch.nn and seqlib stack the weights of the three gates and the candidate (i, f, g, o) in one `W_ih (4H, I)`, one `W_hh (4H, H)` and two biases,
#   in the order i, f, g, o; a layer has $4H(I + H + 2)$ parameters. Other libraries use other orders.
# - One step by hand, seqlib's `lstm_step`, its `LSTMCell` and its `LSTM` layer all agree, and the layer equals
#   `torch.nn.LSTM` to better than $10^{-10}$ after `LSTM.from_torch`.
# - The path from $c_{t-1}$ to $c_t$ is a multiplication by $f_t$: measured, the memory of an early input lasts
#   longer the more open the forget gate, and `forget_bias=1.0` starts training with it more open.
#
# **Previous:** [01 · Gates](01_gates.ipynb) · **Next:** [03 · The GRU cell, by hand in NumPy](03_gru_cell_numpy.ipynb)
