"""LangChain integration for MiniMax's reasoning models.

The public names are imported on first use (PEP 562), so that importing a
submodule, `langchain_minimax.testing` or its pytest plugin above all, does not
load `openai` and langchain-openai: the plugin is imported by every pytest run
of a project that has the package installed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from langchain_minimax._version import __version__

if TYPE_CHECKING:
    from langchain_minimax.chat_models import ChatMiniMax
    from langchain_minimax.errors import (
        MiniMaxAPIStatusError,
        MiniMaxAuthenticationError,
        MiniMaxConnectionError,
        MiniMaxContentFilterError,
        MiniMaxContextOverflowError,
        MiniMaxError,
        MiniMaxInsufficientBalanceError,
        MiniMaxInvalidRequestError,
        MiniMaxNotFoundError,
        MiniMaxPermissionDeniedError,
        MiniMaxRateLimitError,
        MiniMaxResponseError,
        MiniMaxServerError,
        MiniMaxStreamChunkTimeoutError,
        MiniMaxTimeoutError,
        MiniMaxUsageLimitError,
    )
    from langchain_minimax.unanswered_calls import answer_dangling_tool_calls


def __getattr__(name: str) -> Any:
    if name not in __all__:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    module = _MODULES.get(name, "errors")
    # Not cached here: the submodule in `sys.modules` stays the one source.
    return getattr(import_module(f"langchain_minimax.{module}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)


_MODULES = {
    "ChatMiniMax": "chat_models",
    "answer_dangling_tool_calls": "unanswered_calls",
}
"""The submodule of each public name that is not an exception class."""

__all__ = [
    "ChatMiniMax",
    "MiniMaxAPIStatusError",
    "MiniMaxAuthenticationError",
    "MiniMaxConnectionError",
    "MiniMaxContentFilterError",
    "MiniMaxContextOverflowError",
    "MiniMaxError",
    "MiniMaxInsufficientBalanceError",
    "MiniMaxInvalidRequestError",
    "MiniMaxNotFoundError",
    "MiniMaxPermissionDeniedError",
    "MiniMaxRateLimitError",
    "MiniMaxResponseError",
    "MiniMaxServerError",
    "MiniMaxStreamChunkTimeoutError",
    "MiniMaxTimeoutError",
    "MiniMaxUsageLimitError",
    "__version__",
    "answer_dangling_tool_calls",
]
