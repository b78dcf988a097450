"""Measure the LSTM -> GRU claims instead of repeating them: ``python -m seqlib.experiments``.

For each task, an LSTM encoder-decoder and its two GRU twins (``lstm_to_gru(match="units")`` and
``match="params"``) train with the same seeds, data, optimiser and time budget, on seqlib.torch's layers
and on torch.nn's. One table reports, per model: parameters, seconds per epoch, seconds of training to the
target held-out exact match, and the final exact match — median and range over the seeds.

    python -m seqlib.experiments                       # addition and dates, 3 seeds, both layer kinds
    python -m seqlib.experiments --tasks addition --seeds 5 --rnn seqlib
    python -m seqlib.experiments --json results.json

The settings below were chosen on data drawn with another seed (``TUNING_SEED``), never on the test split
whose accuracy the table reports.
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass

import torch

import seqlib.torch as sto
from seqlib import convert, tasks

TUNING_SEED = 123


@dataclass(frozen=True)
class Setup:
    """One task's data, model size and training settings (the same for every cell)."""

    make_task: callable
    hidden_size: int
    embed_size: int
    lr: float
    lr_decay: float
    batch_size: int
    max_seconds: float
    target_accuracy: float = 0.99


SETUPS = {
    # The decoder writes the sum least-significant digit first (reverse_target): each digit then depends on
    # digits it has already seen, as in addition by hand. Notebook 06 measures the difference.
    "addition": Setup(
        lambda seed: tasks.addition(digits=3, reverse=True, reverse_target=True, n_train=20000, n_test=1000, seed=seed),
        hidden_size=128, embed_size=32, lr=1e-2, lr_decay=0.9, batch_size=128, max_seconds=20,
    ),
    "dates": Setup(
        lambda seed: tasks.dates(n_train=20000, n_test=1000, seed=seed),
        hidden_size=128, embed_size=32, lr=5e-3, lr_decay=0.9, batch_size=64, max_seconds=60,
    ),
}  # fmt: skip


def models(task, setup: Setup, rnn: str, seed: int) -> dict:
    """The LSTM and its two GRU twins, each initialised from ``seed``."""
    lstm = sto.Seq2Seq.for_task(
        task, cell="lstm", hidden_size=setup.hidden_size, embed_size=setup.embed_size, rnn=rnn, seed=seed
    )
    return {
        "LSTM": lstm,
        "GRU (units)": convert.lstm_to_gru(lstm, match="units", seed=seed),
        "GRU (params)": convert.lstm_to_gru(lstm, match="params", seed=seed),
    }


def run(task_names=("addition", "dates"), seeds=(0, 1, 2), rnns=("seqlib", "torch.nn"), budget_scale=1.0,
        progress=False, data_seed=0, threads=1) -> list[dict]:  # fmt: skip
    """Train every model; returns one record per (task, rnn, model, seed).

    Training runs on one thread by default: these models are small, and one thread keeps the timings steady
    when something else runs on the machine.
    """
    records = []
    for name in task_names:
        setup = SETUPS[name]
        task = setup.make_task(data_seed)
        for rnn in rnns:
            for seed in seeds:
                for label, model in models(task, setup, rnn, seed).items():
                    history = sto.fit(
                        model, task, max_seconds=setup.max_seconds * budget_scale,
                        target_accuracy=setup.target_accuracy, seed=seed, lr=setup.lr, lr_decay=setup.lr_decay,
                        batch_size=setup.batch_size, threads=threads, progress=progress,
                    )  # fmt: skip
                    records.append(
                        {
                            "task": name, "rnn": rnn, "model": label, "seed": seed,
                            "hidden_size": model.config.hidden_size, "params": model.num_params(),
                            "seconds_per_epoch": history.seconds_per_epoch,
                            "seconds_to_target": history.seconds_to_target,
                            "final_accuracy": history.final_accuracy, "epochs": len(history.epoch),
                            "budget_seconds": setup.max_seconds * budget_scale,
                            "target_accuracy": setup.target_accuracy,
                        }
                    )  # fmt: skip
    return records


def _median_range(values, fmt) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}, {fmt(max(values))}]"


def summarize(records) -> str:
    """Median [min, max] over seeds. 'reached' counts the seeds that hit the target within the budget."""
    head = (
        f"{'task':<9} {'layers':<9} {'model':<13} {'H':>4} {'params':>8} {'s/epoch':>20} "
        f"{'s to target':>22} {'reached':>8} {'final exact match':>26}"
    )
    lines = [head, "-" * len(head)]
    keys = []
    for r in records:
        key = (r["task"], r["rnn"], r["model"])
        if key not in keys:
            keys.append(key)
    for key in keys:
        rs = [r for r in records if (r["task"], r["rnn"], r["model"]) == key]
        reached = [r["seconds_to_target"] for r in rs if r["seconds_to_target"] is not None]
        lines.append(
            f"{key[0]:<9} {key[1]:<9} {key[2]:<13} {rs[0]['hidden_size']:>4} {rs[0]['params']:>8} "
            f"{_median_range([r['seconds_per_epoch'] for r in rs], lambda v: f'{v:.2f}'):>20} "
            f"{_median_range(reached, lambda v: f'{v:.1f}'):>22} {len(reached):>3}/{len(rs):<4} "
            f"{_median_range([r['final_accuracy'] for r in rs], lambda v: f'{v:.4f}'):>26}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m seqlib.experiments", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", choices=sorted(SETUPS), default=["addition", "dates"])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...); default 3")
    parser.add_argument("--rnn", nargs="+", choices=["seqlib", "torch.nn"], default=["seqlib", "torch.nn"])
    parser.add_argument(
        "--budget-scale", type=float, default=1.0, help="multiply every time budget (e.g. 0.05 for a smoke test)"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads while training (default 1)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar per training run")
    parser.add_argument("--json", metavar="PATH", help="also write every run's record to PATH")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    print(f"torch {torch.__version__}, {args.threads} thread(s) while training; budgets: "
          + ", ".join(f"{t} {SETUPS[t].max_seconds * args.budget_scale:g} s" for t in args.tasks))  # fmt: skip
    records = run(args.tasks, tuple(range(args.seeds)), tuple(args.rnn), args.budget_scale, args.progress,
                  threads=args.threads)  # fmt: skip
    print(summarize(records))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    return records


if __name__ == "__main__":
    main()
