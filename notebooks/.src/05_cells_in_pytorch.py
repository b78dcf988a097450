# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 05 · The same cells in PyTorch
#
# **In one sentence:** the LSTM and GRU rewritten with torch operations, where autograd replaces the hand-written backward pass and gives the same gradients, and a measurement of what the arrangement of the matmuls costs against torch.nn.
#
# *About 30 minutes.*
#
# **Learning goals.** After this notebook you can
# - read `seqlib.torch`'s LSTM step next to `seqlib.numpy`'s and name what changed (the arithmetic did not);
# - train a `seqlib.torch` layer with any `torch.optim` optimizer, because its weights are `nn.Parameter`s;
# - show that autograd's gradients equal the ones derived by hand, for every weight, the input and the state;
# - explain, with numbers measured on your machine, why the arrangement of the matmuls (one per gate, fused,
#   input projection hoisted out of the loop) matters, and why torch.nn's own LSTM is faster still;
# - write a GRU step in torch operations that autograd can differentiate.
#
# **Prerequisites.** The LSTM and GRU steps in NumPy ([02](02_lstm_cell_numpy.ipynb) and
# [03](03_gru_cell_numpy.ipynb)) and backpropagation through time
# ([04](04_backprop_through_time.ipynb)). PyTorch basics: tensors, `requires_grad`, `.backward()`. How the
# exercises work is in [00 · Start here](00_start_here.ipynb).

# %%
import ast
import inspect
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display
from torch import nn
from torch.overrides import TorchFunctionMode

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import bench, tasks
from seqlib.numpy import functional as np_F
from seqlib.torch import functional as torch_F

rng = np.random.default_rng(0)  # every NumPy draw below comes from this generator
torch.manual_seed(0)  # and every torch draw from torch's seeded generator
torch.set_num_threads(1)  # one thread: why is explained in "Where the time goes"

# %% [markdown]
# ## The same step, in torch operations
#
# In notebook 02 you wrote one LSTM step in NumPy. All four gates' pre-activations come from two matmuls,
# cut into four blocks in torch.nn's order i, f, g, o:
#
# $$a = x\,W_{ih}^\top + b_{ih} + h_{prev}\,W_{hh}^\top + b_{hh}, \qquad [a_i,\ a_f,\ a_g,\ a_o] = \mathrm{split}_4(a)$$
#
# $$i = \sigma(a_i), \quad f = \sigma(a_f), \quad g = \tanh(a_g), \quad o = \sigma(a_o)$$
#
# $$c = f \odot c_{prev} + i \odot g, \qquad h = o \odot \tanh(c)$$
#
# `seqlib.torch` computes exactly this with torch operations. Both versions receive
# `xw` $= x\,W_{ih}^\top + b_{ih}$ already computed (a layer computes it for every time step at once; more on
# that below). Here are the two sources as they are in the package, NumPy first:

# %%
for fn in (np_F.lstm_step, torch_F.lstm_step, torch_F.lstm_gates):
    print(f"# ---- {fn.__module__}.{fn.__name__} ----")
    print(inspect.getsource(fn))


# %% [markdown]
# The next cell lines the two up statement by statement. It reads the sources above (with Python's `ast`
# module), so the table always shows the code as it is in the package:


# %%
def statements(fn):
    """The statements of a function's body as one line of code each, without its docstring and comments."""
    body = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0].body
    return [ast.unparse(s) for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]


def assigned(line):
    """The name a statement assigns (``"i"`` for ``i = ...``), or None."""
    return line.split(" = ")[0] if " = " in line else None


numpy_lines = statements(np_F.lstm_step)
torch_lines = statements(torch_F.lstm_gates)
torch_by_name = {assigned(line): line for line in torch_lines if assigned(line)}
split = next(k for k, line in enumerate(numpy_lines) if line.startswith("a_i, a_f, a_g, a_o ="))

rows = [
    "| what | `seqlib.numpy.functional` | `seqlib.torch.functional` |",
    "|---|---|---|",
    "| pre-activations, in 4 blocks | "
    + "<br>".join(f"`{line}`" for line in numpy_lines[: split + 1])
    + f" | `{statements(torch_F.lstm_step)[0]}` |",
]
for line in numpy_lines[split + 1 :]:
    name = assigned(line)
    if name is None:  # the return statement
        rows.append(f"| result | `{line}` | `{torch_lines[-1]}` |")
    else:
        rows.append(
            f"| ${name}$ | `{line}` | `{torch_by_name[name]}` |"
            if name in torch_by_name
            else f"| `{name}` | `{line}` | — |"
        )
Markdown("\n".join(rows))

# %% [markdown]
# Row by row the arithmetic is the same. What changed is the spelling, and everything that serves the backward
# pass:
#
# - `np.split(a, 4, axis=1)` became `.chunk(4, dim=1)`, `sigmoid`/`np.tanh` became `torch.sigmoid`/`torch.tanh`,
#   and `h_prev @ W_hh.T` plus `xw` became one `torch.addmm` (a matmul and an addition in one call).
# - NumPy keeps `tanh_c` in a variable and returns a **cache** `(h_prev, c_prev, i, f, g, o, tanh_c)`: its
#   hand-written `lstm_step_backward` needs those values. The torch version returns only `(h, c)`: while the
#   forward runs, autograd records every operation and saves what each one's derivative needs.
# - There is no `lstm_step_backward` in `seqlib.torch` at all. `.backward()` walks the recorded operations in
#   reverse and applies each one's derivative, which is the chain rule you applied by hand in notebook 04.
#
# **Check.** Same inputs, same numbers: the next cell feeds one random step to both functions in float64.

# %%
# NBVAL_CHECK_OUTPUT
B, I, H = 4, 3, 5
x_t, h_prev, c_prev = rng.normal(size=(B, I)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
W_ih, W_hh = rng.normal(size=(4 * H, I)), rng.normal(size=(4 * H, H))
b_ih, b_hh = rng.normal(size=4 * H), rng.normal(size=4 * H)
xw = x_t @ W_ih.T + b_ih

h_np, c_np, _cache = np_F.lstm_step(xw, h_prev, c_prev, W_hh, b_hh)
as_torch = torch.from_numpy
h_pt, c_pt = torch_F.lstm_step(as_torch(xw), as_torch(h_prev), as_torch(c_prev), as_torch(W_hh), as_torch(b_hh))
print("dtype:", h_pt.dtype, "  shapes:", tuple(h_pt.shape), tuple(c_pt.shape))
print("h equal (max |diff| < 1e-12):", bool(np.abs(h_pt.numpy() - h_np).max() < 1e-12))
print("c equal (max |diff| < 1e-12):", bool(np.abs(c_pt.numpy() - c_np).max() < 1e-12))

# %% [markdown]
# ## Parameters are `nn.Parameter`s, so an optimizer trains them
#
# The layers `seqlib.torch.LSTM` and `seqlib.torch.GRU` are `torch.nn.Module`s whose four weights
# `W_ih, W_hh, b_ih, b_hh` are `nn.Parameter`s in torch.nn's layout. So `model.parameters()` finds them, and any
# optimizer in `torch.optim` can update them:
#
# $$\theta \leftarrow \theta - \eta\,\widehat{\nabla_\theta L} \qquad \text{(Adam's step, with its running averages of the gradient } \nabla_\theta L)$$

# %%
# NBVAL_CHECK_OUTPUT
gru = sto.GRU(1, 32, seed=0)
print(gru)
for name, p in gru.named_parameters():
    print(f"  {name:<5} {tuple(p.shape)!s:<8} {type(p).__name__}, requires_grad={p.requires_grad}")
print(
    "parameters:",
    sum(p.numel() for p in gru.parameters()),
    "  torch.nn.GRU(1, 32):",
    sum(p.numel() for p in nn.GRU(1, 32).parameters()),
)

# %% [markdown]
# To see it train, we forecast a noisy sum of sines (`seqlib.tasks.sine_forecast`: read 40 values, predict the
# next 10). A `seqlib.torch.GRU` reads the window; a linear layer turns its final state into the 10 predictions.
# The loss is the mean squared error, and the yardstick is the naive forecast that repeats the last value seen.

# %%
task = tasks.sine_forecast(seed=0, dtype=np.float32)


class Forecaster(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.rnn = sto.GRU(1, hidden_size, seed=0)
        self.head = nn.Linear(hidden_size, task.output_steps)

    def forward(self, x):
        _, h = self.rnn(x)  # a GRU's state is h: (batch, hidden)
        return self.head(h)[:, :, None]  # (batch, output_steps, 1)


torch.manual_seed(0)
model = Forecaster(32)
W_hh_before = model.rnn.W_hh.detach().clone()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
x_test = torch.from_numpy(task.x_test)


def test_mse():
    with torch.no_grad():
        return task.mse(model(x_test).numpy())


mse_untrained = test_mse()
for epoch in range(8):
    for batch in task.batches("train", batch_size=64, seed=epoch):
        loss = nn.functional.mse_loss(model(torch.from_numpy(batch["x"])), torch.from_numpy(batch["y"]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch + 1}: test MSE {test_mse():.3f}")
mse_trained = test_mse()
print(
    f"naive forecast {task.naive_baseline():.3f}, untrained model {mse_untrained:.3f}, trained model {mse_trained:.3f}"
)

# %%
# NBVAL_CHECK_OUTPUT
print("the optimizer changed the GRU's W_hh:", not torch.equal(model.rnn.W_hh.detach(), W_hh_before))
print("the trained GRU beats the naive forecast:", mse_trained < task.naive_baseline())


# %% [markdown]
# ## Autograd computes the gradients we derived by hand
#
# `seqlib.numpy` computes the gradient of a loss by backpropagation through time, written out step by step in
# notebook 04; `seqlib.torch` lets autograd do it. They must agree. To test every gradient at once, take a loss
# that weighs each output with a fixed random number:
#
# $$L = \sum_{b,t,k} D_{btk}\, h_{btk} \qquad\Longrightarrow\qquad \frac{\partial L}{\partial h_{btk}} = D_{btk}$$
#
# so `numpy_layer.backward(D, None, cache)` and `(outputs * D).sum().backward()` ask for the same gradients.
# Both layers draw their initial weights from NumPy, so the same `seed=0` gives both the same weights
# (`seqlib.numpy` computes in float64; `seqlib.torch` does too with `dtype=torch.float64`). A random initial
# state makes its gradient non-trivial as well.


# %%
def compare_gradients(cell, reset_after=True, B=4, T=7, I=3, H=5):
    """Max |difference| between seqlib.numpy's hand-written and seqlib.torch's autograd results, by name."""
    kwargs = {"reset_after": reset_after} if cell == "gru" else {}
    numpy_layer = {"lstm": snp.LSTM, "gru": snp.GRU}[cell](I, H, seed=0, **kwargs)
    torch_layer = {"lstm": sto.LSTM, "gru": sto.GRU}[cell](I, H, seed=0, dtype=torch.float64, **kwargs)
    same_weights = all(np.array_equal(v, torch_layer.numpy_params()[k]) for k, v in numpy_layer.parameters().items())
    x = rng.normal(size=(B, T, I))
    states = [rng.normal(size=(B, H)) for _ in range(2 if cell == "lstm" else 1)]  # h0 (and c0)
    D = rng.normal(size=(B, T, H))

    # by hand: the forward keeps a cache, the backward walks back through time
    state = tuple(states) if cell == "lstm" else states[0]
    outputs, _, cache = numpy_layer.forward(x, state)
    dx, dstate0, grads = numpy_layer.backward(D, None, cache)
    dstate0 = list(dstate0) if cell == "lstm" else [dstate0]

    # by autograd: mark what we want gradients for, compute the loss, call backward()
    x_pt = torch.tensor(x, requires_grad=True)
    states_pt = [torch.tensor(s, requires_grad=True) for s in states]
    outputs_pt, _ = torch_layer(x_pt, tuple(states_pt) if cell == "lstm" else states_pt[0])
    (outputs_pt * torch.from_numpy(D)).sum().backward()

    pairs = {"outputs": (outputs, outputs_pt), "dL/dx": (dx, x_pt.grad)}
    for name, mine, theirs in zip(["dL/dh0", "dL/dc0"], dstate0, states_pt, strict=False):
        pairs[name] = (mine, theirs.grad)
    for name in ("W_ih", "W_hh", "b_ih", "b_hh"):
        pairs[f"dL/d{name}"] = (grads[name], getattr(torch_layer, name).grad)
    diffs = {name: float(np.abs(mine - theirs.detach().numpy()).max()) for name, (mine, theirs) in pairs.items()}
    return same_weights, diffs


columns = {"LSTM": ("lstm", True), "GRU": ("gru", True), "GRU reset_after=False": ("gru", False)}
results = {title: compare_gradients(cell, reset_after) for title, (cell, reset_after) in columns.items()}
largest = max(max(diffs.values()) for _, diffs in results.values())
print(f"largest |difference| anywhere: {largest:.1e}")

# %% [markdown]
# The table prints, for every quantity, whether the two backends agree to 10 decimal places (float64 rounding
# leaves tiny differences; the cell above prints the largest one):

# %%
# NBVAL_CHECK_OUTPUT
quantities = list(results["LSTM"][1])
print(f"{'':<12}" + "".join(f"{title:>24}" for title in columns))
print(f"{'same weights':<12}" + "".join(f"{results[title][0]!s:>24}" for title in columns))
for name in quantities:
    cells = [str(results[t][1][name] < 1e-10) if name in results[t][1] else "(no c)" for t in columns]
    print(f"{name:<12}" + "".join(f"{c:>24}" for c in cells))


# %% [markdown]
# Every gradient agrees, including the GRU whose reset gate acts before the recurrent matmul. The hand-written
# backward of notebook 04 and autograd are two routes to the same numbers; from here on the course lets autograd
# do the work, and the NumPy version stays as the readable explanation of what autograd does.
#
# ## Where the time goes: per gate, fused, hoisted, torch.nn
#
# The numbers are the same; the speed is not. `seqlib.torch`'s layers take `impl=` to arrange the matmuls in
# three ways, from the way the equations are written to the way fast code is written (for an LSTM, G = 4 gates,
# over T time steps):
#
# | `impl` | what happens at each step t | matmuls |
# |---|---|---|
# | `"per_gate"` | $a_k = x_t W_{ik}^\top + b_{ik} + h_{t-1} W_{hk}^\top + b_{hk}$ for each gate $k \in \{i, f, g, o\}$ | 2G per step: 8T |
# | `"fused"` | $a = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$, then split into 4 | 2 per step: 2T |
# | `"hoisted"` (default) | before the loop, $XW = X W_{ih}^\top + b_{ih}$ for **all** steps at once; in the loop, $a = XW_t + h_{t-1} W_{hh}^\top + b_{hh}$ | 1 large + T |
#
# The input's share can be hoisted out of the loop because it does not depend on the state; only
# $h_{t-1} W_{hh}^\top$ has to wait for the previous step. All three do the same multiply-adds
# (`bench.flops`: $2\,B\,T\,G\,H\,(I+H)$ forward, three times that forward+backward). What differs is how many
# separate torch calls that work is cut into. Each call from Python has a fixed cost before any arithmetic
# starts (measured below), and autograd records a node per operation for the backward pass. `torch.nn.LSTM`
# runs the whole time loop in one call into compiled C++ (through oneDNN on a CPU when torch was built with it,
# through cuDNN on an NVIDIA GPU).
#
# Here is the per-gate step, the arrangement closest to the equations:

# %%
print(inspect.getsource(torch_F.lstm_step_per_gate))


# %% [markdown]
# Before timing anything, count. The next cell counts the torch calls each layer makes from Python during one
# forward pass over 50 steps (with `torch.overrides.TorchFunctionMode`, which sees every torch function and tensor
# method called), and the nodes of the autograd graph that the backward pass will walk.


# %%
class CountTorchCalls(TorchFunctionMode):
    """Counts every torch function and tensor method called from Python while it is active."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.calls += 1
        return func(*args, **(kwargs or {}))


def graph_nodes(tensor):
    """The operations autograd recorded to produce ``tensor``: the nodes its backward pass visits."""
    seen, todo = set(), [tensor.grad_fn]
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo.extend(parent for parent, _ in node.next_functions)
    return seen


IMPLS = ("per_gate", "fused", "hoisted")
SIZES = [(32, 50, 32, 64), (64, 50, 128, 128)]  # (batch B, time T, input I, hidden H)


def lstm_layers(I, H, device="cpu"):
    """torch.nn's LSTM and seqlib.torch's three arrangements, all with the same weights."""
    torch.manual_seed(0)
    reference = nn.LSTM(I, H, batch_first=True)
    layers = {"torch.nn": reference}
    for impl in IMPLS:
        layers[f"seqlib.torch[{impl}]"] = sto.LSTM.from_torch(reference, impl=impl)
    return {name: layer.to(device) for name, layer in layers.items()}


calls, nodes = {}, {}
for size in SIZES:
    B, T, I, H = size
    x = torch.randn(B, T, I, requires_grad=True)
    print(f"B={B}, T={T}, I={I}, H={H}:")
    for name, layer in lstm_layers(I, H).items():
        with CountTorchCalls() as counter, torch.no_grad():
            layer(x)
        calls[size, name] = counter.calls
        nodes[size, name] = graph_nodes(layer(x)[0])
        print(
            f"  {name:<24} {calls[size, name]:>5} torch calls from Python, {len(nodes[size, name]):>5} autograd nodes"
        )
kinds = sorted({type(n).__name__ for n in nodes[SIZES[0], "torch.nn"]} - {"AccumulateGrad"})
print("torch.nn's autograd nodes, besides the ones that store gradients:", ", ".join(kinds))

# %% [markdown]
# The counts are the same at both sizes: they depend on the arrangement and the number of steps, not on how
# large the tensors are.
#
# Now the clock. For each size, each arrangement runs the forward pass alone (under `torch.no_grad()`) and the
# forward plus backward pass; `bench.best_time` keeps the best of 7 short rounds, the one least disturbed by
# other programs. All of it runs on **one** CPU thread (set at the top of the notebook): on a shared machine such as
# Binder, threads that wait for a busy core stall each other, and timings would say more about the neighbours
# than about the code (`seqlib.torch.fit` trains on one thread by default for the same reason).
# `python -m seqlib.bench --impls` times the same layers with all threads. Whatever the table shows, the text
# under it is generated from it.


# %%
def timed_call(layer, x, pass_):
    """A function of no arguments that runs one forward (or forward+backward) pass and waits for the result."""
    wait = torch.cuda.synchronize if x.is_cuda else (lambda: None)  # a GPU runs asynchronously

    def forward():
        with torch.no_grad():
            layer(x)
        wait()

    def forward_backward():
        layer(x)[0].sum().backward()
        wait()

    return forward if pass_ == "forward" else forward_backward


def measure(sizes, device="cpu", repeat=7, min_seconds=0.005):
    """Seconds per call for every layer, size and pass, as records that bench.format_table prints."""
    records = []
    for B, T, I, H in sizes:
        layers = lstm_layers(I, H, device)
        x = torch.randn(B, T, I, device=device, requires_grad=True)
        for pass_ in bench.PASSES:
            seconds = {
                name: bench.best_time(timed_call(layer, x, pass_), repeat, min_seconds)
                for name, layer in layers.items()
            }
            for name, s in seconds.items():
                records.append(
                    {"impl": name, "cell": "lstm", "pass": pass_, "B": B, "T": T, "I": I, "H": H, "seconds": s,
                     "ratio": s / seconds["torch.nn"], "gflops": bench.flops("lstm", B, T, I, H, pass_) / s / 1e9}
                )  # fmt: skip
    return records


records = measure(SIZES)
print(
    f"torch {torch.__version__}, {torch.get_num_threads()} thread, float32; 'x torch.nn' = seconds / torch.nn's seconds"
)
print(bench.format_table(records))

# %%
names = list(lstm_layers(1, 1))  # torch.nn, then per_gate, fused, hoisted
colours = ["#000000", "#E69F00", "#56B4E9", "#009E73"]  # Okabe-Ito: distinct for colour-blind readers
hatches = ["", "//", "..", "xx"]  # and distinct in black and white
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
for ax, pass_ in zip(axes, bench.PASSES, strict=True):
    for k, (name, colour, hatch) in enumerate(zip(names, colours, hatches, strict=True)):
        ms = [r["seconds"] * 1e3 for r in records if r["impl"] == name and r["pass"] == pass_]
        ax.bar(
            np.arange(len(SIZES)) + (k - 1.5) * 0.2, ms, 0.2, color=colour, hatch=hatch, edgecolor="white", label=name
        )
    ax.set_xticks(range(len(SIZES)), [f"B={B}, T={T}\nI={I}, H={H}" for B, T, I, H in SIZES])
    ax.set(yscale="log", xlabel="batch B, steps T, input I, hidden H", title=f"LSTM, {pass_}")
axes[0].set_ylabel("milliseconds per call (log scale)")
fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=9)
fig.suptitle("Measured on this machine: lower is faster")
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()


# %% [markdown]
# What the measurement says on the machine that ran it (this cell writes the sentences from the records above,
# so they change when the numbers do):


# %%
def compared(t, reference):
    """How time t compares with a reference time, in words."""
    ratio = reference / t
    if ratio >= 1.1:
        return f"{ratio:.1f}× faster than"
    if ratio <= 1 / 1.1:
        return f"{1 / ratio:.1f}× slower than"
    return "about as fast as (within 10% of)"


def findings(records):
    """One sentence per size and pass, from the measured seconds."""
    lines, wins = [], 0
    for B, T, I, H in sorted({(r["B"], r["T"], r["I"], r["H"]) for r in records}):
        for pass_ in bench.PASSES:
            t = {
                r["impl"].removeprefix("seqlib.torch[").removesuffix("]"): r["seconds"]
                for r in records
                if (r["B"], r["T"], r["I"], r["H"]) == (B, T, I, H) and r["pass"] == pass_
            }
            best = min(IMPLS, key=t.get)
            wins += t["torch.nn"] < t[best]
            lines.append(
                f"- **B={B}, T={T}, I={I}, H={H}, {pass_}:** fused is {compared(t['fused'], t['per_gate'])} per-gate; "
                f"hoisted is {compared(t['hoisted'], t['fused'])} fused and {compared(t['hoisted'], t['per_gate'])} "
                f"per-gate. torch.nn ({t['torch.nn'] * 1e3:.2f} ms) is {compared(t['torch.nn'], t[best])} the fastest "
                f"seqlib.torch arrangement, {best} ({t[best] * 1e3:.2f} ms)."
            )
    n = len(lines)
    lines.append(
        f"\ntorch.nn was the fastest in {wins} of these {n} measurements."
        + (" Timings on a shared machine vary from run to run: run the timing cell again to see how stable this is."
           if wins < n else "")
    )  # fmt: skip
    return lines


display(Markdown("\n".join(findings(records))))

# %% [markdown]
# **Why.** The loops make many small calls, and each has a fixed cost that does not grow with the size of the
# tensors, while the arithmetic does. The next cell measures that fixed cost on this machine, as the time of
# `torch.sigmoid` on a tensor of one step's size (B × H, almost no arithmetic), multiplies it by the number of
# calls counted above, and compares the product with each measured forward pass:


# %%
def percent(share):
    return "under 1%" if share < 0.005 else f"{share:.0%}"


B, T, I, H = SIZES[0]
tiny = torch.zeros(B, H)
per_call = bench.best_time(lambda: torch.sigmoid(tiny), repeat=20, min_seconds=0.002)
lines = [
    f"One small torch call costs about **{per_call * 1e6:.1f} µs** here. Share of each forward pass spent calling:"
]
spread, share = {}, {}
for size in SIZES:
    t = {
        r["impl"]: r["seconds"] for r in records if r["pass"] == "forward" and (r["B"], r["T"], r["I"], r["H"]) == size
    }
    share.update({(size, name): calls[size, name] * per_call / t[name] for name in names})
    loops = [t[f"seqlib.torch[{impl}]"] for impl in IMPLS]
    spread[size] = max(loops) / min(loops)
    lines.append(
        f"- B={size[0]}, T={size[1]}, I={size[2]}, H={size[3]}: "
        + ", ".join(f"{name} {percent(share[size, name])}" for name in names)
        + f". The slowest seqlib.torch arrangement takes {spread[size]:.1f}× as long as the fastest."
    )
small, large = SIZES
rnn_nodes = [k for k in kinds if "rnn" in k.lower() or "lstm" in k.lower()]
lines.append(
    f"\nThe arrangements do the same arithmetic, cut into different numbers of calls (per-gate's also into "
    f"smaller matmuls). Here they are "
    f"{'further apart' if spread[small] > spread[large] else 'closer together'} at the small size "
    f"({spread[small]:.1f}×, calling {percent(share[small, 'seqlib.torch[per_gate]'])} of per-gate's forward) than at the large one "
    f"({spread[large]:.1f}×, {percent(share[large, 'seqlib.torch[per_gate]'])}). For the backward pass autograd walks "
    f"{len(nodes[small, 'seqlib.torch[hoisted]'])} nodes for the hoisted loop and {len(nodes[small, 'torch.nn'])} "
    f"for torch.nn"
    + (f", where a single {rnn_nodes[0]} node stands for all {T} steps" if rnn_nodes else "")
    + f". torch.nn's forward makes {calls[small, 'torch.nn']} calls from Python; one of them runs the whole "
    f"time loop in compiled code, where a step costs its arithmetic and little else."
)
if max(share.values()) > 1:
    lines.append(
        "\nA share above 100% cannot be right: other programs disturbed the timings (the loop's or the single "
        "call's). Run the timing cell and this one again."
    )
display(Markdown("\n".join(lines)))

# %% [markdown]
# **The same on a GPU.** On a GPU each torch call also launches a kernel, another fixed cost, while a small
# step's arithmetic is quick there. The next cell repeats the measurement on a CUDA
# GPU when there is one, and otherwise says so; nothing in the course needs a GPU.

# %%
if torch.cuda.is_available():
    gpu_records = measure(SIZES, device="cuda")
    print(f"{torch.cuda.get_device_name(0)}, float32; 'x torch.nn' = seconds / torch.nn's seconds")
    print(bench.format_table(gpu_records))
    display(Markdown("\n".join(findings(gpu_records))))
else:
    print("No CUDA GPU on this machine, so there is nothing to time on one; the CPU table above is the measurement.")
    print("On a machine with a CUDA GPU, this cell times the same four LSTMs there and describes the result.")

# %% [markdown]
# ## Exercise: a GRU step autograd can differentiate
#
# Translate notebook 03's GRU step into torch operations. With torch.nn's layout (gates r, z, n) and the reset
# applied after the recurrent matmul:
#
# $$[x_r,\ x_z,\ x_n] = \mathrm{split}_3(x\,W_{ih}^\top + b_{ih}), \qquad [h_r,\ h_z,\ h_n] = \mathrm{split}_3(h_{prev}\,W_{hh}^\top + b_{hh})$$
#
# $$r = \sigma(x_r + h_r), \qquad z = \sigma(x_z + h_z), \qquad n = \tanh(x_n + r \odot h_n), \qquad h = (1 - z) \odot n + z \odot h_{prev}$$
#
# The arguments arrive as float64 tensors with `requires_grad=True`. `check()` compares your `h` with a reference
# and then compares the gradients autograd computes through your function for all six arguments, so a step that
# leaves torch anywhere (through NumPy, `.item()` or `.detach()`) is caught even when its numbers are right.

# %%
from seqlib.exercises import torch_gru_step as exercise


def torch_gru_step(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    return None  # your code here: the new h, from torch operations only


exercise.check(torch_gru_step)

# %% [markdown]
# Uncomment a line to get a hint or to see a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - `seqlib.torch` is `seqlib.numpy` with torch operations: the same gate equations line for line, no cache and
#   no backward function, because autograd records the forward and differentiates it.
# - Its weights are `nn.Parameter`s, so `model.parameters()` and any `torch.optim` optimizer train it.
# - With the same seed both backends start from the same weights, and every gradient autograd computes (input,
#   initial state, all four weights) equals the hand-written one for the LSTM and both GRU variants.
# - Speed depends on how the work is cut into calls: one matmul per gate, fused gates, or the input's share
#   hoisted out of the loop. torch.nn runs the whole loop as one compiled call. The table above says by how much
#   each one wins on your machine, and the counts of calls and autograd nodes say why.
#
# **Previous:** [04 · Backpropagation through time](04_backprop_through_time.ipynb) ·
# **Next:** [06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb)
