"""Exercises of part 1 (notebooks 00-05): sigmoid, a gate, the LSTM and GRU steps, a backward, a torch step."""

from __future__ import annotations

import numpy as np

import seqlib.numpy as snp
from seqlib.exercises._framework import Exercise, _compare, _compare_arrays

# --- 00: sigmoid ---------------------------------------------------------------------------------------------


def _sigmoid_reference(a):
    """σ(a) = 1 / (1 + e^(-a)), written so that no value of a overflows: (1 + tanh(a/2)) / 2 is the same."""
    return 0.5 * np.tanh(0.5 * a) + 0.5


def _sigmoid_cases(rng):
    yield (rng.normal(size=(3, 4)) * 3,)
    yield (np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]),)


def _sigmoid_compare(got, want, args):
    with np.errstate(all="ignore"):
        return _compare_arrays(["σ(a)"], got, want)


sigmoid = Exercise(
    name="sigmoid",
    title="sigmoid",
    reference=_sigmoid_reference,
    cases=_sigmoid_cases,
    compare=_sigmoid_compare,
    hints=[
        "σ(a) = 1 / (1 + exp(-a)); it maps every real number into (0, 1) and σ(0) = 0.5.",
        "exp(-a) overflows for a below about -709: NumPy then warns and returns inf. 1 / (1 + inf) is still 0, but "
        "a formula that never overflows is better: σ(a) = (1 + tanh(a / 2)) / 2.",
    ],
    mistakes={
        "the sign of a is flipped: exp(+a) gives σ(-a)": lambda a: 0.5 * np.tanh(-0.5 * a) + 0.5,
        "tanh was used instead of σ: tanh maps into (-1, 1), a gate needs (0, 1)": lambda a: np.tanh(a),
    },
)


# --- 01: a gate --------------------------------------------------------------------------------------------


def _gate_reference(x, v, w, b):
    """A gate reads x and lets a fraction g = σ(w·x + b) of the value v through."""
    g = snp.sigmoid(x @ w + b)
    return g * v


def _gate_cases(rng):
    for _ in range(3):
        yield rng.normal(size=(5, 3)), rng.normal(size=(5, 1)), rng.normal(size=(3, 1)), rng.normal()


gate = Exercise(
    name="gate",
    title="a gate",
    reference=_gate_reference,
    cases=_gate_cases,
    compare=_compare(["the gated value"]),
    hints=[
        "First the gate's opening, one number in (0, 1) per row: g = σ(x @ w + b).",
        "Then what passes is the value scaled by the opening, elementwise: g * v.",
    ],
    mistakes={
        "the bias b was left out of the gate": lambda x, v, w, b: snp.sigmoid(x @ w) * v,
        "tanh was used for the gate: a gate must lie in (0, 1), tanh gives (-1, 1)": lambda x, v, w, b: (
            np.tanh(x @ w + b) * v
        ),
        "the gate's opening was returned instead of what passes through it": lambda x, v, w, b: (
            snp.sigmoid(x @ w + b) + 0 * v
        ),
    },
)


# --- 02: the LSTM step ---------------------------------------------------------------------------------------


def _lstm_reference(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step in torch.nn's layout: the stacked weights hold the gates in the order i, f, g, o."""
    a_i, a_f, a_g, a_o = np.split(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, 4, axis=1)
    i = snp.sigmoid(a_i)
    f = snp.sigmoid(a_f)
    g = np.tanh(a_g)
    o = snp.sigmoid(a_o)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c


def _lstm_variant(order="ifgo", g_act=np.tanh, squash_c=True, swap_if=False):
    def step(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
        blocks = dict(zip(order, np.split(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, 4, axis=1), strict=True))
        i, f = snp.sigmoid(blocks["i"]), snp.sigmoid(blocks["f"])
        if swap_if:
            i, f = f, i
        g, o = g_act(blocks["g"]), snp.sigmoid(blocks["o"])
        c = f * c_prev + i * g
        return o * (np.tanh(c) if squash_c else c), c

    return step


def _cell_cases(cell):
    G = {"lstm": 4, "gru": 3}[cell]

    def cases(rng):
        for B, I, H in [(2, 3, 4), (1, 5, 2), (4, 2, 3)]:
            state = [rng.normal(size=(B, H)) for _ in range(2 if cell == "lstm" else 1)]
            yield (rng.normal(size=(B, I)), *state, rng.normal(size=(G * H, I)), rng.normal(size=(G * H, H)),
                   rng.normal(size=G * H), rng.normal(size=G * H))  # fmt: skip

    return cases


lstm_step = Exercise(
    name="lstm_step",
    title="lstm_step",
    reference=_lstm_reference,
    cases=_cell_cases("lstm"),
    compare=_compare(["h", "c"]),
    hints=[
        "Compute all four pre-activations at once: a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, shape "
        "(batch, 4*hidden). np.split(a, 4, axis=1) cuts it into the gates' blocks.",
        "torch.nn's order of the blocks is i, f, g, o. i, f and o go through σ (they are gates); g through tanh "
        "(it is the candidate value).",
        "c = f * c_prev + i * g, then h = o * tanh(c). Return (h, c).",
    ],
    mistakes={
        "the gates were taken in CS231n's order i, f, o, g; torch.nn's is i, f, g, o": _lstm_variant(order="ifog"),
        "the input and forget gates are swapped (i multiplies c_prev)": _lstm_variant(swap_if=True),
        "the candidate g went through σ instead of tanh": _lstm_variant(g_act=snp.sigmoid),
        "h = o * c: the cell state needs a tanh before the output gate": _lstm_variant(squash_c=False),
    },
)


# --- 03: the GRU step ----------------------------------------------------------------------------------------


def _gru_reference(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step in torch.nn's layout (gates r, z, n), with the reset applied after the recurrent matmul."""
    x_r, x_z, x_n = np.split(x @ W_ih.T + b_ih, 3, axis=1)
    h_r, h_z, h_n = np.split(h_prev @ W_hh.T + b_hh, 3, axis=1)
    r = snp.sigmoid(x_r + h_r)
    z = snp.sigmoid(x_z + h_z)
    n = np.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h_prev


def _gru_variant(order="rzn", swap_z=False, reset_before=False):
    def step(x, h_prev, W_ih, W_hh, b_ih, b_hh):
        H = h_prev.shape[1]
        xs = dict(zip(order, np.split(x @ W_ih.T + b_ih, 3, axis=1), strict=True))
        hs = dict(zip(order, np.split(h_prev @ W_hh.T + b_hh, 3, axis=1), strict=True))
        r, z = snp.sigmoid(xs["r"] + hs["r"]), snp.sigmoid(xs["z"] + hs["z"])
        if reset_before:
            W_hn, b_hn = W_hh[2 * H :], b_hh[2 * H :]
            n = np.tanh(xs["n"] + (r * h_prev) @ W_hn.T + b_hn)
        else:
            n = np.tanh(xs["n"] + r * hs["n"])
        return z * n + (1 - z) * h_prev if swap_z else (1 - z) * n + z * h_prev

    return step


gru_step = Exercise(
    name="gru_step",
    title="gru_step",
    reference=_gru_reference,
    cases=_cell_cases("gru"),
    compare=_compare(["h"]),
    hints=[
        "Keep the input's and the state's shares apart: x @ W_ih.T + b_ih and h_prev @ W_hh.T + b_hh, each cut "
        "into 3 blocks in torch.nn's order r, z, n.",
        "r and z are gates (σ of the two shares added). The candidate is n = tanh(x_n + r * h_n): the reset "
        "scales the state's share *after* its matmul (torch.nn's and Keras's default).",
        "The new state mixes old and new: h = (1 - z) * n + z * h_prev. z near 1 keeps the old state.",
    ],
    mistakes={
        "z and 1 - z are swapped: in torch.nn's convention z is how much of the OLD state is kept": _gru_variant(
            swap_z=True
        ),
        "the reset gate was applied before the recurrent matmul (Cho et al.'s and d2l's variant), but this "
        "exercise uses torch.nn's reset-after": _gru_variant(reset_before=True),
        "the gates were taken in Keras's order z, r, h; torch.nn's is r, z, n": _gru_variant(order="zrn"),
    },
)


# --- 04: backpropagating through the cell state --------------------------------------------------------------


def _cell_update_backward_reference(dc, f, c_prev, i, g):
    """Gradients of c = f * c_prev + i * g: each factor's gradient is dc times the other factor."""
    df = dc * c_prev
    dc_prev = dc * f
    di = dc * g
    dg = dc * i
    return df, dc_prev, di, dg


def _cell_update_cases(rng):
    for B, H in [(2, 3), (1, 1), (4, 2)]:
        yield tuple(rng.normal(size=(B, H)) for _ in range(5))


cell_update_backward = Exercise(
    name="cell_update_backward",
    title="cell_update_backward",
    reference=_cell_update_backward_reference,
    cases=_cell_update_cases,
    compare=_compare(["df", "dc_prev", "di", "dg"]),
    hints=[
        "c = f * c_prev + i * g is a sum of two products. The gradient of a product with respect to one factor "
        "is the upstream gradient times the other factor.",
        "So df = dc * c_prev and dc_prev = dc * f; di and dg follow the same rule. Return (df, dc_prev, di, dg).",
    ],
    mistakes={
        "dc_prev = dc: the path through the cell state is scaled by the forget gate f": lambda dc, f, c, i, g: (
            dc * c,
            dc,
            dc * g,
            dc * i,
        ),
        "di and dg are swapped": lambda dc, f, c, i, g: (dc * c, dc * f, dc * i, dc * g),
    },
)


# --- 05: a GRU step from torch operations -----------------------------------------------------------------


def _torch_gru_reference(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    """The GRU step of exercise 03 in torch operations, so that autograd can differentiate it."""
    import torch

    x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h_prev @ W_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h_prev


def _torch_cases(rng):
    import torch

    for args in _cell_cases("gru")(rng):
        yield tuple(torch.tensor(a, requires_grad=True) for a in args)


def _torch_compare(got, want, args):
    import torch

    if not isinstance(got, torch.Tensor):
        return f"return a torch tensor, got {type(got).__name__}."
    if not got.requires_grad:
        return (
            "the result carries no gradient: somewhere the computation left torch (NumPy, .item(), .detach()), so "
            "autograd cannot differentiate it. Use torch operations throughout."
        )
    problem = _compare_arrays(["h"], got, want.detach().numpy(), tol=1e-10)
    if problem:
        return problem
    grads = torch.autograd.grad(got.sum(), args, allow_unused=True)
    expected = torch.autograd.grad(want.sum(), args)
    names = ["x", "h_prev", "W_ih", "W_hh", "b_ih", "b_hh"]
    for name, g, e in zip(names, grads, expected, strict=True):
        if g is None or not torch.allclose(g, e, atol=1e-10):
            return f"h is right but the gradient with respect to {name} is not: is a value detached along the way?"
    return None


def _torch_gru_variant(swap_z=False, reset_before=False):
    def step(x, h_prev, W_ih, W_hh, b_ih, b_hh):
        import torch

        H = h_prev.shape[1]
        x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
        h_r, h_z, h_n = (h_prev @ W_hh.T + b_hh).chunk(3, dim=1)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        if reset_before:
            n = torch.tanh(x_n + (r * h_prev) @ W_hh[2 * H :].T + b_hh[2 * H :])
        else:
            n = torch.tanh(x_n + r * h_n)
        return z * n + (1 - z) * h_prev if swap_z else (1 - z) * n + z * h_prev

    return step


torch_gru_step = Exercise(
    name="torch_gru_step",
    title="torch_gru_step",
    reference=_torch_gru_reference,
    cases=_torch_cases,
    compare=_torch_compare,
    hints=[
        "Translate your NumPy gru_step line by line: np.split(a, 3, axis=1) becomes a.chunk(3, dim=1), "
        "snp.sigmoid becomes torch.sigmoid, np.tanh becomes torch.tanh.",
        "Do not convert to NumPy anywhere: autograd only sees torch operations. The inputs arrive with "
        "requires_grad=True; the result must keep it.",
    ],
    mistakes={
        "z and 1 - z are swapped: in torch.nn's convention z is how much of the OLD state is kept": _torch_gru_variant(
            swap_z=True
        ),
        "the reset gate was applied before the recurrent matmul; torch.nn applies it after": _torch_gru_variant(
            reset_before=True
        ),
    },
)
