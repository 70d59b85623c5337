"""The `MiniMaxEmulator` object: scripted state plus a background HTTP server."""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
import itertools
import json
import re
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from langchain_minimax.testing._exchange import (
    DONE_EVENT,
    Answer,
    Request,
    error_answer,
    events,
    gzipped,
    hex_id,
    json_answer,
)
from langchain_minimax.testing._faults import (
    CutStream,
    DeepJSON,
    DrippedStream,
    ErrorFault,
    Fault,
    HTTPError,
    InBodyError,
    InvalidUTF8,
    KeepAlive,
    MalformedJSON,
    NoFinishReason,
    RawAnswer,
    StalledStream,
)
from langchain_minimax.testing._prompt_cache import PromptCache
from langchain_minimax.testing._render import (
    in_body_error,
    render_completion,
    render_stream,
)
from langchain_minimax.testing._script import RecordedRequest, Reply, dumps
from langchain_minimax.testing._validation import (
    KNOWN_MODELS,
    validate_request,
)

if TYPE_CHECKING:
    from types import TracebackType

    from langchain_minimax.testing._server import EmulatorServer

__all__ = ["DEFAULT_CONTENT", "DEFAULT_REASONING", "MiniMaxEmulator", "Responder"]

Responder = Callable[[dict[str, Any]], "Reply | str | ErrorFault"]
"""A function that answers a request body: a reply (a `str` means content), or
an `HTTPError` or `InBodyError` for this request alone."""

DEFAULT_REASONING = "The user said hello, so I should greet them back."
"""Reasoning of the default responder's reply."""

DEFAULT_CONTENT = "Hello from the MiniMax emulator."
"""Content of the default responder's reply."""

_ENDPOINTS = frozenset({"/v1/chat/completions", "/chat/completions"})
_AUTH_MESSAGE = (
    "login fail: Please carry the API secret key in the 'Authorization' field of "
    "the request header (1004)"
)
_MALFORMED_BODY = b'{"id": "x", "choices": ['
_MALFORMED_EVENT = b"data: {not json\n\n"
_KEEP_ALIVE = b": keep-alive\n\n"
_STRING_VALUE = re.compile(rb'":\s*"')


def default_responder(request_body: dict[str, Any]) -> Reply:
    """Answer every request with the same greeting (the emulator's default).

    Args:
        request_body: The request body (unused).

    Returns:
        `Reply(reasoning=DEFAULT_REASONING, content=DEFAULT_CONTENT)`.
    """
    return Reply(reasoning=DEFAULT_REASONING, content=DEFAULT_CONTENT)


def _as_reply(reply: Reply | str) -> Reply:
    return Reply(content=reply) if isinstance(reply, str) else reply


class MiniMaxEmulator:
    """A local, scriptable stand-in for MiniMax's OpenAI-compatible API.

    The emulator serves `POST /v1/chat/completions` (and `/chat/completions`)
    on 127.0.0.1 with the wire format of the live service: inline `<think>`
    reasoning or `reasoning_details` with `reasoning_split`, incremental SSE
    deltas, MiniMax-style tool-call ids, usage with `total_characters`, error
    envelopes with `(code)` suffixes, and the 400/2013 rejections of invalid
    requests. It is standard-library only and runs in background threads.

    Each request is handled in this order:

    0. A request that cannot be read (bad chunked encoding, an invalid
       `Content-Length` or a body over 64 MiB, a body cut short, a request
       line or headers HTTP cannot parse): HTTP 400, code 2013.
    1. Unknown path or method: HTTP 404.
    2. Authentication (`Authorization: Bearer <api_key>`): HTTP 401, code 1004.
    3. The head of the fault queue, if any (see `Fault`). `HTTPError` and
       `InBodyError` answer here.
    4. Validation: HTTP 400, code 2013 (a body that is not JSON, and the
       rules listed in `validate_request`). The other fault kinds (which
       damage or slow down an answer) are consumed even when the request is
       then rejected.
    5. The reply: the head of the reply queue, or the responder's answer when
       the queue is empty. A responder may answer with an `HTTPError` or
       `InBodyError` instead, which fails that request alone (handy with
       concurrent requests, where the fault queue's order is the order of
       arrival).

    Every request, including rejected ones, is recorded in `requests`, its
    `Authorization` header redacted.

    Args:
        api_key: The accepted API key; `None` accepts any request, even one
            without an `Authorization` header.
        host: The interface to bind.
        port: The port to bind; 0 picks a free one.
        chunk_size: Default characters per streamed piece (see
            `Reply.chunk_size`).
        extra_models: Model names to accept besides the MiniMax ones.
        context_limit_tokens: Reject prompts whose size, measured like
            `Reply.prompt_tokens`, exceeds this many tokens; `None` (the
            default) takes each model's context window from the model table
            (204,800 tokens; MiniMax-M3 and M3.1-Flash 1,000,000).
        responder: The function answering when the reply queue is empty;
            `None` uses `default_responder`.

    Example:
        ```python
        from openai import OpenAI
        from langchain_minimax.testing import MiniMaxEmulator, Reply

        with MiniMaxEmulator(api_key="test-key") as emu:
            emu.add_reply(Reply(reasoning="Let me think.", content="Hi!"))
            client = OpenAI(base_url=emu.base_url, api_key=emu.api_key)
            answer = client.chat.completions.create(
                model="MiniMax-M2",
                messages=[{"role": "user", "content": "Hello"}],
            )
            assert answer.choices[0].message.content.endswith("Hi!")
        ```
    """

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        chunk_size: int = 8,
        extra_models: Iterable[str] = (),
        context_limit_tokens: int | None = None,
        responder: Responder | None = None,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if not 0 <= port <= 65535:
            raise ValueError(f"port={port!r} must be 0 (any free port) to 65535")
        self._api_key = api_key
        self._host = host
        self._requested_port = port
        self.chunk_size = chunk_size
        """Default characters per streamed piece."""
        self.context_limit_tokens = context_limit_tokens
        """Largest accepted prompt size, `None` for each model's own (see
        `validate_request`)."""
        self.models: frozenset[str] = KNOWN_MODELS | frozenset(extra_models)
        """The accepted model names."""
        self._lock = threading.Lock()
        self._replies: deque[Reply] = deque()
        self._faults: deque[list[Any]] = deque()
        self._initial_settings = (chunk_size, context_limit_tokens)
        self._initial_responder: Responder = responder or default_responder
        self._responder: Responder = self._initial_responder
        self._requests: list[RecordedRequest] = []
        self._tool_call_batches = 0
        self._prompt_cache = PromptCache()
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> MiniMaxEmulator:
        """Bind the port and start serving in a background daemon thread.

        Calling it on a running emulator does nothing. Serving beyond
        loopback (e.g. `host="0.0.0.0"`) without an `api_key` warns, since
        anyone who reaches the port can then use the emulator.

        Returns:
            The emulator itself.

        Raises:
            OSError: When the address cannot be bound, e.g. the port is in
                use; the message says which address and why, in one line.
        """
        if self._server is not None:
            return self
        from langchain_minimax.testing._server import EmulatorServer

        address = (self._host, self._requested_port)
        try:
            server = EmulatorServer(address, self.answer)
        except OSError as exc:
            raise OSError(exc.errno, _bind_failure(address, exc)) from exc
        if self._api_key is None and not _is_loopback(str(server.server_address[0])):
            warnings.warn(
                f"the MiniMax emulator serves {self._host}:{server.server_address[1]}"
                " beyond loopback without an api_key, so it answers anyone who"
                " reaches it; pass api_key (--api-key) or bind 127.0.0.1",
                UserWarning,
                stacklevel=2,
            )
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"MiniMaxEmulator:{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and free the port.

        Scripted replies, faults and recorded requests are kept. Calling it
        on a stopped emulator does nothing.
        """
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> MiniMaxEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- connection details -------------------------------------------------

    @property
    def is_running(self) -> bool:
        """Whether the server is currently serving."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        if self._server is None:
            raise RuntimeError(
                "the emulator is not running; call start() or use it in a with block"
            )
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, e.g. `http://127.0.0.1:8765/v1`.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        return f"http://{self._host}:{self.port}/v1"

    @property
    def api_key(self) -> str | None:
        """The accepted API key (`None`: any key is accepted)."""
        return self._api_key

    # -- scripting -----------------------------------------------------------

    def add_reply(self, reply: Reply | str) -> None:
        """Queue a reply; replies are used in FIFO order, one per request.

        Args:
            reply: The reply, or a string used as `Reply(content=...)`.
        """
        with self._lock:
            self._replies.append(_as_reply(reply))

    def add_replies(self, replies: Iterable[Reply | str]) -> None:
        """Queue several replies at once (see `add_reply`).

        Args:
            replies: The replies in the order they are to be used.
        """
        converted = [_as_reply(reply) for reply in replies]
        with self._lock:
            self._replies.extend(converted)

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault; faults are consumed before replies (see `Fault`).

        Args:
            fault: The fault; it applies to the next `fault.times` requests that
                pass authentication.
        """
        with self._lock:
            self._faults.append([fault, fault.times])

    def set_responder(self, responder: Responder | None) -> None:
        """Set the function that answers when the reply queue is empty.

        The responder runs in the request's server thread, possibly
        concurrently with itself, and receives the validated request body.
        It returns a `Reply` (or a string, used as its content), or an
        `HTTPError` or `InBodyError` to fail this request alone; its `times`
        is ignored. If it raises, or returns another fault kind, the request
        gets HTTP 500 with the reason.

        Args:
            responder: The new responder, or `None` for `default_responder`.
        """
        with self._lock:
            self._responder = responder or default_responder

    @property
    def pending_replies(self) -> int:
        """How many queued replies have not been used yet."""
        with self._lock:
            return len(self._replies)

    @property
    def pending_faults(self) -> int:
        """How many queued fault applications are left (counting `times`)."""
        with self._lock:
            return sum(entry[1] for entry in self._faults)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Clear the reply and fault queues and the recorded requests.

        The responder, `chunk_size` and `context_limit_tokens` go back to the
        constructor's (the responder's default is `default_responder`), and
        the prompt cache is emptied.
        Tool-call id numbering continues, so ids stay unique over the
        emulator's lifetime.
        """
        with self._lock:
            self._replies.clear()
            self._faults.clear()
            self._requests.clear()
            self._responder = self._initial_responder
            self.chunk_size, self.context_limit_tokens = self._initial_settings
        self._prompt_cache.clear()

    # -- answering -------------------------------------------------------------

    def answer(self, request: Request) -> Answer:
        """Decide the answer to one request, in the order the class describes.

        No I/O: the server reads the request and delivers the answer. The
        request is recorded, and the fault and reply queues advance.

        Args:
            request: The request as read from the connection.

        Returns:
            The status, headers, body or events, and delivery faults to send.
        """
        parsed: Any = None
        unparsable: str | None = None
        if request.raw:
            try:
                parsed = json.loads(request.raw)
            except (ValueError, RecursionError) as exc:
                unparsable = f"request body is not valid JSON ({_json_problem(exc)})"
        body = parsed if isinstance(parsed, dict) else None

        def record(status: int) -> None:
            recorded = RecordedRequest(
                request.method,
                request.path,
                dict(request.headers),
                body,
                request.raw,
                status,
            )
            with self._lock:
                self._requests.append(recorded)

        if request.problem is not None:
            record(400)
            message = f"invalid params, {request.problem} (2013)"
            return error_answer(400, "bad_request_error", message)
        path = request.path.split("?", 1)[0]
        if request.method != "POST" or path not in _ENDPOINTS:
            record(404)
            return error_answer(404, "not_found_error", "404 page not found")
        if not self._authorized(request.headers.get("authorization")):
            record(401)
            return error_answer(401, "authorized_error", _AUTH_MESSAGE)

        fault = self._pop_fault()
        answer = self._answer_with(fault, parsed, unparsable, body, record)
        return gzipped(answer) if fault is not None and fault.gzip else answer

    def _answer_with(
        self,
        fault: Fault | None,
        parsed: object,
        unparsable: str | None,
        body: dict[str, Any] | None,
        record: Callable[[int], None],
    ) -> Answer:
        """The answer to an authorized request, with the fault taken for it."""
        extra = fault.headers if fault is not None else {}
        delay = fault.delay if fault is not None else 0.0
        stream = body is not None and body.get("stream") is True
        if isinstance(fault, (HTTPError, InBodyError)):
            return _fault_answer(fault, body, stream, record)
        if isinstance(fault, RawAnswer):
            record(fault.status)
            return _raw_answer(fault)

        if unparsable is not None:
            error: str | None = f"invalid params, {unparsable} (2013)"
        else:
            error = validate_request(
                parsed,
                models=self.models,
                context_limit_tokens=self.context_limit_tokens,
            )
        if error is not None or body is None:
            record(400)
            message = error or "invalid params (2013)"
            return error_answer(400, "bad_request_error", message, extra, delay=delay)

        if isinstance(fault, MalformedJSON) and not stream:
            record(200)
            return Answer(200, extra, _MALFORMED_BODY, delay=delay)
        if isinstance(fault, DeepJSON) and not stream:
            record(200)
            return Answer(200, extra, _deep_json(fault.depth), delay=delay)

        try:
            reply = self._reply_for(body)
        except Exception as exc:
            record(500)
            message = f"emulator responder failed: {type(exc).__name__}: {exc}"
            return error_answer(500, "api_error", message, extra, delay=delay)
        if not isinstance(reply, Reply):
            return _fault_answer(reply, body, stream, record)

        tool_call_ids = self._tool_call_ids(reply)
        completion_id = hex_id()
        created = int(time.time())
        finish = not isinstance(fault, NoFinishReason)
        cut = fault.after_chunks if isinstance(fault, CutStream) else None
        record(200)
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
            if isinstance(fault, InvalidUTF8):
                data = _with_invalid_utf8(data)
            if cut is None:
                return Answer(200, extra, data, delay=delay)
            half = data[: len(data) // 2]
            return Answer(
                200, extra, half, delay=delay, content_length=len(data), cut=True
            )
        chunks = render_stream(
            reply,
            body,
            completion_id=completion_id,
            created=created,
            tool_call_ids=tool_call_ids,
            chunk_size=self.chunk_size,
            finish=finish,
        )
        malformed = _MALFORMED_EVENT if isinstance(fault, MalformedJSON) else b""
        framed: Iterable[bytes] = events(chunks, after_first=malformed, limit=cut)
        if reply.dialect.startswith("relay"):  # a comment before every event
            framed = (_KEEP_ALIVE + event for event in framed)
        event_delay = fault.chunk_delay if isinstance(fault, StalledStream) else 0.0
        frame_bytes, frame_delay = reply.frame_bytes, 0.0
        if isinstance(fault, KeepAlive):
            framed = _with_keep_alives(framed, fault)
            event_delay = fault.interval
        elif isinstance(fault, DrippedStream):
            frame_bytes, frame_delay = 1, fault.byte_delay
        elif isinstance(fault, InvalidUTF8):
            framed = _first_changed(framed, _with_invalid_utf8)
        elif isinstance(fault, DeepJSON):
            framed = itertools.chain(
                [b"data: " + _deep_json(fault.depth) + b"\n\n"], framed
            )
        return Answer(
            200,
            extra,
            events=framed,
            trailer=DONE_EVENT if reply.done_marker and cut is None else b"",
            delay=delay,
            event_delay=event_delay,
            frame_bytes=frame_bytes,
            frame_delay=frame_delay,
            cut=cut is not None,
        )

    def _reply_for(self, body: dict[str, Any]) -> Reply | ErrorFault:
        """Take the next reply and fit it to the request.

        Raises:
            TypeError: When the responder returned something it may not.
        """
        reply = self._next_reply(body)
        if isinstance(reply, Fault) and not reply.replaces_answer:
            raise TypeError(
                f"responder returned {type(reply).__name__}, which damages an"
                " answer; a responder may return HTTPError or InBodyError"
            )
        if not isinstance(reply, (Reply, HTTPError, InBodyError)):
            raise TypeError(f"responder returned {type(reply).__name__}")
        if not isinstance(reply, Reply):
            return reply
        thinking = body.get("thinking")
        # Validation let `disabled` through: the model can switch thinking off.
        if isinstance(thinking, dict) and thinking.get("type") == "disabled":
            reply = dataclasses.replace(reply, reasoning="")
        reply = self._with_cache_use(reply, body)
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        reply = reply.within_token_limit(limit)
        for call in reply.tool_calls:
            call.arguments_json()
        return reply

    def _with_cache_use(self, reply: Reply, body: dict[str, Any]) -> Reply:
        """Fill the reply's cache usage from the prompt cache, unless scripted."""
        use = self._prompt_cache.use(body)
        scripted = (
            reply.cached_tokens,
            reply.cache_read_input_tokens,
            reply.cache_creation_input_tokens,
        )
        if any(value is not None for value in scripted):
            return reply
        return dataclasses.replace(reply, **use._asdict())

    def _pop_fault(self) -> Fault | None:
        with self._lock:
            if not self._faults:
                return None
            entry = self._faults[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._faults.popleft()
            fault: Fault = entry[0]
            return fault

    def _next_reply(self, body: dict[str, Any]) -> Reply | Fault:
        # A responder may return any fault at run time; `_reply_for` rejects
        # the kinds that cannot answer.
        with self._lock:
            if self._replies:
                return self._replies.popleft()
            responder = self._responder
        answer = responder(body)
        return answer if isinstance(answer, Fault) else _as_reply(answer)

    def _tool_call_ids(self, reply: Reply) -> list[str]:
        if all(call.id is not None for call in reply.tool_calls):
            return [str(call.id) for call in reply.tool_calls]
        with self._lock:
            self._tool_call_batches += 1
            batch = self._tool_call_batches
        return [
            call.id if call.id is not None else f"call_function_{batch:010d}_{n}"
            for n, call in enumerate(reply.tool_calls, start=1)
        ]

    def _authorized(self, authorization: str | None) -> bool:
        if self._api_key is None:
            return True
        return authorization == f"Bearer {self._api_key}"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind_failure(address: tuple[str, int], exc: OSError) -> str:
    host, port = address
    where = f"cannot serve on {host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"{where}: the port is in use (port 0 picks a free one)"
    return f"{where}: {exc.strerror or exc}"


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    return str(exc)


def _raw_answer(fault: RawAnswer) -> Answer:
    """Answer with a `RawAnswer`'s bytes as given."""
    default = "application/json" if fault.events is None else "text/event-stream"
    headers = {"Content-Type": fault.content_type or default, **fault.headers}
    return Answer(
        fault.status,
        headers,
        fault.body,
        events=list(fault.events) if fault.events is not None else None,
        delay=fault.delay,
        close_delimited=fault.close_delimited,
    )


def _deep_json(depth: int) -> bytes:
    """`{"choices": [[[...]]]}`, `depth` lists deep."""
    return b'{"choices": ' + b"[" * depth + b"]" * depth + b"}"


def _with_invalid_utf8(data: bytes) -> bytes:
    """`data` with the byte 0xFF at the start of its first JSON string value."""
    match = _STRING_VALUE.search(data)
    if match is None:
        return data + b"\xff"
    return data[: match.end()] + b"\xff" + data[match.end() :]


def _first_changed(
    framed: Iterable[bytes], change: Callable[[bytes], bytes]
) -> Iterator[bytes]:
    """The events, the first one passed through `change`."""
    for count, event in enumerate(framed):
        yield change(event) if count == 0 else event


def _with_keep_alives(framed: Iterable[bytes], fault: KeepAlive) -> Iterator[bytes]:
    """The events with `fault.count` keep-alive comments after `after_chunks`."""
    for count, event in enumerate(framed):
        if count == fault.after_chunks:
            yield from [_KEEP_ALIVE] * fault.count
        yield event


def _fault_answer(
    fault: ErrorFault,
    body: dict[str, Any] | None,
    stream: bool,
    record: Callable[[int], None],
) -> Answer:
    """Answer with an error fault: an HTTP error, or a failure in an HTTP 200."""
    if isinstance(fault, HTTPError):
        record(fault.status)
        return error_answer(
            fault.status,
            fault.error_type,
            fault.full_message(),
            fault.headers,
            delay=fault.delay,
        )
    record(200)
    native = in_body_error(
        fault,
        body.get("model") if body is not None else None,
        completion_id=hex_id(),
        created=int(time.time()),
    )
    if not stream:
        return json_answer(200, native, fault.headers, delay=fault.delay)
    event = b"data: " + dumps(native).encode("utf-8") + b"\n\n"
    return Answer(200, fault.headers, events=[event], delay=fault.delay)
