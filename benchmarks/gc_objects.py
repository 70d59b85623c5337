"""Objects a stream keeps alive, and the collections it causes, per model.

Usage (from the repository root):

    python benchmarks/gc_objects.py           # 20,000 one-character chunks
    python benchmarks/gc_objects.py 2000

Streams the same reply (80% reasoning, 20% answer, one character per chunk)
from an in-process emulator through ChatOpenAI and ChatMiniMax, keeping every
chunk as langchain-core does until a stream ends, and prints the tracked
objects kept per chunk (`gc.get_objects()` after a full collection) and the
collections by generation during one stream (`gc.get_stats()`). No timing:
see `run.py` for that.
"""

from __future__ import annotations

import gc
import sys
import warnings
from typing import Any

from langchain_openai import ChatOpenAI

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply


def _reply(chunks: int) -> Reply:
    text = "x" * chunks
    return Reply(
        reasoning=text[: chunks * 4 // 5], content=text[: chunks // 5], chunk_size=1
    )


def measure(
    model: Any, emulator: MiniMaxEmulator, chunks: int
) -> tuple[float, list[int]]:
    """Tracked objects kept per chunk, and collections by generation, of one stream."""
    emulator.add_reply(_reply(chunks))
    list(model.stream("q"))  # warm up
    emulator.add_reply(_reply(chunks))
    gc.collect()
    before = len(gc.get_objects())
    counts = [stats["collections"] for stats in gc.get_stats()]
    kept = list(model.stream("q"))
    collections = [
        stats["collections"] - count
        for stats, count in zip(gc.get_stats(), counts, strict=True)
    ]
    gc.collect()
    per_chunk = (len(gc.get_objects()) - before) / chunks
    del kept
    return per_chunk, collections


def main() -> None:
    chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    warnings.simplefilter("ignore")
    with MiniMaxEmulator(api_key="k") as emulator:
        models = {
            "ChatOpenAI": ChatOpenAI(
                base_url=emulator.base_url,
                api_key="k",
                model="MiniMax-M2",
                stream_usage=True,
                extra_body={"reasoning_split": True},
            ),
            "ChatMiniMax": ChatMiniMax(base_url=emulator.base_url, api_key="k"),
        }
        for name, model in models.items():
            per_chunk, collections = measure(model, emulator, chunks)
            print(
                f"{name}: {per_chunk:.4f} tracked objects kept per chunk; "
                f"collections by generation during one {chunks:,}-chunk stream: "
                f"{collections}"
            )


if __name__ == "__main__":
    main()
