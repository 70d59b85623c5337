"""5. import and construction time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from contenders import MMX, OAI, ROOT, Contenders, pythonpath
from langchain_openai import ChatOpenAI
from results import Report, Row
from scenarios import API_KEY, MODEL
from sizes import Sizes
from timing import Samples, interleave, median, order, timed_row

from langchain_minimax import ChatMiniMax

IMPORT_OPENAI = "from langchain_openai import ChatOpenAI"
IMPORT_MINIMAX = "from langchain_minimax import ChatMiniMax"

_IMPORT_PROGRAM = """\
import json, time
marks = []
for statement in {statements!r}:
    wall, cpu = time.perf_counter(), time.process_time()
    exec(statement)
    marks.append((time.perf_counter() - wall, time.process_time() - cpu))
print(json.dumps(marks))
"""


def _import_times(
    statements: Sequence[str], env: dict[str, str]
) -> list[tuple[float, float]]:
    """(wall, cpu) seconds of each import statement, in one fresh interpreter."""
    output = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROGRAM.format(statements=list(statements))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=str(ROOT),
    ).stdout
    marks: list[tuple[float, float]] = json.loads(output.strip().splitlines()[-1])
    return marks


def run(report: Report, c: Contenders, sizes: Sizes) -> None:
    # PYTHONDONTWRITEBYTECODE may be set (it is on the shared benchmark machine);
    # an installed package has its bytecode compiled, so give both imports a
    # warm bytecode cache, kept out of the source tree.
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = {**os.environ, "PYTHONPATH": pythonpath()}
        if sizes.import_warmup:
            # A private bytecode cache, filled below: the runs measure imports,
            # not compiling. Without the warm-up (--quick) the usual caches
            # serve, or compiling everything would be most of a smoke run.
            env["PYTHONPYCACHEPREFIX"] = pycache
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        programs = {
            OAI: [IMPORT_OPENAI],
            MMX: [IMPORT_MINIMAX],
            "both": [IMPORT_OPENAI, IMPORT_MINIMAX],
        }
        if not sizes.processes_alone:
            # --quick: the OAI sample is the first mark of "both", a fresh
            # interpreter that imports it first too (the full run times it alone).
            del programs[OAI]
        if sizes.import_warmup:  # fill the bytecode cache
            for statements in programs.values():
                _import_times(statements, env)
        wall: dict[str, list[float]] = {OAI: [], MMX: [], "added": []}
        cpu: dict[str, list[float]] = {OAI: [], MMX: [], "added": []}
        for round_ in range(sizes.import_runs):
            names = order(list(programs), round_, {})
            if sizes.processes_alone:
                results = [_import_times(programs[name], env) for name in names]
            else:  # --quick: the interpreters at once (the full run times each alone)
                with ThreadPoolExecutor(len(names)) as threads:
                    results = list(
                        threads.map(lambda n: _import_times(programs[n], env), names)
                    )
            for name, marks in zip(names, results, strict=True):
                if name == "both" and OAI not in programs:
                    wall[OAI].append(marks[0][0])
                    cpu[OAI].append(marks[0][1])
                key = "added" if name == "both" else name
                wall[key].append(marks[-1][0])
                cpu[key].append(marks[-1][1])
    samples = Samples(wall, cpu)
    report.samples["5 import"] = samples.as_json()
    runs = sizes.import_runs
    report.add(
        timed_row(
            "5",
            f"import time, fresh processes (median of {runs})",
            "ms",
            Samples({k: wall[k] for k in (OAI, MMX)}, {k: cpu[k] for k in (OAI, MMX)}),
            1e3,
        )
    )
    added_wall, added_cpu = median(wall["added"]) * 1e3, median(cpu["added"]) * 1e3
    report.add(
        Row(
            "5",
            f"import of {MMX} after {OAI} in the same fresh process (median of {runs})",
            "ms",
            {MMX: added_wall},
            cpu={MMX: added_cpu},
        )
    )
    report.check(
        Row(
            "5",
            f"import: what `{IMPORT_MINIMAX}` adds over `{IMPORT_OPENAI}`"
            " (ms, measured in the same fresh process)",
            "ms",
            {},
            ratio=added_wall,
            cpu_ratio=added_cpu,
            ratio_label="ms",
            bound=20.0,
        )
    )
    row = report.rows[-2]
    report.check(
        Row(
            "5",
            "import: difference of the medians of separate fresh processes"
            " (ms; the shared cost's noise dominates it)",
            "ms",
            {},
            ratio=row.values[MMX] - row.values[OAI],
            cpu_ratio=row.cpu[MMX] - row.cpu[OAI],
            ratio_label="ms",
        )
    )
    base = c.base_url
    samples = interleave(
        {
            OAI: lambda: ChatOpenAI(base_url=base, api_key=API_KEY, model=MODEL),  # type: ignore[arg-type]
            MMX: lambda: ChatMiniMax(base_url=base, api_key=API_KEY),
        },
        sizes.construct_rounds,
        warmup=3,
    )
    report.samples["5 construct"] = samples.as_json()
    report.add(
        timed_row(
            "5",
            f"construction (median of {sizes.construct_rounds})",
            "us",
            samples,
            1e6,
        )
    )
