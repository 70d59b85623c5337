"""Shared fixtures: a MiniMax emulator on loopback and models pointed at it."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator

pytest_plugins = ["pytester"]

API_KEY = "emulator-key-7f3a"


@pytest.fixture(scope="session")
def _server() -> Iterator[MiniMaxEmulator]:
    with MiniMaxEmulator(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def emulator(_server: MiniMaxEmulator) -> Iterator[MiniMaxEmulator]:
    """The session's emulator, with empty queues and records for each test."""
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture
def make_model(emulator: MiniMaxEmulator) -> Any:
    """Build a `ChatMiniMax` pointed at the emulator."""

    def make(**kwargs: Any) -> ChatMiniMax:
        params: dict[str, Any] = {
            "base_url": emulator.base_url,
            "api_key": API_KEY,
            "max_retries": 0,
            **kwargs,
        }
        return ChatMiniMax(**params)

    return make


class _Imports:
    """A plugin noting the modules a pytest run has imported when it ends."""

    def __init__(self) -> None:
        self.modules: dict[str, ModuleType] = {}

    def pytest_unconfigure(self) -> None:
        self.modules = dict(sys.modules)


_KEPT = pytest.StashKey[dict[str, ModuleType]]()
"""On a test item: the modules its `run_pytest` runs imported, to keep."""


@pytest.fixture
def run_pytest(
    pytester: pytest.Pytester, request: pytest.FixtureRequest
) -> Callable[..., pytest.RunResult]:
    """Run pytest in `pytester`'s project, in this process: `run_pytest(*args)`.

    The project holds only the files the test writes (no conftest, no ini
    file), and the run's plugins are those installed packages register
    (`pytest11` entry points), as in a fresh project; no plugin or option comes
    from this session. pytester drops the modules the run imported from
    `sys.modules`, after the run and again when the test ends; those from
    outside the project are put back both times (see `pytest_runtest_teardown`),
    so that later tests do not import second copies of libraries (with classes
    other than the ones the first copies' objects have). Warnings the run
    raises outside its tests (its plugins' configuration warnings) stay in its
    own output.
    """
    kept = request.node.stash.setdefault(_KEPT, {})

    def run(*args: str) -> pytest.RunResult:
        imports = _Imports()
        with warnings.catch_warnings(record=True):
            result = pytester.runpytest_inprocess(
                "-p", "no:cacheprovider", *args, plugins=[imports]
            )
        for name, module in imports.modules.items():
            file = getattr(module, "__file__", None)
            if name not in sys.modules and not (
                file and Path(file).is_relative_to(pytester.path)
            ):
                kept[name] = module
        _keep(kept)
        return result

    return run


def _keep(modules: dict[str, ModuleType]) -> None:
    for name, module in modules.items():
        sys.modules.setdefault(name, module)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Once the test's fixtures are gone (pytester's too), put back the modules
    its `run_pytest` runs imported."""
    try:
        return (yield)
    finally:
        _keep(item.stash.get(_KEPT, {}))


@pytest.fixture
def loopback_server() -> Iterator[
    Callable[[type[http.server.BaseHTTPRequestHandler]], str]
]:
    """Start HTTP servers on loopback: `start(handler)` gives the URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(handler: type[http.server.BaseHTTPRequestHandler]) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _RelayHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each request, noting its target and the TCP connection it came on."""

    protocol_version = "HTTP/1.1"  # keep-alive, so that connections are reused
    relay: Relay

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.relay.seen.append((self.client_address[1], self.path, body))
        # As a proxy the target is an absolute URL; as a relay, a path.
        target = urlsplit(self.path)
        upstream = http.client.HTTPConnection(
            *(self.relay.upstream or (target.hostname, target.port))
        )
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in ("host", "proxy-connection")
        }
        upstream.request("POST", target.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in (
                "transfer-encoding",
                "connection",
                "content-length",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    def log_message(self, *args: Any) -> None:
        pass


class Relay:
    """A keep-alive HTTP relay on loopback to an emulator, or a forwarding proxy.

    Attributes:
        url: The base URL to point a model at (the proxy's URL without an
            emulator).
        seen: Per request, the client's port (one per TCP connection), the
            request target and the body.
    """

    def __init__(
        self,
        emulator: MiniMaxEmulator | None,
        start: Callable[[type[http.server.BaseHTTPRequestHandler]], str],
    ) -> None:
        self.upstream = None
        if emulator is not None:
            target = urlsplit(emulator.base_url)
            self.upstream = (target.hostname, target.port)
        self.seen: list[tuple[int, str, bytes]] = []
        url = start(type("Handler", (_RelayHandler,), {"relay": self}))
        self.url = url if emulator is None else f"{url}/v1"

    def ports(self) -> list[int]:
        """The client port of each request, in order."""
        return [port for port, _, _ in self.seen]

    def targets(self) -> list[str]:
        """The target of each request, in order."""
        return [target for _, target, _ in self.seen]

    def ports_by_question(self) -> dict[str, int]:
        """The client port of each request, by its last message's content."""
        return {
            json.loads(body)["messages"][-1]["content"]: port
            for port, _, body in self.seen
        }


@pytest.fixture
def relay_to(
    loopback_server: Callable[[type[http.server.BaseHTTPRequestHandler]], str],
) -> Callable[[MiniMaxEmulator | None], Relay]:
    """Start relays to emulators, or proxies with `None` (see `Relay`)."""
    return lambda emulator: Relay(emulator, loopback_server)


class Sockets:
    """Counts this process's open sockets (Linux), to find leaked connections.

    Pipes and files are left out: `multiprocessing` keeps a pipe to its
    resource tracker open for the life of the process once it has spawned.
    """

    @staticmethod
    def count() -> int:
        """How many sockets this process has open now."""
        links = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                links.append(os.readlink(f"/proc/self/fd/{fd}"))
        return sum(link.startswith("socket:") for link in links)

    def settle_at(self, expected: int) -> int:
        """The count once the emulator's threads closed their ends.

        A client's close reaches the emulator's side of the connection a moment
        later: waits up to five seconds for the count to come down to `expected`.
        """
        deadline = time.monotonic() + 5
        while self.count() > expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.count()


@pytest.fixture
def sockets() -> Sockets:
    """Counts this process's open sockets (see `Sockets`)."""
    return Sockets()
