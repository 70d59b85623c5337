"""Pure tests of `langchain_minimax._response_shape`: what an answer must look like."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from langchain_minimax._raising import CallContext
from langchain_minimax._response_shape import (
    check_chunk,
    check_completion,
    unfinished_stream,
)
from langchain_minimax.errors import (
    MiniMaxResponseError,
    MiniMaxServerError,
    MiniMaxUsageLimitError,
)

URL = "https://api.minimax.io/v1/chat/completions"
CONTEXT = CallContext(url=URL, model="MiniMax-M2")


def test_unfinished_stream() -> None:
    context = CallContext(url=URL, model="M", streaming=True, chunks=7)
    error = unfinished_stream(context)
    assert isinstance(error, MiniMaxResponseError)
    assert "ended after 7 chunks without a finish_reason" in str(error)


def completion(**message: Any) -> dict[str, Any]:
    return {
        "id": "1",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "hi", **message},
            }
        ],
        "base_resp": {"status_code": 0, "status_msg": ""},
    }


def test_check_completion_accepts_a_good_body() -> None:
    body = completion(
        reasoning_details=[
            {
                "type": "reasoning.text",
                "id": "r",
                "format": "f",
                "index": 0,
                "text": "t",
            }
        ],
        tool_calls=[
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "f", "arguments": "{}"},
            }
        ],
    )
    assert check_completion(body, CONTEXT) is body


def test_check_completion_accepts_an_openai_object() -> None:
    body = completion()
    parsed = openai.types.chat.ChatCompletion.construct(**body)
    assert check_completion(parsed, CONTEXT)["choices"][0]["message"]["content"] == (
        "hi"
    )


BAD_COMPLETIONS: dict[str, tuple[Any, str]] = {
    "text": ("<html>oops</html>", "not a JSON object: '<html>oops</html>'"),
    "list": ([1], "not a JSON object"),
    "no_choices_key": ({"id": "1"}, "has null for choices"),
    "null_choices": ({"choices": None}, "has null for choices"),
    "empty_choices": ({"choices": []}, "has no choices"),
    "choice_not_object": ({"choices": ["x"]}, "a string for choices[0]"),
    "no_message": (
        {"choices": [{"finish_reason": "stop"}]},
        "choices[0].message is null",
    ),
    "content_number": (completion(content=5), "message.content is a number"),
    "tool_calls_object": (completion(tool_calls={}), "tool_calls is an object"),
    "arguments_list": (
        completion(tool_calls=[{"function": {"name": "f", "arguments": []}}]),
        "function.arguments is a list, not a string or an object",
    ),
    "details_text_list": (
        completion(reasoning_details=[{"text": []}]),
        "reasoning_details[0].text is a list",
    ),
    "no_finish_reason": (
        {
            "choices": [
                {
                    "message": {"role": "assistant", "content": "half"},
                    "finish_reason": None,
                }
            ]
        },
        "choices[0] has no finish_reason",
    ),
    "not_assistant": (completion(role="user"), "message.role is 'user'"),
    "no_role": (completion(role=None), "message.role is None"),
    "no_function": (completion(tool_calls=[{"id": "c"}]), "function is null"),
    "usage_text": ({**completion(), "usage": {"prompt_tokens": "3"}}, "usage.prompt"),
    "model_number": ({**completion(), "model": 5}, "the response.model is a number"),
}


@pytest.mark.parametrize("case", list(BAD_COMPLETIONS))
def test_check_completion_rejects(case: str) -> None:
    body, problem = BAD_COMPLETIONS[case]
    with pytest.raises(MiniMaxResponseError, match="MiniMax sent") as info:
        check_completion(body, CONTEXT)
    assert problem in str(info.value)
    assert info.value.body == body


def test_check_completion_raises_the_reported_failure() -> None:
    body = {"choices": None, "base_resp": {"status_code": 2056, "status_msg": "u"}}
    with pytest.raises(MiniMaxUsageLimitError):
        check_completion(body, CONTEXT)
    with pytest.raises(MiniMaxServerError, match="boom"):
        check_completion({"error": "boom"}, CONTEXT)


@pytest.mark.parametrize(
    "chunk",
    [
        {"choices": [{"index": 0, "delta": {"content": "a"}}]},
        {"choices": [{"index": 0, "delta": {"role": ""}, "finish_reason": "stop"}]},
        {"choices": None, "usage": None},
        {"choices": [], "usage": {"total_tokens": 3}},
        {"id": "no choices"},
        {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {}}]}}]},
    ],
)
def test_check_chunk_accepts(chunk: Any) -> None:
    check_chunk(chunk, lambda: CONTEXT)


BAD_CHUNKS: dict[str, tuple[Any, str]] = {
    "not_object": ("text", "stream chunk that is a string"),
    "choices_object": ({"choices": {}}, "has an object for choices"),
    "two_choices": ({"choices": [{}, {}]}, "has 2 choices; MiniMax sends one"),
    "delta_list": ({"choices": [{"delta": []}]}, "delta is a list"),
    "content_list": (
        {"choices": [{"delta": {"content": ["a"]}}]},
        "delta.content is a list",
    ),
    "finish_number": (
        {"choices": [{"delta": {}, "finish_reason": 1}]},
        "finish_reason is a number",
    ),
    "tool_index_string": (
        {"choices": [{"delta": {"tool_calls": [{"index": "0", "function": {}}]}}]},
        "tool_calls[0].index is a string",
    ),
    "tool_without_function": (
        {"choices": [{"delta": {"tool_calls": [{"index": 0}]}}]},
        "tool_calls[0].function is null",
    ),
    "user_role": ({"choices": [{"delta": {"role": "user"}}]}, "role is 'user'"),
    "null_delta": ({"choices": [{"delta": None}]}, "delta is null"),
    "usage_details": (
        {"choices": [], "usage": {"completion_tokens_details": []}},
        "usage.completion_tokens_details is a list",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHUNKS))
def test_check_chunk_rejects(case: str) -> None:
    chunk, problem = BAD_CHUNKS[case]
    with pytest.raises(MiniMaxResponseError) as info:
        check_chunk(chunk, lambda: CONTEXT)
    assert problem in str(info.value)
    assert info.value.body == chunk


def test_check_chunk_leaves_reported_failures_to_the_client() -> None:
    """A chunk's `base_resp` failure is the client's to raise (checked once)."""
    chunk = {"choices": None, "base_resp": {"status_code": 1027, "status_msg": "o"}}
    check_chunk(chunk, lambda: CONTEXT)
