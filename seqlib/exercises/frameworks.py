"""Exercises of part 3 (notebooks 09-11): a Keras kernel in torch.nn's layout, choosing settings on validation
data, and the masked softmax of attention."""

from __future__ import annotations

import numpy as np

from seqlib.exercises._framework import Exercise, _compare, _compare_arrays

# --- 09: a Keras GRU kernel in torch.nn's layout -------------------------------------------------------------


def _keras_gru_reference(kernel):
    """Keras: (inputs, 3H), gate blocks z, r, h side by side. torch.nn: (3H, inputs), blocks r, z, n stacked."""
    z, r, h = np.split(kernel, 3, axis=1)  # cut along the gate axis (columns in Keras)
    return np.concatenate([r, z, h], axis=1).T  # torch.nn's order, then rows = gates


def _keras_gru_no_transpose(kernel):
    z, r, h = np.split(kernel, 3, axis=1)
    return np.concatenate([r, z, h], axis=1)


def _keras_gru_kept_order(kernel):
    return kernel.T


def _keras_gru_reshaped(kernel):
    z, r, h = np.split(kernel, 3, axis=1)
    return np.concatenate([r, z, h], axis=1).reshape(kernel.shape[1], kernel.shape[0])


def _keras_gru_cases(rng):
    # (inputs, 3H): an input kernel, a recurrent kernel (inputs = H), and one more input kernel. No kernel is
    # square, so a missing transpose always shows in the shape.
    for rows, H in [(5, 4), (4, 4), (2, 3)]:
        yield (rng.normal(size=(rows, 3 * H)),)


keras_gru_to_torch = Exercise(
    name="keras_gru_to_torch",
    title="keras_gru_to_torch",
    reference=_keras_gru_reference,
    cases=_keras_gru_cases,
    compare=_compare(["W"]),
    hints=[
        "Keras keeps the gates side by side in the columns: kernel[:, :H] is z, kernel[:, H:2H] is r, "
        "kernel[:, 2H:] the candidate h. np.split(kernel, 3, axis=1) cuts them apart.",
        "torch.nn wants the order r, z, n (n is Keras's h): put the blocks back together with "
        "np.concatenate([r, z, h], axis=1).",
        "Keras multiplies x @ kernel, torch.nn computes x @ W.T: the last step is a transpose (.T), which turns "
        "(inputs, 3H) into (3H, inputs). A reshape would keep the numbers in memory order and scramble them.",
    ],
    mistakes={
        "the transpose is missing: Keras's kernel is (inputs, 3H), torch.nn's weight is (3H, inputs)": (
            _keras_gru_no_transpose
        ),
        "the blocks are still in Keras's order z, r, h (only transposed); torch.nn's order is r, z, n": (
            _keras_gru_kept_order
        ),
        "the kernel was reshaped to (3H, inputs) instead of transposed: reshape keeps the memory order and "
        "mixes up which number belongs to which input and unit": _keras_gru_reshaped,
    },
)


# --- 10: choosing a setting on validation data ----------------------------------------------------------------


def _pick_best_reference(runs):
    """The (lr, hidden) whose validation accuracy, averaged over its seeds, is highest. Test is not looked at."""
    by_setting = {}
    for run in runs:
        by_setting.setdefault((run["lr"], run["hidden"]), []).append(run["val"])
    return max(by_setting, key=lambda setting: np.mean(by_setting[setting]))


def _pick_by_test(runs):
    by_setting = {}
    for run in runs:
        by_setting.setdefault((run["lr"], run["hidden"]), []).append(run["test"])
    return max(by_setting, key=lambda setting: np.mean(by_setting[setting]))


def _pick_luckiest_run(runs):
    best = max(runs, key=lambda run: run["val"])
    return best["lr"], best["hidden"]


def _pick_first_seed_only(runs):
    first = min(run["seed"] for run in runs)
    best = max((run for run in runs if run["seed"] == first), key=lambda run: run["val"])
    return best["lr"], best["hidden"]


_PICK_MISTAKES = {
    "the setting was chosen by its test accuracy: choose on validation and keep the test split for the final "
    "report": _pick_by_test,
    "the single luckiest run chose the setting (the maximum over seeds): average each setting's seeds first": (
        _pick_luckiest_run
    ),
    "only the first seed's runs were compared: average over every seed of a setting": _pick_first_seed_only,
}


def _search_log(rng, n_seeds=3):
    """A made-up search log: every (lr, hidden) setting trained with several seeds, validation and test accuracy."""
    runs = []
    for lr in (1e-3, 3e-3, 1e-2, 3e-2):
        for hidden in (16, 32):
            level = rng.uniform(0.2, 0.8)
            for seed in range(n_seeds):
                val = float(np.clip(level + rng.normal(0, 0.12), 0, 1))
                runs.append({"lr": lr, "hidden": hidden, "seed": seed, "val": val,
                             "test": float(np.clip(val + rng.normal(0, 0.08), 0, 1))})  # fmt: skip
    return runs


def _pick_best_cases(rng):
    # Logs on which the reference and every known mistake choose different settings, so that the first log
    # that fails also tells which mistake it was.
    found = 0
    while found < 3:
        runs = _search_log(rng)
        picks = [f(runs) for f in (_pick_best_reference, *_PICK_MISTAKES.values())]
        if len(set(picks)) == len(picks):
            found += 1
            yield (runs,)


def _pick_best_compare(got, want, args):
    if isinstance(got, dict) or not hasattr(got, "__len__") or len(got) != 2:
        return f"return the chosen setting as a pair (lr, hidden), got {got!r}."
    if tuple(got) != tuple(want):
        runs = args[0]
        lrs, hiddens = {r["lr"] for r in runs}, {r["hidden"] for r in runs}
        if got[0] not in lrs or got[1] not in hiddens:
            return "the pair is not one of the settings in the log: return (lr, hidden) in that order."
        return "this is not the setting with the best mean validation accuracy."
    return None


pick_best = Exercise(
    name="pick_best",
    title="pick_best",
    reference=_pick_best_reference,
    cases=_pick_best_cases,
    compare=_pick_best_compare,
    hints=[
        "Group the runs by setting: a dict from (run['lr'], run['hidden']) to the list of that setting's "
        "run['val'] values, one per seed.",
        "Score each setting by the mean of its list, and return the key with the highest score: "
        "max(groups, key=lambda s: np.mean(groups[s])). run['test'] is never read.",
    ],
    mistakes=_PICK_MISTAKES,
)


# --- 11: the masked softmax of attention ----------------------------------------------------------------------


def _softmax(a, axis=-1):
    a = a - a.max(axis=axis, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=axis, keepdims=True)


def _attention_reference(scores, mask):
    """Softmax over the source positions (last axis) of each row, where padding (mask False) gets weight 0."""
    masked = np.where(mask, scores, -np.inf)  # exp(-inf) = 0: padding gets no weight
    masked = masked - masked.max(axis=-1, keepdims=True)  # the largest exponent is 0: no overflow
    e = np.exp(masked)
    return e / e.sum(axis=-1, keepdims=True)


def _attention_cases(rng):
    for batch, length in [(3, 5), (4, 7), (2, 6)]:
        lengths = rng.integers(1, length + 1, size=batch)
        lengths[0] = length  # one full row: every source position is real somewhere in the batch
        mask = np.arange(length)[None, :] < lengths[:, None]
        yield rng.normal(size=(batch, length)) * 3, mask
    # Large scores: exp overflows unless the row's maximum is subtracted first.
    yield (
        np.array([[800.0, 790.0, 805.0, 0.0], [1.0, 2.0, 3.0, 4.0]]),
        np.array([[True, True, True, False], [True, True, True, True]]),
    )


def _attention_compare(got, want, args):
    values = np.asarray(got.detach().numpy() if hasattr(got, "detach") else got, dtype=float)
    if values.shape == want.shape and not np.isfinite(values).all():
        return (
            "some weights are NaN or infinite: exp overflows for large scores (e.g. 800). Subtract each row's "
            "largest score before exp; it cancels in the division."
        )
    return _compare_arrays(["weights"], got, want)


attention_weights = Exercise(
    name="attention_weights",
    title="attention_weights",
    reference=_attention_reference,
    cases=_attention_cases,
    compare=_attention_compare,
    hints=[
        "The weights of one row are a softmax over the source positions (the last axis), so each row sums to 1.",
        "Padding must get weight 0 and must not take a share of the sum: set its scores to -inf before the "
        "softmax, np.where(mask, scores, -np.inf). exp(-inf) is exactly 0.",
        "For large scores exp overflows: subtract each row's maximum (keepdims=True) before exp. With at least "
        "one real position per row the maximum is finite.",
    ],
    mistakes={
        "the mask is ignored: padding positions receive attention too": lambda scores, mask: _softmax(scores),
        "the weights were masked after the softmax without renormalising, so a row no longer sums to 1": (
            lambda scores, mask: _softmax(scores) * mask
        ),
        "the softmax runs over the batch axis (axis=0); it must run over the source positions (the last axis)": (
            lambda scores, mask: _softmax(np.where(mask, scores, -np.inf), axis=0)
        ),
    },
)
