"""MiniMax chat models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import openai
from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import (
    LangSmithParams,
    LanguageModelInput,
    ModelProfile,
)
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.utils import from_env, secret_from_env
from langchain_openai import ChatOpenAI
from langchain_openai.chat_models._client_utils import (
    _get_default_async_httpx_client,
    _get_default_httpx_client,
)
from pydantic import ConfigDict, Field, SecretStr, model_validator
from typing_extensions import Self

from langchain_minimax import content_blocks as _content_blocks  # noqa: F401
from langchain_minimax._version import __version__
from langchain_minimax.profiles import (
    DEFAULT_MODEL,
    TemperatureRange,
    model_profile,
    temperature_range,
)
from langchain_minimax.reasoning import read_reasoning
from langchain_minimax.request import (
    IGNORED_PARAMS,
    apply_message_rules,
    check_media,
    check_params,
    request_extra_body,
    warn_ignored,
)
from langchain_minimax.response import PROVIDER, annotate_message, wire_dict
from langchain_minimax.streaming import StreamState

DEFAULT_BASE_URL = "https://api.minimax.io/v1"
"""MiniMax's international endpoint."""

CHINA_BASE_URL = "https://api.minimaxi.com/v1"
"""MiniMax's mainland-China endpoint. Keys work only on the region they were
issued for."""


NO_KEY = "no-key"
"""Sent as the key to a custom `base_url` (a proxy or the emulator) when none is set."""


class ChatMiniMax(ChatOpenAI):
    """MiniMax chat models (M2, M2.x, M3) through the OpenAI-compatible API.

    A drop-in `ChatOpenAI` that speaks MiniMax's dialect: it asks for reasoning
    separately from the answer (`reasoning_split`), exposes it as standard
    reasoning content, and sends every assistant turn's reasoning back to the
    service, as MiniMax's tool-calling guide requires.

    Setup:
        Install `langchain-minimax` and set `MINIMAX_API_KEY`.

        ```bash
        pip install -U langchain-minimax
        export MINIMAX_API_KEY="your-api-key"
        ```

        Keys are bound to one region. For the mainland-China platform, also set
        `MINIMAX_BASE_URL=https://api.minimaxi.com/v1` (or pass `base_url`).

    Key init args — completion params:
        model:
            Model name, default `"MiniMax-M2"`.
        temperature:
            Sampling temperature, default 1.0 (MiniMax's recommendation); the M2
            family accepts (0.0, 1.0].
        max_tokens:
            Maximum tokens to generate, thinking included.
        reasoning_split:
            Return reasoning apart from the answer (default `True`). With
            `False`, `content` keeps MiniMax's inline `<think>` block.

    Key init args — client params:
        api_key:
            MiniMax API key; read from `MINIMAX_API_KEY` if not passed.
        base_url:
            API base URL; read from `MINIMAX_BASE_URL`, default the
            international endpoint.
        timeout, max_retries:
            Passed to the `openai` client.

    Instantiate:
        ```python
        from langchain_minimax import ChatMiniMax

        model = ChatMiniMax(model="MiniMax-M2", max_retries=2)
        ```

    Invoke:
        ```python
        message = model.invoke("What is 17 * 23?")
        message.content_blocks  # [{"type": "reasoning", ...}, {"type": "text", ...}]
        message.additional_kwargs["reasoning_details"]  # as MiniMax sent it
        ```

    Stream:
        ```python
        for chunk in model.stream("Why is the sky blue?"):
            for block in chunk.content_blocks:
                print(block.get("reasoning") or block.get("text", ""), end="")
        ```

    Tool calling:
        ```python
        from langchain_core.tools import tool


        @tool
        def get_weather(city: str) -> str:
            '''Get the weather for a city.'''
            return f"Sunny in {city}"


        model_with_tools = model.bind_tools([get_weather])
        ai_msg = model_with_tools.invoke("Weather in Paris?")
        ai_msg.tool_calls
        ```

        Put `ai_msg` back in the history as it is: its reasoning goes back to
        MiniMax with it.

    Token usage:
        ```python
        message.usage_metadata
        # {"input_tokens": ..., "output_tokens": ...,
        #  "output_token_details": {"reasoning": ...}, ...}
        ```
    """

    model_name: str = Field(default=DEFAULT_MODEL, alias="model")
    """Model name, e.g. `"MiniMax-M2"` or `"MiniMax-M2.5"`."""

    temperature: float | None = 1.0
    """Sampling temperature; MiniMax recommends 1.0."""

    minimax_api_key: SecretStr | None = Field(
        alias="api_key",
        default_factory=secret_from_env("MINIMAX_API_KEY", default=None),
    )
    """MiniMax API key; read from `MINIMAX_API_KEY` if not passed.

    A MiniMax-named field (rather than the inherited `openai_api_key`) so that
    serialization refers to `MINIMAX_API_KEY` and `OPENAI_API_KEY` is never used.
    """

    minimax_api_base: str = Field(
        alias="base_url",
        default_factory=from_env("MINIMAX_BASE_URL", default=DEFAULT_BASE_URL),
    )
    """Base URL; read from `MINIMAX_BASE_URL`, default the international host.

    Use `https://api.minimaxi.com/v1` for keys issued on the mainland-China
    platform.
    """

    openai_api_key: SecretStr | None = None
    """Unused: MiniMax's key is `api_key` (`minimax_api_key`)."""

    openai_api_base: str | None = None
    """Unused: MiniMax's base URL is `base_url` (`minimax_api_base`)."""

    reasoning_split: bool = True
    """Ask MiniMax to return reasoning apart from the answer.

    `True` (default): reasoning arrives as `reasoning_details` and is kept in
    `additional_kwargs`; `content` is the clean answer. `False`: `content` keeps
    the inline `<think>...</think>` block exactly as received (MiniMax wants it
    back unmodified); `content_blocks` still shows reasoning and answer apart.
    A per-call `extra_body={"reasoning_split": ...}` wins.
    """

    model_config = ConfigDict(populate_by_name=True)

    @property
    def lc_secrets(self) -> dict[str, str]:
        """Map of constructor argument names to secret ids."""
        return {"minimax_api_key": "MINIMAX_API_KEY"}

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """Get the namespace of the LangChain object.

        Returns:
            `["langchain_minimax", "chat_models"]`
        """
        return ["langchain_minimax", "chat_models"]

    @property
    def lc_attributes(self) -> dict[str, Any]:
        """Attributes to serialize beyond the constructor arguments: none."""
        return {}

    @property
    def _llm_type(self) -> str:
        return "minimax-chat"

    def _get_ls_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = PROVIDER
        return params

    @model_validator(mode="after")
    def _set_minimax_version(self) -> Self:
        """Record the package version in metadata.

        Named uniquely: Pydantic replaces a same-named parent validator instead
        of chaining it.
        """
        self._add_version("langchain-minimax", __version__)
        return self

    @model_validator(mode="after")
    def _check_minimax_params(self) -> Self:
        """Check construction parameters against MiniMax's rules."""
        check_params(self.model_name, {"n": self.n, "temperature": self.temperature})
        ignored = [name for name in IGNORED_PARAMS if getattr(self, name) is not None]
        warn_ignored(ignored)
        for name in ignored:
            setattr(self, name, None)
        return self

    @model_validator(mode="after")
    def validate_environment(self) -> Self:
        """Build the `openai` clients for MiniMax's endpoint.

        Replaces `ChatOpenAI.validate_environment`, which would read
        `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
        """
        api_key = (
            self.minimax_api_key.get_secret_value() if self.minimax_api_key else None
        )
        if not api_key and self.minimax_api_base == DEFAULT_BASE_URL:
            msg = (
                "MiniMax API key not found: set the MINIMAX_API_KEY environment "
                "variable or pass api_key=... (keys from the mainland-China "
                f"platform also need base_url={CHINA_BASE_URL!r})."
            )
            raise ValueError(msg)
        # Responses-API routing never applies: MiniMax has Chat Completions only.
        self.use_responses_api = False
        if self.stream_usage is None:
            self.stream_usage = True
        client_params: dict[str, Any] = {
            # A placeholder rather than None: the `openai` client would fall back
            # to OPENAI_API_KEY. Only a non-MiniMax base URL can get here.
            "api_key": api_key or NO_KEY,
            "base_url": self.minimax_api_base,
            "timeout": self.request_timeout,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
        }
        if self.max_retries is not None:
            client_params["max_retries"] = self.max_retries
        if not self.client:
            http_client = self.http_client or _get_default_httpx_client(
                self.minimax_api_base, self.request_timeout
            )
            self.root_client = openai.OpenAI(**client_params, http_client=http_client)
            self.client = self.root_client.chat.completions
        if not self.async_client:
            http_async_client = self.http_async_client or (
                _get_default_async_httpx_client(
                    self.minimax_api_base, self.request_timeout
                )
            )
            self.root_async_client = openai.AsyncOpenAI(
                **client_params, http_client=http_async_client
            )
            self.async_client = self.root_async_client.chat.completions
        return self

    def _resolve_model_profile(self) -> ModelProfile | None:
        return model_profile(self.model_name)

    @property
    def temperature_range(self) -> TemperatureRange:
        """The temperatures this model accepts, e.g. `(0.0, 1.0]` for MiniMax-M2."""
        return temperature_range(self.model_name)

    def _use_responses_api(self, payload: dict) -> bool:
        return False

    def _get_request_payload(
        self,
        input_: LanguageModelInput,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> dict:
        check_params(self.model_name, kwargs)
        warn_ignored(name for name in IGNORED_PARAMS if name in kwargs)
        prompt = self._convert_input(input_)
        messages = prompt.to_messages()
        check_media(self.model_name, messages)
        # The prompt value, not the list: the parent would convert it again.
        payload = super()._get_request_payload(prompt, stop=stop, **kwargs)
        for name in IGNORED_PARAMS:
            payload.pop(name, None)
        extra_body = request_extra_body(
            self.extra_body, kwargs.get("extra_body"), self.reasoning_split
        )
        payload["extra_body"] = extra_body
        apply_message_rules(
            payload["messages"],
            messages,
            reasoning_split=bool(extra_body["reasoning_split"]),
        )
        return payload

    def _create_chat_result(
        self,
        response: dict | openai.BaseModel,
        generation_info: dict | None = None,
    ) -> ChatResult:
        result = super()._create_chat_result(response, generation_info)
        choices = wire_dict(response).get("choices") or []
        for generation, choice in zip(result.generations, choices, strict=False):
            annotate_message(generation.message, choice.get("message") or {})
        if result.llm_output is not None:
            result.llm_output["model_provider"] = PROVIDER
        return result

    def _convert_chunk_to_generation_chunk(
        self,
        chunk: dict,
        default_chunk_class: type,
        base_generation_info: dict | None,
    ) -> ChatGenerationChunk | None:
        generation_chunk = super()._convert_chunk_to_generation_chunk(
            chunk, default_chunk_class, base_generation_info
        )
        if generation_chunk is None:
            return None
        message = generation_chunk.message
        message.response_metadata["model_provider"] = PROVIDER
        choices = chunk.get("choices")
        if choices:
            message.additional_kwargs.update(
                read_reasoning(choices[0].get("delta") or {})
            )
        return generation_chunk

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        state = StreamState()
        for chunk in super()._stream(messages, stop=stop, **kwargs):
            chunk = state.process(chunk)
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
        if last := state.flush():
            if run_manager:
                run_manager.on_llm_new_token(last.text, chunk=last)
            yield last

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        state = StreamState()
        async for chunk in super()._astream(messages, stop=stop, **kwargs):
            chunk = state.process(chunk)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk
        if last := state.flush():
            if run_manager:
                await run_manager.on_llm_new_token(last.text, chunk=last)
            yield last
