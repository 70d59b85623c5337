"""Per-model answers drawn from the model table, and langchain-core profiles.

The facts themselves, with their sources, live in
`langchain_minimax.model_table` (standard library only, shared with the
emulator).
"""

from __future__ import annotations

import warnings
from typing import Any, cast

from langchain_core.language_models import ModelProfile

from langchain_minimax.model_table import (
    DEFAULT_MODEL,
    M2_TEMPERATURE,
    MODELS,
    THINKING_TYPES,
    MiniMaxModel,
    TemperatureRange,
    model_row,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "THINKING_TYPES",
    "MiniMaxModel",
    "TemperatureRange",
    "accepts_media",
    "model_profile",
    "model_row",
    "reasoning_field",
    "retirement_warning",
    "warn_if_retired",
    "temperature_range",
    "thinking_types",
]


def temperature_range(model_name: str) -> TemperatureRange:
    """The temperature range to enforce; unknown models get the M2 family's."""
    row = MODELS.get(model_name)
    return row.temperature if row else M2_TEMPERATURE


def thinking_types(model_name: str) -> tuple[str, ...]:
    """The `thinking.type` values to allow; unknown models get every known one."""
    row = MODELS.get(model_name)
    return row.thinking_types if row else THINKING_TYPES


def reasoning_field(model_name: str) -> str:
    """The field rebuilt split reasoning goes back in for `model_name`.

    The one place this is decided (see `MiniMaxModel.reasoning_field`);
    unknown models get `reasoning_details`, the form MiniMax documents for
    its OpenAI-compatible API.
    """
    row = MODELS.get(model_name)
    return row.reasoning_field if row else "reasoning_details"


_WARNED: set[str] = set()


def retirement_warning(row: MiniMaxModel | None) -> str | None:
    """The warning for a model whose retirement MiniMax announced, else `None`.

    A retirement known only from a secondary source gives none (the model
    table records it; docs/models.md shows it).
    """
    if row is None or row.retirement is None:
        return None
    retirement = row.retirement
    if not retirement.announced_by_minimax:
        return None
    return (
        f"{row.name} is retired on {retirement.date} (MiniMax: "
        f"{retirement.source}); use model={retirement.successor!r}."
    )


def warn_if_retired(model_name: str) -> None:
    """Warn once per process (`FutureWarning`) that `model_name` is retired."""
    message = retirement_warning(MODELS.get(model_name))
    if message is not None and model_name not in _WARNED:
        _WARNED.add(model_name)
        warnings.warn(message, FutureWarning, stacklevel=4)


def accepts_media(model_name: str) -> bool:
    """Whether the model takes image (or other media) input.

    Unknown names are allowed through, so that a model released after this
    package is not blocked by it.
    """
    row = MODELS.get(model_name)
    return row.image_inputs if row else True


def model_profile(model_name: str) -> ModelProfile | None:
    """A langchain-core `ModelProfile` for `model_name` (`None` when unknown).

    The temperature range is not a `ModelProfile` key (langchain-core warns on
    unknown keys); `temperature_range()` and `ChatMiniMax.temperature_range`
    give it.
    """
    row = MODELS.get(model_name)
    if row is None:
        return None
    profile: dict[str, Any] = {
        "name": row.name,
        "max_input_tokens": row.max_input_tokens,
        "max_output_tokens": row.max_output_tokens,
        "text_inputs": True,
        "image_inputs": row.image_inputs,
        "image_url_inputs": row.image_inputs,
        "pdf_inputs": False,
        "audio_inputs": False,
        "video_inputs": "video" in row.input_modalities,
        "text_outputs": True,
        "image_outputs": False,
        "audio_outputs": False,
        "video_outputs": False,
        "reasoning_output": True,
        "tool_calling": True,
        # The service accepts `tool_choice` but honours only "auto" and "none".
        "tool_choice": False,
        "tool_call_streaming": True,
        # Only one system message, and only first: later ones are merged into it.
        "mid_conversation_system_messages": False,
        "structured_output": False,
    }
    return cast("ModelProfile", profile)
