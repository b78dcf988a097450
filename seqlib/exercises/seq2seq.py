"""Exercises of part 2 (notebooks 06-07): the greedy decoding loop, and the bridge between encoder and decoder."""

from __future__ import annotations

import numpy as np

from seqlib.exercises._framework import Exercise, _compare_arrays

# --- 06: greedy decoding -------------------------------------------------------------------------------------


def _greedy_reference(step, state, bos, eos, max_len):
    """Greedy decoding of one sequence: start from BOS, feed each prediction back in, stop after EOS."""
    tokens, token = [], bos
    for _ in range(max_len):
        logits, state = step(token, state)
        token = int(np.argmax(logits))
        tokens.append(token)
        if token == eos:
            break
    return tokens


def _toy_decoder(rng, vocab=7, hidden=5, eos_bias=0.0):
    """A small recurrent decoder with random weights: ``step(token, h) -> (logits (vocab,), new h)``.

    Its prediction depends on the token it is fed *and* on the state it carries, as a real decoder's does.
    """
    E = rng.normal(size=(vocab, hidden))
    W = rng.normal(size=(hidden, hidden)) * 0.9
    U = rng.normal(size=(vocab, hidden)) * 2.0
    b = rng.normal(size=vocab)
    b[2] += eos_bias

    def step(token, h):
        if isinstance(token, (bool, np.bool_)) or not isinstance(token, (int, np.integer)):
            raise TypeError(
                f"step takes one token id (an int), got {type(token).__name__}: feed it the argmax of the "
                f"logits, int(np.argmax(logits)), not the logits themselves."
            )
        if not 0 <= token < vocab:
            raise ValueError(f"step got token id {token}, outside the vocabulary [0, {vocab}).")
        h = np.tanh(W @ h + E[token])
        return U @ h + b, h

    return step


def _greedy_always_bos(step, state, bos, eos, max_len):
    tokens = []
    for _ in range(max_len):
        logits, state = step(bos, state)
        tokens.append(int(np.argmax(logits)))
        if tokens[-1] == eos:
            break
    return tokens


def _greedy_no_stop(step, state, bos, eos, max_len):
    tokens, token = [], bos
    for _ in range(max_len):
        logits, state = step(token, state)
        token = int(np.argmax(logits))
        tokens.append(token)
    return tokens


def _greedy_state_not_carried(step, state, bos, eos, max_len):
    tokens, token = [], bos
    for _ in range(max_len):
        logits, _ = step(token, state)
        token = int(np.argmax(logits))
        tokens.append(token)
        if token == eos:
            break
    return tokens


def _greedy_eos_dropped(step, state, bos, eos, max_len):
    tokens, token = [], bos
    for _ in range(max_len):
        logits, state = step(token, state)
        token = int(np.argmax(logits))
        if token == eos:
            break
        tokens.append(token)
    return tokens


_GREEDY_MISTAKES = {
    "the prediction is not fed back: every step reads BOS instead of the token just predicted": _greedy_always_bos,
    "decoding does not stop at EOS: it runs on to max_len": _greedy_no_stop,
    "the state is not carried: every step starts again from the encoder's state instead of the one the previous "
    "step returned": _greedy_state_not_carried,
    "EOS is left out of the result; this exercise keeps it, as model.greedy does": _greedy_eos_dropped,
}


def _greedy_cases(rng):
    bos, eos, max_len = 1, 2, 10
    # First a decoder on which the reference and every known mistake give different answers, so that a
    # mistake is recognised on the first input that fails; then an answer that never reaches EOS (the loop
    # must stop at max_len), and one that says EOS at once.
    while True:
        step, state = _toy_decoder(rng), rng.normal(size=5)
        answers = [f(step, state, bos, eos, max_len) for f in (_greedy_reference, *_GREEDY_MISTAKES.values())]
        if 3 <= len(answers[0]) < max_len and len({tuple(a) for a in answers}) == len(answers):
            yield step, state, bos, eos, max_len
            break
    while True:
        step, state = _toy_decoder(rng), rng.normal(size=5)
        if eos not in _greedy_reference(step, state, bos, eos, max_len):
            yield step, state, bos, eos, max_len
            break
    yield _toy_decoder(rng, eos_bias=100.0), rng.normal(size=5), bos, eos, max_len


def _tokens_compare(got, want, args):
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if not isinstance(got, (list, tuple)):
        return f"return a list of token ids, got {type(got).__name__}."
    try:
        got = [int(t) for t in got]
    except (TypeError, ValueError):
        return "every item of the list must be one token id (an int); convert with int(np.argmax(logits))."
    if got == want:
        return None
    if len(got) != len(want):
        return f"you returned {len(got)} token(s) where greedy decoding emits {len(want)}."
    first = next(k for k, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
    return f"the first {first} token(s) are right; token {first + 1} is not."


greedy_decode = Exercise(
    name="greedy_decode",
    title="greedy_decode",
    reference=_greedy_reference,
    cases=_greedy_cases,
    compare=_tokens_compare,
    hints=[
        "Start from token = bos and an empty list. One step is  logits, state = step(token, state):  it returns "
        "the scores of the next token and the decoder's new state.",
        "Greedy means the most probable token: token = int(np.argmax(logits)). Append it, and feed it back as "
        "the next step's input; keep the state that step returned.",
        "Stop right after appending EOS (keep EOS in the list, as model.greedy does), and never run more than "
        "max_len steps.",
    ],
    mistakes=_GREEDY_MISTAKES,
)


# --- 07: the bridge between an encoder and a decoder -------------------------------------------------------


def _bridge_reference(encoder_state, decoder_cell):
    """The decoder's first state, made from the encoder's last one.

    An LSTM encoder ends in the pair (h, c), a GRU encoder in h alone. An LSTM decoder starts from (h, c);
    a GRU decoder from h alone. A GRU encoder has no c to give, so an LSTM decoder's c starts at zeros.
    """
    if isinstance(encoder_state, tuple):  # an LSTM encoder
        h, c = encoder_state
    else:  # a GRU encoder
        h, c = encoder_state, np.zeros_like(encoder_state)
    if decoder_cell == "lstm":
        return h, c
    return h


def _bridge_variant(gru_gets="h", lstm_order="hc", gru_c="zeros"):
    def bridge(encoder_state, decoder_cell):
        if isinstance(encoder_state, tuple):
            h, c = encoder_state
            if decoder_cell == "gru":
                return {"h": h, "c": c, "pair": (h, c)}[gru_gets]
            return (h, c) if lstm_order == "hc" else (c, h)
        h = encoder_state
        if decoder_cell == "gru":
            return h
        return (h, np.zeros_like(h)) if gru_c == "zeros" else (h, h)

    return bridge


def _bridge_cases(rng):
    for B, H in [(2, 3), (1, 4)]:
        h, c = rng.normal(size=(B, H)), rng.normal(size=(B, H))
        yield (h, c), "lstm"
        yield (h, c), "gru"
        yield h, "lstm"
        yield h, "gru"


def _bridge_compare(got, want, args):
    if isinstance(got, list):
        got = tuple(got)
    if isinstance(want, tuple):
        if not isinstance(got, tuple):
            return "an LSTM decoder starts from a pair (h, c), but you returned a single array."
        return _compare_arrays(["h", "c"], got, want)
    if isinstance(got, tuple):
        return f"a GRU decoder starts from one array h, but you returned a {len(got)}-tuple."
    return _compare_arrays(["h"], got, want)


_BRIDGE_MISTAKES = {
    "the LSTM's cell state c went to the GRU decoder; a GRU's state corresponds to h": _bridge_variant(gru_gets="c"),
    "the whole (h, c) pair went to the GRU decoder, which takes h alone": _bridge_variant(gru_gets="pair"),
    "h and c are swapped: an LSTM's state is the pair (h, c), h first": _bridge_variant(lstm_order="ch"),
    "the GRU's h was copied into the LSTM decoder's c as well; with no cell state to hand over, c starts at zeros": (
        _bridge_variant(gru_c="copy")
    ),
}

bridge = Exercise(
    name="bridge",
    title="bridge",
    reference=_bridge_reference,
    cases=_bridge_cases,
    compare=_bridge_compare,
    hints=[
        "First find out which encoder you have: an LSTM's state is a tuple (h, c), a GRU's a single array h "
        "(isinstance(encoder_state, tuple) tells them apart).",
        "A GRU decoder's state is one array, the hidden state h: the part of an LSTM's state that is also its "
        "output. An LSTM decoder needs the pair (h, c), h first.",
        "A GRU encoder has no cell state to hand over: an LSTM decoder then starts its c at zeros, np.zeros_like(h).",
    ],
    mistakes=_BRIDGE_MISTAKES,
)
