"""Responders that answer from the request itself, for unscripted offline runs."""

from __future__ import annotations

import json
from typing import Any

from langchain_minimax.testing._script import Reply, ToolCall

__all__ = ["auto_responder", "sample_from_schema"]

_PLACE_WORDS = ("city", "location", "place", "town")


def sample_from_schema(schema: Any, name: str = "") -> Any:
    """Build a small value that fits a JSON schema's types.

    Any JSON value is accepted as a schema and never makes it fail: boolean
    schemas (`true` takes anything, `false` nothing), local `$ref`s (`#`,
    `#/$defs/...`, recursive ones too), `anyOf` / `oneOf` / `allOf`,
    `enum`, `const`, `prefixItems` and tuple-style `items`, missing or
    unknown types, and keywords of the wrong type (ignored). The value is
    meant for offline runs and is not checked against every keyword
    (bounds, patterns and formats are not honored).

    Args:
        schema: A JSON schema (an object's `parameters`, a property, ...).
        name: The property name, used to pick a plausible string.

    Returns:
        The `const` or first `enum` member if any; else a value of the
        schema's first non-null type: an object with every property
        (required or not; a property that would recurse through a `$ref`
        forever is left out), a one-item array (one item per tuple position;
        empty when the item would recurse), 1 for integers, 1.5 for numbers,
        `True` for booleans, `None` for `null` and `false`, and a string
        otherwise ("Paris" for place-like names, else "example").
    """
    value = _Sampler(schema).sample(schema, name, frozenset(), 0)
    return None if value is _CYCLE else value


_MAX_DEPTH = 32
_CYCLE = object()
"""A `$ref` back into itself: left out of objects and arrays."""


class _Sampler:
    """Samples one schema document, resolving its local `$ref`s."""

    def __init__(self, root: Any) -> None:
        self.root = root

    def sample(self, schema: Any, name: str, refs: frozenset[str], depth: int) -> Any:
        if schema is False or depth > _MAX_DEPTH:
            return None
        if not isinstance(schema, dict):
            return _string(name)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in refs:
                return _CYCLE
            target = self._resolve(ref)
            if target is not None:
                return self.sample(target, name, refs | {ref}, depth + 1)
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return enum[0]
        for key in ("anyOf", "oneOf"):
            option = _first_option(schema.get(key))
            if option is not None:
                return self.sample(option, name, refs, depth + 1)
        merged = _merged(schema)
        if merged is not schema:
            return self.sample(merged, name, refs, depth + 1)
        return self._typed(schema, name, refs, depth)

    def _typed(
        self, schema: dict[str, Any], name: str, refs: frozenset[str], depth: int
    ) -> Any:
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if isinstance(k, str)]
            kind = next((k for k in kinds if k != "null"), "null" if kinds else None)
        if not isinstance(kind, str):
            kind = None
        properties = schema.get("properties")
        if kind == "object" or (kind is None and isinstance(properties, dict)):
            values = {}
            if isinstance(properties, dict):
                for prop, sub in properties.items():
                    value = self.sample(sub, prop, refs, depth + 1)
                    if value is not _CYCLE:
                        values[prop] = value
            return values
        if kind == "array":
            return self._array(schema, name, refs, depth)
        simple = {"integer": 1, "number": 1.5, "boolean": True, "null": None}
        if kind in simple:
            return simple[kind]
        return _string(name)

    def _array(
        self, schema: dict[str, Any], name: str, refs: frozenset[str], depth: int
    ) -> list[Any]:
        items = schema.get("items", True)
        positions = schema.get("prefixItems")
        if isinstance(items, list):  # the tuple form of older drafts
            positions = items
        if not isinstance(positions, list) or not positions:
            positions = [items]
        values = [self.sample(sub, name, refs, depth + 1) for sub in positions]
        return [value for value in values if value is not _CYCLE]

    def _resolve(self, ref: str) -> Any:
        """The target of a local JSON pointer such as `#/$defs/Item`, or None."""
        if not ref.startswith("#"):
            return None
        node = self.root
        for token in ref[1:].split("/")[1:] if ref != "#" else []:
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdecimal() and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
        return node


def _first_option(options: Any) -> Any:
    """The first `anyOf` / `oneOf` option that is not just `null`."""
    if not isinstance(options, list):
        return None
    for option in options:
        if option is True or (
            isinstance(option, dict) and option.get("type") != "null"
        ):
            return option
    return None


def _merged(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `allOf` parts folded in (the schema itself if none)."""
    parts = schema.get("allOf")
    if not isinstance(parts, list) or not parts:
        return schema
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    own = merged.get("properties")
    properties = dict(own) if isinstance(own, dict) else {}
    for part in parts:
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    return merged


def _string(name: str) -> str:
    if any(word in name.lower() for word in _PLACE_WORDS):
        return "Paris"
    return "example"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = (_dict(part).get("text") for part in content)
        return "".join(text for text in texts if isinstance(text, str))
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


def _pick_tool(tools: list[Any], tool_choice: Any, question: str) -> dict[str, Any]:
    functions = [_dict(_dict(tool).get("function")) for tool in tools]
    if isinstance(tool_choice, dict):
        wanted = _dict(tool_choice.get("function")).get("name")
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
      its schema (`sample_from_schema`; `{}` when the sample is not an
      object).
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
    given = request_body.get("messages")
    messages = [_dict(m) for m in given] if isinstance(given, list) else []
    last = messages[-1] if messages else {}
    question = next(
        (_text(m) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    tools = request_body.get("tools")
    tools = tools if isinstance(tools, list) else []
    if last.get("role") == "tool":
        results = [_text(m) for m in messages if m.get("role") == "tool"]
        return Reply(
            reasoning="I have the tool results; I can answer now.",
            content=f"Here is what I found: {results[-1]}",
        )
    if tools and request_body.get("tool_choice") != "none":
        function = _pick_tool(tools, request_body.get("tool_choice"), question)
        arguments = sample_from_schema(function.get("parameters", {}))
        return Reply(
            reasoning=f"To answer I should call {function.get('name')}.",
            content="\n",
            tool_calls=[ToolCall(str(function.get("name")), _dict(arguments))],
        )
    response_format = _dict(request_body.get("response_format"))
    schema = _dict(response_format.get("json_schema")).get("schema")
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
