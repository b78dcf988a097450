"""What both backends' encoder-decoders share: their configuration, initial weights, parameter count, the
checks on token ids, and beam search (which only needs a step function returning log-probabilities).
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass

import numpy as np

from seqlib._checks import check_size
from seqlib._params import check_cell_name, count_params, init_params

INIT_STATES = ("encoder", "zeros", "learned")


@dataclass(frozen=True)
class Config:
    """Everything needed to rebuild an encoder-decoder (a checkpoint stores it next to the weights).

    ``init_state`` is how the decoder starts: ``"encoder"`` (the encoder's final state, handed over by the
    bridge: the pair (h, c) for an LSTM, h for a GRU), ``"zeros"`` or ``"learned"`` (a trained start state,
    the same for every input). The last two give the decoder no information about the source: they exist to
    measure that the hand-over is what carries it.

    ``forget_bias`` (LSTM only) starts the forget gates' total bias at that value, 1.0 by default as in Keras
    (``unit_forget_bias=True``) and Jozefowicz et al. (2015); ``None`` keeps torch.nn's initialisation.
    """

    src_vocab_size: int
    tgt_vocab_size: int
    cell: str = "lstm"
    embed_size: int = 32
    hidden_size: int = 128
    init_state: str = "encoder"
    reset_after: bool = True
    forget_bias: float | None = 1.0
    max_len: int = 32
    pad: int = 0
    bos: int = 1
    eos: int = 2

    def __post_init__(self):
        check_cell_name(self.cell)
        for name in ("src_vocab_size", "tgt_vocab_size", "embed_size", "hidden_size", "max_len"):
            check_size(name, getattr(self, name))
        if self.init_state not in INIT_STATES:
            raise ValueError(f"init_state must be one of {INIT_STATES}, got {self.init_state!r}.")
        if not isinstance(self.reset_after, (bool, np.bool_)):
            raise TypeError(f"reset_after must be True or False, got {self.reset_after!r}.")
        if max(self.pad, self.bos, self.eos) >= self.tgt_vocab_size:
            raise ValueError("pad, bos and eos must be ids inside the target vocabulary.")

    def to_dict(self) -> dict:
        return asdict(self)

    def replace(self, **changes) -> Config:
        return Config(**{**self.to_dict(), **changes})


def config_for_task(task, cell="lstm", hidden_size=128, embed_size=32, **kwargs) -> Config:
    """A Config sized for a seqlib.tasks Task: its vocabularies, its special ids, its longest target."""
    return Config(
        src_vocab_size=task.source_vocab.size,
        tgt_vocab_size=task.target_vocab.size,
        cell=cell,
        embed_size=embed_size,
        hidden_size=hidden_size,
        max_len=task.max_target_len,
        pad=task.target_vocab.pad,
        bos=task.target_vocab.bos,
        eos=task.target_vocab.eos,
        **kwargs,
    )


def init_weights(config: Config, seed) -> dict:
    """Every initial weight, drawn in a fixed order from one NumPy generator so both backends agree.

    Names: ``encoder.embedding (V_src, E)``, ``encoder.rnn.W_ih`` ..., ``decoder.embedding (V_tgt, E)``,
    ``decoder.rnn.*``, ``decoder.W_out (V_tgt, H)``, ``decoder.b_out (V_tgt,)`` and, for a learned start,
    ``h0`` (and ``c0`` for an LSTM) of shape (H,).
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    c, E, H = config, config.embed_size, config.hidden_size
    forget_bias = c.forget_bias if c.cell == "lstm" else None
    w = {"encoder.embedding": rng.normal(0.0, 1.0, (c.src_vocab_size, E))}
    for name, value in init_params(c.cell, E, H, dtype=np.float64, seed=rng, forget_bias=forget_bias).items():
        w[f"encoder.rnn.{name}"] = value
    w["decoder.embedding"] = rng.normal(0.0, 1.0, (c.tgt_vocab_size, E))
    for name, value in init_params(c.cell, E, H, dtype=np.float64, seed=rng, forget_bias=forget_bias).items():
        w[f"decoder.rnn.{name}"] = value
    k = 1 / np.sqrt(H)  # torch.nn.Linear's initialisation
    w["decoder.W_out"] = rng.uniform(-k, k, (c.tgt_vocab_size, H))
    w["decoder.b_out"] = rng.uniform(-k, k, c.tgt_vocab_size)
    if c.init_state == "learned":
        w["h0"] = np.zeros(H)
        if c.cell == "lstm":
            w["c0"] = np.zeros(H)
    return w


def model_params(config: Config) -> int:
    """Trainable parameters: two embeddings, two recurrent layers, the output projection, a learned start."""
    c, E, H = config, config.embed_size, config.hidden_size
    n = (c.src_vocab_size + c.tgt_vocab_size) * E + 2 * count_params(c.cell, E, H) + c.tgt_vocab_size * (H + 1)
    if c.init_state == "learned":
        n += H * (2 if c.cell == "lstm" else 1)
    return n


def params_matched_hidden_size(config: Config, cell: str) -> int:
    """The hidden size for ``cell`` whose whole-model parameter count is closest to ``config``'s.

    Ties go to the smaller size. A GRU has 3 gates to an LSTM's 4, so it gets more units for the same budget.
    """
    target = model_params(config)
    best = min(
        range(1, 4 * config.hidden_size + 1),
        key=lambda H: (abs(model_params(config.replace(cell=cell, hidden_size=H)) - target), H),
    )
    return best


def check_ids(name: str, ids, vocab_size: int) -> np.ndarray:
    """Token ids: a (batch, time) integer array with every id in [0, vocab_size)."""
    arr = np.asarray(ids)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must hold integer token ids, got dtype {arr.dtype}. Encode text with the task first "
            f"(task.encode_sources / task.encode_targets)."
        )
    if arr.ndim != 2:
        raise ValueError(f"{name} must be (batch, time) token ids, got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch; pass at least one sequence.")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has an empty time axis; every sequence needs at least one token.")
    bad = (arr < 0) | (arr >= vocab_size)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} holds id {int(arr[where])} at {where}, outside the vocabulary [0, {vocab_size}). Was it "
            f"encoded with another task's vocabulary, or are source and target ids swapped?"
        )
    return arr


def check_loss_inputs(logits_shape, dec_out, mask) -> tuple[np.ndarray, np.ndarray]:
    """Targets and mask for a masked loss: (batch, time) like the logits, ids in range, a bool mask with at
    least one real token. Returns them as NumPy arrays."""
    if len(logits_shape) != 3:
        raise ValueError(f"logits must be (batch, time, vocabulary), got shape {tuple(logits_shape)}.")
    B, T, V = logits_shape
    dec_out = check_ids("dec_out", dec_out, V)
    mask = np.asarray(mask)
    if dec_out.shape != (B, T) or mask.shape != (B, T):
        raise ValueError(
            f"dec_out and mask must be (batch, time) = {(B, T)} like the logits, got {dec_out.shape} and {mask.shape}."
        )
    if mask.dtype != bool:
        raise TypeError(
            f"mask must be a bool array (True on real tokens), got dtype {mask.dtype}; task.encode_targets "
            f"returns one, or use mask.astype(bool)."
        )
    if not mask.any():
        raise ValueError("mask marks no real token; a loss needs at least one (is the mask all False?).")
    return dec_out, mask


def check_ratio(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}.")
    return float(value)


def beam_search(step, state, select, batch: int, config: Config, beam_size: int, max_len: int) -> list[list[int]]:
    """Keep the ``beam_size`` most probable prefixes per input; return each input's best finished one.

    ``step(tokens, state) -> (log_probs (n, V) NumPy, state)`` runs the decoder one step for ``n`` rows;
    ``select(state, rows) -> state`` reorders a state's rows. ``state`` arrives with one row per input; the
    search widens it to ``batch * beam_size`` rows. A hypothesis ends at EOS; scores are summed log-probs,
    compared per length (Wu et al. 2016's length penalty is left out to keep the search readable).
    """
    check_size("beam_size", beam_size)
    K = beam_size
    state = select(state, np.repeat(np.arange(batch), K))
    tokens = np.full(batch * K, config.bos)
    scores = np.zeros((batch, K))
    scores[:, 1:] = -np.inf  # every beam starts as the same empty prefix: keep one copy
    prefixes = [[[] for _ in range(K)] for _ in range(batch)]
    finished = [[] for _ in range(batch)]  # (score, tokens)
    for _ in range(max_len):
        log_probs, state = step(tokens, state)
        V = log_probs.shape[1]
        total = (scores[:, :, None] + log_probs.reshape(batch, K, V)).reshape(batch, K * V)
        best = np.argsort(-total, axis=1, kind="stable")[:, :K]
        rows, new_tokens = [], []
        for b in range(batch):
            new_prefixes = []
            for j, flat in enumerate(best[b]):
                beam, token = divmod(int(flat), V)
                score = total[b, flat]
                prefix = prefixes[b][beam] + [token]
                if token == config.eos and np.isfinite(score):
                    finished[b].append((score, prefix))
                    score = -np.inf  # a finished hypothesis leaves the beam
                scores[b, j] = score
                new_prefixes.append(prefix)
                rows.append(b * K + beam)
                new_tokens.append(token)
            prefixes[b] = new_prefixes
        state = select(state, np.asarray(rows))
        tokens = np.asarray(new_tokens)
        done = [finished[b] and max(s for s, _ in finished[b]) >= scores[b].max() for b in range(batch)]
        if all(done):
            break
    out = []
    for b in range(batch):
        candidates = finished[b] or [(scores[b, j], prefixes[b][j]) for j in range(K)]
        out.append(max(candidates, key=lambda c: c[0])[1])
    return out
