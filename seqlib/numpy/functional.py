"""One time step of an LSTM and a GRU in NumPy, forward and backward by hand.

The symbols match the notebooks' equations. Each step receives ``xw = x @ W_ih.T + b_ih``, the input's
contribution to every gate, already computed: a sequence layer computes it for all time steps in one matmul
(it does not depend on the previous state) and only the recurrent matmul stays inside the time loop.

Gate order inside the stacked weights is torch.nn's: LSTM (i, f, g, o), GRU (r, z, n).
Every ``*_backward`` returns ``dxw`` (the gradient of the input-side pre-activations; the caller turns it
into gradients for x, W_ih and b_ih), the gradient of the previous state, ``dW_hh`` and ``db_hh``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(-a)), computed as the identical (1 + tanh(a/2)) / 2.

    e^(-a) overflows for a < -88 (float32) or -709 (float64) and warns; tanh saturates to ±1 instead, so
    σ(±1000) is exactly 1 or 0 with no warning, and it is one fast vectorised call.
    """
    return 0.5 * np.tanh(0.5 * a) + 0.5


def lstm_step(xw, h_prev, c_prev, W_hh, b_hh):
    """One LSTM step. Returns ``(h, c, cache)``."""
    a = h_prev @ W_hh.T
    a += xw  # in place: a new array per addition would cost more than the small matmul
    a += b_hh
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    i = sigmoid(a_i)  # input gate: how much of the candidate enters the cell
    f = sigmoid(a_f)  # forget gate: how much of the old cell survives
    g = np.tanh(a_g)  # candidate cell values
    o = sigmoid(a_o)  # output gate: how much of the cell is shown as h
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, (h_prev, c_prev, i, f, g, o, tanh_c)


def lstm_step_backward(dh, dc, cache, W_hh):
    """Gradients of one LSTM step: ``(dxw, (dh_prev, dc_prev), dW_hh, db_hh)``."""
    h_prev, c_prev, i, f, g, o, tanh_c = cache
    do = dh * tanh_c
    dc = dc + dh * o * (1 - tanh_c**2)  # c reaches the loss directly (next step) and through h
    da = np.concatenate(
        [
            dc * g * i * (1 - i),  # through i
            dc * c_prev * f * (1 - f),  # through f
            dc * i * (1 - g**2),  # through g
            do * o * (1 - o),  # through o
        ],
        axis=1,
    )
    dh_prev = da @ W_hh
    dc_prev = dc * f
    return da, (dh_prev, dc_prev), da.T @ h_prev, da.sum(axis=0)


def gru_step(xw, h_prev, W_hh, b_hh, reset_after=True):
    """One GRU step. Returns ``(h, cache)``.

    ``reset_after=True`` (torch.nn, Keras default, cuDNN): the reset gate scales the recurrent
    contribution after its matmul, ``n = tanh(x_n + r * (h W_hn^T + b_hn))``.
    ``reset_after=False`` (Cho et al. 2014 v3, d2l): it scales the state before the matmul,
    ``n = tanh(x_n + (r * h) W_hn^T + b_hn)``.
    """
    H = h_prev.shape[1]
    x_r, x_z, x_n = np.split(xw, 3, axis=1)
    if reset_after:
        h_r, h_z, h_n = np.split(h_prev @ W_hh.T + b_hh, 3, axis=1)
    else:
        h_r, h_z = np.split(h_prev @ W_hh[: 2 * H].T + b_hh[: 2 * H], 2, axis=1)
    r = sigmoid(x_r + h_r)  # reset gate: how much of the old state the candidate may see
    z = sigmoid(x_z + h_z)  # update gate: how much of the old state is kept
    if reset_after:
        n = np.tanh(x_n + r * h_n)  # candidate state
        cache = (h_prev, r, z, n, h_n)
    else:
        rh = r * h_prev
        n = np.tanh(x_n + rh @ W_hh[2 * H :].T + b_hh[2 * H :])  # candidate state
        cache = (h_prev, r, z, n, rh)
    h = (1 - z) * n + z * h_prev
    return h, cache


def gru_step_backward(dh, cache, W_hh, reset_after=True):
    """Gradients of one GRU step: ``(dxw, dh_prev, dW_hh, db_hh)``."""
    h_prev, r, z, n, saved = cache
    H = h_prev.shape[1]
    dn = dh * (1 - z)
    dz = dh * (h_prev - n)
    dx_n = dn * (1 - n**2)
    if reset_after:
        h_n = saved
        da_r = dx_n * h_n * r * (1 - r)
        da_z = dz * z * (1 - z)
        dgh = np.concatenate([da_r, da_z, dx_n * r], axis=1)  # gradient of h W_hh^T + b_hh
        dh_prev = dh * z + dgh @ W_hh
        dW_hh = dgh.T @ h_prev
    else:
        rh = saved
        W_hn = W_hh[2 * H :]
        drh = dx_n @ W_hn
        da_r = drh * h_prev * r * (1 - r)
        da_z = dz * z * (1 - z)
        da_rz = np.concatenate([da_r, da_z], axis=1)
        dgh = np.concatenate([da_rz, dx_n], axis=1)  # gradient of the three recurrent pre-activations
        dh_prev = dh * z + drh * r + da_rz @ W_hh[: 2 * H]
        dW_hh = np.concatenate([da_rz.T @ h_prev, dx_n.T @ rh], axis=0)
    dxw = np.concatenate([da_r, da_z, dx_n], axis=1)
    return dxw, dh_prev, dW_hh, dgh.sum(axis=0)
