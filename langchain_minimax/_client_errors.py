"""MiniMax's exceptions where the `openai` client raises its own.

`MiniMaxOpenAI` and `AsyncMiniMaxOpenAI` (`_client.py`) raise through these, so
that a failure surfaces as the same `MiniMaxError` through `ChatMiniMax`, its
`client` or its `root_client`, streamed or not:

* error responses, including failures MiniMax reports inside an HTTP 200
  (which the client turns into error responses first): where the SDK builds
  its status errors (`status_error_of`);
* a request timeout, after the SDK's retries (`timeout_error`);
* in a stream: an `error` event or a chunk whose `base_resp` reports a
  failure (`event_error`, `check_chunk_failure`), and a read timeout.

Each exception is chained at most to the lowest cause (the transport's own
error), never to the `openai` exception it replaces.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, TypeVar, get_args, get_origin

import httpx2
import openai

from langchain_minimax._failures import (
    CallContext,
    Failure,
    read_failure,
    status_error,
)
from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxError,
    MiniMaxTimeoutError,
)

_T = TypeVar("_T")


def root_cause(exc: BaseException) -> BaseException | None:
    """The lowest `__cause__` of `exc`, or `None` if it has none."""
    cause = exc.__cause__
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    return cause


def request_model(request: httpx2.Request) -> str:
    """The model a chat-completions request asks for, for error messages.

    Args:
        request: The request (its JSON body is read; this runs only on errors).

    Returns:
        The body's `model`, or `"the model"` if it cannot be read.
    """
    try:
        model = json.loads(request.content).get("model")
    except (ValueError, AttributeError, httpx2.RequestNotRead):
        model = None
    return model if isinstance(model, str) else "the model"


def status_error_of(body: object, response: httpx2.Response) -> MiniMaxAPIStatusError:
    """The exception for an error response, where the SDK builds its own.

    Args:
        body: The body as the SDK parsed it (JSON, else the text).
        response: The error response, its body read.

    Returns:
        The `MiniMaxAPIStatusError` subclass for the case; its `body` is what
        the SDK's exception would carry (the `error` object, else the body).
    """
    data = body.get("error", body) if isinstance(body, Mapping) else body
    return status_error(response, data, model=request_model(response.request))


def timeout_error(error: openai.APITimeoutError) -> MiniMaxTimeoutError:
    """The `MiniMaxTimeoutError` for the SDK's timeout error."""
    return MiniMaxTimeoutError(error.request)


def event_error(error: openai.APIError) -> MiniMaxAPIStatusError:
    """The exception for an `{"error": ...}` event the SDK found in a stream.

    Args:
        error: The SDK's `APIError`, whose `body` is the event's `error`.

    Returns:
        The exception for the failure the event reports (a server error if
        it names no known code), marked as reported inside the HTTP 200.
    """
    body = {"error": error.body}
    failure = read_failure(body) or Failure(None, error.message)
    context = CallContext(str(error.request.url), request_model(error.request))
    return context.failure_error(failure._replace(in_body=True), body)


def check_chunk_failure(data: object, response: httpx2.Response) -> None:
    """Raise the failure a parsed stream chunk reports in its `base_resp`.

    Args:
        data: The parsed chunk.
        response: The stream's response.

    Raises:
        MiniMaxAPIStatusError: The subclass for the case, if the chunk reports
            a failure.
    """
    failure = read_failure(data)
    if failure is not None:
        request = response.request
        context = CallContext(str(request.url), request_model(request))
        raise context.failure_error(failure._replace(in_body=True), data)


def _typed(error: openai.APIError) -> MiniMaxError | None:
    """MiniMax's exception for what the SDK raised while reading a stream."""
    if isinstance(error, MiniMaxError):
        return None
    if isinstance(error, openai.APITimeoutError):
        return timeout_error(error)
    if type(error) is openai.APIError:
        return event_error(error)
    return None


class TypedStream(openai.Stream[_T]):
    """`openai.Stream` raising MiniMax's exceptions (see the module doc)."""

    def __stream__(self) -> Iterator[_T]:
        try:
            yield from super().__stream__()
        except openai.APIError as error:
            typed = _typed(error)
            if typed is None:
                raise
            raise typed from root_cause(error)


class AsyncTypedStream(openai.AsyncStream[_T]):
    """`openai.AsyncStream` raising MiniMax's exceptions (see the module doc)."""

    async def __stream__(self) -> AsyncIterator[_T]:
        try:
            async for item in super().__stream__():
                yield item
        except openai.APIError as error:
            typed = _typed(error)
            if typed is None:
                raise
            raise typed from root_cause(error)


def typed_stream_cls(stream_cls: Any) -> Any:
    """`TypedStream[T]` for `openai.Stream[T]` (async likewise), else `stream_cls`."""
    origin = get_origin(stream_cls)
    if origin is openai.Stream:
        return TypedStream[get_args(stream_cls)]  # type: ignore[misc]
    if origin is openai.AsyncStream:
        return AsyncTypedStream[get_args(stream_cls)]  # type: ignore[misc]
    return stream_cls
