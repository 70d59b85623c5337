"""The failures the emulator can inject, one small type per kind.

Two kinds replace the answer with an error (`HTTPError`, `InBodyError`) and
one with exact bytes (`RawAnswer`); the others damage or slow down a normal
answer (`CutStream`, `MalformedJSON`, `NoFinishReason`, `StalledStream`,
`SlowResponse`, `KeepAlive`, `DrippedStream`, `InvalidUTF8`, `DeepJSON`).
Every kind accepts the fields all faults share, as keywords: `delay`,
`headers`, `times` and `gzip`.

Error codes and messages follow MiniMax's error-code table
(https://platform.minimax.io/docs/api-reference/errorcode).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CutStream",
    "DeepJSON",
    "DrippedStream",
    "ErrorFault",
    "Fault",
    "HTTPError",
    "InBodyError",
    "InvalidUTF8",
    "KeepAlive",
    "MalformedJSON",
    "NoFinishReason",
    "RawAnswer",
    "SlowResponse",
    "StalledStream",
]

_ERROR_TYPES = {
    400: "bad_request_error",
    401: "authorized_error",
    429: "rate_limit_error",
}

_CODE_MESSAGES = {
    1000: "unknown error",
    1001: "request timeout",
    1002: "rate limit exceeded",
    1004: "login fail",
    1008: "insufficient balance",
    1013: "internal service error",
    1024: "internal service error",
    1026: "input new_sensitive",
    1027: "output new_sensitive",
    1039: "token limit",
    1041: "conn limit",
    2013: "invalid params",
    2045: "rate growth limit",
    2049: "invalid api key",
    2056: "usage limit exceeded",
}


def _fail(fault: object, message: str) -> None:
    raise ValueError(f"{type(fault).__name__}: {message}")


@dataclass(kw_only=True)
class Fault:
    """The fields every fault kind shares; use one of the kinds, not this class.

    Faults sit in their own FIFO queue (`MiniMaxEmulator.add_fault`). For each
    authorized request the head fault is applied and its `times` counter
    decremented, *before* the request is validated and before any reply is
    taken. Requests rejected by authentication do not consume faults.

    Attributes:
        delay: Seconds to wait before the first byte of the response
            (default 0).
        headers: Extra HTTP response headers (default none).
        times: How many requests the fault applies to (default 1).
        gzip: Compress the response with gzip (`Content-Encoding: gzip`): a
            body as a whole, a stream as one gzip stream flushed after each
            event (default False).

    Raises:
        TypeError: When `Fault` itself is instantiated.
        ValueError: For a negative `delay` or `times` below 1.
    """

    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    gzip: bool = False

    def __post_init__(self) -> None:
        if type(self) is Fault:
            msg = (
                "Fault is the base of the fault kinds: use HTTPError, "
                "InBodyError, RawAnswer, CutStream, MalformedJSON, "
                "NoFinishReason, StalledStream, SlowResponse, KeepAlive, "
                "DrippedStream, InvalidUTF8 or DeepJSON."
            )
            raise TypeError(msg)
        if self.times < 1:
            _fail(self, f"times={self.times!r} must be at least 1")
        if self.delay < 0:
            _fail(self, f"delay={self.delay!r} must not be negative")

    @property
    def replaces_answer(self) -> bool:
        """Whether the fault answers instead of the model (an error fault).

        Error faults answer at once and skip validation; the other kinds
        damage a normal answer, so the request is validated first and a reply
        is consumed.

        Returns:
            True for `HTTPError` and `InBodyError`.
        """
        return False


@dataclass
class HTTPError(Fault):
    """An HTTP error status with MiniMax's error envelope.

    The body is `{"type": "error", "error": {"type", "message", "http_code"},
    "request_id"}`, as the service sends it.

    Attributes:
        status: The HTTP status, 400 to 599.
        code: MiniMax error code (e.g. 1002 rate limit, 1004 auth, 1008
            balance, 2013 invalid params), appended to the message as
            ` (code)`; `None` sends no code.
        message: The error message; empty means a generic message for `code`.
        error_type: `error.type`; empty derives it from `status`: 400
            `bad_request_error`, 401 `authorized_error`, 429
            `rate_limit_error`, anything else `api_error`.

    Raises:
        ValueError: For a `status` outside 400 to 599.

    Example:
        ```python
        from langchain_minimax.testing import HTTPError

        HTTPError(429, code=1002, message="rate limit exceeded", times=2)
        ```
    """

    status: int = 500
    code: int | None = None
    message: str = ""
    error_type: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 400 <= self.status <= 599:
            hint = " (a slow success is SlowResponse)" if self.status == 200 else ""
            _fail(self, f"status={self.status!r} must be 400 to 599{hint}")
        if not self.error_type:
            self.error_type = _ERROR_TYPES.get(self.status, "api_error")

    @property
    def replaces_answer(self) -> bool:
        """True: the error is the answer."""
        return True

    def full_message(self) -> str:
        """Return the message as sent in the envelope, with ` (code)`.

        Returns:
            `message` (or the generic one) plus ` (code)` when `code` is set.
        """
        plain = _plain_message(self.message, self.code)
        return plain if self.code is None else f"{plain} ({self.code})"


@dataclass
class InBodyError(Fault):
    """A failure reported MiniMax-native style inside an HTTP 200.

    The body has `choices: null`, `usage: null` and
    `base_resp: {"status_code": code, "status_msg": message}`. A streaming
    request gets the same object as a single SSE event (no `[DONE]`).

    Attributes:
        code: The non-zero MiniMax error code (default 1000).
        message: `base_resp.status_msg`; empty means a generic message for
            `code`.

    Raises:
        ValueError: For `code=0`, which means success.

    Example:
        ```python
        from langchain_minimax.testing import InBodyError

        InBodyError(code=1008, message="insufficient balance")
        ```
    """

    code: int = 1000
    message: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.code == 0:
            _fail(self, "code=0 means success; use a non-zero MiniMax error code")

    @property
    def replaces_answer(self) -> bool:
        """True: the error is the answer."""
        return True

    def status_msg(self) -> str:
        """Return `base_resp.status_msg`.

        Returns:
            `message`, or the generic message for `code`.
        """
        return _plain_message(self.message, self.code)


@dataclass
class CutStream(Fault):
    """Close the connection abruptly partway through the next answer.

    A stream gets `after_chunks` chunks of the next reply, then the
    connection closes (no `[DONE]`, no final zero-length HTTP chunk). A
    non-streaming request gets the headers and the first half of the body.

    Attributes:
        after_chunks: Chunks sent before the cut (0 or more).

    Raises:
        ValueError: For a negative `after_chunks`.

    Example:
        ```python
        from langchain_minimax.testing import CutStream

        CutStream(after_chunks=3)
        ```
    """

    after_chunks: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.after_chunks < 0:
            _fail(self, f"after_chunks={self.after_chunks!r} must not be negative")


@dataclass
class MalformedJSON(Fault):
    """Send JSON that does not parse.

    Non-streaming: HTTP 200 with the body `{"id": "x", "choices": [` (no reply
    is consumed). Streaming: the first chunk of the next reply, then
    `data: {not json`, then the rest of the stream and `[DONE]`.
    """


@dataclass
class NoFinishReason(Fault):
    """Send the next answer without any `finish_reason`."""


@dataclass
class StalledStream(Fault):
    """Stream the next reply with a pause before every chunk after the first.

    For read and stream-chunk timeouts. A non-streaming request gets the reply
    normally.

    Attributes:
        chunk_delay: Seconds of the pause, more than 0.

    Raises:
        ValueError: For a `chunk_delay` of 0 or less.

    Example:
        ```python
        from langchain_minimax.testing import StalledStream

        StalledStream(chunk_delay=2.0)
        ```
    """

    chunk_delay: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.chunk_delay <= 0:
            _fail(self, f"chunk_delay={self.chunk_delay!r} must be more than 0")


@dataclass
class SlowResponse(Fault):
    """Answer normally after `delay` seconds (with any extra `headers`).

    Raises:
        ValueError: Without a `delay` or `headers`, which would change nothing.

    Example:
        ```python
        from langchain_minimax.testing import SlowResponse

        SlowResponse(delay=2.0)
        ```
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.delay == 0 and not self.headers:
            _fail(self, "give a delay or headers (with neither it changes nothing)")


@dataclass
class KeepAlive(Fault):
    """Send SSE keep-alive comments (`: keep-alive`) in the next stream.

    `count` comment events come after `after_chunks` chunks of the reply, as
    gateways send them while a model is silent; every event after the first,
    comments included, comes `interval` seconds after the one before. A
    non-streaming request gets the reply normally.

    Attributes:
        count: How many comments (1 or more).
        interval: Seconds between events, more than 0.
        after_chunks: Chunks sent before the comments (0 or more).

    Raises:
        ValueError: For a `count` below 1, an `interval` of 0 or less, or a
            negative `after_chunks`.

    Example:
        ```python
        from langchain_minimax.testing import KeepAlive

        KeepAlive(count=20, interval=0.1)
        ```
    """

    count: int = 10
    interval: float = 0.1
    after_chunks: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.count < 1:
            _fail(self, f"count={self.count!r} must be at least 1")
        if self.interval <= 0:
            _fail(self, f"interval={self.interval!r} must be more than 0")
        if self.after_chunks < 0:
            _fail(self, f"after_chunks={self.after_chunks!r} must not be negative")


@dataclass
class DrippedStream(Fault):
    """Stream the next reply one byte at a time, `byte_delay` seconds apart.

    Every byte restarts a client's read timeout, so only a deadline bounds
    the wait. A non-streaming request gets the reply normally.

    Attributes:
        byte_delay: Seconds between bytes, more than 0.

    Raises:
        ValueError: For a `byte_delay` of 0 or less.

    Example:
        ```python
        from langchain_minimax.testing import DrippedStream

        DrippedStream(byte_delay=0.01)
        ```
    """

    byte_delay: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.byte_delay <= 0:
            _fail(self, f"byte_delay={self.byte_delay!r} must be more than 0")


@dataclass
class InvalidUTF8(Fault):
    """Put a byte that is not UTF-8 (0xFF) into the next answer.

    It goes into the body's first string value (non-streaming) or into the
    first event's first string value (streaming); the rest is as usual.
    """


@dataclass
class DeepJSON(Fault):
    """Answer with JSON nested `depth` levels deep.

    The body (non-streaming) or the first event (streaming; the reply's
    events follow) is `{"choices": [[[...]]]}`, valid JSON that a recursive
    parser cannot read. No reply is consumed for a non-streaming request.

    Attributes:
        depth: How many lists are nested, 1 or more.

    Raises:
        ValueError: For a `depth` below 1.
    """

    depth: int = 100_000

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.depth < 1:
            _fail(self, f"depth={self.depth!r} must be at least 1")


@dataclass
class RawAnswer(Fault):
    r"""Answer with exactly these bytes, instead of the model (for hostile bytes).

    No reply is consumed and the request is not validated.

    Attributes:
        status: The HTTP status (default 200).
        body: The body, sent as given, when `events` is `None`.
        events: Server-sent events in wire form (`b"data: ...\n\n"`), sent as
            given, one socket write each; `None` for a body.
        content_type: The `Content-Type`; empty means `application/json` for
            a body and `text/event-stream` for events.
        close_delimited: Send no `Content-Length` and no chunked encoding:
            the body (or stream) ends when the server closes the connection.

    Example:
        ```python
        from langchain_minimax.testing import RawAnswer

        RawAnswer(body=b'{"id": "\xff"}', close_delimited=True)
        ```
    """

    status: int = 200
    body: bytes = b""
    events: list[bytes] | None = None
    content_type: str = ""
    close_delimited: bool = False

    @property
    def replaces_answer(self) -> bool:
        """True: the bytes are the answer."""
        return True


ErrorFault = HTTPError | InBodyError
"""The faults a responder may answer with (they fail that request alone)."""


def _plain_message(message: str, code: int | None) -> str:
    if message:
        return message
    if code is not None:
        return _CODE_MESSAGES.get(code, "error")
    return "internal server error"
