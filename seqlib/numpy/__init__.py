"""seqlib.numpy: LSTM and GRU written by hand in NumPy, each forward with its backward.

Mirrors seqlib.torch: the same module names (functional, cells, layers), class names and arguments.
"""

from seqlib.numpy.cells import GRUCell, LSTMCell
from seqlib.numpy.functional import sigmoid
from seqlib.numpy.layers import GRU, LSTM

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "sigmoid"]
