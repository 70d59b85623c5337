"""MiniMax's chat models: one row per model, the only place model facts live.

Context windows, image input and the thinking switch come from MiniMax's model
documentation. The 128k output limit is documented for MiniMax-M2 (thinking
included) and assumed for the later M2 models, whose pages give none. The
temperature range is the seed documentation's (0.0, 1.0] for the M2 family;
MiniMax-M3's later spec allows [0, 2].

MiniMax-M3's limits come from MiniMax's M3 conformance suite (the public
`MiniMax-Provider-Verifier` repository, `m3_format_check/`): it sends prompts
of just under 1,048,576 tokens and expects HTTP 200 (`M3_INPUT_TOKENS`), and
sends `max_tokens` up to 524,288 and expects HTTP 200 while tolerating a
rejection above it (`m3_text_tests.py` cases 06_09 and 06_10,
`M3_OUTPUT_TOKENS`). MiniMax documents neither number as an exact limit.
"""

from __future__ import annotations

from typing import Any, NamedTuple, cast

from langchain_core.language_models import ModelProfile

DEFAULT_MODEL = "MiniMax-M2"


class TemperatureRange(NamedTuple):
    """Allowed sampling temperatures for a model."""

    low: float
    high: float
    low_inclusive: bool

    def allows(self, value: float) -> bool:
        """Whether `value` is inside the range."""
        above_low = value >= self.low if self.low_inclusive else value > self.low
        return above_low and value <= self.high

    def __str__(self) -> str:
        return f"{'[' if self.low_inclusive else '('}{self.low}, {self.high}]"


class MiniMaxModel(NamedTuple):
    """What is known of one MiniMax chat model."""

    name: str
    max_input_tokens: int
    max_output_tokens: int
    image_inputs: bool
    temperature: TemperatureRange
    thinking_types: tuple[str, ...] = ("adaptive",)
    """The `thinking.type` values the model accepts. The M2 family's thinking
    cannot be switched off (MiniMax's model documentation), and MiniMax's suite
    says a model whose thinking is forced on accepts only `adaptive`."""
    reasoning_effort: bool = False
    """Whether MiniMax documents `reasoning_effort` for the model (its M3 suite;
    models without support ignore the field)."""
    reasoning_field: str = "reasoning_details"
    """How split reasoning that did not come from MiniMax in a known form is
    sent back: `reasoning_details` (MiniMax's documented form for the M2
    family) or `reasoning_content` (MiniMax-M3: the suite's recorded responses
    carry only it, and the suite sends earlier turns back with it)."""


THINKING_TYPES = ("adaptive", "disabled")
"""Every `thinking.type` MiniMax documents (MiniMax-M3 accepts both)."""

M3_INPUT_TOKENS = 1_048_576
"""MiniMax-M3's input window: the prompt size MiniMax's suite probes (2**20)."""

M3_OUTPUT_TOKENS = 524_288
"""MiniMax-M3's output limit: the largest `max_tokens` MiniMax's suite expects
to be accepted (2**19)."""

_M2_TEMPERATURE = TemperatureRange(0.0, 1.0, low_inclusive=False)
_M3_TEMPERATURE = TemperatureRange(0.0, 2.0, low_inclusive=True)

MODELS: dict[str, MiniMaxModel] = {
    row.name: row
    for row in (
        MiniMaxModel("MiniMax-M2", 204_800, 128_000, False, _M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2-Stable", 204_800, 128_000, False, _M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.1", 204_800, 128_000, False, _M2_TEMPERATURE),
        MiniMaxModel(
            "MiniMax-M2.1-highspeed", 204_800, 128_000, False, _M2_TEMPERATURE
        ),
        MiniMaxModel("MiniMax-M2.5", 204_800, 128_000, False, _M2_TEMPERATURE),
        MiniMaxModel(
            "MiniMax-M2.5-highspeed", 204_800, 128_000, False, _M2_TEMPERATURE
        ),
        MiniMaxModel("MiniMax-M2.7", 204_800, 128_000, False, _M2_TEMPERATURE),
        MiniMaxModel(
            "MiniMax-M2.7-highspeed", 204_800, 128_000, False, _M2_TEMPERATURE
        ),
        MiniMaxModel(
            "MiniMax-M3",
            M3_INPUT_TOKENS,
            M3_OUTPUT_TOKENS,
            True,
            _M3_TEMPERATURE,
            thinking_types=THINKING_TYPES,
            reasoning_effort=True,
            reasoning_field="reasoning_content",
        ),
    )
}


def model_row(model_name: str) -> MiniMaxModel | None:
    """The table row for `model_name`, or `None` for an unknown model."""
    return MODELS.get(model_name)


def temperature_range(model_name: str) -> TemperatureRange:
    """The temperature range to enforce; unknown models get the M2 family's."""
    row = MODELS.get(model_name)
    return row.temperature if row else _M2_TEMPERATURE


def thinking_types(model_name: str) -> tuple[str, ...]:
    """The `thinking.type` values to allow; unknown models get every known one."""
    row = MODELS.get(model_name)
    return row.thinking_types if row else THINKING_TYPES


def reasoning_effort_supported(model_name: str) -> bool:
    """Whether to send `reasoning_effort`; unknown models get it passed through."""
    row = MODELS.get(model_name)
    return row.reasoning_effort if row else True


def reasoning_field(model_name: str) -> str:
    """The field rebuilt split reasoning goes back in for `model_name`.

    The one place this is decided (see `MiniMaxModel.reasoning_field`);
    unknown models get `reasoning_details`, the form MiniMax documents for
    its OpenAI-compatible API.
    """
    row = MODELS.get(model_name)
    return row.reasoning_field if row else "reasoning_details"


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
        "video_inputs": row.image_inputs,
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
