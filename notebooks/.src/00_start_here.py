# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # 00 · Start here: how this course works
#
# **In one sentence:** what the course covers, how notebooks, exercises and checks work, and whether your machine is ready.
#
# *About 10 minutes.*
#
# **Learning goals.** After this notebook you can
# - find your way around the course and the `seqlib` package it is built on;
# - run a cell, use a widget, and do an exercise with `check()`, `hint()` and `solution()`;
# - tell whether your installation works (versions, CPU threads, GPU or not).
#
# **Prerequisites.** Python and NumPy at the level of "I can multiply two arrays". Nothing about neural networks.

# %% [markdown]
# ## How the course works
#
# Every notebook runs top to bottom in about a minute on a laptop CPU and downloads nothing: the data sets are
# generated on the spot by `seqlib.tasks`. Run a cell with **Shift+Enter**; *Run → Run All Cells* runs a whole
# notebook. The notebooks are stored with their outputs, so you can read first and run later.
#
# The code you study lives in the package `seqlib`, written twice so that you can put the two versions side by side:
#
# | module | what is in it |
# |---|---|
# | `seqlib.numpy` | LSTM and GRU cells and layers in NumPy, every forward pass next to its backward pass |
# | `seqlib.torch` | the same classes with the same names, from torch operations; autograd does the backward pass |
# | `seqlib.convert` | weights moved between seqlib, torch.nn, Keras, CS231n and d2l |
# | `seqlib.tasks` | the data sets: addition, dates, reversing strings, forecasting sine waves |
# | `seqlib.exercises` | `check()`, `hint()` and `solution()` for every exercise |
#
# Every claim the course makes — that an implementation equals `torch.nn`, that a GRU has fewer parameters, that
# one trains faster — is measured in a cell you can run, and the text follows what the measurement says.

# %% [markdown]
# ## Is your machine ready?
#
# The next cell prints the versions the course was built with and what this machine offers. Nothing needs a GPU.

# %%
import importlib.metadata as metadata
import os
import platform

import numpy as np
import torch

print(f"Python      {platform.python_version()}")
for package in ["seqlib", "numpy", "torch", "keras", "matplotlib", "ipywidgets", "jupyterlab"]:
    try:
        print(f"{package:<11} {metadata.version(package)}")
    except metadata.PackageNotFoundError:
        print(f"{package:<11} NOT INSTALLED: run  python -m pip install -r requirements.txt")
print(f"CPU cores   {os.cpu_count()} (torch uses {torch.get_num_threads()} threads)")
print(f"CUDA GPU    {'yes: ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no (not needed)'}")

# %% [markdown]
# ## A first look at an LSTM
#
# An LSTM layer reads a batch of sequences and returns one output per time step, plus its final state. seqlib is
# *batch-first*: inputs are `(batch, time, features)`. The output at each step is the hidden state `h`, a vector of
# `hidden_size` numbers (16 here, chosen freely); an LSTM also carries a second vector, its memory `c`, so its state
# is the pair `(h, c)`, while a GRU's is `h` alone. Notebooks 02 and 03 build both from their equations.
# Cells marked `# NBVAL_CHECK_OUTPUT` print facts that the course's tests check on every change.

# %%
# NBVAL_CHECK_OUTPUT
import seqlib.numpy as snp

rng = np.random.default_rng(0)  # every random draw in the course is seeded
x = rng.normal(size=(4, 10, 8))  # 4 sequences, 10 time steps, 8 features each
lstm = snp.LSTM(input_size=8, hidden_size=16, seed=0)
outputs, (h, c) = lstm(x)
print("outputs:", outputs.shape, " h:", h.shape, " c:", c.shape)
print("the last output is the final h:", np.array_equal(outputs[:, -1], h))

# %% [markdown]
# Mistakes get messages that say what was expected and how to fix it. Here a GRU receives an LSTM's `(h, c)` —
# the most common slip when converting one into the other:

# %%
gru = snp.GRU(8, 16, seed=0)
try:
    gru(x, state=(h, c))
except TypeError as error:
    print(error)

# %% [markdown]
# ## Widgets
#
# Some notebooks let you move sliders and watch what changes. If the slider below does not appear, the widget
# extension is missing: the course's `requirements.txt` installs it. Above the slider, a static figure shows the
# same curves, so the notebook also reads well where widgets cannot run (GitHub, nbviewer).

# %%
import matplotlib.pyplot as plt
from ipywidgets import FloatSlider, interact

a = np.linspace(-6, 6, 241)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(a, snp.sigmoid(a), label="σ(a): a gate, between 0 and 1")
ax.plot(a, np.tanh(a), "--", label="tanh(a): a value, between -1 and 1")
ax.set(xlabel="pre-activation a", ylabel="output", title="The two squashing functions of LSTMs and GRUs")
ax.axhline(0, color="grey", lw=0.5)
ax.legend(loc="lower right")
plt.show()


@interact(a=FloatSlider(value=0.0, min=-6, max=6, step=0.25, description="a"))
def squash(a):
    print(f"σ({a:+.2f}) = {snp.sigmoid(np.array(a)):.3f}    tanh({a:+.2f}) = {np.tanh(a):+.3f}")


# %% [markdown]
# ## Exercises: `check()`, `hint()`, `solution()`
#
# Each notebook has at least one exercise. The cell starts as a skeleton that runs and reports *not attempted*;
# replace the placeholder with your code and run the cell again. `check()` answers **correct**, **not yet** (with
# what is wrong, never the expected numbers) or **not attempted**. `hint()` gives the next hint, `solution()` shows
# a reference solution. Passed exercises are remembered in a small file (`seqlib.exercises.progress_path()`).
#
# **Exercise.** Write the logistic sigmoid σ(a) = 1 / (1 + e<sup>−a</sup>) for a NumPy array `a`. It should also
# work for a = ±1000 without an overflow warning.

# %%
from seqlib.exercises import sigmoid as exercise


def sigmoid(a):
    return None  # your code here


exercise.check(sigmoid)

# %% [markdown]
# Uncomment a line to get a hint or to see a solution:

# %%
# exercise.hint()
# exercise.solution()

# %% [markdown]
# ## The course map
#
# The table is built from the notebooks that are in this folder, so it is always up to date.

# %%
from IPython.display import Markdown

from seqlib import course

Markdown(course.course_map())

# %% [markdown]
# ## Summary
#
# - The course runs on a CPU, in minutes, with nothing to download; every number in it comes from a cell.
# - `seqlib.numpy` and `seqlib.torch` hold the same LSTM and GRU, written by hand and with torch operations.
# - Inputs are `(batch, time, features)`; an LSTM's state is `(h, c)`, a GRU's is `h`.
# - Exercises: `check()`, `hint()`, `solution()`.
#
# **Next:** [01 · Gates](01_gates.ipynb)
