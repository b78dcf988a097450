"""Weight layouts and gate orders: torch.nn, Keras, CS231n and d2l to and from seqlib.

seqlib keeps torch.nn's layout (the *canonical* parameters). A canonical parameter dict holds NumPy arrays::

    W_ih (G*H, I)   W_hh (G*H, H)   b_ih (G*H,)   b_hh (G*H,)     G = 4 (LSTM) or 3 (GRU)

The table below (also printed by ``print(seqlib.convert.LAYOUTS)``) is the whole story:

================  ==============  ===========  ================================  ===================================
library           LSTM gates      GRU gates    weights                           biases
================  ==============  ===========  ================================  ===================================
seqlib, torch.nn  i, f, g, o      r, z, n      W_ih (G*H, I), W_hh (G*H, H)      b_ih (G*H,) + b_hh (G*H,)
Keras 3           i, f, c, o      z, r, h      kernel (I, G*H),                  LSTM & GRU(reset_after=False):
                                               recurrent_kernel (H, G*H)         bias (G*H,); GRU(reset_after=True):
                                                                                 bias (2, 3H) = [input; recurrent]
CS231n (assn. 3)  i, f, o, g      (none)       Wx (D, 4H), Wh (H, 4H)            b (4H,)
d2l               one triple per  one triple   W_x? (I, H), W_h? (H, H)          b_? (H,)
                  gate: i, f,     per gate:
                  o, c            z, r, h
================  ==============  ===========  ================================  ===================================

Keras's ``c`` and torch.nn's ``g`` are the same LSTM candidate; Keras's ``h`` and torch.nn's ``n`` the same
GRU candidate. torch.nn's GRU always resets after the recurrent matmul; d2l's GRU resets before it (seqlib's
``reset_after=False``); Keras does either. A single-bias layout holds ``b_ih + b_hh``, which is exact for
every gate except the reset-after GRU candidate, where ``b_hn`` sits inside ``r * (...)``.
"""

from __future__ import annotations

import os

import numpy as np

from seqlib._params import GATES, PARAM_NAMES

LAYOUTS = __doc__[__doc__.index("====") : __doc__.index("Keras's ``c``")].rstrip()

# Gate order of each library, written with seqlib's letters (Keras's c is g, Keras's h is n).
ORDER = {
    "lstm": {"seqlib": "ifgo", "torch": "ifgo", "keras": "ifgo", "cs231n": "ifog", "d2l": "ifog"},
    "gru": {"seqlib": "rzn", "torch": "rzn", "keras": "zrn", "d2l": "zrn"},
}


def reorder_gates(a, src: str, dst: str, axis: int = 0):
    """Reorder the gate blocks of ``a`` along ``axis`` from the order ``src`` to ``dst`` (e.g. 'ifog' -> 'ifgo')."""
    blocks = dict(zip(src, np.split(np.asarray(a), len(src), axis=axis), strict=True))
    return np.concatenate([blocks[g] for g in dst], axis=axis)


def _cell_of_gates(n_gates: int) -> str:
    return {4: "lstm", 3: "gru"}.get(n_gates, f"a {n_gates}-gate cell")


def _expect_cell(cell: str, found: str, source: str) -> None:
    if cell != found:
        want, got = cell.upper(), found.upper()
        article = "an" if cell == "lstm" else "a"
        raise TypeError(
            f"expected {want} weights but {source} holds {got} weights ({GATES.get(found, '?')} gate blocks, "
            f"{article} {want} has {GATES[cell]}). Use seqlib's {got} class for them: the two cells have "
            f"different gates, so one's weights cannot fill the other."
        )


def _hidden_and_gates(W_hh) -> tuple[int, int]:
    H = W_hh.shape[1]
    return H, W_hh.shape[0] // H


# --- torch.nn ---------------------------------------------------------------------------------------


def torch_to_params(module, cell: str | None = None) -> tuple[str, dict, dict]:
    """Read a single-layer ``torch.nn.LSTM``/``GRU`` (either ``batch_first``) or ``LSTMCell``/``GRUCell``.

    Returns ``(cell, params, options)``; arrays keep the module's dtype. Multi-layer, bidirectional and
    projected LSTMs are refused: seqlib's layers are one layer, one direction.
    """
    import torch

    kinds = {
        torch.nn.LSTM: "lstm",
        torch.nn.LSTMCell: "lstm",
        torch.nn.GRU: "gru",
        torch.nn.GRUCell: "gru",
    }
    found = next((k for t, k in kinds.items() if type(module) is t), None)
    if found is None:
        raise TypeError(
            f"expected a torch.nn.LSTM, GRU, LSTMCell or GRUCell, got {type(module).__name__}. For a model "
            f"that contains one, pass the layer itself (e.g. model.encoder.rnn)."
        )
    if cell is not None:
        _expect_cell(cell, found, f"torch.nn.{type(module).__name__}")
    is_cell = isinstance(module, (torch.nn.LSTMCell, torch.nn.GRUCell))
    if not is_cell:
        if module.num_layers != 1:
            raise ValueError(
                f"seqlib layers are single-layer; got torch.nn.{type(module).__name__} with "
                f"num_layers={module.num_layers}. Stack seqlib layers instead, converting one layer at a time."
            )
        if module.bidirectional:
            raise ValueError(
                f"seqlib layers run one direction; got a bidirectional torch.nn.{type(module).__name__}. "
                f"Convert each direction into its own layer and reverse the input for the backward one."
            )
        if getattr(module, "proj_size", 0):
            raise ValueError(
                f"torch.nn.LSTM with proj_size={module.proj_size} has no seqlib equivalent: seqlib's h has "
                f"hidden_size units. Use a torch.nn.LSTM with proj_size=0 (the default)."
            )
    suffix = "" if is_cell else "_l0"
    params = {}
    for name, torch_name in zip(PARAM_NAMES, ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), strict=True):
        p = getattr(module, torch_name + suffix, None)
        if p is None:  # bias=False
            p = torch.zeros_like(getattr(module, "weight_ih" + suffix)[:, 0])
        params[name] = p.detach().cpu().numpy().copy()
    return found, params, {"batch_first": getattr(module, "batch_first", True), "reset_after": True}


def params_to_torch(cell: str, params: dict, *, reset_after: bool = True, batch_first: bool = True, as_cell=False):
    """Build a ``torch.nn.LSTM``/``GRU`` (or ``LSTMCell``/``GRUCell``) holding ``params``."""
    import torch

    if cell == "gru" and not reset_after:
        raise ValueError(
            "torch.nn.GRU always applies the reset gate after the recurrent matmul (reset_after=True); "
            "a reset_after=False GRU has no torch.nn equivalent. Keras's GRU(reset_after=False) does: "
            "use .to_keras()."
        )
    W_ih = torch.from_numpy(np.ascontiguousarray(params["W_ih"]))
    H, I = W_ih.shape[0] // GATES[cell], W_ih.shape[1]
    if as_cell:
        module = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell](I, H, dtype=W_ih.dtype)
        suffix = ""
    else:
        module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](I, H, batch_first=batch_first, dtype=W_ih.dtype)
        suffix = "_l0"
    with torch.no_grad():
        for name, torch_name in zip(PARAM_NAMES, ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), strict=True):
            getattr(module, torch_name + suffix).copy_(torch.from_numpy(np.ascontiguousarray(params[name])))
    return module


# --- Keras 3 ------------------------------------------------------------------------------------------


def _import_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    return keras


def keras_to_params(layer_or_weights, cell: str | None = None) -> tuple[str, dict, dict]:
    """Read a built Keras 3 ``LSTM``/``GRU`` layer, or its ``get_weights()`` list.

    Returns ``(cell, params, options)`` with ``options["reset_after"]`` for a GRU. A layer whose activations
    are not tanh/sigmoid, or that runs backwards, is refused: seqlib would silently compute something else.
    So is a GRU weight list without a bias: the GRU variant shows only in the bias's shape, (2, 3H) when
    ``reset_after``; pass the layer instead, which knows.
    """
    layer_reset_after = None  # a layer knows its GRU variant; a weight list shows it only in the bias's shape
    if isinstance(layer_or_weights, (list, tuple)):
        weights, source = list(layer_or_weights), "the Keras weight list"
    else:
        layer = layer_or_weights
        name = type(layer).__name__
        if name not in ("LSTM", "GRU") or not hasattr(layer, "get_weights"):
            raise TypeError(f"expected a Keras LSTM or GRU layer (or its get_weights() list), got {name}.")
        found = name.lower()
        if cell is not None:
            _expect_cell(cell, found, f"the Keras {name} layer")
        if not layer.built:
            raise ValueError(
                f"the Keras {name} layer has no weights yet: call it on an input, or "
                f"layer.build((None, None, input_size)), before converting."
            )
        acts = (layer.activation.__name__, layer.recurrent_activation.__name__)
        if acts != ("tanh", "sigmoid"):
            raise ValueError(
                f"seqlib's cells use activation='tanh' and recurrent_activation='sigmoid'; this Keras {name} "
                f"uses activation={acts[0]!r}, recurrent_activation={acts[1]!r}. Build the Keras layer with the "
                f"defaults to convert it."
            )
        if layer.go_backwards:
            raise ValueError(f"the Keras {name} has go_backwards=True; reverse the input's time axis instead.")
        weights, source = layer.get_weights(), f"the Keras {name} layer"
        layer_reset_after = getattr(layer, "reset_after", None)
    if len(weights) not in (2, 3):
        raise ValueError(
            f"a Keras LSTM/GRU weight list is [kernel, recurrent_kernel, bias] (or 2 arrays without bias), "
            f"got {len(weights)} array(s)."
        )
    kernel, recurrent = np.asarray(weights[0]), np.asarray(weights[1])
    H = recurrent.shape[0]
    G = recurrent.shape[1] // H if H else 0
    if recurrent.ndim != 2 or recurrent.shape[1] != G * H or G not in (3, 4) or kernel.shape[1] != G * H:
        raise ValueError(
            f"{source} does not look like LSTM or GRU weights: kernel {kernel.shape}, recurrent_kernel "
            f"{recurrent.shape} (expected (I, G*H) and (H, G*H) with G = 4 for LSTM, 3 for GRU)."
        )
    found = _cell_of_gates(G)
    if cell is not None:
        _expect_cell(cell, found, source)
    dtype = kernel.dtype
    bias = np.asarray(weights[2]) if len(weights) == 3 else np.zeros(G * H, dtype)
    if bias.ndim == 2 and found == "lstm":
        raise ValueError(f"{source}: an LSTM bias is (4H,), got {bias.shape}.")
    # Only the bias's shape tells the two GRU variants apart in a weight list. Without a bias (use_bias=False)
    # they still compute different things, so the variant must come from the layer, never be guessed.
    if found == "gru" and len(weights) == 2:
        if layer_reset_after is None:
            raise ValueError(
                f"{source} has no bias, so it does not say whether the GRU resets after the recurrent matmul "
                f"(reset_after=True, Keras's default) or before it; the two compute different outputs. "
                f"Pass the Keras GRU layer itself instead of its get_weights() list."
            )
        reset_after = bool(layer_reset_after)
    else:
        reset_after = bias.ndim == 2
    b_ih, b_hh = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    src = ORDER[found]["keras"]
    dst = ORDER[found]["seqlib"]
    params = {
        "W_ih": reorder_gates(kernel, src, dst, axis=1).T.copy(),
        "W_hh": reorder_gates(recurrent, src, dst, axis=1).T.copy(),
        "b_ih": reorder_gates(b_ih, src, dst),
        "b_hh": reorder_gates(b_hh, src, dst),
    }
    return found, params, {"reset_after": reset_after if found == "gru" else True}


def params_to_keras_weights(cell: str, params: dict, *, reset_after: bool = True) -> list:
    """The ``[kernel, recurrent_kernel, bias]`` list a Keras 3 layer's ``set_weights`` takes."""
    src, dst = ORDER[cell]["seqlib"], ORDER[cell]["keras"]
    kernel = reorder_gates(params["W_ih"].T, src, dst, axis=1)
    recurrent = reorder_gates(params["W_hh"].T, src, dst, axis=1)
    b_ih, b_hh = reorder_gates(params["b_ih"], src, dst), reorder_gates(params["b_hh"], src, dst)
    if cell == "gru" and reset_after:
        bias = np.stack([b_ih, b_hh])
    else:
        bias = b_ih + b_hh  # exact: every bias sits outside the gates' products here
    return [kernel, recurrent, bias]


def params_to_keras(cell: str, params: dict, *, reset_after: bool = True, **layer_kwargs):
    """Build a Keras 3 ``LSTM``/``GRU`` (``return_sequences`` and ``return_state`` on) holding ``params``."""
    keras = _import_keras()
    W_ih = params["W_ih"]
    H, I = W_ih.shape[0] // GATES[cell], W_ih.shape[1]
    kwargs = {"return_sequences": True, "return_state": True, "dtype": str(W_ih.dtype), **layer_kwargs}
    if cell == "gru":
        layer = keras.layers.GRU(H, reset_after=reset_after, **kwargs)
    else:
        layer = keras.layers.LSTM(H, **kwargs)
    layer.build((None, None, I))
    layer.set_weights(params_to_keras_weights(cell, params, reset_after=reset_after))
    return layer


# --- CS231n assignment 3 (LSTM only) -----------------------------------------------------------------


def cs231n_to_params(Wx, Wh, b) -> dict:
    """CS231n's ``lstm_step_forward`` weights ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)``, gates i, f, o, g."""
    Wx, Wh, b = np.asarray(Wx), np.asarray(Wh), np.asarray(b)
    H = Wh.shape[0] if Wh.ndim == 2 else 0
    if H == 0 or Wx.ndim != 2 or Wh.shape != (H, 4 * H) or Wx.shape[1] != 4 * H or b.shape != (4 * H,):
        raise ValueError(
            f"CS231n LSTM weights are Wx (D, 4H), Wh (H, 4H), b (4H,); got Wx {Wx.shape}, Wh {Wh.shape}, b {b.shape}."
        )
    src, dst = ORDER["lstm"]["cs231n"], ORDER["lstm"]["seqlib"]
    return {
        "W_ih": reorder_gates(Wx, src, dst, axis=1).T.copy(),
        "W_hh": reorder_gates(Wh, src, dst, axis=1).T.copy(),
        "b_ih": reorder_gates(b, src, dst),
        "b_hh": np.zeros_like(b),
    }


def params_to_cs231n(params: dict) -> tuple:
    """``(Wx, Wh, b)`` in CS231n's layout; ``b = b_ih + b_hh`` (CS231n has one bias)."""
    _expect_cell("lstm", _cell_of_gates(_hidden_and_gates(params["W_hh"])[1]), "these parameters")
    src, dst = ORDER["lstm"]["seqlib"], ORDER["lstm"]["cs231n"]
    return (
        reorder_gates(params["W_ih"].T, src, dst, axis=1),
        reorder_gates(params["W_hh"].T, src, dst, axis=1),
        reorder_gates(params["b_ih"] + params["b_hh"], src, dst),
    )


# --- d2l (Dive into Deep Learning, from-scratch chapters) ------------------------------------------

# d2l's names, per gate, in seqlib's letters. d2l computes X @ W_x? + H @ W_h? + b_?.
D2L_NAMES = {
    "lstm": {
        "i": ("W_xi", "W_hi", "b_i"),
        "f": ("W_xf", "W_hf", "b_f"),
        "g": ("W_xc", "W_hc", "b_c"),
        "o": ("W_xo", "W_ho", "b_o"),
    },
    "gru": {"r": ("W_xr", "W_hr", "b_r"), "z": ("W_xz", "W_hz", "b_z"), "n": ("W_xh", "W_hh", "b_h")},
}


def d2l_to_params(d2l: dict, cell: str) -> dict:
    """d2l's per-gate triples, as a dict by d2l's names (``{"W_xi": ..., "W_hi": ..., "b_i": ...}``).

    d2l's GRU resets the state before the recurrent matmul: build the seqlib GRU with ``reset_after=False``.
    """
    names = D2L_NAMES[cell]
    missing = [n for triple in names.values() for n in triple if n not in d2l]
    if missing:
        raise ValueError(f"a d2l {cell.upper()} needs the arrays {sorted(d2l_names(cell))}; missing {missing}.")
    order = ORDER[cell]["seqlib"]
    I, H = np.shape(d2l[names[order[0]][0]]) if np.ndim(d2l[names[order[0]][0]]) == 2 else (0, 0)
    expected = {"W_x": (I, H), "W_h": (H, H), "b": (H,)}
    for g in order:
        for kind, name in zip(expected, names[g], strict=True):
            if H == 0 or np.shape(d2l[name]) != expected[kind]:
                raise ValueError(
                    f"d2l's {cell.upper()} arrays are W_x? (inputs, hiddens), W_h? (hiddens, hiddens), b_? "
                    f"(hiddens,); got {name} of shape {np.shape(d2l[name])} (expected {expected[kind]})."
                )
    W_x = [np.asarray(d2l[names[g][0]]).T for g in order]
    W_h = [np.asarray(d2l[names[g][1]]).T for g in order]
    b = np.concatenate([np.asarray(d2l[names[g][2]]).reshape(-1) for g in order])
    return {"W_ih": np.concatenate(W_x), "W_hh": np.concatenate(W_h), "b_ih": b, "b_hh": np.zeros_like(b)}


def d2l_names(cell: str) -> list:
    return [n for triple in D2L_NAMES[cell].values() for n in triple]


def params_to_d2l(params: dict, cell: str, *, reset_after: bool = True) -> dict:
    """seqlib parameters as d2l's per-gate triples (biases summed: d2l has one per gate)."""
    if cell == "gru" and reset_after:
        raise ValueError(
            "d2l's GRU resets the state before the recurrent matmul; a reset_after=True GRU (torch.nn's) "
            "cannot be written in its layout. Use a GRU with reset_after=False."
        )
    order, names = ORDER[cell]["seqlib"], D2L_NAMES[cell]
    W_x = np.split(params["W_ih"], len(order))
    W_h = np.split(params["W_hh"], len(order))
    b = np.split(params["b_ih"] + params["b_hh"], len(order))
    out = {}
    for k, gate in enumerate(order):
        wx, wh, bb = names[gate]
        out[wx], out[wh], out[bb] = W_x[k].T.copy(), W_h[k].T.copy(), b[k].copy()
    return out


# --- whole encoder-decoders: the LSTM -> GRU conversion ------------------------------------------------


def _seq2seq_twin(model, cell: str, match: str, copy_weights: bool, seed):
    from seqlib._seq2seq import params_matched_hidden_size

    config = getattr(model, "config", None)
    other = "gru" if cell == "lstm" else "lstm"
    if config is None or not hasattr(model, "encoder") or not hasattr(model, "decoder"):
        raise TypeError(
            f"expected a seqlib Seq2Seq (seqlib.numpy or seqlib.torch), got {type(model).__name__}. For a single "
            f"layer, build the other cell's layer directly: its weights cannot be converted either."
        )
    if config.cell != other:
        raise ValueError(f"expected an {other.upper()} encoder-decoder, got a {config.cell.upper()} one.")
    if copy_weights:
        raise ValueError(
            f"learned {other.upper()} weights cannot become {cell.upper()} weights: the gates are different "
            f"functions ({'i, f, g, o' if other == 'lstm' else 'r, z, n'} vs "
            f"{'r, z, n' if cell == 'gru' else 'i, f, g, o'}), there is no cell state in a GRU, and no mapping "
            f"of one set of weights onto the other computes the same thing. Train the twin from scratch."
        )
    if match not in ("units", "params"):
        raise ValueError(f"match must be 'units' (same hidden size) or 'params' (same parameter count), got {match!r}.")
    hidden = config.hidden_size if match == "units" else params_matched_hidden_size(config, cell)
    twin = config.replace(cell=cell, hidden_size=hidden)
    weight = model.decoder.W_out
    kwargs = {"dtype": weight.dtype}
    if hasattr(model, "rnn_kind"):  # seqlib.torch: keep the recurrent implementation and the device too
        kwargs.update(rnn=model.rnn_kind, device=weight.device)
    return type(model)(twin, seed=seed, **kwargs)


def lstm_to_gru(model, match: str = "units", *, copy_weights: bool = False, seed=0):
    """The GRU twin of an LSTM encoder-decoder (either backend): a new, untrained model.

    The twin keeps the vocabularies, embedding size, start-state option and ``max_len``; what changes is the
    cell and the bridge (the decoder now starts from ``h`` alone instead of the pair ``(h, c)``).
    ``match="units"`` keeps the hidden size, as the usual advice says; ``match="params"`` picks the hidden size
    whose whole-model parameter count is closest to the LSTM's (a GRU layer has 3/4 of an LSTM's weights per
    unit, so it gets more units).

    Learned LSTM weights cannot become GRU weights: the two cells compute different functions of different
    gates, and a GRU has no cell state to hold what the LSTM kept in ``c``. Asking for it
    (``copy_weights=True``) raises; the twin is initialised from ``seed`` and must be trained.
    """
    return _seq2seq_twin(model, "gru", match, copy_weights, seed)


def gru_to_lstm(model, match: str = "units", *, copy_weights: bool = False, seed=0):
    """The LSTM twin of a GRU encoder-decoder; see :func:`lstm_to_gru` (the same rules, the other way)."""
    return _seq2seq_twin(model, "lstm", match, copy_weights, seed)
