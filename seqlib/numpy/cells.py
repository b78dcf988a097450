"""LSTMCell and GRUCell: one time step, forward and backward, in NumPy.

``cell.forward(x, state)`` returns ``(state, cache)``; ``cell.backward(dstate, cache)`` returns
``(dx, dstate_prev, grads)`` with ``grads`` a dict of gradients for W_ih, W_hh, b_ih and b_hh.
An LSTM state is the pair ``(h, c)``; a GRU state is one array ``h``; both are ``(batch, hidden)``.
"""

from __future__ import annotations

import numpy as np

from seqlib import _checks
from seqlib._interop import Interop
from seqlib._params import PARAM_NAMES, count_params, init_params, param_shapes
from seqlib.numpy import functional as F


def _float_dtype(dtype):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype must be a NumPy floating-point type such as np.float64 or np.float32, got {dtype!r}. "
            f"seqlib.numpy computes with NumPy dtypes; torch dtypes belong to seqlib.torch."
        ) from None
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"dtype must be a floating-point type such as np.float64 or np.float32, got {dt}.")
    return dt


class Recurrent(Interop):
    """Parameters, state checks and conversions shared by the LSTM/GRU cells and layers."""

    CELL: str

    def __init__(self, input_size, hidden_size, *, dtype=np.float64, seed=None, forget_bias=None, reset_after=True):
        dtype = _float_dtype(dtype)
        _checks.check_flag("reset_after", reset_after)
        params = init_params(self.CELL, input_size, hidden_size, dtype=dtype, seed=seed, forget_bias=forget_bias)
        object.__setattr__(self, "input_size", int(input_size))
        object.__setattr__(self, "hidden_size", int(hidden_size))
        object.__setattr__(self, "dtype", dtype)
        if self.CELL == "gru":
            object.__setattr__(self, "reset_after", bool(reset_after))
        for name, value in params.items():
            setattr(self, name, value)

    def __setattr__(self, name, value):
        # Assigning a weight of the wrong shape or dtype would otherwise fail later as a broadcasting error.
        if name in PARAM_NAMES:
            shape = param_shapes(self.CELL, self.input_size, self.hidden_size)[name]
            _checks.check_param(type(self).__name__, name, value, shape, self.dtype)
        object.__setattr__(self, name, value)

    def __repr__(self):
        extra = f", reset_after={self.reset_after}" if self.CELL == "gru" else ""
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}{extra}, dtype={self.dtype.name})"

    @property
    def G(self) -> int:
        return 4 if self.CELL == "lstm" else 3

    def parameters(self) -> dict:
        """The four arrays by name (the objects themselves: updating them in place trains the layer)."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    numpy_params = parameters

    def num_params(self) -> int:
        return count_params(self.CELL, self.input_size, self.hidden_size)

    def to_dtype(self, dtype):
        """A copy computing in ``dtype`` (e.g. np.float32)."""
        return self._from_params(
            {k: v.astype(dtype) for k, v in self.parameters().items()},
            reset_after=getattr(self, "reset_after", True),
        )

    @classmethod
    def _from_params(cls, params, reset_after=True):
        W_ih = params["W_ih"]
        H = W_ih.shape[0] // (4 if cls.CELL == "lstm" else 3)
        kwargs = {"reset_after": reset_after} if cls.CELL == "gru" else {}
        obj = cls(W_ih.shape[1], H, dtype=W_ih.dtype, **kwargs)
        for name in PARAM_NAMES:
            setattr(obj, name, np.array(params[name], dtype=W_ih.dtype))
        return obj

    # -- state helpers -----------------------------------------------------------------------------
    def initial_state(self, batch: int):
        """Zeros: ``(h, c)`` for an LSTM, ``h`` for a GRU."""
        h = np.zeros((batch, self.hidden_size), self.dtype)
        return (h, h.copy()) if self.CELL == "lstm" else h

    def _state(self, state, batch):
        if state is None:
            return self.initial_state(batch)
        _checks.check_state(
            state, self.CELL, batch, self.hidden_size, self.dtype, backend="numpy", owner=type(self).__name__
        )
        return tuple(state) if self.CELL == "lstm" else state

    def _check_dstate(self, dstate, batch):
        if dstate is None:
            return self.initial_state(batch)
        _checks.check_state(
            dstate,
            self.CELL,
            batch,
            self.hidden_size,
            self.dtype,
            backend="numpy",
            owner=f"{type(self).__name__}.backward: dstate",
        )
        return tuple(dstate) if self.CELL == "lstm" else dstate

    # -- one step, written for both cells ------------------------------------------------------------
    def _step(self, xw, state):
        """Returns ``(state, h, cache)``."""
        if self.CELL == "lstm":
            h, c, cache = F.lstm_step(xw, state[0], state[1], self.W_hh, self.b_hh)
            return (h, c), h, cache
        h, cache = F.gru_step(xw, state, self.W_hh, self.b_hh, self.reset_after)
        return h, h, cache

    def _step_backward(self, dstate, cache):
        """Returns ``(dxw, dstate_prev, dW_hh, db_hh)``."""
        if self.CELL == "lstm":
            return F.lstm_step_backward(dstate[0], dstate[1], cache, self.W_hh)
        return F.gru_step_backward(dstate, cache, self.W_hh, self.reset_after)

    def _grads(self, dxw2d, x2d, dW_hh, db_hh):
        """Gradients of the input-side parameters from the (rows, G*H) pre-activation gradients."""
        return {"W_ih": dxw2d.T @ x2d, "W_hh": dW_hh, "b_ih": dxw2d.sum(axis=0), "b_hh": db_hh}


def _add_dh(cell, dstate, dh):
    """Add a gradient reaching h from outside (an output) to the state gradient."""
    if cell == "lstm":
        return (dstate[0] + dh, dstate[1])
    return dstate + dh


def _map_state(cell, fn, *states):
    """Apply ``fn`` to h (and c) of one or more states: ``(h, c)`` for an LSTM, ``h`` for a GRU."""
    if cell == "lstm":
        return tuple(fn(*parts) for parts in zip(*states, strict=True))
    return fn(*states)


def _select_state(cell, keep, new, old):
    """``new`` on the rows where ``keep`` (batch, 1) is True, ``old`` elsewhere."""
    return _map_state(cell, lambda n, o: np.where(keep, n, o), new, old)


def _scale_state(cell, state, factor):
    return _map_state(cell, lambda s: s * factor, state)


class _Cell(Recurrent):
    IS_CELL = True

    def __call__(self, x, state=None):
        """One step: returns the new state (no cache)."""
        return self.forward(x, state)[0]

    def forward(self, x, state=None):
        """One step on ``x (batch, input_size)``. Returns ``(state, cache)``."""
        _checks.check_input(x, self.input_size, self.dtype, backend="numpy", owner=type(self).__name__, sequence=False)
        state = self._state(state, x.shape[0])
        new_state, _, cache = self._step(x @ self.W_ih.T + self.b_ih, state)
        return new_state, (x, cache)

    def backward(self, dstate, cache):
        """Gradients of one step. Returns ``(dx, dstate_prev, grads)``."""
        x, step_cache = cache
        dstate = self._check_dstate(dstate, x.shape[0])
        dxw, dstate_prev, dW_hh, db_hh = self._step_backward(dstate, step_cache)
        return dxw @ self.W_ih, dstate_prev, self._grads(dxw, x, dW_hh, db_hh)


class LSTMCell(_Cell):
    """One LSTM step. ``LSTMCell(input_size, hidden_size, forget_bias=None, dtype=np.float64, seed=None)``."""

    CELL = "lstm"

    def __init__(self, input_size, hidden_size, *, forget_bias=None, dtype=np.float64, seed=None):
        super().__init__(input_size, hidden_size, dtype=dtype, seed=seed, forget_bias=forget_bias)


class GRUCell(_Cell):
    """One GRU step. ``GRUCell(input_size, hidden_size, reset_after=True, dtype=np.float64, seed=None)``."""

    CELL = "gru"

    def __init__(self, input_size, hidden_size, *, reset_after=True, dtype=np.float64, seed=None):
        super().__init__(input_size, hidden_size, dtype=dtype, seed=seed, reset_after=reset_after)
