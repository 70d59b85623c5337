"""Smoke test: the benchmark command runs with tiny sizes and prints its table.

Timings are never asserted here; `python benchmarks/run.py` is the benchmark.
The sections run in this process, through `run.py`'s `main` (a fresh
interpreter per section would import the whole stack again each time); one
test runs the command itself.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"


SECTIONS = {
    "invoke": "1",
    "stream": "2",
    "concurrent": "3",
    "request": "4",
    "import": "5",
    "memory": "6",
    "bomb": "6",
    "tokens": "7",
    "processes": "8",
}
"""`benchmarks/run.py --only` names and the table items they fill. One test
each, so that no single test runs the whole benchmark."""


@pytest.fixture(scope="module")
def run_py() -> Iterator[ModuleType]:
    """`benchmarks/run.py`, imported by path, and gone again after this module.

    run.py puts `benchmarks/` first on `sys.path` and imports its modules under
    top-level names (`contenders`, `results`, `sections`, ...): none may be
    taken already, and they, the path entries and the garbage-collection
    clock `timing.py` registers are removed afterwards.
    """
    names = {path.stem for path in BENCHMARKS.glob("*.py")} | {"sections"}
    assert not names & set(sys.modules), "a benchmark module name is taken"
    path, callbacks, modules = list(sys.path), list(gc.callbacks), set(sys.modules)
    spec = importlib.util.spec_from_file_location("run", BENCHMARKS / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path[:] = path
    gc.callbacks[:] = callbacks
    for name in set(sys.modules) - modules:
        if Path(getattr(sys.modules[name], "__file__", None) or "/").is_relative_to(
            BENCHMARKS
        ):
            del sys.modules[name]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_quick_benchmark_section_prints_its_rows(
    run_py: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    section: str,
) -> None:
    out = tmp_path / "results.json"
    # The timed sections collect garbage before each call; the suite's own heap
    # would make each collection far slower than in `python benchmarks/run.py`.
    gc.freeze()
    try:
        assert run_py.main(["--quick", "--only", section, "--json", str(out)]) == 0
    finally:
        gc.unfreeze()
    stdout = capsys.readouterr().out
    for heading in ("## Machine", "## Results", "## Bounds"):
        assert heading in stdout
    assert "requests of the contenders equal: True" in stdout
    item = SECTIONS[section]
    assert f"\n| {item} | " in stdout, f"no row for section {item}"
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert {row["item"] for row in data["rows"]} == {item}
    assert data["machine"]["nproc"] >= 1


def test_every_section_is_tested(run_py: ModuleType) -> None:
    assert sorted(run_py.SECTIONS) == sorted(SECTIONS)


def test_the_command_runs_from_the_repository_root() -> None:
    """`python benchmarks/run.py ...` as documented: a fresh interpreter finds
    the benchmark's modules and the package from the script's own path."""
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("usage: run.py")
    for option in ("--quick", "--only", "--emulator", "--json"):
        assert option in result.stdout
