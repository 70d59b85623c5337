"""The request checks MiniMax applies before answering (HTTP 400, code 2013)."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from langchain_minimax.testing._render import prompt_size

__all__ = ["CONTEXT_WINDOWS", "KNOWN_MODELS", "MULTIMODAL_MODELS", "validate_request"]

KNOWN_MODELS: frozenset[str] = frozenset(
    {
        "MiniMax-M2",
        "MiniMax-M2-Stable",
        "MiniMax-M2.1",
        "MiniMax-M2.1-highspeed",
        "MiniMax-M2.5",
        "MiniMax-M2.5-highspeed",
        "MiniMax-M2.7",
        "MiniMax-M2.7-highspeed",
        "MiniMax-M3",
    }
)
"""Model names the emulator accepts out of the box."""

MULTIMODAL_MODELS: frozenset[str] = frozenset({"MiniMax-M3"})
"""Models that accept non-text content parts and temperatures in [0, 2]."""

CONTEXT_WINDOWS: dict[str, int] = {"MiniMax-M3": 1_048_576}
"""Prompt tokens a model takes, where it differs from the M2 family's 204,800
(MiniMax's model pages; M3 "about 1M": its conformance suite sends prompts of
just under 1,048,576 tokens and expects them accepted, as
`langchain_minimax.profiles` records)."""

_DEFAULT_CONTEXT_WINDOW = 204_800

_MEDIA_PART_TYPES = frozenset({"image_url", "input_audio", "file", "video_url"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_ROLES = frozenset({"system", "user", "assistant", "tool"})
_M3_ROLES = _ROLES | {"root"}
"""MiniMax-M3 also takes `root`, an instruction role above `system`."""


def _check_messages(messages: list[Any], model: str) -> str | None:
    m3 = model in MULTIMODAL_MODELS
    issued: set[str] = set()
    systems = 0
    conversation_started = False
    for position, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            return "invalid params, message must be an object with a role"
        role = message["role"]
        if role not in (_M3_ROLES if m3 else _ROLES):
            return f"invalid params, invalid message role: {role}"
        if role == "system":
            systems += 1
            if conversation_started:
                return "invalid params, chat content has invalid message role: system"
        elif role != "root":
            conversation_started = True
        content = message.get("content")
        if isinstance(content, list) and not m3:
            for part in content:
                kind = part.get("type") if isinstance(part, dict) else None
                if isinstance(kind, str) and kind in _MEDIA_PART_TYPES:
                    return (
                        f"invalid params, content type {kind} is not "
                        f"supported by model {model}"
                    )
        if role == "assistant":
            error = _check_tool_calls(message, messages[position + 1 :], issued)
            if error is not None:
                return error
        elif role == "tool":
            tool_call_id = message.get("tool_call_id")
            if not isinstance(tool_call_id, str) or tool_call_id not in issued:
                return (
                    f"invalid params, tool result's tool id({tool_call_id}) not found"
                )
            if isinstance(content, dict):
                return "invalid params, tool message content must be a string"
    if systems > 1 and not m3:
        return "invalid params, invalid chat setting"
    return None


def _check_tool_calls(
    message: dict[str, Any], following: list[Any], issued: set[str]
) -> str | None:
    """Check an assistant turn's tool calls and the tool results right after it.

    The results may be missing altogether, but not only some of them (MiniMax's
    M3 suite: "reply to only some tool_calls" gets HTTP 400).
    """
    ids: list[str] = []
    for call in message.get("tool_calls") or []:
        call_id = call.get("id") if isinstance(call, dict) else None
        function = call.get("function") if isinstance(call, dict) else None
        arguments = function.get("arguments") if isinstance(function, dict) else None
        try:
            if not isinstance(arguments, str):
                raise ValueError(arguments)
            json.loads(arguments)
        except ValueError:
            return (
                "invalid params, invalid function arguments json string, "
                f"tool_call_id: {call_id}"
            )
        if isinstance(call_id, str):
            issued.add(call_id)
            ids.append(call_id)
    answered = set()
    for reply in following:
        if not isinstance(reply, dict) or reply.get("role") != "tool":
            break
        answered.add(reply.get("tool_call_id"))
    missing = [call_id for call_id in ids if call_id not in answered]
    if answered and missing:
        return (
            "invalid params, tool calls answered only in part: no result for "
            + ", ".join(missing)
        )
    return None


def _check_sampling(body: dict[str, Any], model: str) -> str | None:
    """Check `temperature`, `top_p` and the output-length limits."""
    temperature = body.get("temperature")
    if temperature is not None:
        if model in MULTIMODAL_MODELS:
            ok = _is_number(temperature) and 0.0 <= temperature <= 2.0
            allowed = "[0, 2]"
        else:
            ok = _is_number(temperature) and 0.0 < temperature <= 1.0
            allowed = "(0, 1]"
        if not ok:
            return f"invalid params, temperature must be in {allowed}"
    top_p = body.get("top_p")
    if top_p is not None and not (_is_number(top_p) and 0.0 < top_p <= 1.0):
        return "invalid params, top_p must be in (0, 1]"
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is not None and (type(value) is not int or value < 1):
            return f"invalid params, {name} must be a positive integer"
    return None


def _check_thinking(body: dict[str, Any], model: str) -> str | None:
    """Check `thinking` and `reasoning_effort` as MiniMax's M3 suite describes.

    M3 takes `adaptive` or `disabled`; where thinking is forced on (the M2
    family), `disabled` and `reasoning_effort: "none"` get HTTP 400. Other
    `reasoning_effort` values are accepted (the service ignores unknown ones).
    """
    forced = model not in MULTIMODAL_MODELS
    allowed = ("adaptive",) if forced else ("adaptive", "disabled")
    thinking = body.get("thinking")
    if thinking is not None:
        kind = thinking.get("type") if isinstance(thinking, dict) else None
        if kind not in allowed:
            return (
                f"invalid params, invalid thinking.type: {json.dumps(kind)} "
                f"(allowed: {', '.join(allowed)})"
            )
    if forced and body.get("reasoning_effort") == "none":
        return (
            "invalid params, reasoning_effort none is not supported when "
            "thinking is forced on"
        )
    return None


def _check_tools(tools: Any) -> str | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return "invalid params, tools must be a list"
    for tool in tools:
        if not isinstance(tool, dict):
            return "invalid params, invalid tool"
        if tool.get("type") != "function":
            return f"invalid params, invalid tool type: {tool.get('type') or ''}"
        function = tool.get("function")
        if not isinstance(function, dict) or not function.get("name"):
            return "invalid params, function name is empty"
        if not function.get("parameters"):
            return "function parameters is empty"
    return None


def validate_request(
    body: Any, *, models: Collection[str], context_limit_tokens: int | None = None
) -> str | None:
    """Check a chat-completions request body the way MiniMax does.

    The emulator answers a failed check with HTTP 400, error type
    `bad_request_error` and the returned message. Rejected are:

    - a body that is not a JSON object, or an empty `messages` list;
    - a `model` not in `models`;
    - `n` other than 1;
    - `temperature` outside (0, 1], or outside [0, 2] for MiniMax-M3;
    - a `thinking.type` other than `adaptive` or `disabled` for MiniMax-M3, or
      other than `adaptive` for the other models (their thinking is forced
      on), and `reasoning_effort: "none"` for those models;
    - `image_url`, `input_audio`, `file` or `video_url` content parts for a
      model other than MiniMax-M3;
    - an assistant tool call whose `function.arguments` is not valid JSON;
    - a `tool` message whose `tool_call_id` no earlier assistant message in
      the request issued;
    - `top_p` outside (0, 1], and `max_tokens` or `max_completion_tokens`
      that is not a positive integer;
    - a message `role` other than `system`, `user`, `assistant` and `tool`
      (and `root` for MiniMax-M3);
    - a `tool` message whose `content` is an object;
    - an assistant turn whose tool calls the tool messages right after it
      answer only in part;
    - more than one system message (`invalid chat setting`; MiniMax-M3 takes
      several), or a system message after the conversation started;
    - a tool that is not `type: "function"`, or whose `parameters` are
      missing, null or `{}` (`function parameters is empty`);
    - a prompt larger than `context_limit_tokens`, or by default than the
      model's context window (204,800 tokens; MiniMax-M3 1,048,576).

    Args:
        body: The parsed JSON body (anything `json.loads` may return).
        models: The accepted model names.
        context_limit_tokens: The largest accepted prompt size, measured like
            `Reply.prompt_tokens` (`len(json.dumps(messages)) // 4 + 1`);
            `None` (the default) takes the model's context window.

    Returns:
        None when the request is acceptable, else the error message including
        its ` (2013)` suffix.
    """
    error = _validate(body, models, context_limit_tokens)
    return None if error is None else f"{error} (2013)"


def _validate(body: Any, models: Collection[str], limit: int | None) -> str | None:
    if not isinstance(body, dict):
        return "invalid params, request body must be a JSON object"
    model = body.get("model")
    if not isinstance(model, str) or model not in models:
        return f"invalid params, unknown model '{model}'"
    n = body.get("n")
    if n is not None and (type(n) is not int or n != 1):
        return "invalid params, n must be 1"
    error = _check_sampling(body, model) or _check_thinking(body, model)
    if error is not None:
        return error
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "invalid params, messages is empty"
    error = _check_messages(messages, model) or _check_tools(body.get("tools"))
    if error is not None:
        return error
    if limit is None:
        limit = CONTEXT_WINDOWS.get(model, _DEFAULT_CONTEXT_WINDOW)
    if prompt_size(messages) > limit:
        return "invalid params, context window exceeds limit"
    return None
