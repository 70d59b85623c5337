"""What a test scripts and reads back: replies, tool calls, recorded requests.

Plain data: `_render.py` turns a `Reply` into wire bodies and chunks, and the
failures a test injects are in `_faults.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_minimax.model_table import model_row

__all__ = ["DIALECTS", "RecordedRequest", "Reply", "ToolCall", "dumps"]

DIALECTS = ("minimax", "minimax-m3", "relay", "relay-m3", "vllm", "vllm-raw")
"""The servers whose output shapes a `Reply` can take (see `Reply.dialect`)."""

dumps: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":")
).encode
"""Serialize compactly, keeping non-ASCII text as is (like the service)."""


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
        return dumps(self.arguments)


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
            `None` for what the emulator's prompt cache says (0 on a miss):
            a request repeating a prefix of 512+ tokens of an earlier one
            reads it from cache, as MiniMax's automatic caching does.
        cache_read_input_tokens: Explicit
            `usage.prompt_tokens_details.cache_read_input_tokens` (sent
            instead of `cached_tokens`, as MiniMax does with `cache_control`),
            or `None` for the prompt cache's answer to a request with a
            `cache_control` marker.
        cache_creation_input_tokens: Explicit
            `usage.prompt_tokens_details.cache_creation_input_tokens`, as
            `cache_read_input_tokens`.
        prompt_cache_hit_tokens: A top-level `usage.prompt_cache_hit_tokens`
            (some relays), or `None` to send none.
        usage_details: Whether usage carries the `completion_tokens_details` and
            `prompt_tokens_details` objects (the live service sometimes omits
            both).
        chunk_size: Characters per streamed piece of reasoning, content and
            tool-call arguments; `None` uses the emulator's `chunk_size`.
        flat_reasoning_content: In split mode, also send the flat
            `reasoning_content` string beside `reasoning_details` (newer service
            versions); `False` sends only `reasoning_details` (older docs).
        reasoning_details: In split mode, send `reasoning_details`. `None`
            (default) decides by model (the model table's
            `split_reasoning`) and dialect: not for MiniMax-M3.1-Flash, whose
            responses recorded by MiniMax's conformance suite carry
            `reasoning_content` only, nor for dialects other than
            `"minimax"`; yes otherwise.
        tool_calls_in_finish_chunk: When streaming, send each tool call whole in
            one delta, the last one in the chunk that carries
            `finish_reason: "tool_calls"`.
        zero_usage_every_chunk: When streaming, put zero-valued usage on every
            chunk instead of `null` (the final usage chunk requested with
            `stream_options.include_usage` still carries the real numbers).
        done_marker: When streaming, end with `data: [DONE]`; `False` ends
            the stream after its last chunk, as the live service sometimes
            does (MiniMax's conformance suite: "known BUG").
        frame_bytes: When streaming, write the response body in HTTP chunks
            of this many bytes, cut anywhere, inside events and inside UTF-8
            characters, as network frames may be; `None` writes whole events.
        model: The `model` reported back; `None` echoes the request's model.
        output_sensitive_type: Flag the answer as MiniMax's content moderation
            does: a category code (1 severe violation, 2 pornography,
            3 advertising, 4 prohibited, 5 abuse, 6 violence/terrorism,
            7 other) sent as `output_sensitive_type`, with
            `output_sensitive: true` and `output_sensitive_int` 1. `0` (the
            default) flags nothing. When streaming, the flags change from the
            chunk that carries `finish_reason` on, so earlier chunks report
            unflagged output.
        dialect: The server whose output shape the reply takes (one of
            `DIALECTS`; docs/testing.md has the table):

            - `"minimax"` (default): MiniMax's hosted M2.x service, as
              described above.
            - `"minimax-m3"`: hosted MiniMax-M3 and M3.1-Flash: split
              reasoning as `reasoning_content` only; without
              `reasoning_split`, the inline `<think>` block AND the same
              reasoning as `reasoning_content` (in separate stream deltas,
              each content piece first), as three clients report.
            - `"relay"`: an OpenRouter-style relay: reasoning under
              `reasoning`; tool-call arguments as JSON objects (a stream
              sends each call whole); keep-alive comments between stream
              events.
            - `"relay-m3"`: the same relay in front of M3, as reported: with
              `reasoning_split`, the `<think>` block is left in `content`
              beside the `reasoning` field.
            - `"vllm"`: a self-hosted vLLM or SGLang server with MiniMax's
              reasoning and tool parsers: reasoning always in
              `reasoning_content`, structured tool calls, none of MiniMax's
              own fields (`name`, `audio_content`, `base_resp`, moderation).
            - `"vllm-raw"`: the same server without parsers: the chat
              template put `<think>` in the prompt, so `content` starts with
              the reasoning and `</think>` (M3 models: a whole `<mm:think>`
              block); tool calls as the model's raw markup after the answer
              (M2.x form; M3's `]<]minimax[>[` form for MiniMax-M3 models),
              with `finish_reason: "stop"`.
        cumulative_reasoning: When streaming split reasoning, send each
            reasoning delta as the whole reasoning so far (a snapshot), as
            some hosts are claimed to.
        trailing_message: When streaming, end with an event whose choice
            carries the whole `message` (and the usage) instead of a
            `delta`, as once claimed for M3 streams.
        cut_after: Cut the reply as MiniMax's `max_tokens` does, after this
            many characters of output, counted over `reasoning`, then
            `content`, then each tool call's arguments as sent: the text is
            cut there (a cut call keeps its partial JSON arguments as a
            string, as MiniMax sends them), calls that had not begun are
            dropped, and `finish_reason` defaults to `"length"`. `None` (the
            default), or a number past the end, cuts nothing. Without it, the
            request's own limit cuts the reply (`within_token_limit`).

    Example:
        ```python
        from langchain_minimax.testing import Reply, ToolCall

        Reply(reasoning="Let me think.", content="Hi!")
        Reply(content="\n", tool_calls=[ToolCall("get_weather", {"city": "Paris"})])
        # Cut at max_tokens inside the call's arguments: '{"city":"Pa'
        Reply(
            content="\n",
            tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
            cut_after=12,
        )
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
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    prompt_cache_hit_tokens: int | None = None
    usage_details: bool = True
    chunk_size: int | None = None
    flat_reasoning_content: bool = True
    reasoning_details: bool | None = None
    tool_calls_in_finish_chunk: bool = False
    zero_usage_every_chunk: bool = False
    done_marker: bool = True
    frame_bytes: int | None = None
    model: str | None = None
    output_sensitive_type: int = 0
    dialect: str = "minimax"
    cumulative_reasoning: bool = False
    trailing_message: bool = False
    cut_after: int | None = None

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"dialect={self.dialect!r} must be one of {DIALECTS}")
        for name in ("chunk_size", "frame_bytes"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}={value!r} must be at least 1")
        if self.cut_after is not None:
            if self.cut_after < 0:
                raise ValueError(f"cut_after={self.cut_after!r} must not be negative")
            self._cut(self.cut_after)

    def output_chars(self) -> int:
        """Count the characters of output that `cut_after` and usage count.

        Returns:
            Characters of `reasoning`, `content` and each tool call's arguments
            as sent.
        """
        total = len(self.reasoning) + len(self.content)
        return total + sum(len(call.arguments_json()) for call in self.tool_calls)

    def within_token_limit(self, limit: int | None) -> Reply:
        """Return this reply as MiniMax sends it under an output-token limit.

        The request's `max_completion_tokens` (else `max_tokens`) bounds the
        output, thinking included (minimax-api.md). A reply the emulator counts
        as more than `limit` completion tokens (`output_chars() // 4 + 1`, see
        above) is cut as `cut_after` cuts it, after `4 * limit - 1`
        characters, the most that count as `limit` tokens: `finish_reason`
        becomes `"length"` and `completion_tokens` equals `limit`.

        Args:
            limit: The output-token limit, a positive integer; `None` for none.

        Returns:
            This reply unchanged when it fits, has no limit, or scripts its own
            `cut_after` or `completion_tokens`; else the cut copy.
        """
        if (
            limit is None
            or self.cut_after is not None
            or self.completion_tokens is not None
            or self.output_chars() // 4 + 1 <= limit
        ):
            return self
        return replace(self, cut_after=4 * limit - 1)

    def _cut(self, left: int) -> None:
        """Cut the output after `left` characters (see `cut_after`), in place."""
        if left >= self.output_chars():
            return
        self.reasoning, left = self.reasoning[:left], max(left - len(self.reasoning), 0)
        self.content, left = self.content[:left], max(left - len(self.content), 0)
        calls = []
        for call in self.tool_calls:
            if not left:
                break
            arguments = call.arguments_json()
            calls.append(replace(call, arguments=arguments[:left]))
            left = max(left - len(arguments), 0)
        self.tool_calls = calls
        if self.finish_reason is None:
            self.finish_reason = "length"

    def sends_reasoning_details(self, model: Any) -> bool:
        """Whether split reasoning goes out as `reasoning_details` for `model`.

        Returns:
            `reasoning_details` if set, else whether the model table says the
            model sends it (every model but MiniMax-M3.1-Flash; unknown
            models do).
        """
        if self.reasoning_details is not None:
            return self.reasoning_details
        if self.dialect != "minimax":
            return False
        row = model_row(model) if isinstance(model, str) else None
        return row is None or "reasoning_details" in row.split_reasoning

    def resolved_finish_reason(self) -> str:
        """Return the `finish_reason` this reply is sent with.

        Returns:
            `finish_reason` if set, else `"tool_calls"` or `"stop"`.
        """
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the emulator received, and the status it answered with.

    The API key is never kept: the `authorization` header is recorded with
    its credentials replaced, e.g. `"Bearer [redacted]"` (whether the key
    was right shows in `response_status`, 401 when it was not).

    Attributes:
        method: The HTTP method, e.g. `"POST"`.
        path: The request target as sent, e.g. `"/v1/chat/completions"`.
        headers: Request headers with lower-cased names (repeated headers keep
            the last value), `authorization` and `proxy-authorization`
            redacted.
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

    def __post_init__(self) -> None:
        headers = {
            name: _redacted(value) if name.lower() in _SECRET_HEADERS else value
            for name, value in self.headers.items()
        }
        object.__setattr__(self, "headers", headers)

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


_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


def _redacted(value: str) -> str:
    """Keep an `Authorization` value's scheme, never its credentials."""
    scheme, _, credentials = value.strip().partition(" ")
    if not credentials:
        return "[redacted]" if scheme else value
    return f"{scheme} [redacted]"
