"""ChatMiniMax next to ChatOpenAI and the raw `openai` SDK, in one run.

Usage (from the repository root):

    python benchmarks/run.py            # the full run (about ten minutes)
    python benchmarks/run.py --quick    # a smoke run with tiny sizes
    python benchmarks/run.py --json results.json

Every contender talks to the package's MiniMax emulator on loopback and gets
the same scripted replies (see `scenarios.py`). Timings are interleaved
(A, B, C, A, B, C, ... with the starting contender rotating every round) and
summarised by medians, so background load hits every contender alike; the
ratios are the numbers to read, not the absolute times.

The emulator runs in its own process by default (`--emulator thread` runs it
in this one), so its work does not compete with the clients for the GIL; the
"emulator ceiling" column is a minimal standard-library HTTP client against
it, i.e. what the server alone costs.

The modules: `contenders.py` (the clients and the emulator), `timing.py`
(interleaved timing), `results.py` (rows and tables), `sizes.py` (the full and
`--quick` sizes), and one module per measured section in `sections/`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from contenders import Contenders, emulator  # noqa: E402
from results import Report, loadavg, machine_info, render  # noqa: E402
from sections import (  # noqa: E402
    concurrency,
    import_time,
    invoke,
    memory,
    processes,
    request_building,
    sanity,
    stream,
    token_counting,
)
from sizes import FULL, QUICK, Sizes  # noqa: E402

SECTIONS: dict[str, Callable[[Report, Contenders, Sizes], None]] = {
    "invoke": invoke.run,
    "stream": stream.run,
    "concurrent": concurrency.run,
    "request": request_building.run,
    "import": import_time.run,
    "memory": memory.run,
    "bomb": memory.bomb,
    "tokens": token_counting.run,
    "processes": processes.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument(
        "--emulator",
        choices=("process", "thread"),
        default="process",
        help="run the emulator in its own process (default) or in a thread",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SECTIONS),
        help="run only these sections (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="write every sample to this file")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    warnings.filterwarnings("ignore", category=ResourceWarning)
    started = time.perf_counter()
    report = Report(machine=machine_info(args.emulator))
    print("sanity check", flush=True)
    sanity.run(report)
    with emulator(args.emulator) as base_url:
        contenders = Contenders(base_url)
        for name, section in SECTIONS.items():
            if args.only and name not in args.only:
                continue
            print(f"{name}", flush=True)
            section(report, contenders, sizes)
    report.machine["load_end"] = loadavg()
    report.machine["wall_s"] = time.perf_counter() - started
    print()
    print(render(report))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": report.machine,
                    "quick": args.quick,
                    "rows": [vars(row) for row in report.rows],
                    "checks": [vars(row) for row in report.checks],
                    "samples": report.samples,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
