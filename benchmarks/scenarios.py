"""What the benchmark contenders ask for, and what the emulator answers.

Shared by `run.py` (the client side) and `emulator_server.py` (the server side,
which may run in its own process): a request names its scripted reply in its
last user message as `bench <spec>`, so every contender gets byte-identical
answers (same lengths, same chunking; only the random completion id differs).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from langchain_minimax.testing import Reply

API_KEY = "bench-key"
MODEL = "MiniMax-M2"
PREFIX = "bench "

_WORDS = (
    "the user asks about the weather so I should call the tool and then "
    "summarise what it returns in a short friendly answer with the numbers "
)


def text(size: int, seed: int = 0) -> str:
    """Deterministic ASCII prose of exactly `size` characters."""
    if size <= 0:
        return ""
    start = seed % len(_WORDS)
    base = _WORDS[start:] + _WORDS[:start]
    return (base * (size // len(base) + 1))[:size]


def prompt(reasoning: int, content: int, chunk_size: int = 1) -> str:
    """The user message that asks the emulator for one scripted reply."""
    spec = {"r": reasoning, "c": content, "cs": chunk_size}
    return PREFIX + json.dumps(spec, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=64)
def _reply(spec: str) -> Reply:
    parsed = json.loads(spec)
    return Reply(
        reasoning=text(int(parsed["r"]), seed=7),
        content=text(int(parsed["c"]), seed=3),
        chunk_size=int(parsed["cs"]),
    )


def responder(body: dict[str, Any]) -> Reply:
    """The emulator responder: the reply the last user message asks for."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str) and content.startswith(PREFIX):
                return _reply(content[len(PREFIX) :])
            break
    return _reply(prompt(200, 60)[len(PREFIX) :])
