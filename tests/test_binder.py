"""Binder's configuration, read as Binder reads it: only binder/, a CPU-only torch, the course's pins."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = {"pytest", "hypothesis", "nbval", "playwright", "jupyter-repo2docker", "ruff"}


def pins(path):
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[name.lower()] = version
    return out


def test_binder_folder_holds_a_python_version_and_requirements():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    requires = re.search(r'requires-python = ">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert (int(requires[1]), int(requires[2])) <= (3, 11), "Binder's Python must satisfy requires-python"


def test_binder_pins_match_the_course_and_torch_is_the_cpu_build():
    top, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder" / "requirements.txt")
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert binder.pop("torch") == f"{top.pop('torch')}+cpu"
    assert binder == {k: v for k, v in top.items() if k not in TEST_ONLY}
    assert re.search(r"^-e \.$", text, flags=re.M), "Binder must install seqlib itself"


def test_repo2docker_accepts_the_repository():
    exe = shutil.which("repo2docker") or str(Path(sys.executable).with_name("repo2docker"))
    if not Path(exe).exists():
        pytest.skip("jupyter-repo2docker is not installed (requirements.txt installs it)")
    result = subprocess.run([exe, "--no-build", "--no-run", "--debug", str(ROOT)], capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "python=3.11" in out
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in out
