r"""Reading MiniMax's completions and stream chunks into LangChain messages.

The model's two hooks hand their input here: `read_completion` reads a chat
completion into the `ChatResult`, `read_chunk` one stream chunk into a
generation chunk, and `read_stream` / `aread_stream` run a stream's chunks
through one `StreamReader`, the per-stream state described below. Both paths
read the same fields with the same functions (`read_said` for a message or a
delta, `read_moderation` for the top level), so a summed stream equals the
non-streamed message.

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
* Without `reasoning_split`, `<think>\n` and `\n</think>` can be cut anywhere
  across chunks. The state holds back a possible partial tag (with its framing
  newline) until the next chunk shows what it is, so each chunk's reasoning
  piece, without the framing, can be put in
  `additional_kwargs["reasoning_content"]` while `content` stays verbatim.
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

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from langchain_minimax._raising import translating
from langchain_minimax._response_shape import (
    check_chunk,
    check_completion,
    unfinished_stream,
)
from langchain_minimax._upstream import merge_dicts
from langchain_minimax.reasoning import (
    FRAME,
    THINK_CLOSE,
    THINK_OPEN,
    inline_reasoning,
    read_reasoning,
)
from langchain_minimax.tool_calls import CallArguments, readable_response, split_calls
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


_MODERATION_FIELDS = tuple(
    (
        f"{side}_sensitive",
        f"{side}_flagged",
        f"{side}_sensitive_type",
        f"{side}_category",
    )
    for side in ("input", "output")
)


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
    out: dict[str, Any] = {}
    # Field names spelled out, not formatted: this runs for every stream chunk.
    for flag, flagged_name, type_field, category_name in _MODERATION_FIELDS:
        flagged = body.get(flag)
        if isinstance(flagged, bool):
            out[flagged_name] = flagged
        code = body.get(type_field)
        if isinstance(code, int) and code:
            out[category_name] = SENSITIVE_CATEGORIES.get(code, f"code {code}")
    if body.get("output_sensitive_int") is not None:
        out["output_sensitive_int"] = body["output_sensitive_int"]
    return out


def read_said(message: BaseMessage, said: Mapping[str, Any]) -> None:
    """Read what MiniMax adds to a response message or a stream delta, in place.

    Split reasoning (`reasoning_details`, `reasoning_content`) goes into
    `additional_kwargs` as received; MiniMax's service name is dropped from
    `name` and the provider recorded. Used for completions and chunks alike.

    Args:
        message: The message or message chunk `ChatOpenAI` built from `said`.
        said: The choice's `message`, or the chunk's `delta`, as received.
    """
    message.additional_kwargs.update(read_reasoning(said))
    if message.name == SERVICE_NAME:
        message.name = None
    message.response_metadata["model_provider"] = PROVIDER


def read_message(message: BaseMessage, said: Mapping[str, Any]) -> None:
    """Read a whole response message's reasoning and name, in place.

    As `read_said`; and inline reasoning stays in `content`, as MiniMax wants
    it back, while its text (without the framing newlines, as split mode gives
    it) is also put in `additional_kwargs["reasoning_content"]`, where UIs and
    other providers look.

    Args:
        message: The message `ChatOpenAI` built from `said`.
        said: The choice's `message` as received.
    """
    read_said(message, said)
    content = message.content
    if "reasoning_content" not in message.additional_kwargs and isinstance(
        content, str
    ):
        reasoning = inline_reasoning(content)
        if reasoning is not None:
            message.additional_kwargs["reasoning_content"] = reasoning


def read_completion(
    response: dict[str, Any] | openai.BaseModel,
    context: CallContext,
    build: Callable[[dict[str, Any] | openai.BaseModel], ChatResult],
) -> ChatResult:
    """Read a chat completion into the `ChatResult` the model returns.

    Args:
        response: The completion as the client returned it.
        context: Where the call went, for the exceptions raised.
        build: `ChatOpenAI`'s own reading of a completion.

    Returns:
        The result, each message with MiniMax's reasoning, moderation flags
        and tool calls read (see `read_message`, `read_moderation`,
        `tool_calls.split_calls`).

    Raises:
        MiniMaxAPIStatusError: If the body reports a failure.
        MiniMaxResponseError: If the body is not a usable chat completion.
    """
    body = check_completion(response, context)
    result = build(readable_response(response, body))
    moderation = read_moderation(body)
    for generation, choice in zip(result.generations, body["choices"], strict=True):
        message = cast("AIMessage", generation.message)
        read_message(message, choice["message"])
        split_calls(message, choice)
        message.usage_metadata = with_cache_details(
            message.usage_metadata, body.get("usage")
        )
        if moderation:
            message.response_metadata[MODERATION] = moderation
    if result.llm_output is not None:
        result.llm_output["model_provider"] = PROVIDER
    return result


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
    choices = chunk.get("choices")
    read_said(message, choices[0].get("delta") or {} if choices else {})
    if moderation := read_moderation(chunk):
        message.response_metadata[MODERATION] = moderation
    return generation_chunk


_HEAD_KEYS = frozenset(("type", "id", "format"))
"""The keys MiniMax repeats on every fragment of a `reasoning_details` entry."""
_REPEATED_DETAIL_KEYS = _HEAD_KEYS | {"index", "text"}

_START, _THINKING, _ANSWER = range(3)

_OPEN = THINK_OPEN + FRAME
_CLOSE = FRAME + THINK_CLOSE
"""The tags with MiniMax's framing newlines, which are not reasoning: a chunk
boundary inside one holds the part seen back until the next chunk shows it."""


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `tag`."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0


class StreamReader:
    """Normalizes the chunks of one MiniMax stream, in order."""

    def __init__(self) -> None:
        # Details not sent yet, in arrival order: (True, index) for an entry
        # being collected, (False, fragment) for a fragment without an index.
        self._pending: list[tuple[bool, Any]] = []
        self._entries: dict[Any, dict[str, Any]] = {}
        self._texts: dict[Any, list[str]] = {}
        self._sent: set[Any] = set()
        self._phase = _START
        self._held = ""
        self._calls = CallArguments()
        self._moderation: dict[str, Any] | None = None
        self.finish_reason: str | None = None

    def process(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """Normalize one chunk in place and return it.

        Args:
            chunk: A chunk from `ChatOpenAI`'s chunk conversion.

        Returns:
            The same chunk: its `reasoning_details` fragments collected (the
            whole entries go on the finishing chunk) and, in inline mode, its
            reasoning piece recorded and any partial tag held back; its
            tool-call argument fragments recorded.
        """
        message = chunk.message
        if not isinstance(message, AIMessageChunk):
            return chunk
        moderation = message.response_metadata.pop(MODERATION, None)
        if moderation is not None:
            self._moderation = moderation
        info = chunk.generation_info
        finish_reason = info.get("finish_reason") if info else None
        kwargs = message.additional_kwargs
        details = kwargs.pop("reasoning_details", None)
        if details and (rest := self._collect(details)):
            kwargs["reasoning_details"] = rest
        if message.tool_call_chunks:
            self._calls.record(message)
        if finish_reason:
            self.finish_reason = finish_reason
            self._attach_details(kwargs)
        # Once past the think block (or without one) content passes unchanged.
        content = message.content
        if (
            self._phase != _ANSWER
            and isinstance(content, str)
            and (content or self._held)
        ):
            self._inline(message, final=bool(finish_reason))
        return chunk

    def flush(self) -> ChatGenerationChunk | None:
        """A last chunk with what is still held back, once the stream ended.

        That is the latest moderation flags, the marks that keep broken tool
        calls invalid (see `tool_calls`), and, if the stream ended early, a
        partial tag in inline mode or `reasoning_details` entries that no
        finishing chunk carried.
        """
        marks = self._calls.marks(self.finish_reason)
        if (
            not self._held
            and not self._pending
            and not marks
            and self._moderation is None
        ):
            return None
        message = AIMessageChunk(
            content="",
            response_metadata={"model_provider": PROVIDER},
            tool_call_chunks=marks,
        )
        if self._moderation is not None:
            message.response_metadata[MODERATION] = self._moderation
        self._attach_details(message.additional_kwargs)
        if self._held:
            self._inline(message, final=True)
        return ChatGenerationChunk(message=message)

    def _collect(self, details: list[Any]) -> list[Any]:
        """Collect a chunk's fragments; return those to send on this chunk.

        Only a fragment of an entry already sent (one arriving after the
        finishing chunk) goes on at once, without the repeated keys, so that
        chunk addition appends its text to the entry.
        """
        now = []
        for fragment in details:
            if not isinstance(fragment, dict) or "index" not in fragment:
                self._pending.append((False, fragment))
                continue
            index = fragment["index"]
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
            text = fragment.get("text")
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

    def _inline(self, message: AIMessageChunk, *, final: bool) -> None:
        """Track `<think>` across chunks for one chunk's content."""
        text = self._held + message.content  # type: ignore[operator]
        self._held = ""
        if self._phase == _START:
            if text.startswith(THINK_OPEN) and (len(text) > len(THINK_OPEN) or final):
                self._phase = _THINKING
                inner = text[len(THINK_OPEN) :]
                if inner.startswith(FRAME):
                    inner = inner[len(FRAME) :]
                self._think_piece(message, inner, final=final)
                message.content = text[: len(text) - len(self._held)]
                return
            if not final and _OPEN.startswith(text):
                self._held = text
                message.content = ""
                return
            self._phase = _ANSWER
            message.content = text
            return
        if self._phase == _THINKING:
            self._think_piece(message, text, final=final)
            message.content = text[: len(text) - len(self._held)]
            return
        message.content = text

    def _think_piece(self, message: AIMessageChunk, text: str, *, final: bool) -> None:
        """Record the reasoning part of `text`, which starts inside the block."""
        end = text.find(THINK_CLOSE)
        if end != -1:
            self._phase = _ANSWER
            piece = text[:end]
            if piece.endswith(FRAME):
                piece = piece[: -len(FRAME)]
        else:
            held = 0
            if not final:
                held = max(
                    _partial_tag_suffix(text, _CLOSE),
                    _partial_tag_suffix(text, THINK_CLOSE),
                )
            self._held = text[len(text) - held :] if held else ""
            piece = text[: len(text) - held]
        message.additional_kwargs["reasoning_content"] = (
            message.additional_kwargs.get("reasoning_content", "") + piece
        )


def read_stream(
    chunks: Iterator[ChatGenerationChunk],
    context: CallContext,
    run_manager: CallbackManagerForLLMRun | None,
) -> Iterator[ChatGenerationChunk]:
    """Run a stream's chunks through one `StreamReader`, telling `run_manager`.

    Args:
        chunks: `ChatOpenAI`'s stream (its chunks read by `read_chunk`); what
            it raises is translated into MiniMax's exceptions.
        context: Where the call went; its chunk count is kept up to date.
        run_manager: The run's callbacks, told each chunk.

    Yields:
        Each chunk, normalized, then the reader's last chunk, if any.

    Raises:
        MiniMaxResponseError: If the stream ended without a `finish_reason`.
    """
    reader = StreamReader()
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
) -> AsyncIterator[ChatGenerationChunk]:
    """The async counterpart of `read_stream`."""
    reader = StreamReader()
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
