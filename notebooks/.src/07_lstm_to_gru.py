# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 07 · From LSTM to GRU: what changes, measured
#
# **In one sentence:** turn the LSTM encoder-decoder into a GRU one, see exactly which lines change, trip over the errors the state change causes, and measure — on this machine — whether the GRU really trains faster.
#
# *About 35 minutes.*
#
# **Learning goals.** After this notebook you can
# - convert an LSTM encoder-decoder to a GRU one and name every line that changes (the layer, and the state:
#   $(h, c)$ becomes $h$);
# - recognise the errors a half-done conversion produces, and fix them from the message;
# - tell the two meanings of "the same size" apart — the same number of units, or the same number of parameters —
#   and build both twins with `convert.lstm_to_gru`;
# - run a fair comparison (same data, seeds, optimiser, budget) and say what it shows about the claim that GRUs
#   train faster, separating *work per step* from *steps needed*.
#
# **Prerequisites.** [06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb) (encoder, bridge, teacher
# forcing, greedy decoding) and the GRU equations of notebook 03.

# %% [markdown]
# ## The advice, and what we will do with it
#
# A common recipe for turning an LSTM encoder-decoder into a GRU one says: replace the LSTM layers by GRU layers;
# pass $h$ where $(h, c)$ was passed; keep the number of units the same so the state fits; expect faster
# training; re-tune the hyperparameters afterwards. None of that comes with a measurement. This notebook checks
# each point on a task that trains in seconds: **2-digit addition** (`"47+85" -> "132"`, both sides reversed as
# in notebook 06), chosen smaller than 06's 3-digit sums so that six models fit in this notebook's minute.

# %%
import difflib
import html
import inspect
import re
import statistics
import time

import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, Markdown, display
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import seqlib.torch as sto
import seqlib.torch.seq2seq as seq2seq_module
from seqlib import bench, convert, tasks
from seqlib.torch.seq2seq import Seq2Seq

SEED = 0
torch.manual_seed(SEED)
COLOURS = {"LSTM": "#0072B2", "GRU (units)": "#E69F00", "GRU (params)": "#009E73"}  # Okabe-Ito
notebook_start = time.perf_counter()

task = tasks.addition(digits=2, reverse=True, reverse_target=True, n_train=8000, n_test=1000, seed=SEED)
print(task)

# %% [markdown]
# ## 1 · The two model definitions, side by side
#
# Here is the kind of encoder-decoder most tutorials write, on `torch.nn` layers, first with LSTMs and then
# converted to GRUs. Both are complete (they run below) and both read the encoder's state at each source's last
# real token, through `pack_padded_sequence` — torch.nn's way of doing what seqlib's `lengths=` did in notebook 06.
# `nn.Embedding` is the learned table of token vectors (`embed` numbers per token) and `nn.Linear` the output
# projection to one score per target token.


# %%
def lstm_encoder_decoder(src_vocab, tgt_vocab, embed=32, hidden=64):
    """An LSTM encoder-decoder on torch.nn layers; returns the teacher-forced forward pass and its modules."""
    embed_src, embed_tgt = nn.Embedding(src_vocab, embed), nn.Embedding(tgt_vocab, embed)
    encoder = nn.LSTM(embed, hidden, batch_first=True)
    decoder = nn.LSTM(embed, hidden, batch_first=True)
    project = nn.Linear(hidden, tgt_vocab)

    def forward(src, lengths, dec_in):
        packed = pack_padded_sequence(embed_src(src), lengths, batch_first=True, enforce_sorted=False)
        _, (h, c) = encoder(packed)  # the state after each source's last real token
        outputs, _ = decoder(embed_tgt(dec_in), (h, c))  # the bridge: the decoder starts there
        return project(outputs)

    return forward, nn.ModuleList([embed_src, embed_tgt, encoder, decoder, project])


def gru_encoder_decoder(src_vocab, tgt_vocab, embed=32, hidden=64):
    """A GRU encoder-decoder on torch.nn layers; returns the teacher-forced forward pass and its modules."""
    embed_src, embed_tgt = nn.Embedding(src_vocab, embed), nn.Embedding(tgt_vocab, embed)
    encoder = nn.GRU(embed, hidden, batch_first=True)
    decoder = nn.GRU(embed, hidden, batch_first=True)
    project = nn.Linear(hidden, tgt_vocab)

    def forward(src, lengths, dec_in):
        packed = pack_padded_sequence(embed_src(src), lengths, batch_first=True, enforce_sorted=False)
        _, h = encoder(packed)  # the state after each source's last real token
        outputs, _ = decoder(embed_tgt(dec_in), h)  # the bridge: the decoder starts there
        return project(outputs)

    return forward, nn.ModuleList([embed_src, embed_tgt, encoder, decoder, project])


# %% [markdown]
# The diff below is computed by `difflib` from the two functions' source (`inspect.getsource`), so it cannot
# drift from the code above. Changed lines carry a `≠` and are shaded (blue for the LSTM side, orange for the GRU
# side).


# %%
def side_by_side(left, right, titles):
    """An HTML table of two sources, line by line; differing lines are marked ≠ and shaded."""
    a, b = left.splitlines(), right.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            l = a[i1 + k] if i1 + k < i2 else ""
            r = b[j1 + k] if j1 + k < j2 else ""
            rows.append((tag != "equal", l, r))
    cell = "font-family:monospace;white-space:pre;text-align:left;padding:0 6px;font-size:12px;"
    body = "".join(
        f"<tr><td style='{cell}{'background:#DCEBF7;' if changed else ''}'>{html.escape(l)}</td>"
        f"<td style='{cell}font-weight:bold'>{'≠' if changed else ''}</td>"
        f"<td style='{cell}{'background:#FBE3C5;' if changed else ''}'>{html.escape(r)}</td></tr>"
        for changed, l, r in rows
    )
    head = f"<tr><th>{titles[0]}</th><th></th><th>{titles[1]}</th></tr>"
    return HTML(f"<table>{head}{body}</table>")


lstm_source, gru_source = inspect.getsource(lstm_encoder_decoder), inspect.getsource(gru_encoder_decoder)
display(side_by_side(lstm_source, gru_source, ("LSTM", "GRU")))

# %%
# NBVAL_CHECK_OUTPUT
changed = [line for line in difflib.unified_diff(lstm_source.splitlines(), gru_source.splitlines(), lineterm="", n=0)
           if line[:1] in "+-" and line[:3] not in ("---", "+++")]  # fmt: skip
print(f"{len(changed) // 2} of {len(lstm_source.splitlines())} lines differ:")
print("\n".join(changed))

# %% [markdown]
# Apart from the names, two kinds of line change: the layer class (`nn.LSTM` → `nn.GRU`), and every line that
# touches the **state** — the encoder now returns one tensor $h$ instead of the pair $(h, c)$, and the decoder
# starts from $h$ alone. Nothing else in the model knows which cell it runs. Both versions run, on the same batch:

# %%
# NBVAL_CHECK_OUTPUT
batch = next(task.batches("train", batch_size=8, seed=SEED))
src, lengths, dec_in = (torch.as_tensor(batch[k]) for k in ("src", "src_lengths", "dec_in"))
V_src, V_tgt = task.source_vocab.size, task.target_vocab.size
for build in (lstm_encoder_decoder, gru_encoder_decoder):
    torch.manual_seed(SEED)
    forward, modules = build(V_src, V_tgt)
    with torch.no_grad():
        logits = forward(src, lengths, dec_in)
    print(
        f"{build.__name__:<22} logits {tuple(logits.shape)}  parameters {sum(p.numel() for p in modules.parameters())}"
    )

# %% [markdown]
# seqlib's `Seq2Seq` is written once for both cells. Every line of `seqlib/torch/seq2seq.py` that depends on the
# cell is listed below, found by searching the module's source for a test on the cell name: each one either
# chooses or configures the layer, or deals with the *shape of the state*, a pair or a single tensor.

# %%
lines, first = inspect.getsourcelines(seq2seq_module)
depends = [(first + i, ln.strip()) for i, ln in enumerate(lines) if re.search(r'cell == "(lstm|gru)"|\{"lstm":', ln)]
for number, text in depends:
    print(f"{number:4d}  {text}")
print(f"\n{len(depends)} of the module's {len(lines)} lines depend on the cell")

# %% [markdown]
# ## 2 · The state change, and the errors it causes
#
# An LSTM carries two vectors from step to step, a GRU one:
#
# $$\text{LSTM: } (h_t, c_t) = \operatorname{LSTM}\big(x_t, (h_{t-1}, c_{t-1})\big), \qquad
#   \text{GRU: } h_t = \operatorname{GRU}(x_t, h_{t-1}).$$
#
# The bridge hands the decoder whatever the encoder ends with, so a conversion that changes the layers but not the
# state handling breaks at the hand-off. Three half-done conversions, with the message seqlib gives for each and
# the one `torch.nn` gives for the same slip. The models: the LSTM encoder-decoder with 64 units, and its two GRU
# twins from `convert.lstm_to_gru` (section 3 explains them).

# %%
lstm = Seq2Seq.for_task(task, cell="lstm", hidden_size=64, seed=SEED)
gru_units = convert.lstm_to_gru(lstm, match="units", seed=SEED)
gru_params = convert.lstm_to_gru(lstm, match="params", seed=SEED)
bos = torch.full((len(src),), task.target_vocab.bos)
with torch.no_grad():
    lstm_state, gru_state = lstm.encode(src, lengths), gru_units.encode(src, lengths)


def show(what, attempt):
    try:
        attempt()
        print(f"{what}: no error")
    except Exception as error:  # the point is to read the message
        print(f"{what}:\n    {type(error).__name__}: {error}\n")


nn_gru, nn_lstm = nn.GRU(32, 64, batch_first=True), nn.LSTM(32, 64, batch_first=True)
x = torch.randn(len(src), 1, 32)
h0 = torch.zeros(1, len(src), 64)
with torch.no_grad():
    show("seqlib, an LSTM's (h, c) given to a GRU decoder", lambda: gru_units.decoder.step(bos, lstm_state))
    show("torch.nn, the same slip", lambda: nn_gru(x, (h0, h0)))
    show("seqlib, a GRU's h given to an LSTM decoder", lambda: lstm.decoder.step(bos, gru_state))
    show("torch.nn, the same slip", lambda: nn_lstm(x, h0))
    show(
        "seqlib, h of a 64-unit encoder given to a 76-unit decoder", lambda: gru_params.decoder.step(bos, lstm_state[0])
    )

# %% [markdown]
# The last message is the true content of "the units must match": **inside one model**, the encoder's final state
# *is* the decoder's first state, so the two must have the same width. It says nothing about the LSTM and the GRU
# version having the same width — they are separate models. Nor can the trained LSTM's weights be reused: the
# gates compute different functions, and seqlib refuses to pretend otherwise:

# %%
show("convert.lstm_to_gru(lstm, copy_weights=True)", lambda: convert.lstm_to_gru(lstm, copy_weights=True))

# %% [markdown]
# ## 3 · Two twins: the same units, or the same parameters
#
# Per layer with input size $I$ and $H$ units, a cell with $G$ gate blocks has
#
# $$P = G\,\big(H I + H^2 + 2H\big) \qquad (G = 4 \text{ for the LSTM: } i, f, g, o; \; G = 3 \text{ for the GRU: } r, z, n)$$
#
# parameters: an input matrix, a recurrent matrix and two bias vectors per block, in torch.nn's layout. So a GRU
# with the LSTM's number of units has a quarter fewer weights in each recurrent layer — it is a *smaller* model. A fair
# comparison has two GRU twins: `match="units"` keeps $H$; `match="params"` picks the $H$ whose whole model
# (embeddings and output layer included) has the parameter count closest to the LSTM's.

# %%
# NBVAL_CHECK_OUTPUT
models = {"LSTM": lstm, "GRU (units)": gru_units, "GRU (params)": gru_params}
E = lstm.config.embed_size
for name, model in models.items():
    layer = model.encoder.rnn
    G, H = layer.G, layer.hidden_size
    formula = G * (H * E + H * H + 2 * H)
    print(f"{name:<13} H = {H:3d}   one recurrent layer: {layer.num_params():6d} = G(HI + H² + 2H): {layer.num_params() == formula}"
          f"   whole model: {model.num_params():6d} parameters")  # fmt: skip

# %% [markdown]
# ## 4 · Training the three models
#
# Every model trains with the LSTM's settings from notebook 06 — Adam at $10^{-2}$, decayed by 0.9 per epoch,
# batches of 128, one thread — on the same data, and with the same seed for the initial weights and the batch
# order; we repeat with a second seed. Training stops at **99 % held-out exact match** or at an 8-second
# budget of training steps (or 12 epochs). Three numbers come out per run:
#
# - **seconds per epoch** — the cost of one pass over the training data, which depends on the machine and the
#   kernels;
# - **epochs to 99 %** — how many updates the model needs, which does not depend on the machine;
# - **seconds to 99 %** — what the claim "trains faster" is about: roughly the product of the two.

# %%
SEEDS = (0, 1)
TARGET = 0.99
runs = []
for seed in SEEDS:
    base = Seq2Seq.for_task(task, cell="lstm", hidden_size=64, seed=seed)
    twins = {"LSTM": base, "GRU (units)": convert.lstm_to_gru(base, match="units", seed=seed),
             "GRU (params)": convert.lstm_to_gru(base, match="params", seed=seed)}  # fmt: skip
    for name, model in twins.items():
        history = sto.fit(model, task, max_seconds=8, epochs=12, target_accuracy=TARGET, seed=seed, lr=1e-2,
                          lr_decay=0.9, batch_size=128, threads=1, progress=False)  # fmt: skip
        runs.append({"model": name, "seed": seed, "H": model.config.hidden_size, "params": model.num_params(),
                     "history": history})  # fmt: skip
        print(f"seed {seed}  {name:<13} {history}")


# %%
def reached(run):
    return run["history"].seconds_to_target is not None


def epochs_to_target(run):
    return run["history"].epoch[-1] if reached(run) else None


rows = ["| model | H | parameters | seed | s / epoch | epochs to 99 % | s to 99 % | final exact match |",
        "|---|---|---|---|---|---|---|---|"]  # fmt: skip
for run in runs:
    h = run["history"]
    to_target = f"{h.seconds_to_target:.1f}" if reached(run) else "not reached"
    rows.append(f"| {run['model']} | {run['H']} | {run['params']:,} | {run['seed']} | {h.seconds_per_epoch:.2f} | "
                f"{epochs_to_target(run) or 'not reached'} | {to_target} | {h.final_accuracy:.1%} |")  # fmt: skip
display(Markdown("\n".join(rows)))

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
styles = {SEEDS[0]: "-", SEEDS[1]: "--"}
markers = {"LSTM": "o", "GRU (units)": "s", "GRU (params)": "^"}
for run in runs:
    h = run["history"]
    ax.plot(h.train_seconds, h.accuracy, styles[run["seed"]], marker=markers[run["model"]], color=COLOURS[run["model"]],
            label=f"{run['model']}, seed {run['seed']}")  # fmt: skip
ax.axhline(TARGET, color="grey", lw=1, ls=":", label="target 99 %")
ax.set(xlabel="training time (s, one thread)", ylabel="held-out exact match", ylim=(0, 1.02),
       title="2-digit addition: LSTM and its two GRU twins")  # fmt: skip
ax.legend(fontsize=8, ncol=2, loc="lower right")
fig.tight_layout()
plt.show()


# %% [markdown]
# The sentences below are computed from the table (medians over the seeds), so they say what *this* run
# measured, on *this* machine:


# %%
def median_of(name, key):
    values = [key(r) for r in runs if r["model"] == name]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


summary = {name: {"s/epoch": median_of(name, lambda r: r["history"].seconds_per_epoch),
                  "epochs": median_of(name, epochs_to_target),
                  "seconds": median_of(name, lambda r: r["history"].seconds_to_target),
                  "reached": sum(reached(r) for r in runs if r["model"] == name)}
           for name in models}  # fmt: skip
lstm_s, gru_s = summary["LSTM"]["s/epoch"], summary["GRU (units)"]["s/epoch"]
sentences = [f"On this machine the GRU with the LSTM's units took **{gru_s:.2f} s per epoch** against "
             f"**{lstm_s:.2f} s** for the LSTM ({gru_s / lstm_s:.2f}×); the parameter-matched GRU took "
             f"{summary['GRU (params)']['s/epoch']:.2f} s."]  # fmt: skip
for name, s in summary.items():
    n = len(SEEDS)
    if s["reached"] == n:
        sentences.append(f"{name}: reached 99 % in every run, after a median of {s['epochs']:g} epochs and "
                         f"{s['seconds']:.1f} s of training.")  # fmt: skip
    elif s["reached"]:
        sentences.append(f"{name}: reached 99 % in {s['reached']} of {n} runs (median {s['seconds']:.1f} s).")
    else:
        sentences.append(f"{name}: did not reach 99 % within the budget in any run.")
finishers = {name: s["seconds"] for name, s in summary.items() if s["reached"] == len(SEEDS)}
if finishers:
    fastest = min(finishers, key=finishers.get)
    slowest = max(finishers, key=finishers.get)
    # A winner is named only when the medians differ by more than one model's own seed-to-seed spread.
    seconds_spread = max(
        max(v) - min(v) for v in ([r["history"].seconds_to_target for r in runs if r["model"] == n] for n in finishers)
    )
    gap = finishers[slowest] - finishers[fastest]
    medians = (
        f"{fastest} reached the target in a median {finishers[fastest]:.1f} s, {slowest} in {finishers[slowest]:.1f} s"
    )
    if gap > seconds_spread:
        winner = "a GRU twin trained fastest" if fastest.startswith("GRU") else "the LSTM trained fastest"
        verdict = f"{winner}: {medians}, a gap larger than any model's seed-to-seed spread ({seconds_spread:.1f} s)."
    else:
        verdict = (
            f"no clear winner in this run: {medians}, but one model's time varies by up to {seconds_spread:.1f} s "
            f"from seed to seed, more than the {gap:.1f} s between the medians."
        )
    sentences.append(f"**Verdict for this task and machine:** {verdict}")
    if "LSTM" in finishers and len(finishers) > 1:
        per_epoch = {name: summary[name]["s/epoch"] / summary["LSTM"]["s/epoch"] for name in finishers}
        epochs = {name: summary[name]["epochs"] / summary["LSTM"]["epochs"] for name in finishers}
        sentences.append(
            "Split into its two factors, relative to the LSTM: "
            + "; ".join(
                f"{name} needed {epochs[name]:.2f}× the epochs at {per_epoch[name]:.2f}× the time per epoch"
                for name in finishers
                if name != "LSTM"
            )
            + "."
        )
        spread_within = max(
            max(e) - min(e) for e in ([epochs_to_target(r) for r in runs if r["model"] == n] for n in finishers)
        )
        spread_between = max(summary[n]["epochs"] for n in finishers) - min(summary[n]["epochs"] for n in finishers)
        if spread_within >= spread_between:
            sentences.append(
                f"The epochs one model needs vary by up to {spread_within} from seed to seed, at least as much as"
                f" the medians differ between the models ({spread_between:g}): {len(SEEDS)} seeds cannot tell the"
                " cells apart on this factor."
            )
        else:
            sentences.append(
                f"The medians differ between the models by {spread_between:g} epochs, more than the seed-to-seed"
                f" spread of any one model (up to {spread_within}); more seeds would tell whether that holds."
            )
display(Markdown("\n\n".join(sentences)))

# %% [markdown]
# ## 5 · Why: work per step, in FLOPs and in seconds
#
# "Fewer gates, so faster" is an argument about arithmetic. At equal units a GRU layer does $3/4$ of an LSTM's
# matrix-multiply FLOPs ($G = 3$ instead of 4); `seqlib.bench.flops` counts them. Whether that shows up in
# seconds depends on the kernels: at this size a step is many small operations, and their number and launch cost
# can matter more than the FLOPs. The cell below times one training step (forward, backward and Adam update, the
# same batch of 128 sums) for each model, on seqlib's layers and on `torch.nn`'s, alternating the models and
# keeping each one's best of several rounds so that other programs on the machine disturb the comparison as
# little as possible.

# %%
big_batch = next(task.batches("train", batch_size=128, seed=SEED))
S, T_dec = big_batch["src"].shape[1], big_batch["dec_in"].shape[1]


def training_step(model):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    targets, mask = torch.from_numpy(big_batch["dec_out"]), torch.from_numpy(big_batch["mask"])

    def step():
        optimizer.zero_grad()
        loss = model.loss(model(big_batch["src"], big_batch["src_lengths"], big_batch["dec_in"]), targets, mask)
        loss.backward()
        optimizer.step()

    return step


candidates = {}
for rnn in ("seqlib", "torch.nn"):
    base = Seq2Seq.for_task(task, cell="lstm", hidden_size=64, rnn=rnn, seed=SEED)
    for name, model in {"LSTM": base, "GRU (units)": convert.lstm_to_gru(base, match="units"),
                        "GRU (params)": convert.lstm_to_gru(base, match="params")}.items():  # fmt: skip
        candidates[(rnn, name)] = (model, training_step(model))

saved_threads = torch.get_num_threads()
torch.set_num_threads(1)
try:
    best = dict.fromkeys(candidates, float("inf"))
    for fn in (f for _, f in candidates.values()):
        fn()  # warm-up
    for _ in range(12):
        for key, (_, fn) in candidates.items():
            start = time.perf_counter()
            for _ in range(3):
                fn()
            best[key] = min(best[key], (time.perf_counter() - start) / 3)
finally:
    torch.set_num_threads(saved_threads)


def step_flops(model):
    """Matmul FLOPs of one training step's two recurrent layers (forward + backward), from seqlib.bench."""
    c = model.config
    return sum(bench.flops(c.cell, 128, T, c.embed_size, c.hidden_size, "forward+backward") for T in (S, T_dec))


rows = ["| layers | model | H | recurrent MFLOP per step | ms per step | FLOPs vs LSTM | time vs LSTM |",
        "|---|---|---|---|---|---|---|"]  # fmt: skip
for (rnn, name), (model, _) in candidates.items():
    ref_model = candidates[(rnn, "LSTM")][0]
    rows.append(f"| {rnn} | {name} | {model.config.hidden_size} | {step_flops(model) / 1e6:.1f} | "
                f"{best[(rnn, name)] * 1e3:.1f} | {step_flops(model) / step_flops(ref_model):.2f}× | "
                f"{best[(rnn, name)] / best[(rnn, 'LSTM')]:.2f}× |")  # fmt: skip
display(Markdown("\n".join(rows)))

# %%
flop_ratio = step_flops(gru_units) / step_flops(lstm)
ratios = {rnn: best[(rnn, "GRU (units)")] / best[(rnn, "LSTM")] for rnn in ("seqlib", "torch.nn")}
lines = [f"At the same 64 units the GRU does {flop_ratio:.2f}× the LSTM's recurrent matmul FLOPs."]
for rnn, ratio in ratios.items():
    if ratio < flop_ratio - 0.05:
        how = "faster, by even more than the FLOP ratio"
    elif ratio <= flop_ratio + 0.05:
        how = "faster, in line with the FLOP ratio"
    elif ratio < 0.95:
        how = "faster, but by less than the FLOP ratio"
    elif ratio <= 1.05:
        how = "no faster, although it does less arithmetic"
    else:
        how = "*slower*, although it does less arithmetic"
    lines.append(f"On {rnn}'s layers the GRU took {ratio:.2f}× the LSTM's time per step: {how}.")
if any(abs(r - flop_ratio) > 0.05 for r in ratios.values()):
    lines.append(
        "Where time and FLOPs part ways, the time goes to what a FLOP count leaves out: the gates' elementwise "
        "operations, the fixed cost of launching many small operations per step, and how well each kernel is tuned."
    )
display(Markdown(" ".join(lines)))

# %% [markdown]
# Put together: the time a model needs to reach a target is *seconds per update* × *updates needed*. The FLOP
# count is a prediction of the first factor only — the last two columns of the table show how good a prediction
# it was here. The second factor is about how each cell learns this task; it is the "epochs to 99 %" column of the
# training table, and no operation count predicts it. "GRUs train faster" is a claim about the product, and it can
# only be settled by measuring it — on the task, model size and hardware that matter to you.

# %% [markdown]
# ## 6 · The other two claims
#
# **"The units must match."** Measured above: the encoder and decoder of *one* model must have the same width
# (seqlib's message names both numbers). The GRU and the LSTM need not: the parameter-matched twin has more units
# than the LSTM, and its runs are in the table.
#
# **"Re-tune the hyperparameters."** Every GRU above used the LSTM's learning rate, decay and batch size. The
# cell below says whether that was enough to reach the target; it does not test whether re-tuning would make the
# GRU faster still — that would need a search on data other than the test set (as `seqlib.experiments` did for the
# LSTM's settings).

# %%
gru_runs = [r for r in runs if r["model"].startswith("GRU")]
n_reached = sum(reached(r) for r in gru_runs)
if n_reached == len(gru_runs):
    text = (f"All {len(gru_runs)} GRU runs reached 99 % with the LSTM's settings: on this task no re-tuning was "
            f"needed to get there.")  # fmt: skip
else:
    text = (f"{n_reached} of {len(gru_runs)} GRU runs reached 99 % with the LSTM's settings within the budget; "
            f"the others stopped at " + ", ".join(f"{r['history'].final_accuracy:.1%}" for r in gru_runs if not reached(r))
            + ". That alone does not show that re-tuning is needed: compare with the LSTM runs in the same table.")  # fmt: skip
display(Markdown(text))

# %% [markdown]
# ## Exercise: the bridge
#
# Write the hand-off from an encoder to a decoder, for either cell on either side:
#
# - `encoder_state` is what the encoder ended with: a tuple `(h, c)` from an LSTM encoder, a single array `h`
#   from a GRU encoder (NumPy arrays of shape `(batch, hidden)`);
# - `decoder_cell` is `"lstm"` or `"gru"`;
# - return the decoder's first state: the pair `(h, c)` for an LSTM decoder, `h` alone for a GRU decoder. A GRU
#   encoder has no cell state to give, so an LSTM decoder fed by it starts with `c` at zeros.
#
# (seqlib's own models never mix the two cells; the exercise does, to make the shape of each state explicit.)

# %%
from seqlib.exercises import bridge as exercise


def bridge(encoder_state, decoder_cell):
    return None  # your code here: (h, c) for an LSTM decoder, h for a GRU decoder


exercise.check(bridge)

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - Converting an LSTM encoder-decoder to a GRU changes the layer class and every line that touches the state:
#   $(h, c)$ becomes $h$. The diff above, computed from the code, shows nothing else changes.
# - A half-done conversion fails at the hand-off; seqlib's messages say what was expected and how to fix it,
#   `torch.nn`'s often do not.
# - "Units must match" holds *within* a model (encoder and decoder share a state). Across the LSTM and its GRU
#   twin, choose deliberately: the same units gives a smaller GRU; `match="params"` gives the same budget.
# - "GRUs train faster" splits into work per update and updates needed. Both were measured above on this
#   machine; the verdict printed under the table is the answer for this task, not a law.
#
# The models are trained; what their hidden units actually do — which unit tracks the carry, how the GRU's
# update gate and the LSTM's forget gate behave — is where notebook 08 looks.
#
# **Time check.**

# %%
print(f"this notebook ran in {time.perf_counter() - notebook_start:.0f} s")

# %% [markdown]
# **Previous:** [06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb) · **Next:**
# [08 · Inspecting hidden states](08_inspecting_hidden_states.ipynb) — look inside the trained models.
