"""Time seqlib.numpy and seqlib.torch against torch.nn, in one run, on this machine.

    python -m seqlib.bench                      # the table: seconds, ratio to torch.nn, GFLOP/s
    python -m seqlib.bench --dtype float64      # the same in double precision
    python -m seqlib.bench --impls              # also seqlib.torch's per_gate and fused arrangements
    python -m seqlib.bench --json bench.json    # records: impl, cell, pass, B, T, I, H, seconds, ratio, gflops
    python -m seqlib.bench --notebooks          # each notebook's wall time and kernel peak memory instead
    python -m seqlib.bench --widgets            # the inspector's cost per slider move instead

Each figure is the best of several repeats (the least disturbed by other work on a shared machine); ratios
compare implementations measured in the same run, which is what stays meaningful from one machine to another.
"""

from __future__ import annotations

import argparse
import json
import timeit

import numpy as np
import torch

import seqlib.numpy as snp
import seqlib.torch as sto
from seqlib._params import GATES

SIZES = [(1, 50, 16, 32), (32, 50, 32, 64), (64, 50, 128, 128)]
PASSES = ("forward", "forward+backward")


def flops(cell: str, B: int, T: int, I: int, H: int, pass_: str) -> float:
    """Matmul FLOPs: 2*B*T*G*H*(I+H) forward; the backward does twice the forward's matmul work."""
    forward = 2 * B * T * GATES[cell] * H * (I + H)
    return forward if pass_ == "forward" else 3 * forward


def best_time(fn, repeat: int, min_seconds: float) -> float:
    """Seconds per call: the best of ``repeat`` rounds, each long enough to be timed reliably."""
    fn()  # warm-up: first-call allocations and lazy initialisation are not what we measure
    timer = timeit.Timer(fn)
    number = 1
    while timer.timeit(number) < min_seconds:
        number *= 2
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _runners(cell, B, T, I, H, dtype, impls):
    """One zero-argument callable per (impl, pass), all on the same weights and input."""
    torch.manual_seed(0)
    nn_layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](I, H, batch_first=True, dtype=dtype)
    x = torch.randn(B, T, I, dtype=dtype)
    x_np = x.numpy()
    np_layer = {"lstm": snp.LSTM, "gru": snp.GRU}[cell].from_torch(nn_layer)

    def torch_forward(layer):
        def run():
            with torch.no_grad():
                layer(x)

        return run

    def torch_backward(layer):
        def run():
            xg = x.detach().requires_grad_()
            layer(xg)[0].sum().backward()

        return run

    def numpy_backward():
        outputs, _, cache = np_layer.forward(x_np)
        np_layer.backward(np.ones_like(outputs), None, cache)

    runners = {
        ("torch.nn", "forward"): torch_forward(nn_layer),
        ("torch.nn", "forward+backward"): torch_backward(nn_layer),
        ("seqlib.numpy", "forward"): lambda: np_layer(x_np),
        ("seqlib.numpy", "forward+backward"): numpy_backward,
    }
    for impl in impls:
        name = "seqlib.torch" if impl == "hoisted" else f"seqlib.torch[{impl}]"
        layer = {"lstm": sto.LSTM, "gru": sto.GRU}[cell].from_torch(nn_layer, impl=impl)
        runners[(name, "forward")] = torch_forward(layer)
        runners[(name, "forward+backward")] = torch_backward(layer)
    return runners


def run(sizes=SIZES, cells=("lstm", "gru"), dtype=torch.float32, impls=("hoisted",), repeat=5, min_seconds=0.05):
    """Measure everything; returns the list of records (ratio = seconds / torch.nn's seconds)."""
    records = []
    for B, T, I, H in sizes:
        for cell in cells:
            runners = _runners(cell, B, T, I, H, dtype, impls)
            for pass_ in PASSES:
                reference = best_time(runners[("torch.nn", pass_)], repeat, min_seconds)
                for (impl, p), fn in runners.items():
                    if p != pass_:
                        continue
                    seconds = reference if impl == "torch.nn" else best_time(fn, repeat, min_seconds)
                    records.append(
                        {
                            "impl": impl, "cell": cell, "pass": pass_, "B": B, "T": T, "I": I, "H": H,
                            "seconds": seconds, "ratio": seconds / reference,
                            "gflops": flops(cell, B, T, I, H, pass_) / seconds / 1e9,
                        }
                    )  # fmt: skip
    return records


def widget_timings(hidden_size=128, repeat=3) -> list[dict]:
    """Seconds per inspector slider move (and per unit change) for LSTM and GRU models of ``hidden_size``
    units on a dates input of about 20 steps; the model itself runs only when the input changes."""
    import time

    from seqlib import tasks, widgets

    task = tasks.dates(n_train=50, n_test=10, seed=0)
    records = []
    for cell in ("lstm", "gru"):
        model = sto.Seq2Seq.for_task(task, cell=cell, hidden_size=hidden_size, seed=0)
        start = time.perf_counter()
        inspector = widgets.inspect(model, task, "9 Jan 2001")
        build = time.perf_counter() - start
        moves = []
        for _ in range(repeat):
            for step in [*range(1, inspector.trace.steps), 0]:
                t0 = time.perf_counter()
                inspector.step.value = step
                moves.append(time.perf_counter() - t0)
        units = []
        for unit in range(1, 11):
            t0 = time.perf_counter()
            inspector.unit.value = unit
            units.append(time.perf_counter() - t0)
        records.append(
            {"cell": cell, "hidden_size": hidden_size, "steps": inspector.trace.steps, "build_seconds": build,
             "slider_median_seconds": float(np.median(moves)), "slider_max_seconds": max(moves),
             "unit_median_seconds": float(np.median(units))}
        )  # fmt: skip
    return records


def format_table(records) -> str:
    head = f"{'cell':<5} {'(B, T, I, H)':<18} {'pass':<17} {'impl':<24} {'ms':>9} {'x torch.nn':>11} {'GFLOP/s':>8}"
    lines = [head, "-" * len(head)]
    for r in records:
        size = f"({r['B']}, {r['T']}, {r['I']}, {r['H']})"
        lines.append(
            f"{r['cell']:<5} {size:<18} {r['pass']:<17} {r['impl']:<24} {r['seconds'] * 1e3:>9.3f} "
            f"{r['ratio']:>11.2f} {r['gflops']:>8.1f}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m seqlib.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--impls", action="store_true", help="also time seqlib.torch's per_gate and fused loops")
    parser.add_argument("--cells", nargs="+", choices=["lstm", "gru"], default=["lstm", "gru"])
    parser.add_argument(
        "--sizes", nargs="+", metavar="B,T,I,H", help="sizes to time (default: 1,50,16,32 32,50,32,64 64,50,128,128)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds per figure; the best is kept (default 5)")
    parser.add_argument("--json", metavar="PATH", help="also write the records to PATH as JSON")
    parser.add_argument(
        "--notebooks", action="store_true", help="run every course notebook instead (wall time, peak memory)"
    )
    parser.add_argument("--widgets", action="store_true", help="time the hidden-state inspector's updates instead")
    args = parser.parse_args(argv)
    if args.widgets:
        records = widget_timings()
        for r in records:
            print(
                f"{r['cell']}: {r['hidden_size']} units, {r['steps']} steps: build {r['build_seconds'] * 1e3:.0f} ms "
                f"(runs the model), slider move median {r['slider_median_seconds'] * 1e3:.1f} ms, "
                f"max {r['slider_max_seconds'] * 1e3:.1f} ms; "
                f"unit change median {r['unit_median_seconds'] * 1e3:.1f} ms"
            )
        if args.json:
            with open(args.json, "w") as f:
                json.dump(records, f, indent=1)
        return records
    if args.notebooks:
        from seqlib import course

        records = course.run(write=False)
        print(course.format_report(records))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(records, f, indent=1)
        return records
    sizes = SIZES
    if args.sizes:
        try:
            sizes = [tuple(int(v) for v in s.split(",")) for s in args.sizes]
        except ValueError:
            parser.error("--sizes takes B,T,I,H groups of four positive integers, e.g. 64,50,128,128")
        if any(len(s) != 4 or min(s) < 1 for s in sizes):
            parser.error("--sizes takes B,T,I,H groups of four positive integers, e.g. 64,50,128,128")
    impls = ("hoisted", "fused", "per_gate") if args.impls else ("hoisted",)
    print(
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}, "
        f"dtype {args.dtype}; ratio = seconds / torch.nn's seconds in this run"
    )
    records = run(sizes, tuple(args.cells), getattr(torch, args.dtype), impls, args.repeat)
    print(format_table(records))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
        print(f"wrote {len(records)} records to {args.json}")
    return records


if __name__ == "__main__":
    main()
