"""seqlib.numpy and seqlib.torch against torch.nn.LSTM/GRU: outputs, final states and every gradient."""

import numpy as np
import pytest
import torch
from conftest import random_state
from hypothesis import example, given
from hypothesis import strategies as st

import seqlib.numpy as snp
import seqlib.torch as sto

TOL = {torch.float64: 1e-10, torch.float32: 1e-5}
NP_DTYPE = {torch.float64: np.float64, torch.float32: np.float32}
sizes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 5), st.integers(1, 6))


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def torch_nn_run(module, x, state0, w_out, w_state):
    """torch.nn with seqlib's conventions: batch-first input, states without the layers axis."""
    x = torch.tensor(x, requires_grad=True)
    s0 = [torch.tensor(s[None], requires_grad=True) for s in as_tuple(state0)]
    outputs, state = module(x, tuple(s0) if len(s0) == 2 else s0[0])
    state = [s[0] for s in as_tuple(state)]
    loss = (outputs * torch.tensor(w_out)).sum() + sum(
        (s * torch.tensor(w)).sum() for s, w in zip(state, as_tuple(w_state), strict=True)
    )
    loss.backward()
    names = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}
    return {
        "outputs": outputs.detach().numpy(),
        "state": [s.detach().numpy() for s in state],
        "dx": x.grad.numpy(),
        "dstate0": [s.grad[0].numpy() for s in s0],
        **{k: getattr(module, v).grad.numpy() for k, v in names.items()},
    }


def seqlib_torch_run(layer, x, state0, w_out, w_state):
    x = torch.tensor(x, requires_grad=True)
    s0 = [torch.tensor(s, requires_grad=True) for s in as_tuple(state0)]
    outputs, state = layer(x, tuple(s0) if len(s0) == 2 else s0[0])
    loss = (outputs * torch.tensor(w_out)).sum() + sum(
        (s * torch.tensor(w)).sum() for s, w in zip(as_tuple(state), as_tuple(w_state), strict=True)
    )
    loss.backward()
    return {
        "outputs": outputs.detach().numpy(),
        "state": [s.detach().numpy() for s in as_tuple(state)],
        "dx": x.grad.numpy(),
        "dstate0": [s.grad.numpy() for s in s0],
        **{k: getattr(layer, k).grad.numpy() for k in ("W_ih", "W_hh", "b_ih", "b_hh")},
    }


def seqlib_numpy_run(layer, x, state0, w_out, w_state):
    outputs, state, cache = layer.forward(x, state0)
    dx, dstate0, grads = layer.backward(w_out, w_state, cache)
    return {
        "outputs": outputs,
        "state": list(as_tuple(state)),
        "dx": dx,
        "dstate0": list(as_tuple(dstate0)),
        **grads,
    }


def assert_same(a, b, tol):
    assert a.keys() == b.keys()
    for key in a:
        for u, v in zip(*(x if isinstance(x, list) else [x] for x in (a[key], b[key])), strict=True):
            assert u.dtype == v.dtype, key
            np.testing.assert_allclose(u, v, rtol=0, atol=tol, err_msg=key)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
@given(sizes=sizes, seed=st.integers(0, 2**16), batch_first=st.booleans())
@example(sizes=(1, 1, 1, 1), seed=0, batch_first=True)
def test_equal_to_torch_nn(cell, dtype, sizes, seed, batch_first):
    B, T, I, H = sizes
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    npdt = NP_DTYPE[dtype]
    module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](I, H, batch_first=True, dtype=dtype)
    x = rng.normal(size=(B, T, I)).astype(npdt)
    state0 = random_state(cell, B, H, rng, npdt)
    w_out = rng.normal(size=(B, T, H)).astype(npdt)
    w_state = random_state(cell, B, H, rng, npdt)
    reference = torch_nn_run(module, x, state0, w_out, w_state)

    # from_torch accepts either batch_first; seqlib itself is always batch-first.
    source = module
    if not batch_first:
        source = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](I, H, batch_first=False, dtype=dtype)
        source.load_state_dict(module.state_dict())
    np_layer = {"lstm": snp.LSTM, "gru": snp.GRU}[cell].from_torch(source)
    assert np_layer.dtype == npdt
    assert_same(reference, seqlib_numpy_run(np_layer, x, state0, w_out, w_state), TOL[dtype])
    for impl in sto.cells.IMPLS:
        t_layer = {"lstm": sto.LSTM, "gru": sto.GRU}[cell].from_torch(source, impl=impl)
        assert t_layer.dtype == dtype
        assert_same(reference, seqlib_torch_run(t_layer, x, state0, w_out, w_state), TOL[dtype])


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@given(sizes=sizes, seed=st.integers(0, 2**16))
def test_cells_equal_to_torch_nn_cells(cell, sizes, seed):
    B, _, I, H = sizes
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ref = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[cell](I, H, dtype=torch.float64)
    x = rng.normal(size=(B, I))
    state0 = random_state(cell, B, H, rng)
    expected = ref(torch.tensor(x), tuple(map(torch.tensor, state0)) if cell == "lstm" else torch.tensor(state0))
    np_cell = {"lstm": snp.LSTMCell, "gru": snp.GRUCell}[cell].from_torch(ref)
    got_np = np_cell(x, state0)
    for impl in sto.cells.IMPLS:
        t_cell = {"lstm": sto.LSTMCell, "gru": sto.GRUCell}[cell].from_torch(ref, impl=impl)
        got_t = t_cell(torch.tensor(x), tuple(map(torch.tensor, state0)) if cell == "lstm" else torch.tensor(state0))
        for e, t in zip(as_tuple(expected), as_tuple(got_t), strict=True):
            np.testing.assert_allclose(t.detach().numpy(), e.detach().numpy(), rtol=0, atol=1e-12)
    for e, n in zip(as_tuple(expected), as_tuple(got_np), strict=True):
        np.testing.assert_allclose(n, e.detach().numpy(), rtol=0, atol=1e-12)


@given(sizes=sizes, seed=st.integers(0, 2**16))
def test_reset_before_gru_numpy_equals_torch(sizes, seed):
    """torch.nn has no reset-before GRU; the two seqlib backends check each other, gradients included."""
    B, T, I, H = sizes
    rng = np.random.default_rng(seed)
    np_layer = snp.GRU(I, H, reset_after=False, seed=seed)
    x = rng.normal(size=(B, T, I))
    state0 = random_state("gru", B, H, rng)
    w_out, w_state = rng.normal(size=(B, T, H)), random_state("gru", B, H, rng)
    expected = seqlib_numpy_run(np_layer, x, state0, w_out, w_state)
    for impl in sto.cells.IMPLS:
        t_layer = sto.GRU(I, H, reset_after=False, seed=seed, dtype=torch.float64, impl=impl)
        assert_same(expected, seqlib_torch_run(t_layer, x, state0, w_out, w_state), 1e-10)


def test_reset_after_and_before_differ():
    """Same weights, different place for the reset gate: different numbers (otherwise the option is moot)."""
    rng = np.random.default_rng(0)
    after = snp.GRU(3, 4, reset_after=True, seed=0)
    before = snp.GRU._from_params(after.parameters(), reset_after=False)
    x = rng.normal(size=(2, 5, 3))
    assert np.abs(after(x)[0] - before(x)[0]).max() > 1e-3


def test_torch_layers_train_with_an_optimizer():
    torch.manual_seed(0)
    layer = sto.GRU(2, 8, seed=0)
    head = torch.nn.Linear(8, 1)
    opt = torch.optim.Adam([*layer.parameters(), *head.parameters()], lr=0.05)
    x = torch.randn(16, 6, 2)
    y = x.sum(dim=(1, 2))[:, None]
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = ((head(layer(x)[1]) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]
    assert {n for n, _ in layer.named_parameters()} == {"W_ih", "W_hh", "b_ih", "b_hh"}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device; seqlib.torch never requires one")
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_cuda_matches_cpu(cell):
    cpu = {"lstm": sto.LSTM, "gru": sto.GRU}[cell](5, 7, seed=0, dtype=torch.float64)
    gpu = {"lstm": sto.LSTM, "gru": sto.GRU}[cell](5, 7, seed=0, dtype=torch.float64, device="cuda")
    assert gpu.W_ih.device.type == "cuda"
    x = torch.randn(3, 4, 5, dtype=torch.float64)
    out_cpu, _ = cpu(x)
    out_gpu, state = gpu(x.cuda())
    assert all(s.device.type == "cuda" for s in as_tuple(state))
    np.testing.assert_allclose(out_gpu.cpu().detach().numpy(), out_cpu.detach().numpy(), atol=1e-10)
