"""The `openai` clients of a `ChatMiniMax`, safe across event loops and processes.

`ChatOpenAI` gives every model with the same base URL one cached
`httpx.AsyncClient`; its pooled connections belong to the event loop that
opened them, so the next `asyncio.run(...)` (or pytest's next per-test loop)
fails with `RuntimeError: Event loop is closed`. After `os.fork()` a child
would send on sockets its parent also uses.

Here the `openai` clients (`root_client`, `root_async_client`) are built as
`ChatOpenAI` builds them (proxy, TCP keepalive socket options, the rules for a
proxy set in the environment), but each sends through an httpx client that
holds one real httpx client per process (sync) or per process and event loop
(async), built on first use there:

* A loop's connections are closed when `asyncio.run`, `asyncio.Runner` or
  pytest-asyncio shut that loop down (through the loop's async-generator
  shutdown, the one hook asyncio gives), and dropped unused when another loop
  finds that loop closed.
* A process never sends on a connection it did not open: a forked child
  builds its own and drops what it inherited without touching it (closing
  could take a lock another thread of the parent held at the fork).
* Within one loop, or one process for sync calls, connections are reused as
  usual, and models with the same base URL, timeout and socket options share
  them, as `ChatOpenAI`'s do.

An `http_client` or `http_async_client` given by the user is used as given.

The same split answers pickling and copying (`RebuildsClientsOnCopy`): a
model's state leaves out its `openai` clients, and the copy builds its own
where it is loaded. A model with clients given by the user cannot be pickled.

`set_clients` is what `ChatMiniMax.validate_environment` calls; no `OPENAI_*`
variable is read on the way (the key and base URL are MiniMax's, and
`_client.py`'s clients leave OpenAI's account ids and custom headers out).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import AsyncIterator, Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple, cast

import httpx2
import openai
from langchain_openai import ChatOpenAI
from pydantic import BaseModel
from typing_extensions import Self

from langchain_minimax._client import (
    AsyncMiniMaxOpenAI,
    MiniMaxOpenAI,
    async_wire_completions,
    wire_completions,
)
from langchain_minimax._upstream import (
    build_proxied_async_httpx_client,
    build_proxied_sync_httpx_client,
    global_ssl_context,
    log_proxy_env_bypass_once,
    resolve_socket_options,
    should_bypass_socket_options,
    warn_if_proxy_env_shadowed,
)

CLIENT_FIELDS = ("client", "async_client", "root_client", "root_async_client")
"""The model's fields holding the `openai` clients the factory builds."""

HTTP_CLIENT_FIELDS = ("http_client", "http_async_client")
"""The model's fields holding httpx clients the user gives."""

NO_KEY = "no-key"
"""Sent as the key to a custom `base_url` (a proxy or the emulator) when none is set.

A placeholder rather than `None`: the `openai` client would read
`OPENAI_API_KEY`. Only a base URL that is not MiniMax's gets there.
"""

_OPENAI_ARGUMENTS = {
    "openai_api_key": "the MiniMax key as api_key=... (or set MINIMAX_API_KEY)",
    "openai_api_base": "MiniMax's URL as base_url=... (or set MINIMAX_BASE_URL)",
}

SocketOptions = tuple[tuple[int, int, int], ...]


def refuse_openai_arguments(arguments: object) -> None:
    """Raise for `ChatOpenAI`'s OpenAI-named key and base URL arguments.

    Code migrated from `ChatOpenAI` may pass `openai_api_key` or
    `openai_api_base`; most likely they hold an OpenAI key or URL, so they are
    refused rather than used for MiniMax (docs/migration.md).

    Args:
        arguments: The constructor's arguments (a dict; anything else passes).

    Raises:
        ValueError: Naming the argument and what to pass instead (never the
            key's value).
    """
    if not isinstance(arguments, Mapping):
        return
    for name, instead in _OPENAI_ARGUMENTS.items():
        value = arguments.get(name)
        if value is None:
            continue
        shown = "..." if name == "openai_api_key" else repr(value)
        msg = f"ChatMiniMax does not take {name}={shown}: pass {instead}."
        raise ValueError(msg)


_built: weakref.WeakSet[object] = weakref.WeakSet()
"""Every client the factory built: what pickling may drop and rebuild."""


def set_clients(model: ChatOpenAI) -> None:
    """Build `model`'s `openai` clients that are unset, as `ChatOpenAI` does.

    Sets `root_client` and `client` unless `client` is set, and
    `root_async_client` and `async_client` unless `async_client` is set.
    `client` and `async_client` are the chat-completions resources (the JSON
    ones with `json_client`).

    Args:
        model: A `ChatMiniMax`: its `minimax_api_key`, `minimax_api_base`,
            `json_client` and `ChatOpenAI`'s client fields are read.

    Raises:
        ValueError: For `openai_proxy` together with a given httpx client.
    """
    options = _socket_options(model)
    json_client = getattr(model, "json_client", False)
    if not model.client:
        root = MiniMaxOpenAI(
            **_client_params(model),
            http_client=model.http_client or _http_client(model, options, sync=True),
        )
        model.root_client = root
        model.client = wire_completions(root) if json_client else root.chat.completions
        _built.update((root, model.client))
    if not model.async_client:
        async_root = AsyncMiniMaxOpenAI(
            **_client_params(model),
            http_client=model.http_async_client
            or _http_client(model, options, sync=False),
            stream_chunk_timeout=model.stream_chunk_timeout,
        )
        model.root_async_client = async_root
        model.async_client = (
            async_wire_completions(async_root)
            if json_client
            else async_root.chat.completions
        )
        _built.update((async_root, model.async_client))


def _client_params(model: ChatOpenAI) -> dict[str, Any]:
    key = getattr(model, "minimax_api_key", None)
    params: dict[str, Any] = {
        "api_key": (key.get_secret_value() if key else "") or NO_KEY,
        "base_url": getattr(model, "minimax_api_base", None),
        "timeout": model.request_timeout,
        "default_headers": model.default_headers,
        "default_query": model.default_query,
    }
    if model.max_retries is not None:
        params["max_retries"] = model.max_retries
    return params


def _socket_options(model: ChatOpenAI) -> SocketOptions:
    """The socket options to apply, chosen as `ChatOpenAI` chooses them.

    TCP keepalive by default (`http_socket_options=None`), unless a proxy set
    in the environment would be bypassed by the custom transport they need.

    Raises:
        ValueError: For `openai_proxy` together with a given httpx client.
    """
    proxy = model.openai_proxy
    if proxy and (model.http_client or model.http_async_client):
        msg = (
            f"openai_proxy={proxy!r} cannot be combined with http_client or "
            "http_async_client: set the proxy on those clients instead."
        )
        raise ValueError(msg)
    if should_bypass_socket_options(
        http_socket_options=model.http_socket_options,
        http_client=model.http_client,
        http_async_client=model.http_async_client,
        openai_proxy=proxy,
    ):
        log_proxy_env_bypass_once()
        return ()
    resolved = resolve_socket_options(model.http_socket_options)
    warn_if_proxy_env_shadowed(resolved, openai_proxy=proxy)
    return resolved


def _http_client(model: ChatOpenAI, options: SocketOptions, *, sync: bool) -> Any:
    """The httpx client for `model`: shared when `ChatOpenAI` shares it.

    `ChatOpenAI` shares its default client among models with the same base
    URL, timeout and socket options (when the timeout is hashable), and builds
    a proxied one per model; so does this, with clients per process and loop.
    """
    timeout = model.request_timeout
    proxy = model.openai_proxy
    kind = _PerProcessClient if sync else _PerLoopAsyncClient
    if proxy:
        # Typed with httpx, which httpx2 mirrors (langchain_openai._compat).
        proxied: Callable[..., Any] = (
            build_proxied_sync_httpx_client
            if sync
            else build_proxied_async_httpx_client
        )
        return kind(lambda: proxied(proxy, global_ssl_context, options))
    try:
        hash(timeout)
    except TypeError:
        return kind(_default_builder(timeout, options, sync=sync))
    return _shared(getattr(model, "minimax_api_base", None), timeout, options, sync)


@lru_cache
def _shared(base_url: str, timeout: Any, options: SocketOptions, sync: bool) -> Any:
    kind = _PerProcessClient if sync else _PerLoopAsyncClient
    return kind(_default_builder(timeout, options, sync=sync))


def _default_builder(
    timeout: Any, options: SocketOptions, *, sync: bool
) -> Callable[[], Any]:
    """A builder of the default client, as langchain-openai's builders make it.

    Theirs are not used: their clients close themselves when collected,
    which is unsafe from another event loop or after a fork.
    """
    limits = openai.DEFAULT_CONNECTION_LIMITS
    if sync:
        if not options:
            return lambda: openai.DefaultHttpxClient(timeout=timeout)
        return lambda: openai.DefaultHttpxClient(
            timeout=timeout,
            transport=httpx2.HTTPTransport(socket_options=list(options), limits=limits),
        )
    if not options:
        return lambda: openai.DefaultAsyncHttpxClient(timeout=timeout)
    return lambda: openai.DefaultAsyncHttpxClient(
        timeout=timeout,
        transport=httpx2.AsyncHTTPTransport(
            socket_options=list(options), limits=limits
        ),
    )


_CLOSED = "Cannot send a request, as the client has been closed."


class _PerProcessClient(httpx2.Client):
    """An httpx client that sends through one client per process.

    The per-process client is built on first use in a process. A forked
    child drops its parent's unused: collecting it closes the child's copies
    of the sockets, which leaves the parent's connections open.
    """

    def __init__(self, build: Callable[[], httpx2.Client]) -> None:
        # Never used: every request goes through `send`.
        super().__init__(transport=httpx2.BaseTransport())
        self._build = build
        self._clients: dict[int, httpx2.Client] = {}

    def current(self) -> httpx2.Client:
        """This process's client, built on first use here."""
        pid = os.getpid()
        client = self._clients.get(pid)
        if client is None:
            client = self._clients.setdefault(pid, self._build())
            for other in [key for key in list(self._clients) if key != pid]:
                self._clients.pop(other, None)
        return client

    def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        """Send `request` with this process's client."""
        if self.is_closed:
            raise RuntimeError(_CLOSED)
        return self.current().send(request, **kwargs)

    def close(self) -> None:
        """Close this process's client; no more requests are sent."""
        client = self._clients.pop(os.getpid(), None)
        if client is not None:
            client.close()
        super().close()


class _LoopClient(NamedTuple):
    loop: weakref.ref[asyncio.AbstractEventLoop]
    client: httpx2.AsyncClient
    closer: AsyncIterator[None]


async def _closes_with_loop(
    client: httpx2.AsyncClient, loop: weakref.ref[asyncio.AbstractEventLoop]
) -> AsyncIterator[None]:
    """Close `client` when its loop shuts down its async generators.

    Runs in the loop's `shutdown_asyncgens` (or when collected while the loop
    still runs). Finished from another loop (`_abandon`), it leaves the client
    alone: its connections cannot be closed outside their loop.
    """
    try:
        yield
    finally:
        if asyncio.get_running_loop() is loop():
            await client.aclose()


def _abandon(entry: _LoopClient) -> None:
    """Finish `entry`'s closer without closing its client (see `_closes_with_loop`).

    A closer left suspended would ask its loop, when collected, to close it;
    for a closed loop or a parent's loop that cannot run.
    """
    with contextlib.suppress(StopIteration):
        entry.closer.aclose().send(None)  # type: ignore[attr-defined]


class _PerLoopAsyncClient(httpx2.AsyncClient):
    """An httpx client that sends through one client per process and event loop."""

    def __init__(self, build: Callable[[], httpx2.AsyncClient]) -> None:
        # Never used: every request goes through `send`.
        super().__init__(transport=httpx2.AsyncBaseTransport())
        self._build = build
        self._clients: dict[tuple[int, int], _LoopClient] = {}

    async def current(self) -> httpx2.AsyncClient:
        """The client of this process and running loop, built on first use."""
        loop = asyncio.get_running_loop()
        key = (os.getpid(), id(loop))
        entry = self._clients.get(key)
        if entry is not None and entry.loop() is loop and not entry.client.is_closed:
            return entry.client
        self._forget_unusable()
        loop_ref = weakref.ref(loop)
        client = self._build()
        closer = _closes_with_loop(client, loop_ref)
        self._clients[key] = _LoopClient(loop_ref, client, closer)
        await closer.__anext__()
        return client

    def _forget_unusable(self) -> None:
        """Drop the clients of other processes and of closed or collected loops."""
        pid = os.getpid()
        for key, entry in list(self._clients.items()):
            loop = entry.loop()
            if key[0] == pid and loop is not None and not loop.is_closed():
                continue
            if self._clients.pop(key, None) is not None:
                _abandon(entry)

    async def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        """Send `request` with the client of this process and running loop."""
        if self.is_closed:
            raise RuntimeError(_CLOSED)
        return await (await self.current()).send(request, **kwargs)

    async def aclose(self) -> None:
        """Close the running loop's client; no more requests are sent."""
        key = (os.getpid(), id(asyncio.get_running_loop()))
        entry = self._clients.pop(key, None)
        if entry is not None:
            await entry.client.aclose()
            _abandon(entry)
        await super().aclose()


class RebuildsClientsOnCopy(BaseModel):
    """Makes a `ChatOpenAI` subclass pickle and deep-copy, clients rebuilt.

    `pickle`, `copy.deepcopy` and `model_copy(deep=True)` copy the whole
    configuration, the key as a `SecretStr` included; the copy builds its own
    `openai` clients (`set_clients`) in the process that loads it. Clients the
    user gave are shared by a deep copy and make pickling raise `TypeError`.
    """

    def __getstate__(self) -> dict[Any, Any]:
        """The pickled state: the configuration without the clients."""
        return state_without_clients(super().__getstate__())

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Restore a pickled model; its clients are built in this process."""
        super().__setstate__(state)
        set_clients(cast("ChatOpenAI", self))

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A deep copy with clients of its own (those the user gave are shared)."""
        memo = {} if memo is None else memo
        copied = super().__deepcopy__(copy_memo(self.__dict__, memo))
        set_clients(cast("ChatOpenAI", copied))
        return copied


def state_without_clients(state: dict[str, Any]) -> dict[str, Any]:
    """A model's pickled state (pydantic's `__getstate__`) without its clients.

    Args:
        state: What `BaseModel.__getstate__` returns.

    Returns:
        The same state with the `openai` clients the factory built set to
        `None`; `__setstate__` builds new ones in the process that loads it.

    Raises:
        TypeError: For a model holding clients the user gave (httpx or
            `openai`), which hold this process's connections and locks.
    """
    fields = dict(state["__dict__"])
    for name in HTTP_CLIENT_FIELDS:
        if fields.get(name) is not None:
            msg = (
                f"A ChatMiniMax with {name}=... cannot be pickled: the httpx "
                "client holds this process's connections. Build the model "
                f"without {name} (ChatMiniMax builds its own clients in each "
                "process), or build it in the process that uses it."
            )
            raise TypeError(msg)
    for name in CLIENT_FIELDS:
        value = fields.get(name)
        if value is not None and value not in _built:
            msg = (
                f"A ChatMiniMax with its own {name}=... cannot be pickled: the "
                "client holds this process's connections. Leave it unset so "
                "that the model builds its clients in each process."
            )
            raise TypeError(msg)
        fields[name] = None
    return {**state, "__dict__": fields}


def copy_memo(fields: Mapping[str, Any], memo: dict[int, Any]) -> dict[int, Any]:
    """`copy.deepcopy`'s memo for a model's fields, its clients decided.

    The clients the factory built are copied as `None` (the copy builds its
    own); clients the user gave are shared, not copied.

    Args:
        fields: The model's `__dict__`.
        memo: The memo `__deepcopy__` was called with.

    Returns:
        `memo`, updated.
    """
    for name in (*CLIENT_FIELDS, *HTTP_CLIENT_FIELDS):
        value = fields.get(name)
        if value is not None:
            memo[id(value)] = None if value in _built else value
    return memo
