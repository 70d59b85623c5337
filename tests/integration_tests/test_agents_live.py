"""LangChain and LangGraph agents on the real service."""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

pytestmark = pytest.mark.requires_key


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny, 21°C in {city}"


@tool
def get_time() -> str:
    """Get the current UTC time."""
    return "12:00 UTC"


@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("output_version", ["v0", "v1"])
def test_create_agent_tool_loop(
    make_live_model: Any, split: bool, output_version: str
) -> None:
    agent = create_agent(
        make_live_model(reasoning_split=split, output_version=output_version),
        [get_weather, get_time],
        system_prompt="Use the tools to answer.",
    )
    result = agent.invoke(
        {
            "messages": [
                HumanMessage("What's the weather in Paris and Rome, and the time?")
            ]
        }
    )
    messages = result["messages"]
    assert any(isinstance(m, ToolMessage) for m in messages)
    assert isinstance(messages[-1], AIMessage)
    assert messages[-1].text


def test_checkpointed_thread_with_mid_thread_system_message(
    make_live_model: Any,
) -> None:
    agent = create_agent(
        make_live_model(),
        [get_weather],
        system_prompt="Use the tools to answer.",
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "live"}}
    agent.invoke({"messages": [HumanMessage("Weather in Paris?")]}, config)
    result = agent.invoke(
        {
            "messages": [
                SystemMessage("From now on, answer in French."),
                HumanMessage("And in Rome?"),
            ]
        },
        config,
    )
    assert isinstance(result["messages"][-1], AIMessage)
    assert result["messages"][-1].text
