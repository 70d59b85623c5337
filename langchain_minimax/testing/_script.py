"""Scripted replies, tool calls and faults, and their rendering to wire dicts.

Everything here is pure data plus pure functions: the server in `_server.py`
decides *which* reply or fault applies to a request and these helpers turn it
into the JSON bodies and server-sent-event chunks MiniMax's OpenAI-compatible
Chat Completions endpoint produces.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ASSISTANT_NAME",
    "REASONING_FORMAT",
    "REASONING_ID",
    "Fault",
    "RecordedRequest",
    "Reply",
    "ToolCall",
]

ASSISTANT_NAME = "MiniMax AI"
"""The `name` MiniMax puts on every assistant message and stream delta."""

REASONING_ID = "reasoning-text-1"
"""The `id` of the single `reasoning_details` entry MiniMax sends."""

REASONING_FORMAT = "MiniMax-response-v1"
"""The `format` of the `reasoning_details` entries MiniMax sends."""

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

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


@dataclass
class ToolCall:
    """A tool call the emulated model makes in a scripted `Reply`.

    Attributes:
        name: The function name, sent as `function.name`.
        arguments: The call's arguments. A dict is serialised with
            `json.dumps(..., ensure_ascii=False)` (compact separators); a string
            is sent verbatim, which lets a test send malformed JSON on purpose.
        id: The tool-call id. `None` lets the emulator assign a MiniMax-style
            id, `call_function_<digits>_<n>`, where `<digits>` comes from a
            per-emulator counter (unique across replies of one emulator) and
            `<n>` is the 1-based position of the call within its reply.

    Example:
        ```python
        from langchain_minimax.testing import ToolCall

        ToolCall("get_weather", {"city": "Paris"})
        ToolCall("broken", '{"city": ', id="call_function_1_1")
        ```
    """

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str | None = None

    def arguments_json(self) -> str:
        """Return the arguments exactly as they go on the wire.

        Returns:
            The JSON string sent in `function.arguments`.
        """
        if isinstance(self.arguments, str):
            return self.arguments
        return _dumps(self.arguments)


@dataclass
class Reply:
    r"""One scripted answer of the emulated model.

    Token counts left as `None` are computed from the request and the reply so
    that usage always looks plausible: `prompt_tokens` is
    `len(json.dumps(messages)) // 4 + 1` (default `json.dumps` settings, over the
    request's `messages` list), `reasoning_tokens` is `len(reasoning) // 4 + 1`
    (0 without reasoning) and `completion_tokens` is
    `(len(content) + len(reasoning) + len(all tool-call arguments)) // 4 + 1`,
    raised to at least `reasoning_tokens` because MiniMax counts reasoning as
    part of the completion.

    Attributes:
        content: The visible answer. With tool calls MiniMax often sends just
            whitespace such as `"\n"`.
        reasoning: The model's thinking. Without `reasoning_split` in the request
            it is sent inline as `"<think>\n" + reasoning + "\n</think>\n\n"`
            in front of `content`; with `reasoning_split: true` it is sent in
            `reasoning_details` (and `reasoning_content`). Empty means no
            reasoning fields and no `<think>` block at all.
        tool_calls: Tool calls to make, in order.
        finish_reason: `None` means `"tool_calls"` when there are tool calls and
            `"stop"` otherwise; any other string (e.g. `"length"`) is sent as is.
        prompt_tokens: Explicit `usage.prompt_tokens`, or `None` to compute it.
        completion_tokens: Explicit `usage.completion_tokens`, or `None`.
        reasoning_tokens: Explicit
            `usage.completion_tokens_details.reasoning_tokens`, or `None`.
        cached_tokens: Explicit `usage.prompt_tokens_details.cached_tokens`, or
            `None` for 0.
        usage_details: Whether usage carries the `completion_tokens_details` and
            `prompt_tokens_details` objects (the live service sometimes omits
            both).
        chunk_size: Characters per streamed piece of reasoning, content and
            tool-call arguments; `None` uses the emulator's `chunk_size`.
        flat_reasoning_content: In split mode, also send the flat
            `reasoning_content` string beside `reasoning_details` (newer service
            versions); `False` sends only `reasoning_details` (older docs).
        tool_calls_in_finish_chunk: When streaming, send each tool call whole in
            one delta, the last one in the chunk that carries
            `finish_reason: "tool_calls"`.
        zero_usage_every_chunk: When streaming, put zero-valued usage on every
            chunk instead of `null` (the final usage chunk requested with
            `stream_options.include_usage` still carries the real numbers).
        model: The `model` reported back; `None` echoes the request's model.

    Example:
        ```python
        from langchain_minimax.testing import Reply, ToolCall

        Reply(reasoning="Let me think.", content="Hi!")
        Reply(content="\n", tool_calls=[ToolCall("get_weather", {"city": "Paris"})])
        ```
    """

    content: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None
    usage_details: bool = True
    chunk_size: int | None = None
    flat_reasoning_content: bool = True
    tool_calls_in_finish_chunk: bool = False
    zero_usage_every_chunk: bool = False
    model: str | None = None

    def __post_init__(self) -> None:
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")

    def resolved_finish_reason(self) -> str:
        """Return the `finish_reason` this reply is sent with.

        Returns:
            `finish_reason` if set, else `"tool_calls"` or `"stop"`.
        """
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


@dataclass
class Fault:
    """A failure the emulator injects instead of (or into) a normal answer.

    Faults sit in their own FIFO queue. For each authorised request the head
    fault is applied and its `times` counter decremented, *before* the request
    is validated and before any reply is taken from the reply queue. (Requests
    rejected by authentication do not consume faults.)

    Error faults (the default: any `status` other than 200 without
    `cut_after_chunks`, `malformed_json`, `no_finish_reason` or `chunk_delay`)
    answer at once and skip validation. The other kinds (called *transport*
    faults below) damage a normal answer, so the request is validated first
    and the next reply (from the queue or the responder) is consumed.

    Attributes:
        status: HTTP status of an error fault. `200` with none of the transport
            flags passes the request through normally, which combined with
            `delay` or `headers` gives a slow or decorated success.
        code: MiniMax error code (e.g. 1002 rate limit, 1004 auth, 1008
            balance, 2013 invalid params). Appended to the message as
            ` (code)`, the way MiniMax reports codes.
        message: Error message. Empty means a generic message for `code` (or
            for the status).
        error_type: `error.type` in the envelope. Empty derives it from
            `status`: 401 `authorized_error`, 429 `rate_limit_error`, 400
            `bad_request_error`, anything else `api_error`.
        in_body_200: Report the failure MiniMax-native style: HTTP 200 with
            `choices: null`, `usage: null` and a non-zero
            `base_resp.status_code` (`code`, or 1000 when unset). A streaming
            request gets the same object as a single SSE event (no `[DONE]`).
        delay: Seconds to wait before the first byte of the response.
        cut_after_chunks: Transport fault: stream this many chunks of the next
            reply, then close the connection abruptly (no `[DONE]`, no final
            zero-length HTTP chunk). For a non-streaming request the headers
            and the first half of the body are sent, then the connection is
            closed.
        malformed_json: Transport fault. Non-streaming: HTTP 200 with the body
            `{"id": "x", "choices": [` (no reply is consumed). Streaming: the
            first chunk of the next reply, then `data: {not json`, then the
            rest of the stream and `[DONE]`.
        no_finish_reason: Transport fault: stream (or return) the next reply
            normally but without any `finish_reason`.
        chunk_delay: Transport fault: stream the next reply with a pause of
            this many seconds before every chunk after the first (a stalled
            stream, for read and stream-chunk timeouts). A non-streaming
            request gets the reply normally.
        headers: Extra HTTP response headers for this fault's responses.
        times: How many requests this fault applies to.

    Example:
        ```python
        from langchain_minimax.testing import Fault

        Fault(status=429, code=1002, message="rate limit exceeded", times=2)
        Fault(cut_after_chunks=3)
        Fault(status=200, delay=2.0)  # slow but successful answer
        ```
    """

    status: int = 500
    code: int | None = None
    message: str = ""
    error_type: str = ""
    in_body_200: bool = False
    delay: float = 0.0
    cut_after_chunks: int | None = None
    malformed_json: bool = False
    no_finish_reason: bool = False
    chunk_delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.cut_after_chunks is not None and self.cut_after_chunks < 0:
            raise ValueError("cut_after_chunks must not be negative")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        if self.chunk_delay < 0:
            raise ValueError("chunk_delay must not be negative")
        if not self.error_type:
            self.error_type = _ERROR_TYPES.get(self.status, "api_error")

    @property
    def is_transport(self) -> bool:
        """Whether this fault damages a normal answer instead of replacing it.

        Returns:
            True for `cut_after_chunks`, `malformed_json`, `no_finish_reason`,
            `chunk_delay` and pass-through (`status=200`, not `in_body_200`)
            faults.
        """
        return (
            self.cut_after_chunks is not None
            or self.malformed_json
            or self.no_finish_reason
            or self.chunk_delay > 0
            or (self.status == 200 and not self.in_body_200)
        )

    def plain_message(self) -> str:
        """Return the message without code suffix (`base_resp.status_msg`).

        Returns:
            `message`, or a generic message for `code` or `status` if empty.
        """
        if self.message:
            return self.message
        if self.code is not None:
            return _CODE_MESSAGES.get(self.code, "error")
        return "internal server error"

    def full_message(self) -> str:
        """Return the error message as sent in the HTTP error envelope.

        Returns:
            `plain_message()` with the ` (code)` suffix when `code` is set.
        """
        if self.code is not None:
            return f"{self.plain_message()} ({self.code})"
        return self.plain_message()


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the emulator received, and the status it answered with.

    Attributes:
        method: The HTTP method, e.g. `"POST"`.
        path: The request target as sent, e.g. `"/v1/chat/completions"`.
        headers: Request headers with lower-cased names (repeated headers keep
            the last value).
        body: The parsed JSON body when it is a JSON object, else `None`.
        raw: The raw request body.
        response_status: The HTTP status the emulator sent back (200 also for
            streams that a fault later cut).
    """

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw: bytes
    response_status: int

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The request's `messages` list (empty if absent or not a list).

        Returns:
            The chat messages sent in the body.
        """
        if self.body is None:
            return []
        messages = self.body.get("messages")
        return messages if isinstance(messages, list) else []


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def dumps(obj: Any) -> str:
    """Serialise compactly, keeping non-ASCII text as is (like the service)."""
    return _dumps(obj)


def error_envelope(
    status: int, error_type: str, message: str, request_id: str
) -> dict[str, Any]:
    """Build MiniMax's HTTP error body."""
    return {
        "type": "error",
        "error": {"type": error_type, "message": message, "http_code": str(status)},
        "request_id": request_id,
    }


def base_resp(status_code: int = 0, status_msg: str = "") -> dict[str, Any]:
    """Build the `base_resp` object MiniMax adds to responses."""
    return {"status_code": status_code, "status_msg": status_msg}


def prompt_size(messages: Any) -> int:
    """Estimate prompt tokens the way `Reply.prompt_tokens` is computed."""
    try:
        return len(json.dumps(messages)) // 4 + 1
    except (TypeError, ValueError):
        return len(repr(messages)) // 4 + 1


def _usage(reply: Reply, messages: Any) -> dict[str, Any]:
    prompt = (
        reply.prompt_tokens
        if reply.prompt_tokens is not None
        else prompt_size(messages)
    )
    reasoning = reply.reasoning_tokens
    if reasoning is None:
        reasoning = len(reply.reasoning) // 4 + 1 if reply.reasoning else 0
    completion = reply.completion_tokens
    if completion is None:
        chars = len(reply.content) + len(reply.reasoning)
        chars += sum(len(call.arguments_json()) for call in reply.tool_calls)
        completion = max(chars // 4 + 1, reasoning)
    usage: dict[str, Any] = {
        "total_tokens": prompt + completion,
        "total_characters": 0,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
    }
    if reply.usage_details:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        usage["prompt_tokens_details"] = {"cached_tokens": reply.cached_tokens or 0}
    return usage


def _zero_usage(reply: Reply) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "total_tokens": 0,
        "total_characters": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
    }
    if reply.usage_details:
        usage["completion_tokens_details"] = {"reasoning_tokens": 0}
        usage["prompt_tokens_details"] = {"cached_tokens": 0}
    return usage


def _reasoning_details(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "reasoning.text",
            "id": REASONING_ID,
            "format": REASONING_FORMAT,
            "index": 0,
            "text": text,
        }
    ]


def _inline_text(reply: Reply) -> str:
    if not reply.reasoning:
        return reply.content
    return "<think>\n" + reply.reasoning + "\n</think>\n\n" + reply.content


def render_completion(
    reply: Reply,
    request: Mapping[str, Any],
    *,
    completion_id: str,
    created: int,
    tool_call_ids: Sequence[str],
    finish: bool = True,
) -> dict[str, Any]:
    """Render a non-streaming `chat.completion` body.

    Args:
        reply: The scripted reply.
        request: The (validated) request body.
        completion_id: The response `id`.
        created: The `created` timestamp.
        tool_call_ids: One id per tool call of `reply`.
        finish: False sends `finish_reason: null`.

    Returns:
        The response body.
    """
    split = request.get("reasoning_split") is True
    message: dict[str, Any] = {
        "role": "assistant",
        "name": ASSISTANT_NAME,
        "audio_content": "",
        "content": reply.content if split else _inline_text(reply),
    }
    if split and reply.reasoning:
        if reply.flat_reasoning_content:
            message["reasoning_content"] = reply.reasoning
        message["reasoning_details"] = _reasoning_details(reply.reasoning)
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments_json()},
            }
            for call, call_id in zip(reply.tool_calls, tool_call_ids, strict=True)
        ]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": reply.model or request.get("model"),
        "choices": [
            {
                "index": 0,
                "finish_reason": reply.resolved_finish_reason() if finish else None,
                "message": message,
            }
        ],
        "usage": _usage(reply, request.get("messages")),
        "input_sensitive": False,
        "output_sensitive": False,
        "base_resp": base_resp(),
    }


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _stream_payloads(
    reply: Reply, split: bool, tool_call_ids: Sequence[str], size: int
) -> list[dict[str, Any]]:
    payloads: list[dict[str, Any]] = []
    if split:
        for piece in _pieces(reply.reasoning, size):
            payload: dict[str, Any] = {}
            if reply.flat_reasoning_content:
                payload["reasoning_content"] = piece
            payload["reasoning_details"] = _reasoning_details(piece)
            payloads.append(payload)
        text = reply.content
    else:
        text = _inline_text(reply)
    payloads.extend({"content": piece} for piece in _pieces(text, size))
    for index, (call, call_id) in enumerate(
        zip(reply.tool_calls, tool_call_ids, strict=True)
    ):
        arguments = call.arguments_json()
        if reply.tool_calls_in_finish_chunk:
            pieces = [arguments]
        else:
            pieces = _pieces(arguments, size) or [""]
        payloads.append(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call_id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": pieces[0]},
                    }
                ]
            }
        )
        payloads.extend(
            {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
            for piece in pieces[1:]
        )
    if not payloads:
        payloads.append({"content": ""})
    return payloads


def render_stream(
    reply: Reply,
    request: Mapping[str, Any],
    *,
    completion_id: str,
    created: int,
    tool_call_ids: Sequence[str],
    chunk_size: int,
    finish: bool = True,
) -> Iterator[str]:
    r"""Render the chunks of a streamed answer as JSON strings.

    The caller frames each one as `data: <json>\n\n` and adds `data: [DONE]`.

    Args:
        reply: The scripted reply.
        request: The (validated) request body.
        completion_id: The `id` shared by all chunks.
        created: The `created` timestamp.
        tool_call_ids: One id per tool call of `reply`.
        chunk_size: Default characters per piece (`reply.chunk_size` wins).
        finish: False sends no `finish_reason` at all.

    Yields:
        One serialised `chat.completion.chunk` object per chunk, ending with the
        usage chunk when the request asked for `stream_options.include_usage`.
    """
    split = request.get("reasoning_split") is True
    size = reply.chunk_size or chunk_size
    payloads = _stream_payloads(reply, split, tool_call_ids, size)
    stream_options = request.get("stream_options")
    include_usage = (
        isinstance(stream_options, Mapping)
        and stream_options.get("include_usage") is True
    )
    model = reply.model or request.get("model")
    chunk_usage = dumps(_zero_usage(reply)) if reply.zero_usage_every_chunk else "null"
    head = '{"id":' + dumps(completion_id) + ',"choices":[{"index":0,'
    finish_head = head
    if finish:
        finish_head += '"finish_reason":' + dumps(reply.resolved_finish_reason()) + ","
    tail = (
        "}],"
        + '"created":'
        + dumps(created)
        + ',"model":'
        + dumps(model)
        + ',"object":"chat.completion.chunk","usage":'
        + chunk_usage
        + ',"input_sensitive":false,"output_sensitive":false}'
    )
    last = len(payloads) - 1
    for i, payload in enumerate(payloads):
        if i == 0:
            role = "assistant"
        elif i % 2:
            role = ""
        else:
            role = "assistant"
        delta = {"role": role, "name": ASSISTANT_NAME, "audio_content": ""}
        delta.update(payload)
        yield (finish_head if i == last else head) + '"delta":' + dumps(delta) + tail
    if include_usage:
        yield dumps(
            {
                "id": completion_id,
                "choices": [],
                "created": created,
                "model": model,
                "object": "chat.completion.chunk",
                "usage": _usage(reply, request.get("messages")),
                "input_sensitive": False,
                "output_sensitive": False,
                "base_resp": base_resp(),
            }
        )
