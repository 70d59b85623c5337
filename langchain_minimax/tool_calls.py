r"""Keeping a broken tool call broken when streamed chunks are added up.

`invoke` puts a tool call whose `arguments` are not valid JSON (cut by
`max_tokens`, `finish_reason: "length"`, or not JSON at all) in
`invalid_tool_calls`. A stream has no such check: langchain-core's chunk
addition (`AIMessageChunk.__add__`) concatenates each call's argument fragments
and re-parses them with `parse_partial_json`, which closes open strings and
brackets, so `{"text": "line1\nli` would become the valid call
`{"text": "line1\nli"}` and an agent would run the tool with truncated input.

The stream state (`reader.StreamReader`) therefore keeps each call's
fragments and, once the service's stream ended, appends (on a last chunk of
its own) to the arguments of every call that `invoke` would reject a short
marker from
`REPAIR_STOPS` that langchain-core's parser cannot repair: an unmatched
closing bracket, after a quote that ends an open string (and a space that
ends a pending escape) where needed. The summed `invalid_tool_calls[i]["args"]`
is then the raw arguments followed by that marker, and the call is never in
`tool_calls`. Valid calls are not touched and stream as they arrive.

The last call of a reply cut at `max_tokens` with empty arguments was cut
before they began, and arguments that are JSON but not an object (`null`,
`0`, `false`, `[]`, `"x"`, `[1, 2]`) name no arguments; langchain-openai
reads the first and the falsy ones as `{}` and fails the whole message on the
others, so `readable_response` hands it such calls with empty arguments and
`split_calls` makes them invalid for `invoke`, with the raw arguments. The
stream marks a cut call like the others; the sum never makes a non-object
into a valid call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from copy import deepcopy
from typing import Any

import openai
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.tool import (
    ToolCallChunk,
    invalid_tool_call,
    tool_call_chunk,
)

from langchain_minimax._response_shape import json_kind

REPAIR_STOPS = ("]", "}", '"]', '"}', ' "]', ' "}')
"""The markers tried, shortest first: `]` or `}` outside a string (whichever
does not close the innermost open bracket), preceded by `"` inside a string and
by `' "'` inside a string that ends in a pending escape."""


CUT_FINISH_REASON = "length"
"""The `finish_reason` of output cut at `max_tokens`."""


def arguments_valid(arguments: str | None, *, cut: bool = False) -> bool:
    """Whether a tool call with these `arguments` is complete and executable.

    langchain-openai parses them with `json.loads(..., strict=False)`; empty or
    missing arguments mean `{}`, except for the last call of a reply cut at
    `max_tokens`, which was cut before its arguments began. JSON that is not
    an object (`null`, `[1, 2]`, ...) is not a call's named arguments.

    Args:
        arguments: A call's `function.arguments` as received, all fragments
            joined.
        cut: Whether this is the last call of a reply whose `finish_reason` is
            `"length"`.
    """
    if not arguments:
        return not cut
    try:
        parsed = json.loads(arguments, strict=False)
    except ValueError:
        return False
    return isinstance(parsed, dict)


def _not_an_object(arguments: str | None) -> str | None:
    """What the arguments are, if JSON but not an object (`a list`, ...)."""
    if not arguments:
        return None
    try:
        parsed = json.loads(arguments, strict=False)
    except ValueError:
        return None
    return None if isinstance(parsed, dict) else json_kind(parsed)


def summed_call_valid(arguments: str) -> bool:
    """Whether langchain-core's chunk addition makes a valid call of `arguments`.

    Asks langchain-core itself: builds the chunk that `+` would build and looks
    at its `tool_calls`.
    """
    chunk = AIMessageChunk(
        content="", tool_call_chunks=[tool_call_chunk(args=arguments, index=0)]
    )
    return bool(chunk.tool_calls)


def repair_stop(arguments: str, *, cut: bool = False) -> str:
    """The marker to append so that chunk addition keeps a broken call invalid.

    Args:
        arguments: A call's arguments as received, all fragments joined.
        cut: As for `arguments_valid`.

    Returns:
        `""` when nothing is needed: the arguments are valid JSON, or
        langchain-core already cannot repair them. Otherwise the first of
        `REPAIR_STOPS` after which it cannot.

    Raises:
        RuntimeError: If no marker works (a langchain-core whose partial-JSON
            parser changed): failing the stream is safer than handing out a
            broken call as a valid one.
    """
    if arguments_valid(arguments, cut=cut) or not summed_call_valid(arguments):
        return ""
    for stop in REPAIR_STOPS:
        if not summed_call_valid(arguments + stop):
            return stop
    msg = (
        "Could not keep a tool call with invalid arguments "
        f"({arguments[:80]!r}) out of the summed stream's tool_calls: "
        "langchain-core's partial-JSON parsing repaired every marker."
    )
    raise RuntimeError(msg)


class CallArguments:
    """The argument fragments of one stream's tool calls, by `index`."""

    def __init__(self) -> None:
        self._fragments: dict[int, list[str]] = {}

    def record(self, message: AIMessageChunk) -> None:
        """Keep the argument fragments of a chunk's tool-call chunks."""
        for chunk in message.tool_call_chunks:
            index = chunk.get("index")
            if isinstance(index, int):
                self._fragments.setdefault(index, []).append(chunk.get("args") or "")

    def next_index(self) -> int:
        """An `index` after every call recorded so far."""
        return max(self._fragments, default=-1) + 1

    def marks(self, finish_reason: str | None) -> list[ToolCallChunk]:
        """The tool-call chunks that keep the stream's broken calls invalid.

        Called once the stream ended. For each call whose joined arguments are
        broken (see `arguments_valid`) and that `+` would repair, a tool-call
        chunk of the same `index` whose `args` is the marker from `repair_stop`.

        Args:
            finish_reason: The stream's `finish_reason` (`"length"` marks its
                last call as cut).
        """
        last = max(self._fragments, default=None)
        cut = finish_reason == CUT_FINISH_REASON
        return [
            tool_call_chunk(args=stop, index=index)
            for index, fragments in self._fragments.items()
            if (stop := repair_stop("".join(fragments), cut=cut and index == last))
        ]


def text_arguments(raw_calls: Any) -> list[Any] | None:
    """The calls with arguments sent as a JSON object turned into its JSON text.

    Some relays send `function.arguments` as an object instead of a string;
    the call is unambiguous, and the rest of the stack expects the text.

    Args:
        raw_calls: A message's or a delta's `tool_calls` as received.

    Returns:
        A new list with those arguments serialized (`json.dumps`, non-ASCII
        kept), or `None` when no call's arguments are an object.
    """
    if not isinstance(raw_calls, list) or not any(
        isinstance(call, dict)
        and isinstance(call.get("function"), dict)
        and isinstance(call["function"].get("arguments"), dict)
        for call in raw_calls
    ):
        return None
    return [
        {
            **call,
            "function": {
                **call["function"],
                "arguments": json.dumps(
                    call["function"]["arguments"], ensure_ascii=False
                ),
            },
        }
        if isinstance(call, dict)
        and isinstance(call.get("function"), dict)
        and isinstance(call["function"].get("arguments"), dict)
        else call
        for call in raw_calls
    ]


def _raw_calls(choice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return (choice.get("message") or {}).get("tool_calls") or []


def _arguments(raw_call: Mapping[str, Any]) -> str | None:
    arguments: str | None = (raw_call.get("function") or {}).get("arguments")
    return arguments


def readable_response(
    response: dict[str, Any] | openai.BaseModel, body: Mapping[str, Any]
) -> dict[str, Any] | openai.BaseModel:
    """The response for `ChatOpenAI` to read, with non-object arguments empty.

    langchain-openai builds a tool call of any JSON and fails the whole
    message when it is not an object (`null`, `0`, `false` and `[]` it reads
    as `{}`). Such arguments are blanked on a copy, so the message is built;
    `split_calls` then makes those calls invalid with their raw arguments.

    Args:
        response: The response as the client returned it.
        body: The same response as a dict (see `check_completion`).

    Returns:
        `response` itself if no call's arguments are JSON but not an object,
        else a deep copy of it with those arguments `""`.
    """
    blanked = [
        (choice, call)
        for choice, wire_choice in enumerate(body["choices"])
        for call, raw in enumerate(_raw_calls(wire_choice))
        if _not_an_object(_arguments(raw))
    ]
    if not blanked:
        return response
    readable = (
        deepcopy(response)
        if isinstance(response, dict)
        else response.model_copy(deep=True)
    )
    for choice, call in blanked:
        message = _field(_field(readable, "choices")[choice], "message")
        function = _field(_field(message, "tool_calls")[call], "function")
        if isinstance(function, dict):
            function["arguments"] = ""
        else:
            function.arguments = ""
    return readable


def _field(node: Any, name: str) -> Any:
    """A dict's item or an `openai` model's attribute."""
    return node[name] if isinstance(node, dict) else getattr(node, name)


def _why_invalid(arguments: str | None, *, cut: bool) -> str | None:
    if kind := _not_an_object(arguments):
        return (
            f"The arguments are JSON but not a JSON object ({kind}), so they "
            "name no arguments."
        )
    if cut and not arguments:
        return (
            "The reply was cut at max_tokens (finish_reason 'length') "
            "before this call's arguments."
        )
    return None


def split_calls(message: AIMessage, choice: Mapping[str, Any]) -> None:
    """Move the calls `invoke` must not run to `invalid_tool_calls`, in place.

    Those are the calls whose arguments are JSON but not an object, and, in a
    reply cut at `max_tokens`, a last call with empty arguments (see
    `arguments_valid`; langchain-openai reads empty arguments as `{}`). Each
    becomes an invalid call with the raw arguments and an `error` saying why;
    all invalid calls stay in the order they were received.

    Args:
        message: The message `ChatOpenAI` built from `choice` as
            `readable_response` gave it.
        choice: The response choice as received.
    """
    raw_calls = _raw_calls(choice)
    if not raw_calls:
        return
    cut = choice.get("finish_reason") == CUT_FINISH_REASON
    valid = iter(message.tool_calls)
    invalid = iter(message.invalid_tool_calls)
    tool_calls = []
    invalid_calls = []
    blanked = False
    for position, raw in enumerate(raw_calls):
        arguments = _arguments(raw)
        if _not_an_object(arguments):
            blanked = True
        elif not arguments_valid(arguments):  # langchain-openai's own verdict
            invalid_calls.append(next(invalid))
            continue
        call = next(valid)
        error = _why_invalid(arguments, cut=cut and position == len(raw_calls) - 1)
        if error is None:
            tool_calls.append(call)
        else:
            invalid_calls.append(
                invalid_tool_call(
                    name=(raw.get("function") or {}).get("name"),
                    args=arguments or "",
                    id=raw.get("id"),
                    error=error,
                )
            )
    message.tool_calls = tool_calls
    message.invalid_tool_calls = invalid_calls
    if blanked:  # as received, not as `readable_response` blanked them
        message.additional_kwargs["tool_calls"] = list(raw_calls)
