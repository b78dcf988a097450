"""The exercises of notebooks 09-11: keras_gru_to_torch, pick_best and attention_weights."""

import numpy as np
import torch

from seqlib import convert, exercises
from seqlib.exercises import CORRECT, NOT_YET
from seqlib.exercises import frameworks as module

# --- keras_gru_to_torch ------------------------------------------------------------------------------------


def test_keras_gru_reference_agrees_with_seqlib_convert():
    """The exercise's answer is what seqlib.convert does to a Keras GRU kernel."""
    rng = np.random.default_rng(0)
    I, H = 3, 5
    kernel, recurrent = rng.normal(size=(I, 3 * H)), rng.normal(size=(H, 3 * H))
    _, params, _ = convert.keras_to_params([kernel, recurrent, rng.normal(size=(2, 3 * H))], "gru")
    np.testing.assert_array_equal(module._keras_gru_reference(kernel), params["W_ih"])
    np.testing.assert_array_equal(module._keras_gru_reference(recurrent), params["W_hh"])


def test_keras_gru_accepts_a_torch_answer_and_explains_a_wrong_shape():
    def with_torch(kernel):
        z, r, h = torch.from_numpy(kernel).chunk(3, dim=1)
        return torch.cat([r, z, h], dim=1).T

    assert exercises.keras_gru_to_torch.check(with_torch).status == CORRECT
    result = exercises.keras_gru_to_torch.check(lambda kernel: kernel[:, :3])
    assert result.status == NOT_YET and "shape" in result.message and "[[" not in result.message


def test_keras_gru_cases_tell_every_mistake_apart():
    for (kernel,) in module._keras_gru_cases(np.random.default_rng(0)):
        answers = [f(kernel) for f in (module._keras_gru_reference, *exercises.keras_gru_to_torch.mistakes.values())]
        for i in range(len(answers)):
            for j in range(i + 1, len(answers)):
                assert answers[i].shape != answers[j].shape or not np.allclose(answers[i], answers[j])


# --- pick_best -------------------------------------------------------------------------------------------------


def test_pick_best_cases_tell_every_mistake_apart():
    for (runs,) in module._pick_best_cases(np.random.default_rng(0)):
        picks = [f(runs) for f in (module._pick_best_reference, *module._PICK_MISTAKES.values())]
        assert len(set(picks)) == len(picks)


def test_pick_best_answer_may_be_a_list_and_the_feedback_hides_the_answer():
    assert exercises.pick_best.check(lambda runs: list(module._pick_best_reference(runs))).status == CORRECT
    swapped = exercises.pick_best.check(lambda runs: module._pick_best_reference(runs)[::-1])
    assert swapped.status == NOT_YET and "(lr, hidden) in that order" in swapped.message
    first = exercises.pick_best.check(lambda runs: (runs[0]["lr"], runs[0]["hidden"]))
    assert first.status == NOT_YET and "mean validation accuracy" in first.message
    wrong_type = exercises.pick_best.check(lambda runs: runs[0])
    assert wrong_type.status == NOT_YET and "pair (lr, hidden)" in wrong_type.message


# --- attention_weights -----------------------------------------------------------------------------------------


def test_attention_reference_is_a_masked_softmax():
    for scores, mask in module._attention_cases(np.random.default_rng(0)):
        weights = module._attention_reference(scores, mask)
        assert np.all(weights[~mask] == 0)
        np.testing.assert_allclose(weights.sum(axis=1), 1.0)
        assert np.isfinite(weights).all()


def test_attention_agrees_with_torch_masked_softmax():
    for scores, mask in module._attention_cases(np.random.default_rng(1)):
        want = torch.softmax(torch.from_numpy(scores).masked_fill(~torch.from_numpy(mask), float("-inf")), dim=-1)
        np.testing.assert_allclose(module._attention_reference(scores, mask), want.numpy(), atol=1e-12)


def test_attention_names_an_overflow_and_accepts_torch():
    def naive(scores, mask):
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(scores) * mask
            return e / e.sum(axis=-1, keepdims=True)

    result = exercises.attention_weights.check(naive)
    assert result.status == NOT_YET and "overflow" in result.message

    def with_torch(scores, mask):
        s = torch.from_numpy(scores).masked_fill(~torch.from_numpy(mask), float("-inf"))
        return torch.softmax(s, dim=-1)

    assert exercises.attention_weights.check(with_torch).status == CORRECT
