"""Reading MiniMax's additions to a response message (`reader.read_completion`)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from langchain_minimax import ChatMiniMax
from langchain_minimax.reader import SERVICE_NAME

MODEL = ChatMiniMax(api_key="k")

DETAIL = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
    "index": 0,
    "text": "why",
}


def _read(message: dict[str, Any]) -> AIMessage:
    body = {
        "id": "r",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", **message},
            }
        ],
    }
    result = MODEL._create_chat_result(body)
    read = result.generations[0].message
    assert isinstance(read, AIMessage)
    return read


def test_split_message() -> None:
    message = _read(
        {"content": "Answer", "reasoning_details": [DETAIL], "name": SERVICE_NAME}
    )
    assert message.additional_kwargs == {
        "reasoning_details": [DETAIL],
        "reasoning_content": "why",
    }
    assert message.name is None
    assert message.response_metadata["model_provider"] == "minimax"


def test_inline_message_keeps_content() -> None:
    content = "<think>\nwhy\n</think>\n\nAnswer"
    message = _read({"content": content})
    assert message.content == content
    assert message.additional_kwargs == {"reasoning_content": "why"}


def test_plain_message_and_other_names() -> None:
    message = _read({"content": "Answer", "name": "researcher"})
    assert message.additional_kwargs == {}
    assert message.name == "researcher"
