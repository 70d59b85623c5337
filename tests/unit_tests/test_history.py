"""Malformed histories raise ValueError naming the message, before any request."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from strategies import JSON_VALUES

from langchain_minimax.errors import MiniMaxError
from langchain_minimax.history import check_history
from langchain_minimax.rules import emulator_error
from langchain_minimax.testing import MiniMaxEmulator, Reply, auto_responder

pytestmark = pytest.mark.enable_socket

USER = {"role": "user", "content": "Weather in Paris?"}
CALL = {"id": "call_1", "name": "get_weather", "args": {"city": "Paris"}}
OPENAI_CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}


def assistant(*calls: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": "", "tool_calls": list(calls)}


MALFORMED: dict[str, tuple[list[Any], str]] = {
    "dict tool message without tool_call_id": (
        [USER, assistant(CALL), {"role": "tool", "content": "sunny"}],
        "messages[2].tool_call_id=None is not accepted: the id of the tool call "
        "this result answers (a string)",
    ),
    "dict tool message with a number for tool_call_id": (
        [USER, assistant(CALL), {"role": "tool", "content": "x", "tool_call_id": 7}],
        "messages[2].tool_call_id=7 is not accepted",
    ),
    "a (tool, text) pair": (
        [USER, assistant(CALL), ("tool", "sunny")],
        "messages[2]=('tool', 'sunny') is not accepted: a ToolMessage or a dict",
    ),
    "tool call without a name": (
        [USER, assistant({"id": "call_1", "args": {}})],
        "messages[1].tool_calls[0].name=None is not accepted: the tool's name",
    ),
    "OpenAI-style tool call without a name": (
        [USER, assistant({"id": "c", "function": {"arguments": "{}"}})],
        "messages[1].tool_calls[0].function.name=None is not accepted",
    ),
    "OpenAI-style tool call without arguments": (
        [USER, assistant({"id": "c", "function": {"name": "get_weather"}})],
        "messages[1].tool_calls[0].function.arguments=None is not accepted",
    ),
    "OpenAI-style tool call with broken JSON": (
        [USER, assistant({"id": "c", "function": {"name": "f", "arguments": "{x"}})],
        "messages[1].tool_calls[0].function.arguments='{x' is not accepted: the "
        "call's arguments: JSON text or an object",
    ),
    "OpenAI-style tool call without id": (
        [USER, assistant({"function": {"name": "f", "arguments": "{}"}})],
        "messages[1].tool_calls[0].id=None is not accepted: the call's id",
    ),
    "tool call without args": (
        [USER, assistant({"id": "c", "name": "f"})],
        "messages[1].tool_calls[0].args=None is not accepted: an object",
    ),
    "tool_calls not a list": (
        [USER, {"role": "assistant", "content": "", "tool_calls": "get_weather"}],
        "messages[1].tool_calls='get_weather' is not accepted: a list",
    ),
    "a tool call that is not an object": (
        [USER, assistant("get_weather")],
        "messages[1].tool_calls[0]='get_weather' is not accepted",
    ),
    "additional_kwargs tool_calls a string": (
        [HumanMessage("hi"), AIMessage("", additional_kwargs={"tool_calls": "x"})],
        "messages[1].additional_kwargs['tool_calls']='x' is not accepted: a list",
    ),
    "additional_kwargs tool_calls a dict": (
        [HumanMessage("hi"), AIMessage("", additional_kwargs={"tool_calls": {}})],
        "messages[1].additional_kwargs['tool_calls']={} is not accepted",
    ),
    "additional_kwargs tool call a number": (
        [HumanMessage("hi"), AIMessage("", additional_kwargs={"tool_calls": [1]})],
        "messages[1].additional_kwargs['tool_calls'][0]=1 is not accepted",
    ),
    "additional_kwargs function a number": (
        [
            HumanMessage("hi"),
            AIMessage(
                "", additional_kwargs={"tool_calls": [{"id": "c", "function": 5}]}
            ),
        ],
        "messages[1].additional_kwargs['tool_calls'][0]['function']=5 is not accepted",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_malformed_history_raises_before_any_request(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    history, message = MALFORMED[case]
    model = make_model()
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        model.invoke(history)
    with pytest.raises(ValueError, match=r"^messages\[\d\]"):
        list(model.stream(history))
    with pytest.raises(ValueError, match=r"^messages\[\d\]"):
        await model.ainvoke(history)
    with pytest.raises(ValueError, match=r"^messages\[\d\]"):
        async for _ in model.astream(history):
            pass
    with pytest.raises(ValueError, match=r"^messages\[\d\]"):
        model.batch([history])
    assert emulator.requests == []


def test_well_formed_histories_in_every_form_are_sent(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_replies([Reply(content="sunny")] * 4)
    histories = [
        [
            USER,
            assistant(CALL),
            {"role": "tool", "content": "18C", "tool_call_id": "call_1"},
        ],
        [
            USER,
            assistant(OPENAI_CALL),
            {"role": "tool", "content": "18C", "tool_call_id": "call_1"},
        ],
        [
            HumanMessage("Weather in Paris?"),
            AIMessage(
                "",
                additional_kwargs={
                    "tool_calls": [
                        {"id": "call_1", "function": {"name": "f", "arguments": {}}}
                    ]
                },
            ),
            ToolMessage("18C", tool_call_id="call_1"),
        ],
        [("system", "Be brief."), ("human", "hi"), ("ai", "hello"), ("human", "bye")],
    ]
    model = make_model()
    for history in histories:
        assert model.invoke(history).text == "sunny"
    assert [r.response_status for r in emulator.requests] == [200] * 4
    sent = emulator.requests[2].messages[1]["tool_calls"][0]["function"]
    assert sent == {"name": "f", "arguments": "{}"}


def test_strings_and_prompt_values_pass_the_check() -> None:
    from langchain_core.prompts import ChatPromptTemplate

    check_history("hello")
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")]).invoke({"q": "x"})
    check_history(prompt)


# -- the same shapes on the wire: rules the emulator answers by ----------------------


def post(emulator: MiniMaxEmulator, raw: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        emulator.base_url + "/chat/completions",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {emulator.api_key}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


WIRE_CASES = {
    "tool call without an id": (
        [USER, assistant({"type": "function", "function": OPENAI_CALL["function"]})],
        "messages[1].tool_calls[0].id=None is not accepted: a non-empty string",
    ),
    "tool call without a function name": (
        [USER, assistant({"id": "c", "function": {"arguments": "{}"}})],
        "messages[1].tool_calls[0].function.name=None is not accepted",
    ),
    "tool_calls not a list": (
        [USER, {"role": "assistant", "content": "", "tool_calls": 5}],
        "messages[1].tool_calls=5 is not accepted: a list of tool calls",
    ),
    "a lone surrogate": (
        [{"role": "user", "content": [{"type": "text", "text": "ok \ud800"}]}],
        "messages[0].content[0].text='ok \\ud800' is not accepted: text UTF-8 can "
        "encode (a lone surrogate '\\ud800' at character 3 has no UTF-8 form",
    ),
}


@pytest.mark.parametrize("case", list(WIRE_CASES))
def test_the_emulator_answers_malformed_history_with_the_400(
    emulator: MiniMaxEmulator, case: str
) -> None:
    messages, message = WIRE_CASES[case]
    # json.dumps escapes a lone surrogate as \ud800, as any JSON encoder that
    # can encode it at all does.
    raw = json.dumps({"model": "MiniMax-M2", "messages": messages}).encode()
    status, body = post(emulator, raw)
    assert status == 400
    assert body["error"]["type"] == "bad_request_error"
    assert body["error"]["message"].startswith(f"invalid params, {message}")
    assert body["error"]["message"].endswith(" (2013)")
    assert (
        emulator_error(
            {"model": "MiniMax-M2", "messages": messages}, models={"MiniMax-M2"}
        )
        == body["error"]["message"]
    )


# -- text UTF-8 cannot encode -------------------------------------------------------


def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return "sunny"


LONE_SURROGATES: dict[str, tuple[list[Any], str]] = {
    "user text": (
        [HumanMessage("hi \ud800 there")],
        "messages[0].content='hi \\ud800 there' is not accepted: text UTF-8 can "
        "encode (a lone surrogate '\\ud800' at character 3",
    ),
    "a text part": (
        [HumanMessage([{"type": "text", "text": "\udfff"}])],
        "messages[0].content[0].text='\\udfff' is not accepted",
    ),
    "tool-call arguments": (
        [
            HumanMessage("hi"),
            AIMessage(
                "", tool_calls=[{"id": "c", "name": "f", "args": {"a": "\ud83d"}}]
            ),
            ToolMessage("ok", tool_call_id="c"),
        ],
        'messages[1].tool_calls[0].function.arguments=\'{"a": "\\ud83d"}\' is not '
        "accepted",
    ),
    "a tool result": (
        [
            HumanMessage("hi"),
            AIMessage("", tool_calls=[{"id": "c", "name": "f", "args": {}}]),
            ToolMessage("x\udc00", tool_call_id="c"),
        ],
        "messages[2].content='x\\udc00' is not accepted",
    ),
}


@pytest.mark.parametrize("case", list(LONE_SURROGATES))
async def test_text_with_a_lone_surrogate_raises_before_any_request(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    history, message = LONE_SURROGATES[case]
    model = make_model()
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        model.invoke(history)
    with pytest.raises(ValueError, match=re.escape(message)):
        list(model.stream(history))
    with pytest.raises(ValueError, match=re.escape(message)):
        await model.ainvoke(history)
    with pytest.raises(ValueError, match=re.escape(message)):
        async for _ in model.astream(history):
            pass
    assert emulator.requests == []


def test_a_lone_surrogate_in_a_tool_schema_names_the_tool(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather \ud800",
            "parameters": {"type": "object", "properties": {}},
        },
    }
    with pytest.raises(ValueError, match=r"^tools\[0\]\.function\.description="):
        make_model().bind_tools([tool]).invoke("hi")
    assert emulator.requests == []


def test_paired_surrogates_and_emoji_are_sent(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    assert make_model().invoke("weather \U0001f326 in Paris?").text == "ok"
    assert emulator.requests[0].messages[0]["content"] == "weather \U0001f326 in Paris?"


# -- the other ways a history reaches langchain's converters ------------------------

NO_TOOL_CALL_ID = [USER, assistant(CALL), {"role": "tool", "content": "sunny"}]


@pytest.mark.parametrize("method", ["json_mode", "json_schema", "function_calling"])
def test_structured_output_checks_the_history_first(
    emulator: MiniMaxEmulator, make_model: Any, method: str
) -> None:
    schema = {
        "title": "Weather",
        "type": "object",
        "properties": {"sky": {"type": "string"}},
    }
    structured = make_model().with_structured_output(schema, method=method)
    with pytest.raises(ValueError, match=r"^messages\[2\]\.tool_call_id=None"):
        structured.invoke(NO_TOOL_CALL_ID)
    assert emulator.requests == []


def test_token_counting_checks_the_history_first(make_model: Any) -> None:
    with pytest.raises(ValueError, match=r"^messages\[2\]\.tool_call_id=None"):
        make_model().get_num_tokens_from_messages(NO_TOOL_CALL_ID)


# -- any history: a result, a ValueError before sending, or the service's 400 ----------

IDS = st.sampled_from(["call_1", "call_2"])
GARBAGE = JSON_VALUES


def anything_or(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.integers(0, 3).flatmap(lambda n: valid if n else GARBAGE)


LC_CALLS = st.fixed_dictionaries(
    {},
    optional={
        "id": anything_or(IDS),
        "name": anything_or(st.just("get_weather")),
        "args": anything_or(st.just({"city": "Paris"})),
        "function": anything_or(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": anything_or(st.just("get_weather")),
                    "arguments": anything_or(st.just('{"city": "Paris"}')),
                },
            )
        ),
    },
)
DICT_MESSAGES = st.fixed_dictionaries(
    {
        "role": anything_or(st.sampled_from(["user", "assistant", "tool", "system"])),
        "content": anything_or(st.text(max_size=5)),
    },
    optional={
        "tool_call_id": anything_or(IDS),
        "tool_calls": anything_or(st.lists(anything_or(LC_CALLS), max_size=2)),
    },
)


def ai_message(calls: Any) -> AIMessage:
    """An AIMessage carrying `calls` in additional_kwargs, where one can be built."""
    try:
        return AIMessage("", additional_kwargs={"tool_calls": calls})
    except (TypeError, ValueError):  # AIMessage's own parser refuses them
        return AIMessage("")


AI_MESSAGES = st.builds(
    ai_message, anything_or(st.lists(anything_or(LC_CALLS), max_size=2))
)
OTHER_MESSAGES = st.sampled_from(
    [HumanMessage("hi"), ToolMessage("18C", tool_call_id="call_1"), ("human", "hi")]
)
HISTORIES = st.lists(
    st.one_of(DICT_MESSAGES, AI_MESSAGES, OTHER_MESSAGES), min_size=1, max_size=4
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(history=HISTORIES)
def test_any_history_gives_a_result_a_value_error_or_a_minimax_error(
    emulator: MiniMaxEmulator, make_model: Any, history: list[Any]
) -> None:
    emulator.set_responder(auto_responder)
    sent = len(emulator.requests)
    raised: Exception | None = None
    try:
        make_model().invoke(history)
    except (MiniMaxError, ValueError) as error:
        raised = error
    reached = len(emulator.requests) - sent
    if isinstance(raised, MiniMaxError):
        assert reached == 1  # the emulator's 400 for what only it checks
    elif raised is not None:
        assert reached == 0, raised
        assert not isinstance(raised, UnicodeError)
