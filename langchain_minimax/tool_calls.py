r"""Keeping a broken tool call broken when streamed chunks are added up.

`invoke` puts a tool call whose `arguments` are not valid JSON (cut by
`max_tokens`, `finish_reason: "length"`, or not JSON at all) in
`invalid_tool_calls`. A stream has no such check: langchain-core's chunk
addition (`AIMessageChunk.__add__`) concatenates each call's argument fragments
and re-parses them with `parse_partial_json`, which closes open strings and
brackets, so `{"text": "line1\nli` would become the valid call
`{"text": "line1\nli"}` and an agent would run the tool with truncated input.

The stream state (`streaming.StreamState`) therefore keeps each call's
fragments and, once the service's stream ended, appends (on a last chunk of
its own) to the arguments of every call that `invoke` would reject a short
marker from
`REPAIR_STOPS` that langchain-core's parser cannot repair: an unmatched
closing bracket, after a quote that ends an open string (and a space that
ends a pending escape) where needed. The summed `invalid_tool_calls[i]["args"]`
is then the raw arguments followed by that marker, and the call is never in
`tool_calls`. Valid calls are not touched and stream as they arrive.

The last call of a reply cut at `max_tokens` with empty arguments was cut
before they began; langchain-openai reads empty arguments as `{}`, so
`invalidate_cut_call` makes it invalid for `invoke`, and the stream marks it
like the others.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.tool import (
    ToolCallChunk,
    invalid_tool_call,
    tool_call_chunk,
)

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
    `max_tokens`, which was cut before its arguments began.

    Args:
        arguments: A call's `function.arguments` as received, all fragments
            joined.
        cut: Whether this is the last call of a reply whose `finish_reason` is
            `"length"`.
    """
    if not arguments:
        return not cut
    try:
        json.loads(arguments, strict=False)
    except ValueError:
        return False
    return True


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


def invalidate_cut_call(message: AIMessage, choice: Mapping[str, Any]) -> None:
    """Move a call cut before its arguments from `tool_calls` to invalid, in place.

    langchain-openai reads empty arguments as `{}`, a valid call; in a reply
    cut at `max_tokens` the last call with empty arguments was cut before they
    began (see `arguments_valid`).

    Args:
        message: The message `ChatOpenAI` built from `choice`.
        choice: The response choice as received.
    """
    if choice.get("finish_reason") != CUT_FINISH_REASON:
        return
    raw_calls = (choice.get("message") or {}).get("tool_calls") or []
    if not raw_calls:
        return
    raw = raw_calls[-1]
    function = raw.get("function") or {}
    arguments = function.get("arguments")
    if arguments:  # langchain-openai judged these itself
        return
    # Parsed in order, the last raw call, valid as `{}`, is the last tool call.
    if not message.tool_calls or message.tool_calls[-1]["id"] != raw.get("id"):
        return
    message.tool_calls = message.tool_calls[:-1]
    message.invalid_tool_calls = [
        *message.invalid_tool_calls,
        invalid_tool_call(
            name=function.get("name"),
            args=arguments or "",
            id=raw.get("id"),
            error="The reply was cut at max_tokens (finish_reason 'length') "
            "before this call's arguments.",
        ),
    ]
