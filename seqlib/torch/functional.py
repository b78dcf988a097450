"""One time step of an LSTM and a GRU written with torch ops; autograd derives the backward.

The fused steps mirror seqlib.numpy.functional line for line: ``xw = x @ W_ih.T + b_ih`` arrives already
computed (a layer computes it for all time steps at once) and one matmul per step gives every gate's
recurrent share. The ``*_per_gate`` steps compute the same thing the way the equations are written, one
small matmul pair per gate; they exist to be read and timed against the fused ones.

Gate order inside the stacked weights is torch.nn's: LSTM (i, f, g, o), GRU (r, z, n).
"""

from __future__ import annotations

import torch


def lstm_gates(a_i, a_f, a_g, a_o, c_prev):
    """The LSTM equations, given each gate's pre-activation. Returns ``(h, c)``."""
    i = torch.sigmoid(a_i)  # input gate: how much of the candidate enters the cell
    f = torch.sigmoid(a_f)  # forget gate: how much of the old cell survives
    g = torch.tanh(a_g)  # candidate cell values
    o = torch.sigmoid(a_o)  # output gate: how much of the cell is shown as h
    c = f * c_prev + i * g
    h = o * torch.tanh(c)
    return h, c


def lstm_step(xw, h_prev, c_prev, W_hh, b_hh):
    """One LSTM step with one recurrent matmul for all four gates. Returns ``(h, c)``."""
    return lstm_gates(*(torch.addmm(xw, h_prev, W_hh.T) + b_hh).chunk(4, dim=1), c_prev)


def lstm_step_per_gate(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """The same step, gate by gate: ``a_k = x W_ik^T + b_ik + h W_hk^T + b_hk`` for k in i, f, g, o."""
    W_ii, W_if, W_ig, W_io = W_ih.chunk(4)
    W_hi, W_hf, W_hg, W_ho = W_hh.chunk(4)
    b_ii, b_if, b_ig, b_io = b_ih.chunk(4)
    b_hi, b_hf, b_hg, b_ho = b_hh.chunk(4)
    a_i = x @ W_ii.T + b_ii + h_prev @ W_hi.T + b_hi
    a_f = x @ W_if.T + b_if + h_prev @ W_hf.T + b_hf
    a_g = x @ W_ig.T + b_ig + h_prev @ W_hg.T + b_hg
    a_o = x @ W_io.T + b_io + h_prev @ W_ho.T + b_ho
    return lstm_gates(a_i, a_f, a_g, a_o, c_prev)


def gru_gates(x_r, x_z, x_n, h_r, h_z, h_prev, candidate_recurrent):
    """The GRU equations, given the input's share of each gate and the state's share of r and z.

    ``candidate_recurrent(r)`` is the state's share of the candidate: ``r * (h W_hn^T + b_hn)`` when the
    reset is applied after the matmul, ``(r * h) W_hn^T + b_hn`` when before. Returns ``h``.
    """
    r = torch.sigmoid(x_r + h_r)  # reset gate: how much of the old state the candidate may see
    z = torch.sigmoid(x_z + h_z)  # update gate: how much of the old state is kept
    n = torch.tanh(x_n + candidate_recurrent(r))  # candidate state
    return (1 - z) * n + z * h_prev


def gru_step(xw, h_prev, W_hh, b_hh, reset_after=True):
    """One GRU step with one recurrent matmul (two when the reset comes first). Returns ``h``."""
    H = h_prev.shape[1]
    x_r, x_z, x_n = xw.chunk(3, dim=1)
    if reset_after:
        h_r, h_z, h_n = torch.addmm(b_hh, h_prev, W_hh.T).chunk(3, dim=1)
        return gru_gates(x_r, x_z, x_n, h_r, h_z, h_prev, lambda r: r * h_n)
    h_r, h_z = torch.addmm(b_hh[: 2 * H], h_prev, W_hh[: 2 * H].T).chunk(2, dim=1)
    W_hn, b_hn = W_hh[2 * H :], b_hh[2 * H :]
    return gru_gates(x_r, x_z, x_n, h_r, h_z, h_prev, lambda r: (r * h_prev) @ W_hn.T + b_hn)


def gru_step_per_gate(x, h_prev, W_ih, W_hh, b_ih, b_hh, reset_after=True):
    """The same step, gate by gate, with the input's share of each gate computed from ``x`` here."""
    W_ir, W_iz, W_in = W_ih.chunk(3)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    x_r = x @ W_ir.T + b_ir
    x_z = x @ W_iz.T + b_iz
    x_n = x @ W_in.T + b_in
    h_r = h_prev @ W_hr.T + b_hr
    h_z = h_prev @ W_hz.T + b_hz
    if reset_after:
        return gru_gates(x_r, x_z, x_n, h_r, h_z, h_prev, lambda r: r * (h_prev @ W_hn.T + b_hn))
    return gru_gates(x_r, x_z, x_n, h_r, h_z, h_prev, lambda r: (r * h_prev) @ W_hn.T + b_hn)
