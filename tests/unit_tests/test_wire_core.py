"""ChatMiniMax through the real `openai` client against the emulator on loopback."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.load import dumpd, load
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply, ToolCall

REASONING = 'Step 1: 17×23 — "quote" \\ back\nslash ✓ 你好 <b>'
DETAILS = [
    {
        "type": "reasoning.text",
        "id": "reasoning-text-1",
        "format": "MiniMax-response-v1",
        "index": 0,
        "text": REASONING,
    }
]
INLINE_TOOL_TURN = f"<think>\n{REASONING}\n</think>\n\n\n"


def test_invoke_split(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(Reply(reasoning=REASONING, content="391", reasoning_tokens=7))
    message = make_model().invoke("What is 17*23?")
    assert message.content == "391"
    assert message.additional_kwargs["reasoning_details"] == DETAILS
    assert message.additional_kwargs["reasoning_content"] == REASONING
    assert message.response_metadata["model_provider"] == "minimax"
    assert message.response_metadata["model_name"] == "MiniMax-M2"
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_token_details"]["reasoning"] == 7
    assert "cache_read" in message.usage_metadata["input_token_details"]
    assert message.name is None
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": REASONING},
        {"type": "text", "text": "391"},
    ]
    body = emulator.requests[0].body
    assert body is not None
    assert body["reasoning_split"] is True
    assert body["model"] == "MiniMax-M2"
    assert body["temperature"] == 1.0


def test_invoke_older_service_without_flat_reasoning(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(
        Reply(reasoning=REASONING, content="391", flat_reasoning_content=False)
    )
    message = make_model().invoke("q")
    assert message.additional_kwargs["reasoning_details"] == DETAILS
    assert message.additional_kwargs["reasoning_content"] == REASONING


def test_invoke_inline(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(Reply(reasoning=REASONING, content="391"))
    message = make_model(reasoning_split=False).invoke("What is 17*23?")
    assert message.content == f"<think>\n{REASONING}\n</think>\n\n391"
    assert "reasoning_details" not in message.additional_kwargs
    assert message.content_blocks == [
        {"type": "reasoning", "reasoning": REASONING},
        {"type": "text", "text": "\n\n391"},
    ]
    assert emulator.requests[0].body["reasoning_split"] is False  # type: ignore[index]


@pytest.mark.parametrize("split", [True, False])
def test_v1_output(emulator: MiniMaxEmulator, make_model: Any, split: bool) -> None:
    emulator.add_reply(Reply(reasoning=REASONING, content="391"))
    message = make_model(output_version="v1", reasoning_split=split).invoke("q")
    assert message.content[0]["type"] == "reasoning"  # type: ignore[index]
    assert message.content[-1]["type"] == "text"  # type: ignore[index]
    assert message.content_blocks == message.content


async def test_ainvoke(emulator: MiniMaxEmulator, make_model: Any) -> None:
    emulator.add_reply(Reply(reasoning=REASONING, content="async"))
    message = await make_model().ainvoke("q")
    assert message.content == "async"
    assert message.additional_kwargs["reasoning_details"] == DETAILS


@pytest.mark.parametrize("split", [True, False])
def test_batch_each_gets_its_own_answer(
    emulator: MiniMaxEmulator, make_model: Any, split: bool
) -> None:
    def echo(body: dict[str, Any]) -> Reply:
        question = body["messages"][-1]["content"]
        return Reply(reasoning=f"about {question}", content=f"answer to {question}")

    emulator.set_responder(echo)
    questions = [f"q{i}" for i in range(6)]
    messages = make_model(reasoning_split=split).batch(questions)
    for question, message in zip(questions, messages, strict=True):
        assert message.text.endswith(f"answer to {question}")
        assert message.additional_kwargs["reasoning_content"].strip() == (
            f"about {question}"
        )
    assert len(emulator.requests) == 6


# --- the two-turn tool loop, for every origin of the first assistant message ---


def _same(message: AIMessage) -> BaseMessage:
    return message


def _dumpd_load(message: AIMessage) -> BaseMessage:
    revived = load(json.loads(json.dumps(dumpd(message))))
    assert isinstance(revived, AIMessage)
    return revived


def _checkpointer_serde(message: AIMessage) -> BaseMessage:
    serde = JsonPlusSerializer()
    revived = serde.loads_typed(serde.dumps_typed(message))
    assert isinstance(revived, AIMessage)
    return revived


def _reasoning_string_only(message: AIMessage) -> BaseMessage:
    return AIMessage(
        message.text if isinstance(message.content, str) else "\n",
        tool_calls=message.tool_calls,
        additional_kwargs={"reasoning_content": REASONING},
    )


def _standard_blocks_only(message: AIMessage) -> BaseMessage:
    return AIMessage(
        [{"type": "reasoning", "reasoning": REASONING}, {"type": "text", "text": "\n"}],
        tool_calls=message.tool_calls,
    )


ORIGINS: dict[str, tuple[dict[str, Any], Callable[[AIMessage], BaseMessage]]] = {
    "invoke": ({}, _same),
    "output_version_v1": ({"output_version": "v1"}, _same),
    "dumpd_load": ({}, _dumpd_load),
    "v1_dumpd_load": ({"output_version": "v1"}, _dumpd_load),
    "checkpointer_serde": ({}, _checkpointer_serde),
    "reasoning_content_only": ({}, _reasoning_string_only),
    "standard_blocks_only": ({}, _standard_blocks_only),
}


@pytest.mark.parametrize("origin", list(ORIGINS))
@pytest.mark.parametrize("split", [True, False])
def test_tool_loop_sends_first_turn_reasoning_back(
    emulator: MiniMaxEmulator, make_model: Any, origin: str, split: bool
) -> None:
    model_kwargs, transform = ORIGINS[origin]
    model: ChatMiniMax = make_model(reasoning_split=split, **model_kwargs)
    emulator.add_replies(
        [
            Reply(
                reasoning=REASONING,
                content="\n",
                tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
            ),
            Reply(reasoning="Now I can answer.", content="Sunny in Paris."),
        ]
    )
    question = HumanMessage("Weather in Paris?")
    first = model.bind_tools([get_weather]).invoke([question])
    assert isinstance(first, AIMessage)
    call = first.tool_calls[0]
    history = [
        question,
        transform(first),
        ToolMessage("sunny", tool_call_id=call["id"]),
    ]
    second = model.bind_tools([get_weather]).invoke(history)
    assert "Sunny in Paris." in second.text
    assert [r.response_status for r in emulator.requests] == [200, 200]

    sent = emulator.requests[1].messages[1]
    assert sent["role"] == "assistant"
    assert sent["tool_calls"][0]["id"] == call["id"]
    assert json.loads(sent["tool_calls"][0]["function"]["arguments"]) == {
        "city": "Paris"
    }
    if split:
        assert sent["reasoning_details"] == DETAILS
        raw = emulator.requests[1].raw.decode()
        assert json.dumps(REASONING, ensure_ascii=False)[1:-1] in raw or (
            json.dumps(REASONING)[1:-1] in raw
        )
    else:
        assert sent["content"] == INLINE_TOOL_TURN
        assert "reasoning_details" not in sent


# --- inline reasoning goes back once, in MiniMax's framing ---

INLINE_ANSWER = f"<think>\n{REASONING}\n</think>\n\n391"
"""What MiniMax sends without reasoning_split: the reasoning framed by newlines."""

REWRITES: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    # langgraph-supervisor's include_agent_name="inline" wraps the content.
    "supervisor_inline_name": (
        lambda content: f"<name>supervisor</name><content>{content}</content>",
        lambda content: f"<name>supervisor</name><content>{content}</content>",
    ),
    # A library that keeps only the answer text.
    "think_block_dropped": (
        lambda content: "391",
        lambda content: content,
    ),
    "kept_as_received": (lambda content: content, lambda content: content),
}


@pytest.mark.parametrize("rewrite", list(REWRITES))
@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_inline_reasoning_goes_back_once_in_minimax_framing(
    emulator: MiniMaxEmulator, make_model: Any, rewrite: str, how: str
) -> None:
    rewritten, expected = REWRITES[rewrite]
    emulator.add_replies([Reply(reasoning=REASONING, content="391"), Reply("ok")])
    model: ChatMiniMax = make_model(reasoning_split=False)
    question = HumanMessage("What is 17*23?")
    if how == "invoke":
        first: BaseMessage = model.invoke([question])
    else:
        chunks = list(model.stream([question]))
        first = chunks[0]
        for chunk in chunks[1:]:
            first = first + chunk
    # The reasoning text itself, as split mode gives it; content byte for byte.
    assert first.additional_kwargs["reasoning_content"] == REASONING
    assert first.content == INLINE_ANSWER
    changed = first.model_copy(update={"content": rewritten(INLINE_ANSWER)})
    model.invoke([question, changed, HumanMessage("Thanks")])
    sent = emulator.requests[1].messages[1]["content"]
    assert sent == expected(INLINE_ANSWER)
    assert sent.count("<think>") == 1


def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"


def test_messages_without_reasoning_sent_unchanged(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke([HumanMessage("a"), AIMessage("plain"), HumanMessage("b")])
    assert emulator.requests[0].messages[1] == {"role": "assistant", "content": "plain"}


# --- bad input never reaches the service ---

BAD_CALLS: dict[str, tuple[dict[str, Any], dict[str, Any], Any, str]] = {
    "temperature_call": ({}, {"temperature": 0}, "hi", "temperature"),
    "temperature_bind": ({}, {"temperature": 1.5}, "hi", "temperature"),
    "n": ({}, {"n": 2}, "hi", "n=2"),
    "functions": ({}, {"functions": [{"name": "f"}]}, "hi", "functions"),
    "function_call": ({}, {"function_call": {"name": "f"}}, "hi", "function_call"),
    "image": (
        {},
        {},
        [
            HumanMessage(
                [
                    {
                        "type": "image_url",
                        "image_url": {"url": "data:image/png;base64,AA"},
                    }
                ]
            )
        ],
        "image_url",
    ),
    "audio": (
        {"model": "MiniMax-M2.5"},
        {},
        [HumanMessage([{"type": "audio", "base64": "AA", "mime_type": "audio/wav"}])],
        "audio",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
@pytest.mark.parametrize("how", ["invoke", "stream", "bind", "ainvoke"])
async def test_bad_input_sends_nothing(
    emulator: MiniMaxEmulator, make_model: Any, case: str, how: str
) -> None:
    model_kwargs, call_kwargs, messages, match = BAD_CALLS[case]
    model: ChatMiniMax = make_model(**model_kwargs)
    with pytest.raises(ValueError, match=match):
        if how == "invoke":
            model.invoke(messages, **call_kwargs)
        elif how == "stream":
            list(model.stream(messages, **call_kwargs))
        elif how == "bind":
            model.bind(**call_kwargs).invoke(messages)
        else:
            await model.ainvoke(messages, **call_kwargs)
    assert emulator.requests == []


def test_bad_construction_sends_nothing(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    with pytest.raises(ValueError, match="temperature"):
        make_model(temperature=0)
    with pytest.raises(ValueError, match="n=2"):
        make_model(n=2)
    assert emulator.requests == []


def test_api_key_sent_only_in_header(
    emulator: MiniMaxEmulator, make_model: Any
) -> None:
    emulator.add_reply(Reply(content="ok"))
    make_model().invoke("hi")
    request = emulator.requests[0]
    assert request.response_status == 200  # the emulator checked the key
    assert request.headers["authorization"] == "Bearer [redacted]"
    assert str(emulator.api_key) not in request.raw.decode()


def test_wrong_key_is_rejected_by_emulator(emulator: MiniMaxEmulator) -> None:
    model = ChatMiniMax(base_url=emulator.base_url, api_key="wrong", max_retries=0)
    with pytest.raises(Exception, match="1004"):
        model.invoke("hi")
    assert emulator.requests[0].response_status == 401
