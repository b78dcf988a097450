"""Parameter shapes and initialisation shared by both backends.

Both backends draw their initial weights here, from NumPy, so ``seqlib.numpy.LSTM(8, 16, seed=0)`` and
``seqlib.torch.LSTM(8, 16, seed=0)`` start from the same numbers and can be compared line by line.
"""

from __future__ import annotations

import numpy as np

from seqlib._checks import check_size

GATES = {"lstm": 4, "gru": 3}
PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh")


def param_shapes(cell: str, input_size: int, hidden_size: int) -> dict:
    """torch.nn's layout: ``W_ih (G*H, I)``, ``W_hh (G*H, H)``, ``b_ih (G*H,)``, ``b_hh (G*H,)``."""
    G = GATES[cell]
    return {
        "W_ih": (G * hidden_size, input_size),
        "W_hh": (G * hidden_size, hidden_size),
        "b_ih": (G * hidden_size,),
        "b_hh": (G * hidden_size,),
    }


def count_params(cell: str, input_size: int, hidden_size: int) -> int:
    """G * (H*I + H*H + 2H): 4 gates for an LSTM, 3 for a GRU, so a GRU has 3/4 of the parameters.

    This counts torch.nn's two bias vectors. Where the two are only ever added (every LSTM gate, and every gate of
    a reset-before GRU) one of them is redundant, which is why Keras, with one bias there, counts G*H fewer.
    """
    return sum(int(np.prod(s)) for s in param_shapes(cell, input_size, hidden_size).values())


def check_cell_name(cell) -> str:
    if cell not in GATES:
        raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}.")
    return cell


def init_params(cell: str, input_size: int, hidden_size: int, *, dtype, seed=None, forget_bias=None) -> dict:
    """torch.nn's initialisation: every weight and bias uniform in (-1/sqrt(H), 1/sqrt(H)).

    ``forget_bias`` (LSTM only), when given, sets the forget gate's total bias ``b_if + b_hf`` to that value
    (``b_if = forget_bias``, ``b_hf = 0``); Jozefowicz, Zaremba & Sutskever (2015) recommend 1.0 so that
    an untrained LSTM starts by remembering.
    """
    input_size = check_size("input_size", input_size)
    hidden_size = check_size("hidden_size", hidden_size)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    k = 1 / np.sqrt(hidden_size)
    params = {
        name: rng.uniform(-k, k, size=shape).astype(dtype)
        for name, shape in param_shapes(cell, input_size, hidden_size).items()
    }
    if forget_bias is not None:
        if cell != "lstm":
            raise ValueError("forget_bias applies to an LSTM's forget gate; a GRU has no forget gate.")
        f = slice(hidden_size, 2 * hidden_size)
        params["b_ih"][f] = forget_bias
        params["b_hh"][f] = 0
    return params
