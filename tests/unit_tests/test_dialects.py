"""Every output shape ChatMiniMax meets, over HTTP against the emulator's dialects.

One test per shape: `invoke`, the summed stream (sync and async) and what the
next turn sends back: reasoning once, answer text clean, content as received,
tool calls parsed or flagged, usage kept.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall


@tool
def read_file(path: str, start_line: int) -> str:
    """Read a file from a line on."""
    return "fn main() {}"


@tool
def set_flags(flags: list[str], strict: bool, ratio: float) -> str:
    """Set flags."""
    return "ok"


def _sum(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def _three_ways(emulator: MiniMaxEmulator, model: Any, reply: Reply) -> list[AIMessage]:
    """The reply read by `invoke`, the summed `stream` and the summed `astream`."""

    async def summed_async() -> AIMessageChunk:
        return _sum([chunk async for chunk in model.astream("q")])

    emulator.add_replies([reply, reply, reply])
    invoked = model.invoke("q")
    streamed = _sum(list(model.stream("q")))
    astreamed = asyncio.run(summed_async())
    return [invoked, streamed, astreamed]


def _blocks(message: AIMessage) -> list[tuple[str, str]]:
    return [
        (block["type"], block.get("reasoning") or block.get("text") or "")
        for block in message.content_blocks
        if block["type"] in ("reasoning", "text")
    ]


def _next_turn(
    emulator: MiniMaxEmulator, model: Any, message: AIMessage
) -> dict[str, Any]:
    """The assistant dict the next request sends for `message`."""
    history: list[Any] = [HumanMessage("q"), message]
    history += [
        ToolMessage("done", tool_call_id=call["id"])
        for call in [*message.tool_calls, *message.invalid_tool_calls]
    ]
    emulator.add_reply(Reply(content="ok"))
    model.invoke([*history, HumanMessage("next")])
    sent: dict[str, Any] = emulator.requests[-1].messages[1]
    return sent


def test_m3_doubled_inline_reasoning_is_read_once(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(model="MiniMax-M3", reasoning_split=False)
    reply = Reply(
        reasoning="Think it through.", content="Answer.", dialect="minimax-m3"
    )
    content = "<think>\nThink it through.\n</think>\n\nAnswer."
    for message in _three_ways(emulator, model, reply):
        assert message.content == content
        assert message.additional_kwargs["reasoning_content"] == "Think it through."
        assert _blocks(message) == [
            ("reasoning", "Think it through."),
            ("text", "\n\nAnswer."),
        ]
        assert message.usage_metadata is not None
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == content
        assert "reasoning_content" not in sent
        assert "reasoning_details" not in sent


def test_leftover_think_tags_with_reasoning_split(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(model="MiniMax-M3")
    reply = Reply(reasoning="Why not.", content="Answer.", dialect="relay-m3")
    content = "<think>\nWhy not.\n</think>\n\nAnswer."
    for message in _three_ways(emulator, model, reply):
        assert message.content == content
        assert message.additional_kwargs["reasoning_content"] == "Why not."
        assert _blocks(message) == [("reasoning", "Why not."), ("text", "\n\nAnswer.")]
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == content
        assert "reasoning_content" not in sent
        assert "reasoning_details" not in sent


def test_opener_less_think_block_in_inline_mode(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(reasoning_split=False)
    reply = Reply(reasoning="Reason here.", content="Answer.", dialect="vllm-raw")
    content = "Reason here.\n</think>\n\nAnswer."
    for message in _three_ways(emulator, model, reply):
        assert message.content == content
        assert message.additional_kwargs["reasoning_content"] == "Reason here."
        assert _blocks(message) == [
            ("reasoning", "Reason here."),
            ("text", "\n\nAnswer."),
        ]
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == content
        assert "reasoning_content" not in sent


def test_opener_less_block_is_not_read_in_split_mode(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model()
    reply = Reply(content="Use </think> to close it.", dialect="vllm")
    for message in _three_ways(emulator, model, reply):
        assert message.content == "Use </think> to close it."
        assert "reasoning_content" not in message.additional_kwargs
        assert _blocks(message) == [("text", "Use </think> to close it.")]


def test_opener_less_block_needs_the_close_before_any_other_tag(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(reasoning_split=False)
    text = "Wrap it in <b>bold</b>, then </think> ends nothing."
    for message in _three_ways(emulator, model, Reply(content=text, dialect="vllm")):
        assert message.content == text
        assert "reasoning_content" not in message.additional_kwargs


def test_m3_mm_think_block(emulator: MiniMaxEmulator, make_model: Any) -> None:
    model = make_model(model="MiniMax-M3", reasoning_split=False)
    reply = Reply(reasoning="Hmm.", content="Answer.", dialect="vllm-raw")
    content = "<mm:think>\nHmm.\n</mm:think>\n\nAnswer."
    for message in _three_ways(emulator, model, reply):
        assert message.content == content
        assert message.additional_kwargs["reasoning_content"] == "Hmm."
        assert _blocks(message) == [("reasoning", "Hmm."), ("text", "\n\nAnswer.")]
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == content


@pytest.mark.parametrize("model_name", ["MiniMax-M2.5", "MiniMax-M3"])
def test_raw_tool_call_markup_becomes_tool_calls(
    emulator: MiniMaxEmulator, make_model: Any, model_name: str
) -> None:
    model = make_model(model=model_name, reasoning_split=False).bind_tools([read_file])
    reply = Reply(
        content="Let me read it.",
        tool_calls=[ToolCall("read_file", {"path": "src/main.rs", "start_line": 130})],
        dialect="vllm-raw",
    )
    for message in _three_ways(emulator, model, reply):
        assert message.content == "Let me read it."
        [call] = message.tool_calls
        assert call["name"] == "read_file"
        assert call["args"] == {"path": "src/main.rs", "start_line": 130}
        assert call["id"] is not None
        assert call["id"].startswith("call_function_")
        assert call["id"].endswith("_1")
        assert message.invalid_tool_calls == []
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == "Let me read it."
        [wire_call] = sent["tool_calls"]
        assert wire_call["id"] == call["id"]
        assert json.loads(wire_call["function"]["arguments"]) == call["args"]
        assert emulator.requests[-1].messages[2]["tool_call_id"] == call["id"]


def test_markup_values_are_typed_by_the_schema(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(model="MiniMax-M3", reasoning_split=False).bind_tools(
        [set_flags]
    )
    arguments = {"flags": ["a", "b"], "strict": True, "ratio": 0.5}
    reply = Reply(tool_calls=[ToolCall("set_flags", arguments)], dialect="vllm-raw")
    for message in _three_ways(emulator, model, reply):
        assert [call["args"] for call in message.tool_calls] == [arguments]
        assert message.content == ""
        sent = _next_turn(emulator, model, message)
        assert not sent["content"]
        assert [
            json.loads(call["function"]["arguments"]) for call in sent["tool_calls"]
        ] == [arguments]


def test_markup_naming_an_unbound_tool_is_an_invalid_call(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(reasoning_split=False).bind_tools([read_file])
    reply = Reply(
        content="Deleting.",
        tool_calls=[ToolCall("delete_all", {"path": "/"})],
        dialect="vllm-raw",
    )
    for message in _three_ways(emulator, model, reply):
        assert message.content == "Deleting."
        assert message.tool_calls == []
        [invalid] = message.invalid_tool_calls
        assert invalid["name"] == "delete_all"
        assert invalid["id"] is not None
        assert "delete_all" in (invalid["args"] or "")
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == "Deleting."


def test_markup_that_does_not_parse_is_an_invalid_call(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(reasoning_split=False).bind_tools([read_file])
    reply = Reply(
        content="Reading.",
        tool_calls=[ToolCall("read_file", "path=src/main.rs")],
        dialect="vllm-raw",
    )
    for message in _three_ways(emulator, model, reply):
        assert message.content == "Reading."
        assert message.tool_calls == []
        [invalid] = message.invalid_tool_calls
        assert invalid["id"] is not None
        assert "path=src/main.rs" in (invalid["args"] or "")
        with pytest.warns(UserWarning, match="not valid JSON"):
            sent = _next_turn(emulator, model, message)
        # The markup leaves the content; the call goes back so that the tool
        # result answering it references a call of the history.
        assert sent["content"] == "Reading."
        assert [call["id"] for call in sent["tool_calls"]] == [invalid["id"]]


def test_markup_without_bound_tools_or_in_a_code_fence_stays_text(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    markup = (
        '<minimax:tool_call>\n<invoke name="read_file">\n'
        '<parameter name="path">a</parameter>\n</invoke>\n</minimax:tool_call>'
    )
    fenced = f"The format:\n```\n{markup}\n```\nThat is all."
    bound = make_model(reasoning_split=False).bind_tools([read_file])
    for message in _three_ways(emulator, bound, Reply(content=fenced, dialect="vllm")):
        assert message.content == fenced
        assert message.tool_calls == []
    plain = make_model(reasoning_split=False)
    for message in _three_ways(emulator, plain, Reply(content=markup, dialect="vllm")):
        assert message.content == markup
        assert message.tool_calls == []


def test_object_arguments_are_the_call_they_describe(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model().bind_tools([read_file])
    reply = Reply(
        reasoning="Read it.",
        content="\n",
        tool_calls=[ToolCall("read_file", {"path": "ä.rs", "start_line": 1})],
        dialect="relay",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no serializer warning from the SDK's models
        messages = _three_ways(emulator, model, reply)
    for message in messages:
        [call] = message.tool_calls
        assert call["args"] == {"path": "ä.rs", "start_line": 1}
        assert message.invalid_tool_calls == []
        sent = _next_turn(emulator, model, message)
        arguments = sent["tool_calls"][0]["function"]["arguments"]
        assert json.loads(arguments) == call["args"]


def test_relay_reasoning_field_is_read_and_goes_back_in_the_model_form(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(model="MiniMax-M2.5")
    reply = Reply(reasoning="Relayed thought.", content="Answer.", dialect="relay")
    for message in _three_ways(emulator, model, reply):
        assert message.content == "Answer."
        assert message.additional_kwargs["reasoning_content"] == "Relayed thought."
        assert message.additional_kwargs["reasoning"] == "Relayed thought."
        assert _blocks(message) == [
            ("reasoning", "Relayed thought."),
            ("text", "Answer."),
        ]
        sent = _next_turn(emulator, model, message)
        assert [entry["text"] for entry in sent["reasoning_details"]] == [
            "Relayed thought."
        ]
        assert "reasoning_content" not in sent
        assert "reasoning" not in sent


def test_cumulative_snapshots_are_read_once_proven(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model()
    reasoning = "A long line of reasoning that is sent again and again, " * 3
    reply = Reply(
        reasoning=reasoning, content="Answer.", cumulative_reasoning=True, chunk_size=40
    )
    for message in _three_ways(emulator, model, reply):
        assert message.additional_kwargs["reasoning_content"] == reasoning
        [detail] = message.additional_kwargs["reasoning_details"]
        assert detail["text"] == reasoning
        sent = _next_turn(emulator, model, message)
        assert [entry["text"] for entry in sent["reasoning_details"]] == [reasoning]


def test_trailing_whole_message_event_keeps_usage_once(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model()
    reply = Reply(reasoning="R.", content="Answer.", trailing_message=True)
    invoked, streamed, astreamed = _three_ways(emulator, model, reply)
    for message in (streamed, astreamed):
        assert message.content == "Answer."
        assert message.additional_kwargs["reasoning_content"] == "R."
        assert message.usage_metadata == invoked.usage_metadata
        assert message.usage_metadata is not None
        sent = _next_turn(emulator, model, message)
        assert sent["content"] == "Answer."
        assert [entry["text"] for entry in sent["reasoning_details"]] == ["R."]
        assert "reasoning_content" not in sent


def test_self_hosted_with_parsers(emulator: MiniMaxEmulator, make_model: Any) -> None:
    model = make_model(reasoning_split=False).bind_tools([read_file])
    reply = Reply(
        reasoning="R.",
        content="\n",
        tool_calls=[ToolCall("read_file", {"path": "a", "start_line": 2})],
        dialect="vllm",
    )
    for message in _three_ways(emulator, model, reply):
        assert message.additional_kwargs["reasoning_content"] == "R."
        assert [call["args"] for call in message.tool_calls] == [
            {"path": "a", "start_line": 2}
        ]
        sent = _next_turn(emulator, model, message)
        # Inline mode: the reasoning goes back once, as the think block.
        assert sent["content"].count("R.") == 1
        assert sent["content"].startswith("<think>")
        assert "reasoning_content" not in sent
        assert "reasoning_details" not in sent
        assert [
            json.loads(call["function"]["arguments"]) for call in sent["tool_calls"]
        ] == [{"path": "a", "start_line": 2}]


def test_model_constructed_for_a_self_hosted_server() -> None:
    with MiniMaxEmulator(api_key=None) as emulator:
        model = ChatMiniMax(base_url=emulator.base_url, max_retries=0)
        emulator.add_reply(Reply(reasoning="R.", content="Hi.", dialect="vllm"))
        assert model.invoke("q").content == "Hi."


def test_text_before_markup_streams_before_the_calls(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model(reasoning_split=False).bind_tools([read_file])
    emulator.add_reply(
        Reply(
            content="Let me read the file.",
            tool_calls=[ToolCall("read_file", {"path": "a", "start_line": 1})],
            dialect="vllm-raw",
            chunk_size=4,
        )
    )
    chunks = list(model.stream("q"))
    first_call = next(n for n, chunk in enumerate(chunks) if chunk.tool_call_chunks)
    shown = [chunk.content for chunk in chunks[:first_call] if chunk.content]
    assert "".join(shown) == "Let me read the file."
    assert len(shown) >= 5  # piece by piece, not held back until the markup ends
