"""Holding MiniMax's replies to `tool_choice`, which the service does not enforce.

OpenAI's `tool_choice="required"` (langchain's `"any"`) and a named tool
demand a tool call; MiniMax accepts and ignores them (seen), so they are not
sent (`request.apply_tool_rules`) and the model may answer with the call's
arguments as JSON text instead, or with no call at all. `langchain.agents`
relies on the demand: `create_agent(model, response_format=Schema)` binds the
schema as a tool with `tool_choice="any"` and ends (or, with no other tools,
calls the model again and again) when the reply has no call. So a reply to a
demanding request either has a call, or holds JSON for exactly one demanded
tool, which becomes that call (read as `with_structured_output` reads JSON
answers), or raises an error naming the tools. Pure functions; the stream
wrapper yields what it gets, plus the call at the end.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any
from uuid import uuid4

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage, AIMessageChunk, ToolCall
from langchain_core.messages.tool import tool_call, tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.utils.json import parse_json_markdown

from langchain_minimax.reasoning import split_think


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in an answer text, or `None` when there is none.

    Reads the text after a leading `<think>` block, as bare JSON or in a
    Markdown fence. Only a complete object counts: no repair of cut-off JSON.
    """
    try:
        parsed = parse_json_markdown(split_think(text).after, parser=json.loads)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


FORCING_TOOL_CHOICES = ("required", "any", True)
"""`tool_choice` values that demand a tool call (MiniMax ignores them)."""


def forced_tool_names(tool_choice: Any, tools: Sequence[Any] | None) -> list[str]:
    """The tools one of which a reply must call, by `tool_choice`; `[]` for none.

    OpenAI's `"required"` (langchain's `"any"`, `True`) demands a call to one
    of the bound tools, a named choice a call to that tool. MiniMax honours
    neither (it is not sent; see `request.apply_tool_rules`), so the package
    holds the reply to it (see `json_tool_call`).
    """
    names = [
        str((tool.get("function") or {}).get("name"))
        for tool in tools or ()
        if isinstance(tool, Mapping) and tool.get("type") == "function"
    ]
    if tool_choice in FORCING_TOOL_CHOICES:
        return names
    name = (
        (tool_choice.get("function") or {}).get("name")
        if isinstance(tool_choice, Mapping)
        else tool_choice
    )
    return [name] if isinstance(name, str) and name in names else []


def hold_result(result: ChatResult, bound: Mapping[str, Any]) -> None:
    """Add the demanded call to each reply of `result` that stands for one, in place.

    Args:
        result: An invoke's result.
        bound: The call's keyword arguments (`tool_choice` and `tools` as bound).

    Raises:
        OutputParserException: See `json_tool_call`.
    """
    for generation in result.generations:
        message = generation.message
        if isinstance(message, AIMessage):
            call = json_tool_call(message, bound.get("tool_choice"), bound.get("tools"))
            if call is not None:
                message.tool_calls.append(call)


class StreamHold:
    """Watches a stream whose request demanded a tool call (see `hold_result`).

    The demanded call, when the streamed reply stands for one, comes as one
    tool-call chunk after the others, so the summed stream equals the invoked
    reply.
    """

    def __init__(self, bound: Mapping[str, Any]) -> None:
        """Watch a stream of a call made with keyword arguments `bound`."""
        self._tool_choice = bound.get("tool_choice")
        self._tools = bound.get("tools")
        self.forced = bool(forced_tool_names(self._tool_choice, self._tools))
        self._text: list[str] = []
        self._called = False
        self._id: str | None = None

    def see(self, chunk: ChatGenerationChunk) -> None:
        """Take note of one chunk of the reply."""
        message = chunk.message
        self._called = self._called or bool(getattr(message, "tool_call_chunks", ()))
        self._text.append(message.text)
        self._id = message.id or self._id

    def last(self) -> ChatGenerationChunk | None:
        """The chunk with the demanded call, if the reply stands for one.

        Raises:
            OutputParserException: See `json_tool_call`.
        """
        if not self.forced or self._called:
            return None
        reply = AIMessage("".join(self._text), id=self._id)
        call = json_tool_call(reply, self._tool_choice, self._tools)
        if call is None:
            return None
        arguments = json.dumps(call["args"], ensure_ascii=False)
        piece = tool_call_chunk(
            name=call["name"], args=arguments, id=call["id"], index=0
        )
        return ChatGenerationChunk(
            message=AIMessageChunk(content="", id=self._id, tool_call_chunks=[piece])
        )


def hold_stream(
    chunks: Iterator[ChatGenerationChunk], bound: Mapping[str, Any]
) -> Iterator[ChatGenerationChunk]:
    """`chunks`, then the demanded call when the reply stands for one (`StreamHold`).

    `chunks` itself when the request demanded no call.
    """
    hold = StreamHold(bound)
    return _held(chunks, hold) if hold.forced else chunks


def _held(
    chunks: Iterator[ChatGenerationChunk], hold: StreamHold
) -> Iterator[ChatGenerationChunk]:
    for chunk in chunks:
        hold.see(chunk)
        yield chunk
    if last := hold.last():
        yield last


def ahold_stream(
    chunks: AsyncIterator[ChatGenerationChunk], bound: Mapping[str, Any]
) -> AsyncIterator[ChatGenerationChunk]:
    """The async `hold_stream`."""
    hold = StreamHold(bound)
    return _aheld(chunks, hold) if hold.forced else chunks


async def _aheld(
    chunks: AsyncIterator[ChatGenerationChunk], hold: StreamHold
) -> AsyncIterator[ChatGenerationChunk]:
    async for chunk in chunks:
        hold.see(chunk)
        yield chunk
    if last := hold.last():
        yield last


def json_tool_call(
    message: AIMessage, tool_choice: Any, tools: Sequence[Any] | None
) -> ToolCall | None:
    """The call a reply without one stands for, when `tool_choice` demanded one.

    MiniMax may answer a request that demands a tool call (e.g. the structured
    response tool `langchain.agents.create_agent` binds with
    `tool_choice="any"`) with the call's arguments as JSON text instead. Such a
    reply is read as `with_structured_output` reads it: a JSON object, bare or
    fenced, after any `<think>` block. It stands for a call to the one demanded
    tool whose parameters it fits (every required key present, no key outside
    `properties` unless `additionalProperties` allows it).

    Args:
        message: The reply.
        tool_choice: The request's `tool_choice`, as bound.
        tools: The request's OpenAI-shaped tool dicts.

    Returns:
        The call (with a new id, `call_json_...`), or `None` when no call was
        demanded or the reply has one.

    Raises:
        OutputParserException: When a call was demanded and the reply has none
            and no JSON object fitting exactly one demanded tool, naming the
            tools; `llm_output` is the reply's text.
    """
    names = forced_tool_names(tool_choice, tools)
    if not names or message.tool_calls or message.invalid_tool_calls:
        return None
    text = message.text
    obj = json_object(text)
    fitting = [
        name
        for tool in tools or ()
        if (name := (tool.get("function") or {}).get("name")) in names
        and obj is not None
        and _fits(obj, (tool.get("function") or {}).get("parameters") or {})
    ]
    if obj is not None and len(fitting) == 1:
        return tool_call(name=fitting[0], args=obj, id=f"call_json_{uuid4().hex}")
    found = "no JSON object" if obj is None else f"a JSON object fitting {fitting}"
    raise OutputParserException(
        f"tool_choice={tool_choice!r} demanded a call to one of {names} (MiniMax "
        f"does not enforce tool_choice), but the reply calls none and holds {found} "
        f"instead of the arguments of exactly one of them. Raw text: {text[:300]!r}",
        llm_output=text,
    )


def _fits(obj: Mapping[str, Any], parameters: Mapping[str, Any]) -> bool:
    required = parameters.get("required") or []
    properties = parameters.get("properties")
    if any(key not in obj for key in required):
        return False
    if not isinstance(properties, Mapping) or parameters.get("additionalProperties"):
        return True
    return all(key in properties for key in obj)
