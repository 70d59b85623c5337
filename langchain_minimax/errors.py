"""What can go wrong when calling MiniMax: the exceptions and MiniMax's error codes.

MiniMax reports a failure in one of two shapes:

* an HTTP error status with the envelope
  `{"type": "error", "error": {"type": ..., "message": "... (1004)", ...},
  "request_id": ...}`, the MiniMax code being the `(NNNN)` suffix of the message;
* HTTP 200 with `"base_resp": {"status_code": <non-zero>, "status_msg": ...}`
  (MiniMax's native style), as the body or as the first event of a stream.

Each failure becomes one exception class per case (the code table below, then
the HTTP status when there is no known code). Every class is both the `openai`
exception the SDK raises for the equivalent HTTP status and the langchain-core
model error for the case, so `except openai.RateLimitError`,
`except ModelRateLimitError` and `error.is_retryable` all keep working.
`is_retryable` is also what decides whether the `openai` client retries.

A response that is not a usable answer (not JSON, the wrong shape, no
`finish_reason`) raises `MiniMaxResponseError`; a broken connection raises
`MiniMaxConnectionError`; a timeout raises `MiniMaxTimeoutError`.

Where the rest lives: `_failures.py` reads failure reports from bodies and
builds these exceptions, `_response_shape.py` checks the shape of answers,
`_translate.py` turns what a `ChatOpenAI` call raises into them, and
`_client.py` teaches the `openai` client MiniMax's codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

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

    from langchain_minimax._failures import Failure

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

_INTERNATIONAL_HOST = "api.minimax.io"
"""Host of MiniMax's international platform."""

_CHINA_HOST = "api.minimaxi.com"
"""Host of MiniMax's mainland-China platform."""

# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------


class MiniMaxError(ModelError):
    """Base class of every exception this package raises for a MiniMax failure."""


class MiniMaxAPIStatusError(MiniMaxError, openai.APIStatusError):
    """MiniMax reported a failure: an HTTP error, or a `base_resp` error in a 200.

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
        failure: Failure,
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.minimax_code = failure.code
        self.minimax_message = failure.message
        self.request_id = failure.request_id or self.request_id
        self.host = response.request.url.host
        self.in_body = failure.in_body


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

    Raised when the request timeout (`timeout`) runs out before the answer
    or between two stream chunks, once the `openai` client's retries
    (`max_retries`) are used up; as its subclass
    `MiniMaxStreamChunkTimeoutError` when `stream_chunk_timeout` runs out.
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


# ---------------------------------------------------------------------------
# The code table
# ---------------------------------------------------------------------------


class _Case(NamedTuple):
    """One row of the table: the exception, the equivalent HTTP status, the advice.

    `explanation` may name `{region}` (where the key belongs) and `{model}`.
    """

    error: type[MiniMaxAPIStatusError]
    status: int
    explanation: str

    def explain(self, host: str, model: str) -> str:
        """The explanation for a request to `host` with `model`."""
        return self.explanation.format(region=_region(host), model=model)


_AUTH = (
    "MiniMax rejected the API key. Check MINIMAX_API_KEY (or the api_key "
    "argument). Keys are bound to one region: {region}"
)
_CASES: dict[int, _Case] = {
    1000: _Case(MiniMaxServerError, 500, "MiniMax failed with an unknown error."),
    1001: _Case(MiniMaxServerError, 504, "MiniMax timed out on its side."),
    1002: _Case(
        MiniMaxRateLimitError,
        429,
        "MiniMax's request rate limit was hit. Retry later, send fewer "
        "requests per minute, or raise max_retries.",
    ),
    1004: _Case(MiniMaxAuthenticationError, 401, _AUTH),
    1008: _Case(
        MiniMaxInsufficientBalanceError,
        403,
        "The MiniMax account's balance is insufficient. Top it up on the "
        "platform of the key's region; retrying will not help.",
    ),
    1013: _Case(MiniMaxServerError, 500, "MiniMax had an internal error."),
    1024: _Case(MiniMaxServerError, 500, "MiniMax had an internal error."),
    1026: _Case(
        MiniMaxContentFilterError,
        400,
        "MiniMax blocked the request: its input was flagged as sensitive "
        "content. Change the input; sending it again will not help.",
    ),
    1027: _Case(
        MiniMaxContentFilterError,
        400,
        "MiniMax blocked the answer: the model's output was flagged as "
        "sensitive content. Rephrase the request; sending it again may fail "
        "the same way.",
    ),
    1033: _Case(MiniMaxServerError, 500, "MiniMax had an internal system error."),
    1039: _Case(
        MiniMaxRateLimitError,
        429,
        "MiniMax's token rate limit was hit. Retry later or send fewer tokens "
        "per minute.",
    ),
    1041: _Case(
        MiniMaxRateLimitError,
        429,
        "MiniMax's connection limit was hit. Send fewer concurrent requests.",
    ),
    1042: _Case(
        MiniMaxInvalidRequestError,
        400,
        "MiniMax rejected the input: too many invisible or illegal characters.",
    ),
    2013: _Case(
        MiniMaxInvalidRequestError,
        400,
        "MiniMax rejected the request's parameters.",
    ),
    2045: _Case(
        MiniMaxRateLimitError,
        429,
        "MiniMax's rate-growth limit was hit: the request rate rose too fast. "
        "Increase the load more gradually.",
    ),
    2049: _Case(MiniMaxAuthenticationError, 401, _AUTH),
    2056: _Case(
        MiniMaxUsageLimitError,
        429,
        "The MiniMax plan's usage limit is used up. It resets with the next "
        "5-hour window; retrying now will not help.",
    ),
}

_BY_STATUS: dict[int, _Case] = {
    400: _Case(MiniMaxInvalidRequestError, 400, "MiniMax rejected the request."),
    401: _Case(MiniMaxAuthenticationError, 401, _AUTH),
    403: _Case(
        MiniMaxPermissionDeniedError,
        403,
        "MiniMax refused the request: the API key may not make it.",
    ),
    404: _Case(
        MiniMaxNotFoundError,
        404,
        "MiniMax has no such endpoint. Check base_url: it should end in /v1, "
        f"e.g. 'https://{_INTERNATIONAL_HOST}/v1'.",
    ),
    429: _Case(
        MiniMaxRateLimitError,
        429,
        "MiniMax's rate limit was hit. Retry later or raise max_retries.",
    ),
}
_SERVER = _Case(MiniMaxServerError, 500, "MiniMax failed on its side.")
_OTHER = _Case(MiniMaxAPIStatusError, 400, "MiniMax answered with an error.")

_CONTEXT_OVERFLOW = _Case(
    MiniMaxContextOverflowError,
    400,
    "The input is longer than {model}'s context window. Shorten the "
    "conversation, e.g. drop or summarize earlier turns.",
)
_CONTEXT_PHRASES = ("context window", "context length", "context_length", "too long")


def _case(failure: Failure | None, status: int | None) -> _Case:
    """The case of a failure; `status` is `None` for a report inside a 200."""
    message = failure.message.lower() if failure is not None else ""
    code = failure.code if failure is not None else None
    if (status == 400 or code == 2013) and any(
        phrase in message for phrase in _CONTEXT_PHRASES
    ):
        return _CONTEXT_OVERFLOW
    if code in _CASES:
        return _CASES[code]
    if status is None or status >= 500:
        return _SERVER
    return _BY_STATUS.get(status, _OTHER)


def _region(host: str) -> str:
    if host.endswith("minimax.io"):
        return (
            f"this request went to {host}, the international platform; a key "
            "issued on the mainland-China platform needs "
            f"base_url='https://{_CHINA_HOST}/v1'."
        )
    if host.endswith("minimaxi.com"):
        return (
            f"this request went to {host}, the mainland-China platform; a key "
            "issued on the international platform needs "
            f"base_url='https://{_INTERNATIONAL_HOST}/v1'."
        )
    return (
        f"this request went to {host}; MiniMax's hosts are {_INTERNATIONAL_HOST} "
        f"(international) and {_CHINA_HOST} (mainland China)."
    )
