"""The clients being compared, and the emulator they all talk to.

Every contender sends the same request body and gets the same scripted reply
(see `scenarios.py`); `sections/sanity.py` checks that before each run.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import openai
from langchain_openai import ChatOpenAI
from scenarios import API_KEY, MODEL, responder

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CEIL = "emulator ceiling"
SDK = "openai SDK"
OAI = "ChatOpenAI"
MMX = "ChatMiniMax"
MMX_JSON = "ChatMiniMax json_client"
"""ChatMiniMax with the opt-in `json_client=True`: its `client` hands on the
JSON dicts instead of building the `openai` SDK's models (which blinds SDK
instrumentation). `MMX` is the default, on the SDK's models as ChatOpenAI."""


@contextlib.contextmanager
def emulator(mode: str) -> Iterator[str]:
    """Yield the base URL of a benchmark emulator (own process or thread)."""
    if mode == "thread":
        with MiniMaxEmulator(api_key=API_KEY, responder=responder) as emu:
            yield emu.base_url
        return
    env = {**os.environ, "PYTHONPATH": pythonpath()}
    process = subprocess.Popen(
        [sys.executable, str(HERE / "emulator_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError("the emulator process did not start")
        yield base_url
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pythonpath() -> str:
    current = os.environ.get("PYTHONPATH")
    return str(ROOT) + (os.pathsep + current if current else "")


class Contenders:
    """The three clients, configured to send identical requests."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sdk = openai.OpenAI(base_url=base_url, api_key=API_KEY, max_retries=0)
        self.async_sdk = openai.AsyncOpenAI(
            base_url=base_url, api_key=API_KEY, max_retries=0
        )
        self.openai, self.minimax = self.models()
        self.minimax_json = ChatMiniMax(
            base_url=base_url, api_key=API_KEY, max_retries=0, json_client=True
        )

    def models(
        self, *, sdk_async_transport: bool = False
    ) -> tuple[ChatOpenAI, ChatMiniMax]:
        """A ChatOpenAI and a ChatMiniMax that send identical requests.

        With `sdk_async_transport`, each model gets its own
        `openai.DefaultAsyncHttpxClient` (the HTTP client configuration the
        raw SDK uses) instead of langchain-openai's shared default client.
        """
        http: dict[str, Any] = {}
        if sdk_async_transport:
            http = {"http_async_client": openai.DefaultAsyncHttpxClient}
        # ChatOpenAI gets what ChatMiniMax sends by default: MiniMax's
        # recommended temperature, usage in streams and split reasoning.
        chat_openai = ChatOpenAI(
            base_url=self.base_url,
            api_key=API_KEY,  # type: ignore[arg-type]
            model=MODEL,
            temperature=1.0,
            stream_usage=True,
            extra_body={"reasoning_split": True},
            max_retries=0,
            **{name: make() for name, make in http.items()},
        )
        chat_minimax = ChatMiniMax(
            base_url=self.base_url,
            api_key=API_KEY,
            max_retries=0,
            **{name: make() for name, make in http.items()},
        )
        return chat_openai, chat_minimax

    @staticmethod
    def sdk_body(content: str, *, stream: bool) -> dict[str, Any]:
        """The arguments of the raw SDK call (the same body the models send)."""
        body: dict[str, Any] = {
            "model": MODEL,
            "stream": stream,
            "messages": [{"content": content, "role": "user"}],
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        body["temperature"] = 1.0
        body["extra_body"] = {"reasoning_split": True}
        return body

    @staticmethod
    def wire_body(content: str, *, stream: bool) -> bytes:
        """The JSON body the raw HTTP client posts (as the SDK serialises it)."""
        body = Contenders.sdk_body(content, stream=stream)
        body.update(body.pop("extra_body"))
        return json.dumps(body, separators=(",", ":")).encode()


class RawHTTP:
    """The emulator ceiling: one keep-alive `http.client` connection."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/") + "/chat/completions"
        self.headers = {
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": "application/json",
        }
        self.connection = http.client.HTTPConnection(self.host, self.port)

    def post(self, body: bytes) -> bytes:
        self.connection.request("POST", self.path, body, self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"emulator answered {response.status}: {data[:200]!r}")
        return data

    def close(self) -> None:
        self.connection.close()


class RawAsyncPool:
    """The concurrent emulator ceiling: persistent asyncio HTTP/1.1 connections."""

    def __init__(self, base_url: str, size: int) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/") + "/chat/completions"
        self.size = size
        self.connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def open(self) -> None:
        self.connections = [
            await asyncio.open_connection(self.host, self.port)
            for _ in range(self.size)
        ]

    def request(self, body: bytes) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {API_KEY}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head + body

    async def _one(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
    ) -> None:
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)

    async def gather(self, data: bytes) -> None:
        await asyncio.gather(
            *(self._one(reader, writer, data) for reader, writer in self.connections)
        )

    async def close(self) -> None:
        for _, writer in self.connections:
            writer.close()
        for _, writer in self.connections:
            with contextlib.suppress(Exception):
                await writer.wait_closed()
