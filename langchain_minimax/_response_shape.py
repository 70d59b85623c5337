"""What a chat completion or stream chunk must look like for LangChain to read it.

The shapes are TypedDicts of the fields `ChatOpenAI` and this package read
(for `usage`, the counts langchain-openai puts into `usage_metadata`), checked
strictly by pydantic (a string is not a number, a number is not a string,
`true` is not a number); fields not listed are not checked. An optional
field may be `null`; a required one left out reads as `null`. Each check
raises `MiniMaxResponseError` naming the first field that is wrong, so a
malformed answer is never turned into an empty or truncated message.

The validators are built on first use: building them costs milliseconds that
an import should not pay.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

import openai
from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from langchain_minimax._failures import read_failure
from langchain_minimax.errors import MiniMaxResponseError

if TYPE_CHECKING:
    import httpx2 as httpx
    from pydantic_core import ErrorDetails

    from langchain_minimax._raising import CallContext


class _Function(TypedDict):
    name: str
    # An object from some relays: read as the JSON text it stands for.
    arguments: str | dict[str, Any]


class _FunctionFragment(TypedDict):
    name: NotRequired[str | None]
    arguments: NotRequired[str | dict[str, Any] | None]


class _ToolCall(TypedDict):
    id: NotRequired[str | None]
    type: NotRequired[str | None]
    function: _Function


class _ToolCallFragment(TypedDict):
    # langchain-openai drops every fragment of a delta if one lacks these.
    index: int
    id: NotRequired[str | None]
    type: NotRequired[str | None]
    function: _FunctionFragment


class _ReasoningDetail(TypedDict):
    type: NotRequired[str | None]
    id: NotRequired[str | None]
    format: NotRequired[str | None]
    index: NotRequired[int | None]
    text: NotRequired[str | None]


class _Said(TypedDict):
    """What a message and a stream delta have in common."""

    content: NotRequired[str | None]
    reasoning_content: NotRequired[str | None]
    reasoning: NotRequired[str | None]
    name: NotRequired[str | None]
    id: NotRequired[str | None]
    reasoning_details: NotRequired[list[_ReasoningDetail] | None]
    function_call: NotRequired[dict[str, Any] | None]


class _Message(_Said):
    role: Literal["assistant"]
    tool_calls: NotRequired[list[_ToolCall] | None]


class _Delta(_Said):
    role: NotRequired[Literal["assistant", ""] | None]
    tool_calls: NotRequired[list[_ToolCallFragment] | None]


class _TokenDetails(TypedDict):
    # The counts langchain-openai reads into `usage_metadata`.
    audio_tokens: NotRequired[int | None]
    cached_tokens: NotRequired[int | None]
    cache_write_tokens: NotRequired[int | None]
    reasoning_tokens: NotRequired[int | None]


class _Usage(TypedDict):
    prompt_tokens: NotRequired[int | None]
    completion_tokens: NotRequired[int | None]
    total_tokens: NotRequired[int | None]
    prompt_tokens_details: NotRequired[_TokenDetails | None]
    completion_tokens_details: NotRequired[_TokenDetails | None]


class _Choice(TypedDict):
    message: _Message
    finish_reason: str


class _StreamedChoice(TypedDict):
    delta: _Delta
    finish_reason: NotRequired[str | None]


class _Answer(TypedDict):
    """What a completion and a stream chunk have in common."""

    id: NotRequired[str | None]
    model: NotRequired[str | None]
    system_fingerprint: NotRequired[str | None]
    service_tier: NotRequired[str | None]
    usage: NotRequired[_Usage | None]


class _Completion(_Answer):
    choices: Annotated[list[_Choice], Field(min_length=1)]


class _Chunk(_Answer):
    # `None` or absent: a usage-only chunk. MiniMax sends one choice.
    choices: NotRequired[Annotated[list[_StreamedChoice], Field(max_length=1)] | None]


def wire_dict(obj: Any) -> dict[str, Any]:
    """The JSON dict of an `openai` response object (or the dict itself)."""
    if isinstance(obj, dict):
        return obj
    dumped: dict[str, Any] = obj.model_dump(warnings=False)
    return dumped


@cache
def _adapter(shape: type) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a number",
    "list_type": "a list",
    "dict_type": "an object",
}


def json_kind(value: object) -> str:
    """What a JSON value is, in words (`a string`, `null`, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _path(loc: tuple[int | str, ...]) -> str:
    return "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc
    ).lstrip(".")


def _problem(error: ErrorDetails, what: str, *, streamed: bool) -> str:
    """The first problem pydantic found, in the words of the data as sent."""
    loc = error["loc"]
    kind = error["type"]
    value = None if kind == "missing" else error["input"]
    if loc[-1] == "str" and len(loc) > 1 and loc[-2] == "arguments":
        # The first member of the arguments' union (text or an object).
        return f"{_path(loc[:-1])} is {json_kind(value)}, not a string or an object"
    if loc[0] == "choices" and len(loc) <= 2:
        if kind == "too_short":
            return f"{what} has no choices"
        if kind == "too_long":
            return (
                f"{what} has {error['ctx']['actual_length']} choices; MiniMax sends one"
            )
        return f"{what} has {json_kind(value)} for {_path(loc)}" + (
            ", not a list" if len(loc) == 1 else ", not an object"
        )
    if loc[-1] == "finish_reason" and not streamed:
        return (
            f"{_path(loc[:2])} has no finish_reason, so MiniMax did not mark the "
            "answer as finished"
        )
    if streamed and loc[0] == "choices":
        path = "the chunk's " + _path(loc[2:])
    elif len(loc) == 1 and loc[0] != "usage":
        path = f"{what}.{loc[0]}"
    else:
        path = _path(loc)
    if kind == "missing":
        return f"{path} is null"
    if kind == "value_error":
        return f"{path} {error['ctx']['error']}"
    if kind == "literal_error":
        return f"{path} is {value!r}, not {error['ctx']['expected']}"
    return f"{path} is {json_kind(value)}, not {_EXPECTED.get(kind, 'usable')}"


def check_parsed(data: object, request: httpx.Request, *, streamed: bool) -> None:
    """Check that a parsed chat-completion body or stream event is a JSON object.

    Args:
        data: The parsed JSON.
        request: The request it answers.
        streamed: Whether it is a stream event.

    Raises:
        MiniMaxResponseError: If it is not an object (the `openai` SDK would
            hand on a bare string, number, list or `None`).
    """
    if isinstance(data, dict):
        return
    what = "a stream chunk" if streamed else "a response body"
    raise MiniMaxResponseError(
        f"MiniMax sent {what} that is {json_kind(data)}, not a JSON object "
        f"[from {request.url.host}]",
        request,
        body=data,
    )


def check_completion(response: object, context: CallContext) -> dict[str, Any]:
    """Check a non-streamed response before it is read into a message.

    Args:
        response: The parsed response: a dict, an `openai` model, or the text
            the SDK returns for a body that is not JSON.
        context: Where the call went.

    Returns:
        The response as a dict.

    Raises:
        MiniMaxAPIStatusError: The subclass for the case, if the body reports a
            failure (`base_resp` or an error envelope).
        MiniMaxResponseError: If the body is not a usable chat completion: not
            a JSON object, no choices, a field LangChain reads of the wrong
            type, a message not from the assistant, or a choice without
            `finish_reason`. (Tool-call arguments that are not a JSON object
            make an invalid tool call, not an error: see `tool_calls`.)
    """
    body: object = (
        wire_dict(response) if isinstance(response, openai.BaseModel) else response
    )
    if not isinstance(body, dict):
        preview = repr(body)
        if len(preview) > 200:
            preview = preview[:200] + "..."
        raise context.response_error(
            f"MiniMax sent a response that is not a JSON object: {preview}", body
        )
    failure = read_failure(body)
    if failure is not None:
        raise context.failure_error(failure, body)
    try:
        _adapter(_Completion).validator.validate_python(body, strict=True)
    except ValidationError as error:
        problem = _problem(error.errors()[0], "the response", streamed=False)
        raise context.response_error(
            f"MiniMax sent an unusable answer: {problem}", body
        ) from None
    return body


def check_chunk(chunk: object, context: Callable[[], CallContext]) -> None:
    """Check one streamed chunk before it is read into a message chunk.

    Args:
        chunk: The parsed chunk.
        context: Makes the call's context, called only to raise (this check
            runs for every chunk).

    A failure the chunk reports (`base_resp` or an error envelope) is not
    looked for here: the client (`_client`) reads it from every chunk before
    the chunk is handed on, so each chunk is checked once.

    Raises:
        MiniMaxResponseError: If the chunk is not an object, has more than one
            choice (MiniMax sends one), a choice without a delta object, or a
            field LangChain reads of the wrong type.
    """
    if not isinstance(chunk, dict):
        raise context().response_error(
            f"MiniMax sent a stream chunk that is {json_kind(chunk)}, not an object",
            chunk,
        )
    try:
        _adapter(_Chunk).validator.validate_python(chunk, strict=True)
    except ValidationError as error:
        problem = _problem(error.errors()[0], "the chunk", streamed=True)
        raise context().response_error(
            f"MiniMax sent an unusable stream chunk: {problem}", chunk
        ) from None


def unfinished_stream(context: CallContext) -> MiniMaxResponseError:
    """The exception for a stream that ended without a `finish_reason`.

    Args:
        context: Where the call went, with the number of chunks received.

    Returns:
        The exception to raise after the last chunk.
    """
    return context.response_error(
        f"MiniMax's stream ended after {context.chunks} chunks without a "
        "finish_reason, so the answer may be incomplete",
        None,
    )
