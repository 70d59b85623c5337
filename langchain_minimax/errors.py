"""What can go wrong when calling MiniMax: the exceptions this package raises.

A failure MiniMax reports (an HTTP error with MiniMax's envelope, or a
non-zero `base_resp` inside an HTTP 200) becomes one exception class per
case: MiniMax's code picks it, else the HTTP status. Every class is both the
`openai` exception the SDK raises for the equivalent HTTP status and the
langchain-core model error for the case, so `except openai.RateLimitError`,
`except ModelRateLimitError` and `error.is_retryable` all keep working.

A response that is not a usable answer (not JSON, the wrong shape, no
`finish_reason`) raises `MiniMaxResponseError`; a broken connection raises
`MiniMaxConnectionError`; a timeout raises `MiniMaxTimeoutError`.

Where the rest lives: `_failures.py` reads MiniMax's failure reports and holds
its code table (which exception, whether it is retried), `_raising.py` is
where every exception is raised for a caller, and `_client.py` teaches the
`openai` client MiniMax's codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import openai
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
from langchain_openai import StreamChunkTimeoutError

if TYPE_CHECKING:
    import httpx2 as httpx

__all__ = [
    "MiniMaxAPIStatusError",
    "MiniMaxAuthenticationError",
    "MiniMaxConnectionError",
    "MiniMaxContentFilterError",
    "MiniMaxContextOverflowError",
    "MiniMaxError",
    "MiniMaxInsufficientBalanceError",
    "MiniMaxInvalidRequestError",
    "MiniMaxNotFoundError",
    "MiniMaxPermissionDeniedError",
    "MiniMaxRateLimitError",
    "MiniMaxResponseError",
    "MiniMaxServerError",
    "MiniMaxStreamChunkTimeoutError",
    "MiniMaxTimeoutError",
    "MiniMaxUsageLimitError",
]


class MiniMaxError(ModelError):
    """Base class of every exception this package raises for a MiniMax failure."""


class MiniMaxAPIStatusError(MiniMaxError, openai.APIStatusError):
    """MiniMax reported a failure: an HTTP error, or a `base_resp` error in a 200.

    Args:
        message: What went wrong, in plain words.
        response: The HTTP response (for a failure reported inside an HTTP 200,
            one with the equivalent status).
        body: The error body, as the `openai` exception keeps it.
        minimax_code: MiniMax's error code, if the body carries one.
        minimax_message: MiniMax's message, without the code suffix.
        request_id: The body's `request_id`, if any.
        in_body: Whether the failure was reported inside an HTTP 200.

    Attributes:
        minimax_code: MiniMax's error code (e.g. 1002), or `None` if none was sent.
        minimax_message: MiniMax's error message, without the code suffix.
        request_id: MiniMax's request id (quote it to MiniMax support), else
            the `x-request-id` header, else `None`.
        host: The host the request went to.
        in_body: Whether MiniMax reported the failure inside an HTTP 200
            response (as `base_resp`, or as an error event of a stream); then
            `status_code` is the equivalent HTTP status.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object | None,
        minimax_code: int | None = None,
        minimax_message: str = "",
        request_id: str | None = None,
        in_body: bool = False,
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.minimax_code = minimax_code
        self.minimax_message = minimax_message
        self.request_id = request_id or self.request_id
        self.host = response.request.url.host
        self.in_body = in_body


class MiniMaxAuthenticationError(
    MiniMaxAPIStatusError, openai.AuthenticationError, ModelAuthenticationError
):
    """MiniMax rejected the API key (codes 1004, 2049, or HTTP 401)."""


class MiniMaxPermissionDeniedError(
    MiniMaxAPIStatusError, openai.PermissionDeniedError, ModelPermissionDeniedError
):
    """The key may not make this request (HTTP 403)."""


class MiniMaxInsufficientBalanceError(MiniMaxPermissionDeniedError):
    """The MiniMax account has no balance left (code 1008)."""


class MiniMaxInvalidRequestError(
    MiniMaxAPIStatusError, openai.BadRequestError, ModelInvalidRequestError
):
    """MiniMax rejected the request as invalid (code 2013, 1042, or HTTP 400)."""


class MiniMaxContentFilterError(MiniMaxInvalidRequestError):
    """MiniMax blocked sensitive input (code 1026) or output (code 1027)."""


class MiniMaxContextOverflowError(
    MiniMaxAPIStatusError, openai.BadRequestError, ContextOverflowError
):
    """The input is longer than the model's context window."""


class MiniMaxNotFoundError(
    MiniMaxAPIStatusError, openai.NotFoundError, ModelNotFoundError
):
    """The endpoint was not found (HTTP 404): usually a wrong `base_url`."""


class MiniMaxRateLimitError(
    MiniMaxAPIStatusError, openai.RateLimitError, ModelRateLimitError
):
    """A MiniMax rate limit was hit (codes 1002, 1039, 1041, 2045, or HTTP 429)."""


class MiniMaxUsageLimitError(MiniMaxRateLimitError):
    """The plan's usage limit for the current 5-hour window is used up (code 2056).

    Not retryable: the limit resets only with the next window.
    """

    is_retryable = False


class MiniMaxServerError(
    MiniMaxAPIStatusError, openai.InternalServerError, ModelAPIError
):
    """MiniMax failed on its side (codes 1000, 1001, 1013, 1024, 1033, or 5xx)."""


class MiniMaxResponseError(MiniMaxError, openai.APIError, ModelAPIError):
    """A response that cannot be used as an answer.

    Raised for a body or stream chunk that is not JSON or not shaped like a
    chat completion, and for an answer that ends without a `finish_reason`.
    The received data is kept in `body`; nothing is turned into an empty or
    truncated message.
    """


class MiniMaxConnectionError(
    MiniMaxError, openai.APIConnectionError, ModelConnectionError
):
    """The connection to MiniMax failed or broke off mid-answer."""


class MiniMaxTimeoutError(MiniMaxError, openai.APITimeoutError, ModelTimeoutError):
    """MiniMax did not answer in time.

    Raised when the request timeout (`timeout`) runs out connecting or
    waiting for any byte (a read), once the `openai` client's retries
    (`max_retries`) are used up; as its subclass
    `MiniMaxStreamChunkTimeoutError` when `stream_chunk_timeout` runs out on
    an async stream.
    Like ChatOpenAI's timeout error, it is both `openai.APITimeoutError`
    and langchain-core's `ModelTimeoutError`.

    Args:
        request: The request that timed out.
        message: What timed out; a generic message if `None`.
    """

    def __init__(self, request: httpx.Request, message: str | None = None) -> None:
        openai.APIConnectionError.__init__(
            self,
            message=message
            or (
                f"MiniMax at {request.url.host} did not answer within the "
                "request timeout. Raise timeout (seconds) for long answers; "
                "max_retries sets how often a timed-out request is retried."
            ),
            request=request,
        )


class MiniMaxStreamChunkTimeoutError(StreamChunkTimeoutError, MiniMaxTimeoutError):
    """No stream chunk arrived within `stream_chunk_timeout` seconds (async streams).

    Also langchain-openai's `StreamChunkTimeoutError` (so an
    `asyncio.TimeoutError`), with its attributes.

    Args:
        timeout_s: The `stream_chunk_timeout` that ran out, in seconds.
        request: The streaming request.
        model_name: The model, if known.
        chunks_received: Chunks received before the wait began.
    """

    def __init__(
        self,
        timeout_s: float,
        *,
        request: httpx.Request,
        model_name: str | None = None,
        chunks_received: int = 0,
    ) -> None:
        # Each base's own initializer, not a cooperative chain: the `openai`
        # one would hand its message to StreamChunkTimeoutError as `timeout_s`.
        MiniMaxTimeoutError.__init__(self, request)
        StreamChunkTimeoutError.__init__(
            self, timeout_s, model_name=model_name, chunks_received=chunks_received
        )
        self.message = str(self)
