"""Smoke test: the benchmark command runs with tiny sizes and prints its table.

Timings are never asserted here; `python benchmarks/run.py` is the benchmark.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


SECTIONS = {
    "invoke": "1",
    "stream": "2",
    "concurrent": "3",
    "request": "4",
    "import": "5",
    "memory": "6",
    "tokens": "7",
    "processes": "8",
}
"""`benchmarks/run.py --only` names and the table items they fill. One test
each, so that no single test runs the whole benchmark."""


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_quick_benchmark_section_prints_its_rows(
    tmp_path: Path, section: str
) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            *(sys.executable, "benchmarks/run.py", "--quick"),
            *("--only", section, "--json", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stdout = result.stdout
    for heading in ("## Machine", "## Results", "## Bounds"):
        assert heading in stdout
    assert "requests of the contenders equal: True" in stdout
    item = SECTIONS[section]
    assert f"\n| {item} | " in stdout, f"no row for section {item}"
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert {row["item"] for row in data["rows"]} == {item}
    assert data["machine"]["nproc"] >= 1


def test_every_section_is_tested() -> None:
    run = (ROOT / "benchmarks" / "run.py").read_text()
    listed = re.findall(r'^    "(\w+)": \w+\.run,$', run, re.MULTILINE)
    assert sorted(listed) == sorted(SECTIONS)
