"""with_structured_output over the wire: every answer form, every method.

MiniMax enforces neither `tool_choice` nor `response_format`, so the model may
answer with a call to the schema's tool or with JSON text (bare, fenced, after a
`<think>` block); each form must parse, invoked or streamed, sync or async.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, Generation
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel
from pydantic.v1 import BaseModel as BaseModelV1
from typing_extensions import TypedDict

from langchain_minimax import ChatMiniMax
from langchain_minimax.structured_output import (
    JSON_MODE_INSTRUCTION,
    METHODS,
    ToolCallOrJsonParser,
    json_object,
)
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall

JOKE = {
    "setup": "Why did the cat sit on the laptop?",
    "punchline": "To keep an eye on the mouse. 🐭",
}
REASONING = 'A joke about cats: "laptop" \\ mouse.\nKeep it short.'


class Joke(BaseModel):
    """A joke with its punchline."""

    setup: str
    punchline: str


class JokeDict(TypedDict):
    """A joke with its punchline."""

    setup: str
    punchline: str


class JokeV1(BaseModelV1):
    """A joke with its punchline."""

    setup: str
    punchline: str


JOKE_SCHEMA = {
    "title": "joke",
    "description": "A joke with its punchline.",
    "type": "object",
    "properties": {"setup": {"type": "string"}, "punchline": {"type": "string"}},
    "required": ["setup", "punchline"],
}

SCHEMAS: dict[str, tuple[Any, str]] = {
    "pydantic": (Joke, "Joke"),
    "typeddict": (JokeDict, "JokeDict"),
    "json_schema": (JOKE_SCHEMA, "joke"),
}


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


ANSWERS: dict[str, Callable[[str], Reply]] = {
    "tool_call": lambda name: Reply(
        reasoning=REASONING, content="\n", tool_calls=[ToolCall(name, JOKE)]
    ),
    "bare_json": lambda name: Reply(reasoning=REASONING, content=_json(JOKE)),
    "fenced_json": lambda name: Reply(
        reasoning=REASONING,
        content=f"Here you go:\n\n```json\n{json.dumps(JOKE, indent=2)}\n```\n",
    ),
    "think_in_content": lambda name: Reply(
        content=f"<think>\n{REASONING}\n</think>\n\n{_json(JOKE)}"
    ),
}
TEXT_ANSWERS = ["bare_json", "fenced_json", "think_in_content"]


def check(result: Any, schema: Any) -> None:
    if schema is Joke:
        assert result == Joke(**JOKE)
    else:
        assert result == JOKE


async def run(
    runnable: Any, how: str, input_: Any = "Tell me a joke about cats"
) -> Any:
    """The result of one call; a stream must yield exactly one, complete, value."""
    if how == "invoke":
        return runnable.invoke(input_)
    if how == "ainvoke":
        return await runnable.ainvoke(input_)
    if how == "stream":
        chunks = list(runnable.stream(input_))
    else:
        chunks = [chunk async for chunk in runnable.astream(input_)]
    assert len(chunks) == 1
    return chunks[0]


CALLS = ["invoke", "ainvoke", "stream", "astream"]


@pytest.mark.parametrize("how", CALLS)
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("schema_kind", list(SCHEMAS))
async def test_default_method_parses_every_answer_form(
    emulator: MiniMaxEmulator,
    make_model: Any,
    schema_kind: str,
    answer: str,
    split: bool,
    how: str,
) -> None:
    schema, tool_name = SCHEMAS[schema_kind]
    emulator.add_reply(ANSWERS[answer](tool_name))
    structured = make_model(reasoning_split=split).with_structured_output(schema)
    check(await run(structured, how), schema)
    request = emulator.requests[0]
    assert request.response_status == 200
    body = request.body
    assert body is not None
    assert [t["function"]["name"] for t in body["tools"]] == [tool_name]
    assert body["tools"][0]["function"]["parameters"]["required"] == [
        "setup",
        "punchline",
    ]
    for absent in ("tool_choice", "response_format", "parallel_tool_calls"):
        assert absent not in body
    assert body["messages"] == [
        {"role": "user", "content": "Tell me a joke about cats"}
    ]
    assert body.get("stream", False) is how.endswith("stream")


@pytest.mark.parametrize("how", ["invoke", "stream"])
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("answer", list(ANSWERS))
async def test_v1_output_parses_every_answer_form(
    emulator: MiniMaxEmulator, make_model: Any, answer: str, split: bool, how: str
) -> None:
    emulator.add_reply(ANSWERS[answer]("Joke"))
    model = make_model(reasoning_split=split, output_version="v1")
    check(await run(model.with_structured_output(Joke), how), Joke)


@pytest.mark.parametrize("how", CALLS)
@pytest.mark.parametrize("split", [True, False])
@pytest.mark.parametrize("answer", TEXT_ANSWERS)
@pytest.mark.parametrize("method", ["json_schema", "json_mode"])
async def test_text_methods_parse_every_text_answer(
    emulator: MiniMaxEmulator,
    make_model: Any,
    method: str,
    answer: str,
    split: bool,
    how: str,
) -> None:
    emulator.add_reply(ANSWERS[answer]("Joke"))
    structured = make_model(reasoning_split=split).with_structured_output(
        Joke, method=method
    )
    check(await run(structured, how), Joke)
    body = emulator.requests[0].body
    assert body is not None
    for absent in ("tools", "tool_choice", "response_format"):
        assert absent not in body
    system, user = body["messages"]
    assert system["role"] == "system"
    assert user == {"role": "user", "content": "Tell me a joke about cats"}
    if method == "json_mode":
        assert system["content"] == JSON_MODE_INSTRUCTION
    else:
        schema_text = json.dumps(convert_to_json_schema(Joke), ensure_ascii=False)
        assert system["content"].endswith(schema_text)


def test_instruction_merges_with_the_callers_system_messages(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(_json(JOKE))
    structured = make_model().with_structured_output(Joke, method="json_schema")
    structured.invoke(
        [
            SystemMessage("You are a comedian."),
            HumanMessage("A joke"),
            AIMessage("About what?"),
            SystemMessage("Keep it clean."),
            HumanMessage("Cats"),
        ]
    )
    request = emulator.requests[0]
    assert request.response_status == 200
    system, *rest = request.messages
    assert system["role"] == "system"
    assert system["content"].startswith("Reply with one JSON object")
    assert system["content"].endswith("\n\nYou are a comedian.\n\nKeep it clean.")
    assert [m["content"] for m in rest] == ["A joke", "About what?", "Cats"]


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
async def test_prompt_value_and_message_inputs(
    emulator: MiniMaxEmulator, make_model: Any, method: str
) -> None:
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages(
        [("system", "You are a comedian."), ("human", "A joke about {topic}")]
    )
    emulator.add_reply(_json(JOKE))
    chain = prompt | make_model().with_structured_output(Joke, method=method)
    assert chain.invoke({"topic": "cats"}) == Joke(**JOKE)
    messages = emulator.requests[0].messages
    assert messages[-1] == {"role": "user", "content": "A joke about cats"}
    assert messages[0]["content"].endswith("You are a comedian.")


@pytest.mark.parametrize("how", CALLS)
async def test_include_raw_success(
    emulator: MiniMaxEmulator, make_model: Any, how: str
) -> None:
    emulator.add_reply(ANSWERS["tool_call"]("Joke"))
    structured = make_model().with_structured_output(Joke, include_raw=True)
    if how.endswith("stream"):
        chunks = (
            list(structured.stream("joke"))
            if how == "stream"
            else [c async for c in structured.astream("joke")]
        )
        result: dict[str, Any] = {}
        for chunk in chunks:
            for key, value in chunk.items():
                result[key] = value if key not in result else result[key] + value
    else:
        result = await run(structured, how)
    assert result["parsed"] == Joke(**JOKE)
    assert result["parsing_error"] is None
    raw = result["raw"]
    assert isinstance(raw, AIMessage)
    assert raw.additional_kwargs["reasoning_content"] == REASONING
    assert raw.tool_calls[0]["args"] == JOKE


NO_OBJECT: dict[str, Reply] = {
    "prose": Reply(reasoning=REASONING, content="Sorry, I only tell dog jokes."),
    "empty": Reply(reasoning=REASONING, content=""),
    "json_array": Reply(reasoning=REASONING, content=_json([JOKE])),
    "cut_off_json": Reply(
        reasoning=REASONING, content='{"setup": "Why', finish_reason="length"
    ),
    "wrong_fields": Reply(reasoning=REASONING, content=_json({"setup": "Why?"})),
    "tool_call_wrong_fields": Reply(
        reasoning=REASONING, content="\n", tool_calls=[ToolCall("Joke", {"a": 1})]
    ),
    "tool_call_bad_json": Reply(
        reasoning=REASONING, content="\n", tool_calls=[ToolCall("Joke", '{"setup": ')]
    ),
}


@pytest.mark.parametrize("how", CALLS)
@pytest.mark.parametrize("case", list(NO_OBJECT))
async def test_reply_without_valid_object_raises_with_raw_text(
    emulator: MiniMaxEmulator, make_model: Any, case: str, how: str
) -> None:
    emulator.add_reply(NO_OBJECT[case])
    structured = make_model(reasoning_split=False).with_structured_output(Joke)
    with pytest.raises(OutputParserException) as info:
        await run(structured, how)
    raw_text = f"<think>\n{REASONING}\n</think>\n\n{NO_OBJECT[case].content}"
    assert info.value.llm_output == raw_text
    assert repr(raw_text) in str(info.value) or "does not match Joke" in str(info.value)


@pytest.mark.parametrize("case", list(NO_OBJECT))
def test_include_raw_returns_the_parsing_error(
    emulator: MiniMaxEmulator, make_model: Any, case: str
) -> None:
    emulator.add_reply(NO_OBJECT[case])
    result = make_model().with_structured_output(Joke, include_raw=True).invoke("joke")
    assert result["parsed"] is None
    assert isinstance(result["parsing_error"], OutputParserException)
    assert isinstance(result["raw"], AIMessage)
    assert result["raw"].content == NO_OBJECT[case].content


def test_pydantic_v1_schema(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(ANSWERS["tool_call"]("JokeV1"))
    emulator.add_reply(ANSWERS["bare_json"]("JokeV1"))
    structured = make_model().with_structured_output(JokeV1)
    assert structured.invoke("joke") == JokeV1(**JOKE)
    assert structured.invoke("joke") == JokeV1(**JOKE)


def test_json_mode_without_schema_returns_dict(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(ANSWERS["fenced_json"](""))
    assert make_model().with_structured_output(method="json_mode").invoke("j") == JOKE


@pytest.mark.parametrize("strict", [None, False, True])
@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
def test_strict_is_accepted_and_sends_nothing(
    emulator: MiniMaxEmulator, make_model: Any, method: str, strict: bool | None
) -> None:
    emulator.add_reply(ANSWERS["bare_json"]("Joke"))
    structured = make_model().with_structured_output(Joke, method=method, strict=strict)
    assert structured.invoke("joke") == Joke(**JOKE)
    body = emulator.requests[0].body
    assert body is not None
    assert "strict" not in json.dumps(body)


def test_extra_tools_are_bound_beside_the_schema(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    def get_weather(city: str) -> str:
        """Get the weather for a city."""
        return city

    emulator.add_reply(
        Reply(content="\n", tool_calls=[ToolCall("get_weather", {"city": "Oslo"})])
    )
    structured = make_model().with_structured_output(
        Joke, tools=[get_weather], include_raw=True
    )
    result = structured.invoke("Weather, then a joke")
    assert result["parsed"] is None
    assert result["raw"].tool_calls[0]["name"] == "get_weather"
    names = [t["function"]["name"] for t in emulator.requests[0].body["tools"]]  # type: ignore[index]
    assert names == ["get_weather", "Joke"]


def test_bad_arguments_raise_before_sending(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    model: ChatMiniMax = make_model()
    with pytest.raises(ValueError, match=r"method='xml' is not supported.*json_mode"):
        model.with_structured_output(Joke, method="xml")  # type: ignore[arg-type]
    for method in ("function_calling", "json_schema"):
        with pytest.raises(ValueError, match=rf"method='{method}' needs a schema"):
            model.with_structured_output(method=method)  # type: ignore[arg-type]
    assert emulator.requests == []


class _Options(BaseCallbackHandler):
    def __init__(self) -> None:
        self.options: list[dict[str, Any]] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.options.append(kwargs.get("options") or {})


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
@pytest.mark.parametrize("schema_kind", list(SCHEMAS))
def test_tracing_sees_the_schema(
    emulator: MiniMaxEmulator, make_model: Any, method: str, schema_kind: str
) -> None:
    schema, tool_name = SCHEMAS[schema_kind]
    emulator.add_reply(ANSWERS["bare_json"](tool_name))
    handler = _Options()
    make_model().with_structured_output(schema, method=method).invoke(
        "joke", config={"callbacks": [handler]}
    )
    (options,) = handler.options
    assert options["ls_structured_output_format"] == {
        "kwargs": {"method": method, "strict": None},
        "schema": convert_to_json_schema(schema),
    }


# --- the parser on its own ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('  \n{"a": 1}\n', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Sure:\n```\n{"a": 1}\n```\n', {"a": 1}),
        # parse_json_markdown reads to the end of the text: prose after the
        # closing fence is not taken apart.
        ('```json\n{"a": 1}\n```\nDone.', None),
        ('<think>\n{"a": 0}\n</think>\n\n{"a": 1}', {"a": 1}),
        ('<think>x</think>```json\n{"a": 1}\n```', {"a": 1}),
        ('<think>\nunfinished {"a": 1}', None),
        ('{"a": 1', None),
        ("[1, 2]", None),
        ("42", None),
        ("", None),
        ("no json here", None),
    ],
)
def test_json_object(text: str, expected: dict | None) -> None:
    assert json_object(text) == expected


def test_parser_prefers_the_tool_call_over_text() -> None:
    message = AIMessage(
        '{"setup": "text", "punchline": "text"}',
        tool_calls=[{"name": "Joke", "args": JOKE, "id": "c1", "type": "tool_call"}],
    )
    parser = ToolCallOrJsonParser(tool_name="Joke", pydantic_schema=Joke)
    assert parser.invoke(message) == Joke(**JOKE)


def test_parser_ignores_calls_to_other_tools() -> None:
    message = AIMessage(
        _json(JOKE),
        tool_calls=[{"name": "other", "args": {}, "id": "c1", "type": "tool_call"}],
    )
    assert ToolCallOrJsonParser(tool_name="Joke").invoke(message) == JOKE


def test_parser_reads_v1_content_blocks() -> None:
    message = AIMessage(
        [
            {"type": "reasoning", "reasoning": '{"setup": "no"}'},
            {"type": "text", "text": _json(JOKE)},
        ]
    )
    assert ToolCallOrJsonParser().invoke(message) == JOKE


def test_parser_on_plain_generation() -> None:
    parser = ToolCallOrJsonParser(tool_name="Joke")
    assert parser.parse_result([Generation(text=_json(JOKE))]) == JOKE
    with pytest.raises(OutputParserException, match="no call to tool 'Joke'"):
        parser.parse_result([ChatGeneration(message=AIMessage("nothing"))])


def test_method_type_hint_resolves_to_the_supported_methods() -> None:
    """Tools that read the signature's hints see the methods the parser knows."""
    hints = typing.get_type_hints(ChatMiniMax.with_structured_output)
    assert typing.get_args(hints["method"]) == METHODS
