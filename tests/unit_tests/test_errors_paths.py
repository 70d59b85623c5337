"""The same MiniMax failure raises the same exception on every path.

Through the model, its `client` and its `root_client`; sync and async;
streamed and not: each failure injected with the emulator (or, for failures
after the first stream event, a scripted stream) raises the same
`MiniMaxError` subclass with the same MiniMax code, chained one level deep at
most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2 as sdk_httpx
import openai
import pytest
from langchain_core.exceptions import ModelTimeoutError

from langchain_minimax import (
    ChatMiniMax,
    MiniMaxAuthenticationError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxError,
    MiniMaxRateLimitError,
    MiniMaxServerError,
    MiniMaxTimeoutError,
)
from langchain_minimax.testing import (
    Fault,
    HTTPError,
    InBodyError,
    MiniMaxEmulator,
    SlowResponse,
    StalledStream,
)

PATHS = ["model", "client", "root_client"]
MODES = ["sync", "async"]
BODY: dict[str, Any] = {
    "model": "MiniMax-M2",
    "messages": [{"role": "user", "content": "What is the answer?"}],
}

# name: (fault, exception, MiniMax code, model options)
FAILURES: dict[str, tuple[Fault, type, int | None, dict[str, Any]]] = {
    "rate_limit_http": (
        HTTPError(429, code=1002, message="rate limit exceeded"),
        MiniMaxRateLimitError,
        1002,
        {},
    ),
    "server_http_no_code": (HTTPError(503), MiniMaxServerError, None, {}),
    "context_overflow_http": (
        HTTPError(400, code=2013, message="context window exceeds limit"),
        MiniMaxContextOverflowError,
        2013,
        {},
    ),
    "auth_in_body_200": (
        InBodyError(code=2049, message="invalid api key"),
        MiniMaxAuthenticationError,
        2049,
        {},
    ),
    "request_timeout": (
        SlowResponse(delay=2.0),
        MiniMaxTimeoutError,
        None,
        {"timeout": 0.3},
    ),
}


def _check(error: BaseException, expected: type, code: int | None) -> None:
    assert type(error) is expected, type(error).__mro__
    assert isinstance(error, MiniMaxError)
    cause = error.__cause__
    assert cause is None or cause.__cause__ is None, repr(cause)
    assert not isinstance(cause, (openai.OpenAIError, MiniMaxError))
    if code is not None:
        assert error.minimax_code == code  # type: ignore[attr-defined]


async def _call(model: ChatMiniMax, path: str, mode: str, stream: bool) -> None:
    """One request for `BODY` on `path`, reading a stream to its end."""
    if path == "model":
        if mode == "sync":
            if stream:
                list(model.stream("What is the answer?"))
            else:
                model.invoke("What is the answer?")
        elif stream:
            [chunk async for chunk in model.astream("What is the answer?")]
        else:
            await model.ainvoke("What is the answer?")
        return
    if mode == "sync":
        resource = (
            model.client if path == "client" else model.root_client.chat.completions
        )
        result = resource.create(**BODY, stream=stream)
        if stream:
            list(result)
        return
    async_resource = (
        model.async_client
        if path == "client"
        else model.root_async_client.chat.completions
    )
    result = await async_resource.create(**BODY, stream=stream)
    if stream:
        [chunk async for chunk in result]


@pytest.fixture
def model(make_model: Callable[..., ChatMiniMax]) -> Callable[..., ChatMiniMax]:
    def make(**kwargs: Any) -> ChatMiniMax:
        kwargs.setdefault("http_async_client", openai.DefaultAsyncHttpxClient())
        return make_model(**kwargs)

    return make


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("failure", list(FAILURES))
async def test_failure_is_typed_on_every_path(
    emulator: MiniMaxEmulator,
    model: Callable[..., ChatMiniMax],
    failure: str,
    path: str,
    mode: str,
    stream: bool,
) -> None:
    fault, expected, code, options = FAILURES[failure]
    emulator.add_fault(fault)
    with pytest.raises(MiniMaxError) as info:
        await _call(model(**options), path, mode, stream)
    _check(info.value, expected, code)
    if expected is MiniMaxContextOverflowError:
        assert "MiniMax-M2's context window" in str(info.value)
    if expected is MiniMaxTimeoutError:
        assert isinstance(info.value, openai.APITimeoutError)
        assert isinstance(info.value, ModelTimeoutError)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PATHS)
async def test_read_timeout_mid_stream_on_every_path(
    emulator: MiniMaxEmulator, model: Callable[..., ChatMiniMax], path: str, mode: str
) -> None:
    emulator.add_fault(StalledStream(chunk_delay=2.0))
    with pytest.raises(MiniMaxTimeoutError) as info:
        await _call(model(timeout=0.3), path, mode, stream=True)
    _check(info.value, MiniMaxTimeoutError, None)
    assert len(emulator.requests) == 1


LATE_FAILURES = {
    # A failure after the first event: MiniMax's `base_resp`, or an `error`
    # event the SDK itself recognizes.
    "base_resp": b'data: {"id":"1","choices":null,"base_resp":'
    b'{"status_code":1027,"status_msg":"output new_sensitive"}}\n\n',
    "error_event": b'data: {"error":{"type":"output_sensitive",'
    b'"message":"output new_sensitive (1027)"}}\n\n',
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("late", list(LATE_FAILURES))
async def test_late_stream_failure_is_typed_on_every_path(
    model: Callable[..., ChatMiniMax], late: str, path: str, mode: str
) -> None:
    sse = (
        b'data: {"id":"1","choices":[{"index":0,"delta":{"role":"assistant",'
        b'"content":"part"}}],"object":"chat.completion.chunk"}\n\n'
        + LATE_FAILURES[late]
        + b"data: [DONE]\n\n"
    )

    def handler(request: Any) -> Any:
        return sdk_httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=sse
        )

    transport = sdk_httpx.MockTransport(handler)
    chat = model(
        http_client=sdk_httpx.Client(transport=transport),
        http_async_client=sdk_httpx.AsyncClient(transport=transport),
    )
    with pytest.raises(MiniMaxError) as info:
        await _call(chat, path, mode, stream=True)
    _check(info.value, MiniMaxContentFilterError, 1027)
    assert info.value.in_body  # type: ignore[attr-defined]
