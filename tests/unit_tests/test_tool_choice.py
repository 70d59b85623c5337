"""Replies held to a `tool_choice` that demands a call, which MiniMax ignores.

`create_agent(model, response_format=Schema)` binds the schema as a tool with
`tool_choice="any"`. MiniMax may answer with the schema's JSON as text: the
agent then gets the structured response (bare or fenced JSON, after a think
block too), or an error naming the schema; never `None`, never a loop.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall
from langchain_minimax.tool_choice import forced_tool_names, json_tool_call


class Forecast(BaseModel):
    """The forecast to show the user."""

    city: str
    summary: str


@tool
def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"Sunny in {city}"


BARE = '{"city": "Oslo", "summary": "Sunny"}'
ANSWERS = {
    "bare": BARE,
    "fenced": f"Here it is:\n```json\n{BARE}\n```",
    "after whitespace": f"\n\n{BARE}\n",
}
EXPECTED = Forecast(city="Oslo", summary="Sunny")


async def run(agent: Any, how: str) -> dict[str, Any]:
    inputs = {"messages": [HumanMessage("Forecast for Oslo?")]}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "MiniMax honours only tool_choice")
        if how == "invoke":
            return agent.invoke(inputs)
        if how == "ainvoke":
            return await agent.ainvoke(inputs)
        if how == "stream":
            *_, last = agent.stream(inputs, stream_mode="values")
            return last
        return [v async for v in agent.astream(inputs, stream_mode="values")][-1]


HOWS = ["invoke", "ainvoke", "stream", "astream"]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("with_tools", [False, True])
async def test_create_agent_reads_a_json_text_answer(
    emulator: MiniMaxEmulator,
    make_model: Any,
    answer: str,
    with_tools: bool,
    how: str,
) -> None:
    replies = [Reply(reasoning="Answer in the schema.", content=ANSWERS[answer])]
    if with_tools:
        weather = Reply(
            content="\n", tool_calls=[ToolCall("get_weather", {"city": "Oslo"})]
        )
        replies.insert(0, weather)
    emulator.add_replies(replies)
    agent = create_agent(
        make_model(streaming=how.endswith("stream")),
        [get_weather] if with_tools else [],
        response_format=Forecast,
    )
    result = await run(agent, how)
    assert result["structured_response"] == EXPECTED
    assert len(emulator.requests) == len(replies)


def test_inline_reasoning_before_the_json(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(reasoning="Oslo: sunny.", content=ANSWERS["fenced"]))
    agent = create_agent(
        make_model(reasoning_split=False), [], response_format=Forecast
    )
    assert run_sync(agent)["structured_response"] == EXPECTED


def run_sync(agent: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "MiniMax honours only tool_choice")
        return agent.invoke({"messages": [HumanMessage("Forecast for Oslo?")]})


@pytest.mark.parametrize(
    "content",
    ["It will be sunny in Oslo.", '{"temperature": 21}', '```json\n{"city": \n```'],
)
@pytest.mark.parametrize("with_tools", [False, True])
def test_an_answer_without_the_schema_fails_naming_it_after_one_call(
    emulator: MiniMaxEmulator, make_model: Any, content: str, with_tools: bool
) -> None:
    emulator.add_replies([Reply(content=content)] * 3)
    agent = create_agent(
        make_model(), [get_weather] if with_tools else [], response_format=Forecast
    )
    with pytest.raises(OutputParserException, match="Forecast"):
        run_sync(agent)
    assert len(emulator.requests) == 1


def test_a_call_that_was_made_is_kept(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(
        Reply(
            content="\n",
            tool_calls=[ToolCall("Forecast", {"city": "Oslo", "summary": "Sunny"})],
        )
    )
    agent = create_agent(make_model(), [], response_format=Forecast)
    assert run_sync(agent)["structured_response"] == EXPECTED
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("tool_choice", ["any", "required", True, "Forecast"])
def test_stream_equals_invoke_for_the_call_read_from_text(
    emulator: MiniMaxEmulator, make_model: Any, tool_choice: Any
) -> None:
    model = make_model().bind_tools([get_weather, Forecast], tool_choice=tool_choice)
    emulator.add_replies([Reply(content=ANSWERS["fenced"], chunk_size=4)] * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        invoked = model.invoke("Forecast?")
        chunks = list(model.stream("Forecast?"))
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed += chunk
    assert isinstance(streamed, AIMessageChunk)
    for message in (invoked, streamed):
        [call] = message.tool_calls
        assert call["id"].startswith("call_json_")
        assert {**call, "id": None} == {
            "name": "Forecast",
            "args": {"city": "Oslo", "summary": "Sunny"},
            "id": None,
            "type": "tool_call",
        }
    assert invoked.text == streamed.text == ANSWERS["fenced"]


def test_without_a_demand_nothing_changes(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content=BARE))
    reply = make_model().bind_tools([Forecast]).invoke("Forecast?")
    assert reply.tool_calls == []
    assert reply.text == BARE


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "Forecast",
            "parameters": {
                "type": "object",
                "properties": {"city": {}, "summary": {}},
                "required": ["city", "summary"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {}}},
        },
    },
]


@pytest.mark.parametrize(
    ("tool_choice", "names"),
    [
        ("auto", []),
        ("none", []),
        (None, []),
        ("required", ["Forecast", "get_weather"]),
        ("any", ["Forecast", "get_weather"]),
        (True, ["Forecast", "get_weather"]),
        ("get_weather", ["get_weather"]),
        ({"type": "function", "function": {"name": "Forecast"}}, ["Forecast"]),
    ],
)
def test_forced_tool_names(tool_choice: Any, names: list[str]) -> None:
    assert forced_tool_names(tool_choice, TOOLS) == names


@pytest.mark.parametrize(
    ("text", "called"),
    [
        ('{"city": "Oslo", "summary": "S"}', "Forecast"),
        ('{"city": "Oslo"}', "get_weather"),  # Forecast requires a summary
        ('{"city": "Oslo", "summary": "S", "x": 1}', None),  # fits neither
        ("{}", "get_weather"),
    ],
)
def test_json_tool_call_picks_the_one_tool_it_fits(
    text: str, called: str | None
) -> None:
    message = AIMessage(text, id="r1")
    if called is None:
        with pytest.raises(OutputParserException, match="Forecast"):
            json_tool_call(message, "required", TOOLS)
    else:
        call = json_tool_call(message, "required", TOOLS)
        assert call is not None
        assert call["name"] == called
