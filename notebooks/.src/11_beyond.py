# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 11 · Beyond the basics: attention, beam search, forecasting
#
# **In one sentence:** three extensions of the GRU encoder-decoder, each built in a few lines on top of `seqlib.torch` and each measured: attention over the encoder's outputs for date translation, beam search against greedy decoding, and multi-step forecasting of a time series.
#
# *About 40 minutes.*
#
# **Learning goals.** After this notebook you can
# - explain the bottleneck of a plain encoder-decoder and how attention removes it: scores, a masked softmax over
#   the source positions, a context vector;
# - add dot-product attention to `seqlib.torch.Seq2Seq` and read an attention matrix;
# - run beam search and greedy decoding on the same model and report the difference that was measured;
# - turn the encoder-decoder into a regression model that forecasts several steps ahead, and judge it against a
#   naive baseline.
#
# **Prerequisites.** The GRU encoder-decoder and its bridge ([07 · From LSTM to GRU: what changes,
# measured](07_lstm_to_gru.ipynb)), greedy decoding ([06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb)),
# and training with `seqlib.torch.fit` as in [10 · Does a GRU need different
# hyperparameters?](10_tuning_lstm_vs_gru.ipynb).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display
from torch import nn

import seqlib.torch as sto
from seqlib import _seq2seq, tasks

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)  # models this small run fastest on one thread, and steadily on a busy machine
rng = np.random.default_rng(SEED)
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#000000"]  # Okabe-Ito: readable for colour-blind readers
notebook_start = time.perf_counter()

# %% [markdown]
# ## Part 1 — attention
#
# ### The bottleneck
#
# In the encoder-decoder of notebooks 06 and 07 the decoder never sees the source. Everything it learns about
# `"Wednesday, November 25, 2026"` must pass through one vector, the encoder's final state $h_L$, handed over by
# the bridge. The encoder, though, computed a state at **every** source position, $h_1 \dots h_L$, and throws all
# but the last away. Attention (Bahdanau et al., 2015; Luong et al., 2015) lets the decoder look back at all of
# them, at every step, and choose where to look.
#
# The variant built here is Luong's "general" attention, placed after the decoder's GRU. At decoder step $t$, with
# decoder state $s_t$ and encoder outputs $h_j$:
#
# $$e_{tj} = s_t^\top W_a\, h_j \qquad \text{(a score for every source position } j\text{)}$$
#
# $$\alpha_{tj} = \frac{\exp e_{tj}}{\sum_{k \,:\, \text{real}} \exp e_{tk}} \ \text{for real } j, \qquad \alpha_{tj} = 0 \ \text{on padding}$$
#
# $$c_t = \sum_j \alpha_{tj}\, h_j, \qquad \tilde s_t = \tanh\!\big(W_c\, [s_t; c_t] + b_c\big), \qquad
#   p_t = \operatorname{softmax}(W_\text{out}\, \tilde s_t + b_\text{out})$$
#
# The weights $\alpha_{t\cdot}$ are a softmax over the source positions, so they are positive and sum to 1: the
# context $c_t$ is a weighted average of the encoder's outputs. Padding must get weight exactly 0 — otherwise a
# short date would attend to the PAD tokens that its batch neighbours forced on it. That is the **source mask**:
# scores at padding are set to $-\infty$ before the softmax.
#
# Because the attention sits after the GRU, teacher-forced training still runs the decoder's GRU over all steps in
# one call; only the attention is added on top.

# %% [markdown]
# ### The model, as a subclass of `Seq2Seq`
#
# `AttentionSeq2Seq` keeps everything of `seqlib.torch.Seq2Seq` — embeddings, the encoder and decoder GRUs, the
# bridge, the output projection, the masked loss — and adds $W_a$, $W_c$, $b_c$. It overrides `forward`
# (training) and `greedy` (inference), so `sto.fit` and `sto.translate` train and evaluate it exactly as they do
# the plain model. Each equation is one line; the names match.


# %%
class AttentionSeq2Seq(sto.Seq2Seq):
    """A GRU encoder-decoder whose decoder attends over every encoder output (Luong's general score)."""

    def __init__(self, config, seed=0):
        super().__init__(config, seed=seed)
        H = config.hidden_size
        generator = torch.Generator().manual_seed(seed)
        self.W_a = nn.Parameter(torch.randn(H, H, generator=generator) / H**0.5)
        self.W_c = nn.Parameter(torch.randn(H, 2 * H, generator=generator) / (2 * H) ** 0.5)
        self.b_c = nn.Parameter(torch.zeros(H))

    def encode_all(self, src, src_lengths):
        """Every encoder output h_1..h_L, the decoder's start state, and the source mask (True on real tokens)."""
        src, lengths = torch.as_tensor(src), np.asarray(src_lengths)
        outputs, state = self.encoder(src, lengths)
        mask = torch.arange(src.shape[1])[None, :] < torch.as_tensor(lengths)[:, None]
        return outputs, self.bridge(state, src.shape[0]), mask

    def attend(self, s, h, mask):
        """Decoder states s (B, T_out, H), encoder outputs h (B, T_src, H) -> logits and weights α (B, T_out, T_src)."""
        e = s @ self.W_a @ h.transpose(1, 2)  # e_tj = s_t^T W_a h_j
        e = e.masked_fill(~mask[:, None, :], float("-inf"))  # padding: exp(-inf) = 0
        alpha = torch.softmax(e, dim=-1)  # over the source positions
        c = alpha @ h  # c_t = Σ_j α_tj h_j
        s_tilde = torch.tanh(torch.cat([s, c], dim=-1) @ self.W_c.T + self.b_c)
        return s_tilde @ self.decoder.W_out.T + self.decoder.b_out, alpha

    def forward(self, src, src_lengths, dec_in, teacher_forcing=1.0, generator=None):
        h, state, mask = self.encode_all(src, src_lengths)
        s, _ = self.decoder.rnn(self.decoder.embedding[torch.as_tensor(dec_in)], state)  # all steps at once
        return self.attend(s, h, mask)[0]

    def _step(self, tokens, state, h, mask):
        s, state = self.decoder.rnn(self.decoder.embedding[tokens][:, None], state)  # one step
        logits, alpha = self.attend(s, h, mask)
        return logits[:, 0], alpha[:, 0], state

    @torch.no_grad()
    def greedy(self, src, src_lengths, max_len=None, return_weights=False):
        h, state, mask = self.encode_all(src, src_lengths)
        token = torch.full((h.shape[0],), self.config.bos, dtype=torch.long)
        done = torch.zeros(h.shape[0], dtype=torch.bool)
        out, weights = [], []
        for _ in range(max_len or self.config.max_len):
            logits, alpha, state = self._step(token, state, h, mask)
            token = logits.argmax(dim=1)
            out.append(torch.where(done, torch.full_like(token, self.config.pad), token))
            weights.append(alpha)
            done |= token == self.config.eos
            if done.all():
                break
        ids = torch.stack(out, dim=1)
        return (ids, torch.stack(weights, dim=1)) if return_weights else ids

    @torch.no_grad()
    def beam_search(self, src, src_lengths, beam_size=4, max_len=None):
        """seqlib's beam search with an attending step: the encoder outputs and mask travel with each hypothesis."""
        h, state, mask = self.encode_all(src, src_lengths)

        def step(tokens, carried):
            state, h, mask = carried
            logits, _, state = self._step(torch.as_tensor(tokens), state, h, mask)
            return torch.log_softmax(logits, dim=1).double().numpy(), (state, h, mask)

        def select(carried, rows):
            return tuple(t[torch.as_tensor(rows)] for t in carried)

        return _seq2seq.beam_search(step, (state, h, mask), select, h.shape[0], self.config, beam_size,
                                    max_len or self.config.max_len)  # fmt: skip


# %% [markdown]
# The task: dates in twelve human formats, translated to ISO 8601. Train and test hold different dates.

# %%
# NBVAL_CHECK_OUTPUT
task = tasks.dates(n_train=3000, n_test=500, seed=SEED)
EMBED, HIDDEN = 16, 64
config = sto.Seq2Seq.for_task(task, cell="gru", hidden_size=HIDDEN, embed_size=EMBED).config
plain = sto.Seq2Seq(config, seed=SEED)
attention = AttentionSeq2Seq(config, seed=SEED)
print(task)
print(f"plain GRU encoder-decoder: {plain.num_params()} parameters")
print(f"with attention:            {attention.num_params()} parameters "
      f"(+ W_a {tuple(attention.W_a.shape)}, W_c {tuple(attention.W_c.shape)}, b_c {tuple(attention.b_c.shape)})")  # fmt: skip

# %% [markdown]
# Before training, two properties of the weights $\alpha$ can already be checked on a batch of dates of different
# lengths: every row sums to 1, and padding gets exactly 0.

# %%
# NBVAL_CHECK_OUTPUT
batch = next(task.batches("test", batch_size=8, seed=SEED))
ids, weights = attention.greedy(batch["src"], batch["src_lengths"], return_weights=True)
padding = np.arange(batch["src"].shape[1])[None, :] >= batch["src_lengths"][:, None]
print("weights:", tuple(weights.shape), "= (batch, output steps, source positions)")
print("each row of weights sums to 1:", torch.allclose(weights.sum(-1), torch.ones(weights.shape[:2])))
print("padding gets exactly zero weight:", bool((weights.numpy().transpose(1, 0, 2)[:, padding] == 0).all()))

# %% [markdown]
# ### Plain against attention, at the same budget
#
# Both models train with the same data, seed, optimiser, learning rate and **number of updates** (equal epochs);
# the seconds each took are measured too, since attention costs extra work per step. A third model answers the
# obvious objection — attention brings extra parameters: a plain GRU encoder-decoder with more units, sized to
# have about as many parameters as the attention model. To save time, the curves are measured after each epoch
# on the first 200 test dates (`eval_limit=200`); the final accuracies below use all 500.

# %%
EPOCHS = 5
matched_hidden = min(  # the plain model's size whose parameter count is closest to the attention model's
    range(HIDDEN, 2 * HIDDEN),
    key=lambda H: abs(_seq2seq.model_params(config.replace(hidden_size=H)) - attention.num_params()),
)
models = {
    f"plain, {HIDDEN} units": plain,
    f"plain, {matched_hidden} units (as many parameters)": sto.Seq2Seq(
        config.replace(hidden_size=matched_hidden), seed=SEED
    ),
    f"attention, {HIDDEN} units": attention,
}
histories = {}
for name, model in models.items():
    histories[name] = sto.fit(model, task, epochs=EPOCHS, lr=1e-2, batch_size=64, seed=SEED, threads=1,
                              progress=False, eval_limit=200)  # fmt: skip
    h = histories[name]
    print(f"{name:<40} {model.num_params():>6} parameters  exact match per epoch: "
          + " ".join(f"{a:.2f}" for a in h.accuracy) + f"  ({h.train_seconds[-1]:.1f} s of training)")  # fmt: skip

sources, targets = list(task.test.sources), list(task.test.targets)
greedy, greedy_texts = {}, {}  # exact match on the whole test split and the seconds it took; the answers
for name, model in models.items():
    start = time.perf_counter()
    greedy_texts[name] = sto.translate(model, task, sources)
    greedy[name] = (tasks.exact_match(greedy_texts[name], targets), time.perf_counter() - start)

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for (name, h), colour, marker in zip(histories.items(), COLOURS, ["o", "s", "^"], strict=False):
    ax.plot(h.epoch, h.accuracy, marker=marker, color=colour, label=name)
ax.set(xlabel="epoch (equal number of updates)", ylabel="exact match (200 test dates)", ylim=(0, 1.02),
       title="Dates → ISO 8601: GRU encoder-decoders with and without attention")  # fmt: skip
ax.legend(loc="center right", fontsize=8)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %%
names = list(histories)
final = {name: greedy[name][0] for name in names}
seconds = {name: histories[name].train_seconds[-1] for name in names}
att, base, big = names[2], names[0], names[1]
display(Markdown(
    f"After {EPOCHS} epochs the attention model answers **{final[att]:.1%}** of the test dates exactly, the plain "
    f"model **{final[base]:.1%}**, and the plain model with as many parameters **{final[big]:.1%}**. "
    f"{'The extra parameters alone do not explain the difference.' if final[big] < final[att] else ''} "
    f"Attention cost {seconds[att] / seconds[base]:.1f}× the plain model's training time for the same updates "
    f"({seconds[att]:.1f} s against {seconds[base]:.1f} s on this machine)."
))  # fmt: skip

# %% [markdown]
# ### Where the model looks
#
# The weights $\alpha_{tj}$ of one translation form a matrix: one row per output character, one column per source
# character. Each row sums to 1. A bright cell means that, to write that output character, the decoder drew on
# the encoder's state at that source character.

# %%
example, truth = "Wednesday, November 25, 2026", "2026-11-25"
src, lengths = task.encode_sources([example])
ids, weights = attention.greedy(src, lengths, return_weights=True)
written = task.target_vocab.decode(ids[0].numpy())
steps = ids.shape[1]  # every step the decoder took, the one that wrote EOS included
out_labels = [task.target_vocab.tokens[i] for i in ids[0].tolist()]

fig, ax = plt.subplots(figsize=(9, 4))
image = ax.imshow(weights[0, :steps, : lengths[0]].numpy(), cmap="cividis", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(lengths[0]), list(example))
ax.set_yticks(range(steps), out_labels[:steps])
ax.set(xlabel="source character (what the encoder read)", ylabel="output character (what the decoder wrote)",
       title=f"Attention weights α for {example!r} → {written!r}")  # fmt: skip
fig.colorbar(image, ax=ax, label="attention weight α")
fig.tight_layout()
plt.show()

# %%
alpha = weights[0, : len(written), : lengths[0]].numpy()
focus = alpha.argmax(axis=1)
lines = [f"The model wrote **{written}** (correct answer: {truth})."]
lines.append("Where each output character looked most: " + ", ".join(
    f"`{ch}` ← `{example[j]}` (position {j}, α = {alpha[t, j]:.2f})" for t, (ch, j) in enumerate(zip(written, focus, strict=True))
) + ".")  # fmt: skip
display(Markdown(" ".join(lines)))

# %% [markdown]
# ## Part 2 — beam search against greedy decoding
#
# Greedy decoding commits to the most probable token at every step. That need not give the most probable
# *sequence*: a slightly less likely first token can lead to a much more likely continuation. **Beam search**
# keeps the `beam_size` best prefixes at every step (scored by their summed log-probabilities) and returns the
# best finished one. `sto.translate(model, task, texts, beam_size=4)` runs it; `AttentionSeq2Seq.beam_search`
# above hands the same search an attending step. Is it worth it here? The plain 64-unit model and the attention
# model just trained, briefly, are decoded both ways on the whole test split (greedy was measured above).

# %%
decoding, beam_texts = {}, {}
for name in (names[0], names[2]):
    start = time.perf_counter()
    beam_texts[name] = sto.translate(models[name], task, sources, beam_size=4)
    beam = tasks.exact_match(beam_texts[name], targets)
    decoding[name] = {1: greedy[name], 4: (beam, time.perf_counter() - start)}
    row = decoding[name]
    print(f"{name:<40} greedy {row[1][0]:.1%} ({row[1][1]:.2f} s)   beam 4 {row[4][0]:.1%} ({row[4][1]:.2f} s)")

# %%
gains = {name: row[4][0] - row[1][0] for name, row in decoding.items()}
changed = {name: round(gain * len(targets)) for name, gain in gains.items()}
display(Markdown(
    "Beam search (width 4) against greedy, on the same models and the same 500 test dates: "
    + "; ".join(f"{name}: **{100 * gains[name]:+.1f} points** ({changed[name]:+d} dates)" for name in decoding)
    + f". It took {np.mean([row[4][1] / row[1][1] for row in decoding.values()]):.0f}× as long as greedy decoding."
))  # fmt: skip

# %% [markdown]
# What beam search optimises is the model's probability of the whole answer, not its correctness. The check: score
# both answers of every test date under the model that wrote them, $\log p(y \mid x) = \sum_t \log p_t(y_t)$
# (teacher forcing over the answer, EOS included), and count where beam search found the more probable one.


# %%
def log_prob(model, sources, answers):
    """log p(answer | source) under the model: the sum of its per-token log-probabilities, EOS included."""
    src, lengths = task.encode_sources(sources)
    dec_in, dec_out, mask = task.encode_targets(answers)
    with torch.no_grad():
        log_p = torch.log_softmax(model(src, lengths, dec_in), dim=-1)
    per_token = log_p.gather(2, torch.as_tensor(dec_out)[..., None])[..., 0]
    return (per_token * torch.as_tensor(mask)).sum(dim=1).numpy()


lines = []
for name in decoding:
    # answers that never wrote EOS within max_len cannot be scored over their whole length: leave them out
    rows = [i for i in range(len(sources))
            if max(len(greedy_texts[name][i]), len(beam_texts[name][i])) < config.max_len]  # fmt: skip
    src_rows = [sources[i] for i in rows]
    lp_greedy = log_prob(models[name], src_rows, [greedy_texts[name][i] for i in rows])
    lp_beam = log_prob(models[name], src_rows, [beam_texts[name][i] for i in rows])
    more, same = int((lp_beam > lp_greedy + 1e-6).sum()), int((np.abs(lp_beam - lp_greedy) <= 1e-6).sum())
    lines.append(f"{name}: of {len(rows)} dates, beam's answer is more probable in **{more}**, as probable (the same "
                 f"answer) in {same}, less probable in {len(rows) - more - same}")  # fmt: skip
display(Markdown("; ".join(lines) + "."))

# %% [markdown]
# So a gain in probability need not be a gain in accuracy: a weak model can prefer a wrong answer, and then
# searching harder finds that wrong answer more reliably. Where the model is confident, greedy decoding already
# finds the most probable answer and beam search changes little. Beam search earns its cost where many outputs are
# plausible and early choices constrain later ones (translating sentences, summarising). This search also has no
# length penalty: summed log-probabilities favour shorter outputs, which matters little here because every ISO
# date has the same length.

# %% [markdown]
# ## Part 3 — forecasting: the encoder-decoder as a regression model
#
# Nothing in an encoder-decoder requires tokens. Here the encoder reads 40 noisy values of a sum of sines and the
# decoder writes the next 10, one at a time, each fed back as the next input — the same loop as greedy decoding,
# with a number in place of a token and a squared error in place of the cross-entropy:
#
# $$h = \operatorname{GRU}_\text{enc}(x_1 \dots x_{40}), \qquad s_0 = h, \qquad
#   s_k = \operatorname{GRUCell}_\text{dec}(\hat y_{k-1}, s_{k-1}), \qquad \hat y_k = \hat y_{k-1} + w^\top s_k + b,$$
#
# starting from $\hat y_0 = x_{40}$, the last observed value. The decoder predicts the **change** from the previous
# value; predicting no change at all is the naive baseline that `ForecastTask.naive_baseline()` measures, so the
# untrained model starts close to it and must learn to do better.

# %%
# NBVAL_CHECK_OUTPUT
series = tasks.sine_forecast(n_train=4000, n_test=200, seed=SEED, dtype=np.float32)
print(series)
print(series.description)


class Forecaster(nn.Module):
    """Encoder GRU over the input window; decoder GRUCell writes output_steps values, feeding each back."""

    def __init__(self, hidden_size=64, seed=0):
        super().__init__()
        self.encoder = sto.GRU(1, hidden_size, seed=seed)
        self.decoder = sto.GRUCell(1, hidden_size, seed=seed + 1)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x, steps):
        _, s = self.encoder(x)  # s_0 = h, the encoder's final state
        y = x[:, -1]  # ŷ_0: the last observed value, (batch, 1)
        predictions = []
        for _ in range(steps):
            s = self.decoder(y, s)  # the previous prediction is the next input
            y = y + self.head(s)  # ŷ_k = ŷ_(k-1) + w·s_k + b
            predictions.append(y)
        return torch.stack(predictions, dim=1)  # (batch, steps, 1)


forecaster = Forecaster(hidden_size=64, seed=SEED)
with torch.no_grad():
    print("forecast shape:", tuple(forecaster(torch.from_numpy(series.x_test[:4]), series.output_steps).shape))
print("parameters:", sum(p.numel() for p in forecaster.parameters()))

# %% [markdown]
# The model is trained on its own predictions (no teacher forcing), so what it practises is exactly what it does
# at test time. Ten epochs of 4000 windows take a few seconds.

# %%
optimizer = torch.optim.Adam(forecaster.parameters(), lr=1e-2)
x_test = torch.from_numpy(series.x_test)
test_mse = []
for epoch in range(10):
    for b in series.batches("train", batch_size=64, seed=SEED + epoch):
        loss = ((forecaster(torch.from_numpy(b["x"]), series.output_steps) - torch.from_numpy(b["y"])) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        forecast = forecaster(x_test, series.output_steps).numpy()
    test_mse.append(series.mse(forecast))
naive = series.naive_baseline()
print("test MSE per epoch:", " ".join(f"{m:.3f}" for m in test_mse))

# %%
per_step_model = ((forecast - series.y_test) ** 2).mean(axis=(0, 2))
per_step_naive = ((series.naive_predictions() - series.y_test) ** 2).mean(axis=(0, 2))
noise_floor = series.settings["noise"] ** 2
display(Markdown(
    f"Test MSE over the {series.output_steps} forecast steps: model **{test_mse[-1]:.3f}**, naive baseline (repeat "
    f"the last value) **{naive:.3f}** — the model's error is {test_mse[-1] / naive:.0%} of the baseline's. The "
    f"observation noise alone would leave {noise_floor:.4f}. The model's error grows from {per_step_model[0]:.3f} "
    f"at the first step to {per_step_model[-1]:.3f} at the last (the baseline's from {per_step_naive[0]:.3f} to "
    f"{per_step_naive[-1]:.3f}): the further ahead, the harder the forecast, for a model that builds each value on "
    f"its previous predictions as for the baseline."
))  # fmt: skip

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), sharey=True)
past = np.arange(series.input_steps)
future = np.arange(series.input_steps, series.input_steps + series.output_steps)
for ax, i in zip(axes, [0, 1, 2], strict=True):
    ax.plot(past, series.x_test[i, :, 0], color="grey", label="observed input")
    ax.plot(future, series.y_test[i, :, 0], "o-", color=COLOURS[4], ms=3, label="truth")
    ax.plot(future, forecast[i, :, 0], "s--", color=COLOURS[0], ms=3, label="GRU forecast")
    ax.plot(future, series.naive_predictions()[i, :, 0], ":", color=COLOURS[1], lw=2, label="naive (last value)")
    ax.axvline(series.input_steps - 0.5, color="grey", lw=0.5)
    ax.set(xlabel="time step", title=f"test series {i}")
axes[0].set_ylabel("value")
axes[0].legend(loc="lower left", fontsize=8)
fig.suptitle("Forecasting 10 steps of a noisy sum of sines")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Exercise: the masked softmax of attention
#
# Write `attention_weights(scores, mask)`: `scores` is a `(batch, source positions)` array of attention scores
# for one decoder step, `mask` a boolean array of the same shape, True on real source tokens. Return the weights:
# a softmax over the source positions of each row, with exactly 0 on padding, each row summing to 1. Make it work
# for large scores too (try 800). The checker recognises a forgotten mask, a mask applied after the softmax, and
# a softmax over the wrong axis.

# %%
from seqlib.exercises import attention_weights as exercise


def attention_weights(scores, mask):
    return None  # your code here: an array shaped like scores


exercise.check(attention_weights)

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - A plain encoder-decoder squeezes the source into one state. **Attention** gives the decoder a weighted average
#   of every encoder output at every step: scores, a softmax over real source positions (padding masked to
#   $-\infty$), a context vector. Added to `Seq2Seq` as a subclass, it trains with the same `fit`; the measured
#   accuracies at equal updates, and the control with as many parameters, are printed above.
# - The attention matrix shows which source characters each output character drew on.
# - **Beam search** keeps several prefixes instead of one. On these briefly trained date models its measured gain
#   over greedy decoding is printed above, together with its cost.
# - The same encoder-decoder **forecasts** numbers when tokens become values and the cross-entropy a squared
#   error; its test error is compared with the naive last-value forecast above.
#
# This is the last notebook of the course. It set out to replace the claims of the article it started from — GRUs
# train faster, units must match, hyperparameters must be re-tuned — by measurements; rerun any of them with more
# seeds or a larger budget to see how far the answers carry.

# %%
print(f"this notebook ran in {time.perf_counter() - notebook_start:.0f} s")

# %% [markdown]
# **Previous:** [10 · Does a GRU need different hyperparameters?](10_tuning_lstm_vs_gru.ipynb) · **Back to the start:** [00 · Start here](00_start_here.ipynb)
