"""Reading what MiniMax adds to an OpenAI-shaped response message or delta."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_minimax.reasoning import inline_reasoning, read_reasoning

PROVIDER = "minimax"

SERVICE_NAME = "MiniMax AI"
"""The `name` MiniMax puts on every assistant message and delta.

It labels the service, not a conversation participant: it is not kept, so that
streamed and non-streamed messages are equal and the label is not echoed back
as a participant name in the next request.
"""


MODERATION = "moderation"
"""The `response_metadata` key of MiniMax's content-moderation verdict."""

SENSITIVE_CATEGORIES = {
    1: "severe_violation",
    2: "pornography",
    3: "advertising",
    4: "prohibited",
    5: "abuse",
    6: "violence_or_terrorism",
    7: "other",
}
"""MiniMax's `input_sensitive_type` / `output_sensitive_type` codes (MiniMax's
API reference for the OpenAI-compatible endpoint), by the name reported."""


_MODERATION_FIELDS = tuple(
    (
        f"{side}_sensitive",
        f"{side}_flagged",
        f"{side}_sensitive_type",
        f"{side}_category",
    )
    for side in ("input", "output")
)


def read_moderation(body: Mapping[str, Any]) -> dict[str, Any]:
    """MiniMax's content-moderation flags of a response or stream chunk.

    MiniMax puts them at the top level of every response and chunk:
    `input_sensitive` / `output_sensitive` (booleans), `input_sensitive_type` /
    `output_sensitive_type` (a category code, 0 when not flagged) and
    `output_sensitive_int` (not explained by MiniMax).

    Args:
        body: The response body or stream chunk, as received.

    Returns:
        For `response_metadata["moderation"]`, the fields MiniMax sent:
        `input_flagged` and `output_flagged` (the booleans), `input_category`
        and `output_category` (a `SENSITIVE_CATEGORIES` name such as
        `"pornography"`, `"code N"` for a code MiniMax does not document, and
        absent for 0), and `output_sensitive_int` as sent. Empty when the body
        has none of them.
    """
    out: dict[str, Any] = {}
    # Field names spelled out, not formatted: this runs for every stream chunk.
    for flag, flagged_name, type_field, category_name in _MODERATION_FIELDS:
        flagged = body.get(flag)
        if isinstance(flagged, bool):
            out[flagged_name] = flagged
        code = body.get(type_field)
        if isinstance(code, int) and code:
            out[category_name] = SENSITIVE_CATEGORIES.get(code, f"code {code}")
    if body.get("output_sensitive_int") is not None:
        out["output_sensitive_int"] = body["output_sensitive_int"]
    return out


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
    MiniMax wants it back, and its text (without the framing newlines, as
    split mode gives it) is also put in `additional_kwargs["reasoning_content"]`,
    where UIs and other providers look.

    Args:
        message: The message `ChatOpenAI` built from `wire_message`.
        wire_message: The choice's `message` dict as received.
    """
    message.additional_kwargs.update(read_reasoning(wire_message))
    content = message.content
    if "reasoning_content" not in message.additional_kwargs and isinstance(
        content, str
    ):
        reasoning = inline_reasoning(content)
        if reasoning is not None:
            message.additional_kwargs["reasoning_content"] = reasoning
    if message.name == SERVICE_NAME:
        message.name = None
    message.response_metadata["model_provider"] = PROVIDER
