# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 08 · Inspecting hidden states
#
# **In one sentence:** train an LSTM and a GRU to add, then open them up: watch their states and gates step by step, look for single units that follow the digit position or the carry, and measure how often each gate acts as a switch.
#
# *About 35 minutes.*
#
# **Learning goals.** After this notebook you can
# - read the hidden-state inspector (`seqlib.widgets.inspect`) and compare an LSTM with a GRU on the same input;
# - collect hidden states over many inputs and find, by correlation, the units that follow a quantity you can
#   compute from the input (the position of the character read, whether a carry occurs);
# - tell a unit that *correlates* with a quantity from a unit that *encodes* it, and check whether the
#   quantity is there at all by reading it from all units at once;
# - measure gate saturation (the fraction of time a σ-gate is below 0.1 or above 0.9), as Karpathy, Johnson &
#   Fei-Fei (2015) did, for an LSTM and a GRU;
# - draw hidden-state trajectories in their first two principal components.
#
# **Prerequisites.** The LSTM and GRU cells of [02 · The LSTM cell](02_lstm_cell_numpy.ipynb) and
# [03 · The GRU cell](03_gru_cell_numpy.ipynb) (gates i, f, g, o and r, z, n); the encoder-decoder and its
# training with `seqlib.torch.fit` from [06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb); the GRU
# encoder-decoder of [07 · From LSTM to GRU](07_lstm_to_gru.ipynb). Pearson's correlation is explained below.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import display

import seqlib.torch as sto
from seqlib import tasks, viz, widgets
from seqlib.trace import trace

torch.manual_seed(0)  # the models' initial weights come from seed=0 below; this covers anything else in torch
np.set_printoptions(precision=3, suppress=True)
# Okabe & Ito's palette: distinguishable for colour-blind readers and in grey
BLUE, ORANGE, GREEN = "#0072B2", "#E69F00", "#009E73"

# %% [markdown]
# ## The task: adding two-digit numbers
#
# Addition is a good task for looking inside a network because we know exactly what has to be computed: the
# digits of each column, and whether the column produces a **carry** into the next one. The task comes from
# `seqlib.tasks.addition`. The encoder reads the source reversed (`reverse=True`), so it reads each number from
# its units digit up; the decoder writes the sum units digit first (`reverse_target=True`), the order in which
# we add by hand. For `"47+38"` the encoder reads `83+74`: first 8 and 3 (the units and tens of 38), then the
# `+`, then 7 and 4 (the units and tens of 47). The decoder writes `58`, which reads 85.
#
# Two-digit operands keep training within this notebook's one-minute budget; notebook 06 trains on three digits,
# for longer.

# %%
# NBVAL_CHECK_OUTPUT
task = tasks.addition(digits=2, reverse=True, reverse_target=True, n_train=5000, n_test=1000, seed=0)
print(f"{len(task.train)} training sums, {len(task.test)} held-out sums (no sum is in both)")
for source, target in zip(task.test.sources[:3], task.test.targets[:3], strict=True):
    print(f"{source:>6} = {target:<4}  the encoder reads {task.prepare(source)!r:>8}, the decoder writes "
          f"{task.prepare_target(target)!r}")  # fmt: skip

# %% [markdown]
# ## Train an LSTM and a GRU
#
# Both encoder-decoders get 64 hidden units, embeddings of 32, the same seed and the same training settings
# (those `seqlib.experiments` tuned, as in notebooks 06 and 07: learning rate 0.01, decayed by 0.9 per epoch,
# batches of 128). Training stops when 99 % of the first 500 held-out sums come out exactly right, or after 15 s
# of training, whichever comes first. The cell prints what each model reached, measured on all 1000 held-out
# sums; everything below is about these two trained models.

# %%
models, histories = {}, {}
for cell in ("lstm", "gru"):
    model = sto.Seq2Seq.for_task(task, cell=cell, hidden_size=64, embed_size=32, seed=0)
    history = sto.fit(model, task, max_seconds=15, target_accuracy=0.99, seed=0, lr=1e-2, lr_decay=0.9,
                      batch_size=128, eval_limit=500, progress=False)  # fmt: skip
    answers = sto.translate(model, task, list(task.test.sources))
    accuracy = tasks.exact_match(answers, list(task.test.targets))
    models[cell], histories[cell] = model, history
    print(f"{cell.upper()}: {history.epoch[-1]} epochs, {history.train_seconds[-1]:.1f} s of training "
          f"({history.stopped_because}); exact match on all {len(task.test)} held-out sums: {accuracy:.1%}")  # fmt: skip
lstm, gru = models["lstm"], models["gru"]

# %% [markdown]
# ## The inspector
#
# `widgets.inspect(model, task, text)` runs the model once on `text` and keeps everything it computes
# (`seqlib.trace`): the hidden state $h$ (and, for an LSTM, the cell state $c$) after every step, every gate
# value, and the decoder's output probabilities. Its four panels:
#
# - **top left**, the hidden state $h$ as a heatmap: one row per unit, one column per step. Encoder steps are
#   left of the white line (labelled with the character read), decoder steps right of it (labelled with the
#   character written). The dashed line marks the selected step.
# - **top right**, the gates at the selected step: solid bars for the selected unit, hatched bars for the mean
#   over all units. An LSTM has four (i, f, o and the candidate g), a GRU three (r, z and the candidate n).
# - **bottom left**, the selected unit's $h$ (and $c$) over all steps.
# - **bottom right**, the decoder's five most probable characters at the selected step.
#
# Move the **step** slider, type a **unit** number, or type another sum into **input** (press Enter). Below the
# live widget is a picture of its first view, for readers of the stored notebook where widgets do not run.

# %%
inspector = widgets.inspect(lstm, task, "47+38")
display(inspector)
inspector.snapshot()

# %% [markdown]
# Things to try:
#
# - Step to the `+`. How many rows of the heatmap change colour?
# - Step to the first decoder step, where the decoder writes the units digit 5. How much probability does it
#   give the 5, and are the runners-up neighbouring digits?
# - The first view shows unit 0. Does its $c$ (dashed) keep growing through the encoder while its $h$ (solid)
#   stays inside $(-1, 1)$? It must stay inside, because $h = o \odot \tanh(c)$. The section on position below
#   measures this over many inputs.
#
# ## An LSTM and a GRU side by side
#
# `widgets.compare` puts two inspectors next to each other on the same input; their step sliders and inputs
# are linked, so both models are always shown at the same step. The two models have different gates and were
# trained separately, so there is no reason for unit 5 of one to do what unit 5 of the other does: compare
# patterns (how much changes at the `+`, how sure the decoder is), not unit numbers. Below the live widget are
# a picture of both first views, the LSTM's on the left and the GRU's on the right.

# %%
comparison = widgets.compare(lstm, gru, task, "47+38")
display(comparison)
display(comparison.snapshot())

# %% [markdown]
# ## Many inputs, one number per unit
#
# One input shows what a unit does once. To say what a unit *tracks* we need many inputs and a number. We trace
# both models on every held-out sum whose two operands have exactly two digits, so that every input has the same
# five encoder steps (units of the second number, its tens, `+`, units of the first number, its tens) and at
# least three decoder steps (units, tens, then the hundreds digit or the end token).
#
# Then we compute, from the input alone, two quantities a model that adds must know about:
#
# - the **position**: how many characters the encoder has read (step 0 to 4);
# - the **carry** of the units column: whether the two units digits add up to 10 or more.

# %%
# NBVAL_CHECK_OUTPUT
sums = [s for s in task.test.sources if all(len(number) == 2 for number in s.split("+"))]
a = np.array([int(s.split("+")[0]) for s in sums])
b = np.array([int(s.split("+")[1]) for s in sums])
units_sum = a % 10 + b % 10  # the units column: 0 .. 18
carry = (units_sum >= 10).astype(float)  # 1.0 where the units column carries into the tens

traces = {cell: [trace(models[cell], task, s) for s in sums] for cell in models}
ENCODER_STEPS, STEPS = 5, 8  # 5 encoder steps; the decoder's first 3 steps exist for every one of these sums
STEP_NAMES = ["2nd units", "2nd tens", "+", "1st units", "1st tens", "write units", "write tens", "write 100s/end"]
states = {  # (inputs, steps, units) for each model and each kind of state
    f"{cell.upper()} {kind}": np.stack([getattr(t, kind)[:STEPS] for t in traces[cell]])
    for cell in models
    for kind in (("h", "c") if cell == "lstm" else ("h",))
}
print(f"{len(sums)} held-out sums with two two-digit numbers; {int(carry.sum())} of them carry in the units column")
print("every trace has 5 encoder steps:", all(t.n_encoder == ENCODER_STEPS for ts in traces.values() for t in ts))
for name, s in states.items():
    print(f"{name}: states of shape {s.shape}")

# %% [markdown]
# ### Exercise: the unit that follows a quantity
#
# Take one step, so each input gives one vector of states $x_{k} = (x_{k1}, \dots, x_{kH})$, and a quantity
# $q_k$ computed from input $k$. How closely unit $u$ follows $q$ over the $n$ inputs is Pearson's correlation
#
# $$r_u = \frac{\sum_{k=1}^{n} (x_{ku} - \bar x_u)(q_k - \bar q)}
#              {\sqrt{\sum_{k} (x_{ku} - \bar x_u)^2 \; \sum_{k} (q_k - \bar q)^2}},
#   \qquad \bar x_u = \frac1n \sum_k x_{ku},\quad \bar q = \frac1n \sum_k q_k .$$
#
# $r_u = 1$: the unit rises exactly in step with $q$ (on a straight line); $r_u = -1$: it falls exactly as $q$
# rises, which tracks $q$ just as well; $r_u \approx 0$: no straight-line relation.
#
# **Exercise.** Write `most_correlated_unit(states, quantity)`: `states` is an array `(n_examples, hidden)`,
# `quantity` an array `(n_examples,)`; return the index of the unit whose activation has the largest
# **absolute** correlation with the quantity. A unit that never changes has no correlation with anything.

# %%
from seqlib.exercises import most_correlated_unit as exercise


def most_correlated_unit(states, quantity):
    return None  # your code here: the index of the unit with the largest |r|


result = exercise.check(most_correlated_unit)
print(result)

# %% [markdown]
# Uncomment a line for a hint or a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# Below, your function finds the units once it passes; until then the reference solution does. To list the
# runners-up as well, `correlations` keeps every unit's $r$ (the same formula, for all columns at once).


# %%
find_unit = most_correlated_unit if result else exercise.reference


def correlations(states, quantity):
    """Pearson r of every unit (column of states) with the quantity; a unit that never changes gets 0."""
    x = states - states.mean(axis=0)
    q = quantity - quantity.mean()
    spread = np.sqrt((x**2).sum(axis=0) * (q**2).sum())
    return np.divide((x * q[:, None]).sum(axis=0), spread, out=np.zeros(x.shape[1]), where=spread > 0)


def top_units(states, quantity, k=5):
    r = correlations(states, quantity)
    best = np.argsort(-np.abs(r), kind="stable")[:k]
    return "  ".join(f"unit {u:>2}: r = {r[u]:+.3f}" for u in best)


# %% [markdown]
# ## Units that count the position
#
# Pool the five encoder steps of every input: each (input, step) pair is one example, and its quantity is the
# step number. A unit that rises (or falls) steadily with every character read is a counter.

# %%
position = np.tile(np.arange(ENCODER_STEPS), len(sums)).astype(float)
position_unit = {}
for name, s in states.items():
    pooled = s[:, :ENCODER_STEPS].reshape(-1, s.shape[2])  # (inputs * 5, units)
    position_unit[name] = find_unit(pooled, position)
    print(f"{name}: {top_units(pooled, position)}")

# %% [markdown]
# The first unit of each line is what `find_unit` returned. The figure shows each model's best position unit over
# the five encoder steps, one thin line per input: a counter draws the same slope whatever the digits are.

# %%
fig, axes = plt.subplots(1, len(states), figsize=(11, 3.2), sharex=True)
for ax, (name, s), color in zip(axes, states.items(), (BLUE, GREEN, ORANGE), strict=True):
    u = position_unit[name]
    ax.plot(np.arange(ENCODER_STEPS), s[:150, :ENCODER_STEPS, u].T, color=color, lw=0.5, alpha=0.4)
    ax.plot(np.arange(ENCODER_STEPS), s[:, :ENCODER_STEPS, u].mean(axis=0), "k--", lw=2, label="mean")
    r = correlations(s[:, :ENCODER_STEPS].reshape(-1, s.shape[2]), position)[u]
    ax.set(title=f"{name}, unit {u} (r = {r:+.3f})", xlabel="encoder step", ylabel=f"{name.split()[1]} value")
    ax.set_xticks(range(ENCODER_STEPS), STEP_NAMES[:ENCODER_STEPS], rotation=30, fontsize="small")
    ax.legend(loc="best", fontsize="small")
fig.suptitle("The unit most correlated with the position, on 150 inputs")
fig.tight_layout()
plt.show()

# %% [markdown]
# Compare the correlations the cell printed for the LSTM's $h$, the LSTM's $c$ and the GRU's $h$. An LSTM's
# cell state is a sum, $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, and it is not squashed: a unit whose forget
# gate stays near 1 and which adds about the same amount at each step counts steps. $h$ and the GRU's state are
# squashed into $(-1, 1)$ at every step and cannot grow without bound. That an LSTM can count and a GRU cannot
# keep a count going for long is a known result about these cells (Weiss, Goldberg & Yahav, 2018). With five
# steps to tell apart, a GRU does not need a counter: in the run stored here its best unit rises over the first
# steps and then stays near its ceiling, so it tells the beginning of the input from the rest rather than step 3
# from step 4.
#
# ## Looking for a carry unit
#
# The carry of the units column is settled at step 3, when the encoder reads the units digit of the first
# number (it read the other units digit at step 0). The state at the last encoder step is what the encoder hands
# to the decoder, so it must hold the carry in some form: the decoder writes the tens digit, which depends on
# it, without seeing the input again. Correlate each unit of that state with the carry:

# %%
handover = ENCODER_STEPS - 1  # the last encoder step: the state the bridge passes to the decoder
carry_unit = {}
for name, s in states.items():
    carry_unit[name] = find_unit(s[:, handover], carry)
    print(f"{name}: {top_units(s[:, handover], carry)}")

# %% [markdown]
# Those are sizeable correlations. Is the best unit a *carry unit*, one that says "carry" or "no carry" and
# nothing else? The top panels split its activation by carry. The bottom panels test the claim more sharply:
# the carry is a function of the units column's sum, 0 to 18 (carry from 10 on). A carry unit would sit at one
# level for the sums 0 to 9 and jump to another at 10, flat on either side.

# %%
fig, axes = plt.subplots(2, len(states), figsize=(11, 6))
for col, (name, s) in enumerate(states.items()):
    u = carry_unit[name]
    x = s[:, handover, u]
    bins = np.linspace(x.min(), x.max(), 25)
    top, bottom = axes[0, col], axes[1, col]
    top.hist(x[carry == 0], bins=bins, color=BLUE, alpha=0.7, label="no carry")
    top.hist(x[carry == 1], bins=bins, color=ORANGE, alpha=0.7, hatch="//", label="carry")
    top.set(title=f"{name}, unit {u}", xlabel=f"{name.split()[1]} at the last encoder step", ylabel="inputs")
    top.legend(fontsize="small")
    column = np.arange(19)
    means = np.array([x[units_sum == v].mean() for v in column])
    spread = np.array([x[units_sum == v].std() for v in column])
    colors = np.where(column >= 10, ORANGE, BLUE)
    bottom.errorbar(column, means, yerr=spread, fmt="none", ecolor="grey", lw=1)
    bottom.scatter(column, means, c=colors, s=30, zorder=3)
    bottom.axvline(9.5, color="black", ls="--", lw=1)
    bottom.set(xlabel="units digit of 1st + units digit of 2nd", ylabel="mean ± std",
               title=f"unit {u} by the units column's sum", xticks=range(0, 19, 3))  # fmt: skip
fig.suptitle("The unit most correlated with the carry: by carry (top); by the units column's sum, where the "
             "carry starts at 10, dashed (bottom)")  # fmt: skip
fig.tight_layout()
plt.show()

# %% [markdown]
# A number makes the figure's question precise. Group the inputs, and ask what fraction of a unit's variance the
# group means explain ($\eta^2$; for two groups it equals $r^2$). Grouped by carry there are 2 groups; grouped by
# the units column's sum there are 19. The carry is a function of the sum, so the sum always explains at least
# as much. For a carry unit the two fractions are about equal: knowing the exact sum adds nothing to knowing the
# carry. If the sum explains much more, the unit follows the sum and the carry only partly. A third grouping
# asks about the digit the decoder writes first, the units digit of the answer (the sum modulo 10, 10 groups).


# %%
def explained(x, groups):
    """Fraction of the variance of x explained by the mean of each group (eta squared)."""
    total = ((x - x.mean()) ** 2).sum()
    between = sum((groups == g).sum() * (x[groups == g].mean() - x.mean()) ** 2 for g in np.unique(groups))
    return between / total


for name, s in states.items():
    x = s[:, handover, carry_unit[name]]
    print(f"{name} unit {carry_unit[name]:>2}: variance explained by the carry {explained(x, carry):.0%}, "
          f"by the units column's sum {explained(x, units_sum):.0%}, "
          f"by the answer's units digit {explained(x, units_sum % 10):.0%}")  # fmt: skip

# %% [markdown]
# Read the bottom panels with these fractions. In the run stored here, none of the three units is a carry bit:
# their means rise and fall *within* the sums 0 to 9 and again within 10 to 18, instead of jumping once at 10,
# and the sum explains far more of their variance than the carry does. The answer's units digit explains more
# than the carry, too. These units follow the units column's sum, which also decides the first digit the
# decoder writes; their correlation with the carry is a side effect of that.
#
# ### Is the carry there at all? Read it from all units
#
# Not finding one unit for the carry does not mean the model lacks it: the decoder gets the tens digit right, so
# the information must be in the state, perhaps spread over many units. A **linear readout** (a *probe*) asks
# exactly this: is there a weighted sum of all the units, $w \cdot x + b$, whose sign tells carry from no carry?
# We fit $w$ and $b$ by least squares (with a little ridge penalty $\lambda$) on half of the inputs,
#
# $$\min_{w, b} \sum_{k \in \text{first half}} \big(w \cdot x_k + b - y_k\big)^2 + \lambda \lVert w \rVert^2,
#   \qquad y_k = +1 \text{ (carry) or } -1,$$
#
# and count how often the sign is right on the other half, which the readout never saw. We do it at every step,
# and compare with the best single unit (its best threshold, also chosen on the first half) and with the best
# guess from the one units digit read at step 0 (carry when it is 5 or more).

# %%
half = len(sums) // 2
y = 2 * carry - 1  # +1 carry, -1 no carry
test = carry[half:] == 1


def readout_accuracy(x, lam=1e-2):
    """Fit w, b on the first half (ridge least squares), return the accuracy of sign(w·x + b) on the second."""
    A = np.hstack([x, np.ones((len(x), 1))])
    w = np.linalg.solve(A[:half].T @ A[:half] + lam * np.eye(A.shape[1]), A[:half].T @ y[:half])
    return np.mean((A[half:] @ w > 0) == test)


def single_unit_accuracy(x):
    """The unit most correlated with the carry on the first half, with its best threshold there."""
    r = correlations(x[:half], carry[:half])
    u = int(np.argmax(np.abs(r)))
    v = x[:, u] * np.sign(r[u])
    thresholds = np.unique(v[:half])
    hits = [np.mean((v[:half] > t) == (carry[:half] == 1)) for t in thresholds]
    return np.mean((v[half:] > thresholds[int(np.argmax(hits))]) == test)


first_digit_guess = np.mean((b[half:] % 10 >= 5) == test)
readout = {name: [readout_accuracy(s[:, t]) for t in range(STEPS)] for name, s in states.items()}
single = {name: [single_unit_accuracy(s[:, t]) for t in range(STEPS)] for name, s in states.items()}
print(f"{'step':<16}" + "".join(f"{name + ' all':>13}{name + ' one':>13}" for name in states))
for t in range(STEPS):
    print(f"{STEP_NAMES[t]:<16}" + "".join(f"{readout[n][t]:>13.1%}{single[n][t]:>13.1%}" for n in states))
print(f"guess from the units digit read at step 0: {first_digit_guess:.1%}")

# %%
fig, ax = plt.subplots(figsize=(10, 3.8))
for (name, acc), color, marker in zip(readout.items(), (BLUE, GREEN, ORANGE), "os^", strict=True):
    ax.plot(range(STEPS), acc, "-" + marker, color=color, label=f"{name}: readout from all units")
    ax.plot(range(STEPS), single[name], ":" + marker, color=color, mfc="white", label=f"{name}: best single unit")
ax.axhline(first_digit_guess, color="grey", ls="--", lw=1, label="guess from the first units digit")
ax.axvline(ENCODER_STEPS - 0.5, color="black", lw=1)
ax.set_xticks(range(STEPS), STEP_NAMES, rotation=30, fontsize="small")
ax.set(ylim=(0.45, 1.02), xlabel="step (encoder | decoder)", ylabel="held-out accuracy",
       title="Can the units column's carry be read from the state?")  # fmt: skip
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
plt.show()

# %% [markdown]
# The table and the figure answer two questions at once. *When* does the state know the carry? Before step 3 it
# cannot: only one of the two units digits has been read, and the readout can do no better than guessing from
# that digit. Look for the jump at step 3, the units digit of the first number. *Where* is it? Compare the solid
# lines (all units) with the dotted ones (one unit): the gap between them is how much of the carry is spread
# over many units rather than held by one. For the LSTM, compare its $h$ with its $c$ too: the bridge hands the
# decoder both, and a part of what the cell state holds need not show in $h$, which the output gate filters.
#
# This is the general lesson of this section: a high correlation points at a unit worth inspecting, and it is not
# yet evidence that the unit computes the quantity; a readout from all units tells whether the information is
# there, and a grouped plot like the one above tells what a single unit actually follows.
#
# ## Gate saturation
#
# Karpathy, Johnson & Fei-Fei (2015) asked how often each gate acts like a switch: below 0.1 (**left-saturated**,
# nearly closed) or above 0.9 (**right-saturated**, nearly open), rather than somewhere in between.
# `widgets.saturation(model, task, n)` traces `n` held-out inputs and pools every unit's value at every step, for
# each σ-gate: i, f, o for the LSTM, r and z for the GRU (the candidates g and n are tanh values, not gates). For
# the GRU, remember the convention of notebook 03: $h = (1 - z) \odot n + z \odot h_{prev}$, so $z$ near 1 keeps
# the old state, like an LSTM's forget gate near 1.

# %%
saturation = {}
for name, model in (("LSTM", lstm), ("GRU", gru)):
    saturation[name], _ = widgets.saturation(model, task, n=200)  # (fractions, the widget's figure)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True)
for ax, (name, fractions) in zip(axes, saturation.items(), strict=True):
    viz.draw_saturation(ax, fractions, f"{name}: σ-gates on 200 held-out sums")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
axes[0].get_legend().remove()
fig.tight_layout()
plt.show()

print(f"{'gate':<14}{'< 0.1 (closed)':>16}{'> 0.9 (open)':>14}{'in between':>12}")
for name, fractions in saturation.items():
    for gate, (low, high) in fractions.items():
        print(f"{name + ' ' + gate:<14}{low:>16.1%}{high:>14.1%}{1 - low - high:>12.1%}")
f_low, f_high = saturation["LSTM"]["f"]
z_low, z_high = saturation["GRU"]["z"]
print(f"\nold memory kept almost whole:     LSTM f > 0.9 {f_high:.1%}   GRU z > 0.9 {z_high:.1%}")
print(f"old memory dropped almost whole:  LSTM f < 0.1 {f_low:.1%}   GRU z < 0.1 {z_low:.1%}")
gates = {name: np.concatenate([t.gates[name].ravel() for t in traces["lstm"]]) for name in ("i", "f")}
both = np.mean((gates["i"] > 0.9) & (gates["f"] > 0.9))
print(f"LSTM, keep and write at once (f > 0.9 and i > 0.9), on the {len(sums)} traced sums: {both:.1%}")

# %% [markdown]
# A gate that is often right-saturated keeps (f, z) or lets through (i, o, r) almost everything; one often
# left-saturated is a door mostly shut; a large "in between" fraction means a dimmer rather than a switch.
#
# The last three lines compare the two memories. An LSTM's $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ can keep
# its old content *and* write new content in the same step, with $f$ and $i$ both open; the last line counts
# how often its units do. A GRU cannot: its $h = (1 - z) \odot n + z \odot h_{prev}$ gives the old state and the
# candidate shares that add up to 1, so keeping more means writing less. In the run stored here, the GRU's
# update gate drops the old state almost whole more often than the LSTM's forget gate drops its cell state, and
# keeps it almost whole less often: one way to read it is that a GRU unit that must write has to let go of what
# it held, while an LSTM unit need not.
#
# Karpathy et al. studied character-level language models reading thousands of characters; our models read at
# most five characters and write at most four. Compare the two models here with each other rather than with the
# paper's figures.
#
# ## Trajectories in two dimensions
#
# A state with 64 units cannot be drawn, but its first two principal components can: the two directions in
# which the states of the traced inputs vary most (`seqlib.viz.pca`, an SVD of the centred states).
# `widgets.trajectory` traces a few inputs, projects every step's $h$ (encoder and decoder) and joins each input's
# steps; colour shows the step.

# %%
examples = ["12+30", "47+35", "99+99"]
for name, model in (("LSTM", lstm), ("GRU", gru)):
    figure = widgets.trajectory(model, task, examples)
    figure.axes[0].set_title(f"{name}: hidden-state trajectories of {len(examples)} sums")
    display(figure)

# %% [markdown]
# Each trajectory starts (dark, step 0, labelled with the sum) at the state after the first character read, the
# units digit of the second number, and moves on as more characters arrive. Questions to ask the figure: where
# does each input move from encoder to decoder steps? Do the two models lay out the same inputs alike? Two
# components keep only part of the variance, so points close in the figure may be far apart in the full 64
# dimensions: use the figure to form questions, and correlations and readouts, as above, to answer them.

# %% [markdown]
# ## Summary
#
# - The inspector (`widgets.inspect`) shows one input's states, gates and output probabilities step by step;
#   `widgets.compare` shows an LSTM and a GRU on the same input at the same step. An inspector's `.snapshot()`
#   is a picture of its view for the stored notebook.
# - To say what a unit tracks, trace many inputs, compute a quantity from each input, and correlate: Pearson's
#   $r$ per unit, ranked by $|r|$ (`most_correlated_unit`). A unit with $r \approx -1$ tracks as well as one with
#   $r \approx +1$, and a unit that never changes tracks nothing.
# - Position counters appear most clearly in the LSTM's unsquashed cell state $c$.
# - A high correlation with the carry is a lead, not a proof: grouping by the sum that decides the carry shows
#   what the unit follows. A linear readout from all units shows when the carry enters the state (once both
#   units digits are read) and how much better many units hold it than one.
# - Gate saturation, the fractions below 0.1 and above 0.9 per σ-gate, says whether a model uses its gates as
#   switches or as dimmers; PCA trajectories give a picture of the whole state.
#
# **Previous:** [07 · From LSTM to GRU: what changes, measured](07_lstm_to_gru.ipynb) · **Next:** [09 · The same models in Keras and PyTorch](09_keras_and_pytorch.ipynb)
