"""The encoder-decoder (seq2seq) in PyTorch: Encoder, Decoder, the bridge between them, and Seq2Seq.

The encoder reads the source and ends in a state; the *bridge* hands that state to the decoder, which
writes the target one token at a time. The bridge is the one place where LSTM and GRU differ: an LSTM
hands over the pair ``(h, c)``, a GRU the single array ``h``. Everything else — embeddings, output
projection, loss, greedy and beam search — is the same code for both cells.

By default the recurrent layers are seqlib.torch's own (the code the course teaches); ``rnn="torch.nn"``
builds the identical architecture on ``torch.nn.LSTM``/``GRU`` for comparison.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from seqlib import _seq2seq
from seqlib._checks import check_size
from seqlib._seq2seq import Config
from seqlib.torch.layers import GRU, LSTM

RNNS = ("seqlib", "torch.nn")


class TorchNNRecurrent(nn.Module):
    """``torch.nn.LSTM``/``GRU`` behind seqlib's conventions: batch-first, states ``(batch, hidden)``,
    ``lengths`` through packed sequences (so the final state is at each sequence's last real token)."""

    def __init__(self, cell, input_size, hidden_size, dtype, device):
        super().__init__()
        self.cell = cell
        module = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.module = module(input_size, hidden_size, batch_first=True, dtype=dtype, device=device)

    def forward(self, x, state=None, lengths=None):
        if state is not None:
            state = tuple(s[None] for s in state) if self.cell == "lstm" else state[None]
        if lengths is None:
            outputs, state = self.module(x, state)
        else:
            lengths = torch.as_tensor(lengths).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            outputs, state = self.module(packed, state)
            outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=x.shape[1])
        return outputs, (tuple(s[0] for s in state) if self.cell == "lstm" else state[0])


def _rnn(config: Config, rnn: str, dtype, device):
    if rnn == "seqlib":
        kind = {"lstm": LSTM, "gru": GRU}[config.cell]
        kwargs = {"reset_after": config.reset_after} if config.cell == "gru" else {}
        return kind(config.embed_size, config.hidden_size, dtype=dtype, device=device, **kwargs)
    if config.cell == "gru" and not config.reset_after:
        raise ValueError("torch.nn.GRU has no reset_after=False variant; use rnn='seqlib' for it.")
    return TorchNNRecurrent(config.cell, config.embed_size, config.hidden_size, dtype, device)


class Encoder(nn.Module):
    """Embedding, then a recurrent layer; returns every output and the state at each source's last token."""

    def __init__(self, config: Config, rnn="seqlib", dtype=torch.float32, device=None):
        super().__init__()
        self.embedding = nn.Parameter(torch.empty(config.src_vocab_size, config.embed_size, dtype=dtype, device=device))
        self.rnn = _rnn(config, rnn, dtype, device)

    def forward(self, src, lengths):
        return self.rnn(self.embedding[src], lengths=lengths)


class Decoder(nn.Module):
    """Embedding, a recurrent layer, and a linear projection from the hidden state to target-token logits."""

    def __init__(self, config: Config, rnn="seqlib", dtype=torch.float32, device=None):
        super().__init__()
        V, E, H = config.tgt_vocab_size, config.embed_size, config.hidden_size
        self.embedding = nn.Parameter(torch.empty(V, E, dtype=dtype, device=device))
        self.rnn = _rnn(config, rnn, dtype, device)
        self.W_out = nn.Parameter(torch.empty(V, H, dtype=dtype, device=device))
        self.b_out = nn.Parameter(torch.empty(V, dtype=dtype, device=device))

    def forward(self, tokens, state):
        """Teacher forcing: ``tokens (batch, time)`` are the inputs of every step. Returns ``(logits, state)``."""
        outputs, state = self.rnn(self.embedding[tokens], state)
        return outputs @ self.W_out.T + self.b_out, state

    def step(self, tokens, state):
        """One step: ``tokens (batch,)`` -> ``(logits (batch, V), state)``."""
        logits, state = self(tokens[:, None], state)
        return logits[:, 0], state


class Seq2Seq(nn.Module):
    """An LSTM or GRU encoder-decoder.

    ``Seq2Seq(config, rnn="seqlib", dtype=torch.float32, device=None, seed=0)``; most people start from
    ``Seq2Seq.for_task(task, cell="lstm", hidden_size=128)``. The same seed gives the same initial weights as
    ``seqlib.numpy.Seq2Seq``.
    """

    def __init__(self, config: Config, rnn: str = "seqlib", dtype=torch.float32, device=None, seed=0):
        super().__init__()
        if rnn not in RNNS:
            raise ValueError(f"rnn must be one of {RNNS}, got {rnn!r}.")
        self.config, self.rnn_kind = config, rnn
        self.encoder = Encoder(config, rnn, dtype, device)
        self.decoder = Decoder(config, rnn, dtype, device)
        if config.init_state == "learned":
            self.h0 = nn.Parameter(torch.zeros(config.hidden_size, dtype=dtype, device=device))
            if config.cell == "lstm":
                self.c0 = nn.Parameter(torch.zeros(config.hidden_size, dtype=dtype, device=device))
        self.load_numpy_weights(_seq2seq.init_weights(config, seed))

    @classmethod
    def for_task(cls, task, cell="lstm", hidden_size=128, embed_size=32, init_state="encoder", reset_after=True,
                 rnn="seqlib", dtype=torch.float32, device=None, seed=0):  # fmt: skip
        """A model sized for a seqlib.tasks Task (vocabularies, special ids, longest target)."""
        config = _seq2seq.config_for_task(
            task, cell, hidden_size, embed_size, init_state=init_state, reset_after=reset_after
        )
        return cls(config, rnn=rnn, dtype=dtype, device=device, seed=seed)

    @property
    def cell(self) -> str:
        return self.config.cell

    def extra_repr(self):
        c = self.config
        return f"cell={c.cell!r}, hidden_size={c.hidden_size}, init_state={c.init_state!r}, rnn={self.rnn_kind!r}"

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # -- weights by name, shared with seqlib.numpy ----------------------------------------------------------
    def _named(self):
        """seqlib's names (the same in both backends) -> this model's tensors."""
        named = {"encoder.embedding": self.encoder.embedding, "decoder.embedding": self.decoder.embedding,
                 "decoder.W_out": self.decoder.W_out, "decoder.b_out": self.decoder.b_out}  # fmt: skip
        for side in ("encoder", "decoder"):
            rnn = getattr(self, side).rnn
            if isinstance(rnn, TorchNNRecurrent):
                m = rnn.module
                tensors = (m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0, m.bias_hh_l0)
                pairs = zip(("W_ih", "W_hh", "b_ih", "b_hh"), tensors, strict=True)
            else:
                pairs = ((n, getattr(rnn, n)) for n in ("W_ih", "W_hh", "b_ih", "b_hh"))
            named.update({f"{side}.rnn.{n}": p for n, p in pairs})
        for name in ("h0", "c0"):
            if hasattr(self, name):
                named[name] = getattr(self, name)
        return named

    def numpy_weights(self) -> dict:
        return {k: v.detach().cpu().numpy().copy() for k, v in self._named().items()}

    def load_numpy_weights(self, weights: dict) -> None:
        named = self._named()
        if set(weights) != set(named):
            raise ValueError(f"weights must name exactly {sorted(named)}; got {sorted(weights)}.")
        with torch.no_grad():
            for k, p in named.items():
                value = torch.as_tensor(np.asarray(weights[k]))
                if tuple(value.shape) != tuple(p.shape):
                    raise ValueError(f"{k} must have shape {tuple(p.shape)}, got {tuple(value.shape)}.")
                p.copy_(value)

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
            h = torch.zeros(batch, c.hidden_size, dtype=self.decoder.W_out.dtype, device=self.decoder.W_out.device)
            return (h, torch.zeros_like(h)) if c.cell == "lstm" else h
        h = self.h0.expand(batch, -1)
        return (h, self.c0.expand(batch, -1)) if c.cell == "lstm" else h

    def encode(self, src, src_lengths):
        """Run the encoder and the bridge: returns the decoder's initial state."""
        src = self._ids("src", src, self.config.src_vocab_size)
        lengths = np.asarray(src_lengths.cpu() if torch.is_tensor(src_lengths) else src_lengths)
        _, state = self.encoder(src, lengths)
        return self.bridge(state, src.shape[0])

    def _ids(self, name, ids, vocab_size):
        device = self.decoder.W_out.device
        checked = _seq2seq.check_ids(name, ids.cpu() if torch.is_tensor(ids) else ids, vocab_size)
        return torch.as_tensor(checked, dtype=torch.long, device=device)

    # -- training: teacher forcing -------------------------------------------------------------------------
    def forward(self, src, src_lengths, dec_in, teacher_forcing: float = 1.0, generator=None):
        """Logits ``(batch, time, V)`` for every target position.

        With ``teacher_forcing=1`` the decoder reads the true previous token at every step; below 1 each step
        reads, with probability ``1 - teacher_forcing``, its own previous prediction instead (scheduled
        sampling, Bengio et al. 2015), drawn from ``generator`` (a ``torch.Generator``) for reproducibility.
        """
        teacher_forcing = _seq2seq.check_ratio("teacher_forcing", teacher_forcing)
        if teacher_forcing < 1.0 and generator is None:
            raise ValueError(
                "teacher_forcing < 1 draws which steps read the model's own prediction: pass generator="
                "torch.Generator().manual_seed(...) so that the draws are reproducible (seqlib.torch.fit does)."
            )
        dec_in = self._ids("dec_in", dec_in, self.config.tgt_vocab_size)
        if dec_in.shape[1] > self.config.max_len:
            raise ValueError(
                f"the targets need {dec_in.shape[1]} decoder steps but this model was built with "
                f"max_len={self.config.max_len}; build it for the task it trains on (Seq2Seq.for_task)."
            )
        state = self.encode(src, src_lengths)
        if teacher_forcing == 1.0:
            return self.decoder(dec_in, state)[0]
        logits, token = [], dec_in[:, 0]
        for t in range(dec_in.shape[1]):
            step_logits, state = self.decoder.step(token, state)
            logits.append(step_logits)
            if t + 1 < dec_in.shape[1]:
                own = step_logits.argmax(dim=1)
                use_truth = torch.rand(token.shape[0], generator=generator) < teacher_forcing
                token = torch.where(use_truth.to(own.device), dec_in[:, t + 1], own)
        return torch.stack(logits, dim=1)

    @staticmethod
    def loss(logits, dec_out, mask):
        """Mean cross-entropy over the real target tokens; padding positions count for nothing."""
        as_numpy = [x.detach().cpu().numpy() if torch.is_tensor(x) else x for x in (dec_out, mask)]
        dec_out, mask = (
            torch.from_numpy(a).to(logits.device) for a in _seq2seq.check_loss_inputs(logits.shape, *as_numpy)
        )
        per_token = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), dec_out.reshape(-1), reduction="none"
        )
        mask = mask.reshape(-1).to(per_token.dtype)
        return (per_token * mask).sum() / mask.sum()

    # -- inference: the decoder feeds itself -----------------------------------------------------------------
    @torch.no_grad()
    def greedy(self, src, src_lengths, max_len: int | None = None):
        """Greedy decoding: at each step feed back the most probable token; stop when every row said EOS.

        Returns a LongTensor ``(batch, steps)`` of token ids (a row's tokens after its EOS are PAD).
        """
        c = self.config
        max_len = check_size("max_len", c.max_len if max_len is None else max_len)
        state = self.encode(src, src_lengths)
        batch = state[0].shape[0] if c.cell == "lstm" else state.shape[0]
        token = torch.full((batch,), c.bos, dtype=torch.long, device=self.decoder.W_out.device)
        done = torch.zeros(batch, dtype=torch.bool, device=token.device)
        out = []
        for _ in range(max_len):
            logits, state = self.decoder.step(token, state)
            token = logits.argmax(dim=1)
            out.append(torch.where(done, torch.full_like(token, c.pad), token))
            done |= token == c.eos
            if done.all():
                break
        return torch.stack(out, dim=1)

    @torch.no_grad()
    def beam_search(self, src, src_lengths, beam_size: int = 4, max_len: int | None = None):
        """Beam search (see seqlib._seq2seq.beam_search); returns a list of token-id lists ending in EOS."""
        c = self.config
        state = self.encode(src, src_lengths)
        batch = state[0].shape[0] if c.cell == "lstm" else state.shape[0]
        device = self.decoder.W_out.device

        def step(tokens, state):
            logits, state = self.decoder.step(torch.as_tensor(tokens, device=device), state)
            return torch.log_softmax(logits, dim=1).cpu().double().numpy(), state

        def select(state, rows):
            rows = torch.as_tensor(rows, device=device)
            return tuple(s[rows] for s in state) if c.cell == "lstm" else state[rows]

        return _seq2seq.beam_search(step, state, select, batch, c, beam_size, c.max_len if max_len is None else max_len)
