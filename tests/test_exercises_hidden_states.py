"""The exercise of notebook 08: most_correlated_unit accepts correct answers and names the usual mistakes."""

import numpy as np
import pytest

from seqlib import exercises
from seqlib.exercises import CORRECT, NOT_YET

ex = exercises.most_correlated_unit


def test_at_least_the_mistakes_the_notebook_warns_about_are_named():
    names = " ".join(ex.mistakes)
    for words in ("*signed* correlation", "covariance", "largest mean activation", "value was returned", "nan"):
        assert words in names


def _with_corrcoef(states, quantity, guard_nan):
    with np.errstate(invalid="ignore", divide="ignore"):  # the constant unit's 0/0
        r = np.corrcoef(states, quantity, rowvar=False)[-1, :-1]
    return np.argmax(np.abs(np.nan_to_num(r) if guard_nan else r))


def test_a_correct_answer_written_another_way_passes_and_np_int_is_accepted():
    assert ex.check(lambda s, q: _with_corrcoef(s, q, guard_nan=True)).status == CORRECT


def test_np_corrcoef_without_a_nan_guard_is_told_about_the_constant_unit():
    result = ex.check(lambda s, q: _with_corrcoef(s, q, guard_nan=False))
    assert result.status == NOT_YET and "never changes" in result.message


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (lambda s, q: np.arange(s.shape[1]), "array of shape"),
        (lambda s, q: 99, "which is no unit"),
        (lambda s, q: True, "got bool"),
    ],
)
def test_answers_that_are_no_unit_index_get_a_message_that_says_so(answer, words):
    result = ex.check(answer)
    assert result.status == NOT_YET and words in result.message


def test_it_finds_a_planted_unit_in_realistic_states():
    rng = np.random.default_rng(3)
    states = np.tanh(rng.normal(size=(400, 32)))
    position = rng.integers(0, 5, size=400).astype(float)
    states[:, 17] = np.tanh(0.5 * position - 1.0) + 0.05 * rng.normal(size=400)
    assert ex.reference(states, position) == 17
