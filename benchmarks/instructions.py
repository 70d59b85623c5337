"""Per-chunk streaming cost in machine instructions, unmoved by the machine's load.

Usage (from the repository root; needs valgrind):

    python benchmarks/instructions.py          # 2,000-chunk streams
    python benchmarks/instructions.py 20000

`run.py` times the contenders, and on a shared 2-core machine its ratios move
by several percent from run to run. Instruction counts do not: this script
runs each model under `valgrind --tool=callgrind`, streaming the same reply
as `run.py`'s streaming section (80% reasoning, one character per chunk) from
the benchmark emulator in its own process, once after a warm-up in one run
and three times in another. The difference of the two runs' counts, divided
by the chunks of the two extra streams, is what one chunk costs that model,
start-up and warm-up left out (with a fixed hash seed, so that dict and set
work repeats exactly). The two models run at once, one per core.
Instructions are not time (cache misses and memory are not in them), so the
ratio is a check on `run.py`'s, not a replacement.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from contenders import MMX, OAI, emulator, pythonpath  # noqa: E402

_STREAMS = """\
import sys
sys.path.insert(0, {benchmarks!r})
from contenders import Contenders
from scenarios import prompt

contenders = Contenders({base_url!r})
model = contenders.openai if {name!r} == "ChatOpenAI" else contenders.minimax
spec = prompt({chunks} * 4 // 5, {chunks} - {chunks} * 4 // 5, chunk_size=1)
for _ in range(1 + {streams}):  # a warm-up stream, then the counted ones
    for _chunk in model.stream(spec):
        pass
"""

_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(name: str, base_url: str, chunks: int, streams: int) -> int:
    """Instructions of one process that streams `streams` replies after a warm-up."""
    program = _STREAMS.format(
        benchmarks=str(HERE),
        base_url=base_url,
        name=name,
        chunks=chunks,
        streams=streams,
    )
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out",
                sys.executable,
                "-c",
                program,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": pythonpath(), "PYTHONHASHSEED": "0"},
        )
    match = _COLLECTED.search(result.stderr)
    if match is None:
        raise RuntimeError(f"callgrind printed no count:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def per_chunk(name: str, base_url: str, chunks: int) -> float:
    """Instructions per chunk: (3 streams - 1 stream) / (2 streams' chunks)."""
    one = instructions(name, base_url, chunks, 1)
    three = instructions(name, base_url, chunks, 3)
    return (three - one) / (2 * chunks)


def main() -> int:
    chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    with emulator("process") as base_url, ThreadPoolExecutor(2) as pool:
        counts = dict(
            zip(
                (OAI, MMX),
                pool.map(lambda name: per_chunk(name, base_url, chunks), (OAI, MMX)),
                strict=True,
            )
        )
    for name, count in counts.items():
        print(f"{name}: {count:,.0f} instructions per chunk ({chunks:,}-chunk streams)")
    print(f"{MMX} / {OAI}: {counts[MMX] / counts[OAI]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
