"""The course's exercises: ``check()``, ``hint()`` and ``solution()`` for each, in the style of Kaggle Learn.

In a notebook::

    from seqlib.exercises import lstm_step as exercise

    def lstm_step(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
        return None  # your code here: return (h, c)

    exercise.check(lstm_step)   # correct / not yet (and what is wrong) / not attempted
    exercise.hint()             # the next hint; hint(2) shows the second
    exercise.solution()         # the reference solution, as code to read

``check`` runs the function on random inputs and compares it with a reference. When it disagrees it says
*what* is wrong — a shape, which output, a known mistake such as gates taken in the wrong order — without
printing the expected numbers. A function that still returns None reports "not attempted"; a function that
raises reports the error instead of raising it, so a notebook always runs top to bottom.

Exercises that pass are recorded in a small JSON file (``progress_path()``; ``passed()`` lists them and
``progress()`` shows them as a widget); the file is
never needed, and a missing or damaged one is simply started again.
"""

from __future__ import annotations

import importlib
import pkgutil

from seqlib.exercises._framework import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_YET,
    Exercise,
    Result,
    _read_progress,
    progress_path,
)


def _collect() -> dict:
    """Every Exercise defined in this package's modules, by name (a new module is picked up by itself)."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.update({v.name: v for v in vars(module).values() if isinstance(v, Exercise)})
    return found


EXERCISES = _collect()
globals().update(EXERCISES)


def passed() -> list:
    """Names of the exercises recorded as passed."""
    return [n for n in _read_progress()["passed"] if n in EXERCISES]


def progress():
    """A widget with the course's progress: a bar and every exercise, passed or still open."""
    import ipywidgets as W

    done = set(passed())
    rows = [
        f"<li>{'&#10003;' if name in done else '&#9675;'} <code>{name}</code> "
        f"<span style='color:#555'>({module})</span></li>"
        for name, module in ((n, EXERCISES[n].reference.__module__.rsplit(".", 1)[-1]) for n in EXERCISES)
    ]
    bar = W.IntProgress(value=len(done), min=0, max=len(EXERCISES), description="exercises", bar_style="success")
    summary = W.HTML(f"<b>{len(done)} of {len(EXERCISES)}</b> exercises passed (recorded in {progress_path()})")
    return W.VBox([W.HBox([bar, summary]), W.HTML("<ul style='list-style:none'>" + "".join(rows) + "</ul>")])


def reset_progress() -> None:
    """Forget every passed exercise (for a teacher handing the course to a new class on the same account)."""
    path = progress_path()
    if path.exists():
        path.unlink()


__all__ = ["CORRECT", "EXERCISES", "NOT_ATTEMPTED", "NOT_YET", "Exercise", "Result", "passed", "progress",
           "progress_path", "reset_progress",
           *EXERCISES]  # fmt: skip
