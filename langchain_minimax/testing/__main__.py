"""Run the MiniMax emulator in the foreground.

Usage:
    python -m langchain_minimax.testing --port 8765 --reply-text "Hi!"

The first line printed is the base URL to give a client; the server runs until
interrupted (Ctrl-C or SIGTERM). An address that cannot be bound (a busy port)
is reported in one line on stderr, with exit status 1; serving beyond loopback
without `--api-key` prints a warning on stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

from langchain_minimax.testing._emulator import (
    DEFAULT_CONTENT,
    DEFAULT_REASONING,
    MiniMaxEmulator,
)
from langchain_minimax.testing._script import Reply


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m langchain_minimax.testing",
        description="Serve a local emulator of MiniMax's Chat Completions API.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port to bind, 0 for any (8765)"
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="accepted API key (default: accept any key)",
    )
    parser.add_argument(
        "--reply-text",
        default=DEFAULT_CONTENT,
        help="content of every answer",
    )
    parser.add_argument(
        "--reply-reasoning",
        default=DEFAULT_REASONING,
        help="reasoning of every answer ('' for none)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=8,
        help="characters per streamed piece (8)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until interrupted.

    Args:
        argv: Command-line arguments without the program name; `None` reads
            `sys.argv`.

    Returns:
        The process exit status.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    reply = Reply(content=args.reply_text, reasoning=args.reply_reasoning)

    def responder(body: dict[str, Any]) -> Reply:
        return reply

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            emulator = MiniMaxEmulator(
                api_key=args.api_key,
                host=args.host,
                port=args.port,
                chunk_size=args.chunk_size,
                responder=responder,
            ).start()
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        sys.stderr.write(f"{parser.prog}: error: {reason}\n")
        return 1
    for warning in caught:
        sys.stderr.write(f"{parser.prog}: warning: {warning.message}\n")

    def on_signal(signum: int, frame: Any) -> None:
        # Stop as Ctrl-C does. A handler must take no lock the main thread may
        # hold: setting a threading.Event here deadlocked when SIGTERM came
        # while the main thread was inside the Event's own wait().
        raise KeyboardInterrupt

    with emulator:
        try:
            signal.signal(signal.SIGTERM, on_signal)
            sys.stdout.write(emulator.base_url + "\n")
            key = args.api_key if args.api_key is not None else "(any)"
            sys.stdout.write(f"API key: {key}; press Ctrl-C to stop\n")
            sys.stdout.flush()
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
