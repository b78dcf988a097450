"""Every exercise accepts its reference, names realistic wrong answers, and never crashes a notebook."""

import json

import numpy as np
import pytest

from seqlib import exercises
from seqlib.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_reference_passes_and_skeleton_is_not_attempted(name):
    ex = exercises.EXERCISES[name]
    assert ex.check(ex.reference).status == CORRECT
    assert ex.check(lambda *args: None).status == NOT_ATTEMPTED
    assert ex.check().status == NOT_ATTEMPTED
    assert len(ex.mistakes) >= 2


@pytest.mark.parametrize(
    ("name", "mistake"), [(n, m) for n, e in sorted(exercises.EXERCISES.items()) for m in e.mistakes]
)
def test_every_known_mistake_is_rejected_and_named(name, mistake):
    ex = exercises.EXERCISES[name]
    result = ex.check(ex.mistakes[mistake])
    assert result.status == NOT_YET
    assert mistake in result.message


def _lstm_without_forget_gate(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    a_i, a_f, a_g, a_o = np.split(x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, 4, axis=1)
    c = c_prev + exercises.cells.snp.sigmoid(a_i) * np.tanh(a_g)
    return exercises.cells.snp.sigmoid(a_o) * np.tanh(c), c


def test_unknown_mistakes_get_a_precise_message_without_the_answer():
    result = exercises.lstm_step.check(_lstm_without_forget_gate)
    assert result.status == NOT_YET
    assert "h has the right shape but wrong values" in result.message
    wrong_shape = exercises.gru_step.check(lambda x, h, *w: h[:, :1])
    assert wrong_shape.status == NOT_YET and "shape" in wrong_shape.message
    assert "[[" not in wrong_shape.message  # no arrays printed


def test_a_function_that_raises_is_feedback_not_a_crash():
    def broken(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
        return x @ W_hh  # shapes do not fit

    result = exercises.lstm_step.check(broken)
    assert result.status == NOT_YET and "raised ValueError" in result.message and "x @ W_hh" in result.message


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_every_solution_is_runnable_code_that_passes(name, capsys):
    import torch

    ex = exercises.EXERCISES[name]
    ex.solution()
    code = capsys.readouterr().out
    assert code.startswith(f"def {name}(")
    namespace = {"np": np, "snp": exercises.cells.snp, "torch": torch}
    exec(code, namespace)
    assert ex.check(namespace[name]).status == CORRECT


def test_hints_are_graded_and_the_solution_is_code(capsys):
    ex = exercises.gru_step
    ex._hints_shown = 0
    ex.hint()
    ex.hint()
    out = capsys.readouterr().out
    assert "Hint 1 (hint 1 of 3" in out and "Hint 2 (hint 2 of 3" in out
    with pytest.raises(ValueError, match="hints 1 to 3"):
        ex.hint(7)
    ex.solution()
    code = capsys.readouterr().out
    assert code.startswith("def gru_step(")
    namespace = {"np": np, "snp": exercises.cells.snp}
    exec(code, namespace)
    assert ex.check(namespace["gru_step"]).status == CORRECT


def test_progress_is_recorded_and_a_damaged_file_is_started_again(progress_file, capsys):
    assert exercises.passed() == []
    exercises.sigmoid.check(exercises.sigmoid.reference)
    exercises.sigmoid.check(exercises.sigmoid.reference)
    assert json.loads(progress_file.read_text())["passed"] == ["sigmoid"]
    progress_file.write_text("{not json")
    assert exercises.passed() == []
    assert "could not be read" in capsys.readouterr().out
    exercises.gate.check(exercises.gate.reference)
    assert exercises.passed() == ["gate"]


def test_an_unwritable_progress_file_does_not_stop_an_exercise(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("SEQLIB_PROGRESS", str(blocker / "progress.json"))  # parent is a file: cannot mkdir
    assert exercises.sigmoid.check(exercises.sigmoid.reference).status == CORRECT


def test_a_torch_step_that_leaves_torch_is_told_so():
    import torch

    def through_numpy(x, h_prev, W_ih, W_hh, b_ih, b_hh):
        arrays = [a.detach().numpy() for a in (x, h_prev, W_ih, W_hh, b_ih, b_hh)]
        return torch.from_numpy(exercises.cells._gru_reference(*arrays))

    result = exercises.torch_gru_step.check(through_numpy)
    assert result.status == NOT_YET and "carries no gradient" in result.message


def test_progress_widget_counts_what_passed(progress_file):
    exercises.reset_progress()
    exercises.gate.check(exercises.gate.reference)
    box = exercises.progress()
    bar, summary = box.children[0].children
    assert bar.value == 1 and bar.max == len(exercises.EXERCISES)
    assert f"1 of {len(exercises.EXERCISES)}" in summary.value
    assert "&#10003; <code>gate</code>" in box.children[1].value
    exercises.reset_progress()
    assert exercises.passed() == [] and not progress_file.exists()
