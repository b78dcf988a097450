"""seqlib.numpy's hand-written backward against central differences, step by step and through time."""

import numpy as np
import pytest
from conftest import VARIANT_IDS, VARIANTS, random_state
from hypothesis import example, given
from hypothesis import strategies as st

import seqlib.numpy as snp

CLASSES = {"lstm": (snp.LSTMCell, snp.LSTM), "gru": (snp.GRUCell, snp.GRU)}


def numerical_grad(f, a, eps=1e-5):
    """Central differences of the scalar f() with respect to every entry of a (changed in place, restored)."""
    grad = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        plus = f()
        a[idx] = old - eps
        minus = f()
        a[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def rel_error(a, b):
    """Norm-wise relative error: entry-wise ratios blow up on gradients that are zero up to rounding."""
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


def assert_gradients_match(checks, loss):
    """All gradients (input, parameters, initial state) as one vector against central differences."""
    analytic = np.concatenate([a.ravel() for a, _ in checks])
    numeric = np.concatenate([numerical_grad(loss, array).ravel() for _, array in checks])
    assert rel_error(analytic, numeric) <= 1e-7


def state_parts(state):
    return list(state) if isinstance(state, tuple) else [state]


def loss_weights(cell, out_shape, batch, hidden, rng):
    return rng.normal(size=out_shape), random_state(cell, batch, hidden, rng)


def weighted_sum(outputs, state, w_out, w_state):
    total = 0.0 if outputs is None else np.sum(outputs * w_out)
    return total + sum(np.sum(s * w) for s, w in zip(state_parts(state), state_parts(w_state), strict=True))


sizes = st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.integers(1, 4))


@pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
@given(sizes=sizes, seed=st.integers(0, 2**16))
@example(sizes=(1, 1, 1, 1), seed=0)
def test_layer_bptt_matches_central_differences(cell, kwargs, sizes, seed):
    B, T, I, H = sizes
    rng = np.random.default_rng(seed)
    layer = CLASSES[cell][1](I, H, seed=seed, **kwargs)
    x = rng.normal(size=(B, T, I))
    state0 = random_state(cell, B, H, rng)
    w_out, w_state = loss_weights(cell, (B, T, H), B, H, rng)

    def loss():
        outputs, state = layer(x, state0)
        return weighted_sum(outputs, state, w_out, w_state)

    _, _, cache = layer.forward(x, state0)
    dx, dstate0, grads = layer.backward(w_out, w_state, cache)
    checks = [(dx, x)] + [(grads[k], v) for k, v in layer.parameters().items()]
    checks += list(zip(state_parts(dstate0), state_parts(state0), strict=True))
    assert_gradients_match(checks, loss)


@pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
@given(sizes=sizes, seed=st.integers(0, 2**16))
def test_cell_backward_matches_central_differences(cell, kwargs, sizes, seed):
    B, _, I, H = sizes
    rng = np.random.default_rng(seed)
    step = CLASSES[cell][0](I, H, seed=seed, **kwargs)
    x = rng.normal(size=(B, I))
    state0 = random_state(cell, B, H, rng)
    w_state = random_state(cell, B, H, rng)

    def loss():
        return weighted_sum(None, step(x, state0), None, w_state)

    _, cache = step.forward(x, state0)
    dx, dstate0, grads = step.backward(w_state, cache)
    checks = [(dx, x)] + [(grads[k], v) for k, v in step.parameters().items()]
    checks += list(zip(state_parts(dstate0), state_parts(state0), strict=True))
    assert_gradients_match(checks, loss)


def test_backward_with_only_final_state_gradient(rng):
    """An encoder's outputs often do not reach the loss: doutputs=None must equal zeros."""
    layer = snp.LSTM(3, 4, seed=0)
    x = rng.normal(size=(2, 5, 3))
    _, state, cache = layer.forward(x)
    dstate = random_state("lstm", 2, 4, rng)
    a = layer.backward(None, dstate, cache)
    b = layer.backward(np.zeros((2, 5, 4)), dstate, cache)
    np.testing.assert_array_equal(a[0], b[0])
    for k in a[2]:
        np.testing.assert_array_equal(a[2][k], b[2][k])


def test_sigmoid_is_stable_and_exact():
    with np.errstate(all="raise"):
        s = snp.sigmoid(np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    a = np.linspace(-20, 20, 101)
    np.testing.assert_allclose(snp.sigmoid(a), 1 / (1 + np.exp(-a)), rtol=1e-12, atol=1e-15)
    assert snp.sigmoid(np.float32([-1000, 1000])).dtype == np.float32


@pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
def test_float32_stays_float32(cell, kwargs, rng):
    layer = CLASSES[cell][1](3, 4, dtype=np.float32, seed=0, **kwargs)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    outputs, state, cache = layer.forward(x)
    assert outputs.dtype == np.float32
    assert all(s.dtype == np.float32 for s in state_parts(state))
    dx, dstate, grads = layer.backward(np.ones_like(outputs), None, cache)
    assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())
    assert all(s.dtype == np.float32 for s in state_parts(dstate))


def test_forget_bias_sets_the_forget_gates_total_bias():
    H = 5
    layer = snp.LSTM(3, H, forget_bias=1.0, seed=0)
    total = layer.b_ih + layer.b_hh
    np.testing.assert_array_equal(total[H : 2 * H], 1.0)
    assert not np.allclose(total[:H], 1.0)  # the other gates keep torch.nn's initialisation


def test_same_seed_same_weights_in_both_backends():
    import torch

    import seqlib.torch as sto

    a = snp.GRU(4, 6, seed=3)
    b = sto.GRU(4, 6, seed=3, dtype=torch.float64)
    for name, value in a.parameters().items():
        np.testing.assert_array_equal(value, getattr(b, name).detach().numpy())
    assert a.num_params() == b.num_params() == sum(v.size for v in a.parameters().values())
    assert snp.GRU(4, 6).num_params() * 4 == snp.LSTM(4, 6).num_params() * 3
