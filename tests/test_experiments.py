"""python -m seqlib.experiments runs end to end (with tiny budgets: the real numbers are not a test)."""

import json

from seqlib import experiments


def test_experiments_command_prints_one_row_per_model(tmp_path, capsys):
    out = tmp_path / "runs.json"
    records = experiments.main(
        ["--tasks", "addition", "--seeds", "1", "--rnn", "seqlib", "torch.nn", "--budget-scale", "0.01",
         "--json", str(out)]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert len(records) == 2 * 1 * 3  # layer kinds x seeds x (LSTM, GRU units, GRU params)
    for label in ("LSTM", "GRU (units)", "GRU (params)"):
        assert printed.count(label) == 2  # one row per layer kind
    assert json.loads(out.read_text()) == records
    lstm = next(r for r in records if r["model"] == "LSTM")
    units = next(r for r in records if r["model"] == "GRU (units)")
    params = next(r for r in records if r["model"] == "GRU (params)")
    assert units["hidden_size"] == lstm["hidden_size"] < params["hidden_size"]
    assert units["params"] < lstm["params"]
    assert abs(params["params"] - lstm["params"]) < abs(units["params"] - lstm["params"])
    assert all(0.0 <= r["final_accuracy"] <= 1.0 and r["seconds_per_epoch"] > 0 for r in records)


def test_summary_reports_median_and_range():
    rows = [
        {"task": "t", "rnn": "seqlib", "model": "LSTM", "hidden_size": 8, "params": 100, "seconds_per_epoch": s,
         "seconds_to_target": tt, "final_accuracy": a}
        for s, tt, a in [(1.0, 5.0, 0.99), (2.0, None, 0.9), (3.0, 7.0, 0.995)]
    ]  # fmt: skip
    table = experiments.summarize(rows)
    assert "2.00 [1.00, 3.00]" in table  # s/epoch median and range
    assert "6.0 [5.0, 7.0]" in table and "2/3" in table  # only seeds that reached the target
    assert "0.9900 [0.9000, 0.9950]" in table
