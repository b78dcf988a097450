"""seqlib.tasks: the synthetic data sets are correct, disjoint, reproducible, and fail loudly when misused."""

import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqlib import tasks
from seqlib.tasks import BOS, EOS, PAD, Vocab

SMALL = {
    "addition": lambda seed=0: tasks.addition(digits=2, n_train=300, n_test=60, seed=seed),
    "addition-plain": lambda seed=0: tasks.addition(digits=2, reverse=False, n_train=300, n_test=60, seed=seed),
    "addition-both-reversed": lambda seed=0: tasks.addition(
        digits=3, reverse=True, reverse_target=True, n_train=300, n_test=60, seed=seed
    ),
    "dates": lambda seed=0: tasks.dates(n_train=300, n_test=60, seed=seed),
    "reverse": lambda seed=0: tasks.reverse(n_train=300, n_test=60, seed=seed),
    "copy": lambda seed=0: tasks.copy(length=(1, 4), symbols="xyz", n_train=80, n_test=20, seed=seed),
}


@pytest.fixture(params=list(SMALL), scope="module")
def task(request):
    return SMALL[request.param]()


def _addition_combos():
    return [(r, rt) for r in (False, True) for rt in (False, True)]


ADDITION = {
    combo: tasks.addition(digits=3, reverse=combo[0], reverse_target=combo[1], n_train=5, n_test=5)
    for combo in _addition_combos()
}


# ---------------------------------------------------------------------------------------------------------
# Vocab
# ---------------------------------------------------------------------------------------------------------


def test_vocab_specials_first_then_sorted_symbols():
    v = Vocab("ba+c")
    assert (v.pad, v.bos, v.eos) == (PAD, BOS, EOS) == (0, 1, 2)
    assert v.tokens[3:] == ("+", "a", "b", "c")
    assert v.size == len(v) == 7
    assert v.encode("abc+") == [4, 5, 6, 3]


def test_vocab_decode_stops_at_eos_skips_pad_and_bos():
    v = Vocab("abc")
    ids = [BOS, 3, PAD, 4, EOS, 5, 5]
    assert v.decode(ids) == "ab"
    assert v.decode(np.array(ids, dtype=np.int32)) == "ab"
    assert v.decode(np.array(ids, dtype=np.int64)) == "ab"
    assert v.decode([]) == ""
    assert v.decode([EOS]) == ""


@given(st.text(alphabet="+0123456789", max_size=20))
def test_vocab_round_trip(text):
    v = Vocab("0123456789+")
    assert v.decode(v.encode(text)) == text
    assert v.decode(np.asarray(v.encode(text) + [EOS, PAD], dtype=np.int64)) == text


def test_vocab_unknown_character_names_it_and_lists_allowed():
    v = Vocab("0123456789+", name="addition source vocabulary")
    with pytest.raises(ValueError, match=r"'-x'.*Allowed characters: '\+0123456789'") as info:
        v.encode("12-x3")
    assert "addition source vocabulary" in str(info.value)


def test_vocab_out_of_range_id_names_id_and_size():
    v = Vocab("abc")
    with pytest.raises(ValueError, match=r"token id 6 is outside \[0, 6\).*6 tokens"):
        v.decode([3, 6])
    with pytest.raises(ValueError, match=r"token id -1"):
        v.decode(np.array([3, -1]))


def test_vocab_rejects_scores_and_batches():
    v = Vocab("abc")
    with pytest.raises(TypeError, match="argmax"):
        v.decode(np.array([3.0, 4.0]))
    with pytest.raises(ValueError, match="1-D"):
        v.decode(np.array([[3, 4]]))
    with pytest.raises(TypeError, match="str"):
        v.encode(["a"])
    with pytest.raises(TypeError, match="ids"):
        v.decode("abc")


# ---------------------------------------------------------------------------------------------------------
# Properties every token task has
# ---------------------------------------------------------------------------------------------------------


def test_train_and_test_share_no_source(task):
    train, test = set(task.train.sources), set(task.test.sources)
    assert len(train) == len(task.train) and len(test) == len(task.test), "repeated sources inside a split"
    assert not train & test
    model_side = {task.prepare(s) for s in task.train.sources}
    assert not model_side & {task.prepare(s) for s in task.test.sources}


def test_split_behaves_like_a_list_of_pairs(task):
    pairs = list(task.train)
    assert pairs[0] == task.train[0] == (task.train.sources[0], task.train.targets[0])
    assert len(pairs) == len(task.train)
    assert len(task.train[:5]) == 5


def test_decode_encode_round_trip(task):
    for source, target in [*task.train, *task.test]:
        assert task.source_vocab.decode(task.source_vocab.encode(source)) == source
        assert task.target_vocab.decode(task.target_vocab.encode(target)) == target
        model_source, model_target = task.prepare(source), task.prepare_target(target)
        assert task.source_vocab.decode(task.source_vocab.encode(model_source)) == model_source
        assert task.present_source(model_source) == source
        assert task.present(model_target) == target
        assert len(source) <= task.max_source_len and len(target) + 1 <= task.max_target_len


def test_encode_then_decode_targets_gives_human_answers(task):
    targets = list(task.test.targets[:17])
    _, dec_out, _ = task.encode_targets(targets)
    assert task.decode_targets(dec_out) == targets
    src, lengths = task.encode_sources(task.test.sources[:17])
    decoded = [task.present_source(task.source_vocab.decode(row)) for row in src]
    assert decoded == list(task.test.sources[:17])
    assert lengths.tolist() == [len(s) for s in task.test.sources[:17]]


def test_padding_and_mask(task):
    sources, targets = list(task.train.sources[:40]), list(task.train.targets[:40])
    src, lengths = task.encode_sources(sources)
    assert src.dtype == lengths.dtype == np.int64 and src.shape == (40, max(map(len, sources)))
    for row, n in zip(src, lengths, strict=True):
        assert (row[:n] != PAD).all() and (row[n:] == PAD).all()

    dec_in, dec_out, mask = task.encode_targets(targets)
    assert dec_in.dtype == dec_out.dtype == np.int64 and mask.dtype == bool
    assert dec_in.shape == dec_out.shape == mask.shape == (40, max(map(len, targets)) + 1)
    assert mask.sum(axis=1).tolist() == [len(t) + 1 for t in targets]
    assert (dec_in[:, 0] == BOS).all()
    for i, t in enumerate(targets):
        n = len(t)
        assert dec_out[i, n] == EOS and (dec_out[i, :n] != EOS).all()
        assert (dec_in[i, 1 : n + 1] == dec_out[i, :n]).all(), "teacher forcing input is the target shifted right"
        assert (dec_out[i, n + 1 :] == PAD).all() and (dec_in[i, n + 1 :] == PAD).all()
        assert mask[i, : n + 1].all() and not mask[i, n + 1 :].any()
    assert not mask[dec_out == PAD].any(), "padding must never count in a loss"


def test_pad_to_fixes_the_width(task):
    src, _ = task.encode_sources(task.train.sources[:3], pad_to=task.max_source_len)
    dec_in, dec_out, mask = task.encode_targets(task.train.targets[:3], pad_to=task.max_target_len)
    assert src.shape == (3, task.max_source_len)
    assert dec_in.shape == dec_out.shape == mask.shape == (3, task.max_target_len)
    longest = max(task.train.sources, key=len)
    with pytest.raises(ValueError, match="shorter than the longest source"):
        task.encode_sources([longest], pad_to=len(longest) - 1)


def test_batches_are_reproducible_cover_the_split_and_depend_on_the_seed(task):
    def epoch(seed, **kw):
        return list(task.batches("train", batch_size=32, seed=seed, **kw))

    a, b, c = epoch(0), epoch(0), epoch(1)
    assert len(a) == -(-len(task.train) // 32)
    for x, y in zip(a, b, strict=True):
        assert x.keys() == y.keys() == {"src", "src_lengths", "dec_in", "dec_out", "mask", "sources", "targets"}
        for key in ("src", "src_lengths", "dec_in", "dec_out", "mask"):
            np.testing.assert_array_equal(x[key], y[key])
        assert x["sources"] == y["sources"]
    assert [s for x in a for s in x["sources"]] != [s for x in c for s in x["sources"]]
    assert sorted(s for x in a for s in x["sources"]) == sorted(task.train.sources)
    first = a[0]
    assert first["src"].shape == (32, task.max_source_len) and first["mask"].shape == (32, task.max_target_len)
    src, lengths = task.encode_sources(first["sources"], pad_to=task.max_source_len)
    np.testing.assert_array_equal(first["src"], src)
    np.testing.assert_array_equal(first["src_lengths"], lengths)
    in_order = list(task.batches("test", batch_size=7, shuffle=False))
    assert [s for x in in_order for s in x["sources"]] == list(task.test.sources)
    assert all(len(x["sources"]) == 7 for x in task.batches("test", batch_size=7, drop_last=True))
    generator = [x["sources"] for x in task.batches(seed=np.random.default_rng(5))]
    assert generator == [x["sources"] for x in task.batches(seed=np.random.default_rng(5))]


def test_generators_are_reproducible_and_seed_dependent():
    for make in SMALL.values():
        t0, t0_again, t1 = make(0), make(0), make(1)
        assert list(t0.train) == list(t0_again.train) and list(t0.test) == list(t0_again.test)
        assert list(t0.train) != list(t1.train)


def test_exact_match():
    assert tasks.exact_match(["1", "2", "3", "4"], ["1", "2", "0", "4"]) == 0.75
    assert tasks.Task.exact_match(["a"], ["a"]) == 1.0
    with pytest.raises(ValueError, match="one prediction per target"):
        tasks.exact_match(["1"], ["1", "2"])
    with pytest.raises(TypeError, match="single string"):
        tasks.exact_match("12", "12")


# ---------------------------------------------------------------------------------------------------------
# addition
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reverse", "reverse_target"), _addition_combos())
def test_addition_targets_are_sums(reverse, reverse_target):
    task = tasks.addition(digits=3, reverse=reverse, reverse_target=reverse_target, n_train=400, n_test=100)
    assert task.source_vocab.symbols == tuple("+0123456789") and task.target_vocab.symbols == tuple("0123456789")
    for source, target in [*task.train, *task.test]:
        a, b = source.split("+")
        assert 1 <= len(a) <= 3 and 1 <= len(b) <= 3 and str(int(a)) == a and str(int(b)) == b
        assert int(target) == int(a) + int(b) and str(int(target)) == target
        # The model-side view, parsed back by hand.
        model_source, model_target = task.prepare(source), task.prepare_target(target)
        if reverse:
            b_rev, a_rev = model_source.split("+")
            assert int(a_rev[::-1]) + int(b_rev[::-1]) == int(target)
        else:
            assert model_source == source
        assert int(model_target[::-1] if reverse_target else model_target) == int(a) + int(b)
    # The model's input and output, decoded with the vocabularies, are the model-side strings.
    src, _ = task.encode_sources(["123+45"])
    assert task.source_vocab.decode(src[0]) == ("54+321" if reverse else "123+45")
    _, dec_out, _ = task.encode_targets(["168"])
    assert task.target_vocab.decode(dec_out[0]) == ("861" if reverse_target else "168")
    assert task.present(task.target_vocab.decode(dec_out[0])) == "168"
    assert task.decode_targets(dec_out) == ["168"]


def test_addition_operands_are_uniform_so_most_have_full_width():
    task = tasks.addition(digits=3, n_train=2000, n_test=10)
    widths = [len(s.split("+")[0]) for s in task.train.sources]
    assert widths.count(3) / len(widths) > 0.85
    assert task.max_source_len == 7 and task.max_target_len == 5


@given(st.integers(0, 999), st.integers(0, 999), st.booleans(), st.booleans())
def test_addition_prepare_present_round_trip(a, b, reverse, reverse_target):
    task = ADDITION[(reverse, reverse_target)]
    source, target = f"{a}+{b}", str(a + b)
    assert task.present_source(task.prepare(source)) == source
    assert task.present(task.prepare_target(target)) == target
    assert task.decode_targets(task.encode_targets([target])[1]) == [target]


def test_addition_can_use_every_problem_but_not_more():
    task = tasks.addition(digits=1, n_train=90, n_test=10)
    assert len(set(task.train.sources) | set(task.test.sources)) == 100
    with pytest.raises(ValueError, match=r"only 100 exist.*digits=1.*raise digits"):
        tasks.addition(digits=1, n_train=95, n_test=6)


# ---------------------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------------------

NUMERIC_STRPTIME = {  # formats whose fields strptime reads without locale-dependent names
    "mm/dd/yy": "%m/%d/%y",
    "dd/mm/yyyy": "%d/%m/%Y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "yyyy.mm.dd": "%Y.%m.%d",
    "yyyymmdd": "%Y%m%d",
}


def test_render_date_examples():
    day = datetime.date(2026, 11, 25)
    expected = {
        "d Mon yyyy": "25 Nov 2026",
        "d Month yyyy": "25 November 2026",
        "Month d, yyyy": "November 25, 2026",
        "Weekday, Month d, yyyy": "Wednesday, November 25, 2026",
        "Wkd d Mon yyyy": "Wed 25 Nov 2026",
        "mon d yyyy": "nov 25 2026",
        "mm/dd/yy": "11/25/26",
        "dd/mm/yyyy": "25/11/2026",
        "dd.mm.yyyy": "25.11.2026",
        "yyyy.mm.dd": "2026.11.25",
        "dd-MON-yy": "25-NOV-26",
        "yyyymmdd": "20261125",
    }
    assert set(expected) == set(tasks.DATE_FORMATS) and len(expected) >= 8
    for fmt, text in expected.items():
        assert tasks.render_date(day, fmt) == text
    assert tasks.render_date(datetime.date(1999, 3, 4), "d Mon yyyy") == "4 Mar 1999"
    with pytest.raises(ValueError, match="unknown date format"):
        tasks.render_date(day, "%d/%m")


def test_every_rendering_names_exactly_one_date():
    start, end = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
    seen = {}
    for k in range(0, (end - start).days + 1):
        day = start + datetime.timedelta(days=k)
        for fmt in tasks.DATE_FORMATS:
            text = tasks.render_date(day, fmt)
            assert seen.setdefault(text, day) == day, f"{text!r} is ambiguous"


def test_dates_targets_are_right():
    task = tasks.dates(n_train=600, n_test=200, seed=3)
    used = set()
    for source, target in [*task.train, *task.test]:
        day = datetime.date.fromisoformat(target)
        assert day.isoformat() == target and 1950 <= day.year <= 2049
        matches = [f for f in tasks.DATE_FORMATS if tasks.render_date(day, f) == source]
        assert matches, f"{source!r} is not a rendering of {target}"
        for fmt in matches:
            used.add(fmt)
            if fmt in NUMERIC_STRPTIME:
                parsed = datetime.datetime.strptime(source, NUMERIC_STRPTIME[fmt]).date()
                if "%y" in NUMERIC_STRPTIME[fmt]:  # strptime's century pivot is 1969, the task's is 1950
                    assert parsed.year % 100 == day.year % 100
                    parsed = parsed.replace(year=day.year)
                assert parsed == day
    assert used == set(tasks.DATE_FORMATS)


def test_dates_split_by_date_and_formats_respected():
    task = tasks.dates(n_train=500, n_test=200, formats=["mm/dd/yy", "d Month yyyy"], seed=1)
    assert not set(task.train.targets) & set(task.test.targets)
    for source, target in [*task.train, *task.test]:
        day = datetime.date.fromisoformat(target)
        assert source in (tasks.render_date(day, "mm/dd/yy"), tasks.render_date(day, "d Month yyyy"))
    assert task.max_source_len == len("30 September 2049") and task.max_target_len == 11


def test_dates_errors():
    with pytest.raises(ValueError, match=r"only 365 exist.*widen years"):
        tasks.dates(n_train=300, n_test=66, years=(2023, 2023))
    with pytest.raises(ValueError, match="two-digit years"):
        tasks.dates(n_train=10, n_test=10, years=(1900, 2049))
    tasks.dates(n_train=10, n_test=10, years=(1900, 2049), formats=["dd/mm/yyyy"])
    with pytest.raises(ValueError, match="unknown date formats"):
        tasks.dates(n_train=10, n_test=10, formats=["%Y-%m-%d"])
    with pytest.raises(TypeError, match="list of format names"):
        tasks.dates(n_train=10, n_test=10, formats="mm/dd/yy")
    with pytest.raises(ValueError, match="first <= last"):
        tasks.dates(n_train=10, n_test=10, years=(2000, 1990))


# ---------------------------------------------------------------------------------------------------------
# reverse / copy
# ---------------------------------------------------------------------------------------------------------


def test_reverse_and_copy_targets_and_lengths():
    rev = tasks.reverse(length=(2, 6), symbols="abcd", n_train=500, n_test=100)
    cop = tasks.copy(length=5, symbols="01", n_train=20, n_test=12)
    for source, target in [*rev.train, *rev.test]:
        assert target == source[::-1] and 2 <= len(source) <= 6 and set(source) <= set("abcd")
    assert {len(s) for s in rev.train.sources} == {2, 3, 4, 5, 6}, "lengths come from the whole range"
    assert all(t == s and len(s) == 5 for s, t in cop.train)
    assert rev.max_source_len == 6 and rev.max_target_len == 7


def test_strings_use_every_string_when_asked_for_all():
    task = tasks.copy(length=(1, 3), symbols="ab", n_train=10, n_test=4)  # 2 + 4 + 8 = 14 strings
    assert len(set(task.train.sources) | set(task.test.sources)) == 14
    with pytest.raises(ValueError, match=r"only 14 exist"):
        tasks.copy(length=(1, 3), symbols="ab", n_train=10, n_test=5)


def test_long_strings_do_not_overflow():
    task = tasks.reverse(length=(30, 30), symbols="abcdefghijklmnopqrstuvwxyz", n_train=20, n_test=5)
    assert all(len(s) == 30 for s in task.train.sources)


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: tasks.addition(digits=0), ValueError, r"digits must be an int between 1 and 9, got 0"),
        (lambda: tasks.addition(digits=2.5), TypeError, r"digits must be an int, got 2.5"),
        (lambda: tasks.addition(reverse="False"), TypeError, r"reverse must be True or False"),
        (lambda: tasks.addition(n_train=0), ValueError, r"n_train must be an int >= 1, got 0"),
        (lambda: tasks.addition(n_test=-3), ValueError, r"n_test must be an int >= 1, got -3"),
        (lambda: tasks.addition(seed=None), TypeError, r"seed must be an int or a numpy.random.Generator"),
        (lambda: tasks.addition(seed=-1), ValueError, r"non-negative"),
        (lambda: tasks.reverse(length=(5, 3)), ValueError, r"shortest <= longest, got \(5, 3\)"),
        (lambda: tasks.reverse(length=0), ValueError, r"length must be an int >= 1, got 0"),
        (lambda: tasks.reverse(length="3-8"), TypeError, r"length must be an int or a pair"),
        (lambda: tasks.copy(symbols=""), ValueError, r"at least one character"),
        (lambda: tasks.copy(symbols="abca"), ValueError, r"'a' repeated"),
        (lambda: tasks.copy(symbols=["a", "b"]), TypeError, r"symbols must be a str"),
        (lambda: tasks.sine_forecast(noise=-0.1), ValueError, r"noise must be a finite number >= 0"),
        (lambda: tasks.sine_forecast(input_steps=0), ValueError, r"input_steps must be an int >= 1"),
        (lambda: tasks.sine_forecast(dtype=np.int64), TypeError, r"float32 or numpy.float64"),
    ],
)
def test_bad_arguments_fail_with_expected_and_given(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_encoding_mistakes_fail_loudly():
    task = ADDITION[(True, False)]
    with pytest.raises(TypeError, match=r"single string.*\['123\+45'\]"):
        task.encode_sources("123+45")
    with pytest.raises(ValueError, match="empty string"):
        task.encode_sources(["1+2", ""])
    with pytest.raises(ValueError, match="is empty"):
        task.encode_targets([])
    with pytest.raises(ValueError, match=r"not in the addition source vocabulary: '-'"):
        task.encode_sources(["12-3"])
    with pytest.raises(ValueError, match=r"not in the addition target vocabulary: '\+'"):
        task.encode_targets(["1+2"])
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        next(task.batches("valid"))
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        next(task.batches(batch_size=0))
    with pytest.raises(ValueError, match=r"\(batch, time\)"):
        task.decode_targets([3, 4, EOS])
    with pytest.raises(ValueError, match=r"token id 20 is outside \[0, 13\)"):
        task.decode_targets([[3, 20]])


# ---------------------------------------------------------------------------------------------------------
# sine_forecast
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sine_forecast_shapes_dtypes_and_baseline(dtype):
    f = tasks.sine_forecast(n_train=50, n_test=20, input_steps=30, output_steps=7, n_components=3, dtype=dtype)
    assert f.x_train.shape == (50, 30, 1) and f.y_train.shape == (50, 7, 1)
    assert f.x_test.shape == (20, 30, 1) and f.y_test.shape == (20, 7, 1)
    assert {a.dtype for a in (f.x_train, f.y_train, f.x_test, f.y_test)} == {np.dtype(dtype)}
    for split in ("train", "test"):
        baseline = f.naive_baseline(split)
        assert np.isfinite(baseline) and baseline > 0
        assert f.mse(f.naive_predictions(split), split) == baseline
    x, y = f.split("test")
    assert f.mse(y, "test") == 0.0
    assert not {r.tobytes() for r in f.x_train} & {r.tobytes() for r in f.x_test}
    with pytest.raises(ValueError, match=r"shape of y_test"):
        f.mse(np.zeros((20, 7)))


def test_sine_forecast_is_reproducible_and_batches():
    a, b, c = (tasks.sine_forecast(n_train=40, n_test=10, seed=s) for s in (0, 0, 1))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)
    batches = list(a.batches(batch_size=16, seed=2))
    assert [len(x["x"]) for x in batches] == [16, 16, 8]
    assert batches[0]["y"].shape == (16, 10, 1)
    np.testing.assert_array_equal(batches[0]["x"], next(a.batches(batch_size=16, seed=2))["x"])
    # Without noise the series are pure sines: bounded by the largest amplitude.
    quiet = tasks.sine_forecast(n_train=30, n_test=5, noise=0.0)
    assert np.abs(quiet.x_train).max() <= 1.5 and quiet.naive_baseline() > 0
