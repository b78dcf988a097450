"""The notebooks as stored: in sync with their text twins, executed top to bottom, and built to the course's rules.

(nbval, through `python -m pytest`, runs every notebook; these tests check what a reader sees without running.)
"""

import json
import re

import pytest

from seqlib import course

STORED = sorted(course.NOTEBOOKS.glob("*.ipynb"))
TWINS = course.sources()


def code_and_markdown(cells):
    return [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in cells]


def test_every_notebook_has_a_twin_and_every_twin_a_notebook():
    assert {p.stem for p in STORED} == {p.stem for p in TWINS}
    assert [p.stem for p in TWINS] == sorted(p.stem for p in TWINS)
    numbers = [int(p.stem[:2]) for p in TWINS]
    assert numbers == sorted(set(numbers)), "one notebook per number, in order"


@pytest.mark.parametrize("twin", TWINS, ids=[p.stem for p in TWINS])
def test_notebook_is_in_sync_with_its_twin(twin):
    stored = json.loads((course.NOTEBOOKS / f"{twin.stem}.ipynb").read_text())
    assert code_and_markdown(stored["cells"]) == code_and_markdown(course.read_twin(twin).cells), (
        f"{twin.stem}.ipynb differs from its twin: run  python -m seqlib.course build {twin.stem[:2]}"
    )


@pytest.mark.parametrize("path", STORED, ids=[p.stem for p in STORED])
def test_notebook_was_run_top_to_bottom_without_errors(path):
    nb = json.loads(path.read_text())
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "execute it in a fresh kernel: python -m seqlib.course build"
    errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors
    assert path.stat().st_size < 2 * 1024 * 1024


@pytest.mark.parametrize("twin", TWINS, ids=[p.stem for p in TWINS])
def test_notebook_follows_the_course_rules(twin):
    cells = code_and_markdown(course.read_twin(twin).cells)
    first = cells[0][1]
    number = twin.stem[:2]
    assert cells[0][0] == "markdown" and first.startswith(f"# {number} · ")
    for part in ("**In one sentence:**", "*About ", "**Learning goals.**", "**Prerequisites.**"):
        assert part in first, f"the first cell needs {part}"
    text = "\n".join(src for kind, src in cells if kind == "markdown")
    assert "## Summary" in text
    later = [p.stem for p in TWINS if p.stem > twin.stem]
    earlier = [p.stem for p in TWINS if p.stem < twin.stem]
    if earlier:
        assert f"({earlier[-1]}.ipynb)" in text, "link the previous notebook"
    if later:
        assert f"({later[0]}.ipynb)" in text, "link the next notebook"
    code = "\n".join(src for kind, src in cells if kind == "code")
    assert re.search(r"from seqlib\.exercises import \w+", code) and ".check(" in code, "at least one exercise"
    assert "NBVAL_CHECK_OUTPUT" in code, "at least one checked fact"


def test_course_map_lists_every_notebook():
    table = course.course_map()
    for twin in TWINS:
        assert f"]({twin.stem}.ipynb)" in table
        assert course.describe(twin)["summary"], f"{twin.stem} needs an '**In one sentence:**' line"


def test_readme_course_map_is_current():
    readme = (course.ROOT / "README.md").read_text()
    start = readme.index(course.MAP_START) + len(course.MAP_START)
    assert readme[start : readme.index(course.MAP_END)].strip() == course.course_map("notebooks/"), (
        "run  python -m seqlib.course readme"
    )
