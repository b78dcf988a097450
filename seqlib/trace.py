"""Everything an encoder-decoder computes on one input, step by step: states, gates and output probabilities.

``trace(model, task, "123+45")`` runs the model once — the encoder over the source, the bridge, then greedy
decoding — and keeps every hidden state ``h`` (and cell state ``c`` for an LSTM), every gate value and the
decoder's output distribution at each step. It works for seqlib.numpy and seqlib.torch models alike (it reads
their weights by the names both backends share and recomputes with seqlib.numpy's step functions, which
return the gates in their caches), so the inspector widgets and figures never depend on the backend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlib.numpy import functional as F

GATE_NAMES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


@dataclass
class Trace:
    """One input's journey through the model. Steps are encoder steps first, then decoder steps.

    ``h``, ``c`` and each ``gates[name]`` are ``(steps, hidden)``; ``probs`` is ``(decoder steps, vocabulary)``;
    ``labels`` names each step (the source character read, or the token the decoder emitted).
    """

    cell: str
    text: str
    answer: str
    labels: list
    n_encoder: int
    h: np.ndarray
    c: np.ndarray | None
    gates: dict
    probs: np.ndarray
    vocabulary: list

    @property
    def steps(self) -> int:
        return len(self.labels)

    def phase(self, step: int) -> str:
        return "encoder" if step < self.n_encoder else "decoder"

    def top_k(self, step: int, k: int = 5) -> list:
        """The decoder's ``k`` most probable tokens at ``step`` as ``(token, probability)``; [] for encoder steps."""
        if step < self.n_encoder:
            return []
        p = self.probs[step - self.n_encoder]
        order = np.argsort(-p, kind="stable")[:k]
        return [(self.vocabulary[i], float(p[i])) for i in order]


def _softmax(logits):
    e = np.exp(logits - logits.max())
    return e / e.sum()


def _step(cell, x, state, w, side, reset_after):
    """One step of ``side`` ('encoder' or 'decoder') on embedded input ``x (1, E)``: (state, h, c, gates)."""
    W_ih, W_hh = w[f"{side}.rnn.W_ih"], w[f"{side}.rnn.W_hh"]
    b_ih, b_hh = w[f"{side}.rnn.b_ih"], w[f"{side}.rnn.b_hh"]
    xw = x @ W_ih.T + b_ih
    if cell == "lstm":
        h, c, (_, _, i, f, g, o, _) = F.lstm_step(xw, state[0], state[1], W_hh, b_hh)
        return (h, c), h, c, {"i": i, "f": f, "g": g, "o": o}
    h, (_, r, z, n, _) = F.gru_step(xw, state, W_hh, b_hh, reset_after)
    return h, h, None, {"r": r, "z": z, "n": n}


def trace(model, task, text: str, max_len: int | None = None) -> Trace:
    """Run ``model`` on one human-readable input and keep every intermediate value (see :class:`Trace`).

    An input with characters outside the task's vocabulary raises the task's ValueError, which names them.
    """
    config = model.config
    w = {k: np.asarray(v, dtype=np.float64) for k, v in model.numpy_weights().items()}
    src, _ = task.encode_sources([text])
    H, cell = config.hidden_size, config.cell
    state = (np.zeros((1, H)), np.zeros((1, H))) if cell == "lstm" else np.zeros((1, H))
    hs, cs, gates, labels = [], [], {name: [] for name in GATE_NAMES[cell]}, []
    model_source = task.prepare(text)

    def record(h, c, step_gates, label):
        hs.append(h[0])
        cs.append(None if c is None else c[0])
        for name, value in step_gates.items():
            gates[name].append(value[0])
        labels.append(label)

    for position, token in enumerate(src[0]):
        state, h, c, step_gates = _step(cell, w["encoder.embedding"][[token]], state, w, "encoder", config.reset_after)
        record(h, c, step_gates, model_source[position])
    n_encoder = len(labels)

    if config.init_state == "zeros":
        state = (np.zeros((1, H)), np.zeros((1, H))) if cell == "lstm" else np.zeros((1, H))
    elif config.init_state == "learned":
        state = (w["h0"][None], w["c0"][None]) if cell == "lstm" else w["h0"][None]

    vocabulary = list(task.target_vocab.tokens)
    token, probs, emitted = config.bos, [], []
    for _ in range(config.max_len if max_len is None else max_len):
        x = w["decoder.embedding"][[token]]
        state, h, c, step_gates = _step(cell, x, state, w, "decoder", config.reset_after)
        p = _softmax((h @ w["decoder.W_out"].T + w["decoder.b_out"])[0])
        token = int(p.argmax())
        probs.append(p)
        emitted.append(token)
        record(h, c, step_gates, vocabulary[token])
        if token == config.eos:
            break
    answer = task.present(task.target_vocab.decode(emitted))
    return Trace(
        cell=cell, text=text, answer=answer, labels=labels, n_encoder=n_encoder, h=np.array(hs),
        c=None if cell == "gru" else np.array(cs), gates={k: np.array(v) for k, v in gates.items()},
        probs=np.array(probs), vocabulary=vocabulary,
    )  # fmt: skip
