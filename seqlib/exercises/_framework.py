"""What every exercise shares: the Exercise class, its Result, array comparison and progress records."""

from __future__ import annotations

import inspect
import json
import os
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CORRECT, NOT_YET, NOT_ATTEMPTED = "correct", "not yet", "not attempted"


@dataclass
class Result:
    """What ``check`` found. Shown in a notebook as one line; ``status`` is one of the three states."""

    exercise: str
    status: str
    message: str

    def __repr__(self) -> str:
        mark = {CORRECT: "Correct", NOT_YET: "Not yet", NOT_ATTEMPTED: "Not attempted"}[self.status]
        return f"{mark} ({self.exercise}): {self.message}"

    def __bool__(self) -> bool:
        return self.status == CORRECT


@dataclass
class Exercise:
    """One exercise: a reference solution, graded hints and a checker that can name common mistakes.

    ``cases(rng)`` yields argument tuples to call both functions with; ``compare(got, want, args)`` returns
    None when they agree or a sentence saying what differs; ``mistakes`` maps a description of a known
    mistake to a function that makes it, so ``check`` can say which one it recognises.
    """

    name: str
    title: str
    reference: callable
    cases: callable
    compare: callable
    hints: list
    mistakes: dict = field(default_factory=dict)
    _hints_shown: int = 0

    def check(self, fn=None) -> Result:
        if fn is None:
            return self._record(NOT_ATTEMPTED, f"pass your function: check({self.name}).")
        rng = np.random.default_rng(0)
        for args in self.cases(rng):
            try:
                got = fn(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
            except Exception as e:  # the learner's error is feedback, not a crash of the notebook
                where = traceback.extract_tb(e.__traceback__)[-1]
                return self._record(
                    NOT_YET, f"your function raised {type(e).__name__}: {e} (line {where.lineno}: {where.line})."
                )
            if got is None:
                return self._record(
                    NOT_ATTEMPTED, "your function returns None; replace the placeholder with your code."
                )
            want = self.reference(*args)
            problem = self.compare(got, want, args)
            if problem:
                for mistake, wrong in self.mistakes.items():
                    if self.compare(got, wrong(*args), args) is None:
                        return self._record(NOT_YET, f"{problem} It looks like {mistake}.")
                return self._record(NOT_YET, problem)
        return self._record(CORRECT, "matches the reference on every test input.")

    def hint(self, n: int | None = None) -> None:
        """Print the next hint (or hint ``n``, counting from 1)."""
        if n is None:
            n = min(self._hints_shown + 1, len(self.hints))
        if not 1 <= n <= len(self.hints):
            raise ValueError(f"{self.name} has hints 1 to {len(self.hints)}, not {n}.")
        self._hints_shown = max(self._hints_shown, n)
        more = f" (hint {n} of {len(self.hints)}; hint() again for the next)" if n < len(self.hints) else ""
        print(f"Hint {n}{more}: {self.hints[n - 1]}")

    def solution(self) -> None:
        """Print the reference solution's source, under the name the exercise asks for."""
        source = textwrap.dedent(inspect.getsource(self.reference))
        print(source.replace(f"def {self.reference.__name__}(", f"def {self.name}(", 1))

    def _record(self, status: str, message: str) -> Result:
        if status == CORRECT:
            _mark_passed(self.name)
        return Result(self.title, status, message)


# --- comparing arrays without revealing them --------------------------------------------------------------


def _compare_arrays(names, got, want, tol=1e-8) -> str | None:
    """Compare one array (or a tuple of them, named by ``names``): shape first, then values."""
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    if len(got) != len(want):
        return f"return {len(want)} value(s) ({', '.join(names)}), got {len(got)}."
    for name, g, w in zip(names, got, want, strict=True):
        g = np.asarray(g.detach().numpy() if hasattr(g, "detach") else g)
        if g.shape != w.shape:
            return f"{name} has shape {g.shape}; it should be {w.shape}."
        if not np.allclose(g, w, atol=tol, rtol=0):
            bad = np.argwhere(~np.isclose(g, w, atol=tol, rtol=0))
            cols = sorted({int(i[-1]) for i in bad})
            return (
                f"{name} has the right shape but wrong values (in {len(bad)} of {w.size} entries, columns {cols[:6]})."
            )
    return None


def _compare(names):
    return lambda got, want, args: _compare_arrays(names, got, want)


# --- progress --------------------------------------------------------------------------------------------------


def progress_path() -> Path:
    """Where passed exercises are recorded: $SEQLIB_PROGRESS, else ~/.seqlib/progress.json."""
    return Path(os.environ.get("SEQLIB_PROGRESS", Path.home() / ".seqlib" / "progress.json"))


def _read_progress() -> dict:
    path = progress_path()
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not isinstance(data.get("passed", []), list):
            raise ValueError("unexpected layout")
        return data
    except FileNotFoundError:
        return {"passed": []}
    except (OSError, ValueError) as e:
        print(f"seqlib: the progress file {path} could not be read ({e}); starting a new one.")
        return {"passed": []}


def _mark_passed(name: str) -> None:
    data = _read_progress()
    if name in data["passed"]:
        return
    data["passed"].append(name)
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1))
    except OSError:
        pass  # progress is a convenience: a read-only home must not stop an exercise from passing
