"""Responders that answer from the request itself, for unscripted offline runs."""

from __future__ import annotations

import json
from typing import Any

from langchain_minimax.testing._script import Reply, ToolCall

__all__ = ["auto_responder", "sample_from_schema"]

_PLACE_WORDS = ("city", "location", "place", "town")


def sample_from_schema(schema: dict[str, Any], name: str = "") -> Any:
    """Build a small value that satisfies a JSON schema's types.

    Args:
        schema: A JSON schema (an object's `parameters`, a property, ...).
        name: The property name, used to pick a plausible string.

    Returns:
        A value of the schema's type: the first `enum` member or `const`, an
        object with every property (required or not), a one-item array, 1 for
        integers, 1.5 for numbers, `True` for booleans, and a string otherwise
        ("Paris" for place-like names).
    """
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [s for s in schema.get(key) or [] if s.get("type") != "null"]
        if options:
            return sample_from_schema(options[0], name)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        return {
            prop: sample_from_schema(sub, prop)
            for prop, sub in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        return [sample_from_schema(schema.get("items") or {}, name)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if any(word in name.lower() for word in _PLACE_WORDS):
        return "Paris"
    return "example"


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") for part in content if isinstance(part, dict)
        )
    return ""


def _schema_in(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text`, taken as a schema."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return value if isinstance(value, dict) else None
    return None


def _pick_tool(tools: list[dict[str, Any]], tool_choice: Any, question: str) -> Any:
    functions = [tool.get("function") or {} for tool in tools]
    if isinstance(tool_choice, dict):
        wanted = (tool_choice.get("function") or {}).get("name")
        for function in functions:
            if function.get("name") == wanted:
                return function
    mentioned = [
        f for f in functions if str(f.get("name", "")).lower() in question.lower()
    ]
    return (mentioned or functions)[0]


def auto_responder(request_body: dict[str, Any]) -> Reply:
    """Answer like an agent would, from the request alone.

    * With tools and a user turn last: call the tool named in the last user
      message (or the forced one, or the first), with arguments sampled from
      its schema (`sample_from_schema`).
    * After tool results: a final answer that quotes them.
    * With `response_format` carrying a JSON schema, or a system message that
      asks for JSON: a sample of the schema (the first JSON object in that
      message, else `{"answer": ...}`) as JSON text.
    * Otherwise: a short answer that quotes the question.

    Every reply has reasoning, so reasoning round-trips can be observed.

    Example:
        ```python
        from langchain_minimax.testing import MiniMaxEmulator, auto_responder

        with MiniMaxEmulator(responder=auto_responder) as emu:
            ...
        ```
    """
    messages = request_body.get("messages") or [{}]
    last = messages[-1] if isinstance(messages[-1], dict) else {}
    question = next(
        (_text(m) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    tools = request_body.get("tools") or []
    if last.get("role") == "tool":
        results = [_text(m) for m in messages if m.get("role") == "tool"]
        return Reply(
            reasoning="I have the tool results; I can answer now.",
            content=f"Here is what I found: {results[-1]}",
        )
    if tools and request_body.get("tool_choice") != "none":
        function = _pick_tool(tools, request_body.get("tool_choice"), question)
        arguments = sample_from_schema(function.get("parameters") or {})
        return Reply(
            reasoning=f"To answer I should call {function.get('name')}.",
            content="\n",
            tool_calls=[ToolCall(str(function.get("name")), arguments)],
        )
    response_format = request_body.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema")
    system = " ".join(_text(m) for m in messages if m.get("role") == "system")
    if schema is None and "JSON" in system:
        schema = _schema_in(system) or {"properties": {"answer": {}}}
    if schema:
        return Reply(
            reasoning="The answer must be JSON matching the schema.",
            content=json.dumps(sample_from_schema(schema)),
        )
    return Reply(
        reasoning=f"The user asked: {question[:200]}. I will answer briefly.",
        content=f"(emulator) You asked: {question[:200]}",
    )
