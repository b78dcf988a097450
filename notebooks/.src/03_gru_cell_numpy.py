# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 03 · The GRU cell, by hand in NumPy
#
# **In one sentence:** the GRU's update gate, reset gate and candidate, each equation next to the NumPy line that computes it, its two variants, its parameter count, and proof that it equals torch.nn and Keras.
#
# *About 25 minutes.*
#
# **Learning goals.** After this notebook you can
# - write the four equations of a GRU step and say what the update gate $z$ and the reset gate $r$ each decide;
# - read `seqlib.numpy`'s `gru_step` line by line beside those equations, in torch.nn's gate order r, z, n;
# - tell the *reset-after* GRU (torch.nn, Keras's default) from the *reset-before* one (Cho et al., d2l) and show
#   on numbers that they compute different things;
# - derive why a GRU has exactly 3/4 of the parameters of an LSTM with the same sizes, and count them;
# - load weights from `torch.nn.GRU` and from Keras's `GRU` and check that the outputs agree.
#
# **Prerequisites.** [02 · The LSTM cell, by hand in NumPy](02_lstm_cell_numpy.ipynb): gates as sigmoids, the
# stacked weights `W_ih`, `W_hh`, `b_ih`, `b_hh` and their gate blocks. The conventions of
# [00 · Start here](00_start_here.ipynb): inputs are `(batch, time, features)`, a GRU's state is one array `h`.

# %%
import inspect
import os

import numpy as np

import seqlib.numpy as snp
from seqlib.numpy import functional as F

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)  # the one generator every draw below comes from

# %% [markdown]
# ## From the LSTM to the GRU
#
# The LSTM of notebook 02 carries two arrays from step to step: a cell state $c$ that is updated by adding, and an
# output $h$ that is a gated view of it. It needs three gates (input, forget, output) plus a candidate.
#
# The gated recurrent unit (GRU; Cho et al., 2014) keeps the part that makes the LSTM work — a state that is
# updated by *mixing* old and new instead of being overwritten — and drops the rest. There is one state, $h$, and
# two gates:
#
# - the **update gate** $z$ decides, for every hidden unit, how much of the old state survives. Where $z = 1$ the
#   unit keeps its old value; where $z = 0$ it takes the new candidate. One gate does the job of the LSTM's
#   forget *and* input gates, because the two shares always add up to 1.
# - the **reset gate** $r$ decides how much of the old state the candidate may look at. Where $r = 0$ the
#   candidate is computed as if the sequence started here.
#
# The **candidate** $n$ ("new") is the value the state would take if it were replaced entirely.

# %% [markdown]
# ## The equations, and the lines that compute them
#
# seqlib is batch-first, so an input $x$ is a row per example, shape `(batch, I)`, and a weight matrix is applied
# as $x W^\top$. The weights are torch.nn's: each gate has an input matrix, a recurrent matrix and two biases,
#
# $$W_{ih} = \begin{bmatrix} W_{ir} \\ W_{iz} \\ W_{in} \end{bmatrix}\ (3H \times I), \qquad
#   W_{hh} = \begin{bmatrix} W_{hr} \\ W_{hz} \\ W_{hn} \end{bmatrix}\ (3H \times H), \qquad
#   b_{ih},\ b_{hh}\ (3H),$$
#
# stacked in the order **r, z, n**. One GRU step from the previous state $h_{prev}$ is
#
# $$
# \begin{aligned}
# r &= \sigma\!\left(x W_{ir}^\top + b_{ir} + h_{prev} W_{hr}^\top + b_{hr}\right) && \text{reset gate}\\
# z &= \sigma\!\left(x W_{iz}^\top + b_{iz} + h_{prev} W_{hz}^\top + b_{hz}\right) && \text{update gate}\\
# n &= \tanh\!\left(x W_{in}^\top + b_{in} + r \odot \left(h_{prev} W_{hn}^\top + b_{hn}\right)\right) && \text{candidate}\\
# h &= (1 - z) \odot n + z \odot h_{prev} && \text{new state}
# \end{aligned}
# $$
#
# where $\sigma$ is the logistic sigmoid and $\odot$ multiplies elementwise. `seqlib.numpy.functional.gru_step`
# computes exactly this. It receives `xw` $= x W_{ih}^\top + b_{ih}$ already computed, because a layer computes
# the input's share for all time steps at once, and splits both shares into their three blocks:
#
# | equation | line in `gru_step` |
# |---|---|
# | $x_r, x_z, x_n$ = the blocks of $x W_{ih}^\top + b_{ih}$ | `x_r, x_z, x_n = np.split(xw, 3, axis=1)` |
# | $h_r, h_z, h_n$ = the blocks of $h_{prev} W_{hh}^\top + b_{hh}$ | `h_r, h_z, h_n = np.split(h_prev @ W_hh.T + b_hh, 3, axis=1)` |
# | $r = \sigma(x_r + h_r)$ | `r = sigmoid(x_r + h_r)` |
# | $z = \sigma(x_z + h_z)$ | `z = sigmoid(x_z + h_z)` |
# | $n = \tanh(x_n + r \odot h_n)$ | `n = np.tanh(x_n + r * h_n)` |
# | $h = (1 - z) \odot n + z \odot h_{prev}$ | `h = (1 - z) * n + z * h_prev` |
#
# Here is the whole function. Ignore the `reset_after=False` branches for now; they are the other variant,
# explained further down.

# %%
print(inspect.getsource(F.gru_step))

# %% [markdown]
# ## One step, computed twice
#
# To be sure the table says what the code does, compute one step from the four equations with the per-gate blocks
# cut out by hand, and compare with `gru_step` and with the `GRUCell` class that wraps it. The sizes are tiny:
# 2 examples, 3 input features, 4 hidden units.

# %%
B, I, H = 2, 3, 4
cell = snp.GRUCell(I, H, seed=0)
x = rng.normal(size=(B, I))
h_prev = rng.normal(size=(B, H))

W_ir, W_iz, W_in = cell.W_ih[:H], cell.W_ih[H : 2 * H], cell.W_ih[2 * H :]
W_hr, W_hz, W_hn = cell.W_hh[:H], cell.W_hh[H : 2 * H], cell.W_hh[2 * H :]
b_ir, b_iz, b_in = np.split(cell.b_ih, 3)
b_hr, b_hz, b_hn = np.split(cell.b_hh, 3)

r = snp.sigmoid(x @ W_ir.T + b_ir + h_prev @ W_hr.T + b_hr)
z = snp.sigmoid(x @ W_iz.T + b_iz + h_prev @ W_hz.T + b_hz)
n = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T + b_hn))
h = (1 - z) * n + z * h_prev
print("h from the equations:\n", h)

# %%
# NBVAL_CHECK_OUTPUT
h_functional, _ = F.gru_step(x @ cell.W_ih.T + cell.b_ih, h_prev, cell.W_hh, cell.b_hh)
h_cell = cell(x, h_prev)
print("shapes: x", x.shape, " h_prev", h_prev.shape, " h", h.shape)
print("equations == functional.gru_step (max |diff| < 1e-12):", np.abs(h - h_functional).max() < 1e-12)
print("equations == GRUCell              (max |diff| < 1e-12):", np.abs(h - h_cell).max() < 1e-12)

# %% [markdown]
# ## What the two gates do, measured
#
# The gates are sigmoids of learned pre-activations, so a large bias pins them near 0 or 1. Pinning them shows what
# each one controls. The next cell takes copies of the cell above, adds ±6 to one gate's bias (it prints σ(6) and
# σ(−6) first), and measures what changes:
#
# - $z$ pinned near 1: the new state should be (almost) the old one;
# - $z$ pinned near 0: the new state should be (almost) the candidate;
# - $r$ pinned near 0: the candidate should (almost) ignore $h_{prev}$ — it equals $\tanh(x_n)$.


# %%
def pinned(gate, bias):
    """A copy of `cell` with `bias` added to one gate's input bias (gate 0 = r, 1 = z, 2 = n)."""
    copy = cell.to_dtype(np.float64)
    copy.b_ih[gate * H : (gate + 1) * H] += bias
    return copy


def step_with_gates(c):
    h, (_, r, z, n, _) = F.gru_step(x @ c.W_ih.T + c.b_ih, h_prev, c.W_hh, c.b_hh)
    return h, r, z, n


print(f"σ(6) = {snp.sigmoid(6.0):.4f}   σ(-6) = {snp.sigmoid(-6.0):.4f}")
h_keep, _, z_keep, _ = step_with_gates(pinned(1, +6))
h_take, _, z_take, n_take = step_with_gates(pinned(1, -6))
_, r_off, _, n_off = step_with_gates(pinned(0, -6))
x_n = (x @ cell.W_ih.T + cell.b_ih)[:, 2 * H :]
print(f"z ≈ 1 (mean z = {z_keep.mean():.4f}):  max |h - h_prev|     = {np.abs(h_keep - h_prev).max():.4f}")
print(f"z ≈ 0 (mean z = {z_take.mean():.4f}):  max |h - n|          = {np.abs(h_take - n_take).max():.4f}")
print(f"r ≈ 0 (mean r = {r_off.mean():.4f}):  max |n - tanh(x_n)|  = {np.abs(n_off - np.tanh(x_n)).max():.4f}")
print(f"for comparison, max |h_prev| = {np.abs(h_prev).max():.4f}")

# %% [markdown]
# Each printed difference is small next to the size of the state itself (the last line): with $z$ near 1 the unit
# copies its old value, with $z$ near 0 it takes the candidate, and with $r$ near 0 the candidate no longer
# depends on the old state. That last case is how a GRU can "start afresh" in the middle of a sequence.
#
# Note the convention: in Cho et al.'s paper, torch.nn, Keras and d2l, $z$ is the share of the **old** state. Some
# texts (Chung et al., 2014, for example) write $h = z \odot n + (1 - z) \odot h_{prev}$ instead. Both describe a
# GRU, but weights trained under one convention do not work under the other, so check which one a formula uses.

# %% [markdown]
# ## Reset after, or reset before?
#
# There are two GRUs in common use. They differ in one place only: where the reset gate meets the recurrent
# matrix $W_{hn}$ inside the candidate.
#
# $$
# \begin{aligned}
# \text{reset after (torch.nn, Keras's default, cuDNN):}\quad
#   n &= \tanh\!\left(x W_{in}^\top + b_{in} + r \odot \left(h_{prev} W_{hn}^\top + b_{hn}\right)\right)\\
# \text{reset before (Cho et al. 2014 v3, d2l):}\quad
#   n &= \tanh\!\left(x W_{in}^\top + b_{in} + \left(r \odot h_{prev}\right) W_{hn}^\top + b_{hn}\right)
# \end{aligned}
# $$
#
# In *reset after*, $h_{prev} W_{hh}^\top$ does not depend on $r$, so all three recurrent blocks come out of one
# matrix product before any gate is known, which suits fast GPU kernels (cuDNN's GRU is this variant). In
# *reset before*, the product for $n$ has to wait for $r$. In `gru_step` above these are the two branches of `if reset_after:`
# (`n = np.tanh(x_n + r * h_n)` versus `n = np.tanh(x_n + rh @ W_hh[2 * H :].T + b_hh[2 * H :])`).
#
# A seqlib GRU takes the variant as an argument: `GRU(..., reset_after=True)` (the default) or
# `reset_after=False`. The variant does not change the weights' shapes, and the same seed draws the same weights,
# so the two can be compared on identical numbers:

# %%
cell_after = snp.GRUCell(I, H, seed=0, reset_after=True)
cell_before = snp.GRUCell(I, H, seed=0, reset_after=False)
pairs = zip(cell_after.parameters().values(), cell_before.parameters().values(), strict=True)
same = all(np.array_equal(a, b) for a, b in pairs)
print("same weights:", same)

h_after = cell_after(x, h_prev)
h_before = cell_before(x, h_prev)
print("reset after :\n", h_after)
print("reset before:\n", h_before)
print("difference  :\n", h_after - h_before)
print(f"max |difference| = {np.abs(h_after - h_before).max():.4f}")

# %% [markdown]
# Same weights, same input, same previous state — and a different new state. So the variant is part of what a
# trained GRU *is*: weights learned in one variant give other outputs in the other. Where does the difference
# enter? $r$ and $z$ are computed the same way in both, so only the candidate $n$ can differ:

# %%
_, (_, r_a, z_a, n_a, _) = F.gru_step(x @ cell.W_ih.T + cell.b_ih, h_prev, cell.W_hh, cell.b_hh, reset_after=True)
_, (_, r_b, z_b, n_b, _) = F.gru_step(x @ cell.W_ih.T + cell.b_ih, h_prev, cell.W_hh, cell.b_hh, reset_after=False)
print("r equal in both:", np.array_equal(r_a, r_b), "  z equal in both:", np.array_equal(z_a, z_b))
print(f"max |n_after - n_before| = {np.abs(n_a - n_b).max():.4f}")

# %% [markdown]
# `torch.nn.GRU` only implements *reset after*, so a reset-before GRU has no torch.nn twin. Asking for one fails
# with a message that says where to go instead:

# %%
try:
    snp.GRU(I, H, seed=0, reset_after=False).to_torch()
except ValueError as error:
    print(error)

# %% [markdown]
# ## How many parameters? Three quarters of an LSTM's
#
# Count one gate block. It has an input matrix ($H \times I$ numbers), a recurrent matrix ($H \times H$) and two
# bias vectors ($H$ each), so $H I + H H + 2H$ numbers. A cell with $G$ blocks has
#
# $$ P = G \cdot \left(H \cdot I + H \cdot H + 2H\right), \qquad G = 3 \text{ (GRU: r, z, n)}, \quad
#    G = 4 \text{ (LSTM: i, f, g, o)}.$$
#
# Everything except $G$ is the same for the two cells, so for **any** $I$ and $H$ the ratio is
# $P_\text{GRU} / P_\text{LSTM} = 3/4$. The cell below computes the formula and then counts the numbers in the
# arrays of real layers, for the sizes used in notebook 00 ($I = 8$, $H = 16$):

# %%
# NBVAL_CHECK_OUTPUT
I_big, H_big = 8, 16
formula = {G: G * (H_big * I_big + H_big * H_big + 2 * H_big) for G in (3, 4)}
gru_layer, lstm_layer = snp.GRU(I_big, H_big, seed=0), snp.LSTM(I_big, H_big, seed=0)
counted_gru = sum(p.size for p in gru_layer.parameters().values())
counted_lstm = sum(p.size for p in lstm_layer.parameters().values())
print(f"formula  GRU (G=3): {formula[3]}   LSTM (G=4): {formula[4]}")
print(f"arrays   GRU      : {counted_gru}   LSTM      : {counted_lstm}")
print(f"num_params()      : {gru_layer.num_params()}   LSTM      : {lstm_layer.num_params()}")
for name, p in gru_layer.parameters().items():
    print(f"  GRU {name}: {p.shape}")
print("GRU / LSTM =", counted_gru / counted_lstm)

# %% [markdown]
# So if you swap an LSTM for a GRU and keep the hidden size, the recurrent layer loses a quarter of its weights.
# Whether it then learns as well is a question for measurement, not for this formula; later notebooks train both.

# %% [markdown]
# ## Equal to `torch.nn.GRU`
#
# `GRU.from_torch` copies the weights of a `torch.nn.GRU` into a seqlib GRU. torch.nn keeps the same layout and
# the same gate order r, z, n, so nothing is reordered; the one difference is the shape of the state, which
# torch.nn stores as `(num_layers, batch, hidden)` — seqlib's `h` is its `h_n[0]`. Both compute in float64 here,
# where rounding differences are of order 1e-16 per operation; we require agreement to 1e-10.

# %%
# NBVAL_CHECK_OUTPUT
import torch

torch.manual_seed(0)  # torch.nn draws its initial weights from torch's generator
torch_gru = torch.nn.GRU(I_big, H_big, batch_first=True, dtype=torch.float64)
ours = snp.GRU.from_torch(torch_gru)
xs = rng.normal(size=(4, 10, I_big))  # 4 sequences of 10 steps

outputs, h_last = ours(xs)
with torch.no_grad():
    torch_outputs, torch_h = torch_gru(torch.from_numpy(xs))
print(ours)
print("outputs", outputs.shape, "  torch.nn outputs", tuple(torch_outputs.shape))
print("h      ", h_last.shape, "     torch.nn h_n    ", tuple(torch_h.shape))
print("outputs equal (max |diff| < 1e-10):", np.abs(outputs - torch_outputs.numpy()).max() < 1e-10)
print("final h equal (max |diff| < 1e-10):", np.abs(h_last - torch_h[0].numpy()).max() < 1e-10)
print("same number of parameters:", ours.num_params() == sum(p.numel() for p in torch_gru.parameters()))

# %% [markdown]
# ## Equal to Keras's `GRU`, in both variants
#
# Keras stores the same weights differently: the input kernel is `(I, 3H)` (transposed), the gates are in the order
# **z, r, h** (its `h` is our candidate `n`), and a reset-after GRU keeps its two biases as one `(2, 3H)` array.
# `GRU.from_keras` undoes all of that and reads the variant from the layer, so `reset_after` comes along.
#
# Keras initialises biases to zero, which would leave half of the bias handling untested, so the cell below
# overwrites every weight and bias with seeded random numbers before comparing. It runs in float32, Keras's default,
# which keeps about 7 significant digits, so two correct implementations differ by rounding of order 1e-7; we
# require agreement to 1e-5.

# %%
os.environ["KERAS_BACKEND"] = "torch"  # must be set before keras is imported
import keras

keras.utils.set_random_seed(0)  # seeds Keras's own initial draws (overwritten below)


def random_keras_gru(reset_after, dtype):
    layer = keras.layers.GRU(H_big, reset_after=reset_after, return_sequences=True, return_state=True, dtype=dtype)
    layer.build((None, None, I_big))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype(dtype) for w in layer.get_weights()])
    return layer


def max_diff_to_keras(layer, x):
    keras_outputs, keras_h = (keras.ops.convert_to_numpy(a) for a in layer(x))
    ours = snp.GRU.from_keras(layer)
    outputs, h = ours(x)
    return ours, max(np.abs(outputs - keras_outputs).max(), np.abs(h - keras_h).max())


keras_layers = {flag: random_keras_gru(flag, "float32") for flag in (True, False)}

# %%
# NBVAL_CHECK_OUTPUT
for flag, layer in keras_layers.items():
    ours, diff = max_diff_to_keras(layer, xs.astype(np.float32))
    print(f"Keras GRU(reset_after={flag}) -> {ours}")
    print(
        f"    Keras bias shape {layer.get_weights()[2].shape}, outputs and h equal (max |diff| < 1e-5): {diff < 1e-5}"
    )
    extra = ours.num_params() - layer.count_params()
    print(
        f"    parameters: Keras {layer.count_params()}, seqlib {ours.num_params()} (seqlib has {extra} more; 3H = {3 * H_big})"
    )

# %% [markdown]
# Both variants agree. The parameter counts show one more detail: Keras's reset-before GRU has $3H$ fewer
# parameters than seqlib's. In that variant $b_{ih}$ and $b_{hh}$ only ever appear as a sum ($b_{hn}$ sits outside
# the product with $r$), so Keras keeps one bias; `from_keras` puts it in `b_ih` and sets `b_hh` to zero. In the
# reset-after variant $b_{hn}$ is multiplied by $r$ and cannot be merged, so both biases are real parameters.
#
# **And in float64?** Keras 3.15 on the torch backend has a quirk: it turns float64 matrix products inside
# `keras.ops` into float32 (keras-team/keras#23704). Its reset-after GRU runs a pure torch path and is not affected;
# its reset-before GRU computes $(r \odot h_{prev}) W_{hn}^\top$ through `keras.ops` and is. The next cell measures
# what that does to a float64 comparison:

# %%
for flag in (True, False):
    _, diff = max_diff_to_keras(random_keras_gru(flag, "float64"), xs)
    print(
        f"float64, reset_after={flag!s:<5}: max |diff| = {diff:.1e}   < 1e-10: {diff < 1e-10}   < 1e-6: {diff < 1e-6}"
    )

# %% [markdown]
# The reset-after GRU agrees to float64 precision. The reset-before GRU agrees only to about float32 precision,
# even though Keras hands back float64 arrays. Is that gap a difference in the formula, or Keras's rounding? Keras
# keeps its float64-to-float32 rule in a table; the next cell removes that entry for one comparison (a diagnostic
# only: it changes Keras's internals, so it puts the entry back at once) and measures again:

# %%
from keras.src.backend.common import dtypes as keras_dtypes

saved = keras_dtypes.BIT64_TO_BIT32_DTYPE.pop("float64")
try:
    _, diff = max_diff_to_keras(random_keras_gru(False, "float64"), xs)
finally:
    keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = saved
print(f"float64, reset_after=False, Keras without the float32 rule: max |diff| = {diff:.1e}   < 1e-10: {diff < 1e-10}")

# %% [markdown]
# With the rule removed the two agree to float64 precision, so the formula is the same and the earlier gap was
# Keras's float32 rounding. That is why the checked comparison above is made in float32, where both libraries
# compute in the same precision.

# ## Exercise: a GRU step from the equations
#
# Write one GRU step in torch.nn's layout and convention (reset after), from the full weights — this time the
# input's share is yours to compute too:
#
# - `x (batch, I)`, `h_prev (batch, H)`, `W_ih (3H, I)`, `W_hh (3H, H)`, `b_ih (3H,)`, `b_hh (3H,)`, gate blocks
#   in the order r, z, n;
# - return the new state `h (batch, H)`.
#
# `check()` tries your function on several sizes and names a mistake it recognises (for example $z$ and $1 - z$
# swapped, or the reset applied on the wrong side of the matmul).

# %%
from seqlib.exercises import gru_step as exercise


def gru_step(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    return None  # your code here: return h


exercise.check(gru_step)

# %% [markdown]
# Uncomment a line to get a hint or to see a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - A GRU has one state $h$ and two gates. The update gate $z$ mixes old and new,
#   $h = (1 - z) \odot n + z \odot h_{prev}$; the reset gate $r$ decides how much of $h_{prev}$ the candidate $n$
#   sees. Each equation is one line of `seqlib.numpy.functional.gru_step`, with the same symbols.
# - torch.nn stacks the gates as r, z, n; Keras as z, r, h. `from_torch` and `from_keras` translate, and the
#   outputs agree with both libraries (float64 to 1e-10 with torch.nn, float32 to 1e-5 with Keras).
# - *Reset after* (torch.nn, Keras's default) and *reset before* (Cho et al., d2l) give different outputs from the
#   same weights; only the candidate differs. torch.nn has only the first.
# - A GRU has $3 \cdot (HI + H^2 + 2H)$ parameters, exactly 3/4 of an LSTM with the same sizes.
#
# **Previous:** [02 · The LSTM cell, by hand in NumPy](02_lstm_cell_numpy.ipynb) · **Next:** [04 · Backpropagation through time](04_backprop_through_time.ipynb)
