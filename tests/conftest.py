import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("seqlib", max_examples=25, deadline=None, derandomize=True)
settings.load_profile("seqlib")

# (cell, constructor kwargs) for every variant seqlib implements.
VARIANTS = [("lstm", {}), ("gru", {"reset_after": True}), ("gru", {"reset_after": False})]
VARIANT_IDS = ["lstm", "gru-reset-after", "gru-reset-before"]


def random_state(cell, batch, hidden, rng, dtype=np.float64):
    def one():
        return rng.normal(size=(batch, hidden)).astype(dtype)

    return (one(), one()) if cell == "lstm" else one()


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    """Exercises record passes in a JSON file: every test gets its own, never the user's ~/.seqlib."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("SEQLIB_PROGRESS", str(path))
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
