"""Synthetic sequence-to-sequence tasks: generated on the spot, seeded, no downloads.

Every data set in the course comes from this module, so a notebook runs offline (Binder, a train, an exam
room) and gives the same numbers on every machine. Each task is small enough to train in seconds on a CPU and
hard enough to show the difference between a model that works and one that does not.

Token tasks (return a :class:`Task`):

``addition``
    ``"123+45" -> "168"``. The classic toy problem of the Keras addition example. With ``reverse=True``
    the encoder reads the source backwards (``"54+321"``), the trick of Sutskever et al. (2014): the
    first digits the decoder emits then sit close, in time, to the encoder steps that determine them.
    ``reverse_target=True`` makes the decoder emit the answer least-significant digit first (``"861"``),
    the order in which carries are computed by hand.
``dates``
    ``"Wednesday, November 25, 2026" -> "2026-11-25"``: one date rendered in one of a dozen human formats,
    translated to ISO 8601. Month and day names are fixed English words (the machine's locale is never
    consulted). Train and test are split *by date*, so the test measures dates the model has never seen.
``reverse`` and ``copy``
    Random symbol strings of variable length; the target is the string reversed or unchanged. Copying is
    the hardest for a plain encoder-decoder (the first symbol is the furthest back), reversing the easiest.

Regression (returns a :class:`ForecastTask`):

``sine_forecast``
    A noisy sum of sines: read ``input_steps`` values, predict the next ``output_steps``. Comes with
    ``naive_baseline()`` (repeat the last value) so a learner can tell whether a model learned anything.

Two views of a token task. The splits store *human-readable* pairs (``"123+45"``, ``"168"``). What the model
sees may differ (reversed source, reversed target); :meth:`Task.prepare` / :meth:`Task.present_source` and
:meth:`Task.prepare_target` / :meth:`Task.present` convert between the two, and ``encode_sources``,
``encode_targets`` and ``decode_targets`` apply them for you: human text goes in, human text comes out. So a
translation is::

    src, src_lengths = task.encode_sources(["123+45"])   # applies task.prepare
    ids = ...                                            # the model's greedy output, (batch, time) ints
    task.decode_targets(ids)                             # stops at EOS, applies task.present -> ["168"]

Token ids: PAD is 0, BOS 1, EOS 2, then the task's symbols in sorted order. Sequences are batch-first and
padded with PAD; ``lengths`` and ``mask`` say which positions are real, so padding never counts in a loss.

Every generator takes ``seed=`` (an int or a ``numpy.random.Generator``) and builds train and test from
disjoint sets of distinct sources, so no test example was seen in training. Asking for more examples than the
settings allow raises a ``ValueError`` that says how many exist and what to change.
"""

from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy

__all__ = [
    "DATE_FORMATS",
    "DAY_NAMES",
    "MONTH_NAMES",
    "ForecastTask",
    "Split",
    "Task",
    "Vocab",
    "addition",
    "copy",
    "dates",
    "exact_match",
    "render_date",
    "reverse",
    "sine_forecast",
]

PAD, BOS, EOS = 0, 1, 2
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>")
_DIGITS = "0123456789"

# ----------------------------------------------------------------------------------------------------------
# Argument checks: each says what was expected, what was given, and what to do.
# ----------------------------------------------------------------------------------------------------------


def _check_int(name: str, value, *, minimum: int = 1, maximum: int | None = None, hint: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} of type {type(value).__name__}.")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        expected = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise ValueError(f"{name} must be an int {expected}, got {value}.{' ' + hint if hint else ''}")
    return value


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, numpy.bool_)):
        raise TypeError(
            f"{name} must be True or False, got {value!r} of type {type(value).__name__}; "
            f"a string such as 'False' would count as True."
        )
    return bool(value)


def _rng(seed) -> numpy.random.Generator:
    """An int seed or a Generator; None is refused, because every draw in the course is reproducible."""
    if isinstance(seed, numpy.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int or a numpy.random.Generator, got {seed!r} of type {type(seed).__name__}. "
            f"seqlib never draws from hidden global state: pass e.g. seed=0, or numpy.random.default_rng(0)."
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}.")
    return numpy.random.default_rng(int(seed))


def _check_sizes(n_train, n_test) -> tuple[int, int]:
    return _check_int("n_train", n_train), _check_int("n_test", n_test)


def _check_capacity(task: str, n_train: int, n_test: int, available: int, what: str, fix: str) -> None:
    if n_train + n_test > available:
        raise ValueError(
            f"{task}: n_train + n_test = {n_train} + {n_test} = {n_train + n_test} distinct examples requested, "
            f"but only {available} exist ({what}); train and test must not share an example. {fix}"
        )


def _check_texts(texts, what: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(
            f"{what} must be a list of strings, got the single string {texts!r}; iterating over it would "
            f"treat each character as a separate example. Wrap it in a list: [{texts!r}]."
        )
    if isinstance(texts, numpy.ndarray):
        texts = texts.tolist()
    if not isinstance(texts, Iterable):
        raise TypeError(f"{what} must be a list of strings, got {type(texts).__name__}.")
    texts = list(texts)
    if not texts:
        raise ValueError(f"{what} is empty; a batch needs at least one text.")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{what}[{i}] must be a str, got {t!r} of type {type(t).__name__}.")
    return texts


# ----------------------------------------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------------------------------------


class Vocab:
    """A character vocabulary: PAD (0), BOS (1), EOS (2), then the symbols in sorted order.

    >>> v = Vocab("0123456789+")
    >>> v.encode("12+3")
    [5, 6, 3, 7]
    >>> v.decode([5, 6, 3, 7, v.eos, v.pad])
    '12+3'
    """

    pad = PAD
    bos = BOS
    eos = EOS

    def __init__(self, symbols: str | Iterable[str], name: str = "vocabulary"):
        chars = list(symbols)
        for ch in chars:
            if not isinstance(ch, str) or len(ch) != 1:
                raise TypeError(f"Vocab symbols must be single characters, got {ch!r}.")
        if not chars:
            raise ValueError(f"Vocab needs at least one symbol, got {symbols!r}.")
        self.name = name
        self.symbols: tuple[str, ...] = tuple(sorted(set(chars)))
        self.tokens: tuple[str, ...] = SPECIAL_TOKENS + self.symbols
        self._index = {ch: i + len(SPECIAL_TOKENS) for i, ch in enumerate(self.symbols)}

    @property
    def size(self) -> int:
        """Number of ids, specials included: the embedding's rows and the output layer's width."""
        return len(self.tokens)

    def __len__(self) -> int:
        return self.size

    def __contains__(self, ch) -> bool:
        return ch in self._index

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocab) and self.tokens == other.tokens

    def __hash__(self) -> int:
        return hash(self.tokens)

    def __repr__(self) -> str:
        return f"Vocab(size={self.size}, symbols={''.join(self.symbols)!r})"

    def encode(self, text: str) -> list[int]:
        """Ids of the characters of ``text`` (no BOS/EOS added: Task.encode_* add them where they belong)."""
        if not isinstance(text, str):
            raise TypeError(f"encode takes one str, got {type(text).__name__} {text!r}.")
        unknown = sorted(set(text) - self._index.keys())
        if unknown:
            raise ValueError(
                f"{text!r} has characters that are not in the {self.name}: {''.join(unknown)!r}. "
                f"Allowed characters: {''.join(self.symbols)!r}."
            )
        return [self._index[ch] for ch in text]

    def decode(self, ids) -> str:
        """Text of one id sequence: stops at the first EOS, skips PAD and BOS.

        Accepts a list of ints or a 1-D integer array (numpy, or anything ``numpy.asarray`` understands).
        """
        if isinstance(ids, str):
            raise TypeError(f"decode takes token ids, got the string {ids!r}; to get ids use encode().")
        arr = numpy.asarray(ids)
        if arr.size == 0:
            return ""
        if arr.ndim != 1:
            raise ValueError(
                f"decode takes one sequence of ids (1-D), got shape {arr.shape}. For a batch use "
                f"[vocab.decode(row) for row in ids], or Task.decode_targets(ids)."
            )
        if not numpy.issubdtype(arr.dtype, numpy.integer):
            raise TypeError(
                f"decode expects integer token ids, got dtype {arr.dtype}. If these are scores or "
                f"probabilities over the vocabulary, take the argmax over the last axis first."
            )
        bad = arr[(arr < 0) | (arr >= self.size)]
        if bad.size:
            raise ValueError(
                f"token id {int(bad[0])} is outside [0, {self.size}): the {self.name} has {self.size} tokens. "
                f"Were these ids made with another vocabulary (source instead of target?)."
            )
        out = []
        for i in arr.tolist():
            if i == EOS:
                break
            if i >= len(SPECIAL_TOKENS):
                out.append(self.tokens[i])
        return "".join(out)


# ----------------------------------------------------------------------------------------------------------
# Task
# ----------------------------------------------------------------------------------------------------------


class Split(Sequence):
    """One split of a token task: human-readable (source, target) pairs, also as ``.sources``/``.targets``."""

    def __init__(self, sources: Iterable[str], targets: Iterable[str]):
        self.sources: tuple[str, ...] = tuple(sources)
        self.targets: tuple[str, ...] = tuple(targets)
        if len(self.sources) != len(self.targets):
            raise ValueError(
                f"Split needs as many targets as sources, got {len(self.sources)} and {len(self.targets)}."
            )

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Split(self.sources[i], self.targets[i])
        return self.sources[i], self.targets[i]

    def __repr__(self) -> str:
        head = ", ".join(f"{s!r}->{t!r}" for s, t in list(self)[:3])
        return f"Split({len(self)} pairs: {head}{', ...' if len(self) > 3 else ''})"


def exact_match(predictions: Sequence[str], targets: Sequence[str]) -> float:
    """Fraction of predictions exactly equal to their target (sequence accuracy, the honest metric)."""
    predictions = _check_texts(predictions, "predictions")
    targets = _check_texts(targets, "targets")
    if len(predictions) != len(targets):
        raise ValueError(f"exact_match needs one prediction per target, got {len(predictions)} and {len(targets)}.")
    return sum(p == t for p, t in zip(predictions, targets, strict=True)) / len(targets)


@dataclass(frozen=True, repr=False, eq=False)
class Task:
    """A seq2seq data set: vocabularies, disjoint train/test splits of human-readable pairs, and the encoders.

    ``max_source_len`` is the longest source the generator can produce; ``max_target_len`` the longest
    target *plus one* (EOS), i.e. the number of decoder steps needed. ``reverse_source`` and
    ``reverse_target`` describe the model-side view (see :meth:`prepare` and :meth:`present`).
    """

    name: str
    source_vocab: Vocab
    target_vocab: Vocab
    train: Split
    test: Split
    max_source_len: int
    max_target_len: int
    reverse_source: bool = False
    reverse_target: bool = False
    description: str = ""
    settings: dict = field(default_factory=dict)

    exact_match = staticmethod(exact_match)

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.settings.items())
        return (
            f"Task({self.name!r}, train={len(self.train)}, test={len(self.test)}, "
            f"source_vocab={self.source_vocab.size}, target_vocab={self.target_vocab.size}, "
            f"max_source_len={self.max_source_len}, max_target_len={self.max_target_len}{extra})"
        )

    # -- the human <-> model transforms --------------------------------------------------------------------

    def prepare(self, source: str) -> str:
        """Human source -> the string the encoder reads (reversed when ``reverse_source``)."""
        return source[::-1] if self.reverse_source else source

    def present_source(self, model_source: str) -> str:
        """Inverse of :meth:`prepare`."""
        return model_source[::-1] if self.reverse_source else model_source

    def prepare_target(self, target: str) -> str:
        """Human answer -> the string the decoder is trained to emit (reversed when ``reverse_target``)."""
        return target[::-1] if self.reverse_target else target

    def present(self, model_target: str) -> str:
        """The decoder's output string -> the human answer. Inverse of :meth:`prepare_target`."""
        return model_target[::-1] if self.reverse_target else model_target

    # -- encoding ------------------------------------------------------------------------------------------

    def split(self, name: str) -> Split:
        if name == "train":
            return self.train
        if name == "test":
            return self.test
        raise ValueError(f"split must be 'train' or 'test', got {name!r}.")

    @staticmethod
    def _width(lengths: list[int], pad_to, what: str) -> int:
        longest = max(lengths)
        if pad_to is None:
            return longest
        pad_to = _check_int("pad_to", pad_to)
        if pad_to < longest:
            raise ValueError(f"pad_to={pad_to} is shorter than the longest {what} ({longest} tokens); raise pad_to.")
        return pad_to

    def encode_sources(self, texts: Sequence[str], pad_to: int | None = None) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Human-readable sources -> ``(ids, lengths)``, int64 arrays of shape (batch, time) and (batch,).

        Applies :meth:`prepare`, pads with PAD to the longest text (or to ``pad_to``). ``lengths[i]`` is the
        number of real tokens of row i: the encoder's final state must be read at step ``lengths[i] - 1``.
        """
        texts = _check_texts(texts, "texts")
        for t in texts:  # check the text as the learner wrote it, so an error quotes it the right way round
            self.source_vocab.encode(t)
        seqs = [self.source_vocab.encode(self.prepare(t)) for t in texts]
        for i, s in enumerate(seqs):
            if not s:
                raise ValueError(f"texts[{i}] is an empty string; an encoder needs at least one token to read.")
        lengths = [len(s) for s in seqs]
        ids = numpy.full((len(seqs), self._width(lengths, pad_to, "source")), PAD, dtype=numpy.int64)
        for row, s in zip(ids, seqs, strict=True):
            row[: len(s)] = s
        return ids, numpy.asarray(lengths, dtype=numpy.int64)

    def encode_targets(
        self, texts: Sequence[str], pad_to: int | None = None
    ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Human-readable targets -> ``(decoder_inputs, decoder_targets, mask)``, each (batch, time).

        For the model-side target ``y1 .. yT`` (after :meth:`prepare_target`): decoder_inputs are
        ``BOS y1 .. yT`` (teacher forcing), decoder_targets ``y1 .. yT EOS``, both padded with PAD to the
        longest ``T + 1`` (or ``pad_to``). ``mask`` is a bool array, True on the ``T + 1`` real positions
        (EOS included) and False on padding: multiply the per-token loss by it so padding never counts.
        """
        texts = _check_texts(texts, "texts")
        seqs = [self.target_vocab.encode(self.prepare_target(t)) for t in texts]
        lengths = [len(s) + 1 for s in seqs]
        width = self._width(lengths, pad_to, "target (EOS included)")
        dec_in = numpy.full((len(seqs), width), PAD, dtype=numpy.int64)
        dec_out = numpy.full((len(seqs), width), PAD, dtype=numpy.int64)
        mask = numpy.zeros((len(seqs), width), dtype=bool)
        for i, s in enumerate(seqs):
            dec_in[i, : len(s) + 1] = [BOS, *s]
            dec_out[i, : len(s) + 1] = [*s, EOS]
            mask[i, : len(s) + 1] = True
        return dec_in, dec_out, mask

    def decode_targets(self, ids) -> list[str]:
        """A batch of decoder outputs (batch, time) of ids -> human answers (stops at EOS, applies present)."""
        arr = numpy.asarray(ids)
        if arr.ndim != 2:
            raise ValueError(
                f"decode_targets takes a batch of id sequences, shape (batch, time), got shape {arr.shape}. "
                f"For a single sequence use task.present(task.target_vocab.decode(ids))."
            )
        return [self.present(self.target_vocab.decode(row)) for row in arr]

    def batches(
        self, split: str = "train", batch_size: int = 64, seed=0, shuffle: bool = True, drop_last: bool = False
    ) -> Iterator[dict]:
        """One epoch of mini-batches as dicts of numpy arrays, reproducible for a given ``seed``.

        Keys: ``src`` (batch, max_source_len) int64, ``src_lengths`` (batch,), ``dec_in``, ``dec_out``
        (batch, max_target_len) int64, ``mask`` (batch, max_target_len) bool, and the human-readable
        ``sources`` and ``targets`` lists. Shapes are fixed by the task so every batch looks alike; the last
        batch may be smaller unless ``drop_last``.
        """
        data = self.split(split)
        batch_size = _check_int("batch_size", batch_size)
        shuffle = _check_bool("shuffle", shuffle)
        drop_last = _check_bool("drop_last", drop_last)
        order = _rng(seed).permutation(len(data)) if shuffle else numpy.arange(len(data))
        for start in range(0, len(data), batch_size):
            idx = order[start : start + batch_size]
            if drop_last and len(idx) < batch_size:
                return
            sources = [data.sources[i] for i in idx]
            targets = [data.targets[i] for i in idx]
            src, src_lengths = self.encode_sources(sources, pad_to=self.max_source_len)
            dec_in, dec_out, mask = self.encode_targets(targets, pad_to=self.max_target_len)
            yield {
                "src": src,
                "src_lengths": src_lengths,
                "dec_in": dec_in,
                "dec_out": dec_out,
                "mask": mask,
                "sources": sources,
                "targets": targets,
            }


def _make_task(name, sources, targets, n_train, source_vocab, target_vocab, max_source_len, max_target_len, **kw):
    """Split distinct, already shuffled examples: the first n_train train, the rest test."""
    return Task(
        name=name,
        source_vocab=source_vocab,
        target_vocab=target_vocab,
        train=Split(sources[:n_train], targets[:n_train]),
        test=Split(sources[n_train:], targets[n_train:]),
        max_source_len=max(max_source_len, max(map(len, sources))),
        max_target_len=max(max_target_len, max(map(len, targets)) + 1),
        **kw,
    )


# ----------------------------------------------------------------------------------------------------------
# addition
# ----------------------------------------------------------------------------------------------------------


def addition(
    digits: int = 3,
    reverse: bool = True,
    reverse_target: bool = False,
    n_train: int = 8000,
    n_test: int = 1000,
    seed=0,
) -> Task:
    """``"123+45" -> "168"``: add two non-negative integers of 1 to ``digits`` digits.

    Operands are drawn uniformly from ``0 .. 10**digits - 1`` (so most have ``digits`` digits) and every
    (a, b) pair occurs at most once in the task: there are ``10**(2 * digits)`` of them. ``reverse=True``
    makes the encoder read the source reversed, ``reverse_target=True`` makes the decoder emit the answer
    least-significant digit first. The splits always hold the human-readable pairs.
    """
    digits = _check_int("digits", digits, maximum=9, hint="9 digits already give 10**18 distinct problems.")
    reverse = _check_bool("reverse", reverse)
    reverse_target = _check_bool("reverse_target", reverse_target)
    n_train, n_test = _check_sizes(n_train, n_test)
    rng = _rng(seed)
    base = 10**digits
    _check_capacity(
        "addition",
        n_train,
        n_test,
        base * base,
        f"{base} x {base} operand pairs with digits={digits}",
        "Lower n_train/n_test or raise digits.",
    )
    pairs = rng.choice(base * base, size=n_train + n_test, replace=False)
    a, b = (pairs // base).tolist(), (pairs % base).tolist()
    sources = [f"{x}+{y}" for x, y in zip(a, b, strict=True)]
    targets = [str(x + y) for x, y in zip(a, b, strict=True)]
    return _make_task(
        "addition",
        sources,
        targets,
        n_train,
        Vocab(_DIGITS + "+", name="addition source vocabulary"),
        Vocab(_DIGITS, name="addition target vocabulary"),
        max_source_len=2 * digits + 1,
        max_target_len=digits + 2,
        reverse_source=reverse,
        reverse_target=reverse_target,
        description=(
            f"Add two integers of 1 to {digits} digits, e.g. '123+45' -> '168'. The encoder reads the source "
            f"{'reversed' if reverse else 'as written'}; the decoder writes the answer "
            f"{'least-significant digit first' if reverse_target else 'as written'}."
        ),
        settings={"digits": digits, "reverse": reverse, "reverse_target": reverse_target},
    )


# ----------------------------------------------------------------------------------------------------------
# dates
# ----------------------------------------------------------------------------------------------------------

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # date.weekday() order

# name -> template. Fields: {d} day, {dd} zero-padded day, {mm} zero-padded month, {Month} 'November',
# {Mon} 'Nov', {mon} 'nov', {MON} 'NOV', {Weekday} 'Wednesday', {Wkd} 'Wed', {yyyy} 2026, {yy} 26.
# Numeric formats are unambiguous by construction: slashes with a two-digit year are month first (US),
# slashes or dots with a four-digit year at the end are day first (European), a leading four-digit year is
# followed by month then day. Month first: 'Month d, yyyy', 'Weekday, Month d, yyyy', 'mon d yyyy',
# 'mm/dd/yy', 'yyyy.mm.dd', 'yyyymmdd'. Day first: every other format. A two-digit year means the one year
# of the task's range with those digits (1950-2049 by default): strptime's '%y' would read '54' as 2054.
DATE_FORMATS = {
    "d Mon yyyy": "{d} {Mon} {yyyy}",  # 25 Nov 2026
    "d Month yyyy": "{d} {Month} {yyyy}",  # 25 November 2026
    "Month d, yyyy": "{Month} {d}, {yyyy}",  # November 25, 2026
    "Weekday, Month d, yyyy": "{Weekday}, {Month} {d}, {yyyy}",  # Wednesday, November 25, 2026
    "Wkd d Mon yyyy": "{Wkd} {d} {Mon} {yyyy}",  # Wed 25 Nov 2026
    "mon d yyyy": "{mon} {d} {yyyy}",  # nov 25 2026
    "mm/dd/yy": "{mm}/{dd}/{yy}",  # 11/25/26
    "dd/mm/yyyy": "{dd}/{mm}/{yyyy}",  # 25/11/2026
    "dd.mm.yyyy": "{dd}.{mm}.{yyyy}",  # 25.11.2026
    "yyyy.mm.dd": "{yyyy}.{mm}.{dd}",  # 2026.11.25
    "dd-MON-yy": "{dd}-{MON}-{yy}",  # 25-NOV-26
    "yyyymmdd": "{yyyy}{mm}{dd}",  # 20261125
}


def render_date(day: datetime.date, fmt: str) -> str:
    """``day`` written in the format named ``fmt`` (a key of DATE_FORMATS), with fixed English names."""
    if fmt not in DATE_FORMATS:
        raise ValueError(f"unknown date format {fmt!r}; known formats: {list(DATE_FORMATS)}.")
    month, weekday = MONTH_NAMES[day.month - 1], DAY_NAMES[day.weekday()]
    return DATE_FORMATS[fmt].format(
        d=day.day,
        dd=f"{day.day:02d}",
        mm=f"{day.month:02d}",
        Month=month,
        Mon=month[:3],
        mon=month[:3].lower(),
        MON=month[:3].upper(),
        Weekday=weekday,
        Wkd=weekday[:3],
        yyyy=f"{day.year:04d}",
        yy=f"{day.year % 100:02d}",
    )


def dates(
    n_train: int = 8000,
    n_test: int = 1000,
    seed=0,
    formats: Sequence[str] | None = None,
    years: tuple[int, int] = (1950, 2049),
) -> Task:
    """``"Wednesday, November 25, 2026" -> "2026-11-25"``: human-written dates to ISO 8601.

    Each example is a distinct date between 1 January ``years[0]`` and 31 December ``years[1]``, written
    in a format drawn uniformly from ``formats`` (default: all of DATE_FORMATS). Dates, not renderings, are
    split, so a test date never occurs in training in any format. Two-digit years ('mm/dd/yy',
    'dd-MON-yy') mean the one year of the range with those last two digits, so those formats need a range
    of at most 100 years.
    """
    n_train, n_test = _check_sizes(n_train, n_test)
    if formats is None:
        formats = list(DATE_FORMATS)
    elif isinstance(formats, str):
        raise TypeError(f"formats must be a list of format names, got the string {formats!r}; use [{formats!r}].")
    else:
        formats = list(formats)
        if not formats:
            raise ValueError(f"formats must name at least one format; known formats: {list(DATE_FORMATS)}.")
        unknown = [f for f in formats if f not in DATE_FORMATS]
        if unknown:
            raise ValueError(f"unknown date formats {unknown}; known formats: {list(DATE_FORMATS)}.")
        formats = list(dict.fromkeys(formats))
    if not isinstance(years, Sequence) or isinstance(years, str) or len(years) != 2:
        raise TypeError(f"years must be a pair (first_year, last_year), got {years!r}.")
    first = _check_int("years[0]", years[0], minimum=1000, maximum=9999)
    last = _check_int("years[1]", years[1], minimum=1000, maximum=9999)
    if last < first:
        raise ValueError(f"years must be (first, last) with first <= last, got {years!r}.")
    two_digit = [f for f in formats if "{yy}" in DATE_FORMATS[f]]
    if two_digit and last - first + 1 > 100:
        raise ValueError(
            f"formats {two_digit} write two-digit years, which name one year only within a span of 100 years; "
            f"years={years!r} spans {last - first + 1}. Narrow years or leave those formats out."
        )
    rng = _rng(seed)
    start = datetime.date(first, 1, 1)
    n_days = (datetime.date(last, 12, 31) - start).days + 1
    _check_capacity(
        "dates",
        n_train,
        n_test,
        n_days,
        f"one per day from {first} to {last}",
        "Lower n_train/n_test or widen years.",
    )
    offsets = rng.choice(n_days, size=n_train + n_test, replace=False).tolist()
    which = rng.integers(len(formats), size=n_train + n_test).tolist()
    days = [start + datetime.timedelta(days=k) for k in offsets]
    sources = [render_date(d, formats[f]) for d, f in zip(days, which, strict=True)]
    targets = [d.isoformat() for d in days]
    # Every month, weekday and digit occurs in one year's renderings, so this is the vocabulary of all dates.
    year = [start + datetime.timedelta(days=k) for k in range(365)]
    one_year = [render_date(d, f) for d in year for f in formats]
    return _make_task(
        "dates",
        sources,
        targets,
        n_train,
        Vocab(set("".join(one_year)) | set(_DIGITS), name="dates source vocabulary"),
        Vocab(_DIGITS + "-", name="dates target vocabulary"),
        max_source_len=max(map(len, one_year)),
        max_target_len=11,
        description=(
            f"Translate a date written in one of {len(formats)} human formats, between {first} and {last}, "
            f"to ISO 8601 (YYYY-MM-DD). Train and test hold different dates."
        ),
        settings={"formats": tuple(formats), "years": (first, last)},
    )


# ----------------------------------------------------------------------------------------------------------
# reverse / copy
# ----------------------------------------------------------------------------------------------------------


def _check_length(length) -> tuple[int, int]:
    if isinstance(length, numbers.Integral) and not isinstance(length, bool):
        lo = hi = _check_int("length", length)
    elif isinstance(length, Sequence) and not isinstance(length, str) and len(length) == 2:
        lo = _check_int("length[0]", length[0])
        hi = _check_int("length[1]", length[1])
        if hi < lo:
            raise ValueError(f"length must be (shortest, longest) with shortest <= longest, got {tuple(length)}.")
    else:
        raise TypeError(f"length must be an int or a pair (shortest, longest), got {length!r}.")
    return lo, hi


def _check_symbols(symbols) -> str:
    if not isinstance(symbols, str):
        raise TypeError(f"symbols must be a str of distinct characters, got {type(symbols).__name__} {symbols!r}.")
    if not symbols:
        raise ValueError("symbols must hold at least one character, got ''.")
    repeated = sorted({ch for ch in symbols if symbols.count(ch) > 1})
    if repeated:
        raise ValueError(f"symbols must be distinct characters, got {symbols!r} with {''.join(repeated)!r} repeated.")
    return symbols


def _distinct_strings(rng, symbols: str, lo: int, hi: int, n: int) -> list[str]:
    """n distinct strings; lengths uniform over lo..hi, except that a length with fewer strings than its share
    gives them all and the rest goes to the other lengths. Returned in random order."""
    k = len(symbols)
    caps = [k**length for length in range(lo, hi + 1)]
    counts = numpy.bincount(rng.integers(len(caps), size=n), minlength=len(caps)).tolist()
    while True:
        extra = sum(max(0, c - cap) for c, cap in zip(counts, caps, strict=True))
        counts = [min(c, cap) for c, cap in zip(counts, caps, strict=True)]
        if not extra:
            break
        open_ = [i for i, (c, cap) in enumerate(zip(counts, caps, strict=True)) if c < cap]
        for i in rng.choice(open_, size=extra).tolist():
            counts[i] += 1
    alphabet = numpy.array(list(symbols))
    out: list[str] = []
    for length, count, cap in zip(range(lo, hi + 1), counts, caps, strict=True):
        if not count:
            continue
        if cap <= 2**62:
            index = rng.choice(cap, size=count, replace=False)
            codes = index[:, None] // (k ** numpy.arange(length - 1, -1, -1, dtype=numpy.int64)) % k
            rows = ["".join(r) for r in alphabet[codes]]
        else:  # astronomically many strings: draw and drop the (practically impossible) repeats
            seen: dict[str, None] = {}
            while len(seen) < count:
                for r in alphabet[rng.integers(k, size=(count - len(seen), length))]:
                    seen["".join(r)] = None
            rows = list(seen)
        out.extend(rows)
    return [out[i] for i in rng.permutation(len(out))]


def _strings_task(name, length, symbols, n_train, n_test, seed, transform, description) -> Task:
    lo, hi = _check_length(length)
    symbols = _check_symbols(symbols)
    n_train, n_test = _check_sizes(n_train, n_test)
    rng = _rng(seed)
    k = len(symbols)
    available = sum(k**length for length in range(lo, hi + 1))
    _check_capacity(
        name,
        n_train,
        n_test,
        available,
        f"strings of length {lo} to {hi} over {k} symbols",
        "Lower n_train/n_test, or use more symbols or longer strings.",
    )
    sources = _distinct_strings(rng, symbols, lo, hi, n_train + n_test)
    vocab = Vocab(symbols, name=f"{name} vocabulary")
    return _make_task(
        name,
        sources,
        [transform(s) for s in sources],
        n_train,
        vocab,
        vocab,
        max_source_len=hi,
        max_target_len=hi + 1,
        description=description,
        settings={"length": (lo, hi), "symbols": symbols},
    )


def reverse(length=(3, 8), symbols: str = "abcdefgh", n_train: int = 5000, n_test: int = 500, seed=0) -> Task:
    """``"abcde" -> "edcba"``: reverse random strings whose length is drawn uniformly from ``length``
    (an int, or an inclusive pair). Sources are distinct across the whole task."""
    return _strings_task(
        "reverse",
        length,
        symbols,
        n_train,
        n_test,
        seed,
        lambda s: s[::-1],
        "Reverse a random string of symbols. The first symbol out is the last one read: an easy start.",
    )


def copy(length=(3, 8), symbols: str = "abcdefgh", n_train: int = 5000, n_test: int = 500, seed=0) -> Task:
    """``"abcde" -> "abcde"``: copy random strings whose length is drawn uniformly from ``length``
    (an int, or an inclusive pair). Sources are distinct across the whole task."""
    return _strings_task(
        "copy",
        length,
        symbols,
        n_train,
        n_test,
        seed,
        lambda s: s,
        "Copy a random string of symbols. The first symbol out was read longest ago: the state must hold it all.",
    )


# ----------------------------------------------------------------------------------------------------------
# sine_forecast
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class ForecastTask:
    """A regression data set: read ``x`` (n, input_steps, 1), predict ``y`` (n, output_steps, 1)."""

    name: str
    x_train: numpy.ndarray
    y_train: numpy.ndarray
    x_test: numpy.ndarray
    y_test: numpy.ndarray
    input_steps: int
    output_steps: int
    description: str = ""
    settings: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"ForecastTask({self.name!r}, x_train={self.x_train.shape}, y_train={self.y_train.shape}, "
            f"x_test={self.x_test.shape}, y_test={self.y_test.shape}, dtype={self.x_train.dtype})"
        )

    def split(self, name: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        if name == "train":
            return self.x_train, self.y_train
        if name == "test":
            return self.x_test, self.y_test
        raise ValueError(f"split must be 'train' or 'test', got {name!r}.")

    def naive_predictions(self, split: str = "test") -> numpy.ndarray:
        """The naive forecast: the last observed value, repeated for every output step."""
        x, y = self.split(split)
        return numpy.broadcast_to(x[:, -1:, :], y.shape).copy()

    def mse(self, predictions, split: str = "test") -> float:
        """Mean squared error of ``predictions`` (n, output_steps, 1) against the split's ``y``."""
        _, y = self.split(split)
        predictions = numpy.asarray(predictions)
        if predictions.shape != y.shape:
            raise ValueError(
                f"predictions must have the shape of y_{split}, {y.shape} (batch, output_steps, 1), "
                f"got {predictions.shape}."
            )
        return float(numpy.mean((predictions - y) ** 2))

    def naive_baseline(self, split: str = "test") -> float:
        """MSE of the naive forecast (repeat the last value). A model that does not beat it learned nothing."""
        return self.mse(self.naive_predictions(split), split)

    def batches(self, split: str = "train", batch_size: int = 64, seed=0, shuffle: bool = True) -> Iterator[dict]:
        """One epoch of ``{"x": (batch, input_steps, 1), "y": (batch, output_steps, 1)}``, seeded."""
        x, y = self.split(split)
        batch_size = _check_int("batch_size", batch_size)
        shuffle = _check_bool("shuffle", shuffle)
        order = _rng(seed).permutation(len(x)) if shuffle else numpy.arange(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            yield {"x": x[idx], "y": y[idx]}


def sine_forecast(
    n_train: int = 1000,
    n_test: int = 200,
    input_steps: int = 40,
    output_steps: int = 10,
    n_components: int = 2,
    noise: float = 0.05,
    seed=0,
    dtype=numpy.float64,
) -> ForecastTask:
    """Forecast a noisy sum of sines: ``x`` holds ``input_steps`` values, ``y`` the next ``output_steps``.

    Each series is ``mean_k A_k sin(2 pi t / P_k + phi_k) + noise * N(0, 1)`` with, per series and component,
    amplitude ``A_k ~ U(0.5, 1.5)``, phase ``phi_k ~ U(0, 2 pi)`` and period ``P_k ~ U(4, max(4, input_steps))``
    steps, so the input window holds at least one period of every component. The noise is in ``x`` and
    ``y`` alike (observations are noisy), so even a perfect model keeps an error of about ``noise**2``.
    """
    n_train, n_test = _check_sizes(n_train, n_test)
    input_steps = _check_int("input_steps", input_steps)
    output_steps = _check_int("output_steps", output_steps)
    n_components = _check_int("n_components", n_components)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0 (the noise's standard deviation), got {noise!r}.")
    dtype = numpy.dtype(dtype)
    if dtype not in (numpy.float32, numpy.float64):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64, got {dtype}.")
    rng = _rng(seed)
    n, steps = n_train + n_test, input_steps + output_steps
    amplitude = rng.uniform(0.5, 1.5, size=(n, n_components, 1))
    phase = rng.uniform(0.0, 2 * numpy.pi, size=(n, n_components, 1))
    period = rng.uniform(4.0, max(4.0, float(input_steps)), size=(n, n_components, 1))
    t = numpy.arange(steps, dtype=numpy.float64)
    series = (amplitude * numpy.sin(2 * numpy.pi * t / period + phase)).mean(axis=1)
    series = (series + noise * rng.standard_normal(size=(n, steps))).astype(dtype)[:, :, None]
    x, y = series[:, :input_steps], series[:, input_steps:]
    return ForecastTask(
        name="sine_forecast",
        x_train=x[:n_train].copy(),
        y_train=y[:n_train].copy(),
        x_test=x[n_train:].copy(),
        y_test=y[n_train:].copy(),
        input_steps=input_steps,
        output_steps=output_steps,
        description=(
            f"Read {input_steps} steps of a noisy mean of {n_components} sines, predict the next {output_steps}."
        ),
        settings={"n_components": n_components, "noise": float(noise)},
    )
