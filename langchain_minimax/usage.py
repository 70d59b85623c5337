"""Prompt-cache reads and writes from MiniMax's usage, for `usage_metadata`.

MiniMax reports prompt caching in three shapes (`minimax-api.md`, "Usage"):

- `prompt_tokens_details.cached_tokens`: automatic caching of prompts of 512+
  tokens (MiniMax's docs), the OpenAI shape;
- `prompt_tokens_details.cache_read_input_tokens` and
  `cache_creation_input_tokens`: with an explicit `cache_control` marker on a
  content block (seen in a live capture, MiniMax-M2.7-highspeed), the
  Anthropic names;
- a top-level `prompt_cache_hit_tokens` (reported by one client on M2.5/M2.7,
  no capture).

langchain-openai reads only the first. Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from langchain_core.messages.ai import UsageMetadata

__all__ = ["cache_details", "with_cache_details"]


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cache_details(usage: Any) -> dict[str, int]:
    """The `cache_read` and `cache_creation` token counts of a usage object.

    Args:
        usage: The `usage` object of a completion or a chunk, as sent (any
            JSON value; `None` and non-objects give `{}`).

    Returns:
        `{"cache_read": n, "cache_creation": m}` with the keys the usage
        reports: `cache_read` from `cache_read_input_tokens`, else
        `cached_tokens`, else `prompt_cache_hit_tokens`; `cache_creation`
        from `cache_creation_input_tokens`. Counts are tokens, as reported.
    """
    if not isinstance(usage, Mapping):
        return {}
    details = usage.get("prompt_tokens_details")
    details = details if isinstance(details, Mapping) else {}
    read = next(
        (
            count
            for count in (
                _count(details.get("cache_read_input_tokens")),
                _count(details.get("cached_tokens")),
                _count(usage.get("prompt_cache_hit_tokens")),
            )
            if count is not None
        ),
        None,
    )
    creation = _count(details.get("cache_creation_input_tokens"))
    found = {"cache_read": read, "cache_creation": creation}
    return {key: value for key, value in found.items() if value is not None}


def with_cache_details(
    usage_metadata: UsageMetadata | None, usage: Any
) -> UsageMetadata | None:
    """`usage_metadata` with `input_token_details` from `cache_details(usage)`.

    `input_tokens` stays MiniMax's `prompt_tokens` as sent: the counts are a
    breakdown of it in the OpenAI shape (`cached_tokens` is part of
    `prompt_tokens`); no source shows whether the `cache_control` shape's
    counts are part of it too.

    Args:
        usage_metadata: The message's usage metadata (`None`: no usage).
        usage: The `usage` object it was read from.

    Returns:
        A new dict (or `None` when `usage_metadata` is `None`); other
        `input_token_details` keys are kept.
    """
    details = cache_details(usage)
    if usage_metadata is None or not details:
        return usage_metadata
    merged = {**usage_metadata.get("input_token_details", {}), **details}
    return cast("UsageMetadata", {**usage_metadata, "input_token_details": merged})
