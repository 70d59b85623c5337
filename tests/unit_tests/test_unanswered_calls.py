"""Unanswered tool calls: one answer for the model and the emulator, and a way on.

MiniMax's suite documents HTTP 400 for an assistant turn whose tool calls are
answered only in part (case 16_09); no source covers calls answered by none.
The model's pre-send check and the emulator read the same rule
(`rules.tool_results_whole`), so a request fails before sending exactly when
the emulator would answer 400. `answer_dangling_tool_calls` answers what is
left with explicit "not executed" tool results, e.g. after a human-in-the-loop
interrupt that the user did not resume.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import (
    AgentState,
    HumanInTheLoopMiddleware,
    before_model,
)
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    ToolMessage,
    convert_to_messages,
)
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.message import REMOVE_ALL_MESSAGES

from langchain_minimax import answer_dangling_tool_calls
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall
from langchain_minimax.unanswered_calls import NOT_EXECUTED
from tests.unit_tests.conftest import API_KEY


def call(call_id: str, name: str = "lookup") -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": '{"q": "x"}'},
    }


def turn(*ids: str) -> dict[str, Any]:
    return {"role": "assistant", "content": "", "tool_calls": [call(i) for i in ids]}


def result(call_id: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": "found"}


USER = {"role": "user", "content": "Look it up."}
AGAIN = {"role": "user", "content": "Never mind. What else?"}

CASES: dict[str, tuple[list[dict[str, Any]], bool]] = {
    # name: (wire messages, rejected by the sources)
    "all answered": ([USER, turn("a", "b"), result("a"), result("b")], False),
    "all answered, any order": (
        [USER, turn("a", "b"), result("b"), result("a")],
        False,
    ),
    "none answered, then a user message": ([USER, turn("a"), AGAIN], False),
    "none of two answered, then a user message": ([USER, turn("a", "b"), AGAIN], False),
    "none answered at the end": ([USER, turn("a", "b")], False),
    "answered in part at the end (suite 16_09)": (
        [USER, turn("a", "b"), result("a")],
        True,
    ),
    "answered in part, then a user message": (
        [USER, turn("a", "b"), result("b"), AGAIN],
        True,
    ),
    "an earlier turn answered in part": (
        [USER, turn("a", "b"), result("a"), AGAIN, turn("c"), result("c")],
        True,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_model_and_the_emulator_agree(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    wire, rejected = CASES[case]
    client = openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0)
    emulator.add_reply(Reply(content="ok"))
    try:
        client.chat.completions.create(model="MiniMax-M2", messages=wire)  # type: ignore[arg-type]
    except openai.BadRequestError as error:
        emulator_message: str | None = str(error)
    else:
        emulator_message = None
    emulator.reset()
    emulator.add_reply(Reply(content="ok"))
    try:
        make_model().invoke(convert_to_messages(wire))
    except ValueError as error:
        model_message: str | None = str(error)
    else:
        model_message = None
    assert (emulator_message is not None) == (model_message is not None) == rejected
    if rejected:
        assert emulator.requests == []
        assert emulator_message is not None
        assert model_message is not None
        missing = "['b']" if "'b'" in model_message else "['a']"
        assert missing in model_message
        assert missing in emulator_message
        assert "answer_dangling_tool_calls" in model_message
    else:
        assert len(emulator.requests) == 1


def test_dangling_calls_get_not_executed_results() -> None:
    calls = [
        {"name": "lookup", "args": {"q": "x"}, "id": "a"},
        {"name": "delete", "args": {}, "id": "b"},
    ]
    history: list[BaseMessage] = [
        HumanMessage("Look it up and delete it."),
        AIMessage("", tool_calls=calls),
        ToolMessage("found", tool_call_id="a"),
        HumanMessage("Stop."),
        AIMessage("", tool_calls=[{"name": "lookup", "args": {}, "id": "c"}]),
    ]
    fixed = answer_dangling_tool_calls(history)
    added = fixed[3]
    assert isinstance(added, ToolMessage)
    assert (added.tool_call_id, added.name, added.status) == ("b", "delete", "error")
    assert added.content == NOT_EXECUTED
    assert fixed[:3] == history[:3]
    assert fixed[4:] == history[3:]  # the last turn's calls are about to run
    assert answer_dangling_tool_calls(fixed) == fixed
    assert len(history) == 5  # the caller's list is unchanged


def test_a_cut_call_is_answered_too() -> None:
    cut = AIMessage(
        "",
        invalid_tool_calls=[
            {"name": "write", "args": '{"path": "a', "id": "w", "error": None}
        ],
    )
    fixed = answer_dangling_tool_calls([HumanMessage("Write."), cut, HumanMessage("?")])
    assert [type(m).__name__ for m in fixed] == [
        "HumanMessage",
        "AIMessage",
        "ToolMessage",
        "HumanMessage",
    ]


@tool
def delete_file(path: str) -> str:
    """Delete a file."""
    raise AssertionError("never approved, never run")


@before_model
def answer_dangling(state: AgentState, runtime: Any) -> dict[str, Any] | None:
    """The documented recipe: answer dangling calls before each model call."""
    messages = answer_dangling_tool_calls(state["messages"])
    if len(messages) == len(state["messages"]):
        return None
    return {"messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES), *messages]}


def test_a_human_in_the_loop_thread_goes_on_after_an_abandoned_interrupt(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    agent = create_agent(
        make_model(),
        tools=[delete_file],
        middleware=[
            answer_dangling,
            HumanInTheLoopMiddleware(interrupt_on={"delete_file": True}),
        ],
        checkpointer=InMemorySaver(),
    )
    config: Any = {"configurable": {"thread_id": "hitl"}}
    emulator.add_reply(
        Reply(content="\n", tool_calls=[ToolCall("delete_file", {"path": "a.txt"})])
    )
    first = agent.invoke({"messages": [HumanMessage("Delete a.txt")]}, config)
    assert "__interrupt__" in first
    emulator.add_reply(Reply(content="Kept. It is 12:00."))
    # The user writes again instead of resuming the interrupt.
    second = agent.invoke({"messages": [HumanMessage("Keep it. Time?")]}, config)
    assert second["messages"][-1].text == "Kept. It is 12:00."
    sent = emulator.requests[1].messages
    call_id = sent[1]["tool_calls"][0]["id"]
    assert sent[2] == {
        "role": "tool",
        "tool_call_id": call_id,
        "content": NOT_EXECUTED,
    }
    assert sent[3] == {"role": "user", "content": "Keep it. Time?"}
