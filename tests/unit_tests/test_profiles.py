"""The model table and the profiles built from it."""

from __future__ import annotations

import warnings

import pytest

from langchain_minimax import ChatMiniMax
from langchain_minimax.profiles import (
    MODELS,
    accepts_media,
    model_profile,
    temperature_range,
)

EXPECTED = {
    "MiniMax-M2",
    "MiniMax-M2-Stable",
    "MiniMax-M2.1",
    "MiniMax-M2.1-highspeed",
    "MiniMax-M2.5",
    "MiniMax-M2.5-highspeed",
    "MiniMax-M2.7",
    "MiniMax-M2.7-highspeed",
    "MiniMax-M3",
    "MiniMax-M3.1-Flash",
    "MiniMax-M3.1-Flash-Preview",
}
M3_FAMILY = {"MiniMax-M3", "MiniMax-M3.1-Flash", "MiniMax-M3.1-Flash-Preview"}
M2_OUTPUT = {"MiniMax-M2": 128_000, "MiniMax-M2-Stable": 128_000}


def test_every_documented_model_has_a_row() -> None:
    assert set(MODELS) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_profile_keys_are_standard_and_consistent(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # langchain-core warns on unknown keys
        model = ChatMiniMax(model=name, api_key="k")
    profile = model.profile
    assert profile == model_profile(name)
    assert profile is not None
    assert profile["reasoning_output"] is True
    assert profile["tool_calling"] is True
    assert profile["image_inputs"] is (name in M3_FAMILY)
    assert profile["video_inputs"] is (name in M3_FAMILY)
    # MiniMax's docs: 1,000,000; a live probe saw 1,048,576 rejected.
    assert profile["max_input_tokens"] == (1_000_000 if name in M3_FAMILY else 204_800)
    # The hard maximum, not the recommended value.
    assert profile["max_output_tokens"] == (
        524_288 if name in M3_FAMILY else M2_OUTPUT.get(name, 204_800)
    )


def test_temperature_ranges() -> None:
    m2 = temperature_range("MiniMax-M2")
    assert not m2.allows(0.0)
    assert m2.allows(0.01)
    assert m2.allows(1.0)
    assert not m2.allows(1.0001)
    m3 = temperature_range("MiniMax-M3")
    assert m3.allows(0.0)
    assert m3.allows(2.0)
    assert not m3.allows(2.1)
    assert temperature_range("some-future-model") == m2


def test_unknown_model_passes_through() -> None:
    assert model_profile("some-future-model") is None
    assert accepts_media("some-future-model")
    assert not accepts_media("MiniMax-M2.7")
    assert ChatMiniMax(model="some-future-model", api_key="k").profile is None
