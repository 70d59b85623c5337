"""What the `openai` clients do with a response's bytes before the SDK reads them.

`MiniMaxOpenAI.send_request` (and its async twin) hand every response through
here, right after the HTTP request, before the SDK's retry decision:

* A body is read at once, decoded (gzip and the other encodings httpx
  knows), and checked: an HTTP 200 whose JSON body reports a MiniMax failure
  becomes the equivalent error response, so that the SDK's retries cover it;
  a body that is not JSON, not UTF-8 or nested too deeply raises
  `MiniMaxResponseError`.
* A stream is read until its first event with data, decoded likewise, so that
  a failure MiniMax reports there (as in a gzip-encoded stream as in a plain
  one) becomes an error response too; otherwise it is handed on, decoded, its
  first event included. Waiting for that event, the async client keeps one
  deadline, `stream_chunk_timeout`: keep-alive comments and bytes that
  trickle in do not restart it.

What one body or stream event may make the client hold is capped
(`MAX_BODY_BYTES`, `MAX_EVENT_BYTES`, decoded), and so is how much larger
than received a compressed response may decode (`MAX_DECOMPRESSION_RATIO`);
past a cap, `MiniMaxResponseError` says which. A stream's total is never
capped: a long answer is tens of megabytes of events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING

from langchain_minimax._failures import (
    EVENT_END,
    failure_response,
    first_event_data,
    read_failure_bytes,
    reported_failure,
)
from langchain_minimax._raising import first_event_timeout, request_context, reraise

if TYPE_CHECKING:
    import httpx2 as httpx

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest response body the client reads, decoded (64 MiB)."""

MAX_EVENT_BYTES = 64 * 1024 * 1024
"""The largest single stream event the client reads, decoded (64 MiB)."""

MAX_DECOMPRESSION_RATIO = 200
"""How many times larger than received a compressed response may decode.

Checked once more than `_RATIO_FLOOR` bytes are decoded. JSON compresses
about 5 to 20 times, a stream flushed event by event less; a gzip bomb
about a thousand times.
"""

_RATIO_FLOOR = 1024 * 1024

_PEEK_LIMIT = 64 * 1024
"""Stop looking for a failure in a stream's first event after this many bytes."""


_ENCODING_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class _Limits:
    """Counts what one response makes the client hold; raises past the caps."""

    __slots__ = ("compressed", "decoded", "event", "response", "tail")

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        encoding = response.headers.get("content-encoding", "identity")
        self.compressed = encoding.strip().lower() not in ("", "identity")
        self.decoded = 0
        self.event = 0
        self.tail = b""

    def body(self, piece: bytes) -> bytes:
        """Count a piece of a body; the piece."""
        self.decoded += len(piece)
        if self.decoded > MAX_BODY_BYTES:
            self._fail(
                f"MiniMax sent a response body of more than {MAX_BODY_BYTES} "
                "bytes (decoded), the most the client reads"
            )
        self._check_ratio()
        return piece

    def stream(self, piece: bytes) -> bytes:
        """Count a piece of a stream, per event; the piece."""
        self.decoded += len(piece)
        # The last bytes of the previous piece join it: an event's end (a
        # blank line) may be split between two pieces.
        data = self.tail + piece
        if self.event + len(piece) <= MAX_EVENT_BYTES:
            # No event that ends in this piece, nor the one still open, can be
            # past the cap: only where the open one starts is needed.
            end = _last_event_end(data)
            self.event = self.event + len(piece) if end is None else len(data) - end
        else:
            before = self.event - len(self.tail)
            start = 0
            for match in EVENT_END.finditer(data):
                self._check_event(before + match.start() - start)
                before, start = 0, match.end()
            self.event = before + len(data) - start
            self._check_event(self.event)
        self.tail = data[-3:]
        self._check_ratio()
        return piece

    def _check_event(self, size: int) -> None:
        if size > MAX_EVENT_BYTES:
            self._fail(
                f"MiniMax sent a stream event of more than {MAX_EVENT_BYTES} bytes "
                "(decoded), the most the client holds for one event"
            )

    def _check_ratio(self) -> None:
        if not self.compressed or self.decoded <= _RATIO_FLOOR:
            return
        received = self.response.num_bytes_downloaded
        if self.decoded > MAX_DECOMPRESSION_RATIO * received:
            self._fail(
                f"MiniMax's compressed response decodes to more than "
                f"{MAX_DECOMPRESSION_RATIO} times its size ({received} bytes "
                f"received, {self.decoded} decoded so far), the most the client "
                "accepts"
            )

    def _fail(self, problem: str) -> None:
        context = request_context(self.response.request)
        raise context.response_error(problem, None, self.response.request)


def _last_event_end(data: bytes) -> int | None:
    """Where the last event end (`EVENT_END`) in `data` ends, if there is one.

    The same position as the last of `EVENT_END.finditer(data)`, found without
    walking every event: the regex runs only over the last run of line ends.
    """
    last = max(data.rfind(b"\n\n"), data.rfind(b"\r\r"), data.rfind(b"\r\n\r\n"))
    if last < 0:
        return None
    run = len(data[:last].rstrip(b"\r\n"))
    *_, match = EVENT_END.finditer(data, run)
    return match.end()


def _is_stream(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return not response.is_error and content_type.startswith("text/event-stream")


def _is_json(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").split(";")[0]
    return content_type.endswith("json")


def _declared_within_cap(response: httpx.Response, limits: _Limits) -> bool:
    """Whether a plain body declares a length within `MAX_BODY_BYTES`.

    The HTTP layer then reads no more than that, so the body can be read as
    it is, without a copy.
    """
    length = response.headers.get("content-length", "")
    return (
        not limits.compressed
        and length.isdigit()
        and int(length) <= MAX_BODY_BYTES
        and not response.is_stream_consumed
    )


def _decoded(
    response: httpx.Response, content: bytes | Iterable[bytes] | AsyncIterator[bytes]
) -> httpx.Response:
    """`response` with `content` (decoded bytes) as its body."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in _ENCODING_HEADERS
    ]
    return type(response)(
        response.status_code,
        headers=headers,
        content=content,
        request=response.request,
        extensions=response.extensions,
    )


def _checked_body(response: httpx.Response) -> httpx.Response:
    """The response, or its error response if its JSON body reports a failure.

    Raises:
        MiniMaxResponseError: For an HTTP 200 whose JSON body cannot be decoded.
    """
    if response.is_error or not _is_json(response):
        return response
    try:
        failure = reported_failure(response, json_body=True)
    except (ValueError, RecursionError) as error:
        reraise(error, request_context(response.request))
    if failure is None:
        return response
    return failure_response(response, failure, response.content)


def _failure_in_stream(response: httpx.Response, head: bytes) -> httpx.Response | None:
    """The error response for a stream whose first event reports a failure."""
    data = first_event_data(head)
    failure = read_failure_bytes(data) if data is not None else None
    if data is None or failure is None:
        return None
    return failure_response(response, failure, data)


def checked_response(response: httpx.Response, *, stream: bool) -> httpx.Response:
    """A response as `MiniMaxOpenAI` hands it to the SDK (see the module doc).

    Args:
        response: The response, its body not read yet (or read in full by a
            mock transport).
        stream: Whether the SDK reads the body as a stream.

    Returns:
        The body read and decoded; a stream decoded, its first event read; an
        HTTP 200 that reports a failure as the equivalent error response.

    Raises:
        MiniMaxResponseError: For a body that cannot be decoded, or past a cap.
    """
    limits = _Limits(response)
    if not (stream and _is_stream(response)):
        if _declared_within_cap(response, limits):
            response.read()
            return _checked_body(response)
        try:
            content = b"".join(map(limits.body, response.iter_bytes()))
        finally:
            response.close()
        return _checked_body(_decoded(response, content))
    if response.is_stream_consumed:
        # Read in full already, e.g. by a mock or recording transport.
        return _failure_in_stream(response, response.content) or response
    pieces = map(limits.stream, response.iter_bytes())
    head = b""
    try:
        for piece in pieces:
            head += piece
            if first_event_data(head) is not None or len(head) > _PEEK_LIMIT:
                break
    except BaseException:
        response.close()
        raise
    failed = _failure_in_stream(response, head)
    if failed is not None:
        response.close()
        return failed

    def replay() -> Iterator[bytes]:
        # The `finally` also runs when a reader stops early and drops the
        # response: closing the replayed response does not reach this generator.
        try:
            yield head
            yield from pieces
        finally:
            response.close()

    return _decoded(response, replay())


async def achecked_response(
    response: httpx.Response, *, stream: bool, chunk_timeout: float | None
) -> httpx.Response:
    """The async counterpart of `checked_response`.

    Args:
        response: The response, its body not read yet.
        stream: Whether the SDK reads the body as a stream.
        chunk_timeout: Seconds to wait for a stream's first event, one
            deadline for the whole wait; `None` or 0 for no limit.

    Returns:
        As `checked_response`.

    Raises:
        MiniMaxResponseError: For a body that cannot be decoded, or past a cap.
        MiniMaxStreamChunkTimeoutError: When a stream's first event does not
            arrive within `chunk_timeout`.
    """
    limits = _Limits(response)
    if not (stream and _is_stream(response)):
        if _declared_within_cap(response, limits):
            await response.aread()
            return _checked_body(response)
        try:
            content = b"".join([limits.body(p) async for p in response.aiter_bytes()])
        finally:
            await response.aclose()
        return _checked_body(_decoded(response, content))
    if response.is_stream_consumed:
        return _failure_in_stream(response, response.content) or response

    async def counted() -> AsyncIterator[bytes]:
        async for piece in response.aiter_bytes():
            yield limits.stream(piece)

    pieces = counted()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + chunk_timeout if chunk_timeout else None
    head = b""
    try:
        while first_event_data(head) is None and len(head) <= _PEEK_LIMIT:
            wait = None if deadline is None else max(deadline - loop.time(), 0.0)
            try:
                head += await asyncio.wait_for(pieces.__anext__(), wait)
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError as error:
                raise first_event_timeout(response, chunk_timeout or 0.0) from error
    except BaseException:
        await response.aclose()
        raise
    failed = _failure_in_stream(response, head)
    if failed is not None:
        await response.aclose()
        return failed

    async def replay() -> AsyncIterator[bytes]:
        try:
            yield head
            async for piece in pieces:
                yield piece
        finally:
            await response.aclose()

    return _decoded(response, replay())
