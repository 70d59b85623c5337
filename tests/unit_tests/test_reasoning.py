"""Pure reasoning conversions: reading, splitting and sending back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from langchain_minimax.reasoning import (
    THINK_CLOSE,
    THINK_OPEN,
    attach_reasoning,
    join_think,
    make_reasoning_detail,
    read_reasoning,
    readable_by_minimax,
    split_think,
)

DETAIL = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
    "index": 0,
    "text": "Think first.",
}


def test_read_reasoning_keeps_details_and_joins_text() -> None:
    second = {**DETAIL, "index": 1, "text": " Then answer."}
    out = read_reasoning({"content": "Hi", "reasoning_details": [DETAIL, second]})
    assert out["reasoning_details"] == [DETAIL, second]
    assert out["reasoning_details"][0] is DETAIL
    assert out["reasoning_content"] == "Think first. Then answer."


def test_read_reasoning_prefers_flat_string() -> None:
    out = read_reasoning(
        {"reasoning_content": "flat", "reasoning_details": [{**DETAIL, "text": "x"}]}
    )
    assert out["reasoning_content"] == "flat"


def test_read_reasoning_flat_only_and_none() -> None:
    assert read_reasoning({"reasoning_content": "r"}) == {"reasoning_content": "r"}
    assert read_reasoning({"content": "plain"}) == {}
    assert read_reasoning({"reasoning_details": []}) == {}


@pytest.mark.parametrize(
    ("content", "reasoning", "after"),
    [
        ("<think>\nabc\n</think>\n\nAnswer", "\nabc\n", "\n\nAnswer"),
        ("Answer mentions <think> tags", None, "Answer mentions <think> tags"),
        ("<think>cut short", "cut short", ""),
        ("no tags", None, "no tags"),
        ("  <think>x</think>y", None, "  <think>x</think>y"),
    ],
)
def test_split_think(content: str, reasoning: str | None, after: str) -> None:
    parts = split_think(content)
    assert parts.reasoning == reasoning
    assert parts.after == after
    assert join_think(parts) == content


@given(st.text(), st.text())
def test_split_think_round_trips(reasoning: str, answer: str) -> None:
    content = f"{THINK_OPEN}{reasoning}{THINK_CLOSE}{answer}"
    parts = split_think(content)
    assert join_think(parts) == content
    if THINK_CLOSE not in reasoning:
        assert parts.reasoning == reasoning
        assert parts.after == answer


def _sent(message: AIMessage, *, split: bool) -> dict:
    message_dict = {"role": "assistant", "content": message.text}
    attach_reasoning(message_dict, message, reasoning_split=split)
    return message_dict


@pytest.mark.parametrize("split", [True, False])
def test_details_are_sent_exactly_as_received(split: bool) -> None:
    details = [DETAIL, {"type": "other", "data": [1, 2]}]
    message = AIMessage("Hi", additional_kwargs={"reasoning_details": details})
    assert _sent(message, split=split)["reasoning_details"] == details


def test_inline_content_is_sent_verbatim() -> None:
    content = "<think>\nabc\n</think>\n\nAnswer"
    message = AIMessage(content, additional_kwargs={"reasoning_content": "\nabc\n"})
    assert _sent(message, split=True) == {"role": "assistant", "content": content}
    assert _sent(message, split=False) == {"role": "assistant", "content": content}


def test_reasoning_string_is_rebuilt_as_entry_in_split_mode() -> None:
    message = AIMessage("Hi", additional_kwargs={"reasoning_content": "because"})
    assert _sent(message, split=True)["reasoning_details"] == [
        make_reasoning_detail("because")
    ]
    inline = _sent(message, split=False)
    assert inline["content"] == "<think>\nbecause\n</think>\n\nHi"
    assert "reasoning_details" not in inline


def test_v1_blocks_rebuild_inline_content_byte_for_byte() -> None:
    original = "<think>\nweigh it\n</think>\n\nAnswer"
    v1 = AIMessage(
        [
            {"type": "reasoning", "reasoning": "weigh it"},
            {"type": "text", "text": "\n\nAnswer"},
        ]
    )
    message_dict: dict = {"role": "assistant", "content": [{"type": "text"}]}
    attach_reasoning(message_dict, v1, reasoning_split=False)
    assert message_dict["content"] == original
    message_dict = {"role": "assistant", "content": "\n\nAnswer"}
    attach_reasoning(message_dict, v1, reasoning_split=True)
    assert message_dict["reasoning_details"][0]["text"] == "weigh it"


def test_message_without_reasoning_is_unchanged() -> None:
    message_dict = {"role": "assistant", "content": "Hi"}
    attach_reasoning(message_dict, AIMessage("Hi"), reasoning_split=True)
    assert message_dict == {"role": "assistant", "content": "Hi"}
    attach_reasoning(message_dict, AIMessage("Hi"), reasoning_split=False)
    assert message_dict == {"role": "assistant", "content": "Hi"}


def test_content_with_a_think_block_goes_back_alone() -> None:
    """A relay that sends both: the think block in content wins, once."""
    content = "<think>\nabc\n</think>\n\nAnswer"
    message = AIMessage(
        content,
        additional_kwargs={"reasoning_details": [DETAIL], "reasoning_content": "abc"},
        response_metadata={"model_provider": "minimax"},
    )
    for split in (True, False):
        assert _sent(message, split=split) == {"role": "assistant", "content": content}


def test_conversion_for_minimax_is_idempotent() -> None:
    anthropic = AIMessage(
        [
            {"type": "thinking", "thinking": "R", "signature": "S"},
            {"type": "text", "text": "A"},
        ],
        response_metadata={"model_provider": "anthropic"},
    )
    once = readable_by_minimax(anthropic)
    assert once.content == "A"
    assert once.additional_kwargs == {"reasoning_content": "R"}
    assert readable_by_minimax(once) is once
    plain = AIMessage("Hi", response_metadata={"model_provider": "minimax"})
    assert readable_by_minimax(plain) is plain


@pytest.mark.parametrize(
    "content",
    [
        "abc\n</think>\n\nAnswer",  # the template put <think> in the prompt
        "<mm:think>abc</mm:think>Answer",  # M3's raw thinking tag
        "<name>agent</name><content><think>\nabc\n</think>\n\nAnswer</content>",
    ],
)
def test_content_that_holds_its_reasoning_goes_back_verbatim(content: str) -> None:
    message = AIMessage(
        content,
        additional_kwargs={"reasoning_content": "abc"},
        response_metadata={"model_provider": "minimax"},
    )
    for split in (True, False):
        assert _sent(message, split=split) == {"role": "assistant", "content": content}


def test_a_relays_reasoning_goes_back_in_the_models_form() -> None:
    """`reasoning` is the relay's field, not MiniMax's: the target's form is used."""
    message = AIMessage(
        "Hi",
        additional_kwargs={"reasoning": "because", "reasoning_content": "because"},
        response_metadata={"model_provider": "minimax"},
    )
    sent = {"role": "assistant", "content": "Hi"}
    attach_reasoning(sent, message, reasoning_split=True)
    assert sent == {
        "role": "assistant",
        "content": "Hi",
        "reasoning_details": [make_reasoning_detail("because")],
    }
    sent = {"role": "assistant", "content": "Hi"}
    attach_reasoning(
        sent, message, reasoning_split=True, split_field="reasoning_content"
    )
    assert sent == {
        "role": "assistant",
        "content": "Hi",
        "reasoning_content": "because",
    }
    m3 = message.model_copy(update={"additional_kwargs": {"reasoning_content": "b"}})
    sent = {"role": "assistant", "content": "Hi"}
    attach_reasoning(sent, m3, reasoning_split=True)
    assert sent == {"role": "assistant", "content": "Hi", "reasoning_content": "b"}
