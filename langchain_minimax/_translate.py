"""MiniMax's exceptions for what a `ChatOpenAI` call raises inside.

langchain-openai raises the `openai` SDK's exceptions (re-wrapping some),
transport errors and JSON errors; `translating` replaces each with the
`MiniMaxError` for the case, chained to the original's lowest cause, never
to an `openai` exception. The `openai` clients of
`_client.py` raise through the same `translate`, so a failure surfaces as the
same exception, with the same message, through the model, `client` and
`root_client`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import httpx2
import openai
from langchain_openai import StreamChunkTimeoutError

from langchain_minimax._failures import CallContext, Failure, read_failure, status_error
from langchain_minimax.errors import (
    MiniMaxConnectionError,
    MiniMaxError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
)


def root_cause(exc: BaseException) -> BaseException | None:
    """The lowest `__cause__` of `exc`, or `None` if it has none."""
    cause = exc.__cause__
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    return cause


def _reason(exc: BaseException) -> str:
    """The lowest cause's text: the transport's own words, not `Connection error.`."""
    cause = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
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
    if isinstance(exc, json.JSONDecodeError):
        where = (
            "a response body"
            if not context.streaming
            else f"a stream chunk (after {context.chunks} good ones)"
        )
        # langchain-openai attaches the HTTP response to errors of `parse()`.
        http_response = getattr(exc, "response", None)
        return context.response_error(
            f"MiniMax sent {where} that is not valid JSON: {exc.msg} at "
            f"position {exc.pos}",
            exc.doc,
            http_response.request if http_response is not None else None,
        )
    return None


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
    cause = root_cause(exc) or exc
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
