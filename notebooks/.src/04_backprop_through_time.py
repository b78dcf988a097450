# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 04 · Backpropagation through time
#
# **In one sentence:** how the gradient of a loss travels backwards through every step of an LSTM and a GRU, written by hand, checked against finite differences, and measured as it shrinks or grows with distance.
#
# *About 35 minutes.*
#
# **Learning goals.** After this notebook you can
# - explain the cache pattern: what a step's forward pass keeps so that its backward pass can run later;
# - read the backward pass of one GRU step and one LSTM step, and the loop that runs them backwards through time;
# - check a hand-written gradient against central differences and judge a relative error;
# - measure how the gradient reaching a step depends on its distance from the loss, for a vanilla RNN, an LSTM and
#   a GRU, and say what the measurement shows;
# - clip gradients by their global norm, and measure what a forget-gate bias of 1 changes.
#
# **Prerequisites.** [03 · The GRU cell, by hand in NumPy](03_gru_cell_numpy.ipynb) and the LSTM cell of notebook
# 02. The chain rule, and two derivatives: $\sigma'(a) = \sigma(a)\,(1 - \sigma(a))$ and
# $\tanh'(a) = 1 - \tanh^2(a)$.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np

import seqlib.numpy as snp
from seqlib.numpy import functional as F

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)  # the one generator every draw below comes from

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency, and in greyscale by line style.
COLOURS = {"vanilla RNN": "#D55E00", "LSTM": "#0072B2", "GRU": "#009E73", "LSTM, forget bias 1": "#CC79A7"}
STYLES = {"vanilla RNN": ":", "LSTM": "-", "GRU": "--", "LSTM, forget bias 1": "-."}

# %% [markdown]
# ## A recurrent layer is a deep network, unrolled
#
# Run a recurrent layer over $T$ steps and write down every step: you get a network $T$ layers deep in which every
# layer uses the **same** weights. The state at step $t$ is a function of the previous state and the input,
#
# $$h_t = f(h_{t-1}, x_t;\ \theta),$$
#
# and training needs $\partial L / \partial \theta$. *Backpropagation through time* (BPTT) is ordinary
# backpropagation on this unrolled network. Two facts follow from the chain rule.
#
# 1. The gradient reaching a state comes from the step after it, plus, if the loss reads the output $y_{t-1}$ of
#    that step, from the output (in seqlib the outputs are the states themselves, and this term is
#    `doutputs[:, t-1]`):
#    $$\frac{\partial L}{\partial h_{t-1}} = \underbrace{\frac{\partial L}{\partial y_{t-1}}}_{\text{from the output}}
#      + \left(\frac{\partial h_t}{\partial h_{t-1}}\right)^{\!\top} \frac{\partial L}{\partial h_t}.$$
#    So it is computed from the last step backwards, one step at a time.
# 2. The weights are shared, so their gradient is the **sum** of what every step contributes:
#    $\partial L / \partial \theta = \sum_t \left(\partial L / \partial \theta\right)_{\text{step } t}$.
#
# If the loss only reads the last state $h_T$, applying fact 1 $k$ times gives a product of $k$ Jacobians:
#
# $$\frac{\partial L}{\partial h_{T-k}} = J_{T-k+1}^\top \cdots J_{T-1}^\top J_T^\top \frac{\partial L}{\partial h_T},
#   \qquad J_t = \frac{\partial h_t}{\partial h_{t-1}}.$$
#
# A product of many matrices tends to shrink towards zero or grow without bound, depending on how large the
# matrices are. This notebook writes the backward pass, checks it, and then *measures* what this product does.

# %% [markdown]
# ## The cache pattern
#
# The backward pass of a step needs values the forward pass computed: the gate activations, the previous state.
# Computing them again would repeat the forward pass's work, so every step in `seqlib.numpy` returns a **cache**
# next to its result — a tuple of exactly what its backward needs — and the backward function takes it back:
#
# ```python
# h, cache = F.gru_step(xw, h_prev, W_hh, b_hh)            # forward: keep what the backward needs
# dxw, dh_prev, dW_hh, db_hh = F.gru_step_backward(dh, cache, W_hh)   # backward: use it
# ```
#
# A layer's `forward` collects one cache per step; its `backward` walks them in reverse. The price is memory that
# grows with the length of the sequence: the cache holds a few `(batch, hidden)` arrays for *every* step. The next
# cell counts them.

# %%
# NBVAL_CHECK_OUTPUT
B, T, I, H = 4, 10, 8, 16
x = rng.normal(size=(B, T, I))
for layer in (snp.LSTM(I, H, seed=0), snp.GRU(I, H, seed=0)):
    outputs, state, cache = layer.forward(x)
    x_tm, step_caches, mask = cache  # the inputs (time-major), one cache per step, and the padding mask (None)
    per_step = sum(a.size for a in step_caches[0])
    print(f"{type(layer).__name__}: {len(step_caches)} step caches of {len(step_caches[0])} arrays;", end=" ")
    print(f"{per_step} numbers per step = {per_step // (B * H)} x batch x hidden")

# %% [markdown]
# An LSTM step keeps 7 arrays (`h_prev, c_prev, i, f, g, o, tanh(c)`), a GRU step 5 (`h_prev, r, z, n, h_n`),
# each `(batch, hidden)`. Multiply by the number of steps: the memory a backward pass needs grows in proportion to
# the batch size times the sequence length.

# %% [markdown]
# ## One GRU step, backwards
#
# Take one reset-after GRU step (notebook 03) and the gradient $\partial L / \partial h$ arriving at its output,
# written `dh`. Go through the forward equations in reverse, applying the chain rule to each. For every quantity
# $q$, `dq` means $\partial L / \partial q$, and the $a$'s are the pre-activations inside $\sigma$ and $\tanh$:
#
# $$
# \begin{aligned}
# h = (1 - z) \odot n + z \odot h_{prev} \quad&\Rightarrow\quad
#   dn = dh \odot (1 - z), \quad dz = dh \odot (h_{prev} - n), \quad dh_{prev} \mathrel{+}= dh \odot z\\
# n = \tanh(a_n),\ a_n = x_n + r \odot h_n \quad&\Rightarrow\quad
#   da_n = dn \odot (1 - n^2), \quad dr = da_n \odot h_n, \quad dh_n = da_n \odot r\\
# r = \sigma(a_r),\ z = \sigma(a_z) \quad&\Rightarrow\quad
#   da_r = dr \odot r (1 - r), \quad da_z = dz \odot z (1 - z)\\
# [h_r, h_z, h_n] = h_{prev} W_{hh}^\top + b_{hh} \quad&\Rightarrow\quad
#   dh_{prev} \mathrel{+}= [da_r, da_z, dh_n]\, W_{hh}, \quad dW_{hh} = [da_r, da_z, dh_n]^\top h_{prev}
# \end{aligned}
# $$
#
# Two things to notice. The first line gives $h_{prev}$ a **direct** path, $dh \odot z$, that passes no weight
# matrix and no $\tanh$: where $z$ is close to 1 the gradient goes back almost unchanged. And the input's share
# $x W_{ih}^\top + b_{ih}$ receives $[da_r, da_z, da_n]$, which the step returns as `dxw`; the layer turns it into
# the gradients of $x$, $W_{ih}$ and $b_{ih}$ for all steps at once. In `gru_step_backward`, `dx_n` is $da_n$ and
# `dgh` is $[da_r, da_z, dh_n]$; the `else` branch is the same chain rule for the reset-before variant (the
# gradient check further down covers both):

# %%
print(inspect.getsource(F.gru_step_backward))

# %% [markdown]
# ## One LSTM step, backwards
#
# The LSTM step of notebook 02 is $c = f \odot c_{prev} + i \odot g$ and $h = o \odot \tanh(c)$. Two gradients
# arrive from the future: `dh` for the output and `dc` for the cell state. Start with the cell update, the line
# that gives the LSTM its memory. It is a sum of two elementwise products, so the gradient for each factor is the
# upstream gradient times the *other* factor.
#
# **Exercise.** Write the backward pass of the cell update $c = f \odot c_{prev} + i \odot g$: given `dc`
# ($\partial L / \partial c$) and the forward values, return the gradients `(df, dc_prev, di, dg)`. All arrays are
# `(batch, hidden)`.

# %%
from seqlib.exercises import cell_update_backward as exercise


def cell_update_backward(dc, f, c_prev, i, g):
    return None  # your code here: return (df, dc_prev, di, dg)


exercise.check(cell_update_backward)

# %% [markdown]
# Uncomment a line to get a hint or to see a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# The whole LSTM step, backwards. The gradient reaching $c$ is what came from the next step *plus* what comes
# through $h = o \odot \tanh(c)$:
#
# $$
# \begin{aligned}
# do &= dh \odot \tanh(c), & dc &\leftarrow dc + dh \odot o \odot (1 - \tanh^2 c),\\
# da_i &= dc \odot g \odot i (1 - i), & da_f &= dc \odot c_{prev} \odot f (1 - f),\\
# da_g &= dc \odot i \odot (1 - g^2), & da_o &= do \odot o (1 - o),\\
# dh_{prev} &= [da_i, da_f, da_g, da_o]\, W_{hh}, & dc_{prev} &= dc \odot f .
# \end{aligned}
# $$
#
# The last equation is the LSTM's direct path: from one cell state to the previous one the gradient is only
# multiplied by the forget gate $f$. `lstm_step_backward` is these lines:

# %%
print(inspect.getsource(F.lstm_step_backward))

# %% [markdown]
# ## Through time: the layer's backward loop
#
# `LSTM.backward` and `GRU.backward` are the same loop. It starts from `dstate`, the gradient for the final state,
# walks the steps from last to first, adds the gradient of each step's output (`doutputs[:, t]`) to the state
# gradient, calls the step's backward with that step's cache, and **accumulates** `dW_hh` and `db_hh` (fact 2
# above). The input side is handled after the loop with one matrix product for all steps, mirroring the forward
# pass. The `active` branches handle padded batches (a later notebook); with equal lengths `active` is None.

# %%
print(inspect.getsource(snp.LSTM.backward))

# %% [markdown]
# ## A vanilla RNN, for comparison
#
# To see what the gates buy, we need a recurrent cell without any: the vanilla (Elman) RNN of notebook 01. It has
# one equation and a three-line backward:
#
# $$h = \tanh\!\left(x W_x^\top + h_{prev} W_h^\top + b\right), \qquad
#   da = dh \odot (1 - h^2), \quad dh_{prev} = da\, W_h, \quad dW_h = da^\top h_{prev}, \quad dW_x = da^\top x .$$
#
# Its Jacobian is $J_t = \operatorname{diag}(1 - h_t^2)\, W_h$: every step back multiplies the gradient by the
# same matrix $W_h$ (scaled by a $\tanh'$ that is at most 1). Below it gets the same interface as seqlib's layers,
# so that every test and measurement that follows treats the three cells alike. Its initial weights are drawn like
# seqlib's (and torch.nn's): uniform in $(-1/\sqrt{H}, 1/\sqrt{H})$.


# %%
def rnn_step(x, h_prev, W_x, W_h, b):
    h = np.tanh(x @ W_x.T + h_prev @ W_h.T + b)
    return h, (x, h_prev, h)


def rnn_step_backward(dh, cache, W_x, W_h):
    """Returns (dx, dh_prev, dW_x, dW_h, db)."""
    x, h_prev, h = cache
    da = dh * (1 - h**2)
    return da @ W_x, da @ W_h, da.T @ x, da.T @ h_prev, da.sum(axis=0)


class RNN:
    """A vanilla RNN over (batch, time, features), with the interface of seqlib.numpy's LSTM and GRU."""

    step_backward = staticmethod(rnn_step_backward)

    def __init__(self, input_size, hidden_size, seed):
        draw = np.random.default_rng(seed)
        k = 1 / np.sqrt(hidden_size)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_x = draw.uniform(-k, k, size=(hidden_size, input_size))
        self.W_h = draw.uniform(-k, k, size=(hidden_size, hidden_size))
        self.b = draw.uniform(-k, k, size=hidden_size)

    def parameters(self):
        return {"W_x": self.W_x, "W_h": self.W_h, "b": self.b}

    def __call__(self, x, state=None):
        return self.forward(x, state)[:2]

    def forward(self, x, state=None):
        B, T, _ = x.shape
        h = np.zeros((B, self.hidden_size)) if state is None else state
        outputs, caches = np.empty((B, T, self.hidden_size)), []
        for t in range(T):
            h, cache = rnn_step(x[:, t], h, self.W_x, self.W_h, self.b)
            outputs[:, t] = h
            caches.append(cache)
        return outputs, h, (x, caches, None)  # laid out like seqlib's cache: inputs, step caches, mask

    def backward(self, doutputs, dstate, cache):
        x, caches, _ = cache
        dh = np.zeros((x.shape[0], self.hidden_size)) if dstate is None else dstate
        dx = np.empty_like(x)
        grads = {name: np.zeros_like(p) for name, p in self.parameters().items()}
        for t in reversed(range(x.shape[1])):
            if doutputs is not None:
                dh = dh + doutputs[:, t]
            dx[:, t], dh, dW_x, dW_h, db = self.step_backward(dh, caches[t], self.W_x, self.W_h)
            grads["W_x"] += dW_x
            grads["W_h"] += dW_h
            grads["b"] += db
        return dx, dh, grads


# %% [markdown]
# ## Checking the gradients against central differences
#
# A hand-written backward pass can be wrong in ways that still give plausible numbers, so we check it against a
# definition of the derivative that needs no algebra. For any number $\theta_j$ among the parameters, the inputs or
# the initial state,
#
# $$\frac{\partial L}{\partial \theta_j} \approx \frac{L(\theta_j + \varepsilon) - L(\theta_j - \varepsilon)}{2\varepsilon},$$
#
# with an error of order $\varepsilon^2$ (the *central* difference cancels the first-order error of the one-sided
# one). With $\varepsilon = 10^{-5}$ in float64, a correct backward pass agrees to many digits; a wrong one
# usually disagrees in the first or second. We compare whole arrays with the relative error
#
# $$\text{rel. error} = \frac{\lVert g_\text{backward} - g_\text{numerical} \rVert}
#   {\lVert g_\text{backward} \rVert + \lVert g_\text{numerical} \rVert},$$
#
# which does not depend on the gradient's scale. The loss reads **every** output and the final state through fixed
# random weights, $L = \sum P \odot \text{outputs} + \sum Q \odot h_T$ (plus $\sum Q_c \odot c_T$ for the LSTM), so
# both ways a gradient can enter the layer are tested: `doutputs = P` and `dstate = Q`.


# %%
def numerical_gradient(loss, a, eps=1e-5):
    """Central differences of loss() with respect to every entry of the array a (changed in place, then restored)."""
    grad = np.zeros_like(a)
    for j in np.ndindex(a.shape):
        saved = a[j]
        a[j] = saved + eps
        up = loss()
        a[j] = saved - eps
        down = loss()
        a[j] = saved
        grad[j] = (up - down) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def gradient_check(model, seed, B=2, T=5):
    """Relative error of model.backward against central differences, for every array the loss depends on."""
    draw = np.random.default_rng(seed)
    H = model.hidden_size
    x = draw.normal(size=(B, T, model.input_size))
    is_lstm = isinstance(model, snp.LSTM)
    state0 = (draw.normal(size=(B, H)), draw.normal(size=(B, H))) if is_lstm else draw.normal(size=(B, H))
    P = draw.normal(size=(B, T, H))
    Q = (draw.normal(size=(B, H)), draw.normal(size=(B, H))) if is_lstm else draw.normal(size=(B, H))

    def loss():
        outputs, state = model(x, state0)
        if is_lstm:
            return np.sum(P * outputs) + np.sum(Q[0] * state[0]) + np.sum(Q[1] * state[1])
        return np.sum(P * outputs) + np.sum(Q * state)

    outputs, state, cache = model.forward(x, state0)
    dx, dstate0, grads = model.backward(P, Q, cache)
    analytic = {"x": dx, **grads}
    arrays = {"x": x, **model.parameters()}
    if is_lstm:
        analytic.update(h0=dstate0[0], c0=dstate0[1])
        arrays.update(h0=state0[0], c0=state0[1])
    else:
        analytic["h0"], arrays["h0"] = dstate0, state0
    return {name: rel_error(analytic[name], numerical_gradient(loss, arrays[name])) for name in arrays}


models = {
    "vanilla RNN": RNN(3, 4, seed=0),
    "LSTM": snp.LSTM(3, 4, seed=0),
    "GRU (reset after)": snp.GRU(3, 4, seed=0),
    "GRU (reset before)": snp.GRU(3, 4, seed=0, reset_after=False),
}
errors = {name: gradient_check(model, seed=1) for name, model in models.items()}
for name, errs in errors.items():
    print(f"{name:<23}", "  ".join(f"{k} {v:.1e}" for k, v in errs.items()))

# %% [markdown]
# Every relative error printed above is many orders of magnitude below 1. What size is good enough? The
# numerical derivative carries an error of its own: of order $\varepsilon^2 = 10^{-10}$ from the Taylor terms the
# central difference leaves out, plus rounding of order $10^{-16}/\varepsilon = 10^{-11}$. A correct backward pass
# cannot do better than that, and the errors above are of that size.
#
# And a wrong one? Here is a realistic slip: in the RNN's step backward, the gradient passed to $h_{prev}$ skips
# the $\tanh'$ factor (`dh @ W_h` instead of `da @ W_h`). Everything else stays correct.


# %%
def rnn_step_backward_with_a_bug(dh, cache, W_x, W_h):
    x, h_prev, h = cache
    da = dh * (1 - h**2)
    return da @ W_x, dh @ W_h, da.T @ x, da.T @ h_prev, da.sum(axis=0)  # bug: dh @ W_h should be da @ W_h


class RNNWithABug(RNN):
    step_backward = staticmethod(rnn_step_backward_with_a_bug)


errors_bug = gradient_check(RNNWithABug(3, 4, seed=0), seed=1)
print(f"{'vanilla RNN with a bug':<23}", "  ".join(f"{k} {v:.1e}" for k, v in errors_bug.items()))

# %% [markdown]
# The bug shows in every array, with relative errors many orders of magnitude above the correct ones. A threshold of $10^{-7}$ separates the two cases comfortably:

# %%
# NBVAL_CHECK_OUTPUT
for name, errs in {**errors, "vanilla RNN with a bug": errors_bug}.items():
    print(f"{name:<23} {len(errs)} arrays checked; every relative error < 1e-7: {max(errs.values()) < 1e-7}")

# %% [markdown]
# ## How far back does the gradient reach? A measurement
#
# Now the question BPTT raises: when the loss sits at the end of a long sequence, how much gradient is left by the
# time it reaches a step $k$ steps earlier? If it is tiny, the weights cannot learn from what happened there.
#
# The set-up: a loss on the last step only, $L = \sum_{\text{batch}} w \cdot h_T$ for a fixed random vector $w$, so
# $\partial L / \partial h_T = w$ for every sequence and nothing enters on the way back. Sixteen random input
# sequences of 50 steps; a vanilla RNN, an LSTM and a GRU with the same sizes (8 inputs, 32 hidden units), freshly
# initialised from the same seed. The function below runs the layer's `forward`, then walks the step caches
# backwards with the very step functions the layer's `backward` uses, and records the norm
# $\lVert \partial L / \partial h_t \rVert$ (over the whole batch) after each step — the number `backward` does
# not show us, because it only returns the gradient at the start. For the LSTM it records
# $\lVert \partial L / \partial c_t \rVert$ too.


# %%
def gradient_reach(model, x, w):
    """Norms of dL/dh_t (and dL/dc_t for an LSTM) for L = sum(w · h_T); entry k is k steps before the end."""
    outputs, state, cache = model.forward(x)
    dh = np.tile(w, (x.shape[0], 1))
    dc = np.zeros_like(dh)
    h_norms, c_norms = [np.linalg.norm(dh)], [np.linalg.norm(dc)]
    for step_cache in reversed(cache[1]):
        if isinstance(model, snp.LSTM):
            _, (dh, dc), _, _ = F.lstm_step_backward(dh, dc, step_cache, model.W_hh)
        elif isinstance(model, snp.GRU):
            _, dh, _, _ = F.gru_step_backward(dh, step_cache, model.W_hh, model.reset_after)
        else:
            _, dh, _, _, _ = rnn_step_backward(dh, step_cache, model.W_x, model.W_h)
        h_norms.append(np.linalg.norm(dh))
        c_norms.append(np.linalg.norm(dc))
    return np.array(h_norms), (np.array(c_norms) if isinstance(model, snp.LSTM) else None)


B, T, I, H = 16, 50, 8, 32
x = rng.normal(size=(B, T, I))
w = rng.normal(size=H)
cells = {"vanilla RNN": RNN(I, H, seed=0), "LSTM": snp.LSTM(I, H, seed=0), "GRU": snp.GRU(I, H, seed=0)}
reach = {name: gradient_reach(model, x, w) for name, model in cells.items()}

# %% [markdown]
# Before reading the numbers, make sure the loop measures what `backward` computes: its last entry (50 steps back,
# the gradient for the initial state) must equal the `dstate0` that the layer's own `backward` returns for the same
# loss.

# %%
# NBVAL_CHECK_OUTPUT
for name, model in cells.items():
    outputs, state, cache = model.forward(x)
    dh_T = np.tile(w, (B, 1))
    _, dstate0, _ = model.backward(None, (dh_T, np.zeros_like(dh_T)) if name == "LSTM" else dh_T, cache)
    dh0 = dstate0[0] if name == "LSTM" else dstate0
    print(f"{name:<11} last entry == norm of backward's dstate0: {np.isclose(reach[name][0][-1], np.linalg.norm(dh0))}")

# %%
distance = np.arange(T + 1)
fig, ax = plt.subplots(figsize=(7, 4))
for name, (h_norms, _) in reach.items():
    ax.semilogy(distance, h_norms / h_norms[0], STYLES[name], color=COLOURS[name], lw=2, label=name)
ax.set(
    xlabel="distance from the loss k (steps)",
    ylabel=r"$\|\partial L/\partial h_{T-k}\| \;/\; \|\partial L/\partial h_T\|$ (log scale)",
    title="Gradient reaching each step, loss on the last step only\n(untrained, 32 hidden units, seeded)",
)
ax.grid(True, which="major", alpha=0.3)
ax.legend()
plt.show()

KS = (1, 5, 10, 25, 50)


def print_ratios(curves, start=0):
    """Each curve relative to its value at distance `start`, and the mean factor per step from there to T."""
    print(f"{'':<23}" + "".join(f"{'k = ' + str(k):>10}" for k in KS) + "   factor per step")
    for name, norms in curves.items():
        ratio = norms / norms[start]
        print(f"{name:<23}" + "".join(f"{ratio[k]:10.1e}" for k in KS) + f"   {ratio[T] ** (1 / (T - start)):.3f}")


print_ratios({name: h for name, (h, _) in reach.items()})
h_lstm, c_lstm = reach["LSTM"]
print(f"LSTM one step back: ‖∂L/∂h‖ / ‖∂L/∂h_T‖ = {h_lstm[1] / h_lstm[0]:.2f}", end=",   ")
print(f"‖∂L/∂c‖ / ‖∂L/∂h_T‖ = {c_lstm[1] / h_lstm[0]:.2f}")
radius = np.abs(np.linalg.eigvals(cells["vanilla RNN"].W_h)).max()
print(f"vanilla RNN: largest |eigenvalue| of W_h = {radius:.3f}")

# %% [markdown]
# The table gives $\lVert \partial L/\partial h_{T-k} \rVert / \lVert \partial L/\partial h_T \rVert$ at a few
# distances $k$, and the average factor by which one step back multiplies the norm (the 50th root of the ratio at
# $k = 50$). What the measurement shows:
#
# - **All three curves fall**, and after the first few steps they fall as almost straight lines on the log axis:
#   each step back multiplies the gradient by roughly the same factor below 1. Untrained, none of the three cells
#   carries even a thousandth of the gradient across 50 steps.
# - **The vanilla RNN falls fastest** over the long run (smallest factor per step). Every step back multiplies its
#   gradient by $W_h$ and by $\tanh' \le 1$. A long product of the same matrix grows or shrinks like the matrix's
#   largest eigenvalue (in absolute value) to the power $k$; with small initial weights that eigenvalue is below 1
#   (printed above), and the measured factor per step is smaller still, because of the $\tanh'$ factors.
# - **The gated cells fall more slowly, but at initialisation not by much.** Their direct paths are multiplied by
#   a gate at every step ($z$ for the GRU, $f$ for the LSTM's cell state), and an untrained gate sits near
#   $\sigma(0) = 0.5$. The LSTM's $h$ also loses a large share in the very first step: it reaches $h_{prev}$ only
#   through the gates' weights, and one step back more of its gradient is in $c$ than in $h$ (printed above).
#
# The cell below turns these sentences into checks, so that they are re-tested whenever the notebook runs.

# %%
# NBVAL_CHECK_OUTPUT
factor = {name: (h[T] / h[0]) ** (1 / T) for name, (h, _) in reach.items()}
print("all three shrink by more than 1000x over 50 steps:", all(h[T] / h[0] < 1e-3 for h, _ in reach.values()))
print("vanilla RNN has the smallest factor per step:", factor["vanilla RNN"] < min(factor["LSTM"], factor["GRU"]))
print("vanilla RNN factor per step < largest |eigenvalue| of W_h < 1:", factor["vanilla RNN"] < radius < 1)
print("LSTM one step back: more gradient in c than in h:", c_lstm[1] > h_lstm[1])
print(
    "after 50 steps the vanilla RNN keeps the least:",
    reach["vanilla RNN"][0][T] < min(reach["LSTM"][0][T], reach["GRU"][0][T]),
)
gates = {
    "mean z (GRU)": np.mean([c[2] for c in cells["GRU"].forward(x)[2][1]]),
    "mean f (LSTM)": np.mean([c[3] for c in cells["LSTM"].forward(x)[2][1]]),
}
print("untrained gates sit near 0.5 (within 0.1):", all(abs(v - 0.5) < 0.1 for v in gates.values()))

# %% [markdown]
# The equations say why gates still matter. A gate near 1 passes the gradient along its direct path almost
# unchanged ($dh_{prev} = dh \odot z + \dots$ in the GRU, $dc_{prev} = dc \odot f$ in the LSTM), and a gate is a
# learned function, so training can move it there. The vanilla RNN has no such path: every step back goes through
# $W_h$ and $\tanh'$. The last section moves a gate towards 1 before any training and measures what that does.

# %% [markdown]
# ## When gradients explode: clipping by global norm
#
# A product of Jacobians can also grow. Give the vanilla RNN larger recurrent weights — entries of $W_h$ drawn from
# $\mathcal{N}(0, 3^2/H)$ instead of the small uniform ones — and measure again:

# %%
big = RNN(I, H, seed=0)
big.W_h = rng.normal(scale=3 / np.sqrt(H), size=(H, H))
big_h, _ = gradient_reach(big, x, w)
print_ratios({"vanilla RNN, large W_h": big_h})
print(f"largest |eigenvalue| of the large W_h = {np.abs(np.linalg.eigvals(big.W_h)).max():.3f}")

# %% [markdown]
# Now the largest eigenvalue of $W_h$ is above 1 and the gradient *grows* with the distance from the loss. The
# weights' gradient sums the contributions of every step, so it becomes huge: below, its norm is many orders of
# magnitude larger than the norm of the weights themselves, so a gradient-descent step with any usual learning rate
# would move the weights much further than their own size.
#
# The usual remedy is **clipping by global norm**. Treat all parameter gradients as one long vector $g$; if its
# norm exceeds a threshold $\tau$, scale every gradient by the same factor:
#
# $$g \leftarrow g \cdot \min\!\left(1, \frac{\tau}{\lVert g \rVert}\right), \qquad
#   \lVert g \rVert = \sqrt{\textstyle\sum_p \lVert g_p \rVert^2}.$$
#
# The step becomes shorter but keeps its direction. `seqlib.numpy.clip_grad_norm` does this in place, like
# `torch.nn.utils.clip_grad_norm_`:

# %%
print(inspect.getsource(snp.clip_grad_norm))

# %%
outputs, h_T, cache = big.forward(x)
_, _, grads = big.backward(None, np.tile(w, (B, 1)), cache)
before = {name: g.copy() for name, g in grads.items()}
norm_before = snp.clip_grad_norm(grads, max_norm=1.0)  # scales `grads` in place, returns the norm before
norm_after = np.sqrt(sum(np.linalg.norm(g) ** 2 for g in grads.values()))
for name in grads:
    print(f"{name:<4} norm before {np.linalg.norm(before[name]):10.3e}   after {np.linalg.norm(grads[name]):10.3e}")
print(f"global norm before {norm_before:.3e}   after {norm_after:.3e}")
print(
    f"for scale, the norm of all the weights: {np.sqrt(sum(np.linalg.norm(p) ** 2 for p in big.parameters().values())):.3e}"
)


def cosine(a, b):
    a = np.concatenate([g.ravel() for g in a.values()])
    b = np.concatenate([g.ravel() for g in b.values()])
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


by_value = {name: np.clip(g, -0.1, 0.1) for name, g in before.items()}  # clipping each entry instead, for contrast
print(f"cosine(before, clipped by global norm) = {cosine(before, grads):.6f}")
print(f"cosine(before, clipped entry by entry) = {cosine(before, by_value):.6f}")

# %%
# NBVAL_CHECK_OUTPUT
print("gradient norm above the threshold before clipping:", norm_before > 1.0)
print("global norm after clipping == 1 (to 1e-6):", abs(norm_after - 1.0) < 1e-6)
print("direction unchanged by clipping the global norm (cosine > 1 - 1e-12):", cosine(before, grads) > 1 - 1e-12)
print("direction unchanged by clipping entry by entry:", cosine(before, by_value) > 1 - 1e-12)

# %% [markdown]
# Clipping by global norm bounds the step and keeps its direction; clipping each entry separately also bounds it,
# but bends the direction (its cosine with the true gradient is below 1). Neither does anything for *vanishing*
# gradients: a gradient that is already tiny is left as it is. That needs a different cell, or a different start.

# %% [markdown]
# ## A forget-gate bias of 1
#
# Along the LSTM's cell state the gradient is multiplied by the forget gate at every step, $dc_{prev} = dc \odot f$.
# With small random weights, $f = \sigma(\text{about } 0)$, so the gradient loses about half of itself per step.
# Jozefowicz, Zaremba and Sutskever (2015) recommend starting the forget gate's bias at 1 instead, so that an
# untrained LSTM leans towards remembering; Keras does this by default. In seqlib it is `LSTM(..., forget_bias=1.0)`,
# which sets $b_{if} = 1$ and $b_{hf} = 0$ and draws everything else exactly as without it. Notebook 02 measured
# what it does to the forward pass (how long the cell state remembers); here we measure the backward pass.

# %%
plain, biased = snp.LSTM(I, H, seed=0), snp.LSTM(I, H, seed=0, forget_bias=1.0)
f_block = slice(H, 2 * H)  # the forget gate is the second block of four
others_equal = all(
    np.array_equal(np.delete(p, f_block, axis=0), np.delete(q, f_block, axis=0))
    for p, q in zip(plain.parameters().values(), biased.parameters().values(), strict=True)
)
print("weights equal outside the forget gate's biases:", others_equal)
print("forget-gate bias b_if + b_hf: without", (plain.b_ih + plain.b_hh)[f_block][:4], "...")
print("                              with   ", (biased.b_ih + biased.b_hh)[f_block][:4], "...")
print(f"σ(0) = {snp.sigmoid(0.0):.3f}   σ(1) = {snp.sigmoid(1.0):.3f}")

# %% [markdown]
# Now the same measurement as before — same inputs, same loss — for both LSTMs, following the gradient along $h$
# (solid lines) and along $c$ (dashed), and recording the mean forget gate each one runs with:

# %%
lstms = {"LSTM": plain, "LSTM, forget bias 1": biased}
reach_lstm = {name: gradient_reach(model, x, w) for name, model in lstms.items()}
mean_f = {name: np.mean([c[3] for c in model.forward(x)[2][1]]) for name, model in lstms.items()}

fig, ax = plt.subplots(figsize=(7, 4))
grad_h, grad_c = r"$\|\partial L/\partial h_{T-k}\|$", r"$\|\partial L/\partial c_{T-k}\|$"
for name, (h_norms, c_norms) in reach_lstm.items():
    ax.semilogy(distance, h_norms / h_norms[0], "-", color=COLOURS[name], lw=2, label=f"{name}: {grad_h}")
    ax.semilogy(distance[1:], c_norms[1:] / h_norms[0], "--", color=COLOURS[name], lw=2, label=f"{name}: {grad_c}")
ax.set(
    xlabel="distance from the loss k (steps)",
    ylabel=r"gradient norm $/\ \|\partial L/\partial h_T\|$ (log scale)",
    title="LSTM with and without a forget-gate bias of 1\n(same weights otherwise, same inputs, seeded)",
)
ax.grid(True, which="major", alpha=0.3)
ax.legend()
plt.show()

print("along h:")
print_ratios({name: h for name, (h, _) in reach_lstm.items()})
print("along c (relative to its value at k = 1, the first one recorded: the gradient enters c inside the last step):")
print_ratios({name: c for name, (_, c) in reach_lstm.items()}, start=1)
for name, value in mean_f.items():
    print(f"mean forget gate, {name:<20}: {value:.3f}")

# %% [markdown]
# The bias moves the mean forget gate up from near 0.5 to near $\sigma(1)$ (printed above), and the gradient
# follows: along both $h$ and $c$ the biased LSTM's factor per step is larger, and the gap between the curves
# widens with every step back, because a factor per step compounds. At $k = 50$ the two differ by more than three
# orders of magnitude (compare the $k = 50$ columns). The gradient still shrinks — a bias of 1 is a better start,
# not a cure — but in an untrained LSTM with it, far more gradient reaches the steps long before the loss, and with
# it the weights' gradient from those steps. Checked:

# %%
# NBVAL_CHECK_OUTPUT
h_plain, h_biased = reach_lstm["LSTM"][0], reach_lstm["LSTM, forget bias 1"][0]
print("mean forget gate higher with the bias:", mean_f["LSTM, forget bias 1"] > mean_f["LSTM"])
print("more gradient at every distance k >= 2:", bool(np.all(h_biased[2:] > h_plain[2:])))
print("at k = 50 more than 1000x more:", h_biased[T] / h_plain[T] > 1000)

# %% [markdown]
# The GRU has no forget gate, but its direct path is multiplied by the update gate $z$ ($dh_{prev} = dh \odot z +
# \dots$), so a positive bias on $z$'s block plays the same role. Try it: add 1 to `GRU.b_ih[H:2*H]` and run
# `gradient_reach` again.

# %% [markdown]
# ## Summary
#
# - BPTT is backpropagation on the unrolled sequence: the state gradient is passed from the last step backwards,
#   and the shared weights' gradients are summed over steps. Each step's forward keeps a cache; its backward uses it.
# - `gru_step_backward` and `lstm_step_backward` are the chain rule applied line by line; both agree with central
#   differences to a relative error below $10^{-7}$, as does the vanilla RNN written here.
# - Measured from the loss backwards, the gradient shrinks by a roughly constant factor per step. Untrained, the
#   vanilla RNN's factor is the smallest; the LSTM's and GRU's are larger, because their direct paths are scaled by
#   a gate ($f$, $z$) rather than by a weight matrix.
# - Exploding gradients are bounded by clipping the global norm, which keeps the direction. Vanishing ones are not
#   touched by clipping; a forget-gate bias of 1 raises $f$ and measurably lets the gradient reach further back.
#
# **Previous:** [03 · The GRU cell, by hand in NumPy](03_gru_cell_numpy.ipynb) · **Next:** [05 · Cells in PyTorch](05_cells_in_pytorch.ipynb)
