"""Every place an exception is raised for a caller about a MiniMax call.

The model (`chat_models.py`), its `client` and its `root_client` (the clients of
`_client.py`) raise through this module, so a failure surfaces as the same
`MiniMaxError`, with the same message, on every path, streamed or not:

* `CallContext` knows where a call went and builds the exceptions about data
  received on it (a malformed answer, a failure reported in a chunk);
* `translate` picks the `MiniMaxError` for what a `ChatOpenAI` call or the
  `openai` client raises inside (the SDK's status errors, timeouts, transport
  errors, JSON errors), and `translating` / `reraise` raise it, chained at
  most to the lowest cause (`lowest_cause`), never to an `openai` exception;
* the clients' hooks: `status_error_of` where the SDK builds its status
  errors, `check_chunk_failure` for a chunk whose `base_resp` reports a
  failure, `raising_typed` around a client request, and `TypedStream` /
  `AsyncTypedStream` around the SDK's streams.

Which exception a MiniMax failure report becomes (the code table) is
`_failures.py`'s; the exception classes are `errors.py`'s.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar, get_args, get_origin

import httpx2
import openai
from langchain_openai import StreamChunkTimeoutError

from langchain_minimax._failures import (
    Failure,
    error_status,
    read_failure,
    status_error,
)
from langchain_minimax._upstream import HookedAsyncStream, HookedStream
from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxConnectionError,
    MiniMaxError,
    MiniMaxResponseError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
)

_T = TypeVar("_T")


class CallContext:
    """Where a call went, for the exceptions raised about it.

    A plain class: a dataclass would cost about a millisecond at import.

    Attributes:
        url: The chat-completions URL.
        model: The model name.
        streaming: Whether the call streams.
        chunks: Stream chunks received so far.
    """

    __slots__ = ("chunks", "model", "streaming", "url")

    def __init__(
        self, url: str, model: str, streaming: bool = False, chunks: int = 0
    ) -> None:
        self.url = url
        self.model = model
        self.streaming = streaming
        self.chunks = chunks

    def stand_in_request(self) -> httpx2.Request:
        """The call's method and URL, for errors raised where no request is at hand.

        Returns:
            An `httpx2` request, as the `openai` SDK makes; it carries no
            headers, so no API key.
        """
        return httpx2.Request("POST", self.url)

    def response_error(
        self, problem: str, body: object, request: httpx2.Request | None = None
    ) -> MiniMaxResponseError:
        """A `MiniMaxResponseError` about data received on this call.

        Args:
            problem: What is wrong with the data.
            body: The data as received.
            request: The request that received it, if at hand.

        Returns:
            The exception.
        """
        request = request or self.stand_in_request()
        return MiniMaxResponseError(
            f"{problem} [from {request.url.host}, model {self.model}]",
            request,
            body=body,
        )

    def failure_error(self, failure: Failure, body: object) -> MiniMaxAPIStatusError:
        """The exception for a failure reported in data (a chunk or a parsed body).

        Args:
            failure: The failure.
            body: The body or chunk that carried it.

        Returns:
            The exception of the failure's case, on a stand-in response with the
            equivalent status and `body` as content.
        """
        response = httpx2.Response(
            error_status(failure),
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
            request=httpx2.Request("POST", self.url),
        )
        return status_error(response, body, model=self.model, failure=failure)


def lowest_cause(exc: BaseException) -> BaseException:
    """The end of the `__cause__` chain of `exc`: `exc` itself if it has no cause."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _reason(exc: BaseException) -> str:
    """The lowest cause's text: the transport's own words, not `Connection error.`."""
    cause = lowest_cause(exc)
    if isinstance(cause, openai.OpenAIError):
        return ""
    return f" ({type(cause).__name__}: {cause})"


def _connection_error(
    exc: BaseException, request: httpx2.Request, context: CallContext
) -> MiniMaxConnectionError:
    host = request.url.host
    if context.streaming and context.chunks:
        message = (
            f"The connection to MiniMax at {host} broke after {context.chunks} "
            f"stream chunks{_reason(exc)}. The answer is incomplete."
        )
    else:
        message = f"Could not get an answer from MiniMax at {host}{_reason(exc)}."
    return MiniMaxConnectionError(message=message, request=request)


def translate(exc: BaseException, context: CallContext) -> BaseException | None:
    """The MiniMax exception to raise instead of `exc`, if any.

    Args:
        exc: What a `ChatOpenAI` call raised: an `openai` error (possibly
            re-wrapped by langchain-openai), a transport error the SDK let
            out of a stream, or the JSON error of a malformed body or chunk.
        context: Where the call went.

    Returns:
        The exception to raise instead (possibly one of ours that
        langchain-openai re-wrapped), or `None` to let `exc` propagate
        unchanged: ours already, or not about the response.
    """
    if isinstance(exc, MiniMaxError):
        return None
    if isinstance(exc.__cause__, MiniMaxError):
        return exc.__cause__
    if isinstance(exc, openai.APIStatusError):
        return status_error(exc.response, exc.body, model=context.model)
    if isinstance(exc, StreamChunkTimeoutError):
        # langchain-openai's wait for the next chunk of an async stream.
        return MiniMaxStreamChunkTimeoutError(
            exc.timeout_s,
            request=context.stand_in_request(),
            model_name=exc.model_name,
            chunks_received=exc.chunks_received,
        )
    if isinstance(exc, (openai.APITimeoutError, httpx2.TimeoutException)):
        # The SDK's timeout (ChatOpenAI's OpenAITimeoutError is one), or a
        # transport timeout an older SDK let out of a stream unwrapped.
        return MiniMaxTimeoutError(exc.request)
    if isinstance(exc, httpx2.TransportError):
        return _connection_error(exc, exc.request, context)
    if isinstance(exc, openai.APIConnectionError):
        return _connection_error(exc, exc.request, context)
    if type(exc) is openai.APIError:
        # The SDK's own exception for an `{"error": ...}` event in a stream.
        body = {"error": exc.body}
        failure = read_failure(body) or Failure(None, exc.message)
        return context.failure_error(failure._replace(in_body=True), body)
    if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError, RecursionError)):
        return _undecodable(exc, context)
    return None


def _undecodable(
    exc: json.JSONDecodeError | UnicodeDecodeError | RecursionError,
    context: CallContext,
) -> MiniMaxResponseError:
    """The exception for a body or stream event that cannot be decoded."""
    where = (
        "a response body"
        if not context.streaming
        else f"a stream chunk (after {context.chunks} good ones)"
    )
    body: object = None
    if isinstance(exc, json.JSONDecodeError):
        problem = f"is not valid JSON: {exc.msg} at position {exc.pos}"
        body = exc.doc
    elif isinstance(exc, UnicodeDecodeError):
        problem = f"is not valid UTF-8: {exc.reason} at byte {exc.start}"
    else:
        problem = "nests JSON too deeply to decode"
    # langchain-openai attaches the HTTP response to errors of `parse()`.
    http_response = getattr(exc, "response", None)
    return context.response_error(
        f"MiniMax sent {where} that {problem}",
        body,
        http_response.request if http_response is not None else None,
    )


def reraise(exc: Exception, context: CallContext) -> NoReturn:
    """Raise MiniMax's exception for `exc`, chained one level deep at most.

    Args:
        exc: The exception being handled.
        context: Where the call went.

    Raises:
        MiniMaxError: The subclass `translate` picks, chained to the lowest
            cause of `exc` (the transport's own error, say), or to `exc`
            itself if it has none, but never to an `openai` or
            langchain-openai exception.
        Exception: `exc` itself, when `translate` leaves it unchanged.
    """
    replacement = translate(exc, context)
    if replacement is None:
        raise exc
    if replacement is exc.__cause__:
        # langchain-openai re-wrapped one of ours: raise the original alone,
        # with its own cause.
        replacement.__suppress_context__ = True
        raise replacement from replacement.__cause__
    cause = lowest_cause(exc)
    raise replacement from None if isinstance(cause, openai.OpenAIError) else cause


@contextmanager
def translating(context: CallContext) -> Iterator[None]:
    """Raise MiniMax's exceptions for what a `ChatOpenAI` call raises inside.

    The exception raised is chained one level deep at most (see `reraise`).

    Args:
        context: Where the call went; `context.chunks` may be updated inside.

    Yields:
        Nothing.
    """
    try:
        yield
    except Exception as exc:
        reraise(exc, context)


# ---------------------------------------------------------------------------
# The `openai` clients' side (`_client.py`)
# ---------------------------------------------------------------------------


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


def request_context(request: httpx2.Request, *, streaming: bool = False) -> CallContext:
    """Where a request went, for the exceptions raised about it.

    Args:
        request: A chat-completions request.
        streaming: Whether it streams.

    Returns:
        Its URL and model (see `request_model`), no chunks received yet.
    """
    return CallContext(str(request.url), request_model(request), streaming)


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


def first_event_timeout(
    response: httpx2.Response, timeout: float
) -> MiniMaxStreamChunkTimeoutError:
    """The exception for a stream whose first event did not come in time.

    Args:
        response: The stream's response.
        timeout: The `stream_chunk_timeout` that ran out, in seconds.

    Returns:
        langchain-openai's exception for a chunk wait, as MiniMax's subclass.
    """
    return MiniMaxStreamChunkTimeoutError(
        timeout, request=response.request, model_name=request_model(response.request)
    )


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
    """`openai.Stream` raising MiniMax's exceptions.

    For an `error` event, a read timeout, a broken connection and an event
    that is not JSON (see `translate`). `openai.Stream[_T]` is named as a base
    too: the SDK reads the item type from there.
    """

    def stream_items(self) -> Iterator[_T]:
        """The stream's items; MiniMax's exception for what reading them raises."""
        context = request_context(self.response.request, streaming=True)
        with translating(context):
            for item in super().stream_items():
                context.chunks += 1
                yield item


class AsyncTypedStream(HookedAsyncStream[_T], openai.AsyncStream[_T]):
    """`openai.AsyncStream` raising MiniMax's exceptions (see `TypedStream`).

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
