"""The training loop both backends share: epochs of seeded batches, a time budget, early stop, a history.

A backend supplies ``train_step(batch) -> loss`` and ``predict(sources) -> answers``; this module does the
bookkeeping, so ``seqlib.numpy.fit`` and ``seqlib.torch.fit`` stop, measure and report in the same way.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field

from seqlib._checks import check_size
from seqlib.tasks import exact_match


@dataclass
class History:
    """One entry per evaluation (after every epoch).

    ``train_seconds`` counts only the time spent in training steps (evaluation excluded), cumulatively;
    ``seconds_to_target`` is the training time at the first evaluation that reached ``target_accuracy``.
    """

    epoch: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    train_seconds: list = field(default_factory=list)
    wall_seconds: list = field(default_factory=list)
    epoch_fraction: list = field(default_factory=list)
    target_accuracy: float | None = None
    seconds_to_target: float | None = None
    stopped_because: str = ""

    @property
    def final_accuracy(self) -> float:
        return self.accuracy[-1] if self.accuracy else float("nan")

    @property
    def seconds_per_epoch(self) -> float:
        """Training seconds per full pass over the training set (a pass cut short by the budget counts for the
        fraction of its batches that ran)."""
        return self.train_seconds[-1] / sum(self.epoch_fraction) if self.epoch else float("nan")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def __repr__(self) -> str:
        return (
            f"History(epochs={len(self.epoch)}, final_accuracy={self.final_accuracy:.4f}, "
            f"train_seconds={self.train_seconds[-1] if self.train_seconds else 0:.1f}, "
            f"seconds_to_target={self.seconds_to_target}, stopped_because={self.stopped_because!r})"
        )


def check_lr_decay(lr_decay) -> None:
    if isinstance(lr_decay, bool) or not (isinstance(lr_decay, numbers.Real) and 0 < lr_decay <= 1):
        raise ValueError(f"lr_decay must be a number in (0, 1] (1 keeps the rate constant), got {lr_decay!r}.")


def check_threads(threads):
    return None if threads is None else check_size("threads", threads)


def evaluate(predict, task, split="test", batch_size=512, limit=None) -> float:
    """Exact-match accuracy of ``predict`` (human sources -> human answers) on a split of ``task``."""
    data = task.split(split)
    n = len(data) if limit is None else min(limit, len(data))
    predictions = []
    for start in range(0, n, batch_size):
        predictions += predict(list(data.sources[start : min(n, start + batch_size)]))
    return exact_match(predictions, list(data.targets[:n]))


def run(train_step, predict, task, *, epochs, max_seconds, target_accuracy, batch_size, seed, progress, eval_limit,
        desc, end_of_epoch=None) -> History:  # fmt: skip
    """Train until ``epochs`` are done, the training time exceeds ``max_seconds`` or the held-out exact match
    reaches ``target_accuracy`` — whichever comes first — evaluating on the test split after every epoch."""
    if epochs is None and max_seconds is None and target_accuracy is None:
        raise ValueError("fit needs a way to stop: give epochs=, max_seconds= or target_accuracy= (or several).")
    if epochs is not None:
        check_size("epochs", epochs)
    if max_seconds is not None and not max_seconds > 0:
        raise ValueError(f"max_seconds must be a positive number of seconds, got {max_seconds!r}.")
    if target_accuracy is not None and not 0 < target_accuracy <= 1:
        raise ValueError(f"target_accuracy must be in (0, 1], got {target_accuracy!r}.")
    from tqdm.auto import tqdm

    history = History(target_accuracy=target_accuracy)
    start = time.perf_counter()
    trained, steps, epoch = 0.0, 0, 0
    bar = tqdm(total=epochs, desc=desc, disable=not progress, unit="epoch", leave=True)
    try:
        while True:
            epoch += 1
            losses, out_of_time = [], False
            batches_per_epoch = -(-len(task.train) // batch_size)
            for batch in task.batches("train", batch_size=batch_size, seed=seed + epoch):
                t0 = time.perf_counter()
                losses.append(float(train_step(batch)))
                trained += time.perf_counter() - t0
                steps += 1
                if max_seconds is not None and trained >= max_seconds:
                    out_of_time = True
                    break
            if end_of_epoch is not None:
                end_of_epoch(epoch)
            accuracy = evaluate(predict, task, "test", limit=eval_limit)
            history.epoch.append(epoch)
            history.steps.append(steps)
            history.loss.append(sum(losses) / len(losses))
            history.accuracy.append(accuracy)
            history.train_seconds.append(trained)
            history.wall_seconds.append(time.perf_counter() - start)
            history.epoch_fraction.append(len(losses) / batches_per_epoch)
            bar.update(1)
            bar.set_postfix(loss=f"{history.loss[-1]:.4f}", acc=f"{accuracy:.4f}", s=f"{trained:.1f}")
            if target_accuracy is not None and accuracy >= target_accuracy:
                history.seconds_to_target = trained
                history.stopped_because = "target accuracy reached"
                break
            if out_of_time:
                history.stopped_because = "time budget spent"
                break
            if epochs is not None and epoch >= epochs:
                history.stopped_because = "all epochs done"
                break
    finally:
        bar.close()
    return history
