"""Reading what MiniMax adds to an OpenAI-shaped response message or delta."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_minimax.reasoning import read_reasoning, split_think

PROVIDER = "minimax"

SERVICE_NAME = "MiniMax AI"
"""The `name` MiniMax puts on every assistant message and delta.

It labels the service, not a conversation participant: it is not kept, so that
streamed and non-streamed messages are equal and the label is not echoed back
as a participant name in the next request.
"""


def wire_dict(obj: Any) -> dict[str, Any]:
    """The JSON dict of an `openai` response object (or the dict itself)."""
    if isinstance(obj, dict):
        return obj
    dumped: dict[str, Any] = obj.model_dump(warnings=False)
    return dumped


def annotate_message(message: BaseMessage, wire_message: Mapping[str, Any]) -> None:
    """Copy MiniMax's reasoning from a response message onto `message`, in place.

    Split reasoning (`reasoning_details`, `reasoning_content`) goes into
    `additional_kwargs` as received. Inline reasoning stays in `content`, as
    MiniMax wants it back, and its text is also put in
    `additional_kwargs["reasoning_content"]`, where UIs and other providers look.

    Args:
        message: The message `ChatOpenAI` built from `wire_message`.
        wire_message: The choice's `message` dict as received.
    """
    message.additional_kwargs.update(read_reasoning(wire_message))
    content = message.content
    if "reasoning_content" not in message.additional_kwargs and isinstance(
        content, str
    ):
        reasoning = split_think(content).reasoning
        if reasoning is not None:
            message.additional_kwargs["reasoning_content"] = reasoning
    if message.name == SERVICE_NAME:
        message.name = None
    message.response_metadata["model_provider"] = PROVIDER
