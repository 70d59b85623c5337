"""langchain-tests' standard integration suite against the real service."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_minimax import ChatMiniMax

from .conftest import MAX_TOKENS, MODEL, own_async_client

pytestmark = pytest.mark.requires_key


class TestChatMiniMaxIntegration(ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[ChatMiniMax]:
        return ChatMiniMax

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": MODEL, **own_async_client()}

    @property
    def standard_chat_model_params(self) -> dict[str, Any]:
        # temperature=0 is outside the M2 family's (0.0, 1.0]; MiniMax recommends
        # 1.0. Thinking counts against max_tokens, so the suite's 100 would often
        # leave no answer.
        return {
            **super().standard_chat_model_params,
            "temperature": 1.0,
            "max_tokens": MAX_TOKENS,
        }

    @property
    def has_tool_choice(self) -> bool:
        # The service honours only "auto" and "none"; "any" and a tool's name are
        # accepted by bind_tools but not sent, so they cannot force a call.
        return False

    @property
    def supports_json_mode(self) -> bool:
        # No server-side JSON mode: method="json_mode" adds an instruction and
        # parses JSON from the answer text.
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def supports_image_tool_message(self) -> bool:
        return False

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(
        self,
    ) -> dict[
        Literal["invoke", "stream"],
        list[
            Literal[
                "audio_input",
                "audio_output",
                "reasoning_output",
                "cache_read_input",
                "cache_creation_input",
            ]
        ],
    ]:
        return {"invoke": ["reasoning_output"], "stream": ["reasoning_output"]}

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        model = ChatMiniMax(
            **{**self.standard_chat_model_params, **self.chat_model_params}
        )
        question = "What is 17 * 23? Think it through."
        if not stream:
            return model.invoke(question)
        full: AIMessageChunk | None = None
        for chunk in model.stream(question):
            full = chunk if full is None else full + chunk
        assert isinstance(full, AIMessageChunk)
        return full
