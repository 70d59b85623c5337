"""Reasoning on the real service: both modes, streaming, and the tool round-trip."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

pytestmark = pytest.mark.requires_key


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny, 21°C in {city}"


def test_split_reasoning(make_live_model: Any) -> None:
    message = make_live_model().invoke("What is 17 * 23?")
    assert message.additional_kwargs["reasoning_details"]
    assert message.additional_kwargs["reasoning_content"]
    assert "<think>" not in message.text
    assert "391" in message.text
    assert message.content_blocks[0]["type"] == "reasoning"


def test_inline_reasoning(make_live_model: Any) -> None:
    message = make_live_model(reasoning_split=False).invoke("What is 17 * 23?")
    assert isinstance(message.content, str)
    assert message.content.lstrip().startswith("<think>")
    assert message.additional_kwargs["reasoning_content"]
    assert [b["type"] for b in message.content_blocks] == ["reasoning", "text"]


@pytest.mark.parametrize("split", [True, False])
def test_stream_has_reasoning_and_answer(make_live_model: Any, split: bool) -> None:
    full: AIMessageChunk | None = None
    for chunk in make_live_model(reasoning_split=split).stream("What is 17 * 23?"):
        full = chunk if full is None else full + chunk
    assert full is not None
    assert full.additional_kwargs["reasoning_content"]
    assert "391" in full.text
    assert full.usage_metadata is not None


@pytest.mark.parametrize("split", [True, False])
def test_tool_round_trip_sends_reasoning_back(
    make_live_model: Any, split: bool
) -> None:
    model = make_live_model(reasoning_split=split).bind_tools([get_weather])
    history: list[Any] = [HumanMessage("What's the weather in Paris? Use the tool.")]
    first = model.invoke(history)
    assert isinstance(first, AIMessage)
    assert first.tool_calls, first
    history.append(first)
    for call in first.tool_calls:
        history.append(
            ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"])
        )
    second = model.invoke(history)
    assert "21" in second.text or "unny" in second.text
