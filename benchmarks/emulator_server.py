"""Serve the benchmark's emulator in its own process.

Run by `run.py`: prints the base URL on the first line of stdout and serves
until stdin is closed. A separate process keeps the server's work off the
client's GIL, so the clients are timed, not the server.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import API_KEY, responder

from langchain_minimax.testing import MiniMaxEmulator


def main() -> int:
    with MiniMaxEmulator(api_key=API_KEY, responder=responder) as emu:
        sys.stdout.write(emu.base_url + "\n")
        sys.stdout.flush()
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
