"""The course's notebooks: build them from their text twins, run them, and measure them.

Each notebook ``notebooks/NN_title.ipynb`` is generated from ``notebooks/.src/NN_title.py`` (jupytext's
percent format), the file that is edited and reviewed. Building executes it top to bottom in a fresh
kernel and stores the outputs, so readers see results before running anything.

    python -m seqlib.course build                 # every notebook (or name some: build 02 03)
    python -m seqlib.course report                # run them all without writing; wall time and peak memory
    python -m seqlib.course readme                # write the course map into README.md

The report is the course's budget check: each notebook should run in 60 s or less on a 2-core CPU and
keep its kernel under 1.5 GB (Binder gives 2 GB).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / ".src"
TIME_BUDGET_S, MEMORY_BUDGET_MB = 60.0, 1536.0

# Asked of the kernel after the last cell; removed again before the notebook is saved.
_PEAK_MEMORY = "import resource as _r; print('peak-rss-kb', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"


def sources(names=None) -> list[Path]:
    """The twins, in course order; ``names`` selects by prefix (``"02"``) or full stem."""
    found = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if names:
        found = [p for p in found if any(p.stem == n or p.stem.startswith(f"{n}_") for n in names)]
        if not found:
            raise SystemExit(f"no notebook source matches {names}; the sources are in {SOURCES}")
    return found


def describe(path: Path) -> dict:
    """A notebook's title, one-line summary and minutes, read from its first markdown cell.

    The cell starts with ``# NN · Title`` and holds a line ``**In one sentence:** ...`` and a line
    ``*About N minutes.*``; the course map is built from these, so it lists exactly the notebooks that exist.
    """
    nb = read_twin(path)
    text = nb.cells[0].source
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), path.stem)
    summary = next(
        (ln.split(":**", 1)[1].strip() for ln in text.splitlines() if ln.startswith("**In one sentence")), ""
    )
    minutes = next((ln.strip("*").split()[1] for ln in text.splitlines() if ln.startswith("*About ")), "?")
    return {"stem": path.stem, "title": title, "summary": summary, "minutes": minutes}


def course_map(prefix: str = "") -> str:
    """The course map as a Markdown table with links, one row per notebook that exists.

    ``prefix`` goes in front of each link (``"notebooks/"`` for the README at the top of the repository).
    """
    rows = ["| notebook | what it teaches | time |", "|---|---|---|"]
    for path in sources():
        d = describe(path)
        rows.append(f"| [{d['title']}]({prefix}{d['stem']}.ipynb) | {d['summary']} | {d['minutes']} min |")
    return "\n".join(rows)


MAP_START, MAP_END = "<!-- course map: python -m seqlib.course readme -->", "<!-- end of course map -->"


def update_readme(path: Path = ROOT / "README.md") -> bool:
    """Write the course map between its markers in the README; returns whether anything changed."""
    text = path.read_text()
    start, end = text.index(MAP_START) + len(MAP_START), text.index(MAP_END)
    new = text[:start] + "\n" + course_map("notebooks/") + "\n" + text[end:]
    path.write_text(new)
    return new != text


def read_twin(path: Path):
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.pop("jupytext", None)
    return nb


def execute(path: Path):
    """Run a twin in a fresh kernel. Returns ``(notebook with outputs, seconds, peak kernel memory in MB)``."""
    import nbformat
    from nbclient import NotebookClient

    nb = read_twin(path)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK_MEMORY))
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    probe = nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs)
    peak_mb = int(text.split("peak-rss-kb")[1]) / 1024 if "peak-rss-kb" in text else float("nan")
    return nb, seconds, peak_mb


def run(names=None, write=True) -> list[dict]:
    """Execute the notebooks (and store them when ``write``); returns one record per notebook."""
    import nbformat

    records = []
    for path in sources(names):
        nb, seconds, peak_mb = execute(path)
        target = NOTEBOOKS / f"{path.stem}.ipynb"
        if write:
            nbformat.write(nb, target)
        records.append({"notebook": target.name, "seconds": seconds, "peak_mb": peak_mb})
        print(f"{target.name:<40} {seconds:6.1f} s {peak_mb:8.0f} MB", flush=True)
    return records


def format_report(records) -> str:
    head = (
        f"{'notebook':<40} {'wall s':>8} {'peak MB':>9}  within budget ({TIME_BUDGET_S:g} s, {MEMORY_BUDGET_MB:g} MB)"
    )
    lines = [head, "-" * len(head)]
    for r in records:
        ok = r["seconds"] <= TIME_BUDGET_S and r["peak_mb"] <= MEMORY_BUDGET_MB
        lines.append(f"{r['notebook']:<40} {r['seconds']:8.1f} {r['peak_mb']:9.0f}  {'yes' if ok else 'NO'}")
    total = sum(r["seconds"] for r in records)
    lines.append(f"{'whole course':<40} {total:8.1f} {max((r['peak_mb'] for r in records), default=0):9.0f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m seqlib.course", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "report", "readme"])
    parser.add_argument("names", nargs="*", help="notebook numbers or names (default: all)")
    args = parser.parse_args(argv)
    if args.command == "readme":
        print("README.md updated" if update_readme() else "README.md already up to date")
        return None
    records = run(args.names or None, write=args.command == "build")
    print(format_report(records))
    return records


if __name__ == "__main__":
    main()
