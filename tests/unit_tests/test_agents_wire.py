"""LangChain and LangGraph agents against the emulator, checked on the wire.

Each agent form (`langchain.agents.create_agent`, LangGraph's
`create_react_agent`, a hand-written `StateGraph` with a `ToolNode`) runs a loop
of three tool rounds, one of them with two parallel calls, a tool without
arguments and a tool returning list content. After the run, every request the
emulator recorded is checked: it was accepted (the emulator rejects what the
service rejects), and every earlier assistant message in it carries exactly the
reasoning the emulator sent for that turn, `reasoning_details` in split mode and
the `<think>` content inline.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, create_react_agent, tools_condition
from pydantic import BaseModel

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall
from langchain_minimax.testing._render import render_completion

pytestmark = pytest.mark.filterwarnings(
    # create_react_agent moved to langchain.agents; it is still widely used.
    "ignore:create_react_agent has been moved:DeprecationWarning"
)

SYSTEM = "You are a helpful assistant. Use the tools."


@tool
def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"Sunny, 21°C in {city}"


@tool
def get_time() -> str:
    """Get the current UTC time."""
    return "12:00 UTC"


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def lookup_notes(topic: str) -> list[dict[str, str]]:
    """Look up the user's notes on a topic."""
    return [
        {"type": "text", "text": f"Note 1 on {topic}"},
        {"type": "text", "text": "Note 2: bring an umbrella"},
    ]


TOOLS = [get_weather, get_time, add, lookup_notes]


def reasoning(turn: int) -> str:
    return (
        f'Turn {turn}: "quoted" \\ back\\slash\n'
        f"tabs\tand unicode ✓ 你好 <b>bold</b> {'·' * turn}"
    )


def loop_script(first_turn: int = 0) -> list[Reply]:
    """Three tool rounds (the first with two parallel calls), then the answer."""
    t = first_turn
    return [
        Reply(
            reasoning=reasoning(t),
            content="\n",
            tool_calls=[
                ToolCall("get_weather", {"city": "Paris"}),
                ToolCall("get_time"),
            ],
        ),
        Reply(
            reasoning=reasoning(t + 1),
            content="\n",
            tool_calls=[ToolCall("add", {"a": 2, "b": 3})],
        ),
        Reply(
            reasoning=reasoning(t + 2),
            content="Let me check your notes.",
            tool_calls=[ToolCall("lookup_notes", {"topic": "Paris"})],
        ),
        Reply(reasoning=reasoning(t + 3), content="Sunny in Paris; 2+3=5."),
    ]


def follow_up_script(first_turn: int) -> list[Reply]:
    return [
        Reply(
            reasoning=reasoning(first_turn),
            content="\n",
            tool_calls=[ToolCall("get_weather", {"city": "Rome"})],
        ),
        Reply(reasoning=reasoning(first_turn + 1), content="Ensoleillé à Rome."),
    ]


def emulator_message(reply: Reply, split: bool) -> dict[str, Any]:
    """The assistant message the emulator sent for `reply`."""
    body = render_completion(
        reply,
        {"reasoning_split": split, "messages": []},
        completion_id="x",
        created=0,
        tool_call_ids=[f"id{n}" for n in range(len(reply.tool_calls))],
    )
    message: dict[str, Any] = body["choices"][0]["message"]
    return message


def assert_reasoning_replayed(
    emulator: MiniMaxEmulator, replies: list[Reply], split: bool
) -> None:
    """Every request was accepted and carries every earlier turn's reasoning."""
    requests = emulator.requests
    assert [r.response_status for r in requests] == [200] * len(replies)
    for i, request in enumerate(requests):
        assistants = [m for m in request.messages if m["role"] == "assistant"]
        assert len(assistants) == i, f"request {i}"
        for sent, reply in zip(assistants, replies, strict=False):
            received = emulator_message(reply, split)
            if split:
                assert sent["reasoning_details"] == received["reasoning_details"]
                assert sent["content"] == received["content"] or (
                    not received["content"].strip() and sent["content"] is None
                )
            else:
                assert sent["content"] == received["content"]
                assert "reasoning_details" not in sent
        roles = [m["role"] for m in request.messages]
        assert roles[0] == "system"
        assert "system" not in roles[1:]


# --- the three agent forms ---


def _state_graph(
    model: ChatMiniMax,
    checkpointer: BaseCheckpointSaver | None,
    tools: list[Any] = TOOLS,
) -> Any:
    bound = model.bind_tools(tools)

    def prompt(state: MessagesState) -> list[BaseMessage]:
        return [SystemMessage(SYSTEM), *state["messages"]]

    def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [bound.invoke(prompt(state))]}

    async def acall_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [await bound.ainvoke(prompt(state))]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", RunnableLambda(call_model, afunc=acall_model))
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition, ["tools", END])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer)


AGENTS: dict[str, Callable[[ChatMiniMax, BaseCheckpointSaver | None], Any]] = {
    "create_agent": lambda model, saver: create_agent(
        model, TOOLS, system_prompt=SYSTEM, checkpointer=saver
    ),
    "create_react_agent": lambda model, saver: create_react_agent(
        model, TOOLS, prompt=SYSTEM, checkpointer=saver
    ),
    "state_graph": _state_graph,
}

OUTPUT_VERSIONS = ["v0", "v1"]


async def run_agent(
    agent: Any, messages: list[BaseMessage], how: str, config: dict | None = None
) -> tuple[list[BaseMessage], list[AIMessageChunk]]:
    """Run one agent turn; return the final messages (if known) and AI chunks."""
    inputs = {"messages": messages}
    if how == "invoke":
        return agent.invoke(inputs, config)["messages"], []
    if how == "ainvoke":
        return (await agent.ainvoke(inputs, config))["messages"], []
    if how == "stream_messages":
        events = list(agent.stream(inputs, config, stream_mode="messages"))
    else:
        events = [
            e async for e in agent.astream(inputs, config, stream_mode="messages")
        ]
    chunks = [chunk for chunk, _ in events if isinstance(chunk, AIMessageChunk)]
    assert all(isinstance(meta, dict) for _, meta in events)
    return [], chunks


def skip_before_python_311() -> None:
    """Skip what upstream cannot do before Python 3.11 (docs/agents.md says so)."""
    if sys.version_info < (3, 11):
        pytest.skip(
            "create_agent(...).astream(stream_mode='messages') yields no message "
            "chunks before Python 3.11 (the same with ChatOpenAI): asyncio tasks "
            "do not carry the run's context to the model call there"
        )


def streamed_reasoning(chunks: list[AIMessageChunk]) -> str:
    return "".join(
        block["reasoning"]
        for chunk in chunks
        for block in chunk.content_blocks
        if block["type"] == "reasoning"
    )


def assert_streamed(chunks: list[AIMessageChunk], replies: list[Reply]) -> None:
    """Reasoning and the answer were visible in the `messages` stream."""
    assert len(chunks) > len(replies)
    visible = streamed_reasoning(chunks)
    for reply in replies:
        assert reply.reasoning in visible
    assert "Sunny in Paris; 2+3=5." in "".join(c.text for c in chunks)


@pytest.mark.parametrize(
    "how", ["invoke", "ainvoke", "stream_messages", "astream_messages"]
)
@pytest.mark.parametrize("output_version", OUTPUT_VERSIONS)
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("form", list(AGENTS))
async def test_agent_loop_sends_every_turns_reasoning_back(
    emulator: MiniMaxEmulator,
    make_model: Any,
    form: str,
    split: bool,
    output_version: str,
    how: str,
) -> None:
    if form == "create_agent" and how == "astream_messages":
        skip_before_python_311()
    replies = loop_script()
    emulator.add_replies(replies)
    model = make_model(reasoning_split=split, output_version=output_version)
    agent = AGENTS[form](model, None)
    messages, chunks = await run_agent(
        agent, [HumanMessage("Weather in Paris, the time, 2+3, and my notes?")], how
    )
    assert_reasoning_replayed(emulator, replies, split)
    if how.endswith("invoke"):
        final = messages[-1]
        assert isinstance(final, AIMessage)
        assert "Sunny in Paris; 2+3=5." in final.text
        tool_results = [m for m in messages if isinstance(m, ToolMessage)]
        assert [m.name for m in tool_results] == [
            "get_weather",
            "get_time",
            "add",
            "lookup_notes",
        ]
    else:
        assert_streamed(chunks, replies)
    last_request = emulator.requests[-1].messages
    tool_results_sent = [m for m in last_request if m["role"] == "tool"]
    assert [m["content"] for m in tool_results_sent] == [
        "Sunny, 21°C in Paris",
        "12:00 UTC",
        "5",
        "Note 1 on Paris\nNote 2: bring an umbrella",
    ]
    parallel_turn = next(m for m in last_request if m["role"] == "assistant")
    assert [c["function"]["arguments"] for c in parallel_turn["tool_calls"]] == [
        '{"city": "Paris"}',
        "{}",
    ]
    assert all(
        t["function"]["parameters"]["type"] == "object"
        for t in emulator.requests[0].body["tools"]  # type: ignore[index]
    )
    assert emulator.pending_replies == 0


def _saver(kind: str, tmp_path: Path) -> BaseCheckpointSaver:
    if kind == "memory":
        return InMemorySaver()
    connection = sqlite3.connect(
        tmp_path / "checkpoints.sqlite", check_same_thread=False
    )
    return SqliteSaver(connection)


@pytest.mark.parametrize("output_version", OUTPUT_VERSIONS)
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("saver", ["memory", "sqlite"])
@pytest.mark.parametrize("form", list(AGENTS))
async def test_checkpointed_thread_keeps_reasoning_across_invocations(
    emulator: MiniMaxEmulator,
    make_model: Any,
    tmp_path: Path,
    form: str,
    saver: str,
    split: bool,
    output_version: str,
) -> None:
    first, second = loop_script(), follow_up_script(first_turn=4)
    emulator.add_replies(first + second)
    checkpointer = _saver(saver, tmp_path)
    config = {"configurable": {"thread_id": f"{form}-{saver}"}}

    def fresh_agent() -> Any:
        # A new model and graph per invocation: only the checkpoint links them.
        model = make_model(reasoning_split=split, output_version=output_version)
        return AGENTS[form](model, checkpointer)

    messages, _ = await run_agent(
        fresh_agent(),
        [HumanMessage("Weather in Paris, time, 2+3, notes?")],
        "invoke",
        config,
    )
    assert "Sunny in Paris" in messages[-1].text
    # The follow-up adds a system message mid-thread: MiniMax rejects a system
    # message that is not first, so it must be merged into the leading one.
    _, chunks = await run_agent(
        fresh_agent(),
        [SystemMessage("From now on, answer in French."), HumanMessage("And Rome?")],
        "stream_messages",
        config,
    )
    assert "Ensoleillé à Rome." in "".join(c.text for c in chunks)
    assert reasoning(5) in streamed_reasoning(chunks)
    assert_reasoning_replayed(emulator, first + second, split)
    system = emulator.requests[-1].messages[0]["content"]
    assert system.endswith("From now on, answer in French.")
    state = fresh_agent().get_state(config).values["messages"]
    assert sum(isinstance(m, AIMessage) for m in state) == len(first + second)
    if isinstance(checkpointer, SqliteSaver):
        checkpointer.conn.close()


class Forecast(BaseModel):
    """The forecast to show the user."""

    city: str
    summary: str


@pytest.mark.parametrize("split", [True, False])
def test_create_agent_structured_response_through_its_tool(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    replies = [
        Reply(
            reasoning=reasoning(0),
            content="\n",
            tool_calls=[ToolCall("get_weather", {"city": "Oslo"})],
        ),
        Reply(
            reasoning=reasoning(1),
            content="\n",
            tool_calls=[ToolCall("Forecast", {"city": "Oslo", "summary": "Sunny"})],
        ),
    ]
    emulator.add_replies(replies)
    agent = create_agent(
        make_model(reasoning_split=split),
        [get_weather],
        system_prompt=SYSTEM,
        response_format=Forecast,
    )
    # create_agent asks for tool_choice="any", which MiniMax would ignore.
    with pytest.warns(UserWarning, match="ignores 'required'"):
        result = agent.invoke({"messages": [HumanMessage("Forecast for Oslo?")]})
    assert result["structured_response"] == Forecast(city="Oslo", summary="Sunny")
    assert_reasoning_replayed(emulator, replies, split)
    assert "tool_choice" not in emulator.requests[0].body  # type: ignore[operator]


CUT_ARGUMENTS = '{"path": "conf/app.conf", "text": "line1\\nli'
"""Arguments MiniMax cut at `max_tokens` (`finish_reason: "length"`)."""

CUT_REPLY = Reply(
    reasoning=reasoning(0),
    content="\n",
    tool_calls=[
        ToolCall("get_time"),
        ToolCall("write_file", CUT_ARGUMENTS, id="call_function_5_2"),
    ],
    finish_reason="length",
    chunk_size=5,
)
WRITE_REQUEST = HumanMessage("Write line1, line2 to conf/app.conf")


def recording_tools() -> tuple[list[tuple[str, dict[str, Any]]], list[Any]]:
    """A `write_file` and a `get_time` tool that record each execution."""
    executed: list[tuple[str, dict[str, Any]]] = []

    @tool
    def write_file(path: str, text: str) -> str:
        """Write text to a file."""
        executed.append(("write_file", {"path": path, "text": text}))
        return "written"

    @tool
    def get_time() -> str:
        """Get the current UTC time."""
        executed.append(("get_time", {}))
        return "12:00 UTC"

    return executed, [write_file, get_time]


@pytest.mark.parametrize(
    "how", ["invoke", "ainvoke", "stream_messages", "astream_messages"]
)
@pytest.mark.parametrize("output_version", OUTPUT_VERSIONS)
async def test_create_agent_never_executes_a_cut_tool_call(
    emulator: MiniMaxEmulator, make_model: Any, output_version: str, how: str
) -> None:
    """The valid call runs; the one cut by `length` does not, streamed or not."""
    executed, tools = recording_tools()
    emulator.add_replies(
        [
            CUT_REPLY,
            Reply(reasoning=reasoning(1), content="The file was not written."),
        ]
    )
    agent = create_agent(
        make_model(output_version=output_version), tools, system_prompt=SYSTEM
    )
    # The cut call goes back with `{}` as arguments, which MiniMax accepts.
    with pytest.warns(UserWarning, match="'write_file' whose arguments are not valid"):
        await run_agent(agent, [WRITE_REQUEST], how)
    assert executed == [("get_time", {})]
    # create_agent answers the cut call with an error, and MiniMax accepted that.
    assert [r.response_status for r in emulator.requests] == [200, 200]
    answered = [
        m["tool_call_id"] for m in emulator.requests[1].messages if m["role"] == "tool"
    ]
    assert "call_function_5_2" in answered


@pytest.mark.parametrize("arguments", ["null", "[]", "[1, 2]"])
@pytest.mark.parametrize(
    "how", ["invoke", "ainvoke", "stream_messages", "astream_messages"]
)
async def test_create_agent_never_executes_a_call_whose_arguments_are_not_an_object(
    emulator: MiniMaxEmulator, make_model: Any, arguments: str, how: str
) -> None:
    """`get_time` takes no arguments, so `null` read as `{}` would run it."""
    executed, tools = recording_tools()
    emulator.add_replies(
        [
            Reply(
                reasoning=reasoning(0),
                content="\n",
                tool_calls=[
                    ToolCall("write_file", {"path": "a.txt", "text": "hi"}),
                    ToolCall("get_time", arguments, id="call_function_6_2"),
                ],
                chunk_size=3,
            ),
            Reply(reasoning=reasoning(1), content="Written; no time."),
        ]
    )
    agent = create_agent(make_model(), tools, system_prompt=SYSTEM)
    await run_agent(agent, [WRITE_REQUEST], how)
    assert executed == [("write_file", {"path": "a.txt", "text": "hi"})]
    # create_agent answers the invalid call with an error, and MiniMax accepted that.
    assert [r.response_status for r in emulator.requests] == [200, 200]
    answered = [
        m["tool_call_id"] for m in emulator.requests[1].messages if m["role"] == "tool"
    ]
    assert "call_function_6_2" in answered


@pytest.mark.parametrize("how", ["invoke", "stream_messages"])
@pytest.mark.parametrize("form", ["create_react_agent", "state_graph"])
async def test_agents_without_invalid_call_handling_stop_before_resending(
    emulator: MiniMaxEmulator, make_model: Any, form: str, how: str
) -> None:
    """A `ToolNode` loop leaves the cut call unanswered: refused, nothing sent."""
    executed, tools = recording_tools()
    emulator.add_reply(CUT_REPLY)
    model = make_model()
    agent = (
        create_react_agent(model, tools, prompt=SYSTEM)
        if form == "create_react_agent"
        else _state_graph(model, None, tools)
    )
    with (
        pytest.warns(UserWarning, match="'write_file' whose arguments are not valid"),
        pytest.raises(
            ValueError, match=r"tool_calls=\['call_function_5_2'\] is not accepted"
        ),
    ):
        await run_agent(agent, [WRITE_REQUEST], how)
    assert executed == [("get_time", {})]
    assert len(emulator.requests) == 1
