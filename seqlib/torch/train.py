"""Train, use and save a seqlib.torch Seq2Seq: ``fit``, ``translate``, ``save`` and ``load``."""

from __future__ import annotations

import torch

from seqlib import _training
from seqlib._seq2seq import Config
from seqlib.torch.seq2seq import Seq2Seq


def fit(model, task, max_seconds=None, target_accuracy=None, seed=0, *, epochs=None, batch_size=128, lr=3e-3,
        lr_decay=1.0, clip=1.0, teacher_forcing=1.0, threads=1, progress=True,
        eval_limit=None) -> _training.History:  # fmt: skip
    """Train ``model`` on ``task`` with Adam, gradient clipping and teacher forcing; returns a History.

    The learning rate starts at ``lr`` and is multiplied by ``lr_decay`` after every epoch. ``threads``
    sets torch's intra-op threads for the duration of the call (None leaves them alone). One is the default
    for a course-sized model: a second thread saves little on an idle machine, and when another process
    wants that core (a second kernel, a test run) every step gets several times slower.

    Stops at whichever comes first: ``epochs``, ``max_seconds`` of training (evaluation not counted) or a
    held-out exact match of ``target_accuracy``. Exact match is measured on the task's test split with
    greedy decoding after every epoch (``eval_limit`` caps how many test examples that reads). ``seed``
    fixes the batch order and the scheduled-sampling draws. Works with ``rnn="seqlib"`` and
    ``rnn="torch.nn"`` models alike.
    """
    if not isinstance(model, Seq2Seq):
        raise TypeError(f"fit trains a seqlib.torch.Seq2Seq, got {type(model).__name__}.")
    device = model.decoder.W_out.device
    _training.check_lr_decay(lr_decay)
    threads = _training.check_threads(threads)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=lr_decay)
    generator = torch.Generator().manual_seed(seed)

    def train_step(batch):
        model.train()
        optimizer.zero_grad()
        logits = model(batch["src"], batch["src_lengths"], batch["dec_in"], teacher_forcing, generator)
        loss = model.loss(logits, torch.from_numpy(batch["dec_out"]).to(device), torch.from_numpy(batch["mask"]))
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        return loss.item()

    def predict(sources):
        return translate(model, task, sources)

    saved_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _training.run(
            train_step, predict, task, epochs=epochs, max_seconds=max_seconds, target_accuracy=target_accuracy,
            batch_size=batch_size, seed=seed, progress=progress, eval_limit=eval_limit,
            desc=f"{model.cell.upper()} {model.rnn_kind}", end_of_epoch=lambda epoch: schedule.step(),
        )  # fmt: skip
    finally:
        torch.set_num_threads(saved_threads)


def translate(model, task, texts, beam_size: int = 1) -> list[str]:
    """Human-readable sources in, human-readable answers out (``"123+45"`` -> ``"168"``).

    The task applies any digit reversal on the way in and out; ``beam_size > 1`` uses beam search.
    """
    src, lengths = task.encode_sources(texts)
    model.eval()
    if beam_size == 1:
        ids = model.greedy(src, lengths).cpu().numpy()
        return task.decode_targets(ids)
    return [task.present(task.target_vocab.decode(seq)) for seq in model.beam_search(src, lengths, beam_size)]


def save(model, path) -> None:
    """Write the model's configuration and weights with ``torch.save`` (tensors, ints and strings only)."""
    torch.save({"config": model.config.to_dict(), "rnn": model.rnn_kind, "state_dict": model.state_dict()}, path)


def load(path, model=None):
    """Read a checkpoint written by ``save`` (with ``weights_only=True``: no pickle of arbitrary objects).

    Without ``model``, builds a new Seq2Seq from the stored configuration. With ``model``, loads into it and
    refuses a checkpoint of another cell or size, naming both.
    """
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
    config = Config(**checkpoint["config"])
    if model is None:
        model = Seq2Seq(config, rnn=checkpoint["rnn"], dtype=next(iter(checkpoint["state_dict"].values())).dtype)
    elif model.config != config or model.rnn_kind != checkpoint["rnn"]:
        mine, theirs = model.config, config
        raise ValueError(
            f"{path} holds a {theirs.cell.upper()} encoder-decoder (hidden_size={theirs.hidden_size}, "
            f"rnn={checkpoint['rnn']!r}), but this model is a {mine.cell.upper()} one (hidden_size="
            f"{mine.hidden_size}, rnn={model.rnn_kind!r}). An LSTM's weights cannot fill a GRU; build the "
            f"model from the checkpoint with seqlib.torch.load(path)."
        )
    model.load_state_dict(checkpoint["state_dict"])
    return model
