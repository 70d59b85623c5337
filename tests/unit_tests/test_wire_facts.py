"""Wire facts of ../shared/minimax-api.md the emulator reproduces, one test each.

The facts already shown in test_emulator.py are listed with their tests in
docs/testing.md ("Wire facts"); `test_the_wire_fact_table_names_real_tests`
keeps that table honest. Here: the facts added for issue 13, each shown on
the raw wire and, where a user's code meets it, through `ChatMiniMax`.
"""

from __future__ import annotations

import ast
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from langchain_minimax import ChatMiniMax
from langchain_minimax.testing import MiniMaxEmulator, Reply

pytestmark = pytest.mark.enable_socket

ROOT = Path(__file__).resolve().parents[2]
KEY = "wire-facts-key"


@pytest.fixture(scope="module")
def server() -> Any:
    with MiniMaxEmulator(api_key=KEY) as emulator:
        yield emulator


@pytest.fixture
def emu(server: MiniMaxEmulator) -> Any:
    server.reset()
    yield server
    server.reset()


def raw_stream(emu: MiniMaxEmulator, body: dict[str, Any]) -> list[bytes]:
    """POST `body` and return the HTTP chunks of the response, as sent."""
    data = json.dumps({"model": "MiniMax-M2", "stream": True, **body}).encode()
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", emu.port), timeout=20) as sock:
        sock.sendall(head + data)
        received = b""
        while piece := sock.recv(65536):
            received += piece
    headers, _, body_bytes = received.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in headers
    chunks = []
    while True:
        size_line, _, body_bytes = body_bytes.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return chunks
        chunks.append(body_bytes[:size])
        body_bytes = body_bytes[size + 2 :]


def events(chunks: list[bytes]) -> list[str]:
    text = b"".join(chunks).decode("utf-8")
    assert text.endswith("\n\n")
    return [event.removeprefix("data: ") for event in text.split("\n\n")[:-1]]


def hello(**fields: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": "hello"}], **fields}


def test_stream_without_done_marker(emu: MiniMaxEmulator) -> None:
    # minimax-api.md, Streaming: `data: [DONE]` is sometimes missing; a stream
    # that has a finish_reason and then ends is complete.
    emu.add_reply(Reply(content="complete", done_marker=False))
    received = events(raw_stream(emu, hello()))
    assert "[DONE]" not in received
    assert json.loads(received[-1])["choices"][0]["finish_reason"] == "stop"
    emu.add_reply(Reply(reasoning="r", content="complete", done_marker=False))
    model = ChatMiniMax(base_url=emu.base_url, api_key=KEY, max_retries=0)
    text = "".join(chunk.text for chunk in model.stream("hello"))
    assert text == "complete"


def test_frames_cut_inside_utf8_characters(emu: MiniMaxEmulator) -> None:
    # minimax-api.md, Streaming: emoji must never arrive split into U+FFFD;
    # network frames may cut a 4-byte character, the client must not.
    answer = "Sunny 🌞 and warm 🌡️, 你好"
    emu.add_reply(Reply(content=answer, frame_bytes=3))
    chunks = raw_stream(emu, hello())
    assert max(len(chunk) for chunk in chunks) == 3
    with pytest.raises(UnicodeDecodeError):
        for chunk in chunks:
            chunk.decode("utf-8")
    assert (
        "".join(
            json.loads(e)["choices"][0]["delta"]["content"] for e in events(chunks)[:-1]
        )
        == answer
    )
    emu.add_reply(Reply(content=answer, chunk_size=2, frame_bytes=1))
    model = ChatMiniMax(base_url=emu.base_url, api_key=KEY, max_retries=0)
    assert "".join(chunk.text for chunk in model.stream("hello")) == answer


@pytest.mark.parametrize("split", [True, False])
def test_content_and_reasoning_never_share_a_delta(
    emu: MiniMaxEmulator, split: bool
) -> None:
    # minimax-api.md, Streaming (suite): non-empty content and
    # reasoning_content never share one delta.
    emu.add_reply(Reply(reasoning="r" * 21, content="c" * 21, chunk_size=4))
    chunks = [
        json.loads(e)
        for e in events(raw_stream(emu, hello(reasoning_split=split)))[:-1]
    ]
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert not [d for d in deltas if d.get("content") and d.get("reasoning_content")]
    assert any(d.get("content") for d in deltas)
    assert any(d.get("reasoning_content") for d in deltas) is split


def _table_tests() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    table = text.split("## Wire facts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(test_\w+\.py)::(test_\w+)`", table)


def test_the_wire_fact_table_names_real_tests() -> None:
    named = _table_tests()
    assert len(named) >= 15
    for filename, test in named:
        tree = ast.parse((ROOT / "tests" / "unit_tests" / filename).read_text())
        functions = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert test in functions, f"{filename}::{test} is not a test"
