"""MiniMax chat models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Literal, cast

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
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableBinding
from langchain_core.tools import BaseTool
from langchain_core.utils import from_env, secret_from_env
from langchain_openai import ChatOpenAI
from pydantic import ConfigDict, Field, SecretStr, model_validator
from typing_extensions import Self

from langchain_minimax import content_blocks as _content_blocks  # noqa: F401
from langchain_minimax._client_factory import (
    RebuildsClientsOnCopy,
    refuse_openai_arguments,
    set_clients,
)
from langchain_minimax._raising import CallContext, translating
from langchain_minimax._upstream import DictOrPydantic, DictOrPydanticClass
from langchain_minimax._version import __version__
from langchain_minimax.base_url import (
    CHINA_BASE_URL,
    DEFAULT_BASE_URL,
    is_minimax_host,
    with_checked_base_url,
)
from langchain_minimax.history import check_history
from langchain_minimax.profiles import (
    DEFAULT_MODEL,
    TemperatureRange,
    model_profile,
    temperature_range,
    warn_if_retired,
)
from langchain_minimax.reader import (
    PROVIDER,
    ReadOptions,
    aread_stream,
    read_chunk,
    read_completion,
    read_stream,
    reading,
)
from langchain_minimax.reasoning import readable_messages
from langchain_minimax.request import (
    IGNORED_PARAMS,
    build_payload,
    check_history_rules,
    check_params,
    check_payload,
    drop_ignored,
    request_extra_body,
    tool_choice_honoured,
    tool_names,
)
from langchain_minimax.tool_choice import ahold_stream, hold_result, hold_stream
from langchain_minimax.video import with_video_parts


class ChatMiniMax(RebuildsClientsOnCopy, ChatOpenAI):
    """MiniMax chat models (M2.x, M3, M3.1-Flash) through the OpenAI-compatible API.

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
            Model name, default `"MiniMax-M2"`; see docs/models.md.
        temperature:
            Sampling temperature, default 1.0 (MiniMax's recommendation).
        max_tokens:
            Maximum tokens to generate, thinking included.
        reasoning_split:
            Return reasoning apart from the answer (default `True`). With
            `False`, `content` keeps MiniMax's inline `<think>` block.
        thinking:
            `{"type": "adaptive"}`, or `{"type": "disabled"}` (MiniMax-M3 only).
        reasoning_effort:
            `"low"`..`"max"` (MiniMax-M3.1-Flash; not sent to other models).

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
        MiniMax with it. MiniMax honours `tool_choice` `"auto"` and `"none"`
        only; see `bind_tools`.

    Structured output:
        ```python
        from pydantic import BaseModel


        class Joke(BaseModel):
            setup: str
            punchline: str


        model.with_structured_output(Joke).invoke("A joke about cats")
        ```

        The answer is accepted as a tool call or as JSON text; see
        `with_structured_output`.

    System messages:
        MiniMax accepts one system message, first. Several, or one later in the
        conversation, are merged in order into one leading system message
        (joined by a blank line); the other messages keep their order.

    Token usage:
        `message.usage_metadata`, with reasoning tokens and prompt-cache reads
        and writes (`input_token_details`).

    Errors:
        Each MiniMax failure raises an exception that is both the `openai`
        error and langchain-core's model error for the case, with MiniMax's
        code, message and request id:

        ```python
        from langchain_minimax import MiniMaxRateLimitError

        try:
            model.invoke("Hello")
        except MiniMaxRateLimitError as error:  # also an openai.RateLimitError
            print(error.minimax_code, error.request_id)
        ```

        Rate limits and transient server failures are retried up to
        `max_retries`, also when MiniMax reports them inside an HTTP 200;
        authentication, balance and invalid-request failures are not. A
        stream that breaks off or ends without a `finish_reason` raises
        instead of returning a truncated answer.
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
    platform. Checked at construction (`langchain_minimax.base_url`): empty
    raises `ValueError`; a trailing `/chat/completions` is cut and a bare
    MiniMax host gets `/v1`.
    """

    openai_proxy: str | None = None
    """Proxy URL for the requests, as in `ChatOpenAI`.

    Not read from `OPENAI_PROXY`: no `OPENAI_*` variable configures MiniMax.
    The standard `HTTPS_PROXY` / `HTTP_PROXY` variables apply as in `ChatOpenAI`.
    """

    openai_api_key: SecretStr | None = None
    """Refused (`ValueError`): MiniMax's key is `api_key` (`minimax_api_key`)."""

    openai_api_base: str | None = None
    """Refused (`ValueError`): MiniMax's base URL is `base_url`."""

    reasoning_split: bool = True
    """Ask MiniMax to return reasoning apart from the answer.

    `True` (default): reasoning arrives as `reasoning_details` and is kept in
    `additional_kwargs`; `content` is the clean answer. `False`: `content` keeps
    the inline `<think>...</think>` block exactly as received (MiniMax wants it
    back unmodified); `content_blocks` still shows reasoning and answer apart.
    A per-call `extra_body={"reasoning_split": ...}` wins.
    """

    thinking: dict[str, Any] | None = None
    """MiniMax's thinking switch, sent as the `thinking` body field.

    `{"type": "adaptive"}` (the model decides whether to think) or
    `{"type": "disabled"}` (MiniMax-M3 only: M2.x and M3.1-Flash always think).
    `None` (default) sends nothing. Also accepted per call
    (`model.invoke(..., thinking={...})`). Checked before sending: another
    value raises `ValueError`. Source: MiniMax's M3 conformance suite
    (`MiniMax-Provider-Verifier`, `m3_format_check/`).
    """

    json_client: bool = False
    """Have `client` and `async_client` return the JSON as sent (opt-in, faster).

    `False` (default): `client` is `root_client.chat.completions`, as in
    `ChatOpenAI`: `create` returns the `openai` SDK's `ChatCompletion` and
    `ChatCompletionChunk` objects, and SDK-level instrumentation sees them.

    `True`: `create` returns each completion and stream chunk as the JSON dict
    MiniMax sent, skipping the SDK models that langchain-openai would dump
    straight back to dicts; streaming costs about a quarter less than the
    default per chunk (docs/performance.md). It blinds instrumentation that
    reads the SDK's objects: OpenTelemetry's
    `opentelemetry-instrumentation-openai-v2` and Arize's
    `openinference-instrumentation-openai` then record no response model,
    token counts, finish reasons or response id. `root_client` always returns
    SDK objects; MiniMax's failures raise the same exceptions either way.
    """

    # A validation error never shows the arguments: they hold keys.
    model_config = ConfigDict(populate_by_name=True, hide_input_in_errors=True)

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

    @model_validator(mode="before")
    @classmethod
    def _check_base_url(cls, data: Any) -> Any:
        """An empty base URL fails, other forms are normalized (`base_url`)."""
        return with_checked_base_url(data)

    @model_validator(mode="before")
    @classmethod
    def _refuse_openai_arguments(cls, data: Any) -> Any:
        """Raise for `openai_api_key` / `openai_api_base` (see docs/migration.md)."""
        refuse_openai_arguments(data)
        return data

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
        check_params(
            self.model_name,
            {**(self.extra_body or {}), **self.model_kwargs, **self._default_params},
        )
        warn_if_retired(self.model_name)
        fields = {name: getattr(self, name) for name in IGNORED_PARAMS}
        drop_ignored(fields)
        for name in IGNORED_PARAMS:
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
        if not api_key and is_minimax_host(self.minimax_api_base):
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
        set_clients(self)
        return self

    def _resolve_model_profile(self) -> ModelProfile | None:
        return model_profile(self.model_name)

    @property
    def temperature_range(self) -> TemperatureRange:
        """The temperatures this model accepts, e.g. `(0.0, 1.0]` for MiniMax-M2."""
        return temperature_range(self.model_name)

    def _use_responses_api(self, payload: dict) -> bool:
        return False

    @property
    def _default_params(self) -> dict[str, Any]:
        params = super()._default_params
        if self.thinking is not None:
            params["thinking"] = self.thinking
        return params

    def _convert_input(self, model_input: LanguageModelInput) -> PromptValue:
        """Check the history (`history.check_history`), then convert it."""
        check_history(model_input)  # before langchain's converters crash on it
        return super()._convert_input(model_input)

    def _get_request_payload(
        self,
        input_: LanguageModelInput,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> dict:
        check_params(self.model_name, {**(kwargs.get("extra_body") or {}), **kwargs})
        prompt = self._convert_input(input_)
        original = prompt.to_messages()
        messages = readable_messages(original)
        with_videos = with_video_parts(messages)
        # The prompt value when it can be: the parent would convert a list again.
        base = super()._get_request_payload(
            prompt if with_videos is original else with_videos, stop=stop, **kwargs
        )
        history = list(base["messages"])  # the recipe merges system messages
        payload = build_payload(
            base,
            with_videos,
            model=self.model_name,
            reasoning_split=self.reasoning_split,
            extra_body=self.extra_body,
            call_extra_body=kwargs.get("extra_body"),
        )
        check_history_rules(history, with_videos)
        check_payload(payload)
        return payload

    def get_token_ids(self, text: str) -> list[int]:
        """Offline stand-ins for token ids, one per estimated token.

        `custom_get_token_ids` wins when set (e.g. MiniMax's own tokenizer).
        Otherwise each id is the offset where an estimated token starts in
        `text` (see `langchain_minimax.tokens`); nothing is downloaded.
        """
        if self.custom_get_token_ids is not None:
            return self.custom_get_token_ids(text)
        # Imported on first use, as structured_output is: its patterns and
        # imports cost milliseconds for a feature many programs never call.
        from langchain_minimax.tokens import token_offsets

        return token_offsets(text)

    def get_num_tokens_from_messages(
        self,
        messages: Sequence[BaseMessage],
        tools: Sequence[dict[str, Any] | type | Callable | BaseTool] | None = None,
        *,
        allow_fetching_images: bool = True,
        include_service_prompt: bool = False,
    ) -> int:
        """Estimate the prompt tokens of `messages` (and `tools`), offline.

        Counts what the package sends: every message with its framing, the
        reasoning each assistant turn sends back, tool calls, `tools`' schemas
        and a fixed cost per image or video (never fetched, whatever
        `allow_fetching_images` says). Counts add up: a list counts the sum of
        its messages counted one by one, and `[]` counts 0, as `trim_messages`
        and the summarization middleware need. With
        `include_service_prompt=True` the prompt the service adds to every
        request is added too: the estimate of the `prompt_tokens` MiniMax bills
        for sending `messages` with `tools`. See "Token counting" in
        docs/chat_minimax.md for the method and accuracy.
        """
        from langchain_minimax.tokens import count_messages  # see get_token_ids

        check_history(messages)
        return count_messages(
            self, messages, tools, include_service_prompt=include_service_prompt
        )

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable | BaseTool],
        *,
        tool_choice: dict | str | bool | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        response_format: DictOrPydanticClass | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (functions, pydantic models, `BaseTool`s or dicts) to the model.

        Every tool is sent with a `parameters` object, `{"type": "object",
        "properties": {}}` for one without arguments (MiniMax rejects a tool
        without it). Only function tools are accepted.

        Args:
            tools: The tools, in any form `convert_to_openai_tool` accepts.
            tool_choice: MiniMax honours only `"auto"` (the default) and
                `"none"`. `"any"`, `"required"`, `True` and a tool's name are
                accepted, so that code written for other providers runs, but the
                service would ignore them: they are not sent, a warning says so,
                and the model decides whether to call a tool. A name that is not
                a bound tool's raises `ValueError`.
            strict: Sent as OpenAI defines it. MiniMax does not document it and
                enforces no schema.
            parallel_tool_calls: Sent when set. MiniMax does not document it: the
                model may still make several calls in one turn even with `False`.
            response_format: Accepted for compatibility and not sent: MiniMax's
                models ignore it. Use `with_structured_output`.
            **kwargs: Passed to `bind`.

        Returns:
            The model with the tools bound.

        Raises:
            ValueError: For a tool that is not a function tool or an invalid
                `tool_choice`, before any request.

        Example:
            ```python
            from langchain_core.tools import tool

            from langchain_minimax import ChatMiniMax


            @tool
            def get_time() -> str:
                '''Current UTC time.'''
                return "12:00"


            model = ChatMiniMax().bind_tools([get_time])
            model.invoke("What time is it?").tool_calls
            # [{"name": "get_time", "args": {}, "id": "call_function_...", ...}]
            ```
        """
        bound = super().bind_tools(
            tools,
            tool_choice=tool_choice,
            strict=strict,
            parallel_tool_calls=parallel_tool_calls,
            response_format=response_format,
            **kwargs,
        )
        # Fail at bind time; what is sent is decided per request (apply_tool_rules).
        bound_kwargs = cast("RunnableBinding", bound).kwargs
        tool_choice_honoured(
            bound_kwargs.get("tool_choice"), tool_names(bound_kwargs["tools"])
        )
        return bound

    def with_structured_output(
        self,
        schema: DictOrPydanticClass | None = None,
        *,
        method: Literal[
            "function_calling", "json_schema", "json_mode"
        ] = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        tools: list | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, DictOrPydantic]:
        """Return a runnable that answers with an object of `schema`.

        MiniMax enforces neither `tool_choice` nor `response_format`, so every
        method steers the model and then accepts the answer in either form it
        may take: a call to the schema's tool, or a JSON object in the answer
        text (bare or in a Markdown fence, after any `<think>` block). A reply
        with neither raises `OutputParserException` carrying the raw text.

        Args:
            schema: A pydantic class (the result is an instance, validated), a
                `TypedDict`, a JSON schema or an OpenAI function schema (the
                result is a dict).
            method: What is sent to steer the model:

                - `"function_calling"` (default): the schema as a tool.
                - `"json_schema"`: the schema in a system instruction, no tool.
                - `"json_mode"`: a system instruction to answer in JSON only;
                  `schema` is optional.

                The instruction is merged into the input's system message.
                `response_format` is never sent: MiniMax's models ignore it.
            include_raw: Return `{"raw": AIMessage, "parsed": ...,
                "parsing_error": ...}` instead of raising on a parsing error.
            strict: Accepted for compatibility; it sends nothing, as MiniMax
                enforces no schema. Pydantic schemas are always validated.
            tools: More tools to bind beside the schema's (see `include_raw` to
                see calls to them).
            **kwargs: Passed to `bind`.

        Returns:
            A runnable with the chat model's input and the parsed output.

        Raises:
            ValueError: For an unknown `method`, or no `schema` where one is
                needed.

        Example:
            ```python
            from pydantic import BaseModel

            from langchain_minimax import ChatMiniMax


            class Joke(BaseModel):
                setup: str
                punchline: str


            model = ChatMiniMax().with_structured_output(Joke)
            model.invoke("Tell me a joke about cats")
            # Joke(setup="...", punchline="...")
            ```
        """
        # Imported on first use: building its parser class costs milliseconds
        # at import for a feature many programs never call.
        from langchain_minimax.structured_output import structured_runnable

        return structured_runnable(
            self,
            schema,
            method=method,
            include_raw=include_raw,
            strict=strict,
            tools=tools,
            **kwargs,
        )

    def _call_context(self, *, streaming: bool = False) -> CallContext:
        return CallContext(
            url=self.minimax_api_base.rstrip("/") + "/chat/completions",
            model=self.model_name,
            streaming=streaming,
        )

    def _read_options(self, kwargs: dict[str, Any]) -> ReadOptions:
        """How to read the answer to a call with these keyword arguments."""
        lifted = {
            key: value
            for source in (self.model_kwargs, kwargs)
            for key, value in source.items()
            if key == "reasoning_split"
        }
        body = request_extra_body(
            self.extra_body, kwargs.get("extra_body"), self.reasoning_split, lifted
        )
        return ReadOptions.of_call(
            reasoning_split=bool(body["reasoning_split"]), tools=kwargs.get("tools")
        )

    def _stream_context(self) -> CallContext:
        return self._call_context(streaming=True)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with translating(self._call_context()), reading(self._read_options(kwargs)):
            result = super()._generate(
                messages, stop=stop, run_manager=run_manager, **kwargs
            )
        hold_result(result, kwargs)
        return result

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with translating(self._call_context()), reading(self._read_options(kwargs)):
            result = await super()._agenerate(
                messages, stop=stop, run_manager=run_manager, **kwargs
            )
        hold_result(result, kwargs)
        return result

    def _create_chat_result(
        self,
        response: dict | openai.BaseModel,
        generation_info: dict | None = None,
    ) -> ChatResult:
        parent = super()._create_chat_result
        return read_completion(
            response,
            self._call_context(),
            lambda readable: parent(readable, generation_info),
        )

    def _convert_chunk_to_generation_chunk(
        self,
        chunk: dict,
        default_chunk_class: type,
        base_generation_info: dict | None,
    ) -> ChatGenerationChunk | None:
        parent = super()._convert_chunk_to_generation_chunk
        return read_chunk(
            chunk,
            self._stream_context,
            lambda read: parent(read, default_chunk_class, base_generation_info),
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield from read_stream(
            hold_stream(super()._stream(messages, stop=stop, **kwargs), kwargs),
            self._call_context(streaming=True),
            run_manager,
            self._read_options(kwargs),
        )

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        async for chunk in aread_stream(
            ahold_stream(super()._astream(messages, stop=stop, **kwargs), kwargs),
            self._call_context(streaming=True),
            run_manager,
            self._read_options(kwargs),
        ):
            yield chunk
