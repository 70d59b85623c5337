"""The same MiniMax failure raises the same exception on every path.

Through the model, its `client` and its `root_client`; sync and async;
streamed and not: each failure injected with the emulator (or, for failures
after the first stream event, a scripted stream; or a closed port) raises the
same `MiniMaxError` subclass with the same MiniMax code and the same message,
chained one level deep at most.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

import httpx2 as sdk_httpx
import openai
import pytest
from langchain_core.exceptions import ModelTimeoutError

from langchain_minimax import (
    ChatMiniMax,
    MiniMaxAuthenticationError,
    MiniMaxConnectionError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxError,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxServerError,
    MiniMaxTimeoutError,
)
from langchain_minimax.testing import (
    CutStream,
    Fault,
    HTTPError,
    InBodyError,
    MalformedJSON,
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


def _closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# name: (fault, exception, MiniMax code, model options)
FAILURES: dict[str, tuple[Fault | None, type, int | None, dict[str, Any]]] = {
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
    # Half the body, or two stream chunks, then the connection closes.
    "cut_connection": (CutStream(after_chunks=2), MiniMaxConnectionError, None, {}),
    "malformed_json": (MalformedJSON(), MiniMaxResponseError, None, {}),
    "connection_refused": (
        None,
        MiniMaxConnectionError,
        None,
        {"base_url": f"http://127.0.0.1:{_closed_port()}/v1"},
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
    if fault is not None:
        emulator.add_fault(fault)
    with pytest.raises(MiniMaxError) as info:
        await _call(model(**options), path, mode, stream)
    _check(info.value, expected, code)
    if expected is MiniMaxContextOverflowError:
        assert "MiniMax-M2's context window" in str(info.value)
    if expected is MiniMaxTimeoutError:
        assert isinstance(info.value, openai.APITimeoutError)
        assert isinstance(info.value, ModelTimeoutError)


def _same_call(message: str) -> str:
    """`message` without what differs between two requests of the same call.

    Each request has its own id, and a cut body its own length (the model
    asks for a little more than `BODY`).
    """
    message = re.sub(r"request id \w+", "request id", message)
    return re.sub(r"received \d+ bytes, expected \d+", "received part", message)


@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("failure", list(FAILURES))
async def test_message_is_the_same_on_every_path(
    emulator: MiniMaxEmulator,
    model: Callable[..., ChatMiniMax],
    failure: str,
    stream: bool,
) -> None:
    fault, expected, _, options = FAILURES[failure]
    for mode in MODES:
        # Sync and async transports word their own errors differently.
        messages = set()
        for path in PATHS:
            if fault is not None:
                emulator.add_fault(fault)
            with pytest.raises(expected) as info:
                await _call(model(**options), path, mode, stream)
            messages.add(_same_call(str(info.value)))
        assert len(messages) == 1, messages


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
