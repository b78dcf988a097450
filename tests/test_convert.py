"""Weight layouts: gate reordering, CS231n, d2l and torch.nn to and from seqlib.

CS231n and d2l are not installed: each is written here as a small reference step in its own layout (from
the equations they publish), and seqlib, fed the converted weights, must reproduce it.
"""

import itertools

import numpy as np
import pytest
import torch
from conftest import random_state
from hypothesis import example, given, settings
from hypothesis import strategies as st

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import convert

# batch, time, input_size, hidden_size
sizes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 5), st.integers(1, 6))
few = settings(max_examples=15, deadline=None)


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def as_list(state):
    return list(state) if isinstance(state, (tuple, list)) else [state]


# --- gate reordering ------------------------------------------------------------------------------------

ORDERS = ["".join(p) for p in itertools.permutations("ifgo")] + ["".join(p) for p in itertools.permutations("rzn")]


@few
@given(
    src=st.sampled_from(ORDERS),
    data=st.data(),
    hidden=st.integers(1, 4),
    other=st.integers(1, 4),
    axis=st.sampled_from([0, 1]),
)
def test_reorder_gates_round_trip(src, data, hidden, other, axis):
    dst = data.draw(st.permutations(src).map("".join))
    shape = [other, other]
    shape[axis] = len(src) * hidden
    a = np.random.default_rng(hidden * 10 + other).normal(size=shape)
    there = convert.reorder_gates(a, src, dst, axis=axis)
    assert there.shape == a.shape
    # Each block lands where dst says, untouched.
    for k, gate in enumerate(dst):
        block = np.take(a, range(src.index(gate) * hidden, (src.index(gate) + 1) * hidden), axis=axis)
        np.testing.assert_array_equal(np.take(there, range(k * hidden, (k + 1) * hidden), axis=axis), block)
    np.testing.assert_array_equal(convert.reorder_gates(there, dst, src, axis=axis), a)


def test_reorder_gates_moves_whole_blocks():
    a = np.repeat(np.arange(4), 2)  # CS231n's i, f, o, g blocks of H = 2, labelled 0..3
    np.testing.assert_array_equal(convert.reorder_gates(a, "ifog", "ifgo"), [0, 0, 1, 1, 3, 3, 2, 2])


def test_order_table_is_permutations_of_seqlib_gates():
    for cell, orders in convert.ORDER.items():
        for library, order in orders.items():
            assert sorted(order) == sorted(orders["seqlib"]), (cell, library)


def test_layouts_table_names_every_library():
    table = convert.LAYOUTS
    assert isinstance(table, str) and table.strip()
    for name in ("Keras", "CS231n", "d2l", "torch.nn"):
        assert name in table, name


# --- CS231n assignment 3 ----------------------------------------------------------------------------------


def cs231n_lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    """CS231n's LSTM step, in its layout: one pre-activation (N, 4H) cut into i, f, o, g, in that order."""
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    gate_i, gate_f, gate_o = (sigmoid(a[:, k * H : (k + 1) * H]) for k in range(3))
    candidate = np.tanh(a[:, 3 * H :])
    next_c = gate_f * prev_c + gate_i * candidate
    next_h = gate_o * np.tanh(next_c)
    return next_h, next_c


def cs231n_lstm_forward(x, h0, c0, Wx, Wh, b):
    h, c, hs = h0, c0, []
    for t in range(x.shape[1]):
        h, c = cs231n_lstm_step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1), c


def random_cs231n(rng, I, H):
    return rng.normal(size=(I, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)


@few
@given(size=sizes, seed=st.integers(0, 2**32 - 1))
@example(size=(1, 1, 1, 1), seed=0)
def test_cs231n_into_seqlib(size, seed):
    B, T, I, H = size
    rng = np.random.default_rng(seed)
    Wx, Wh, b = random_cs231n(rng, I, H)
    x = rng.normal(size=(B, T, I))
    h0, c0 = random_state("lstm", B, H, rng)
    want_h, want_c = cs231n_lstm_forward(x, h0, c0, Wx, Wh, b)

    params = convert.cs231n_to_params(Wx, Wh, b)
    layer = snp.LSTM._from_params(params)
    hs, (h, c) = layer(x, (h0, c0))
    np.testing.assert_allclose(hs, want_h, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c, want_c, rtol=0, atol=1e-12)

    # The same weights assigned by hand to a layer built the ordinary way.
    by_hand = snp.LSTM(I, H)
    for name, value in params.items():
        setattr(by_hand, name, value)
    np.testing.assert_allclose(by_hand(x, (h0, c0))[0], want_h, rtol=0, atol=1e-12)

    # One step of the cell is one step of CS231n.
    h1, c1 = snp.LSTMCell._from_params(params)(x[:, 0], (h0, c0))
    want_h1, want_c1 = cs231n_lstm_step(x[:, 0], h0, c0, Wx, Wh, b)
    np.testing.assert_allclose(h1, want_h1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c1, want_c1, rtol=0, atol=1e-12)


def test_cs231n_round_trip(rng):
    Wx, Wh, b = random_cs231n(rng, 3, 5)
    for got, want in zip(convert.params_to_cs231n(convert.cs231n_to_params(Wx, Wh, b)), (Wx, Wh, b), strict=True):
        np.testing.assert_array_equal(got, want)


def test_seqlib_into_cs231n(rng):
    """seqlib's two biases become CS231n's one (their sum): the function is unchanged."""
    layer = snp.LSTM(3, 5, seed=rng)
    assert layer.b_hh.any()
    Wx, Wh, b = convert.params_to_cs231n(layer.parameters())
    assert Wx.shape == (3, 20) and Wh.shape == (5, 20) and b.shape == (20,)
    x = rng.normal(size=(2, 4, 3))
    h0, c0 = random_state("lstm", 2, 5, rng)
    want_h, want_c = cs231n_lstm_forward(x, h0, c0, Wx, Wh, b)
    hs, (_, c) = layer(x, (h0, c0))
    np.testing.assert_allclose(hs, want_h, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c, want_c, rtol=0, atol=1e-12)


# --- d2l ------------------------------------------------------------------------------------------------


def d2l_lstm_forward(X, H, C, p):
    """d2l's from-scratch LSTM: one (W_x?, W_h?, b_?) triple per gate, X @ W + H @ W + b."""
    outputs = []
    for t in range(X.shape[1]):
        x = X[:, t]
        I = sigmoid(x @ p["W_xi"] + H @ p["W_hi"] + p["b_i"])
        F = sigmoid(x @ p["W_xf"] + H @ p["W_hf"] + p["b_f"])
        O = sigmoid(x @ p["W_xo"] + H @ p["W_ho"] + p["b_o"])
        C_tilde = np.tanh(x @ p["W_xc"] + H @ p["W_hc"] + p["b_c"])
        C = F * C + I * C_tilde
        H = O * np.tanh(C)
        outputs.append(H)
    return np.stack(outputs, axis=1), [H, C]


def d2l_gru_forward(X, H, p):
    """d2l's from-scratch GRU: the reset gate scales H before it meets W_hh."""
    outputs = []
    for t in range(X.shape[1]):
        x = X[:, t]
        Z = sigmoid(x @ p["W_xz"] + H @ p["W_hz"] + p["b_z"])
        R = sigmoid(x @ p["W_xr"] + H @ p["W_hr"] + p["b_r"])
        H_tilde = np.tanh(x @ p["W_xh"] + (R * H) @ p["W_hh"] + p["b_h"])
        H = Z * H + (1 - Z) * H_tilde
        outputs.append(H)
    return np.stack(outputs, axis=1), [H]


D2L_FORWARD = {
    "lstm": lambda x, state, p: d2l_lstm_forward(x, *state, p),
    "gru": lambda x, state, p: d2l_gru_forward(x, state, p),
}
D2L_SEQLIB = {"lstm": (snp.LSTM, {}), "gru": (snp.GRU, {"reset_after": False})}


def random_d2l(cell, rng, I, H):
    out = {}
    for wx, wh, b in convert.D2L_NAMES[cell].values():
        out[wx], out[wh], out[b] = rng.normal(size=(I, H)), rng.normal(size=(H, H)), rng.normal(size=H)
    return out


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@few
@given(size=sizes, seed=st.integers(0, 2**32 - 1))
@example(size=(1, 1, 1, 1), seed=0)
def test_d2l_into_seqlib(cell, size, seed):
    B, T, I, H = size
    rng = np.random.default_rng(seed)
    d2l = random_d2l(cell, rng, I, H)
    x = rng.normal(size=(B, T, I))
    state0 = random_state(cell, B, H, rng)
    want_out, want_state = D2L_FORWARD[cell](x, state0, d2l)

    cls, kwargs = D2L_SEQLIB[cell]
    layer = cls._from_params(convert.d2l_to_params(d2l, cell), **kwargs)
    out, state = layer(x, state0)
    np.testing.assert_allclose(out, want_out, rtol=0, atol=1e-12)
    for got, want in zip(as_list(state), want_state, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_d2l_gru_is_the_reset_before_variant(rng):
    """The same d2l weights read as a reset-after GRU compute something else: the variant matters."""
    d2l = random_d2l("gru", rng, 3, 4)
    x = rng.normal(size=(2, 5, 3))
    h0 = random_state("gru", 2, 4, rng)
    want, _ = d2l_gru_forward(x, h0, d2l)
    wrong, _ = snp.GRU._from_params(convert.d2l_to_params(d2l, "gru"), reset_after=True)(x, h0)
    assert np.abs(wrong - want).max() > 1e-3


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_d2l_round_trip(cell, rng):
    d2l = random_d2l(cell, rng, 3, 5)
    back = convert.params_to_d2l(convert.d2l_to_params(d2l, cell), cell, reset_after=False)
    assert back.keys() == d2l.keys() == set(convert.d2l_names(cell))
    for name, value in d2l.items():
        np.testing.assert_array_equal(back[name], value, err_msg=name)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_seqlib_into_d2l(cell, rng):
    """seqlib's two biases become d2l's one per gate (their sum): the function is unchanged."""
    cls, kwargs = D2L_SEQLIB[cell]
    layer = cls(3, 5, seed=rng, **kwargs)
    d2l = convert.params_to_d2l(layer.parameters(), cell, reset_after=False)
    x = rng.normal(size=(2, 4, 3))
    state0 = random_state(cell, 2, 5, rng)
    want_out, want_state = D2L_FORWARD[cell](x, state0, d2l)
    out, state = layer(x, state0)
    np.testing.assert_allclose(out, want_out, rtol=0, atol=1e-12)
    for got, want in zip(as_list(state), want_state, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_reset_after_gru_has_no_d2l_layout():
    layer = snp.GRU(3, 5, reset_after=True, seed=0)
    with pytest.raises(ValueError, match="reset_after"):
        convert.params_to_d2l(layer.parameters(), "gru", reset_after=True)
    with pytest.raises(ValueError, match="reset_after"):
        convert.params_to_d2l(layer.parameters(), "gru")  # reset_after=True is the default


def test_d2l_missing_arrays_are_named():
    d2l = random_d2l("lstm", np.random.default_rng(0), 2, 3)
    del d2l["W_hf"]
    with pytest.raises(ValueError, match="W_hf"):
        convert.d2l_to_params(d2l, "lstm")


# --- torch.nn ---------------------------------------------------------------------------------------------

NN = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
NN_CELL = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}
SEQLIB_LAYERS = {
    ("numpy", "lstm"): snp.LSTM,
    ("numpy", "gru"): snp.GRU,
    ("torch", "lstm"): sto.LSTM,
    ("torch", "gru"): sto.GRU,
}
SEQLIB_CELLS = {
    ("numpy", "lstm"): snp.LSTMCell,
    ("numpy", "gru"): snp.GRUCell,
    ("torch", "lstm"): sto.LSTMCell,
    ("torch", "gru"): sto.GRUCell,
}
BACKENDS = pytest.mark.parametrize("backend", ["numpy", "torch"])
CELL_NAMES = pytest.mark.parametrize("cell", ["lstm", "gru"])
TORCH_DTYPES = pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
TOL = {torch.float64: 1e-10, torch.float32: 1e-5}


def to_numpy(a):
    return a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else a


def to_torch_state(state, add_layers_axis=False):
    """A NumPy state as torch tensors: ``(h, c)`` stays a tuple, a GRU's ``h`` one tensor."""
    if state is None:
        return None
    tensors = tuple(torch.from_numpy(s)[None] if add_layers_axis else torch.from_numpy(s) for s in as_list(state))
    return tensors if len(tensors) == 2 else tensors[0]


def seqlib_run(layer, x, state0=None):
    """Run a seqlib layer (either backend) on NumPy input; NumPy outputs and state list back."""
    if isinstance(layer, torch.nn.Module):
        x, state0 = torch.from_numpy(x), to_torch_state(state0)
        with torch.no_grad():
            out, state = layer(x, state0)
    else:
        out, state = layer(x, state0)
    return to_numpy(out), [to_numpy(s) for s in as_list(state)]


def torch_nn_run(module, x, state0=None):
    """torch.nn on batch-first NumPy input, whatever the module's batch_first; batch-first results back."""
    x = torch.from_numpy(x)
    if not module.batch_first:
        x = x.transpose(0, 1)  # torch.nn's default: (time, batch, features)
    with torch.no_grad():
        out, state = module(x, to_torch_state(state0, add_layers_axis=True))  # (layers=1, batch, hidden)
    if not module.batch_first:
        out = out.transpose(0, 1)
    return out.numpy(), [s[0].numpy() for s in as_list(state)]


def assert_same_params(a: dict, b: dict):
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@BACKENDS
@CELL_NAMES
@TORCH_DTYPES
def test_to_torch_from_torch_round_trip(backend, cell, dtype):
    np_dtype = torch.empty(0, dtype=dtype).numpy().dtype
    for cls, nn_cls in ((SEQLIB_LAYERS[backend, cell], NN[cell]), (SEQLIB_CELLS[backend, cell], NN_CELL[cell])):
        layer = cls(3, 5, seed=1, dtype=dtype if backend == "torch" else np_dtype)
        for batch_first in (True, False):
            module = layer.to_torch(batch_first=batch_first)
            assert type(module) is nn_cls
            assert all(p.dtype == dtype for p in module.parameters())
            back = cls.from_torch(module)
            assert_same_params(back.numpy_params(), layer.numpy_params())


@BACKENDS
@CELL_NAMES
@TORCH_DTYPES
@pytest.mark.parametrize("batch_first", [True, False], ids=["batch_first", "time_first"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_from_torch_matches_torch_nn(backend, cell, dtype, batch_first, bias):
    torch.manual_seed(0)
    module = NN[cell](3, 5, batch_first=batch_first, bias=bias, dtype=dtype)
    rng = np.random.default_rng(0)
    np_dtype = torch.empty(0, dtype=dtype).numpy().dtype
    x = rng.normal(size=(2, 4, 3)).astype(np_dtype)  # seqlib is always batch-first
    state0 = random_state(cell, 2, 5, rng, np_dtype)

    layer = SEQLIB_LAYERS[backend, cell].from_torch(module)
    params = layer.numpy_params()
    for value in params.values():
        assert value.dtype == np_dtype  # dtype kept: float32 stays float32, float64 float64
    if not bias:
        assert not params["b_ih"].any() and not params["b_hh"].any()
    if cell == "gru":
        assert layer.reset_after  # torch.nn's GRU resets after the recurrent matmul
    for s0 in (None, state0):
        (out, state), (want_out, want_state) = seqlib_run(layer, x, s0), torch_nn_run(module, x, s0)
        assert out.dtype == want_out.dtype == np_dtype
        np.testing.assert_allclose(out, want_out, rtol=0, atol=TOL[dtype])
        for got, want in zip(state, want_state, strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=TOL[dtype])


@BACKENDS
@CELL_NAMES
@TORCH_DTYPES
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_from_torch_cells(backend, cell, dtype, bias):
    torch.manual_seed(0)
    module = NN_CELL[cell](3, 5, bias=bias, dtype=dtype)
    rng = np.random.default_rng(0)
    np_dtype = torch.empty(0, dtype=dtype).numpy().dtype
    x = rng.normal(size=(2, 3)).astype(np_dtype)
    state0 = random_state(cell, 2, 5, rng, np_dtype)

    seqlib_cell = SEQLIB_CELLS[backend, cell].from_torch(module)
    for value in seqlib_cell.numpy_params().values():
        assert value.dtype == np_dtype
    with torch.no_grad():
        want = module(torch.from_numpy(x), to_torch_state(state0))  # torch.nn cells take no layers axis
        if backend == "torch":
            got = seqlib_cell(torch.from_numpy(x), to_torch_state(state0))
        else:
            got = seqlib_cell(x, state0)
    for g, w in zip(as_list(got), as_list(want), strict=True):
        assert to_numpy(g).dtype == np_dtype
        np.testing.assert_allclose(to_numpy(g), to_numpy(w), rtol=0, atol=TOL[dtype])


def test_to_torch_time_first_matches(rng):
    """``to_torch(batch_first=False)`` gives torch.nn's default module, time-first, with the same outputs."""
    x = rng.normal(size=(2, 4, 3))
    for layer in (snp.LSTM(3, 5, seed=rng), snp.GRU(3, 5, seed=rng)):
        module = layer.to_torch(batch_first=False)
        assert not module.batch_first
        (out, state), (want_out, want_state) = seqlib_run(layer, x), torch_nn_run(module, x)
        np.testing.assert_allclose(out, want_out, rtol=0, atol=1e-12)
        for got, want in zip(state, want_state, strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_reset_before_gru_has_no_torch_nn_module():
    with pytest.raises(ValueError, match="reset_after"):
        snp.GRU(3, 5, reset_after=False, seed=0).to_torch()
