"""The `minimax` content-block translator."""

from __future__ import annotations

from langchain_core.messages import AIMessage, AIMessageChunk

import langchain_minimax  # noqa: F401  (registers the translator)

META = {"model_provider": "minimax"}


def test_split_message_blocks_reasoning_text_tool_call() -> None:
    message = AIMessage(
        "Answer",
        additional_kwargs={
            "reasoning_content": "why",
            "reasoning_details": [{"type": "reasoning.text", "index": 0}],
        },
        tool_calls=[{"name": "f", "args": {"a": 1}, "id": "c1"}],
        response_metadata=META,
    )
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": "why"},
        {"type": "text", "text": "Answer"},
        {"type": "tool_call", "name": "f", "args": {"a": 1}, "id": "c1"},
    ]


def test_inline_message_keeps_content_and_separates_blocks() -> None:
    content = "<think>\nwhy\n</think>\n\nAnswer"
    message = AIMessage(
        content,
        additional_kwargs={"reasoning_content": "\nwhy\n"},
        response_metadata=META,
    )
    assert message.content == content
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": "\nwhy\n"},
        {"type": "text", "text": "\n\nAnswer"},
    ]


def test_inline_message_without_reasoning_kwarg_parses_tags() -> None:
    message = AIMessage("<think>r</think>A", response_metadata=META)
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": "r"},
        {"type": "text", "text": "A"},
    ]


def test_answer_that_mentions_tag_is_text() -> None:
    message = AIMessage("Use </think> to close", response_metadata=META)
    assert message.content_blocks == [{"type": "text", "text": "Use </think> to close"}]


def _chunk(content: str, reasoning: str | None = None) -> AIMessageChunk:
    kwargs = {} if reasoning is None else {"reasoning_content": reasoning}
    return AIMessageChunk(content, additional_kwargs=kwargs, response_metadata=META)


def test_inline_chunks_are_told_apart() -> None:
    assert _chunk("<think>\nThe", "\nThe").content_blocks == [
        {"type": "reasoning", "reasoning": "\nThe"}
    ]
    assert _chunk(" idea", " idea").content_blocks == [
        {"type": "reasoning", "reasoning": " idea"}
    ]
    assert _chunk(" end</think>\n\nHel", " end").content_blocks == [
        {"type": "reasoning", "reasoning": " end"},
        {"type": "text", "text": "\n\nHel"},
    ]
    assert _chunk("lo").content_blocks == [{"type": "text", "text": "lo"}]
    assert _chunk("<think>", "").content_blocks == []


def test_split_chunk_with_tool_call_chunk() -> None:
    chunk = AIMessageChunk(
        "",
        additional_kwargs={"reasoning_content": "r", "reasoning_details": [{}]},
        tool_call_chunks=[{"name": "f", "args": "{", "id": "c1", "index": 0}],
        response_metadata=META,
    )
    assert chunk.content_blocks == [
        {"type": "reasoning", "reasoning": "r"},
        {
            "type": "tool_call_chunk",
            "id": "c1",
            "name": "f",
            "args": "{",
            "index": "lc_tc_0",
        },
    ]
