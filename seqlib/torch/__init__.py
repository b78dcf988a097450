"""seqlib.torch: LSTM and GRU written with torch ops (no torch.nn.LSTM/GRU inside); autograd does backward.

Mirrors seqlib.numpy: the same module names (functional, cells, layers, seq2seq, train), class names and
arguments.
"""

from seqlib._seq2seq import Config
from seqlib.torch.cells import GRUCell, LSTMCell
from seqlib.torch.layers import GRU, LSTM
from seqlib.torch.seq2seq import Decoder, Encoder, Seq2Seq
from seqlib.torch.train import fit, load, save, translate

__all__ = [
    "GRU", "GRUCell", "LSTM", "LSTMCell", "Config", "Decoder", "Encoder", "Seq2Seq", "fit", "load", "save",
    "translate",
]  # fmt: skip
