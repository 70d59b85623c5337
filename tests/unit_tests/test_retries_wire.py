"""Retries listen to the server as `ChatOpenAI`'s do, over the wire.

`ChatOpenAI` (the bar) and `ChatMiniMax` are run against the same emulator
fault; the number of requests that reached the emulator must be the same.
The server's `Retry-After` / `retry-after-ms` / `x-should-retry` win over
MiniMax's code table; the table decides only where the failure carries a
MiniMax code and the server said nothing (then the two may differ, by design).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from langchain_minimax import ChatMiniMax, MiniMaxError
from langchain_minimax.testing import HTTPError, InBodyError, MiniMaxEmulator, Reply

MODES = ["invoke", "ainvoke", "stream", "astream"]
MAX_RETRIES = 2
FAST = {"retry-after-ms": "1"}
"""A 1 ms backoff, so that the retried cases stay fast."""

# name: (fault, requests expected from both)
SERVER_SAYS: dict[str, tuple[HTTPError, int]] = {
    "retry_after_beyond_cap": (
        HTTPError(429, code=1002, headers={"retry-after": "300"}, times=9),
        1,
    ),
    "retry_after_ms_beyond_cap": (
        HTTPError(429, code=1002, headers={"retry-after-ms": "300000"}, times=9),
        1,
    ),
    "should_retry_false_on_rate_limit": (
        HTTPError(429, code=1002, headers={**FAST, "x-should-retry": "false"}, times=9),
        1,
    ),
    "should_retry_false_on_server_error": (
        HTTPError(503, code=1000, headers={**FAST, "x-should-retry": "false"}, times=9),
        1,
    ),
    "should_retry_true_on_auth_code": (
        HTTPError(401, code=1004, headers={**FAST, "x-should-retry": "true"}, times=9),
        1 + MAX_RETRIES,
    ),
    "should_retry_true_on_invalid_params": (
        HTTPError(400, code=2013, headers={**FAST, "x-should-retry": "true"}, times=9),
        1 + MAX_RETRIES,
    ),
    "retry_after_within_cap": (
        HTTPError(429, code=1002, headers=FAST, times=9),
        1 + MAX_RETRIES,
    ),
    "no_code_retry_after_beyond_cap": (
        HTTPError(503, headers={"retry-after": "300"}, times=9),
        1,
    ),
}


@pytest.fixture
def models(
    make_model: Callable[..., ChatMiniMax], emulator: MiniMaxEmulator
) -> dict[str, Callable[[], BaseChatModel]]:
    """Both models pointed at the emulator, each with its own async client."""
    key = make_model().minimax_api_key
    assert key is not None
    common: dict[str, Any] = {
        "model": "MiniMax-M2",
        "base_url": emulator.base_url,
        "api_key": key.get_secret_value(),
        "max_retries": MAX_RETRIES,
    }
    return {
        "ChatOpenAI": lambda: ChatOpenAI(
            **common, http_async_client=openai.DefaultAsyncHttpxClient()
        ),
        # ChatOpenAI needs its own async client in each event loop; ChatMiniMax
        # does not.
        "ChatMiniMax": lambda: ChatMiniMax(**common),
    }


async def attempts(
    emulator: MiniMaxEmulator, model: BaseChatModel, fault: HTTPError, mode: str
) -> int:
    """How many requests `model` makes for one call in `mode` under `fault`."""
    emulator.reset()
    emulator.add_fault(fault)
    with pytest.raises(openai.APIStatusError):
        if mode == "invoke":
            model.invoke("Hi")
        elif mode == "ainvoke":
            await model.ainvoke("Hi")
        elif mode == "stream":
            for _ in model.stream("Hi"):
                pass
        else:
            async for _ in model.astream("Hi"):
                pass
    return len(emulator.requests)


@pytest.mark.parametrize("case", list(SERVER_SAYS))
@pytest.mark.parametrize("mode", MODES)
async def test_retry_count_equals_chat_openai(
    emulator: MiniMaxEmulator,
    models: dict[str, Callable[[], BaseChatModel]],
    mode: str,
    case: str,
) -> None:
    fault, expected = SERVER_SAYS[case]
    theirs = await attempts(emulator, models["ChatOpenAI"](), fault, mode)
    ours = await attempts(emulator, models["ChatMiniMax"](), fault, mode)
    assert (theirs, ours) == (expected, expected)


@pytest.mark.parametrize("mode", MODES)
async def test_the_code_decides_when_the_server_says_nothing(
    emulator: MiniMaxEmulator,
    models: dict[str, Callable[[], BaseChatModel]],
    mode: str,
) -> None:
    # An authentication code on an HTTP 500: ChatOpenAI retries the status,
    # MiniMax's table says retrying cannot help.
    fault = HTTPError(500, code=1004, headers=FAST, times=9)
    assert await attempts(emulator, models["ChatOpenAI"](), fault, mode) == 3
    assert await attempts(emulator, models["ChatMiniMax"](), fault, mode) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_the_server_wins_over_the_code_in_a_200_body(
    emulator: MiniMaxEmulator,
    models: dict[str, Callable[[], BaseChatModel]],
    mode: str,
) -> None:
    # A rate limit reported in an HTTP 200 is retried by its code, unless the
    # server said not to.
    emulator.reset()
    emulator.add_fault(
        InBodyError(code=1002, headers={**FAST, "x-should-retry": "false"}, times=9)
    )
    with pytest.raises(MiniMaxError):
        await call(models["ChatMiniMax"](), mode)
    assert len(emulator.requests) == 1
    emulator.reset()
    emulator.add_fault(InBodyError(code=1002, headers=FAST, times=2))
    emulator.add_reply(Reply(content="Hello."))
    assert (await call(models["ChatMiniMax"](), mode)) == "Hello."
    assert len(emulator.requests) == 3


async def call(model: BaseChatModel, mode: str) -> str:
    if mode == "invoke":
        return model.invoke("Hi").text
    if mode == "ainvoke":
        return (await model.ainvoke("Hi")).text
    if mode == "stream":
        return "".join(chunk.text for chunk in model.stream("Hi"))
    return "".join([chunk.text async for chunk in model.astream("Hi")])
