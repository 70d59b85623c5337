"""Integration tests talk to the real MiniMax service.

Run them with a key: `MINIMAX_API_KEY=... pytest tests/integration_tests`
(keys from the mainland-China platform also need
`MINIMAX_BASE_URL=https://api.minimaxi.com/v1`; `MINIMAX_TEST_MODEL` picks the
model, default `MiniMax-M2`). Without a key every test marked `requires_key` is
skipped, and the folder still collects.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest

from langchain_minimax import ChatMiniMax

MODEL = os.environ.get("MINIMAX_TEST_MODEL", "MiniMax-M2")
"""The model the integration tests use."""

MAX_TOKENS = 4096
"""Thinking counts against the limit: a small one leaves the answer empty."""


def own_async_client() -> dict[str, Any]:
    """Model parameters giving the model its own async HTTP client.

    langchain-openai shares one cached async client per base URL, whose pooled
    connections break once the event loop that opened them is closed, and
    pytest-asyncio gives every test its own loop.
    """
    return {"http_async_client": httpx.AsyncClient()}


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if os.environ.get("MINIMAX_API_KEY"):
        return
    skip = pytest.mark.skip(
        reason="MINIMAX_API_KEY is not set: these tests talk to the real service"
    )
    for item in items:
        if item.get_closest_marker("requires_key"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _network(socket_enabled: None) -> None:
    """Allow the network: the test configuration otherwise allows loopback only."""


@pytest.fixture
def make_live_model() -> Any:
    """Build a `ChatMiniMax` for the real service (key and URL from the env)."""

    def make(**kwargs: Any) -> ChatMiniMax:
        params: dict[str, Any] = {
            "model": MODEL,
            "max_tokens": MAX_TOKENS,
            "max_retries": 2,
            "timeout": 120,
            **own_async_client(),
            **kwargs,
        }
        return ChatMiniMax(**params)

    return make
