"""LSTMCell and GRUCell: one time step as ``torch.nn.Module``s built from torch ops (no torch.nn.LSTM inside).

``cell(x, state=None)`` returns the new state: ``(h, c)`` for an LSTM, ``h`` for a GRU, each
``(batch, hidden)``. Parameters are ``nn.Parameter``s in torch.nn's layout, so autograd and any optimizer work.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from seqlib import _checks
from seqlib._interop import Interop
from seqlib._params import PARAM_NAMES, count_params, init_params, param_shapes
from seqlib.torch import functional as F

IMPLS = ("hoisted", "fused", "per_gate")


def _float_dtype(dtype):
    if not isinstance(dtype, torch.dtype):
        try:  # "float64", np.float64 and np.dtype("float64") name torch.float64
            dtype = torch.from_numpy(np.empty(0, np.dtype(dtype))).dtype
        except (TypeError, ValueError):
            pass
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch dtype such as torch.float32, got {dtype!r}.")
    return dtype


class Recurrent(nn.Module, Interop):
    """Parameters, state checks and conversions shared by the LSTM/GRU cells and layers."""

    CELL: str

    def __init__(
        self,
        input_size,
        hidden_size,
        *,
        dtype=torch.float32,
        device=None,
        seed=None,
        forget_bias=None,
        reset_after=True,
        impl="hoisted",
    ):
        super().__init__()
        dtype = _float_dtype(dtype)
        if impl not in IMPLS:
            raise ValueError(
                f"impl must be one of {IMPLS}, got {impl!r}. They compute the same numbers at different "
                f"speeds; leave the default 'hoisted' unless you are comparing them."
            )
        _checks.check_flag("reset_after", reset_after)
        # Drawn by NumPy so that seqlib.numpy and seqlib.torch start from the same weights for one seed.
        params = init_params(self.CELL, input_size, hidden_size, dtype=np.float64, seed=seed, forget_bias=forget_bias)
        self.input_size, self.hidden_size, self.impl = int(input_size), int(hidden_size), impl
        if self.CELL == "gru":
            self.reset_after = bool(reset_after)
        for name, value in params.items():
            setattr(self, name, nn.Parameter(torch.tensor(value, dtype=dtype, device=device)))

    def __setattr__(self, name, value):
        # Assigning a weight of the wrong shape or dtype would otherwise fail later inside a matmul.
        if name in PARAM_NAMES and "W_ih" in self._parameters:
            shape = param_shapes(self.CELL, self.input_size, self.hidden_size)[name]
            _checks.check_param(type(self).__name__, name, value, shape, self.dtype)
            if not isinstance(value, nn.Parameter):
                value = nn.Parameter(value.to(self.W_ih.device))
        super().__setattr__(name, value)

    def extra_repr(self):
        extra = f", reset_after={self.reset_after}" if self.CELL == "gru" else ""
        return f"{self.input_size}, {self.hidden_size}{extra}, impl={self.impl!r}, dtype={self.dtype}"

    @property
    def dtype(self):
        return self.W_ih.dtype

    @property
    def device(self):
        return self.W_ih.device

    @property
    def G(self) -> int:
        return 4 if self.CELL == "lstm" else 3

    def numpy_params(self) -> dict:
        return {name: getattr(self, name).detach().cpu().numpy().copy() for name in PARAM_NAMES}

    def num_params(self) -> int:
        return count_params(self.CELL, self.input_size, self.hidden_size)

    @classmethod
    def _from_params(cls, params, reset_after=True, **kwargs):
        W_ih = torch.from_numpy(np.ascontiguousarray(params["W_ih"]))
        H = W_ih.shape[0] // (4 if cls.CELL == "lstm" else 3)
        if cls.CELL == "gru":
            kwargs["reset_after"] = reset_after
        obj = cls(W_ih.shape[1], H, dtype=W_ih.dtype, **kwargs)
        with torch.no_grad():
            for name in PARAM_NAMES:
                getattr(obj, name).copy_(torch.from_numpy(np.ascontiguousarray(params[name])))
        return obj

    # -- state helpers -----------------------------------------------------------------------------
    def initial_state(self, batch: int):
        """Zeros: ``(h, c)`` for an LSTM, ``h`` for a GRU."""
        h = torch.zeros(batch, self.hidden_size, dtype=self.dtype, device=self.device)
        return (h, h.clone()) if self.CELL == "lstm" else h

    def _check_x(self, x, sequence):
        _checks.check_input(
            x, self.input_size, self.dtype, backend="torch", owner=type(self).__name__, sequence=sequence
        )
        if x.device != self.device:
            raise ValueError(
                f"{type(self).__name__} lives on {self.device} but the input is on {x.device}; "
                f"move one of them, e.g. x.to({str(self.device)!r})."
            )

    def _state(self, state, batch):
        if state is None:
            return self.initial_state(batch)
        _checks.check_state(
            state, self.CELL, batch, self.hidden_size, self.dtype, backend="torch", owner=type(self).__name__
        )
        return tuple(state) if self.CELL == "lstm" else state

    # -- one step ----------------------------------------------------------------------------------
    def _step(self, xw, state):
        """One step from the input's share of the gates (``x @ W_ih.T + b_ih``). Returns the new state."""
        if self.CELL == "lstm":
            return F.lstm_step(xw, state[0], state[1], self.W_hh, self.b_hh)
        return F.gru_step(xw, state, self.W_hh, self.b_hh, self.reset_after)

    def _step_per_gate(self, x, state):
        if self.CELL == "lstm":
            return F.lstm_step_per_gate(x, state[0], state[1], self.W_ih, self.W_hh, self.b_ih, self.b_hh)
        return F.gru_step_per_gate(x, state, self.W_ih, self.W_hh, self.b_ih, self.b_hh, self.reset_after)


class _Cell(Recurrent):
    IS_CELL = True

    def forward(self, x, state=None):
        """One step on ``x (batch, input_size)``; returns the new state."""
        self._check_x(x, sequence=False)
        state = self._state(state, x.shape[0])
        if self.impl == "per_gate":
            return self._step_per_gate(x, state)
        return self._step(torch.addmm(self.b_ih, x, self.W_ih.T), state)


class LSTMCell(_Cell):
    """One LSTM step. ``LSTMCell(input_size, hidden_size, forget_bias=None, dtype=torch.float32, device=None,
    seed=None, impl="hoisted")``."""

    CELL = "lstm"

    def __init__(
        self,
        input_size,
        hidden_size,
        *,
        forget_bias=None,
        dtype=torch.float32,
        device=None,
        seed=None,
        impl="hoisted",
    ):
        super().__init__(
            input_size, hidden_size, dtype=dtype, device=device, seed=seed, forget_bias=forget_bias, impl=impl
        )


class GRUCell(_Cell):
    """One GRU step. ``GRUCell(input_size, hidden_size, reset_after=True, dtype=torch.float32, device=None,
    seed=None, impl="hoisted")``."""

    CELL = "gru"

    def __init__(
        self,
        input_size,
        hidden_size,
        *,
        reset_after=True,
        dtype=torch.float32,
        device=None,
        seed=None,
        impl="hoisted",
    ):
        super().__init__(
            input_size, hidden_size, dtype=dtype, device=device, seed=seed, reset_after=reset_after, impl=impl
        )
