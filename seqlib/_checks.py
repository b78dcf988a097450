"""Input validation shared by seqlib.numpy and seqlib.torch.

Every check raises a ValueError or TypeError whose message says what was expected, what was given and the
likely fix, so that the classic mistakes (an LSTM state given to a GRU, a time-first tensor, ...) teach
instead of surfacing as a broadcasting error deep inside a matmul. The functions only look at ``.shape``,
``.dtype`` and ``.ndim``, so both backends share them; ``backend`` picks the spelling of the suggested fix.
"""

from __future__ import annotations

import numbers

import numpy

# How to write the suggested fix in each backend.
_SWAP = {"numpy": "np.swapaxes(x, 0, 1)", "torch": "x.transpose(0, 1)"}
_ADD_BATCH = {"numpy": "x[None]", "torch": "x.unsqueeze(0)"}
_TO_FLOAT = {"numpy": "x.astype(np.{})", "torch": "x.to(torch.{})"}
_ZEROS_LIKE = {"numpy": "np.zeros_like(h)", "torch": "torch.zeros_like(h)"}
_RECAST = {"numpy": "layer.to_dtype(np.{})", "torch": "layer.to(torch.{})"}
_KIND = {"numpy": "numpy array", "torch": "torch tensor"}
_CONVERT = {"numpy": "x.detach().cpu().numpy()", "torch": "torch.from_numpy(x)"}
_OTHER = {"numpy": "torch", "torch": "numpy"}


def check_size(name: str, value) -> int:
    """A layer size must be a positive integer (bool is rejected: True is not a size)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {value!r} of type {type(value).__name__}.")
    if value <= 0:
        raise ValueError(
            f"{name} must be a positive int, got {value}. A recurrent layer needs at least one unit "
            f"(the course's examples use 8 to 128)."
        )
    return int(value)


def check_flag(name: str, value) -> None:
    """A flag such as reset_after must be a bool: bool("False") is True, a silent wrong choice."""
    if not isinstance(value, (bool, numpy.bool_)):
        raise TypeError(
            f"{name} must be True or False, got {value!r} of type {type(value).__name__}; "
            f"a string such as 'False' would count as True."
        )


def _describe(a) -> str:
    return f"shape {tuple(a.shape)} and dtype {a.dtype}"


def _short(dtype) -> str:
    return str(dtype).replace("torch.", "")


def _is_float(dtype) -> bool:
    if isinstance(dtype, numpy.dtype):
        return numpy.issubdtype(dtype, numpy.floating)
    return getattr(dtype, "is_floating_point", False)


def check_dtype(what: str, a, dtype, *, backend: str, owner: str) -> None:
    """Floating and equal to the layer's dtype: mixing float32 and float64 would silently upcast."""
    if not _is_float(a.dtype):
        hint = f" Cast it, e.g. {_TO_FLOAT[backend].format(_short(dtype))}."
        if what == "input" and "int" in str(a.dtype):
            hint = (
                " Token ids go through an embedding first (seqlib's Seq2Seq does that); "
                f"real-valued data only needs a cast, e.g. {_TO_FLOAT[backend].format(_short(dtype))}."
            )
        raise TypeError(f"{owner} expects a floating-point {what} ({dtype}), got dtype {a.dtype}.{hint}")
    if a.dtype != dtype:
        raise TypeError(
            f"{owner} holds {dtype} parameters but the {what} is {a.dtype}; seqlib does not cast silently. "
            f"Cast the {what} to {dtype}, or convert the layer with {_RECAST[backend].format(_short(a.dtype))}."
        )


def _is_backend_array(a, backend: str) -> bool:
    if backend == "numpy":
        return isinstance(a, numpy.ndarray)
    import torch

    return isinstance(a, torch.Tensor)


def check_kind(what: str, a, dtype, *, backend: str, owner: str) -> None:
    """seqlib.numpy takes numpy arrays, seqlib.torch torch tensors: a mix-up would fail deep inside a matmul."""
    if _is_backend_array(a, backend):
        return
    kind, other = _KIND[backend], _OTHER[backend]
    if _is_backend_array(a, other):
        raise TypeError(
            f"{owner} is a seqlib.{backend} object and expects a {kind} as {what}, got a {_KIND[other]}. "
            f"Convert it with {_CONVERT[backend]}, or use the seqlib.{other} class of the same name."
        )
    build = f"np.asarray(x, dtype=np.{_short(dtype)})" if backend == "numpy" else f"torch.tensor(x, dtype={dtype})"
    raise TypeError(f"{owner} expects a {kind} as {what}, got {type(a).__name__}. Build one with {build}.")


def check_finite(what: str, a, *, backend: str, owner: str) -> None:
    if backend == "numpy":
        bad = ~numpy.isfinite(a)
        n_bad = int(bad.sum())
    else:
        import torch

        bad = ~torch.isfinite(a)
        n_bad = int(bad.sum().item())
    if n_bad:
        first = tuple(int(i) for i in (numpy.argwhere(bad)[0] if backend == "numpy" else bad.nonzero()[0]))
        raise ValueError(
            f"{owner} got a {what} with {n_bad} NaN/inf value(s) (first at index {first}). "
            f"A NaN in the input makes every later output NaN; clean or mask the data first "
            f"(np.isfinite / torch.isfinite finds them)."
        )


def check_input(x, input_size: int, dtype, *, backend: str, owner: str, sequence: bool = True) -> None:
    """x is (batch, time, input_size) for a layer, (batch, input_size) for a cell."""
    check_kind("input", x, dtype, backend=backend, owner=owner)
    if x.dtype == object:
        raise TypeError(
            f"{owner} expects a floating-point array, got dtype object (often a ragged list of sequences "
            f"of different lengths). Pad the sequences to one length and pass a float array."
        )
    want = 3 if sequence else 2
    layout = "(batch, time, features)" if sequence else "(batch, features)"
    if x.ndim != want:
        if sequence and x.ndim == 2:
            hint = (
                f" A rank-2 input is either one sequence (time, features): add a batch axis with "
                f"{_ADD_BATCH[backend]}; or one time step (batch, features): use {owner}Cell for a single step."
            )
        elif sequence and x.ndim == 4:
            hint = (
                " A rank-4 input has one axis too many: seqlib layers take (batch, time, features); "
                "flatten image-like features into the last axis (x.reshape(batch, time, -1))."
            )
        elif not sequence and x.ndim == 3:
            hint = " A cell takes one time step; for a whole sequence use the layer (LSTM / GRU)."
        else:
            hint = ""
        raise ValueError(f"{owner} expects input of rank {want} {layout}, got {_describe(x)}.{hint}")
    check_dtype("input", x, dtype, backend=backend, owner=owner)
    if x.shape[0] == 0:
        raise ValueError(f"{owner} got an empty batch (input {_describe(x)}); pass at least one sequence.")
    if sequence and x.shape[1] == 0:
        raise ValueError(
            f"{owner} got an empty time axis (input {_describe(x)}): a sequence needs at least one step. "
            f"If you built a batch of variable-length sequences, drop the empty ones first."
        )
    if x.shape[-1] != input_size:
        hint = ""
        if sequence and x.shape[0] == input_size:
            hint = (
                f" The first axis has size {input_size}: this may be a (features, ...) layout; "
                f"seqlib wants features last."
            )
        elif sequence and x.shape[1] != input_size:
            hint = (
                f" Check that the layer was built with input_size={x.shape[-1]}, or that the input is "
                f"batch-first (batch, time, features); a time-first tensor needs {_SWAP[backend]}."
            )
        raise ValueError(
            f"{owner} was built with input_size={input_size} but the input's last axis has size "
            f"{x.shape[-1]} (input {_describe(x)}).{hint}"
        )
    check_finite("input", x, backend=backend, owner=owner)


def check_state(state, cell: str, batch: int, hidden_size: int, dtype, *, backend: str, owner: str):
    """An LSTM state is the pair (h, c); a GRU state is one array h. Both (batch, hidden)."""
    if cell == "gru":
        if isinstance(state, (tuple, list)):
            raise TypeError(
                f"{owner} state must be a single array h of shape (batch, hidden) = ({batch}, {hidden_size}), "
                f"got a {type(state).__name__} of {len(state)} item(s). This looks like an LSTM (h, c) state: "
                f"a GRU has no cell state c. When converting an LSTM encoder-decoder to GRU, pass only h "
                f"(e.g. state=h, not state=(h, c))."
            )
        parts = {"h": state}
    else:
        if not isinstance(state, (tuple, list)):
            shape = getattr(state, "shape", None)
            raise TypeError(
                f"{owner} state must be a tuple (h, c) of two arrays of shape (batch, hidden) = "
                f"({batch}, {hidden_size}), got a single {type(state).__name__}"
                f"{'' if shape is None else ' of shape ' + str(tuple(shape))}. This looks like a GRU state: "
                f"an LSTM also carries the cell state c. Pass (h, c); if you only have h, "
                f"c = {_ZEROS_LIKE[backend]} is the usual start."
            )
        if len(state) != 2:
            raise TypeError(
                f"{owner} state must be a tuple (h, c) of two arrays, got a {type(state).__name__} of "
                f"{len(state)}. Pass exactly the (h, c) pair an LSTM returns; a GRU state would be h alone."
            )
        parts = {"h": state[0], "c": state[1]}
    for name, a in parts.items():
        if a is None:
            raise TypeError(
                f"{owner} state {name} is None; it must be an array of shape (batch, hidden) = ({batch}, "
                f"{hidden_size}). Start from zeros with {name} = {_ZEROS_LIKE[backend]}, or pass state=None."
            )
        check_kind(f"state {name}", a, dtype, backend=backend, owner=owner)
        if a.ndim == 3 and a.shape[0] == 1 and tuple(a.shape[1:]) == (batch, hidden_size):
            raise ValueError(
                f"{owner} state {name} must be (batch, hidden) = ({batch}, {hidden_size}), got "
                f"{tuple(a.shape)}: that is torch.nn's (num_layers, batch, hidden) layout. Use {name}[0]."
            )
        if a.ndim != 2:
            raise ValueError(
                f"{owner} state {name} must be (batch, hidden) = ({batch}, {hidden_size}), got {_describe(a)}."
            )
        if a.shape[0] != batch:
            raise ValueError(
                f"{owner} state {name} has batch size {a.shape[0]} but the input has batch size {batch}. "
                f"seqlib is batch-first: input (batch, time, features), state (batch, hidden). If your input "
                f"is time-first (time, batch, features), transpose it with {_SWAP[backend]}."
            )
        if a.shape[1] != hidden_size:
            raise ValueError(
                f"{owner} state {name} has {a.shape[1]} units but the layer has hidden_size={hidden_size}. "
                f"An encoder and decoder that share a state must have the same number of units."
            )
        check_dtype(f"state {name}", a, dtype, backend=backend, owner=owner)
        check_finite(f"state {name}", a, backend=backend, owner=owner)


def check_param(owner: str, name: str, value, shape: tuple, dtype) -> None:
    """Assigning a weight: right shape and dtype, or a message naming the layout."""
    backend = "numpy" if isinstance(dtype, numpy.dtype) else "torch"
    check_kind(name, value, dtype, backend=backend, owner=owner)
    if tuple(value.shape) != tuple(shape):
        hint = ""
        if len(shape) == 2 and tuple(value.shape) == (shape[1], shape[0]):
            hint = (
                " It is the transpose of the expected shape: Keras and CS231n store (in, gates*hidden) "
                "kernels; seqlib uses torch.nn's (gates*hidden, in). seqlib.convert translates layouts."
            )
        raise ValueError(f"{owner}.{name} must have shape {tuple(shape)}, got {tuple(value.shape)}.{hint}")
    if value.dtype != dtype:
        raise TypeError(f"{owner}.{name} must have dtype {dtype}, got {value.dtype}. Cast it to {_short(dtype)} first.")


def check_lengths(lengths, batch: int, time: int, *, backend: str, owner: str):
    """Per-sequence lengths of a right-padded batch: integers in [1, time], one per sequence.

    Returns them as a NumPy int64 array (both backends build their masks from it).
    """
    if backend == "torch" and hasattr(lengths, "detach"):
        lengths = lengths.detach().cpu().numpy()
    arr = numpy.asarray(lengths)
    if arr.dtype == object or not (numpy.issubdtype(arr.dtype, numpy.integer) or arr.size == 0):
        raise TypeError(f"{owner}: lengths must be integers (one per sequence), got dtype {arr.dtype}.")
    if arr.shape != (batch,):
        raise ValueError(f"{owner}: lengths must have one entry per sequence, shape ({batch},), got shape {arr.shape}.")
    if batch and (arr.min() < 1 or arr.max() > time):
        raise ValueError(
            f"{owner}: every length must be between 1 and the padded time axis ({time}); got lengths from "
            f"{arr.min()} to {arr.max()}. Lengths count real tokens; padding goes at the end of each sequence."
        )
    return arr.astype(numpy.int64)
