"""Smoke test: the benchmark command runs with tiny sizes and prints its table.

Timings are never asserted here; `python benchmarks/run.py` is the benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_run_prints_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--json", str(out)],
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
    for item in "12345678":
        assert f"\n| {item} | " in stdout, f"no row for section {item}"
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert {row["item"] for row in data["rows"]} == set("12345678")
    assert data["machine"]["nproc"] >= 1
