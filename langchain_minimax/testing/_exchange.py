"""What passes between the emulator and its HTTP server: a request, an answer.

The server (`_server.py`) reads a request's bytes into a `Request`, hands it
to `MiniMaxEmulator.answer`, which decides everything without touching a
socket, and writes the returned `Answer`'s bytes as its delivery fields say
(a wait, pauses between events, frame sizes, a cut connection).
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from langchain_minimax.testing._render import error_envelope
from langchain_minimax.testing._script import dumps

__all__ = [
    "DONE_EVENT",
    "Answer",
    "Request",
    "error_answer",
    "events",
    "gzipped",
    "hex_id",
    "json_answer",
]

DONE_EVENT = b"data: [DONE]\n\n"
"""The `data: [DONE]` marker that ends a stream."""


@dataclass(frozen=True)
class Request:
    """One HTTP request as the server read it.

    Attributes:
        method: The HTTP method, e.g. `"POST"`.
        path: The request target as sent.
        headers: Header names lower-cased (a repeated header keeps its last
            value).
        raw: The body bytes (empty when `problem` is set).
        problem: Why the request could not be read, e.g. bad chunked
            encoding or a body over the size limit; `None` for a readable one.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    raw: bytes
    problem: str | None = None


@dataclass(frozen=True)
class Answer:
    r"""What the server sends back, and how.

    Attributes:
        status: The HTTP status.
        headers: Headers beyond `Content-Type`, `Content-Length` (or
            `Transfer-Encoding`) and `Cache-Control`, which the server sets.
        body: The JSON body, when `events` is `None`.
        events: Server-sent events in wire form (`data: ...\n\n`), written
            one by one as the iterator yields them; `None` for a JSON body.
        trailer: Bytes written after the last event without a pause (the
            `[DONE]` marker); not written when `cut`.
        delay: Seconds to wait before the first byte.
        event_delay: Seconds to wait before every event after the first.
        frame_bytes: Write a stream in socket writes (and HTTP chunks) of this
            many bytes; `None` batches whole events.
        frame_delay: Seconds to wait before every frame after the first (with
            `frame_bytes`: bytes dripped slowly).
        content_length: The `Content-Length` to declare when it is not
            `len(body)` (a body cut short).
        cut: Drop the connection after what was sent, without ending the
            body or stream properly.
        close_delimited: Declare no length and no chunked encoding: the body
            or stream ends when the connection closes.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: Iterable[bytes] | None = None
    trailer: bytes = b""
    delay: float = 0.0
    event_delay: float = 0.0
    frame_bytes: int | None = None
    frame_delay: float = 0.0
    content_length: int | None = None
    cut: bool = False
    close_delimited: bool = False


def gzipped(answer: Answer) -> Answer:
    """The same answer compressed with gzip (`Content-Encoding: gzip`).

    A body is compressed as a whole; events lazily as one gzip stream, flushed
    after each event so that each still arrives on its own, the trailer
    (unless the answer is cut) and the gzip end included.

    Args:
        answer: The answer to compress.

    Returns:
        The compressed answer.
    """
    headers = {**answer.headers, "Content-Encoding": "gzip"}
    if answer.events is None:
        return dataclasses.replace(
            answer,
            headers=headers,
            body=gzip.compress(answer.body),
            content_length=None,
        )

    def compressed(events: Iterable[bytes]) -> Iterator[bytes]:
        packer = zlib.compressobj(wbits=31)
        for event in events:
            yield packer.compress(event) + packer.flush(zlib.Z_SYNC_FLUSH)
        if not answer.cut:
            yield packer.compress(answer.trailer) + packer.flush()

    return dataclasses.replace(
        answer, headers=headers, events=compressed(answer.events), trailer=b""
    )


def hex_id() -> str:
    """Return a fresh request or completion id (32 hex digits)."""
    return os.urandom(16).hex()


def json_answer(
    status: int, obj: object, headers: Mapping[str, str], *, delay: float = 0.0
) -> Answer:
    """Answer with a JSON body.

    Args:
        status: The HTTP status.
        obj: The object to serialize.
        headers: Extra response headers.
        delay: Seconds before the first byte.

    Returns:
        The answer.
    """
    return Answer(status, headers, dumps(obj).encode("utf-8"), delay=delay)


def error_answer(
    status: int,
    error_type: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    *,
    delay: float = 0.0,
) -> Answer:
    """Answer with MiniMax's HTTP error envelope.

    Args:
        status: The HTTP status, also the envelope's `http_code`.
        error_type: `error.type`, e.g. `bad_request_error`.
        message: `error.message`, with its ` (code)` suffix if any.
        headers: Extra response headers.
        delay: Seconds before the first byte.

    Returns:
        The answer.
    """
    envelope = error_envelope(status, error_type, message, hex_id())
    return json_answer(status, envelope, headers or {}, delay=delay)


def events(
    chunks: Iterable[str], *, after_first: bytes = b"", limit: int | None = None
) -> Iterator[bytes]:
    r"""Frame JSON chunks as server-sent events, lazily.

    Args:
        chunks: Serialized chunk objects.
        after_first: Bytes sent together with the first event (a malformed
            event).
        limit: Stop after this many chunks; `None` for all.

    Yields:
        `data: <chunk>\n\n`, one item per chunk.
    """
    for count, chunk in enumerate(chunks):
        if limit is not None and count >= limit:
            return
        event = b"data: " + chunk.encode("utf-8") + b"\n\n"
        yield event + after_first if count == 0 else event
