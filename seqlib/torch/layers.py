"""LSTM and GRU sequence layers as ``torch.nn.Module``s built from torch ops; autograd does the backward.

``layer(x, state=None)`` returns ``(outputs, state)`` for ``x (batch, time, input_size)``: outputs are
``(batch, time, hidden)``; the state is ``(h, c)`` for an LSTM and ``h`` for a GRU, each ``(batch, hidden)``.

``impl`` chooses how the matmuls are arranged (the numbers are the same, the speed is not):
``"hoisted"`` (default) computes the input's share of every gate for all time steps in one matmul before
the loop and one fused recurrent matmul per step; ``"fused"`` does both matmuls inside the loop;
``"per_gate"`` does a small matmul pair for each gate at each step, as the equations are written.

``lengths`` (one integer per sequence) describes a right-padded batch: a sequence's state stops changing after
its last real step, so the final state is the one at its last real token, never at padding, and the outputs
at padding positions are zeros.
"""

from __future__ import annotations

import torch

from seqlib import _checks
from seqlib.torch.cells import Recurrent


class _Layer(Recurrent):
    def forward(self, x, state=None, lengths=None):
        self._check_x(x, sequence=True)
        B, T = x.shape[0], x.shape[1]
        state = self._state(state, B)
        active = None
        if lengths is not None:
            lengths = _checks.check_lengths(lengths, B, T, backend="torch", owner=type(self).__name__)
            steps = torch.arange(T, device=x.device)[:, None]
            active = (steps < torch.as_tensor(lengths, device=x.device))[:, :, None]  # (T, B, 1)
        outputs = []
        # unbind, not x[:, t]: autograd then gathers the per-step gradients once, instead of writing each
        # step's gradient into a fresh zero tensor of the whole sequence's size (T times the memory traffic).
        if self.impl == "per_gate":
            for t, x_t in enumerate(x.unbind(1)):
                state = self._masked(self._step_per_gate(x_t, state), state, active, t, outputs)
        else:
            if self.impl == "hoisted":
                # The input's share of every gate does not depend on the state: one large matmul for all
                # steps, time-major so that each step reads a contiguous block.
                steps = torch.nn.functional.linear(x.transpose(0, 1), self.W_ih, self.b_ih).unbind(0)
            else:
                steps = (torch.addmm(self.b_ih, x_t, self.W_ih.T) for x_t in x.unbind(1))
            for t, xw_t in enumerate(steps):
                state = self._masked(self._step(xw_t, state), state, active, t, outputs)
        return torch.stack(outputs, dim=1), state

    def _masked(self, new, old, active, t, outputs):
        """Keep finished sequences' state (and give them zero outputs); record this step's output."""
        if active is not None:
            keep = active[t]
            new = (
                tuple(torch.where(keep, n, o) for n, o in zip(new, old, strict=True))
                if self.CELL == "lstm"
                else (torch.where(keep, new, old))
            )
        h = new[0] if self.CELL == "lstm" else new
        outputs.append(h if active is None else h * active[t])
        return new


class LSTM(_Layer):
    """An LSTM over ``(batch, time, features)``, from torch ops.

    ``LSTM(input_size, hidden_size, forget_bias=None, dtype=torch.float32, device=None, seed=None,
    impl="hoisted")``; ``forget_bias=1.0`` starts the forget gate open (Jozefowicz et al. 2015).
    """

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


class GRU(_Layer):
    """A GRU over ``(batch, time, features)``, from torch ops.

    ``GRU(input_size, hidden_size, reset_after=True, dtype=torch.float32, device=None, seed=None,
    impl="hoisted")``; ``reset_after=True`` is torch.nn's and Keras's default, ``False`` Cho et al.'s and d2l's.
    """

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
