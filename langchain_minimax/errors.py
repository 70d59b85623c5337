"""MiniMax's failures as typed exceptions.

MiniMax reports a failure in one of two shapes:

* an HTTP error status with the envelope
  `{"type": "error", "error": {"type": ..., "message": "... (1004)", ...},
  "request_id": ...}`, the MiniMax code being the `(NNNN)` suffix of the message;
* HTTP 200 with `"base_resp": {"status_code": <non-zero>, "status_msg": ...}`
  (MiniMax's native style), as the body or as the first event of a stream.

Each failure becomes one exception class per case. Every class is both the
`openai` exception the SDK raises for the equivalent HTTP status and the
langchain-core model error for the case, so `except openai.RateLimitError`,
`except ModelRateLimitError` and `error.is_retryable` all keep working.
`is_retryable` is also what decides whether the `openai` client retries (see
`should_retry`).

Everything here is pure: parsing, the code table, the messages. The `openai`
client subclasses in `_client.py` and the hooks in `chat_models.py` call it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, cast

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
)

# The httpx flavour the installed `openai` SDK uses (httpx2 for openai>=3).
from langchain_openai._compat import httpx as _sdk_httpx
from langchain_openai.chat_models.base import OpenAITimeoutError

from langchain_minimax.response import wire_dict

if TYPE_CHECKING:
    import httpx2 as httpx

__all__ = [
    "CHINA_HOST",
    "INTERNATIONAL_HOST",
    "CallContext",
    "Failure",
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
    "MiniMaxUsageLimitError",
    "REPORTED_IN_200",
    "check_chunk",
    "check_completion",
    "check_parsed",
    "error_status",
    "first_event_data",
    "read_failure",
    "read_failure_bytes",
    "should_retry",
    "status_error",
    "translate",
    "translating",
    "unfinished_stream",
]

REPORTED_IN_200 = "minimax_reported_in_http_200"
"""`extensions` key of a response rebuilt from a failure that came with HTTP 200."""

INTERNATIONAL_HOST = "api.minimax.io"
"""Host of MiniMax's international platform."""

CHINA_HOST = "api.minimaxi.com"
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


# ---------------------------------------------------------------------------
# Reading failures
# ---------------------------------------------------------------------------


class Failure(NamedTuple):
    """A failure report read from a MiniMax response body.

    Attributes:
        code: MiniMax's error code, or `None` if the body carries none.
        message: MiniMax's message without the ` (code)` suffix.
        request_id: The body's `request_id`, if any.
        in_body: Whether it was reported inside an HTTP 200 response: a
            non-zero `base_resp`, or an error event of a stream.
    """

    code: int | None
    message: str
    request_id: str | None = None
    in_body: bool = False


_CODE_SUFFIX = re.compile(r"\s*\((\d+)\)\s*$")


def _split_code(message: str) -> tuple[int | None, str]:
    match = _CODE_SUFFIX.search(message)
    if match is None:
        return None, message
    return int(match.group(1)), message[: match.start()]


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def read_failure(body: object) -> Failure | None:
    """Read MiniMax's failure report from a parsed response body or chunk.

    Args:
        body: The parsed JSON: an error envelope, a body with `base_resp`, or
            anything else.

    Returns:
        The failure, or `None` when `body` reports none (`base_resp` with
        status 0 is success).
    """
    if not isinstance(body, dict):
        return None
    request_id = body.get("request_id")
    request_id = request_id if isinstance(request_id, str) and request_id else None
    error = body.get("error")
    if error and isinstance(error, dict):
        message = error.get("message")
        code, text = _split_code(message if isinstance(message, str) else "")
        if code is None:
            code = _as_code(error.get("code"))
        return Failure(code, text, request_id)
    if error:
        code, text = _split_code(str(error))
        return Failure(code, text, request_id)
    base_resp = body.get("base_resp")
    if isinstance(base_resp, dict):
        code = _as_code(base_resp.get("status_code"))
        if code is not None and code != 0:
            message = base_resp.get("status_msg")
            text = _split_code(message if isinstance(message, str) else "")[1]
            return Failure(code, text, request_id, in_body=True)
    return None


def read_failure_bytes(content: bytes) -> Failure | None:
    """`read_failure` for a raw body; `None` if it is not JSON.

    Args:
        content: The response body.

    Returns:
        The failure it reports, if any.
    """
    try:
        return read_failure(json.loads(content))
    except ValueError:
        return None


_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def first_event_data(buffer: bytes) -> bytes | None:
    r"""The `data` of the first complete server-sent event in `buffer` that has any.

    Events without `data:` lines (comments such as keep-alives) are skipped.

    Args:
        buffer: The start of an SSE body.

    Returns:
        The event's `data:` lines joined with `\n`, or `None` if no complete
        event with data is in `buffer` yet.
    """
    start = 0
    for end in _EVENT_END.finditer(buffer):
        lines = buffer[start : end.start()].splitlines()
        start = end.end()
        data = [
            line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:")
        ]
        if data:
            return b"\n".join(data)
    return None


# ---------------------------------------------------------------------------
# The code table
# ---------------------------------------------------------------------------


class _Case(NamedTuple):
    error: type[MiniMaxAPIStatusError]
    status: int
    explanation: str


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
        f"e.g. 'https://{INTERNATIONAL_HOST}/v1'.",
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


def error_status(failure: Failure) -> int:
    """The HTTP status equivalent to a failure reported inside an HTTP 200.

    Args:
        failure: A `base_resp` failure.

    Returns:
        The status of its case (401 for an auth failure, 429 for a rate limit,
        ...); 500 for a code this package does not know.
    """
    return _case(failure, None).status


def should_retry(failure: Failure | None, status: int) -> bool | None:
    """Whether the `openai` client should retry after this error response.

    Args:
        failure: The failure read from the response body, if any.
        status: The response's HTTP status.

    Returns:
        The `is_retryable` of the exception the failure becomes, so that what
        is retried and what the caller is told agree; `None` when the body is
        not a MiniMax failure report, leaving the decision to the `openai`
        client's status rules.
    """
    if failure is None:
        return None
    return _case(failure, status).error.is_retryable


# ---------------------------------------------------------------------------
# Messages and conversion
# ---------------------------------------------------------------------------


def _region(host: str) -> str:
    if host.endswith("minimax.io"):
        return (
            f"this request went to {host}, the international platform; a key "
            "issued on the mainland-China platform needs "
            f"base_url='https://{CHINA_HOST}/v1'."
        )
    if host.endswith("minimaxi.com"):
        return (
            f"this request went to {host}, the mainland-China platform; a key "
            "issued on the international platform needs "
            f"base_url='https://{INTERNATIONAL_HOST}/v1'."
        )
    return (
        f"this request went to {host}; MiniMax's hosts are {INTERNATIONAL_HOST} "
        f"(international) and {CHINA_HOST} (mainland China)."
    )


def _describe(
    case: _Case, failure: Failure | None, status: int, host: str, model: str
) -> str:
    explanation = case.explanation.format(region=_region(host), model=model)
    if failure is None:
        return f"{explanation} [HTTP {status} from {host}, no MiniMax error body]"
    reported = failure.message or "no message"
    if failure.code is not None:
        reported = f"code {failure.code}: {reported}"
    if failure.in_body:
        reported += f"; reported in an HTTP 200 body from {host}"
    else:
        reported += f"; HTTP {status} from {host}"
    if failure.request_id:
        reported += f", request id {failure.request_id}"
    return f"{explanation} [{reported}]"


def status_error(
    response: httpx.Response,
    body: object,
    *,
    model: str,
    failure: Failure | None = None,
) -> MiniMaxAPIStatusError:
    """Build the exception for a MiniMax error response.

    Args:
        response: The HTTP response, its body read. A 200 whose body reports a
            `base_resp` failure has been given the equivalent status (see
            `error_status`).
        body: The `openai` error body (kept as the exception's `body`).
        model: The model name, for the context-overflow message.
        failure: The failure, if already read; else it is read from the
            response's content or from `body`.

    Returns:
        The exception of the failure's case.
    """
    failure = failure or read_failure_bytes(response.content) or read_failure(body)
    if failure is not None and response.extensions.get(REPORTED_IN_200):
        failure = failure._replace(in_body=True)
    status = response.status_code
    case = _case(failure, status)
    message = _describe(case, failure, status, response.request.url.host, model)
    return case.error(
        message, response=response, body=body, failure=failure or Failure(None, "")
    )


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

    def stand_in_request(self) -> httpx.Request:
        """The call's method and URL, for errors raised where no request is at hand.

        Returns:
            A request of the httpx flavour the `openai` SDK uses; it carries no
            headers, so no API key.
        """
        return cast("httpx.Request", _sdk_httpx.Request("POST", self.url))

    def response_error(
        self, problem: str, body: object, request: httpx.Request | None = None
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
        response = _sdk_httpx.Response(
            error_status(failure),
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
            request=_sdk_httpx.Request("POST", self.url),
        )
        return status_error(
            cast("httpx.Response", response), body, model=self.model, failure=failure
        )


# ---------------------------------------------------------------------------
# Checking received data
# ---------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _typed(value: object, kind: type | tuple[type, ...]) -> bool:
    """Whether `value` is null or of `kind` (booleans are not numbers here)."""
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def _fields_problem(
    obj: Mapping[str, Any], fields: tuple[str, ...], kind: type, what: str
) -> str | None:
    for field in fields:
        value = obj.get(field)
        # The exact-type test first: this runs for every field of every chunk.
        if value is None or value.__class__ is kind or _typed(value, kind):
            continue
        expected = {str: "a string", int: "a number", list: "a list"}[kind]
        return f"{what}.{field} is {_kind(value)}, not {expected}"
    return None


def _arguments_problem(arguments: str, what: str) -> str | None:
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return None  # kept as an invalid tool call
    if parsed and not isinstance(parsed, dict):
        return f"{what} are JSON but not a JSON object"
    return None


def _tool_call_problem(call: object, what: str, *, streamed: bool) -> str | None:
    if not isinstance(call, dict):
        return f"{what} is {_kind(call)}, not an object"
    function = call.get("function")
    if not isinstance(function, dict):
        return f"{what}.function is {_kind(function)}, not an object"
    problem = _fields_problem(call, ("id", "type"), str, what)
    if streamed:
        # langchain-openai drops every fragment of a delta if one lacks these.
        if not isinstance(call.get("index"), int) or isinstance(call["index"], bool):
            return f"{what}.index is {_kind(call.get('index'))}, not a number"
        return problem or _fields_problem(
            function, ("name", "arguments"), str, f"{what}.function"
        )
    for field in ("name", "arguments"):
        if not isinstance(function.get(field), str):
            return f"{what}.function.{field} is {_kind(function.get(field))}"
    return problem or _arguments_problem(
        function["arguments"], f"{what}.function.arguments"
    )


def _message_problem(message: object, what: str, *, streamed: bool) -> str | None:
    """What in a response message or stream delta LangChain could not read."""
    if not isinstance(message, dict):
        return f"{what} is {_kind(message)}, not an object"
    role = message.get("role")
    if role != "assistant" and not (streamed and role in (None, "")):
        return f"{what}.role is {role!r}, not 'assistant'"
    problem = _fields_problem(
        message, ("content", "reasoning_content", "name", "id"), str, what
    ) or _fields_problem(message, ("reasoning_details", "tool_calls"), list, what)
    if problem is not None:
        return problem
    if not _typed(message.get("function_call"), dict):
        return f"{what}.function_call is {_kind(message['function_call'])}"
    # Entry names are formatted only for a problem: this runs for every chunk.
    for position, detail in enumerate(message.get("reasoning_details") or []):
        if not isinstance(detail, dict):
            problem = f" is {_kind(detail)}, not an object"
        else:
            problem = _fields_problem(
                detail, ("type", "id", "format", "text"), str, ""
            ) or _fields_problem(detail, ("index",), int, "")
        if problem is not None:
            return f"{what}.reasoning_details[{position}]{problem}"
    for position, call in enumerate(message.get("tool_calls") or []):
        problem = _tool_call_problem(call, "", streamed=streamed)
        if problem is not None:
            return f"{what}.tool_calls[{position}]{problem}"
    return None


def _usage_problem(usage: object) -> str | None:
    if usage is None:
        return None
    if not isinstance(usage, dict):
        return f"usage is {_kind(usage)}, not an object"
    for field, value in usage.items():
        if field.endswith("_tokens") and not _typed(value, int):
            return f"usage.{field} is {_kind(value)}, not a number"
        if field.endswith("_details"):
            if not _typed(value, dict):
                return f"usage.{field} is {_kind(value)}, not an object"
            for key, count in (value or {}).items():
                if key.endswith("_tokens") and not _typed(count, int):
                    return f"usage.{field}.{key} is {_kind(count)}, not a number"
    return None


def _body_problem(body: Mapping[str, Any], what: str, *, streamed: bool) -> str | None:
    """What in the top level of a response or chunk LangChain could not read."""
    problem = _fields_problem(
        body, ("id", "model", "system_fingerprint", "service_tier"), str, what
    ) or _usage_problem(body.get("usage"))
    if problem is not None:
        return problem
    choices = body.get("choices")
    if streamed and choices is None:
        return None  # a usage-only chunk
    if not isinstance(choices, list):
        return f"{what} has {_kind(choices)} for choices, not a list"
    for position, choice in enumerate(choices):
        if not isinstance(choice, dict):
            return f"{what} has {_kind(choice)} for choices[{position}]"
    return None


def check_parsed(data: object, request: httpx.Request, *, streamed: bool) -> None:
    """Check that a parsed chat-completion body or stream event is a JSON object.

    Args:
        data: The parsed JSON.
        request: The request it answers.
        streamed: Whether it is a stream event.

    Raises:
        MiniMaxResponseError: If it is not an object (the `openai` SDK would
            hand on a bare string, number, list or `None`).
    """
    if isinstance(data, dict):
        return
    what = "a stream chunk" if streamed else "a response body"
    raise MiniMaxResponseError(
        f"MiniMax sent {what} that is {_kind(data)}, not a JSON object "
        f"[from {request.url.host}]",
        request,
        body=data,
    )


def check_completion(response: object, context: CallContext) -> dict[str, Any]:
    """Check a non-streamed response before it is read into a message.

    Args:
        response: The parsed response: a dict, an `openai` model, or the text
            the SDK returns for a body that is not JSON.
        context: Where the call went.

    Returns:
        The response as a dict.

    Raises:
        MiniMaxAPIStatusError: The subclass for the case, if the body reports a
            failure (`base_resp` or an error envelope).
        MiniMaxResponseError: If the body is not a usable chat completion: not
            a JSON object, no choices, a field LangChain reads of the wrong
            type, a message not from the assistant, tool-call arguments that
            are JSON but not an object, or a choice without `finish_reason`.
    """
    body: object = (
        wire_dict(response) if isinstance(response, openai.BaseModel) else response
    )
    if not isinstance(body, dict):
        preview = repr(body)
        if len(preview) > 200:
            preview = preview[:200] + "..."
        raise context.response_error(
            f"MiniMax sent a response that is not a JSON object: {preview}", body
        )
    failure = read_failure(body)
    if failure is not None:
        raise context.failure_error(failure, body)
    problem = _body_problem(body, "the response", streamed=False)
    if problem is None and not body["choices"]:
        problem = "the response has no choices"
    for position, choice in enumerate(body["choices"] if problem is None else []):
        problem = _message_problem(
            choice.get("message"), f"choices[{position}].message", streamed=False
        )
        if problem is None and not isinstance(choice.get("finish_reason"), str):
            problem = (
                f"choices[{position}] has no finish_reason, so MiniMax did not "
                "mark the answer as finished"
            )
        if problem is not None:
            break
    if problem is not None:
        raise context.response_error(
            f"MiniMax sent an unusable answer: {problem}", body
        )
    return body


def check_chunk(chunk: object, context: Callable[[], CallContext]) -> None:
    """Check one streamed chunk before it is read into a message chunk.

    Args:
        chunk: The parsed chunk.
        context: Makes the call's context, called only to raise (this check
            runs for every chunk).

    Raises:
        MiniMaxAPIStatusError: The subclass for the case, if the chunk reports
            a failure (`base_resp` or an error envelope).
        MiniMaxResponseError: If the chunk is not an object, has more than one
            choice (MiniMax sends one), a choice without a delta object, or a
            field LangChain reads of the wrong type.
    """
    if not isinstance(chunk, dict):
        raise context().response_error(
            f"MiniMax sent a stream chunk that is {_kind(chunk)}, not an object",
            chunk,
        )
    failure = read_failure(chunk)
    if failure is not None:
        raise context().failure_error(failure, chunk)
    problem = _body_problem(chunk, "the chunk", streamed=True)
    choices = (chunk.get("choices") or []) if problem is None else []
    if len(choices) > 1:
        problem = f"the chunk has {len(choices)} choices; MiniMax sends one"
    elif choices:
        problem = _message_problem(
            choices[0].get("delta"), "the chunk's delta", streamed=True
        )
        finish = choices[0].get("finish_reason")
        if problem is None and not _typed(finish, str):
            problem = f"the chunk's finish_reason is {_kind(finish)}"
    if problem is not None:
        raise context().response_error(
            f"MiniMax sent an unusable stream chunk: {problem}", chunk
        )


def unfinished_stream(context: CallContext) -> MiniMaxResponseError:
    """The exception for a stream that ended without a `finish_reason`.

    Args:
        context: Where the call went, with the number of chunks received.

    Returns:
        The exception to raise after the last chunk.
    """
    return context.response_error(
        f"MiniMax's stream ended after {context.chunks} chunks without a "
        "finish_reason, so the answer may be incomplete",
        None,
    )


# ---------------------------------------------------------------------------
# Translating what the SDK and langchain-openai raise
# ---------------------------------------------------------------------------


def _reason(exc: BaseException) -> str:
    """The lowest cause's text: the transport's own words, not `Connection error.`."""
    cause = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, openai.OpenAIError):
        return ""
    return f" ({type(cause).__name__}: {cause})"


def _connection_error(
    exc: BaseException, request: httpx.Request, context: CallContext
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
        unchanged: ours already, a timeout, or not about the response.
    """
    if isinstance(exc, MiniMaxError):
        return None
    if isinstance(exc.__cause__, MiniMaxError):
        return exc.__cause__
    if isinstance(exc, openai.APIStatusError):
        return status_error(exc.response, exc.body, model=context.model)
    if isinstance(exc, openai.APITimeoutError):
        return None
    if isinstance(exc, _sdk_httpx.TimeoutException):
        # openai<3 lets a stream's read timeout out unwrapped; openai>=3 raises
        # the error below, which langchain-openai turns into this one.
        return OpenAITimeoutError(request=cast("httpx.Request", exc.request))
    if isinstance(exc, _sdk_httpx.TransportError):
        return _connection_error(exc, cast("httpx.Request", exc.request), context)
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


@contextmanager
def translating(context: CallContext) -> Iterator[None]:
    """Raise MiniMax's exceptions for what a `ChatOpenAI` call raises inside.

    Args:
        context: Where the call went; `context.chunks` may be updated inside.

    Yields:
        Nothing.
    """
    try:
        yield
    except Exception as exc:
        replacement = translate(exc, context)
        if replacement is None:
            raise
        if replacement is exc.__cause__:
            # langchain-openai re-wrapped one of ours: raise the original alone.
            raise replacement from None
        raise replacement from exc
