"""from_torch / to_torch / from_keras / to_keras, shared by every layer and cell class of both backends.

A class using this mixin provides ``CELL`` ('lstm' or 'gru'), ``IS_CELL``, ``numpy_params()`` (its
parameters as NumPy arrays in the canonical layout) and ``_from_params(params, reset_after, **kwargs)``.
"""

from __future__ import annotations

from seqlib import convert


class Interop:
    CELL: str
    IS_CELL: bool = False

    @classmethod
    def from_torch(cls, module, **kwargs):
        """Copy a single-layer ``torch.nn.LSTM``/``GRU`` (either ``batch_first``) or ``LSTMCell``/``GRUCell``.

        The new object keeps the module's dtype. torch.nn's GRU resets after the recurrent matmul, so a GRU
        built from it has ``reset_after=True``.
        """
        _, params, options = convert.torch_to_params(module, cls.CELL)
        return cls._from_params(params, reset_after=options["reset_after"], **kwargs)

    def to_torch(self, batch_first: bool = True):
        """A ``torch.nn`` module with the same weights (``LSTMCell``/``GRUCell`` for a cell).

        Remember that torch.nn keeps states as ``(num_layers, batch, hidden)``: seqlib's ``h`` is its ``h[0]``.
        """
        return convert.params_to_torch(
            self.CELL,
            self.numpy_params(),
            reset_after=getattr(self, "reset_after", True),
            batch_first=batch_first,
            as_cell=self.IS_CELL,
        )

    @classmethod
    def from_keras(cls, layer, **kwargs):
        """Copy a built Keras 3 ``LSTM``/``GRU`` layer (or its ``get_weights()`` list); dtype is kept.

        A Keras ``GRU(reset_after=False)`` becomes a seqlib GRU with ``reset_after=False``.
        """
        _, params, options = convert.keras_to_params(layer, cls.CELL)
        return cls._from_params(params, reset_after=options["reset_after"], **kwargs)

    def to_keras(self, **layer_kwargs):
        """A built Keras 3 layer with the same weights, returning sequences and state, same dtype."""
        return convert.params_to_keras(
            self.CELL, self.numpy_params(), reset_after=getattr(self, "reset_after", True), **layer_kwargs
        )
