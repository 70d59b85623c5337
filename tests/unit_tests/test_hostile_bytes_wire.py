"""Hostile bytes over the wire: typed errors, caps, gzip, deadlines.

Every case goes through the real `openai` client against the emulator, on the
model's four call paths and through `client` / `root_client`: a body or event
that cannot be decoded (nested too deeply, not UTF-8, cut inside a
character) raises `MiniMaxResponseError` saying what was wrong; what one body
or event may make the client hold, and how far a compressed response may
expand, are capped, never a stream's total; a failure reported inside a
gzip-encoded stream is retried as in a plain one; and on `astream`,
`stream_chunk_timeout` is a deadline that keep-alive comments and dripped
bytes do not restart, as in `ChatOpenAI`.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import openai
import pytest
from langchain_openai import ChatOpenAI, StreamChunkTimeoutError

from langchain_minimax import (
    ChatMiniMax,
    MiniMaxRateLimitError,
    MiniMaxResponseError,
    MiniMaxStreamChunkTimeoutError,
    MiniMaxTimeoutError,
)
from langchain_minimax import _response_bytes as response_bytes
from langchain_minimax.testing import (
    DeepJSON,
    DrippedStream,
    Fault,
    InBodyError,
    InvalidUTF8,
    KeepAlive,
    MiniMaxEmulator,
    RawAnswer,
    Reply,
    StalledStream,
)

MESSAGES = [{"role": "user", "content": "Hi"}]
MODEL_PATHS = ["invoke", "ainvoke", "stream", "astream"]
CLIENT_PATHS = ["client", "client_stream", "root_client", "async_root_client_stream"]
STREAMING = {"stream", "astream", "client_stream", "async_root_client_stream"}
FAST = {"retry-after-ms": "1"}


@pytest.fixture
def model(make_model: Callable[..., ChatMiniMax]) -> Callable[..., ChatMiniMax]:
    """`make_model`: ChatMiniMax's default clients work in each test's loop."""
    return make_model


async def call(model: ChatMiniMax, path: str) -> str:
    """One question on `path`; the answer's text."""
    if path == "invoke":
        return model.invoke("Hi").text
    if path == "ainvoke":
        return (await model.ainvoke("Hi")).text
    if path == "stream":
        return "".join(chunk.text for chunk in model.stream("Hi"))
    if path == "astream":
        return "".join([chunk.text async for chunk in model.astream("Hi")])
    name = model.model_name
    if path == "client":
        completion = model.client.create(model=name, messages=MESSAGES)
        return str(completion.choices[0].message.content)
    if path == "client_stream":
        chunks = model.client.create(model=name, messages=MESSAGES, stream=True)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    if path == "root_client":
        completion = model.root_client.chat.completions.create(
            model=name, messages=MESSAGES
        )
        return str(completion.choices[0].message.content)
    chunks = await model.root_async_client.chat.completions.create(
        model=name, messages=MESSAGES, stream=True
    )
    return "".join(
        [c.choices[0].delta.content or "" async for c in chunks if c.choices]
    )


def hostile(kind: str, streaming: bool) -> Fault:
    """A fault whose bytes cannot be decoded, for a streaming call or not."""
    if kind == "deep":
        return DeepJSON(depth=100_000)
    if kind == "invalid_utf8":
        return InvalidUTF8()
    cut = '{"id": "x€'.encode()[:-1]
    if streaming:
        return RawAnswer(events=[b"data: " + cut], close_delimited=True)
    return RawAnswer(body=cut, close_delimited=True)


PROBLEMS = {
    "deep": "nests JSON too deeply to decode",
    "invalid_utf8": "is not valid UTF-8: invalid start byte",
    "cut_in_a_character": "is not valid UTF-8: unexpected end of data",
}


@pytest.mark.parametrize("kind", list(PROBLEMS))
@pytest.mark.parametrize("path", MODEL_PATHS + CLIENT_PATHS)
async def test_undecodable_bytes_raise_a_typed_error(
    emulator: MiniMaxEmulator, model: Any, path: str, kind: str
) -> None:
    emulator.add_reply("unused")
    emulator.add_fault(hostile(kind, path in STREAMING))
    with pytest.raises(MiniMaxResponseError, match=PROBLEMS[kind]) as info:
        await call(model(), path)
    where = "a stream chunk" if path in STREAMING else "a response body"
    assert f"MiniMax sent {where}" in str(info.value)
    cause = info.value.__cause__
    assert cause is None or cause.__cause__ is None, repr(cause)
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("path", MODEL_PATHS + CLIENT_PATHS)
async def test_a_body_or_event_past_its_cap_is_refused(
    emulator: MiniMaxEmulator,
    model: Any,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(response_bytes, "MAX_BODY_BYTES", 64 * 1024)
    monkeypatch.setattr(response_bytes, "MAX_EVENT_BYTES", 64 * 1024)
    big = b'{"id": "' + b"x" * 100 * 1024 + b'"}'
    if path in STREAMING:
        emulator.add_fault(RawAnswer(events=[b"data: " + big + b"\n\n"]))
        what = "a stream event of more than 65536 bytes"
    else:
        emulator.add_fault(RawAnswer(body=big))
        what = "a response body of more than 65536 bytes"
    with pytest.raises(MiniMaxResponseError, match=what):
        await call(model(), path)


@pytest.mark.parametrize("path", ["stream", "astream", "client_stream"])
async def test_a_stream_total_is_never_capped(
    emulator: MiniMaxEmulator,
    model: Any,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(response_bytes, "MAX_EVENT_BYTES", 4096)
    long = "word " * 40_000  # 200 kB of events, each well under the cap
    emulator.add_reply(Reply(content=long, chunk_size=500))
    assert await call(model(), path) == long


@pytest.mark.parametrize("path", MODEL_PATHS + CLIENT_PATHS)
async def test_a_decompression_bomb_is_refused(
    emulator: MiniMaxEmulator, model: Any, path: str
) -> None:
    bomb = gzip.compress(b'{"id": "' + b"0" * 50 * 1024 * 1024, compresslevel=9)
    if path in STREAMING:
        fault = RawAnswer(events=[bomb], headers={"Content-Encoding": "gzip"})
    else:
        fault = RawAnswer(body=bomb, headers={"Content-Encoding": "gzip"})
    emulator.add_fault(fault)
    with pytest.raises(MiniMaxResponseError, match="decodes to more than 200 times"):
        await call(model(), path)


@pytest.mark.parametrize("path", MODEL_PATHS + CLIENT_PATHS)
async def test_a_gzip_answer_reads_as_a_plain_one(
    emulator: MiniMaxEmulator, model: Any, path: str
) -> None:
    emulator.add_reply(Reply(content="Packed and unpacked.", chunk_size=5))
    emulator.add_fault(KeepAlive(count=2, interval=0.001, gzip=True))
    assert await call(model(), path) == "Packed and unpacked."


@pytest.mark.parametrize("gzip_encoded", [False, True], ids=["identity", "gzip"])
@pytest.mark.parametrize("path", MODEL_PATHS + CLIENT_PATHS)
async def test_in_body_failures_are_retried_gzip_or_not(
    emulator: MiniMaxEmulator, model: Any, path: str, gzip_encoded: bool
) -> None:
    emulator.add_fault(InBodyError(code=1002, headers=FAST, times=2, gzip=gzip_encoded))
    emulator.add_reply("Third time lucky.")
    assert await call(model(max_retries=2), path) == "Third time lucky."
    assert len(emulator.requests) == 3
    emulator.reset()
    emulator.add_fault(InBodyError(code=1002, headers=FAST, times=9, gzip=gzip_encoded))
    with pytest.raises(MiniMaxRateLimitError):
        await call(model(max_retries=2), path)
    assert len(emulator.requests) == 3


# --- stream_chunk_timeout on astream: a deadline, as in ChatOpenAI ---

STALLS: dict[str, Callable[[], Fault]] = {
    # Comments for 3 s before the first event, every 0.05 s.
    "keep_alive_before_first_event": lambda: KeepAlive(count=60, interval=0.05),
    # Comments for 3 s after the first event.
    "keep_alive_between_events": lambda: KeepAlive(
        count=60, interval=0.05, after_chunks=1
    ),
    # The first event, one byte every 10 ms: several seconds.
    "dripped_first_event": lambda: DrippedStream(byte_delay=0.01),
}


@pytest.mark.parametrize("stall", list(STALLS))
async def test_astream_chunk_timeout_is_a_deadline(
    emulator: MiniMaxEmulator, model: Any, stall: str
) -> None:
    emulator.add_reply(Reply(content="Late but whole.", chunk_size=5))
    emulator.add_fault(STALLS[stall]())
    with pytest.raises(MiniMaxStreamChunkTimeoutError) as info:
        async for _ in model(stream_chunk_timeout=0.5).astream("Hi"):
            pass
    assert info.value.timeout_s == 0.5
    assert "stream_chunk_timeout" in str(info.value)


@pytest.mark.parametrize("stall", list(STALLS))
async def test_chat_openai_times_out_the_same_stalls(
    emulator: MiniMaxEmulator, make_model: Callable[..., ChatMiniMax], stall: str
) -> None:
    key = make_model().minimax_api_key
    assert key is not None
    theirs = ChatOpenAI(
        model="MiniMax-M2",
        base_url=emulator.base_url,
        api_key=key.get_secret_value(),
        max_retries=0,
        stream_chunk_timeout=0.5,
        http_async_client=openai.DefaultAsyncHttpxClient(),
    )
    emulator.add_reply(Reply(content="Late but whole.", chunk_size=5))
    emulator.add_fault(STALLS[stall]())
    with pytest.raises(StreamChunkTimeoutError):
        async for _ in theirs.astream("Hi"):
            pass


async def test_keep_alives_within_the_deadline_are_harmless(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    emulator.add_reply(Reply(content="On time.", chunk_size=4))
    emulator.add_fault(KeepAlive(count=3, interval=0.01))
    chunks = [c.text async for c in model(stream_chunk_timeout=5).astream("Hi")]
    assert "".join(chunks) == "On time."


# --- what bounds a sync stream: `timeout`, per read (see README) ---


def test_sync_stream_timeout_bounds_each_read(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    # Nothing arrives for 2 s after the first chunk: the read times out.
    emulator.add_reply(Reply(content="Slow to come.", chunk_size=4))
    emulator.add_fault(StalledStream(chunk_delay=2.0))
    with pytest.raises(MiniMaxTimeoutError):
        for _ in model(timeout=0.5).stream("Hi"):
            pass


def test_sync_stream_timeout_is_not_a_deadline(
    emulator: MiniMaxEmulator, model: Any
) -> None:
    # Keep-alive comments every 0.1 s for 1.2 s: each read gets bytes within
    # `timeout`, so the stream goes on, longer than `timeout`, to the end.
    emulator.add_reply(Reply(content="Kept alive.", chunk_size=4))
    emulator.add_fault(KeepAlive(count=12, interval=0.1))
    chunks = [chunk.text for chunk in model(timeout=0.5).stream("Hi")]
    assert "".join(chunks) == "Kept alive."
