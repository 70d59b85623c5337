"""The client factory: MiniMax's endpoint only, and models that outlive event loops.

`ChatOpenAI` (and `ChatMiniMax` before the factory) shares one async httpx
client per base URL; its connections belong to the first event loop, so a
second `asyncio.run(...)` raised `RuntimeError: Event loop is closed`. These
tests run the same model in successive loops, per-test loops and threads,
count file descriptors, and count the connections the emulator sees.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import http.server
import threading
from collections.abc import Callable
from typing import Any, ClassVar

import openai
import pytest
from openai.resources.chat.completions import AsyncCompletions, Completions

from langchain_minimax import ChatMiniMax
from langchain_minimax._client import AsyncMiniMaxOpenAI, MiniMaxOpenAI
from langchain_minimax.testing import MiniMaxEmulator, Reply

REPLY = Reply(reasoning="Think.", content="Hello.", chunk_size=3)


# --- the clients are populated as in ChatOpenAI ---


@pytest.mark.parametrize("json_client", [False, True])
def test_clients_are_populated_after_construction(
    make_model: Any, json_client: bool
) -> None:
    model = make_model(json_client=json_client)
    assert isinstance(model.root_client, MiniMaxOpenAI)
    assert isinstance(model.root_async_client, AsyncMiniMaxOpenAI)
    assert isinstance(model.client, Completions)
    assert isinstance(model.async_client, AsyncCompletions)
    assert model.client._client is model.root_client
    assert model.async_client._client is model.root_async_client


def test_given_clients_are_used_as_given(make_model: Any) -> None:
    sync_http, async_http = (
        openai.DefaultHttpxClient(),
        openai.DefaultAsyncHttpxClient(),
    )
    model = make_model(http_client=sync_http, http_async_client=async_http)
    assert model.root_client._client is sync_http
    assert model.root_async_client._client is async_http


# --- no OPENAI_* variable and no OpenAI-named argument reaches the wire ---

OPENAI_VARIABLES = (
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "OPENAI_API_KEY",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_PROXY",
    "OPENAI_CUSTOM_HEADERS",
)


class _Capture(http.server.BaseHTTPRequestHandler):
    """Records anything that reaches it, as a server or as a proxy."""

    hits: ClassVar[list[str]] = []

    def _record(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_CONNECT = _record

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def capture(loopback_server: Any) -> str:
    """The URL of a loopback server that records every request it gets."""
    _Capture.hits = []
    return loopback_server(_Capture)


@pytest.mark.parametrize("variable", OPENAI_VARIABLES)
async def test_openai_variables_are_never_used(
    make_model: Any,
    emulator: MiniMaxEmulator,
    capture: str,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """Each variable points at a capture server: nothing reaches it."""
    value = {
        "OPENAI_API_KEY": "sk-openai-key",
        "OPENAI_ORG_ID": "org-openai",
        "OPENAI_PROJECT_ID": "proj_openai",
        # The SDK adds these headers to every request; this one would replace
        # the MiniMax key.
        "OPENAI_CUSTOM_HEADERS": "Authorization: Bearer sk-openai-key",
    }.get(variable, f"{capture}/v1")
    monkeypatch.setenv(variable, value)
    emulator.add_replies([REPLY] * 8)
    for model in (make_model(), make_model(json_client=True)):
        assert model.invoke("hi").content == "Hello."
        assert "".join(str(c.content) for c in model.stream("hi")) == "Hello."
        assert (await model.ainvoke("hi")).content == "Hello."
        with_options = model.root_client.with_options(timeout=9.0)
        assert with_options.chat.completions.create(
            model="MiniMax-M2", messages=[{"role": "user", "content": "hi"}]
        ).choices
    assert _Capture.hits == []
    assert len(emulator.requests) == 8
    for request in emulator.requests:
        # The emulator answers only MiniMax's key (it records none).
        assert request.response_status == 200
        assert "openai-organization" not in request.headers
        assert "openai-project" not in request.headers
        assert value.split()[-1] not in str(request.headers)


@pytest.mark.parametrize("variable", ["OPENAI_BASE_URL", "OPENAI_API_BASE"])
def test_without_a_base_url_argument_minimax_is_the_host(
    emulator: MiniMaxEmulator,
    capture: str,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """No `base_url` argument: MINIMAX_BASE_URL or MiniMax's host, never OpenAI's."""
    monkeypatch.delenv("MINIMAX_BASE_URL", raising=False)
    monkeypatch.setenv(variable, f"{capture}/v1")
    model = ChatMiniMax(api_key="k")
    for client in (model.root_client, model.root_async_client):
        assert str(client.base_url) == "https://api.minimax.io/v1/"
    monkeypatch.setenv("MINIMAX_BASE_URL", emulator.base_url)
    emulator.add_replies([REPLY])
    model = ChatMiniMax(api_key=emulator.api_key, max_retries=0)
    assert model.invoke("hi").content == "Hello."
    assert _Capture.hits == []
    assert [request.response_status for request in emulator.requests] == [200]


def test_openai_account_ids_stay_off_the_clients(
    make_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-openai")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_openai")
    model = make_model()
    for client in (model.root_client, model.root_async_client):
        for configured in (client, client.with_options(max_retries=1)):
            assert configured.organization is None
            assert configured.project is None
            headers = configured.default_headers
            assert "OpenAI-Organization" not in {
                k for k, v in headers.items() if isinstance(v, str)
            }


@pytest.mark.parametrize(
    ("argument", "value", "says"),
    [
        ("openai_api_key", "sk-secret-openai", "pass the MiniMax key as api_key"),
        (
            "openai_api_base",
            "https://api.openai.com/v1",
            "openai_api_base='https://api.openai.com/v1': pass MiniMax's URL as "
            "base_url",
        ),
    ],
)
def test_openai_named_arguments_raise_with_guidance(
    make_model: Any, emulator: MiniMaxEmulator, argument: str, value: str, says: str
) -> None:
    with pytest.raises(ValueError, match="ChatMiniMax does not take") as raised:
        make_model(**{argument: value})
    assert says in str(raised.value)
    assert "sk-secret-openai" not in str(raised.value)
    assert len(emulator.requests) == 0


def test_openai_named_arguments_set_to_none_are_accepted(make_model: Any) -> None:
    """Generic code passing `None` constructs; the fields stay `None`."""
    model = make_model(openai_api_key=None, openai_api_base=None)
    assert model.openai_api_key is None
    assert model.openai_api_base is None


# --- one model across event loops ---


async def _ask(model: ChatMiniMax) -> str:
    streamed = "".join([str(c.content) async for c in model.astream("hi")])
    answered = (await model.ainvoke("hi")).content
    return f"{answered}|{streamed}"


def test_successive_asyncio_runs(
    make_model: Any, emulator: MiniMaxEmulator, sockets: Any
) -> None:
    """Three `asyncio.run` calls, two models on one URL; no socket is left open.

    Each loop's connections are closed as `asyncio.run` shuts the loop down.
    """
    emulator.add_replies([REPLY] * 12)
    first, second = make_model(), make_model()
    before = sockets.count()
    for _ in range(3):
        for model in (first, second):
            assert asyncio.run(_ask(model)) == "Hello.|Hello."
    assert sockets.settle_at(before) <= before
    assert all(request.response_status == 200 for request in emulator.requests)


def test_loops_closed_without_shutdown_leave_no_connection(
    make_model: Any, emulator: MiniMaxEmulator, sockets: Any
) -> None:
    """A loop closed without `shutdown_asyncgens`: the next loop drops its client."""
    emulator.add_replies([REPLY] * 12)
    model = make_model()
    counts = []
    for _ in range(6):
        loop = asyncio.new_event_loop()
        assert loop.run_until_complete(model.ainvoke("hi")).content == "Hello."
        loop.close()
        gc.collect()
        counts.append(sockets.settle_at(counts[0]) if counts else sockets.count())
    # Only the last closed loop's connection is open: the earlier are closed.
    assert max(counts[1:]) <= counts[0]


def test_threads_with_their_own_loops(
    make_model: Any, emulator: MiniMaxEmulator, sockets: Any
) -> None:
    emulator.add_replies([REPLY] * 12)
    model = make_model()
    before = sockets.count()
    answers: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            answers.append(asyncio.run(_ask(model)))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers == ["Hello.|Hello."] * 6
    assert sockets.settle_at(before) <= before


def test_connections_are_reused_within_a_loop(
    make_model: Any, emulator: MiniMaxEmulator, relay_to: Any
) -> None:
    emulator.add_replies([REPLY] * 12)
    relay = relay_to(emulator)
    model = make_model(base_url=relay.url)

    async def five() -> None:
        for _ in range(5):
            assert (await model.ainvoke("hi")).content == "Hello."

    asyncio.run(five())
    asyncio.run(five())
    ports = relay.ports()
    assert len(ports) == 10
    # One connection per loop, each reused for its five requests.
    assert len(set(ports[:5])) == len(set(ports[5:])) == 1
    assert ports[0] != ports[5]
    for _ in range(2):
        assert model.invoke("hi").content == "Hello."
    assert len(set(relay.ports()[10:])) == 1


# One model for three tests, each run in an event loop of its own, and the
# sockets this process had open before the first of them.
_SHARED: list[ChatMiniMax] = []
_OPEN_BEFORE: list[int] = []


@pytest.mark.parametrize("run", range(3))
@pytest.mark.asyncio(loop_scope="function")
async def test_per_test_event_loops(
    make_model: Any, emulator: MiniMaxEmulator, run: int, sockets: Any
) -> None:
    if not _SHARED:
        _SHARED.append(make_model())
        _OPEN_BEFORE.append(sockets.count())
    else:
        # The previous test's loop has shut down and closed its connection.
        assert sockets.settle_at(_OPEN_BEFORE[0]) <= _OPEN_BEFORE[0]
    emulator.add_replies([REPLY, REPLY])
    assert await _ask(_SHARED[0]) == "Hello.|Hello."


def test_pytest_asyncio_defaults(
    pytester: pytest.Pytester, run_pytest: Callable[..., pytest.RunResult]
) -> None:
    """A user's test suite with pytest-asyncio's defaults: a loop per test."""
    pytester.makepyfile(
        """
        import pytest
        from langchain_minimax import ChatMiniMax
        from langchain_minimax.testing import MiniMaxEmulator

        EMULATOR = MiniMaxEmulator(api_key="k").start()
        MODEL = ChatMiniMax(base_url=EMULATOR.base_url, api_key="k", max_retries=0)

        def teardown_module():
            EMULATOR.stop()

        @pytest.mark.parametrize("run", range(4))
        @pytest.mark.asyncio
        async def test_ask(run):
            assert (await MODEL.ainvoke("hi")).content
            assert [chunk async for chunk in MODEL.astream("hi")]
        """
    )
    run_pytest().assert_outcomes(passed=4)
