"""The request checks MiniMax applies before answering (HTTP 400, code 2013).

The rules themselves are `langchain_minimax.rules.RULES`, the table the
model's pre-send checks use too; this module only adapts it to the emulator.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from langchain_minimax.model_table import MODELS
from langchain_minimax.rules import emulator_error

__all__ = ["KNOWN_MODELS", "validate_request"]

KNOWN_MODELS: frozenset[str] = frozenset(MODELS)
"""Model names the emulator accepts out of the box: the model table's."""


def validate_request(
    body: Any, *, models: Collection[str], context_limit_tokens: int | None = None
) -> str | None:
    """Check a chat-completions request body the way MiniMax does.

    The emulator answers a failed check with HTTP 400, error type
    `bad_request_error` and the returned message. The rules are those of
    `langchain_minimax.rules.RULES` that the service enforces; each message
    names the parameter, the value and what is allowed.

    Args:
        body: The parsed JSON body (anything `json.loads` may return).
        models: The accepted model names.
        context_limit_tokens: The largest accepted prompt size, measured like
            `Reply.prompt_tokens` (`len(json.dumps(messages)) // 4 + 1`);
            `None` (the default) takes the model's context window.

    Returns:
        None when the request is acceptable, else the error message including
        its ` (2013)` suffix.
    """
    return emulator_error(
        body, models=models, context_limit_tokens=context_limit_tokens
    )
