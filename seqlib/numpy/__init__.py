"""seqlib.numpy: LSTM and GRU written by hand in NumPy, each forward with its backward.

Mirrors seqlib.torch: the same module names (functional, cells, layers, seq2seq, train), class names and
arguments. ``optim`` holds what torch brings along and NumPy does not: Adam and gradient clipping.
"""

from seqlib._seq2seq import Config
from seqlib.numpy.cells import GRUCell, LSTMCell
from seqlib.numpy.functional import sigmoid
from seqlib.numpy.layers import GRU, LSTM
from seqlib.numpy.optim import Adam, clip_grad_norm
from seqlib.numpy.seq2seq import Decoder, Encoder, Seq2Seq
from seqlib.numpy.train import fit, load, save, translate

__all__ = [
    "GRU", "GRUCell", "LSTM", "LSTMCell", "sigmoid", "Config", "Decoder", "Encoder", "Seq2Seq", "fit", "load",
    "save", "translate", "Adam", "clip_grad_norm",
]  # fmt: skip
