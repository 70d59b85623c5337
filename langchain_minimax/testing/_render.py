"""Rendering scripted replies and errors to MiniMax's wire format.

Pure functions: `MiniMaxEmulator.answer` decides *which* reply or fault
applies to a request and these turn it into the JSON bodies and
server-sent-event chunks MiniMax's OpenAI-compatible Chat Completions endpoint
produces (see `../shared/minimax-api.md` in the project's notes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from langchain_minimax.rules import estimated_prompt_tokens
from langchain_minimax.testing._faults import InBodyError
from langchain_minimax.testing._script import Reply, dumps

__all__ = [
    "ASSISTANT_NAME",
    "REASONING_FORMAT",
    "REASONING_ID",
    "base_resp",
    "error_envelope",
    "in_body_error",
    "prompt_size",
    "render_completion",
    "render_stream",
]

ASSISTANT_NAME = "MiniMax AI"
"""The `name` MiniMax puts on every assistant message and stream delta."""

REASONING_ID = "reasoning-text-1"
"""The `id` of the single `reasoning_details` entry MiniMax sends."""

REASONING_FORMAT = "MiniMax-response-v1"
"""The `format` of the `reasoning_details` entries MiniMax sends."""


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


def in_body_error(
    fault: InBodyError, model: Any, *, completion_id: str, created: int
) -> dict[str, Any]:
    """Build the HTTP-200 body of a failure reported in `base_resp`.

    Args:
        fault: The fault, with its code and message.
        model: The request's `model`, echoed back.
        completion_id: The response `id`.
        created: The `created` timestamp.

    Returns:
        A body with `choices: null`, `usage: null` and a non-zero `base_resp`.
    """
    return {
        "id": completion_id,
        "created": created,
        "model": model,
        "choices": None,
        "usage": None,
        **moderation_flags(),
        "base_resp": base_resp(fault.code, fault.status_msg()),
    }


def moderation_flags(output_sensitive_type: int = 0) -> dict[str, Any]:
    """The content-moderation fields MiniMax puts on every response and chunk.

    Args:
        output_sensitive_type: MiniMax's category code for flagged output, or
            0 for output that is not flagged.

    Returns:
        `input_sensitive`, `input_sensitive_type`, `output_sensitive`,
        `output_sensitive_type` and `output_sensitive_int` (whose meaning
        MiniMax does not document; 1 here for flagged output, else 0).
    """
    flagged = output_sensitive_type != 0
    return {
        "input_sensitive": False,
        "input_sensitive_type": 0,
        "output_sensitive": flagged,
        "output_sensitive_type": output_sensitive_type,
        "output_sensitive_int": int(flagged),
    }


def prompt_size(messages: Any) -> int:
    """Estimate prompt tokens the way `Reply.prompt_tokens` is computed."""
    return estimated_prompt_tokens(messages)


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
        completion = max(reply.output_chars() // 4 + 1, reasoning)
    usage: dict[str, Any] = {
        "total_tokens": prompt + completion,
        "total_characters": 0,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
    }
    if reply.prompt_cache_hit_tokens is not None:
        usage["prompt_cache_hit_tokens"] = reply.prompt_cache_hit_tokens
    if reply.usage_details:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        usage["prompt_tokens_details"] = _prompt_details(reply)
    return usage


def _prompt_details(reply: Reply) -> dict[str, int]:
    """MiniMax reports `cache_control` reads and writes instead of `cached_tokens`."""
    marked = {
        "cache_read_input_tokens": reply.cache_read_input_tokens,
        "cache_creation_input_tokens": reply.cache_creation_input_tokens,
    }
    details = {name: value for name, value in marked.items() if value is not None}
    if not details or reply.cached_tokens is not None:
        details = {"cached_tokens": reply.cached_tokens or 0, **details}
    return details


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


M3_TOKEN = "]<]minimax[>["
"""The token MiniMax-M3 puts before every tag of its raw tool-call markup."""


def _is_m3(model: Any) -> bool:
    return isinstance(model, str) and model.startswith("MiniMax-M3")


def _think_block(reasoning: str) -> str:
    return "<think>\n" + reasoning + "\n</think>\n\n" if reasoning else ""


def _markup_value(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)


def tool_call_markup(calls: Sequence[Any], *, m3: bool) -> str:
    """The model's raw tool-call markup for `calls` (minimax-api.md).

    Args:
        calls: The reply's `ToolCall`s; string arguments go inside the
            `<invoke>` element verbatim (markup that does not parse).
        m3: MiniMax-M3's form (tags prefixed with `]<]minimax[>[`, one
            element per argument) instead of M2.x's.

    Returns:
        One block holding every call, or `""` without calls.
    """
    if not calls:
        return ""
    token = M3_TOKEN if m3 else ""
    invokes = []
    for call in calls:
        if isinstance(call.arguments, str):
            body = call.arguments
        elif m3:
            body = "".join(
                f"{token}<{key}>{_markup_value(value)}{token}</{key}>"
                for key, value in call.arguments.items()
            )
        else:
            body = "".join(
                f'<parameter name="{key}">{_markup_value(value)}</parameter>\n'
                for key, value in call.arguments.items()
            )
            body = "\n" + body
        invokes.append(f'{token}<invoke name="{call.name}">{body}{token}</invoke>\n')
    if m3:
        return f"{token}<tool_call>\n" + "".join(invokes) + f"{token}</tool_call>"
    return "<minimax:tool_call>\n" + "".join(invokes) + "</minimax:tool_call>"


def _content_text(reply: Reply, split: bool, model: Any) -> str:
    """The reply's `content` as the reply's dialect sends it."""
    dialect, reasoning = reply.dialect, reply.reasoning
    if dialect == "vllm":
        return reply.content
    if dialect == "vllm-raw":
        m3 = _is_m3(model)
        head = ""
        if reasoning:
            head = (
                "<mm:think>\n" + reasoning + "\n</mm:think>\n\n"
                if m3
                else reasoning + "\n</think>\n\n"
            )
        return head + reply.content + tool_call_markup(reply.tool_calls, m3=m3)
    if split and dialect != "relay-m3":
        return reply.content
    return _think_block(reasoning) + reply.content


def _reasoning_fields(
    reply: Reply, split: bool, details: bool, text: str
) -> dict[str, Any]:
    """The structured reasoning fields that carry `text` in the reply's dialect."""
    dialect = reply.dialect
    if dialect == "vllm" or (dialect == "minimax-m3" and not split):
        return {"reasoning_content": text}
    if not split or dialect == "vllm-raw":
        return {}
    if dialect in ("relay", "relay-m3"):
        return {"reasoning": text}
    fields: dict[str, Any] = {}
    if reply.flat_reasoning_content:
        fields["reasoning_content"] = text
    if details:
        fields["reasoning_details"] = _reasoning_details(text)
    return fields


def _wire_arguments(reply: Reply, call: Any) -> Any:
    """A call's `function.arguments`: JSON text, or an object from a relay."""
    if reply.dialect.startswith("relay") and isinstance(call.arguments, dict):
        return call.arguments
    return call.arguments_json()


def _own_fields(reply: Reply) -> bool:
    """Whether the dialect sends MiniMax's own fields (name, base_resp, flags)."""
    return reply.dialect not in ("vllm", "vllm-raw")


def _message(
    reply: Reply, request: Mapping[str, Any], tool_call_ids: Sequence[str]
) -> dict[str, Any]:
    """The whole assistant message of a reply, as its dialect sends it."""
    split = request.get("reasoning_split") is True
    model = request.get("model")
    message: dict[str, Any] = {"role": "assistant"}
    if _own_fields(reply):
        message.update(name=ASSISTANT_NAME, audio_content="")
    message["content"] = _content_text(reply, split, model)
    if reply.reasoning:
        details = reply.sends_reasoning_details(model)
        message.update(_reasoning_fields(reply, split, details, reply.reasoning))
    if reply.tool_calls and reply.dialect != "vllm-raw":
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": _wire_arguments(reply, call),
                },
            }
            for call, call_id in zip(reply.tool_calls, tool_call_ids, strict=True)
        ]
    return message


def _finish_reason(reply: Reply) -> str:
    if reply.dialect == "vllm-raw" and reply.finish_reason is None:
        return "stop"
    return reply.resolved_finish_reason()


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
    body = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": reply.model or request.get("model"),
        "choices": [
            {
                "index": 0,
                "finish_reason": _finish_reason(reply) if finish else None,
                "message": _message(reply, request, tool_call_ids),
            }
        ],
        "usage": _usage(reply, request.get("messages")),
    }
    if _own_fields(reply):
        body.update(moderation_flags(reply.output_sensitive_type))
        body["base_resp"] = base_resp()
    return body


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _reasoning_payloads(
    reply: Reply, split: bool, details: bool, size: int
) -> list[dict[str, Any]]:
    """The deltas of the structured reasoning (snapshots if so scripted)."""
    payloads = []
    sent = 0
    for piece in _pieces(reply.reasoning, size):
        sent += len(piece)
        text = reply.reasoning[:sent] if reply.cumulative_reasoning else piece
        if fields := _reasoning_fields(reply, split, details, text):
            payloads.append(fields)
    return payloads


def _stream_payloads(
    reply: Reply,
    split: bool,
    details: bool,
    tool_call_ids: Sequence[str],
    size: int,
    model: Any = None,
) -> list[dict[str, Any]]:
    payloads: list[dict[str, Any]] = []
    text = _content_text(reply, split, model)
    if reply.dialect == "minimax-m3" and not split and reply.reasoning:
        # Doubled: each piece of the think block, then the same piece again.
        opening = "<think>\n"
        payloads.append({"content": opening})
        for piece in _pieces(reply.reasoning, size):
            payloads.append({"content": piece})
            payloads.append({"reasoning_content": piece})
        text = text[len(opening) + len(reply.reasoning) :]
    else:
        payloads.extend(_reasoning_payloads(reply, split, details, size))
    payloads.extend({"content": piece} for piece in _pieces(text, size))
    calls = [] if reply.dialect == "vllm-raw" else reply.tool_calls
    for index, (call, call_id) in enumerate(zip(calls, tool_call_ids, strict=False)):
        arguments = _wire_arguments(reply, call)
        if reply.tool_calls_in_finish_chunk or not isinstance(arguments, str):
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
    details = reply.sends_reasoning_details(request.get("model"))
    payloads = _stream_payloads(
        reply, split, details, tool_call_ids, size, request.get("model")
    )
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
        finish_head += '"finish_reason":' + dumps(_finish_reason(reply)) + ","
    tail = (
        "}],"
        + '"created":'
        + dumps(created)
        + ',"model":'
        + dumps(model)
        + ',"object":"chat.completion.chunk","usage":'
        + chunk_usage
        + ","
    )
    flags = dumps(moderation_flags())[1:]
    final_flags = dumps(moderation_flags(reply.output_sensitive_type))[1:]
    own = _own_fields(reply)
    if not own:
        tail, flags = tail[:-1], "}"
        final_flags = flags
    last = len(payloads) - 1
    for i, payload in enumerate(payloads):
        if i == 0:
            role = "assistant"
        elif i % 2:
            role = ""
        else:
            role = "assistant"
        delta: dict[str, Any] = {"role": role}
        if own:
            delta.update(name=ASSISTANT_NAME, audio_content="")
        delta.update(payload)
        start, end = (finish_head, final_flags) if i == last else (head, flags)
        yield start + '"delta":' + dumps(delta) + tail + end
    if reply.trailing_message:
        whole = render_completion(
            reply,
            request,
            completion_id=completion_id,
            created=created,
            tool_call_ids=tool_call_ids,
            finish=finish,
        )
        whole["object"] = "chat.completion.chunk"
        yield dumps(whole)
        return
    if include_usage:
        yield dumps(
            {
                "id": completion_id,
                "choices": [],
                "created": created,
                "model": model,
                "object": "chat.completion.chunk",
                "usage": _usage(reply, request.get("messages")),
                **(moderation_flags(reply.output_sensitive_type) if own else {}),
                **({"base_resp": base_resp()} if own else {}),
            }
        )
