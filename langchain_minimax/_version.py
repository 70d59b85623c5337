"""Version of the `langchain-minimax` package."""

__version__ = "0.1.0"
