"""The pytest plugin: a MiniMax emulator for every test, with no setup.

Installing `langchain-minimax` registers this module with pytest (the
`pytest11` entry point), which gives every test the `minimax_emulator`
fixture. The module is imported only by pytest, so the emulator itself stays
standard-library only.

Example:
    ```python
    from langchain_minimax.testing import Reply


    def test_greeting(minimax_emulator):
        emulator, chat_model = minimax_emulator
        emulator.add_reply(Reply(reasoning="A greeting.", content="Hello!"))
        assert chat_model().invoke("Hi").text == "Hello!"
    ```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import pytest

from langchain_minimax.testing import MiniMaxEmulator

if TYPE_CHECKING:
    from langchain_minimax import ChatMiniMax

__all__ = ["ChatModelFactory", "MiniMaxFixture", "minimax_emulator"]

API_KEY = "minimax-emulator-key"
"""The key the fixture's emulator accepts (and the models send)."""


class ChatModelFactory(Protocol):
    """Builds a `ChatMiniMax` pointed at the fixture's emulator."""

    def __call__(self, **kwargs: Any) -> ChatMiniMax:
        """Build the model.

        Args:
            **kwargs: `ChatMiniMax` parameters (`model`, `temperature`,
                `max_retries`, ...); `base_url` and `api_key` are the
                emulator's unless given.

        Returns:
            A new `ChatMiniMax`.
        """
        ...


class MiniMaxFixture(NamedTuple):
    """What `minimax_emulator` yields: unpack it as `emulator, chat_model`.

    Attributes:
        emulator: The running emulator, with empty reply and fault queues, no
            recorded requests and the default responder.
        chat_model: Builds a `ChatMiniMax` pointed at `emulator`.
    """

    emulator: MiniMaxEmulator
    chat_model: ChatModelFactory


@pytest.fixture(scope="session")
def _minimax_emulator_server() -> Iterator[MiniMaxEmulator]:
    with MiniMaxEmulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
def minimax_emulator(
    _minimax_emulator_server: MiniMaxEmulator,
) -> Iterator[MiniMaxFixture]:
    """A running MiniMax emulator and a factory of models pointed at it.

    One emulator serves the whole session; each test gets it reset (queues,
    records and responder), so tests do not see each other's scripts.

    Yields:
        `MiniMaxFixture(emulator, chat_model)`.
    """
    emulator = _minimax_emulator_server
    emulator.reset()

    def chat_model(**kwargs: Any) -> ChatMiniMax:
        from langchain_minimax import ChatMiniMax

        params: dict[str, Any] = {"base_url": emulator.base_url, "api_key": API_KEY}
        return ChatMiniMax(**{**params, **kwargs})

    yield MiniMaxFixture(emulator, chat_model)
    emulator.reset()
