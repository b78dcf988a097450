"""Train, use and save a seqlib.numpy Seq2Seq: ``fit``, ``translate``, ``save`` and ``load``.

The same functions as seqlib.torch.train; the training step is written out (forward, loss, backward, clip,
Adam) where torch's is ``loss.backward()`` and ``optimizer.step()``.
"""

from __future__ import annotations

import json

import numpy as np
from threadpoolctl import threadpool_limits

from seqlib import _training
from seqlib._seq2seq import Config
from seqlib.numpy.optim import Adam, clip_grad_norm
from seqlib.numpy.seq2seq import Seq2Seq


def fit(model, task, max_seconds=None, target_accuracy=None, seed=0, *, epochs=None, batch_size=128, lr=3e-3,
        lr_decay=1.0, clip=1.0, teacher_forcing=1.0, threads=1, progress=True,
        eval_limit=None) -> _training.History:  # fmt: skip
    """Train ``model`` on ``task`` with Adam, gradient clipping and teacher forcing; returns a History.

    The learning rate starts at ``lr`` and is multiplied by ``lr_decay`` after every epoch. ``threads``
    sets how many threads NumPy's BLAS uses for the duration of the call (through threadpoolctl; None leaves
    it alone). One is the default for a course-sized model: a second thread saves about a tenth of the time
    on an idle 2-core machine, but when another process wants that core (a second kernel, a test run) every
    matmul gets ten times slower.

    Stops at whichever comes first: ``epochs``, ``max_seconds`` of training (evaluation not counted) or a
    held-out exact match of ``target_accuracy``. Exact match is measured on the task's test split with
    greedy decoding after every epoch (``eval_limit`` caps how many test examples that reads). ``seed``
    fixes the batch order and the scheduled-sampling draws.
    """
    if not isinstance(model, Seq2Seq):
        hint = " Train a seqlib.torch model with seqlib.torch.fit." if "torch" in type(model).__module__ else ""
        raise TypeError(f"fit trains a seqlib.numpy.Seq2Seq, got {type(model).__name__}.{hint}")
    optimizer = Adam(model.parameters(), lr=lr)
    _training.check_lr_decay(lr_decay)
    threads = _training.check_threads(threads)
    rng = np.random.default_rng(seed)

    def train_step(batch):
        logits, cache = model.forward(batch["src"], batch["src_lengths"], batch["dec_in"], teacher_forcing, rng)
        loss, dlogits = model.loss(logits, batch["dec_out"], batch["mask"])
        grads = model.backward(dlogits, cache)
        if clip is not None:
            clip_grad_norm(grads, clip)
        optimizer.step(grads)
        return loss

    def predict(sources):
        return translate(model, task, sources)

    def end_of_epoch(epoch):
        optimizer.lr *= lr_decay

    with threadpool_limits(limits=threads, user_api="blas"):
        return _training.run(
            train_step, predict, task, epochs=epochs, max_seconds=max_seconds, target_accuracy=target_accuracy,
            batch_size=batch_size, seed=seed, progress=progress, eval_limit=eval_limit,
            desc=f"{model.cell.upper()} numpy", end_of_epoch=end_of_epoch,
        )  # fmt: skip


def translate(model, task, texts, beam_size: int = 1) -> list[str]:
    """Human-readable sources in, human-readable answers out (``"123+45"`` -> ``"168"``).

    The task applies any digit reversal on the way in and out; ``beam_size > 1`` uses beam search.
    """
    src, lengths = task.encode_sources(texts)
    if beam_size == 1:
        return task.decode_targets(model.greedy(src, lengths))
    return [task.present(task.target_vocab.decode(seq)) for seq in model.beam_search(src, lengths, beam_size)]


def save(model, path) -> None:
    """Write the model's configuration and weights to one ``.npz`` file at exactly ``path``.

    The configuration is stored as JSON text, so ``load`` needs no pickle (``allow_pickle=False``).
    """
    config = np.array(json.dumps(model.config.to_dict()))  # a 0-d unicode array
    # An open file, because np.savez would append ".npz" to a path without it and load would not find it.
    with open(path, "wb") as f:
        np.savez(f, config=config, **model.numpy_weights())


def load(path, model=None):
    """Read a checkpoint written by ``save`` (with ``allow_pickle=False``: no pickle of arbitrary objects).

    Without ``model``, builds a new Seq2Seq from the stored configuration, in the stored dtype. With
    ``model``, loads into it and refuses a checkpoint of another cell or size, naming both.
    """
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    if "config" not in arrays:
        raise ValueError(
            f"{path} is not a seqlib.numpy checkpoint (it has no 'config' entry). A file written by "
            f"seqlib.torch.save is read with seqlib.torch.load."
        )
    config = Config(**json.loads(str(arrays.pop("config"))))
    if model is None:
        model = Seq2Seq(config, dtype=next(iter(arrays.values())).dtype)
    elif model.config != config:
        mine, theirs = model.config, config
        raise ValueError(
            f"{path} holds a {theirs.cell.upper()} encoder-decoder (hidden_size={theirs.hidden_size}), but this "
            f"model is a {mine.cell.upper()} one (hidden_size={mine.hidden_size}). An LSTM's weights cannot "
            f"fill a GRU; build the model from the checkpoint with seqlib.numpy.load(path)."
        )
    model.load_numpy_weights(arrays)
    return model
