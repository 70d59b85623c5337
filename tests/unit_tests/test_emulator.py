"""Tests for `langchain_minimax.testing`, the local MiniMax emulator."""

from __future__ import annotations

import ast
import gzip
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from langchain_minimax.testing import (
    DEFAULT_CONTENT,
    DEFAULT_REASONING,
    CutStream,
    DeepJSON,
    DrippedStream,
    ErrorFault,
    HTTPError,
    InBodyError,
    InvalidUTF8,
    KeepAlive,
    MalformedJSON,
    MiniMaxEmulator,
    NoFinishReason,
    RawAnswer,
    RecordedRequest,
    Reply,
    SlowResponse,
    StalledStream,
    ToolCall,
)

pytestmark = pytest.mark.enable_socket

KEY = "test-key"
MODEL = "MiniMax-M2"
HELLO: list[Any] = [{"role": "user", "content": "hello"}]
TESTING_DIR = Path(__file__).parents[2] / "langchain_minimax" / "testing"
AUTH_MESSAGE = (
    "login fail: Please carry the API secret key in the 'Authorization' field of "
    "the request header (1004)"
)
REASONING_ENTRY = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
    "index": 0,
}


# ---------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[MiniMaxEmulator]:
    with MiniMaxEmulator(api_key=KEY) as emulator:
        yield emulator


@pytest.fixture
def emu(server: MiniMaxEmulator) -> Iterator[MiniMaxEmulator]:
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def client(emu: MiniMaxEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=emu.base_url, api_key=KEY, max_retries=0, timeout=20
    ) as oai:
        yield oai


class Response:
    def __init__(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data

    def json(self) -> Any:
        return json.loads(self.data)

    def events(self) -> list[str]:
        """The `data:` payloads of an SSE body, in order."""
        assert self.data.endswith(b"\n\n")
        events = self.data.decode("utf-8").split("\n\n")[:-1]
        assert all(event.startswith("data: ") for event in events), events
        return [event[len("data: ") :] for event in events]

    def chunks(self) -> list[dict[str, Any]]:
        """The parsed chunks of a complete SSE body (ending in `[DONE]`)."""
        events = self.events()
        assert events[-1] == "[DONE]"
        assert "[DONE]" not in events[:-1]
        return [json.loads(event) for event in events[:-1]]


def post(
    emu: MiniMaxEmulator,
    body: Any,
    *,
    key: str | None = KEY,
    path: str = "/v1/chat/completions",
    method: str = "POST",
    raw: bytes | None = None,
) -> Response:
    url = emu.base_url.removesuffix("/v1") + path
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Response(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read())


def chat(**fields: Any) -> dict[str, Any]:
    return {"model": MODEL, "messages": HELLO, **fields}


def prompt_tokens(messages: Any) -> int:
    return len(json.dumps(messages)) // 4 + 1


def delta_of(chunk: dict[str, Any]) -> dict[str, Any]:
    delta: dict[str, Any] = chunk["choices"][0]["delta"]
    return delta


def joined(chunks: list[dict[str, Any]], field: str) -> str:
    return "".join(
        delta_of(c).get(field) or "" for c in chunks if c["choices"] and c["choices"]
    )


# ---------------------------------------------------------------------------
# non-streaming shapes
# ---------------------------------------------------------------------------


def test_non_stream_inline_reasoning_exact_shape(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="Let me think.", content="Hi!"))
    response = post(emu, chat())
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", body.pop("id"))
    assert isinstance(body.pop("created"), int)
    prompt = prompt_tokens(HELLO)
    completion = (len("Let me think.") + len("Hi!")) // 4 + 1
    assert body == {
        "object": "chat.completion",
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "name": "MiniMax AI",
                    "audio_content": "",
                    "content": "<think>\nLet me think.\n</think>\n\nHi!",
                },
            }
        ],
        "usage": {
            "total_tokens": prompt + completion,
            "total_characters": 0,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "completion_tokens_details": {"reasoning_tokens": 4},
            "prompt_tokens_details": {"cached_tokens": 0},
        },
        "input_sensitive": False,
        "input_sensitive_type": 0,
        "output_sensitive": False,
        "output_sensitive_type": 0,
        "output_sensitive_int": 0,
        "base_resp": {"status_code": 0, "status_msg": ""},
    }


def test_non_stream_split_exact_message(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="Let me think.", content="Hi!"))
    body = post(emu, chat(reasoning_split=True)).json()
    assert body["choices"][0]["message"] == {
        "role": "assistant",
        "name": "MiniMax AI",
        "audio_content": "",
        "content": "Hi!",
        "reasoning_content": "Let me think.",
        "reasoning_details": [{**REASONING_ENTRY, "text": "Let me think."}],
    }


def test_non_stream_split_without_flat_reasoning(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="R", content="C", flat_reasoning_content=False))
    message = post(emu, chat(reasoning_split=True)).json()["choices"][0]["message"]
    assert "reasoning_content" not in message
    assert message["reasoning_details"] == [{**REASONING_ENTRY, "text": "R"}]
    assert message["content"] == "C"


@pytest.mark.parametrize("split", [True, False])
def test_non_stream_without_reasoning_has_no_reasoning_fields(
    emu: MiniMaxEmulator, split: bool
) -> None:
    emu.add_reply(Reply(content="plain"))
    body = post(emu, chat(reasoning_split=split)).json()
    message = body["choices"][0]["message"]
    assert message["content"] == "plain"
    assert "reasoning_details" not in message
    assert "reasoning_content" not in message
    assert body["usage"]["completion_tokens_details"] == {"reasoning_tokens": 0}


def test_default_responder(emu: MiniMaxEmulator, client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model=MODEL, messages=HELLO)
    second = client.chat.completions.create(model=MODEL, messages=HELLO)
    expected = f"<think>\n{DEFAULT_REASONING}\n</think>\n\n{DEFAULT_CONTENT}"
    assert first.choices[0].message.content == expected
    assert second.choices[0].message.content == expected
    assert DEFAULT_REASONING.startswith("The user said hello")


def test_replies_are_fifo_and_strings_mean_content(emu: MiniMaxEmulator) -> None:
    emu.add_replies(["one", Reply(content="two")])
    emu.add_reply("three")
    assert emu.pending_replies == 3
    contents = [
        post(emu, chat()).json()["choices"][0]["message"]["content"] for _ in range(4)
    ]
    default = f"<think>\n{DEFAULT_REASONING}\n</think>\n\n{DEFAULT_CONTENT}"
    assert contents == ["one", "two", "three", default]
    assert emu.pending_replies == 0


def test_tool_calls_non_stream(emu: MiniMaxEmulator, client: openai.OpenAI) -> None:
    emu.add_reply(
        Reply(
            reasoning="Need weather.",
            content="\n",
            tool_calls=[
                ToolCall("get_weather", {"city": "Paris", "note": "café"}),
                ToolCall("raw", '{"a": 1}'),
            ],
        )
    )
    emu.add_reply(Reply(tool_calls=[ToolCall("get_weather", {"city": "Rome"})]))
    emu.add_reply(Reply(tool_calls=[ToolCall("mine", {}, id="call_custom")]))
    first = client.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        extra_body={"reasoning_split": True},
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "\n"
    calls = choice.message.tool_calls
    assert calls is not None
    assert [c.function.name for c in calls] == ["get_weather", "raw"]  # type: ignore[union-attr]
    assert calls[0].function.arguments == '{"city":"Paris","note":"café"}'  # type: ignore[union-attr]
    assert calls[1].function.arguments == '{"a": 1}'  # type: ignore[union-attr]
    assert calls[0].type == "function"
    match = re.fullmatch(r"call_function_(\d+)_1", calls[0].id)
    assert match is not None
    assert calls[1].id == f"call_function_{match.group(1)}_2"
    second = client.chat.completions.create(model=MODEL, messages=HELLO)
    second_calls = second.choices[0].message.tool_calls
    assert second_calls is not None
    assert re.fullmatch(r"call_function_\d+_1", second_calls[0].id)
    assert second_calls[0].id not in {c.id for c in calls}
    third = client.chat.completions.create(model=MODEL, messages=HELLO)
    third_calls = third.choices[0].message.tool_calls
    assert third_calls is not None
    assert third_calls[0].id == "call_custom"
    assert third_calls[0].function.arguments == "{}"  # type: ignore[union-attr]


def test_explicit_usage_and_no_details(emu: MiniMaxEmulator) -> None:
    emu.add_reply(
        Reply(
            content="x",
            prompt_tokens=100,
            completion_tokens=50,
            reasoning_tokens=30,
            cached_tokens=7,
        )
    )
    emu.add_reply(Reply(content="x", usage_details=False))
    emu.add_reply(Reply(content="x", reasoning="r", reasoning_tokens=40))
    assert post(emu, chat()).json()["usage"] == {
        "total_tokens": 150,
        "total_characters": 0,
        "prompt_tokens": 100,
        "completion_tokens": 50,
        "completion_tokens_details": {"reasoning_tokens": 30},
        "prompt_tokens_details": {"cached_tokens": 7},
    }
    usage = post(emu, chat()).json()["usage"]
    assert "completion_tokens_details" not in usage
    assert "prompt_tokens_details" not in usage
    assert usage["total_characters"] == 0
    usage = post(emu, chat()).json()["usage"]
    assert usage["completion_tokens"] >= 40


def test_model_echo_and_override(emu: MiniMaxEmulator) -> None:
    emu.add_replies([Reply(content="a"), Reply(content="b", model="MiniMax-M2.7")])
    assert post(emu, chat(model="MiniMax-M2.5")).json()["model"] == "MiniMax-M2.5"
    assert post(emu, chat()).json()["model"] == "MiniMax-M2.7"


def test_explicit_finish_reason(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="cut", finish_reason="length"))
    assert post(emu, chat()).json()["choices"][0]["finish_reason"] == "length"


CUT_CALLS = [ToolCall("get_time"), ToolCall("write_file", {"path": "a", "text": "b"})]


@pytest.mark.parametrize(
    ("cut_after", "arguments"),
    [
        (13, ["{}", '{"pat']),  # inside the second call's arguments
        (6, []),  # inside the reasoning: no call began
        (99, ["{}", '{"path":"a","text":"b"}']),  # past the end: nothing cut
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_reply_cut_after_characters_as_max_tokens_cuts(
    emu: MiniMaxEmulator, cut_after: int, arguments: list[str], stream: bool
) -> None:
    emu.add_reply(
        Reply(
            reasoning="think", content="\n", tool_calls=CUT_CALLS, cut_after=cut_after
        )
    )
    response = post(emu, chat(stream=stream, reasoning_split=True))
    finish = "tool_calls" if cut_after == 99 else "length"
    if not stream:
        choice = response.json()["choices"][0]
        calls = choice["message"].get("tool_calls") or []
        assert [c["function"]["arguments"] for c in calls] == arguments
        assert choice["finish_reason"] == finish
        return
    chunks = response.chunks()
    sent: dict[int, str] = {}
    for chunk in chunks:
        for fragment in delta_of(chunk).get("tool_calls") or []:
            index = fragment["index"]
            sent[index] = sent.get(index, "") + fragment["function"]["arguments"]
    assert list(sent.values()) == arguments
    finishes = [c["choices"][0].get("finish_reason") for c in chunks if c["choices"]]
    assert [f for f in finishes if f] == [finish]
    assert joined(chunks, "reasoning_content") == "think"[:cut_after]


@pytest.mark.parametrize(
    ("limits", "content", "finish", "completion_tokens"),
    [
        ({"max_tokens": 3}, "x" * 11, "length", 3),  # len // 4 + 1 tokens
        ({"max_completion_tokens": 2, "max_tokens": 9}, "x" * 7, "length", 2),
        ({"max_tokens": 6}, "x" * 20, "stop", 6),  # fits: nothing cut
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_max_tokens_cuts_the_reply(
    emu: MiniMaxEmulator,
    limits: dict[str, int],
    content: str,
    finish: str,
    completion_tokens: int,
    stream: bool,
) -> None:
    emu.add_reply(Reply(content="x" * 20))
    extra = {"stream_options": {"include_usage": True}} if stream else {}
    response = post(emu, chat(stream=stream, **limits, **extra))
    if stream:
        chunks = response.chunks()
        last = [c for c in chunks if c["choices"]][-1]
        assert joined(chunks, "content") == content
        assert last["choices"][0]["finish_reason"] == finish
        assert chunks[-1]["usage"]["completion_tokens"] == completion_tokens
        return
    body = response.json()
    assert body["choices"][0]["message"]["content"] == content
    assert body["choices"][0]["finish_reason"] == finish
    assert body["usage"]["completion_tokens"] == completion_tokens


def test_max_tokens_leaves_scripted_accounting_alone(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="x" * 20, completion_tokens=50))
    body = post(emu, chat(max_tokens=1)).json()
    assert body["choices"][0]["message"]["content"] == "x" * 20
    assert body["choices"][0]["finish_reason"] == "stop"


def test_cut_after_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="cut_after=-1 must not be negative"):
        Reply(content="x", cut_after=-1)


# ---------------------------------------------------------------------------
# streaming
# ---------------------------------------------------------------------------

REASONING = "The user greets me; a and and answer politely."
CONTENT = "Hello there! Nice to meet you. 你好"


@pytest.mark.parametrize("chunk_size", [1, 8])
@pytest.mark.parametrize("split", [True, False])
def test_stream_incremental_deltas_rejoin(
    emu: MiniMaxEmulator, chunk_size: int, split: bool
) -> None:
    emu.add_reply(Reply(reasoning=REASONING, content=CONTENT, chunk_size=chunk_size))
    response = post(emu, chat(stream=True, reasoning_split=split))
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    chunks = response.chunks()
    if split:
        assert joined(chunks, "reasoning_content") == REASONING
        details = "".join(
            delta_of(c)["reasoning_details"][0]["text"]
            for c in chunks
            if "reasoning_details" in delta_of(c)
        )
        assert details == REASONING
        assert joined(chunks, "content") == CONTENT
        expected_count = -(-len(REASONING) // chunk_size) + -(
            -len(CONTENT) // chunk_size
        )
    else:
        text = f"<think>\n{REASONING}\n</think>\n\n{CONTENT}"
        assert joined(chunks, "content") == text
        assert not any("reasoning_details" in delta_of(c) for c in chunks)
        expected_count = -(-len(text) // chunk_size)
    assert len(chunks) == expected_count
    for chunk in chunks:
        delta = delta_of(chunk)
        piece = delta.get("content") or delta.get("reasoning_content") or ""
        assert 0 < len(piece) <= chunk_size
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["usage"] is None
        assert chunk["model"] == MODEL
        assert chunk["id"] == chunks[0]["id"]
        assert delta["name"] == "MiniMax AI"
        assert delta["audio_content"] == ""
        for entry in delta.get("reasoning_details", []):
            assert {k: entry[k] for k in REASONING_ENTRY} == REASONING_ENTRY


def test_stream_roles_and_finish_on_last_content_chunk(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="abcdefgh" * 3, content="ijklmnop" * 2))
    chunks = post(emu, chat(stream=True, reasoning_split=True)).chunks()
    roles = [delta_of(c)["role"] for c in chunks]
    assert roles[0] == "assistant"
    assert "" in roles[1:]
    assert "assistant" in roles[1:]
    finishes = [c["choices"][0].get("finish_reason") for c in chunks]
    assert finishes[-1] == "stop"
    assert all(f is None for f in finishes[:-1])
    assert "finish_reason" not in chunks[0]["choices"][0]
    assert delta_of(chunks[-1])["content"] == "ijklmnop"


def test_stream_inline_think_tags_are_cut_across_chunks(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="thinking", content="answer", chunk_size=3))
    pieces = [delta_of(c)["content"] for c in post(emu, chat(stream=True)).chunks()]
    assert pieces[:3] == ["<th", "ink", ">\nt"]
    assert not any("</think>" in piece for piece in pieces)
    assert "".join(pieces) == "<think>\nthinking\n</think>\n\nanswer"


def test_stream_emulator_default_chunk_size() -> None:
    with MiniMaxEmulator(api_key=None, chunk_size=5) as emu:
        emu.add_reply(Reply(content="0123456789abc"))
        pieces = [delta_of(c)["content"] for c in post(emu, chat(stream=True)).chunks()]
    assert pieces == ["01234", "56789", "abc"]


def test_stream_empty_reply_is_one_finishing_chunk(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply())
    chunks = post(emu, chat(stream=True)).chunks()
    assert len(chunks) == 1
    assert delta_of(chunks[0])["content"] == ""
    assert delta_of(chunks[0])["role"] == "assistant"
    assert chunks[0]["choices"][0]["finish_reason"] == "stop"


def test_stream_include_usage_trailing_chunk(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="r" * 20, content="c" * 20))
    chunks = post(
        emu, chat(stream=True, stream_options={"include_usage": True})
    ).chunks()
    last = chunks[-1]
    assert last["choices"] == []
    assert last["base_resp"] == {"status_code": 0, "status_msg": ""}
    assert last["usage"] == {
        "total_tokens": prompt_tokens(HELLO) + 11,
        "total_characters": 0,
        "prompt_tokens": prompt_tokens(HELLO),
        "completion_tokens": 11,
        "completion_tokens_details": {"reasoning_tokens": 6},
        "prompt_tokens_details": {"cached_tokens": 0},
    }
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize("include_usage", [True, False])
def test_stream_zero_usage_every_chunk(
    emu: MiniMaxEmulator, include_usage: bool
) -> None:
    emu.add_reply(Reply(content="c" * 30, zero_usage_every_chunk=True))
    options = {"stream_options": {"include_usage": True}} if include_usage else {}
    chunks = post(emu, chat(stream=True, **options)).chunks()
    content_chunks = chunks[:-1] if include_usage else chunks
    assert len(content_chunks) == 4
    for chunk in content_chunks:
        assert chunk["usage"]["total_tokens"] == 0
        assert chunk["usage"]["completion_tokens"] == 0
    if include_usage:
        assert chunks[-1]["choices"] == []
        assert chunks[-1]["usage"]["completion_tokens"] == 30 // 4 + 1


def test_stream_tool_calls_fragmented(emu: MiniMaxEmulator) -> None:
    args_a = {"city": "Paris", "units": "celsius"}
    args_b = {"q": "x" * 10}
    emu.add_reply(
        Reply(
            reasoning="tools",
            content="\n",
            tool_calls=[ToolCall("get_weather", args_a), ToolCall("search", args_b)],
            chunk_size=4,
        )
    )
    chunks = post(emu, chat(stream=True, reasoning_split=True)).chunks()
    tool_chunks = [c for c in chunks if "tool_calls" in delta_of(c)]
    assert tool_chunks, "no tool-call chunks"
    first_index = chunks.index(tool_chunks[0])
    assert all("tool_calls" in delta_of(c) for c in chunks[first_index:])
    assert joined(chunks[:first_index], "content") == "\n"
    arguments: dict[int, str] = {}
    seen: set[int] = set()
    for chunk in tool_chunks:
        (fragment,) = delta_of(chunk)["tool_calls"]
        index = fragment["index"]
        if index not in seen:
            seen.add(index)
            assert fragment["type"] == "function"
            assert re.fullmatch(rf"call_function_\d+_{index + 1}", fragment["id"])
            assert fragment["function"]["name"] in {"get_weather", "search"}
        else:
            assert set(fragment) == {"index", "function"}
            assert set(fragment["function"]) == {"arguments"}
        assert len(fragment["function"]["arguments"]) <= 4
        arguments[index] = arguments.get(index, "") + fragment["function"]["arguments"]
    assert json.loads(arguments[0]) == args_a
    assert json.loads(arguments[1]) == args_b
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    last_piece = delta_of(chunks[-1])["tool_calls"][0]["function"]["arguments"]
    assert last_piece == '{"q":"xxxxxxxxxx"}'[16:]
    assert all("finish_reason" not in c["choices"][0] for c in chunks[:-1])


def test_stream_tool_calls_via_openai_client(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_reply(
        Reply(
            reasoning="think",
            content="ok",
            tool_calls=[ToolCall("get_weather", {"city": "Paris"})],
            chunk_size=1,
        )
    )
    stream = client.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        stream=True,
        extra_body={"reasoning_split": True},
    )
    arguments = ""
    content = ""
    finish = []
    for chunk in stream:
        choice = chunk.choices[0]
        content += choice.delta.content or ""
        for call in choice.delta.tool_calls or []:
            arguments += call.function.arguments or ""  # type: ignore[union-attr]
        finish.append(choice.finish_reason)
    assert content == "ok"
    assert json.loads(arguments) == {"city": "Paris"}
    assert finish[-1] == "tool_calls"
    assert set(finish[:-1]) == {None}


def test_stream_tool_calls_in_finish_chunk(emu: MiniMaxEmulator) -> None:
    emu.add_reply(
        Reply(
            content="Calling tools.",
            tool_calls=[
                ToolCall("a", {"x": 1}),
                ToolCall("b", {"y": "long argument value"}),
            ],
            tool_calls_in_finish_chunk=True,
            chunk_size=4,
        )
    )
    chunks = post(emu, chat(stream=True)).chunks()
    tool_chunks = [c for c in chunks if "tool_calls" in delta_of(c)]
    assert len(tool_chunks) == 2
    assert tool_chunks[-1] is chunks[-1]
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    whole = [delta_of(c)["tool_calls"][0] for c in tool_chunks]
    assert [w["function"]["name"] for w in whole] == ["a", "b"]
    assert json.loads(whole[1]["function"]["arguments"]) == {"y": "long argument value"}
    assert [w["index"] for w in whole] == [0, 1]
    assert joined(chunks, "content") == "Calling tools."


# ---------------------------------------------------------------------------
# rejections
# ---------------------------------------------------------------------------

ASSISTANT_CALL = {
    "role": "assistant",
    "content": "",
    "tool_calls": [
        {
            "id": "call_function_1_1",
            "type": "function",
            "function": {"name": "f", "arguments": '{"a": 1}'},
        }
    ],
}
TOOL_RESULT = {"role": "tool", "tool_call_id": "call_function_1_1", "content": "42"}
SYSTEM: dict[str, Any] = {"role": "system", "content": "Be brief."}
USER: dict[str, Any] = {"role": "user", "content": "hi"}
GOOD_TOOL = {
    "type": "function",
    "function": {"name": "f", "parameters": {"type": "object", "properties": {}}},
}

REJECTED: dict[str, tuple[dict[str, Any], str]] = {
    "two_system_messages": (
        {"messages": [SYSTEM, SYSTEM, USER]},
        "invalid chat setting",
    ),
    "system_not_first": (
        {"messages": [USER, SYSTEM]},
        "messages[1].role='system' is not accepted",
    ),
    "unknown_tool_call_id": (
        {"messages": [USER, {**TOOL_RESULT, "tool_call_id": "call_nope"}]},
        "messages[1].tool_call_id='call_nope' is not accepted",
    ),
    "tool_result_before_call": (
        {"messages": [USER, TOOL_RESULT, ASSISTANT_CALL]},
        "tool id not found",
    ),
    "invalid_arguments_json": (
        {
            "messages": [
                USER,
                {
                    **ASSISTANT_CALL,
                    "tool_calls": [
                        {
                            "id": "call_x",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{oops"},
                        }
                    ],
                },
            ]
        },
        "invalid function arguments json string",
    ),
    "tool_without_parameters": (
        {"tools": [{"type": "function", "function": {"name": "f"}}]},
        "function parameters is empty",
    ),
    "unknown_model": ({"model": "gpt-4o"}, "model='gpt-4o' is not accepted"),
    "n_is_2": ({"n": 2}, "n=2 is not accepted: 1 only"),
    "temperature_zero": (
        {"temperature": 0},
        "temperature=0 is not accepted: a number in (0.0, 1.0]",
    ),
    "temperature_above_one": (
        {"temperature": 1.5},
        "temperature=1.5 is not accepted: a number in (0.0, 1.0]",
    ),
    "m3_temperature_above_two": (
        {"model": "MiniMax-M3", "temperature": 2.5},
        "a number in [0.0, 2.0]",
    ),
    "image_part": (
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "what is this?"},
                        {"type": "image_url", "image_url": {"url": "data:,"}},
                    ],
                }
            ]
        },
        "'image_url' is not accepted: text only for MiniMax-M2",
    ),
    "audio_part": (
        {"messages": [{"role": "user", "content": [{"type": "input_audio"}]}]},
        "type='input_audio' is not accepted",
    ),
    "file_part": (
        {"messages": [{"role": "user", "content": [{"type": "file"}]}]},
        "type='file' is not accepted",
    ),
    "m3_context_too_long": (
        {
            "model": "MiniMax-M3",
            "messages": [{"role": "user", "content": "x" * (1_048_576 * 4)}],
        },
        "context window exceeds limit",
    ),
    "context_too_long": (
        {"messages": [{"role": "user", "content": "x" * (204_800 * 4)}]},
        "context window exceeds limit",
    ),
    "m3_bad_thinking_type": (
        {"model": "MiniMax-M3", "thinking": {"type": "enabled"}},
        "{'type': 'adaptive'} or {'type': 'disabled'}",
    ),
    "m2_thinking_disabled": (
        {"thinking": {"type": "disabled"}},
        "thinking cannot be switched off",
    ),
    "m2_reasoning_effort_none": (
        {"reasoning_effort": "none"},
        "reasoning_effort='none' is not accepted",
    ),
    "empty_messages": ({"messages": []}, "messages=[] is not accepted"),
    "top_p_above_one": (
        {"top_p": 1.5},
        "top_p=1.5 is not accepted: a number in (0, 1]",
    ),
    "top_p_negative": ({"top_p": -0.1}, "top_p=-0.1 is not accepted"),
    "max_tokens_negative": (
        {"max_tokens": -1},
        "max_tokens=-1 is not accepted: a positive integer",
    ),
    "invalid_role": (
        {"messages": [{"role": "invalid_role", "content": "Hi"}]},
        "messages[0].role='invalid_role' is not accepted",
    ),
    "m2_root_role": (
        {"messages": [{"role": "root", "content": "Be brief."}, USER]},
        "messages[0].role='root' is not accepted",
    ),
    "tool_content_object": (
        {
            "messages": [
                USER,
                ASSISTANT_CALL,
                {**TOOL_RESULT, "content": {"result": "sunny"}},
            ]
        },
        "tool message content must be a string",
    ),
    "tool_calls_answered_in_part": (
        {
            "messages": [
                USER,
                {
                    **ASSISTANT_CALL,
                    "tool_calls": [
                        *ASSISTANT_CALL["tool_calls"],
                        {
                            "id": "call_function_1_2",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        },
                    ],
                },
                TOOL_RESULT,
            ]
        },
        "tool_calls=['call_function_1_2'] is not accepted",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejections_are_400_2013(emu: MiniMaxEmulator, case: str) -> None:
    fields, expected = REJECTED[case]
    emu.add_reply(Reply(content="must not be consumed"))
    response = post(emu, chat(**fields))
    assert response.status == 400
    envelope = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", envelope.pop("request_id"))
    assert envelope["type"] == "error"
    assert envelope["error"]["type"] == "bad_request_error"
    assert envelope["error"]["http_code"] == "400"
    message = envelope["error"]["message"]
    assert expected in message
    assert message.startswith("invalid params, ")
    assert message.endswith(" (2013)")
    assert emu.pending_replies == 1
    (recorded,) = emu.requests
    assert recorded.response_status == 400


def test_rejection_raises_bad_request_in_openai_client(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model=MODEL,
            messages=[SYSTEM, SYSTEM, USER],  # type: ignore[list-item]
        )
    assert info.value.status_code == 400
    assert "(2013)" in str(info.value)


ACCEPTED: dict[str, dict[str, Any]] = {
    "tool_round_trip": {
        "messages": [SYSTEM, USER, ASSISTANT_CALL, TOOL_RESULT],
        "tools": [GOOD_TOOL],
    },
    "temperature_one": {"temperature": 1.0},
    "temperature_small": {"temperature": 0.01},
    "n_is_1": {"n": 1},
    "m3_temperature_zero": {"model": "MiniMax-M3", "temperature": 0},
    "m3_temperature_two": {"model": "MiniMax-M3", "temperature": 2},
    "m3_image": {
        "model": "MiniMax-M3",
        "thinking": {"type": "adaptive"},
        "messages": [
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "data:,"}}],
            }
        ],
    },
    "text_parts": {
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    },
    "highspeed_model": {"model": "MiniMax-M2.1-highspeed"},
    "stable_model": {"model": "MiniMax-M2-Stable"},
    "m2_thinking_adaptive": {"thinking": {"type": "adaptive"}},
    "m3_effort_out_of_enum_ignored": {
        "model": "MiniMax-M3",
        "reasoning_effort": "ultra",
        "thinking": {"type": "disabled"},
    },
    "ignored_params": {"presence_penalty": 2.0, "stop": ["x"], "top_p": 0.95},
    "m3_two_system_messages": {
        "model": "MiniMax-M3",
        "messages": [SYSTEM, SYSTEM, USER],
    },
    "m3_root_then_system": {
        "model": "MiniMax-M3",
        "messages": [{"role": "root", "content": "Be exact."}, SYSTEM, USER],
    },
    "tool_calls_left_unanswered": {"messages": [USER, ASSISTANT_CALL, USER]},
    "max_completion_tokens_large": {"max_completion_tokens": 524_288},
    "m3_long_context": {
        "model": "MiniMax-M3",
        "messages": [{"role": "user", "content": "x" * (300_000 * 4)}],
    },
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_valid_requests_are_accepted(emu: MiniMaxEmulator, case: str) -> None:
    response = post(emu, chat(**ACCEPTED[case]))
    assert response.status == 200, response.data
    assert response.json()["choices"][0]["message"]["content"]


def test_extra_models_and_context_limit() -> None:
    with MiniMaxEmulator(
        api_key=None, extra_models=["my-finetune"], context_limit_tokens=10
    ) as emu:
        assert post(emu, chat(model="my-finetune")).status == 200
        long = [{"role": "user", "content": "y" * 100}]
        response = post(emu, chat(messages=long))
        assert response.status == 400
        assert "context window exceeds limit" in response.json()["error"]["message"]


def test_m3_thinking_disabled_drops_reasoning(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(reasoning="hidden", content="visible"))
    body = post(emu, chat(model="MiniMax-M3", thinking={"type": "disabled"})).json()
    assert body["choices"][0]["message"]["content"] == "visible"


def test_invalid_json_body_is_rejected_and_recorded(emu: MiniMaxEmulator) -> None:
    response = post(emu, None, raw=b"{not json")
    assert response.status == 400
    assert response.json()["error"]["message"].endswith("(2013)")
    (recorded,) = emu.requests
    assert recorded.body is None
    assert recorded.raw == b"{not json"
    assert recorded.response_status == 400


# ---------------------------------------------------------------------------
# authentication
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_bad_or_missing_key_is_401(emu: MiniMaxEmulator, key: str | None) -> None:
    emu.add_fault(HTTPError(status=503))
    response = post(emu, chat(), key=key)
    assert response.status == 401
    envelope = response.json()
    request_id = envelope.pop("request_id")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert envelope == {
        "type": "error",
        "error": {
            "type": "authorized_error",
            "message": AUTH_MESSAGE,
            "http_code": "401",
        },
    }
    assert emu.pending_faults == 1, "auth failures must not consume faults"
    assert emu.requests[-1].response_status == 401


def test_openai_client_authentication_error(emu: MiniMaxEmulator) -> None:
    bad = openai.OpenAI(base_url=emu.base_url, api_key="nope", max_retries=0)
    with bad, pytest.raises(openai.AuthenticationError) as info:
        bad.chat.completions.create(model=MODEL, messages=HELLO)
    assert "(1004)" in str(info.value)


def test_api_key_none_accepts_any_key() -> None:
    with MiniMaxEmulator(api_key=None) as emu:
        assert emu.api_key is None
        assert post(emu, chat(), key="whatever").status == 200
        assert post(emu, chat(), key=None).status == 200


def test_unknown_path_is_404_and_recorded(emu: MiniMaxEmulator) -> None:
    assert post(emu, chat(), path="/v1/completions").status == 404
    assert post(emu, None, path="/v1/chat/completions", method="GET").status == 404
    assert [r.response_status for r in emu.requests] == [404, 404]
    assert emu.requests[1].method == "GET"


def test_path_without_v1_is_served(emu: MiniMaxEmulator) -> None:
    emu.add_reply("no v1")
    response = post(emu, chat(), path="/chat/completions")
    assert response.json()["choices"][0]["message"]["content"] == "no v1"


# ---------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------


def test_fault_rate_limit_times_then_reply(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="after the faults"))
    emu.add_fault(HTTPError(429, code=1002, message="rate limit exceeded", times=2))
    assert emu.pending_faults == 2
    for _ in range(2):
        response = post(emu, chat())
        assert response.status == 429
        error = response.json()["error"]
        assert error == {
            "type": "rate_limit_error",
            "message": "rate limit exceeded (1002)",
            "http_code": "429",
        }
    response = post(emu, chat())
    assert response.status == 200
    assert response.json()["choices"][0]["message"]["content"] == "after the faults"
    assert [r.response_status for r in emu.requests] == [429, 429, 200]


def test_fault_raises_openai_rate_limit_error(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_fault(HTTPError(status=429, code=1002))
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model=MODEL, messages=HELLO)


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (401, "authorized_error"),
        (400, "bad_request_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (503, "api_error"),
    ],
)
def test_fault_error_type_derivation(
    emu: MiniMaxEmulator, status: int, error_type: str
) -> None:
    emu.add_fault(HTTPError(status=status, code=1000, message="boom"))
    response = post(emu, chat())
    assert response.status == status
    assert response.json()["error"]["type"] == error_type
    assert response.json()["error"]["message"] == "boom (1000)"
    assert response.json()["error"]["http_code"] == str(status)


def test_fault_explicit_error_type_and_headers(emu: MiniMaxEmulator) -> None:
    emu.add_fault(
        HTTPError(
            status=500,
            message="overloaded",
            error_type="overloaded_error",
            headers={"X-Test": "yes"},
        )
    )
    response = post(emu, chat())
    assert response.headers["X-Test"] == "yes"
    assert response.json()["error"]["type"] == "overloaded_error"
    assert response.json()["error"]["message"] == "overloaded"


def test_fault_runs_before_validation(emu: MiniMaxEmulator) -> None:
    emu.add_fault(HTTPError(status=503, code=1013))
    response = post(emu, chat(model="no-such-model"))
    assert response.status == 503
    assert post(emu, chat(model="no-such-model")).status == 400


@pytest.mark.parametrize("stream", [False, True])
def test_fault_in_body_200(emu: MiniMaxEmulator, stream: bool) -> None:
    emu.add_reply("untouched")
    emu.add_fault(InBodyError(code=1008, message="insufficient balance"))
    response = post(emu, chat(stream=stream))
    assert response.status == 200
    if stream:
        (event,) = response.events()
        body = json.loads(event)
    else:
        body = response.json()
    assert body["base_resp"] == {
        "status_code": 1008,
        "status_msg": "insufficient balance",
    }
    assert body["choices"] is None
    assert body["usage"] is None
    assert body["model"] == MODEL
    assert isinstance(body["id"], str)
    assert isinstance(body["created"], int)
    assert emu.pending_replies == 1


def test_slow_response_answers_late_once(emu: MiniMaxEmulator) -> None:
    emu.add_fault(SlowResponse(delay=5.0))
    emu.add_replies(["too late", "on time"])
    connection = _open(emu, chat(), timeout=0.3)
    try:
        with pytest.raises(TimeoutError):
            connection.getresponse()  # nothing comes for 5 s
    finally:
        connection.close()
    connection = _open(emu, chat(), timeout=2)  # the fault applied once
    try:
        body = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    assert body["choices"][0]["message"]["content"] == "on time"


def test_fault_delay_times_out_client(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_fault(HTTPError(status=500, delay=1.0))
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.2).chat.completions.create(
            model=MODEL,
            messages=HELLO,
        )


def _raw_stream(emu: MiniMaxEmulator, body: dict[str, Any]) -> tuple[bytes, bool]:
    """Read a stream with http.client; return (body bytes, completed?)."""
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=20)
    try:
        connection.request(
            "POST",
            "/v1/chat/completions",
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {KEY}"},
        )
        response = connection.getresponse()
        assert response.status == 200
        try:
            return response.read(), True
        except http.client.IncompleteRead as error:
            return error.partial, False
    finally:
        connection.close()


def test_fault_cut_after_chunks_stream(emu: MiniMaxEmulator) -> None:
    emu.add_replies(
        [Reply(content="abcdefghij" * 5, chunk_size=5), Reply(content="next")]
    )
    emu.add_fault(CutStream(after_chunks=3))
    data, complete = _raw_stream(emu, chat(stream=True))
    assert not complete
    events = data.decode().split("\n\n")[:-1]
    assert len(events) == 3
    assert b"[DONE]" not in data
    assert (
        "".join(json.loads(e[6:])["choices"][0]["delta"]["content"] for e in events)
        == ("abcdefghij" * 5)[:15]
    )
    response = post(emu, chat())
    assert response.json()["choices"][0]["message"]["content"] == "next"


def test_fault_cut_breaks_openai_stream(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_reply(Reply(content="x" * 100, chunk_size=10))
    emu.add_fault(CutStream(after_chunks=2))
    stream = client.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        stream=True,
    )
    received = []

    def consume() -> None:
        for chunk in stream:
            received.append(chunk)

    with pytest.raises(openai.APIConnectionError):
        consume()
    assert len(received) == 2


def _raw_non_stream(emu: MiniMaxEmulator) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=20)
    try:
        connection.request(
            "POST",
            "/v1/chat/completions",
            body=json.dumps(chat()),
            headers={"Authorization": f"Bearer {KEY}"},
        )
        return connection.getresponse().read()
    finally:
        connection.close()


def test_fault_cut_non_stream(emu: MiniMaxEmulator, client: openai.OpenAI) -> None:
    emu.add_replies(["a reply long enough to be cut in half"] * 2)
    emu.add_fault(CutStream(after_chunks=0, times=2))
    with pytest.raises(http.client.IncompleteRead) as info:
        _raw_non_stream(emu)
    assert info.value.partial.startswith(b'{"id":')
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model=MODEL, messages=HELLO)
    assert emu.pending_replies == 0


def test_fault_malformed_json_non_stream(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_reply("kept")
    emu.add_fault(MalformedJSON(times=2))
    response = post(emu, chat())
    assert response.status == 200
    assert response.data == b'{"id": "x", "choices": ['
    with pytest.raises(json.JSONDecodeError):
        client.chat.completions.create(model=MODEL, messages=HELLO)
    assert emu.pending_replies == 1


def test_fault_malformed_json_stream(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="0123456789", chunk_size=5))
    emu.add_fault(MalformedJSON())
    events = post(emu, chat(stream=True)).events()
    assert json.loads(events[0])["choices"][0]["delta"]["content"] == "01234"
    assert events[1] == "{not json"
    assert json.loads(events[2])["choices"][0]["delta"]["content"] == "56789"
    assert events[-1] == "[DONE]"


def test_fault_malformed_json_breaks_openai_stream(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.add_reply(Reply(content="0123456789", chunk_size=5))
    emu.add_fault(MalformedJSON())
    with pytest.raises(json.JSONDecodeError):
        list(
            client.chat.completions.create(
                model=MODEL,
                messages=HELLO,
                stream=True,
            )
        )


def test_fault_no_finish_reason(emu: MiniMaxEmulator) -> None:
    emu.add_replies([Reply(content="0123456789", chunk_size=3), Reply(content="x")])
    emu.add_fault(NoFinishReason(times=2))
    chunks = post(
        emu, chat(stream=True, stream_options={"include_usage": True})
    ).chunks()
    assert len(chunks) == 5
    assert all("finish_reason" not in c["choices"][0] for c in chunks[:-1])
    assert chunks[-1]["choices"] == []
    assert joined(chunks[:-1], "content") == "0123456789"
    body = post(emu, chat()).json()
    assert body["choices"][0]["finish_reason"] is None
    assert body["choices"][0]["message"]["content"] == "x"


def test_transport_fault_still_validates(emu: MiniMaxEmulator) -> None:
    emu.add_fault(CutStream(after_chunks=1))
    emu.add_reply("kept")
    assert post(emu, chat(n=3, stream=True)).status == 400
    assert emu.pending_faults == 0
    assert emu.pending_replies == 1


def _open(emu: MiniMaxEmulator, body: Any, timeout: float) -> Any:
    """Send `body` on a new connection whose reads time out after `timeout` s."""
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)
    connection.request(
        "POST",
        "/v1/chat/completions",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {KEY}"},
    )
    return connection


def test_stalled_stream_holds_back_the_chunks_after_the_first(
    emu: MiniMaxEmulator,
) -> None:
    emu.add_reply(Reply(content="0123456789", chunk_size=5))
    emu.add_fault(StalledStream(chunk_delay=5.0))
    connection = _open(emu, chat(stream=True), timeout=20)
    try:
        response = connection.getresponse()
        first = response.readline()
        assert response.readline() == b"\n"  # the end of the first event
        connection.sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            response.readline()  # the second chunk is 5 s away
    finally:
        connection.close()
    assert json.loads(first[len(b"data: ") :])["choices"][0]["delta"]["content"] == (
        "01234"
    )


def test_stalled_stream_still_delivers_the_whole_answer(emu: MiniMaxEmulator) -> None:
    emu.add_replies([Reply(content="0123456789", chunk_size=5), Reply(content="x")])
    emu.add_fault(StalledStream(chunk_delay=0.05))
    chunks = post(emu, chat(stream=True)).chunks()
    assert joined(chunks, "content") == "0123456789"
    assert post(emu, chat()).json()["choices"][0]["message"]["content"] == "x"


def test_stalled_stream_non_stream_is_a_normal_reply(emu: MiniMaxEmulator) -> None:
    emu.add_reply("whole")
    emu.add_fault(StalledStream(chunk_delay=5.0))
    connection = _open(emu, chat(), timeout=2)
    try:
        body = json.loads(connection.getresponse().read())  # no 5 s pause
    finally:
        connection.close()
    assert body["choices"][0]["message"]["content"] == "whole"


def test_reply_validation() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        Reply(chunk_size=0)


def test_responder_exception_is_500(emu: MiniMaxEmulator) -> None:
    def broken(body: dict[str, Any]) -> Reply:
        raise RuntimeError("responder bug")

    emu.set_responder(broken)
    response = post(emu, chat())
    assert response.status == 500
    assert "responder bug" in response.json()["error"]["message"]
    assert emu.requests[-1].response_status == 500


@pytest.mark.parametrize("stream", [False, True])
def test_responder_fault_fails_only_its_request(
    emu: MiniMaxEmulator, stream: bool
) -> None:
    def picky(body: dict[str, Any]) -> Reply | ErrorFault:
        if body["messages"][-1]["content"] == "fail me":
            return HTTPError(status=429, code=1002, message="slow down", times=3)
        return Reply(content="fine")

    emu.set_responder(picky)
    failed = post(emu, {**chat(stream=stream), "messages": [_user("fail me")]})
    assert failed.status == 429
    assert failed.json()["error"]["message"] == "slow down (1002)"
    assert failed.json()["error"]["type"] == "rate_limit_error"
    ok = post(emu, chat())
    assert ok.status == 200
    assert emu.pending_faults == 0
    assert [r.response_status for r in emu.requests] == [429, 200]


@pytest.mark.parametrize("stream", [False, True])
def test_responder_fault_in_body_200(emu: MiniMaxEmulator, stream: bool) -> None:
    emu.set_responder(lambda body: InBodyError(code=1008))
    response = post(emu, chat(stream=stream))
    assert response.status == 200
    body = json.loads(response.events()[0]) if stream else response.json()
    assert body["base_resp"] == {
        "status_code": 1008,
        "status_msg": "insufficient balance",
    }
    assert body["choices"] is None


def test_responder_transport_fault_is_500(emu: MiniMaxEmulator) -> None:
    emu.set_responder(lambda body: CutStream(after_chunks=1))  # type: ignore[arg-type,return-value]
    response = post(emu, chat())
    assert response.status == 500
    message = response.json()["error"]["message"]
    assert "responder returned CutStream, which damages an answer" in message


def _user(content: str) -> dict[str, Any]:
    return {"role": "user", "content": content}


# ---------------------------------------------------------------------------
# concurrency and recording
# ---------------------------------------------------------------------------


def _echo(body: dict[str, Any]) -> Reply:
    last_user = [m for m in body["messages"] if m["role"] == "user"][-1]
    return Reply(reasoning="echo", content=f"echo: {last_user['content']}")


def test_concurrent_requests_with_echo_responder(
    emu: MiniMaxEmulator, client: openai.OpenAI
) -> None:
    emu.set_responder(_echo)
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=20)
            stream = n % 2 == 0
            if stream:
                text = ""
                for chunk in client.chat.completions.create(
                    model=MODEL,
                    messages=[{"role": "user", "content": f"message {n}"}],
                    stream=True,
                    extra_body={"reasoning_split": True},
                ):
                    text += chunk.choices[0].delta.content or ""
            else:
                answer = client.chat.completions.create(
                    model=MODEL,
                    messages=[{"role": "user", "content": f"message {n}"}],
                    extra_body={"reasoning_split": True},
                )
                text = answer.choices[0].message.content or ""
            results[n] = text
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert results == {n: f"echo: message {n}" for n in range(50)}
    assert len(emu.requests) == 50


def test_concurrent_requests_pop_distinct_replies(emu: MiniMaxEmulator) -> None:
    count = 200
    emu.add_replies([f"reply {n}" for n in range(count)])
    contents: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        content = post(emu, chat()).json()["choices"][0]["message"]["content"]
        with lock:
            contents.append(content)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(contents) == sorted(f"reply {n}" for n in range(count))
    assert emu.pending_replies == 0


def test_requests_are_recorded_as_snapshots(emu: MiniMaxEmulator) -> None:
    body = chat(temperature=1.0)
    post(emu, body)
    post(emu, body, key="bad")
    snapshot = emu.requests
    assert len(snapshot) == 2
    first = snapshot[0]
    assert isinstance(first, RecordedRequest)
    assert first.method == "POST"
    assert first.path == "/v1/chat/completions"
    assert first.headers["authorization"] == "Bearer [redacted]"
    assert first.headers["content-type"] == "application/json"
    assert first.body == body
    assert first.messages == HELLO
    assert json.loads(first.raw) == body
    assert first.response_status == 200
    assert snapshot[1].response_status == 401
    snapshot.clear()
    assert len(emu.requests) == 2
    emu.reset()
    assert emu.requests == []


def test_reset_clears_queues_and_responder(emu: MiniMaxEmulator) -> None:
    emu.add_reply("queued")
    emu.add_fault(HTTPError(status=500))
    emu.set_responder(_echo)
    emu.reset()
    assert emu.pending_replies == 0
    assert emu.pending_faults == 0
    content = post(emu, chat()).json()["choices"][0]["message"]["content"]
    assert content.endswith(DEFAULT_CONTENT)


def test_reset_restores_the_constructor_settings() -> None:
    emu = MiniMaxEmulator(api_key=KEY, chunk_size=3, context_limit_tokens=5000)
    emu.chunk_size = 1
    emu.context_limit_tokens = 10
    emu.reset()
    assert (emu.chunk_size, emu.context_limit_tokens) == (3, 5000)


# ---------------------------------------------------------------------------
# lifecycle, CLI, import hygiene
# ---------------------------------------------------------------------------


def test_lifecycle_start_stop_restart() -> None:
    emu = MiniMaxEmulator(api_key=KEY)
    assert not emu.is_running
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url
    emu.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", emu.base_url)
        assert emu.api_key == KEY
        with openai.OpenAI(base_url=emu.base_url, api_key=KEY, max_retries=0) as oai:
            oai.chat.completions.create(model=MODEL, messages=HELLO)
            port = emu.port
            emu.stop()
            assert not emu.is_running
            with pytest.raises(openai.APIConnectionError):
                oai.chat.completions.create(model=MODEL, messages=HELLO)
        emu.start()
        assert post(emu, chat()).status == 200
        assert len(emu.requests) == 2
        assert isinstance(port, int)
    finally:
        emu.stop()
    emu.stop()


def test_fixed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with MiniMaxEmulator(port=port) as emu:
        assert emu.base_url == f"http://127.0.0.1:{port}/v1"
        assert post(emu, chat()).status == 200


def test_keep_alive_connection_is_reused(emu: MiniMaxEmulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=20)
    try:
        for n in range(3):
            emu.add_reply(Reply(content=f"{n}", chunk_size=1))
            connection.request(
                "POST",
                "/v1/chat/completions",
                body=json.dumps(chat(stream=n % 2 == 1)),
                headers={"Authorization": f"Bearer {KEY}"},
            )
            response = connection.getresponse()
            assert response.status == 200
            assert response.getheader("Connection") != "close"
            assert str(n).encode() in response.read()
    finally:
        connection.close()


def test_cli_serves_and_prints_base_url() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "langchain_minimax.testing",
            "--port",
            "0",
            "--reply-text",
            "from the cli",
            "--reply-reasoning",
            "",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    with process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", base_url)
            request = urllib.request.Request(
                base_url + "/chat/completions",
                data=json.dumps(chat()).encode(),
                headers={
                    "Authorization": "Bearer any",
                    "Content-Type": "application/json",
                },
            )
            with urllib.request.urlopen(request, timeout=20) as response:
                body = json.loads(response.read())
            assert body["choices"][0]["message"]["content"] == "from the cli"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()  # a hang fails the test instead of the suite
                raise
    assert process.returncode == 0


def test_subpackage_is_standard_library_only() -> None:
    allowed = set(sys.stdlib_module_names) | {"langchain_minimax"}
    for path in TESTING_DIR.glob("*.py"):
        if path.name == "pytest_plugin.py":
            continue  # imported by pytest only (test_pytest_plugin.py)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in allowed, f"{path.name} imports {name}"
                if top == "langchain_minimax":
                    assert name.startswith(STDLIB_MODULES), name


STDLIB_MODULES = (
    "langchain_minimax.testing",
    "langchain_minimax.model_table",
    "langchain_minimax.rules",
)
"""The package's modules the emulator may import: standard library only too."""


@pytest.mark.parametrize("module", STDLIB_MODULES[1:])
def test_shared_tables_are_standard_library_only(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('langchain_core', 'langchain_openai', 'openai', 'pydantic', 'httpx')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["[]"]


def test_import_does_not_load_http_server() -> None:
    code = (
        "import sys, langchain_minimax.testing; "
        "print('langchain_minimax.testing._server' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False"]


def _testing_imports() -> dict[str, set[str]]:
    """Map each module of the testing package to the package modules it imports."""
    graph: dict[str, set[str]] = {}
    for path in TESTING_DIR.glob("*.py"):
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        prefix = "langchain_minimax.testing."
        graph[path.stem] = {
            name.removeprefix(prefix) for name in targets if name.startswith(prefix)
        }
    return graph


def test_the_testing_package_has_no_import_circle() -> None:
    graph = _testing_imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()) - seen:
            if name == goal or reaches(name, goal, seen | {name}):
                return True
        return False

    assert "_emulator" in graph["__init__"]
    assert "_exchange" in graph["_server"]
    circles = [module for module in graph if reaches(module, module, set())]
    assert circles == []


def test_the_server_only_moves_bytes() -> None:
    assert _testing_imports()["_server"] == {"_exchange"}


def test_answers_are_decided_without_a_server() -> None:
    from langchain_minimax.testing._exchange import Request

    emu = MiniMaxEmulator(api_key=KEY)
    emu.add_reply(Reply(content="Hi!"))
    emu.add_fault(SlowResponse(delay=0.5, headers={"x-test": "1"}))
    body = json.dumps({"model": MODEL, "messages": HELLO}).encode()
    auth = {"authorization": f"Bearer {KEY}"}
    answer = emu.answer(Request("POST", "/v1/chat/completions", auth, body))
    assert not emu.is_running
    assert (answer.status, answer.delay, dict(answer.headers)) == (
        200,
        0.5,
        {"x-test": "1"},
    )
    assert json.loads(answer.body)["choices"][0]["message"]["content"] == "Hi!"
    assert answer.events is None
    assert not answer.cut

    denied = emu.answer(Request("POST", "/v1/chat/completions", {}, body))
    assert denied.status == 401
    assert json.loads(denied.body)["error"]["message"] == AUTH_MESSAGE
    assert [r.response_status for r in emu.requests] == [200, 401]


def test_streamed_answers_carry_their_delivery_faults() -> None:
    from langchain_minimax.testing._exchange import Request

    emu = MiniMaxEmulator(api_key=None)
    emu.add_replies([Reply(content="abcdefgh" * 4, chunk_size=8)] * 2)
    emu.add_fault(CutStream(after_chunks=2))
    emu.add_fault(StalledStream(chunk_delay=0.25))
    body = json.dumps({"model": MODEL, "messages": HELLO, "stream": True}).encode()
    request = Request("POST", "/chat/completions", {}, body)

    cut = emu.answer(request)
    assert cut.cut
    assert cut.trailer == b""
    assert cut.events is not None
    assert len(list(cut.events)) == 2

    stalled = emu.answer(request)
    assert not stalled.cut
    assert stalled.event_delay == 0.25
    assert stalled.trailer == b"data: [DONE]\n\n"
    assert stalled.events is not None
    assert all(event.startswith(b"data: {") for event in stalled.events)


# --- hostile bytes: keep-alives, drips, encodings, raw answers ---


def _raw_exchange(
    emu: MiniMaxEmulator, body: dict[str, Any]
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request over http.client; the response (headers) and its raw body."""
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=20)
    try:
        connection.request(
            "POST",
            "/v1/chat/completions",
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {KEY}"},
        )
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_fault_keep_alive_comments_come_before_the_data(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="0123456789", chunk_size=5))
    emu.add_fault(KeepAlive(count=3, interval=0.01, after_chunks=1))
    events = post(emu, chat(stream=True)).data.decode().split("\n\n")[:-1]
    assert events[1:4] == [": keep-alive"] * 3
    data = [json.loads(event[6:]) for event in events if event.startswith("data: {")]
    assert joined(data, "content") == "0123456789"
    assert events[-1] == "data: [DONE]"


def test_fault_dripped_stream_sends_every_byte_alone(emu: MiniMaxEmulator) -> None:
    emu.add_reply(Reply(content="hi"))
    emu.add_fault(DrippedStream(byte_delay=0.001))
    connection = _open(emu, chat(stream=True), timeout=20)
    try:
        response = connection.getresponse()
        # Every read returns what has arrived: a single byte while dripping.
        first = [response.read1(65536) for _ in range(5)]
        rest = response.read()
    finally:
        connection.close()
    assert [len(piece) for piece in first] == [1] * 5
    assert (b"".join(first) + rest).endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize("stream", [False, True])
def test_fault_invalid_utf8(emu: MiniMaxEmulator, stream: bool) -> None:
    emu.add_reply("fine")
    emu.add_fault(InvalidUTF8())
    _, data = _raw_exchange(emu, chat(stream=stream))
    first = data.split(b"\n\n")[0] if stream else data
    assert b"\xff" in first
    with pytest.raises(UnicodeDecodeError):
        first.decode("utf-8")
    assert (b"[DONE]" if stream else b"fine") in data


@pytest.mark.parametrize("stream", [False, True])
def test_fault_deep_json(emu: MiniMaxEmulator, stream: bool) -> None:
    emu.add_reply("after")
    emu.add_fault(DeepJSON(depth=5000))
    _, data = _raw_exchange(emu, chat(stream=stream))
    deep = b'{"choices": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    if stream:
        assert data.startswith(b"data: " + deep + b"\n\n")
        assert b"after" in data
    else:
        assert data == deep
        assert emu.pending_replies == 1


def test_fault_raw_answer_close_delimited(emu: MiniMaxEmulator) -> None:
    emu.add_fault(RawAnswer(body=b'{"id": "x\xe2\x82', close_delimited=True))
    response, data = _raw_exchange(emu, chat())
    assert data == b'{"id": "x\xe2\x82'
    assert response.getheader("Content-Length") is None
    assert response.getheader("Transfer-Encoding") is None
    emu.add_fault(RawAnswer(events=[b"data: 1\n\n", b": c\n\n"], status=503))
    response, data = _raw_exchange(emu, chat(stream=True))
    assert (response.status, data) == (503, b"data: 1\n\n: c\n\n")
    assert response.getheader("Content-Type") == "text/event-stream"
    assert [request.response_status for request in emu.requests] == [200, 503]


@pytest.mark.parametrize("stream", [False, True])
def test_fault_gzip_encodes_the_answer(emu: MiniMaxEmulator, stream: bool) -> None:
    emu.add_replies([Reply(content="same answer", chunk_size=20)] * 2)
    emu.add_fault(InBodyError(code=1002, gzip=True))
    emu.add_fault(NoFinishReason(gzip=True))
    response, data = _raw_exchange(emu, chat(stream=stream))
    assert response.getheader("Content-Encoding") == "gzip"
    assert b'"status_code":1002' in gzip.decompress(data)
    response, data = _raw_exchange(emu, chat(stream=stream))
    plain = gzip.decompress(data)
    assert b"same answer" in plain
    if stream:
        assert plain.endswith(b"data: [DONE]\n\n")
