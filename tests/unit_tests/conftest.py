"""Shared fixtures: a MiniMax emulator on loopback and models pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator

pytest_plugins = ["pytester"]

API_KEY = "emulator-key-7f3a"


@pytest.fixture(scope="session")
def _server() -> Iterator[MiniMaxEmulator]:
    with MiniMaxEmulator(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def emulator(_server: MiniMaxEmulator) -> Iterator[MiniMaxEmulator]:
    """The session's emulator, with empty queues and records for each test."""
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture
def make_model(emulator: MiniMaxEmulator) -> Any:
    """Build a `ChatMiniMax` pointed at the emulator."""

    def make(**kwargs: Any) -> ChatMiniMax:
        params: dict[str, Any] = {
            "base_url": emulator.base_url,
            "api_key": API_KEY,
            "max_retries": 0,
            **kwargs,
        }
        return ChatMiniMax(**params)

    return make
