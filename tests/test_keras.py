"""seqlib against Keras 3 (on the torch backend): the same outputs and final states, in both directions.

Keras keeps LSTM gates as i, f, c, o and GRU gates as z, r, h, a kernel ``(I, G*H)`` and, for
``GRU(reset_after=True)``, a bias ``(2, 3H)``; seqlib keeps torch.nn's layout. These tests prove that
``from_keras`` / ``to_keras`` translate between the two without changing a single output.
"""

import contextlib
import importlib
import os

import numpy as np
import pytest
import torch
from conftest import VARIANT_IDS, VARIANTS, random_state
from hypothesis import example, given, settings
from hypothesis import strategies as st

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import convert

# Keras reads its backend once, at import: it must be set before the first `import keras`.
os.environ.setdefault("KERAS_BACKEND", "torch")
keras = importlib.import_module("keras")

# Keras 3.15 converts its variables with np.array(x), which NumPy 2 warns about; nothing seqlib can change.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

TOL = {"float64": 1e-10, "float32": 1e-5}
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])
CELLS = pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
# batch, time, input_size, hidden_size
sizes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 5), st.integers(1, 6))
few = settings(max_examples=15, deadline=None)

NUMPY = {"lstm": snp.LSTM, "gru": snp.GRU}
TORCH = {"lstm": sto.LSTM, "gru": sto.GRU}
NUMPY_CELL = {"lstm": snp.LSTMCell, "gru": snp.GRUCell}


@contextlib.contextmanager
def keras_float64_matmul():
    """Let Keras keep float64 through ``keras.ops.matmul`` on the torch backend.

    Keras 3.15's type promotion maps float64 to float32 on every backend but TensorFlow, so
    ``keras.ops.matmul`` of two float64 tensors returns float32 (keras-team/keras#23704, #23223).
    Keras's LSTM and reset-after GRU run a pure-torch path and stay float64, but ``GRU(reset_after=False)``
    runs its cell through ``keras.ops`` and computes ``(r * h) @ W_hh`` in float32: against it, seqlib
    (and any float64 reference) agrees only to ~1e-8. Within this block the demotion is off, so Keras
    computes in the dtype it was asked for and a 1e-10 comparison is meaningful.
    ``test_keras_float64_reset_before_gru_is_float32_accurate`` shows the unpatched behaviour.
    """
    from keras.src.backend.common import dtypes

    table = getattr(dtypes, "BIT64_TO_BIT32_DTYPE", {})
    saved = table.pop("float64", None)
    try:
        yield
    finally:
        if saved is not None:
            table["float64"] = saved


def as_list(state):
    return list(state) if isinstance(state, (tuple, list)) else [state]


def random_keras_layer(cell, kwargs, input_size, hidden, dtype, rng, **layer_kwargs):
    """A built Keras layer with random N(0, 0.5²) weights: every bias is non-zero, unlike Keras's init."""
    layer = getattr(keras.layers, cell.upper())(
        hidden, return_sequences=True, return_state=True, dtype=dtype, **kwargs, **layer_kwargs
    )
    layer.build((None, None, input_size))
    layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype(dtype) for w in layer.get_weights()])
    return layer


def keras_run(layer, x, state0=None):
    """Keras's ``[outputs, h, c]`` (LSTM) or ``[outputs, h]`` (GRU) as ``(outputs, [h, c] or [h])``."""
    with keras_float64_matmul():
        result = layer(x) if state0 is None else layer(x, initial_state=as_list(state0))
    outputs, *state = (keras.ops.convert_to_numpy(r) for r in result)
    return outputs, state


def numpy_run(layer, x, state0=None):
    outputs, state = layer(x, state0)
    return outputs, as_list(state)


def torch_run(layer, x, state0=None):
    if state0 is not None:
        state0 = tuple(torch.from_numpy(s) for s in as_list(state0))
        state0 = state0 if len(state0) == 2 else state0[0]
    with torch.no_grad():
        outputs, state = layer(torch.from_numpy(x), state0)
    return outputs.numpy(), [s.numpy() for s in as_list(state)]


def cell_run(cell_layer, x, state0=None):
    """Step a seqlib.numpy cell over the time axis by hand."""
    state, outputs = state0, []
    for t in range(x.shape[1]):
        state = cell_layer(x[:, t], state)
        outputs.append(as_list(state)[0])
    return np.stack(outputs, axis=1), as_list(state)


def assert_same_run(got, want, dtype):
    (out_a, state_a), (out_b, state_b) = got, want
    assert out_a.dtype == out_b.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out_a, out_b, rtol=0, atol=TOL[dtype], err_msg="outputs")
    assert len(state_a) == len(state_b)
    for k, (a, b) in enumerate(zip(state_a, state_b, strict=True)):
        assert a.dtype == b.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL[dtype], err_msg=f"state[{k}]")


@DTYPES
@CELLS
@few
@given(size=sizes, seed=st.integers(0, 2**32 - 1), with_state=st.booleans())
@example(size=(1, 1, 1, 1), seed=0, with_state=True)
@example(size=(1, 1, 1, 1), seed=0, with_state=False)
def test_from_keras_matches_keras(cell, kwargs, dtype, size, seed, with_state):
    B, T, I, H = size
    rng = np.random.default_rng(seed)
    layer = random_keras_layer(cell, kwargs, I, H, dtype, rng)
    x = rng.normal(size=(B, T, I)).astype(dtype)
    state0 = random_state(cell, B, H, rng, dtype) if with_state else None
    want = keras_run(layer, x, state0)

    from_layer = NUMPY[cell].from_keras(layer)
    from_list = NUMPY[cell].from_keras(layer.get_weights())
    for seqlib_layer in (from_layer, from_list):
        assert seqlib_layer.dtype == np.dtype(dtype)
        if cell == "gru":
            assert seqlib_layer.reset_after == kwargs["reset_after"]
        assert_same_run(numpy_run(seqlib_layer, x, state0), want, dtype)
    for name, value in from_layer.parameters().items():
        np.testing.assert_array_equal(value, from_list.parameters()[name], err_msg=name)

    torch_layer = TORCH[cell].from_keras(layer)
    assert torch_layer.dtype == getattr(torch, dtype)
    assert_same_run(torch_run(torch_layer, x, state0), want, dtype)

    assert_same_run(cell_run(NUMPY_CELL[cell].from_keras(layer), x, state0), want, dtype)


@DTYPES
@CELLS
@few
@given(size=sizes, seed=st.integers(0, 2**32 - 1), with_state=st.booleans())
@example(size=(1, 1, 1, 1), seed=0, with_state=True)
def test_to_keras_matches_seqlib(cell, kwargs, dtype, size, seed, with_state):
    B, T, I, H = size
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, I)).astype(dtype)
    state0 = random_state(cell, B, H, rng, dtype) if with_state else None

    # seqlib's initial weights are uniform in ±1/sqrt(H) and include both b_ih and b_hh: Keras's single
    # LSTM bias must hold their sum, its (2, 3H) GRU bias both.
    numpy_layer = NUMPY[cell](I, H, dtype=dtype, seed=rng, **kwargs)
    torch_layer = TORCH[cell](I, H, dtype=getattr(torch, dtype), seed=rng, **kwargs)
    for seqlib_layer, run in ((numpy_layer, numpy_run), (torch_layer, torch_run)):
        keras_layer = seqlib_layer.to_keras()
        assert type(keras_layer).__name__ == cell.upper()
        assert keras_layer.dtype == dtype
        if cell == "gru":
            assert keras_layer.reset_after == kwargs["reset_after"]
        assert_same_run(keras_run(keras_layer, x, state0), run(seqlib_layer, x, state0), dtype)


@CELLS
def test_weight_list_infers_the_gru_variant(cell, kwargs, rng):
    """From a bare ``get_weights()`` list, a (2, 3H) bias means reset_after=True; a (3H,) bias False."""
    I, H = 3, 5
    layer = random_keras_layer(cell, kwargs, I, H, "float64", rng)
    kernel, recurrent, bias = layer.get_weights()
    G = 4 if cell == "lstm" else 3
    assert kernel.shape == (I, G * H) and recurrent.shape == (H, G * H)
    assert bias.shape == ((2, G * H) if kwargs.get("reset_after") else (G * H,))

    found, params, options = convert.keras_to_params([kernel, recurrent, bias])
    assert found == cell
    assert options["reset_after"] == kwargs.get("reset_after", True)
    seqlib_layer = NUMPY[cell].from_keras((kernel, recurrent, bias))  # a tuple works like a list
    for name, value in params.items():
        np.testing.assert_array_equal(getattr(seqlib_layer, name), value, err_msg=name)


@CELLS
def test_keras_without_bias(cell, kwargs, rng):
    """``use_bias=False``: the layer says which GRU variant it is, since no bias shape can."""
    B, T, I, H = 2, 4, 3, 5
    layer = random_keras_layer(cell, kwargs, I, H, "float64", rng, use_bias=False)
    assert len(layer.get_weights()) == 2
    x = rng.normal(size=(B, T, I))
    seqlib_layer = NUMPY[cell].from_keras(layer)
    assert not seqlib_layer.b_ih.any() and not seqlib_layer.b_hh.any()
    if cell == "gru":
        assert seqlib_layer.reset_after == kwargs["reset_after"]
    assert_same_run(numpy_run(seqlib_layer, x), keras_run(layer, x), "float64")
    if cell == "lstm":  # a bias-less LSTM list is unambiguous
        assert_same_run(numpy_run(NUMPY[cell].from_keras(layer.get_weights()), x), keras_run(layer, x), "float64")
    else:
        with pytest.raises(ValueError, match="reset_after"):
            NUMPY[cell].from_keras(layer.get_weights())


def test_keras_float64_reset_before_gru_is_float32_accurate(rng):
    """Without ``keras_float64_matmul``, Keras's float64 GRU(reset_after=False) computes a matmul in float32.

    seqlib is right to 1e-10 against the float64 computation (the property tests above); against Keras's
    default behaviour it can only agree to float32 precision. This records that fact, so that a notebook
    claiming "equal to Keras to 1e-10" knows which Keras call it can claim it for.
    """
    layer = random_keras_layer("gru", {"reset_after": False}, 3, 4, "float64", rng)
    x = rng.normal(size=(2, 5, 3))
    want, _ = numpy_run(snp.GRU.from_keras(layer), x)
    got = keras.ops.convert_to_numpy(layer(x)[0])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_round_trip_through_keras_keeps_the_function(rng):
    """seqlib -> Keras -> seqlib: LSTM biases come back summed into b_ih (Keras has one), outputs unchanged."""
    x = rng.normal(size=(3, 4, 2))
    for cell, kwargs in VARIANTS:
        layer = NUMPY[cell](2, 5, seed=rng, **kwargs)
        back = NUMPY[cell].from_keras(layer.to_keras())
        np.testing.assert_array_equal(back.W_ih, layer.W_ih)
        np.testing.assert_array_equal(back.W_hh, layer.W_hh)
        if cell == "gru" and kwargs["reset_after"]:
            np.testing.assert_array_equal(back.b_ih, layer.b_ih)
            np.testing.assert_array_equal(back.b_hh, layer.b_hh)
        else:
            np.testing.assert_allclose(back.b_ih, layer.b_ih + layer.b_hh, rtol=0, atol=1e-15)
            assert not back.b_hh.any()
        assert_same_run(numpy_run(back, x), numpy_run(layer, x), "float64")
