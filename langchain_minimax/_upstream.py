"""Everything private of `openai`, langchain-openai and langchain-core we use.

Those libraries promise nothing about these names; one release can rename or
drop any of them. So no other module of the package names them: private names
are imported here, each with why we need it, and the private methods our
subclasses override or call are listed in `HOOKS` with the parameters we rely
on (`PRIVATE_PARAMETERS`: private parameters of public methods). The functions
below reach the few private attributes and parameters the rest of the package
needs, and the `Hooked*` classes hand the private methods of the `openai`
clients and streams that `_client.py` changes to public-named methods of the
same name without the underscores (`__stream__`: `stream_items`), which by
default do what the SDK does. `tests/unit_tests/test_upstream.py` fails if
another module imports or touches a private upstream name, if a class (the
seam's included) overrides or calls a private upstream method missing from
`HOOKS`, or if a listed method is gone or has other parameters. CI runs it at
the lowest and the latest versions `pyproject.toml` allows.

Checked with openai 3.15.0 and 3.57.0, langchain-openai 1.6.6 and 1.7.4,
langchain-core 1.6.10 and 1.8.3.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

import httpx2
import openai
from langchain_core.language_models import BaseChatModel, LanguageModelInput

# Merges streamed `reasoning_details` entries exactly as langchain-core's chunk
# addition merges `additional_kwargs`; not exported by `langchain_core.utils`.
from langchain_core.utils._merge import merge_dicts
from langchain_openai import ChatOpenAI

# ChatOpenAI's choice of httpx clients: proxied clients, TCP keepalive socket
# options and the rules for a proxy set in the environment. Used so that
# ChatMiniMax connects as ChatOpenAI does. Not its shared default clients: one
# cached async client per base URL is what dies with the first event loop
# (see `_client_factory`).
from langchain_openai.chat_models._client_utils import (
    _build_proxied_async_httpx_client as build_proxied_async_httpx_client,
)
from langchain_openai.chat_models._client_utils import (
    _build_proxied_sync_httpx_client as build_proxied_sync_httpx_client,
)
from langchain_openai.chat_models._client_utils import (
    _log_proxy_env_bypass_once as log_proxy_env_bypass_once,
)
from langchain_openai.chat_models._client_utils import (
    _resolve_socket_options as resolve_socket_options,
)
from langchain_openai.chat_models._client_utils import (
    _should_bypass_socket_options_for_proxy_env as should_bypass_socket_options,
)
from langchain_openai.chat_models._client_utils import (
    _warn_if_proxy_env_shadowed as warn_if_proxy_env_shadowed,
)

# Public names that `langchain_openai` does not export: the error ChatOpenAI
# raises for a timeout (both `openai.APITimeoutError` and langchain-core's
# `ModelTimeoutError`), and the certifi SSL context it gives proxied clients.
from langchain_openai.chat_models.base import OpenAITimeoutError, global_ssl_context

# The types in `ChatOpenAI.with_structured_output`'s signature, which
# ChatMiniMax overrides with the same types.
from langchain_openai.chat_models.base import _DictOrPydantic as DictOrPydantic
from langchain_openai.chat_models.base import (
    _DictOrPydanticClass as DictOrPydanticClass,
)

# The base class of both `openai` clients, where `_should_retry`,
# `_process_response_data` and `_make_status_error` are defined.
from openai._base_client import BaseClient

__all__ = [
    "HOOKS",
    "DictOrPydantic",
    "ClientHooks",
    "DictOrPydanticClass",
    "Hook",
    "HookedAsyncOpenAI",
    "HookedAsyncStream",
    "HookedOpenAI",
    "HookedStream",
    "OpenAITimeoutError",
    "build_proxied_async_httpx_client",
    "build_proxied_sync_httpx_client",
    "changed_hooks",
    "copy_client",
    "drop_environment_headers",
    "global_ssl_context",
    "log_proxy_env_bypass_once",
    "merge_dicts",
    "replace_post",
    "request_payload",
    "resolve_socket_options",
    "should_bypass_socket_options",
    "warn_if_proxy_env_shadowed",
]


def replace_post(resource: Any, post: Callable[..., Any]) -> None:
    """Make an `openai` API resource send its requests through `post`.

    A resource's private `_post` is the one call its public methods (such as
    `chat.completions.create`) make; `_client.wire_completions` wraps it.

    Args:
        resource: An `openai` API resource, e.g. a `Completions`.
        post: Takes and returns what `resource._post` does.
    """
    resource._post = post


_Client = TypeVar("_Client")
_T = TypeVar("_T")


def copy_client(
    copy: Callable[..., _Client], kwargs: dict[str, Any], **own: Any
) -> _Client:
    """`copy(**kwargs)` for an `openai` client subclass with arguments of its own.

    The SDK's `copy` (and `with_options`) builds the new client from its own
    arguments only, plus those of its private `_extra_kwargs`; `own` goes
    there, so the copy keeps them.

    Args:
        copy: The parent's bound `copy`.
        kwargs: The arguments `copy` was called with.
        **own: The subclass's constructor arguments to keep.

    Returns:
        The new client.
    """
    extra = {**own, **kwargs.pop("_extra_kwargs", {})}
    return copy(**kwargs, _extra_kwargs=extra)


def drop_environment_headers(client: BaseClient[Any, Any], given: Any) -> None:
    """Send only the headers given to `client`, none from `OPENAI_CUSTOM_HEADERS`.

    Newer `openai` clients merge that variable's `Name: value` lines into
    their private `_custom_headers`, an `Authorization` line included (which
    would replace the MiniMax key), and no argument turns it off.

    Args:
        client: An `openai` client, just built.
        given: The `default_headers` it was built with.
    """
    client._custom_headers = dict(given or {})
    if hasattr(client, "_ambient_authorizations"):
        client._ambient_authorizations = frozenset()


def request_payload(model: ChatOpenAI, messages: LanguageModelInput) -> dict:
    """The request body `model` would send for `messages`, without sending it.

    No public API of langchain-openai shows the body it builds.

    Args:
        model: A `ChatOpenAI`, e.g. a `ChatMiniMax`.
        messages: What `invoke` takes.

    Returns:
        The chat-completions body, `messages` and `model` included.
    """
    return model._get_request_payload(messages)


def openai_payload(
    model: ChatOpenAI, messages: LanguageModelInput, **kwargs: Any
) -> dict:
    """The body `ChatOpenAI` itself builds for `messages` (no MiniMax rules).

    What `request.build_payload` starts from; for the benchmarks, which time
    the recipe against `ChatOpenAI`'s own build. No public API of
    langchain-openai shows the body it builds.

    Args:
        model: A `ChatOpenAI`, e.g. a `ChatMiniMax`.
        messages: What `invoke` takes.
        **kwargs: Call arguments, as `invoke` takes them (e.g. `tools`).

    Returns:
        The chat-completions body `ChatOpenAI._get_request_payload` returns.
    """
    return ChatOpenAI._get_request_payload(model, messages, **kwargs)


class ClientHooks(BaseClient[Any, Any]):
    """The private methods both `openai` clients share, handed to public ones."""

    def _should_retry(self, response: httpx2.Response) -> bool:
        return self.should_retry(response)

    def should_retry(self, response: httpx2.Response) -> bool:
        """Whether to retry after an error response (the SDK's rules)."""
        return super()._should_retry(response)

    def _process_response_data(
        self, *, data: object, cast_to: type[_T], response: httpx2.Response
    ) -> _T:
        return self.process_response_data(data=data, cast_to=cast_to, response=response)

    def process_response_data(
        self, *, data: object, cast_to: type[_T], response: httpx2.Response
    ) -> _T:
        """`cast_to` built from a parsed body or stream event (the SDK's way)."""
        return super()._process_response_data(
            data=data, cast_to=cast_to, response=response
        )

    def _make_status_error(
        self, err_msg: str, *, body: object, response: httpx2.Response
    ) -> openai.APIStatusError:
        return self.make_status_error(err_msg, body=body, response=response)

    def make_status_error(
        self, err_msg: str, *, body: object, response: httpx2.Response
    ) -> openai.APIStatusError:
        """The exception for an error response (the SDK's)."""
        return super()._make_status_error(err_msg, body=body, response=response)


class HookedOpenAI(ClientHooks, openai.OpenAI):
    """`openai.OpenAI` whose private hooks are public methods (see the module doc)."""

    def _send_request(
        self, request: httpx2.Request, *, stream: bool, **kwargs: Any
    ) -> httpx2.Response:
        return self.send_request(request, stream=stream, **kwargs)

    def send_request(
        self, request: httpx2.Request, *, stream: bool, **kwargs: Any
    ) -> httpx2.Response:
        """Send one HTTP request, before the SDK's retry decision (the SDK's way)."""
        return super()._send_request(request, stream=stream, **kwargs)


class HookedAsyncOpenAI(ClientHooks, openai.AsyncOpenAI):
    """The async counterpart of `HookedOpenAI`."""

    async def _send_request(
        self, request: httpx2.Request, *, stream: bool, **kwargs: Any
    ) -> httpx2.Response:
        return await self.send_request(request, stream=stream, **kwargs)

    async def send_request(
        self, request: httpx2.Request, *, stream: bool, **kwargs: Any
    ) -> httpx2.Response:
        """Send one HTTP request, before the SDK's retry decision (the SDK's way)."""
        return await super()._send_request(request, stream=stream, **kwargs)


class HookedStream(openai.Stream[_T]):
    """`openai.Stream` reading its items with `stream_items`."""

    def __stream__(self) -> Iterator[_T]:
        return self.stream_items()

    def stream_items(self) -> Iterator[_T]:
        """The stream's items, read from its events (the SDK's way)."""
        return super().__stream__()


class HookedAsyncStream(openai.AsyncStream[_T]):
    """`openai.AsyncStream` reading its items with `stream_items`."""

    def __stream__(self) -> AsyncIterator[_T]:
        return self.stream_items()

    def stream_items(self) -> AsyncIterator[_T]:
        """The stream's items, read from its events (the SDK's way)."""
        return super().__stream__()


class Hook(NamedTuple):
    """A private method of upstream classes that our subclasses override or call.

    Attributes:
        owners: The upstream classes that have it.
        name: The method's name.
        parameters: Its parameter names, `self` left out; `None` for a property.
        why: Why we override or call it.
    """

    owners: tuple[type, ...]
    name: str
    parameters: tuple[str, ...] | None
    why: str


_CLIENTS = (openai.OpenAI, openai.AsyncOpenAI)
_BOTH_CLIENTS = (BaseClient, *_CLIENTS)
_CHAT_MODEL = (ChatOpenAI,)
_CALLS = ("messages", "stop", "run_manager", "kwargs")

HOOKS: tuple[Hook, ...] = (
    Hook(
        _CLIENTS,
        "_send_request",
        ("request", "stream", "kwargs"),
        "the one place every HTTP response passes before the SDK's retry "
        "decision: a failure MiniMax reports in an HTTP 200 becomes its error "
        "status there, so that the SDK's retries cover it, and bodies and "
        "stream events are read within the package's caps",
    ),
    Hook(
        _BOTH_CLIENTS,
        "_should_retry",
        ("response",),
        "when the server's headers say nothing, MiniMax's error code, not only "
        "the HTTP status, decides a retry",
    ),
    Hook(
        _BOTH_CLIENTS,
        "_process_response_data",
        ("data", "cast_to", "response"),
        "checks that a parsed body is a JSON object and hands chat completions "
        "on as dicts on the wire path",
    ),
    Hook(
        _BOTH_CLIENTS,
        "_make_status_error",
        ("err_msg", "body", "response"),
        "where the SDK builds the exception for an error response: the client "
        "builds MiniMax's typed one there, so root_client raises it too",
    ),
    Hook(
        (openai.Stream, openai.AsyncStream),
        "__stream__",
        (),
        "the generator a stream reads its events with: a failure partway "
        "through a stream and a read timeout raise MiniMax's exceptions",
    ),
    Hook(
        _CHAT_MODEL,
        "_generate",
        _CALLS,
        "BaseChatModel's extension point: raises MiniMax's exceptions",
    ),
    Hook(
        _CHAT_MODEL,
        "_agenerate",
        _CALLS,
        "BaseChatModel's extension point: raises MiniMax's exceptions",
    ),
    Hook(
        _CHAT_MODEL,
        "_stream",
        ("args", "kwargs"),
        "BaseChatModel's extension point: the per-stream state, MiniMax's "
        "exceptions, and a stream without finish_reason is an error",
    ),
    Hook(
        _CHAT_MODEL,
        "_astream",
        ("args", "kwargs"),
        "BaseChatModel's extension point, as `_stream`",
    ),
    Hook(
        _CHAT_MODEL,
        "_llm_type",
        None,
        "BaseChatModel's extension point: names the model type",
    ),
    Hook(
        _CHAT_MODEL,
        "_get_ls_params",
        ("stop", "kwargs"),
        "BaseChatModel's LangSmith tracing parameters: provider 'minimax'",
    ),
    Hook(
        _CHAT_MODEL,
        "_create_chat_result",
        ("response", "generation_info"),
        "ChatOpenAI turns a completion into a ChatResult there; we check the "
        "body first and add MiniMax's reasoning to each message",
    ),
    Hook(
        _CHAT_MODEL,
        "_convert_chunk_to_generation_chunk",
        ("chunk", "default_chunk_class", "base_generation_info"),
        "ChatOpenAI turns a stream chunk into a message chunk there; we check "
        "the chunk first and add MiniMax's reasoning",
    ),
    Hook(
        _CHAT_MODEL,
        "_get_request_payload",
        ("input_", "stop", "kwargs"),
        "ChatOpenAI builds the request body there; MiniMax's rules are applied to it",
    ),
    Hook(
        _CHAT_MODEL,
        "_default_params",
        None,
        "ChatOpenAI's default request parameters; MiniMax's `thinking` joins them",
    ),
    Hook(
        _CHAT_MODEL,
        "_resolve_model_profile",
        (),
        "BaseChatOpenAI fills `profile` from its own table there; ours is MiniMax's",
    ),
    Hook(
        _CHAT_MODEL,
        "_use_responses_api",
        ("payload",),
        "MiniMax has no Responses API: always False",
    ),
    Hook(
        (BaseChatModel,),
        "_add_version",
        ("pkg", "version"),
        "records langchain-minimax's version in the model's metadata, as "
        "langchain-openai records its own",
    ),
    Hook(
        (BaseChatModel,),
        "_convert_input",
        ("model_input",),
        "turns `invoke`'s input into messages once, to check them before "
        "ChatOpenAI builds the body; ChatMiniMax checks the raw history there "
        "first (history.py), before langchain's converters crash on it",
    ),
)


PRIVATE_PARAMETERS: tuple[tuple[Callable[..., Any], str], ...] = (
    (openai.OpenAI.copy, "_extra_kwargs"),
    (openai.AsyncOpenAI.copy, "_extra_kwargs"),
)
"""Private parameters of public upstream methods that `copy_client` passes."""


def _parameters(owner: type, name: str) -> tuple[str, ...] | None:
    if isinstance(inspect.getattr_static(owner, name), property):
        return None
    names = list(inspect.signature(getattr(owner, name)).parameters)
    return tuple(names[1:] if names[:1] == ["self"] else names)


def changed_hooks(hooks: Sequence[Hook] = HOOKS) -> list[str]:
    """The hooks the installed upstream versions no longer have as listed.

    Args:
        hooks: The hooks to check.

    Returns:
        One line per hook that is gone or whose parameters differ; empty
        when every hook is as listed.
    """
    changed = []
    for hook in hooks:
        for owner in hook.owners:
            where = f"{owner.__module__}.{owner.__qualname__}.{hook.name}"
            if not hasattr(owner, hook.name):
                changed.append(f"{where} is gone")
                continue
            found = _parameters(owner, hook.name)
            if found != hook.parameters:
                changed.append(f"{where} takes {found}, not {hook.parameters}")
    for method, parameter in PRIVATE_PARAMETERS:
        if parameter not in inspect.signature(method).parameters:
            changed.append(f"{method.__qualname__} takes no {parameter}")
    return changed
