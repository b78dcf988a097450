"""seqlib.torch: LSTM and GRU written with torch ops (no torch.nn.LSTM/GRU inside); autograd does backward.

Mirrors seqlib.numpy: the same module names (functional, cells, layers), class names and arguments.
"""

from seqlib.torch.cells import GRUCell, LSTMCell
from seqlib.torch.layers import GRU, LSTM

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell"]
