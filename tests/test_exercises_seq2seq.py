"""The exercises of notebooks 06 and 07: greedy_decode and bridge."""

import numpy as np
import torch

import seqlib.torch as sto
from seqlib import exercises, tasks
from seqlib.exercises import CORRECT, NOT_YET
from seqlib.exercises import seq2seq as module


def test_the_first_greedy_case_tells_every_known_mistake_apart():
    step, state, bos, eos, max_len = next(module._greedy_cases(np.random.default_rng(0)))
    functions = [module._greedy_reference, *module._GREEDY_MISTAKES.values()]
    answers = {tuple(f(step, state, bos, eos, max_len)) for f in functions}
    assert len(answers) == len(functions)
    assert module._greedy_reference(step, state, bos, eos, max_len)[-1] == eos


def test_greedy_answers_may_be_arrays_or_numpy_ints():
    def as_array(step, state, bos, eos, max_len):
        return np.asarray(module._greedy_reference(step, state, bos, eos, max_len), dtype=np.int64)

    assert exercises.greedy_decode.check(as_array).status == CORRECT


def test_greedy_feedback_without_the_answer():
    def off_by_one(step, state, bos, eos, max_len):
        return module._greedy_reference(step, state, bos, eos, max_len - 1)

    result = exercises.greedy_decode.check(off_by_one)
    assert result.status == NOT_YET and "token(s)" in result.message
    wrong_type = exercises.greedy_decode.check(lambda *args: "4 4 6")
    assert wrong_type.status == NOT_YET and "list of token ids" in wrong_type.message


def test_feeding_logits_into_the_step_is_explained():
    def feeds_logits(step, state, bos, eos, max_len):
        logits, state = step(bos, state)
        step(logits, state)
        return [0]

    result = exercises.greedy_decode.check(feeds_logits)
    assert result.status == NOT_YET and "raised TypeError" in result.message and "argmax" in result.message


def test_the_reference_decodes_a_real_model_like_model_greedy():
    task = tasks.addition(digits=2, n_train=50, n_test=10, seed=0)
    model = sto.Seq2Seq.for_task(task, cell="gru", hidden_size=16, seed=3)
    src, lengths = task.encode_sources(list(task.test.sources[:4]))
    batched = model.greedy(src, lengths).numpy()
    state = model.encode(src, lengths)

    def step(token, h):  # one sequence of the batch: a row of the state
        with torch.no_grad():
            logits, h = model.decoder.step(torch.tensor([token]), h)
        return logits[0].numpy(), h

    for row in range(len(src)):
        tokens = module._greedy_reference(step, state[row : row + 1], task.target_vocab.bos, task.target_vocab.eos,
                                          model.config.max_len)  # fmt: skip
        assert tokens == batched[row, : len(tokens)].tolist()
        assert (batched[row, len(tokens) :] == task.target_vocab.pad).all()


def test_bridge_gives_each_decoder_the_state_it_takes():
    rng = np.random.default_rng(0)
    h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert module._bridge_reference((h, c), "gru") is h
    h2, c2 = module._bridge_reference(h, "lstm")
    assert h2 is h and not c2.any()


def test_bridge_shape_of_the_answer_is_named():
    result = exercises.bridge.check(lambda state, cell: state[0] if isinstance(state, tuple) else state)
    assert result.status == NOT_YET and "pair (h, c)" in result.message
