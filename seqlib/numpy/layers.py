"""LSTM and GRU sequence layers in NumPy, with backpropagation through time by hand.

``layer(x, state=None)`` returns ``(outputs, state)`` for ``x (batch, time, input_size)``: outputs are
``(batch, time, hidden)``; the state is ``(h, c)`` for an LSTM and ``h`` for a GRU, each ``(batch, hidden)``.
``layer.forward`` also returns the cache that ``layer.backward`` needs.

``lengths`` (one integer per sequence) describes a right-padded batch: a sequence's state stops changing after
its last real step, so the final state is the one at its last real token, never at padding, and the outputs
at padding positions are zeros.
"""

from __future__ import annotations

import numpy as np

from seqlib import _checks
from seqlib.numpy.cells import Recurrent, _add_dh, _map_state, _scale_state, _select_state


class _Layer(Recurrent):
    def __call__(self, x, state=None, lengths=None):
        outputs, state, _ = self._run(x, state, lengths, keep_cache=False)
        return outputs, state

    def forward(self, x, state=None, lengths=None):
        """Run the whole sequence. Returns ``(outputs, state, cache)``."""
        return self._run(x, state, lengths, keep_cache=True)

    def _run(self, x, state, lengths, keep_cache):
        _checks.check_input(x, self.input_size, self.dtype, backend="numpy", owner=type(self).__name__)
        B, T, _ = x.shape
        state = self._state(state, B)
        active = None
        if lengths is not None:
            lengths = _checks.check_lengths(lengths, B, T, backend="numpy", owner=type(self).__name__)
            active = (np.arange(T)[:, None] < lengths)[:, :, None]  # (T, B, 1): a real token at step t
        # The input's share of every gate does not depend on the state: one matmul for all steps,
        # laid out time-major so that each step reads a contiguous block.
        x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))
        xw = x_tm.reshape(T * B, -1) @ self.W_ih.T
        xw += self.b_ih  # in place: a temporary of this size costs more than the matmul
        xw = xw.reshape(T, B, -1)
        outputs = np.empty((T, B, self.hidden_size), self.dtype)
        caches = []
        for t in range(T):
            new_state, h, cache = self._step(xw[t], state)
            if active is not None:  # finished sequences keep their state; their outputs are zeros
                new_state = _select_state(self.CELL, active[t], new_state, state)
                h = h * active[t]
            state, outputs[t] = new_state, h
            if keep_cache:  # kept only for a backward pass: holding every step's gates costs time too
                caches.append(cache)
        return outputs.transpose(1, 0, 2), state, (x_tm, caches, active)

    def backward(self, doutputs, dstate, cache):
        """Backpropagation through time.

        ``doutputs`` is the loss gradient for every output ``(batch, time, hidden)`` (or None when only the
        final state reaches the loss); ``dstate`` the gradient for the final state (or None). Returns
        ``(dx, dstate0, grads)``: gradients for the input, the initial state and every parameter.
        """
        x_tm, caches, active = cache
        T, B, _ = x_tm.shape
        if doutputs is not None:
            owner = f"{type(self).__name__}.backward"
            _checks.check_kind("doutputs", doutputs, self.dtype, backend="numpy", owner=owner)
            if tuple(doutputs.shape) != (B, T, self.hidden_size):
                raise ValueError(
                    f"{owner}: doutputs must have the outputs' shape {(B, T, self.hidden_size)}, "
                    f"got {tuple(doutputs.shape)}. Pass None when only the final state reaches the loss."
                )
            _checks.check_dtype("doutputs", doutputs, self.dtype, backend="numpy", owner=owner)
            _checks.check_finite("doutputs", doutputs, backend="numpy", owner=owner)
        dstate = self._check_dstate(dstate, B)
        dxw = np.empty((T, B, self.G * self.hidden_size), self.dtype)
        dW_hh = np.zeros_like(self.W_hh)
        db_hh = np.zeros_like(self.b_hh)
        for t in reversed(range(T)):
            if doutputs is not None:
                dout = doutputs[:, t] if active is None else doutputs[:, t] * active[t]
                dstate = _add_dh(self.CELL, dstate, dout)
            if active is None:
                dxw[t], dstate, dW, db = self._step_backward(dstate, caches[t])
            else:
                # Rows past their sequence's end skipped the step: their gradient goes straight to the
                # previous state, and only the active rows' gradient flows through the gates.
                through = _scale_state(self.CELL, dstate, active[t])
                dxw[t], dprev, dW, db = self._step_backward(through, caches[t])
                dstate = _map_state(self.CELL, np.add, dprev, _scale_state(self.CELL, dstate, ~active[t]))
            dW_hh += dW
            db_hh += db
        dxw2d = dxw.reshape(T * B, -1)
        dx = (dxw2d @ self.W_ih).reshape(T, B, -1).transpose(1, 0, 2)
        grads = self._grads(dxw2d, x_tm.reshape(T * B, -1), dW_hh, db_hh)
        return dx, dstate, grads


class LSTM(_Layer):
    """An LSTM over ``(batch, time, features)``.

    ``LSTM(input_size, hidden_size, forget_bias=None, dtype=np.float64, seed=None)``; ``forget_bias=1.0``
    starts the forget gate open (Jozefowicz et al. 2015).
    """

    CELL = "lstm"

    def __init__(self, input_size, hidden_size, *, forget_bias=None, dtype=np.float64, seed=None):
        super().__init__(input_size, hidden_size, dtype=dtype, seed=seed, forget_bias=forget_bias)


class GRU(_Layer):
    """A GRU over ``(batch, time, features)``.

    ``GRU(input_size, hidden_size, reset_after=True, dtype=np.float64, seed=None)``; ``reset_after=True``
    is torch.nn's and Keras's default, ``False`` is Cho et al.'s original and d2l's.
    """

    CELL = "gru"

    def __init__(self, input_size, hidden_size, *, reset_after=True, dtype=np.float64, seed=None):
        super().__init__(input_size, hidden_size, dtype=dtype, seed=seed, reset_after=reset_after)
