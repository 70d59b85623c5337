"""Reading MiniMax's additions to a response message (pure)."""

from __future__ import annotations

from langchain_core.messages import AIMessage

from langchain_minimax.reader import SERVICE_NAME, read_message

DETAIL = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
    "index": 0,
    "text": "why",
}


def test_split_message() -> None:
    message = AIMessage("Answer", name=SERVICE_NAME)
    read_message(
        message,
        {"content": "Answer", "reasoning_details": [DETAIL], "name": SERVICE_NAME},
    )
    assert message.additional_kwargs == {
        "reasoning_details": [DETAIL],
        "reasoning_content": "why",
    }
    assert message.name is None
    assert message.response_metadata["model_provider"] == "minimax"


def test_inline_message_keeps_content() -> None:
    content = "<think>\nwhy\n</think>\n\nAnswer"
    message = AIMessage(content)
    read_message(message, {"content": content})
    assert message.content == content
    assert message.additional_kwargs == {"reasoning_content": "why"}


def test_plain_message_and_other_names() -> None:
    message = AIMessage("Answer", name="researcher")
    read_message(message, {"content": "Answer"})
    assert message.additional_kwargs == {}
    assert message.name == "researcher"
