"""The HTTP side of the emulator.

Imported only when an emulator starts, because `http.server` is slow to import.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import os
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from langchain_minimax.testing._faults import (
    CutStream,
    ErrorFault,
    Fault,
    HTTPError,
    InBodyError,
    MalformedJSON,
    NoFinishReason,
    StalledStream,
)
from langchain_minimax.testing._render import (
    error_envelope,
    in_body_error,
    render_completion,
    render_stream,
)
from langchain_minimax.testing._script import RecordedRequest, Reply, dumps
from langchain_minimax.testing._validation import MULTIMODAL_MODELS, validate_request

if TYPE_CHECKING:
    from langchain_minimax.testing._emulator import MiniMaxEmulator

__all__ = ["EmulatorServer"]

_ENDPOINTS = frozenset({"/v1/chat/completions", "/chat/completions"})
_FLUSH_BYTES = 64 * 1024
_AUTH_MESSAGE = (
    "login fail: Please carry the API secret key in the 'Authorization' field of "
    "the request header (1004)"
)
_MALFORMED_BODY = b'{"id": "x", "choices": ['
_MALFORMED_EVENT = b"data: {not json\n\n"
_DONE_EVENT = b"data: [DONE]\n\n"


def _hex_id() -> str:
    return os.urandom(16).hex()


def _pause(seconds: float) -> None:
    """Sleep for a fault's delay; no call at all without one.

    `time.sleep(0)` is not free: it gives up the GIL and the CPU, which on a
    busy machine adds a scheduling delay to every request.
    """
    if seconds > 0:
        time.sleep(seconds)


class EmulatorServer(http.server.ThreadingHTTPServer):
    """A threading HTTP/1.1 server that knows its emulator and connections."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: MiniMaxEmulator) -> None:
        """Bind and listen on `address` for `emulator`."""
        self.emulator = emulator
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
    HTTP/1.1, its own HTTP chunk.
    """

    def __init__(
        self,
        write: Callable[[bytes], object],
        head: bytes,
        chunked: bool,
        frame_bytes: int | None = None,
    ) -> None:
        self._write = write
        self._head = head
        self._chunked = chunked
        self._frame_bytes = frame_bytes
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
                self._write(self._head + frame)
                self._head = b""

    def close(self) -> None:
        self.flush()
        if self._chunked:
            self._write(b"0\r\n\r\n")


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the chat-completions endpoint for `EmulatorServer.emulator`."""

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
    ) -> None:
        headers = {
            "Content-Type": content_type,
            "Content-Length": str(len(data) if length is None else length),
        }
        headers.update(extra)
        self.wfile.write(self._head(status, headers) + data)

    def _send_json(self, status: int, obj: Any, extra: Mapping[str, str]) -> None:
        self._send_bytes(status, dumps(obj).encode("utf-8"), extra)

    def _send_error_envelope(
        self, status: int, error_type: str, message: str, extra: Mapping[str, str]
    ) -> None:
        envelope = error_envelope(status, error_type, message, _hex_id())
        self._send_json(status, envelope, extra)

    def _stream_writer(
        self, extra: Mapping[str, str], frame_bytes: int | None = None
    ) -> _StreamWriter:
        chunked = self.request_version != "HTTP/1.0"
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        else:
            self.close_connection = True
        headers.update(extra)
        return _StreamWriter(
            self.wfile.write, self._head(200, headers), chunked, frame_bytes
        )

    def _cut(self) -> None:
        """Drop the connection now (the peer sees an incomplete response)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- request handling ------------------------------------------------------

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                self.close_connection = True
                return b""
            return self.rfile.read(size) if size > 0 else b""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        return b""

    def _handle(self) -> None:
        self._headers_sent = False
        try:
            self._dispatch()
        except OSError:
            self.close_connection = True
            raise
        except Exception as exc:
            self.close_connection = True
            if not self._headers_sent:
                message = f"emulator error: {type(exc).__name__}: {exc}"
                self._send_error_envelope(500, "api_error", message, {})
            raise

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        raw = self._read_body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        parsed: Any = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
        body = parsed if isinstance(parsed, dict) else None

        def record(status: int) -> None:
            emulator._record(
                RecordedRequest(self.command, self.path, headers, body, raw, status)
            )

        path = self.path.split("?", 1)[0]
        if self.command != "POST" or path not in _ENDPOINTS:
            record(404)
            self._send_error_envelope(404, "not_found_error", "404 page not found", {})
            return
        if not emulator._authorized(headers.get("authorization")):
            record(401)
            self._send_error_envelope(401, "authorized_error", _AUTH_MESSAGE, {})
            return

        fault = emulator._pop_fault()
        extra = fault.headers if fault is not None else {}
        delay = fault.delay if fault is not None else 0.0
        stream = body is not None and body.get("stream") is True
        if isinstance(fault, (HTTPError, InBodyError)):
            self._send_fault(fault, body, stream, record)
            return

        error = validate_request(
            parsed,
            models=emulator.models,
            context_limit_tokens=emulator.context_limit_tokens,
        )
        if error is not None or body is None:
            record(400)
            _pause(delay)
            message = error or "invalid params (2013)"
            self._send_error_envelope(400, "bad_request_error", message, extra)
            return

        if isinstance(fault, MalformedJSON) and not stream:
            record(200)
            _pause(delay)
            self._send_bytes(200, _MALFORMED_BODY, extra)
            return

        try:
            reply = emulator._next_reply(body)
            if isinstance(reply, Fault) and not reply.replaces_answer:
                raise TypeError(
                    f"responder returned {type(reply).__name__}, which damages an"
                    " answer; a responder may return HTTPError or InBodyError"
                )
            if not isinstance(reply, (Reply, HTTPError, InBodyError)):
                raise TypeError(f"responder returned {type(reply).__name__}")
            thinking = body.get("thinking")
            if (
                isinstance(reply, Reply)
                and body.get("model") in MULTIMODAL_MODELS
                and isinstance(thinking, dict)
                and thinking.get("type") == "disabled"
            ):
                reply = dataclasses.replace(reply, reasoning="")
            if isinstance(reply, Reply):
                limit = body.get("max_completion_tokens", body.get("max_tokens"))
                reply = reply.within_token_limit(limit)
            for call in reply.tool_calls if isinstance(reply, Reply) else []:
                call.arguments_json()
        except Exception as exc:
            record(500)
            _pause(delay)
            message = f"emulator responder failed: {type(exc).__name__}: {exc}"
            self._send_error_envelope(500, "api_error", message, extra)
            return
        if not isinstance(reply, Reply):
            self._send_fault(reply, body, stream, record)
            return

        tool_call_ids = emulator._tool_call_ids(reply)
        completion_id = _hex_id()
        created = int(time.time())
        finish = not isinstance(fault, NoFinishReason)
        cut = fault.after_chunks if isinstance(fault, CutStream) else None
        record(200)
        _pause(delay)
        if not stream:
            completion = render_completion(
                reply,
                body,
                completion_id=completion_id,
                created=created,
                tool_call_ids=tool_call_ids,
                finish=finish,
            )
            data = dumps(completion).encode("utf-8")
            if cut is None:
                self._send_bytes(200, data, extra)
            else:
                self._send_bytes(200, data[: len(data) // 2], extra, length=len(data))
                self._cut()
            return
        chunks = render_stream(
            reply,
            body,
            completion_id=completion_id,
            created=created,
            tool_call_ids=tool_call_ids,
            chunk_size=emulator.chunk_size,
            finish=finish,
        )
        malformed = isinstance(fault, MalformedJSON)
        pause = fault.chunk_delay if isinstance(fault, StalledStream) else 0.0
        self._stream(
            chunks,
            self._stream_writer(extra, reply.frame_bytes),
            cut_after=cut,
            malformed=malformed,
            pause=pause,
            done_marker=reply.done_marker,
        )

    def _stream(
        self,
        chunks: Iterator[str],
        writer: _StreamWriter,
        *,
        cut_after: int | None,
        malformed: bool,
        pause: float,
        done_marker: bool,
    ) -> None:
        for count, chunk in enumerate(chunks):
            if cut_after is not None and count >= cut_after:
                break
            if count and pause:
                writer.flush()
                time.sleep(pause)
            writer.write(b"data: " + chunk.encode("utf-8") + b"\n\n")
            if count == 0:
                if malformed:
                    writer.write(_MALFORMED_EVENT)
                writer.flush()
        else:
            if cut_after is None:
                if done_marker:
                    writer.write(_DONE_EVENT)
                writer.close()
                return
        writer.flush()
        self._cut()

    def _send_fault(
        self,
        fault: ErrorFault,
        body: dict[str, Any] | None,
        stream: bool,
        record: Callable[[int], None],
    ) -> None:
        if isinstance(fault, HTTPError):
            record(fault.status)
            _pause(fault.delay)
            self._send_error_envelope(
                fault.status, fault.error_type, fault.full_message(), fault.headers
            )
            return
        record(200)
        _pause(fault.delay)
        native = in_body_error(
            fault,
            body.get("model") if body is not None else None,
            completion_id=_hex_id(),
            created=int(time.time()),
        )
        if not stream:
            self._send_json(200, native, fault.headers)
            return
        writer = self._stream_writer(fault.headers)
        writer.write(b"data: " + dumps(native).encode("utf-8") + b"\n\n")
        writer.close()
