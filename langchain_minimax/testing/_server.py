"""The HTTP side of the emulator.

Imported only when an emulator starts, because `http.server` is slow to import.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from langchain_minimax.testing._exchange import Answer, Request, error_answer

__all__ = ["MAX_BODY_BYTES", "EmulatorServer"]

_FLUSH_BYTES = 64 * 1024
_LINE_BYTES = 65537
_TRAILER_LINES = 100
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_DIGITS = re.compile(r"[0-9]{1,30}")

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest request body read (64 MiB); a larger one is answered with 400."""


class _Unreadable(Exception):
    """A request body whose framing is broken or that is too large."""


def _too_large(size: int) -> str:
    return f"request body of {size} bytes is too large (at most {MAX_BODY_BYTES})"


def _pause(seconds: float) -> None:
    """Sleep for a fault's delay; no call at all without one.

    `time.sleep(0)` is not free: it gives up the GIL and the CPU, which on a
    busy machine adds a scheduling delay to every request.
    """
    if seconds > 0:
        time.sleep(seconds)


class EmulatorServer(http.server.ThreadingHTTPServer):
    """A threading HTTP/1.1 server that delivers what `answer` decides.

    It only moves bytes: each request is read into a `Request`, `answer`
    (the emulator's `answer` method) decides the `Answer`, and the handler
    writes it, with the answer's delays, frames and cuts.
    """

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], answer: Callable[[Request], Answer]
    ) -> None:
        """Bind and listen on `address`, answering with `answer`."""
        self.answer = answer
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup `HTTPServer` does."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Handle one connection, tracking it so `stop()` can close it."""
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        """Shut down every open client connection (idle keep-alive included)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away; report real bugs to stderr."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _StreamWriter:
    """Buffers SSE bytes and writes them in batches, HTTP-chunked if needed.

    With `frame_bytes`, every event is written at once, in pieces of that
    many bytes (the last one shorter), each its own socket write and, on
    HTTP/1.1, its own HTTP chunk; `frame_delay` seconds before each piece
    after the first.
    """

    def __init__(
        self,
        write: Callable[[bytes], object],
        head: bytes,
        chunked: bool,
        frame_bytes: int | None = None,
        frame_delay: float = 0.0,
    ) -> None:
        self._write = write
        self._head = head
        self._chunked = chunked
        self._frame_bytes = frame_bytes
        self._frame_delay = frame_delay
        self._buffer: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        self._buffer.append(data)
        self._size += len(data)
        if self._size >= _FLUSH_BYTES or self._frame_bytes:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self._buffer)
        self._buffer.clear()
        self._size = 0
        frames = [data]
        if self._frame_bytes:
            size = self._frame_bytes
            frames = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
        for frame in frames:
            if self._chunked and frame:
                frame = b"%x\r\n%b\r\n" % (len(frame), frame)
            if self._head or frame:
                if self._frame_delay and not self._head:
                    time.sleep(self._frame_delay)
                self._write(self._head + frame)
                self._head = b""

    def close(self) -> None:
        self.flush()
        if self._chunked:
            self._write(b"0\r\n\r\n")


class _Handler(http.server.BaseHTTPRequestHandler):
    """Reads requests and writes the answers `EmulatorServer.answer` decides."""

    protocol_version = "HTTP/1.1"
    server_version = "MiniMaxEmulator"
    sys_version = ""
    disable_nagle_algorithm = True
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing (the default writes a line per request to stderr)."""

    def do_POST(self) -> None:
        """Handle a POST request."""
        self._handle()

    do_GET = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_POST

    # -- low-level output --------------------------------------------------

    def _head(self, status: int, headers: Mapping[str, str]) -> bytes:
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"HTTP/1.1 {status} {reason}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        self._headers_sent = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send_bytes(
        self,
        status: int,
        data: bytes,
        extra: Mapping[str, str],
        *,
        content_type: str = "application/json; charset=utf-8",
        length: int | None = None,
        close_delimited: bool = False,
    ) -> None:
        headers = {"Content-Type": content_type}
        if close_delimited:
            self.close_connection = True
        else:
            headers["Content-Length"] = str(len(data) if length is None else length)
        headers.update(extra)
        self.wfile.write(self._head(status, headers) + data)

    def _stream_writer(self, answer: Answer) -> _StreamWriter:
        extra = answer.headers
        chunked = self.request_version != "HTTP/1.0" and not answer.close_delimited
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        else:
            self.close_connection = True
        headers.update(extra)
        return _StreamWriter(
            self.wfile.write,
            self._head(answer.status, headers),
            chunked,
            answer.frame_bytes,
            answer.frame_delay,
        )

    def _cut(self) -> None:
        """Drop the connection now (the peer sees an incomplete response)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- request handling ------------------------------------------------------

    def _read_body(self) -> bytes:
        """Read the body as its framing says.

        Raises:
            _Unreadable: When the framing is broken or the body too large.
        """
        length = self.headers.get("Content-Length")
        if length is not None:
            if not _DIGITS.fullmatch(length.strip()):
                raise _Unreadable(f"invalid Content-Length: {length[:40]!r}")
            size = int(length)
            if size > MAX_BODY_BYTES:
                raise _Unreadable(_too_large(size))
            data = self.rfile.read(size) if size else b""
            if len(data) < size:
                raise _Unreadable(f"body ended after {len(data)} of {size} bytes")
            return data
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        return b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_LINE_BYTES)
            size_field = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not _HEX.fullmatch(size_field):
                shown = line[:40].decode("latin-1")
                raise _Unreadable(f"invalid chunked encoding: chunk size {shown!r}")
            size = int(size_field, 16)
            if size == 0:
                for _ in range(_TRAILER_LINES):
                    if self.rfile.readline(_LINE_BYTES) in (b"\r\n", b"\n", b""):
                        return b"".join(parts)
                raise _Unreadable("invalid chunked encoding: endless trailer")
            total += size
            if total > MAX_BODY_BYTES:
                raise _Unreadable(_too_large(total))
            data = self.rfile.read(size)
            if len(data) < size or self.rfile.readline(_LINE_BYTES) not in (
                b"\r\n",
                b"\n",
            ):
                raise _Unreadable("invalid chunked encoding: a chunk ended early")
            parts.append(data)

    def _request(self) -> Request:
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            raw = self._read_body()
        except _Unreadable as problem:
            # The rest of the body cannot be told from the next request.
            self.close_connection = True
            return Request(self.command, self.path, headers, b"", str(problem))
        return Request(self.command, self.path, headers, raw)

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """Answer a request `http.server` could not parse, through the emulator.

        Called for a broken request line or headers, or an unknown method;
        the emulator answers it like any unreadable request.
        """
        self.close_connection = True
        headers = getattr(self, "headers", None)
        request = Request(
            self.command or "",
            getattr(self, "path", "") or "",
            {name.lower(): value for name, value in (headers or {}).items()},
            b"",
            message or self.responses.get(code, ("bad request",))[0],
        )
        self._headers_sent = False
        self._deliver(self.server.answer(request))

    def _handle(self) -> None:
        self._headers_sent = False
        try:
            self._deliver(self.server.answer(self._request()))
        except OSError:
            self.close_connection = True
            raise
        except Exception as exc:
            self.close_connection = True
            if not self._headers_sent:
                message = f"emulator error: {type(exc).__name__}: {exc}"
                answer = error_answer(500, "api_error", message)
                self._send_bytes(answer.status, answer.body, answer.headers)
            raise

    def _deliver(self, answer: Answer) -> None:
        _pause(answer.delay)
        if answer.events is None:
            self._send_bytes(
                answer.status,
                answer.body,
                answer.headers,
                length=answer.content_length,
                close_delimited=answer.close_delimited,
            )
            if answer.cut:
                self._cut()
            return
        writer = self._stream_writer(answer)
        for count, event in enumerate(answer.events):
            if count and answer.event_delay:
                writer.flush()
                time.sleep(answer.event_delay)
            writer.write(event)
            if count == 0:
                writer.flush()
        if answer.cut:
            writer.flush()
            self._cut()
            return
        if answer.trailer:
            writer.write(answer.trailer)
        writer.close()
