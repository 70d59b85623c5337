"""LangChain integration for MiniMax's reasoning models."""

from langchain_minimax._version import __version__
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
]
