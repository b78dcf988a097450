"""seqlib.torch's encoder-decoder: the loop, the bridge, training, checkpoints and the LSTM -> GRU twins."""

import numpy as np
import pytest
import torch

import seqlib.torch as sto
from seqlib import _seq2seq, convert, tasks

CELLS = [("lstm", True), ("gru", True), ("gru", False)]
CELL_IDS = ["lstm", "gru-reset-after", "gru-reset-before"]


@pytest.fixture(scope="module")
def task():
    return tasks.addition(digits=2, n_train=300, n_test=50, seed=0)


def small(task, cell="lstm", reset_after=True, **kwargs):
    return sto.Seq2Seq.for_task(task, cell=cell, hidden_size=8, embed_size=4, reset_after=reset_after,
                                dtype=torch.float64, **kwargs)  # fmt: skip


def a_batch(task, n=5):
    return next(task.batches("train", batch_size=n, seed=0))


@pytest.mark.parametrize(("cell", "reset_after"), CELLS, ids=CELL_IDS)
def test_teacher_forcing_equals_stepping_with_the_true_tokens(task, cell, reset_after):
    model = small(task, cell, reset_after)
    b = a_batch(task)
    logits = model(b["src"], b["src_lengths"], b["dec_in"])
    state = model.encode(b["src"], b["src_lengths"])
    dec_in = torch.from_numpy(b["dec_in"])
    for t in range(dec_in.shape[1]):
        step_logits, state = model.decoder.step(dec_in[:, t], state)
        torch.testing.assert_close(logits[:, t], step_logits, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("cell", "reset_after"), CELLS, ids=CELL_IDS)
def test_greedy_equals_a_step_by_step_reference(task, cell, reset_after):
    model = small(task, cell, reset_after, seed=3)
    b = a_batch(task, 8)
    got = model.greedy(b["src"], b["src_lengths"]).numpy()
    for row in range(8):  # one sequence at a time, no batching tricks
        state = model.encode(b["src"][row : row + 1], b["src_lengths"][row : row + 1])
        token, expected = torch.tensor([model.config.bos]), []
        for _ in range(model.config.max_len):
            logits, state = model.decoder.step(token, state)
            token = logits.argmax(dim=1)
            expected.append(int(token))
            if expected[-1] == model.config.eos:
                break
        assert list(got[row, : len(expected)]) == expected
        assert all(t == model.config.pad for t in got[row, len(expected) :])


def test_padding_never_changes_the_encoder_state(task):
    model = small(task, "lstm")
    b = a_batch(task)
    src = b["src"].copy()
    padded = np.concatenate([src, np.full((src.shape[0], 3), 5)], axis=1)  # garbage past every length
    for a, c in zip(model.encode(src, b["src_lengths"]), model.encode(padded, b["src_lengths"]), strict=True):
        torch.testing.assert_close(a, c, rtol=0, atol=0)


def test_loss_ignores_padding(task):
    model = small(task)
    b = a_batch(task)
    logits = model(b["src"], b["src_lengths"], b["dec_in"]).detach()
    mask = torch.from_numpy(b["mask"])
    assert not mask.all()  # the batch has padding to ignore
    noisy = logits + torch.randn_like(logits) * 100 * (~mask)[:, :, None]
    dec_out = torch.from_numpy(b["dec_out"])
    torch.testing.assert_close(model.loss(noisy, dec_out, mask), model.loss(logits, dec_out, mask))
    expected = torch.nn.functional.cross_entropy(logits[mask], dec_out[mask])
    torch.testing.assert_close(model.loss(logits, dec_out, mask), expected)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_torch_nn_layers_build_the_same_model(task, cell):
    ours, theirs = small(task, cell), small(task, cell, rnn="torch.nn")
    b = a_batch(task)
    a = ours(b["src"], b["src_lengths"], b["dec_in"])
    c = theirs(b["src"], b["src_lengths"], b["dec_in"])
    torch.testing.assert_close(a, c, rtol=0, atol=1e-12)
    assert ours.num_params() == theirs.num_params() == _seq2seq.model_params(ours.config)


@pytest.mark.parametrize("init_state", ["zeros", "learned"])
def test_start_states_other_than_the_encoders_ignore_the_source(task, init_state):
    model = small(task, "lstm", init_state=init_state)
    b = a_batch(task)
    a = model(b["src"], b["src_lengths"], b["dec_in"])
    other = model(b["src"][::-1].copy(), b["src_lengths"][::-1].copy(), b["dec_in"])
    torch.testing.assert_close(a, other)  # the decoder never sees the source: that is the lesson
    if init_state == "learned":
        assert {"h0", "c0"} <= {n for n, _ in model.named_parameters()}


def test_scheduled_sampling_is_reproducible_and_differs_from_teacher_forcing(task):
    model = small(task)
    b = a_batch(task, 16)
    run = [model(b["src"], b["src_lengths"], b["dec_in"], 0.0, torch.Generator().manual_seed(1)) for _ in range(2)]
    torch.testing.assert_close(run[0], run[1])
    forced = model(b["src"], b["src_lengths"], b["dec_in"])
    assert not torch.allclose(run[0], forced)


def test_beam_search_of_width_one_is_greedy_and_wider_beams_score_no_worse(task):
    model = small(task, "gru", seed=5)
    b = a_batch(task, 6)
    greedy = model.greedy(b["src"], b["src_lengths"]).numpy()
    beam1 = model.beam_search(b["src"], b["src_lengths"], beam_size=1)
    for row, seq in zip(greedy, beam1, strict=True):
        assert list(row[: len(seq)]) == seq

    def log_prob(row, seq):
        state = model.encode(b["src"][row : row + 1], b["src_lengths"][row : row + 1])
        token, total = torch.tensor([model.config.bos]), 0.0
        for t in seq:
            logits, state = model.decoder.step(token, state)
            total += torch.log_softmax(logits, 1)[0, t].item()
            token = torch.tensor([t])
        return total

    beam4 = model.beam_search(b["src"], b["src_lengths"], beam_size=4)
    for row in range(6):
        if beam1[row][-1] == model.config.eos and beam4[row][-1] == model.config.eos:
            assert log_prob(row, beam4[row]) >= log_prob(row, beam1[row]) - 1e-9


def test_fit_learns_and_is_reproducible():
    task = tasks.reverse(length=(2, 4), symbols="abcdef", n_train=600, n_test=100, seed=0)

    def train(epochs):
        model = sto.Seq2Seq.for_task(task, cell="gru", hidden_size=32, embed_size=8, seed=0)
        history = sto.fit(model, task, epochs=epochs, target_accuracy=0.9, seed=0, lr=1e-2, batch_size=32,
                          progress=False)  # fmt: skip
        return model, history

    _, first = train(2)
    _, second = train(2)
    assert first.loss == second.loss and first.accuracy == second.accuracy
    model, history = train(12)
    assert history.final_accuracy >= 0.5, history
    assert history.loss[-1] < history.loss[0]
    assert history.stopped_because in ("target accuracy reached", "all epochs done")
    out = sto.translate(model, task, ["abc", "dca"])
    assert len(out) == 2 and all(isinstance(s, str) for s in out)


def test_translate_applies_the_tasks_reversal():
    task = tasks.addition(digits=2, reverse=True, reverse_target=True, n_train=50, n_test=10, seed=0)
    model = sto.Seq2Seq.for_task(task, hidden_size=4, embed_size=2)
    src, _ = task.encode_sources(["12+3"])
    assert task.source_vocab.decode(src[0]) == "3+21"  # the encoder reads reversed digits...
    assert task.present("51") == "15"  # ...and the answer comes back the right way round
    assert len(sto.translate(model, task, ["12+3"])) == 1


def test_checkpoints_round_trip_and_refuse_the_other_cell(task, tmp_path):
    lstm = small(task, "lstm", seed=2)
    path = tmp_path / "lstm.pt"
    sto.save(lstm, path)
    b = a_batch(task)
    again = sto.load(path)
    torch.testing.assert_close(
        again(b["src"], b["src_lengths"], b["dec_in"]), lstm(b["src"], b["src_lengths"], b["dec_in"])
    )
    sto.load(path, small(task, "lstm"))  # same shapes: fine
    with pytest.raises(ValueError, match="LSTM.*GRU"):
        sto.load(path, small(task, "gru"))


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_lstm_to_gru_twins(task, backend):
    if backend == "numpy":
        snp = pytest.importorskip("seqlib.numpy")
        if not hasattr(snp, "Seq2Seq"):
            pytest.skip("seqlib.numpy.Seq2Seq not built")
        lstm = snp.Seq2Seq.for_task(task, cell="lstm", hidden_size=16)
    else:
        lstm = sto.Seq2Seq.for_task(task, cell="lstm", hidden_size=16)
    units = convert.lstm_to_gru(lstm)
    params = convert.lstm_to_gru(lstm, match="params")
    assert type(units) is type(lstm) and units.config.cell == params.config.cell == "gru"
    assert units.config.hidden_size == 16 and params.config.hidden_size > 16
    n = _seq2seq.model_params
    assert n(units.config) < n(lstm.config)
    for h in (params.config.hidden_size - 1, params.config.hidden_size + 1):
        assert abs(n(params.config) - n(lstm.config)) <= abs(n(params.config.replace(hidden_size=h)) - n(lstm.config))
    back = convert.gru_to_lstm(units)
    assert back.config == lstm.config
    with pytest.raises(ValueError, match="cannot become GRU weights"):
        convert.lstm_to_gru(lstm, copy_weights=True)
    with pytest.raises(ValueError, match="expected an LSTM"):
        convert.lstm_to_gru(units)
    with pytest.raises(TypeError, match="Seq2Seq"):
        convert.lstm_to_gru(torch.nn.LSTM(3, 4))
    with pytest.raises(ValueError, match="match"):
        convert.lstm_to_gru(lstm, match="layers")


def test_bad_inputs_explain_themselves(task):
    model = small(task)
    b = a_batch(task)
    with pytest.raises(ValueError, match="cell must be 'lstm' or 'gru'"):
        sto.Seq2Seq.for_task(task, cell="rnn")
    with pytest.raises(ValueError, match="outside the vocabulary"):
        model(b["src"] + 100, b["src_lengths"], b["dec_in"])
    with pytest.raises(ValueError, match="max_len"):
        model(b["src"], b["src_lengths"], np.ones((5, model.config.max_len + 1), dtype=np.int64))
    with pytest.raises(ValueError, match="empty batch"):
        model(b["src"][:0], b["src_lengths"][:0], b["dec_in"][:0])
    with pytest.raises(TypeError, match="integer token ids"):
        model(b["src"].astype(float), b["src_lengths"], b["dec_in"])
    with pytest.raises(ValueError, match="teacher_forcing"):
        model(b["src"], b["src_lengths"], b["dec_in"], teacher_forcing=1.5)
    with pytest.raises(ValueError, match="rnn must be"):
        sto.Seq2Seq.for_task(task, rnn="keras")
    with pytest.raises(ValueError, match="a way to stop"):
        sto.fit(model, task)
    with pytest.raises(ValueError, match="reset_after=False"):
        sto.Seq2Seq.for_task(task, cell="gru", reset_after=False, rnn="torch.nn")


def test_randomness_masks_and_lengths_are_checked(task):
    model = small(task)
    b = a_batch(task)
    with pytest.raises(ValueError, match="generator="):
        model(b["src"], b["src_lengths"], b["dec_in"], teacher_forcing=0.5)
    logits = model(b["src"], b["src_lengths"], b["dec_in"])
    with pytest.raises(ValueError, match="no real token"):
        model.loss(logits, b["dec_out"], np.zeros_like(b["mask"]))
    with pytest.raises(TypeError, match="bool"):
        model.loss(logits, b["dec_out"], b["mask"].astype(float))
    with pytest.raises(ValueError, match="like the logits"):
        model.loss(logits, b["dec_out"][:, :-1], b["mask"][:, :-1])
    with pytest.raises(ValueError, match="max_len"):
        model.greedy(b["src"], b["src_lengths"], max_len=0)
