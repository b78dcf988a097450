"""seqlib.numpy's encoder-decoder: its hand-written backward against central differences and torch autograd,
its decoding loops against step-by-step references, Adam and clipping against torch, training, checkpoints
and the errors that teach."""

import inspect
import time

import numpy as np
import pytest
import torch
from test_numpy_gradients import assert_gradients_match

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import tasks
from seqlib._seq2seq import model_params

VARIANTS = [("lstm", True), ("gru", True), ("gru", False)]
VARIANT_IDS = ["lstm", "gru-reset-after", "gru-reset-before"]


def tiny_config(cell="lstm", reset_after=True, init_state="encoder", **changes):
    """Vocabularies of 6 (3 specials + 3 symbols), E=3, H=4: every parameter is cheap to perturb."""
    kwargs = dict(src_vocab_size=6, tgt_vocab_size=6, cell=cell, embed_size=3, hidden_size=4, max_len=5)
    return snp.Config(init_state=init_state, reset_after=reset_after, **{**kwargs, **changes})


def tiny_batch():
    """Three sources of lengths 3, 1 and 2 (right-padded), targets of 4, 2 and 3 steps (EOS included)."""
    src = np.array([[3, 4, 5], [5, 0, 0], [4, 3, 0]])
    src_lengths = np.array([3, 1, 2])
    dec_in = np.array([[1, 5, 4, 3], [1, 3, 0, 0], [1, 3, 4, 0]])
    dec_out = np.array([[5, 4, 3, 2], [3, 2, 0, 0], [3, 4, 2, 0]])
    return src, src_lengths, dec_in, dec_out, dec_out != 0


def randomized(model, seed=1):
    """Nonzero learned start states (they start at zeros) and larger weights, so every path carries signal."""
    rng = np.random.default_rng(seed)
    for p in model.parameters().values():
        p[...] = rng.normal(0.0, 0.5, p.shape)
    return model


def torch_twin(model):
    twin = sto.Seq2Seq(model.config, dtype=torch.float64, seed=0)
    twin.load_numpy_weights(model.numpy_weights())
    return twin


# -- the whole model's backward --------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "reset_after"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize(
    ("init_state", "teacher_forcing"),
    [("encoder", 1.0), ("learned", 1.0), ("zeros", 1.0), ("encoder", 0.5)],
    ids=["encoder", "learned", "zeros", "scheduled-sampling"],
)
def test_backward_matches_central_differences(cell, reset_after, init_state, teacher_forcing):
    model = randomized(snp.Seq2Seq(tiny_config(cell, reset_after, init_state)))
    src, src_lengths, dec_in, dec_out, mask = tiny_batch()

    def run():
        # The same draws for every evaluation: the fed-back tokens are fixed, the loss is a smooth function.
        logits, cache = model.forward(src, src_lengths, dec_in, teacher_forcing, np.random.default_rng(3))
        return logits, cache

    def loss():
        return model.loss(run()[0], dec_out, mask)[0]

    logits, cache = run()
    grads = model.backward(model.loss(logits, dec_out, mask)[1], cache)
    assert list(grads) == list(model.parameters())
    checks = [(grads[k], p) for k, p in model.parameters().items()]
    assert_gradients_match(checks, loss)
    if init_state != "encoder":  # the decoder learns nothing about the source: no gradient reaches the encoder
        assert all(not grads[k].any() for k in grads if k.startswith("encoder."))
    if teacher_forcing < 1:  # the draws did feed some of the model's own predictions
        assert not np.allclose(logits, model.forward(src, src_lengths, dec_in)[0])


# -- against torch autograd ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "reset_after"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("init_state", ["encoder", "learned"])
def test_same_logits_loss_and_gradients_as_torch(cell, reset_after, init_state):
    config = tiny_config(cell, reset_after, init_state)
    model = snp.Seq2Seq(config, seed=0)
    twin = sto.Seq2Seq(config, dtype=torch.float64, seed=0)
    for name, value in twin.numpy_weights().items():  # the same seed is the same weights
        np.testing.assert_array_equal(model.parameters()[name], value)
    src, src_lengths, dec_in, dec_out, mask = tiny_batch()
    for step in ("same seed", "after load_numpy_weights"):
        logits, cache = model.forward(src, src_lengths, dec_in)
        loss, dlogits = model.loss(logits, dec_out, mask)
        grads = model.backward(dlogits, cache)
        twin.zero_grad()
        t_logits = twin(src, src_lengths, dec_in)
        t_loss = twin.loss(t_logits, dec_out, mask)
        t_loss.backward()
        np.testing.assert_allclose(logits, t_logits.detach().numpy(), rtol=0, atol=1e-12, err_msg=step)
        assert loss == pytest.approx(t_loss.item(), abs=1e-12)
        for name, p in twin._named().items():
            expected = np.zeros(p.shape) if p.grad is None else p.grad.numpy()  # None: no path to the loss
            np.testing.assert_allclose(grads[name], expected, rtol=0, atol=1e-12, err_msg=f"{step}: {name}")
        randomized(model, seed=7)
        twin.load_numpy_weights(model.numpy_weights())


@pytest.mark.parametrize(("cell", "reset_after"), VARIANTS, ids=VARIANT_IDS)
def test_same_decoding_and_parameter_count_as_torch(cell, reset_after):
    task = tasks.reverse(length=(2, 4), symbols="abcd", n_train=20, n_test=10, seed=0)
    model = snp.Seq2Seq.for_task(task, cell, hidden_size=6, embed_size=4, reset_after=reset_after, seed=2)
    twin = sto.Seq2Seq.for_task(task, cell, hidden_size=6, embed_size=4, reset_after=reset_after,
                                dtype=torch.float64, seed=2)  # fmt: skip
    src, lengths = task.encode_sources(list(task.test.sources))
    np.testing.assert_array_equal(model.greedy(src, lengths), twin.greedy(src, lengths).numpy())
    assert model.beam_search(src, lengths, beam_size=3) == twin.beam_search(src, lengths, beam_size=3)
    assert model.num_params() == twin.num_params() == model_params(model.config)


def test_the_api_mirrors_seqlib_torch():
    backend_only = {"rnn", "device", "generator", "rng"}

    def names(fn):
        return [p for p in inspect.signature(fn).parameters if p not in backend_only]

    for name in ("fit", "translate", "save", "load"):
        assert names(getattr(snp, name)) == names(getattr(sto, name)), name
    for name in ("for_task", "forward", "loss", "greedy", "beam_search", "bridge", "encode", "load_numpy_weights"):
        assert names(getattr(snp.Seq2Seq, name)) == names(getattr(sto.Seq2Seq, name)), name
    for cls in ("Encoder", "Decoder"):
        assert names(getattr(snp, cls)) == names(getattr(sto, cls)), cls
    assert names(snp.Decoder.step) == names(sto.Decoder.step)


# -- the loops, against references written out here -----------------------------------------------------------


@pytest.mark.parametrize(("cell", "reset_after"), VARIANTS, ids=VARIANT_IDS)
def test_teacher_forcing_equals_feeding_the_true_tokens_step_by_step(cell, reset_after):
    model = randomized(snp.Seq2Seq(tiny_config(cell, reset_after)))
    src, src_lengths, dec_in, _, _ = tiny_batch()
    logits, _ = model.forward(src, src_lengths, dec_in)
    state = model.encode(src, src_lengths)
    for t in range(dec_in.shape[1]):
        step_logits, state = model.decoder.step(dec_in[:, t], state)
        np.testing.assert_allclose(logits[:, t], step_logits, rtol=0, atol=1e-12)


def test_teacher_forcing_zero_feeds_the_models_own_argmax():
    model = randomized(snp.Seq2Seq(tiny_config("gru")))
    src, src_lengths, dec_in, _, _ = tiny_batch()
    logits, _ = model.forward(src, src_lengths, dec_in, teacher_forcing=0.0, rng=np.random.default_rng(0))
    state, token = model.encode(src, src_lengths), dec_in[:, 0]
    for t in range(dec_in.shape[1]):
        step_logits, state = model.decoder.step(token, state)
        np.testing.assert_allclose(logits[:, t], step_logits, rtol=0, atol=1e-12)
        token = step_logits.argmax(axis=1)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_greedy_equals_decoding_each_source_alone(cell):
    model = randomized(snp.Seq2Seq(tiny_config(cell, max_len=6)), seed=4)
    src, src_lengths, _, _, _ = tiny_batch()
    out = model.greedy(src, src_lengths)
    assert out.dtype == np.int64 and out.shape[0] == 3
    eos, pad = model.config.eos, model.config.pad
    for b, n in enumerate(src_lengths):
        _, state = model.encoder.rnn(model.encoder.embedding[src[b : b + 1, :n]])  # unpadded: no lengths
        token, expected = model.config.bos, []
        while len(expected) < model.config.max_len and (not expected or expected[-1] != eos):
            outputs, state = model.decoder.rnn(model.decoder.embedding[[[token]]], state)
            token = int(np.argmax(outputs[0, 0] @ model.decoder.W_out.T + model.decoder.b_out))
            expected.append(token)
        row = list(out[b])
        assert row[: len(expected)] == expected
        assert all(t == pad for t in row[len(expected) :])
    ended = [eos in list(row) for row in out]
    assert out.shape[1] == model.config.max_len or all(ended)


def test_beam_of_one_is_greedy():
    model = randomized(snp.Seq2Seq(tiny_config("lstm", max_len=6)), seed=4)
    src, src_lengths, _, _, _ = tiny_batch()
    greedy = model.greedy(src, src_lengths)
    for row, beam in zip(greedy, model.beam_search(src, src_lengths, beam_size=1), strict=True):
        assert list(row[: len(beam)]) == beam


def test_padding_never_counts():
    model = randomized(snp.Seq2Seq(tiny_config("lstm")))
    src, src_lengths, dec_in, dec_out, mask = tiny_batch()
    logits, _ = model.forward(src, src_lengths, dec_in)
    loss, dlogits = model.loss(logits, dec_out, mask)
    assert np.all(dlogits[~mask] == 0)
    changed = logits.copy()
    changed[~mask] = np.random.default_rng(0).normal(0, 100, changed[~mask].shape)
    assert model.loss(changed, dec_out, mask)[0] == loss
    # more padding on the source, holding arbitrary ids, changes nothing either
    wider = np.concatenate([src, np.full((3, 2), 4)], axis=1)
    np.testing.assert_allclose(model.forward(wider, src_lengths, dec_in)[0], logits, rtol=0, atol=1e-12)
    # the loss is the mean over real tokens only
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, dec_out[..., None], axis=-1)[..., 0]
    assert loss == pytest.approx(-picked[mask].mean(), abs=1e-12)


def test_loss_is_stable_for_huge_logits():
    logits = np.array([[[1000.0, 0.0, -1000.0]]])
    loss, dlogits = snp.Seq2Seq.loss(logits, np.array([[0]]), np.array([[True]]))
    assert loss == 0.0 and np.isfinite(dlogits).all()
    loss, _ = snp.Seq2Seq.loss(logits, np.array([[2]]), np.array([[True]]))
    assert loss == pytest.approx(2000.0)


def test_float32_stays_float32():
    model = snp.Seq2Seq(tiny_config("gru", init_state="learned"), dtype=np.float32)
    reference = snp.Seq2Seq(tiny_config("gru", init_state="learned"))
    src, src_lengths, dec_in, dec_out, mask = tiny_batch()
    logits, cache = model.forward(src, src_lengths, dec_in, 0.5, np.random.default_rng(0))
    np.testing.assert_allclose(logits, reference.forward(src, src_lengths, dec_in, 0.5, np.random.default_rng(0))[0],
                               atol=1e-5)  # fmt: skip
    loss, dlogits = model.loss(logits, dec_out, mask)
    grads = model.backward(dlogits, cache)
    assert logits.dtype == dlogits.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    snp.clip_grad_norm(grads, 0.1)
    snp.Adam(model.parameters()).step(grads)
    assert all(p.dtype == np.float32 for p in model.parameters().values())
    assert model.greedy(src, src_lengths).dtype == np.int64


# -- optimizer and clipping against torch ----------------------------------------------------------------------


def test_adam_matches_torch():
    rng = np.random.default_rng(0)
    params = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=5)}
    t_params = [torch.tensor(p.copy(), requires_grad=True) for p in params.values()]
    adam = snp.Adam(params, lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    t_adam = torch.optim.Adam(t_params, lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(5):
        grads = {k: rng.normal(size=p.shape) for k, p in params.items()}
        for t_p, g in zip(t_params, grads.values(), strict=True):
            t_p.grad = torch.tensor(g)
        adam.step(grads)
        t_adam.step()
    for p, t_p in zip(params.values(), t_params, strict=True):
        np.testing.assert_allclose(p, t_p.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(max_norm):
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=5)}
    t_params = [torch.zeros(g.shape, dtype=torch.float64) for g in grads.values()]
    for t_p, g in zip(t_params, grads.values(), strict=True):
        t_p.grad = torch.tensor(g)
    norm = snp.clip_grad_norm(grads, max_norm)
    t_norm = torch.nn.utils.clip_grad_norm_(t_params, max_norm)
    assert norm == pytest.approx(t_norm.item(), rel=1e-12)
    for g, t_p in zip(grads.values(), t_params, strict=True):
        np.testing.assert_allclose(g, t_p.grad.numpy(), rtol=1e-12)


# -- training, translating, checkpoints ------------------------------------------------------------------------


def small_task():
    return tasks.reverse(length=(2, 4), symbols="abcd", n_train=256, n_test=64, seed=0)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_short_training_run_learns_to_reverse(cell):
    task = small_task()
    model = snp.Seq2Seq.for_task(task, cell, hidden_size=32, embed_size=16, seed=0)
    start = time.perf_counter()
    history = snp.fit(model, task, epochs=60, target_accuracy=0.9, batch_size=32, lr=0.01, seed=0, progress=False)
    assert time.perf_counter() - start < 20
    assert history.final_accuracy >= 0.9, history
    assert history.stopped_because == "target accuracy reached"
    # translate reads human text and writes human text; a beam of 2 decodes too
    assert snp.translate(model, task, list(task.test.sources[:8])) == snp.translate(
        model, task, list(task.test.sources[:8])
    )
    assert all(isinstance(t, str) for t in snp.translate(model, task, ["abc", "dd"], beam_size=2))


def test_fit_is_reproducible_with_scheduled_sampling():
    task = small_task()

    def run():
        model = snp.Seq2Seq.for_task(task, "lstm", hidden_size=8, embed_size=4, seed=0)
        snp.fit(model, task, epochs=1, batch_size=64, teacher_forcing=0.5, seed=3, progress=False, eval_limit=8)
        return model.numpy_weights()

    a, b = run(), run()
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_checkpoint_round_trip(tmp_path):
    task = small_task()
    model = randomized(snp.Seq2Seq.for_task(task, "lstm", hidden_size=8, embed_size=4, init_state="learned"))
    path = tmp_path / "model.ckpt"  # no .npz suffix: the file is written at exactly this path
    snp.save(model, path)
    assert path.exists()
    loaded = snp.load(path)
    assert loaded.config == model.config and loaded.dtype == model.dtype
    src, lengths = task.encode_sources(list(task.test.sources))
    np.testing.assert_array_equal(loaded.greedy(src, lengths), model.greedy(src, lengths))
    into = snp.Seq2Seq.for_task(task, "lstm", hidden_size=8, embed_size=4, init_state="learned", seed=5)
    assert snp.load(path, into) is into
    np.testing.assert_array_equal(into.greedy(src, lengths), model.greedy(src, lengths))
    snp.save(snp.Seq2Seq.for_task(task, "gru", hidden_size=8, dtype=np.float32), path)
    assert snp.load(path).dtype == np.float32


def test_loading_an_lstm_checkpoint_into_a_gru_names_both(tmp_path):
    task = small_task()
    path = tmp_path / "lstm.npz"
    snp.save(snp.Seq2Seq.for_task(task, "lstm", hidden_size=8), path)
    with pytest.raises(ValueError, match=r"holds a LSTM .*hidden_size=8.* is a GRU one \(hidden_size=6\)"):
        snp.load(path, snp.Seq2Seq.for_task(task, "gru", hidden_size=6))


def test_a_torch_checkpoint_is_refused_with_a_pointer(tmp_path):
    task = small_task()
    path = tmp_path / "torch.pt"
    sto.save(sto.Seq2Seq.for_task(task, "gru", hidden_size=8), path)
    with pytest.raises(ValueError, match="seqlib.torch.load"):
        snp.load(path)


# -- errors that teach ---------------------------------------------------------------------------------------


@pytest.fixture
def model():
    return snp.Seq2Seq(tiny_config("gru"))


def test_ids_outside_the_vocabulary(model):
    src, src_lengths, dec_in, _, _ = tiny_batch()
    with pytest.raises(ValueError, match=r"src holds id 6 .* outside the vocabulary \[0, 6\)"):
        model.forward(src + 3, src_lengths, dec_in)
    with pytest.raises(ValueError, match="dec_in holds id -1"):
        model.forward(src, src_lengths, dec_in - 2)
    with pytest.raises(TypeError, match="integer token ids"):
        model.greedy(src.astype(float), src_lengths)


def test_target_longer_than_max_len(model):
    src, src_lengths, dec_in, _, _ = tiny_batch()
    with pytest.raises(ValueError, match="need 6 decoder steps .* max_len=5"):
        model.forward(src, src_lengths, np.ones((3, 6), dtype=np.int64))


def test_empty_batch(model):
    with pytest.raises(ValueError, match="empty batch"):
        model.greedy(np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64))
    with pytest.raises(ValueError, match="empty time axis"):
        model.greedy(np.zeros((2, 0), dtype=np.int64), np.zeros(2, dtype=np.int64))


def test_bad_lengths_are_caught_by_the_layer(model):
    src, _, dec_in, _, _ = tiny_batch()
    with pytest.raises(ValueError, match="between 1 and the padded time axis"):
        model.forward(src, np.array([3, 0, 2]), dec_in)


def test_scheduled_sampling_needs_a_generator(model):
    src, src_lengths, dec_in, _, _ = tiny_batch()
    with pytest.raises(ValueError, match="rng=np.random.default_rng"):
        model.forward(src, src_lengths, dec_in, teacher_forcing=0.5)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        model.forward(src, src_lengths, dec_in, teacher_forcing=0.5, rng=torch.Generator())
    with pytest.raises(ValueError, match="between 0 and 1"):
        model.forward(src, src_lengths, dec_in, teacher_forcing=1.5)


def test_unknown_cell_or_init_state():
    with pytest.raises(ValueError, match="cell must be 'lstm' or 'gru', got 'rnn'"):
        tiny_config("rnn")
    with pytest.raises(ValueError, match="init_state must be one of"):
        tiny_config(init_state="random")
    with pytest.raises(TypeError, match="takes a seqlib Config"):
        snp.Seq2Seq({"cell": "gru"})


def test_loss_and_backward_inputs(model):
    src, src_lengths, dec_in, dec_out, mask = tiny_batch()
    logits, cache = model.forward(src, src_lengths, dec_in)
    with pytest.raises(ValueError, match="no real token"):
        model.loss(logits, dec_out, np.zeros_like(mask))
    with pytest.raises(TypeError, match="bool"):
        model.loss(logits, dec_out, mask.astype(float))
    with pytest.raises(ValueError, match="like the logits"):
        model.loss(logits, dec_out[:, :2], mask[:, :2])
    with pytest.raises(ValueError, match="logits' shape"):
        model.backward(np.zeros((3, 2, 6)), cache)
    with pytest.raises(TypeError, match="float32"):
        model.backward(np.zeros(logits.shape, np.float32), cache)


def test_optimizer_inputs(model):
    grads = {k: np.zeros_like(p) for k, p in model.parameters().items()}
    adam = snp.Adam(model.parameters())
    with pytest.raises(ValueError, match=r"missing \['decoder.W_out'\]"):
        adam.step({k: g for k, g in grads.items() if k != "decoder.W_out"})
    with pytest.raises(ValueError, match="lr must be a positive number"):
        snp.Adam(model.parameters(), lr=0)
    with pytest.raises(ValueError, match="max_norm"):
        snp.clip_grad_norm(grads, -1.0)
    with pytest.raises(TypeError, match="seqlib.torch.fit"):
        snp.fit(sto.Seq2Seq(tiny_config("gru")), small_task(), epochs=1)


def test_threads_sets_numpys_blas_for_the_call_only():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    task = small_task()
    model, seen = snp.Seq2Seq.for_task(task, "gru", hidden_size=4, embed_size=3), []
    loss = model.loss
    model.loss = lambda *args: (seen.append(blas_threads()), loss(*args))[1]
    snp.fit(model, task, epochs=1, threads=1, progress=False)
    assert seen and all(t == [1] * len(before) for t in seen)
    assert blas_threads() == before
    with pytest.raises(ValueError, match="threads must be a positive int"):
        snp.fit(snp.Seq2Seq(tiny_config("gru")), small_task(), epochs=1, threads=0, progress=False)
    assert blas_threads() == before


def test_lr_decay_lowers_the_learning_rate_every_epoch():
    task = small_task()

    def weights(lr_decay):
        model = snp.Seq2Seq.for_task(task, "gru", hidden_size=8, embed_size=4, seed=0)
        snp.fit(model, task, epochs=2, batch_size=128, lr_decay=lr_decay, progress=False, eval_limit=4)
        return model.numpy_weights()

    constant, decayed = weights(1.0), weights(0.5)
    assert not np.array_equal(constant["decoder.W_out"], decayed["decoder.W_out"])
    with pytest.raises(ValueError, match=r"lr_decay must be a number in \(0, 1\]"):
        weights(0.0)
