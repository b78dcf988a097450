"""Exercises of notebook 08 (inspecting hidden states): find the unit that tracks a quantity."""

from __future__ import annotations

import numbers

import numpy as np

from seqlib.exercises._framework import Exercise

# --- 08: the unit most correlated with a quantity ------------------------------------------------------------


def _most_correlated_unit_reference(states, quantity):
    """The unit (column of ``states``) whose activation has the largest |Pearson correlation| with ``quantity``.

    ``states`` is (n_examples, hidden), ``quantity`` is (n_examples,). A unit that never changes has no
    correlation with anything (0/0): it counts as 0, never as the winner.
    """
    x = states - states.mean(axis=0)  # centre each unit over the examples
    q = quantity - quantity.mean()
    spread = np.sqrt((x**2).sum(axis=0) * (q**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x * q[:, None]).sum(axis=0) / spread
    r = np.where(spread > 0, r, 0.0)
    return int(np.argmax(np.abs(r)))


def _correlations(states, quantity, nan_as_zero=True):
    """Pearson r of every unit with the quantity (the quantities the mistakes below start from)."""
    x = states - states.mean(axis=0)
    q = quantity - quantity.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x * q[:, None]).sum(axis=0) / np.sqrt((x**2).sum(axis=0) * (q**2).sum())
    return np.nan_to_num(r) if nan_as_zero else r


def _most_correlated_unit_cases(rng):
    """States of 6 units over 300 examples, built so that every listed mistake picks a different unit.

    Unit roles (their columns are shuffled in each case): the answer follows the quantity closely but
    *downwards*; another follows it upwards, less closely; a third has a large spread and a weak link (the
    largest covariance); a fourth has the largest mean and no link; the rest are noise. The last case adds a
    unit that never changes.
    """
    n = 300
    for constant in (False, False, True):
        q = rng.normal(size=n)
        units = [
            -0.9 * q + 0.3 * rng.normal(size=n),  # the answer: |r| about 0.95, negative
            0.6 * q + 0.6 * rng.normal(size=n),  # largest signed r, about 0.7
            10.0 * (0.25 * q + rng.normal(size=n)),  # largest covariance, r about 0.25
            5.0 + 0.5 * rng.normal(size=n),  # largest mean activation, r about 0
            rng.normal(size=n),
            np.full(n, 1.0) if constant else rng.normal(size=n),
        ]
        order = rng.permutation(len(units))
        yield np.stack([units[i] for i in order], axis=1), q


def _most_correlated_unit_compare(got, want, args):
    hidden = args[0].shape[1]
    if isinstance(want, float):  # a mistake that returns a correlation value: recognise the same value
        ok = isinstance(got, numbers.Real) and np.isclose(abs(float(got)), abs(want))
        return None if ok else "different value."
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (numbers.Integral, np.integer)):
        kind = type(got).__name__
        if isinstance(got, np.ndarray):
            kind = f"an array of shape {got.shape}"
        return f"return the index of a unit, an int between 0 and {hidden - 1}; got {kind}."
    if not 0 <= int(got) < hidden:
        return f"return the index of a unit, between 0 and {hidden - 1}; got {int(got)}, which is no unit."
    if int(got) != want:
        return f"unit {int(got)} is not the unit whose |correlation| with the quantity is largest."
    return None


most_correlated_unit = Exercise(
    name="most_correlated_unit",
    title="most_correlated_unit",
    reference=_most_correlated_unit_reference,
    cases=_most_correlated_unit_cases,
    compare=_most_correlated_unit_compare,
    hints=[
        "Pearson's r of one unit u with the quantity q over the examples: centre both (subtract their means), "
        "then r = sum(x_u * q) / sqrt(sum(x_u**2) * sum(q**2)). Do it for every column of states at once "
        "with axis=0.",
        "A unit that tracks the quantity *downwards* (r near -1) tracks it as well as one with r near +1: "
        "compare np.abs(r). Return the index of the best unit (np.argmax gives it), not its r.",
        "A unit whose activation never changes gives 0/0 = nan, and np.argmax returns the position of a nan. "
        "Such a unit tracks nothing: count its r as 0 (np.where(spread > 0, r, 0.0), or np.nan_to_num(r)).",
    ],
    mistakes={
        "the largest *signed* correlation was taken: a unit with r near -1 tracks the quantity as well as one "
        "near +1, so compare |r|": lambda s, q: int(np.argmax(_correlations(s, q))),
        "the covariance was compared, not the correlation: a unit with a large spread wins without following "
        "the quantity closely; divide by each unit's spread": lambda s, q: int(
            np.argmax(np.abs(((s - s.mean(axis=0)) * (q - q.mean())[:, None]).mean(axis=0)))
        ),
        "the unit with the largest mean activation was returned; a large activation says nothing about whether "
        "it follows the quantity": lambda s, q: int(np.argmax(s.mean(axis=0))),
        "the correlation value was returned instead of the unit's index": lambda s, q: float(
            np.max(np.abs(_correlations(s, q)))
        ),
        "a unit that never changes gave r = nan (0/0) and np.argmax picked it: count such a unit's r as 0": (
            lambda s, q: int(np.argmax(np.abs(_correlations(s, q, nan_as_zero=False))))
        ),
    },
)
