"""MiniMax's request rules, applied to the payload that `ChatOpenAI` builds.

Everything here runs before a request is sent: a check that fails raises
`ValueError` naming the parameter, its value and what is allowed, so that bad
input never reaches the service. The rewriting functions are pure and work on
the OpenAI-shaped dicts.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from langchain_minimax.profiles import accepts_media, temperature_range
from langchain_minimax.reasoning import attach_reasoning, text_of

IGNORED_PARAMS = ("presence_penalty", "frequency_penalty", "logit_bias")
"""Parameters MiniMax documents as ignored; they are dropped before sending."""

_MEDIA_BLOCK_TYPES = frozenset(
    {"image", "image_url", "audio", "input_audio", "file", "video", "video_url"}
)


def check_temperature(model_name: str, temperature: float | None) -> None:
    """Reject a temperature outside the model's documented range.

    Raises:
        ValueError: When `temperature` is outside the range.
    """
    if temperature is None:
        return
    allowed = temperature_range(model_name)
    if allowed.allows(temperature):
        return
    hint = (
        " For the most deterministic output use a small positive value such as"
        " 0.01 (MiniMax recommends 1.0)."
        if temperature <= allowed.low
        else ""
    )
    msg = (
        f"temperature={temperature!r} is outside {model_name}'s range {allowed}.{hint}"
    )
    raise ValueError(msg)


def check_params(model_name: str, params: Mapping[str, Any]) -> None:
    """Reject parameters MiniMax cannot honour, before anything is sent.

    Args:
        model_name: The model the request is for.
        params: Construction, per-call or `bind` parameters.

    Raises:
        ValueError: For `n` other than 1, legacy `functions`/`function_call`, or
            an out-of-range `temperature`.
    """
    n = params.get("n")
    if n is not None and n != 1:
        msg = f"n={n!r} is not supported: MiniMax returns one choice (n=1) only."
        raise ValueError(msg)
    for legacy in ("functions", "function_call"):
        if params.get(legacy) is not None:
            msg = (
                f"{legacy}= is the deprecated OpenAI function-calling interface, "
                "which MiniMax does not accept; use bind_tools(...) (sent as "
                "`tools`) instead."
            )
            raise ValueError(msg)
    check_temperature(model_name, params.get("temperature"))


def warn_ignored(names: Iterable[str]) -> None:
    """Warn once that MiniMax ignores `names`, which will not be sent."""
    names = list(names)
    if names:
        warnings.warn(
            f"MiniMax ignores {', '.join(names)}; not sending "
            f"{'it' if len(names) == 1 else 'them'}.",
            UserWarning,
            stacklevel=4,
        )


def check_media(model_name: str, messages: Sequence[BaseMessage]) -> None:
    """Reject image, audio, video or file input to a text-only model.

    Raises:
        ValueError: Naming the first message and block type that is not text.
    """
    if accepts_media(model_name):
        return
    for position, message in enumerate(messages):
        if not isinstance(message.content, list):
            continue
        for block in message.content:
            if isinstance(block, dict) and block.get("type") in _MEDIA_BLOCK_TYPES:
                msg = (
                    f"{model_name} takes text input only, but messages[{position}] "
                    f"({message.type}) has a {block['type']!r} content block. "
                    "Use model='MiniMax-M3' for image and video input."
                )
                raise ValueError(msg)


def request_extra_body(
    model_extra_body: Mapping[str, Any] | None,
    call_extra_body: Mapping[str, Any] | None,
    reasoning_split: bool,
) -> dict[str, Any]:
    """Merge `reasoning_split` with the model's and the call's `extra_body`.

    A per-call value wins over the model's, which wins over the
    `reasoning_split` field; no other key is dropped.
    """
    return {
        "reasoning_split": reasoning_split,
        **(model_extra_body or {}),
        **(call_extra_body or {}),
    }


def apply_message_rules(
    message_dicts: list[dict[str, Any]],
    messages: Sequence[BaseMessage],
    *,
    reasoning_split: bool,
) -> None:
    """Rewrite the outgoing message dicts for MiniMax, in place.

    Every assistant dict gets its message's reasoning back (see
    `reasoning.attach_reasoning`) and its content flattened to a string, the
    only assistant content form MiniMax documents.

    Args:
        message_dicts: The dicts `ChatOpenAI` built, one per message.
        messages: The messages they were built from, in the same order.
        reasoning_split: Whether the request asks for split reasoning.
    """
    for message_dict, message in zip(message_dicts, messages, strict=True):
        if not isinstance(message, AIMessage):
            continue
        if isinstance(message_dict.get("content"), list):
            message_dict["content"] = text_of(message_dict["content"])
        attach_reasoning(message_dict, message, reasoning_split=reasoning_split)
