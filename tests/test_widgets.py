"""The widgets, driven headless: set a control's value and check what changed (artist data, labels, text)."""

import numpy as np
import pytest

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib import tasks, viz, widgets
from seqlib.trace import trace


@pytest.fixture(scope="module")
def task():
    return tasks.addition(digits=3, reverse_target=True, n_train=200, n_test=40, seed=0)


@pytest.fixture(scope="module", params=["torch-lstm", "numpy-gru", "torch-gru-before"])
def model(request, task):
    backend, cell, *variant = request.param.split("-")
    module = sto if backend == "torch" else snp
    return module.Seq2Seq.for_task(task, cell=cell, hidden_size=16, embed_size=8, reset_after=not variant, seed=1)


def test_trace_matches_the_models_own_greedy_decoding(model, task):
    for text in ["123+45", "9+9", "999+999"]:
        tr = trace(model, task, text)
        src, lengths = task.encode_sources([text])
        ids = np.asarray(model.greedy(src, lengths))
        assert tr.answer == task.decode_targets(ids)[0]
        assert tr.n_encoder == len(text) and tr.steps == tr.n_encoder + len(tr.probs)
        assert tr.h.shape == (tr.steps, 16) and set(tr.gates) == set(viz.GATE_LABELS) & set(tr.gates)
        np.testing.assert_allclose(tr.probs.sum(axis=1), 1.0)
        assert (tr.c is None) == (model.config.cell == "gru")


def test_inspector_moves_markers_bars_and_top_tokens(model, task):
    ins = widgets.inspect(model, task, "123+45")
    png_before = ins.image.value
    last = ins.trace.steps - 1
    ins.step.value = last
    assert list(ins.states["marker"].get_xdata()) == [last, last]
    assert list(ins.unit_plot["marker"].get_xdata()) == [last, last]
    name = next(iter(ins.trace.gates))
    assert ins.gates["unit_bars"][0].get_height() == pytest.approx(ins.trace.gates[name][last, 0])
    top = ins.trace.top_k(last, 5)
    assert [t.get_text() for t in ins.top["labels"]][0].startswith(repr(top[0][0]))
    assert ins.image.value != png_before
    ins.step.value = 0  # an encoder step: nothing emitted yet
    assert all(t.get_text() == "" for t in ins.top["labels"])
    assert "encoder" in ins.ax_top.get_title()
    ins.unit.value = 3
    np.testing.assert_allclose(ins.unit_plot["h_line"].get_ydata(), ins.trace.h[:, 3])
    assert "unit 3" in ins.ax_gates.get_title()


def test_new_input_reruns_the_model_once_and_bad_input_keeps_the_view(model, task):
    ins = widgets.inspect(model, task, "123+45")
    ins.text.value = "7+8"
    assert ins.trace.text == "7+8" and ins.step.max == ins.trace.steps - 1
    before = ins.trace
    ins.text.value = "12x"
    assert "Cannot read that input" in ins.message.value and "'12x'" in ins.message.value
    assert ins.trace is before  # the previous state stays
    ins.text.value = "1+1"
    assert ins.message.value == "" and ins.trace.text == "1+1"


def test_a_slider_move_does_not_rerun_the_model(model, task, monkeypatch):
    ins = widgets.inspect(model, task, "123+45")
    calls = []
    monkeypatch.setattr(widgets, "trace", lambda *a, **k: calls.append(a))
    for step in range(ins.trace.steps):
        ins.step.value = step
    ins.unit.value = 2
    assert calls == []


def test_compare_links_the_two_inspectors(task):
    lstm = sto.Seq2Seq.for_task(task, cell="lstm", hidden_size=8, embed_size=4)
    gru = sto.Seq2Seq.for_task(task, cell="gru", hidden_size=8, embed_size=4)
    both = widgets.compare(lstm, gru, task, "12+3")
    both.left.step.value = 2
    assert both.right.step.value == 2
    both.left.text.value = "45+6"
    assert both.right.trace.text == "45+6"


def test_gate_playground_updates_the_curve_and_the_sentence():
    g = widgets.gate_playground()
    before = g.artists["curve"].get_ydata().copy()
    g.bias.value = 2.0
    assert not np.allclose(before, g.artists["curve"].get_ydata())
    g.x.value, g.value.value = 0.0, 0.5
    assert g.gate() == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert f"{g.gate():.3f}" in g.artists["text"].get_text()
    assert g.artists["point"].get_ydata()[0] == pytest.approx(g.gate())


def test_saturation_and_trajectory(model, task):
    fractions, fig = widgets.saturation(model, task, n=10)
    assert set(fractions) == ({"i", "f", "o"} if model.config.cell == "lstm" else {"r", "z"})
    assert all(0 <= lo <= 1 and 0 <= hi <= 1 and lo + hi <= 1 for lo, hi in fractions.values())
    assert fig.axes[0].get_title().endswith("(10 inputs)")
    fig = widgets.trajectory(model, task, ["1+2", "34+56"])
    assert fig.axes[0].get_xlabel() == "principal component 1"


def test_snapshot_is_a_png_of_the_current_view(model, task):
    ins = widgets.inspect(model, task, "5+5")
    snap = ins.snapshot()
    assert snap.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(a.get_animated() for a in ins.animated)  # blitting still works afterwards


def test_comparison_snapshot_joins_both_views(task):
    lstm = sto.Seq2Seq.for_task(task, cell="lstm", hidden_size=8, embed_size=4)
    gru = sto.Seq2Seq.for_task(task, cell="gru", hidden_size=8, embed_size=4)
    both = widgets.compare(lstm, gru, task, "12+3")
    import io

    import PIL.Image

    joined = PIL.Image.open(io.BytesIO(both.snapshot().data))
    one = PIL.Image.open(io.BytesIO(both.left.snapshot().data))
    assert joined.width == 2 * one.width and joined.height == one.height
