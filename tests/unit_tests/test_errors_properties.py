"""Property tests: malformed MiniMax responses never escape as surprises.

Arbitrary response bodies go into `ChatMiniMax._create_chat_result`, and
arbitrary chunk sequences are streamed through the real `openai` client (over a
mock transport) into `_convert_chunk_to_generation_chunk` and `StreamReader`.
Either one of the package's documented exceptions (`MiniMaxError`) is raised,
or the result keeps everything that was received: content, reasoning and tool
calls.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk

# The SDK's own unvalidated construction, as its client applies it to any body;
# a test may use it, the package may not (tests/unit_tests/test_upstream.py).
from openai._models import construct_type
from openai.types.chat import ChatCompletion

from langchain_minimax import ChatMiniMax, MiniMaxError
from langchain_minimax.reasoning import read_reasoning
from langchain_minimax.tool_calls import (
    REPAIR_STOPS,
    arguments_valid,
    summed_call_valid,
)

pytestmark = pytest.mark.filterwarnings(
    # langchain-openai dumps malformed chunks that the SDK parsed without
    # validation; pydantic warns about the unexpected types.
    "ignore:Pydantic serializer warnings:UserWarning"
)

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.text(max_size=4)
)
ANY_JSON = st.recursive(
    LEAF,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
TEXT = st.text(alphabet=st.characters(blacklist_characters="<"), max_size=6)


def maybe(well_typed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the well-typed value MiniMax sends, sometimes any JSON at all."""
    return st.integers(0, 19).flatmap(lambda n: ANY_JSON if n == 0 else well_typed)


def fields(
    required: dict[str, st.SearchStrategy[Any]] | None = None,
    **optional: st.SearchStrategy[Any],
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(required or {}, optional=optional)


ARGUMENTS = st.sampled_from(['{"city": "Paris"}', "{}", "", '{"cit', "5", "[]", "null"])
FINISH = st.sampled_from(["stop", "length", "tool_calls"])
DETAIL = fields(
    type=maybe(st.just("reasoning.text")),
    id=maybe(st.just("reasoning-text-1")),
    format=maybe(st.just("MiniMax-response-v1")),
    index=maybe(st.integers(0, 1)),
    text=maybe(TEXT),
)
USAGE = fields(
    prompt_tokens=maybe(st.integers(0, 9)),
    completion_tokens=maybe(st.integers(0, 9)),
    total_tokens=maybe(st.integers(0, 9)),
    total_characters=maybe(st.just(0)),
    completion_tokens_details=maybe(fields(reasoning_tokens=maybe(st.integers(0, 9)))),
    prompt_tokens_details=maybe(fields(cached_tokens=maybe(st.integers(0, 9)))),
)
BASE_RESP = fields(
    {
        "status_code": maybe(st.sampled_from([0, 0, 0, 1002, 1004, 2013, 7777])),
        "status_msg": maybe(TEXT),
    }
)
TOP = {
    "id": maybe(TEXT),
    "model": maybe(st.just("MiniMax-M2")),
    "usage": maybe(USAGE),
    "base_resp": maybe(BASE_RESP),
    "error": maybe(st.none()),
    "object": ANY_JSON,
}
FUNCTION = fields({"name": maybe(TEXT), "arguments": maybe(ARGUMENTS)})
TOOL_CALL = fields(
    {
        "id": maybe(st.just("call_function_1_1")),
        "type": maybe(st.just("function")),
        "function": maybe(FUNCTION),
    }
)
STREAMED_TOOL_CALL = fields(
    {"index": maybe(st.integers(0, 1)), "function": maybe(FUNCTION)},
    id=maybe(st.just("call_function_1_1")),
    type=maybe(st.just("function")),
)
REASONING = {
    "name": maybe(st.just("MiniMax AI")),
    "audio_content": maybe(st.just("")),
    "reasoning_content": maybe(TEXT),
    "reasoning_details": maybe(st.lists(DETAIL, max_size=2)),
}
MESSAGE = fields(
    {"role": maybe(st.just("assistant")), "content": maybe(TEXT)},
    tool_calls=maybe(st.lists(TOOL_CALL, max_size=2)),
    **REASONING,
)
DELTA = fields(
    role=maybe(st.sampled_from(["assistant", ""])),
    content=maybe(TEXT),
    tool_calls=maybe(st.lists(STREAMED_TOOL_CALL, max_size=2)),
    **REASONING,
)
CHOICE = fields(
    {"finish_reason": maybe(FINISH), "message": maybe(MESSAGE)},
    index=maybe(st.just(0)),
)
BODY = st.one_of(
    *[fields({"choices": maybe(st.lists(CHOICE, min_size=1, max_size=2))}, **TOP)] * 8,
    ANY_JSON,
)
STREAMED_CHOICE = fields(
    {"delta": maybe(DELTA)}, finish_reason=maybe(FINISH), index=maybe(st.just(0))
)
CHUNK = maybe(
    st.one_of(
        fields({"choices": maybe(st.lists(STREAMED_CHOICE, min_size=1, max_size=1))}),
        fields({"choices": st.just([])}, **TOP),
    )
)
CHUNKS = st.lists(CHUNK, max_size=5)


@pytest.fixture(scope="module")
def model() -> ChatMiniMax:
    return ChatMiniMax(api_key="property-key", max_retries=0)


def reasoning_of(wire: dict[str, Any]) -> str:
    return read_reasoning(wire).get("reasoning_content", "")


# --- non-streamed bodies ---


@SETTINGS
@given(body=BODY, parsed=st.booleans())
def test_create_chat_result_keeps_or_raises(
    model: ChatMiniMax, body: Any, parsed: bool
) -> None:
    snapshot = json.dumps(body)
    # The SDK hands over a `ChatCompletion` built without validation.
    response = construct_type(type_=ChatCompletion, value=body) if parsed else body
    try:
        result = model._create_chat_result(response)
    except MiniMaxError as error:
        if not parsed:
            kept = json.dumps(error.body)
            assert kept == snapshot, "the exception keeps the body as received"
        return
    assert len(result.generations) == len(body["choices"])
    for generation, choice in zip(result.generations, body["choices"], strict=True):
        wire = choice["message"]
        message = generation.message
        assert isinstance(message, AIMessage)
        assert message.content == (wire.get("content") or "")
        assert message.additional_kwargs.get("reasoning_content", "") == reasoning_of(
            wire
        )
        if wire.get("reasoning_details"):
            assert (
                message.additional_kwargs["reasoning_details"]
                == (wire["reasoning_details"])
            )
        calls = wire.get("tool_calls") or []
        kept = [*message.tool_calls, *message.invalid_tool_calls]
        assert len(kept) == len(calls)
        assert Counter(call["name"] for call in kept) == Counter(
            call["function"]["name"] for call in calls
        )
        assert generation.generation_info is not None
        assert generation.generation_info["finish_reason"] == choice["finish_reason"]


# --- streamed chunk sequences ---


def sse(chunks: list[Any]) -> bytes:
    events = [b"data: " + json.dumps(chunk).encode() + b"\n\n" for chunk in chunks]
    return b"".join(events) + b"data: [DONE]\n\n"


@SETTINGS
@given(chunks=CHUNKS)
def test_stream_keeps_or_raises(chunks: list[Any]) -> None:
    def handler(request: Any) -> Any:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=sse(chunks)
        )

    streaming = ChatMiniMax(
        api_key="property-key",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    received: list[AIMessageChunk] = []
    try:
        for chunk in streaming.stream("q"):
            received.append(chunk)
    except MiniMaxError:
        return
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks if chunk.get("choices")]
    total = AIMessageChunk(content="")
    for chunk in received:
        total += chunk
    assert total.content == "".join(delta.get("content") or "" for delta in deltas)
    assert total.additional_kwargs.get("reasoning_content", "") == "".join(
        reasoning_of(delta) for delta in deltas
    )
    fragments: dict[int, str] = {}
    for delta in deltas:
        for call in delta.get("tool_calls") or []:
            arguments = call["function"].get("arguments")
            if isinstance(arguments, dict):  # a relay's object: read as its JSON
                arguments = json.dumps(arguments, ensure_ascii=False)
            fragments[call["index"]] = fragments.get(call["index"], "") + (
                arguments or ""
            )
    summed = {chunk["index"]: chunk["args"] or "" for chunk in total.tool_call_chunks}
    assert summed.keys() == fragments.keys()
    reasons = [c["choices"][0].get("finish_reason") for c in chunks if c.get("choices")]
    cut = [reason for reason in reasons if reason][-1:] == ["length"]
    for index, arguments in fragments.items():
        valid = arguments_valid(arguments, cut=cut and index == max(fragments))
        # Broken arguments keep a marker that stops their repair (tool_calls.py),
        # after all their fragments, also those after finish_reason ...
        assert summed[index].startswith(arguments)
        assert summed[index][len(arguments) :] in ("", *REPAIR_STOPS)
        assert summed[index] == arguments or not valid
        # ... and so never sum to a valid call.
        assert valid or not summed_call_valid(summed[index])
    finishes = [
        chunk["choices"][0].get("finish_reason")
        for chunk in chunks
        if chunk.get("choices")
    ]
    assert any(finishes), "a stream without finish_reason must raise"
