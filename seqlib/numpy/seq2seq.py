"""The encoder-decoder (seq2seq) in NumPy: Encoder, Decoder, the bridge between them, and Seq2Seq.

The same model as seqlib.torch.seq2seq, piece for piece and name for name, with one difference: there is no
autograd, so every piece that has a ``forward`` also has a ``backward``. The encoder reads the source and ends
in a state; the *bridge* hands that state to the decoder, which writes the target one token at a time. The
bridge is the one place where LSTM and GRU differ: an LSTM hands over the pair ``(h, c)``, a GRU the single
array ``h`` — in the backward pass the gradient of that state travels back across the bridge the same way.

The backward pass visits the pieces in reverse: loss -> output projection -> decoder (through time, down to
its embedding) -> bridge -> encoder (through time, down to its embedding).
"""

from __future__ import annotations

import numpy as np

from seqlib import _checks, _seq2seq
from seqlib._seq2seq import Config
from seqlib.numpy.cells import _float_dtype
from seqlib.numpy.layers import GRU, LSTM


def _rnn(config: Config, dtype):
    kind = {"lstm": LSTM, "gru": GRU}[config.cell]
    kwargs = {"reset_after": config.reset_after} if config.cell == "gru" else {}
    # seed=0 only so that nothing draws from hidden state; Seq2Seq overwrites every weight from init_weights.
    return kind(config.embed_size, config.hidden_size, dtype=dtype, seed=0, **kwargs)


def embedding_backward(weight, ids, dx):
    """The gradient of an embedding lookup ``weight[ids]``: each position's ``dx`` added to the row it read.

    ``np.add.at`` and not ``d[ids] += dx``: an id that occurs several times in the batch must collect every
    occurrence's gradient, and fancy-index assignment keeps only one of them.
    """
    d = np.zeros_like(weight)
    np.add.at(d, ids, dx)
    return d


def log_softmax(logits):
    """log p = a - log sum exp(a), with the row maximum subtracted first so that exp never overflows."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _prefixed(prefix: str, named: dict) -> dict:
    return {f"{prefix}{k}": v for k, v in named.items()}


class Encoder:
    """Embedding, then a recurrent layer; returns every output and the state at each source's last token.

    ``encoder(src, lengths) -> (outputs, state)``; ``forward`` also returns the cache that ``backward`` needs.
    """

    def __init__(self, config: Config, dtype=np.float64):
        dtype = _float_dtype(dtype)
        self.embedding = np.zeros((config.src_vocab_size, config.embed_size), dtype)
        self.rnn = _rnn(config, dtype)

    def __call__(self, src, lengths):
        return self.rnn(self.embedding[src], lengths=lengths)

    def forward(self, src, lengths):
        """Returns ``(outputs, state, cache)``."""
        outputs, state, rnn_cache = self.rnn.forward(self.embedding[src], lengths=lengths)
        return outputs, state, (src, rnn_cache)

    def backward(self, doutputs, dstate, cache):
        """Gradients for every parameter (named as in ``parameters()``) from those of the outputs and the
        final state; ``doutputs=None`` when, as in Seq2Seq without attention, only the final state is used."""
        src, rnn_cache = cache
        dx, _, rnn_grads = self.rnn.backward(doutputs, dstate, rnn_cache)
        return {"embedding": embedding_backward(self.embedding, src, dx), **_prefixed("rnn.", rnn_grads)}

    def parameters(self) -> dict:
        return {"embedding": self.embedding, **_prefixed("rnn.", self.rnn.parameters())}


class Decoder:
    """Embedding, a recurrent layer, and a linear projection from the hidden state to target-token logits.

    ``decoder(tokens, state) -> (logits, state)``; ``forward`` also returns the cache that ``backward`` needs.
    """

    def __init__(self, config: Config, dtype=np.float64):
        dtype = _float_dtype(dtype)
        V, E, H = config.tgt_vocab_size, config.embed_size, config.hidden_size
        self.embedding = np.zeros((V, E), dtype)
        self.rnn = _rnn(config, dtype)
        self.W_out = np.zeros((V, H), dtype)
        self.b_out = np.zeros(V, dtype)

    def _project(self, outputs):
        B, T, H = outputs.shape
        # One 2-D matmul over every (row, step): a 3-D @ 2-D product would loop over the batch.
        return (outputs.reshape(B * T, H) @ self.W_out.T + self.b_out).reshape(B, T, -1)

    def __call__(self, tokens, state):
        """Teacher forcing: ``tokens (batch, time)`` are the inputs of every step. Returns ``(logits, state)``."""
        outputs, state = self.rnn(self.embedding[tokens], state)
        return self._project(outputs), state

    def forward(self, tokens, state):
        """Returns ``(logits, state, cache)``."""
        outputs, state, rnn_cache = self.rnn.forward(self.embedding[tokens], state)
        return self._project(outputs), state, (tokens, outputs, rnn_cache)

    def backward(self, dlogits, dstate, cache):
        """Gradients from those of the logits and of the final state (None when it reaches no loss).

        Returns ``(dstate0, grads)``: the gradient of the initial state (what the bridge receives) and every
        parameter's gradient, named as in ``parameters()``.
        """
        tokens, outputs, rnn_cache = cache
        B, T, V = dlogits.shape
        dlogits2d = dlogits.reshape(B * T, V)
        grads = {"W_out": dlogits2d.T @ outputs.reshape(B * T, -1), "b_out": dlogits2d.sum(axis=0)}
        doutputs = (dlogits2d @ self.W_out).reshape(B, T, -1)
        dx, dstate0, rnn_grads = self.rnn.backward(doutputs, dstate, rnn_cache)
        grads["embedding"] = embedding_backward(self.embedding, tokens, dx)
        grads.update(_prefixed("rnn.", rnn_grads))
        return dstate0, grads

    def step(self, tokens, state):
        """One step: ``tokens (batch,)`` -> ``(logits (batch, V), state)``."""
        logits, state = self(tokens[:, None], state)
        return logits[:, 0], state

    def parameters(self) -> dict:
        return {"embedding": self.embedding, **_prefixed("rnn.", self.rnn.parameters()),
                "W_out": self.W_out, "b_out": self.b_out}  # fmt: skip


class Seq2Seq:
    """An LSTM or GRU encoder-decoder, forward and backward by hand.

    ``Seq2Seq(config, dtype=np.float64, seed=0)``; most people start from
    ``Seq2Seq.for_task(task, cell="lstm", hidden_size=128)``. The same seed gives the same initial weights as
    ``seqlib.torch.Seq2Seq``. Training is ``logits, cache = model.forward(...)``, ``loss, dlogits =
    model.loss(...)``, ``grads = model.backward(dlogits, cache)``, then an optimizer step on
    ``model.parameters()`` (seqlib.numpy.fit does all of it).
    """

    def __init__(self, config: Config, dtype=np.float64, seed=0):
        if not isinstance(config, Config):
            raise TypeError(
                f"Seq2Seq takes a seqlib Config, got {type(config).__name__}; build one with "
                f"seqlib.numpy.Config(src_vocab_size=..., tgt_vocab_size=...) or use Seq2Seq.for_task(task)."
            )
        self.config = config
        self.dtype = _float_dtype(dtype)
        self.encoder = Encoder(config, self.dtype)
        self.decoder = Decoder(config, self.dtype)
        if config.init_state == "learned":
            self.h0 = np.zeros(config.hidden_size, self.dtype)
            if config.cell == "lstm":
                self.c0 = np.zeros(config.hidden_size, self.dtype)
        self.load_numpy_weights(_seq2seq.init_weights(config, seed))

    @classmethod
    def for_task(cls, task, cell="lstm", hidden_size=128, embed_size=32, init_state="encoder", reset_after=True,
                 dtype=np.float64, seed=0):  # fmt: skip
        """A model sized for a seqlib.tasks Task (vocabularies, special ids, longest target)."""
        config = _seq2seq.config_for_task(
            task, cell, hidden_size, embed_size, init_state=init_state, reset_after=reset_after
        )
        return cls(config, dtype=dtype, seed=seed)

    @property
    def cell(self) -> str:
        return self.config.cell

    def __repr__(self):
        c = self.config
        return (
            f"Seq2Seq(cell={c.cell!r}, hidden_size={c.hidden_size}, init_state={c.init_state!r}, "
            f"dtype={self.dtype.name})"
        )

    # -- weights by name, shared with seqlib.torch -----------------------------------------------------------
    def parameters(self) -> dict:
        """seqlib's names (the same in both backends) -> the arrays themselves: updating them in place trains
        the model."""
        named = {**_prefixed("encoder.", self.encoder.parameters()), **_prefixed("decoder.", self.decoder.parameters())}
        for name in ("h0", "c0"):
            if hasattr(self, name):
                named[name] = getattr(self, name)
        return named

    def num_params(self) -> int:
        return sum(p.size for p in self.parameters().values())

    def numpy_weights(self) -> dict:
        """A copy of every weight by name (``load_numpy_weights`` of either backend takes it)."""
        return {k: v.copy() for k, v in self.parameters().items()}

    def load_numpy_weights(self, weights: dict) -> None:
        """Copy ``weights`` (name -> array, e.g. ``seqlib.torch.Seq2Seq.numpy_weights()``) into this model's
        arrays, in place and in this model's dtype."""
        named = self.parameters()
        if set(weights) != set(named):
            raise ValueError(f"weights must name exactly {sorted(named)}; got {sorted(weights)}.")
        for k, p in named.items():
            value = np.asarray(weights[k])
            if value.shape != p.shape:
                raise ValueError(f"{k} must have shape {p.shape}, got {value.shape}.")
            p[...] = value

    # -- the bridge: where an LSTM and a GRU encoder-decoder differ -----------------------------------------
    def bridge(self, encoder_state, batch: int):
        """The decoder's initial state: LSTM -> the pair (h, c); GRU -> h alone.

        ``init_state="encoder"`` hands over the encoder's final state unchanged (so encoder and decoder must
        have the same number of units); ``"zeros"`` and ``"learned"`` ignore it.
        """
        c = self.config
        if c.init_state == "encoder":
            return encoder_state
        if c.init_state == "zeros":
            h = np.zeros((batch, c.hidden_size), self.dtype)
            return (h, np.zeros_like(h)) if c.cell == "lstm" else h
        h = np.broadcast_to(self.h0, (batch, c.hidden_size))  # one start state, shared by every row
        return (h, np.broadcast_to(self.c0, h.shape)) if c.cell == "lstm" else h

    def bridge_backward(self, dstate):
        """The bridge's backward: ``(d encoder_state, grads)``.

        ``"encoder"`` passes the gradient straight back to the encoder; ``"zeros"`` and ``"learned"`` pass
        nothing back (None) — the encoder gets no gradient at all, which is what makes them a baseline.
        A learned start state was shared by every row, so its gradient is the sum over the batch.
        """
        c = self.config
        if c.init_state == "encoder":
            return dstate, {}
        if c.init_state == "zeros":
            return None, {}
        if c.cell == "lstm":
            return None, {"h0": dstate[0].sum(axis=0), "c0": dstate[1].sum(axis=0)}
        return None, {"h0": dstate.sum(axis=0)}

    def _encode(self, src, src_lengths):
        src = _seq2seq.check_ids("src", src, self.config.src_vocab_size)
        _, state, cache = self.encoder.forward(src, src_lengths)
        return self.bridge(state, src.shape[0]), cache

    def encode(self, src, src_lengths):
        """Run the encoder and the bridge: returns the decoder's initial state."""
        src = _seq2seq.check_ids("src", src, self.config.src_vocab_size)
        _, state = self.encoder(src, src_lengths)
        return self.bridge(state, src.shape[0])

    # -- training: teacher forcing -------------------------------------------------------------------------
    def forward(self, src, src_lengths, dec_in, teacher_forcing: float = 1.0, rng=None):
        """Logits ``(batch, time, V)`` for every target position, and the cache that ``backward`` needs.

        With ``teacher_forcing=1`` the decoder reads the true previous token at every step; below 1 each step
        reads, with probability ``1 - teacher_forcing``, its own previous prediction instead (scheduled
        sampling, Bengio et al. 2015), drawn from ``rng`` (a ``numpy.random.Generator``) for reproducibility.
        """
        teacher_forcing = _seq2seq.check_ratio("teacher_forcing", teacher_forcing)
        dec_in = _seq2seq.check_ids("dec_in", dec_in, self.config.tgt_vocab_size)
        if dec_in.shape[1] > self.config.max_len:
            raise ValueError(
                f"the targets need {dec_in.shape[1]} decoder steps but this model was built with "
                f"max_len={self.config.max_len}; build it for the task it trains on (Seq2Seq.for_task)."
            )
        if teacher_forcing < 1.0 and rng is None:
            raise ValueError(
                f"teacher_forcing={teacher_forcing} draws which steps read the model's own prediction; pass the "
                f"generator to draw from, e.g. rng=np.random.default_rng(0). seqlib never draws from hidden state."
            )
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}."
            )
        state, encoder_cache = self._encode(src, src_lengths)
        B, T = dec_in.shape
        if teacher_forcing == 1.0:
            logits, _, decoder_cache = self.decoder.forward(dec_in, state)
            return logits, (encoder_cache, [(slice(0, T), decoder_cache)], logits.shape)
        # One step at a time: the next input may depend on this step's prediction.
        logits, pieces, token = [], [], dec_in[:, 0]
        for t in range(T):
            step_logits, state, decoder_cache = self.decoder.forward(token[:, None], state)
            logits.append(step_logits)
            pieces.append((slice(t, t + 1), decoder_cache))
            if t + 1 < T:
                own = step_logits[:, 0].argmax(axis=1)
                use_truth = rng.random(B) < teacher_forcing
                token = np.where(use_truth, dec_in[:, t + 1], own)
        logits = np.concatenate(logits, axis=1)
        return logits, (encoder_cache, pieces, logits.shape)

    def backward(self, dlogits, cache) -> dict:
        """Every parameter's gradient (named as in ``parameters()``) from the gradient of the logits.

        An argmax fed back by scheduled sampling is a choice, not a function with a slope: no gradient flows
        through it, only through the decoder's state.
        """
        encoder_cache, pieces, shape = cache
        _checks.check_kind("dlogits", dlogits, self.dtype, backend="numpy", owner="Seq2Seq.backward")
        if dlogits.shape != shape:
            raise ValueError(f"Seq2Seq.backward: dlogits must have the logits' shape {shape}, got {dlogits.shape}.")
        _checks.check_dtype("dlogits", dlogits, self.dtype, backend="numpy", owner="Seq2Seq.backward")
        grads, dstate = {}, None  # the decoder's final state reaches no loss
        for steps, decoder_cache in reversed(pieces):
            dstate, piece_grads = self.decoder.backward(dlogits[:, steps], dstate, decoder_cache)
            for name, g in _prefixed("decoder.", piece_grads).items():
                grads[name] = grads[name] + g if name in grads else g
        dencoder_state, bridge_grads = self.bridge_backward(dstate)
        grads.update(bridge_grads)
        if dencoder_state is None:
            grads.update({f"encoder.{k}": np.zeros_like(p) for k, p in self.encoder.parameters().items()})
        else:
            grads.update(_prefixed("encoder.", self.encoder.backward(None, dencoder_state, encoder_cache)))
        return {name: grads[name] for name in self.parameters()}

    @staticmethod
    def loss(logits, dec_out, mask):
        """Mean cross-entropy over the real target tokens, and its gradient: ``(loss, dlogits)``.

        Padding positions count for nothing: not in the loss, not in the mean's denominator, and their
        ``dlogits`` is exactly 0. The gradient of softmax cross-entropy is ``softmax - one_hot(target)``,
        divided by the number of real tokens.
        """
        logits = np.asarray(logits)
        dec_out, mask = _seq2seq.check_loss_inputs(logits.shape, dec_out, mask)
        V, n_real = logits.shape[-1], int(mask.sum())
        log_probs = log_softmax(logits)
        picked = np.take_along_axis(log_probs, dec_out[..., None], axis=-1)[..., 0]
        loss = -np.where(mask, picked, 0.0).sum() / n_real
        dlogits = np.exp(log_probs) - np.eye(V, dtype=logits.dtype)[dec_out]
        dlogits *= (mask / n_real).astype(logits.dtype)[..., None]
        return float(loss), dlogits

    # -- inference: the decoder feeds itself -----------------------------------------------------------------
    def greedy(self, src, src_lengths, max_len: int | None = None):
        """Greedy decoding: at each step feed back the most probable token; stop when every row said EOS.

        Returns an int64 array ``(batch, steps)`` of token ids (a row's tokens after its EOS are PAD).
        """
        c = self.config
        max_len = _checks.check_size("max_len", c.max_len if max_len is None else max_len)
        state = self.encode(src, src_lengths)
        batch = state[0].shape[0] if c.cell == "lstm" else state.shape[0]
        token = np.full(batch, c.bos, dtype=np.int64)
        done = np.zeros(batch, dtype=bool)
        out = []
        for _ in range(max_len):
            logits, state = self.decoder.step(token, state)
            token = logits.argmax(axis=1)
            out.append(np.where(done, c.pad, token))
            done |= token == c.eos
            if done.all():
                break
        return np.stack(out, axis=1)

    def beam_search(self, src, src_lengths, beam_size: int = 4, max_len: int | None = None):
        """Beam search (see seqlib._seq2seq.beam_search); returns a list of token-id lists ending in EOS."""
        c = self.config
        state = self.encode(src, src_lengths)
        batch = state[0].shape[0] if c.cell == "lstm" else state.shape[0]

        def step(tokens, state):
            logits, state = self.decoder.step(np.asarray(tokens), state)
            return log_softmax(logits).astype(np.float64), state

        def select(state, rows):
            return tuple(s[rows] for s in state) if c.cell == "lstm" else state[rows]

        return _seq2seq.beam_search(step, state, select, batch, c, beam_size, c.max_len if max_len is None else max_len)
