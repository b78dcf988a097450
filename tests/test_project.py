"""The project's promises about itself: lint-clean, exact pins, the README's two commands."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by requirements.txt")
@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_is_clean(command):
    result = subprocess.run(["ruff", *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_requirements_are_exact_pins():
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "-e ." in lines, "requirements.txt must install seqlib itself"
    for line in lines:
        assert line == "-e ." or re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.+]*", line), line
    assert "torch==2.13.0" in lines  # the CPU build; an unpinned torch pulls a multi-GB CUDA build


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    install = "python -m pip install -r requirements.txt"
    assert f"{install} && jupyter lab notebooks/" in readme
    assert f"{install} && python -m pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-r requirements.txt" in ci and "python -m pytest\n" in ci


def test_bench_runs_and_writes_the_records(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "seqlib.bench", "--sizes", "2,3,4,5", "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    import json

    records = json.loads(out.read_text())
    assert {r["impl"] for r in records} == {"torch.nn", "seqlib.numpy", "seqlib.torch"}
    assert {(r["cell"], r["pass"]) for r in records} == {
        (c, p) for c in ("lstm", "gru") for p in ("forward", "forward+backward")
    }
    for r in records:
        assert {"impl", "cell", "pass", "B", "T", "I", "H", "seconds", "ratio"} <= r.keys()
        assert r["seconds"] > 0 and (r["ratio"] == 1.0) == (r["impl"] == "torch.nn")
    assert "x torch.nn" in result.stdout


def test_readme_python_examples_run():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_the_jupyterlab_command_has_its_folder():
    """`jupyter lab notebooks/` exits at once when the folder is missing, and git keeps no empty folder."""
    assert (ROOT / "notebooks").is_dir()
    tracked = subprocess.run(["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode != 0 or tracked.stdout.strip(), "notebooks/ must hold a tracked file"
