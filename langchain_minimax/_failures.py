"""MiniMax's failure format: its reports, its code table, its retry verdicts.

MiniMax reports a failure in one of two shapes:

* an HTTP error status with the envelope
  `{"type": "error", "error": {"type": ..., "message": "... (1004)", ...},
  "request_id": ...}`, the MiniMax code being the `(NNNN)` suffix of the message;
* HTTP 200 with `"base_resp": {"status_code": <non-zero>, "status_msg": ...}`
  (MiniMax's native style), as the body or as the first event of a stream.

This module reads a report (`Failure`) from either, picks its case from
MiniMax's code table (MiniMax's docs and error-code page; the exception
class of `errors.py`, the equivalent HTTP status, the advice), decides
whether it is retried, and builds the exception with its message. Raising it
for a caller is `_raising.py`'s.

Each body is parsed once: `reported_failure` keeps what it read on the
response, where the retry decision and the exception find it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import NamedTuple, cast

import httpx2

from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxAuthenticationError,
    MiniMaxContentFilterError,
    MiniMaxContextOverflowError,
    MiniMaxInsufficientBalanceError,
    MiniMaxInvalidRequestError,
    MiniMaxNotFoundError,
    MiniMaxPermissionDeniedError,
    MiniMaxRateLimitError,
    MiniMaxServerError,
    MiniMaxUsageLimitError,
)

_INTERNATIONAL_HOST = "api.minimax.io"
"""Host of MiniMax's international platform."""

_CHINA_HOST = "api.minimaxi.com"
"""Host of MiniMax's mainland-China platform."""


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
    error = body.get("error")
    if error:
        request_id = body.get("request_id")
        request_id = request_id if isinstance(request_id, str) and request_id else None
        if isinstance(error, dict):
            message = error.get("message")
            code, text = _split_code(message if isinstance(message, str) else "")
            if code is None:
                code = _as_code(error.get("code"))
            return Failure(code, text, request_id)
        code, text = _split_code(str(error))
        return Failure(code, text, request_id)
    base_resp = body.get("base_resp")
    if not isinstance(base_resp, dict):
        return None
    status = base_resp.get("status_code")
    if status == 0:
        # Success, the common case: MiniMax puts it on every stream chunk.
        return None
    code = _as_code(status)
    if code is None or code == 0:
        return None
    request_id = body.get("request_id")
    message = base_resp.get("status_msg")
    return Failure(
        code,
        _split_code(message if isinstance(message, str) else "")[1],
        request_id if isinstance(request_id, str) and request_id else None,
        in_body=True,
    )


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


EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")
"""The end of a server-sent event: a blank line."""


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
    for end in EVENT_END.finditer(buffer):
        lines = buffer[start : end.start()].splitlines()
        start = end.end()
        data = [
            line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:")
        ]
        if data:
            return b"\n".join(data)
    return None


_READ = "minimax_failure"
"""`extensions` key under which a response keeps the failure its body reports."""


def reported_failure(
    response: httpx2.Response, *, json_body: bool = False
) -> Failure | None:
    """The failure a read response's body reports, parsed once per response.

    Args:
        response: A response whose body has been read.
        json_body: Whether the body must be JSON (it says it is).

    Returns:
        The failure, or `None` if the body reports none or is not JSON.

    Raises:
        json.JSONDecodeError: With `json_body`, for a body that is not JSON.
    """
    extensions = response.extensions
    if _READ not in extensions:
        extensions[_READ] = (
            read_failure(json.loads(response.content))
            if json_body
            else read_failure_bytes(response.content)
        )
    return cast("Failure | None", extensions[_READ])


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


def failure_response(
    response: httpx2.Response, failure: Failure, content: bytes
) -> httpx2.Response:
    """The HTTP error response equivalent to a failure reported with status 200.

    Args:
        response: The HTTP 200 response.
        failure: The failure its body (or first stream event) reports.
        content: The body (or the event's data) to keep.

    Returns:
        A response with the failure's equivalent status, `content` as its JSON
        body and the failure kept for `reported_failure`.
    """
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower()
        not in (
            "content-length",
            "content-encoding",
            "transfer-encoding",
            "content-type",
        )
    ]
    headers.append(("content-type", "application/json"))
    return type(response)(
        error_status(failure),
        headers=headers,
        content=content,
        request=response.request,
        extensions={_READ: failure._replace(in_body=True)},
    )


def error_status(failure: Failure) -> int:
    """The HTTP status equivalent to a failure reported inside an HTTP 200.

    Args:
        failure: A `base_resp` failure.

    Returns:
        The status of its case (401 for an auth failure, 429 for a rate limit,
        ...); 500 for a code this package does not know.
    """
    return _case(failure, None).status


def should_retry(
    response: httpx2.Response, openai_rules: Callable[[httpx2.Response], bool]
) -> bool:
    """Whether the `openai` client should retry after this error response.

    What the server said wins, as in the `openai` client: `x-should-retry:
    true` or `false`, and a `Retry-After` / `retry-after-ms` longer than the
    client waits (then it does not retry). When the server said neither and
    the failure carries a MiniMax code, MiniMax's verdict decides whatever
    the HTTP status: the `is_retryable` of the exception the failure becomes,
    so that what is retried and what the caller is told agree. Anything else
    follows the `openai` client's rules (HTTP 408, 409, 429 and 5xx).

    Args:
        response: The error response (a failure MiniMax reported inside an
            HTTP 200 has been given its equivalent status), its body read.
        openai_rules: The `openai` client's own decision for a response.

    Returns:
        Whether to retry.
    """
    verdict = openai_rules(response)
    failure = reported_failure(response)
    if failure is None or failure.code is None:
        return verdict
    if _server_decided(response, openai_rules):
        return verdict
    return _case(failure, response.status_code).error.is_retryable


def _server_decided(
    response: httpx2.Response, openai_rules: Callable[[httpx2.Response], bool]
) -> bool:
    """Whether the response's headers alone decide the `openai` client's verdict.

    The client's own rules are asked about the same headers on a status it
    never retries (400) and one it always retries (500): if the answer
    differs from the status's, the headers spoke. So the header rules stay
    the `openai` client's, whatever its version.
    """

    def verdict_on(status: int) -> bool:
        probe = type(response)(
            status, headers=response.headers, request=response.request
        )
        return openai_rules(probe)

    return verdict_on(400) or not verdict_on(500)


def _describe(failure: Failure | None, status: int, host: str, explanation: str) -> str:
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
    response: httpx2.Response,
    body: object,
    *,
    model: str,
    failure: Failure | None = None,
) -> MiniMaxAPIStatusError:
    """Build the exception for a MiniMax error response.

    Args:
        response: The HTTP response, its body read. A 200 whose body reports a
            `base_resp` failure has been given the equivalent status (see
            `failure_response`).
        body: The `openai` error body (kept as the exception's `body`).
        model: The model name, for the context-overflow message.
        failure: The failure, if already read; else the one the response
            reports (see `reported_failure`), else the one in `body`.

    Returns:
        The exception of the failure's case.
    """
    failure = failure or reported_failure(response) or read_failure(body)
    status = response.status_code
    case = _case(failure, status)
    host = response.request.url.host
    message = _describe(failure, status, host, case.explain(host, model))
    if failure is None:
        return case.error(message, response=response, body=body)
    return case.error(
        message,
        response=response,
        body=body,
        minimax_code=failure.code,
        minimax_message=failure.message,
        request_id=failure.request_id,
        in_body=failure.in_body,
    )
