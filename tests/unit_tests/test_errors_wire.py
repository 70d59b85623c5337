"""MiniMax's failures through the real `openai` client, against the emulator.

Each test injects a failure with the emulator, calls `ChatMiniMax` in one of
four ways (invoke, ainvoke, stream, astream) and checks the exception type
(both the `openai` class and the langchain-core class), MiniMax's code and
message, and how many attempts reached the emulator.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2 as sdk_httpx
import openai
import pytest
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_openai import StreamChunkTimeoutError

from langchain_minimax import (
    ChatMiniMax,
    MiniMaxAuthenticationError,
    MiniMaxConnectionError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxInsufficientBalanceError,
    MiniMaxInvalidRequestError,
    MiniMaxNotFoundError,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxServerError,
    MiniMaxUsageLimitError,
)
from langchain_minimax.testing import (
    CutStream,
    ErrorFault,
    HTTPError,
    InBodyError,
    MalformedJSON,
    MiniMaxEmulator,
    NoFinishReason,
    Reply,
    SlowResponse,
    StalledStream,
)

MODES = ["invoke", "ainvoke", "stream", "astream"]
STREAMING = {"stream", "astream"}
ANSWER = Reply(reasoning="Thinking it over.", content="The answer is 42.")
FAST_RETRY = {"retry-after-ms": "1"}
"""MiniMax sends no retry-after; tests that are not about timing ask the
`openai` client for a 1 ms backoff with it, so the suite stays fast."""

Received = list[AIMessageChunk]


def failure(
    in_body: bool,
    status: int,
    code: int,
    message: str = "",
    headers: dict[str, str] | None = None,
    times: int = 1,
) -> ErrorFault:
    """The same failure as an HTTP error or reported inside an HTTP 200."""
    shared: dict[str, Any] = {"headers": headers or {}, "times": times}
    if in_body:
        return InBodyError(code=code, message=message, **shared)
    return HTTPError(status, code=code, message=message, **shared)


@pytest.fixture
def model(make_model: Callable[..., ChatMiniMax]) -> Callable[..., ChatMiniMax]:
    """`make_model` with a fresh async HTTP client.

    The default async client is cached per base URL, so its pooled connections
    would outlive each test's event loop.
    """

    def make(**kwargs: Any) -> ChatMiniMax:
        kwargs.setdefault("http_async_client", openai.DefaultAsyncHttpxClient())
        return make_model(**kwargs)

    return make


async def call(
    model: ChatMiniMax, mode: str, received: Received | None = None
) -> BaseMessage:
    """Ask `model` one question the way `mode` says; keep streamed chunks."""
    received = received if received is not None else []
    if mode == "invoke":
        return model.invoke("What is the answer?")
    if mode == "ainvoke":
        return await model.ainvoke("What is the answer?")
    if mode == "stream":
        for chunk in model.stream("What is the answer?"):
            received.append(chunk)
    else:
        async for chunk in model.astream("What is the answer?"):
            received.append(chunk)
    total = received[0]
    for chunk in received[1:]:
        total += chunk
    return total


def statuses(emulator: MiniMaxEmulator) -> list[int]:
    return [request.response_status for request in emulator.requests]


def check_both(error: BaseException, oai: type, core: type) -> None:
    assert isinstance(error, oai), type(error).__mro__
    assert isinstance(error, core), type(error).__mro__
    assert isinstance(error, ModelError)


# --- failures that cannot succeed: typed, never retried ---

# (status, code, message, our class, openai class, langchain-core class, phrase)
FINAL: dict[str, tuple[int, int, str, type, type, type, str]] = {
    "login_fail": (
        401,
        1004,
        "login fail: Please carry the API secret key",
        MiniMaxAuthenticationError,
        openai.AuthenticationError,
        ModelAuthenticationError,
        "MINIMAX_API_KEY",
    ),
    "invalid_key": (
        401,
        2049,
        "invalid api key",
        MiniMaxAuthenticationError,
        openai.AuthenticationError,
        ModelAuthenticationError,
        "bound to one region",
    ),
    "balance": (
        402,
        1008,
        "insufficient balance",
        MiniMaxInsufficientBalanceError,
        openai.PermissionDeniedError,
        ModelPermissionDeniedError,
        "balance is insufficient",
    ),
    "sensitive_input": (
        400,
        1026,
        "input new_sensitive",
        MiniMaxContentFilterError,
        openai.BadRequestError,
        ModelInvalidRequestError,
        "input was flagged as sensitive",
    ),
    "sensitive_output": (
        400,
        1027,
        "output new_sensitive",
        MiniMaxContentFilterError,
        openai.BadRequestError,
        ModelInvalidRequestError,
        "output was flagged as sensitive",
    ),
    "usage_limit": (
        429,
        2056,
        "usage limit exceeded",
        MiniMaxUsageLimitError,
        openai.RateLimitError,
        ModelRateLimitError,
        "5-hour window",
    ),
    "invalid_params": (
        400,
        2013,
        "invalid params, invalid chat setting",
        MiniMaxInvalidRequestError,
        openai.BadRequestError,
        ModelInvalidRequestError,
        "parameters",
    ),
    "context_too_long": (
        400,
        2013,
        "invalid params, context window exceeds limit",
        MiniMaxContextOverflowError,
        openai.BadRequestError,
        ContextOverflowError,
        "longer than MiniMax-M2's context window",
    ),
}


@pytest.mark.parametrize("in_body", [False, True], ids=["http_error", "in_body_200"])
@pytest.mark.parametrize("case", list(FINAL))
@pytest.mark.parametrize("mode", MODES)
async def test_final_failures_are_typed_and_not_retried(
    emulator: MiniMaxEmulator, model: Any, mode: str, case: str, in_body: bool
) -> None:
    status, code, message, ours, oai, core, phrase = FINAL[case]
    emulator.add_fault(failure(in_body, status, code, message, times=5))
    received: Received = []
    with pytest.raises(ours) as info:
        await call(model(max_retries=2), mode, received)
    error = info.value
    check_both(error, oai, core)
    assert not error.is_retryable
    assert error.minimax_code == code
    assert error.minimax_message == message
    assert error.in_body is in_body
    assert error.host == "127.0.0.1"
    assert phrase in str(error)
    assert f"code {code}: {message}" in str(error)
    if in_body:
        assert "reported in an HTTP 200 body" in str(error)
        assert error.body["base_resp"]["status_code"] == code
    else:
        assert error.status_code == status
        assert len(error.request_id) == 32
        assert error.request_id in str(error)
    assert statuses(emulator) == [200 if in_body else status]
    assert received == []


async def test_auth_error_names_key_region_and_host(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    with pytest.raises(MiniMaxAuthenticationError) as info:
        await call(model(api_key="a-wrong-key", max_retries=2), "ainvoke")
    text = str(info.value)
    assert "MINIMAX_API_KEY" in text
    assert "Keys are bound to one region" in text
    assert "this request went to 127.0.0.1" in text
    assert "api.minimax.io (international)" in text
    assert "api.minimaxi.com (mainland China)" in text
    assert "code 1004: login fail" in text
    assert "a-wrong-key" not in text
    assert statuses(emulator) == [401]


@pytest.mark.parametrize("mode", MODES)
async def test_wrong_path_is_not_found(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    broken = model(base_url=emulator.base_url + "/nowhere", max_retries=2)
    with pytest.raises(MiniMaxNotFoundError) as info:
        await call(broken, mode)
    check_both(info.value, openai.NotFoundError, ModelNotFoundError)
    assert "Check base_url" in str(info.value)
    assert statuses(emulator) == [404]


# --- transient failures: retried by the openai client, then typed ---

# code -> (HTTP status it comes with, our class, openai class, core class)
TRANSIENT: dict[int, tuple[int, type, type, type]] = {
    1000: (500, MiniMaxServerError, openai.InternalServerError, ModelAPIError),
    1001: (504, MiniMaxServerError, openai.InternalServerError, ModelAPIError),
    1002: (429, MiniMaxRateLimitError, openai.RateLimitError, ModelRateLimitError),
    1013: (500, MiniMaxServerError, openai.InternalServerError, ModelAPIError),
    1024: (500, MiniMaxServerError, openai.InternalServerError, ModelAPIError),
    1039: (429, MiniMaxRateLimitError, openai.RateLimitError, ModelRateLimitError),
    1041: (429, MiniMaxRateLimitError, openai.RateLimitError, ModelRateLimitError),
    2045: (429, MiniMaxRateLimitError, openai.RateLimitError, ModelRateLimitError),
}


@pytest.mark.parametrize("in_body", [False, True], ids=["http_error", "in_body_200"])
@pytest.mark.parametrize("code", list(TRANSIENT))
@pytest.mark.parametrize("mode", MODES)
async def test_transient_failures_are_retried_up_to_max_retries(
    emulator: MiniMaxEmulator, model: Any, mode: str, code: int, in_body: bool
) -> None:
    status, ours, oai, core = TRANSIENT[code]
    emulator.add_fault(failure(in_body, status, code, headers=FAST_RETRY, times=9))
    with pytest.raises(ours) as info:
        await call(model(max_retries=2), mode)
    check_both(info.value, oai, core)
    assert info.value.is_retryable
    assert info.value.minimax_code == code
    assert statuses(emulator) == [200 if in_body else status] * 3


@pytest.mark.parametrize("in_body", [False, True], ids=["http_error", "in_body_200"])
@pytest.mark.parametrize("mode", MODES)
async def test_retry_then_success_returns_the_answer(
    emulator: MiniMaxEmulator, model: Any, mode: str, in_body: bool
) -> None:
    emulator.add_fault(failure(in_body, 429, 1002, headers=FAST_RETRY, times=2))
    emulator.add_reply(ANSWER)
    message = await call(model(max_retries=2), mode)
    assert message.content == ANSWER.content
    assert message.additional_kwargs["reasoning_content"] == ANSWER.reasoning
    assert statuses(emulator) == [429 if not in_body else 200] * 2 + [200]


@pytest.mark.parametrize("mode", MODES)
async def test_code_decides_over_http_status(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    # A rate limit sent as HTTP 400 is still retried; invalid parameters sent
    # as HTTP 500 are not.
    emulator.add_fault(HTTPError(status=400, code=1002, headers=FAST_RETRY))
    emulator.add_fault(HTTPError(status=500, code=2013, times=5))
    with pytest.raises(MiniMaxInvalidRequestError):
        await call(model(max_retries=3), mode)
    assert statuses(emulator) == [400, 500]


async def test_server_error_without_code_is_retried(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    def broken(body: dict[str, Any]) -> Reply:
        raise RuntimeError("backend down")

    emulator.set_responder(broken)
    with pytest.raises(MiniMaxServerError) as info:
        await call(model(max_retries=1), "invoke")
    assert info.value.minimax_code is None
    assert "backend down" in info.value.minimax_message
    assert statuses(emulator) == [500, 500]


def test_backoff_uses_the_openai_clients_real_timing(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    emulator.add_fault(InBodyError(code=1002))
    emulator.add_reply(ANSWER)
    start = time.perf_counter()
    message = model(max_retries=1).invoke("hi")
    elapsed = time.perf_counter() - start
    assert message.content == ANSWER.content
    # openai's first backoff is 0.5 s less up to 25 % jitter.
    assert 0.375 <= elapsed < 3
    assert statuses(emulator) == [200, 200]


def test_max_retries_zero_means_one_attempt(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    emulator.add_fault(HTTPError(status=503, code=1013, times=3))
    with pytest.raises(MiniMaxServerError):
        model(max_retries=0).invoke("hi")
    assert statuses(emulator) == [503]


# --- broken transport: clear errors, never a truncated answer ---


@pytest.mark.parametrize("mode", MODES)
async def test_cut_connection(emulator: MiniMaxEmulator, model: Any, mode: str) -> None:
    emulator.add_fault(CutStream(after_chunks=3, times=2))
    emulator.add_reply(Reply(content="x" * 80, reasoning="r" * 40, chunk_size=10))
    received: Received = []
    with pytest.raises(MiniMaxConnectionError) as info:
        await call(model(max_retries=1), mode, received)
    check_both(info.value, openai.APIConnectionError, ModelConnectionError)
    assert info.value.is_retryable
    if mode in STREAMING:
        # Chunks already handed out cannot be taken back; the error says the
        # answer is incomplete instead of the stream ending as if it were whole.
        assert "broke after 3 stream chunks" in str(info.value)
        assert "The answer is incomplete" in str(info.value)
        assert 1 <= len(received) <= 3
        assert statuses(emulator) == [200]
    else:
        # Nothing was returned yet, so the openai client retried.
        assert "Could not get an answer from MiniMax at 127.0.0.1" in str(info.value)
        assert "RemoteProtocolError" in str(info.value)
        assert len(emulator.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_cut_before_anything_was_returned_is_retried(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    # A non-streamed body cut in half, or a stream cut before its first event.
    emulator.add_fault(CutStream(after_chunks=0))
    emulator.add_replies([ANSWER, ANSWER])
    message = await call(model(max_retries=1), mode)
    assert message.content == ANSWER.content
    assert len(emulator.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_malformed_json(emulator: MiniMaxEmulator, model: Any, mode: str) -> None:
    emulator.add_fault(MalformedJSON(times=3))
    emulator.add_reply(Reply(content="0123456789", chunk_size=5))
    received: Received = []
    with pytest.raises(MiniMaxResponseError) as info:
        await call(model(max_retries=2), mode, received)
    check_both(info.value, openai.APIError, ModelAPIError)
    assert "not valid JSON" in str(info.value)
    assert info.value.request.url.host == "127.0.0.1"
    if mode in STREAMING:
        assert "a stream chunk (after 1 good ones)" in str(info.value)
        assert info.value.body == "{not json"
        assert [chunk.content for chunk in received] == ["01234"]
    else:
        assert "a response body" in str(info.value)
        assert info.value.body == '{"id": "x", "choices": ['
    assert statuses(emulator) == [200]


@pytest.mark.parametrize("mode", MODES)
async def test_no_finish_reason(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    emulator.add_fault(NoFinishReason(times=3))
    emulator.add_reply(Reply(content="cut short", chunk_size=3))
    received: Received = []
    with pytest.raises(MiniMaxResponseError) as info:
        await call(model(max_retries=2), mode, received)
    check_both(info.value, openai.APIError, ModelAPIError)
    assert "finish_reason" in str(info.value)
    if mode in STREAMING:
        assert "ended after 4 chunks" in str(info.value)
        assert "".join(str(chunk.content) for chunk in received) == "cut short"
    else:
        assert info.value.body["choices"][0]["message"]["content"] == "cut short"
    assert statuses(emulator) == [200]


SSE_WITH_LATE_FAILURE = (
    b'data: {"id":"1","choices":[{"index":0,"delta":{"role":"assistant",'
    b'"content":"part"}}],"object":"chat.completion.chunk"}\n\n'
    b'data: {"id":"1","choices":null,"base_resp":'
    b'{"status_code":1027,"status_msg":"output new_sensitive"}}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("mode", sorted(STREAMING))
async def test_base_resp_failure_mid_stream(model: Any, mode: str) -> None:
    # A failure report after the first event cannot be retried; it still
    # becomes the typed error instead of an empty or truncated message. The
    # emulator only reports failures first, so a mock transport serves this.
    seen: list[Any] = []

    def handler(request: Any) -> Any:
        seen.append(request)
        return sdk_httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=SSE_WITH_LATE_FAILURE,
        )

    transport = sdk_httpx.MockTransport(handler)
    chat = model(
        max_retries=2,
        http_client=sdk_httpx.Client(transport=transport),
        http_async_client=sdk_httpx.AsyncClient(transport=transport),
    )
    received: Received = []
    with pytest.raises(MiniMaxContentFilterError) as info:
        await call(chat, mode, received)
    check_both(info.value, openai.BadRequestError, ModelInvalidRequestError)
    assert info.value.minimax_code == 1027
    assert info.value.in_body
    assert "output was flagged as sensitive" in str(info.value)
    assert [chunk.content for chunk in received] == ["part"]
    assert len(seen) == 1


# --- timeouts ---


@pytest.mark.parametrize("mode", MODES)
async def test_timeout_is_honoured_and_retried(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    emulator.add_fault(SlowResponse(delay=2.0, times=2))
    start = time.perf_counter()
    with pytest.raises(openai.APITimeoutError) as info:
        await call(model(timeout=0.3, max_retries=1), mode)
    assert isinstance(info.value, ModelTimeoutError)
    # Two attempts of 0.3 s and one backoff, not two waits of 2 s.
    assert time.perf_counter() - start < 3
    assert len(emulator.requests) == 2


@pytest.mark.parametrize("mode", sorted(STREAMING))
async def test_read_timeout_mid_stream(
    emulator: MiniMaxEmulator, model: Any, mode: str
) -> None:
    emulator.add_fault(StalledStream(chunk_delay=2.0))
    emulator.add_reply(Reply(content="0123456789", chunk_size=5))
    received: Received = []
    with pytest.raises(openai.APITimeoutError) as info:
        await call(model(timeout=0.3, max_retries=2), mode, received)
    assert isinstance(info.value, ModelTimeoutError)
    assert [chunk.content for chunk in received] == ["01234"]
    assert len(emulator.requests) == 1


async def test_stream_chunk_timeout_is_honoured(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    emulator.add_fault(StalledStream(chunk_delay=2.0))
    emulator.add_reply(Reply(content="0123456789", chunk_size=5))
    received: Received = []
    start = time.perf_counter()
    with pytest.raises(StreamChunkTimeoutError) as info:
        await call(model(stream_chunk_timeout=0.3), "astream", received)
    assert isinstance(info.value, asyncio.TimeoutError)
    assert info.value.chunks_received == 1
    assert time.perf_counter() - start < 1.8
    assert [chunk.content for chunk in received] == ["01234"]


async def test_stream_chunk_timeout_covers_the_first_event(model: Any) -> None:
    # The client looks at a stream's first event before handing the stream on;
    # that wait is bounded by stream_chunk_timeout too.
    async def stalled() -> AsyncIterator[bytes]:
        await asyncio.sleep(2)
        yield SSE_WITH_LATE_FAILURE

    def handler(request: Any) -> Any:
        return sdk_httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=stalled()
        )

    transport = sdk_httpx.MockTransport(handler)
    chat = model(
        stream_chunk_timeout=0.3,
        max_retries=2,
        http_async_client=sdk_httpx.AsyncClient(transport=transport),
    )
    start = time.perf_counter()
    with pytest.raises(StreamChunkTimeoutError) as info:
        await call(chat, "astream")
    assert info.value.chunks_received == 0
    assert time.perf_counter() - start < 1.5


# --- many concurrent calls, some failing: no cross-talk ---


async def test_concurrent_calls_get_their_own_answer_or_error(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    attempts: Counter[str] = Counter()
    lock = threading.Lock()

    def responder(body: dict[str, Any]) -> Reply | ErrorFault:
        marker = body["messages"][-1]["content"]
        number = int(marker.removeprefix("call-"))
        with lock:
            attempts[marker] += 1
            attempt = attempts[marker]
        if number % 5 == 0:
            return HTTPError(
                status=429, code=1002, message=f"limit for {marker}", headers=FAST_RETRY
            )
        if number % 5 == 1:
            return InBodyError(code=2049, message=f"bad key for {marker}")
        if number % 5 == 2 and attempt == 1:
            return HTTPError(status=500, code=1024, headers=FAST_RETRY)
        return Reply(reasoning=f"thinking about {marker}", content=f"echo {marker}")

    emulator.set_responder(responder)
    shared = model(max_retries=1)
    markers = [f"call-{number}" for number in range(200)]
    results = await asyncio.gather(
        *(shared.ainvoke(marker) for marker in markers), return_exceptions=True
    )
    for number, (marker, result) in enumerate(zip(markers, results, strict=True)):
        if number % 5 == 0:
            assert isinstance(result, MiniMaxRateLimitError), result
            assert result.minimax_message == f"limit for {marker}"
            assert attempts[marker] == 2
        elif number % 5 == 1:
            assert isinstance(result, MiniMaxAuthenticationError), result
            assert result.minimax_message == f"bad key for {marker}"
            assert attempts[marker] == 1
        else:
            assert isinstance(result, BaseMessage), result
            assert result.content == f"echo {marker}"
            assert result.additional_kwargs["reasoning_content"] == (
                f"thinking about {marker}"
            )
            assert attempts[marker] == (2 if number % 5 == 2 else 1)
    assert len(emulator.requests) == sum(attempts.values()) == 40 * 2 + 40 + 40 * 2 + 80
