"""Tests against the real MiniMax service (need MINIMAX_API_KEY)."""
