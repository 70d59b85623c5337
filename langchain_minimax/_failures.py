"""MiniMax's failure reports: read from response bodies, built into exceptions.

The exception classes and the code table that picks one are in `errors.py`;
this module reads a report (`Failure`) from an error envelope, a `base_resp`
or a stream's first event, and builds the exception with its message.

Each body is parsed once: `reported_failure` keeps what it read on the
response, where the retry decision and the exception find it.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple, cast

import httpx2

from langchain_minimax.errors import (
    MiniMaxAPIStatusError,
    MiniMaxResponseError,
    _case,
)


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
