"""Structured output without server-side enforcement.

MiniMax's M2 models ignore `response_format` and honour only `tool_choice`
`"auto"` and `"none"`, so nothing on the service forces an answer into a
schema. `ChatMiniMax.with_structured_output` therefore steers the model (with
the schema as a tool, or as an instruction) and parses whatever form the answer
takes: a call to the schema's tool, or a JSON object in the answer text, bare
or in a Markdown fence, after any `<think>` block.
"""

from __future__ import annotations

import json
from functools import partial
from operator import itemgetter
from typing import Annotated, Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    convert_to_messages,
)
from langchain_core.output_parsers import (
    BaseGenerationOutputParser,
    JsonOutputKeyToolsParser,
)
from langchain_core.outputs import ChatGeneration, Generation
from langchain_core.runnables import (
    Runnable,
    RunnableLambda,
    RunnableMap,
    RunnablePassthrough,
)
from langchain_core.utils.function_calling import (
    convert_to_json_schema,
    convert_to_openai_tool,
)
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel, SkipValidation

from langchain_minimax.history import check_history
from langchain_minimax.tool_choice import json_object

Method = Literal["function_calling", "json_schema", "json_mode"]

METHODS: tuple[Method, ...] = ("function_calling", "json_schema", "json_mode")
"""The `with_structured_output` methods, the default first."""

JSON_MODE_INSTRUCTION = "Reply with one JSON object and nothing else."
"""The system instruction `method="json_mode"` adds (MiniMax has no JSON mode)."""

JSON_SCHEMA_INSTRUCTION = (
    "Reply with one JSON object that conforms to this JSON schema, and nothing "
    "else:\n{schema}"
)
"""The system instruction `method="json_schema"` adds, with the schema in it."""


def instruction_for(method: Method, schema: Any) -> str | None:
    """The system instruction a method adds to the input, if any.

    `function_calling` adds none: the schema goes to the model as a tool.
    """
    if method == "json_schema":
        text = json.dumps(convert_to_json_schema(schema), ensure_ascii=False)
        return JSON_SCHEMA_INSTRUCTION.format(schema=text)
    if method == "json_mode":
        return JSON_MODE_INSTRUCTION
    return None


def prepend_instruction(
    instruction: str,
) -> Runnable[LanguageModelInput, list[BaseMessage]]:
    """A step that puts a system instruction in front of a chat model's input.

    `ChatMiniMax` merges it with any system messages of the input into the one
    leading system message MiniMax accepts (instruction first). A `partial`
    of a module function rather than a closure, so that the step pickles.
    """
    return RunnableLambda(
        partial(_prepend, instruction), name="minimax_structured_output_instruction"
    )


def _prepend(instruction: str, input_: LanguageModelInput) -> list[BaseMessage]:
    check_history(input_)  # before convert_to_messages crashes on it
    messages = (
        [HumanMessage(input_)]
        if isinstance(input_, str)
        else convert_to_messages(input_)
    )
    return [SystemMessage(instruction), *messages]


class ToolCallOrJsonParser(BaseGenerationOutputParser[Any]):
    r"""Parse one structured answer from a tool call or from JSON text.

    The first call to `tool_name` wins; without one, the answer text is read as
    a JSON object, bare or fenced, after any `<think>` block. A
    `pydantic_schema` validates the object and is returned; without one, the
    dict is. Streamed input is parsed once, when complete.

    Example:
        ```python
        from langchain_core.messages import AIMessage
        from pydantic import BaseModel

        from langchain_minimax.structured_output import ToolCallOrJsonParser


        class Person(BaseModel):
            name: str


        parser = ToolCallOrJsonParser(tool_name="Person", pydantic_schema=Person)
        parser.invoke(AIMessage('<think>\nEasy.\n</think>\n\n{"name": "Ada"}'))
        # Person(name='Ada')
        ```
    """

    tool_name: str | None = None
    """The schema's tool name, when the schema was bound as a tool."""

    pydantic_schema: Annotated[type | None, SkipValidation()] = None
    """A pydantic (v2 or v1) model class to validate with, or `None` for dicts."""

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        """Parse the first generation into the structured answer.

        Args:
            result: The generations of one model call; only the first is read.
            partial: Unused: the answer is parsed once it is complete.

        Returns:
            An instance of the pydantic schema, or a dict.

        Raises:
            OutputParserException: When the reply holds no call to the tool and
                no JSON object, or the object does not validate; `llm_output` is
                the raw answer text.
        """
        generation = result[0]
        raw, obj = generation.text, None
        if isinstance(generation, ChatGeneration):
            raw = generation.message.text
            if self.tool_name:
                obj = JsonOutputKeyToolsParser(
                    key_name=self.tool_name, first_tool_only=True
                ).parse_result(result)
        if obj is None:
            obj = json_object(raw)
        if obj is None:
            raise OutputParserException(
                f"MiniMax's reply holds {self._expected()}. Raw text: {raw!r}"
                f"{_invalid_calls(generation)}",
                llm_output=raw,
            )
        return self._validated(obj, raw)

    def _expected(self) -> str:
        what = "no JSON object"
        if self.tool_name:
            what = f"no call to tool {self.tool_name!r} and {what}"
        return what

    def _validated(self, obj: dict[str, Any], raw: str) -> Any:
        schema = self.pydantic_schema
        if schema is None:
            return obj
        try:
            if issubclass(schema, BaseModel):
                return schema.model_validate(obj)
            return schema.parse_obj(obj)  # type: ignore[attr-defined]
        except ValueError as e:  # pydantic's ValidationError, v2 and v1
            raise OutputParserException(
                f"MiniMax's answer {obj!r} does not match {schema.__name__}: {e}",
                llm_output=raw,
            ) from e

    @property
    def _type(self) -> str:
        return "minimax_tool_call_or_json"


def _invalid_calls(generation: Generation) -> str:
    message = getattr(generation, "message", None)
    if not isinstance(message, AIMessage) or not message.invalid_tool_calls:
        return ""
    calls = [(c.get("name"), c.get("args")) for c in message.invalid_tool_calls]
    return f"; tool calls with arguments that are not JSON: {calls!r}"


def with_parser(
    model: Runnable[Any, Any],
    parser: Runnable[Any, Any],
    *,
    include_raw: bool,
) -> Runnable[Any, Any]:
    """Chain a model and its parser, keeping the raw message when asked.

    With `include_raw`, the output is `{"raw": message, "parsed": ...,
    "parsing_error": ...}` and a parsing error is returned, not raised.
    """
    if not include_raw:
        return model | parser
    parse = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    keep_raw = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=model) | parse.with_fallbacks(
        [keep_raw], exception_key="parsing_error"
    )


def structured_runnable(
    model: Any,
    schema: Any,
    *,
    method: Method,
    include_raw: bool,
    strict: bool | None,
    tools: list | None,
    **kwargs: Any,
) -> Runnable:
    """`ChatMiniMax.with_structured_output`'s runnable (see its docstring).

    Args:
        model: The `ChatMiniMax`.
        schema: The schema, or `None` for `"json_mode"`.
        method: `"function_calling"`, `"json_schema"` or `"json_mode"`.
        include_raw: Return the raw message and parsing error too.
        strict: Recorded for tracing; sends nothing.
        tools: More tools to bind beside the schema's.
        **kwargs: Passed to `bind`.

    Raises:
        ValueError: For an unknown `method`, or no `schema` where one is needed.
    """
    if method not in METHODS:
        msg = f"method={method!r} is not supported; use one of {list(METHODS)}."
        raise ValueError(msg)
    if schema is None and method != "json_mode":
        msg = f"method={method!r} needs a schema; only 'json_mode' works without."
        raise ValueError(msg)
    tool_name = None
    bound_tools = list(tools or [])
    if method == "function_calling" and schema is not None:
        tool_name = convert_to_openai_tool(schema)["function"]["name"]
        bound_tools.append(schema)
    bind_kwargs = {
        "ls_structured_output_format": {
            "kwargs": {"method": method, "strict": strict},
            "schema": schema,
        },
        **kwargs,
    }
    llm: Runnable = (
        model.bind_tools(bound_tools, **bind_kwargs)
        if bound_tools
        else model.bind(**bind_kwargs)
    )
    if instruction := instruction_for(method, schema):
        llm = prepend_instruction(instruction) | llm
    parser = ToolCallOrJsonParser(
        tool_name=tool_name,
        pydantic_schema=(
            schema
            if isinstance(schema, type) and is_basemodel_subclass(schema)
            else None
        ),
    )
    return with_parser(llm, parser, include_raw=include_raw)
