"""seqlib: gated recurrent networks (LSTM, GRU) and encoder-decoders, from scratch in NumPy and PyTorch.

``seqlib.numpy`` writes every forward and backward by hand; ``seqlib.torch`` writes the same cells with torch
ops and lets autograd do the backward; ``seqlib.convert`` moves weights between seqlib, torch.nn, Keras,
CS231n and d2l. Conventions: batch-first ``(batch, time, features)``; states ``(batch, hidden)``, an LSTM's
as the pair ``(h, c)``, a GRU's as one array ``h``; torch.nn's weight layout and gate order.
"""

__version__ = "0.1.0"
