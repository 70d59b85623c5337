"""Prompt caching: markers reach the wire, reads and writes reach usage_metadata."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langchain_minimax import ChatMiniMax
from langchain_minimax.request import SYSTEM_SEPARATOR
from langchain_minimax.testing import MiniMaxEmulator, Reply
from langchain_minimax.usage import cache_details, with_cache_details

EPHEMERAL = {"type": "ephemeral"}
LONG = "The house rules, in full detail. " * 200  # about 1,700 tokens


def marked(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "cache_control": EPHEMERAL}


def _sent(emulator: MiniMaxEmulator) -> list[dict[str, Any]]:
    body = emulator.requests[-1].body
    assert body is not None
    messages: list[dict[str, Any]] = body["messages"]
    return messages


# --- markers on the wire ---------------------------------------------------------


def test_a_marked_system_block_reaches_the_wire_unchanged(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke([SystemMessage([marked(LONG)]), HumanMessage("hi")])
    assert _sent(emulator)[0] == {"role": "system", "content": [marked(LONG)]}


def test_markers_survive_merging_several_system_messages(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke(
        [
            SystemMessage([marked(LONG)]),
            HumanMessage("hi"),
            SystemMessage("Answer briefly."),
        ]
    )
    system, user = _sent(emulator)
    assert system == {
        "role": "system",
        "content": [
            marked(LONG),
            {"type": "text", "text": SYSTEM_SEPARATOR},
            {"type": "text", "text": "Answer briefly."},
        ],
    }
    assert user == {"role": "user", "content": "hi"}


def test_unmarked_system_messages_are_still_one_string(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke(
        [SystemMessage([{"type": "text", "text": "a"}]), SystemMessage("b"), "hi"]
    )
    assert _sent(emulator)[0] == {"role": "system", "content": "a\n\nb"}


def test_markers_on_user_and_tool_blocks_reach_the_wire(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    call = {"name": "read", "args": {}, "id": "call_1", "type": "tool_call"}
    history = [
        HumanMessage([marked(LONG), "Summarize it."]),
        AIMessage("", tool_calls=[call]),
        ToolMessage([marked("file contents"), "(end)"], tool_call_id="call_1"),
    ]
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke(history)
    user, _, tool = _sent(emulator)
    assert user["content"][0] == marked(LONG)
    assert tool["content"] == [
        marked("file contents"),
        {"type": "text", "text": "(end)"},
    ]


# --- reads and writes in usage_metadata -------------------------------------------

SHAPES: dict[str, tuple[dict[str, Any], dict[str, int]]] = {
    "automatic (cached_tokens)": (
        {"cached_tokens": 600},
        {"cache_read": 600},
    ),
    "cache_control read": (
        {"cache_read_input_tokens": 900, "cache_creation_input_tokens": 0},
        {"cache_read": 900, "cache_creation": 0},
    ),
    "cache_control write": (
        {"cache_read_input_tokens": 0, "cache_creation_input_tokens": 1200},
        {"cache_read": 0, "cache_creation": 1200},
    ),
    "relay prompt_cache_hit_tokens": (
        {"prompt_cache_hit_tokens": 700, "usage_details": False},
        {"cache_read": 700},
    ),
}


def _summed(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    return total


@pytest.mark.parametrize("shape", list(SHAPES))
def test_cache_reads_and_writes_reach_usage_metadata(
    emulator: MiniMaxEmulator, make_model: Any, shape: str
) -> None:
    fields, expected = SHAPES[shape]
    reply = Reply(content="ok", prompt_tokens=2000, **fields)
    emulator.add_replies([reply, reply])
    model: ChatMiniMax = make_model()
    invoked = model.invoke("hi").usage_metadata
    streamed = _summed(list(model.stream("hi"))).usage_metadata
    for usage in (invoked, streamed):
        assert usage is not None
        assert usage["input_tokens"] == 2000  # prompt_tokens as sent
        details = dict(usage.get("input_token_details", {}))
        assert details == expected


async def test_cache_reads_reach_usage_metadata_on_async_paths(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    reply = Reply(
        content="ok", cache_read_input_tokens=5, cache_creation_input_tokens=7
    )
    emulator.add_replies([reply, reply])
    model: ChatMiniMax = make_model()
    invoked = (await model.ainvoke("hi")).usage_metadata
    chunks = [chunk async for chunk in model.astream("hi")]
    for usage in (invoked, _summed(chunks).usage_metadata):
        assert usage is not None
        assert usage.get("input_token_details") == {
            "cache_read": 5,
            "cache_creation": 7,
        }


def test_cache_details_reads_every_shape() -> None:
    assert cache_details(None) == {}
    assert cache_details({"prompt_tokens": 3}) == {}
    assert cache_details({"prompt_tokens_details": {"cached_tokens": 4}}) == {
        "cache_read": 4
    }
    both = {"cached_tokens": 4, "cache_read_input_tokens": 9}
    assert cache_details({"prompt_tokens_details": both}) == {"cache_read": 9}
    assert cache_details({"prompt_cache_hit_tokens": 2}) == {"cache_read": 2}
    assert cache_details({"prompt_tokens_details": {"cached_tokens": True}}) == {}
    usage = {"input_tokens": 10, "output_tokens": 1, "total_tokens": 11}
    assert with_cache_details(usage, {"prompt_cache_hit_tokens": 2}) == {  # type: ignore[arg-type]
        **usage,
        "input_token_details": {"cache_read": 2},
    }
    assert with_cache_details(None, {"prompt_cache_hit_tokens": 2}) is None


# --- the emulator caches like MiniMax ------------------------------------------------


def test_the_emulator_reads_a_repeated_prefix_of_512_tokens_from_cache(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model()
    first = model.invoke([SystemMessage(LONG), HumanMessage("one")])
    second = model.invoke(
        [SystemMessage(LONG), HumanMessage("one"), first, HumanMessage("two")]
    )
    short = model.invoke([SystemMessage("Be brief."), HumanMessage("one")])
    again = model.invoke([SystemMessage("Be brief."), HumanMessage("one")])
    details = [
        (message.usage_metadata or {}).get("input_token_details", {})
        for message in (first, second, short, again)
    ]
    assert details[0] == {"cache_read": 0}
    assert details[1]["cache_read"] > 512
    assert details[2] == details[3] == {"cache_read": 0}  # under 512 tokens


def test_the_emulator_reports_writes_then_reads_for_cache_control(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model()
    history = [SystemMessage([marked("Short rules.")]), HumanMessage("one")]
    first = model.invoke(history).usage_metadata
    second = model.invoke(history).usage_metadata
    assert first is not None
    assert second is not None
    written = first.get("input_token_details", {})
    read = second.get("input_token_details", {})
    assert written["cache_read"] == 0
    assert written["cache_creation"] > 0
    assert read == {"cache_read": written["cache_creation"], "cache_creation": 0}
