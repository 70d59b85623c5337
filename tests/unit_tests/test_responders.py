"""The emulator's `auto_responder`, through ChatMiniMax over loopback."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage, ToolMessage
from pydantic import BaseModel
from strategies import JSON_VALUES

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


# -- any schema JSON Schema allows ------------------------------------------------

SCHEMAS: dict[str, tuple[Any, Any]] = {
    "true property": ({"properties": {"a": True}}, {"a": "example"}),
    "false property": ({"properties": {"a": False}}, {"a": None}),
    "boolean schemas": (True, "example"),
    "false schema": (False, None),
    "no type": ({"description": "anything"}, "example"),
    "type list": ({"type": ["null", "integer"]}, 1),
    "only null": ({"type": ["null"]}, None),
    "unknown type": ({"type": "quantum"}, "example"),
    "empty enum": ({"enum": [], "type": "integer"}, 1),
    "const null": ({"const": None, "type": "string"}, None),
    "anyOf with booleans": ({"anyOf": [False, {"type": "null"}, True]}, "example"),
    "empty anyOf": ({"anyOf": [], "type": "boolean"}, True),
    "allOf": (
        {"allOf": [{"properties": {"a": {"type": "integer"}}}, {"required": ["a"]}]},
        {"a": 1},
    ),
    "tuple items": (
        {"type": "array", "items": [{"type": "integer"}, {"type": "string"}]},
        [1, "example"],
    ),
    "prefixItems": (
        {"type": "array", "prefixItems": [{"type": "boolean"}], "items": False},
        [True],
    ),
    "local $ref": (
        {
            "type": "object",
            "properties": {"city": {"$ref": "#/$defs/Place"}},
            "$defs": {"Place": {"type": "object", "properties": {"town": {}}}},
        },
        {"city": {"town": "Paris"}},
    ),
    "recursive $ref": (
        {
            "$ref": "#/definitions/Node",
            "definitions": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "integer"},
                        "next": {"$ref": "#/definitions/Node"},
                    },
                }
            },
        },
        {"value": 1},
    ),
    "root $ref": ({"properties": {"self": {"$ref": "#"}}}, {"self": {}}),
    "remote $ref": ({"$ref": "https://example.com/schema.json"}, "example"),
    "broken $ref": ({"$ref": "#/$defs/missing", "type": "integer"}, 1),
    "wrong keyword types": (
        {"type": {"object": 1}, "properties": 5, "enum": "x", "anyOf": {"a": 1}},
        "example",
    ),
}


@pytest.mark.parametrize("case", list(SCHEMAS))
def test_sample_from_any_schema(case: str) -> None:
    schema, expected = SCHEMAS[case]
    assert sample_from_schema(schema) == expected


TYPES = st.sampled_from(
    ["object", "array", "string", "integer", "number", "boolean", "null", "other"]
)
REFS = st.sampled_from(
    ["#", "#/$defs/a", "#/$defs/b", "#/definitions/x", "#/properties/p", "#/nope", "x"]
)


def _schemas(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keywords = st.fixed_dictionaries(
        {},
        optional={
            "type": TYPES | st.lists(TYPES, max_size=3),
            "properties": st.dictionaries(st.sampled_from("pqr"), children, max_size=3),
            "required": st.lists(st.sampled_from("pqr"), max_size=3),
            "items": children | st.lists(children, max_size=3),
            "prefixItems": st.lists(children, max_size=3),
            "enum": st.lists(JSON_VALUES, max_size=3),
            "const": JSON_VALUES,
            "anyOf": st.lists(children, max_size=3),
            "oneOf": st.lists(children, max_size=3),
            "allOf": st.lists(children, max_size=3),
            "not": children,
            "$ref": REFS,
            "$defs": st.fixed_dictionaries({}, optional={"a": children, "b": children}),
            "additionalProperties": children,
        },
    )
    return keywords


SCHEMA_DOCUMENTS = st.recursive(st.booleans() | st.just({}), _schemas, max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(schema=SCHEMA_DOCUMENTS | JSON_VALUES)
def test_sample_from_schema_survives_any_schema(schema: Any) -> None:
    json.dumps(sample_from_schema(schema))


@settings(max_examples=150, deadline=None)
@given(
    parameters=SCHEMA_DOCUMENTS | JSON_VALUES,
    response_format=JSON_VALUES,
    tool_choice=JSON_VALUES,
    last_role=st.sampled_from(["user", "tool", "assistant"]),
)
def test_auto_responder_answers_any_tool_schema(
    parameters: Any, response_format: Any, tool_choice: Any, last_role: str
) -> None:
    body = {
        "model": "MiniMax-M2",
        "messages": [
            {"role": "system", "content": "Reply in JSON."},
            {"role": "user", "content": [{"type": "text", "text": 5}, "x"]},
            {"role": last_role, "content": "tool says hi", "tool_call_id": "c"},
        ],
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": parameters}}
        ],
        "tool_choice": tool_choice,
        "response_format": response_format,
    }
    reply = auto_responder(body)
    for call in reply.tool_calls:
        assert isinstance(json.loads(call.arguments_json()), dict)
    assert isinstance(reply.content, str)


def test_odd_tool_schemas_through_chat_minimax(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    class Node(BaseModel):
        value: int
        children: list[Node] = []

    odd = {
        "type": "function",
        "function": {
            "name": "odd",
            "description": "Takes anything.",
            "parameters": {
                "type": "object",
                "properties": {"a": True, "b": {"anyOf": [{"$ref": "#/$defs/c"}]}},
                "$defs": {"c": {"enum": ["x", "y"]}},
            },
        },
    }
    emulator.set_responder(auto_responder)
    model = make_model()
    first = model.bind_tools([odd]).invoke("call odd")
    assert first.tool_calls[0]["args"] == {"a": "example", "b": "x"}
    recursive = {
        "type": "function",
        "function": {"name": "Node", "parameters": Node.model_json_schema()},
    }
    assert "$ref" in json.dumps(recursive)
    tree = model.bind_tools([recursive]).invoke("build a Node")
    assert Node(**tree.tool_calls[0]["args"]) == Node(value=1, children=[])
    assert [r.response_status for r in emulator.requests] == [200, 200]
