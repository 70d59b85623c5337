"""The emulator's prompt cache: which part of a prompt MiniMax would read from cache.

MiniMax's prompt caching (its docs; seen by one client, see `minimax-api.md`,
"Usage"): prompts of 512 tokens or more are cached automatically, prefix
matched in the order tools -> system -> messages, and a hit is reported as
`usage.prompt_tokens_details.cached_tokens`. With an explicit
`cache_control: {"type": "ephemeral"}` on a content block, usage reports
`prompt_tokens_details.cache_read_input_tokens` and
`cache_creation_input_tokens` instead.

Sizes are measured like the emulator's `prompt_tokens`
(`rules.estimated_prompt_tokens`), at message boundaries.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from langchain_minimax.rules import estimated_prompt_tokens

__all__ = ["AUTOMATIC_MIN_TOKENS", "CacheUse", "PromptCache"]

AUTOMATIC_MIN_TOKENS = 512
"""The smallest prefix MiniMax caches automatically (its docs)."""

_MAX_ENTRIES = 4096


class CacheUse(NamedTuple):
    """What the cache did for one request, in tokens."""

    cached_tokens: int | None = None
    """An automatic hit (`prompt_tokens_details.cached_tokens`)."""
    cache_read_input_tokens: int | None = None
    """With `cache_control`: the marked prefix read from cache."""
    cache_creation_input_tokens: int | None = None
    """With `cache_control`: the marked prefix written to cache."""


def _marked(value: Any) -> bool:
    if isinstance(value, dict):
        return "cache_control" in value or any(_marked(v) for v in value.values())
    if isinstance(value, list):
        return any(_marked(item) for item in value)
    return False


class PromptCache:
    """Prefixes seen by one emulator, most recent last (bounded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, int] = OrderedDict()

    def clear(self) -> None:
        """Forget every prefix."""
        with self._lock:
            self._seen.clear()

    def use(self, body: dict[str, Any]) -> CacheUse:
        """Look `body`'s prompt up and remember its prefixes.

        Args:
            body: A validated request body.

        Returns:
            With a `cache_control` marker: the prefix up to the last marked
            message as read (seen before) or created. Without: the longest
            prefix of 512+ tokens seen before as `cached_tokens` (0 if none).
        """
        messages = body.get("messages")
        units: list[Any] = [body["tools"]] if body.get("tools") else []
        units += messages if isinstance(messages, list) else []
        prefixes = []
        for end in range(1, len(units) + 1):
            text = json.dumps(units[:end], sort_keys=True)
            key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            prefixes.append((key, estimated_prompt_tokens(units[:end]), units[end - 1]))
        marked = [i for i, (_, _, unit) in enumerate(prefixes) if _marked(unit)]
        with self._lock:
            if marked:
                key, size, _ = prefixes[marked[-1]]
                hit = key in self._seen
                self._remember(prefixes, marked[-1])
                return CacheUse(
                    cache_read_input_tokens=size if hit else 0,
                    cache_creation_input_tokens=0 if hit else size,
                )
            cached = next(
                (
                    size
                    for key, size, _ in reversed(prefixes)
                    if size >= AUTOMATIC_MIN_TOKENS and key in self._seen
                ),
                0,
            )
            self._remember(prefixes, len(prefixes) - 1)
            return CacheUse(cached_tokens=cached)

    def _remember(self, prefixes: list[tuple[str, int, Any]], last: int) -> None:
        for index, (key, size, _) in enumerate(prefixes[: last + 1]):
            if size >= AUTOMATIC_MIN_TOKENS or index == last:
                self._seen[key] = size
                self._seen.move_to_end(key)
        while len(self._seen) > _MAX_ENTRIES:
            self._seen.popitem(last=False)
