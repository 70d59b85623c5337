"""LangChain integration for MiniMax's reasoning models."""

from langchain_minimax._version import __version__
from langchain_minimax.chat_models import ChatMiniMax

__all__ = ["ChatMiniMax", "__version__"]
