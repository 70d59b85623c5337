"""MiniMax's chat models: one row per model, the only place model facts live.

Standard library only: the emulator (`langchain_minimax.testing`) and the
rules table (`langchain_minimax.rules`) read it without importing LangChain;
`langchain_minimax.profiles` builds langchain-core profiles from it.

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

from typing import NamedTuple

__all__ = [
    "MODELS",
    "THINKING_TYPES",
    "MiniMaxModel",
    "TemperatureRange",
    "model_row",
]


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
    roles: tuple[str, ...] = ("system", "user", "assistant", "tool")
    """The message roles the model accepts."""
    several_system_messages: bool = False
    """Whether the model accepts more than one system message."""


THINKING_TYPES = ("adaptive", "disabled")
"""Every `thinking.type` MiniMax documents (MiniMax-M3 accepts both)."""

M3_INPUT_TOKENS = 1_048_576
"""MiniMax-M3's input window: the prompt size MiniMax's suite probes (2**20)."""

M3_OUTPUT_TOKENS = 524_288
"""MiniMax-M3's output limit: the largest `max_tokens` MiniMax's suite expects
to be accepted (2**19)."""

M2_TEMPERATURE = TemperatureRange(0.0, 1.0, low_inclusive=False)
"""The M2 family's temperatures (the seed documentation), also used for
unknown models."""

_M3_TEMPERATURE = TemperatureRange(0.0, 2.0, low_inclusive=True)

_M3_ROLES = ("system", "user", "assistant", "tool", "root")
"""MiniMax-M3 also takes `root`, an instruction role above `system` (suite)."""

MODELS: dict[str, MiniMaxModel] = {
    row.name: row
    for row in (
        MiniMaxModel("MiniMax-M2", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2-Stable", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.1", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.1-highspeed", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.5", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.5-highspeed", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.7", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel("MiniMax-M2.7-highspeed", 204_800, 128_000, False, M2_TEMPERATURE),
        MiniMaxModel(
            "MiniMax-M3",
            M3_INPUT_TOKENS,
            M3_OUTPUT_TOKENS,
            True,
            _M3_TEMPERATURE,
            thinking_types=THINKING_TYPES,
            reasoning_effort=True,
            reasoning_field="reasoning_content",
            roles=_M3_ROLES,
            several_system_messages=True,
        ),
    )
}
"""Every model the package knows, by name."""


def model_row(model_name: str) -> MiniMaxModel | None:
    """The table row for `model_name`, or `None` for an unknown model."""
    return MODELS.get(model_name)
