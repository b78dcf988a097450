"""Every classic mistake fails loudly and teaches (GUIDE: "Errors are part of the lesson").

Each bad input must raise a ValueError or TypeError whose message names what was expected, what was given and
the likely fix, never a numpy broadcasting error from deep inside a matmul and never a silent wrong answer.
Where the two backends share a check, one test runs on both: seqlib.numpy takes numpy arrays (float64 by
default), seqlib.torch takes torch tensors (float32 by default).
"""

import contextlib
import os
import re

import numpy as np
import pytest
import torch

import seqlib.numpy as snp
import seqlib.torch as sth
from seqlib._params import init_params

B, T, I, H = 2, 5, 3, 4  # batch, time, input size, hidden size; T != B so that a time-first tensor shows


class Backend:
    """What differs between the two backends: module, default dtype, array constructor, spelling of fixes."""

    def __init__(self, name):
        self.name = name
        self.mod = snp if name == "numpy" else sth
        self.dtype = np.float64 if name == "numpy" else torch.float32
        self.other_dtype = np.float32 if name == "numpy" else torch.float64
        self.swap = "np.swapaxes(x, 0, 1)" if name == "numpy" else "x.transpose(0, 1)"
        self.add_batch = "x[None]" if name == "numpy" else "x.unsqueeze(0)"

    def __repr__(self):
        return self.name

    def array(self, *shape, dtype=None, fill=None):
        a = np.random.default_rng(0).normal(size=shape)
        if fill is not None:
            a[:] = fill
        if self.name == "numpy":
            return a.astype(dtype or self.dtype)
        return torch.tensor(a, dtype=dtype or self.dtype)

    def swapaxes(self, x):
        return np.swapaxes(x, 0, 1) if self.name == "numpy" else x.transpose(0, 1)

    def layer(self, cell, *, cell_only=False, **kwargs):
        name = {"lstm": "LSTM", "gru": "GRU"}[cell] + ("Cell" if cell_only else "")
        return getattr(self.mod, name)(I, H, seed=0, **kwargs)

    def state(self, cell, batch=B, hidden=H, **kwargs):
        if cell == "lstm":
            return self.array(batch, hidden, **kwargs), self.array(batch, hidden, **kwargs)
        return self.array(batch, hidden, **kwargs)


@pytest.fixture(params=["numpy", "torch"])
def bk(request):
    return Backend(request.param)


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    return keras


def assert_clear(message):
    """A full sentence, not a leaked low-level error."""
    assert len(message) > 40, f"message too short to teach anything: {message!r}"
    assert "operands could not be broadcast" not in message
    assert "mat1 and mat2" not in message  # torch's matmul shape error


@contextlib.contextmanager
def raises(exc, *words):
    """pytest.raises(exc) whose message contains every one of ``words`` (literal text) and reads clearly."""
    with pytest.raises(exc, match=re.escape(words[0])) as info:
        yield info
    message = str(info.value)
    for word in words[1:]:
        assert word in message, f"{word!r} missing from the message: {message!r}"
    assert_clear(message)


CELLS = ["lstm", "gru"]
SHAPES = {"layer": (B, T, I), "cell": (B, I)}  # a layer takes a sequence, a cell one time step


def run(bk, cell, kind, x=None, state=None, **kwargs):
    layer = bk.layer(cell, cell_only=kind == "cell", **kwargs)
    return layer(bk.array(*SHAPES[kind]) if x is None else x, state)


# --- the state: (h, c) for an LSTM, h for a GRU, each (batch, hidden) ----------------------------------


@pytest.mark.parametrize("kind", ["layer", "cell"])
def test_lstm_state_given_to_a_gru(bk, kind):
    with raises(TypeError, "(h, c)", "GRU", "no cell state c", "state=h"):
        run(bk, "gru", kind, state=bk.state("lstm"))


@pytest.mark.parametrize("kind", ["layer", "cell"])
def test_bare_h_given_to_an_lstm(bk, kind):
    zeros_like = "np.zeros_like(h)" if bk.name == "numpy" else "torch.zeros_like(h)"
    with raises(TypeError, "tuple (h, c)", "LSTM", f"({B}, {H})", "GRU state", zeros_like):
        run(bk, "lstm", kind, state=bk.state("gru"))


def test_lstm_state_of_the_wrong_length_or_with_a_hole(bk):
    h = bk.array(B, H)
    with raises(TypeError, "tuple (h, c)", "tuple of 3"):
        run(bk, "lstm", "layer", state=(h, h, h))
    with raises(TypeError, "state c is None", "zeros_like"):
        run(bk, "lstm", "layer", state=(h, None))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("kind", ["layer", "cell"])
def test_state_batch_differs_from_input_batch(bk, cell, kind):
    with raises(ValueError, "batch size 3 but the input has batch size 2", "batch-first", "transpose", bk.swap):
        run(bk, cell, kind, state=bk.state(cell, batch=3))


@pytest.mark.parametrize("cell", CELLS)
def test_time_first_input_is_caught_by_the_state_batch(bk, cell):
    """(time, batch, features) with a (batch, hidden) state: the state's batch disagrees with the input's."""
    x_time_first = bk.array(T, B, I)
    state = bk.state(cell)
    with raises(ValueError, f"batch size {B} but the input has batch size {T}", "time-first", bk.swap):
        run(bk, cell, "layer", x=x_time_first, state=state)
    # The suggested fix works.
    outputs, _ = run(bk, cell, "layer", x=bk.swapaxes(x_time_first), state=state)
    assert tuple(outputs.shape) == (B, T, H)


@pytest.mark.parametrize("cell", CELLS)
def test_torch_nn_state_layout(bk, cell):
    """torch.nn keeps (num_layers, batch, hidden); seqlib's h is its h[0]."""
    state = bk.state(cell)
    state3 = tuple(s[None] for s in state) if cell == "lstm" else state[None]
    with raises(ValueError, "(num_layers, batch, hidden)", "h[0]", f"(1, {B}, {H})"):
        run(bk, cell, "layer", state=state3)


@pytest.mark.parametrize("cell", CELLS)
def test_state_with_the_wrong_hidden_size(bk, cell):
    with raises(ValueError, f"has {H + 1} units but the layer has hidden_size={H}", "same number of units"):
        run(bk, cell, "layer", state=bk.state(cell, hidden=H + 1))


@pytest.mark.parametrize("cell", CELLS)
def test_state_of_the_other_dtype(bk, cell):
    with raises(TypeError, "does not cast silently", "state h", "Cast the state h"):
        run(bk, cell, "layer", state=bk.state(cell, dtype=bk.other_dtype))


# --- the input: (batch, time, features) for a layer, (batch, features) for a cell ---------------------


@pytest.mark.parametrize("cell", CELLS)
def test_input_of_rank_2_or_4(bk, cell):
    name = cell.upper()
    with raises(ValueError, "rank 3 (batch, time, features)", f"shape {(T, I)}", bk.add_batch, f"{name}Cell"):
        run(bk, cell, "layer", x=bk.array(T, I))
    with raises(ValueError, "rank 3 (batch, time, features)", "one axis too many", "reshape"):
        run(bk, cell, "layer", x=bk.array(B, T, I, 2))


@pytest.mark.parametrize("cell", CELLS)
def test_cell_given_a_sequence(bk, cell):
    with raises(ValueError, "rank 2 (batch, features)", "one time step", "layer"):
        run(bk, cell, "cell", x=bk.array(B, T, I))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("kind", ["layer", "cell"])
def test_wrong_feature_size(bk, cell, kind):
    shape = SHAPES[kind][:-1] + (I + 2,)
    with raises(ValueError, f"input_size={I}", f"last axis has size {I + 2}"):
        run(bk, cell, kind, x=bk.array(*shape))


@pytest.mark.parametrize("cell", CELLS)
def test_integer_input(bk, cell):
    x = bk.array(B, T, I).astype(np.int64) if bk.name == "numpy" else bk.array(B, T, I).long()
    with raises(TypeError, "floating-point input", "int64", "embedding", "cast"):
        run(bk, cell, "layer", x=x)


def test_object_dtype_input_from_ragged_lists():
    ragged = np.empty(2, dtype=object)
    ragged[:] = [np.zeros((3, I)), np.zeros((5, I))]  # two sequences of different lengths
    with raises(TypeError, "dtype object", "ragged", "Pad"):
        snp.LSTM(I, H)(ragged)


@pytest.mark.parametrize("cell", CELLS)
def test_no_silent_cast_between_float32_and_float64(bk, cell):
    """The default layer refuses the other precision, and a layer of the other precision refuses the default."""
    with raises(TypeError, "does not cast silently", "Cast the input"):
        run(bk, cell, "layer", x=bk.array(B, T, I, dtype=bk.other_dtype))
    with raises(TypeError, "does not cast silently", "Cast the input"):
        run(bk, cell, "layer", x=bk.array(B, T, I), dtype=bk.other_dtype)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("cell", CELLS)
def test_nan_or_inf_in_the_input(bk, cell, bad):
    x = bk.array(B, T, I)
    x[1, 2, 0] = bad
    with raises(ValueError, "input with 1 NaN/inf", "(1, 2, 0)", "isfinite"):
        run(bk, cell, "layer", x=x)


@pytest.mark.parametrize("cell", CELLS)
def test_nan_or_inf_in_the_state(bk, cell):
    state = bk.state(cell)
    if cell == "lstm":
        state[1][0, 1] = np.nan  # the cell state c
    else:
        state[0, 1] = np.inf
    which = "state c" if cell == "lstm" else "state h"
    with raises(ValueError, f"{which} with 1 NaN/inf", "isfinite"):
        run(bk, cell, "layer", state=state)


@pytest.mark.parametrize("cell", CELLS)
def test_empty_time_axis_and_empty_batch(bk, cell):
    with raises(ValueError, "empty time axis", "at least one step"):
        run(bk, cell, "layer", x=bk.array(B, 0, I))
    with raises(ValueError, "empty batch", "at least one sequence"):
        run(bk, cell, "layer", x=bk.array(0, T, I))
    with raises(ValueError, "empty batch"):
        run(bk, cell, "cell", x=bk.array(0, I))


def test_array_of_the_other_backend(bk):
    """A torch tensor in seqlib.numpy or a numpy array in seqlib.torch: say which, and how to convert."""
    other = Backend("torch" if bk.name == "numpy" else "numpy")
    convert = "x.detach().cpu().numpy()" if bk.name == "numpy" else "torch.from_numpy(x)"
    with raises(TypeError, f"seqlib.{bk.name}", convert):
        run(bk, "lstm", "layer", x=other.array(B, T, I, dtype=other.dtype))
    with raises(TypeError, "state h", convert):
        run(bk, "gru", "layer", state=other.array(B, H, dtype=other.dtype))


def test_python_list_input(bk):
    build = "np.asarray" if bk.name == "numpy" else "torch.tensor"
    with raises(TypeError, "got list", build):
        run(bk, "gru", "layer", x=[[[0.0] * I] * T] * B)


# --- constructor arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize(
    ("size", "exc", "words"),
    [
        (0, ValueError, ["positive int, got 0", "at least one unit"]),
        (-3, ValueError, ["positive int, got -3"]),
        (2.5, TypeError, ["positive int, got 2.5", "float"]),
        (True, TypeError, ["positive int, got True", "bool"]),
    ],
    ids=["zero", "negative", "float", "bool"],
)
def test_bad_hidden_size(bk, cls, size, exc, words):
    with raises(exc, "hidden_size must be a", *words):
        getattr(bk.mod, cls)(I, size)
    with raises(exc, "input_size must be a", *words):
        getattr(bk.mod, cls)(size, H)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_integer_dtype_for_a_layer(bk, cls):
    with raises(TypeError, "dtype must be a", "floating-point", "int32"):
        getattr(bk.mod, cls)(I, H, dtype=np.int32)


def test_torch_dtype_for_a_numpy_layer():
    with raises(TypeError, "NumPy floating-point", "torch.float32", "seqlib.torch"):
        snp.LSTM(I, H, dtype=torch.float32)


def test_bogus_impl():
    with raises(ValueError, "impl must be one of", "'hoisted'", "'bogus'"):
        sth.GRU(I, H, impl="bogus")


def test_reset_after_must_be_a_bool(bk):
    with raises(TypeError, "reset_after must be True or False", "'False'"):
        bk.mod.GRU(I, H, reset_after="False")


def test_forget_bias_is_for_lstms_only(bk):
    with pytest.raises(TypeError, match="forget_bias"):
        bk.mod.GRU(I, H, forget_bias=1.0)
    with raises(ValueError, "forget_bias", "GRU has no forget gate"):
        init_params("gru", I, H, dtype=np.float64, forget_bias=1.0)


# --- assigning weights -------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_weight_of_the_wrong_shape_dtype_or_kind(bk, cell):
    layer = bk.layer(cell)
    G = 4 if cell == "lstm" else 3
    before = layer.W_ih
    with raises(ValueError, f"W_ih must have shape {(G * H, I)}", f"got {(G * H, I + 1)}"):
        layer.W_ih = bk.array(G * H, I + 1)
    with raises(ValueError, f"W_ih must have shape {(G * H, I)}", "transpose", "Keras", "CS231n", "seqlib.convert"):
        layer.W_ih = bk.array(I, G * H)
    with raises(ValueError, f"b_hh must have shape {(G * H,)}", f"got {(H,)}"):
        layer.b_hh = bk.array(H)
    with raises(TypeError, "W_hh must have dtype", "Cast it"):
        layer.W_hh = bk.array(G * H, H, dtype=bk.other_dtype)
    other = Backend("torch" if bk.name == "numpy" else "numpy")
    with raises(TypeError, "W_ih", f"expects a {'numpy array' if bk.name == 'numpy' else 'torch tensor'}"):
        layer.W_ih = other.array(G * H, I, dtype=other.dtype)
    assert layer.W_ih is before  # a refused assignment leaves the layer as it was
    run(bk, cell, "layer")  # and it still runs


# --- conversions from torch.nn and Keras ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "exc", "words"),
    [
        (lambda: torch.nn.LSTM(I, H, num_layers=2), ValueError, ["single-layer", "num_layers=2", "Stack"]),
        (lambda: torch.nn.LSTM(I, H, bidirectional=True), ValueError, ["one direction", "bidirectional", "reverse"]),
        (lambda: torch.nn.LSTM(I, H, proj_size=2), ValueError, ["proj_size=2", "proj_size=0"]),
        (lambda: torch.nn.GRU(I, H), TypeError, ["expected LSTM weights", "torch.nn.GRU", "seqlib's GRU class"]),
        (lambda: torch.nn.Linear(I, H), TypeError, ["torch.nn.LSTM, GRU", "Linear", "pass the layer itself"]),
    ],
    ids=["multi-layer", "bidirectional", "proj_size", "gru", "linear"],
)
def test_lstm_from_torch_refuses(bk, module, exc, words):
    with raises(exc, *words):
        bk.mod.LSTM.from_torch(module())


def test_gru_from_torch_refuses_an_lstm_or_a_stack(bk):
    with raises(TypeError, "expected GRU weights", "torch.nn.LSTMCell", "a GRU has 3"):
        bk.mod.GRUCell.from_torch(torch.nn.LSTMCell(I, H))
    with raises(ValueError, "num_layers=3"):
        bk.mod.GRU.from_torch(torch.nn.GRU(I, H, num_layers=3))


@pytest.mark.parametrize("cell_only", [False, True], ids=["layer", "cell"])
def test_reset_before_gru_to_torch(bk, cell_only):
    gru = bk.layer("gru", cell_only=cell_only, reset_after=False)
    with raises(ValueError, "reset_after=False", "no torch.nn equivalent", "to_keras"):
        gru.to_torch()


@pytest.mark.parametrize("reset_after", [True, False])
def test_keras_gru_given_to_lstm_from_keras(bk, keras, reset_after):
    gru = keras.layers.GRU(H, reset_after=reset_after)
    gru.build((None, None, I))
    with raises(TypeError, "expected LSTM weights", "Keras GRU layer", "seqlib's GRU class"):
        bk.mod.LSTM.from_keras(gru)
    with raises(TypeError, "expected LSTM weights", "Keras weight list", "GRU weights"):
        bk.mod.LSTM.from_keras(gru.get_weights())


def test_keras_lstm_given_to_gru_from_keras(bk, keras):
    lstm = keras.layers.LSTM(H)
    lstm.build((None, None, I))
    with raises(TypeError, "expected GRU weights", "LSTM weights", "a GRU has 3"):
        bk.mod.GRU.from_keras(lstm.get_weights())


def test_unbuilt_keras_layer(bk, keras):
    with raises(ValueError, "no weights yet", "layer.build((None, None, input_size))"):
        bk.mod.LSTM.from_keras(keras.layers.LSTM(H))


def test_keras_lstm_with_relu(bk, keras):
    lstm = keras.layers.LSTM(H, activation="relu")
    lstm.build((None, None, I))
    with raises(ValueError, "activation='tanh'", "activation='relu'", "defaults"):
        bk.mod.LSTM.from_keras(lstm)


def test_keras_weight_list_of_the_wrong_length(bk):
    with raises(ValueError, "[kernel, recurrent_kernel, bias]", "got 1 array"):
        bk.mod.GRU.from_keras([np.zeros((I, 3 * H))])


# --- NumPy backward ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_numpy_backward_with_doutputs_of_the_wrong_shape(cell):
    layer = Backend("numpy").layer(cell)
    _, _, cache = layer.forward(np.zeros((B, T, I)))
    with raises(ValueError, "doutputs must have the outputs' shape", f"{(B, T, H)}", f"got {(B, T, H + 1)}"):
        layer.backward(np.zeros((B, T, H + 1)), None, cache)
    with raises(ValueError, "doutputs must have the outputs' shape", f"got {(T, B, H)}"):
        layer.backward(np.zeros((T, B, H)), None, cache)  # time-first


def test_numpy_backward_with_a_state_gradient_of_the_wrong_kind():
    gru, lstm = snp.GRU(I, H), snp.LSTM(I, H)
    h = np.zeros((B, H))
    with raises(TypeError, "(h, c)", "GRU"):
        gru.backward(None, (h, h), gru.forward(np.zeros((B, T, I)))[2])
    with raises(TypeError, "tuple (h, c)", "LSTM"):
        lstm.backward(None, h, lstm.forward(np.zeros((B, T, I)))[2])


@pytest.mark.parametrize(
    ("doutputs", "exc", "words"),
    [
        ([[[0.0]]], TypeError, ("numpy array",)),
        (np.zeros((2, 5, 4), np.float32), TypeError, ("float32", "float64")),
        (np.full((2, 5, 4), np.nan), ValueError, ("NaN",)),
        (np.zeros((2, 4, 4)), ValueError, ("shape", "None")),
    ],
    ids=["list", "float32", "nan", "shape"],
)
def test_numpy_backward_checks_doutputs(doutputs, exc, words):
    layer = snp.LSTM(3, 4, seed=0)
    _, _, cache = layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(exc) as info:
        layer.backward(doutputs, None, cache)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_cs231n_and_d2l_shapes_are_checked():
    from seqlib import convert

    with pytest.raises(ValueError, match="Wx \\(D, 4H\\)"):
        convert.cs231n_to_params(np.zeros((3, 8)), np.zeros(8), np.zeros(8))
    with pytest.raises(ValueError, match="Wx \\(D, 4H\\)"):
        convert.cs231n_to_params(np.zeros((3, 8)), np.zeros((0, 0)), np.zeros(8))
    d2l = convert.params_to_d2l(snp.LSTM(3, 2, seed=0).parameters(), "lstm")
    d2l["W_hf"] = np.zeros((3, 2))
    with pytest.raises(ValueError, match="W_hf"):
        convert.d2l_to_params(d2l, "lstm")
