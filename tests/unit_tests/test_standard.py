"""langchain-tests' standard unit suite for ChatMiniMax."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion

from langchain_minimax import ChatMiniMax


class TestChatMiniMaxStandard(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[ChatMiniMax]:
        return ChatMiniMax

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "MiniMax-M2", "api_key": "test-key"}

    @property
    def standard_chat_model_params(self) -> dict[str, Any]:
        # The suite's temperature=0 is outside MiniMax's documented (0.0, 1.0];
        # ChatMiniMax rejects it by design (see test_request.py).
        return {**super().standard_chat_model_params, "temperature": 0.01}

    @property
    def init_from_env_params(
        self,
    ) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {
                "MINIMAX_API_KEY": "env-key",
                "MINIMAX_BASE_URL": "https://api.minimaxi.com/v1",
            },
            {"model": "MiniMax-M2.5"},
            {
                "minimax_api_key": "env-key",
                "minimax_api_base": "https://api.minimaxi.com/v1",
            },
        )

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def supports_json_mode(self) -> bool:
        return True

    @pytest.mark.xfail(
        reason=(
            "The upstream test loads with allowed_objects='all', which "
            "langchain-core limits to its own allowlist of partner classes; "
            "test_serialization.py proves the round-trip with "
            "allowed_objects=[ChatMiniMax]."
        ),
        strict=True,
    )
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)
