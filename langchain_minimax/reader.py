r"""Reading MiniMax's completions and stream chunks into LangChain messages.

The model's two hooks hand their input here: `read_completion` reads a chat
completion into the `ChatResult`, `read_chunk` one stream chunk into a
generation chunk, and `read_stream` / `aread_stream` run a stream's chunks
through one `StreamReader`, the per-stream state described below. Both paths
read the same fields with the same functions (`read_said` for a message or a
delta, `read_moderation` for the top level, `content_reader.ContentReader` for
`content`, fed the whole content by `invoke` and each piece by a stream), so a
summed stream equals the non-streamed message by construction. Each chunk is
checked once here (its shape, `_response_shape.check_chunk`); the failures a
chunk reports are read by the client before.

Several things cannot be done chunk by chunk without memory of the stream:

* MiniMax sends a `reasoning_details` fragment with every reasoning piece,
  repeating `type`, `id` and `format`, which langchain-core's chunk addition
  would concatenate. The state collects the fragments of each `index` and puts
  the whole entries, as a non-streamed response has them, on the chunk that
  carries the `finish_reason` (or on the last chunk): the standard `+` then
  rebuilds exactly the non-streamed list. The pieces themselves stream live in
  `additional_kwargs["reasoning_content"]` and the chunks' reasoning blocks.
  Not keeping a fragment on every chunk also spares langchain-core, which
  keeps every chunk until the stream ends, a list and a dict per chunk and a
  second string merge that grows with the square of the reasoning length.
* Think tags and tool-call markup can be cut anywhere across chunks; the
  stream's `ContentReader` holds back a possible partial tag until the next
  chunk shows what it is (see `content_reader`), so each chunk's reasoning
  piece, without the framing, can be put in
  `additional_kwargs["reasoning_content"]` while `content` stays verbatim.
* Reasoning is taken from one source per message: when a think block in
  `content` and a structured field both carry it, the stream keeps the copy
  that came first and drops the other's pieces. Cumulative snapshots are read
  as such only once a piece proves it (see `Snapshots`).
* A stream that ends with a whole `message` (instead of a `delta`) would add
  the answer twice: once the stream has said anything, only that event's
  usage and `finish_reason` are kept.
* A tool call whose arguments are not valid JSON (cut by `max_tokens`, or not
  JSON at all) would be repaired into a valid call by the standard `+`. The
  state keeps each call's argument fragments and, once the service's stream
  ended, marks the broken ones on a last chunk of its own so that they stay
  invalid (see `tool_calls`); valid calls stream untouched, as they arrive.
* MiniMax puts its content-moderation flags on every chunk, and they may change
  during a stream; the same key with different booleans cannot be added up.
  The state keeps the latest flags (see `read_moderation`) and puts
  them once, on a last chunk of its own after the service's stream ended, so
  the summed stream reports the final values MiniMax sent.

The state also notices whether a `finish_reason` ever arrived. One state object
serves one `_stream`/`_astream` call; the work per chunk does not grow with what
was already streamed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from langchain_minimax._raising import translating
from langchain_minimax._response_shape import (
    check_chunk,
    check_completion,
    unfinished_stream,
)
from langchain_minimax._upstream import merge_dicts
from langchain_minimax.content_reader import ContentReader, Reading
from langchain_minimax.reasoning import read_reasoning
from langchain_minimax.tool_calls import (
    CallArguments,
    readable_response,
    split_calls,
    text_arguments,
)
from langchain_minimax.tool_markup import MarkupCall, bound_tools
from langchain_minimax.usage import with_cache_details

if TYPE_CHECKING:
    import openai
    from langchain_core.callbacks import (
        AsyncCallbackManagerForLLMRun,
        CallbackManagerForLLMRun,
    )

    from langchain_minimax._raising import CallContext

PROVIDER = "minimax"

SERVICE_NAME = "MiniMax AI"
"""The `name` MiniMax puts on every assistant message and delta.

It labels the service, not a conversation participant: it is not kept, so that
streamed and non-streamed messages are equal and the label is not echoed back
as a participant name in the next request.
"""


MODERATION = "moderation"
"""The `response_metadata` key of MiniMax's content-moderation verdict."""

SENSITIVE_CATEGORIES = {
    1: "severe_violation",
    2: "pornography",
    3: "advertising",
    4: "prohibited",
    5: "abuse",
    6: "violence_or_terrorism",
    7: "other",
}
"""MiniMax's `input_sensitive_type` / `output_sensitive_type` codes (MiniMax's
API reference for the OpenAI-compatible endpoint), by the name reported."""


_MODERATION_FIELDS = (
    "input_sensitive",
    "input_sensitive_type",
    "output_sensitive",
    "output_sensitive_type",
    "output_sensitive_int",
)


def _moderation_fields(body: Mapping[str, Any]) -> tuple[Any, ...]:
    """The moderation fields of a body as sent (cheap: runs for every chunk)."""
    get = body.get
    return (
        get("input_sensitive"),
        get("input_sensitive_type"),
        get("output_sensitive"),
        get("output_sensitive_type"),
        get("output_sensitive_int"),
    )


_NO_MODERATION = (None,) * len(_MODERATION_FIELDS)


def _moderation(fields: tuple[Any, ...]) -> dict[str, Any]:
    """`read_moderation` of the fields `_moderation_fields` took."""
    out: dict[str, Any] = {}
    for side, flagged, code in (("input", *fields[0:2]), ("output", *fields[2:4])):
        if isinstance(flagged, bool):
            out[f"{side}_flagged"] = flagged
        if isinstance(code, int) and code:
            out[f"{side}_category"] = SENSITIVE_CATEGORIES.get(code, f"code {code}")
    if fields[4] is not None:
        out["output_sensitive_int"] = fields[4]
    return out


def read_moderation(body: Mapping[str, Any]) -> dict[str, Any]:
    """MiniMax's content-moderation flags of a response or stream chunk.

    MiniMax puts them at the top level of every response and chunk:
    `input_sensitive` / `output_sensitive` (booleans), `input_sensitive_type` /
    `output_sensitive_type` (a category code, 0 when not flagged) and
    `output_sensitive_int` (not explained by MiniMax).

    Args:
        body: The response body or stream chunk, as received.

    Returns:
        For `response_metadata["moderation"]`, the fields MiniMax sent:
        `input_flagged` and `output_flagged` (the booleans), `input_category`
        and `output_category` (a `SENSITIVE_CATEGORIES` name such as
        `"pornography"`, `"code N"` for a code MiniMax does not document, and
        absent for 0), and `output_sensitive_int` as sent. Empty when the body
        has none of them.
    """
    return _moderation(_moderation_fields(body))


@dataclass(frozen=True)
class ReadOptions:
    """What the request says about how to read its answer.

    Attributes:
        inline: Whether the request asked for inline reasoning
            (`reasoning_split=False`).
        tools: The bound tools' parameter schemas by name (see
            `tool_markup.bound_tools`); raw tool-call markup is read only
            when tools are bound.
    """

    inline: bool = False
    tools: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of_call(cls, *, reasoning_split: bool, tools: Any) -> ReadOptions:
        """The options of a call with this `reasoning_split` and these `tools`."""
        return cls(inline=not reasoning_split, tools=bound_tools(tools))


_OPTIONS: ContextVar[ReadOptions | None] = ContextVar(
    "langchain_minimax_read_options", default=None
)


@contextmanager
def reading(options: ReadOptions) -> Iterator[None]:
    """Read the completions of the calls made inside with `options`."""
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def read_said(message: BaseMessage, said: Mapping[str, Any]) -> None:
    """Read what MiniMax adds to a response message or a stream delta, in place.

    Split reasoning (`reasoning_details`, `reasoning_content`, or a relay's
    `reasoning`, see `reasoning.read_reasoning`) goes into `additional_kwargs`
    as received; MiniMax's service name is dropped from `name` and the
    provider recorded. Used for completions and chunks alike.

    Args:
        message: The message or message chunk `ChatOpenAI` built from `said`.
        said: The choice's `message`, or the chunk's `delta`, as received.
    """
    message.additional_kwargs.update(read_reasoning(said))
    if message.name == SERVICE_NAME:
        message.name = None
    message.response_metadata["model_provider"] = PROVIDER


def _has_structured(kwargs: Mapping[str, Any]) -> bool:
    """Whether a message or chunk carries reasoning text in a structured field."""
    return bool(kwargs.get("reasoning_content"))


def read_content(message: AIMessage, reading: Reading, *, structured: bool) -> None:
    """Put what a message's content reads as onto the message, in place.

    Args:
        message: The message, or a stream's message chunk.
        reading: What `ContentReader` made of its content.
        structured: Whether the structured field is the reasoning's source.
    """
    if reading.content is not message.content:
        message.content = reading.content
    kwargs = message.additional_kwargs
    if reading.reasoning is not None and not structured:
        kwargs["reasoning_content"] = kwargs.get("reasoning_content", "") + (
            reading.reasoning
        )


def _markup_calls(message: AIMessage, calls: list[MarkupCall]) -> None:
    """Add the calls read from a whole message's markup to it, in place."""
    for call in calls:
        if call.error is None:
            message.tool_calls.append(
                tool_call(
                    name=call.name or "", args=json.loads(call.arguments), id=call.id
                )
            )
        else:
            message.invalid_tool_calls.append(
                invalid_tool_call(
                    name=call.name, args=call.arguments, id=call.id, error=call.error
                )
            )


def read_completion(
    response: dict[str, Any] | openai.BaseModel,
    context: CallContext,
    build: Callable[[dict[str, Any] | openai.BaseModel], ChatResult],
) -> ChatResult:
    """Read a chat completion into the `ChatResult` the model returns.

    Each message's content goes through one `ContentReader` as a whole, the
    reader a stream feeds piece by piece, so a summed stream equals it.

    Args:
        response: The completion as the client returned it.
        context: Where the call went, for the exceptions raised.
        build: `ChatOpenAI`'s own reading of a completion.

    Returns:
        The result, each message with MiniMax's reasoning (one source: the
        structured field when there is one, else the think block in
        `content`, which stays as received), raw tool-call markup read into
        tool calls, moderation flags and broken calls made invalid (see
        `read_said`, `content_reader`, `read_moderation`,
        `tool_calls.split_calls`).

    Raises:
        MiniMaxAPIStatusError: If the body reports a failure.
        MiniMaxResponseError: If the body is not a usable chat completion.
    """
    body = check_completion(response, context)
    if any(
        text_arguments((choice["message"] or {}).get("tool_calls")) is not None
        for choice in body["choices"]
    ):
        body = _with_text_arguments(body)
        response = body
    result = build(readable_response(response, body))
    options = _OPTIONS.get() or ReadOptions()
    moderation = read_moderation(body)
    for generation, choice in zip(result.generations, body["choices"], strict=True):
        message = cast("AIMessage", generation.message)
        read_said(message, choice["message"])
        split_calls(message, choice)
        message.usage_metadata = with_cache_details(
            message.usage_metadata, body.get("usage")
        )
        if isinstance(message.content, str):
            structured = _has_structured(message.additional_kwargs)
            content = ContentReader(
                inline=options.inline, tools=options.tools, seed=str(body.get("id"))
            )
            content.structured = structured
            reading = content.read(message.content, final=True)
            read_content(message, reading, structured=structured)
            _markup_calls(message, reading.calls)
        if moderation:
            message.response_metadata[MODERATION] = moderation
    if result.llm_output is not None:
        result.llm_output["model_provider"] = PROVIDER
    return result


def _with_text_arguments(body: dict[str, Any]) -> dict[str, Any]:
    choices = []
    for choice in body["choices"]:
        message = choice["message"]
        calls = text_arguments(message.get("tool_calls"))
        if calls is not None:
            choice = {**choice, "message": {**message, "tool_calls": calls}}
        choices.append(choice)
    return {**body, "choices": choices}


WHOLE_MESSAGE = "minimax_whole_message"
"""Marks, until `StreamReader` takes it off, a chunk read from a stream event
that carries a whole `message` instead of a `delta`."""
RESPONSE_ID = "minimax_response_id"
"""Carries a chunk's response `id` to `StreamReader`, which takes it off."""


def _readable_chunk(chunk: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The chunk as `ChatOpenAI` reads it, and whether it carried a whole message.

    A choice with `message` instead of `delta` (a trailing whole-message
    event, claimed once for M3 streams) is read as a delta; tool-call
    arguments sent as an object are read as their JSON text.
    """
    choices = chunk.get("choices")
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        return chunk, False
    choice = choices[0]
    said = choice.get("delta")
    whole = said is None and isinstance(choice.get("message"), dict)
    delta = choice["message"] if whole else choice.get("delta")
    if not isinstance(delta, dict):
        return chunk, False
    calls = delta.get("tool_calls")
    if whole and isinstance(calls, list):
        calls = [
            {"index": index, **call} if isinstance(call, dict) else call
            for index, call in enumerate(calls)
        ]
    calls = text_arguments(calls) or calls
    if not whole and calls is delta.get("tool_calls"):
        return chunk, False
    delta = {**delta, "tool_calls": calls} if calls is not None else dict(delta)
    if whole:
        delta["role"] = delta.get("role") or "assistant"
    rest = {key: value for key, value in choice.items() if key != "message"}
    return {**chunk, "choices": [{**rest, "delta": delta}]}, whole


def read_chunk(
    chunk: dict[str, Any],
    context: Callable[[], CallContext],
    build: Callable[[dict[str, Any]], ChatGenerationChunk | None],
) -> ChatGenerationChunk | None:
    """Read one stream chunk into a generation chunk, before the stream's state.

    Args:
        chunk: The chunk as a dict.
        context: Makes the call's context, called only to raise.
        build: `ChatOpenAI`'s own reading of a chunk.

    Returns:
        The generation chunk with the delta's split reasoning read (see
        `read_said`) and the chunk's moderation flags (which `StreamReader`
        takes off and sends once), or `None` where `ChatOpenAI` gives none.

    Raises:
        MiniMaxAPIStatusError: If the chunk reports a failure.
        MiniMaxResponseError: If the chunk is not usable.
    """
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    whole = False
    if choices:
        first = choices[0] if isinstance(choices, list) else None
        delta = first.get("delta") if isinstance(first, dict) else None
        if not isinstance(delta, dict) or delta.get("tool_calls") is not None:
            # Not the common delta without calls (see `_readable_chunk`).
            chunk, whole = _readable_chunk(chunk)
            choices = chunk.get("choices")
    check_chunk(chunk, context)
    generation_chunk = build(chunk)
    if generation_chunk is None:
        return None
    message = generation_chunk.message
    if usage := chunk.get("usage"):
        chunk_message = cast("AIMessageChunk", message)
        chunk_message.usage_metadata = with_cache_details(
            chunk_message.usage_metadata, usage
        )
    read_said(message, choices[0].get("delta") or {} if choices else {})
    # The fields as sent: `StreamReader` reads the last chunk's once.
    message.response_metadata[MODERATION] = _moderation_fields(chunk)
    if whole:
        message.response_metadata[WHOLE_MESSAGE] = True
    if choices:
        message.response_metadata[RESPONSE_ID] = chunk.get("id")
    return generation_chunk


_HEAD_KEYS = frozenset(("type", "id", "format"))
"""The keys MiniMax repeats on every fragment of a `reasoning_details` entry."""
_REPEATED_DETAIL_KEYS = _HEAD_KEYS | {"index", "text"}

SNAPSHOT_PROOF = 32
"""The least reasoning, in characters, that a piece must repeat whole before a
stream is read as cumulative snapshots (see `Snapshots`)."""


class Snapshots:
    """Turns cumulative reasoning snapshots into increments, on proof only.

    Some hosts are claimed to send each reasoning delta as the whole text so
    far (minimax-api.md, Streaming; live captures show increments, which stay
    exactly as they are). A field switches to snapshots at the first piece
    that begins with the whole text accumulated so far, at least
    `SNAPSHOT_PROOF` characters of it, and is longer: incremental text does
    not repeat that much. From then on each piece that begins with the text
    so far gives only its new part; pieces already streamed are never taken
    back. One object per stream; fields are kept apart by key.
    """

    def __init__(self) -> None:
        # Per field, until it switches: the size so far (in a one-item list,
        # updated in place on every piece) and the pieces.
        self._texts: dict[Any, tuple[list[int], list[str]]] = {}
        self._snapshot: dict[Any, str] = {}

    def increment(self, key: Any, piece: str) -> str:
        """The new text of `piece`, the next piece of the field `key`."""
        text = self._texts.get(key)
        if text is None:
            snapshot = self._snapshot.get(key)
            if snapshot is None:
                self._texts[key] = ([len(piece)], [piece])
                return piece
            if piece.startswith(snapshot):
                self._snapshot[key] = piece
                return piece[len(snapshot) :]
            self._snapshot[key] = snapshot + piece
            return piece
        size, pieces = text
        if size[0] >= SNAPSHOT_PROOF and len(piece) > size[0]:
            so_far = "".join(pieces)
            if piece.startswith(so_far):
                self._snapshot[key] = piece
                del self._texts[key]
                return piece[size[0] :]
        size[0] += len(piece)
        pieces.append(piece)
        return piece


class StreamReader:
    """Normalizes the chunks of one MiniMax stream, in order.

    Args:
        options: What the request says about reading its answer.
    """

    def __init__(self, options: ReadOptions | None = None) -> None:
        options = options or ReadOptions()
        # Details not sent yet, in arrival order: (True, index) for an entry
        # being collected, (False, fragment) for a fragment without an index.
        self._pending: list[tuple[bool, Any]] = []
        self._entries: dict[Any, dict[str, Any]] = {}
        self._texts: dict[Any, list[str]] = {}
        self._sent: set[Any] = set()
        self._options = options
        self._content: ContentReader | None = None
        self._source: str | None = None
        self._snapshots = Snapshots()
        self._calls = CallArguments()
        self._moderation: tuple[Any, ...] | None = None
        self._said = False
        self._id: Any = None
        self.finish_reason: str | None = None

    def process(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """Normalize one chunk in place and return it.

        Args:
            chunk: A chunk from `ChatOpenAI`'s chunk conversion.

        Returns:
            The same chunk: its `reasoning_details` fragments collected (the
            whole entries go on the finishing chunk), its reasoning taken
            from one source, its content read (see `content_reader`) and its
            tool-call argument fragments recorded.
        """
        message = chunk.message
        if not isinstance(message, AIMessageChunk):
            return chunk
        metadata = message.response_metadata
        self._id = metadata.pop(RESPONSE_ID, self._id)
        moderation = metadata.pop(MODERATION, None)
        if moderation is not None and moderation != _NO_MODERATION:
            self._moderation = moderation
        if metadata.pop(WHOLE_MESSAGE, None) and self._said:
            # The stream already said it: keep the event's usage and finish.
            message.content = ""
            message.additional_kwargs = {}
            message.tool_call_chunks = []
        info = chunk.generation_info
        finish_reason = info.get("finish_reason") if info else None
        kwargs = message.additional_kwargs
        if kwargs:
            self._structured(kwargs)
        if message.tool_call_chunks:
            self._said = True
            self._calls.record(message)
        if finish_reason:
            self.finish_reason = finish_reason
            self._attach_details(kwargs)
        content = message.content
        if isinstance(content, str) and (content or finish_reason):
            self._said = True
            self._read(message, content, final=bool(finish_reason))
        return chunk

    def flush(self) -> ChatGenerationChunk | None:
        """A last chunk with what is still held back, once the stream ended.

        That is the latest moderation flags, the marks that keep broken tool
        calls invalid (see `tool_calls`), content or markup still held back
        (see `content_reader`), and, if the stream ended early,
        `reasoning_details` entries that no finishing chunk carried.
        """
        message = AIMessageChunk(
            content="", response_metadata={"model_provider": PROVIDER}
        )
        self._read(message, "", final=True)
        message.tool_call_chunks = [
            *message.tool_call_chunks,
            *self._calls.marks(self.finish_reason),
        ]
        self._attach_details(message.additional_kwargs)
        if self._moderation is not None:
            message.response_metadata[MODERATION] = _moderation(self._moderation)
        elif (
            not message.content
            and not message.additional_kwargs
            and not message.tool_call_chunks
        ):
            return None
        return ChatGenerationChunk(message=message)

    def _structured(self, kwargs: dict[str, Any]) -> None:
        """Read a chunk's structured reasoning: increments, from one source."""
        self._said = True
        details = kwargs.pop("reasoning_details", None)
        flat = kwargs.get("reasoning_content")
        if isinstance(flat, str) and flat:
            flat = self._snapshots.increment("flat", flat)
            kwargs["reasoning_content"] = flat
            if "reasoning" in kwargs:
                kwargs["reasoning"] = flat
        if details and (rest := self._collect(details)):
            kwargs["reasoning_details"] = rest
        if not flat:
            return
        if self._source is None:
            self._source = "structured"
            if self._content is not None:
                self._content.structured = True
        elif self._source == "inline":
            # Doubled reasoning, the think block first: said once already.
            kwargs.pop("reasoning_content", None)
            kwargs.pop("reasoning", None)

    def _read(self, message: AIMessageChunk, piece: str, *, final: bool) -> None:
        """Read a chunk's content piece (see `content_reader`)."""
        content = self._content
        if content is None:
            content = self._content = ContentReader(
                inline=self._options.inline,
                tools=self._options.tools,
                seed=str(self._id),
            )
            content.structured = self._source == "structured"
        reading = content.read(piece, final=final)
        if reading.reasoning and self._source is None:
            self._source = "inline"
        read_content(message, reading, structured=self._source == "structured")
        if reading.calls:
            base = self._calls.next_index()
            chunks = [
                tool_call_chunk(
                    name=call.name, args=call.arguments, id=call.id, index=base + n
                )
                for n, call in enumerate(reading.calls)
            ]
            message.tool_call_chunks = [*message.tool_call_chunks, *chunks]
            self._calls.record(message)

    def _collect(self, details: list[Any]) -> list[Any]:
        """Collect a chunk's fragments; return those to send on this chunk.

        Each fragment's text is taken as an increment (see `Snapshots`). Only
        a fragment of an entry already sent (one arriving after the finishing
        chunk) goes on at once, without the repeated keys, so that chunk
        addition appends its text to the entry.
        """
        now = []
        for fragment in details:
            if not isinstance(fragment, dict):
                self._pending.append((False, fragment))
                continue
            index = fragment.get("index")
            text = fragment.get("text")
            if isinstance(text, str):
                piece = text
                text = self._snapshots.increment(("details", index), piece)
                if text is not piece:
                    fragment = {**fragment, "text": text}
            if "index" not in fragment:
                self._pending.append((False, fragment))
                continue
            if index in self._sent:
                now.append({k: v for k, v in fragment.items() if k not in _HEAD_KEYS})
                continue
            entry = self._entries.get(index)
            if entry is None:
                self._pending.append((True, index))
                self._entries[index] = {
                    key: value for key, value in fragment.items() if key != "text"
                }
                self._texts[index] = []
            elif not _REPEATED_DETAIL_KEYS.issuperset(fragment):
                # Keys MiniMax does not send today merge as chunk addition would.
                extra = {
                    k: v for k, v in fragment.items() if k not in _REPEATED_DETAIL_KEYS
                }
                self._entries[index] = merge_dicts(entry, extra)
            if isinstance(text, str):
                self._texts[index].append(text)
        return now

    def _attach_details(self, kwargs: dict[str, Any]) -> None:
        """Put the collected details, whole and in arrival order, on a chunk."""
        if not self._pending:
            return
        whole = []
        for collected, item in self._pending:
            if not collected:
                whole.append(item)
                continue
            index = item
            entry, texts = self._entries.pop(index), self._texts.pop(index)
            whole.append({**entry, "text": "".join(texts)} if texts else entry)
            self._sent.add(index)
        self._pending.clear()
        kwargs["reasoning_details"] = whole + kwargs.get("reasoning_details", [])


def read_stream(
    chunks: Iterator[ChatGenerationChunk],
    context: CallContext,
    run_manager: CallbackManagerForLLMRun | None,
    options: ReadOptions,
) -> Iterator[ChatGenerationChunk]:
    """Run a stream's chunks through one `StreamReader`, telling `run_manager`.

    Args:
        chunks: `ChatOpenAI`'s stream (its chunks read by `read_chunk`); what
            it raises is translated into MiniMax's exceptions.
        context: Where the call went; its chunk count is kept up to date.
        run_manager: The run's callbacks, told each chunk.
        options: What the request says about reading its answer.

    Yields:
        Each chunk, normalized, then the reader's last chunk, if any.

    Raises:
        MiniMaxResponseError: If the stream ended without a `finish_reason`.
    """
    reader = StreamReader(options)
    with translating(context):
        for chunk in chunks:
            context.chunks += 1
            chunk = reader.process(chunk)
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
    if last := reader.flush():
        if run_manager:
            run_manager.on_llm_new_token(last.text, chunk=last)
        yield last
    if reader.finish_reason is None:
        raise unfinished_stream(context)


async def aread_stream(
    chunks: AsyncIterator[ChatGenerationChunk],
    context: CallContext,
    run_manager: AsyncCallbackManagerForLLMRun | None,
    options: ReadOptions,
) -> AsyncIterator[ChatGenerationChunk]:
    """The async counterpart of `read_stream`."""
    reader = StreamReader(options)
    with translating(context):
        async for chunk in chunks:
            context.chunks += 1
            chunk = reader.process(chunk)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
    if last := reader.flush():
        if run_manager:
            await run_manager.on_llm_new_token(last.text, chunk=last)
        yield last
    if reader.finish_reason is None:
        raise unfinished_stream(context)
