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

from langchain_minimax.reasoning import (
    FRAME,
    THINK_CLOSE,
    has_think_block,
    inline_reasoning,
    split_think,
)

_CLOSES = (FRAME + THINK_CLOSE, THINK_CLOSE)

PROVIDER = "minimax"

AIMessageT = TypeVar("AIMessageT", bound=AIMessage)


def _reasoning_and_text(message: AIMessage) -> tuple[str | None, str]:
    """Split a message, or one stream chunk, into reasoning and answer text.

    In inline mode the stream state (`reader.StreamReader`) gives every chunk
    from inside the think block its reasoning piece in
    `additional_kwargs["reasoning_content"]` while `content` stays verbatim; a
    chunk's `content` is then the opening tag, its framing newline and its
    piece, the piece alone, or the piece, the framing newline, the closing
    tag and the start of the answer (the state keeps framing newlines in the
    chunk of their tag).
    """
    content = message.content
    assert isinstance(content, str)
    kwargs = message.additional_kwargs
    flat = kwargs.get("reasoning_content")
    flat = flat if isinstance(flat, str) else None
    if has_think_block(content):
        after = split_think(content).after
        return (flat if flat is not None else inline_reasoning(content)), after
    if flat is None or "reasoning_details" in kwargs:
        return flat, content
    for close in _CLOSES:
        if content.startswith(flat + close):
            return flat, content[len(flat) + len(close) :]
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
