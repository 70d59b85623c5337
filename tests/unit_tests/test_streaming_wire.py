"""Streaming over loopback HTTP: the summed chunks equal the non-streamed reply."""

from __future__ import annotations

import json
import warnings
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGenerationChunk

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall

REASONING = "First, 17×23: 17×20=340, 17×3=51.\nSo 391. </thinking> <think"
ANSWER = "17 × 23 = **391**."


def _reply(chunk_size: int, *, tools: bool = False, **kwargs: Any) -> Reply:
    calls = (
        [
            ToolCall(
                "get_weather", {"city": "Paris", "unit": "°C"}, id="call_function_7_1"
            ),
            ToolCall("get_time", {"tz": "Europe/Paris"}, id="call_function_7_2"),
        ]
        if tools
        else []
    )
    return Reply(
        reasoning=REASONING,
        content="\n" if tools else ANSWER,
        tool_calls=calls,
        chunk_size=chunk_size,
        **kwargs,
    )


def _assert_equal(streamed: BaseMessage, invoked: BaseMessage) -> None:
    assert isinstance(streamed, AIMessageChunk)
    assert isinstance(invoked, AIMessage)
    assert streamed.content == invoked.content
    for key in ("reasoning_details", "reasoning_content"):
        assert streamed.additional_kwargs.get(key) == invoked.additional_kwargs.get(key)
    assert streamed.tool_calls == invoked.tool_calls
    assert streamed.usage_metadata == invoked.usage_metadata
    assert (
        streamed.response_metadata["finish_reason"]
        == (invoked.response_metadata["finish_reason"])
    )
    assert streamed.content_blocks == invoked.content_blocks


def _without_index(blocks: list[Any]) -> list[str]:
    """v3 numbers (and may reorder) its blocks; compare what they hold."""
    return sorted(
        json.dumps({k: v for k, v in block.items() if k != "index"}, sort_keys=True)
        for block in blocks
    )


def _sum(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


CASES = [
    pytest.param(split, size, tools, id=f"split={split}-size={size}-tools={tools}")
    for split in (True, False)
    for size in (1, 7)
    for tools in (False, True)
]


@pytest.mark.parametrize(("split", "size", "tools"), CASES)
def test_stream_equals_invoke(
    emulator: MiniMaxEmulator, make_model: Any, split: bool, size: int, tools: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(size, tools=tools), _reply(size, tools=tools)])
    chunks = list(model.stream("What is 17*23?"))
    invoked = model.invoke("What is 17*23?")
    assert len(chunks) > 10
    _assert_equal(_sum(chunks), invoked)


@pytest.mark.parametrize(("split", "size", "tools"), CASES)
async def test_astream_equals_ainvoke(
    emulator: MiniMaxEmulator, make_model: Any, split: bool, size: int, tools: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(size, tools=tools), _reply(size, tools=tools)])
    chunks = [chunk async for chunk in model.astream("What is 17*23?")]
    invoked = await model.ainvoke("What is 17*23?")
    _assert_equal(_sum(chunks), invoked)


@pytest.mark.parametrize("split", [True, False])
def test_reasoning_streams_first_and_live(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    emulator.add_reply(_reply(3))
    kinds: list[str] = []
    reasoning = ""
    for chunk in make_model(reasoning_split=split).stream("q"):
        for block in chunk.content_blocks:
            kinds.append(block["type"])
            reasoning += block.get("reasoning", "")  # type: ignore[operator]
    first_text = kinds.index("text")
    assert kinds.count("reasoning") >= 5
    assert set(kinds[:first_text]) == {"reasoning"}
    assert "reasoning" not in kinds[first_text:]
    assert reasoning == REASONING


@pytest.mark.parametrize("split", [True, False])
def test_v1_stream_chunks_are_blocks(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split, output_version="v1")
    emulator.add_reply(_reply(4))
    chunks = list(model.stream("q"))
    reasoning = "".join(
        block.get("reasoning", "")
        for chunk in chunks
        for block in chunk.content  # type: ignore[union-attr]
        if isinstance(block, dict)
    )
    assert reasoning == REASONING
    assert all(isinstance(chunk.content, list) for chunk in chunks)
    full = _sum(chunks)
    assert [b["type"] for b in full.content_blocks] == ["reasoning", "text"]


def test_tool_calls_whole_in_finishing_chunk(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model()
    emulator.add_replies(
        [
            _reply(5, tools=True, tool_calls_in_finish_chunk=True),
            _reply(5, tools=True),
        ]
    )
    streamed = _sum(list(model.stream("q")))
    invoked = model.invoke("q")
    assert [c["name"] for c in streamed.tool_calls] == ["get_weather", "get_time"]
    assert streamed.tool_calls[0]["args"] == {"city": "Paris", "unit": "°C"}
    assert [c["args"] for c in streamed.tool_calls] == [
        c["args"] for c in invoked.tool_calls
    ]


def test_zero_usage_on_every_chunk_counted_once(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model()
    emulator.add_replies(
        [_reply(2, zero_usage_every_chunk=True), _reply(2, zero_usage_every_chunk=True)]
    )
    streamed = _sum(list(model.stream("q")))
    invoked = model.invoke("q")
    assert streamed.usage_metadata == invoked.usage_metadata
    assert streamed.usage_metadata is not None
    assert streamed.usage_metadata["output_token_details"]["reasoning"] > 0


def test_stream_usage_on_by_default(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(_reply(8))
    list(make_model().stream("q"))
    body = emulator.requests[0].body
    assert body is not None
    assert body["stream_options"] == {"include_usage": True}
    emulator.add_reply(_reply(8))
    streamed = _sum(list(make_model(stream_usage=False).stream("q")))
    assert "stream_options" not in (emulator.requests[1].body or {})
    assert not streamed.usage_metadata


class _Collector(BaseCallbackHandler):
    def __init__(self) -> None:
        self.chunks: list[AIMessageChunk] = []

    def on_llm_new_token(
        self,
        token: str,
        *,
        chunk: ChatGenerationChunk | None = None,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        if chunk is not None and isinstance(chunk.message, AIMessageChunk):
            self.chunks.append(chunk.message)


@pytest.mark.parametrize("split", [True, False])
def test_callbacks_see_normalized_chunks(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(3), _reply(3)])
    collector = _Collector()
    list(model.stream("q", config={"callbacks": [collector]}))
    invoked = model.invoke("q")
    _assert_equal(_sum(collector.chunks), invoked)


@pytest.mark.parametrize("split", [True, False])
def test_streaming_true_invoke_equals_invoke(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    emulator.add_replies([_reply(3, tools=True), _reply(3, tools=True)])
    streamed = make_model(reasoning_split=split, streaming=True).invoke("q")
    invoked = make_model(reasoning_split=split).invoke("q")
    assert streamed.content == invoked.content
    assert streamed.additional_kwargs.get("reasoning_details") == (
        invoked.additional_kwargs.get("reasoning_details")
    )
    assert (
        streamed.additional_kwargs["reasoning_content"]
        == (invoked.additional_kwargs["reasoning_content"])
    )
    assert streamed.tool_calls == invoked.tool_calls


@pytest.mark.parametrize("split", [True, False])
async def test_astream_events_v2(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(4), _reply(4)])
    chunks: list[AIMessageChunk] = []
    async for event in model.astream_events("q", version="v2"):
        if event["event"] == "on_chat_model_stream":
            chunks.append(event["data"]["chunk"])
    _assert_equal(_sum(chunks), await model.ainvoke("q"))


@pytest.mark.parametrize("split", [True, False])
async def test_astream_events_v3(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(4, tools=True), _reply(4, tools=True)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stream = await model.astream_events("q", version="v3")
        output = await stream
    invoked = await model.ainvoke("q")
    assert _without_index(output.content_blocks) == _without_index(
        invoked.content_blocks
    )
    assert output.additional_kwargs.get("reasoning_details") == (
        invoked.additional_kwargs.get("reasoning_details")
    )
    assert output.tool_calls == invoked.tool_calls


@pytest.mark.parametrize("split", [True, False])
def test_stream_events_v3_sync(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(4), _reply(4)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        output = model.stream_events("q", version="v3").output
    invoked = model.invoke("q")
    assert _without_index(output.content_blocks) == _without_index(
        invoked.content_blocks
    )
    assert output.additional_kwargs.get("reasoning_details") == (
        invoked.additional_kwargs.get("reasoning_details")
    )


@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("sync", [True, False])
async def test_tool_loop_from_streamed_message(
    emulator: MiniMaxEmulator, make_model: Any, split: bool, sync: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_reply(1, tools=True), Reply(content="Done.")])
    question = HumanMessage("q")
    if sync:
        chunks = list(model.stream([question]))
    else:
        chunks = [chunk async for chunk in model.astream([question])]
    first = _sum(chunks)
    history = [
        question,
        first,
        *(ToolMessage("result", tool_call_id=call["id"]) for call in first.tool_calls),
    ]
    if sync:
        model.invoke(history)
    else:
        await model.ainvoke(history)
    sent = emulator.requests[1].messages[1]
    if split:
        assert sent["reasoning_details"] == [
            {
                "type": "reasoning.text",
                "id": "reasoning-text-1",
                "format": "MiniMax-response-v1",
                "index": 0,
                "text": REASONING,
            }
        ]
    else:
        assert sent["content"] == f"<think>\n{REASONING}\n</think>\n\n\n"
    assert [c["id"] for c in sent["tool_calls"]] == [c["id"] for c in first.tool_calls]
    assert emulator.requests[1].response_status == 200


@pytest.mark.parametrize("split", [True, False])
def test_v1_stream_with_tools_merges_blocks_apart(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split, output_version="v1")
    emulator.add_replies([_reply(3, tools=True), _reply(3, tools=True)])
    streamed = _sum(list(model.stream("q")))
    invoked = model.invoke("q")
    assert [b["type"] for b in streamed.content_blocks] == [
        "reasoning",
        "text",
        "tool_call",
        "tool_call",
    ]
    assert _without_index(streamed.content_blocks) == _without_index(
        invoked.content_blocks
    )


# --- broken tool calls: never valid once the chunks are added up ---

CUT_ARGUMENTS = '{"path": "conf/app.conf", "text": "line1\\nli'
NOT_JSON = '{"path": "conf/app.conf"} {"text": "line1"}'
"""Two objects: not JSON, but langchain-core's partial parsing keeps the first."""


def _broken_reply(arguments: str, size: int) -> Reply:
    """A valid call, then one with broken `arguments`.

    Cut by `length` (also before the arguments began), not JSON, or JSON but
    not an object.
    """
    return Reply(
        reasoning=REASONING,
        content="\n",
        tool_calls=[
            ToolCall("get_time", {"tz": "UTC"}, id="call_function_9_1"),
            ToolCall("write_file", arguments, id="call_function_9_2"),
        ],
        finish_reason="length" if arguments in (CUT_ARGUMENTS, "") else None,
        chunk_size=size,
    )


def _assert_broken_call_invalid(streamed: AIMessageChunk, invoked: AIMessage) -> None:
    assert streamed.tool_calls == invoked.tool_calls
    assert [c["name"] for c in streamed.tool_calls] == ["get_time"]
    [invalid] = streamed.invalid_tool_calls
    [expected] = invoked.invalid_tool_calls
    assert (invalid["id"], invalid["name"]) == (expected["id"], expected["name"])
    # The raw arguments, then at most three characters that keep them broken.
    assert invalid["args"] is not None
    assert expected["args"] is not None
    assert invalid["args"].startswith(expected["args"])
    assert len(invalid["args"]) - len(expected["args"]) <= 3
    assert (
        streamed.response_metadata["finish_reason"]
        == invoked.response_metadata["finish_reason"]
    )


BROKEN = [
    pytest.param(arguments, size, version, id=f"{name}-size={size}-{version}")
    for name, arguments in (
        ("cut", CUT_ARGUMENTS),
        ("cut_before_arguments", ""),
        ("not_json", NOT_JSON),
    )
    for size in (1, 5, 200)
    for version in ("v0", "v1")
]


@pytest.mark.parametrize(("arguments", "size", "output_version"), BROKEN)
def test_broken_tool_call_stays_invalid_when_streamed(
    emulator: MiniMaxEmulator,
    make_model: Any,
    arguments: str,
    size: int,
    output_version: str,
) -> None:
    model: ChatMiniMax = make_model(output_version=output_version)
    emulator.add_replies([_broken_reply(arguments, size)] * 3)
    streamed = _sum(list(model.stream("q")))
    invoked = model.invoke("q")
    _assert_broken_call_invalid(streamed, invoked)
    # streaming=True sums the same chunks inside invoke.
    via_stream = make_model(output_version=output_version, streaming=True).invoke("q")
    assert via_stream.tool_calls == invoked.tool_calls
    assert [c["id"] for c in via_stream.invalid_tool_calls] == ["call_function_9_2"]


@pytest.mark.parametrize("split", [True, False])
async def test_broken_tool_call_stays_invalid_async_and_in_events(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    model: ChatMiniMax = make_model(reasoning_split=split)
    emulator.add_replies([_broken_reply(CUT_ARGUMENTS, 4)] * 3)
    streamed = _sum([chunk async for chunk in model.astream("q")])
    invoked = await model.ainvoke("q")
    _assert_broken_call_invalid(streamed, invoked)
    ended = [
        event["data"]["output"]
        async for event in model.astream_events("q", version="v2")
        if event["event"] == "on_chat_model_end"
    ]
    assert [c["name"] for c in ended[0].tool_calls] == ["get_time"]
    assert [c["name"] for c in ended[0].invalid_tool_calls] == ["write_file"]


def test_broken_tool_call_marked_on_a_last_chunk_of_its_own(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    """Fragments stream as they arrive; the marker comes after MiniMax's stream."""
    model: ChatMiniMax = make_model()
    emulator.add_replies(
        [_broken_reply(CUT_ARGUMENTS, 3), _broken_reply('{"path": "a"}', 3)]
    )
    chunks = list(model.stream("q"))
    fragments = [c["args"] for chunk in chunks for c in chunk.tool_call_chunks]
    assert "".join(fragments[:-1]) == '{"tz":"UTC"}' + CUT_ARGUMENTS
    # The last chunk is langchain-core's own end marker.
    assert chunks[-1].chunk_position == "last"
    assert chunks[-2].tool_call_chunks == [
        {"type": "tool_call_chunk", "name": None, "args": '"]', "id": None, "index": 1}
    ]
    valid = list(model.stream("q"))
    assert not valid[-2].tool_call_chunks
    assert [c["name"] for c in _sum(valid).tool_calls] == ["get_time", "write_file"]


NON_OBJECTS = ["null", "0", "false", "[]", '""', '"x"', "[1, 2]", "3"]
"""Arguments that are JSON but not an object: falsy ones included."""


def _assert_non_object_call_invalid(message: AIMessage, arguments: str) -> None:
    """The whole message is kept; the non-object call is invalid, raw."""
    assert message.content == "\n"
    assert message.additional_kwargs["reasoning_content"] == REASONING
    assert message.tool_calls == [
        {
            "name": "get_time",
            "args": {"tz": "UTC"},
            "id": "call_function_9_1",
            "type": "tool_call",
        }
    ]
    [invalid] = message.invalid_tool_calls
    assert (invalid["name"], invalid["id"], invalid["args"]) == (
        "write_file",
        "call_function_9_2",
        arguments,
    )
    assert message.response_metadata["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("arguments", NON_OBJECTS)
@pytest.mark.parametrize("size", [1, 200])
def test_non_object_arguments_are_an_invalid_call(
    emulator: MiniMaxEmulator, make_model: Any, arguments: str, size: int
) -> None:
    """`invoke`, the summed stream and `streaming=True` agree: never executable."""
    emulator.add_replies([_broken_reply(arguments, size)] * 3)
    invoked = make_model().invoke("q")
    _assert_non_object_call_invalid(invoked, arguments)
    error = invoked.invalid_tool_calls[0]["error"]
    assert error is not None
    assert "JSON but not a JSON object" in error
    # The raw calls as received stay where langchain-openai keeps them.
    assert [
        call["function"]["arguments"]
        for call in invoked.additional_kwargs["tool_calls"]
    ] == ['{"tz":"UTC"}', arguments]
    _assert_non_object_call_invalid(_sum(list(make_model().stream("q"))), arguments)
    _assert_non_object_call_invalid(make_model(streaming=True).invoke("q"), arguments)


@pytest.mark.parametrize("arguments", ["null", "[1, 2]"])
async def test_non_object_arguments_are_an_invalid_call_async(
    emulator: MiniMaxEmulator, make_model: Any, arguments: str
) -> None:
    emulator.add_replies([_broken_reply(arguments, 4)] * 2)
    model: ChatMiniMax = make_model()
    _assert_non_object_call_invalid(await model.ainvoke("q"), arguments)
    streamed = _sum([chunk async for chunk in model.astream("q")])
    _assert_non_object_call_invalid(streamed, arguments)
