r"""Keeping a broken tool call broken when streamed chunks are added up.

`invoke` puts a tool call whose `arguments` are not valid JSON (cut by
`max_tokens`, `finish_reason: "length"`, or not JSON at all) in
`invalid_tool_calls`. A stream has no such check: langchain-core's chunk
addition (`AIMessageChunk.__add__`) concatenates each call's argument fragments
and re-parses them with `parse_partial_json`, which closes open strings and
brackets, so `{"text": "line1\nli` would become the valid call
`{"text": "line1\nli"}` and an agent would run the tool with truncated input.

The stream state (`streaming.StreamState`) therefore keeps each call's
fragments and, on the chunk that carries `finish_reason`, appends to the
arguments of every call that `invoke` would reject a short marker from
`REPAIR_STOPS` that langchain-core's parser cannot repair: an unmatched
closing bracket, after a quote that ends an open string (and a space that
ends a pending escape) where needed. The summed `invalid_tool_calls[i]["args"]`
is then the raw arguments followed by that marker, and the call is never in
`tool_calls`. Valid calls are not touched and stream as they arrive.
"""

from __future__ import annotations

import json

from langchain_core.messages import AIMessageChunk
from langchain_core.messages.tool import tool_call_chunk

REPAIR_STOPS = ("]", "}", '"]', '"}', ' "]', ' "}')
"""The markers tried, shortest first: `]` or `}` outside a string (whichever
does not close the innermost open bracket), preceded by `"` inside a string and
by `' "'` inside a string that ends in a pending escape."""


def arguments_valid(arguments: str | None) -> bool:
    """Whether `invoke` makes a valid tool call of these `arguments`.

    langchain-openai parses them with `json.loads(..., strict=False)`; empty or
    missing arguments mean `{}`.

    Args:
        arguments: A call's `function.arguments` as received, all fragments
            joined.
    """
    if not arguments:
        return True
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


def repair_stop(arguments: str, summed: str | None = None) -> str:
    """The marker to append so that chunk addition keeps a broken call invalid.

    Args:
        arguments: A call's arguments as received, all fragments joined.
        summed: What chunk addition joins for the call so far, when it differs
            from `arguments` (a marker already sent before later fragments).

    Returns:
        `""` when nothing is needed: the arguments are valid JSON, or
        langchain-core already cannot repair `summed`. Otherwise the first of
        `REPAIR_STOPS` after which it cannot.

    Raises:
        RuntimeError: If no marker works (a langchain-core whose partial-JSON
            parser changed): failing the stream is safer than handing out a
            broken call as a valid one.
    """
    summed = arguments if summed is None else summed
    if arguments_valid(arguments) or not summed_call_valid(summed):
        return ""
    for stop in REPAIR_STOPS:
        if not summed_call_valid(summed + stop):
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
        self._received: dict[int, list[str]] = {}
        self._summed: dict[int, list[str]] = {}
        self._open: set[int] = set()

    def record(self, message: AIMessageChunk) -> None:
        """Keep the argument fragments of a chunk's tool-call chunks."""
        for chunk in message.tool_call_chunks:
            index = chunk.get("index")
            if isinstance(index, int):
                args = chunk.get("args") or ""
                self._received.setdefault(index, []).append(args)
                self._summed.setdefault(index, []).append(args)
                self._open.add(index)

    def close(self, message: AIMessageChunk) -> None:
        """Mark the broken calls on the stream's finishing chunk, in place.

        For each call with fragments since the last `close` whose joined
        arguments `invoke` would reject and `+` would repair, a tool-call chunk
        of the same `index` with the marker from `repair_stop` goes on
        `message` (appended to the message's own fragment for that index when
        it has one), and its `tool_calls` and `invalid_tool_calls` are derived
        again. A call with fragments after an earlier `close` (after
        `finish_reason`) is checked again as `+` joins it, marker included.
        """
        stops: dict[int | None, str] = {}
        for open_index in self._open:
            received = "".join(self._received[open_index])
            summed = "".join(self._summed[open_index])
            if stop := repair_stop(received, summed):
                stops[open_index] = stop
                self._summed[open_index].append(stop)
        self._open.clear()
        if not stops:
            return
        chunks = list(message.tool_call_chunks)
        # The marker goes after the call's last fragment on this chunk, if any.
        for position in reversed(range(len(chunks))):
            chunk = chunks[position]
            index = chunk["index"]
            if isinstance(index, int) and index in stops:
                chunks[position] = tool_call_chunk(
                    name=chunk["name"],
                    args=(chunk["args"] or "") + stops.pop(index),
                    id=chunk["id"],
                    index=index,
                )
        chunks.extend(
            tool_call_chunk(args=stop, index=index) for index, stop in stops.items()
        )
        message.tool_call_chunks = chunks
        # langchain-core's own validator derives tool_calls/invalid_tool_calls.
        message.init_tool_calls()  # type: ignore[operator]

    def __bool__(self) -> bool:
        """Whether a call has fragments not yet checked by `close`."""
        return bool(self._open)
