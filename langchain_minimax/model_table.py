"""MiniMax's chat models: one row per model, the only place model facts live.

Standard library only: the emulator (`langchain_minimax.testing`) and the
rules table (`langchain_minimax.rules`) read it without importing LangChain;
`langchain_minimax.profiles` builds langchain-core profiles from it and
docs/models.md renders it (a test keeps them equal).

Every row says where each fact comes from, in `MiniMaxModel.sources`, with
the names of the project's wire notes (`minimax-api.md`): "MiniMax's docs"
(MiniMax's model pages, API reference and Chat Completions spec), "MiniMax's
suite" (the public `MiniMax-Provider-Verifier` conformance suite), "seen" (a
capture of the live service published by another client) and "secondary"
(a report that quotes MiniMax without a MiniMax page to check).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "REASONING_EFFORTS",
    "THINKING_TYPES",
    "MiniMaxModel",
    "Retirement",
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


class Retirement(NamedTuple):
    """A model's announced end of service."""

    date: str
    """The day the model stops being served (ISO 8601)."""
    successor: str
    """The model to use instead."""
    source: str
    """Who says so, and when."""
    announced_by_minimax: bool
    """`True` when MiniMax itself announced it (then `ChatMiniMax` warns);
    `False` for a secondary source only (the table says so, nothing warns)."""


class MiniMaxModel(NamedTuple):
    """What is known of one MiniMax chat model, with the sources."""

    name: str
    max_input_tokens: int
    """The largest prompt the service accepts, in tokens (the context window)."""
    max_output_tokens: int
    """The hard maximum of `max_tokens` / `max_completion_tokens` (thinking
    included), not the recommended value."""
    output_limit_enforced: bool
    """Whether a capture shows the service rejecting more than
    `max_output_tokens` (then it is checked before sending; else a larger
    value only warns)."""
    input_modalities: tuple[str, ...]
    """`"text"`, and `"image"` / `"video"` for the models that take them."""
    temperature: TemperatureRange
    thinking_types: tuple[str, ...]
    """The `thinking.type` values the service accepts for the model."""
    reasoning_efforts: tuple[str, ...]
    """The `reasoning_effort` values MiniMax documents for the model; empty
    when it documents none (the field is then not sent)."""
    effort_tunes_depth: bool
    """`False` where MiniMax says `reasoning_effort` does not change the
    reasoning (MiniMax-M3): the field is not sent, with a warning."""
    split_reasoning: tuple[str, ...]
    """The message fields reasoning arrives in with `reasoning_split`."""
    reasoning_field: str
    """Where reasoning that arrived in no MiniMax form (another provider, a
    rebuilt message) goes back with `reasoning_split`: `reasoning_details` or
    `reasoning_content`. Reasoning from MiniMax goes back as it came."""
    roles: tuple[str, ...]
    """The message roles the model accepts."""
    several_system_messages: bool
    """Whether the model accepts more than one system message."""
    released: str
    """When the model became generally available (ISO 8601), `""` if unknown."""
    retirement: Retirement | None
    """The announced end of service, if any."""
    sources: dict[str, str]
    """The source and date of each fact, by field name."""

    @property
    def image_inputs(self) -> bool:
        """Whether the model takes images (and video) in user messages."""
        return "image" in self.input_modalities


THINKING_TYPES = ("adaptive", "disabled")
"""Every `thinking.type` MiniMax documents."""

REASONING_EFFORTS = ("low", "medium", "high", "xhigh", "max")
"""The `reasoning_effort` values MiniMax documents (suite; docs for
MiniMax-M3.1-Flash)."""

DEFAULT_MODEL = "MiniMax-M2"
"""The model `ChatMiniMax` uses when none is named (see docs/models.md for why)."""

M2_TEMPERATURE = TemperatureRange(0.0, 1.0, low_inclusive=False)
"""The M2 family's temperatures (the seed documentation), also used for
unknown models: every MiniMax model accepts them."""

_M3_TEMPERATURE = TemperatureRange(0.0, 2.0, low_inclusive=True)

_ROLES = ("system", "user", "assistant", "tool")
_M3_ROLES = (*_ROLES, "root")
_TEXT = ("text",)
_MEDIA = ("text", "image", "video")
_BOTH = ("reasoning_content", "reasoning_details")

_M2_SOURCES = {
    "max_input_tokens": "MiniMax's docs (model pages)",
    "max_output_tokens": "MiniMax's docs: 128k tokens including thinking (M2 page)",
    "input_modalities": "MiniMax's docs: image and audio input not supported",
    "temperature": "MiniMax's docs (seed): (0.0, 1.0]",
    "thinking_types": "MiniMax's docs: thinking cannot be switched off; "
    "MiniMax's suite: `disabled` gets HTTP 400 where thinking is forced on",
    "reasoning_efforts": "none documented; MiniMax's suite: unsupported "
    "models ignore the field",
    "split_reasoning": "MiniMax's docs (`reasoning_details`); seen 2026-09: "
    "newer service versions also send `reasoning_content`",
    "reasoning_field": "MiniMax's docs: `reasoning_details` goes back in history",
    "several_system_messages": "seen: a second system message gets "
    "`invalid chat setting (2013)`",
}
_M2X_SOURCES = {
    **_M2_SOURCES,
    "max_output_tokens": "MiniMax's docs (Chat Completions spec): "
    "`max_completion_tokens` recommended 65,536, maximum 204,800; seen: a live "
    "M2.7 accepted 100,000 (disputed: not seen enforced)",
}
_M2_RETIRED = Retirement(
    "2026-11-18",
    "MiniMax-M3.1-Flash",
    "secondary: a report quoting MiniMax's models page, 2026-10 (closed to new "
    "users 2026-10-19; coding-plan requests served by MiniMax-M3.1-Flash)",
    announced_by_minimax=False,
)
_M3_SOURCES = {
    "max_input_tokens": "MiniMax's docs: 1,000,000; seen 2026-06-23: about "
    "1,000,180 prompt tokens accepted, 1,048,576 rejected (2013)",
    "max_output_tokens": "seen 2026-06-23: `does not support max tokens > 524288`",
    "input_modalities": "MiniMax's docs, MiniMax's suite (image_url, video_url)",
    "temperature": "MiniMax's docs (later spec): [0, 2]",
    "thinking_types": "MiniMax's docs and suite: adaptive or disabled; seen: "
    "`enabled` gets 400",
    "reasoning_efforts": "MiniMax's docs (Responses-API page): the values do "
    "not tune MiniMax-M3's reasoning depth",
    "split_reasoning": "seen 2026-06 (a client that probed M3): both "
    "`reasoning_content` and `reasoning_details` with reasoning_split",
    "reasoning_field": "MiniMax's docs (OpenAI-SDK page): "
    "`reasoning_details` for MiniMax-M3 too",
    "roles": "MiniMax's suite: `root` accepted",
    "several_system_messages": "MiniMax's suite: HTTP 200",
    "released": "MiniMax's docs",
}
_FLASH_SOURCES = {
    "max_input_tokens": "MiniMax's docs (model page), 2026-10",
    "max_output_tokens": "MiniMax's docs: 524,288 maximum (131,072 "
    "recommended); enforced as on MiniMax-M3 (inferred)",
    "input_modalities": "MiniMax's docs: text, image and video input",
    "temperature": "inferred from MiniMax-M3's spec (no source for M3.1-Flash)",
    "thinking_types": "seen (one client): `disabled` gets 400 `requires "
    "adaptive thinking`; MiniMax's newer suite file expects 200 with thinking "
    "still on (unclear): either way `disabled` does not switch it off",
    "reasoning_efforts": "MiniMax's docs (M3.1-Flash): low..max, default max",
    "split_reasoning": "MiniMax's suite: 52 recorded responses of the test "
    "model released as M3.1-Flash carry `reasoning_content` only",
    "reasoning_field": "MiniMax's suite sends earlier turns back as "
    "`reasoning_content`",
    "roles": "MiniMax's suite (run on this model): `root` accepted",
    "several_system_messages": "MiniMax's suite (run on this model): HTTP 200",
    "released": "MiniMax's docs: generally available 2026-10-19",
}


def _m2(
    name: str, output: int, sources: dict[str, str], **fields: object
) -> MiniMaxModel:
    row = MiniMaxModel(
        name,
        max_input_tokens=204_800,
        max_output_tokens=output,
        output_limit_enforced=False,
        input_modalities=_TEXT,
        temperature=M2_TEMPERATURE,
        thinking_types=("adaptive",),
        reasoning_efforts=(),
        effort_tunes_depth=False,
        split_reasoning=_BOTH,
        reasoning_field="reasoning_details",
        roles=_ROLES,
        several_system_messages=False,
        released="",
        retirement=None,
        sources=sources,
    )
    return row._replace(**fields)  # type: ignore[arg-type]


def _flash(name: str, **fields: object) -> MiniMaxModel:
    row = MiniMaxModel(
        name,
        max_input_tokens=1_000_000,
        max_output_tokens=524_288,
        output_limit_enforced=True,
        input_modalities=_MEDIA,
        temperature=_M3_TEMPERATURE,
        thinking_types=("adaptive",),
        reasoning_efforts=REASONING_EFFORTS,
        effort_tunes_depth=True,
        split_reasoning=("reasoning_content",),
        reasoning_field="reasoning_content",
        roles=_M3_ROLES,
        several_system_messages=True,
        released="2026-10-19",
        retirement=None,
        sources=_FLASH_SOURCES,
    )
    return row._replace(**fields)  # type: ignore[arg-type]


MODELS: dict[str, MiniMaxModel] = {
    row.name: row
    for row in (
        _m2("MiniMax-M2", 128_000, _M2_SOURCES),
        _m2(
            "MiniMax-M2-Stable",
            128_000,
            {
                **_M2_SOURCES,
                "retirement": "inferred: absent from the /v1/models lists "
                "captured 2026-04 and 2026-06; no announcement",
            },
        ),
        _m2("MiniMax-M2.1", 204_800, _M2X_SOURCES),
        _m2("MiniMax-M2.1-highspeed", 204_800, _M2X_SOURCES),
        _m2("MiniMax-M2.5", 204_800, _M2X_SOURCES, retirement=_M2_RETIRED),
        _m2("MiniMax-M2.5-highspeed", 204_800, _M2X_SOURCES, retirement=_M2_RETIRED),
        _m2("MiniMax-M2.7", 204_800, _M2X_SOURCES, retirement=_M2_RETIRED),
        _m2("MiniMax-M2.7-highspeed", 204_800, _M2X_SOURCES, retirement=_M2_RETIRED),
        MiniMaxModel(
            "MiniMax-M3",
            max_input_tokens=1_000_000,
            max_output_tokens=524_288,
            output_limit_enforced=True,
            input_modalities=_MEDIA,
            temperature=_M3_TEMPERATURE,
            thinking_types=THINKING_TYPES,
            reasoning_efforts=REASONING_EFFORTS,
            effort_tunes_depth=False,
            split_reasoning=_BOTH,
            reasoning_field="reasoning_details",
            roles=_M3_ROLES,
            several_system_messages=True,
            released="2026-06-01",
            retirement=None,
            sources=_M3_SOURCES,
        ),
        _flash("MiniMax-M3.1-Flash"),
        _flash(
            "MiniMax-M3.1-Flash-Preview",
            released="",
            sources={
                **_FLASH_SOURCES,
                "released": "MiniMax's docs: the coding plans' name for "
                "M3.1-Flash before 2026-10-19",
            },
        ),
    )
}
"""Every model the package knows, by name, in docs/models.md's order."""


def model_row(model_name: str) -> MiniMaxModel | None:
    """The table row for `model_name`, or `None` for an unknown model."""
    return MODELS.get(model_name)
