"""Right-padded batches: the final state is taken at each sequence's last real token, never at padding."""

import numpy as np
import pytest
import torch
from conftest import VARIANT_IDS, VARIANTS, random_state
from hypothesis import given
from hypothesis import strategies as st
from test_numpy_gradients import assert_gradients_match, state_parts, weighted_sum

import seqlib.numpy as snp
import seqlib.torch as sto

NP = {"lstm": snp.LSTM, "gru": snp.GRU}
TH = {"lstm": sto.LSTM, "gru": sto.GRU}


def padded_batch(rng, lengths, I, pad_value=7.0):
    """Random sequences, right-padded with a value that would change the state if it were read."""
    x = np.full((len(lengths), max(lengths), I), pad_value)
    for b, n in enumerate(lengths):
        x[b, :n] = rng.normal(size=(n, I))
    return x


lengths_st = st.lists(st.integers(1, 5), min_size=1, max_size=4)


@pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
@given(lengths=lengths_st, seed=st.integers(0, 2**16))
def test_padded_batch_equals_each_sequence_alone(cell, kwargs, lengths, seed):
    rng = np.random.default_rng(seed)
    I, H = 3, 4
    x = padded_batch(rng, lengths, I)
    state0 = random_state(cell, len(lengths), H, rng)
    np_layer = NP[cell](I, H, seed=seed, **kwargs)
    t_layer = TH[cell](I, H, seed=seed, dtype=torch.float64, **kwargs)
    outputs, state = np_layer(x, state0, lengths=lengths)
    t_state0 = tuple(map(torch.tensor, state0)) if cell == "lstm" else torch.tensor(state0)
    with torch.no_grad():
        t_outputs, t_state = t_layer(torch.tensor(x), t_state0, lengths=torch.tensor(lengths))
    np.testing.assert_allclose(t_outputs.numpy(), outputs, atol=1e-12)
    for a, b in zip(state_parts(t_state), state_parts(state), strict=True):
        np.testing.assert_allclose(a.numpy(), b, atol=1e-12)
    for b, n in enumerate(lengths):
        alone_state0 = tuple(s[b : b + 1] for s in state0) if cell == "lstm" else state0[b : b + 1]
        alone_out, alone_state = np_layer(x[b : b + 1, :n], alone_state0)
        np.testing.assert_allclose(outputs[b, :n], alone_out[0], atol=1e-12)
        assert np.all(outputs[b, n:] == 0)
        for s, a in zip(state_parts(state), state_parts(alone_state), strict=True):
            np.testing.assert_allclose(s[b], a[0], atol=1e-12)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_final_state_equals_torch_nn_packed_sequence(cell):
    rng = np.random.default_rng(0)
    lengths = [5, 2, 4, 1]
    x = padded_batch(rng, lengths, 3)
    module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](3, 4, batch_first=True, dtype=torch.float64)
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        _, ref = module(packed)
    _, state = NP[cell].from_torch(module)(x, lengths=lengths)
    for r, s in zip(state_parts(ref), state_parts(state), strict=True):
        np.testing.assert_allclose(s, r[0].numpy(), atol=1e-12)


@pytest.mark.parametrize(("cell", "kwargs"), VARIANTS, ids=VARIANT_IDS)
@given(lengths=lengths_st, seed=st.integers(0, 2**16))
def test_masked_bptt_matches_central_differences_and_autograd(cell, kwargs, lengths, seed):
    rng = np.random.default_rng(seed)
    B, I, H = len(lengths), 2, 3
    x = padded_batch(rng, lengths, I)
    T = x.shape[1]
    layer = NP[cell](I, H, seed=seed, **kwargs)
    state0 = random_state(cell, B, H, rng)
    w_out, w_state = rng.normal(size=(B, T, H)), random_state(cell, B, H, rng)

    def loss():
        outputs, state = layer(x, state0, lengths=lengths)
        return weighted_sum(outputs, state, w_out, w_state)

    _, _, cache = layer.forward(x, state0, lengths=lengths)
    dx, dstate0, grads = layer.backward(w_out, w_state, cache)
    checks = [(dx, x)] + [(grads[k], v) for k, v in layer.parameters().items()]
    checks += list(zip(state_parts(dstate0), state_parts(state0), strict=True))
    assert_gradients_match(checks, loss)
    for b, n in enumerate(lengths):
        assert np.all(dx[b, n:] == 0)  # padding never reaches a gradient

    t_layer = TH[cell]._from_params(layer.parameters(), reset_after=kwargs.get("reset_after", True))
    xt = torch.tensor(x, requires_grad=True)
    t_outputs, t_state = t_layer(xt, None if state0 is None else _torch_state(state0), lengths=lengths)
    t_loss = (t_outputs * torch.tensor(w_out)).sum() + sum(
        (s * torch.tensor(w)).sum() for s, w in zip(state_parts(t_state), state_parts(w_state), strict=True)
    )
    t_loss.backward()
    np.testing.assert_allclose(xt.grad.numpy(), dx, atol=1e-10)
    for k, g in grads.items():
        np.testing.assert_allclose(getattr(t_layer, k).grad.numpy(), g, atol=1e-10)


def _torch_state(state):
    return tuple(map(torch.tensor, state)) if isinstance(state, tuple) else torch.tensor(state)


@pytest.mark.parametrize(
    ("lengths", "exc", "words"),
    [
        ([3, 2], ValueError, ("one entry per sequence",)),
        ([3, 0, 1], ValueError, ("between 1 and",)),
        ([3, 6, 1], ValueError, ("between 1 and",)),
        ([3.0, 2.0, 1.0], TypeError, ("integers",)),
    ],
    ids=["count", "zero", "too-long", "float"],
)
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_bad_lengths_explain_themselves(backend, lengths, exc, words):
    x = np.zeros((3, 5, 2))
    layer = snp.GRU(2, 3) if backend == "numpy" else sto.GRU(2, 3, dtype=torch.float64)
    x = x if backend == "numpy" else torch.tensor(x)
    with pytest.raises(exc) as info:
        layer(x, lengths=lengths)
    assert all(w in str(info.value) for w in words), str(info.value)
