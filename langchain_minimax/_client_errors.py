"""MiniMax's exceptions where the `openai` client raises its own.

`MiniMaxOpenAI` and `AsyncMiniMaxOpenAI` (`_client.py`) raise through these, so
that a failure surfaces as the same `MiniMaxError` through `ChatMiniMax`, its
`client` or its `root_client`, streamed or not:

* error responses, including failures MiniMax reports inside an HTTP 200
  (which the client turns into error responses first): where the SDK builds
  its status errors (`status_error_of`);
* a connection that cannot be made or breaks, and a request timeout, after
  the SDK's retries (`raising_typed`);
* in a stream: an `error` event or a chunk whose `base_resp` reports a
  failure (`check_chunk_failure`), a read timeout, a broken connection and
  an event that is not JSON (`TypedStream`).

All but the status errors are built by `_translate.translate`, as on the
model's path, from a `CallContext` read off the request (`request_context`).
Each exception is chained at most to the lowest cause (the transport's own
error), never to the `openai` exception it replaces.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, get_args, get_origin

import httpx2
import openai

from langchain_minimax._failures import CallContext, read_failure, status_error
from langchain_minimax._translate import reraise, translating
from langchain_minimax._upstream import HookedAsyncStream, HookedStream
from langchain_minimax.errors import MiniMaxAPIStatusError

_T = TypeVar("_T")


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
        context = request_context(response.request)
        raise context.failure_error(failure._replace(in_body=True), data)


def request_context(request: httpx2.Request, *, streaming: bool = False) -> CallContext:
    """Where a request went, for the exceptions raised about it.

    Args:
        request: A chat-completions request.
        streaming: Whether it streams.

    Returns:
        Its URL and model (see `request_model`), no chunks received yet.
    """
    return CallContext(str(request.url), request_model(request), streaming)


@contextmanager
def raising_typed() -> Iterator[None]:
    """Raise MiniMax's exception for the SDK's connection error or timeout.

    Yields:
        Nothing.

    Raises:
        MiniMaxConnectionError: For an `openai.APIConnectionError`.
        MiniMaxTimeoutError: For an `openai.APITimeoutError`.
    """
    try:
        yield
    except openai.APIConnectionError as error:
        reraise(error, request_context(error.request))


class TypedStream(HookedStream[_T], openai.Stream[_T]):
    """`openai.Stream` raising MiniMax's exceptions (see the module doc).

    `openai.Stream[_T]` is named as a base too: the SDK reads the item type
    from there.
    """

    def stream_items(self) -> Iterator[_T]:
        """The stream's items; MiniMax's exception for what reading them raises."""
        context = request_context(self.response.request, streaming=True)
        with translating(context):
            for item in super().stream_items():
                context.chunks += 1
                yield item


class AsyncTypedStream(HookedAsyncStream[_T], openai.AsyncStream[_T]):
    """`openai.AsyncStream` raising MiniMax's exceptions (see the module doc).

    `openai.AsyncStream[_T]` is named as a base too: the SDK reads the item type
    from there.
    """

    async def stream_items(self) -> AsyncIterator[_T]:
        """The stream's items; MiniMax's exception for what reading them raises."""
        context = request_context(self.response.request, streaming=True)
        with translating(context):
            async for item in super().stream_items():
                context.chunks += 1
                yield item


def typed_stream_cls(stream_cls: Any) -> Any:
    """`TypedStream[T]` for `openai.Stream[T]` (async likewise), else `stream_cls`."""
    origin = get_origin(stream_cls)
    if origin is openai.Stream:
        return TypedStream[get_args(stream_cls)]  # type: ignore[misc]
    if origin is openai.AsyncStream:
        return AsyncTypedStream[get_args(stream_cls)]  # type: ignore[misc]
    return stream_cls
