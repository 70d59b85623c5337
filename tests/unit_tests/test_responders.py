"""The emulator's `auto_responder`, through ChatMiniMax over loopback."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import HumanMessage, ToolMessage
from pydantic import BaseModel

from langchain_minimax.testing import (
    MiniMaxEmulator,
    auto_responder,
    sample_from_schema,
)


def get_weather(city: str, unit: Literal["C", "F"] = "C") -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"


def get_time(timezone: str) -> str:
    """Get the time in a timezone."""
    return "noon"


def test_sample_from_schema_types() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "n": {"type": "integer"},
            "x": {"type": "number"},
            "ok": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "unit": {"enum": ["F", "C"]},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
        },
    }
    assert sample_from_schema(schema) == {
        "city": "Paris",
        "n": 1,
        "x": 1.5,
        "ok": True,
        "tags": ["example"],
        "unit": "F",
        "maybe": 1,
    }


def test_calls_the_tool_the_user_names(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.set_responder(auto_responder)
    model = make_model().bind_tools([get_weather, get_time])
    first = model.invoke("Use get_time for Europe/Paris")
    assert first.tool_calls[0]["name"] == "get_time"
    assert first.additional_kwargs["reasoning_content"]
    final = model.invoke(
        [
            HumanMessage("Use get_time for Europe/Paris"),
            first,
            ToolMessage("noon", tool_call_id=first.tool_calls[0]["id"]),
        ]
    )
    assert final.tool_calls == []
    assert "noon" in final.text


def test_structured_output_sample_validates(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    class Answer(BaseModel):
        city: str
        temperature: float

    emulator.set_responder(auto_responder)
    message = make_model().bind_tools([Answer]).invoke("weather?")
    assert Answer(**message.tool_calls[0]["args"]) == Answer(
        city="Paris", temperature=1.5
    )


def test_plain_answer_quotes_question(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.set_responder(auto_responder)
    assert "capital of France" in make_model().invoke("capital of France?").text


def test_json_requests_get_json(emulator: MiniMaxEmulator, make_model: Any) -> None:
    class Answer(BaseModel):
        city: str
        rank: int

    emulator.set_responder(auto_responder)
    model = make_model()
    assert model.with_structured_output(method="json_mode").invoke("q") == {
        "answer": "example"
    }
    parsed = model.with_structured_output(Answer, method="json_schema").invoke("q")
    assert parsed == Answer(city="Paris", rank=1)
