"""`openai` clients that see MiniMax's failures the way the SDK sees HTTP errors.

The `openai` SDK retries HTTP 408/409/429/5xx with exponential backoff. MiniMax
adds two things it does not know about, and these subclasses teach it both, so
that one retry mechanism (the SDK's, with `max_retries` and its backoff) covers
every failure:

* A failure reported inside an HTTP 200, as a non-zero `base_resp` in the body
  or in the first event of a stream, is turned into a response with the
  equivalent HTTP status (401, 429, 500, ...) and the body as received.
* Whether to retry follows what the server said (`x-should-retry`, a
  `Retry-After` beyond the SDK's cap), as in the SDK; else MiniMax's error code
  when the body has one: a rate limit or transient server failure is retried
  whatever its HTTP status; an authentication, balance or invalid-parameter
  failure never is (`_failures.should_retry`).

A chat-completion body or stream event that is not a JSON object raises
`MiniMaxResponseError` (the SDK would hand on a bare string or `None`), and
so does a body or event that is not JSON at all (the SDK would raise
`json.JSONDecodeError`).

Bodies are read (decoded, within caps) as soon as they arrive so the retry
decision can see the code; a stream is read up to its first event, gzip-encoded
or not, and then passed on decoded (`_response_bytes`).

Every error the client raises about MiniMax is the package's own: its status
errors are built by `_raising.status_error_of`, a connection error or
request timeout is a `MiniMaxConnectionError` or `MiniMaxTimeoutError`, and
its streams (`_raising.TypedStream`) raise the typed error for a failure
reported partway through, a read timeout, a broken connection and an event
that is not JSON. So `root_client`, `client` and `ChatMiniMax` raise the same
exception, with the same message (see `_raising.translate`).

`wire_completions` and `async_wire_completions` make the chat-completions
resources of `ChatMiniMax(json_client=True)`: they return each completion and
stream chunk as the JSON object the service sent instead of an SDK model.
langchain-openai turns every SDK model straight back into that dict
(`model_dump()`), so building it is wasted work; but instrumentation that
reads the SDK's objects then sees nothing. By default `client` is
`root_client.chat.completions`, and the clients build the SDK's chat objects
with pydantic's strict validator, which is much faster than the SDK's own
`construct` (see `_validated`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import ValidationError
from typing_extensions import Self

from langchain_minimax._failures import (
    should_retry,
)
from langchain_minimax._raising import (
    check_chunk_failure,
    raising_typed,
    status_error_of,
    typed_stream_cls,
)
from langchain_minimax._response_bytes import achecked_response, checked_response
from langchain_minimax._response_shape import check_parsed
from langchain_minimax._upstream import (
    ClientHooks,
    HookedAsyncOpenAI,
    HookedOpenAI,
    copy_client,
    drop_environment_headers,
    replace_post,
)
from langchain_minimax.errors import MiniMaxAPIStatusError
from langchain_minimax.tool_calls import text_arguments

if TYPE_CHECKING:
    import httpx2 as httpx
    from openai.resources.chat.completions import AsyncCompletions, Completions

_T = TypeVar("_T")


class _WireCompletion(openai.BaseModel):
    """Marks a chat completion to hand on as its JSON dict; never built."""


class _WireChunk(openai.BaseModel):
    """Marks a stream chunk to hand on as its JSON dict; never built."""


_COMPLETIONS_PATH = "/chat/completions"


def _wire_post(post: Callable[..., _T], streams: type) -> Callable[..., _T]:
    """`post`, asking for dicts instead of SDK models on chat-completion calls."""

    def wire_post(path: str, **kwargs: Any) -> _T:
        if path == _COMPLETIONS_PATH and kwargs.get("cast_to") is ChatCompletion:
            kwargs["cast_to"] = _WireCompletion
            if kwargs.get("stream_cls") is not None:
                kwargs["stream_cls"] = streams[_WireChunk]  # type: ignore[index]
        return post(path, **kwargs)

    return wire_post


def wire_completions(client: openai.OpenAI) -> Completions:
    """A `chat.completions` of `client` whose `create` returns the JSON as sent.

    A completion is a dict, a stream yields dicts; the failure checks of
    `MiniMaxOpenAI` apply as to SDK models. `client.chat.completions` itself
    is not changed.
    """
    resource = type(client.chat.completions)(client)
    replace_post(resource, _wire_post(client.post, openai.Stream))
    return resource


def async_wire_completions(client: openai.AsyncOpenAI) -> AsyncCompletions:
    """The async counterpart of `wire_completions`."""
    resource = type(client.chat.completions)(client)
    replace_post(resource, _wire_post(client.post, openai.AsyncStream))
    return resource


def _chat_object(data: object, cast_to: type, response: httpx.Response) -> object:
    """Check a parsed chat completion or chunk; what to hand on for it.

    Returns:
        The JSON as parsed for the wire path; the SDK's model, built by
        pydantic's validator in strict mode, for a completion or chunk that
        fits it (the same object the SDK's `construct` builds, about thirty
        times faster); `None` to leave the rest to the SDK, which constructs
        its model without validation (so a chunk that does not fit, such as
        one with an empty `role`, is handed on as before).
    """
    if cast_to is _WireChunk or cast_to is ChatCompletionChunk:
        check_parsed(data, response.request, streamed=True)
        check_chunk_failure(data, response)
    elif cast_to is _WireCompletion or cast_to is ChatCompletion:
        check_parsed(data, response.request, streamed=False)
    else:
        return None
    if cast_to is _WireCompletion or cast_to is _WireChunk:
        return data
    return _validated(data, cast_to)


def _validated(data: Any, cast_to: Any) -> object | None:
    """`cast_to` built from `data` by pydantic's strict validator, else `None`.

    MiniMax sends `"role": ""` on some stream deltas (every other one, in live
    captures), which the SDK's type does not allow (its `construct` keeps it
    as sent). Such a chunk is validated with those roles left out, and gets
    them back as sent. Relays may send `function.arguments` as a JSON object:
    it is validated as its JSON text (what the SDK's type holds; `construct`
    would keep the object, and dumping it would warn on every chunk). Both are
    fixed before validating, so that each chunk is validated once.
    """
    said = "delta" if cast_to is ChatCompletionChunk else "message"
    choices, empty = _fitting_choices(data.get("choices"), said)
    try:
        built = cast_to.model_validate(
            data if choices is None else {**data, "choices": choices}, strict=True
        )
    except ValidationError:
        return None
    for position in empty:
        built.choices[position].delta.role = ""
    return built


def _fitting_choices(choices: Any, said: str) -> tuple[list[Any] | None, list[int]]:
    """The choices made to fit the SDK's type, and where a role was left out.

    Returns:
        The patched choices (`None`: they fit as sent), and the positions of
        the deltas whose empty `role` was left out.
    """
    if not isinstance(choices, list):
        return None, []
    patched: list[Any] | None = None
    empty = []
    for position, choice in enumerate(choices):
        message = choice.get(said) if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        fitting = message
        if "tool_calls" in message and (
            (calls := text_arguments(message["tool_calls"])) is not None
        ):
            fitting = {**message, "tool_calls": calls}
        if said == "delta" and message.get("role") == "":
            empty.append(position)
            fitting = {key: value for key, value in fitting.items() if key != "role"}
        if fitting is not message:
            patched = patched or list(choices)
            patched[position] = {**choice, said: fitting}
    return patched, empty


class _MiniMaxClientHooks(ClientHooks):
    """What both clients do differently from the SDK (see the module doc)."""

    organization: str | None
    project: str | None

    def __init__(self, **kwargs: Any) -> None:
        # No OPENAI_* variable reaches MiniMax: given `None`, the SDK reads
        # OPENAI_ORG_ID / OPENAI_PROJECT_ID and sends them as headers, and it
        # always adds the headers of OPENAI_CUSTOM_HEADERS.
        super().__init__(**{**kwargs, "organization": "", "project": ""})
        self.organization = None
        self.project = None
        drop_environment_headers(self, kwargs.get("default_headers"))

    def should_retry(self, response: httpx.Response) -> bool:
        """The server's headers, else MiniMax's code, else the SDK's rules.

        See `_failures.should_retry`.
        """
        return should_retry(response, super().should_retry)

    def process_response_data(
        self, *, data: object, cast_to: type[_T], response: httpx.Response
    ) -> _T:
        """A chat completion or chunk checked (see `_chat_object`), else the SDK's."""
        if (built := _chat_object(data, cast_to, response)) is not None:
            return built  # type: ignore[return-value]
        return super().process_response_data(
            data=data, cast_to=cast_to, response=response
        )

    def make_status_error(
        self, err_msg: str, *, body: object, response: httpx.Response
    ) -> MiniMaxAPIStatusError:
        """MiniMax's exception for an error response (`status_error_of`)."""
        return status_error_of(body, response)


class MiniMaxOpenAI(_MiniMaxClientHooks, HookedOpenAI):
    """`openai.OpenAI` that reads MiniMax's error codes (see the module doc)."""

    def request(self, cast_to: Any, options: Any, **kwargs: Any) -> Any:
        """`openai.OpenAI.request`, raising MiniMax's exceptions.

        Streams are `_raising.TypedStream`s; a connection error or request
        timeout raises `MiniMaxConnectionError` or `MiniMaxTimeoutError`.
        """
        stream_cls = typed_stream_cls(kwargs.pop("stream_cls", None))
        with raising_typed():
            return super().request(cast_to, options, stream_cls=stream_cls, **kwargs)

    def send_request(
        self, request: httpx.Request, *, stream: bool, **kwargs: Any
    ) -> httpx.Response:
        """The response, read and checked for a failure MiniMax reports in it."""
        response = super().send_request(request, stream=True, **kwargs)
        return checked_response(response, stream=stream)


class AsyncMiniMaxOpenAI(_MiniMaxClientHooks, HookedAsyncOpenAI):
    """`openai.AsyncOpenAI` that reads MiniMax's error codes (see the module doc).

    Args:
        stream_chunk_timeout: Seconds to wait for a stream's first event with
            data, one deadline that keep-alive comments and trickling bytes do
            not restart (`None` or 0: no limit beyond the request timeout);
            later chunks are timed by langchain-openai.
        **kwargs: Arguments of `openai.AsyncOpenAI`.
    """

    def __init__(
        self, *, stream_chunk_timeout: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.stream_chunk_timeout = stream_chunk_timeout

    def copy(self, **kwargs: Any) -> Self:
        """`openai.AsyncOpenAI.copy`, keeping `stream_chunk_timeout`.

        Args:
            **kwargs: Arguments of `openai.AsyncOpenAI.copy`.

        Returns:
            The new client.
        """
        return copy_client(
            super().copy, kwargs, stream_chunk_timeout=self.stream_chunk_timeout
        )

    with_options = copy

    async def request(self, cast_to: Any, options: Any, **kwargs: Any) -> Any:
        """`openai.AsyncOpenAI.request`, raising MiniMax's exceptions.

        Streams are `_raising.AsyncTypedStream`s; a connection error or request
        timeout raises `MiniMaxConnectionError` or `MiniMaxTimeoutError`.
        """
        stream_cls = typed_stream_cls(kwargs.pop("stream_cls", None))
        with raising_typed():
            return await super().request(
                cast_to, options, stream_cls=stream_cls, **kwargs
            )

    async def send_request(
        self, request: httpx.Request, *, stream: bool, **kwargs: Any
    ) -> httpx.Response:
        """The response, read and checked for a failure MiniMax reports in it."""
        response = await super().send_request(request, stream=True, **kwargs)
        return await achecked_response(
            response, stream=stream, chunk_timeout=self.stream_chunk_timeout
        )
