"""bind_tools and the request rules on tools and messages, over the wire.

Each case that MiniMax rejects is shown twice: the body plain `ChatOpenAI`
would send fails the emulator's validation (which mirrors the service's 400 /
2013 rejections), and `ChatMiniMax` either sends a body it accepts or raises
before sending anything.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.tool import invalid_tool_call
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import (
    KNOWN_MODELS,
    MiniMaxEmulator,
    Reply,
    ToolCall,
    validate_request,
)


def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"


@tool
def get_time() -> str:
    """Get the current UTC time."""
    return "12:00"


class Lookup(BaseModel):
    """Look a word up in the dictionary."""

    word: str = Field(description="The word")


class Ping(BaseModel):
    """Check that the service is up."""


DICT_WITH_PARAMETERS = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two integers.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    },
}
DICT_WITHOUT_PARAMETERS = {
    "type": "function",
    "function": {"name": "reset", "description": "Reset the counter."},
}
BARE_DICT_WITHOUT_PARAMETERS = {"name": "refresh", "description": "Refresh."}

ALL_TOOLS = [
    get_weather,
    get_time,
    Lookup,
    Ping,
    DICT_WITH_PARAMETERS,
    DICT_WITHOUT_PARAMETERS,
    BARE_DICT_WITHOUT_PARAMETERS,
]


def naive_body(model: ChatMiniMax, messages: list[BaseMessage], **kwargs: Any) -> Any:
    """The body plain `ChatOpenAI` would build for the same call."""
    payload = ChatOpenAI._get_request_payload(model, messages, **kwargs)
    payload.pop("extra_body", None)
    return json.loads(json.dumps(payload, default=str))


def emulator_rejects(body: Any) -> str | None:
    return validate_request(body, models=KNOWN_MODELS, context_limit_tokens=204_800)


# --- bind_tools ---


def test_every_tool_form_is_sent_with_parameters(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(
        Reply(
            reasoning="No arguments needed.",
            content="\n",
            tool_calls=[ToolCall("get_time")],
        )
    )
    model: ChatMiniMax = make_model()
    message = model.bind_tools(ALL_TOOLS).invoke("What time is it?")
    assert message.tool_calls[0]["name"] == "get_time"
    assert message.tool_calls[0]["args"] == {}
    request = emulator.requests[0]
    assert request.response_status == 200
    tools = request.body["tools"]  # type: ignore[index]
    assert [t["function"]["name"] for t in tools] == [
        "get_weather",
        "get_time",
        "Lookup",
        "Ping",
        "add",
        "reset",
        "refresh",
    ]
    for sent in tools:
        assert sent["type"] == "function"
        assert sent["function"]["parameters"]["type"] == "object"
        assert isinstance(sent["function"]["parameters"]["properties"], dict)
    assert tools[0]["function"]["parameters"]["required"] == ["city"]
    assert (
        tools[4]["function"]["parameters"]
        == DICT_WITH_PARAMETERS["function"]["parameters"]
    )
    for empty in tools[5:]:
        assert empty["function"]["parameters"] == {"type": "object", "properties": {}}
    # The caller's dicts are not changed.
    assert "parameters" not in DICT_WITHOUT_PARAMETERS["function"]


def test_tool_without_parameters_is_what_the_service_rejects(make_model: Any) -> None:
    model: ChatMiniMax = make_model()
    bound = model.bind_tools([DICT_WITHOUT_PARAMETERS])
    body = naive_body(model, [HumanMessage("hi")], **bound.kwargs)  # type: ignore[attr-defined]
    rejection = emulator_rejects(body)
    assert rejection is not None
    assert "function parameters is empty" in rejection
    ours = model._get_request_payload([HumanMessage("hi")], **bound.kwargs)  # type: ignore[attr-defined]
    ours.pop("extra_body")
    assert emulator_rejects(json.loads(json.dumps(ours))) is None


@pytest.mark.parametrize("choice", ["auto", "none"])
def test_honoured_tool_choice_is_sent(
    emulator: MiniMaxEmulator, make_model: Any, choice: str
) -> None:
    emulator.add_reply(Reply(content="ok"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_model().bind_tools([get_weather], tool_choice=choice).invoke("hi")
    assert emulator.requests[0].body["tool_choice"] == choice  # type: ignore[index]


@pytest.mark.parametrize(
    "choice",
    [
        "any",
        "required",
        True,
        "get_weather",
        {"type": "function", "function": {"name": "get_weather"}},
    ],
)
def test_unenforceable_tool_choice_is_not_sent(
    emulator: MiniMaxEmulator, make_model: Any, choice: Any
) -> None:
    emulator.add_reply(
        Reply(content="\n", tool_calls=[ToolCall("get_weather", {"city": "Oslo"})])
    )
    bound = make_model().bind_tools([get_weather, get_time], tool_choice=choice)
    with pytest.warns(UserWarning, match=r"honours only tool_choice='auto' or 'none'"):
        message = bound.invoke("Weather in Oslo?")
    assert message.tool_calls[0]["args"] == {"city": "Oslo"}
    body = emulator.requests[0].body
    assert body is not None
    assert "tool_choice" not in body
    assert len(body["tools"]) == 2


@pytest.mark.parametrize(
    "choice", ["nope", {"type": "function", "function": {"name": "nope"}}]
)
def test_invalid_tool_choice_raises_at_bind(
    emulator: MiniMaxEmulator, make_model: Any, choice: Any
) -> None:
    with pytest.raises(ValueError, match=r"tool_choice=.*'auto', 'none'.*get_weather"):
        make_model().bind_tools([get_weather], tool_choice=choice)
    assert emulator.requests == []


def test_tool_choice_of_wrong_type_raises_at_bind(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    with pytest.raises(ValueError, match=r"tool_choice type.*Received: 3"):
        make_model().bind_tools([get_weather], tool_choice=3)
    assert emulator.requests == []


def test_invalid_tool_choice_through_bind_sends_nothing(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model = make_model().bind(
        tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        tool_choice="g",
    )
    with pytest.raises(ValueError, match=r"tool_choice='g'.*\['f'\]"):
        model.invoke("hi")
    assert emulator.requests == []


@pytest.mark.parametrize(
    "bad_tool",
    [{"type": "web_search"}, {"type": "file_search", "vector_store_ids": []}],
)
def test_non_function_tool_raises_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, bad_tool: dict
) -> None:
    with pytest.raises(ValueError, match=r"tools\[1\] is a '\w+' tool.*function"):
        make_model().bind_tools([get_weather, bad_tool])
    with pytest.raises(ValueError, match=r"tools\[0\]"):
        make_model().bind(tools=[bad_tool]).invoke("hi")
    assert emulator.requests == []


@pytest.mark.parametrize("parallel", [True, False])
def test_parallel_tool_calls_is_sent_as_given(
    emulator: MiniMaxEmulator, make_model: Any, parallel: bool
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().bind_tools([get_weather], parallel_tool_calls=parallel).invoke("hi")
    assert emulator.requests[0].body["parallel_tool_calls"] is parallel  # type: ignore[index]


def test_parallel_tool_calls_unset_is_not_sent(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().bind_tools([get_weather]).invoke("hi")
    assert "parallel_tool_calls" not in emulator.requests[0].body  # type: ignore[operator]


def test_two_parallel_calls_come_back(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(
        Reply(
            reasoning="Two cities.",
            content="\n",
            tool_calls=[
                ToolCall("get_weather", {"city": "Oslo"}),
                ToolCall("get_weather", {"city": "Rome"}),
            ],
        )
    )
    message = make_model().bind_tools([get_weather]).invoke("Oslo and Rome?")
    assert [c["args"]["city"] for c in message.tool_calls] == ["Oslo", "Rome"]
    assert len({c["id"] for c in message.tool_calls}) == 2


@pytest.mark.parametrize("how", ["bind_tools", "bind"])
def test_response_format_is_not_sent(
    emulator: MiniMaxEmulator, make_model: Any, how: str
) -> None:
    emulator.add_reply(Reply(reasoning="JSON it is.", content='{"word": "cat"}'))
    model: ChatMiniMax = make_model()
    bound = (
        model.bind_tools([get_weather], response_format=Lookup)
        if how == "bind_tools"
        else model.bind(response_format={"type": "json_object"})
    )
    with pytest.warns(UserWarning, match="ignores response_format"):
        message = bound.invoke("Define cat")
    assert message.content == '{"word": "cat"}'
    assert message.additional_kwargs["reasoning_content"] == "JSON it is."
    assert "response_format" not in emulator.requests[0].body  # type: ignore[operator]


def test_strict_is_accepted(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().bind_tools([get_weather], strict=True).invoke("hi")
    assert emulator.requests[0].response_status == 200
    assert emulator.requests[0].body["tools"][0]["function"]["strict"] is True  # type: ignore[index]


# --- messages the service rejects: fixed before sending ---


def _call(name: str, args: dict, call_id: str) -> dict[str, Any]:
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


TOOL_TURN = AIMessage(
    "\n",
    tool_calls=[_call("get_weather", {"city": "Oslo"}, "call_function_1_1")],
)

PARALLEL_TURN = AIMessage(
    "\n",
    tool_calls=[
        _call("get_weather", {"city": "Oslo"}, "call_function_1_1"),
        _call("get_time", {}, "call_function_1_2"),
    ],
)
OSLO_RESULT = ToolMessage("sunny", tool_call_id="call_function_1_1")

FIXED_HISTORIES: dict[str, list[BaseMessage]] = {
    "two_system_messages": [
        SystemMessage("You are terse."),
        SystemMessage([{"type": "text", "text": "Answer in French."}]),
        HumanMessage("hi"),
    ],
    "system_not_first": [
        HumanMessage("hi"),
        AIMessage("hello"),
        SystemMessage("From now on, answer in French."),
        HumanMessage("how are you?"),
    ],
    "system_first_and_later": [
        SystemMessage("You are terse."),
        HumanMessage("hi"),
        AIMessage("hello"),
        SystemMessage("From now on, answer in French."),
        HumanMessage("how are you?"),
    ],
    "invalid_replayed_arguments": [
        HumanMessage("Weather in Oslo?"),
        AIMessage(
            "\n",
            invalid_tool_calls=[
                {
                    "name": "get_weather",
                    "args": '{"city": "Os',
                    "id": "call_function_1_1",
                    "error": "bad json",
                    "type": "invalid_tool_call",
                }
            ],
        ),
        ToolMessage("error: bad arguments", tool_call_id="call_function_1_1"),
        HumanMessage("Try again"),
    ],
    "empty_raw_arguments": [
        HumanMessage("Time?"),
        AIMessage(
            "\n",
            additional_kwargs={
                "tool_calls": [
                    {
                        "id": "call_function_1_1",
                        "type": "function",
                        "function": {"name": "get_time", "arguments": ""},
                    }
                ]
            },
        ),
        ToolMessage("12:00", tool_call_id="call_function_1_1"),
    ],
}


@pytest.mark.parametrize("case", list(FIXED_HISTORIES))
def test_rejected_history_is_fixed_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    history = FIXED_HISTORIES[case]
    model: ChatMiniMax = make_model()
    assert emulator_rejects(naive_body(model, history)) is not None
    emulator.add_reply(Reply(reasoning="ok", content="Bonjour"))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        model.invoke(history)
    request = emulator.requests[0]
    assert request.response_status == 200
    sent = request.messages
    roles = [m["role"] for m in sent]
    assert roles.count("system") <= 1
    assert "system" not in roles[1:]
    non_system = [m for m in history if not isinstance(m, SystemMessage)]
    assert len(sent) - roles.count("system") == len(non_system)


def test_system_messages_merged_in_order_others_kept(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="Très bien."))
    make_model().invoke(FIXED_HISTORIES["system_first_and_later"])
    assert emulator.requests[0].messages == [
        {
            "role": "system",
            "content": "You are terse.\n\nFrom now on, answer in French.",
        },
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "how are you?"},
    ]


def test_system_list_content_becomes_text(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke(FIXED_HISTORIES["two_system_messages"])
    assert emulator.requests[0].messages[0] == {
        "role": "system",
        "content": "You are terse.\n\nAnswer in French.",
    }


def test_lone_leading_system_message_unchanged(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke([SystemMessage("Be brief.", name="rules"), HumanMessage("hi")])
    assert emulator.requests[0].messages[0] == {
        "role": "system",
        "content": "Be brief.",
        "name": "rules",
    }


def test_invalid_replayed_arguments_sent_as_empty_object_with_warning(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = FIXED_HISTORIES["invalid_replayed_arguments"]
    with pytest.warns(
        UserWarning, match=r"messages\[1\].*'get_weather'.*not valid JSON"
    ):
        make_model().invoke(history)
    call = emulator.requests[0].messages[1]["tool_calls"][0]
    assert call["id"] == "call_function_1_1"
    assert call["function"] == {"name": "get_weather", "arguments": "{}"}
    assert history[1].invalid_tool_calls[0]["args"] == '{"city": "Os'  # type: ignore[attr-defined]


@pytest.mark.parametrize("arguments", ["null", "[1, 2]", '"Oslo"', "0"])
def test_non_object_replayed_arguments_sent_as_empty_object_with_warning(
    emulator: MiniMaxEmulator, make_model: Any, arguments: str
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = [
        HumanMessage("Weather in Oslo?"),
        AIMessage(
            "\n",
            invalid_tool_calls=[
                invalid_tool_call(
                    name="get_weather", args=arguments, id="call_function_1_1"
                )
            ],
        ),
        ToolMessage("error: bad arguments", tool_call_id="call_function_1_1"),
        HumanMessage("Try again"),
    ]
    with pytest.warns(UserWarning, match=r"messages\[1\].*not a JSON object"):
        make_model().invoke(history)
    call = emulator.requests[0].messages[1]["tool_calls"][0]
    assert call["function"] == {"name": "get_weather", "arguments": "{}"}


def test_raw_tool_call_arguments_made_json_without_changing_the_message(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    raw_calls = [
        {
            "id": "call_function_1_1",
            "type": "function",
            "function": {"name": "get_time", "arguments": ""},
        },
        {
            "id": "call_function_1_2",
            "type": "function",
            "function": {"name": "get_weather", "arguments": {"city": "Oslo"}},
        },
    ]
    history = [
        HumanMessage("Time and weather?"),
        AIMessage("\n", additional_kwargs={"tool_calls": raw_calls}),
        ToolMessage("12:00", tool_call_id="call_function_1_1"),
        ToolMessage("sunny", tool_call_id="call_function_1_2"),
    ]
    emulator.add_reply(Reply(content="ok"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_model().invoke(history)
    sent = emulator.requests[0].messages[1]["tool_calls"]
    assert [c["function"]["arguments"] for c in sent] == ["{}", '{"city": "Oslo"}']
    assert raw_calls[0]["function"]["arguments"] == ""
    assert raw_calls[1]["function"]["arguments"] == {"city": "Oslo"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ([{"type": "text", "text": "sunny"}], "sunny"),
        (
            [{"type": "text", "text": "sunny"}, {"type": "text", "text": "21°C"}],
            "sunny\n21°C",
        ),
        (["sunny", {"type": "text", "text": "21°C"}], "sunny\n21°C"),
        ([], ""),
    ],
)
def test_tool_result_list_content_becomes_string(
    emulator: MiniMaxEmulator, make_model: Any, content: list, expected: str
) -> None:
    emulator.add_reply(Reply(content="ok"))
    history = [
        HumanMessage("Weather in Oslo?"),
        TOOL_TURN,
        ToolMessage(content, tool_call_id="call_function_1_1"),
    ]
    make_model().invoke(history)
    assert emulator.requests[0].response_status == 200
    assert emulator.requests[0].messages[2] == {
        "role": "tool",
        "content": expected,
        "tool_call_id": "call_function_1_1",
    }


# --- messages that cannot be sent faithfully: refused before sending ---

REFUSED: dict[str, tuple[dict[str, Any], list[BaseMessage], str]] = {
    "orphan_tool_result": (
        {},
        [HumanMessage("hi"), ToolMessage("sunny", tool_call_id="call_function_9_1")],
        r"messages\[1\] is a tool result for tool_call_id='call_function_9_1'",
    ),
    "tool_result_before_its_call": (
        {},
        [
            HumanMessage("hi"),
            ToolMessage("sunny", tool_call_id="call_function_1_1"),
            TOOL_TURN,
        ],
        r"messages\[1\] is a tool result",
    ),
    "tool_calls_answered_in_part": (
        {},
        [HumanMessage("hi"), PARALLEL_TURN, OSLO_RESULT, HumanMessage("and?")],
        r"messages\[1\]\.tool_calls=\['call_function_1_2'\] is not accepted: .*"
        r"answered only in part.*answer_dangling_tool_calls",
    ),
    "answered_in_part_at_the_end": (
        {},
        [HumanMessage("hi"), PARALLEL_TURN, OSLO_RESULT],
        r"messages\[1\]\.tool_calls=\['call_function_1_2'\]",
    ),
    "image_in_tool_result_m3": (
        {"model": "MiniMax-M3"},
        [
            HumanMessage("Show me"),
            TOOL_TURN,
            ToolMessage(
                [{"type": "image", "url": "https://example.com/cat.png"}],
                tool_call_id="call_function_1_1",
            ),
        ],
        r"messages\[2\] \(tool result\) has a 'image_url' content block",
    ),
    "image_in_system_m3": (
        {"model": "MiniMax-M3"},
        [
            SystemMessage(
                [
                    {"type": "text", "text": "Look:"},
                    {"type": "image", "url": "https://example.com/cat.png"},
                ]
            ),
            HumanMessage("hi"),
        ],
        r"messages\[0\] \(system\) has a 'image_url' content block",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
@pytest.mark.parametrize("how", ["invoke", "stream", "ainvoke"])
async def test_unfaithful_history_refused_before_sending(
    emulator: MiniMaxEmulator, make_model: Any, case: str, how: str
) -> None:
    model_kwargs, history, match = REFUSED[case]
    model: ChatMiniMax = make_model(**model_kwargs)
    with pytest.raises(ValueError, match=match):
        if how == "invoke":
            model.invoke(history)
        elif how == "stream":
            list(model.stream(history))
        else:
            await model.ainvoke(history)
    assert emulator.requests == []


def test_tool_calls_answered_in_part_are_what_the_service_rejects(
    make_model: Any,
) -> None:
    history = REFUSED["tool_calls_answered_in_part"][1]
    rejection = emulator_rejects(naive_body(make_model(), history))
    assert rejection is not None
    assert "answered only in part" in rejection
    assert "['call_function_1_2']" in rejection
    answered = [*history[:3], ToolMessage("12:00", tool_call_id="call_function_1_2")]
    assert emulator_rejects(naive_body(make_model(), answered)) is None


def test_orphan_tool_result_is_what_the_service_rejects(make_model: Any) -> None:
    history = REFUSED["orphan_tool_result"][1]
    rejection = emulator_rejects(naive_body(make_model(), history))
    assert rejection is not None
    assert "tool_call_id='call_function_9_1'" in rejection
    assert "tool id not found" in rejection
