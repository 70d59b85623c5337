"""Standard content blocks for MiniMax messages, registered under `minimax`.

langchain-core asks the translator registered for a message's
`response_metadata["model_provider"]` to derive `message.content_blocks`. This
one puts MiniMax's reasoning first as a standard `reasoning` block, then the
answer text, then tool calls, for both reasoning modes: in inline mode the
`<think>` block stays in `content` (MiniMax wants it back verbatim) and is only
separated out here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages import content as types
from langchain_core.messages.block_translators import register_translator
from langchain_core.messages.block_translators.openai import (
    translate_content as openai_blocks,
)
from langchain_core.messages.block_translators.openai import (
    translate_content_chunk as openai_chunk_blocks,
)

from langchain_minimax.content_reader import THINK_TAGS
from langchain_minimax.reasoning import FRAME, unframe

PROVIDER = "minimax"

AIMessageT = TypeVar("AIMessageT", bound=AIMessage)


def _reasoning_and_text(message: AIMessage) -> tuple[str | None, str]:
    """Split a message, or one stream chunk, into reasoning and answer text.

    The reader (`reader.StreamReader`, `content_reader`) keeps `content` as
    received and puts the reasoning in `additional_kwargs["reasoning_content"]`.
    A think block (`<think>`, or M3's `<mm:think>`) at the start of `content`
    is reasoning; so is, when there is reasoning, the text up to a closing
    tag that ends with it (an opener-less block, or a stream chunk from
    inside a block: the chunk's reasoning piece, or a piece of a block whose
    reasoning came in the structured field).
    """
    content = message.content
    assert isinstance(content, str)
    kwargs = message.additional_kwargs
    flat = kwargs.get("reasoning_content")
    flat = flat if isinstance(flat, str) else None
    for opening, closing in THINK_TAGS:
        if content.startswith(opening):
            end = content.find(closing, len(opening))
            if flat is None:
                inner = content[len(opening) : None if end == -1 else end]
                flat = unframe(inner, closed=end != -1)
            return flat, "" if end == -1 else content[end + len(closing) :]
    if flat is None:
        return None, content
    for _, closing in THINK_TAGS:
        end = content.find(closing)
        if end != -1 and flat.endswith(
            content[:end].removesuffix(FRAME).removeprefix(FRAME)
        ):
            return flat, content[end + len(closing) :]
    if content == flat:
        return flat, ""
    return flat, content


def _translate(
    message: AIMessageT,
    convert: Callable[[AIMessageT], list[types.ContentBlock]],
) -> list[types.ContentBlock]:
    """Reasoning first, then langchain-core's OpenAI blocks for the rest.

    The converter turns the answer text, tool calls (or tool-call chunks) and
    any refusal into standard blocks.
    """
    if not isinstance(message.content, str):
        raise NotImplementedError
    reasoning, text = _reasoning_and_text(message)
    blocks = convert(message.model_copy(update={"content": text}))
    if not reasoning:
        return blocks
    block = cast(
        "types.ReasoningContentBlock", {"type": "reasoning", "reasoning": reasoning}
    )
    return [block, *blocks]


def translate_content(message: AIMessage) -> list[types.ContentBlock]:
    """Derive standard content blocks from a MiniMax `AIMessage`.

    Args:
        message: A message produced by `ChatMiniMax`.

    Returns:
        A reasoning block (when there is reasoning), text, then tool calls.

    Raises:
        NotImplementedError: For list content, which langchain-core's own
            best-effort parsing handles.
    """
    return _translate(message, openai_blocks)


def translate_content_chunk(message: AIMessageChunk) -> list[types.ContentBlock]:
    """Derive standard content blocks from a MiniMax `AIMessageChunk`.

    Args:
        message: A streamed chunk, or the sum of several.

    Returns:
        The chunk's reasoning piece, text piece, then tool-call chunks.

    Raises:
        NotImplementedError: For list content.
    """
    blocks = _translate(message, openai_chunk_blocks)
    for block in blocks:
        if block["type"] == "tool_call_chunk" and isinstance(block.get("index"), int):
            # A tool call's own index (0, 1, ...) would collide with the indexes
            # langchain-core numbers reasoning and text blocks with when it
            # streams v1 content; "lc_" indexes merge apart from those.
            block["index"] = f"lc_tc_{block['index']}"
    return blocks


register_translator(PROVIDER, translate_content, translate_content_chunk)
