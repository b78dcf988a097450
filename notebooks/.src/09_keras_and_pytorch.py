# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 09 · The same models in Keras and PyTorch
#
# **In one sentence:** an LSTM and a GRU encoder-decoder written the way a Keras user writes them, moved weight by weight into PyTorch and back, with the four weight layouts of Keras, PyTorch, CS231n and d2l in one table and every conversion checked on numbers.
#
# *About 30 minutes.*
#
# **Learning goals.** After this notebook you can
# - build an LSTM and a GRU encoder-decoder with Keras's functional API and say the one line where they differ
#   (`initial_state=[h, c]` against `initial_state=[h]`);
# - copy a Keras model's weights into `seqlib.torch.Seq2Seq` and back, train in one library and decode in the
#   other, and show that both compute the same logits;
# - read the layout table: which library transposes the kernel, which gate order it uses, where the biases go;
# - move one layer between Keras, seqlib, `torch.nn`, CS231n's and d2l's layouts and prove each move on outputs;
# - explain why a Keras `GRU(reset_after=False)` has no `torch.nn` equivalent, and what seqlib does about it.
#
# **Prerequisites.** The GRU's two variants from [03 · The GRU cell, by hand in NumPy](03_gru_cell_numpy.ipynb),
# the encoder-decoder and its bridge from [06 · The LSTM encoder-decoder](06_lstm_encoder_decoder.ipynb) and
# [07 · From LSTM to GRU: what changes, measured](07_lstm_to_gru.ipynb). Exercises work as in
# [00 · Start here](00_start_here.ipynb). No Keras experience is needed.

# %% [markdown]
# ## Setup
#
# Keras 3 runs on top of one of several backends (TensorFlow, JAX or PyTorch) and reads which one **once, when it
# is first imported**. This course uses PyTorch, so the environment variable is set before `import keras`; setting
# it afterwards does nothing. Importing Keras takes a few seconds.

# %%
import os
import time

notebook_start = time.perf_counter()
os.environ["KERAS_BACKEND"] = "torch"  # before the first `import keras`

import warnings

import keras
import numpy as np
import torch

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import convert, tasks

# Keras 3.15 converts its variables with np.array(x), which NumPy 2 warns about; nothing this notebook can change.
warnings.filterwarnings("ignore", message="__array__ implementation doesn't accept a copy keyword")

SEED = 0
keras.utils.set_random_seed(SEED)  # seeds Python, NumPy and the backend (torch) for Keras's initialisers
torch.manual_seed(SEED)
torch.set_num_threads(1)  # models this small run fastest on one thread, and steadily on a busy machine
rng = np.random.default_rng(SEED)
print("Keras", keras.__version__, "on the", keras.backend.backend(), "backend")

# %% [markdown]
# ## Part 1 — an encoder-decoder the Keras way
#
# The task is small on purpose: 2-digit addition (`"37+45" -> "82"`), source read reversed and answer written
# least-significant digit first, as in notebook 06. What matters here is the code, not the accuracy.
#
# A Keras user writes an encoder-decoder with the **functional API**: symbolic `Input`s, layers called on them,
# and a `Model` that ties inputs to outputs. Three details carry the whole architecture:
#
# - `Embedding(..., mask_zero=True)` tells every later layer that id 0 is padding. The encoder then stops updating
#   its state at each source's last real token — what seqlib's `lengths=` does.
# - The encoder is built with `return_state=True`, so calling it returns its output **and its final state**:
#   `[output, h, c]` for an LSTM, `[output, h]` for a GRU.
# - The decoder receives that state with `initial_state=...`: the list `[h, c]` for an LSTM, `[h]` for a GRU. That
#   is the *bridge* of notebook 06, in Keras's spelling.
#
# The function below builds either cell; `*state` collects whatever the encoder returns after its output, so the
# same line hands over `[h, c]` or `[h]`.

# %%
task = tasks.addition(digits=2, reverse=True, reverse_target=True, n_train=3000, n_test=500, seed=SEED)
EMBED, HIDDEN = 16, 64
KERAS_RNN = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def keras_seq2seq(cell):
    """A Keras encoder-decoder for `task`: inputs (source ids, decoder input ids), output logits."""
    Recurrent = KERAS_RNN[cell]
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    decoder_input = keras.Input(shape=(None,), dtype="int32", name="decoder_input")

    x = keras.layers.Embedding(task.source_vocab.size, EMBED, mask_zero=True, name="source_embedding")(source)
    _, *state = Recurrent(HIDDEN, return_state=True, name="encoder")(x)  # LSTM: [h, c]   GRU: [h]

    y = keras.layers.Embedding(task.target_vocab.size, EMBED, mask_zero=True, name="target_embedding")(decoder_input)
    y, *_ = Recurrent(HIDDEN, return_sequences=True, return_state=True, name="decoder")(y, initial_state=state)
    logits = keras.layers.Dense(task.target_vocab.size, name="to_tokens")(y)
    return keras.Model([source, decoder_input], logits, name=f"{cell}_seq2seq")


keras_models = {cell: keras_seq2seq(cell) for cell in ("lstm", "gru")}

# %% [markdown]
# Both models have the same layers; only the recurrent layers' weights and the number of state tensors differ.

# %%
# NBVAL_CHECK_OUTPUT
for model in keras_models.values():
    encoder_outputs = model.get_layer("encoder").output
    print(f"{model.name}: {model.count_params()} parameters; the encoder returns {len(encoder_outputs)} tensors "
          f"(output + {len(encoder_outputs) - 1} state)")  # fmt: skip
    for layer in model.layers[2:]:
        shapes = [tuple(w.shape) for w in layer.get_weights()]
        print(f"    {layer.name:<17} {type(layer).__name__:<10} {shapes}")

# %% [markdown]
# A forward pass takes a batch of source ids and decoder inputs (`BOS` followed by the answer: teacher forcing)
# and returns one score per target token at every decoder step. The batch comes from `task.batches`, exactly as
# seqlib's training loop gets it.

# %%
# NBVAL_CHECK_OUTPUT
batch = next(task.batches("test", batch_size=32, seed=SEED, shuffle=False))
keras_logits = {
    cell: keras.ops.convert_to_numpy(model([batch["src"], batch["dec_in"]])) for cell, model in keras_models.items()
}
print("source ids:", batch["src"].shape, " decoder inputs:", batch["dec_in"].shape)
for cell, logits in keras_logits.items():
    print(f"{cell.upper()} logits: {logits.shape} = (batch, decoder steps, target vocabulary), dtype {logits.dtype}")

# %% [markdown]
# Nothing is trained yet: Part 2 first shows that the untrained Keras models and seqlib's compute the same thing,
# then trains one in each library.

# %% [markdown]
# ## Part 2 — the same model in PyTorch
#
# `seqlib.torch.Seq2Seq` has the same parts: two embeddings, an encoder, a decoder and an output projection. Its
# weights are named as in seqlib's NumPy twin (`model.numpy_weights()`), and `load_numpy_weights` fills them. The
# function below reads each Keras layer and translates it:
#
# - embeddings are `(vocabulary, embed)` in both libraries and copy as they are;
# - a recurrent layer goes through `convert.keras_to_params`, which reorders the gates and transposes the kernels
#   (Part 3 shows exactly how);
# - Keras's `Dense` keeps `kernel (hidden, vocabulary)` and computes `y @ kernel`; seqlib's `W_out` is
#   `(vocabulary, hidden)` as in `torch.nn.Linear`, so it is the transpose.


# %%
def keras_to_seqlib(keras_model, cell):
    """A seqlib.torch.Seq2Seq holding the weights of a Keras encoder-decoder built by keras_seq2seq."""
    model = sto.Seq2Seq.for_task(task, cell=cell, hidden_size=HIDDEN, embed_size=EMBED, seed=SEED)
    weights = {
        "encoder.embedding": keras_model.get_layer("source_embedding").get_weights()[0],
        "decoder.embedding": keras_model.get_layer("target_embedding").get_weights()[0],
    }
    for side in ("encoder", "decoder"):
        _, params, _ = convert.keras_to_params(keras_model.get_layer(side), cell)
        weights.update({f"{side}.rnn.{name}": value for name, value in params.items()})
    kernel, bias = keras_model.get_layer("to_tokens").get_weights()
    weights["decoder.W_out"], weights["decoder.b_out"] = kernel.T, bias
    model.load_numpy_weights(weights)
    return model


torch_models = {cell: keras_to_seqlib(model, cell) for cell, model in keras_models.items()}

# %% [markdown]
# Now both libraries run the same batch. Only real target positions (`mask`) are compared: what a model writes
# after EOS is never read.

# %%
# NBVAL_CHECK_OUTPUT
mask = batch["mask"]
for cell, model in torch_models.items():
    with torch.no_grad():
        torch_logits = model(batch["src"], batch["src_lengths"], batch["dec_in"]).numpy()
    diff = np.abs(torch_logits - keras_logits[cell])[mask].max()
    print(f"{cell.upper()}: Keras and seqlib.torch logits agree, max |diff| < 1e-5: {diff < 1e-5}")

# %% [markdown]
# The parameter counts tell one more thing. seqlib follows `torch.nn`, which gives every recurrent layer **two**
# bias vectors, `b_ih` and `b_hh`; a Keras LSTM has one. Only their sum ever reaches a gate, so the second vector
# adds parameters but nothing the model can express — which is why `keras_to_params` could fill `b_hh` with zeros.
# A Keras GRU with `reset_after=True` (its default) keeps two bias rows, `(2, 3H)`, because there the recurrent
# bias of the candidate sits inside the reset gate's product and cannot be merged.

# %%
# NBVAL_CHECK_OUTPUT
expected = {"lstm": 2 * 4 * HIDDEN, "gru": 0}  # LSTM: one extra bias vector (4H) per layer; GRU: none
for cell in ("lstm", "gru"):
    extra = torch_models[cell].num_params() - keras_models[cell].count_params()
    print(f"{cell.upper()}: seqlib.torch {torch_models[cell].num_params()}, Keras {keras_models[cell].count_params()}"
          f" -> {extra} more in seqlib; expected {expected[cell]}: {extra == expected[cell]}")  # fmt: skip

# %% [markdown]
# ### Train in Keras, decode in PyTorch
#
# A Keras user trains with `compile` and `fit`. Two details matter for a sequence model: the loss reads logits
# (`from_logits=True`, since the `Dense` layer has no softmax), and padded target positions get weight 0 through
# `sample_weight=mask`, so that padding never counts. The GRU model trains for 15 epochs.

# %%
train = task.split("train")
train_src, _ = task.encode_sources(list(train.sources), pad_to=task.max_source_len)
train_dec_in, train_dec_out, train_mask = task.encode_targets(list(train.targets), pad_to=task.max_target_len)

EPOCHS = 15
keras_gru = keras_models["gru"]
keras_gru.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))  # fmt: skip
start = time.perf_counter()
keras_history = keras_gru.fit([train_src, train_dec_in], train_dec_out, sample_weight=train_mask.astype("float32"),
                              batch_size=64, epochs=EPOCHS, shuffle=True, verbose=0)  # fmt: skip
print(f"Keras trained {len(keras_history.history['loss'])} epochs in {time.perf_counter() - start:.1f} s; "
      f"loss per epoch: {' '.join(f'{v:.3f}' for v in keras_history.history['loss'])}")  # fmt: skip

# %% [markdown]
# To translate, the decoder must run step by step, feeding back its own predictions. In Keras that means
# building separate encoder and decoder models for inference; with the weights copied into `seqlib.torch`,
# `sto.translate` does it. First the check that the copy predicts what Keras predicts, on the whole test split
# (teacher-forced, so that both see the same inputs), then the greedy translations themselves.

# %%
test_batch = next(task.batches("test", batch_size=len(task.test), seed=SEED, shuffle=False))
test_mask = test_batch["mask"]


def same_predictions(keras_model, torch_model):
    """Teacher-forced argmax tokens of both models on the test split, compared at real positions."""
    keras_out = keras.ops.convert_to_numpy(keras_model([test_batch["src"], test_batch["dec_in"]]))
    with torch.no_grad():
        torch_out = torch_model(test_batch["src"], test_batch["src_lengths"], test_batch["dec_in"]).numpy()
    return np.array_equal(keras_out.argmax(-1)[test_mask], torch_out.argmax(-1)[test_mask])


gru_from_keras = keras_to_seqlib(keras_gru, "gru")
translations = sto.translate(gru_from_keras, task, list(task.test.sources))
for source, answer, truth in list(zip(task.test.sources, translations, task.test.targets, strict=True))[:4]:
    print(f"{source:>6} -> {answer:<4} (true {truth})")
print(f"greedy exact match of the Keras-trained GRU on the test split: "
      f"{tasks.exact_match(translations, list(task.test.targets)):.1%}")  # fmt: skip

# %%
# NBVAL_CHECK_OUTPUT
print(
    "the Keras-trained GRU, copied into seqlib.torch, predicts the same tokens:",
    same_predictions(keras_gru, gru_from_keras),
)

# %% [markdown]
# ### And back: train in PyTorch, run in Keras
#
# The way back is the same translation reversed: `convert.params_to_keras_weights` gives the list a Keras layer's
# `set_weights` takes. This time the LSTM model trains, for the same 15 epochs, with `seqlib.torch.fit`, and its
# weights are written into the Keras LSTM model.

# %%
lstm_torch = torch_models["lstm"]
history = sto.fit(lstm_torch, task, epochs=EPOCHS, lr=1e-2, batch_size=64, seed=SEED, threads=1, progress=False)
print(f"seqlib.torch trained {len(history.epoch)} epochs in {history.train_seconds[-1]:.1f} s; greedy exact match "
      f"on the test split {history.final_accuracy:.1%}")  # fmt: skip


def seqlib_to_keras(model, keras_model, cell):
    """Write a seqlib.torch.Seq2Seq's weights into a Keras encoder-decoder built by keras_seq2seq."""
    w = model.numpy_weights()
    keras_model.get_layer("source_embedding").set_weights([w["encoder.embedding"]])
    keras_model.get_layer("target_embedding").set_weights([w["decoder.embedding"]])
    for side in ("encoder", "decoder"):
        params = {name: w[f"{side}.rnn.{name}"] for name in ("W_ih", "W_hh", "b_ih", "b_hh")}
        keras_model.get_layer(side).set_weights(convert.params_to_keras_weights(cell, params))
    keras_model.get_layer("to_tokens").set_weights([w["decoder.W_out"].T, w["decoder.b_out"]])


seqlib_to_keras(lstm_torch, keras_models["lstm"], "lstm")

# %%
# NBVAL_CHECK_OUTPUT
print("the seqlib-trained LSTM, copied into Keras, predicts the same tokens:",
      same_predictions(keras_models["lstm"], lstm_torch))  # fmt: skip

# %% [markdown]
# ## Part 3 — four layouts, one table
#
# The same LSTM or GRU is stored in four different ways in the libraries and courses you are likely to meet. The
# numbers inside are the same; what differs is the **gate order**, whether the kernel is **transposed**, and how the
# **biases** are kept. seqlib keeps `torch.nn`'s layout and converts the others; `convert.LAYOUTS` is the table.

# %%
print(convert.LAYOUTS)

# %% [markdown]
# How to read it, for a layer with $I$ inputs and $H$ units:
#
# - **Orientation.** `torch.nn` computes $x W_{ih}^\top$, so its weight is `(G·H, I)`: one *row* per gate unit.
#   Keras and CS231n compute $x\,K$, so their kernel is `(I, G·H)`: one *column* per gate unit. Converting is a
#   transpose — never a reshape, which keeps the memory order and scrambles the numbers.
# - **Gate order.** The blocks of $H$ rows (or columns) follow each library's order. The LSTM's candidate is
#   called $g$ in `torch.nn` and $c$ in Keras; it comes third in both, but CS231n puts it last. The GRU's order is
#   r, z, n in `torch.nn` and z, r, h in Keras: **the first two blocks are swapped**.
# - **Biases.** A single bias holds `b_ih + b_hh`. That is exact except for the reset-after GRU's candidate, whose
#   recurrent bias sits inside $r \odot (\dots)$: that is why Keras then stores two rows.
# - **d2l** writes one matrix triple per gate and no stacking at all.
#
# A Keras layer's actual arrays, next to seqlib's for the same layer:

# %%
# NBVAL_CHECK_OUTPUT
I, H = 3, 5


def random_keras_layer(cell, **kwargs):
    """A built Keras LSTM/GRU (float32) whose every weight, biases included, is drawn from N(0, 0.5²)."""
    layer = KERAS_RNN[cell](H, return_sequences=True, return_state=True, **kwargs)
    layer.build((None, None, I))
    layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype("float32") for w in layer.get_weights()])
    return layer


keras_lstm = random_keras_layer("lstm")
keras_gru = random_keras_layer("gru")
seqlib_lstm = snp.LSTM.from_keras(keras_lstm)
seqlib_gru = snp.GRU.from_keras(keras_gru)
for name, keras_layer, seqlib_layer in [("LSTM", keras_lstm, seqlib_lstm), ("GRU", keras_gru, seqlib_gru)]:
    keras_names = ["kernel", "recurrent_kernel", "bias"]
    print(f"{name} (I={I}, H={H})")
    print("  Keras :", ", ".join(f"{n} {w.shape}" for n, w in zip(keras_names, keras_layer.get_weights(), strict=True)))
    print("  seqlib:", ", ".join(f"{n} {w.shape}" for n, w in seqlib_layer.parameters().items()))

# %% [markdown]
# Keras's own initialisation would make a weak test: it starts every bias at zero (the LSTM's forget bias at one),
# so a conversion that lost or misplaced the biases would still agree. That is why every weight above, biases
# included, is drawn at random.

# %% [markdown]
# ## Part 4 — one layer through four libraries
#
# ### Keras → seqlib → torch.nn
#
# `snp.LSTM.from_keras` read the Keras layer above; `.to_torch()` writes the same weights into a `torch.nn.LSTM`
# (with `batch_first=True`, seqlib's convention). All three run the same inputs and initial state. Everything is
# float32 here, as in Keras: Keras 3.15 on the torch backend computes some float64 products in float32
# (keras-team/keras#23704), so a float32 comparison at $10^{-5}$ is the honest one.

# %%
# NBVAL_CHECK_OUTPUT
B, T = 4, 6
x = rng.normal(size=(B, T, I)).astype("float32")
h0, c0 = (rng.normal(size=(B, H)).astype("float32") for _ in range(2))

out_keras, h_keras, c_keras = (keras.ops.convert_to_numpy(a) for a in keras_lstm(x, initial_state=[h0, c0]))
out_seqlib, (h_seqlib, c_seqlib) = seqlib_lstm(x, (h0, c0))
torch_lstm = seqlib_lstm.to_torch()
with torch.no_grad():  # torch.nn keeps states as (layers, batch, hidden): add a leading axis, then drop it
    out_t, (h_t, c_t) = torch_lstm(torch.from_numpy(x), (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
out_torch, h_torch, c_torch = out_t.numpy(), h_t[0].numpy(), c_t[0].numpy()


def same(*pairs, tol=1e-5):
    return all(np.abs(a - b).max() < tol for a, b in pairs)


keras_run, seqlib_run = (out_keras, h_keras, c_keras), (out_seqlib, h_seqlib, c_seqlib)
torch_run = (out_torch, h_torch, c_torch)
print(f"torch.nn.{type(torch_lstm).__name__}: weight_ih_l0 {tuple(torch_lstm.weight_ih_l0.shape)}, "
      f"batch_first={torch_lstm.batch_first}")  # fmt: skip
print("Keras == seqlib.numpy    (outputs, h, c):", same(*zip(keras_run, seqlib_run, strict=True)))
print("seqlib.numpy == torch.nn (outputs, h, c):", same(*zip(seqlib_run, torch_run, strict=True)))

# %% [markdown]
# ### CS231n's LSTM
#
# Stanford's CS231n assignment writes the LSTM step with one stacked kernel `Wx (D, 4H)`, `Wh (H, 4H)`, one bias,
# and the gates in the order i, f, **o, g**. Here is that step in its own layout, written from the assignment's
# description, run for a few steps; then the same weights through `convert.cs231n_to_params` into a seqlib layer.


# %%
def sigmoid(a):
    return 0.5 * np.tanh(0.5 * a) + 0.5


def cs231n_lstm(x, h, c, Wx, Wh, b):
    """CS231n's layout: a = x Wx + h Wh + b, cut into i, f, o, g."""
    outputs = []
    for t in range(x.shape[1]):
        a_i, a_f, a_o, a_g = np.split(x[:, t] @ Wx + h @ Wh + b, 4, axis=1)
        c = sigmoid(a_f) * c + sigmoid(a_i) * np.tanh(a_g)
        h = sigmoid(a_o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c


def seqlib_layer(cls, params, **kwargs):
    """A seqlib.numpy layer holding `params` (canonical names W_ih, W_hh, b_ih, b_hh)."""
    W_ih, W_hh = params["W_ih"], params["W_hh"]
    layer = cls(W_ih.shape[1], W_hh.shape[1], dtype=W_ih.dtype, **kwargs)
    for name, value in params.items():
        setattr(layer, name, value)  # seqlib checks the shape and dtype of every weight it is given
    return layer


xd = x.astype("float64")  # no Keras in these two checks: float64, compared to 1e-10
Wx, Wh, b = rng.normal(size=(I, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)
h0d, c0d = h0.astype("float64"), c0.astype("float64")
want_out, want_h, want_c = cs231n_lstm(xd, h0d, c0d, Wx, Wh, b)
from_cs231n = seqlib_layer(snp.LSTM, convert.cs231n_to_params(Wx, Wh, b))
got_out, (got_h, got_c) = from_cs231n(xd, (h0d, c0d))

# %%
# NBVAL_CHECK_OUTPUT
print("CS231n == seqlib (outputs, h, c):", same((want_out, got_out), (want_h, got_h), (want_c, got_c), tol=1e-10))
back = convert.params_to_cs231n(from_cs231n.parameters())
print("seqlib -> CS231n gives back Wx, Wh, b:", all(np.allclose(u, v) for u, v in zip(back, (Wx, Wh, b), strict=True)))

# %% [markdown]
# ### d2l's GRU
#
# *Dive into Deep Learning* writes its from-scratch GRU with one `(W_x?, W_h?, b_?)` triple per gate and, unlike
# `torch.nn`, **resets the state before the recurrent product**: $\tilde h = \tanh(x W_{xh} + (r \odot h) W_{hh} +
# b_h)$. Its weights therefore belong in a seqlib `GRU(reset_after=False)`.


# %%
def d2l_gru(x, h, p):
    """d2l's layout and variant: one triple per gate; the reset gate scales h before W_hh."""
    outputs = []
    for t in range(x.shape[1]):
        z = sigmoid(x[:, t] @ p["W_xz"] + h @ p["W_hz"] + p["b_z"])
        r = sigmoid(x[:, t] @ p["W_xr"] + h @ p["W_hr"] + p["b_r"])
        h_tilde = np.tanh(x[:, t] @ p["W_xh"] + (r * h) @ p["W_hh"] + p["b_h"])
        h = z * h + (1 - z) * h_tilde
        outputs.append(h)
    return np.stack(outputs, axis=1), h


def d2l_shape(name):
    """W_x? is (inputs, hiddens), W_h? is (hiddens, hiddens), b_? is (hiddens,)."""
    return (I, H) if name.startswith("W_x") else (H, H) if name.startswith("W_h") else (H,)


d2l = {name: rng.normal(size=d2l_shape(name)) for name in convert.d2l_names("gru")}
want_out, want_h = d2l_gru(xd, h0d, d2l)
from_d2l = seqlib_layer(snp.GRU, convert.d2l_to_params(d2l, "gru"), reset_after=False)
got_out, got_h = from_d2l(xd, h0d)
wrong_variant = seqlib_layer(snp.GRU, convert.d2l_to_params(d2l, "gru"), reset_after=True)

# %%
# NBVAL_CHECK_OUTPUT
print("d2l names:", sorted(d2l))
print("d2l == seqlib GRU(reset_after=False) (outputs, h):", same((want_out, got_out), (want_h, got_h), tol=1e-10))
print("the same weights in a reset_after=True GRU give other outputs:", not same((want_out, wrong_variant(xd, h0d)[0])))

# %% [markdown]
# ## Part 5 — the GRU's two variants, in Keras
#
# Keras offers both GRU variants through one argument. With the recurrent share of each gate written
# $U_\ast h_{t-1}$:
#
# $$\text{reset\_after=True (default, torch.nn):}\quad n_t = \tanh\!\big(W_n x_t + b_{in} + r_t \odot (U_n h_{t-1} + b_{hn})\big)$$
#
# $$\text{reset\_after=False (Cho et al. v3, d2l):}\quad n_t = \tanh\!\big(W_n x_t + b_{n} + U_n (r_t \odot h_{t-1})\big)$$
#
# Both then mix $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$. The weights have the same shapes; only where $r_t$
# acts differs. To see that this alone changes the outputs, give two Keras GRUs **identical** numbers: the same
# kernels, and the same total bias (the reset-after layer's recurrent bias row set to zero, so that nothing sits
# inside $r_t \odot (\dots)$ but the matrix product).

# %%
kernel = (rng.normal(size=(I, 3 * H)) * 0.5).astype("float32")
recurrent = (rng.normal(size=(H, 3 * H)) * 0.5).astype("float32")
bias = (rng.normal(size=3 * H) * 0.5).astype("float32")

gru_after = keras.layers.GRU(H, return_sequences=True, return_state=True, reset_after=True)
gru_before = keras.layers.GRU(H, return_sequences=True, return_state=True, reset_after=False)
for layer in (gru_after, gru_before):
    layer.build((None, None, I))
gru_after.set_weights([kernel, recurrent, np.stack([bias, np.zeros_like(bias)])])  # bias (2, 3H)
gru_before.set_weights([kernel, recurrent, bias])  # bias (3H,)

out_after = keras.ops.convert_to_numpy(gru_after(x, initial_state=[h0])[0])
out_before = keras.ops.convert_to_numpy(gru_before(x, initial_state=[h0])[0])
print(f"same weights, largest output difference between the variants: {np.abs(out_after - out_before).max():.3f}")

# %% [markdown]
# seqlib reads the variant from the Keras layer (`reset_after` is an attribute of the layer, and a weight list's
# bias shape tells it too), so each seqlib twin matches its own Keras layer:

# %%
# NBVAL_CHECK_OUTPUT
twin_after, twin_before = snp.GRU.from_keras(gru_after), snp.GRU.from_keras(gru_before)
print("twins' reset_after:", twin_after.reset_after, twin_before.reset_after)
print("the two variants differ by more than 1e-3:", np.abs(out_after - out_before).max() > 1e-3)
print("seqlib GRU(reset_after=True)  == Keras reset_after=True :", same((twin_after(x, h0)[0], out_after)))
print("seqlib GRU(reset_after=False) == Keras reset_after=False:", same((twin_before(x, h0)[0], out_before)))

# %% [markdown]
# `torch.nn.GRU` has only the reset-after variant. There is no setting and no rearrangement of weights that makes
# it compute $U_n (r_t \odot h_{t-1})$, so seqlib refuses to pretend — the error says why and what to use instead:

# %%
try:
    twin_before.to_torch()
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# In practice: a Keras GRU trained with `reset_after=False` (the default of standalone Keras before TensorFlow 2,
# and the variant of Cho et al.'s paper and of d2l) can move to PyTorch through seqlib's GRU, which computes either
# variant, but not into `torch.nn.GRU` — unless it is retrained as a reset-after GRU.

# %% [markdown]
# ## Exercise: a Keras GRU kernel in torch.nn's layout
#
# Write `keras_gru_to_torch(kernel)`. It receives one Keras GRU kernel — the input kernel `(inputs, 3H)` or the
# recurrent kernel `(H, 3H)`, gate blocks side by side in Keras's order z, r, h — and returns the matching
# `torch.nn` weight, `weight_ih_l0` or `weight_hh_l0`: shape `(3H, inputs)`, blocks stacked in the order r, z, n.
# Use NumPy (or torch). The checker recognises a missing transpose, blocks left in Keras's order, and a reshape
# used where a transpose was needed.

# %%
from seqlib.exercises import keras_gru_to_torch as exercise


def keras_gru_to_torch(kernel):
    return None  # your code here: a (3H, inputs) array, blocks r, z, n


exercise.check(keras_gru_to_torch)

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## Summary
#
# - A Keras encoder-decoder is three lines of substance: an encoder with `return_state=True`, a decoder given
#   `initial_state=` that state, and a `Dense` layer. An LSTM hands over `[h, c]`, a GRU `[h]`.
# - With its weights copied, `seqlib.torch.Seq2Seq` computes the same logits as the Keras model. A GRU trained
#   with Keras's `fit` decodes with `sto.translate`; an LSTM trained with `seqlib.torch.fit` runs in Keras; each
#   copy predicts the same tokens as its original (the checks above print `True`).
# - The four layouts differ in gate order (Keras's GRU swaps r and z; CS231n moves the LSTM candidate last),
#   orientation (Keras and CS231n transpose) and biases (one or two vectors). seqlib converts each, and every
#   conversion was proved on outputs, not on shapes.
# - `reset_after` changes where the reset gate acts; with identical weights the two variants give different
#   outputs. seqlib computes both; `torch.nn.GRU` only the reset-after one, and seqlib says so instead of
#   converting silently.

# %%
print(f"this notebook ran in {time.perf_counter() - notebook_start:.0f} s")

# %% [markdown]
# **Previous:** [08 · Inspecting hidden states](08_inspecting_hidden_states.ipynb) · **Next:** [10 · Does a GRU need different hyperparameters?](10_tuning_lstm_vs_gru.ipynb)
